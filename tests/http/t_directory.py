"""t_directory.py — one consultant, many organizations: directory accounts
under `isms serve --dir DIR` (DIR/.isms-accounts, `isms dir ...`). A
directory account signs in once at /login, sees an index of exactly the
organizations it has a role in, and enters each with exactly its role there
(manager in acme, auditor in beta); the organizations' own accounts keep
working. Isolation stays total: a session, a CSRF token, an API token or a
cookie of one organization is worthless in another, and the directory
session itself is good for the index only. A new *.isms file is served
without a restart; a revoked grant ends the sessions it gave."""
from harness import *

PW = "consultant-pass-0123"


def dir_cli(*args, input=None, ok=True):
    return isms("dir", *args, "--dir", os.path.abspath("orgs"), input=input, ok=ok)


def enter_forms(html):
    return sorted(f["action"] for f in forms(html) if f["action"].startswith("/enter/"))


def main():
    os.mkdir("orgs")
    a = demo_file("orgs/acme.isms")
    b = demo_file("orgs/beta.isms")
    g = init_file("orgs/gamma.isms")
    a.add_account("collide", "staff")

    # ---- the CLI, refusals first
    r = isms("dir", "list", "--dir", os.path.abspath("orgs"), ok=False)
    check(r.rc != 0 and "isms dir user add" in r.err,
          "dir list without an accounts file says how to make one", r.describe())
    r = dir_cli("user", "add", "carla", input="short\n", ok=False)
    check(r.rc != 0 and "password" in r.err, "a short password is refused", r.describe())
    r = dir_cli("user", "add", "Carla!", input=PW + "\n", ok=False)
    check(r.rc != 0 and "name:" in r.err, "a malformed name is refused", r.describe())
    r = dir_cli("user", "add", "carla", input=PW + "\n")
    check("carla added" in r.out, "isms dir user add carla", r.describe())
    check(oct(os.stat("orgs/.isms-accounts").st_mode & 0o777) == "0o600",
          "the accounts file is readable by its owner only")
    r = dir_cli("user", "add", "carla", input=PW + "\n", ok=False)
    check(r.rc != 0 and "already exists" in r.err, "a second carla is refused", r.describe())
    r = dir_cli("grant", "carla", "nosuch", "manager", ok=False)
    check(r.rc != 0 and "no such organization file" in r.err, "a grant to a missing file is "
          "refused", r.describe())
    r = dir_cli("grant", "carla", "acme", "emperor", ok=False)
    check(r.rc != 0 and "role:" in r.err, "a grant of an unknown role is refused", r.describe())
    r = dir_cli("grant", "nobody-here", "acme", "manager", ok=False)
    check(r.rc != 0 and "no directory account" in r.err, "a grant to an unknown account is "
          "refused", r.describe())
    dir_cli("user", "add", "collide", input=PW + "\n")
    r = dir_cli("grant", "collide", "acme", "manager", ok=False)
    check(r.rc != 0 and "already has a local account collide" in r.err,
          "a local account of the same name is never taken over", r.describe())
    check("collide  " in a.cli("user", "list").out and "staff" in
          [l.split()[1] for l in a.cli("user", "list").out.splitlines() if l.startswith("collide")],
          "... and it keeps its role (staff)")
    r = dir_cli("grant", "carla", "acme", "manager")
    check("carla is manager in acme" in r.out, "grant carla manager in acme", r.describe())
    r = dir_cli("grant", "carla", "beta", "auditor")
    check("carla is auditor in beta" in r.out, "grant carla auditor in beta", r.describe())
    lst = dir_cli("list").out
    check(re.search(r"carla\s+acme\s+manager", lst) and re.search(r"carla\s+beta\s+auditor", lst)
          and "gamma" not in lst, "isms dir list shows the grants", lst)
    roles = {l.split()[0]: l.split()[1] for l in a.cli("user", "list").out.splitlines()}
    check(roles.get("carla") == "manager", "acme's own file has carla as manager", roles)
    roles = {l.split()[0]: l.split()[1] for l in b.cli("user", "list").out.splitlines()}
    check(roles.get("carla") == "auditor", "beta's own file has carla as auditor", roles)
    check("carla" not in g.cli("user", "list").out, "gamma knows no carla")

    srv = Server(dir=os.path.abspath("orgs"))
    check("directory accounts" in srv.stderr(), "the server says it serves directory accounts",
          srv.stderr())

    # ---- directory sign-in
    d = Client(srv)
    r = d.get("/")
    check(r.status == 303 and r.location == "/login", "signed out: / -> /login", r.describe)
    r = d.get("/login")
    check_status(r, 200, "GET /login (the directory's)")
    tok = hidden_value(r.text, "_csrf")
    r = d.post("/login", {"_csrf": "x" * 64, "name": "carla", "password": PW})
    check_status(r, 403, "directory sign-in with a wrong CSRF token")
    r = d.get("/login")
    r = d.post("/login", {"_csrf": hidden_value(r.text, "_csrf"), "name": "carla",
                          "password": "wrong-password-123"})
    check_status(r, 401, "directory sign-in with a wrong password")
    check("wrong name or password" in r.text, "... says so")
    r = d.get("/login")
    r = d.post("/login", {"_csrf": hidden_value(r.text, "_csrf"), "name": "carla", "password": PW})
    check(r.status == 303 and r.location == "/", "carla signs in to the directory", r.describe)
    ck = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    ds = [x for x in ck if x[0] == "__Host-isms_dir"]
    check(ds and ds[0][2].get("secure") is True and ds[0][2].get("httponly") is True and
          ds[0][2].get("path") == "/", "the directory session is __Host-isms_dir; Path=/; "
          "Secure; HttpOnly", r.describe)
    dir_sid = d.jar.get("__Host-isms_dir")

    # ---- the index: exactly the granted organizations
    r = d.get("/")
    check_status(r, 200, "the index")
    check_eq(enter_forms(r.text), ["/enter/acme", "/enter/beta"],
             "the index offers acme and beta, not gamma")
    check("manager" in r.text and "auditor" in r.text, "... with the role in each")
    csrf = hidden_value(r.text, "_csrf")
    check_status(d.post("/enter/gamma", {"_csrf": csrf}), 403, "entering gamma (no role) is "
                 "refused")
    check_status(d.post("/enter/acme", {}), 403, "entering acme without the CSRF token is refused")
    check_status(d.post("/enter/acme", {"_csrf": csrf},
                        headers={"Origin": "http://evil.example"}), 403,
                 "entering from another origin is refused")
    check_status(d.post("/enter/nosuch", {"_csrf": csrf}), 404, "entering a missing org: 404")

    # the directory session is good for the index only
    only_dir = Client(srv, "/o/acme")
    only_dir.jar["__Host-isms_dir"] = dir_sid
    r = only_dir.get("/risks")
    check(r.status == 303 and "/o/acme/login" in (r.location or ""),
          "the directory session alone is not a session of acme", r.describe)
    only_dir.jar = {"__Host-isms-acme": dir_sid}
    check(only_dir.get("/risks").status == 303, "... not even under acme's cookie name")

    # ---- entering acme (manager) and beta (auditor)
    r = d.post("/enter/acme", {"_csrf": csrf})
    check(r.status == 303 and r.location == "/o/acme/", "enter acme -> /o/acme/", r.describe)
    ck = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    check(any(x[0] == "__Host-isms-acme" and x[2].get("secure") is True for x in ck),
          "entering sets acme's own session cookie", r.describe)
    r = d.post("/enter/beta", {"_csrf": csrf})
    check(r.status == 303 and r.location == "/o/beta/", "enter beta -> /o/beta/", r.describe)
    ca, cb = Client(srv, "/o/acme"), Client(srv, "/o/beta")
    ca.jar = {"__Host-isms-acme": d.jar["__Host-isms-acme"]}
    cb.jar = {"__Host-isms-beta": d.jar["__Host-isms-beta"]}
    check_status(ca.get("/risks"), 200, "carla reads acme's risks")
    check_status(cb.get("/risks"), 200, "carla reads beta's risks")
    a_csrf, b_csrf = ca.csrf(), cb.csrf()
    asset = {"name": "consultant asset", "kind": "hardware",
             "owner": a.accounts["manager"].person}
    r = ca.request("POST", "/api/v1/assets", json_body=asset, headers={"X-CSRF-Token": a_csrf})
    check(r.status in (200, 201), "as manager in acme carla adds an asset", r.describe)
    asset["owner"] = b.accounts["manager"].person
    r = cb.request("POST", "/api/v1/assets", json_body=asset, headers={"X-CSRF-Token": b_csrf})
    check_status(r, 403, "as auditor in beta carla cannot add one")
    check("consultant asset" not in sql(b.path, "SELECT * FROM asset"), "nothing was written "
          "to beta")
    hist = sql(a.path, "SELECT actor FROM history ORDER BY rowid DESC LIMIT 1")
    check("carla" in hist, "acme's history names carla as the actor", hist)

    # ---- isolation between organizations
    x = Client(srv, "/o/beta")
    x.jar = {"__Host-isms-beta": ca.jar["__Host-isms-acme"]}
    check(x.get("/risks").status == 303, "acme's session value under beta's cookie: signed out")
    x.jar = {"__Host-isms-acme": ca.jar["__Host-isms-acme"]}
    check(x.get("/risks").status == 303, "acme's cookie sent to beta: signed out at beta")
    r = cb.request("POST", "/api/v1/assets", json_body=asset, headers={"X-CSRF-Token": a_csrf})
    check_status(r, 403, "acme's CSRF token with beta's session is refused")
    r = ca.request("POST", "/api/v1/assets", json_body=dict(asset, name="x2", owner=a.accounts["manager"].person),
                   headers={"X-CSRF-Token": b_csrf})
    check_status(r, 403, "beta's CSRF token with acme's session is refused")
    tok_a = a.token("carla", "carla-acme")
    check_status(Api(srv, tok_a, "/o/acme").get("/api/v1/risks?limit=1"), 200,
                 "carla's acme API token at acme")
    check_status(Api(srv, tok_a, "/o/beta").get("/api/v1/risks?limit=1"), 401,
                 "carla's acme API token is worthless at beta")

    # ---- the organizations' own accounts keep working; carla has no password there
    local = Client(srv, "/o/acme")
    check_status(local.login(a.accounts["manager"].name, a.accounts["manager"].password), 303,
                 "acme's own manager still signs in at /o/acme/login")
    check_status(Client(srv, "/o/acme").login("carla", PW), 401,
                 "carla's directory password is not a password of acme's local account")

    # ---- a new file, served without a restart
    dd = init_file("orgs/delta.isms")
    dir_cli("grant", "carla", "delta", "staff")
    r = d.get("/")
    check_eq(enter_forms(r.text), ["/enter/acme", "/enter/beta", "/enter/delta"],
             "a new organization appears on the index without a restart")
    r = d.post("/enter/delta", {"_csrf": csrf})
    check(r.status == 303 and r.location == "/o/delta/", "carla enters delta", r.describe)
    check("new organization delta" in srv.stderr(), "the log says delta is now served",
          srv.stderr()[-1500:])
    check_status(Client(srv, "/o/delta").get("/login"), 200, "/o/delta/login answers")
    with open("orgs/bogus.isms", "w") as fh:
        fh.write("not sqlite at all, but long enough to look like a file " * 20)
    check_status(Client(srv, "/o/bogus").get("/login"), 404, "a broken new file is not served")
    check("bogus.isms: not served" in srv.stderr(), "... and the log says why",
          srv.stderr()[-1500:])
    check(srv.alive(), "the server is still running")

    # ---- revoking ends the sessions the grant gave
    r = dir_cli("revoke", "carla", "beta")
    check("no role in beta" in r.out, "isms dir revoke carla beta", r.describe())
    check(cb.get("/risks").status == 303, "carla's beta session ends with the grant")
    r = d.get("/")
    check_eq(enter_forms(r.text), ["/enter/acme", "/enter/delta"], "the index no longer offers "
             "beta")
    check_status(d.post("/enter/beta", {"_csrf": csrf}), 403, "entering beta is refused now")
    check_status(ca.get("/risks"), 200, "carla's acme session is untouched")

    # ---- directory sign-out
    r = d.post("/logout", {"_csrf": csrf})
    check(r.status == 303 and r.location == "/login", "directory sign-out", r.describe)
    d.jar["__Host-isms_dir"] = dir_sid
    check(d.get("/").status == 303, "the old directory session is gone")
    srv.stop("directory server")

    second_factor()
    local_off()
    regrant()
    disable_remove()
    security_log()


# ---- helpers of the defect tests below: each has its own directory and server

def dcli(where, *args, input=None, ok=True):
    return isms("dir", *args, "--dir", os.path.abspath(where), input=input, ok=ok)


def dir_signin(srv, name, password=PW):
    """A browser signed in to the directory (or the answer that refused it)."""
    d = Client(srv)
    r = d.get("/login")
    r = d.post("/login", {"_csrf": hidden_value(r.text, "_csrf") or "", "name": name,
                          "password": password})
    return d, r


def enter(d, org):
    """POST /enter/ORG with the index's CSRF token; the answer and a Client
    of ORG holding only the session entering gave (if any)."""
    csrf = hidden_value(d.get("/").text, "_csrf") or ""
    r = d.post("/enter/" + org, {"_csrf": csrf})
    c = Client(d.server, "/o/" + org)
    sid = d.jar.get("__Host-isms-" + org)
    if sid:
        c.jar = {"__Host-isms-" + org: sid}
    return r, c


def second_factor():
    """Entering through the directory does not skip the organization's second
    factor: an enrolled local account is asked its code; a role that requires
    one sends an account without it to enrolment first."""
    os.mkdir("mfa")
    a = init_file("mfa/acme.isms")
    b = init_file("mfa/beta.isms")
    g = init_file("mfa/gamma.isms")
    dcli("mfa", "user", "add", "dora", input=PW + "\n")
    dcli("mfa", "grant", "dora", "acme", "manager")
    dcli("mfa", "grant", "dora", "beta", "admin")
    secret = totp_secret(a.cli("user", "totp", "dora").out)
    check(secret, "acme enrols its local account dora in TOTP")
    b.cli("user", "require-totp", "admin", "on")
    srv = Server(dir=os.path.abspath("mfa"))
    d, r = dir_signin(srv, "dora")
    check(r.status == 303 and r.location == "/", "dora signs in to the directory", r.describe)

    # enrolled in acme: the code is asked before anything else
    r, ca = enter(d, "acme")
    check(r.status == 303 and r.location == "/o/acme/login/totp",
          "entering acme, where dora has TOTP, asks for the code", r.describe)
    for path in ("/", "/risks", "/risks/new"):
        r = ca.get(path)
        check(r.status == 303 and (r.location or "").endswith("/login/totp"),
              "before the code, acme's %s goes to /login/totp" % path, r.describe)
    r = ca.get("/api/v1/risks")
    check_status(r, 401, "... and the API refuses the session")
    tok = ca.csrf("/login/totp")
    now = time.time()
    valid = {totp_code(secret, now + k) for k in (-60, -30, 0, 30, 60)}
    bad = next(c for c in ("%06d" % i for i in range(1000)) if c not in valid)
    r = ca.post("/login/totp", {"_csrf": tok or "", "code": bad})
    check_status(r, 401, "a wrong code is refused")
    r = ca.get("/risks")
    check(r.status == 303 and (r.location or "").endswith("/login/totp"),
          "still no register after a wrong code", r.describe)
    r = ca.post("/login/totp", {"_csrf": tok or "", "code": totp_code(secret)})
    check_status(r, 303, "the right code is accepted")
    check_status(ca.get("/risks"), 200, "then dora reads acme's risks")
    log = sql(a.path, "SELECT event || ':' || coalesce(detail, '') FROM security_log WHERE "
                      "account = 'dora' AND event IN ('login', 'totp-ok', 'totp-failed') "
                      "ORDER BY id")
    check("login:directory account, second factor due" in log and "totp-failed" in log and
          "totp-ok" in log, "acme's security log: the entry, the wrong and the right code", log)

    # beta requires TOTP of admins, dora has none there: enrolment first
    r, cb = enter(d, "beta")
    check(r.status == 303 and r.location == "/o/beta/account/totp",
          "entering beta, whose admins must have TOTP, sends dora to enrolment", r.describe)
    for path in ("/", "/risks", "/admin/log"):
        r = cb.get(path)
        check(r.status == 303 and (r.location or "").endswith("/account/totp"),
              "before enrolling, beta's %s goes to enrolment" % path, r.describe)
    r = cb.get("/account/totp")
    check(r.status == 200 and "requires a second factor" in r.text,
          "the enrolment page says why", r.describe)
    tok = cb.csrf("/account/totp")
    r = cb.post("/account/totp/begin", {"_csrf": tok or ""})
    m = re.search(r'<code class="secret">([A-Z2-7]+)</code>', r.text)
    sec2 = m.group(1) if m else "A"
    r = cb.post("/account/totp/confirm", {"_csrf": tok or "", "code": totp_code(sec2)})
    check_status(r, 200, "dora enrols in beta")
    check_status(cb.get("/risks"), 200, "then beta's register opens")
    # the next entry asks beta's code like every sign-in there
    r, cb2 = enter(d, "beta")
    check(r.status == 303 and r.location == "/o/beta/login/totp",
          "entering beta again asks for the new code", r.describe)

    # required of the account itself but never set up: refused, said so
    dcli("mfa", "grant", "dora", "gamma", "staff")
    g.cli("user", "edit", "dora", "--require-totp", "yes")
    r, _ = enter(d, "gamma")
    check(r.status == 401 and "second factor" in r.text and "__Host-isms-gamma" not in
          d.jar, "an account that must have TOTP and has none is refused, saying why",
          r.describe)
    srv.stop("directory server (second factor)")


def local_off():
    """`isms sso local off` in an organization stops password sign-in there,
    and the directory sign-in is a password sign-in: entering it is refused."""
    os.mkdir("lo")
    a = init_file("lo/acme.isms")
    init_file("lo/beta.isms")
    dcli("lo", "user", "add", "erin", input=PW + "\n")
    dcli("lo", "grant", "erin", "acme", "manager")
    dcli("lo", "grant", "erin", "beta", "manager")
    srv = Server(dir=os.path.abspath("lo"))
    d, r = dir_signin(srv, "erin")
    r, _ = enter(d, "acme")
    check(r.status == 303 and r.location == "/o/acme/", "erin enters acme", r.describe)
    a.cli("sso", "local", "off")
    d.jar.pop("__Host-isms-acme", None)
    r, ca = enter(d, "acme")
    check(r.status == 403 and "switched off" in r.text and "single sign-on" in r.text,
          "with local passwords off in acme, entering it is refused, saying why", r.describe)
    check("__Host-isms-acme" not in d.jar, "... and no session of acme is given")
    check_status(ca.get("/risks"), 303, "... so acme's register stays closed")
    why = sql(a.path, "SELECT detail FROM security_log WHERE event = 'login-failed' AND "
                      "account = 'erin' ORDER BY id DESC LIMIT 1")
    check("password sign-in is switched off" in why, "acme's security log says why", why)
    r, cb = enter(d, "beta")
    check(r.status == 303 and r.location == "/o/beta/", "beta (local passwords on) still "
          "lets erin in", r.describe)
    a.cli("sso", "local", "on")
    r, ca = enter(d, "acme")
    check(r.status == 303 and r.location == "/o/acme/", "local passwords on again: erin "
          "enters acme", r.describe)
    check_status(ca.get("/risks"), 200, "... and reads its risks")
    srv.stop("directory server (local passwords off)")


def local_row(f, name):
    return sql(f.path, "SELECT id, role, disabled FROM account WHERE name = '%s'" % name).strip()


def regrant():
    """grant -> revoke -> grant: the local account the directory made is
    taken up again (the same account, enabled, with the new role), and in
    between entering is refused."""
    os.mkdir("rg")
    a = init_file("rg/acme.isms")
    dcli("rg", "user", "add", "fred", input=PW + "\n")
    dcli("rg", "grant", "fred", "acme", "manager")
    first = local_row(a, "fred")
    check(first.endswith("|manager|0"), "the grant made fred in acme", first)
    srv = Server(dir=os.path.abspath("rg"))
    d, r = dir_signin(srv, "fred")
    r, ca = enter(d, "acme")
    check_status(ca.get("/risks"), 200, "fred reads acme's risks")
    r = dcli("rg", "revoke", "fred", "acme")
    check("no role in acme" in r.out, "dir revoke fred acme", r.describe())
    check(local_row(a, "fred").endswith("|1"), "revoking disables fred in acme",
          local_row(a, "fred"))
    r = ca.get("/risks")
    check(r.status == 303 and "/login" in (r.location or ""), "fred's acme session ended",
          r.describe)
    r, _ = enter(d, "acme")
    check_status(r, 403, "after revoke, entering acme is refused")
    r = dcli("rg", "grant", "fred", "acme", "auditor", ok=False)
    check(r.rc == 0 and "fred is auditor in acme" in r.out, "granting fred in acme again works",
          r.describe())
    again = local_row(a, "fred")
    check_eq(again, first.split("|")[0] + "|auditor|0",
             "... with the very local account made before, enabled, as auditor")
    check_eq(sql(a.path, "SELECT count(*) FROM account WHERE name = 'fred'").strip(), "1",
             "no second fred in acme")
    r, ca = enter(d, "acme")
    check(r.status == 303 and r.location == "/o/acme/", "fred enters acme again", r.describe)
    r = ca.get("/risks")
    check(r.status == 200 and "fred · auditor" in r.text, "... as auditor", r.describe)
    dcli("rg", "revoke", "fred", "acme")
    r, _ = enter(d, "acme")
    check_status(r, 403, "revoked a second time: refused again")
    r = dcli("rg", "grant", "fred", "acme", "manager", ok=False)
    check(r.rc == 0, "and granted a third time", r.describe())
    r, ca = enter(d, "acme")
    check_status(ca.get("/risks"), 200, "fred is in acme again")
    srv.stop("directory server (re-grant)")


def disable_remove():
    """isms dir user disable|enable|remove NAME: a disabled account cannot
    sign in and its live sessions (the directory's and those it opened in
    organizations) stop; enabled, it works again; removed, it is gone with
    its grants, and the local accounts made for it are disabled with their
    history kept. Unknown names are refused and nothing is written."""
    os.mkdir("dis")
    a = demo_file("dis/acme.isms")
    b = init_file("dis/beta.isms")
    dcli("dis", "user", "add", "gina", input=PW + "\n")
    dcli("dis", "grant", "gina", "acme", "manager")
    dcli("dis", "grant", "gina", "beta", "staff")
    accounts = os.path.abspath("dis/.isms-accounts")
    snap = lambda: (sql(accounts, "SELECT * FROM daccount; SELECT * FROM dgrant; SELECT count(*) "
                                  "FROM dlog"), local_row(a, "gina"), local_row(b, "gina"))
    before = snap()
    for sub in ("disable", "enable", "remove"):
        r = dcli("dis", "user", sub, "nobody", ok=False)
        check(r.rc == 4 and "name: no directory account nobody" in r.err,
              "dir user %s of an unknown name: refused, naming the field" % sub, r.describe())
    r = dcli("dis", "user", "disable", ok=False)
    check(r.rc == 2 and "user add|password|disable|enable|remove" in r.err,
          "dir user disable without a name: usage", r.describe())
    check_eq(snap(), before, "... and nothing was written")

    srv = Server(dir=os.path.abspath("dis"))
    d, r = dir_signin(srv, "gina")
    r, ca = enter(d, "acme")
    check_status(ca.get("/risks"), 200, "gina reads acme's risks")
    tok = a.token("gina", "gina-acme")
    api = Api(srv, tok, "/o/acme")
    check_status(api.get("/api/v1/risks?limit=1"), 200, "gina's acme API token works")
    asset = {"name": "gina's asset", "kind": "hardware", "owner": a.accounts["manager"].person}
    r = ca.request("POST", "/api/v1/assets", json_body=asset, headers={"X-CSRF-Token": ca.csrf()})
    check(r.status in (200, 201), "gina adds an asset in acme", r.describe)

    # disable: nothing of hers works any more
    r = dcli("dis", "user", "disable", "gina")
    check("gina disabled" in r.out, "isms dir user disable gina", r.describe())
    r = d.get("/")
    check(r.status == 303 and r.location == "/login", "her live directory session stops",
          r.describe)
    r = ca.get("/risks")
    check(r.status == 303 and "/login" in (r.location or ""),
          "her live session in acme stops", r.describe)
    check_status(api.get("/api/v1/risks?limit=1"), 401, "her acme API token stops")
    check(local_row(a, "gina").endswith("|1") and local_row(b, "gina").endswith("|1"),
          "her local accounts in acme and beta are disabled",
          (local_row(a, "gina"), local_row(b, "gina")))
    d2, r = dir_signin(srv, "gina")
    check(r.status == 401 and "wrong name or password" in r.text,
          "a disabled directory account cannot sign in", r.describe)
    check(re.search(r"gina \(disabled\)\s+acme", dcli("dis", "list").out),
          "dir list says she is disabled", dcli("dis", "list").out)
    r = dcli("dis", "grant", "gina", "acme", "auditor", ok=False)
    check(r.rc == 5 and "name:" in r.err and "disabled" in r.err,
          "no grant for a disabled account", r.describe())
    check(local_row(a, "gina").endswith("|manager|1"), "... nothing written in acme",
          local_row(a, "gina"))

    # enable: back as before
    r = dcli("dis", "user", "enable", "gina")
    check("gina enabled" in r.out, "isms dir user enable gina", r.describe())
    d2, r = dir_signin(srv, "gina")
    check(r.status == 303 and r.location == "/", "enabled, gina signs in again", r.describe)
    r, ca = enter(d2, "acme")
    check_status(ca.get("/risks"), 200, "... and enters acme")
    check_status(api.get("/api/v1/risks?limit=1"), 200, "... and her acme token works again")

    # remove: gone, the local accounts disabled, their history kept
    r = dcli("dis", "user", "remove", "gina")
    check("gina removed" in r.out, "isms dir user remove gina", r.describe())
    check(d2.get("/").status == 303, "her directory session ends")
    check(ca.get("/risks").status == 303, "her acme session ends")
    check_status(api.get("/api/v1/risks?limit=1"), 401, "her acme token stops")
    r = dir_signin(srv, "gina")[1]
    check_status(r, 401, "a removed account cannot sign in")
    check("gina" not in dcli("dis", "list").out, "dir list no longer has gina")
    check_eq(sql(accounts, "SELECT count(*) FROM dgrant; SELECT count(*) FROM dsession; "
                           "SELECT count(*) FROM dlocal").split(), ["0", "0", "0"],
             "her grants, sessions and memory of local accounts are gone")
    check(local_row(a, "gina").endswith("|manager|1") and local_row(b, "gina").endswith("|1"),
          "her local accounts stay, disabled", (local_row(a, "gina"), local_row(b, "gina")))
    hist = sql(a.path, "SELECT count(*) FROM history WHERE actor LIKE '%gina%'").strip()
    check(hist not in ("", "0"), "acme's history of what gina did is kept", hist)
    r = dcli("dis", "user", "remove", "gina", ok=False)
    check(r.rc == 4 and "name:" in r.err, "removing her again: not found", r.describe())
    # a new account of the same name is a stranger to the old local account
    dcli("dis", "user", "add", "gina", input=PW + "\n")
    r = dcli("dis", "grant", "gina", "acme", "manager", ok=False)
    check(r.rc == 5 and "already has a local account gina" in r.err,
          "a new directory account gina does not take over the old one's local account",
          r.describe())
    srv.stop("directory server (disable, remove)")


def security_log():
    """The directory's own security log (isms dir log): sign-ins, failed
    sign-ins, sign-outs, entries, account and grant changes; what touches an
    organization is in that organization's log too (isms log)."""
    os.mkdir("dl")
    a = init_file("dl/acme.isms")
    b = init_file("dl/beta.isms")
    dcli("dl", "user", "add", "hank", input=PW + "\n")
    new_pw = "another-pass-45678"
    dcli("dl", "user", "password", "hank", input=new_pw + "\n")
    dcli("dl", "grant", "hank", "acme", "manager")
    dcli("dl", "grant", "hank", "beta", "staff")
    dcli("dl", "revoke", "hank", "beta")
    srv = Server(dir=os.path.abspath("dl"))
    secret_name = "Tr0ub4dor&3-typed-as-name"
    check_status(dir_signin(srv, "hank", "wrong-password-987")[1], 401, "a wrong password")
    check_status(dir_signin(srv, secret_name, new_pw)[1], 401, "an unknown name")
    d, r = dir_signin(srv, "hank", new_pw)
    check(r.status == 303, "hank signs in", r.describe)
    r, ca = enter(d, "acme")
    check(r.status == 303, "hank enters acme", r.describe)
    r, _ = enter(d, "beta")
    check_status(r, 403, "beta (revoked) is refused")
    csrf = hidden_value(d.get("/").text, "_csrf")
    check_status(d.post("/logout", {"_csrf": csrf}), 303, "hank signs out of the directory")
    dcli("dl", "user", "disable", "hank")
    dcli("dl", "user", "enable", "hank")
    dcli("dl", "user", "add", "ivy", input=PW + "\n")
    dcli("dl", "user", "remove", "ivy")

    items = dcli("dl", "log", "--json").json()["items"]
    got = [(x["event"], x["account"]) for x in items]
    for ev in ("dir-user-add", "dir-password-change", "dir-grant", "dir-revoke", "dir-login",
               "dir-enter", "dir-enter-failed", "dir-logout", "dir-user-disable",
               "dir-user-enable"):
        check((ev, "hank") in got, "the directory's log has %s of hank" % ev, got)
    check(("dir-user-remove", "ivy") in got, "... and dir-user-remove of ivy", got)
    failed = [x for x in items if x["event"] == "dir-login-failed"]
    check(len(failed) == 2 and failed[1]["account"] == "hank" and
          failed[1]["detail"] == "wrong password" and
          re.fullmatch(r"unknown:[0-9a-f]{12}", failed[0]["account"] or "") and
          failed[0]["detail"] == "no such account", "both failed sign-ins, the unknown name "
          "as a keyed hash", failed)
    check(secret_name not in dcli("dl", "log").out and
          secret_name not in sql(os.path.abspath("dl/.isms-accounts"), "SELECT * FROM dlog"),
          "what was typed as an unknown name is never kept")
    login = [x for x in items if x["event"] == "dir-login"]
    check(login and login[0]["address"] == "127.0.0.1" and login[0]["actor"] == "web",
          "a sign-in names the address", login)
    grant = [x for x in items if x["event"] == "dir-grant"]
    check(grant and grant[0]["actor"].startswith("cli:"),
          "a grant names who made it", grant)
    entered = [x["detail"] for x in items if x["event"] == "dir-enter"]
    check(entered == ["acme"], "the entry names the organization", entered)
    refused = [x["detail"] for x in items if x["event"] == "dir-enter-failed"]
    check(refused and refused[0].startswith("beta: ") and "no role" in refused[0],
          "the refused entry names the organization and why", refused)
    r = dcli("dl", "log", "--event", "dir-login-failed", "--json")
    check({x["event"] for x in r.json()["items"]} == {"dir-login-failed"},
          "dir log --event filters", r.out)
    r = dcli("dl", "log", "--account", "ivy")
    check("dir-user-add" in r.out and "dir-user-remove" in r.out and "hank" not in r.out,
          "dir log --account filters (text)", r.out)
    r = dcli("dl", "log", "--limit", "2")
    check("older entries: isms dir log --dir" in r.out, "dir log pages", r.out)
    n = sql(os.path.abspath("dl/.isms-accounts"), "SELECT count(*) FROM dlog")
    for args, field in ((("--event", "bogus"), "event:"), (("--since", "yesterday"), "since:")):
        r = dcli("dl", "log", *args, ok=False)
        check(r.rc == 3 and field in r.err, "dir log %s: refused, naming the field" %
              " ".join(args), r.describe())
    check_eq(sql(os.path.abspath("dl/.isms-accounts"), "SELECT count(*) FROM dlog"), n,
             "... and nothing was written")

    # the organizations' own logs
    r = a.cli("log", "--event", "dir-grant")
    check("hank" in r.out and "manager" in r.out, "acme's log: the grant (isms log --event "
          "dir-grant)", r.describe())
    r = a.cli("log", "--account", "hank", "--event", "login")
    check("directory account" in r.out and "127.0.0.1" in r.out, "acme's log: hank's entry, "
          "from where", r.describe())
    for ev in ("dir-user-disable", "dir-user-enable"):
        check("hank" in a.cli("log", "--event", ev).out, "acme's log has %s of hank" % ev)
    r = b.cli("log", "--json", "--account", "hank")
    evs = {x["event"] for x in json.loads(r.out)["items"]}
    check({"dir-grant", "dir-revoke"} <= evs and "dir-user-disable" not in evs,
          "beta's log: the grant and the revoke, nothing after", evs)
    srv.stop("directory server (security log)")


run(main)
