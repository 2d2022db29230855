/* TaskIP CRM: the little JavaScript the pages need. No inline scripts anywhere (CSP). */
(function () {
  "use strict";
  var HEX = /^#(?:[0-9a-fA-F]{3}){1,2}$/;
  document.documentElement.classList.add("js");  // CSS hides the phone menu only when this script runs

  // Phones: the main navigation folds behind a Menu button.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-nav-toggle]");
    if (!btn) { return; }
    var open = btn.getAttribute("aria-expanded") !== "true";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    btn.closest(".topbar").classList.toggle("nav-open", open);
    if (open) { var first = document.querySelector("#mainnav a"); if (first) { first.focus(); } }
  });
  document.addEventListener("keydown", function (ev) {
    var bar = document.querySelector(".topbar.nav-open");
    if (ev.key === "Escape" && bar) {
      bar.classList.remove("nav-open");
      var btn = bar.querySelector("[data-nav-toggle]");
      btn.setAttribute("aria-expanded", "false");
      btn.focus();
    }
  });

  // WCAG relative luminance of a #rgb/#rrggbb colour, and the contrast ratio of two luminances.
  function luminance(hex) {
    var h = hex.slice(1);
    if (h.length === 3) { h = h.replace(/./g, "$&$&"); }
    var ch = [0, 2, 4].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  }
  function contrast(a, b) { return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
  var DARK_INK = "#111827";
  // The text colour that reads on a background colour (WCAG AA, 4.5:1): white when it reaches
  // that, else dark ink, else whichever of white and black contrasts more (one always does).
  function inkFor(hex) {
    var bg = luminance(hex), white = contrast(bg, 1), dark = contrast(bg, luminance(DARK_INK));
    if (white >= 4.5) { return "#fff"; }
    if (dark >= 4.5) { return DARK_INK; }
    return white >= contrast(bg, 0) ? "#fff" : "#000";
  }
  window.crmInkFor = inkFor;

  // Colours from the API arrive as data-color; set them only if they are hex colours, with a
  // text colour (--badge-ink) that stays readable on them.
  function paint(root) {
    (root || document).querySelectorAll("[data-color]").forEach(function (el) {
      var c = el.getAttribute("data-color");
      if (HEX.test(c)) {
        el.style.setProperty("--badge", c);
        el.style.setProperty("--badge-ink", inkFor(c));
      }
    });
  }

  // <button data-confirm="..."> asks before a plain (non-htmx) form submits.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm]:not([hx-confirm])");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); ev.stopPropagation(); }
  }, true);

  // "Back to the form" on the 400 page: history.back() keeps what was typed; the href is the fallback.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-history-back]");
    if (el && window.history.length > 1) { ev.preventDefault(); window.history.back(); }
  });

  // Network failures of htmx requests: tell the user in the target instead of doing nothing.
  document.addEventListener("htmx:sendError", function (ev) {
    showToast("The dashboard could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:responseError", function (ev) {
    var xhr = ev.detail.xhr;
    var problem = xhr && xhr.getResponseHeader("X-Problem");
    var fresh = xhr && xhr.getResponseHeader("X-CSRF-Fresh");
    if (fresh) {
      // The session changed (a login in another tab): take the new token and offer to send
      // the same request again; the form still holds what was typed.
      setCsrfToken(fresh);
      var elt = ev.detail.elt;
      showToast(decodeURIComponent(problem || ""), {
        label: "Send again",
        run: function () { if (elt.tagName === "FORM") { elt.requestSubmit(); } else { elt.click(); } }
      });
    }
    else if (problem) { showToast(decodeURIComponent(problem)); }
    else if (xhr && xhr.status === 403) { showToast("Your role may not do that."); }
    else { showToast("That did not work (" + (xhr ? xhr.status : "?") + "). Try again."); }
  });

  // A fresh CSRF token (from a refused request's answer) replaces the old one everywhere.
  function setCsrfToken(token) {
    var headers = {};
    try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    headers["X-CSRFToken"] = token;
    document.body.setAttribute("hx-headers", JSON.stringify(headers));
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (i) { i.value = token; });
  }
  window.crmSetCsrfToken = setCsrfToken;

  // showToast(text[, {label, run}]): an alert that goes after 8 s, or, with an action, stays
  // until its button (or the close button) is pressed.
  function showToast(text, action) {
    var t = document.getElementById("toast");
    if (!t) { return; }
    var div = document.createElement("div");
    div.className = "alert alert-error";
    div.setAttribute("role", "alert");
    var span = document.createElement("span");
    span.textContent = text;
    div.appendChild(span);
    t.appendChild(div);
    if (!action) { setTimeout(function () { div.remove(); }, 8000); return; }
    var go = document.createElement("button");
    go.type = "button";
    go.className = "btn btn-small btn-primary toast-action";
    go.textContent = action.label;
    go.addEventListener("click", function () { div.remove(); action.run(); });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-small toast-action";
    close.textContent = "Dismiss";
    close.addEventListener("click", function () { div.remove(); });
    div.appendChild(go);
    div.appendChild(close);
    go.focus();
  }
  window.crmToast = showToast;

  // A table that scrolls sideways (phones) must be reachable by keyboard: make the scrolling
  // wrapper focusable, named after the table, only while it actually overflows.
  function scrollables() {
    document.querySelectorAll(".table-wrap").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        if (!el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.setAttribute("role", "region");
          var cap = el.querySelector("caption");
          el.setAttribute("aria-label", cap ? cap.textContent.trim() : "Table, scrolls sideways");
        }
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex"); el.removeAttribute("role"); el.removeAttribute("aria-label");
      }
    });
  }
  // After an htmx swap removed the focused element (paging, sorting, the ↑/↓ buttons), focus
  // goes to its counterpart in the new content, else to the swapped region itself, never to
  // <body>. Paging also scrolls the region's top into view.
  var pendingFocus = null;
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var active = document.activeElement, target = ev.detail.target;
    pendingFocus = null;
    if (!active || active === document.body || !target || !target.id || !target.contains(active)) { return; }
    var pager = active.closest(".pager");
    pendingFocus = {
      id: target.id, tag: active.tagName, vals: active.getAttribute("hx-vals"),
      label: active.getAttribute("aria-label"), text: (active.textContent || "").trim(),
      paging: !!pager || active.getAttribute("rel") === "next" || active.getAttribute("rel") === "prev"
    };
  });
  function counterpart(root, p) {
    var cands = Array.prototype.filter.call(root.querySelectorAll(p.tag), function (el) { return !el.disabled; });
    if (p.vals) {
      var same = cands.filter(function (el) { return el.getAttribute("hx-vals") === p.vals; })[0];
      if (same) { return same; }
      var m = /"(\d+):(up|down)"/.exec(p.vals);  // a move button now disabled: its sibling
      if (m) {
        var sib = cands.filter(function (el) { return (el.getAttribute("hx-vals") || "").indexOf('"' + m[1] + ":") !== -1; })[0];
        if (sib) { return sib; }
      }
    }
    if (p.label) {
      var byLabel = cands.filter(function (el) { return el.getAttribute("aria-label") === p.label; })[0];
      if (byLabel) { return byLabel; }
    }
    return p.text ? cands.filter(function (el) { return (el.textContent || "").trim() === p.text; })[0] : null;
  }
  document.addEventListener("htmx:afterSettle", function () {
    var p = pendingFocus;
    pendingFocus = null;
    if (!p) { return; }
    var root = document.getElementById(p.id);
    if (!root || (document.activeElement && document.activeElement !== document.body && root.contains(document.activeElement))) { return; }
    var el = p.paging ? null : counterpart(root, p);
    if (!el) {
      el = root;
      if (!root.hasAttribute("tabindex")) { root.setAttribute("tabindex", "-1"); }
    }
    el.focus({preventScroll: p.paging});
    if (p.paging) { root.scrollIntoView({block: "start"}); }
  });

  // Dates in the reader's locale, in the numeric order the browser's date inputs use.
  var DATE_FMT = new Intl.DateTimeFormat(undefined, {year: "numeric", month: "2-digit", day: "2-digit"});
  var TIME_FMT = new Intl.DateTimeFormat(undefined, {hour: "2-digit", minute: "2-digit"});
  function localDates(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (el) {
      var iso = el.getAttribute("datetime") || "", d;
      var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
      if (!m) { return; }
      if (el.getAttribute("data-local") === "date") {
        d = new Date(+m[1], +m[2] - 1, +m[3]);
        el.textContent = DATE_FMT.format(d);
      } else {
        d = new Date(iso);
        if (isNaN(d.getTime())) { return; }
        el.textContent = DATE_FMT.format(d) + ", " + TIME_FMT.format(d);
      }
    });
  }
  window.crmLocalDates = localDates;

  var resizeTimer;
  window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(scrollables, 150); });

  document.addEventListener("DOMContentLoaded", function () { paint(document); localDates(document); scrollables(); });
  document.addEventListener("htmx:load", function (ev) { paint(ev.detail.elt); localDates(ev.detail.elt); scrollables(); });
})();
