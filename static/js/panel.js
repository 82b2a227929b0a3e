/* The panel's only script (besides htmx): copy buttons. Served as a file, so the CSP allows no inline script. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) return;
  var text = button.dataset.copy, done = function () { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, done); return; }
  var area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
  area.select(); try { document.execCommand("copy"); } catch (e) {} area.remove(); done();
});
