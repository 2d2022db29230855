/* Statuses and sources admin page: drag-and-drop reorder (vendored Sortable) and the colour
   picker kept in step with the hex field. The server validates the hex colour too. */
(function () {
  "use strict";
  var HEX = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

  function toSix(v) {
    v = v.trim();
    if (v.charAt(0) !== "#") { v = "#" + v; }
    if (v.length === 4) { v = "#" + v[1] + v[1] + v[2] + v[2] + v[3] + v[3]; }
    return v.toLowerCase();
  }

  function initSortable(root) {
    if (!window.Sortable) { return; }
    (root || document).querySelectorAll("[data-sortable]").forEach(function (list) {
      if (list._sortable) { return; }
      list._sortable = window.Sortable.create(list, {
        handle: ".drag-handle",
        draggable: ".attr-item",
        animation: 120,
        forceFallback: true,          // mouse/touch events: the same on phones and in tests
        fallbackTolerance: 3,
        ghostClass: "attr-ghost",
        chosenClass: "attr-chosen",
        onEnd: function (ev) {
          if (ev.oldIndex !== ev.newIndex) {
            list.classList.add("is-saving");
            window.htmx.trigger(list, "reordered");
          }
        }
      });
    });
  }

  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("input.color-picker[data-hex-target]")) {
      var hex = document.getElementById(el.getAttribute("data-hex-target"));
      if (hex) { hex.value = el.value; }
    } else if (el.matches && el.matches("input.hex-input")) {
      var picker = el.closest(".color-field") && el.closest(".color-field").querySelector("input.color-picker");
      if (picker && HEX.test(el.value.trim())) { picker.value = toSix(el.value); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () { initSortable(document); });
  document.addEventListener("htmx:load", function (ev) { initSortable(ev.detail.elt); });
})();
