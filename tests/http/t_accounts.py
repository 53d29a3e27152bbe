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

    r = mapi.get("/api/v1/documents/DOC-0001/acks")
    d = r.json() or {}
    check(r.status == 200 and len(d.get("departments", [])) > 1, "the manager sees "
          "acknowledgement per department", r.describe)
    r = api.get("/api/v1/documents/DOC-0001/acks")
    e = r.json() or {}
    check(r.status == 200 and e.get("people") == d.get("people") and
          e.get("acknowledged") == d.get("acknowledged") and len(e.get("departments", [])) == 1
          and not e.get("pending"), "the external auditor gets the totals, no department or name",
          r.describe)
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

    # the end date passes: the session, the token and the calendar feed stop working
    c2 = Client(srv)
    check_status(c2.login("ext", PW), 303, "ext signs in again")
    check_status(c2.get("/risks"), 200, "and reads")
    r = c2.post("/calendar", {"_csrf": c2.csrf("/calendar")})
    m = re.search(r'/cal/[A-Za-z0-9_-]{43}\.ics', r.text)
    check(r.status == 200 and m is not None, "ext makes a calendar feed", r.describe)
    feed = m.group(0) if m else "/cal/none.ics"
    check_status(Client(srv).get(feed), 200, "the feed serves before the end date")
    f.cli("user", "edit", "ext", "--expires", days_from_today(-1))
    check_status(Client(srv).get(feed), 404,
                 "after the end date the calendar feed answers as if it did not exist")
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
    check_status(Client(srv).get(feed), 200, "... and its feed serves again")


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
    # every event the code writes is a choice of the page's filter
    f.cli("sso", "local", "off")
    f.cli("sso", "local", "on")
    r = a.get("/admin/log")
    choices = re.findall(r"<option[^>]*>([a-z-]+)</option>", r.text)
    want = ["sso-failed", "sso-config", "webhook-add", "webhook-remove", "mail-settings",
            "calendar-feed", "calendar-revoke"]
    check(all(x in choices for x in want) and "recovery-failed" not in choices,
          "the filter offers sso-failed, sso-config, webhook, mail and calendar events",
          ", ".join(choices))
    for ev in want:
        r = aapi.get("/api/v1/admin/log?event=" + ev)
        check(r.status == 200 and all(x["event"] == ev for x in api_items(r.json()) or []),
              "filtered by %s through the API" % ev, r.describe)
    r = a.get("/admin/log?event=sso-config")
    check(r.status == 200 and "local passwords off" in r.text and "local passwords on" in r.text,
          "the sso-config events on the page, filtered", r.describe)
    r = a.get("/admin/log?limit=2")
    check(r.status == 200 and "Older entries" in r.text, "the page links to older entries",
          r.describe)


def secret_of(html):
    m = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html)
    return m.group(1) if m else None


def recovery_of(html):
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>", html)


def second_factor(c, code):
    tok = c.csrf("/login/totp")
    return c.post("/login/totp", {"_csrf": tok or "", "code": code})


def qr_decodes(svg, want):
    """The SVG read back as a QR code by real readers (librsvg, zbar)."""
    if not (shutil.which("rsvg-convert") and shutil.which("zbarimg")):
        note("rsvg-convert or zbarimg missing: the QR code was not decoded")
        return True
    with open("qr.svg", "w") as fh:
        fh.write(svg)
    p = subprocess.run(["rsvg-convert", "-o", "qr.png", "qr.svg"], capture_output=True,
                       timeout=CMD_TIMEOUT)
    if p.returncode != 0:
        return False
    p = subprocess.run(["zbarimg", "--raw", "-q", "qr.png"], capture_output=True, text=True,
                       timeout=CMD_TIMEOUT)
    return p.returncode == 0 and p.stdout.strip() == want


def totp_enrolment(f, srv):
    acc = f.add_account("tess", "owner", "P-0003")
    c = Client(srv)
    check_status(c.login_as(acc), 303, "tess signs in (no second factor yet)")
    r = c.get("/account/totp")
    check(r.status == 200 and "No second factor yet" in r.text, "the enrolment page", r.describe)
    check_status(c.post("/account/totp/begin", {}), 403, "starting needs the CSRF token")
    tok = c.csrf("/account/totp")
    r = c.post("/account/totp/begin", {"_csrf": tok})
    secret = secret_of(r.text)
    m = re.search(r"<svg.*?</svg>", r.text, re.S)
    check(r.status == 200 and secret and m, "a secret and its QR code (SVG) are shown", r.describe)
    if not (secret and m):
        return
    uri = "otpauth://totp/isms:tess?secret=%s&issuer=isms&digits=6&period=30" % secret
    check(qr_decodes(m.group(0), uri), "the SVG decodes (rsvg-convert + zbarimg) as the URI", uri)
    check(sql(f.path, "SELECT totp_secret IS NULL FROM account WHERE name = 'tess'").strip() == "1",
          "the secret is not in force before it is confirmed", "")
    wrong = "%06d" % ((int(totp_code(secret)) + 1) % 1000000)
    r = c.post("/account/totp/confirm", {"_csrf": tok, "code": wrong})
    check(r.status == 422 and "code:" in r.text, "a wrong first code is refused", r.describe)
    r = c.post("/account/totp/confirm", {"_csrf": tok, "code": totp_code(secret)})
    codes = recovery_of(r.text)
    check(r.status == 200 and len(codes) == 10 and len(set(codes)) == 10,
          "confirmed: ten recovery codes are shown", r.describe)
    dump = sql(f.path, "SELECT hash FROM totp_recovery")
    check(len(dump.split()) == 10 and not any(x.replace("-", "") in dump or x in dump
                                              for x in codes),
          "stored as hashes only", dump)
    r = c.get("/account/totp")
    check(r.status == 200 and "in force" in r.text and "10 of 10" in r.text and
          not recovery_of(r.text), "shown once: the page says how many are left", r.describe)
    c.logout()

    # sign in with the code, then with recovery codes (each once)
    r = c.login_as(acc)
    check_eq(r.location, "/login/totp", "now the password is followed by the code")
    r = c.get("/account/totp")
    check(r.status == 303 and r.location == "/login/totp",
          "the second factor cannot be replaced before it is given", r.describe)
    r = second_factor(c, totp_code(secret, time.time() + 30))
    check_status(r, 303, "the code of the authenticator signs in")
    c.logout()
    c.login_as(acc)
    r = second_factor(c, codes[0])
    check_status(r, 303, "a recovery code signs in instead of the code")
    check_status(c.get("/risks"), 200, "and the session is complete")
    c.logout()
    c.login_as(acc)
    r = second_factor(c, codes[0])
    check(r.status == 401 and "used already" in r.text, "the same recovery code twice: refused",
          r.describe)
    r = second_factor(c, codes[1].upper().replace("-", ""))
    check_status(r, 303, "another one, typed in capitals without dashes, works")
    log = sql(f.path, "SELECT event, detail FROM security_log WHERE account = 'tess'")
    check("recovery-used|8 recovery codes left" in log and "totp-confirm" in log,
          "the security log records the enrolment and the recovery codes used", log)
    check(not any(x in log for x in codes) and secret not in log, "but no code nor secret", log)
    tok = c.csrf("/account/totp")
    r = c.post("/account/totp/recovery", {"_csrf": tok})
    new = recovery_of(r.text)
    check(r.status == 200 and len(new) == 10 and not set(new) & set(codes),
          "new recovery codes", r.describe)
    c.logout()
    c.login_as(acc)
    r = second_factor(c, codes[2])
    check(r.status == 401, "the old unused ones stop working", r.describe)
    check_status(second_factor(c, new[0]), 303, "a new one works")

    # a role that requires a second factor
    staff = f.add_account("stan", "staff", "P-0023")
    s = Client(srv)
    check_status(s.login_as(staff), 303, "staff signs in")
    stok = f.token(staff.name, "staff")
    sapi = Api(srv, stok)
    check_status(sapi.get("/api/v1/documents"), 200, "staff's token reads documents")
    cmd = f.cli("user", "require-totp", "staff", "on")
    check("required" in cmd.out, "an administrator requires a second factor for staff",
          cmd.describe)
    check("second factor required for the roles: staff" in f.cli("user", "list").out,
          "user list says so", "")
    r = s.get("/documents")
    check(r.status in (302, 303) and "/login" in (r.location or ""),
          "the role's sessions without a second factor end", r.describe)
    r = s.login_as(staff)
    check(r.status == 303 and r.location == "/account/totp",
          "after the password: sent to enrolment", r.describe)
    for path in ("/", "/documents", "/incidents/new"):
        r = s.get(path)
        check(r.status == 303 and r.location == "/account/totp",
              "nothing else is open: %s goes to enrolment" % path, r.describe)
    r = sapi.get("/api/v1/documents")
    check(r.status == 401 and "/account/totp" in r.text, "nor through a token", r.describe)
    c2 = f.cli("document", "list", "--as", staff.name, input=staff.password + "\n", ok=False)
    check(c2.rc != 0 and "second factor" in c2.err, "nor with --as", c2.describe)
    r = s.get("/account/totp")
    check(r.status == 200 and "Your role requires a second factor" in r.text,
          "the enrolment page says why", r.describe)
    tok = s.csrf("/account/totp")
    r = s.post("/account/totp/begin", {"_csrf": tok})
    sec2 = secret_of(r.text)
    r = s.post("/account/totp/confirm", {"_csrf": tok, "code": totp_code(sec2 or "A")})
    check(r.status == 200 and len(recovery_of(r.text)) == 10, "staff enrols", r.describe)
    check_status(s.get("/documents"), 200, "then the rest opens")
    f.cli("user", "require-totp", "staff", "off")
    c3 = f.cli("user", "require-totp", "nobody", "on", ok=False)
    check(c3.rc != 0 and "role:" in c3.err, "an unknown role is refused", c3.describe)


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def scoped_tokens(f, srv):
    mgr = f.accounts["manager"].name
    c = f.cli("token", "add", mgr, "--name", "monitor", "--types", "measurement,attachment")
    mon = c.out.strip()
    c = f.cli("token", "add", mgr, "--name", "reader", "--read-only")
    ro = c.out.strip()
    c = f.cli("token", "add", mgr, "--name", "both", "--read-only", "--types", "risk")
    both = c.out.strip()
    c = f.cli("token", "add", mgr, "--types", "measurement,nosuchtype", ok=False)
    check(c.rc != 0 and "types: no record type nosuchtype" in c.err,
          "an unknown type in a scope is refused naming it", c.describe)
    tl = f.cli("token", "list").out
    check(re.search(r"monitor\s+types:measurement,attachment", tl) and
          re.search(r"reader\s+read-only", tl) and re.search(r"both\s+read-only;types:risk", tl),
          "token list shows each token's scope", tl)

    m = Api(srv, mon)
    r = m.post("/api/v1/measurements", {"metric": "MET-0001", "measured_on": days_from_today(0),
                                        "value": 12.5, "status": "recorded"})
    check_status(r, 201, "the monitoring token records a measurement")
    mea = (r.json() or {}).get("id", "MEA-0001")
    check_status(m.get("/api/v1/measurements/" + mea), 200, "and reads it")
    r = m.c.request("POST", "/api/v1/measurements/%s/attachments?name=run.pdf" % mea, body=PDF,
                    headers={"Authorization": "Bearer " + mon, "Content-Type": "application/pdf"})
    check_status(r, 201, "and attaches its evidence file")
    r = m.get("/api/v1/risks")
    check(r.status == 403 and "measurement,attachment" in r.text and "risk is outside it" in r.text,
          "a risk is outside its scope: 403 naming the scope", r.describe)
    r = m.post("/api/v1/risks", {"title": "x"})
    check(r.status == 403 and "scope" in r.text, "nor may it create one", r.describe)
    check_status(m.get("/api/v1/readiness"), 403, "nor read the readiness report")

    rd = Api(srv, ro)
    check_status(rd.get("/api/v1/risks"), 200, "the read-only token reads risks")
    r = rd.post("/api/v1/measurements", {"metric": "MET-0001", "measured_on": days_from_today(0),
                                         "value": 1, "status": "recorded"})
    check(r.status == 403 and "read-only" in r.text and "POST" in r.text,
          "but writes nothing: 403 naming the scope", r.describe)
    r = rd.patch("/api/v1/risks/R-0001", {"title": "changed"})
    check(r.status == 403 and "read-only" in r.text, "nor changes", r.describe)

    b = Api(srv, both)
    check_status(b.get("/api/v1/risks/R-0001"), 200, "read-only and types: reads a risk")
    check_status(b.get("/api/v1/assets"), 403, "not an asset")
    check_status(b.patch("/api/v1/risks/R-0001", {"title": "x"}), 403, "and changes no risk")
    full = Api(srv, f.token(mgr, "full"))
    check_status(full.get("/api/v1/assets"), 200, "an unscoped token is unchanged")
    log = sql(f.path, "SELECT detail FROM security_log WHERE event = 'token-add'")
    check("monitor; scope types:measurement,attachment" in log, "the scope is in the security log",
          log)


def main():
    f = demo_file("d.isms")
    srv = Server(f.path)
    external_auditor(f, srv)
    security_log(f, srv)
    totp_enrolment(f, srv)
    scoped_tokens(f, srv)
    srv.stop()


run(main)
