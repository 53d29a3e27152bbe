// run.mjs — browser tests of isms: the real server (`isms serve`) on a demo
// ISMS, driven through Debian's headless Chromium by playwright-core (never a
// downloaded browser). A person's path through the product:
//
//   1. the manager signs in through the form,
//   2. creates a risk with the New risk form,
//   3. sees it on the risk list and on the heat map (/risks/matrix, and the
//      dashboard when it has one), and follows the heat-map cell to it,
//   4. signs out; top management signs in and approves the SoA,
//   5. at phone width (390 px) no page scrolls sideways (tables may, inside
//      their wrappers),
//   6. accessibility (issue 17, docs/accessibility.md; tests/browser/a11y.mjs):
//      axe-core's WCAG 2.1 A/AA rules on every page each role reaches by
//      links (and at phone width, on forms sent with errors, on a new empty
//      ISMS), the New risk form filled and sent with the keyboard alone, and
//      the figures of charts and heat maps present as text, and
//   7. no page logs an error (a CSP violation would be one);
//   bundle: the auditor downloads the evidence bundle from /readiness (a zip
//      holding manifest.json that `isms bundle verify` accepts).
//
// Screenshots go to tests/browser/out/ (git-ignored). Prints one line per
// step and "browser: N passed, N failed"; exits 1 on a failure. Every wait is
// bounded. Usage: ISMS=./isms node tests/browser/run.mjs (or tests/browser/run).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { AXE_VERSION, axeCheck, bestPractice, crawl, shape, tally, checkedPages } from "./a11y.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const ISMS = path.resolve(process.env.ISMS || path.join(repo, "isms"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const OUT = path.join(here, "out");
const STEP_TIMEOUT = 20000;
const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

let server = null; // stopped by the watchdog if the run hangs
let passed = 0;
let failed = 0;
const problems = [];

function log(s) {
  process.stdout.write(s + "\n");
}

// A check inside a step: counted with the step, failures listed.
function expect(cond, what, detail) {
  if (!cond) {
    problems.push(what + (detail ? "\n        " + String(detail).slice(0, 1500) : ""));
  }
  return !!cond;
}

async function step(name, fn) {
  const before = problems.length;
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    problems.push("exception: " + (e && e.stack ? e.stack.split("\n").slice(0, 6).join("\n") : e));
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (problems.length === before) {
    passed++;
    log(`ok    ${name} (${secs}s)`);
    return true;
  }
  failed++;
  log(`FAIL  ${name} (${secs}s)`);
  for (const p of problems.slice(before)) {
    log("      " + p);
  }
  return false;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function demo(file) {
  const r = spawnSync(ISMS, ["demo", file], { encoding: "utf8", timeout: 120000 });
  if (r.status !== 0) {
    throw new Error(`isms demo failed (${r.status}): ${r.stderr}`);
  }
  const accounts = {};
  const re = /^\s+(\S+)\s+(admin|manager|owner|top-management|auditor|staff)\s+(P-\d+|-)\s+(\S+)\s*$/;
  for (const line of (r.stdout + r.stderr).split("\n")) {
    const m = re.exec(line);
    if (m) {
      accounts[m[2]] = { name: m[1], person: m[3], password: m[4] };
    }
  }
  return accounts;
}

async function startServer(file) {
  const port = await freePort();
  const errPath = path.join(path.dirname(file), "serve.err");
  const errFd = fs.openSync(errPath, "w");
  const proc = spawn(ISMS, ["serve", file, "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", errFd, errFd],
  });
  fs.closeSync(errFd);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      break;
    }
    try {
      const r = await fetch(base + "/healthz");
      if (r.ok) {
        return { proc, base, errPath };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill("SIGKILL");
  throw new Error("the server did not answer /healthz: " + fs.readFileSync(errPath, "utf8"));
}

async function stopServer(srv) {
  if (srv.proc.exitCode === null) {
    srv.proc.kill("SIGTERM");
  }
  const code = await Promise.race([
    new Promise((r) => (srv.proc.exitCode !== null ? r(srv.proc.exitCode) : srv.proc.on("exit", (c) => r(c)))),
    new Promise((r) => setTimeout(() => r("timeout"), 30000)),
  ]);
  if (code === "timeout") {
    srv.proc.kill("SIGKILL");
  }
  return { code, stderr: fs.readFileSync(srv.errPath, "utf8") };
}

const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  timeout: 60000,
};

// A browser of its own (a fresh profile directory) for one person.
async function browserFor(tmp, who) {
  const profile = fs.mkdtempSync(path.join(tmp, `profile-${who}-`));
  const ctx = await chromium.launchPersistentContext(profile, {
    ...LAUNCH,
    viewport: { width: 1280, height: 900 },
  });
  ctx.setDefaultTimeout(STEP_TIMEOUT);
  ctx.setDefaultNavigationTimeout(STEP_TIMEOUT);
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.errors = [];
  page.notes = [];
  page.on("console", (m) => {
    // a failed load is judged below by its response (pages we go to on
    // purpose may answer 403/404; their status is checked where it matters)
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      page.errors.push(`${page.url()}: console: ${m.text()}`);
    }
  });
  page.on("response", (r) => {
    const req = r.request();
    if (r.status() >= 400 && req.resourceType() !== "document") {
      const u = new URL(r.url());
      if (u.pathname === "/favicon.ico") {
        page.notes.push(`GET /favicon.ico answers ${r.status()} (browsers ask for it on every page)`);
      } else {
        page.errors.push(`${page.url()}: ${req.resourceType()} ${r.url()} answered ${r.status()}`);
      }
    }
  });
  page.on("pageerror", (e) => page.errors.push(`${page.url()}: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!r.url().startsWith("data:")) {
      page.errors.push(`${page.url()}: request failed: ${r.url()} ${r.failure()?.errorText}`);
    }
  });
  return { ctx, page };
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(OUT, name + ".png"), fullPage });
}

async function signIn(page, base, acc) {
  await page.goto(base + "/login");
  await page.fill('input[name="name"]', acc.name);
  await page.fill('input[name="password"]', acc.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/login"] button[type="submit"]')]);
}

// Elements that stick out to the right without a scrolling ancestor, and
// whether the page itself scrolls sideways.
async function sideways(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    const bad = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if ((r.width === 0 && r.height === 0) || r.right <= vw + 1) {
        continue;
      }
      // contained: inside a scrolling (or clipping) ancestor that is also
      // its containing block's ancestor — an absolutely positioned element
      // escapes a wrapper that is not positioned itself
      const pos = getComputedStyle(el).position;
      let needPositioned = pos === "absolute";
      let contained = false;
      let p = el.parentElement;
      while (p && p !== document.body && pos !== "fixed") {
        const cs = getComputedStyle(p);
        const ox = cs.overflowX;
        const positioned = cs.position !== "static" || cs.transform !== "none";
        if ((ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip") &&
            (!needPositioned || positioned)) {
          contained = true;
          break;
        }
        if (positioned) {
          needPositioned = false;
        }
        p = p.parentElement;
      }
      if (!contained) {
        const id = el.id ? "#" + el.id : "";
        const cls = typeof el.className === "string" && el.className ? "." + el.className.split(/\s+/).join(".") : "";
        bad.push(`${el.tagName.toLowerCase()}${id}${cls} (position: ${pos}) right=${Math.round(r.right)}`);
      }
    }
    return { vw, sw, bad: [...new Set(bad)].slice(0, 6) };
  });
}

// Opens each path at 390 x 844 and checks that it does not scroll sideways;
// a screenshot of each.
async function phoneCheck(page, base, paths, who) {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const pth of paths) {
    const resp = await page.goto(base + pth);
    expect(resp && resp.status() === 200, `${pth} as ${who}: status ${resp && resp.status()}`);
    const s = await sideways(page);
    expect(s.sw <= s.vw + 1 && s.bad.length === 0,
      `${pth} as ${who}: the page is ${s.sw}px wide at ${s.vw}px`, s.bad.join(", "));
    const name = `09-phone-${who}` + (pth === "/" ? "-dashboard" : pth.replace(/[^a-z0-9]+/gi, "-"));
    await shot(page, name, false);
    // accessibility (issue 17): the phone layout too
    for (const v of await axeCheck(page, `${pth} as ${who} at 390 px`)) {
      expect(false, v);
    }
  }
}

// The inherent heat map's count in cell (likelihood l, consequence c): the
// cell whose (visible or assistive) text says "N risk(s) at likelihood l,
// consequence c" ("no risks at ..." is 0); null when there is no such cell.
async function cellCount(page, l, c) {
  return page.evaluate(([lk, cq]) => {
    const fig = document.querySelector("figure.heatmap");
    if (!fig) {
      return null;
    }
    const key = `at likelihood ${lk}, consequence ${cq}:`;
    for (const td of fig.querySelectorAll("td")) {
      const labels = [...td.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label"));
      const t = [td.textContent, ...labels].join(" ").replace(/\s+/g, " ");
      if (!t.includes(key)) {
        continue;
      }
      const m = /(\d+) risks? at likelihood/.exec(t);
      return m ? Number(m[1]) : /no risks at likelihood/.test(t) ? 0 : null;
    }
    return null;
  }, [String(l), String(c)]);
}

// The link of that cell to the list of its risks.
function cellLink(page, l, c) {
  return page.locator("figure.heatmap").first().locator(`a[href*="likelihood=${l}&consequence=${c}"]`).first();
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (!fs.existsSync(ISMS)) {
    log(`browser: ${ISMS} is not built`);
    process.exit(2);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "isms-browser-"));
  const file = path.join(tmp, "demo.isms");
  const accounts = demo(file);
  const srv = await startServer(file);
  server = srv;
  const base = srv.base;
  const title = `Browser-made risk ${process.pid}`;
  let riskUrl = null;
  let likelihood = null;
  let consequence = null;
  let before = null;
  const browsers = [];

  try {
    const mgr = await browserFor(tmp, "manager");
    browsers.push(mgr);
    const page = mgr.page;

    await step("the manager signs in through the form", async () => {
      await page.goto(base + "/risks");
      expect(page.url().startsWith(base + "/login"), "signed out, /risks goes to /login", page.url());
      await shot(page, "01-login");
      await page.fill('input[name="name"]', accounts.manager.name);
      await page.fill('input[name="password"]', accounts.manager.password);
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/login"] button[type="submit"]')]);
      expect(page.url() === base + "/risks", "after signing in: back to /risks (next)", page.url());
      const cookies = await mgr.ctx.cookies(); // all: a Secure cookie of http://127.0.0.1 is filtered out by URL
      const sess = cookies.find((k) => k.name === "__Host-isms");
      expect(sess && sess.httpOnly && sess.secure && sess.sameSite === "Strict",
        "the browser holds an HttpOnly, Secure, SameSite=Strict session cookie", JSON.stringify(cookies));
      expect(await page.locator("form.logout").count() === 1, "a sign-out button is shown");
      await page.goto(base + "/");
      await shot(page, "02-dashboard");
      // the ISMS manager's home opens with the readiness figure and the gaps
      const firstCard = await page.locator("div.cards > section").first().getAttribute("id");
      expect(firstCard === "readiness-home", "the manager's home opens with the readiness card", firstCard);
      expect(/\d+\s*%/.test(await page.locator("#readiness-home").innerText()),
        "the readiness card shows the overall figure");
    });

    await step("the manager creates a risk with the New risk form", async () => {
      await page.goto(base + "/risks/new");
      expect((await page.title()).includes("New"), "the New risk page", await page.title());
      const lik = await page.locator('select[name="likelihood"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      const con = await page.locator('select[name="consequence"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      expect(lik.length >= 2 && con.length >= 2, "likelihood and consequence offer the method's scales", `${lik} / ${con}`);
      likelihood = lik[lik.length - 1];
      consequence = con[con.length - 2] || con[0];
      await page.goto(base + "/risks/matrix");
      before = await cellCount(page, likelihood, consequence);
      expect(before !== null, `the heat map has a cell for likelihood ${likelihood}, consequence ${consequence}`);
      await page.goto(base + "/risks/new");
      await page.fill('[name="title"]', title);
      await page.fill('[name="description"]', "Made by the browser test: a person filling in the form.");
      await page.selectOption('select[name="likelihood"]', likelihood);
      await page.selectOption('select[name="consequence"]', consequence);
      const owner = await page.locator('select[name="owner"]').inputValue();
      expect(owner === accounts.manager.person, "the owner defaults to the signed-in person", owner);
      await page.check('input[name="affects"][value="confidentiality"]');
      await shot(page, "03-new-risk");
      await Promise.all([page.waitForNavigation(), page.click('form.record-form button[type="submit"]')]);
      riskUrl = page.url();
      expect(/\/risks\/R-\d+/.test(riskUrl), "after Create: the new risk's page", riskUrl);
      expect(await page.getByText(title).count() > 0, "the risk's page shows its title");
      await shot(page, "04-risk");
    });

    await step("the new risk is on the risk list and on the heat map", async () => {
      await page.goto(base + "/risks");
      expect(await page.getByRole("link", { name: title }).count() > 0, "the list links to the new risk");
      await shot(page, "05-risk-list");
      await page.goto(base + "/risks/matrix");
      const after = await cellCount(page, likelihood, consequence);
      expect(after === before + 1, `the heat map cell (${likelihood}, ${consequence}) counts one more risk`, `${before} -> ${after}`);
      await shot(page, "06-heat-map");
      await Promise.all([page.waitForNavigation(), cellLink(page, likelihood, consequence).click()]);
      expect(await page.getByRole("link", { name: title }).count() > 0, "the heat-map cell leads to a list with the risk", page.url());
      await page.goto(base + "/");
      if (await page.locator("figure.heatmap").count() > 0) {
        const dash = await cellCount(page, likelihood, consequence);
        expect(dash === before + 1, "the dashboard's heat map counts it too", `${before} -> ${dash}`);
      }
    });

    await step("at phone width (390 px) no page scrolls sideways and axe finds nothing (the manager's pages)", async () => {
      await phoneCheck(page, base, ["/", "/risks", "/risks/new", new URL(riskUrl || base + "/risks/R-0001").pathname,
        `${new URL(riskUrl || base + "/risks/R-0001").pathname}/edit`, "/risks/matrix", "/assets", "/soa"], "manager");
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await step("the manager signs out", async () => {
      await page.goto(base + "/");
      await Promise.all([page.waitForNavigation(), page.click("form.logout button")]);
      expect(page.url().startsWith(base + "/login"), "after signing out: the sign-in page", page.url());
      await page.goto(base + "/risks");
      expect(page.url().startsWith(base + "/login"), "signed out: pages go to /login", page.url());
    });

    const top = await browserFor(tmp, "top");
    browsers.push(top);
    await step("top management signs in and approves the SoA", async () => {
      const p = top.page;
      await signIn(p, base, accounts["top-management"]);
      expect(p.url() === base + "/", "top management lands on the dashboard", p.url());
      await p.goto(base + "/soa/versions");
      const versionsBefore = await p.locator('a[href*="/soa/versions/"]').count();
      await p.goto(base + "/soa");
      await shot(p, "07-soa", false);
      const form = p.locator('form[action$="/soa/approve"]');
      expect(await form.count() === 1, "the SoA page offers the approval form to top management");
      expect(await form.locator('[name="by"]').count() === 0,
        "the form has no 'by' field: the signer is the signed-in account");
      expect(await form.getByText("You sign as").count() === 1 &&
             (await form.innerText()).includes(accounts["top-management"].name),
        "the form says the signed-in account signs");
      await form.locator('[name="note"]').fill("Approved in the browser test.");
      await Promise.all([p.waitForNavigation(), form.locator('button[type="submit"]').click()]);
      expect(/\/soa\/versions\/\d+/.test(p.url()), "after approving: the new version's page", p.url());
      expect((await p.content()).includes("account " + accounts["top-management"].name),
        "the version shows its sign-off by the signed-in account");
      await shot(p, "08-soa-approved");
      await p.goto(base + "/soa/versions");
      const versionsAfter = await p.locator('a[href*="/soa/versions/"]').count();
      // approving content this signer already approved is the same version, not a new one
      expect(versionsAfter >= versionsBefore && versionsAfter >= 1, "the approved version is listed", `${versionsBefore} -> ${versionsAfter}`);
    });

    await step("at phone width (390 px) no page scrolls sideways and axe finds nothing (top management's pages)", async () => {
      await phoneCheck(top.page, base, ["/", "/soa", "/soa/versions", "/documents", "/incidents", "/plan", "/risks"], "top");
      const anon = await browserFor(tmp, "phone-login");
      browsers.push(anon);
      await phoneCheck(anon.page, base, ["/login"], "signed-out");
    });

    // ---- bundle: the auditor downloads the evidence bundle from /readiness ----
    const aud = await browserFor(tmp, "auditor");
    browsers.push(aud);
    await step("the auditor signs in and downloads the evidence bundle from the readiness page", async () => {
      const p = aud.page;
      await signIn(p, base, accounts["auditor"]);
      expect(new URL(p.url()).pathname === "/readiness", "the auditor lands on the readiness report after signing in", p.url());
      await shot(p, "10-auditor-readiness");
      await p.goto(base + "/readiness");
      const link = p.locator("a#bundle-download");
      expect(await link.count() === 1, "the readiness page offers the evidence bundle");
      const [download] = await Promise.all([p.waitForEvent("download"), link.click()]);
      expect(download.suggestedFilename() === "evidence-bundle.zip", "the download is named evidence-bundle.zip",
        download.suggestedFilename());
      const file = path.join(tmp, "bundle.zip");
      await download.saveAs(file);
      const bytes = fs.readFileSync(file);
      expect(bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])), "the file is a zip (PK\\3\\4)");
      expect(bytes.includes(Buffer.from("manifest.json")), "the zip holds manifest.json");
      const v = spawnSync(ISMS, ["bundle", "verify", file], { encoding: "utf8", timeout: 60000 });
      expect(v.status === 0 && /files match the manifest/.test(v.stdout),
        "isms bundle verify accepts the downloaded bundle", v.stdout + v.stderr);
      const m = spawnSync("python3", ["-c", "import json,sys,zipfile; d=json.loads(zipfile.ZipFile(sys.argv[1]).read('manifest.json')); print(d['created_by'], d['role'], len(d['files']))", file],
        { encoding: "utf8", timeout: 60000 });
      expect(m.status === 0 && m.stdout.startsWith(accounts["auditor"].name + " auditor "),
        "the manifest names the auditor who downloaded it", m.stdout + m.stderr);
    });
    // ---- end bundle ----

    // ---- accessibility (issue 17): axe-core on every page, each role ----
    // One browser context per role, signed in through the form; every page
    // reachable by links from the dashboard (one per route shape), axe-core's
    // WCAG 2.1 A/AA rules on each. The manager must reach the newer pages too.
    const a11yBrowser = await chromium.launch(LAUNCH);
    const a11yCtx = async (w = 1280, h = 900) => {
      const ctx = await a11yBrowser.newContext({ viewport: { width: w, height: h } });
      ctx.setDefaultTimeout(STEP_TIMEOUT);
      ctx.setDefaultNavigationTimeout(STEP_TIMEOUT);
      const p = await ctx.newPage();
      p.errors = [];
      p.notes = [];
      p.on("pageerror", (e) => p.errors.push(`${p.url()}: ${e.message}`));
      p.on("console", (m) => {
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
          p.errors.push(`${p.url()}: console: ${m.text()}`);
        }
      });
      browsers.push({ ctx, page: p });
      return p;
    };
    const MUST = ["/", "/tasks", "/risks", "/risks/:id", "/risks/new", "/risks/matrix", "/soa", "/documents/:id",
      "/audits/coverage", "/audits/:id/report", "/reviews/:id/pack", "/certificates/:id/schedule", "/ctests/:id"];
    const roles = ["manager", "top-management", "owner", "auditor", "staff", "admin"];
    for (const role of roles) {
      await step(`axe ${AXE_VERSION}: every page the ${role} reaches has no WCAG 2.1 A/AA violation`, async () => {
        const p = await a11yCtx();
        await signIn(p, base, accounts[role]);
        const limit = role === "manager" ? 160 : 60;
        // the newer pages first: one record of each kind, through the API
        const deep = [];
        for (const [plural, tail] of [["audits", "/report"], ["reviews", "/pack"], ["certificates", "/schedule"], ["ctests", ""]]) {
          // from the page itself: its session cookie is Secure (127.0.0.1 counts as secure for the browser only)
          const j = await p.evaluate(async (u) => {
            const r = await fetch(u);
            return r.ok ? r.json() : null;
          }, `/api/v1/${plural}?limit=1`);
          if (j && j.items && j.items.length) {
            deep.push(`/${plural}/${j.items[0].id}${tail}`);
          }
        }
        const { visited, problems: found } = await crawl(p, base, ["/", ...MUST.filter((m) => !m.includes(":")), ...deep], role, { limit });
        for (const f of found) {
          expect(false, f);
        }
        expect(visited.length >= 5, `${role}: at least 5 pages checked`, visited.join(" "));
        if (role === "manager") {
          const shapes = new Set(visited.map((v) => shape(new URL(v, base))));
          for (const m of MUST) {
            expect(shapes.has(m), `the manager's pages include ${m}`, [...shapes].join(" "));
          }
        }
        log(`      ${role}: ${visited.length} pages checked`);
      });
    }

    await step("axe: forms with validation errors and a failed sign-in have no violation", async () => {
      const p = await a11yCtx();
      await p.goto(base + "/login");
      await p.fill('input[name="name"]', accounts.manager.name);
      await p.fill('input[name="password"]', "not-the-password");
      await Promise.all([p.waitForNavigation(), p.click('form[action$="/login"] button[type="submit"]')]);
      expect((await p.content()).match(/class="[^"]*(error|flash|notice)/), "the failed sign-in shows an error", p.url());
      for (const v of await axeCheck(p, "/login after a wrong password")) {
        expect(false, v);
      }
      await signIn(p, base, accounts.manager);
      for (const form of ["/risks/new", "/assets/new", "/documents/new", "/incidents/new", "/audits/new"]) {
        const r = await p.goto(base + form);
        if (!r || r.status() !== 200) {
          expect(false, `${form}: status ${r && r.status()}`);
          continue;
        }
        // the browser's own checks off: the server's messages are what is judged
        await p.evaluate(() => document.querySelectorAll("form.record-form").forEach((f) => { f.noValidate = true; }));
        await Promise.all([p.waitForNavigation(), p.click('form.record-form button[type="submit"]')]);
        const errs = await p.locator('[aria-invalid="true"], .error, .errors, .field-error').count();
        expect(errs > 0, `${form} submitted empty: the page shows the errors`, p.url());
        await shot(p, "10-invalid" + form.replace(/[^a-z0-9]+/gi, "-"));
        for (const v of await axeCheck(p, `${form} submitted empty`)) {
          expect(false, v);
        }
      }
    });

    await step("keyboard only: the skip link, visible focus, and the New risk form filled and submitted", async () => {
      const p = await a11yCtx();
      await signIn(p, base, accounts.manager);
      await p.goto(base + "/risks/new");
      await p.keyboard.press("Tab");
      const first = await p.evaluate(() => ({ text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute("href") }));
      expect(first.href === "#main" && /skip/i.test(first.text), "the first Tab reaches the skip link", JSON.stringify(first));
      const skipShown = await p.evaluate(() => {
        const r = document.activeElement.getBoundingClientRect();
        return r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0;
      });
      expect(skipShown, "the focused skip link is visible");
      await p.keyboard.press("Enter");
      // a same-document jump: the page's location changes at once, but the
      // driver learns of it by an event that may come later; ask the page
      const hash = await p.waitForFunction(() => location.hash === "#main", null, { timeout: 3000 })
        .then(() => "#main", () => p.evaluate(() => location.hash));
      expect(hash === "#main", "Enter on the skip link goes to #main", `${p.url()} (location.hash ${JSON.stringify(hash)})`);
      // Tab on from the main content: every control met is visibly focused;
      // the form is filled by typing, arrows and Space, and sent with Enter.
      const ktitle = `Keyboard-made risk ${process.pid}`;
      const seenNames = new Set();
      let submitted = false;
      for (let i = 0; i < 120 && !submitted; i++) {
        await p.keyboard.press("Tab");
        const el = await p.evaluate(() => {
          const a = document.activeElement;
          const cs = getComputedStyle(a);
          const focusVisible = a.matches(":focus-visible");
          const shown = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none";
          return {
            tag: a.tagName.toLowerCase(), type: a.type || "", name: a.name || "", value: a.value || "",
            // a date field's day/month/year parts and its picker are inside the
            // browser's own widget: the field keeps the ring while a part has it
            inner: !a.matches(":focus"),
            key: [a.tagName, a.type, a.name, a.id, a.type === "checkbox" ? a.value : ""].join("|"),
            inForm: !!a.closest("form.record-form"), focusVisible, shown,
            desc: a.tagName.toLowerCase() + (a.name ? `[name=${a.name}]` : "") + (a.id ? "#" + a.id : "") + " " + (a.textContent || "").trim().slice(0, 30),
          };
        });
        if (el.tag === "body" || el.inner) {
          continue;
        }
        expect(el.focusVisible && el.shown, `the focused ${el.desc} shows its focus (outline or ring)`);
        if (!el.inForm) {
          continue;
        }
        if (seenNames.has(el.key)) {
          continue;
        }
        seenNames.add(el.key);
        if (el.name === "title") {
          await p.keyboard.type(ktitle);
        } else if (el.name === "description") {
          await p.keyboard.type("Typed with the keyboard only.");
        } else if (el.name === "likelihood" || el.name === "consequence") {
          await p.keyboard.press("ArrowDown");
          await p.keyboard.press("ArrowDown");
        } else if (el.type === "checkbox" && el.value === "availability") {
          await p.keyboard.press("Space");
        } else if (el.tag === "button" && el.type === "submit") {
          await Promise.all([p.waitForNavigation(), p.keyboard.press("Enter")]);
          submitted = true;
        }
      }
      expect(submitted, "the Create button was reached with Tab", [...seenNames].join(" "));
      expect(/\/risks\/R-\d+$/.test(new URL(p.url()).pathname), "Enter on Create: the new risk's page", p.url());
      expect(await p.getByText(ktitle).count() > 0, "the new risk has the typed title");
      await shot(p, "11-keyboard-risk");
    });

    await step("charts and heat maps carry their figures as text (a table or an aria-label)", async () => {
      const p = await a11yCtx();
      await signIn(p, base, accounts.manager);
      for (const pth of ["/", "/risks/matrix"]) {
        await p.goto(base + pth);
        const bad = await p.evaluate(() => {
          const out = [];
          for (const el of document.querySelectorAll("figure, svg, canvas, .chart, .bar, .heatmap")) {
            const fig = el.closest("figure") || el;
            const text = fig.querySelector("table") || fig.getAttribute("aria-label") || el.getAttribute("aria-label") ||
              (el.tagName === "svg" && el.querySelector("title")) || el.getAttribute("aria-hidden") === "true";
            if (!text) {
              out.push(el.tagName.toLowerCase() + "." + (el.getAttribute("class") || ""));
            }
          }
          return out;
        });
        expect(bad.length === 0, `${pth}: every chart has a text alternative`, bad.join(", "));
        const cells = await p.evaluate(() => [...document.querySelectorAll("figure.heatmap td")].filter(
          (td) => !/risks? at likelihood|no risks at likelihood/.test([td.textContent, ...[...td.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label"))].join(" "))).length);
        expect(cells === 0, `${pth}: every heat-map cell says its count in words`, `${cells} cells without`);
      }
    });

    await step("axe: the empty states (a new ISMS holding only the catalogues)", async () => {
      const efile = path.join(tmp, "empty.isms");
      const init = spawnSync(ISMS, ["init", efile], { encoding: "utf8", timeout: 60000 });
      expect(init.status === 0, "isms init", init.stderr);
      const pw = "pw-empty-manager-0123456789";
      const add = spawnSync(ISMS, ["-f", efile, "user", "add", "emma", "--role", "manager"], { input: pw + "\n", encoding: "utf8", timeout: 60000 });
      expect(add.status === 0, "isms user add", add.stderr);
      const esrv = await startServer(efile);
      try {
        const p = await a11yCtx();
        await signIn(p, esrv.base, { name: "emma", password: pw });
        const { visited, problems: found } = await crawl(p, esrv.base, ["/", "/tasks", "/risks", "/risks/matrix", "/documents",
          "/incidents", "/audits", "/audits/coverage", "/plan", "/soa"], "manager of an empty ISMS", { limit: 50 });
        for (const f of found) {
          expect(false, f);
        }
        expect(visited.length >= 8, "at least 8 empty pages checked", visited.join(" "));
        log(`      empty ISMS: ${visited.length} pages checked`);
      } finally {
        await stopServer(esrv);
      }
    });
    await a11yBrowser.close().catch(() => {});
    const rules = Object.entries(tally).map(([k, v]) => `${k} ${v}`).join(", ");
    log(`      axe: ${checkedPages} page checks, violations by rule: ${rules || "none"}`);
    const bp = Object.entries(bestPractice).map(([k, v]) => `${k} ${v}`).join(", ");
    log(`      axe best-practice rules not enforced (nodes): ${bp || "none"}`);
    // ---- end of accessibility ----

    await step("no page logged an error (CSP violations included)", async () => {
      const notes = new Set();
      for (const b of browsers) {
        expect(b.page.errors.length === 0, "errors in the browser", b.page.errors.slice(0, 10).join("\n        "));
        b.page.notes.forEach((n) => notes.add(n));
      }
      for (const n of notes) {
        log("      note: " + n);
      }
    });
  } finally {
    for (const b of browsers) {
      await b.ctx.close().catch(() => {});
    }
    await step("the server stops cleanly on SIGTERM", async () => {
      const { code, stderr } = await stopServer(srv);
      expect(code === 0, `exit status ${code}`, stderr.slice(-2000));
      expect(!SANITIZER.test(stderr), "no sanitizer report", stderr.slice(-3000));
    });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Never leave the server behind: not when stdout goes away (EPIPE), not on
// an exception, not on the watchdog.
process.stdout.on("error", () => {});
process.on("exit", () => {
  if (server && server.proc.exitCode === null) {
    server.proc.kill("SIGKILL");
  }
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => process.exit(1));
}

const WATCHDOG = Number(process.env.BROWSER_WATCHDOG || 900);
const watchdog = setTimeout(() => {
  log(`browser: the run took longer than ${WATCHDOG} s; stopping`);
  if (server && server.proc.exitCode === null) {
    server.proc.kill("SIGKILL");
  }
  log(`browser: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, WATCHDOG * 1000);
watchdog.unref();

try {
  await main();
} catch (e) {
  failed++;
  log("FAIL  setup: " + (e && e.stack ? e.stack : e));
}
log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
