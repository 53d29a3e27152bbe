"""t_suppliers.py — suppliers over HTTP: the review schedule page and API;
questionnaires answered through a link that needs no account (/q/TOKEN):
the link shows only its questions, sets no cookie and reaches nothing else
(/, /risks, the API answer as to a stranger); answers are scored; an expired
link, another supplier's form (its nonce and questions) on a link, a
resubmission and a malformed answer are each refused with a clear page and
nothing stored."""

import re
import sqlite3

from harness import *


def count(path, sql_text):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql_text).fetchone()[0]
    finally:
        db.close()


def nonce_of(text):
    m = re.search(r'name="_nonce" value="([0-9a-f]+)"', text)
    return m.group(1) if m else None


def main():
    f = init_file("sup.isms")
    f.add("person", name="Pia Procurement")                  # P-0001
    f.add("person", name="Mo Manager")                       # P-0002
    mgr = f.add_account("mo", "manager", "P-0002")
    f.add("supplier", name="Cloudy Hosting", criticality="critical", owner="P-0001")  # SUP-0001
    f.add("supplier", name="Paper <b>Co</b>", criticality="low", owner="P-0001")      # SUP-0002
    f.add("sassessment", supplier="SUP-0001", assessed_on="2020-01-10", assessor="P-0001",
          result="satisfactory")
    f.add("qtemplate", title="Security basics", description="For your hosting service.")
    f.add("qquestion", template="QT-0001", position=1, text="Do you hold ISO 27001?",
          answer_type="yes-no", weight=3)
    f.add("qquestion", template="QT-0001", position=2, text="Backups tested",
          answer_type="choice", choices="monthly|yearly|never", weight=2)
    f.add("qquestion", template="QT-0001", position=3, text="MFA coverage (%)",
          answer_type="number", expected=90, weight=1)
    f.add("qquestion", template="QT-0001", position=4, text="Anything else?", answer_type="text")
    f.add("qtemplate", title="Other template")
    f.add("qquestion", template="QT-0002", text="Other question", answer_type="yes-no")
    c = f.cli("questionnaire", "send", "SUP-0001", "--template", "QT-0001", "--days", "7",
              "--contact", "sec@cloudy.example")
    qr1, link1 = c.out.split()
    tok1 = link1.rsplit("/", 1)[1]
    check(qr1 == "QR-0001" and link1.startswith("/q/") and len(tok1) == 43,
          "send prints the identifier and a link with a 256-bit token", c.describe)
    stored = sql(f.path, "SELECT token_sha256 FROM qtoken WHERE questionnaire='QR-0001'").strip()
    check(len(stored) == 64 and tok1 not in sql(f.path, "SELECT * FROM qtoken"),
          "only the token's hash is stored", stored)
    c = f.cli("questionnaire", "send", "SUP-0002", "--template", "QT-0002")
    qr2, link2 = c.out.split()
    c = f.cli("questionnaire", "send", "SUP-0002", "--template", "QT-0001", "--days", "1",
              env={"ISMS_NOW": "2020-01-01T10:00:00Z"})
    qr3, link3 = c.out.split()

    srv = Server(f.path)
    m = Client(srv)
    m.login_as(mgr)
    mapi = Api(srv, f.token("mo", "t"))

    # ---- the review schedule --------------------------------------------------------
    r = m.get("/suppliers/reviews")
    check(r.status == 200 and "6 months after its last final assessment" in r.text
          and "overdue" in r.text and "Paper &lt;b&gt;Co&lt;/b&gt;" in r.text,
          "the schedule page states the rule, flags the overdue review, escapes names",
          r.describe)
    r = mapi.get("/api/v1/suppliers/reviews")
    d = r.json() or {}
    s1 = [s for s in d.get("suppliers", []) if s["id"] == "SUP-0001"]
    check(r.status == 200 and s1 and s1[0]["next_review"] == "2020-07-10" and s1[0]["overdue"],
          "the API schedule: next review = last assessment + 6 months", r.describe)
    r = mapi.get("/api/v1/suppliers/reviews?today=2020-13-45")
    check(r.status == 422, "a malformed today is refused", r.describe)

    # ---- the link: its questions only, nothing else -----------------------------------
    q = Client(srv)
    r = q.get(link1)
    check(r.status == 200 and "Do you hold ISO 27001?" in r.text and "monthly" in r.text
          and "Cloudy Hosting" in r.text and "<a " not in r.text and "<nav" not in r.text
          and "Other question" not in r.text and "_csrf" not in r.text,
          "the link shows its questions and no link, navigation or other record", r.describe)
    check(not r.headers_all("Set-Cookie") and not q.jar, "the link sets no cookie",
          r.describe)
    nonce1 = nonce_of(r.text)
    check(nonce1 and len(nonce1) == 32, "the form carries the link's nonce", r.describe)
    for path in ("/", "/risks", "/suppliers", "/questionnaires/QR-0001",
                 "/suppliers/reviews"):
        r = q.get(path)
        check(r.status in (302, 303) and "/login" in (r.location or ""),
              "with the link's cookie jar %s sends to sign-in" % path, r.describe)
    for path in ("/api/v1/risks", "/api/v1/suppliers", "/api/v1/questionnaires/QR-0001/answers"):
        r = q.get(path)
        check(r.status == 401, "with the link's cookie jar %s answers 401" % path, r.describe)
    r = q.get("/q/QR-0001")
    check(r.status == 404 and "not valid" in r.text and "<a " not in r.text,
          "a questionnaire identifier is no token", r.describe)
    r = q.get("/q/" + "A" * 43)
    check(r.status == 404 and "not valid" in r.text, "an unknown token: not valid", r.describe)

    # ---- refusals, nothing stored --------------------------------------------------------
    before = count(f.path, "SELECT count(*) FROM qanswer")
    hist = f.history_count()
    r = q.get(link3)
    check(r.status == 409 and "expired on 2020-01-02" in r.text and "Backups" not in r.text,
          "an expired link: a clear page without the questions", r.describe)
    r = q.post(link3, {"_nonce": "0" * 32, "QQ-0001": "yes"})
    check(r.status == 409 and "expired" in r.text, "answers to an expired link are refused",
          r.describe)
    r2 = q.get(link2)
    nonce2 = nonce_of(r2.text)
    r = q.post(link2, {"_nonce": nonce1, "QQ-0005": "yes"})
    check(r.status == 403 and "does not belong to this questionnaire link" in r.text,
          "another supplier's form (its nonce) on a link is refused", r.describe)
    r = q.post(link2, {"_nonce": nonce2, "QQ-0001": "yes", "QQ-0005": "yes"})
    check(r.status == 422 and "not a question of this questionnaire" in r.text,
          "another questionnaire's question on a link is refused", r.describe)
    r = q.post(link1, {"_nonce": nonce1, "QQ-0001": "maybe", "QQ-0002": "monthly",
                       "QQ-0003": "95"})
    check(r.status == 422 and "Question 1" in r.text and "yes or no" in r.text
          and "Do you hold" in r.text, "a malformed answer names the question", r.describe)
    r = q.post(link1, {"_nonce": nonce1, "QQ-0001": "yes", "QQ-0002": "weekly",
                       "QQ-0003": "95"})
    check(r.status == 422 and "Question 2" in r.text, "a choice not offered is refused",
          r.describe)
    r = q.post(link1, {"_nonce": nonce1, "QQ-0001": "yes", "QQ-0002": "yearly",
                       "QQ-0003": "lots"})
    check(r.status == 422 and "takes a number" in r.text, "a number that is not one is refused",
          r.describe)
    check(count(f.path, "SELECT count(*) FROM qanswer") == before and f.history_count() == hist,
          "nothing was stored by the refusals", "")

    # ---- answered and scored ------------------------------------------------------------
    r = q.post(link1, {"_nonce": nonce1, "QQ-0001": "yes", "QQ-0002": "yearly",
                       "QQ-0003": "80", "QQ-0004": "<script>alert(1)</script>"})
    check(r.status == 200 and "Thank you" in r.text and "<a " not in r.text,
          "the answers are recorded", r.describe)
    r = mapi.get("/api/v1/questionnaires/QR-0001/answers")
    d = r.json() or {}
    pts = {a["question"]: (a["answer"], a["points"], a["max_points"]) for a in d.get("answers", [])}
    check(r.status == 200 and d.get("completed") and d.get("points") == 4
          and d.get("max_points") == 6 and d.get("score_percent") == 66.7
          and pts.get("QQ-0002") == ("yearly", 1, 2) and pts.get("QQ-0003") == ("80", 0, 1)
          and pts.get("QQ-0004") == ("<script>alert(1)</script>", 0, 0),
          "answers scored by weight: yes 3/3, second of three choices 1/2, under the minimum 0/1",
          r.describe)
    f.cli("qquestion", "edit", "QQ-0001", "--text", "Reworded later?")
    r = mapi.get("/api/v1/questionnaires/QR-0001/answers")
    d = r.json() or {}
    check([a["text"] for a in d.get("answers", [])][:1] == ["Do you hold ISO 27001?"],
          "the answers keep each question as it was asked", r.describe)
    rec = f.show("QR-0001") or {}
    check(rec.get("status") == "completed" and rec.get("score") == 66.7,
          "the questionnaire is completed with its score", str(rec))
    r = m.get("/questionnaires/QR-0001/answers")
    check(r.status == 200 and "&lt;script&gt;" in r.text and "<script>alert" not in r.text
          and "66.7" in r.text, "the answers page escapes what the supplier wrote", r.describe)
    n = count(f.path, "SELECT count(*) FROM qanswer")
    r = q.post(link1, {"_nonce": nonce1, "QQ-0001": "no", "QQ-0002": "never", "QQ-0003": "1"})
    check(r.status == 409 and "already answered" in r.text,
          "a resubmission after completion is refused", r.describe)
    r = q.get(link1)
    check(r.status == 409 and "already answered" in r.text and "Backups" not in r.text,
          "the link no longer opens the questionnaire", r.describe)
    check(count(f.path, "SELECT count(*) FROM qanswer") == n, "the resubmission stored nothing", "")
    r = m.post("/questionnaires/QR-0001", {"_csrf": m.csrf("/questionnaires/QR-0001/edit") or "",
                                           "status": "sent"})
    check(r.status == 422 or "answered" in r.text, "an answered questionnaire stays completed",
          r.describe)

    # ---- privacy: a DPIA marked complete needs a decision -------------------------------------
    f.add("asset", name="CRM", kind="software", owner="P-0001")                       # A-0001
    f.add("processing", name="Payroll", purpose="Paying staff", legal_basis="legal-obligation",
          retention="10 years", owner="P-0001", processors="SUP-0001", systems="A-0001",
          special_categories="yes")                                                    # PA-0001
    hist = f.history_count()
    r = mapi.post("/api/v1/dpias", {"title": "Payroll DPIA", "processing": "PA-0001",
                                    "owner": "P-0001", "status": "complete"})
    d = (r.json() or {}).get("error", {})
    check(r.status == 422 and d.get("field") == "decision" and "needs a decision" in
          d.get("message", ""), "a DPIA marked complete without a decision is refused", r.describe)
    check(f.history_count() == hist, "the refused DPIA stored nothing", "")
    r = mapi.post("/api/v1/dpias", {"title": "Payroll DPIA", "processing": "PA-0001",
                                    "owner": "P-0001", "status": "complete",
                                    "decision": "proceed-with-measures"})
    check(r.status == 201, "with a decision it is recorded", r.describe)
    r = m.get("/processing/register")
    check(r.status == 200 and "Payroll" in r.text and "proceed-with-measures" in r.text
          and "DPIA missing" not in r.text, "the privacy register page shows the DPIA's decision",
          r.describe)

    # ---- access reviews: CSV import, decisions by the session's account --------------------
    f.add("person", name="Rita Reviewer")                                             # P-0003
    rita = f.add_account("rita", "owner", "P-0003")
    aud = f.add_account("audrey", "auditor", "P-0001")
    f.add("areview", title="CRM access", system="A-0001", due_date="2020-01-31", owner="P-0002")
    hist = f.history_count()
    bad = 'account,access,group,reviewer\nalice,admin,Sales,P-0003\n"bob,read\n'
    r = m.post("/areviews/AR-0001/import", {"_csrf": m.csrf("/areviews/AR-0001/campaign") or "",
                                            "csv": bad})
    check(r.status == 422 and "CSV row 3: unterminated quoted field" in r.text,
          "a malformed CSV is refused naming its line", r.describe)
    r = mapi.post("/api/v1/areviews/AR-0001/import",
                  {"csv": "account,access,reviewer\nx,y,P-0003\nz,w,P-0099\n"})
    d = (r.json() or {}).get("error", {})
    check(r.status == 422 and "CSV line 3" in d.get("message", ""),
          "an unknown reviewer is refused naming its line (API)", r.describe)
    check(f.history_count() == hist, "the refused imports stored nothing", "")
    good = "account,access,group,reviewer\nalice,admin,Sales,P-0003\nbob,read,Sales,P-0003\n" \
           "carol,write,Support,P-0002\n"
    r = m.post("/areviews/AR-0001/import", {"_csrf": m.csrf("/areviews/AR-0001/campaign") or "",
                                            "csv": good})
    check(r.status in (302, 303), "a good CSV is imported", r.describe)
    rc = Client(srv)
    rc.login_as(rita)
    page = rc.get("/areviews/AR-0001/campaign")
    check(page.status == 200 and "0 of 3 accounts decided" in page.text and "overdue" in page.text,
          "the campaign page: completion and overdue", page.describe)
    tok = rc.csrf("/areviews/AR-0001/campaign") or ""
    r = rc.post("/aaccounts/ACC-0001/decide", {"_csrf": tok, "decision": "keep", "by": "mo"})
    check(r.status == 400, "a decider named in the form is refused", r.describe)
    r = rc.post("/aaccounts/ACC-0003/decide", {"_csrf": tok, "decision": "keep"})
    check(r.status == 403 and "for its reviewer P-0002" in r.text,
          "a reviewer decides only their group", r.describe)
    r = rc.post("/aaccounts/ACC-0002/decide", {"_csrf": tok, "decision": "revoke",
                                               "comment": "<b>left</b>"})
    check(r.status in (302, 303), "the reviewer's decision", r.describe)
    rec = f.show("ACC-0002") or {}
    check(rec.get("decision") == "revoke" and rec.get("decided_by") == "rita",
          "the decider is the session's account", str(rec))
    page = rc.get("/areviews/AR-0001/campaign")
    check("&lt;b&gt;left" in page.text and "1 of 3 accounts decided" in page.text,
          "the decision is shown, escaped", page.describe)
    ac = Client(srv)
    ac.login_as(aud)
    r = ac.post("/aaccounts/ACC-0001/decide", {"_csrf": ac.csrf("/areviews/AR-0001/campaign")
                                               or "", "decision": "keep"})
    check(r.status == 403, "an auditor decides nothing", r.describe)
    aapi = Api(srv, f.token("audrey", "t"))
    r = aapi.post("/api/v1/aaccounts/ACC-0001/decide", {"decision": "keep"})
    check(r.status == 403, "an auditor decides nothing (API)", r.describe)
    rapi = Api(srv, f.token("rita", "t"))
    r = rapi.post("/api/v1/aaccounts/ACC-0001/decide", {"decision": "keep"})
    check(r.status == 200 and (r.json() or {}).get("decided_by") == "rita",
          "the reviewer decides through the API", r.describe)
    r = rapi.get("/api/v1/areviews/AR-0001/status")
    d = r.json() or {}
    check(r.status == 200 and d.get("decided") == 2 and d.get("revocations_open") == 1
          and d.get("overdue"), "the API status", r.describe)

    # ---- sending from the web and the API ------------------------------------------------------
    page = m.get("/suppliers/SUP-0002")
    check(page.status == 200 and 'action="/suppliers/SUP-0002/questionnaires"' in page.text,
          "the supplier's page has the send form", page.describe)
    r = m.post("/suppliers/SUP-0002/questionnaires", {"_csrf": m.csrf("/suppliers/SUP-0002") or "",
                                                      "template": "QT-0001", "days": "5"})
    tok = re.search(r"/q/([A-Za-z0-9_-]{43})", r.text)
    check(r.status == 201 and tok and "shown only now" in r.text,
          "the web form sends and shows the link once", r.describe)
    if tok:
        check(Client(srv).get("/q/" + tok.group(1)).status == 200, "that link opens", "")
    r = mapi.post("/api/v1/suppliers/SUP-0002/questionnaires", {"template": "QT-0001", "days": 3})
    d = r.json() or {}
    check(r.status == 201 and re.match(r"^/q/[A-Za-z0-9_-]{43}$", d.get("link", ""))
          and d.get("expires_at"), "the API sends and answers the link once", r.describe)
    n = f.count("questionnaire")
    r = mapi.post("/api/v1/suppliers/SUP-0002/questionnaires", {"template": "QT-0099"})
    check(r.status == 404 and n == f.count("questionnaire"), "an unknown template: nothing sent",
          r.describe)
    r = mapi.post("/api/v1/suppliers/SUP-0002/questionnaires", {"template": "QT-0001", "days": 365})
    check(r.status == 422 and "days" in r.text, "a link for a year is refused", r.describe)

    # ---- staff read none of it ------------------------------------------------------------------
    f.add("person", name="Stan Staff")                                                # P-0004
    staff = f.add_account("stan", "staff", "P-0004")
    sc = Client(srv)
    sc.login_as(staff)
    for path in ("/suppliers/reviews", "/questionnaires/QR-0001/answers", "/processing/register",
                 "/areviews/AR-0001/campaign", "/dpias", "/aaccounts"):
        r = sc.get(path)
        check(r.status in (403, 404), "staff: %s refused" % path, r.describe)
    r = sc.post("/aaccounts/ACC-0003/decide", {"_csrf": sc.csrf() or "", "decision": "keep"})
    check(r.status in (403, 404), "staff decide nothing", r.describe)

    # ---- guessing tokens backs off (the sign-in throttle, per address) ----------------------
    g = Client(srv, source="127.0.0.9")
    statuses = [g.get("/q/" + ("%043d" % i)).status for i in range(26)]
    r = g.get(link2)
    check(statuses[:20] == [404] * 20 and 429 in statuses and r.status == 429
          and r.header("Retry-After"),
          "after 20 unknown tokens from one address, links answer 429 with Retry-After",
          "%s / %s" % (statuses, r.describe()))
    r = Client(srv, source="127.0.0.10").get(link2)
    check(r.status == 200, "another address is not held back", r.describe)

    log = srv.stderr()
    check("/q/(token)" in log and tok1 not in log and link2.rsplit("/", 1)[1] not in log,
          "the access log never holds a link's token", log[-2000:])

    srv.stop()


run(main)
