// kmusers panel: the little the pages need beyond htmx. No inline script
// anywhere, so the CSP can forbid it.
"use strict";
// An avatar input previews the chosen picture; a file that is not a
// picture, or too big, is said at once (the server refuses it too), in
// the words the page gives (data-not-image, data-too-big).
document.addEventListener("change", function (ev) {
  var input = ev.target;
  if (!input.matches || !input.matches("input[type=file][data-preview]")) return;
  var img = document.querySelector(input.getAttribute("data-preview"));
  var check = document.getElementById(input.id + "-check");
  var file = input.files && input.files[0];
  if (check) check.textContent = "";
  if (!img || !file) return;
  var max = Number(input.getAttribute("data-max-bytes") || 0);
  var problem = "";
  if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) {
    problem = input.getAttribute("data-not-image");
  } else if (max && file.size > max) {
    problem = input.getAttribute("data-too-big");
  }
  if (problem) {
    if (check) check.textContent = problem;
    return;
  }
  img.src = URL.createObjectURL(file);
});

// A search form sent by htmx leaves its empty fields out, so that the
// address it pushes reads ?q=zo, not ?q=zo&type=&kind=.
document.addEventListener("htmx:configRequest", function (ev) {
  var fd = ev.detail.formData;
  if (ev.detail.verb !== "get" || !fd) return;
  var empty = [];
  fd.forEach(function (v, k) { if (v === "") empty.push(k); });
  empty.forEach(function (k) { if (fd.getAll(k).every(function (v) { return v === ""; })) fd.delete(k); });
});

// "/" jumps to the search box of the page, as on many sites; not while
// typing somewhere.
document.addEventListener("keydown", function (ev) {
  if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  var t = ev.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  var q = document.querySelector("input[aria-keyshortcuts='/']");
  if (!q) return;
  ev.preventDefault();
  q.focus();
  q.select();
});

// The user list: busy and error states around htmx swaps of #user-table,
// focus and scroll after paging or sorting, "select all".
(function () {
  function table(ev) {
    var t = ev.detail && ev.detail.target;
    return t && t.id === "user-table" ? t : null;
  }
  function el(id) { return document.getElementById(id); }
  var lastElt = null; // what started the last request, for "Retry"
  // Empty fields of the filter form stay out of the URL.
  document.addEventListener("htmx:configRequest", function (ev) {
    if (ev.detail.verb !== "get" || !ev.detail.elt || ev.detail.elt.id !== "user-filters") return;
    var p = ev.detail.parameters;
    Object.keys(p).forEach(function (k) { if (p[k] === "") delete p[k]; });
  });
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var t = table(ev);
    if (!t) return;
    lastElt = ev.detail.elt;
    t.setAttribute("aria-busy", "true");
    if (el("list-progress")) el("list-progress").hidden = false;
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var t = table(ev);
    if (!t) return;
    t.removeAttribute("aria-busy");
    if (el("list-progress")) el("list-progress").hidden = true;
    if (ev.detail.successful) {
      if (el("list-error")) el("list-error").hidden = true;
      return;
    }
    // Offline or a server error: say so, and that the rows are stale.
    t.classList.add("stale");
    var why = ev.detail.xhr && ev.detail.xhr.status ? " (error " + ev.detail.xhr.status + ")" : " (no connection)";
    if (el("list-error-text")) el("list-error-text").textContent = "The list could not be loaded" + why + ".";
    if (el("list-error")) el("list-error").hidden = false;
  });
  // After paging or sorting, the view starts at the table's top: focus goes
  // to the sort control used (at the top too), else to the caption.
  // - On afterSettle, not afterSwap: htmx makes the new rows' links live in
  //   its settle step; focus on a link that is not live yet sent Enter (or a
  //   click) to a plain page load. And the "Loading…" line above the table
  //   is hidden by then, so the scroll is not undone by its height.
  // - The control is the one of this request (requestConfig.elt), not one
  //   remembered from an earlier event: another swap meanwhile (the header's
  //   count, a live refresh of the table) neither takes nor clears it.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var t = el("user-table");
    if (!table(ev) || ev.target !== t) return;
    var from = ev.detail.requestConfig && ev.detail.requestConfig.elt;
    var key = from && from.getAttribute && from.getAttribute("data-focus");
    if (!key) return; // a search or a live refresh: focus stays put
    var same = key.indexOf("sort-") === 0 || key.indexOf("top-") === 0 ? t.querySelector("[data-focus='" + key + "']") : null;
    var target = same || el("user-caption");
    if (!target) {
      t.setAttribute("tabindex", "-1");
      target = t;
    }
    target.focus({ preventScroll: true });
    t.scrollIntoView({ block: "start" });
  });
  document.addEventListener("click", function (ev) {
    if (!ev.target || ev.target.id !== "list-retry") return;
    if (el("list-error")) el("list-error").hidden = true;
    var t = el("user-table");
    if (t) t.classList.remove("stale");
    var e = lastElt;
    if (e && e.tagName === "FORM" && document.contains(e)) e.requestSubmit();
    else if (e && document.contains(e) && e.tagName === "A") e.click();
    else if (t) htmx.ajax("GET", location.pathname + location.search, { target: "#user-table", swap: "outerHTML" });
  });
  // "Select all" works with JavaScript only; without it each box is ticked.
  function showSelectAll() {
    var all = el("select-all");
    if (all) all.hidden = false;
  }
  document.addEventListener("DOMContentLoaded", showSelectAll);
  document.addEventListener("htmx:load", showSelectAll);
  document.addEventListener("change", function (ev) {
    if (!ev.target || ev.target.id !== "select-all") return;
    document.querySelectorAll("#user-table input.row-select").forEach(function (b) { b.checked = ev.target.checked; });
  });
})();
