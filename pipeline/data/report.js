/* zhpipe report: layer switches, the gold switch, relation hover, error filters. */
(function () {
  "use strict";
  var body = document.body;

  function bind(input, apply) {
    input.addEventListener("change", apply);
    apply();
  }

  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    bind(box, function () { body.classList.toggle("hide-" + box.dataset.layer, !box.checked); });
  });

  var gold = document.getElementById("toggle-gold");
  if (gold) {
    if (window.location.hash === "#gold") { gold.checked = true; }
    bind(gold, function () { body.classList.toggle("show-gold", gold.checked); });
  }

  // Hovering a relation outlines its arguments in the text of the same pane.
  document.querySelectorAll(".rel-list").forEach(function (list) {
    var pane = document.querySelector('.pane[data-pane="' + list.dataset.pane + '"]');
    list.querySelectorAll(".rel[data-args]").forEach(function (card) {
      var ids = card.dataset.args.split(" ").filter(Boolean);
      function marks() {
        if (!pane) { return []; }
        return Array.prototype.filter.call(pane.querySelectorAll("mark[data-id]"), function (m) {
          return ids.indexOf(m.dataset.id) >= 0;
        });
      }
      card.addEventListener("mouseenter", function () {
        marks().forEach(function (m) { m.classList.add("hl"); });
      });
      card.addEventListener("mouseleave", function () {
        marks().forEach(function (m) { m.classList.remove("hl"); });
      });
      card.addEventListener("click", function () {
        var first = marks()[0];
        if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); }
      });
    });
  });

  // Evaluation page: filter the error list by stage and kind.
  var filters = document.querySelectorAll("select[data-filter]");
  function filter() {
    var shown = 0, rows = document.querySelectorAll("table.errors tbody tr");
    rows.forEach(function (row) {
      var keep = Array.prototype.every.call(filters, function (select) {
        return !select.value || row.dataset[select.dataset.filter] === select.value;
      });
      row.classList.toggle("filtered", !keep);
      if (keep) { shown += 1; }
    });
    var count = document.getElementById("shown-count");
    if (count) { count.textContent = shown + " of " + rows.length + " shown"; }
  }
  filters.forEach(function (select) { bind(select, filter); });
})();
