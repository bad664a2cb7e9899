/* Sortable register tables, as a progressive enhancement.
 *
 * Without this script a register is a plain table in its published order. With it, each
 * header marked data-sort-type becomes a button; pressing it (mouse, Enter or Space) sorts
 * the rows by that column, ascending then descending. aria-sort on the header tells screen
 * readers the order, and a polite live region says what happened. Cells may carry a
 * data-sort value (an ISO date, a plain number) to sort by instead of their text.
 */
(function () {
  "use strict";

  function cellValue(row, index, type) {
    var cell = row.cells[index];
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (raw === "") return null;
    if (type === "number") {
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return raw;
  }

  function compare(a, b, type) {
    if (type === "number") return a - b;
    // ISO dates sort as text; other text in the reader's language, numbers inside it as numbers.
    return String(a).localeCompare(String(b), "en-GB", { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, status) {
    var headers = table.tHead.rows[0].cells;
    var index = Array.prototype.indexOf.call(headers, header);
    var type = header.getAttribute("data-sort-type");
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(headers, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");

    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, position) {
      return { row: row, value: cellValue(row, index, type), position: position };
    });
    rows.sort(function (a, b) {
      // Empty cells go last in either direction; ties keep their order.
      if (a.value === null || b.value === null) {
        return a.value === b.value ? a.position - b.position : a.value === null ? 1 : -1;
      }
      var order = compare(a.value, b.value, type);
      return (ascending ? order : -order) || a.position - b.position;
    });
    rows.forEach(function (item) {
      body.appendChild(item.row);
    });
    status.textContent = "Sorted by " + header.textContent.trim() + ", " + (ascending ? "ascending" : "descending") + ".";
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var status = document.createElement("p");
    status.className = "tr-visually-hidden";
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(status, table.nextSibling);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
      if (!header.hasAttribute("data-sort-type")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "tr-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(table, header, status);
      });
    });
    table.classList.add("tr-sortable");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
})();
