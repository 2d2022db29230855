/* Lead detail panels (notes, files): when a panel's own request fails at the dashboard
   (network down, a 5xx from the dashboard itself), say so in that panel with a retry,
   instead of leaving it "Loading…" forever. Errors from TaskIP come back as a normal
   panel with the message, so they never reach here. No inline script anywhere (CSP). */
(function () {
  "use strict";
  if (window.crmPanels) { return; }
  window.crmPanels = true;

  function panelOf(ev) {
    var elt = ev.detail && ev.detail.elt;
    var target = ev.detail && ev.detail.target;
    var cand = (target && target.closest && target.closest("[data-panel]")) || (elt && elt.closest && elt.closest("[data-panel]"));
    return cand && cand.id ? cand : null;
  }

  function showFailure(panel, url, text) {
    panel.classList.remove("is-loading");
    panel.removeAttribute("aria-busy");
    panel.querySelectorAll(".loading-bar, .panel-loading, .panel-failure").forEach(function (n) { n.remove(); });
    var box = document.createElement("div");
    box.className = "alert alert-error panel-failure";
    box.setAttribute("role", "alert");
    box.appendChild(document.createTextNode(text + " "));
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "btn btn-small";
    btn.textContent = "Try again";
    btn.addEventListener("click", function () {
      box.remove();
      window.htmx.ajax("GET", url, { target: "#" + panel.id, swap: "outerHTML" });
    });
    box.appendChild(btn);
    var head = panel.querySelector(".panel-head");
    if (head && head.nextSibling) { panel.insertBefore(box, head.nextSibling); } else { panel.appendChild(box); }
  }

  function urlOf(ev, panel) {
    var cfg = ev.detail && ev.detail.requestConfig;
    if (cfg && cfg.verb === "get" && cfg.path) { return cfg.path; }
    return panel.getAttribute("data-list-url") || panel.getAttribute("hx-get") || window.location.href;
  }

  document.addEventListener("htmx:responseError", function (ev) {
    var panel = panelOf(ev);
    if (!panel) { return; }
    var status = ev.detail.xhr ? ev.detail.xhr.status : 0;
    var text = status === 403 ? "Your role may not do that." : "This panel could not be loaded (error " + status + ").";
    showFailure(panel, urlOf(ev, panel), text);
  });
  document.addEventListener("htmx:sendError", function (ev) {
    var panel = panelOf(ev);
    if (!panel) { return; }
    showFailure(panel, urlOf(ev, panel), "The dashboard could not be reached; nothing was lost.");
  });
  document.addEventListener("htmx:timeout", function (ev) {
    var panel = panelOf(ev);
    if (!panel) { return; }
    showFailure(panel, urlOf(ev, panel), "The dashboard took too long to answer.");
  });
})();
