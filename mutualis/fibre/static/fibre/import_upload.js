// Import upload: while a large file is being sent, show a progress element instead of a frozen page (the page
// the form leads to then shows the import's own progress, polled).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("[data-fibre-upload]");
  var status = document.getElementById("upload-progress");
  if (!form || !status) return;
  form.addEventListener("submit", function () {
    status.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
  });
});
