// Deferred days only mean something with deferred terms: disable the field otherwise.
// Progressive enhancement only; the server checks the same rule.
(function () {
  var form = document.querySelector("[data-card-form]");
  if (!form) return;
  var terms = form.querySelector("[name=payment_terms]");
  var days = form.querySelector("[name=deferred_days]");
  if (!terms || !days) return;
  function sync() {
    var deferred = terms.value === "deferred";
    days.disabled = !deferred;
    if (!deferred) days.value = "";
  }
  terms.addEventListener("change", sync);
  sync();
})();
