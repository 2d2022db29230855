/* Reports: keep the overview's "Export" and "Open as list" links in step with the filters
   after htmx swaps the charts (the filters live in the URL and in #overview-charts[data-qs]). */
(function () {
  "use strict";
  function syncLinks() {
    var charts = document.getElementById("overview-charts");
    if (!charts) { return; }
    var qs = charts.getAttribute("data-qs") || "";
    var listQs = charts.getAttribute("data-list-qs") || "";
    document.querySelectorAll("[data-export-base]").forEach(function (a) {
      var base = a.getAttribute("data-export-base");
      a.setAttribute("href", qs ? base + "?" + qs : base);
    });
    document.querySelectorAll("[data-list-base]").forEach(function (a) {
      var base = a.getAttribute("data-list-base");
      a.setAttribute("href", listQs ? base + "?" + listQs : base);
    });
  }
  document.addEventListener("DOMContentLoaded", syncLinks);
  // On a phone the filters start folded unless some are active.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector(".filters-box");
    if (box && window.matchMedia("(max-width: 720px)").matches && box.getAttribute("data-active") !== "1") {
      box.removeAttribute("open");
    }
  });
  document.addEventListener("htmx:afterSettle", syncLinks);
})();

/* Import mapping: a column greys out when it is set to "ignore", and lights up when mapped. */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var sel = ev.target;
    if (!sel.matches || !sel.matches(".map-table select")) { return; }
    var tr = sel.closest("tr");
    if (tr) { tr.classList.toggle("ignored", !sel.value); tr.classList.toggle("mapped", !!sel.value); }
  });
})();

/* Import review: the start button counts the rows the chosen mode will write (never a row
   that is then skipped because its email exists and the mode is "create only"). */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var radio = ev.target.closest("#start-form input[name=mode][data-import-count]");
    if (!radio) { return; }
    var n = Number(radio.getAttribute("data-import-count"));
    var text = document.querySelector("#start-form [data-import-count-text]");
    var button = document.getElementById("start-import");
    if (text) { text.textContent = n + " row" + (n === 1 ? "" : "s"); }
    if (button) { button.disabled = !n; }
  });
})();
