// The summary of a form's errors (components/form_errors.html, RGAA 11.10-11.11): on a page sent back with errors
// it takes the focus, so that a screen reader reads it first; each of its links moves the focus to its field
// (opening the <details> that holds it), not only the scroll. Included with every summary, so it may run more than
// once on a page: each summary is handled once.
(function () {
  "use strict";

  function reveal(target) {
    for (let node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  function handle(summary) {
    summary.setAttribute("data-form-errors", "ready");
    summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
      link.addEventListener("click", function (event) {
        const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
        if (!target) return;
        event.preventDefault();
        reveal(target);
        target.focus();
        target.scrollIntoView({ block: "center" });
      });
    });
  }

  const waiting = Array.from(document.querySelectorAll("[data-form-errors]:not([data-form-errors='ready'])"));
  if (!waiting.length) return;
  waiting.forEach(handle);
  waiting[0].focus();
})();
