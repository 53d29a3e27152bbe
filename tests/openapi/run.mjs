// run.mjs — the OpenAPI lint (issue 17): the real server's
// /api/v1/openapi.json through `redocly lint` with the recommended rules.
// Two servers: one ISMS file (no prefix) and --dir (the organization's
// prefix /o/NAME), since the document's servers differ. Each problem is
// printed with its rule, severity and JSON pointer; any error or warning
// fails. Usage: ISMS=./isms tests/openapi/run.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const ISMS = process.env.ISMS;
const REDOCLY = path.join(here, "node_modules", ".bin", "redocly");
let passed = 0;
let failed = 0;
const procs = [];

function log(s) {
  process.stdout.write(s + "\n");
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

async function serve(args, errPath) {
  const port = await freePort();
  const fd = fs.openSync(errPath, "w");
  const proc = spawn(ISMS, ["serve", ...args, "--listen", `127.0.0.1:${port}`], { stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  procs.push(proc);
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30000; Date.now() < deadline && proc.exitCode === null;) {
    try {
      if ((await fetch(base + "/healthz")).ok) {
        return { proc, base };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`isms serve ${args.join(" ")} did not answer: ${fs.readFileSync(errPath, "utf8")}`);
}

async function stop(proc) {
  if (proc.exitCode === null) {
    proc.kill("SIGTERM");
    await Promise.race([new Promise((r) => proc.on("exit", r)), new Promise((r) => setTimeout(r, 20000))]);
  }
  if (proc.exitCode === null) {
    proc.kill("SIGKILL");
  }
  return proc.exitCode;
}

// Lints the document at url; returns the problems as lines.
async function lint(url, file) {
  const r = await fetch(url);
  if (r.status !== 200) {
    return [`GET ${url}: status ${r.status}`];
  }
  fs.writeFileSync(file, await r.text());
  const out = spawnSync(REDOCLY, ["lint", file, "--config", path.join(here, "redocly.yaml"),
    "--format", "json", "--max-problems", "10000"], { encoding: "utf8", timeout: 90000, cwd: here });
  let res;
  try {
    res = JSON.parse(out.stdout);
  } catch {
    return [`redocly lint gave no JSON (status ${out.status}): ${(out.stderr || out.stdout).slice(0, 2000)}`];
  }
  const counts = {};
  const lines = [];
  for (const p of res.problems || []) {
    counts[p.ruleId] = (counts[p.ruleId] || 0) + 1;
    if (counts[p.ruleId] <= 5) {
      const where = (p.location || []).map((l) => l.pointer).join(" ");
      lines.push(`${p.severity} ${p.ruleId}: ${p.message} at ${where}`);
    }
  }
  for (const [k, n] of Object.entries(counts)) {
    if (n > 5) {
      lines.push(`${k}: ${n - 5} more`);
    }
  }
  return lines;
}

async function check(name, fn) {
  const t0 = Date.now();
  let problems;
  try {
    problems = await fn();
  } catch (e) {
    problems = ["exception: " + (e && e.stack ? e.stack : e)];
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (problems.length === 0) {
    passed++;
    log(`ok    ${name} (${secs}s)`);
  } else {
    failed++;
    log(`FAIL  ${name} (${secs}s)`);
    problems.forEach((p) => log("      " + p));
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "isms-openapi-"));
  try {
    const dir = path.join(tmp, "orgs");
    fs.mkdirSync(dir);
    const file = path.join(dir, "acme.isms");
    const init = spawnSync(ISMS, ["init", file], { encoding: "utf8", timeout: 60000 });
    if (init.status !== 0) {
      throw new Error(`isms init: ${init.stderr}`);
    }
    const one = await serve([file], path.join(tmp, "one.err"));
    await check("redocly lint (recommended rules): /api/v1/openapi.json of one ISMS file", async () => {
      const p = await lint(one.base + "/api/v1/openapi.json", path.join(tmp, "one.json"));
      const doc = JSON.parse(fs.readFileSync(path.join(tmp, "one.json"), "utf8"));
      if (!(doc.servers && doc.servers.length && doc.servers[0].url === "/")) {
        p.push(`servers: ${JSON.stringify(doc.servers)} (want [{url: "/"}])`);
      }
      return p;
    });
    const code1 = await stop(one.proc);
    const many = await serve(["--dir", dir], path.join(tmp, "dir.err"));
    await check("redocly lint (recommended rules): /o/acme/api/v1/openapi.json under --dir", async () => {
      const p = await lint(many.base + "/o/acme/api/v1/openapi.json", path.join(tmp, "dir.json"));
      const doc = JSON.parse(fs.readFileSync(path.join(tmp, "dir.json"), "utf8"));
      if (!(doc.servers && doc.servers[0] && doc.servers[0].url === "/o/acme")) {
        p.push(`servers: ${JSON.stringify(doc.servers)} (want [{url: "/o/acme"}])`);
      }
      return p;
    });
    const code2 = await stop(many.proc);
    await check("the servers stop cleanly (status 0, no sanitizer report)", async () => {
      const p = [code1, code2].filter((c) => c !== 0).map((c) => `exit status ${c}`);
      for (const f of ["one.err", "dir.err"]) {
        const err = fs.readFileSync(path.join(tmp, f), "utf8");
        if (/AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/.test(err)) {
          p.push(`${f}: ${err.slice(-3000)}`);
        }
      }
      return p;
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.on("exit", () => procs.forEach((p) => p.exitCode === null && p.kill("SIGKILL")));
try {
  await main();
} catch (e) {
  failed++;
  log("FAIL  setup: " + (e && e.stack ? e.stack : e));
}
log(`openapi: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
