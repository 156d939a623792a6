/* Coverage map: the communes of the plan (GeoJSON from a json_script element named by data-geojson) filled by
   their coverage class (properties.class, c1 … c5, the colours of fibre.css), a tooltip with the name and rate,
   a click opens the commune's page. The legend and the table of the page say the same in text. */
(function () {
  "use strict";

  var FILL = { c1: "#f0f3f9", c2: "#bdd7e7", c3: "#6baed6", c4: "#2f75b5", c5: "#0b3d7a" };
  var percent = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function style(feature) {
    return {
      color: "#1e1e1e",
      weight: 1,
      fillColor: FILL[feature.properties["class"]] || FILL.c1,
      fillOpacity: 0.85
    };
  }

  function drawMap(container) {
    var source = document.getElementById(container.dataset.geojson);
    if (!source || typeof L === "undefined") {
      return;
    }
    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: container.dataset.zoomIn, zoomOutTitle: container.dataset.zoomOut }).addTo(map);
    if (container.dataset.tileUrl) {
      L.tileLayer(container.dataset.tileUrl, { attribution: container.dataset.tileAttribution || "", maxZoom: 19 })
        .addTo(map);
    }
    var layer = L.geoJSON(JSON.parse(source.textContent), {
      style: style,
      onEachFeature: function (feature, featureLayer) {
        var props = feature.properties || {};
        var rate = props.rate === null || props.rate === undefined
          ? container.dataset.noData
          : percent.format(props.rate) + "\u00a0%";
        featureLayer.bindTooltip(props.name + " : " + rate, { sticky: true });
        if (props.url) {
          featureLayer.on("click", function () { window.location.assign(props.url); });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [8, 8] });
    } else {
      map.setView([48.8, 1.9], 9);
    }
    container.dataset.ready = "true";
  }

  function init() {
    document.querySelectorAll(".fibre-map[data-geojson]").forEach(drawMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
