/* Lead files panel: upload by picker or drag-and-drop, several files at once, one
   XMLHttpRequest per file with its own progress bar; size checked here against the
   configured limit (data-max-bytes) before anything is sent (the server checks again);
   bulk-delete selection. The panel is re-listed once a batch is done. No inline script. */
(function () {
  "use strict";
  if (window.crmFiles) { return; }
  window.crmFiles = true;

  var rows = [];       // upload rows still worth showing; re-attached when the panel is swapped
  var queue = [];      // {file, row} waiting to be sent
  var busy = false;
  var batchUploaded = 0;

  function panel() { return document.getElementById("files-panel"); }

  function human(n) {
    if (n < 1024) { return n + " bytes"; }
    var units = ["KB", "MB", "GB"], i = -1;
    do { n = n / 1024; i++; } while (n >= 1024 && i < units.length - 1);
    return n.toFixed(n < 10 ? 1 : 0) + " " + units[i];
  }

  function queueList() {
    var p = panel();
    return p ? p.querySelector(".upload-queue") : null;
  }

  function csrfToken() {
    var p = panel();
    var input = p && p.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function makeRow(file) {
    var li = document.createElement("li");
    li.className = "upload-item";
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    var size = document.createElement("span");
    size.className = "upload-size muted small";
    size.textContent = human(file.size);
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload progress of " + file.name);
    var state = document.createElement("span");
    state.className = "upload-state small";
    state.textContent = "Waiting…";
    li.appendChild(name); li.appendChild(size); li.appendChild(bar); li.appendChild(state);
    li._bar = bar; li._state = state;
    rows.push(li);
    var list = queueList();
    if (list) { list.appendChild(li); }
    return li;
  }

  function finish(row, ok, text) {
    row.classList.add(ok ? "is-done" : "is-failed");
    row._state.textContent = text;
    row._state.setAttribute("role", ok ? "status" : "alert");
    if (ok) {
      row._bar.value = 100;
      setTimeout(function () { forget(row); }, 6000);
    }
  }

  function forget(row) {
    rows = rows.filter(function (r) { return r !== row; });
    row.remove();
  }

  function uploadToken() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function enqueue(fileList) {
    var p = panel();
    if (!p) { return; }
    var max = parseInt(p.getAttribute("data-max-bytes") || "0", 10);
    var maxMb = p.getAttribute("data-max-mb");
    Array.prototype.forEach.call(fileList, function (file) {
      var row = makeRow(file);
      if (max && file.size > max) {
        finish(row, false, "Larger than the " + maxMb + " MB limit: not uploaded.");
        return;
      }
      if (file.size === 0) { finish(row, false, "Empty file: not uploaded."); return; }
      var maxName = parseInt(p.getAttribute("data-max-name") || "0", 10);
      if (maxName && file.name.length > maxName) {
        finish(row, false, "Its name is " + file.name.length + " characters long: rename it to at most " + maxName + " and upload it again.");
        return;
      }
      queue.push({ file: file, row: row, token: uploadToken() });
    });
    next();
  }

  function next() {
    if (busy) { return; }
    var item = queue.shift();
    if (!item) { done(); return; }
    busy = true;
    send(item, function () { busy = false; next(); });
  }

  function send(item, after) {
    var p = panel();
    var url = p && p.getAttribute("data-upload-url");
    if (!url) { finish(item.row, false, "The panel went away; not uploaded."); after(); return; }
    var row = item.row;
    row._state.textContent = "Uploading…";
    row.classList.add("is-sending");
    var form = new FormData();
    form.append("file", item.file, item.file.name);
    form.append("idem_token", item.token);  // the same upload sent twice is stored once
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(item.file.name));
    xhr.timeout = 10 * 60 * 1000;
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) {
        row._bar.value = Math.min(99, Math.round(ev.loaded / ev.total * 100));
      }
    });
    xhr.addEventListener("load", function () {
      row.classList.remove("is-sending");
      var data = null;
      try { data = JSON.parse(xhr.responseText || "{}"); } catch (e) { data = null; }
      if (data === null) {
        finish(row, false, "The dashboard answered unexpectedly (were you logged out?). Reload the page and try again.");
        after();
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data.ok) {
        batchUploaded += 1;
        finish(row, true, "Uploaded");
      } else if (xhr.status === 403 && data.csrf && window.crmSetCsrfToken) {
        window.crmSetCsrfToken(data.csrf);  // session changed in another tab: a new try works
        finish(row, false, data.error + " Choose the file again.");
      } else if (xhr.status === 403) {
        finish(row, false, "Your role may not upload files.");
      } else {
        finish(row, false, data.error || ("Not uploaded (error " + xhr.status + ")."));
        if (xhr.status === 429) {
          // TaskIP's upload limit: stop here, tell plainly what was not sent.
          queue.splice(0).forEach(function (q) { finish(q.row, false, "Not sent: TaskIP's upload limit was reached."); });
        }
      }
      after();
    });
    xhr.addEventListener("error", function () {
      row.classList.remove("is-sending");
      finish(row, false, "The dashboard could not be reached: not uploaded.");
      after();
    });
    xhr.addEventListener("timeout", function () {
      row.classList.remove("is-sending");
      finish(row, false, "The upload took too long and was stopped.");
      after();
    });
    xhr.send(form);
  }

  function done() {
    if (!batchUploaded) { return; }
    batchUploaded = 0;
    var p = panel();
    if (p && window.htmx) {
      window.htmx.ajax("GET", p.getAttribute("data-list-url"), { target: "#files-panel", swap: "outerHTML" });
    }
  }

  // The panel was swapped (search, paging, refresh after upload): keep the upload rows visible.
  document.addEventListener("htmx:afterSwap", function () {
    var list = queueList();
    if (list) { rows.forEach(function (r) { if (r.parentNode !== list) { list.appendChild(r); } }); }
    syncBulk();
  });

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches("#files-panel input.file-input") && el.files && el.files.length) {
      enqueue(el.files);
      el.value = "";
    } else if (el.matches("#files-panel .select-all")) {
      panel().querySelectorAll("input[name=ids]").forEach(function (c) { c.checked = el.checked; });
      syncBulk();
    } else if (el.matches("#files-panel input[name=ids]")) {
      syncBulk();
    }
  });

  // The plain form's Upload button is for browsers without this script.
  document.addEventListener("submit", function (ev) {
    if (ev.target.matches("#files-panel form.dropzone")) {
      ev.preventDefault();
      var input = ev.target.querySelector("input.file-input");
      if (input && input.files.length) { enqueue(input.files); input.value = ""; }
    }
  }, true);

  function dropzoneOf(target) {
    var p = target && target.closest ? target.closest("#files-panel") : null;
    return p ? p.querySelector(".dropzone") : null;
  }
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (ev) {
      var zone = dropzoneOf(ev.target);
      if (!zone || !ev.dataTransfer || Array.prototype.indexOf.call(ev.dataTransfer.types || [], "Files") < 0) { return; }
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "copy";
      zone.classList.add("is-dragover");
    });
  });
  document.addEventListener("dragleave", function (ev) {
    var zone = dropzoneOf(ev.target);
    if (zone && (!ev.relatedTarget || !panel().contains(ev.relatedTarget))) { zone.classList.remove("is-dragover"); }
  });
  document.addEventListener("drop", function (ev) {
    var zone = dropzoneOf(ev.target);
    if (!zone) { return; }
    ev.preventDefault();
    zone.classList.remove("is-dragover");
    if (ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files.length) { enqueue(ev.dataTransfer.files); }
  });

  function syncBulk() {
    var p = panel();
    if (!p) { return; }
    var zone = p.querySelector(".dropzone");
    if (zone) { zone.classList.add("js-upload"); }
    var btn = p.querySelector(".bulk-delete");
    if (!btn) { return; }
    var n = p.querySelectorAll("input[name=ids]:checked").length;
    btn.disabled = n === 0;
    btn.textContent = n ? "Delete " + n + " selected" : "Delete selected";
    var form = btn.closest("form");
    if (form) {
      form.setAttribute("hx-confirm", n === 1 ? "Delete the selected file from this lead? This cannot be undone."
        : "Delete the " + n + " selected files from this lead? This cannot be undone.");
    }
  }

  document.addEventListener("DOMContentLoaded", syncBulk);
  document.addEventListener("htmx:load", syncBulk);
})();
