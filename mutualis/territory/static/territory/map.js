/* Territory maps: draws the GeoJSON named by each `.territory-map[data-geojson]` container with Leaflet.
   The GeoJSON (a geometry, a Feature or a FeatureCollection) comes from a json_script element; features may carry
   `name` (shown as a tooltip) and `url` (followed on click). Background tiles only when data-tile-url is set. */
(function () {
  "use strict";

  var STYLE = { color: "#1d3f8a", weight: 2, fillColor: "#1d3f8a", fillOpacity: 0.15 };

  function drawMap(container) {
    var source = document.getElementById(container.dataset.geojson);
    if (!source || typeof L === "undefined") {
      return;
    }
    var geojson = JSON.parse(source.textContent);
    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({
      zoomInTitle: container.dataset.zoomIn || "Zoom avant",
      zoomOutTitle: container.dataset.zoomOut || "Zoom arrière",
    }).addTo(map);
    if (container.dataset.tileUrl) {
      L.tileLayer(container.dataset.tileUrl, {
        attribution: container.dataset.tileAttribution || "",
        maxZoom: 19,
      }).addTo(map);
    }
    var layer = L.geoJSON(geojson, {
      style: STYLE,
      onEachFeature: function (feature, featureLayer) {
        var props = feature.properties || {};
        if (props.name) {
          featureLayer.bindTooltip(props.name, { sticky: true });
        }
        if (props.url) {
          featureLayer.on("click", function () {
            window.location.assign(props.url);
          });
        }
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([48.8, 2.0], 9);
    }
    container.dataset.ready = "true";
  }

  function init() {
    document.querySelectorAll(".territory-map[data-geojson]").forEach(drawMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
