/* The staff shell's few behaviours: the phone menu. No inline scripts (they would need CSP exceptions). */
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
