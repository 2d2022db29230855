/* Reports: keep the overview's "Export" and "Open as list" links in step with the filters
   after htmx swaps the charts (the filters live in the URL and in #overview-charts[data-qs]). */
(function () {
  "use strict";
  function syncLinks() {
    var charts = document.getElementById("overview-charts");
    if (!charts) { return; }
    var qs = charts.getAttribute("data-qs") || "";
    document.querySelectorAll("[data-export-base], [data-list-base]").forEach(function (a) {
      var base = a.getAttribute("data-export-base") || a.getAttribute("data-list-base");
      a.setAttribute("href", qs ? base + "?" + qs : base);
    });
  }
  document.addEventListener("DOMContentLoaded", syncLinks);
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
