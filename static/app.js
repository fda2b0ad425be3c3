// kmusers panel: the little the pages need beyond htmx. No inline script
// anywhere, so the CSP can forbid it.
"use strict";
document.addEventListener("change", function (ev) {
  var input = ev.target;
  if (!input.matches || !input.matches("input[type=file][data-preview]")) return;
  var img = document.querySelector(input.getAttribute("data-preview"));
  if (!img || !input.files || !input.files[0]) return;
  img.src = URL.createObjectURL(input.files[0]);
});
