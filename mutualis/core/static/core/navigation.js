// The main navigation's disclosure menus (Achats, Adhérents…): each button opens and closes the list it controls
// (Enter and Space, as any button), Escape closes it and gives focus back to its button, and a menu closes when
// another opens or when focus or a click goes elsewhere. Without this script the menus stay open (noscript.css).
(function () {
  "use strict";
  const toggles = Array.from(document.querySelectorAll(".nav-toggle[aria-controls]"));
  if (!toggles.length) return;

  function setOpen(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeAll(except) {
    toggles.forEach(function (toggle) {
      if (toggle !== except) setOpen(toggle, false);
    });
  }

  toggles.forEach(function (toggle) {
    const group = toggle.parentElement;
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      closeAll(toggle);
      setOpen(toggle, open);
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(toggle, false);
        toggle.focus();
        event.preventDefault();
      }
    });
    group.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !group.contains(event.relatedTarget)) setOpen(toggle, false);
    });
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest(".nav-group")) closeAll(null);
  });
})();
