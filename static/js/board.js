/* Pipeline board: drag a card to another column to change the lead's stage.
   The server decides (POST to the board's data-move-url); if TaskIP refuses, the card goes
   back where it was and the reason is shown in the target column and as a toast. */
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function showColumnMessage(column, text) {
    var section = column && column.closest(".board-col");
    var box = section && section.querySelector("[data-col-msg]");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(box._hideTimer);
    box._hideTimer = setTimeout(function () { box.hidden = true; }, 10000);
  }

  function toast(text, ok) {
    if (ok) {
      var t = document.getElementById("toast");
      if (!t) { return; }
      var div = document.createElement("div");
      div.className = "alert alert-ok";
      div.setAttribute("role", "status");
      div.textContent = text;
      t.appendChild(div);
      setTimeout(function () { div.remove(); }, 4000);
    } else if (window.crmToast) {
      window.crmToast(text);
    }
  }

  function updateStats(columns) {
    if (!columns) { return; }
    Object.keys(columns).forEach(function (key) {
      var section = document.querySelector('.board-col[data-column="' + key + '"]');
      var stats = section && section.querySelector("[data-col-stats]");
      if (stats) { stats.innerHTML = columns[key].html; }  // server-rendered, escaped by Django
    });
  }

  function syncEmpty(list) {
    var empty = list.querySelector(".col-empty");
    var hasCards = list.querySelector(".lead-card[data-lead-id]");
    if (empty && hasCards) { empty.remove(); }
  }

  // The source column now has one lead fewer before its "load more" point: ask for one earlier
  // (the target column needs nothing: a card shown twice is dropped on arrival).
  function shiftLoadMore(list, delta) {
    var btn = list && list.querySelector(".load-more[hx-get]");
    if (!btn) { return; }
    var url = new URL(btn.getAttribute("hx-get"), window.location.href);
    var offset = parseInt(url.searchParams.get("offset") || "0", 10) + delta;
    url.searchParams.set("offset", String(Math.max(0, offset)));
    btn.setAttribute("hx-get", url.pathname + url.search);
    if (window.htmx) { window.htmx.process(btn); }
  }

  function putBack(evt) {
    var from = evt.from;
    var ref = from.children[evt.oldIndex] || null;
    from.insertBefore(evt.item, ref);
  }

  function onEnd(evt) {
    if (evt.from === evt.to) { return; }
    send(evt);
  }

  // The card's "Move to" menu (keyboard and touch friendly): same request, card moved by hand.
  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest && ev.target.closest("[data-move-form]");
    if (!form || !ev.submitter || !ev.submitter.value) { return; }
    var card = form.closest(".lead-card");
    var toList = document.querySelector('.col-cards[data-column="' + ev.submitter.value + '"]');
    if (!card || !toList) { return; }  // let the plain form post do it
    ev.preventDefault();
    var from = card.parentElement;
    var oldIndex = Array.prototype.indexOf.call(from.children, card);
    var details = form.closest("details");
    if (details) { details.open = false; }
    toList.insertBefore(card, toList.firstChild);
    send({ item: card, from: from, to: toList, oldIndex: oldIndex });
    var summary = card.querySelector("summary");
    if (summary) { summary.focus(); }
  });

  function send(evt) {
    var board = evt.to.closest("#board");
    var card = evt.item;
    var leadId = card.getAttribute("data-lead-id");
    var to = evt.to.getAttribute("data-column");
    var body = new URLSearchParams();
    body.set("lead_id", leadId);
    body.set("to", to);
    // the column the card was in when the person moved it: a lead someone else moved meanwhile
    // is not moved over their change (the server says so and the card goes back)
    body.set("from", evt.from.getAttribute("data-column") || "");
    body.set("filters", board.getAttribute("data-filters") || "");
    card.classList.add("card-saving");
    card.setAttribute("aria-busy", "true");
    syncEmpty(evt.to);
    fetch(board.getAttribute("data-move-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: body.toString()
    }).then(function (resp) {
      return resp.json().catch(function () { return { ok: false, error: "The dashboard answered " + resp.status + "." }; })
        .then(function (data) { return { status: resp.status, data: data }; });
    }).then(function (r) {
      card.classList.remove("card-saving");
      card.removeAttribute("aria-busy");
      if (r.data && r.data.ok) {
        updateStats(r.data.columns);
        if (r.data.changed) { shiftLoadMore(evt.from, -1); }
        if (r.data.changed) { toast(r.data.message, true); }
      } else {
        putBack(evt);
        var msg = (r.data && r.data.error) || "The move was not saved.";
        if (r.status === 403 && r.data && r.data.csrf && window.crmSetCsrfToken) {
          window.crmSetCsrfToken(r.data.csrf);  // session changed in another tab: the next drag works
          msg = msg + " Drag the card again.";
        } else if (r.status === 403) { msg = "Your role may not change a lead's stage."; }
        showColumnMessage(evt.to, "Not moved: " + msg);
        toast("Not moved: " + msg, false);
        if (r.status === 401 && r.data && r.data.login) {
          // The session ended: say so, then go to the login page, which comes back to this board.
          setTimeout(function () { window.location.assign(r.data.login); }, 2500);
        }
      }
    }).catch(function () {
      card.classList.remove("card-saving");
      card.removeAttribute("aria-busy");
      putBack(evt);
      var msg = "Not moved: the dashboard could not be reached. Check your connection and try again.";
      showColumnMessage(evt.to, msg);
      toast(msg, false);
    });
  }

  function init(root) {
    if (!window.Sortable) { return; }
    (root || document).querySelectorAll("[data-sortable]").forEach(function (list) {
      if (list._sortable) { return; }
      if (!list.closest("#board[data-move-url]")) { return; }
      list._sortable = window.Sortable.create(list, {
        group: "board",
        draggable: ".lead-card[data-lead-id]",
        filter: ".load-more",
        preventOnFilter: false,
        animation: 150,
        delay: 200,
        delayOnTouchOnly: true,
        ghostClass: "card-ghost",
        chosenClass: "card-chosen",
        onEnd: onEnd
      });
    });
  }

  // A "load more" page can bring a card that is already shown (it was just dragged here).
  document.addEventListener("htmx:load", function (ev) {
    var el = ev.detail.elt;
    if (el && el.matches && el.matches(".lead-card[data-lead-id]")) {
      var id = el.getAttribute("data-lead-id");
      var same = document.querySelectorAll('.lead-card[data-lead-id="' + id + '"]');
      if (same.length > 1) { el.remove(); return; }
    }
    init(el && el.querySelectorAll ? el : document);
    if (el && el.closest && el.closest("[data-sortable]")) { init(document); }
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
