"""t_audit.py — control tests (9.1) and the audit programme (9.2) over HTTP.

The demo holds three control tests (CT-0001 on 8.8 failed and raised an NC;
CT-0003 on 5.18 was partly effective and raised none), the programme
2026-2028 with exactly one gap (control 8.11). Checks: the coverage page and
API name the gap and state the rule; the SoA and the control page show the
failed test; the run page's button raises a linked NC once (then refused);
roles that may not edit runs are refused; the checklist is generated from an
audit's scope, a minor result raises a linked NC, a result on a cancelled
audit is refused with a clear message; planning an audit whose auditor owns
the audited control records the warning.
"""

from harness import *


def main():
    f = demo_file("audit.isms")
    mgr, aud, staff = f.accounts["manager"], f.accounts["auditor"], f.accounts["staff"]
    mtok = f.token(mgr.name)
    srv = Server(f.path)
    api = Api(srv, mtok)

    # ---- coverage -------------------------------------------------------------
    r = api.get("/api/v1/audits/coverage")
    check_status(r, 200, "coverage API answers")
    d = r.json() if r.status == 200 else {}
    check_eq(d.get("gaps"), 1, "the demo programme has one gap")
    check_eq([(g["kind"], g["id"]) for g in d.get("not_covered", [])], [("control", "8.11")],
             "the gap is named: control 8.11")
    check("due more often" in d.get("rule", ""), "the rule is stated in the JSON")
    more = {a["id"]: a["why"] for a in d.get("areas", []) if a["due_more_often"]}
    check("8.8" in more and "CT-0001" in (more.get("8.8") or ""),
          "8.8 is due more often because of its failed test", more)
    check_eq(d.get("years"), [2026, 2027, 2028], "three-year cycle")
    check_status(api.get("/api/v1/audits/coverage?programme=PRG-9999"), 404,
                 "coverage of an unknown programme: 404")
    check_status(api.get("/api/v1/audits/coverage?bogus=1"), 400, "unknown parameter refused")

    c = Client(srv)
    c.login_as(mgr)
    r = c.get("/audits/coverage")
    check_status(r, 200, "coverage page")
    check("8.11" in r.text and "Not covered as the rule" in r.text, "the page names the gap",
          r.describe)
    check("due more often" in r.text and "Frequency rule" in r.text,
          "the page states the rule and flags areas", r.describe)

    r = c.get("/")
    check(r.status == 200 and "Control tests" in r.text and "test failed" in r.text,
          "the dashboard shows the failed control test", r.describe)

    prog = d.get("programme") or "PRG-0001"
    r = c.get("/programmes/" + prog)
    check(r.status == 200 and "1 gap<" in r.text and "/audits/coverage?programme=" + prog in r.text,
          "the programme's page sums up its coverage", r.describe)
    r = c.get("/audits/coverage?programme=" + prog)
    check(r.status == 200 and "8.11" in r.text, "the coverage of a named programme", r.describe)

    # ---- control tests on the control page, the SoA, tasks ----------------------
    r = c.get("/controls/8.8")
    check("Control tests (9.1)" in r.text and "test failed" in r.text,
          "the control page shows the failed test", r.describe)
    r = c.get("/soa")
    check(r.status == 200 and "test failed" in r.text and "test partly effective" in r.text,
          "the SoA rows flag the failed and partly effective tests", r.describe)
    # (the "Test control" task source is checked by the unit test
    # audit_ctest_tasks: /api/v1/tasks does not read app_tasks yet)

    # ---- raising the NC of a failed run ---------------------------------------------
    runs = f.json("ctrun", "list", "--json")
    partly = [x for x in runs if x["result"] == "partly-effective"][0]["id"]
    failed = [x for x in runs if x["result"] == "not-effective"][0]
    check(failed.get("nonconformity", "").startswith("NC-"), "the failed run raised its NC")
    r = c.get("/ctruns/" + partly)
    check("Raise a nonconformity" in r.text, "the partly effective run offers the button",
          r.describe)
    # the auditor reads but may not raise it
    ca = Client(srv)
    ca.login_as(aud)
    r = ca.post("/ctruns/%s/raise-nc" % partly, {"_csrf": ca.csrf("/ctruns/" + partly) or ""})
    check_status(r, 403, "auditor may not raise the NC of a run")
    cs = Client(srv)
    cs.login_as(staff)
    check_status(cs.get("/audits/coverage"), 403, "staff do not see the audit programme")
    n0 = f.count("nonconformity")
    r = c.post("/ctruns/%s/raise-nc" % partly, {"_csrf": c.csrf("/ctruns/" + partly) or ""})
    check_status(r, 303, "manager raises the NC")
    run = f.show(partly)
    nc = run.get("nonconformity")
    check(nc and nc.startswith("NC-"), "the run names its NC", run)
    if nc:
        ncr = f.show(nc)
        check_eq(ncr.get("test_run"), partly, "the NC names the run (linked both ways)")
        check_eq(ncr.get("source"), "control-test", "the NC's source is the control test")
        check_eq(ncr.get("severity"), "minor", "partly effective: minor")
    check_eq(f.count("nonconformity"), n0 + 1, "one NC added")
    r = c.post("/ctruns/%s/raise-nc" % partly, {"_csrf": c.csrf("/ctruns/" + partly) or ""})
    check(r.status == 409 and "already raised" in r.text, "raising it again is refused", r.describe)
    check_eq(f.count("nonconformity"), n0 + 1, "nothing written by the refusal")
    r = api.post("/api/v1/ctruns/%s/raise-nc" % partly, {})
    check_status(r, 409, "API: raising it again is refused")

    # ---- a failed test in one step: the test page's form and the API --------------
    tests = {t["control"]: t["id"] for t in f.json("control", "tests", "--json")}
    ct = tests["8.13"]
    r = c.get("/ctests/" + ct)
    check("Record a failed test" in r.text, "the test page offers the one-step form", r.describe)
    n0 = f.count("nonconformity")
    r = c.post("/ctests/%s/fail" % ct, {"_csrf": c.csrf("/ctests/" + ct) or "", "note": "",
                                         "result": "not-effective", "date": ""})
    check(r.status == 422 and "say what failed" in r.text, "an empty note is refused", r.describe)
    r = c.post("/ctests/%s/fail" % ct, {"_csrf": c.csrf("/ctests/" + ct) or "",
                                         "note": "Restore <b>failed</b>", "result": "effective",
                                         "date": ""})
    check(r.status == 422 and "not-effective or partly-effective" in r.text,
          "an effective 'failure' is refused", r.describe)
    check_eq(f.count("nonconformity"), n0, "refusals write nothing")
    r = c.post("/ctests/%s/fail" % ct, {"_csrf": c.csrf("/ctests/" + ct) or "",
                                         "note": "Restore <b>failed</b>", "result": "not-effective",
                                         "date": "2026-11-30"})
    check_status(r, 303, "failed run recorded from the page")
    run_id = (r.location or "").split("/ctruns/")[-1].split("?")[0]
    run = f.show(run_id) if run_id else {}
    check(run.get("performed_on") == "2026-11-30" and (run.get("nonconformity") or "").startswith("NC-"),
          "the run and its NC", run)
    r = c.get("/ctruns/" + run_id)
    check("<b>failed</b>" not in r.text and "&lt;b&gt;failed" in r.text, "the note is escaped",
          r.describe)
    r = api.post("/api/v1/ctests/%s/fail" % ct, {"note": "again", "result": "partly-effective"})
    check_status(r, 201, "API: failed run in one step")
    if r.status == 201:
        d = r.json()
        check_eq(f.show(d["nonconformity"]).get("test_run"), d["run"], "API: linked both ways")
    check_status(api.post("/api/v1/ctests/%s/fail" % ct, {"note": "x", "by": "P-0001"}), 400,
                 "API: a signer field is refused")
    check_status(api.post("/api/v1/ctests/CT-9999/fail", {"note": "x"}), 404,
                 "API: unknown test")
    tapi = Api(srv, f.token(aud.name))
    check_status(tapi.post("/api/v1/ctests/%s/fail" % ct, {"note": "x"}), 403,
                 "API: the auditor may not record runs")

    # ---- checklist, results, cancelled audit -------------------------------------------
    audits = {a["title"]: a["id"] for a in f.json("audit", "list", "--json")}
    a27 = audits["Internal ISMS audit 2027"]
    r = c.post("/audits/%s/checklist" % a27, {"_csrf": c.csrf("/audits/" + a27) or ""})
    check_status(r, 303, "checklist generated from the scope")
    r = api.get("/api/v1/audits/%s/report" % a27)
    check_status(r, 200, "report API")
    rep = r.json() if r.status == 200 else {"checklist": []}
    items = rep["checklist"]
    check(len(items) == 30 + 91, "one item per clause (30) and per control in scope (91)",
          len(items))
    first = items[0]["id"] if items else "CHK-9999"
    r = api.patch("/api/v1/checkitems/" + first,
                  {"result": "minor-nonconformity", "evidence": "No record of the context review."})
    check_status(r, 200, "a minor nonconformity is recorded")
    item = f.show(first)
    check((item.get("nonconformity") or "").startswith("NC-"), "the result raised a linked NC",
          item)
    if item.get("nonconformity"):
        check_eq(f.show(item["nonconformity"]).get("audit_item"), first, "the NC names the item")
    r = c.get("/audits/%s/report" % a27)
    check(r.status == 200 and "Nonconformities raised" in r.text and
          (item.get("nonconformity") or "NC-?") in r.text, "report page lists the NC", r.describe)
    check_status(api.patch("/api/v1/audits/" + a27, {"status": "cancelled"}), 200,
                 "audit cancelled")
    hist = f.history_count()
    r = api.patch("/api/v1/checkitems/" + items[1]["id"], {"result": "conforming"})
    check(r.status == 422 and "cancelled audit" in r.text, "result on a cancelled audit refused",
          r.describe)
    check_eq(f.history_count(), hist, "nothing written")
    r = c.post("/audits/%s/checklist" % a27, {"_csrf": c.csrf("/audits/" + a27) or ""})
    check(r.status == 422 and "cancelled" in r.text, "no checklist for a cancelled audit",
          r.describe)

    # ---- auditor independence ------------------------------------------------------------
    owner = f.show("8.8").get("owner")
    r = api.post("/api/v1/audits", {"title": "Vulnerability management audit", "kind": "internal",
                                    "controls": ["8.8"], "lead_auditor": owner,
                                    "planned_on": "2027-03-01"})
    check_status(r, 201, "audit planned")
    ref = r.json().get("id") if r.status == 201 else None
    if ref:
        w = f.show(ref).get("independence") or ""
        check("owns control 8.8" in w, "the independence warning is recorded", w)
        r = c.get("/audits/" + ref)
        check("Auditor independence" in r.text, "the audit page shows the warning", r.describe)
    r = api.post("/api/v1/audits", {"title": "Forged", "independence": "none"})
    check_status(r, 422, "the warning cannot be typed")


run(main)
