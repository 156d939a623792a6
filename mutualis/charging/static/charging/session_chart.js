/* A session's meter values: energy delivered (kWh) and power (kW) over time, drawn with Chart.js from the JSON of
   <script id="…"> named by the canvas's data-chart. While the session is open (data-refresh-url), the readings are
   fetched again every data-refresh seconds and the chart redrawn. The same values are in the table of the page. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 3 });
  var time = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

  function labels(spec) {
    var rows = spec.energy.length ? spec.energy : spec.power;
    return rows.map(function (row) { return time.format(new Date(row.x)); });
  }

  function datasets(canvas, spec) {
    // Power is matched to the energy readings' times when both exist; the axis is per measurand.
    var byTime = {};
    spec.power.forEach(function (row) { byTime[row.x] = row.y; });
    var base = spec.energy.length ? spec.energy : spec.power;
    return [
      { label: canvas.dataset.energyLabel, yAxisID: "energy", borderColor: "#000091", borderWidth: 2,
        data: spec.energy.map(function (row) { return row.y; }) },
      { label: canvas.dataset.powerLabel, yAxisID: "power", borderColor: "#1f6f50", borderDash: [6, 4], borderWidth: 2,
        data: base.map(function (row) { return byTime[row.x] === undefined ? null : byTime[row.x]; }) }
    ];
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: labels(spec), datasets: datasets(canvas, spec) },
      options: {
        maintainAspectRatio: false,
        animation: false,
        locale: "fr-FR",
        interaction: { mode: "index", intersect: false },
        scales: {
          energy: { type: "linear", position: "left", beginAtZero: true,
            ticks: { callback: function (value) { return number.format(value); } } },
          power: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false } }
        },
        plugins: { legend: { display: true, position: "bottom" } }
      }
    });
    canvas.dataset.ready = "true";
    canvas.dataset.points = String(spec.energy.length);
    var url = canvas.dataset.refreshUrl;
    if (!url) {
      return;
    }
    var timer = window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (next) {
          if (!next) {
            return;
          }
          chart.data.labels = labels(next);
          chart.data.datasets = datasets(canvas, next);
          chart.update();
          canvas.dataset.points = String(next.energy.length);
          if (!next.active) {
            window.clearInterval(timer);
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }, 1000 * (parseInt(canvas.dataset.refresh, 10) || 5));
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
