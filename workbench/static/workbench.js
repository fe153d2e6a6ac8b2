// A submitted form's buttons are disabled until the next page: a double click sends once (the
// idempotency key rendered into the form covers a retry that gets through anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
  }, 0);
});
