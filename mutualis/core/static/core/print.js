// Print buttons ([data-print]) need JavaScript: hidden until this script shows them and wires them to the browser's
// print dialog (no inline handler: the Content-Security-Policy allows scripts from files only).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
