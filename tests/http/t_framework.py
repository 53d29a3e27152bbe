"""t_framework.py — the frameworks pages and API (issue 14): /frameworks lists the
built-in and imported frameworks; /frameworks/F shows the compliance the CLI
computes (`isms framework compliance F --json`: the same figures per group
and the same gaps), escaped; an unknown framework is a 404; the routes carry
the controls' PERM_READ: a signed-out visitor is sent to sign in. GET
/api/v1/frameworks and /api/v1/frameworks/F/compliance answer what the CLI
prints with --json."""
import os

from harness import *

REF = os.environ.get("OSCAL_REF", "/work/shared/reference/oscal")


def main():
    f = init_file("fw.isms")
    mgr = f.add_account("mgr", "manager")
    f.cli("framework", "import", REF + "/examples/nist-800-53r5-low-baseline-catalog.json",
          "--id", "nist-low")
    f.cli("framework", "map", "add", "nist-low:ac-2", "iso27001-2022:5.18", "intersects")
    f.cli("framework", "map", "add", "nist-low:ia-2", "iso27001-2022:5.17", "intersects")
    f.cli("soa", "set", "5.18", "--applicable", "yes", "--status", "implemented",
          "--justification", "<accounts & roles>")
    want = f.json("framework", "compliance", "nist-low", "--json")
    srv = Server(f.path, threads=2)
    anon = Client(srv)
    r = anon.get("/frameworks")
    check(r.status in (302, 303) and "/login" in (r.location or ""),
          "signed out: /frameworks sends to sign in", r.describe)
    c = Client(srv)
    c.login_as(mgr)
    r = c.get("/frameworks")
    check(r.status == 200 and 'href="/frameworks/nist-low"' in r.text and
          "iso27001-2013" in r.text and "149" in r.text, "/frameworks lists every framework",
          r.describe)
    r = c.get("/frameworks/nist-low")
    body = r.text
    check(r.status == 200, "/frameworks/nist-low answers", r.describe)
    check("%d of %d controls met" % (want["met"], want["controls"]) in body,
          "the page shows the CLI's figures", body[:400])
    for g in want["groups"]:
        row = "<td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td>" % (
            g["id"], g["title"].replace("&", "&amp;"), g["controls"], g["met"], g["unmet"],
            g["unmapped"])
        check(row in body, "group %s has the CLI's figures" % g["id"], row)
    check("iso27001-2022:5.18 (intersects)" in body and "gap: not implemented" in body and
          "gap: no mapping" in body, "met, unmet and unmapped controls are shown", body[-600:])
    r = c.get("/frameworks/nope")
    check_status(r, 404, "an unknown framework is a 404")
    r = c.get("/frameworks/%3Cscript%3E")
    check(r.status == 404 and "<script>" not in r.text, "a hostile name is escaped", r.describe)
    # ---- the API: the same typed results as the CLI ------------------------------
    api = Api(srv, f.token("mgr", "t"))
    r = api.get("/api/v1/frameworks")
    check(r.status == 200 and r.json() == f.json("framework", "list", "--json"),
          "GET /api/v1/frameworks is `isms framework list --json`", r.describe)
    r = api.get("/api/v1/frameworks/nist-low/compliance")
    check(r.status == 200 and r.json() == want,
          "GET /api/v1/frameworks/nist-low/compliance is the CLI's compliance", r.describe)
    r = api.get("/api/v1/frameworks/nope/compliance")
    check_status(r, 404, "the API: an unknown framework is a 404")
    r = api.get("/api/v1/frameworks?x=1")
    check(r.status in (400, 422) and "x" in r.text, "an unknown query parameter is refused",
          r.describe)
    srv.stop()


run(main)
