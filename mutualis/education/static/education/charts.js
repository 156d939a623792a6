/* Education charts: each <canvas data-education-chart="ID"> is drawn as horizontal bars from the JSON of
   <script id="ID"> (labels, one dataset of rates in percent). The same figures are in the table after the chart. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var percent = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.educationChart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          // A blue with a contrast above 3:1 against white (WCAG 1.4.11).
          return { label: dataset.label, data: dataset.data, backgroundColor: "#000091", borderWidth: 0 };
        })
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        locale: "fr-FR",
        scales: { x: { beginAtZero: true, max: 100, ticks: { callback: function (v) { return percent.format(v) + " %"; } } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return percent.format(c.parsed.x) + " %"; } } }
        }
      }
    });
    canvas.dataset.ready = "true";
  }

  document.querySelectorAll("canvas[data-education-chart]").forEach(draw);
})();
