// The board's print button: a static file, as the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-board");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
});
