/* The panel's few behaviours (staff shell and portal): the phone menu, stacked table rows, copy buttons. No inline scripts (they would need CSP exceptions). */
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".menu-toggle");
  if (!toggle) return;
  var open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  document.getElementById(toggle.getAttribute("aria-controls")).classList.toggle("open", open);
});

/* On a phone a table stacks its rows; each cell carries its column's name (set again after swaps). */
function labelCells(root) {
  root.querySelectorAll("table.table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", heads[i]);
        }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
document.addEventListener("htmx:afterSettle", function (event) { labelCells(event.target); });

/* Copy buttons (MX records, a new API key). */
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) return;
  var text = button.dataset.copy, done = function () { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, done); return; }
  var area = document.createElement("textarea"); area.value = text; document.body.appendChild(area);
  area.select(); try { document.execCommand("copy"); } catch (e) {} area.remove(); done();
});
