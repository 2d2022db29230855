/* Lead form, lead detail actions and the email dialog. No inline scripts (CSP).
   Everything here is an enhancement: every form also works as a plain POST without it. */
(function () {
  "use strict";

  // ---- custom field rows: add / remove ------------------------------------------------
  document.addEventListener("click", function (ev) {
    var add = ev.target.closest("[data-cf-add]");
    if (add) {
      var box = add.closest(".custom-fields");
      var tpl = box && box.querySelector("template[data-cf-template]");
      var rows = box && box.querySelector("[data-cf-rows]");
      if (tpl && rows) {
        rows.appendChild(tpl.content.cloneNode(true));
        var inputs = rows.querySelectorAll("input[name=cf_key]");
        if (inputs.length) { inputs[inputs.length - 1].focus(); }
      }
      return;
    }
    var remove = ev.target.closest("[data-cf-remove]");
    if (remove) {
      var row = remove.closest(".cf-row");
      var all = row && row.parentNode.querySelectorAll(".cf-row");
      if (row && all.length > 1) { row.remove(); }
      else if (row) { row.querySelectorAll("input").forEach(function (i) { i.value = ""; }); }
      markDirty(remove);
    }
  });

  // ---- character counters (email subject) -----------------------------------------------
  function updateCount(input) {
    var out = document.getElementById(input.getAttribute("data-count"));
    if (!out) { return; }
    var max = input.getAttribute("maxlength") || "";
    out.textContent = input.value.length + (max ? "/" + max : "");
    out.classList.toggle("counter-full", max && input.value.length >= Number(max));
  }
  document.addEventListener("input", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-count]")) { updateCount(ev.target); }
    markDirty(ev.target);
  });

  // ---- the email dialog -------------------------------------------------------------------
  document.addEventListener("click", function (ev) {
    var opener = ev.target.closest("[data-dialog-open]");
    if (opener) {
      var dlg = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dlg && typeof dlg.showModal === "function") {
        ev.preventDefault();
        if (dlg.open) { dlg.close(); }
        dlg.showModal();
        var first = dlg.querySelector("input, textarea");
        if (first) { first.focus(); }
      }
      return;
    }
    var closer = ev.target.closest("[data-dialog-close]");
    if (closer) {
      var d = closer.closest("dialog");
      if (d && typeof d.close === "function") { ev.preventDefault(); d.close(); }
    }
  });

  // ---- Ctrl/Cmd+Enter saves the lead form or sends the email ----------------------------
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || !(ev.ctrlKey || ev.metaKey)) { return; }
    var form = ev.target.closest && ev.target.closest("[data-lead-form], #email-form");
    if (form && typeof form.requestSubmit === "function") { ev.preventDefault(); form.requestSubmit(); }
  });

  // ---- never lose typed input by accident ------------------------------------------------
  var dirty = false;
  function markDirty(el) {
    if (el && el.closest && el.closest("[data-lead-form], #email-form")) { dirty = true; }
  }
  document.addEventListener("change", function (ev) { markDirty(ev.target); });
  document.addEventListener("submit", function () { dirty = false; }, true);
  document.addEventListener("htmx:beforeRequest", function () { dirty = false; });
  window.addEventListener("beforeunload", function (ev) {
    if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
  });

  // After a failed save the form comes back with errors: show them and keep the guard on.
  var FORMS = ["lead-form", "email-form"];
  document.addEventListener("DOMContentLoaded", function () {
    // A dialog the server rendered open (the no-JavaScript path, e.g. /leads/1/email/): make it modal.
    document.querySelectorAll("dialog.dialog[open]").forEach(function (d) {
      if (typeof d.showModal === "function") {
        d.close(); d.showModal();
        var first = d.querySelector(".field-error input, .field-error textarea, input, textarea");
        if (first) { first.focus(); }
      }
    });
    FORMS.forEach(function (id) {
      var f = document.getElementById(id);
      if (f) { f.dataset.seen = "1"; f.querySelectorAll("[data-count]").forEach(updateCount); }
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    FORMS.forEach(function (id) {
      var form = document.getElementById(id);
      if (!form || form.dataset.seen === "1") { return; }
      form.dataset.seen = "1";
      form.querySelectorAll("[data-count]").forEach(updateCount);
      var field = form.querySelector(".field-error input, .field-error select, .field-error textarea");
      var alert = form.querySelector(".alert-error");
      if (field || alert) {
        dirty = true;
        if (field) { field.focus({ preventScroll: true }); }
        (alert || field).scrollIntoView({ block: "center" });
      }
    });
  });
  // Plain (non-htmx) submits: one click only.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.hasAttribute("hx-post")) { return; } // htmx disables the button itself (hx-disabled-elt)
    if (form.dataset.submitting === "1") { ev.preventDefault(); return; }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (f) {
      delete f.dataset.submitting;
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  // ---- drafts: what is typed in the lead form is kept in this tab until it is saved -----
  // (e.g. if the session expires and the save is sent to the login page). Restoring is
  // offered, never forced.
  var SKIP = { csrfmiddlewaretoken: 1, form_title: 1 };
  function draftKey() { return "lead-draft:" + window.location.pathname; }
  function saveDraft(form) {
    try {
      var data = {};
      new FormData(form).forEach(function (v, k) {
        if (SKIP[k] || typeof v !== "string") { return; }
        (data[k] = data[k] || []).push(v);
      });
      sessionStorage.setItem(draftKey(form), JSON.stringify({ at: Date.now(), data: data }));
    } catch (e) { /* storage full or disabled: nothing to do */ }
  }
  function clearDraft(form) { try { sessionStorage.removeItem(draftKey(form)); } catch (e) { /* ignore */ } }
  function restoreDraft(form, data) {
    var rows = form.querySelector("[data-cf-rows]");
    var tpl = form.querySelector("template[data-cf-template]");
    var need = (data.cf_key || []).length;
    while (rows && tpl && rows.querySelectorAll(".cf-row").length < need) { rows.appendChild(tpl.content.cloneNode(true)); }
    Object.keys(data).forEach(function (name) {
      var values = data[name];
      var els = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      els.forEach(function (el, i) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
        else if (el.multiple) { Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; }); }
        else if (el.type !== "hidden" || name === "idem_token") { el.value = els.length > 1 ? (values[i] || "") : values[0]; }
      });
    });
  }
  var draftTimer = null;
  document.addEventListener("input", function (ev) {
    var form = ev.target.closest && ev.target.closest("[data-lead-form]");
    if (!form) { return; }
    clearTimeout(draftTimer);
    draftTimer = setTimeout(function () { saveDraft(form); }, 300);
  });
  document.addEventListener("change", function (ev) {
    var form = ev.target.closest && ev.target.closest("[data-lead-form]");
    if (form) { saveDraft(form); }
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest && ev.detail.elt.closest("[data-lead-form]");
    var xhr = ev.detail.xhr;
    if (!form || !xhr) { return; }
    var to = xhr.getResponseHeader("HX-Redirect");
    if (to && to.indexOf("/login") === -1) { clearDraft(form); }
  });
  document.addEventListener("submit", function (ev) {
    if (ev.target.matches("[data-lead-form]") && !ev.target.hasAttribute("hx-post")) { clearDraft(ev.target); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-lead-form]");
    if (!form || form.querySelector(".form-errors")) { return; }
    var raw = null;
    try { raw = sessionStorage.getItem(draftKey(form)); } catch (e) { return; }
    if (!raw) { return; }
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { clearDraft(form); return; }
    if (!draft || !draft.data || Date.now() - draft.at > 24 * 3600 * 1000) { clearDraft(form); return; }
    var bar = document.createElement("div");
    bar.className = "alert alert-warn draft-bar";
    bar.setAttribute("role", "status");
    var when = new Date(draft.at);
    var text = document.createElement("span");
    text.textContent = "You have unsaved input in this form from " + when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ". ";
    var restore = document.createElement("button");
    restore.type = "button"; restore.className = "btn btn-small btn-primary"; restore.textContent = "Restore it";
    var discard = document.createElement("button");
    discard.type = "button"; discard.className = "btn btn-small"; discard.textContent = "Discard";
    restore.addEventListener("click", function () { restoreDraft(form, draft.data); dirty = true; bar.remove(); });
    discard.addEventListener("click", function () { clearDraft(form); bar.remove(); });
    bar.appendChild(text); bar.appendChild(restore); bar.appendChild(discard);
    form.insertBefore(bar, form.firstChild);
  });
})();

/* Places: the state list offers the states of the chosen country, the city list the cities of
   the chosen state (options carry data-parent, see leads/forms.py PlaceSelect). Options without
   a known parent, and the selected one, always stay. Without JS every place stays offered. */
(function () {
  "use strict";
  var CHAIN = [["id_country_id", "id_state_id"], ["id_state_id", "id_city_id"]];

  function filter(parentSelect, childSelect) {
    var parent = parentSelect.value;
    childSelect.querySelectorAll("option[data-parent]").forEach(function (opt) {
      var show = !parent || opt.getAttribute("data-parent") === parent || opt.selected;
      opt.hidden = !show;
      opt.disabled = !show;
    });
    childSelect.querySelectorAll("optgroup").forEach(function (group) {
      var visible = Array.prototype.some.call(group.querySelectorAll("option"), function (o) { return !o.hidden; });
      group.hidden = !visible;
    });
  }

  function apply() {
    CHAIN.forEach(function (pair) {
      var p = document.getElementById(pair[0]);
      var c = document.getElementById(pair[1]);
      if (p && c) { filter(p, c); }
    });
  }

  document.addEventListener("change", function (ev) {
    var id = ev.target && ev.target.id;
    CHAIN.forEach(function (pair) {
      if (id !== pair[0]) { return; }
      var child = document.getElementById(pair[1]);
      var chosen = child && child.options[child.selectedIndex];
      if (chosen && chosen.getAttribute("data-parent") && ev.target.value &&
          chosen.getAttribute("data-parent") !== ev.target.value) {
        child.value = "";  // a state of another country, a city of another state: no longer valid
        child.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    apply();
  });
  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("htmx:afterSwap", apply);
})();
