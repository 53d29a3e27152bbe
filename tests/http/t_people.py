"""t_people.py — roles and responsibilities, competence and awareness over HTTP.

The RACI page shows the demo's matrix (escaped) and sets a letter through a
form with the CSRF token (one accountable per subject: 409 naming the one
there is; bad letters 422; staff cannot read it); /owners/missing lists what
needs an owner; the competence gap view shows the demo's gap and expiring
certificate, staff see only their own evidence; the campaign completion page
and API answer the computed figures; attendance is confirmed as the signed-in
account (a person named in the body is refused), staff can confirm only their
own; the dashboard shows the awareness block. Nothing is written by a refused
request.
"""

import sqlite3

from harness import *


def count(path, sql_text):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql_text).fetchone()[0]
    finally:
        db.close()


def main():
    f = demo_file("pe.isms")
    mgr, staff, aud, own = (f.accounts[k] for k in ("manager", "staff", "auditor", "owner"))
    srv = Server(f.path)
    m = Client(srv)
    m.login_as(mgr)
    s = Client(srv)
    s.login_as(staff)
    mapi = Api(srv, f.token(mgr.name, "t"))
    sapi = Api(srv, f.token(staff.name, "t"))
    aapi = Api(srv, f.token(aud.name, "t"))

    # ---- RACI -----------------------------------------------------------------------
    r = m.get("/raci")
    check(r.status == 200 and "PRC-0004" in r.text and "Incident management" in r.text
          and 'href="/roles/' in r.text and "<td>A</td>" in r.text,
          "the RACI page shows the demo's matrix", r.describe)
    r = mapi.get("/api/v1/raci")
    d = r.json() or {}
    row = [x for x in d.get("rows", []) if x["subject"] == "PRC-0004"]
    check(r.status == 200 and row and sorted(row[0]["cells"].values()) == ["A", "C", "I", "R"]
          and row[0]["accountable_ok"] is True,
          "the API matrix: incident management has one of each letter", r.describe)
    r = s.get("/raci")
    check(r.status in (403, 404), "staff cannot read the RACI matrix", r.describe)
    r = sapi.get("/api/v1/raci")
    check(r.status in (403, 404), "staff cannot read the RACI matrix (API)", r.describe)
    h0 = f.history_count()
    r = m.post("/raci", {"subject": "PRC-0001", "party": "P-0005", "raci": "R"})
    check(r.status == 403, "setting a letter without the CSRF token: 403", r.describe)
    tok = m.csrf("/raci")
    r = m.post("/raci", {"_csrf": tok, "subject": "PRC-0004", "party": "P-0005", "raci": "A"})
    check(r.status == 409 and "already has an accountable party" in r.text,
          "a second accountable for PRC-0004 is refused, naming the one there is", r.describe)
    r = m.post("/raci", {"_csrf": tok, "subject": "PRC-0004", "party": "P-0005", "raci": "Z"})
    check(r.status == 422 and "R, A, C or I" in r.text, "a bad letter: 422 naming the field",
          r.describe)
    r = m.post("/raci", {"_csrf": tok, "subject": "<script>x</script>", "party": "P-0005",
                         "raci": "R"})
    check(r.status == 422 and "<script>x" not in r.text, "a hostile subject is refused, escaped",
          r.describe)
    check(f.history_count() == h0, "nothing written by the refused assignments")
    r = m.post("/raci", {"_csrf": tok, "subject": "PRC-0001", "party": "P-0005", "raci": "C"})
    check(r.status == 303, "a consulted party is set through the form", r.describe)
    r = mapi.post("/api/v1/raci", {"subject": "PRC-0001", "party": "P-0005", "raci": "I"})
    check(r.status == 200 and (r.json() or {}).get("changed") is True,
          "the API sets a letter", r.describe)
    r = mapi.post("/api/v1/raci", {"subject": "PRC-0001", "party": "P-0005", "raci": "I",
                                   "by": "P-0001"})
    check(r.status in (400, 422), "an unknown key (a signer) in the body is refused", r.describe)
    r = aapi.post("/api/v1/raci", {"subject": "PRC-0001", "party": "P-0005", "raci": "R"})
    check(r.status == 403, "an auditor cannot set RACI letters", r.describe)

    # ---- owners -----------------------------------------------------------------------
    r = m.get("/owners/missing")
    check(r.status == 200 and "Records without an owner" in r.text, "the owners page", r.describe)
    r = mapi.get("/api/v1/owners/missing")
    check(r.status == 200 and isinstance(r.json(), list), "the owners list (API)", r.describe)
    r = s.get("/owners/missing")
    check(r.status in (403, 404), "staff cannot read the owners list", r.describe)

    # ---- competence -------------------------------------------------------------------
    r = mapi.get("/api/v1/competence/gaps")
    d = r.json() or {}
    check(r.status == 200 and d.get("missing") == 1 and d.get("expiring") == 1,
          "the demo has one competence gap and one expiring certificate", r.describe)
    miss = [i for i in d.get("items", []) if i["state"] == "missing"]
    check(miss and miss[0]["person"] == "P-0009", "the gap is the SRE's incident training",
          json.dumps(miss))
    r = m.get("/competence/gaps?role=ROLE-0003")
    check(r.status == 200 and "expiring" in r.text and "Lead Implementer" in r.text,
          "the CISO role's page shows the expiring certificate", r.describe)
    r = m.get("/roles/ROLE-0003")
    check(r.status == 200 and 'href="/competence/gaps?role=ROLE-0003"' in r.text,
          "a role's page links to its competence", r.describe)
    r = mapi.get("/api/v1/competence/gaps?role=ROLE-0099")
    check(r.status == 404, "an unknown role: 404", r.describe)
    r = mapi.get("/api/v1/competence/gaps?colour=red")
    check(r.status == 400, "an unknown parameter: 400", r.describe)
    r = sapi.get("/api/v1/competence/gaps")
    d = r.json() or {}
    check(r.status == 200 and all(i["person"] == staff.person for i in d.get("items", [])),
          "staff see only their own competence", r.describe)
    r = sapi.get("/api/v1/competence/gaps?person=P-0005")
    check(r.status == 404, "staff cannot see another person's competence", r.describe)
    r = sapi.get("/api/v1/qualifications")
    items = api_items(r.json(), "qualifications") or []
    check(r.status == 200 and all(x.get("person") == staff.person for x in items),
          "staff list only their own evidence", r.describe)
    r = sapi.get("/api/v1/qualifications/QUAL-0001")
    check(r.status == 404, "staff cannot open the CISO's certificate", r.describe)

    # ---- awareness ----------------------------------------------------------------------
    r = mapi.get("/api/v1/campaigns/AWC-0001/completion")
    d = r.json() or {}
    check(r.status == 200 and d.get("people") == 25 and d.get("done") == 22
          and d.get("percent") == 88.0,
          "the demo campaign's completion is computed from attendance (22 of 25)", r.describe)
    r = m.get("/campaigns/AWC-0002/completion")
    check(r.status == 200 and "<strong>2 of 7</strong>" in r.text and "Engineering" in r.text,
          "the committee briefing: 2 of 7 (attended and acknowledged the policy)", r.describe)
    r = m.get("/")
    check(r.status == 200 and "h-awareness" in r.text and "active campaigns" in r.text,
          "the dashboard shows the awareness block", r.describe)
    # staff confirm their own attendance, as themselves
    n0 = count(f.path, "SELECT count(*) FROM attendance")
    r = sapi.post("/api/v1/briefings/AWS-0001/attend", {"person": "P-0001"})
    check(r.status in (400, 422), "a person named in the body is refused", r.describe)
    r = sapi.post("/api/v1/briefings/AWS-0099/attend", {})
    check(r.status == 404, "an unknown session: 404", r.describe)
    r = sapi.post("/api/v1/briefings/AWS-0001/attend", {"attended_on": "2099-01-01"})
    check(r.status == 422, "a date in the future: 422", r.describe)
    check(count(f.path, "SELECT count(*) FROM attendance") == n0,
          "nothing written by the refused confirmations")
    r = sapi.post("/api/v1/briefings/AWS-0001/attend", {})
    d = r.json() or {}
    check(r.status == 201 and d.get("person") == staff.person and
          d.get("confirmed_by") == staff.name,
          "staff confirm their own attendance: the person and signer are the token's", r.describe)
    r = sapi.post("/api/v1/briefings/AWS-0001/attend", {})
    check(r.status == 200, "confirming again is the same record", r.describe)
    tok = s.csrf("/campaigns/AWC-0001/completion")
    for bad in ("<script>alert(1)</script>", "2026-02-30", "' OR 1=1 --"):
        r = s.post("/briefings/AWS-0003/attend", {"_csrf": tok, "attended_on": bad})
        check(r.status == 422 and "attended_on" in r.text and "<script>alert" not in r.text,
              "the attend form with attended_on %r: 422 naming the field, escaped" % bad,
              r.describe)
    check(count(f.path, "SELECT count(*) FROM attendance") == n0 + 1,
          "nothing written by the refused forms")
    r = s.post("/briefings/AWS-0003/attend", {"_csrf": tok, "person": "P-0001"})
    check(r.status == 303, "the page's button records the signed-in staff member", r.describe)
    rows = count(f.path, "SELECT count(*) FROM attendance WHERE briefing = 'AWS-0003' AND "
                         "person = '%s'" % staff.person)
    other = count(f.path, "SELECT count(*) FROM attendance WHERE briefing = 'AWS-0003' AND "
                          "person = 'P-0001'")
    check(rows == 1 and other == 1, "the form's person field is ignored: recorded as staff",
          "rows %d, P-0001 rows %d" % (rows, other))
    r = sapi.get("/api/v1/attendances")
    items = api_items(r.json(), "attendances") or []
    check(r.status == 200 and items and all(x.get("person") == staff.person for x in items),
          "staff list only their own attendance", r.describe)
    r = sapi.post("/api/v1/attendances", {"briefing": "AWS-0001", "person": "P-0001",
                                          "attended_on": "2026-01-01"})
    check(r.status == 403, "staff cannot record someone else's attendance", r.describe)
    r = m.get("/campaigns/AWC-0001")
    check(r.status == 200 and "h-completion" in r.text and 'href="/campaigns/AWC-0001/completion"'
          in r.text, "the campaign's page shows its computed completion", r.describe)
    r = s.get("/briefings/AWS-0002")
    check(r.status == 200 and "I attended this session" in r.text,
          "a session's page offers staff the attendance button", r.describe)
    r = s.get("/campaigns/AWC-0001/completion")
    check(r.status == 200 and "I attended" in r.text, "staff see the campaign and its button",
          r.describe)
    # the figures count only the attendance the principal sees: staff their own line
    r = sapi.get("/api/v1/campaigns/AWC-0001/completion")
    d = r.json() or {}
    check(r.status == 200 and d.get("people") == 1 and
          all(p.get("person") == staff.person for p in d.get("pending", [])),
          "staff get the completion of their own line only (not the others' attendance)",
          r.describe)

    srv.stop()
    isms("verify", f.path)


run(main)
