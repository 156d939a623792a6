/* The public map of charging stations: one marker per station from the GeoJSON at data-geojson-url (coloured by
   availability: a free point, all busy, reserved, out of order, unknown), a popup with each point's availability
   and a link to the station's page; refreshed every data-refresh seconds. The table of the page says the same in
   text, and its availability cells are refreshed from the same data. */
(function () {
  "use strict";

  var COLOURS = { available: "#1f6f50", occupied: "#000091", reserved: "#8a4b00", out_of_order: "#ce0500", unknown: "#666666" };

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text === null || text === undefined ? "" : String(text);
    return div.innerHTML;
  }

  function init(container) {
    if (typeof L === "undefined") {
      return;
    }
    var labels = JSON.parse(document.getElementById(container.dataset.labels).textContent);
    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: labels.zoom_in, zoomOutTitle: labels.zoom_out }).addTo(map);
    if (container.dataset.tileUrl) {
      L.tileLayer(container.dataset.tileUrl, { attribution: container.dataset.tileAttribution || "", maxZoom: 19 })
        .addTo(map);
    }
    var layer = L.layerGroup().addTo(map);
    var fitted = false;

    function popup(props) {
      var items = props.points.map(function (point) {
        return "<li>" + escape(point.id) + " — " + escape(point.power_kw) + " kW, " + escape(point.sockets.join(", ")) +
          " : <strong>" + escape(labels[point.availability] || labels.unknown) + "</strong></li>";
      }).join("");
      return "<p><strong>" + escape(props.name) + "</strong><br>" + escape(props.address) + "</p><ul>" + items +
        "</ul><p><a href=\"" + escape(props.url) + "\">" + escape(labels.details) + "</a></p>";
    }

    function render(collection) {
      layer.clearLayers();
      var bounds = [];
      collection.features.forEach(function (feature) {
        var props = feature.properties;
        var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        bounds.push(latlng);
        L.circleMarker(latlng, {
          radius: 9, color: "#1e1e1e", weight: 2, fillOpacity: 0.9,
          fillColor: COLOURS[props.availability] || COLOURS.unknown
        }).bindPopup(popup(props))
          .bindTooltip(props.name + " : " + props.available + "/" + props.total + " " + labels.free)
          .addTo(layer);
        props.points.forEach(function (point) {
          var cell = document.querySelector("[data-point=\"" + point.id + "\"]");
          if (cell && cell.dataset.availability !== point.availability) {
            cell.dataset.availability = point.availability;
            cell.textContent = labels[point.availability] || labels.unknown;
          }
        });
      });
      if (!fitted) {
        if (bounds.length) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
        } else {
          map.setView([48.8, 2.1], 10);
        }
        fitted = true;
      }
      container.dataset.ready = "true";
      container.dataset.markers = String(collection.features.length);
    }

    function load() {
      fetch(container.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (collection) { if (collection) { render(collection); } })
        .catch(function () { /* the next refresh tries again */ });
    }

    load();
    window.setInterval(load, 1000 * (parseInt(container.dataset.refresh, 10) || 30));
  }

  document.querySelectorAll(".charging-map[data-geojson-url]").forEach(init);
})();
