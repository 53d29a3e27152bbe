"""t_signoff.py — sign-offs are bound to the signed-in account.

A signer named in a form field, a JSON body or a query string is refused
(400 "by: the signer is the signed-in account") on every signing route, pages
and API, and nothing is recorded; without the capacity the answer is 403
naming the capacity; what is recorded is always the account that signed (its
person and login name), shown on the risk, plan and SoA pages and in the JSON.
An accepted risk shows who accepted it, when and why, and no longer offers the
Accept form. Approving content already approved by the same signer is a
no-op, also for 20 identical approvals sent at once.
"""

import sqlite3
import threading

from harness import *

SIGNING = [  # (page path, API path) of every signing route, with a valid body
    ("/risks/R-0012/accept", "/api/v1/risks/R-0012/accept", {"rationale": "forged"}),
    ("/soa/approve", "/api/v1/soa/approve", {"note": "forged"}),
    ("/plan/approve", "/api/v1/plan/approve", {"rationale": "forged"}),
    ("/scopes/SC-0001/approve", "/api/v1/scopes/SC-0001/approve", {"rationale": "forged"}),
    ("/method/approve", "/api/v1/method/approve", {"rationale": "forged"}),
]


def signoffs(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT id, subject_kind, subject_id, version, kind, capacity, "
                          "account_name, person FROM signoff ORDER BY id").fetchall()
    finally:
        db.close()


def versions(path, kind="soa"):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT number FROM version WHERE subject_kind = ? ORDER BY number",
                          (kind,)).fetchall()
    finally:
        db.close()


def err_msg(r):
    try:
        return (r.json() or {}).get("error", {}).get("message", "") or r.text
    except Exception:
        return r.text


def main():
    f = demo_file("s.isms")
    top, mgr, owner, staff = (f.accounts[k] for k in ("top-management", "manager", "owner",
                                                      "staff"))
    srv = Server(f.path)
    m = Client(srv)
    m.login_as(mgr)
    mapi = Api(srv, f.token(mgr.name, "t"))
    tapi = Api(srv, f.token(top.name, "t"))
    sapi = Api(srv, f.token(staff.name, "t"))
    before = signoffs(f.path)
    hist0 = f.history_count()

    # ---- a forged signer is refused everywhere ---------------------------------
    for page, api, body in SIGNING:
        tok = m.csrf("/")
        form = dict(body, by=top.person, _csrf=tok)
        r = m.post(page, form)
        check(r.status == 400 and "by: the signer is the signed-in account" in r.text,
              "POST %s with by=%s in the form: 400 naming by" % (page, top.person), r.describe)
        r = m.post(page + "?by=" + top.person, dict(body, _csrf=tok))
        check(r.status == 400 and "the signer is the signed-in account" in r.text,
              "POST %s?by=... (query string): 400" % page, r.describe)
        r = mapi.post(api, dict(body, by=top.person))
        check(r.status == 400 and "by: the signer is the signed-in account" in err_msg(r),
              "POST %s with \"by\" in the JSON body: 400 naming by" % api, r.describe)
        r = mapi.post(api + "?by=" + top.person, body)
        check(r.status == 400, "POST %s?by=... (API query string): 400" % api, r.describe)
        # even top management's own session cannot name someone else
        r = tapi.post(api, dict(body, by=mgr.person))
        check(r.status == 400, "top management's POST %s naming another signer: 400" % api,
              r.describe)
    check_eq(signoffs(f.path), before, "no sign-off was recorded by the forged requests")
    check_eq(f.history_count(), hist0, "nothing was journaled by the forged requests")

    # ---- without the capacity: 403 naming it --------------------------------------
    r = mapi.post("/api/v1/risks/R-0012/accept", {"rationale": "manager tries"})
    check(r.status == 403 and "needs the capacity top management" in err_msg(r),
          "the manager accepting R-0012 (above the criterion): 403 naming top management",
          r.describe)
    r = m.post("/risks/R-0012/accept", {"rationale": "manager tries", "_csrf": m.csrf("/")})
    check(r.status == 403 and "needs the capacity top management" in r.text,
          "the manager's form accepting R-0012: 403 page naming the capacity", r.describe)
    r = mapi.post("/api/v1/soa/approve", {"note": "manager tries"})
    check(r.status == 403 and "top management" in err_msg(r) and mgr.name in err_msg(r),
          "the manager approving the SoA: 403 naming the capacity and the account", r.describe)
    r = sapi.post("/api/v1/plan/approve", {"rationale": "staff tries"})
    check(r.status == 403, "staff approving the plan: 403", r.describe)
    check_eq(signoffs(f.path), before, "no sign-off was recorded by the refused requests")

    # ---- the recorded signer is the account that signed ---------------------------
    r = tapi.post("/api/v1/risks/R-0012/accept", {"rationale": "Board decision 2026-11"})
    check_status(r, 200, "top management accepts R-0012 with its own token")
    d = r.json() or {}
    so = (d.get("signoffs") or [{}])[-1]
    check(d.get("status") == "accepted" and so.get("signer", {}).get("person") == top.person
          and so.get("signer", {}).get("account") == top.name and so.get("current") is True
          and so.get("capacity") == "top-management" and so.get("kind") == "acceptance"
          and so.get("rationale") == "Board decision 2026-11",
          "the API answer shows the acceptance: signer person and account, capacity, current",
          json.dumps(d)[:3000])
    last = signoffs(f.path)[-1]
    check_eq(last[1:], ("risk", "R-0012", None, "acceptance", "top-management", top.name,
                        top.person), "the stored sign-off names top management's account")
    shown = f.json("risk", "show", "R-0012", "--json") or {}
    check([(s["signer"]["person"], s["signer"]["account"], s["current"])
           for s in shown.get("signoffs", [])][-1:] == [(top.person, top.name, True)],
          "risk show --json lists the acceptance with its signer", json.dumps(shown)[:2000])
    t = Client(srv)
    t.login_as(top)
    page = t.get("/risks/R-0012")
    check(page.status == 200 and "Accepted" in page.text and "account " + top.name in page.text
          and "Board decision 2026-11" in page.text,
          "the risk page says who accepted it (person and account), when and why", page.text[:200])
    check('action="/risks/R-0012/accept"' not in page.text,
          "an accepted risk no longer offers the Accept form", page.text[:200])
    n_before, h_before = len(signoffs(f.path)), f.history_count()
    r = tapi.post("/api/v1/risks/R-0012/accept", {"rationale": "Board decision 2026-11"})
    check_status(r, 200, "accepting it again (same signer, same risk) answers 200")
    check_eq((len(signoffs(f.path)), f.history_count()), (n_before, h_before),
             "accepting it again records nothing new")
    # a change to the rating makes the acceptance not current: the form is back
    r = mapi.patch("/api/v1/risks/R-0012", {"residual_likelihood": 1})
    check_status(r, 200, "the risk is re-rated")
    page = t.get("/risks/R-0012")
    check("Changed since acceptance" in page.text and 'action="/risks/R-0012/accept"' in page.text,
          "after a change the page says so and offers the Accept form again", page.text[:200])

    # the risk owner signs through the page with their own session
    o = Client(srv)
    o.login_as(owner)
    r = o.post("/risks/R-0004/accept", {"rationale": "Within appetite", "_csrf": o.csrf("/")})
    check_status(r, 303, "the risk owner accepts R-0004 (within the criterion) on its page")
    check_eq(signoffs(f.path)[-1][1:], ("risk", "R-0004", None, "acceptance", "risk-owner",
                                        owner.name, owner.person),
             "the stored sign-off names the owner's account, as risk owner")

    # ---- plan and SoA pages show the signers ------------------------------------
    r = tapi.post("/api/v1/plan/approve", {"rationale": "Budget approved"})
    check_status(r, 200, "top management approves the plan with its token")
    aps = (r.json() or {}).get("approvals") or []
    check(any(a.get("signer", {}).get("account") == top.name and a.get("current") for a in aps),
          "GET /api/v1/plan lists the approval with its signer account, current", json.dumps(aps))
    page = t.get("/plan")
    check("account " + top.name in page.text and "account " + mgr.name in page.text,
          "the plan page shows each approval's account", page.text[:200])
    page = t.get("/soa/versions/1")
    check(page.status == 200 and "account " + top.name in page.text,
          "the SoA version page shows its sign-off by the account", page.text[:200])

    # ---- scope and method: versions, approval, pages ---------------------------------
    r = mapi.post("/api/v1/method/approve", {"rationale": "manager tries"})
    check(r.status == 403 and "top management" in err_msg(r),
          "the manager approving the method: 403 naming top management", r.describe)
    r = tapi.post("/api/v1/method/approve", {"rationale": "Method approved by the board"})
    check_status(r, 201, "top management approves the method in force")
    d = r.json() or {}
    check(d.get("kind") == "method" and d.get("state") == "in-force" and
          [(x["signer"]["account"], x["capacity"]) for x in d.get("signoffs", [])] ==
          [(top.name, "top-management")], "the answer is the method version with its sign-off",
          json.dumps(d)[:2000])
    r = tapi.post("/api/v1/method/approve", {"rationale": "Method approved by the board"})
    check_status(r, 200, "approving the same method version again: 200, nothing new")
    vs = mapi.get("/api/v1/method/versions").json() or {}
    check(len(vs.get("items", [])) >= 1, "GET /api/v1/method/versions lists the versions", vs)
    check_status(mapi.get("/api/v1/method/versions/1"), 200, "GET /api/v1/method/versions/1")
    check_status(mapi.get("/api/v1/method/versions/999"), 404, "an unknown method version: 404")
    page = t.get("/method/versions")
    check(page.status == 200 and "account " + top.name in page.text,
          "the method versions page shows the approval and its account", page.text[:200])
    sc = mapi.get("/api/v1/scopes/SC-0001/versions").json() or {}
    check([(v["number"], v["state"], [x["signer"]["account"] for x in v["signoffs"]])
           for v in sc.get("items", [])] == [(1, "in-force", [top.name])],
          "the demo scope is approved by the top-management account, in force", sc)
    r = mapi.patch("/api/v1/scopes/SC-0001", {"sites": "Berlin, Lisbon, Porto"})
    check_status(r, 200, "the scope is changed")
    r = mapi.patch("/api/v1/scopes/SC-0001", {"approved_by": mgr.person})
    check(r.status in (400, 422), "approved_by cannot be typed into a scope", r.describe)
    r = t.post("/scopes/SC-0001/approve", {"rationale": "Porto added", "_csrf": t.csrf("/")})
    check_status(r, 303, "top management approves the changed scope on its page")
    sc = mapi.get("/api/v1/scopes/SC-0001/versions").json() or {}
    check([(v["number"], v["state"]) for v in sc.get("items", [])] ==
          [(1, "superseded"), (2, "in-force")], "version 2 in force, version 1 superseded", sc)
    dd = mapi.get("/api/v1/scopes/SC-0001/diff?from=1&to=2").json() or {}
    check([c.get("field") for c in dd.get("changes", [])] == ["sites"],
          "the diff of the scope names the changed field", dd)
    v1 = mapi.get("/api/v1/scopes/SC-0001/versions/1").json() or {}
    check("Porto" not in json.dumps(v1.get("content")), "version 1 is shown as it was", v1)
    for p in ("/scopes/SC-0001/versions", "/scopes/SC-0001/versions/1",
              "/scopes/SC-0001/diff?from=1&to=2"):
        check_status(t.get(p), 200, "GET %s" % p)
    check_status(t.get("/scopes/SC-0001/versions/x"), 404, "a version that is no number: 404")

    # ---- 20 identical SoA approvals at once: one version, one sign-off -----------------
    mapi.patch("/api/v1/soa/5.1", {"implementation": "Policy set reviewed (t_signoff)"})
    v0, s0 = versions(f.path), len(signoffs(f.path))
    results = []

    def approve():
        a = Api(srv, tapi.token)
        results.append(a.post("/api/v1/soa/approve", {"note": "Concurrent approval"}))

    threads = [threading.Thread(target=approve) for _ in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    codes = sorted(r.status for r in results)
    check(len(results) == 20 and all(c in (200, 201) for c in codes) and codes.count(201) == 1,
          "20 concurrent identical approvals: one 201, the others 200", codes)
    nums = {(r.json() or {}).get("version") for r in results}
    check(len(nums) == 1, "every answer names the same version", nums)
    check_eq(len(versions(f.path)), len(v0) + 1, "exactly one new SoA version")
    check_eq(len(signoffs(f.path)), s0 + 1, "exactly one new sign-off")
    check(f.cli("verify").rc == 0, "isms verify passes after the concurrent approvals")


run(main)
