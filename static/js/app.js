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
    if (problem) { showToast(decodeURIComponent(problem)); }
    else if (xhr && xhr.status === 403) { showToast("Your role may not do that."); }
    else { showToast("That did not work (" + (xhr ? xhr.status : "?") + "). Try again."); }
  });

  function showToast(text) {
    var t = document.getElementById("toast");
    if (!t) { return; }
    var div = document.createElement("div");
    div.className = "alert alert-error";
    div.setAttribute("role", "alert");
    div.textContent = text;
    t.appendChild(div);
    setTimeout(function () { div.remove(); }, 8000);
  }
  window.crmToast = showToast;

  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:load", function (ev) { paint(ev.detail.elt); });
})();
