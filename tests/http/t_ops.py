"""t_ops.py — operations over HTTP, on the demo.

The demo's live incident (INC-0005, personal data) shows its GDPR deadline
(tomorrow 04:00 UTC: the demo's times follow the day it is made) as a
server-rendered countdown, its timeline and the duties the
NIS2 and DPA requirements imply (met); the API answers the same. Staff see
their own incident and its timeline, nobody else's (404), and cannot write
to it (403). A timeline entry's author is the session's account; a forged
"by" is refused. A duty is marked notified once (409 the second time, over
the form and the API). A nonconformity is raised in one step. A security
exception without compensating measures is refused naming the field; a
high-risk one is approved by top management only; the SoA row shows the
active one. A continuity test with a negative time is refused; the demo's
failover test missed its RTO. Refused requests write nothing.
"""

import datetime
import re

from harness import *


def err(r):
    try:
        return ((r.json() or {}).get("error") or {})
    except Exception:
        return {}


def main():
    f = demo_file("ops.isms")
    top, mgr, staff, own = (f.accounts[k] for k in ("top-management", "manager", "staff",
                                                    "owner"))
    srv = Server(f.path)
    m = Client(srv)
    m.login_as(mgr)
    s = Client(srv)
    s.login_as(staff)
    mapi = Api(srv, f.token(mgr.name, "t"))
    tapi = Api(srv, f.token(top.name, "t"))
    sapi = Api(srv, f.token(staff.name, "t"))

    # ---- the live incident: countdown, duties, timeline ------------------------------
    # the GDPR deadline: 72 h after detection, tomorrow 04:00 UTC
    now = datetime.datetime.now(datetime.timezone.utc)
    deadline = datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                         datetime.time(4, 0), tzinfo=datetime.timezone.utc)
    left = (deadline - now).total_seconds()

    def countdown(s):
        s = int(s)
        d, h, mi = s // 86400, s % 86400 // 3600, s % 3600 // 60
        return ("%d d %d h %d min left" % (d, h, mi)) if d else ("%d h %d min left" % (h, mi))

    r = m.get("/incidents/INC-0005")
    check(r.status == 200 and any(countdown(left - k) in r.text for k in range(0, 180, 30))
          and "GDPR Art. 33" in r.text and "done (notified" in r.text
          and "Confirmed personal data breach" in r.text and 'action="/incidents/INC-0005/note"'
          in r.text, "the incident page: the GDPR countdown (to tomorrow 04:00), the met NIS2/DPA "
          "duties, the timeline and its form", r.describe)
    r = mapi.get("/api/v1/incidents/INC-0005/duties")
    d = r.json() or {}
    ds = {x["duty"]: x for x in d.get("duties", [])}
    check(r.status == 200 and set(ds) == {"gdpr-72h", "REQ-0006", "REQ-0007"}
          and left - 180 < ds["gdpr-72h"]["seconds_left"] <= left + 1
          and not ds["gdpr-72h"]["done"] and ds["REQ-0006"]["done"]
          and ds["REQ-0006"]["notified_by"] == "miriam",
          "the API duties: GDPR 72 h open until tomorrow 04:00, the NIS2 and DPA duties done by miriam",
          r.describe)
    r = mapi.get("/api/v1/incidents/INC-0005/timeline")
    d = r.json() or {}
    check(r.status == 200 and [e["kind"] for e in d.get("entries", [])][:2] ==
          ["triage", "containment"], "the API timeline", r.describe)

    # ---- staff: their own incident and timeline only, and no writes ---------------------
    r = s.get("/incidents/INC-0005")
    check(r.status == 200 and "Confirmed personal data breach" in r.text
          and 'action="/incidents/INC-0005/note"' not in r.text
          and "Notification duties" not in r.text,
          "staff see the incident they reported, with its timeline, without the forms or the "
          "duties (they do not read the requirement register)",
          r.describe)
    r = sapi.get("/api/v1/incidents/INC-0005/timeline")
    check_status(r, 200, "staff read the timeline of their own incident through the API")
    for path in ("/incidents/INC-0003", "/api/v1/incidents/INC-0003/timeline",
                 "/api/v1/incidents/INC-0003/duties"):
        r = (s if not path.startswith("/api") else sapi).get(path)
        check_status(r, 404, "staff: %s (someone else's incident) does not exist for them" % path)
    hist = f.history_count()
    r = s.post("/incidents/INC-0005/note", {"_csrf": s.csrf("/"), "text": "staff note"})
    check_status(r, 403, "staff cannot write to the timeline")
    r = sapi.post("/api/v1/incidents/INC-0005/duties/notified", {"duty": "gdpr-72h"})
    check_status(r, 403, "staff cannot mark a duty notified")

    # ---- the timeline's author is the session ------------------------------------------
    tok = m.csrf("/incidents/INC-0005")
    r = m.post("/incidents/INC-0005/note", {"_csrf": tok, "text": "forged", "by": "katharina"})
    check_status(r, 400, "a 'by' in the form is refused")
    r = mapi.post("/api/v1/incidents/INC-0005/timeline", {"text": "x", "kind": "gossip"})
    check(r.status == 422 and err(r).get("field") == "kind", "an unknown kind: 422 naming kind",
          r.describe)
    r = mapi.post("/api/v1/incidents/INC-0005/timeline", {"kind": "note"})
    check(r.status == 422 and err(r).get("field") == "text", "no text: 422 naming text",
          r.describe)
    check_eq(f.history_count(), hist, "refused requests wrote nothing")
    r = m.post("/incidents/INC-0005/note", {"_csrf": tok, "kind": "lesson",
                                            "text": "Cache rules need review <b>before</b> deploy"})
    check_status(r, 303, "a manager adds a lesson through the form")
    r = mapi.get("/api/v1/incidents/INC-0005/timeline")
    last = ((r.json() or {}).get("entries") or [{}])[-1]
    check(last.get("kind") == "lesson" and last.get("by") == mgr.name
          and last.get("person") == mgr.person, "the entry's author is the session's account",
          last)
    r = m.get("/incidents/INC-0005")
    check("&lt;b&gt;before&lt;/b&gt;" in r.text and "<b>before</b>" not in r.text,
          "the entry is escaped on the page", r.describe)

    # ---- a duty marked notified once ------------------------------------------------
    r = m.post("/incidents/INC-0005/notified", {"_csrf": tok, "duty": "gdpr-72h",
                                                "note": "Form 33 submitted"})
    check_status(r, 303, "the GDPR duty marked notified through the form")
    hist = f.history_count()
    r = m.post("/incidents/INC-0005/notified", {"_csrf": tok, "duty": "gdpr-72h"})
    check(r.status == 409 and "already marked notified" in r.text,
          "the same duty again: 409 saying when and by whom", r.describe)
    r = mapi.post("/api/v1/incidents/INC-0005/duties/notified", {"duty": "gdpr-72h"})
    check(r.status == 409 and err(r).get("field") == "duty", "and over the API: 409 naming duty",
          r.describe)
    r = mapi.post("/api/v1/incidents/INC-0005/duties/notified", {"duty": "nope"})
    check(r.status == 422 and "no notification duty 'nope'" in err(r).get("message", ""),
          "an unknown duty: 422", r.describe)
    check_eq(f.history_count(), hist, "nothing written by the refusals")
    r = m.get("/incidents/INC-0005")
    check("done (notified" in r.text and "min left" not in r.text.split("Notification duties")[1]
          .split("Timeline")[0], "every duty of the incident now reads done", r.describe)

    # ---- raise a nonconformity -----------------------------------------------------------
    r = m.post("/incidents/INC-0005/raise-nc", {"_csrf": tok})
    check_status(r, 303, "raise a nonconformity from the incident")
    inc = mapi.get("/api/v1/incidents/INC-0005").json() or {}
    nc = inc.get("nonconformity")
    ncd = mapi.get("/api/v1/nonconformities/%s" % nc).json() or {}
    check(nc and ncd.get("incident") == "INC-0005" and ncd.get("source") == "incident",
          "the nonconformity and the incident point at each other", (inc, ncd))
    r = m.post("/incidents/INC-0005/raise-nc", {"_csrf": tok})
    check_status(r, 409, "a second nonconformity from the same incident is refused")

    # ---- security exceptions ---------------------------------------------------------------
    hist = f.history_count()
    r = mapi.post("/api/v1/exceptions", {"title": "No MFA on kiosk", "control": "5.17",
                                         "scope": "Lobby kiosk", "risk": "R-0002",
                                         "expires_on": "2027-01-31", "owner": mgr.person})
    check(r.status == 422 and err(r).get("field") == "compensating",
          "an exception without compensating measures: 422 naming compensating", r.describe)
    check_eq(f.history_count(), hist, "nothing written")
    r = mapi.post("/api/v1/exceptions", {"title": "No MFA on kiosk", "control": "5.17",
                                         "scope": "Lobby kiosk", "risk": "R-0002",
                                         "compensating": "Kiosk account has no data access",
                                         "expires_on": "2027-01-31", "owner": mgr.person})
    check_status(r, 201, "with compensating measures it is recorded")
    xid = (r.json() or {}).get("id")
    r = mapi.post("/api/v1/exceptions/%s/approve" % xid, {})
    risk = mapi.get("/api/v1/risks/R-0002").json() or {}
    check(r.status == 403 and "top management" in err(r).get("message", ""),
          "a manager cannot approve an exception whose risk (%s) needs top management"
          % risk.get("level"), r.describe)
    aapi = Api(srv, f.token(f.accounts["auditor"].name, "t"))
    r = aapi.post("/api/v1/exceptions/%s/approve" % xid, {})
    check(r.status == 403 and "auditor" in err(r).get("message", ""),
          "an auditor cannot approve an exception", r.describe)
    r = tapi.post("/api/v1/exceptions/%s/approve" % xid, {"rationale": "ok", "by": "x"})
    check_status(r, 400, "a 'by' in the body is refused")
    r = tapi.post("/api/v1/exceptions/%s/approve" % xid, {"rationale": "Until the kiosk is "
                                                                       "replaced"})
    check(r.status == 200 and (r.json() or {}).get("status") == "approved",
          "top management approves it", r.describe)
    r = m.get("/exceptions/%s" % xid)
    check(r.status == 200 and "active" in r.text and "Sign-offs" in r.text,
          "the exception page shows it active with its sign-off", r.describe)
    r = m.get("/soa")
    check(r.status == 200 and 'href="/exceptions/EXC-0001"' in r.text
          and ('href="/exceptions/%s"' % xid) in r.text,
          "the SoA rows show the active exceptions (the demo's on 8.8 and the new one)",
          r.describe)
    r = s.get("/exceptions/%s" % xid)
    check(r.status in (403, 404), "staff do not read exceptions", r.describe)

    # ---- continuity tests ------------------------------------------------------------------
    r = mapi.get("/api/v1/bcptests/BCT-0001")
    check((r.json() or {}).get("result") == "not-met", "the demo's failover test missed its RTO",
          r.describe)
    r = m.get("/continuity/BCP-0001")
    check(r.status == 200 and "Next test due" in r.text and "not met" in r.text
          and 'href="/bcptests/BCT-0001"' in r.text,
          "the plan's page lists its tests with the computed result and the next one due",
          r.describe)
    r = mapi.get("/api/v1/continuity/needs")
    needs = {n["asset"]: n for n in (r.json() or [])}
    check(r.status == 200 and needs and all(n["rto_hours"] is None or n["rto_hours"] >= 0
                                            for n in needs.values())
          and any(n["rto_from"] == "BCP-0001" and n["kind"] != "service" for n in needs.values()),
          "the continuity needs: assets inherit the RTO of the plans of the services they "
          "support", r.describe)
    check_status(sapi.get("/api/v1/continuity/needs"), 403, "staff do not read continuity")
    r = m.get("/continuity/needs")
    check(r.status == 200 and "Recovery objectives per asset" in r.text
          and 'href="/continuity/BCP-0001"' in r.text, "the recovery objectives page", r.describe)
    check_status(s.get("/continuity/needs"), 403, "staff: no recovery objectives page")
    hist = f.history_count()
    r = mapi.post("/api/v1/bcptests", {"title": "Neg", "plan": "BCP-0001",
                                       "tested_on": "2026-11-01", "scenario": "x",
                                       "achieved_rto_hours": -3})
    check(r.status == 422 and err(r).get("field") == "achieved_rto_hours",
          "a negative recovery time: 422 naming the field", r.describe)
    r = mapi.post("/api/v1/bcptests", {"title": "Typed", "plan": "BCP-0001",
                                       "tested_on": "2026-11-01", "scenario": "x",
                                       "result": "met"})
    check(r.status in (400, 422) and err(r).get("field") == "result",
          "the result cannot be typed", r.describe)
    check_eq(f.history_count(), hist, "nothing written")
    srv.stop()
    r = isms("verify", f.path)
    check(r.rc == 0, "isms verify passes", r.describe)


run(main)
