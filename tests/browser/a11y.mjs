// a11y.mjs — the accessibility checks of the browser tests (issue 17).
//
// axe-core comes from npm (tests/browser/node_modules/axe-core, pinned in
// package-lock.json and installed by tests/browser/run's `npm ci`); its
// source is evaluated in the page through the DevTools protocol, so the
// product's Content-Security-Policy stays as it is and nothing is fetched at
// run time. Every page is checked against the WCAG 2.1 A and AA rules
// (tags wcag2a, wcag2aa, wcag21a, wcag21aa); a violation is reported with
// the rule, its impact, the selector of each node and the page.
//
// crawl() visits every page a signed-in person reaches by following links
// from the dashboard, one page per route shape (/risks/R-0001 and
// /risks/R-0002 are the same shape), so pages added by later issues are
// checked as soon as something links to them.
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_SOURCE = fs.readFileSync(AXE_PATH, "utf8");
export const AXE_VERSION = JSON.parse(
  fs.readFileSync(require.resolve("axe-core/package.json"), "utf8")).version;
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// Every violation found in this run, per rule: { rule: count of nodes }.
export const tally = {};
// axe's best-practice rules (landmarks, heading order, one h1...): not WCAG
// success criteria, so they are counted and reported, never failed on —
// except those in ENFORCED_BP, which the product meets and keeps meeting.
export const bestPractice = {};
export const ENFORCED_BP = new Set(["landmark-one-main", "page-has-heading-one", "region",
  "landmark-unique", "landmark-no-duplicate-main", "heading-order", "empty-heading",
  "empty-table-header"]);
export let checkedPages = 0;

// Runs axe on the page as it is now; returns a list of readable lines, one
// per violating node ("rule (impact) at selector: summary — label").
export async function axeCheck(page, label) {
  const has = await page.evaluate(() => typeof window.axe === "object");
  if (!has) {
    await page.evaluate(AXE_SOURCE);
  }
  const res = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: [...tags, "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({
      id: v.id,
      wcag: v.tags.some((t) => tags.includes(t)),
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "),
        summary: (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 220),
      })),
    }));
  }, WCAG_TAGS);
  checkedPages++;
  const lines = [];
  // charts and heat maps (issue 17, 1.1.1): the same figures as text
  for (const c of await page.evaluate(chartProblems)) {
    tally["chart-text"] = (tally["chart-text"] || 0) + 1;
    lines.push(`${label}: chart-text at ${c}`);
  }
  // every action reachable without a mouse (2.1.1): no control taken out of
  // the tab order, no tab order of its own, no link without an address
  for (const c of await page.evaluate(keyboardProblems)) {
    tally["keyboard"] = (tally["keyboard"] || 0) + 1;
    lines.push(`${label}: keyboard at ${c}`);
  }
  for (const v of res) {
    if (!v.wcag && !ENFORCED_BP.has(v.id)) {
      bestPractice[v.id] = (bestPractice[v.id] || 0) + v.nodes.length;
      continue;
    }
    tally[v.id] = (tally[v.id] || 0) + v.nodes.length;
    for (const n of v.nodes.slice(0, 5)) {
      lines.push(`${label}: ${v.id} (${v.impact}) at ${n.target}: ${n.summary}`);
    }
    if (v.nodes.length > 5) {
      lines.push(`${label}: ${v.id}: ${v.nodes.length - 5} more nodes`);
    }
  }
  return lines;
}

// Graphics that carry figures without saying them in text: an svg or canvas
// that is neither hidden from assistive technology nor named, a heat-map
// cell whose text does not say its count ("N risks at likelihood ..."), a
// progress or meter element without its figures beside it. Runs in the page.
function chartProblems() {
  const out = [];
  const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\s+/).join(".") : "");
  for (const el of document.querySelectorAll("svg, canvas")) {
    if (el.closest("[aria-hidden=true]") || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") ||
        (el.tagName.toLowerCase() === "svg" && el.querySelector(":scope > title")) ||
        (el.tagName.toLowerCase() === "canvas" && el.textContent.trim())) {
      continue;
    }
    out.push(`${where(el)}: neither aria-hidden nor named`);
  }
  for (const td of document.querySelectorAll("figure.heatmap td")) {
    const t = [td.textContent, ...[...td.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label"))].join(" ");
    if (!/\d+ risks? at |no risks at /.test(t.replace(/\s+/g, " "))) {
      out.push(`${where(td)} "${td.textContent.trim().slice(0, 30)}": the cell does not say its count in words`);
    }
  }
  for (const el of document.querySelectorAll("progress, meter")) {
    const near = (el.parentElement ? el.parentElement.textContent : "").replace(/\s+/g, " ");
    if (!/\d/.test(near.replace(el.textContent, "")) && !el.getAttribute("aria-label")) {
      out.push(`${where(el)}: no figures beside it`);
    }
  }
  return out.slice(0, 10);
}

// Controls a keyboard cannot reach or reaches out of order. Runs in the page.
function keyboardProblems() {
  const out = [];
  const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "") + ` "${(el.textContent || "").trim().slice(0, 30)}"`;
  for (const el of document.querySelectorAll("[tabindex]")) {
    const t = Number(el.getAttribute("tabindex"));
    const control = el.matches("a[href], button, input, select, textarea, summary");
    if (t > 0 || (t < 0 && control && !el.closest("[hidden], [aria-hidden=true]"))) {
      out.push(`${where(el)}: tabindex=${t}`);
    }
  }
  for (const el of document.querySelectorAll("a:not([href])")) {
    if (el.textContent.trim() && !el.closest("[hidden]")) {
      out.push(`${where(el)}: a link without href (not focusable)`);
    }
  }
  return out.slice(0, 10);
}

// The shape of a path: record references and version numbers replaced, the
// query reduced to its sorted parameter names.
export function shape(u) {
  const p = u.pathname
    .replace(/\/[A-Z]+-\d+(?=\/|$)/g, "/:id")
    .replace(/\/(A\.)?\d+(\.\d+)+(?=\/|$)/g, "/:id") // controls by Annex A number (5.1, A.5.1.1)
    .replace(/\/\d+(?=\/|$)/g, "/:n");
  const q = [...new Set([...u.searchParams.keys()])].sort().join("&");
  return q ? `${p}?${q}` : p;
}

// Links not to follow: the API, static files, downloads and exports, and
// signing out.
function skip(u) {
  const p = u.pathname;
  return p.startsWith("/api/") || p.startsWith("/static/") || p === "/logout" ||
    /\/attachments\/[^/]+$/.test(p) || /\.(csv|xlsx|json|pdf|md|txt|zip)$/.test(p) ||
    u.searchParams.has("format") || /\/export(\/|$)/.test(p) ||
    /(^|\/)bundle$/.test(p); /* bundle: the evidence bundle, a zip */
}

// Visits the pages reachable from `starts` (breadth first, at most `limit`
// shapes), runs axe on each and calls `each(page, path)` for extra checks.
// Returns { visited: [paths], problems: [lines] }.
export async function crawl(page, base, starts, who, { limit = 90, seen = new Set() } = {}) {
  // paths first, then the same pages with a query (sorted, filtered)
  const queue = starts.map((s) => new URL(s, base));
  const later = [];
  const visited = [];
  const problems = [];
  while ((queue.length || later.length) && visited.length < limit) {
    const u = queue.length ? queue.shift() : later.shift();
    const key = shape(u);
    if (seen.has(key) || skip(u)) {
      continue;
    }
    seen.add(key);
    let resp;
    try {
      resp = await page.goto(u.href);
    } catch (e) {
      if (/Download is starting/.test(String(e))) {
        continue; // a file, not a page
      }
      throw e;
    }
    const ctype = (resp && resp.headers()["content-type"]) || "";
    if (!ctype.startsWith("text/html")) {
      continue;
    }
    const at = new URL(page.url());
    if (at.pathname === "/login" && u.pathname !== "/login") {
      problems.push(`${u.pathname} as ${who}: sent to the sign-in page`);
      break;
    }
    visited.push(u.pathname + u.search);
    problems.push(...(await axeCheck(page, `${u.pathname}${u.search} as ${who}`)));
    const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
    for (const h of hrefs) {
      const n = new URL(h);
      n.hash = "";
      if (n.origin === new URL(base).origin && !seen.has(shape(n)) && !skip(n)) {
        (n.search ? later : queue).push(n);
      }
    }
  }
  return { visited, problems };
}
