"""t_review.py — management review (9.3) and certification over HTTP.

The pack page and the API answer the pack compiled from the records since
the previous review (the demo: November's pack reports April's five actions,
the next one November's); the freeze button makes one version, shown as it
was with what changed since; the minutes are signed by top management only
(a manager gets 403 naming the capacity; a signer named in the body is
refused); an unknown review is 404; a certificate's schedule warns before the
surveillance audit. Nothing is written by a refused request.
"""

import sqlite3

from harness import *


def count(path, sql_text):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql_text).fetchone()[0]
    finally:
        db.close()


def err_msg(r):
    try:
        return (r.json() or {}).get("error", {}).get("message", "") or r.text
    except Exception:
        return r.text


def main():
    f = demo_file("rv.isms")
    top, mgr, aud, staff = (f.accounts[k] for k in ("top-management", "manager", "auditor",
                                                    "staff"))
    srv = Server(f.path)
    m = Client(srv)
    m.login_as(mgr)
    mapi = Api(srv, f.token(mgr.name, "t"))
    tapi = Api(srv, f.token(top.name, "t"))
    aapi = Api(srv, f.token(aud.name, "t"))
    sapi = Api(srv, f.token(staff.name, "t"))

    # ---- the pack, as the demo left it ----------------------------------------------
    r = m.get("/reviews/MR-0002/pack")
    check(r.status == 200 and "9.3.2 a" in r.text and 'href="/ractions/MRA-0001"' in r.text
          and "Version 1" in r.text and "Minutes signed by top management" in r.text,
          "the pack page of MR-0002: sections, links to the actions, its frozen version and "
          "the minutes' sign-off", r.describe)
    r = m.get("/reviews/MR-0002")
    check(r.status == 200 and 'href="/reviews/MR-0002/pack"' in r.text,
          "the review's page links to its pack", r.describe)
    r = mapi.get("/api/v1/reviews/MR-0003/pack")
    d = r.json() or {}
    secs = {s["id"]: s for s in d.get("sections", [])}
    check(r.status == 200 and d.get("previous") == "MR-0002" and len(secs) == 9
          and [i["id"] for i in secs["previous-actions"]["items"]] ==
          ["MRA-0006", "MRA-0007", "MRA-0008", "MRA-0009", "MRA-0010"],
          "the API pack of MR-0003 reports the actions agreed in November", r.describe)
    figs = {x["label"]: x["value"] for x in secs.get("risks", {}).get("figures", [])}
    check(figs.get("Risks", 0) > 0 and "Treatment actions" in figs,
          "the pack has figures for the risks and the plan", json.dumps(figs))
    r = sapi.get("/api/v1/reviews/MR-0002/pack")
    check(r.status in (403, 404), "staff cannot read a review pack", r.describe)

    # ---- unknown reviews ------------------------------------------------------------
    for path in ("/api/v1/reviews/MR-0099/pack", "/api/v1/reviews/CERT-0001/pack"):
        r = mapi.get(path)
        check(r.status == 404, "GET %s: 404" % path, r.describe)
    r = m.get("/reviews/MR-0099/pack")
    check_status(r, 404, "the pack page of an unknown review")
    r = mapi.post("/api/v1/reviews/MR-0099/sign", {"rationale": "x"})
    check_status(r, 404, "signing the minutes of an unknown review")

    # ---- freezing at the meeting ----------------------------------------------------
    v0 = count(f.path, "SELECT count(*) FROM version WHERE subject_kind = 'review-pack'")
    r = m.post("/reviews/MR-0003/pack/freeze", {"note": "at the meeting"})
    check(r.status == 403, "the freeze button without the CSRF token: 403", r.describe)
    r = aapi.post("/api/v1/reviews/MR-0003/pack/freeze", {})
    check(r.status == 403, "an auditor cannot freeze a pack", r.describe)
    check_eq(count(f.path, "SELECT count(*) FROM version WHERE subject_kind = 'review-pack'"),
             v0, "no version made by the refused requests")
    r = m.post("/reviews/MR-0003/pack/freeze", {"note": "at the meeting", "_csrf": m.csrf("/")})
    check(r.status == 303 and "/reviews/MR-0003/pack/versions/1" in (r.location or ""),
          "the freeze button: 303 to the frozen version", r.describe)
    r = m.get(r.location, prefix=False)
    check(r.status == 200 and "As presented" in r.text and "No differences" in r.text
          and "frozen as presented" in r.text,
          "the frozen pack as it was, no differences yet, the notice shown", r.describe)
    r = mapi.get("/api/v1/reviews/MR-0003")
    check((r.json() or {}).get("status") == "held", "the review is held once frozen",
          r.describe)

    # a change afterwards shows against the frozen pack
    r = mapi.patch("/api/v1/ractions/MRA-0008", {"status": "done"})
    check_status(r, 200, "an action of November is done")
    r = mapi.get("/api/v1/reviews/MR-0003/pack/versions/1")
    d = r.json() or {}
    changes = {(c["section"], c["id"], c["field"], c["from"], c["to"])
               for c in d.get("changes_since", [])}
    was = [i["status"] for s in d.get("pack", {}).get("sections", [])
           if s["id"] == "previous-actions" for i in s["items"] if i["id"] == "MRA-0008"]
    check(r.status == 200 and d.get("number") == 1 and was == ["open"]
          and ("previous-actions", "MRA-0008", "status", "open", "done") in changes,
          "the frozen pack shows the action open as it was, and the change since", r.describe)
    r = m.get("/reviews/MR-0003/pack/versions/1")
    check(r.status == 200 and "MRA-0008" in r.text and "What changed since" in r.text,
          "the frozen pack's page lists the change", r.describe)
    r = mapi.get("/api/v1/reviews/MR-0003/pack/versions/9")
    check_status(r, 404, "a frozen pack that does not exist")

    # ---- signing the minutes ----------------------------------------------------------
    r = mapi.patch("/api/v1/reviews/MR-0003", {"decisions": "1. Go ahead with Stage 2."})
    check_status(r, 200, "the decisions are recorded")
    s0 = count(f.path, "SELECT count(*) FROM signoff")
    h0 = f.history_count()
    r = mapi.post("/api/v1/reviews/MR-0003/sign", {"rationale": "manager tries"})
    check(r.status == 403 and "needs the capacity top management" in err_msg(r)
          and mgr.name in err_msg(r),
          "the manager signing the minutes: 403 naming the capacity and the account", r.describe)
    r = m.post("/reviews/MR-0003/sign", {"rationale": "manager tries", "_csrf": m.csrf("/")})
    check(r.status == 403 and "needs the capacity top management" in r.text,
          "the manager's sign form: 403 page naming the capacity", r.describe)
    r = tapi.post("/api/v1/reviews/MR-0003/sign", {"rationale": "x", "by": mgr.person})
    check(r.status == 400 and "the signer is the signed-in account" in err_msg(r),
          "a signer named in the body: 400", r.describe)
    r = tapi.post("/api/v1/reviews/MR-0003/sign", {"rationale": "x", "signer": "P-0001"})
    check(r.status == 422 or r.status == 400, "an unknown key in the body is refused",
          r.describe)
    check_eq((count(f.path, "SELECT count(*) FROM signoff"), f.history_count()), (s0, h0),
             "nothing recorded by the refused signatures")
    r = tapi.post("/api/v1/reviews/MR-0003/sign", {"rationale": "Approved at the board"})
    d = r.json() or {}
    so = (d.get("signoffs") or [{}])[-1]
    check(r.status == 201 and so.get("signer", {}).get("account") == top.name
          and so.get("capacity") == "top-management" and so.get("current") is True
          and d.get("content", {}).get("decisions") == "1. Go ahead with Stage 2.",
          "top management signs the minutes: 201, signed by its account, content frozen",
          r.describe)
    r = tapi.post("/api/v1/reviews/MR-0003/sign", {"rationale": "Approved at the board"})
    check_status(r, 200, "signing the same minutes again: 200, nothing new")
    r = mapi.get("/api/v1/reviews/MR-0003")
    check((r.json() or {}).get("status") == "minutes-approved",
          "the review's minutes are approved", r.describe)
    r = mapi.patch("/api/v1/reviews/MR-0002", {"status": "planned"})
    check_status(r, 200, "a review's status can go back by hand")
    r = mapi.patch("/api/v1/reviews/MR-0002", {"status": "minutes-approved"})
    check(r.status == 422 and "isms review sign MR-0002" in err_msg(r),
          "minutes-approved cannot be typed: 422 saying how", r.describe)

    # ---- certification ------------------------------------------------------------------
    r = mapi.get("/api/v1/certificates/CERT-0001/schedule")
    d = r.json() or {}
    sch = d.get("schedule") or [{}]
    check(r.status == 200 and sch[0].get("what") == "Surveillance audit 1"
          and sch[0].get("state") == "warning" and sch[0].get("warning_days") == 30
          and d.get("warn_days") == [60, 30, 7],
          "the demo certificate's first surveillance audit is within 30 days", r.describe)
    r = m.get("/certificates/CERT-0001/schedule")
    check(r.status == 200 and "due within 30 days" in r.text and "Recertification audit"
          in r.text, "the schedule page", r.describe)
    r = mapi.patch("/api/v1/certificates/CERT-0001", {"warn_first": 0})
    check(r.status == 422 and "warn_first" in err_msg(r), "bad lead times: 422 naming the field",
          r.describe)
    r = mapi.patch("/api/v1/certificates/CERT-0001", {"warn_first": 20, "warn_second": 10})
    d = (mapi.get("/api/v1/certificates/CERT-0001/schedule").json() or {})
    check(d.get("warn_days") == [20, 10] and d["schedule"][0]["warning_days"] == 20,
          "lead times set on the certificate: the schedule warns at them", json.dumps(d))
    r = mapi.get("/api/v1/cncs")
    check(r.status == 200 and len((r.json() or {}).get("items", [])) == 1,
          "the certification body's nonconformity is listed", r.describe)
    r = mapi.get("/api/v1/certificates/MR-0001/schedule")
    check_status(r, 404, "the schedule of something that is no certificate")
    srv.stop()
    isms("verify", f.path)


run(main)
