/* Placing a point in a commune: each `.point-picker` map draws the contour of the commune chosen in a select, a
   marker at the latitude/longitude typed in two fields, and a click on the map fills those fields. The fields stay
   the keyboard way (and the no-JavaScript way) to give the point; the server checks it is inside the commune.

   Needs Leaflet and map.js (window.territoryMaps) loaded first. Data attributes of the container: contours (id of a json_script FeatureCollection whose features carry
   `properties.id` = the select's option value), commune-field, latitude-field, longitude-field (element ids),
   status (id of a role="status" element), placed (message with %(lat)s and %(lon)s), tile-url, tile-attribution,
   zoom-in, zoom-out. Optional geocoding of an address: see geocode() below. */
(function () {
  "use strict";

  var DEFAULT_VIEW = { center: [48.8, 2.0], zoom: 9 };

  function parseNumber(text) {
    var value = parseFloat(String(text || "").trim().replace(/\s/g, "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function formatNumber(value) {
    // French decimal comma, six decimals (about ten centimetres): what the form's localized fields read.
    return value.toFixed(6).replace(".", ",");
  }

  function setup(container) {
    if (typeof L === "undefined" || !window.territoryMaps) {
      return;
    }
    var maps = window.territoryMaps;
    var byId = function (name) {
      return document.getElementById(container.dataset[name] || "");
    };
    var communeField = byId("communeField");
    var latField = byId("latitudeField");
    var lonField = byId("longitudeField");
    var status = byId("status");
    var source = byId("contours");
    var contours = source ? JSON.parse(source.textContent) : { features: [] };

    var map = maps.create(container);
    var contourLayer = null;
    var marker = null;

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    function drawContour() {
      if (contourLayer) {
        map.removeLayer(contourLayer);
        contourLayer = null;
      }
      var chosen = communeField ? communeField.value : "";
      var feature = contours.features.filter(function (f) {
        return String((f.properties || {}).id) === chosen;
      })[0];
      if (feature) {
        contourLayer = L.geoJSON(feature, { style: maps.contourStyle, interactive: false }).addTo(map);
        map.fitBounds(contourLayer.getBounds(), { padding: [12, 12] });
      } else if (!marker) {
        map.setView(DEFAULT_VIEW.center, DEFAULT_VIEW.zoom);
      }
    }

    function showPoint(lat, lon, pan) {
      if (lat === null || lon === null) {
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        return;
      }
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.circleMarker([lat, lon], maps.pointStyle).addTo(map);
      }
      if (pan) {
        map.panTo([lat, lon]);
      }
    }

    function place(lat, lon, message, pan) {
      latField.value = formatNumber(lat);
      lonField.value = formatNumber(lon);
      showPoint(lat, lon, Boolean(pan));
      var placed = (container.dataset.placed || "%(lat)s, %(lon)s")
        .replace("%(lat)s", latField.value)
        .replace("%(lon)s", lonField.value);
      say(message || placed);
    }

    function fromFields() {
      showPoint(parseNumber(latField.value), parseNumber(lonField.value), true);
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng);
    });
    if (communeField) {
      communeField.addEventListener("change", drawContour);
    }
    latField.addEventListener("change", fromFields);
    lonField.addEventListener("change", fromFields);

    drawContour();
    fromFields();
    if (!contourLayer && marker) {
      map.setView(marker.getLatLng(), 15);
    }
    container.pointPicker = { place: place, say: say };
    container.dataset.ready = "true";
    geocode(container, communeField, byId("addressField"));
  }

  /* Geocoding: a button `data-geocode-for="<map id>"` whose data-url is this site's geocoding endpoint (same
     origin: the server asks the Base Adresse Nationale) and which stays hidden when that URL is empty (geocoding
     off). The map's data-address-field names the address field; data-need-address, data-searching and
     data-unreachable are the messages; the endpoint's JSON gives latitude, longitude and message, or a message. */
  function geocode(container, communeField, addressField) {
    var button = document.querySelector("button[data-url][data-geocode-for='" + container.id + "']");
    if (!button || !button.dataset.url || !addressField || typeof fetch === "undefined") {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var picker = container.pointPicker;
      var address = addressField.value.trim();
      var commune = communeField ? communeField.value : "";
      if (!address || !commune) {
        picker.say(container.dataset.needAddress || "");
        return;
      }
      picker.say(container.dataset.searching || "");
      var url = button.dataset.url + "?" + new URLSearchParams({ adresse: address, commune: commune }).toString();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (answer) {
          if (answer.ok) {
            picker.place(answer.data.latitude, answer.data.longitude, answer.data.message, true);
          } else {
            picker.say(answer.data.message || container.dataset.unreachable || "");
          }
        })
        .catch(function () {
          picker.say(container.dataset.unreachable || "");
        });
    });
  }

  function init() {
    document.querySelectorAll(".point-picker").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
