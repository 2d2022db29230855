/* Contacts pages: bulk selection, the detail page's dialog panel, the contact form's
   custom-field rows, portal password toggle and double-submit guard. Everything also
   works without this file (plain links and forms); this only makes it smoother. */
(function () {
  "use strict";

  // ---------------------------------------------------------------- list: selection
  function boxes(table) { return Array.prototype.slice.call(table.querySelectorAll("input[name=ids]")); }

  function refreshSelection(table) {
    if (!table) { return; }
    var all = boxes(table);
    var picked = all.filter(function (b) { return b.checked; });
    all.forEach(function (b) { var tr = b.closest("tr"); if (tr) { tr.classList.toggle("selected", b.checked); } });
    var count = table.querySelector("[data-selected-count]");
    if (count) {
      count.textContent = picked.length ? picked.length + " selected" : "Tick contacts to delete several at once.";
    }
    var del = table.querySelector("[data-bulk-delete]");
    if (del) {
      del.disabled = picked.length === 0;
      del.textContent = picked.length ? "Delete " + picked.length + " selected…" : "Delete selected…";
    }
    var master = table.querySelector("[data-select-all]");
    if (master) {
      master.checked = all.length > 0 && picked.length === all.length;
      master.indeterminate = picked.length > 0 && picked.length < all.length;
    }
  }

  function clearConfirm(table) {
    var box = table && table.querySelector("#bulk-confirm");
    if (box) { box.innerHTML = ""; }
  }

  document.addEventListener("change", function (ev) {
    var t = ev.target;
    var table = t.closest && t.closest("#contact-table");
    if (table && t.matches("[data-select-all]")) {
      boxes(table).forEach(function (b) { b.checked = t.checked; });
    }
    if (table && (t.matches("[data-select-all]") || t.name === "ids")) {
      clearConfirm(table);  // the confirmation listed the old selection
      refreshSelection(table);
    }
    if (t.matches && t.matches("#id_access_portal")) { togglePassword(); }
  });

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target : null;
    if (!t) { return; }
    var cancel = t.closest("[data-bulk-cancel]");
    if (cancel) {
      ev.preventDefault();
      clearConfirm(cancel.closest("#contact-table"));
      var first = document.querySelector("#contact-table [data-bulk-delete]");
      if (first) { first.focus(); }
      return;
    }
    var close = t.closest("[data-dialog-close]");
    var dialog = close && close.closest("#contact-dialog");
    if (dialog) {
      ev.preventDefault();
      dialog.innerHTML = "";
      return;
    }
    // a click anywhere on a contact row (not on its checkbox or a link) opens the contact
    var row = t.closest("#contact-table tr[data-href]");
    if (row && !t.closest("a, button, input, label, select") && !window.getSelection().toString()) {
      if (ev.ctrlKey || ev.metaKey) { window.open(row.dataset.href, "_blank"); } else { window.location.href = row.dataset.href; }
      return;
    }
    var add = t.closest("[data-cf-add]");
    if (add) { ev.preventDefault(); addRow(); return; }
    var remove = t.closest("[data-cf-remove]");
    if (remove) {
      ev.preventDefault();
      var row = remove.closest("[data-cf-row]");
      var rows = document.querySelectorAll("[data-cf-row]");
      if (rows.length > 1) { row.remove(); }
      else { row.querySelectorAll("input").forEach(function (i) { i.value = ""; }); }
    }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    var dialog = document.getElementById("contact-dialog");
    if (dialog && dialog.innerHTML.trim() && dialog.contains(document.activeElement)) { dialog.innerHTML = ""; }
    var confirm = document.querySelector("#bulk-confirm [data-bulk-confirm]");
    if (confirm) { clearConfirm(document.getElementById("contact-table")); }
  });

  // After htmx puts something in the dialog or the confirm box: move focus into it.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var target = ev.detail.target;
    if (!target) { return; }
    if (target.id === "contact-dialog" || target.id === "bulk-confirm") {
      var focus = null;
      ["select", "textarea", "input:not([type=hidden])", "button.btn-danger", ".alert", "h2"].some(function (sel) {
        focus = target.querySelector(sel);
        return !!focus;
      });
      if (focus) {
        if (!focus.matches("select, textarea, input, button")) { focus.setAttribute("tabindex", "-1"); }
        focus.focus();
      }
      if (target.scrollIntoView) { target.scrollIntoView({ block: "nearest" }); }
    }
    var table = document.getElementById("contact-table");
    if (table && (target === table || table.contains(target) || target.id === "contact-table")) {
      refreshSelection(table);
      // keep the toolbar's Sort select in step with a column header that was clicked
      var order = document.getElementById("contact-order");
      if (order && table.dataset.order) { order.value = table.dataset.order; }
    }
  });

  // ---------------------------------------------------------------- form
  function addRow() {
    var rows = document.querySelector("[data-cf-rows]");
    var last = rows && rows.querySelector("[data-cf-row]:last-of-type");
    if (!last) { return; }
    var copy = last.cloneNode(true);
    var n = rows.querySelectorAll("[data-cf-row]").length + 1;
    copy.querySelectorAll("input").forEach(function (i) {
      i.value = "";
      i.setAttribute("aria-label", i.getAttribute("aria-label").replace(/\d+$/, String(n)));
    });
    var btn = copy.querySelector("[data-cf-remove]");
    if (btn) { btn.setAttribute("aria-label", "Remove custom field " + n); }
    rows.appendChild(copy);
    copy.querySelector("input").focus();
  }

  function togglePassword() {
    var box = document.getElementById("id_access_portal");
    var pw = document.querySelector("[data-portal-password]");
    if (!box || !pw) { return; }
    // never hide a password field that shows an error
    pw.hidden = !box.checked && !pw.querySelector(".errorlist");
  }

  // Never lose a keystroke: leaving a contact form with unsaved changes asks first.
  document.addEventListener("input", function (ev) {
    var form = ev.target.closest && ev.target.closest("form[data-once]");
    if (form) { form.dataset.dirty = "1"; }
  });
  window.addEventListener("beforeunload", function (ev) {
    var dirty = document.querySelector("form[data-once][data-dirty='1']:not([data-sent='1'])");
    if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });

  // A form marked data-once submits once: the button is disabled while the page loads.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[data-once]")) { return; }
    if (form.dataset.sent === "1") { ev.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("[data-submit]").forEach(function (b) {
      b.dataset.label = b.dataset.label || b.textContent;
      b.setAttribute("aria-disabled", "true");
      b.classList.add("htmx-request");
      b.textContent = "Saving…";
    });
  });
  // Coming back with the browser's back button must not leave the form locked.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (f) {
      f.dataset.sent = "";
      f.querySelectorAll("[data-submit]").forEach(function (b) {
        if (b.dataset.label) { b.textContent = b.dataset.label; }
        b.removeAttribute("aria-disabled");
        b.classList.remove("htmx-request");
      });
    });
  });

  function init() {
    togglePassword();
    var add = document.querySelector("[data-cf-add]");
    if (add) { add.hidden = false; }
    refreshSelection(document.getElementById("contact-table"));
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
