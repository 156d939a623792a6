// BPU upload: while a large file is sent and checked, show a progress element instead of a frozen page.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-bpu-upload]");
  const status = document.getElementById("bpu-progress");
  if (!form || !status) return;
  form.addEventListener("submit", () => {
    status.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
  });
});
