/* Forms carrying data-confirm ask before they are sent (destructive or disruptive actions: a reset, lifting a
   power cap). Without JavaScript the form is sent at once, as a plain form. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
