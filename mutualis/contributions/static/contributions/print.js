// The print button needs JavaScript, so it stays hidden until this script shows it.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
