// Warns before leaving a page whose form holds input not yet sent (a review's notes and
// ticks, a decision being typed, a "what was done" note). Every form marked
// `data-unsaved-warning` is watched; sending a form clears its own input from the watch, so
// sending one form while another holds typed input still asks first. Loaded as a file: the
// Content-Security-Policy forbids inline script.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) return;
  var dirty = new Set();
  forms.forEach(function (form) {
    var mark = function () { dirty.add(form); };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty.delete(form); });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty.size) return;
    event.preventDefault();
    event.returnValue = "";  // older Chromium shows the prompt only when this is set
  });
})();
