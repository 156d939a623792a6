/* Fibre progress charts: each <canvas data-fibre-chart="ID"> is drawn from the JSON of <script id="ID">
   (labels and datasets: target, connectable, connected). The same figures are in the table after the chart. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var count = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
  // Colours with a contrast of at least 3:1 against white (WCAG 1.4.11); the target is also dashed.
  var styles = {
    target: { borderColor: "#716043", borderDash: [6, 4], pointRadius: 0 },
    connectable: { borderColor: "#000091", backgroundColor: "rgba(0, 0, 145, 0.08)", fill: true },
    connected: { borderColor: "#1f6f50" }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.fibreChart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          return Object.assign({ label: dataset.label, data: dataset.data, borderWidth: 2, spanGaps: false },
            styles[dataset.key] || {});
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        locale: "fr-FR",
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { callback: function (value) { return count.format(value); } } } },
        plugins: {
          legend: { display: true, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + " : " + count.format(context.parsed.y) + " locaux";
              }
            }
          }
        }
      }
    });
    canvas.dataset.ready = "true";
  }

  document.querySelectorAll("canvas[data-fibre-chart]").forEach(draw);
})();
