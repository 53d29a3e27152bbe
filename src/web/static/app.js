// isms — progressive enhancement only; every essential action works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (ev) => { if (!confirm(f.dataset.confirm)) ev.preventDefault(); });
  }
});
