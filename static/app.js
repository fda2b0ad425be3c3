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
