// The masking page's drawing aid (templates/supervision/evidence/access_masking.html): drag a rectangle on the
// picture and it fills a zone's x / y / width / height fields, in percent of the picture. The numeric fields stay
// the way to enter or adjust a zone with the keyboard; this script only helps. The rectangles are SVG elements
// placed by their attributes in a 0–100 viewBox: the CSP forbids style attributes, and percent is what the
// server expects.
(function () {
  "use strict";
  var form = document.querySelector("[data-masking-form]");
  var canvas = document.querySelector("[data-masking-canvas]");
  if (!form || !canvas) {
    return;
  }
  var SVG = "http://www.w3.org/2000/svg";
  var overlay = canvas.querySelector("[data-masking-overlay]");
  var rows = form.querySelector("[data-mask-rows]");
  var template = form.querySelector("[data-mask-template]");
  var total = form.querySelector('input[name$="-TOTAL_FORMS"]');
  var maximum = form.querySelector('input[name$="-MAX_NUM_FORMS"]');
  var addButton = form.querySelector("[data-mask-add]");
  var start = null;
  var drawing = null;
  var current = null; // the zone whose fields have the focus: its rectangle stands out

  function field(row, name) {
    return row.querySelector('[data-mask-field="' + name + '"]');
  }

  function value(row, name) {
    var input = field(row, name);
    var number = input ? parseFloat(String(input.value).replace(",", ".")) : NaN;
    return isNaN(number) ? null : number;
  }

  function deleted(row) {
    var box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
    return Boolean(box && box.checked);
  }

  function empty(row) {
    return ["x", "y", "w", "h"].every(function (name) {
      return value(row, name) === null;
    });
  }

  function rectangle(x, y, w, h, className) {
    var rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", String(x));
    rect.setAttribute("y", String(y));
    rect.setAttribute("width", String(w));
    rect.setAttribute("height", String(h));
    if (className) {
      rect.setAttribute("class", className);
    }
    return rect;
  }

  function redraw() {
    while (overlay.firstChild) {
      overlay.removeChild(overlay.firstChild);
    }
    rows.querySelectorAll("[data-mask-row]").forEach(function (row) {
      var x = value(row, "x");
      var y = value(row, "y");
      var w = value(row, "w");
      var h = value(row, "h");
      if (deleted(row) || x === null || y === null || w === null || h === null || w <= 0 || h <= 0) {
        return;
      }
      overlay.appendChild(rectangle(x, y, w, h, row === current ? "current" : ""));
    });
    if (drawing) {
      overlay.appendChild(drawing);
    }
  }

  function addRow() {
    var index = parseInt(total.value, 10);
    if (maximum && index >= parseInt(maximum.value, 10)) {
      return null;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return rows.lastElementChild;
  }

  // A rectangle drawn fills the first empty zone (or a new one): to redraw a zone, tick « Supprimer » or clear it.
  function rowToFill() {
    var free = Array.prototype.filter.call(rows.querySelectorAll("[data-mask-row]"), function (row) {
      return empty(row) && !deleted(row);
    });
    return free.length ? free[0] : addRow();
  }

  function percent(event) {
    var box = canvas.getBoundingClientRect();
    var x = ((event.clientX - box.left) / box.width) * 100;
    var y = ((event.clientY - box.top) / box.height) * 100;
    return { x: Math.min(100, Math.max(0, x)), y: Math.min(100, Math.max(0, y)) };
  }

  function round(number) {
    return String(Math.round(number * 100) / 100);
  }

  function box(a, b) {
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) {
      return;
    }
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    start = percent(event);
    drawing = rectangle(start.x, start.y, 0, 0, "drawing");
    redraw();
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!start) {
      return;
    }
    var area = box(start, percent(event));
    drawing.setAttribute("x", String(area.x));
    drawing.setAttribute("y", String(area.y));
    drawing.setAttribute("width", String(area.w));
    drawing.setAttribute("height", String(area.h));
  });

  function finish(event) {
    if (!start) {
      return;
    }
    var area = box(start, percent(event));
    start = null;
    drawing = null;
    if (area.w >= 0.5 && area.h >= 0.5) {
      var row = rowToFill();
      if (row) {
        field(row, "x").value = round(area.x);
        field(row, "y").value = round(area.y);
        field(row, "w").value = round(area.w);
        field(row, "h").value = round(area.h);
      }
    }
    redraw();
  }

  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", function () {
    start = null;
    drawing = null;
    redraw();
  });

  form.addEventListener("focusin", function (event) {
    current = event.target.closest ? event.target.closest("[data-mask-row]") : null;
    redraw();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && start) {
      start = null;
      drawing = null;
      redraw();
    }
  });
  form.addEventListener("input", redraw);
  form.addEventListener("change", redraw);

  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var row = addRow();
      if (row) {
        field(row, "x").focus();
      }
    });
  }

  var image = canvas.querySelector("[data-masking-image]");
  if (image && !image.complete) {
    image.addEventListener("load", redraw);
  }
  redraw();
})();
