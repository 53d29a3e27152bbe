// isms — progressive enhancement only; every essential action works without it.
// No inline script anywhere (CSP script-src 'self'): behaviour hangs off
// data-* attributes and classes the server writes.
"use strict";

// A text box that hides what does not match; returns the input.
function filterBox(label, placeholder, onInput) {
  const wrap = document.createElement("div");
  wrap.className = "js-filter";
  const id = "jsf-" + Math.random().toString(36).slice(2, 9);
  const lab = document.createElement("label");
  lab.htmlFor = id;
  lab.className = "vh";
  lab.textContent = label;
  const input = document.createElement("input");
  input.type = "search";
  input.id = id;
  input.placeholder = placeholder;
  input.autocomplete = "off";
  input.addEventListener("input", () => onInput(input.value.trim().toLowerCase()));
  wrap.append(lab, input);
  return wrap;
}

document.addEventListener("DOMContentLoaded", () => {
  // Ask before irreversible actions (retire).
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (ev) => {
      if (!window.confirm(f.dataset.confirm)) {
        ev.preventDefault();
      }
    });
  }

  // Quick filter over the rows already on the page (lists, the SoA).
  for (const table of document.querySelectorAll("table[data-filterable]")) {
    const rows = Array.from(table.tBodies[0] ? table.tBodies[0].rows : []);
    if (rows.length < 8) {
      continue;
    }
    const status = document.createElement("p");
    status.className = "count js-count";
    status.setAttribute("role", "status");
    const box = filterBox("Filter the rows shown", "Filter the rows shown…", (q) => {
      let shown = 0;
      for (const tr of rows) {
        const hit = !q || tr.textContent.toLowerCase().includes(q);
        tr.hidden = !hit;
        shown += hit ? 1 : 0;
      }
      status.textContent = q ? shown + " of " + rows.length + " rows match" : "";
    });
    const anchor = table.closest(".table-wrap") || table;
    anchor.before(box, status);
  }

  // Multi-selects with many options: a filter box and a count of choices.
  for (const sel of document.querySelectorAll("select[multiple]")) {
    const count = document.createElement("p");
    count.className = "hint js-count";
    const update = () => {
      const n = Array.from(sel.options).filter((o) => o.selected).length;
      count.textContent = n === 1 ? "1 chosen" : n + " chosen";
    };
    sel.addEventListener("change", update);
    update();
    if (sel.options.length > 10) {
      const box = filterBox("Filter the choices", "Type to filter…", (q) => {
        for (const o of sel.options) {
          o.hidden = !!q && !o.selected && !o.textContent.toLowerCase().includes(q);
        }
      });
      sel.before(box);
    }
    sel.after(count);
  }
});
