"""t_bundle.py — the evidence bundle over HTTP: the readiness page and an
audit's page offer the download to the roles the route admits; the auditor
and the manager download a zip (application/zip, an attachment named
evidence-bundle*.zip) whose manifest lists every entry with its size and
SHA-256 (recomputed here with hashlib) and names the downloading account;
`isms bundle verify` accepts the downloaded file; an audit's bundle holds
that audit's scope; staff are refused (403, no zip) and so is nobody
signed in (redirected to the sign-in page). The auditor's bundle holds the
security log as security/security-log.json and .csv (json.loads, csv: the
same entries, the auditor's own sign-in over HTTP among them, no session id
or password); `isms bundle verify` names security/security-log.csv when one
byte of it changes; the manager's bundle leaves the log out, saying why."""
import csv
import hashlib
import io
import json
import os
import subprocess
import tempfile
import zipfile

from harness import *


def read_zip(body):
    z = zipfile.ZipFile(io.BytesIO(body))
    names = z.namelist()
    man = json.loads(z.read("manifest.json"))
    return z, names, man


def check_manifest(z, names, man, who, desc):
    listed = {f["path"]: f for f in man["files"]}
    check(set(names) == set(listed) | {"manifest.json"}, desc + ": the manifest lists every entry",
          "zip only: %s; manifest only: %s" % (sorted(set(names) - set(listed) - {"manifest.json"})[:5],
                                               sorted(set(listed) - set(names))[:5]))
    bad = []
    for n in names:
        if n == "manifest.json":
            continue
        data = z.read(n)
        f = listed.get(n)
        if not f or f["size"] != len(data) or f["sha256"] != hashlib.sha256(data).hexdigest():
            bad.append(n)
    check(not bad, desc + ": every entry has the size and SHA-256 the manifest says", ", ".join(bad[:5]))
    check(not [n for n in names if ".." in n or n.startswith("/") or "\\" in n],
          desc + ": no entry name with .., a leading / or a backslash")
    check_eq(man["created_by"], who.name, desc + ": the manifest names the downloading account")
    check_eq(man["role"], who.role, desc + ": and its role")
    check(man["history_head"]["seq"] > 0 and len(man["history_head"]["hash"] or "") == 64,
          desc + ": the history chain's head (sequence and hash)", str(man["history_head"]))


def listed_paths(man):
    return {f["path"] for f in man["files"]}


def main():
    f = demo_file("bundle.isms")
    srv = Server(f.path, threads=2)
    mgr, staff, auditor = (f.accounts[k] for k in ("manager", "staff", "auditor"))

    note("the readiness page and an audit's pages offer the bundle and the readiness report")
    a = Client(srv)
    a.login_as(auditor)
    r = a.get("/readiness")
    check_status(r, 200, "the auditor opens /readiness")
    check('href="/bundle"' in r.text, "/readiness has the bundle's download button")
    check('href="/readiness/print?format=pdf"' in r.text and
          'href="/readiness/print?format=html"' in r.text, "/readiness has the PDF and Print buttons")
    for page in ("/audits/AUD-0001", "/audits/AUD-0001/report"):
        r = a.get(page)
        check_status(r, 200, page + " opens")
        check('href="/audits/AUD-0001/bundle"' in r.text, page + " offers the audit's bundle")

    note("the readiness report as PDF: every clause's figure, every gap")
    rd = f.json("readiness", "--json")
    r = a.get("/readiness/print?format=pdf")
    check_status(r, 200, "the readiness PDF")
    check_eq(r.header("Content-Type"), "application/pdf", "it is a PDF")
    check(r.body.startswith(b"%PDF-"), "it starts as a PDF does")
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as t:
        t.write(r.body)
    try:
        text = subprocess.run(["pdftotext", "-layout", t.name, "-"], capture_output=True,
                              timeout=60).stdout.decode("utf-8", "replace")
    finally:
        os.unlink(t.name)
    flat = " ".join(text.split())
    missing = [c["clause"] for c in rd["clauses"]
               if "%d%% %d of %d" % (c["percent"], c["passed"], c["asked"]) not in flat or
               c["clause"] + " " not in flat]
    check(not missing, "pdftotext: every clause's figure is in the PDF", ", ".join(missing))
    gaps = [i["title"] for i in rd["items"] if i["gap"] and not i["hidden"] and i["clause"]]
    check(gaps and all(g[:40] in flat for g in gaps), "pdftotext: every gap is named in the PDF",
          ", ".join(g for g in gaps if g[:40] not in flat))
    check(auditor.name in subprocess.run(["pdfinfo", "-"], input=r.body, capture_output=True,
                                         timeout=60).stdout.decode("utf-8", "replace"),
          "pdfinfo: the auditor is the PDF's author")

    note("the auditor downloads the whole bundle")
    r = a.get("/bundle")
    check_status(r, 200, "the auditor downloads /bundle")
    check_eq(r.header("Content-Type"), "application/zip", "as application/zip")
    cd = r.header("Content-Disposition") or ""
    check(cd.startswith("attachment;") and 'filename="evidence-bundle.zip"' in cd,
          "as an attachment named evidence-bundle.zip", cd)
    check_eq(r.header("X-Content-Type-Options"), "nosniff", "not sniffed")
    check(r.body.startswith(b"PK"), "the body is a zip")
    z, names, man = read_zip(r.body)
    check_manifest(z, names, man, auditor, "the auditor's bundle")
    check_eq(man["scope"]["kind"], "whole", "the whole ISMS")
    check(any(n.startswith("documents/DOC-0001_") and n.endswith(".pdf") for n in names),
          "the approved policy's PDF is in it")
    check("readiness/readiness.json" in names and "readiness/readiness.pdf" in names and
          "readiness/readiness.html" in names, "the readiness report as JSON, PDF and HTML")
    got = json.loads(z.read("readiness/readiness.json"))
    check_eq(got["percent"], rd["percent"], "the bundled readiness is the readiness of the file")
    atts = [n for n in names if n.startswith("evidence/")]
    check(len(atts) >= 1, "evidence files are in it", str(names))
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as t:
        t.write(r.body)
    try:
        v = isms("bundle", "verify", t.name)
        check("files match the manifest" in v.out, "isms bundle verify accepts the download", v.describe())
    finally:
        os.unlink(t.name)

    note("the auditor's bundle holds the security log, with the auditor's sign-in")
    check("security/security-log.json" in names and "security/security-log.csv" in names,
          "security/security-log.json and .csv are in it", str([n for n in names if "security" in n]))
    raw_j, raw_c = z.read("security/security-log.json"), z.read("security/security-log.csv")
    log = json.loads(raw_j)
    rows = list(csv.DictReader(io.StringIO(raw_c.decode("utf-8"), newline="")))
    items = log["items"]
    check(log["count"] == len(items) == len(rows) > 0, "the JSON and the CSV hold the same entries",
          "%d items, %d rows" % (len(items), len(rows)))
    check([x["id"] for x in items] == [int(x["id"]) for x in rows] and
          [x["event"] for x in items] == [x["event"] for x in rows], "in the same order")
    check(any(x["event"] == "login" and x["account"] == auditor.name and x["address"] == "127.0.0.1"
              for x in items), "the auditor's sign-in over HTTP is in it (account, address)",
          json.dumps(items[:5]))
    check(all(x in listed_paths(man) for x in ("security/security-log.json", "security/security-log.csv")),
          "both are in the manifest")
    sid = a.session() or ""
    check(sid and sid.encode() not in raw_j + raw_c and auditor.password.encode() not in raw_j + raw_c,
          "no session id and no password in the log")
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as t:
        out = zipfile.ZipFile(t, "w", zipfile.ZIP_DEFLATED)
        for n in names:
            d = z.read(n)
            if n == "security/security-log.csv":
                d = d.replace(b",login,", b",logon,", 1)
            out.writestr(n, d)
        out.close()
    try:
        v = isms("bundle", "verify", t.name, ok=False)
        check(v.rc == 5 and "security/security-log.csv: SHA-256 differs" in v.err and
              "security/security-log.json" not in v.err,
              "isms bundle verify names security/security-log.csv when one byte of it changed",
              v.describe())
    finally:
        os.unlink(t.name)

    note("the manager downloads it too; an audit's bundle holds its scope")
    m = Client(srv)
    m.login_as(mgr)
    r = m.get("/bundle")
    check_status(r, 200, "the manager downloads /bundle")
    z, names, man = read_zip(r.body)
    check_manifest(z, names, man, mgr, "the manager's bundle")
    check(not any(n.startswith("security/") for n in names) and
          "security/security-log: the manager role may not read the security log" in man["omitted"],
          "the manager's bundle leaves the security log out, saying why", str(man["omitted"]))
    r = m.get("/audits/AUD-0002/bundle")
    check_status(r, 200, "the manager downloads an audit's bundle")
    cd = r.header("Content-Disposition") or ""
    check('filename="evidence-bundle-AUD-0002.zip"' in cd, "named after the audit", cd)
    z, names, man = read_zip(r.body)
    check_eq(man["scope"], {"kind": "audit", "audit": "AUD-0002", "clauses": ""},
             "the audit's scope in the manifest")
    check(any(n.startswith("audits/AUD-0002_") for n in names), "the audit's own report is in it")
    check(not any(n.startswith("documents/") for n in names),
          "an audit covering no clause and no control takes no document", str(names))
    r = m.get("/audits/AUD-9999/bundle")
    check_status(r, 404, "an audit that does not exist")

    note("staff may not download the bundle; nobody signed in neither")
    s = Client(srv)
    s.login_as(staff)
    for path in ("/bundle", "/audits/AUD-0001/bundle", "/readiness/print"):
        r = s.get(path)
        check(r.status in (403, 404), "staff are refused " + path, "status %d" % r.status)
        check(not r.body.startswith(b"PK") and not r.body.startswith(b"%PDF"), "and get no file")
    check_status(s.get("/bundle"), 403, "staff: /bundle is 403")
    r = s.get("/readiness")
    check('href="/bundle"' not in r.text, "staff are offered no bundle")
    anon = Client(srv)
    r = anon.get("/bundle")
    check(r.status in (302, 303) and "/login" in (r.header("Location") or ""),
          "nobody signed in is sent to sign in", "status %d" % r.status)
    check(srv.alive(), "the server is still up")
    srv.stop()


if __name__ == "__main__":
    run(main)
