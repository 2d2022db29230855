/* Lead list bulk actions: "select all on this page", the selected count, and the action
   button enabled only when there is something to do. The form itself is a plain POST. */
(function () {
  "use strict";

  function refresh(form) {
    if (!form) { return; }
    var boxes = form.querySelectorAll("input.row-check");
    var checked = form.querySelectorAll("input.row-check:checked");
    var all = form.querySelector("[data-check-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked.length === boxes.length;
      all.indeterminate = checked.length > 0 && checked.length < boxes.length;
    }
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = checked.length ? checked.length + " selected" : "Select leads to act on several at once";
    }
    var bar = form.querySelector("[data-bulk-bar]");
    if (bar) { bar.classList.toggle("has-selection", checked.length > 0); }
    var submit = form.querySelector("[data-bulk-submit]");
    var action = form.querySelector("select[name=do]");
    if (submit) { submit.disabled = !(checked.length && action && action.value); }
  }

  document.addEventListener("change", function (ev) {
    var form = ev.target.closest("#bulk-form");
    if (!form) { return; }
    if (ev.target.matches("[data-check-all]")) {
      form.querySelectorAll("input.row-check").forEach(function (b) { b.checked = ev.target.checked; });
    }
    refresh(form);
  });

  // Double clicks on "Apply to selected" must not start two jobs.
  document.addEventListener("submit", function (ev) {
    if (ev.target.id !== "bulk-form") { return; }
    var btn = ev.target.querySelector("[data-bulk-submit]");
    if (btn) { setTimeout(function () { btn.disabled = true; }, 0); }
  });

  document.addEventListener("htmx:load", function () { refresh(document.getElementById("bulk-form")); });
  document.addEventListener("DOMContentLoaded", function () { refresh(document.getElementById("bulk-form")); });
})();
