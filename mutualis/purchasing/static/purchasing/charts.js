/* Purchasing dashboards: draws each <canvas data-chart="ID"> from the JSON of <script id="ID"> (json_script).
   The same figures are in the table that follows every chart, so the chart is decoration for screen readers. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var euro = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var percent = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  // Colours with a contrast of at least 3:1 against white (WCAG 1.4.11, non-text contrast).
  var palette = ["#000091", "#1f6f50", "#a94645", "#6a4a99", "#8c5300", "#00627a", "#716043", "#ae3a73"];

  function format(unit, value) {
    return unit === "percent" ? percent.format(value) + " %" : euro.format(value);
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var horizontal = Boolean(spec.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      ticks: { callback: function (value) { return format(spec.unit, value); } }
    };
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset, index) {
          return Object.assign({ backgroundColor: palette[index % palette.length], borderWidth: 0 }, dataset);
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        locale: "fr-FR",
        scales: scales,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = horizontal ? context.parsed.x : context.parsed.y;
                return context.dataset.label + " : " + format(spec.unit, value);
              }
            }
          }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
