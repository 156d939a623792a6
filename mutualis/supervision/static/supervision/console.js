/* The operator console: the live queue of alarms over the realtime process's websocket (new alarms appear without
   reload), sorted by priority then age, with keyboard shortcuts (n next, p previous, c claim, q qualify, Enter
   open) and the map of sites. The page works without it: the server-rendered table and its forms stay usable. */
(function () {
  "use strict";
  var table = document.querySelector("[data-console]");
  if (!table) return;
  var body = table.querySelector("[data-queue]");
  var status = document.querySelector("[data-console-status]");
  var live = document.querySelector("[data-console-live]");
  var count = document.querySelector("[data-queue-count]");
  var empty = document.querySelector("[data-queue-empty]");
  var csrf = table.dataset.csrf;
  var alarms = new Map();
  var selected = null;
  var primed = false;
  var source = document.getElementById("queue-data");
  JSON.parse(source ? source.textContent : "[]").forEach(function (row) { alarms.set(row.id, row); });

  function setStatus(text, state) {
    if (!status) return;
    status.textContent = text;
    status.dataset.state = state;
  }

  function cell(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function claimForm(row) {
    var form = document.createElement("form");
    form.method = "post";
    form.noValidate = true;
    form.action = row.url + "claim/";
    form.className = "inline";
    [["csrfmiddlewaretoken", csrf], ["next", "console"]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    var button = cell("button", "Prendre");
    button.type = "submit";
    button.className = "button button-secondary";
    button.dataset.claim = "";
    form.appendChild(button);
    return form;
  }

  function rowFor(row) {
    var tr = document.createElement("tr");
    tr.dataset.id = String(row.id);
    tr.tabIndex = -1;
    tr.className = "priority-" + row.priority + (row.id === selected ? " selected" : "");
    var badge = cell("span", row.priority_label);
    badge.className = "badge priority-badge";
    var td = cell("td");
    td.appendChild(badge);
    tr.appendChild(td);
    var th = cell("th");
    th.scope = "row";
    var link = cell("a", row.title);
    link.href = row.url;
    th.appendChild(link);
    if (row.event_count > 1) {
      var small = cell("span", " (" + row.event_count + ")");
      small.className = "small";
      th.appendChild(small);
    }
    tr.appendChild(th);
    var site = cell("td", row.site + " ");
    var commune = cell("span", row.commune);
    commune.className = "small";
    site.appendChild(commune);
    tr.appendChild(site);
    tr.appendChild(cell("td", row.device || "—"));
    var when = cell("td");
    var time = cell("time", new Date(row.first_event_at).toLocaleTimeString("fr-FR"));
    time.dateTime = row.first_event_at;
    when.appendChild(time);
    tr.appendChild(when);
    tr.appendChild(cell("td", row.status_label + (row.claimed_by ? " — " + row.claimed_by : "")));
    var snap = cell("td");
    if (row.snapshot) {
      var img = document.createElement("img");
      img.src = row.snapshot;
      img.alt = "Vignette : " + row.title;
      img.className = "snapshot";
      img.loading = "lazy";
      snap.appendChild(img);
    } else {
      snap.textContent = "—";
    }
    tr.appendChild(snap);
    var action = cell("td");
    action.appendChild(claimForm(row));
    tr.appendChild(action);
    return tr;
  }

  function sorted() {
    return Array.from(alarms.values()).sort(function (a, b) {
      return a.priority - b.priority || (a.first_event_at < b.first_event_at ? -1 : a.first_event_at > b.first_event_at ? 1 : a.id - b.id);
    });
  }

  function render() {
    var focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest("tr[data-id]");
    var keep = focusedId ? Number(focusedId.dataset.id) : null;
    var rows = sorted();
    body.replaceChildren.apply(body, rows.map(rowFor));
    if (count) count.textContent = String(rows.length);
    if (empty) empty.hidden = rows.length > 0;
    if (keep !== null) focusRow(keep);
  }

  function receive(data) {
    if (data.type === "queue") {
      alarms.clear();
      data.alarms.forEach(function (row) { alarms.set(row.id, row); });
      primed = true;
      render();
    } else if (data.type === "alarms") {
      // A frame of changed alarms (a storm comes as several): one render, one announcement.
      var fresh = [];
      data.alarms.forEach(function (row) {
        if (!alarms.has(row.id) && row.open) fresh.push(row);
        if (row.open) alarms.set(row.id, row); else alarms.delete(row.id);
      });
      render();
      if (primed && live && fresh.length === 1) {
        live.textContent = "Nouvelle alarme : " + fresh[0].priority_label + ", " + fresh[0].title + ", " + fresh[0].site;
      } else if (primed && live && fresh.length > 1) {
        live.textContent = fresh.length + " nouvelles alarmes.";
      }
    }
  }

  var delay = 1000;
  function connect() {
    var url = table.dataset.wsUrl;
    if (!url || !("WebSocket" in window)) { setStatus("File en direct indisponible : rechargez la page pour la mettre à jour.", "closed"); return; }
    var socket = new WebSocket(url);
    socket.addEventListener("open", function () { delay = 1000; setStatus("File en direct : connectée.", "open"); });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 4403) { setStatus("File en direct refusée : reconnectez-vous.", "closed"); return; }
      setStatus("File en direct : déconnectée, nouvelle tentative…", "closed");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  function rows() { return Array.from(body.querySelectorAll("tr[data-id]")); }

  function focusRow(id) {
    var target = body.querySelector('tr[data-id="' + id + '"]');
    rows().forEach(function (tr) { tr.classList.remove("selected"); });
    if (!target) { selected = null; return; }
    selected = id;
    target.classList.add("selected");
    target.focus();
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.findIndex(function (tr) { return Number(tr.dataset.id) === selected; });
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), list.length - 1);
    focusRow(Number(list[next].dataset.id));
  }

  function current() {
    var list = rows();
    if (selected === null && list.length) focusRow(Number(list[0].dataset.id));
    return selected === null ? null : alarms.get(selected);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var row;
    if (event.key === "n" || event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "p" || event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "c") {
      row = current();
      var form = row && body.querySelector('tr[data-id="' + row.id + '"] form');
      if (form) { event.preventDefault(); form.requestSubmit(); }
    } else if (event.key === "q") {
      row = current();
      if (row) { event.preventDefault(); window.location.assign(row.url + "#qualifier"); }
    } else if (event.key === "Enter" && event.target.closest && event.target.closest("tr[data-id]")) {
      row = alarms.get(Number(event.target.closest("tr[data-id]").dataset.id));
      if (row) { event.preventDefault(); window.location.assign(row.url); }
    }
  });

  function drawMap() {
    var container = document.querySelector("[data-sites-map]");
    var data = container && document.getElementById(container.dataset.sitesMap);
    if (!container || !data || typeof L === "undefined") return;
    var points = JSON.parse(data.textContent);
    var map = L.map(container, { scrollWheelZoom: false });
    if (container.dataset.tileUrl) {
      L.tileLayer(container.dataset.tileUrl, { attribution: container.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var markers = points.map(function (p) {
      return L.circleMarker([p.lat, p.lon], {
        radius: p.open ? 9 : 5, color: "#1e1e1e", weight: 1,
        fillColor: p.open ? "#c9191e" : "#2f75b5", fillOpacity: 0.85
      }).bindTooltip(p.name + (p.open ? " : " + p.open + " alarme(s) ouverte(s)" : "")).addTo(map);
    });
    if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [12, 12], maxZoom: 14 });
    else map.setView([48.8, 2.1], 10);
    container.dataset.ready = "true";
  }

  render();
  connect();
  if (document.readyState === "complete") drawMap(); else window.addEventListener("load", drawMap);
})();
