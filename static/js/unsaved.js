// Warns before leaving a page whose form holds input not yet sent (a review's notes and
// ticks, a decision being typed). Any form marked `data-unsaved-warning` is watched; sending
// that form (any of its buttons) is not "leaving". Loaded as a file: the CSP forbids inline
// script.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) return;
  var dirty = false;
  var sending = false;
  forms.forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { sending = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty || sending) return;
    event.preventDefault();
    event.returnValue = "";  // older Chromium shows the prompt only when this is set
  });
})();
