"""t_accounts.py — accounts (issues 13 and 15): the external auditor's
view — a read-only account with an end date, refused after it at sign-in
and on every request of an existing session or token; it reads approved
documents with their sign-offs and history, the registers and the
readiness report (where it lands after signing in), and not the personal
data the privacy rule hides (other people's attendance and training
evidence, supplier and questionnaire contacts) in pages, the API and
history — unless an administrator grants it, with a reason, which the
security log keeps."""
from harness import *

PW = "extaudit-pass-0123456789"
CONTACT = "it-security@lohnwerk.example"


def days_from_today(n):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + n * 86400))


def external_auditor(f, srv):
    c = f.cli("user", "add", "ext", "--role", "auditor", "--expires", days_from_today(30),
              input=PW + "\n")
    check("ext added" in c.out, "an auditor account with an end date is added", c.describe)
    c = f.cli("user", "add", "ext-bad", "--role", "auditor", "--expires", "2026-02-30",
              input=PW + "\n", ok=False)
    check(c.rc != 0 and "expires: a date YYYY-MM-DD" in c.err,
          "an impossible end date is refused naming the field", c.describe)
    check("ext-bad" not in f.cli("user", "list").out, "and no account was written", "")
    listing = f.cli("user", "list").out
    check(re.search(r"^ext\s+auditor\s+-\s+until " + days_from_today(30), listing, re.M),
          "user list shows the end date", listing)

    # sign-in: lands on the readiness report
    c = Client(srv)
    r = c.login("ext", PW)
    check(r.status == 303 and r.location == "/readiness",
          "an auditor lands on /readiness after signing in", r.describe)
    r = c.get("/readiness")
    check(r.status == 200 and "Readiness" in r.text, "the readiness report is shown", r.describe)
    m = Client(srv)
    r = m.login_as(f.accounts["manager"])
    check(r.location in ("/", None) or r.location == "/", "the manager still lands on the home page",
          r.describe)

    # approved documents, their sign-offs and history
    r = c.get("/documents/DOC-0001")
    check(r.status == 200 and "Sign-offs" in r.text, "the auditor sees an approved document's "
          "sign-offs", r.describe)
    tok = f.token("ext", "audit")
    api = Api(srv, tok)
    r = api.get("/api/v1/documents/DOC-0001/history")
    check(r.status == 200 and len(api_items(r.json())) > 0,
          "and its history (API)", r.describe)
    r = api.get("/api/v1/documents/DOC-0001/versions")
    check(r.status == 200, "and its versions (API)", r.describe)
    r = api.get("/api/v1/risks")
    check(r.status == 200 and len(api_items(r.json())) > 0, "the risk register (API)", r.describe)
    r = api.post("/api/v1/risks", {"title": "x"})
    check(r.status == 403, "an auditor writes no risk", r.describe)

    # the privacy rule: contacts and other people's attendance hidden
    mapi = Api(srv, f.token(f.accounts["manager"].name))
    r = mapi.get("/api/v1/questionnaires/QR-0001")
    check(r.status == 200 and (r.json() or {}).get("contact") == CONTACT,
          "the manager sees the questionnaire's contact", r.describe)
    natt = len(api_items(mapi.get("/api/v1/attendances").json()))
    check(natt > 0, "the demo has attendance", "")
    r = api.get("/api/v1/questionnaires/QR-0001")
    check(r.status == 200 and (r.json() or {}).get("contact") is None and CONTACT not in r.text,
          "the external auditor does not see the questionnaire's contact (API)", r.describe)
    r = api.get("/api/v1/questionnaires")
    check(r.status == 200 and CONTACT not in r.text and len(api_items(r.json())) > 0,
          "nor in the list (API)", r.describe)
    r = api.get("/api/v1/questionnaires?contact=" + urllib.parse.quote(CONTACT))
    check(r.status != 200 or len(api_items(r.json())) == 0,
          "a filter on the hidden field finds nothing (no probing)", r.describe)
    r = mapi.get("/api/v1/questionnaires?q=it-security")
    check(r.status == 200 and len(api_items(r.json())) > 0, "the manager finds it by its contact",
          r.describe)
    r = api.get("/api/v1/questionnaires?q=it-security")
    check(r.status == 200 and len(api_items(r.json())) == 0,
          "search does not look into the hidden field", r.describe)
    r = c.get("/questionnaires/QR-0001")
    check(r.status == 200 and CONTACT not in r.text, "nor on the page", r.describe)
    r = api.get("/api/v1/questionnaires/QR-0001/history")
    check(r.status == 200 and CONTACT not in r.text and len(api_items(r.json())) > 0,
          "nor in its history", r.describe)
    r = api.get("/api/v1/attendances")
    check(r.status == 200 and len(api_items(r.json())) == 0,
          "other people's attendance is not listed", r.describe)
    r = c.get("/attendances/ATN-0001")
    check(r.status == 404, "nor shown", r.describe)
    r = c.get("/people/P-0001")
    check(r.status == 200 and "ATN-0001" not in r.text, "nor linked from the person", r.describe)

    # the grant: with a reason, logged, and then shown
    g = f.cli("user", "edit", "ext", "--privacy-access", "yes", ok=False)
    check(g.rc != 0 and "reason:" in g.err, "a grant needs a reason", g.describe)
    g = f.cli("user", "edit", "ext", "--privacy-access", "yes", "--reason",
              "A.6.3 sample of training records")
    check(g.rc == 0, "an administrator grants the personal data with a reason", g.describe)
    log = sql(f.path, "SELECT event, account, detail FROM security_log WHERE event = "
                      "'privacy-grant'")
    check("ext" in log and "A.6.3 sample of training records" in log,
          "the grant and its reason are in the security log", log)
    r = api.get("/api/v1/questionnaires/QR-0001")
    check(r.status == 200 and (r.json() or {}).get("contact") == CONTACT,
          "with the grant the contact is shown", r.describe)
    r = api.get("/api/v1/attendances")
    check(r.status == 200 and len(api_items(r.json())) == natt,
          "and every attendance", r.describe)
    f.cli("user", "edit", "ext", "--privacy-access", "no")
    r = api.get("/api/v1/questionnaires/QR-0001")
    check(r.status == 200 and (r.json() or {}).get("contact") is None,
          "withdrawn: hidden again", r.describe)

    # the end date passes: the session and the token stop working
    c2 = Client(srv)
    check_status(c2.login("ext", PW), 303, "ext signs in again")
    check_status(c2.get("/risks"), 200, "and reads")
    f.cli("user", "edit", "ext", "--expires", days_from_today(-1))
    r = c2.get("/risks")
    check(r.status in (302, 303) and "/login" in (r.location or ""),
          "after the end date the existing session is refused", r.describe)
    r = api.get("/api/v1/risks")
    check(r.status == 401 and "expired" in r.text, "and the token, saying the account expired",
          r.describe)
    c3 = Client(srv)
    r = c3.login("ext", PW)
    check(r.status == 401 and "expired on " + days_from_today(-1) in r.text,
          "sign-in is refused with a clear message", r.describe)
    r = c3.login("ext", "not the password at all")
    check(r.status == 401 and "expired" not in r.text,
          "a wrong password says nothing about the end date", r.describe)
    listing = f.cli("user", "list").out
    check(re.search(r"^ext\s+auditor.*expired " + days_from_today(-1), listing, re.M),
          "user list shows the account expired", listing)
    f.cli("user", "edit", "ext", "--expires", "none")
    check_status(c3.login("ext", PW), 303, "the end date removed: it signs in again")


def security_log(f, srv):
    admin, mgr = f.accounts["admin"], f.accounts["manager"]
    a = Client(srv)
    check_status(a.login_as(admin), 303, "the administrator signs in")
    m = Client(srv)
    check_status(m.login_as(mgr), 303, "the manager signs in")
    r = a.get("/admin/log")
    check(r.status == 200 and "Security log" in r.text and "login" in r.text,
          "an administrator reads the security log page", r.describe)
    r = m.get("/admin/log")
    check_status(r, 403, "a manager may not read the security log")
    atok, mtok = f.token(admin.name, "log"), f.token(mgr.name, "log")
    aapi, mapi = Api(srv, atok), Api(srv, mtok)
    check_status(mapi.get("/api/v1/admin/log"), 403, "nor through the API")

    # failed sign-ins: a password typed as the name is never written as typed
    typed = ["Tr0ub4dor&3-secret", "correcthorsebatterystaple"]
    for name in typed + typed[1:]:
        Client(srv).login(name, "whatever-1234567")
    Client(srv).login(mgr.name, "not-the-password-123")
    dump = sql(f.path, "SELECT * FROM security_log")
    check(all(t not in dump for t in typed) and "Tr0ub4dor" not in dump,
          "a name that is no account's is not in the log as typed", dump[-600:])
    rows = sql(f.path, "SELECT account FROM security_log WHERE event = 'login-failed' AND "
                       "detail = 'no such account' ORDER BY id").split()
    check(len(rows) == 3 and all(re.fullmatch(r"unknown:[0-9a-f]{12}", x) for x in rows) and
          rows[1] == rows[2] and rows[0] != rows[1],
          "it is a keyed hash: the same name twice is the same entry, another is not", rows)
    r = aapi.get("/api/v1/admin/log?account=%s&event=login-failed" % mgr.name)
    items = api_items(r.json()) or []
    check(r.status == 200 and items and all(x["account"] == mgr.name and
                                            x["event"] == "login-failed" for x in items) and
          items[0]["detail"] == "wrong password",
          "filtered by account and event, a wrong password of a real account", r.describe)
    check("not-the-password" not in dump, "the wrong password itself is not written", "")

    # token use: the first of the day, by name, never the token
    for _ in range(3):
        mapi.get("/api/v1/risks")
    r = aapi.get("/api/v1/admin/log?event=token-use&account=" + mgr.name)
    items = [x for x in api_items(r.json()) or [] if "(log)" in (x["detail"] or "")]
    check(r.status == 200 and len(items) == 1 and items[0]["actor"] == "api:" + mgr.name,
          "a token's use is logged once a day, naming the account", r.describe)
    tl = f.cli("token", "list").out
    check(re.search(r"^\d+\s+%s\s+log\b" % mgr.name, tl, re.M) and "account " not in tl,
          "token list names the account", tl)

    # sign-out by name; account changes; nothing secret anywhere
    m.logout()
    r = aapi.get("/api/v1/admin/log?event=logout")
    items = api_items(r.json()) or []
    check(items and items[0]["account"] == mgr.name, "a sign-out names the account", r.describe)
    f.cli("user", "edit", f.accounts["staff"].name, "--role", "owner")
    r = a.get("/admin/log?event=role-change")
    check(r.status == 200 and f.accounts["staff"].name in r.text and "role=owner" in r.text,
          "a role change is on the page, filtered by event", r.describe)
    dump = sql(f.path, "SELECT * FROM security_log")
    sid = a.session() or ""
    leaked = [x for x in (atok, mtok, admin.password, mgr.password, sid) if x and x in dump]
    check(not leaked, "no password, token or session id is in the log", leaked)

    # dates and paging
    today = days_from_today(0)
    r = aapi.get("/api/v1/admin/log?since=%s&until=%s&limit=2" % (today, today))
    d = r.json() or {}
    check(r.status == 200 and len(d.get("items", [])) == 2 and d.get("next_before"),
          "a page of two, with the next page's position", r.describe)
    r2 = aapi.get("/api/v1/admin/log?limit=2&before=%s" % d.get("next_before"))
    d2 = r2.json() or {}
    check(r2.status == 200 and all(x["id"] < d["next_before"] for x in d2.get("items", [])),
          "the next page is older", r2.describe)
    r = aapi.get("/api/v1/admin/log?since=%s" % days_from_today(1))
    check(r.status == 200 and api_items(r.json()) == [], "nothing since tomorrow", r.describe)
    r = aapi.get("/api/v1/admin/log?since=yesterday")
    check(r.status == 422 and "since" in r.text, "a bad date is refused naming the field",
          r.describe)
    r = a.get("/admin/log?event=nope")
    check(r.status == 422 and "no event nope" in r.text, "an unknown event, on the page",
          r.describe)
    r = a.get("/admin/log?limit=2")
    check(r.status == 200 and "Older entries" in r.text, "the page links to older entries",
          r.describe)


def main():
    f = demo_file("d.isms")
    srv = Server(f.path)
    external_auditor(f, srv)
    security_log(f, srv)
    srv.stop()


run(main)
