/* Monthly use: energy delivered (kWh, bars) and utilisation (%, line) per month, drawn with Chart.js from the JSON
   of <script id="…"> named by the canvas's data-monthly-chart. The table after the chart has the same figures. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  // Colours with a contrast of at least 3:1 against white (WCAG 1.4.11); the utilisation line is also dashed.
  var styles = {
    energy: { type: "bar", yAxisID: "energy", backgroundColor: "#000091" },
    utilisation: { type: "line", yAxisID: "utilisation", borderColor: "#1f6f50", borderDash: [6, 4], borderWidth: 2 }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.monthlyChart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          return Object.assign({ label: dataset.label, data: dataset.data }, styles[dataset.key] || {});
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        locale: "fr-FR",
        interaction: { mode: "index", intersect: false },
        scales: {
          energy: { type: "linear", position: "left", beginAtZero: true,
            ticks: { callback: function (value) { return number.format(value); } } },
          utilisation: { type: "linear", position: "right", beginAtZero: true, suggestedMax: 100,
            grid: { drawOnChartArea: false } }
        },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
    canvas.dataset.ready = "true";
  }

  document.querySelectorAll("canvas[data-monthly-chart]").forEach(draw);
})();
