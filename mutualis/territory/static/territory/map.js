/* Territory maps: draws the GeoJSON named by each `.territory-map[data-geojson]` container with Leaflet.
   The GeoJSON (a geometry, a Feature or a FeatureCollection) comes from a json_script element; features may carry
   `name` (shown as a tooltip) and `url` (followed on click). Background tiles only when data-tile-url is set.
   Other apps add layers without territory knowing them: every json_script whose id starts with "<map id>-layer-"
   (e.g. the members' panel's "commune-map-layer-sites") is drawn on top, points as round markers. */
(function () {
  "use strict";

  var STYLE = { color: "#1d3f8a", weight: 2, fillColor: "#1d3f8a", fillOpacity: 0.15 };
  var POINT_STYLE = { radius: 7, color: "#8c1d17", weight: 2, fillColor: "#c9302c", fillOpacity: 0.85 };

  function withTooltips(feature, featureLayer) {
    var props = feature.properties || {};
    if (props.name) {
      featureLayer.bindTooltip(props.name, { sticky: true });
    }
    if (props.url) {
      featureLayer.on("click", function () {
        window.location.assign(props.url);
      });
    }
  }

  function drawLayers(container, map) {
    if (!container.id) {
      return;
    }
    document.querySelectorAll("script[type='application/json'][id^='" + container.id + "-layer-']").forEach(
      function (source) {
        L.geoJSON(JSON.parse(source.textContent), {
          // Leaflet applies `style` to the points' circle markers too: points keep their own colours.
          style: function (feature) {
            return feature.geometry && feature.geometry.type === "Point" ? POINT_STYLE : STYLE;
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, POINT_STYLE);
          },
          onEachFeature: withTooltips,
        }).addTo(map);
      }
    );
  }

  /* A Leaflet map in the container, with French zoom buttons and the background tiles if configured. */
  function createMap(container) {
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
    return map;
  }

  function drawMap(container) {
    var source = document.getElementById(container.dataset.geojson);
    if (!source || typeof L === "undefined") {
      return;
    }
    var geojson = JSON.parse(source.textContent);
    var map = createMap(container);
    var layer = L.geoJSON(geojson, { style: STYLE, onEachFeature: withTooltips }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([48.8, 2.0], 9);
    }
    drawLayers(container, map);
    container.dataset.ready = "true";
  }

  // Shared with point_picker.js (loaded after this file).
  window.territoryMaps = { create: createMap, contourStyle: STYLE, pointStyle: POINT_STYLE };

  function init() {
    document.querySelectorAll(".territory-map[data-geojson]").forEach(drawMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
