// Live notifications: a websocket to the realtime process; the unread count follows, new items are announced.
(function () {
  "use strict";
  const body = document.body;
  const url = body.dataset.wsUrl;
  if (!url || !("WebSocket" in window)) return;
  const badge = document.querySelector("[data-notification-badge]");
  const counter = document.querySelector("[data-notification-count]");
  const live = document.getElementById("notification-live");
  // On connect the realtime process sends the unread notifications then their count: only what arrives after
  // that is news to announce (the page already shows the count).
  let primed = false;
  let delay = 1000;
  let failures = 0; // consecutive connections that never opened (refused, or the realtime process is down)

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener("open", function () { delay = 1000; failures = 0; });
    socket.addEventListener("message", function (event) {
      const data = JSON.parse(event.data);
      if (data.type === "unread") {
        primed = true;
        if (counter) counter.textContent = String(data.count);
        if (badge) badge.hidden = data.count === 0;
      } else if (data.type === "notification" && live && primed) {
        live.textContent = data.title;
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401) return; // not signed in: do not retry
      failures += 1;
      if (failures > 5) return; // the page still works; a reload tries again
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
