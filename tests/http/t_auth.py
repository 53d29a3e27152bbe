"""t_auth.py — signing in and out through the real server: the login form and
its pre-session CSRF cookie, one generic failure message, the session
cookie's attributes, a new session id at every login (no fixation), no reuse
after logout, throttling per account and per address, the TOTP second
factor, accounts that must have one, disabled accounts, and idle and
absolute session expiry (made testable by ageing the session row in the
file with sqlite3, never by waiting)."""
from harness import *

IDLE = 30 * 60
ABSOLUTE = 12 * 60 * 60
GENERIC = "wrong name or password"


def signed_in(c):
    """Does the server treat c as signed in (with the second factor done)?
    A page of a signed-out browser redirects to /login."""
    r = c.get("/")
    loc = r.location or ""
    return not (r.status in (302, 303) and (loc.startswith("/login") or "/login" in loc))


def error_text(html):
    m = re.search(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    return m.group(1) if m else None


def login_page(f, srv):
    c = Client(srv)
    r, tok = c.login_form()
    check_status(r, 200, "GET /login")
    check("text/html" in (r.header("Content-Type") or ""), "login page is HTML", r.describe)
    pre = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    pre = [p for p in pre if p[0] == "isms_pre"]
    if check(len(pre) == 1, "GET /login sets the pre-session cookie isms_pre", r.describe):
        name, value, attrs = pre[0]
        check(len(value) >= 32, "isms_pre is a long random value", value)
        check(attrs.get("httponly") is True, "isms_pre is HttpOnly", r.describe)
        check(str(attrs.get("samesite", "")).lower() == "strict", "isms_pre is SameSite=Strict",
              r.describe)
        check_eq(tok, value, "the form's _csrf is the pre-session cookie's value")
    fm = find_form(r.text, "/login")
    check(fm is not None and "name" in fm["fields"] and "password" in fm["fields"],
          "the login form has name and password fields", r.describe)
    # a second visit gets a fresh pre-session token
    _, tok2 = Client(srv).login_form()
    check(tok2 and tok2 != tok, "every login form gets its own pre-session token")


def login_failures(f, srv):
    acc = f.accounts["manager"]
    c = Client(srv)
    wrong = c.login(acc.name, acc.password + "x")
    check_status(wrong, 401, "wrong password")
    check(not c.session(), "no session cookie after a wrong password", wrong.describe)
    check_eq(error_text(wrong.text), GENERIC, "wrong password: the one generic message")
    c2 = Client(srv)
    unknown = c2.login("no-such-user", "whatever-password-123")
    check_status(unknown, 401, "unknown name")
    check_eq(error_text(unknown.text), GENERIC, "unknown name: the same generic message")

    def scrub(html, name):
        html = re.sub(r'value="[0-9a-f]{64}"', 'value="TOKEN"', html)
        return html.replace('value="%s"' % name, 'value="NAME"')

    check(scrub(wrong.text, acc.name) == scrub(unknown.text, "no-such-user"),
          "the page for an unknown name is the same as for a wrong password",
          lambda: "wrong password:\n%s\nunknown name:\n%s" % (wrong.text, unknown.text))
    for word in ("no such", "unknown", "does not exist", "not found"):
        check(word not in unknown.text.lower(), "nothing says the name does not exist (%s)" % word,
              unknown.describe)
    # an empty password, a hostile name: refused the same way, nothing raw
    c3 = Client(srv)
    r = c3.login('<script>alert(1)</script>', "")
    check_status(r, 401, "hostile name and empty password")
    check("<script>alert(1)" not in r.text, "the typed name is escaped in the form", r.describe)
    # CSRF of the login form itself
    c4 = Client(srv)
    c4.login_form()
    r = c4.post("/login", {"name": acc.name, "password": acc.password})
    check_status(r, 403, "POST /login without _csrf")
    check(not c4.session(), "no session without the login form's token", r.describe)
    r = c4.post("/login", {"_csrf": "0" * 64, "name": acc.name, "password": acc.password})
    check_status(r, 403, "POST /login with a wrong _csrf")
    c5 = Client(srv)  # no pre-session cookie at all
    r = c5.post("/login", {"_csrf": "a" * 64, "name": acc.name, "password": acc.password})
    check_status(r, 403, "POST /login with a _csrf but no pre-session cookie")
    check(not c5.session(), "no session for a forged login", r.describe)


def session_cookie(f, srv):
    acc = f.accounts["manager"]
    c = Client(srv)
    r = c.login(acc.name, acc.password)
    check_status(r, 303, "manager signs in")
    check_eq(r.location, "/", "after signing in: the dashboard")
    cookies = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    sess = [x for x in cookies if x[0] == "__Host-isms"]
    if check(len(sess) == 1, "the session cookie is __Host-isms on loopback", r.describe):
        name, value, attrs = sess[0]
        check(re.fullmatch(r"[0-9a-f]{64}", value), "the session id is 256 random bits (hex)", value)
        check(attrs.get("httponly") is True, "session cookie: HttpOnly", r.describe)
        check(str(attrs.get("samesite", "")).lower() == "strict", "session cookie: SameSite=Strict",
              r.describe)
        check(attrs.get("secure") is True, "session cookie: Secure (__Host- needs it)", r.describe)
        check(attrs.get("path") == "/", "session cookie: Path=/", r.describe)
        check("domain" not in attrs, "session cookie: no Domain (__Host-)", r.describe)
        check("max-age" not in attrs and "expires" not in attrs,
              "session cookie: a browser-session cookie", r.describe)
    pre = [x for x in cookies if x[0] == "isms_pre"]
    check(pre and (pre[0][1] == "" or pre[0][2].get("max-age") == "0"),
          "signing in clears the pre-session cookie", r.describe)
    check(signed_in(c), "the new session works")
    sid_db = sql(f.path, "SELECT group_concat(id_hash) FROM session")
    check(c.session() not in sid_db, "the file holds session ids only hashed")

    # a new id at each login: after logout and in another browser
    first = c.session()
    c.logout()
    r = c.login(acc.name, acc.password)
    check_status(r, 303, "signing in again after logout")
    check(c.session() and c.session() != first, "a new session id at every login",
          lambda: "before %s after %s" % (first, c.session()))
    other = Client(srv)
    other.login_as(acc)
    check(other.session() not in (first, c.session()), "each login has its own session id")
    # a signed-in browser asking for the login form goes on to the dashboard
    r = c.get("/login")
    check(r.status == 303 and r.location == "/", "GET /login when signed in goes to /",
          r.describe)

    # fixation: an id planted before login is not adopted and never works
    planted = "ab" * 32
    c2 = Client(srv)
    c2.jar["__Host-isms"] = planted
    check(not signed_in(c2), "a made-up session id is not signed in")
    r = c2.login(acc.name, acc.password)
    check_status(r, 303, "sign-in with a planted session cookie")
    check(c2.session() != planted, "the planted session id is replaced at login", r.describe)
    c3 = Client(srv)
    c3.jar["__Host-isms"] = planted
    check(not signed_in(c3), "the planted id is still not a session after the victim signed in")

    # a session id taken before logout no longer works after it
    c4 = Client(srv)
    c4.login_as(acc)
    old = c4.session()
    check(signed_in(c4), "signed in before logout")
    r = c4.post("/logout", {})
    check_status(r, 403, "POST /logout without the CSRF token")
    check(signed_in(c4), "a logout without the token does nothing")
    r = c4.logout()
    check_status(r, 303, "POST /logout")
    check_eq(r.location, "/login", "logout goes to the sign-in page")
    gone = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    check(any(n == "__Host-isms" and (v == "" or a.get("max-age") == "0") for n, v, a in gone),
          "logout clears the session cookie", r.describe)
    check(not signed_in(c4), "signed out after logout")
    replay = Client(srv)
    replay.jar["__Host-isms"] = old
    check(not signed_in(replay), "the old session id is refused after logout (pages)")
    r = replay.get("/api/v1/risks")
    check_status(r, 401, "the old session id is refused after logout (API)")
    # logging in elsewhere does not end another browser's session
    a1, a2 = Client(srv), Client(srv)
    a1.login_as(acc)
    a2.login_as(acc)
    check(signed_in(a1) and signed_in(a2), "two browsers of one account have their own sessions")
    a2.logout()
    check(signed_in(a1), "logging out one browser leaves the other signed in")
    check(not signed_in(a2), "the browser that logged out is signed out")


def expiry(f, srv):
    acc = f.accounts["auditor"]
    aid = sql(f.path, "SELECT id FROM account WHERE name = '%s'" % acc.name).strip()

    def age(col_sql):
        sql(f.path, "UPDATE session SET %s WHERE account = %s" % (col_sql, aid))

    c = Client(srv)
    c.login_as(acc)
    age("last_seen = last_seen - %d" % (IDLE - 120))
    check(signed_in(c), "a session idle for a little under 30 minutes still works")
    age("last_seen = last_seen - %d" % (IDLE + 60))
    check(not signed_in(c), "a session idle for more than 30 minutes is signed out")
    r = c.get("/api/v1/risks")
    check_status(r, 401, "an idle-expired session on the API")
    left = sql(f.path, "SELECT count(*) FROM session WHERE account = %s" % aid).strip()
    check_eq(left, "0", "the expired session is removed from the file")

    c = Client(srv)
    c.login_as(acc)
    age("created = created - %d, last_seen = CAST(strftime('%%s','now') AS INTEGER)" %
        (ABSOLUTE - 300))
    check(signed_in(c), "an active session a little under 12 hours old still works")
    age("created = created - 600, last_seen = CAST(strftime('%s','now') AS INTEGER)")
    check(not signed_in(c), "an active session older than 12 hours is signed out")
    r = c.get("/login")
    check_status(r, 200, "an expired session gets the sign-in form")
    c.login_as(acc)
    check(signed_in(c), "signing in again after expiry works")

    # a page of an expired session sends the browser to /login?next=the page
    age("last_seen = last_seen - %d" % (IDLE + 60))
    r = c.get("/risks")
    check(r.status == 303 and (r.location or "").startswith("/login?next=/risks"),
          "an expired session's page redirects to /login?next=...", r.describe)


def totp(f, srv):
    acc = f.accounts["owner"]
    cmd = f.cli("user", "totp", acc.name)
    secret = totp_secret(cmd.out)
    if not check(secret, "isms user totp prints an otpauth URI with secret=BASE32", cmd.describe):
        return
    check("digits=6" in cmd.out and "period=30" in cmd.out, "the URI says 6 digits, 30 s",
          cmd.describe)
    c = Client(srv)
    r = c.login(acc.name, acc.password)
    check_status(r, 303, "password of an account with TOTP")
    check_eq(r.location, "/login/totp", "then the second factor")
    check(c.session(), "a session cookie is set while the second factor is due", r.describe)
    for path in ("/", "/risks", "/risks/new"):
        r = c.get(path)
        check(r.status == 303 and r.location == "/login/totp",
              "GET %s before the second factor redirects to /login/totp" % path, r.describe)
    r = c.get("/api/v1/risks")
    check_status(r, 401, "the API refuses a session whose second factor is due")
    r = c.get("/login/totp")
    check_status(r, 200, "GET /login/totp")
    tok = hidden_value(r.text, "_csrf")
    check(tok, "the TOTP form carries the session's CSRF token", r.describe)
    check('name="code"' in r.text, "the TOTP form asks for a code", r.describe)
    r = c.post("/login/totp", {"code": totp_code(secret)})
    check_status(r, 403, "POST /login/totp without the CSRF token")
    now = time.time()
    valid = {totp_code(secret, now + d) for d in (-60, -30, 0, 30, 60)}
    bad = next(x for x in ("%06d" % i for i in range(0, 999999, 7919)) if x not in valid)
    r = c.post("/login/totp", {"_csrf": tok, "code": bad})
    check_status(r, 401, "a wrong TOTP code")
    check("code" in (error_text(r.text) or ""), "a wrong code is refused with a message",
          r.describe)
    check(c.get("/").location == "/login/totp", "still no access after a wrong code")
    r = c.post("/login/totp", {"_csrf": tok, "code": "abcdef"})
    check_status(r, (400, 401, 422), "a non-numeric code")
    r = c.post("/login/totp", {"_csrf": tok, "code": totp_code(secret)})
    check_status(r, 303, "the current TOTP code")
    check_eq(r.location, "/", "after the second factor: the dashboard")
    check(signed_in(c), "signed in after the second factor")
    r = c.get("/login/totp")
    check(r.status == 303, "GET /login/totp once done goes on", r.describe)
    # a fresh login needs the code again
    c2 = Client(srv)
    r = c2.login(acc.name, acc.password)
    check_eq(r.location, "/login/totp", "every login asks for the code again")

    # required but not enrolled: a clear refusal
    staff = f.accounts["staff"]
    s = Client(srv)
    s.login_as(staff)
    f.cli("user", "edit", staff.name, "--require-totp", "yes")
    check(not signed_in(s), "requiring TOTP ends the account's open sessions")
    c3 = Client(srv)
    r = c3.login(staff.name, staff.password)
    check_status(r, 401, "login of an account that must have TOTP but has none")
    # the very answer of a wrong password (anything else confirms the
    # password); the security log says why
    check_eq(error_text(r.text), GENERIC, "the refusal is the generic one")
    why = sql(f.path, "SELECT detail FROM security_log WHERE event = 'login-failed' "
                      "ORDER BY id DESC LIMIT 1")
    check("not enrolled" in why, "the security log says the second factor is not set up", why)
    check(not c3.session(), "no session for it", r.describe)
    # once enrolled, it signs in with the code
    secret2 = totp_secret(f.cli("user", "totp", staff.name).out)
    r = c3.login(staff.name, staff.password)
    check_eq(r.location, "/login/totp", "enrolled: the second factor is asked")
    tok = c3.csrf("/login/totp")
    r = c3.post("/login/totp", {"_csrf": tok, "code": totp_code(secret2)})
    check_status(r, 303, "enrolled account passes with its code")
    check(signed_in(c3), "signed in with the second factor")
    # a disabled account: the same generic refusal, open sessions end
    f.cli("user", "edit", staff.name, "--disabled", "yes")
    check(not signed_in(c3), "disabling an account ends its sessions")
    r = Client(srv).login(staff.name, staff.password)
    check_status(r, 401, "a disabled account cannot sign in")
    check_eq(error_text(r.text), GENERIC, "a disabled account gets the generic message")


def account_changes(f, srv):
    acc = f.accounts["admin"]
    c = Client(srv)
    c.login_as(acc)
    newpw = "a-new-password-0123456789"
    f.cli("user", "password", acc.name, input=newpw + "\n")
    check(not signed_in(c), "a password change ends the account's sessions")
    check_status(Client(srv).login(acc.name, acc.password), 401, "the old password no longer works")
    c.login_as(type(acc)(acc.name, acc.role, acc.person, newpw))
    f.cli("user", "edit", acc.name, "--role", "auditor")
    check(not signed_in(c), "a role change ends the account's sessions")
    r = c.login(acc.name, newpw, follow=True)
    check("%s · auditor" % acc.name in r.text, "after a role change the new role applies",
          r.describe)
    r = c.get("/api/v1/risks?limit=1")
    check_status(r, 200, "the auditor reads")
    tokc = c.csrf()
    r = c.request("POST", "/api/v1/risks", json_body={"title": "x", "owner": acc.person},
                  headers={"X-CSRF-Token": tokc})
    check_status(r, 403, "the demoted account can no longer create risks")
    f.cli("user", "edit", acc.name, "--role", "admin")
    f.cli("user", "password", acc.name, input=acc.password + "\n")


def throttling(f):
    # its own server: the counters are per process. The policy is in
    # docs/guide.md "Sign-in throttling"; addresses that never signed in
    # to an account are the ones an account lock holds back.
    srv = Server(f.path)
    x = f.accounts["manager"]
    y = f.accounts["top-management"]
    z = f.accounts["admin"]
    o = f.accounts["owner"]
    a = "127.0.0.21"
    c = Client(srv, source=a)
    for i in range(5):
        r = c.login(x.name, "wrong-password-%d" % i)
        check_status(r, 401, "wrong password %d of 5" % (i + 1))
    r = c.login(x.name, "wrong-password-6")
    check_status(r, 429, "the 6th wrong password for one account")
    msg = error_text(r.text) or ""
    check("Try again" in msg, "the 429 says when to try again", r.describe)
    check((r.header("Retry-After") or "").isdigit(), "the 429 carries Retry-After", r.describe)
    r = c.login(x.name, x.password)
    check_status(r, 429, "the correct password during the lockout")
    check(not c.session(), "no session during the lockout", r.describe)
    r = Client(srv, source="127.0.0.22").login(x.name, x.password)
    check_status(r, 429, "the lockout holds for another new address")
    # another account from the same address is still allowed
    c2 = Client(srv, source=a)
    r = c2.login(y.name, y.password)
    check_status(r, 303, "another account from the same address signs in")
    # until the per-address limit (20 failures): 5 so far (a 429 is no failure)
    for i in range(14):
        r = Client(srv, source=a).login("nobody-%d" % i, "wrong-password-xx")
        check_status(r, 401, "failure %d from this address" % (6 + i))
    r = Client(srv, source=a).login(z.name, z.password)
    check_status(r, 303, "before the address limit a correct login works")
    r = Client(srv, source=a).login("nobody-last", "wrong-password-xx")
    check_status(r, 401, "the 20th failure from this address")
    r = Client(srv, source=a).login(o.name, o.password)
    check_status(r, 429, "after 20 failures from one address a new sign-in from it backs off")
    check((r.header("Retry-After") or "") in ("1", "2"), "the first back-off is 2 seconds",
          r.describe)
    r = Client(srv, source=a).login(z.name, z.password)
    check_status(r, 303, "an account that signed in from this address before is not held back")
    check(signed_in(c2), "sessions made before the lockout still work")
    srv.stop("throttling server")


def main():
    f = demo_file("auth.isms")
    srv = Server(f.path)
    login_page(f, srv)
    login_failures(f, srv)
    session_cookie(f, srv)
    expiry(f, srv)
    account_changes(f, srv)
    totp(f, srv)
    srv.stop()
    throttling(f)


run(main)
