/* The live view of a camera: the picture is fetched again about once a second through the platform's proxy (a
   cache-busting query on each request), while the viewing session lasts. Pause/resume keeps the session; when it
   runs out, is stopped or the page is left, its end is told to the server (logged once in the access register).
   Three failed frames in a row (session over, habilitation withdrawn, camera silent) stop the view. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) return;
  var image = root.querySelector("[data-live-image]");
  var clock = root.querySelector("[data-live-clock]");
  var message = document.querySelector("[data-live-message]");
  var toggle = document.querySelector("[data-live-toggle]");
  var frameUrl = root.dataset.frameUrl;
  var session = root.dataset.session;
  var expires = new Date(root.dataset.expires).getTime();
  var PERIOD = 1000;
  var MAX_FAILURES = 3;
  var paused = false;
  var stopped = false;
  var failures = 0;
  var timer = null;
  var lastShown = null;

  function hhmmss(date) {
    return date.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function showClock() {
    if (!lastShown) return;
    clock.textContent = (paused ? "Direct en pause — dernière image à " : "Direct — actualisé à ") + hhmmss(lastShown);
  }

  function tellEnd(why) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", root.dataset.csrf);
    data.append("session", session);
    data.append("why", why);
    data.append("beacon", "1");
    if (navigator.sendBeacon) {
      navigator.sendBeacon(root.dataset.endUrl, data);
    } else {
      fetch(root.dataset.endUrl, { method: "POST", body: data, credentials: "same-origin", keepalive: true });
    }
  }

  function stop(why, text) {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    if (toggle) toggle.disabled = true;
    tellEnd(why);
    message.textContent = text + " ";
    var again = document.createElement("a");
    again.href = root.dataset.restartUrl;
    again.textContent = "Reprendre le direct (le motif vous sera redemandé)";
    message.appendChild(again);
    message.hidden = false;
    clock.textContent = lastShown ? "Direct arrêté — dernière image à " + hhmmss(lastShown) : "Direct arrêté";
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    if (!stopped && !paused) timer = setTimeout(next, PERIOD);
  }

  function next() {
    timer = null;
    if (stopped || paused) return;
    if (Date.now() >= expires) {
      stop("expired", "La session de visionnage a pris fin.");
      return;
    }
    var loader = new Image();
    loader.onload = function () {
      if (stopped) return;
      failures = 0;
      image.src = loader.src;
      lastShown = new Date();
      showClock();
      schedule();
    };
    loader.onerror = function () {
      failures += 1;
      if (failures >= MAX_FAILURES) {
        stop("stop", "L'image n'est plus disponible : la session a pris fin, l'habilitation a été retirée ou la caméra ne répond pas.");
      } else {
        schedule();
      }
    };
    loader.src = frameUrl + "?session=" + encodeURIComponent(session) + "&t=" + Date.now();
  }

  image.addEventListener("load", function () {
    if (!lastShown) {
      lastShown = new Date();
      showClock();
    }
  });

  if (toggle) {
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      toggle.textContent = paused ? "Reprendre" : "Mettre en pause";
      showClock();
      if (!paused) next();
    });
  }

  var stopForm = document.querySelector("form[action='" + root.dataset.endUrl + "']");
  if (stopForm) {
    stopForm.addEventListener("submit", function () {
      stopped = true; // the form itself logs the end
    });
  }

  // Leaving the page ends the session; if the browser brings the page back from its cache, it says so.
  window.addEventListener("pagehide", function () {
    stop("leave", "Le direct s'est arrêté quand vous avez quitté la page.");
  });

  schedule();
})();
