/* The site form: on a new site, « Site visible du public » follows the kind chosen (checked for town halls,
   schools and public buildings: data-public-kinds) until the user ticks or unticks it. Without JavaScript it stays
   unchecked: nothing is published unless chosen. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("site-form");
    if (!form || form.dataset.proposePublic !== "true") {
      return;
    }
    var kind = form.querySelector("[name=kind]");
    var visible = form.querySelector("[name=is_public]");
    if (!kind || !visible) {
      return;
    }
    var publicKinds = (form.dataset.publicKinds || "").split(",");
    var touched = false;
    var propose = function () {
      if (!touched) {
        visible.checked = publicKinds.indexOf(kind.value) !== -1;
      }
    };
    visible.addEventListener("change", function () {
      touched = true;
    });
    kind.addEventListener("change", propose);
    propose();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
