/* TaskIP CRM: the little JavaScript the pages need. No inline scripts anywhere (CSP). */
(function () {
  "use strict";
  var HEX = /^#(?:[0-9a-fA-F]{3}){1,2}$/;

  // Colours from the API arrive as data-color; set them only if they are hex colours.
  function paint(root) {
    (root || document).querySelectorAll("[data-color]").forEach(function (el) {
      var c = el.getAttribute("data-color");
      if (HEX.test(c)) { el.style.setProperty("--badge", c); }
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

  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:load", function (ev) { paint(ev.detail.elt); });
})();
