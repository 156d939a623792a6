/* The alarm page: « c » takes the alarm in hand, « q » goes to the qualification; the cause of a false alarm is
   asked only for that qualification (the server checks it either way). */
(function () {
  "use strict";
  var form = document.querySelector("[data-qualify]");
  var qualification = form && form.querySelector("select[name=qualification]");
  var cause = form && form.querySelector("select[name=cause]");
  function sync() {
    if (!qualification || !cause) return;
    var wrapper = cause.closest(".field") || cause.parentElement;
    wrapper.hidden = qualification.value !== "false_alarm";
  }
  if (qualification) { qualification.addEventListener("change", sync); sync(); }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    if (event.key === "c") {
      var claim = document.querySelector("[data-key=c]");
      if (claim) { event.preventDefault(); claim.click(); }
    } else if (event.key === "q" && qualification) {
      event.preventDefault();
      qualification.focus();
    }
  });
})();
