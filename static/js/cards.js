// On a phone a list table is shown as one card per row (app.css); each cell keeps its
// column's name, copied here from the table's header into data-label. Without this
// script the cards still show every value, only without the names.
(function () {
  function label(root) {
    root.querySelectorAll("table.list").forEach(function (table) {
      var names = [];
      table.querySelectorAll("thead th").forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan") || "1", 10);
        for (var i = 0; i < span; i++) names.push(th.textContent.trim());
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var at = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && names[at]) {
            cell.setAttribute("data-label", names[at]);
          }
          at += parseInt(cell.getAttribute("colspan") || "1", 10);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target); });
})();
