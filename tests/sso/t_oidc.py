"""t_oidc.py — OpenID Connect sign-in end to end: the real isms server, the
real oidc-provider (npm) on loopback for the happy path, state and code
replay, groups to roles, just-in-time accounts, linking by e-mail; a tiny
issuer of the test's own (provider.mjs) for tokens the real one would never
sign (forged, wrong audience, expired, no/wrong nonce, alg none/HS256,
unknown key, key rotation, ES256). Hostile callback parameters and next=.
Every refusal is a page naming the cause and a line in the security log
(a name typed at the refused password form is no account's: a keyed hash,
never as typed). The redirect URI built without --redirect: https:// when
the server runs with --tls-cert (a certificate made here with openssl, the
authorization redirect's redirect_uri read without completing the flow),
and a Host that is not a plain host[:port] refused (400) at the start and
at the callback, never sent to the provider."""

import ssl
import sys
import urllib.parse

from sso_lib import *  # noqa: F401,F403

ACCOUNTS = {
    "alice": {"email": "alice@example.org", "groups": ["isms-managers", "everyone"]},
    "bob": {"email": "bob@example.org", "groups": ["everyone"]},
    "carol": {"email": "carol@example.org", "groups": ["isms-staff"]},
    "dave": {"email": "Dave@Example.org", "groups": ["isms-auditors"]},
    "erin": {"email": "erin@example.org", "groups": ["isms-staff"]},
    "frank": {"email": "frank@example.org", "groups": ["isms-staff"]},
    "gina": {"email": "gina@example.org", "email_verified": False, "groups": ["isms-staff"]},
}


def user_role(f, name):
    for line in f.cli("user", "list").out.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return parts[1]
    return None


def user_person(f, name):
    for line in f.cli("user", "list").out.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return parts[2]
    return None


def refused(r, status, words, desc):
    ok = r is not None and r.status == status and words.lower() in r.text.lower()
    check(ok, desc, lambda: r.describe() if r is not None else "no response")


def make_cert(name):
    """A self-signed certificate for 127.0.0.1 (as tests/http/t_tls.py makes them)."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return os.path.abspath(name + ".crt"), os.path.abspath(name + ".key")


def redirect_param(r):
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(r.location or "").query)
    return (q.get("redirect_uri") or [None])[0]


def start_with_host(c, host):
    """POST /login/oidc as c, the request's Host header being host."""
    r, tok = c.login_form()
    return c.post("/login/oidc", {"_csrf": tok or "", "next": "/"}, headers={"Host": host})


def redirect_uris(f, srv, prov):
    """The redirect URI isms builds when --redirect is not set."""
    c = Client(srv)
    r = start_oidc(c)
    check(r.status == 303 and redirect_param(r) == "http://127.0.0.1:%d/login/oidc/callback" % srv.port,
          "plain HTTP: the redirect URI is http://HOST/login/oidc/callback", r.describe)
    r = start_with_host(Client(srv), "isms.example.org:8443")
    check(r.status == 303 and redirect_param(r) == "http://isms.example.org:8443/login/oidc/callback",
          "a plain host:port of the Host header is the redirect URI's", r.describe)
    for host in ("evil.example/x", "user@evil.example", "evil.example x", "evil.example?a=",
                 "evil.example#x", "evil.example\\x", "evil.example:80:81", "evil.example:",
                 "[::1", "-evil.example", "evil.example:123456"):
        r = start_with_host(Client(srv), host)
        refused(r, 400, "not a plain host[:port]", "Host %r refused at the start" % host)
        check(r.status != 303 and "127.0.0.1:%d" % prov.port not in (r.location or ""),
              "... and nothing is sent to the provider", r.describe)
    r = start_with_host(Client(srv), "evil.example\x01")
    check(r.status == 400 and not r.location, "a control character in the Host: 400, no redirect",
          r.describe)
    r = Client(srv).get("/login/oidc/callback?code=x&state=y", headers={"Host": "evil.example/cb"})
    refused(r, 400, "not a plain host[:port]", "a hostile Host refused at the callback")
    check(seclog(f.path, "sso-failed", "Host header is not a plain host") >= 2,
          "... and logged", "")
    r = start_with_host(Client(srv), "[::1]:8027")
    check(r.status == 303 and redirect_param(r) == "http://[::1]:8027/login/oidc/callback",
          "an IPv6 address in brackets is a plain host", r.describe)

    # the same ISMS served with TLS: https://
    crt, key = make_cert("sso")
    ctx = ssl.create_default_context(cafile=crt)
    tsrv = Server(f.path, tls=ctx, extra=["--tls-cert", crt, "--tls-key", key])
    c = Client(tsrv)
    r = start_oidc(c)
    check(r.status == 303 and redirect_param(r) == "https://127.0.0.1:%d/login/oidc/callback" % tsrv.port,
          "with --tls-cert: the redirect URI is https://HOST/login/oidc/callback", r.describe)
    check((r.location or "").startswith(prov.issuer + "/"), "... in the redirect to the provider",
          r.describe)
    r = start_with_host(Client(tsrv), "evil.example/x")
    refused(r, 400, "not a plain host[:port]", "with TLS too, a hostile Host is refused")
    tsrv.stop("the TLS server")


def main():
    f = init_file()
    srv = Server(f.path)
    os.makedirs("orgs")
    fa, fb = init_file("orgs/acme.isms"), init_file("orgs/beta.isms")
    dsrv = Server(dir=os.path.abspath("orgs"))
    prov = Providers(["http://127.0.0.1:%d/login/oidc/callback" % srv.port,
                      "http://127.0.0.1:%d/o/acme/login/oidc/callback" % dsrv.port], ACCOUNTS)

    # ---- settings ------------------------------------------------------------
    c = f.cli("sso", "oidc", "set", "--issuer", "http://evil.example.com", "--client-id", "x",
              ok=False)
    check(c.rc == 3 and "issuer: must be https://" in c.err, "plain http to another host refused",
          c.describe)
    c = f.cli("sso", "oidc", "set", "--issuer", prov.issuer, "--client-id", CLIENT_ID, ok=False)
    check(c.rc == 3 and "client-secret: required" in c.err, "the client secret is required",
          c.describe)
    c = f.cli("sso", "oidc", "set", "--client-secret", "x", ok=False)
    check(c.rc == 2 and "stdin" in c.err, "a secret on the command line is refused", c.describe)
    f.cli("sso", "oidc", "set", "--issuer", prov.issuer, "--client-id", CLIENT_ID,
          "--client-secret-stdin", "--scopes", "openid email profile groups",
          "--map", "isms-managers=manager", "--map", "isms-staff=staff",
          "--map", "isms-auditors=auditor", "--jit", "on", "--label", "Test IdP",
          input=CLIENT_SECRET + "\n")
    shown = f.cli("sso", "show", "--json").json()
    check(shown["oidc"]["client-secret"] == "(set)" and CLIENT_SECRET not in f.cli("sso", "show").out,
          "sso show never prints the secret", lambda: str(shown))

    c0 = Client(srv)
    r = c0.get("/login")
    check(r.status == 200 and "Sign in with Test IdP" in r.text, "the login page has the button",
          r.describe)

    # ---- the happy path through oidc-provider ----------------------------------
    ca = Client(srv)
    r, back = oidc_sign_in(ca, srv, "alice", "/risks")
    check(r is not None and r.status == 200 and ca.session() is not None,
          "alice signs in through oidc-provider", lambda: r.describe() if r else "none")
    check(r is not None and 'id="continue" href="/risks"' in r.text, "then on to next=/risks",
          lambda: r.text if r else "")
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(back or "").query)
    check("code" in q and "state" in q and len(q["state"][0]) >= 43, "a code and a random state came back",
          lambda: back)
    home = ca.get("/")
    check(home.status == 200 and "alice" in home.text, "alice's session works", home.describe)
    check_eq(user_role(f, "alice"), "manager", "alice's account was made just in time as manager")
    check(seclog(f.path, "login", "oidc") >= 1, "the sign-in is in the security log", "")
    check(seclog(f.path, "account-add", "just in time") >= 1, "the new account is in the security log", "")

    # the same callback again: the state was used
    r2 = Client(srv)
    r2.jar = dict(ca.jar)
    rr = r2.get(callback_path(back), prefix=False)
    refused(rr, 401, "used already", "a reused state is refused")
    check(seclog(f.path, "sso-failed", "used already") >= 1, "... and logged", "")

    # the code replayed inside a fresh flow (its own state and cookie): the
    # real provider refuses the code
    cr = Client(srv)
    s = start_oidc(cr)
    new_state = urllib.parse.parse_qs(urllib.parse.urlsplit(s.location).query)["state"][0]
    rr = cr.get("/login/oidc/callback?" + urllib.parse.urlencode(
        {"code": q["code"][0], "state": new_state}))
    refused(rr, 401, "the provider refused the code", "a replayed code is refused by the provider")
    check(cr.session() is None, "... and no session", "")
    check(seclog(f.path, "sso-failed", "refused the code") >= 1, "... and logged", "")

    # the answer names another provider (RFC 9207 iss): a mix-up is refused
    cm = Client(srv)
    r0 = start_oidc(cm)
    back = at_provider(Browser(), r0.location, "alice", srv.port)
    check("iss=" in back, "oidc-provider sends iss with the code", lambda: back)
    u = urllib.parse.urlsplit(back)
    qs = urllib.parse.parse_qs(u.query)
    qs["iss"] = ["http://127.0.0.1:1"]
    rr = cm.get(u.path + "?" + urllib.parse.urlencode({k: v[0] for k, v in qs.items()}), prefix=False)
    refused(rr, 401, "came from another provider", "a callback naming another issuer (iss) is refused")
    check(cm.session() is None, "... and no session", "")

    # a flow started in one browser and finished in another
    c1, c2 = Client(srv), Client(srv)
    s = start_oidc(c1)
    back = at_provider(Browser(), s.location, "alice", srv.port)
    rr = c2.get(callback_path(back), prefix=False)
    refused(rr, 401, "another browser", "a callback in another browser is refused (state bound to a cookie)")
    rr = c1.get(callback_path(back), prefix=False)
    refused(rr, 401, "used already", "... and the flow is spent even so")

    # a disabled account stays disabled whatever the provider says
    f.cli("user", "edit", "alice", "--disabled", "yes")
    cx = Client(srv)
    r, _ = oidc_sign_in(cx, srv, "alice")
    refused(r, 401, "this account is disabled", "a disabled account cannot sign in by OIDC")
    check(cx.session() is None and seclog(f.path, "sso-failed", "this account is disabled") >= 1,
          "... no session, and logged", "")
    check(ca.get("/").status == 303, "... and disabling ended alice's session", "")
    f.cli("user", "edit", "alice", "--disabled", "no")

    # ---- groups, JIT, linking ------------------------------------------------------
    cb = Client(srv)
    r, _ = oidc_sign_in(cb, srv, "bob")
    refused(r, 401, "none of your groups is mapped", "bob, in no mapped group, is refused")
    check(user_role(f, "bob") is None, "... and no account was made", "")

    person = f.add("person", name="Dave Example", email="dave@example.org")
    f.add_account("dave-local", "staff", person=person)
    cd = Client(srv)
    r, _ = oidc_sign_in(cd, srv, "dave")
    check(r is not None and r.status == 200 and cd.session() is not None,
          "dave signs in to the account of the person with his e-mail", lambda: r.describe())
    check(user_role(f, "dave") is None and user_role(f, "dave-local") == "auditor",
          "linked to dave-local (no new account), role from his group", lambda: f.cli("user", "list").out)
    check(seclog(f.path, "login", "linked by e-mail") == 1, "the link is in the security log", "")
    ids = f.cli("sso", "identities", "--json").json()
    linked = {(i["account"], i["provider"]) for i in ids}
    check(("alice", "oidc:" + prov.issuer) in linked and ("dave-local", "oidc:" + prov.issuer) in linked
          and not any(i["account"] == "bob" for i in ids),
          "sso identities lists alice and dave-local, not the refused bob", lambda: ids)

    pf = f.add("person", name="Frank Example", email="frank@example.org")
    pg = f.add("person", name="Gina Example", email="gina@example.org")
    r, _ = oidc_sign_in(Client(srv), srv, "frank")
    check(r is not None and r.status == 200, "frank signs in", lambda: r.describe())
    check(user_role(f, "frank") == "staff" and user_person(f, "frank") == pf,
          "frank's new account acts as the person with his e-mail", lambda: f.cli("user", "list").out)
    r, _ = oidc_sign_in(Client(srv), srv, "gina")
    check(r is not None and r.status == 200 and user_person(f, "gina") == "-",
          "an e-mail the provider does not vouch for (email_verified false) names no person",
          lambda: f.cli("user", "list").out)

    f.cli("sso", "oidc", "set", "--jit", "off")
    cc = Client(srv)
    r, _ = oidc_sign_in(cc, srv, "carol")
    refused(r, 401, "no account of this ISMS belongs to you", "with --jit off a new person is refused")
    f.cli("sso", "oidc", "set", "--jit", "on")

    # ---- local passwords off; the CLI is the break-glass --------------------------------
    admin = f.add_account("root", "admin")
    f.cli("sso", "local", "off")
    cl = Client(srv)
    r = cl.get("/login")
    check(r.status == 200 and 'name="password"' not in r.text
          and "Sign in with Test IdP" in r.text and "switched off" in r.text,
          "local passwords off: the login page has no password form, only the button", r.describe)
    r = cl.login(admin.name, admin.password)
    refused(r, 403, "password sign-in is switched off", "local passwords off: refused on the web")
    check(cl.session() is None, "... and no session", "")
    check(seclog(f.path, "sso-failed", "password sign-in is switched off") == 1, "... and logged", "")
    r = Client(srv).login("Secret-Passw0rd!", "whatever-1234567")
    refused(r, 403, "password sign-in is switched off", "a password typed as the name: refused")
    rows = sql(f.path, "SELECT account FROM security_log WHERE event = 'sso-failed' AND "
                       "detail LIKE 'local:%' ORDER BY id").split()
    check(rows[:1] == ["root"] and len(rows) == 2 and re.fullmatch(r"unknown:[0-9a-f]{12}", rows[1])
          and "Secret-Passw0rd" not in sql(f.path, "SELECT * FROM security_log"),
          "... logged by account name, or as a keyed hash for no account's name, never as typed", rows)
    c = f.cli("user", "list")
    check(c.rc == 0 and "root" in c.out, "the command line still works (break-glass)", c.describe)
    f.cli("sso", "local", "on")
    check_status(Client(srv).login(admin.name, admin.password), 303, "local passwords back on")

    # ---- hostile callbacks and next= -------------------------------------------------------
    ch = Client(srv)
    refused(ch.get("/login/oidc/callback"), 401, "without a valid state", "no parameters")
    refused(ch.get("/login/oidc/callback?code=abc"), 401, "without a valid state", "a code without a state")
    big = ch.get("/login/oidc/callback?code=x&state=" + "A" * 6000)
    check(big.status in (400, 401, 414, 431) and srv.alive(), "a huge state is refused, the server lives",
          big.describe)
    s = start_oidc(ch)
    st = urllib.parse.parse_qs(urllib.parse.urlsplit(s.location).query)["state"][0]
    rr = ch.get("/login/oidc/callback?error=access_denied&error_description=no+thanks&state=" + st)
    refused(rr, 401, "access_denied", "error=access_denied is shown")
    check("no thanks" in rr.text, "... with the provider's description", rr.describe)
    check(seclog(f.path, "sso-failed", "access_denied") >= 1, "... and logged", "")
    refused(ch.get("/login/oidc/callback?code=x&state=" + st), 401, "used already",
            "... and its state is spent")
    rr = ch.get("/login/oidc/callback?error=%3Cscript%3Ealert(1)%3C/script%3E&error_description=%3Cimg%20src%3Dx%3E")
    check(rr.status == 401 and "<script>" not in rr.text and "<img" not in rr.text
          and "&lt;script&gt;" in rr.text, "the provider's error text is escaped", rr.describe)
    s = start_oidc(ch)
    st = urllib.parse.parse_qs(urllib.parse.urlsplit(s.location).query)["state"][0]
    refused(ch.get("/login/oidc/callback?state=" + st), 401, "sent no code", "a valid state without a code")
    ch.get("/login/oidc/callback?code=%00%ff&state=%zz")
    check(srv.alive(), "malformed escapes leave the server alive", "")
    r = ch.post("/login/oidc", {"next": "/"})
    check(r.status == 403, "starting without the login page's CSRF token is refused", r.describe)
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/%2F%2Fevil"):
        ce = Client(srv)
        r, _ = oidc_sign_in(ce, srv, "alice", evil)
        ok = r is not None and r.status == 200 and 'id="continue" href="/"' in r.text and "evil" not in r.text
        check(ok, "next=%s goes nowhere but /" % evil, lambda: r.text if r else "")

    # ---- the redirect URI built from the request: TLS, hostile Host headers ---------------
    redirect_uris(f, srv, prov)

    # ---- serve --dir: each organization its own settings, cookies and sessions ----------------
    fa.cli("sso", "oidc", "set", "--issuer", prov.issuer, "--client-id", CLIENT_ID,
           "--client-secret-stdin", "--scopes", "openid email profile groups",
           "--map", "isms-managers=manager", "--jit", "on", input=CLIENT_SECRET + "\n")
    cda = Client(dsrv, "/o/acme")
    r, back = oidc_sign_in(cda, dsrv, "alice", "/risks")
    check(r is not None and r.status == 200 and cda.session() is not None
          and 'id="continue" href="/o/acme/risks"' in r.text,
          "under --dir: alice signs in to /o/acme (its callback, its cookie)",
          lambda: r.describe() if r else "none")
    check(back is not None and "/o/acme/login/oidc/callback" in back, "... through /o/acme's redirect URI",
          lambda: back)
    check(cda.get("/risks").status == 200, "... and reads acme", "")
    check(user_role(fa, "alice") == "manager" and user_role(fb, "alice") is None,
          "the account is acme's only", "")
    cdb = Client(dsrv, "/o/beta")
    r = cdb.get("/login")
    check(r.status == 200 and "Sign in with" not in r.text, "beta, not set up, shows no button", r.describe)
    r = start_oidc(cdb)
    refused(r, 404, "not set up", "POST /o/beta/login/oidc: not set up")

    # ---- tokens the real provider would never sign (the tiny issuer) -------------------------
    f.cli("sso", "oidc", "set", "--issuer", prov.fake_issuer, "--scopes", "openid email profile")

    def fake_sign_in(mode):
        prov.fake("/mode?m=" + mode)
        cf = Client(srv)
        s = start_oidc(cf)
        if s.status != 303:
            return s, cf
        back = at_provider(Browser(), s.location, "alice", srv.port)
        return cf.get(callback_path(back), prefix=False), cf

    r, cf = fake_sign_in("ok")
    check(r.status == 200 and cf.session(), "an RS256 token of the second issuer is accepted", r.describe)
    r, cf = fake_sign_in("es256")
    check(r.status == 200 and cf.session(), "an ES256 token is accepted", r.describe)
    before = prov.fake("/stats")["jwksFetches"]
    prov.fake("/rotate")
    r, cf = fake_sign_in("rotated")
    check(r.status == 200 and cf.session(), "a rotated key is fetched and accepted", r.describe)
    check_eq(prov.fake("/stats")["jwksFetches"], before + 1, "one JWKS fetch for the rotation")

    cases = [
        ("forged", "signature is not valid"),
        ("wrong-aud", "issued to another client"),
        ("expired", "has expired"),
        ("future-iat", "issue time"),
        ("no-nonce", "has no nonce"),
        ("wrong-nonce", "nonce is not the one"),
        ("alg-none", "signed with none"),
        ("hs256", "signed with HS256"),
        ("wrong-iss", "issuer is"),
        ("unknown-kid", "a key the provider does not publish"),
    ]
    for mode, words in cases:
        r, cf = fake_sign_in(mode)
        refused(r, 401, words, "%s token refused: %s" % (mode, words))
        check(cf.session() is None, "%s: no session" % mode, "")
        check(seclog(f.path, "sso-failed", words) >= 1, "%s: in the security log" % mode, "")
    fetches = prov.fake("/stats")["jwksFetches"]
    for _ in range(3):
        fake_sign_in("unknown-kid")
    check_eq(prov.fake("/stats")["jwksFetches"], fetches,
             "unknown keys do not make isms fetch the JWKS again and again")

    # a provider that does not answer, one that calls itself by another name
    f.cli("sso", "oidc", "set", "--issuer", "http://127.0.0.1:%d" % free_port())
    r = start_oidc(Client(srv))
    refused(r, 503, "did not answer", "a provider that does not answer: 503, said so")
    f.cli("sso", "oidc", "set", "--issuer", "http://localhost:%d" % prov.fake_port)
    r = start_oidc(Client(srv))
    refused(r, 503, "calls itself", "a discovery document naming another issuer is refused")

    c = f.cli("verify")
    check(c.rc == 0, "isms verify passes after all of it", c.describe)
    check(srv.alive(), "the server is alive at the end", "")


run(main)
