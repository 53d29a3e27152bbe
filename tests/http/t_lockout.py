"""t_lockout.py — sign-in throttling under attack (issue 9, items 1, 2, 8):

  churn     a locked account (password) and a locked second factor (TOTP)
            stay locked while one address sends thousands of random names;
            the right password and the right code are NOT accepted then
  policy    the lockout is not a denial of service: an address that signed
            in to an account before passes its account lock (password +
            TOTP); after 20 made-up names an address backs off (429 with
            Retry-After) instead of refusing for 15 minutes; a correct
            password gets through after the back-off
  proxy     --trusted-proxy: X-Forwarded-For from a trusted peer names the
            client (its rightmost untrusted hop); from any other peer the
            header is ignored; a bad --trusted-proxy is refused
  oracle    a right password for an account that must use TOTP but has none
            gets the same answer as a wrong one
  readonly  a read-only ISMS file: sign-in answers 503 "read-only" for right
            and wrong passwords alike; a write says the file is read-only
  notice    ?done=... shows a confirmation only after the action itself

The churn sends 100 names computed to land on each victim's slot of the old
unkeyed table (the attack the issue describes), then LOCKOUT_NAMES (default
3000) random names.
"""

import os
import random
import shutil
import socket
import string
import tempfile
import time
import traceback
import urllib.parse

from harness import *

GENERIC = "wrong name or password"
NAMES = int(os.environ.get("LOCKOUT_NAMES", "3000"))


def djb2_slot(key, slots=4096):
    """The slot the old table (main before issue 9: unkeyed djb2, 4,096
    slots, keys "ORG|a|NAME") gave a key."""
    h = 5381
    for ch in key.encode():
        h = (h * 33 + ch) % slots
    return h


def colliding_names(victim, n, rnd):
    """n names whose old slot is the victim's: the computed attack of the
    issue (on a keyed hash they are just more random names)."""
    want, out = djb2_slot("|a|" + victim), []
    while len(out) < n:
        name = "".join(rnd.choice(string.ascii_lowercase) for _ in range(10))
        if djb2_slot("|a|" + name) == want:
            out.append(name)
    return out


def error_text(html):
    m = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    return m.group(1) if m else None


def signed_in(c):
    return c.get("/api/v1/risks?limit=1").status == 200


def last_address(f):
    return sql(f.path, "SELECT address FROM security_log WHERE event = 'login-failed' "
                       "ORDER BY id DESC LIMIT 1").strip()


def add_totp_account(f, name, role="admin"):
    acc = f.add_account(name, role)
    acc.secret = totp_secret(f.cli("user", "totp", name).out)
    return acc


def wrong_codes(secret, n):
    now = time.time()
    valid = {totp_code(secret, now + d) for d in range(-120, 121, 30)}
    return [x for x in ("%06d" % i for i in range(7, 999999, 7919)) if x not in valid][:n]


def totp_post(c, code):
    tok = hidden_value(c.get("/login/totp").text, "_csrf")
    return c.post("/login/totp", {"_csrf": tok or "", "code": code})


# ---- churn -----------------------------------------------------------------------------

def churn(f, victim, tvictim):
    srv = Server(f.path)
    src = "127.0.0.40"
    c = Client(srv, source=src)
    for i in range(5):
        check_status(c.login(victim.name, "wrong-password-%d" % i), 401,
                     "wrong password %d for %s" % (i + 1, victim.name))
    r = c.login(victim.name, victim.password)
    check_status(r, 429, "the right password while the account is locked")
    # the TOTP account: the password is right, the codes are not
    t = Client(srv, source=src)
    r = t.login(tvictim.name, tvictim.password)
    check_eq(r.location, "/login/totp", "the TOTP account's password leads to the second factor")
    for i, code in enumerate(wrong_codes(tvictim.secret, 5)):
        check_status(totp_post(t, code), 401, "wrong code %d" % (i + 1))
    check_status(totp_post(t, totp_code(tvictim.secret)), 429,
                 "the right code while the second factor is locked")

    # thousands of random names from the same address, as fast as it goes
    rnd = random.Random(9)
    names = colliding_names(victim.name, 100, rnd) + colliding_names(tvictim.name, 100, rnd)
    names += ["".join(rnd.choice(string.ascii_lowercase + string.digits) for _ in range(12))
              for _ in range(NAMES)]
    x = Client(srv, source=src)
    _, tok = x.login_form()
    checked = limited = 0
    start = time.monotonic()
    for i, name in enumerate(names):
        r, tok = form_post_fast(x, name, "wrong-password-%d" % i, tok)
        if r.status == 401:
            checked += 1
        elif r.status == 429:
            limited += 1
        else:
            check_status(r, (401, 429), "a random name: 401 or 429")
    secs = time.monotonic() - start
    note("churn: %d names from one address in %.1f s: %d checked (401), %d refused (429)"
         % (len(names), secs, checked, limited))
    check(checked <= 40, "at most a few dozen of %d guesses from one address were checked (%d)"
          % (len(names), checked))

    for who, where in (("the same address", src), ("a new address", "127.0.0.41")):
        v = Client(srv, source=where)
        r = v.login(victim.name, victim.password)
        check(r.status == 429 and not v.session(),
              "after %d names the lock holds: the right password from %s is not "
              "accepted" % (len(names), who), r.describe)
    # the session's cookie from an address that has no failures of its own
    t2 = Client(srv, source="127.0.0.42")
    t2.jar = dict(t.jar)
    r = totp_post(t2, totp_code(tvictim.secret))
    check(r.status == 429 and not signed_in(t2),
          "after %d names the second factor stays locked: the right code is not "
          "accepted" % len(names), r.describe)
    srv.stop("churn server")


# ---- the lockout is not a denial of service ------------------------------------------

def policy(f, admin, owner):
    srv = Server(f.path)
    home, attacker, elsewhere = "127.0.0.50", "127.0.0.51", "127.0.0.52"
    # the administrator signs in from home once (password + TOTP)
    h = Client(srv, source=home)
    h.login(admin.name, admin.password)
    r = totp_post(h, totp_code(admin.secret))
    check_status(r, 303, "the administrator signs in from home")
    h.logout()
    # an attacker locks the account from another address
    a = Client(srv, source=attacker)
    for i in range(5):
        check_status(a.login(admin.name, "wrong-password-%d" % i), 401,
                     "attacker's wrong password %d" % (i + 1))
    r = a.login(admin.name, "wrong-password-x")
    check_status(r, 429, "the account is locked for the attacker")
    ra = int(r.header("Retry-After") or "0")
    check(0 < ra <= 60, "the first lock lasts at most a minute (Retry-After %d)" % ra, r.describe)
    r = Client(srv, source=elsewhere).login(admin.name, admin.password)
    check_status(r, 429, "the lock holds for an address that never signed in")
    # ... but not for the address the administrator signed in from before
    h = Client(srv, source=home)
    r = h.login(admin.name, admin.password)
    check_eq(r.location, "/login/totp", "from home, the right password during the lock is checked")
    # the code of the next step: the current one was used at the first sign-in
    r = totp_post(h, totp_code(admin.secret, time.time() + 30))
    check(r.status == 303 and signed_in(h),
          "password + TOTP from an address that signed in before passes the lock", r.describe)

    # an address spraying made-up names backs off; it does not lock others out
    spray = "127.0.0.53"
    o = Client(srv, source=spray)
    check_status(o.login(owner.name, owner.password), 303, "the owner signs in from the office")
    for i in range(20):
        r = Client(srv, source=spray).login("made-up-%d" % i, "wrong-password-xx")
        check_status(r, 401, "made-up name %d from the office address" % (i + 1))
    newcomer = f.accounts["auditor"]
    n = Client(srv, source=spray)
    r = n.login(newcomer.name, newcomer.password)
    check_status(r, 429, "a first sign-in from the spraying address waits")
    wait = r.header("Retry-After") or ""
    r = Client(srv, source=spray).login(owner.name, owner.password)
    check(r.status == 303, "after 20 made-up names from an address, a user who signed in from "
          "it before still gets in at once", r.describe)
    check(wait.isdigit() and 0 < int(wait) <= 5, "a short back-off with Retry-After (%r), not a "
          "15-minute refusal" % wait, r.describe)
    time.sleep(int(wait) if wait.isdigit() and int(wait) <= 5 else 2)
    r = n.login(newcomer.name, newcomer.password)
    check(r.status == 303 and n.session(), "after the back-off the correct password gets through",
          r.describe)
    srv.stop("policy server")


# ---- trusted proxies -------------------------------------------------------------------

def proxy(f):
    bad = isms("serve", f.path, "--trusted-proxy", "10.0.0.1,proxy.example", ok=False)
    check(bad.rc == 2 and "proxy.example" in bad.err,
          "a --trusted-proxy entry that is not an address is refused, naming it", bad.describe)
    srv = ServerWith(f.path, extra=["--trusted-proxy", "127.0.0.70,127.0.0.64/31"])
    via = Client(srv, source="127.0.0.70")
    _, tok = via.login_form()
    r = via.post("/login", {"_csrf": tok, "name": "nobody-1", "password": "wrong-password-1"},
                 headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.5"})
    check_status(r, 401, "a failed sign-in through the proxy")
    check_eq(last_address(f), "203.0.113.5",
             "through a trusted proxy the client is the rightmost untrusted X-Forwarded-For hop")
    _, tok = via.login_form()
    via.post("/login", {"_csrf": tok, "name": "nobody-2", "password": "wrong-password-2"},
             headers={"X-Forwarded-For": "203.0.113.6, 127.0.0.65"})
    check_eq(last_address(f), "203.0.113.6", "trusted hops (a CIDR entry) are skipped")
    # two X-Forwarded-For headers (HAProxy adds its own after the client's): read in order
    _, tok = via.login_form()
    body = urllib.parse.urlencode({"_csrf": tok, "name": "nobody-4",
                                   "password": "wrong-password-4"}).encode()
    cookie = "; ".join("%s=%s" % kv for kv in via.jar.items())
    raw = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n"
           b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n"
           b"X-Forwarded-For: 203.0.113.200\r\nX-Forwarded-For: 203.0.113.201\r\n"
           b"Connection: close\r\n\r\n" % (srv.port, cookie.encode(), len(body))) + body
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=REQ_TIMEOUT,
                                    source_address=("127.0.0.70", 0))
    try:
        sock.sendall(raw)
        while sock.recv(65536):
            pass
    finally:
        sock.close()
    check_eq(last_address(f), "203.0.113.201", "of two X-Forwarded-For headers the last counts")
    direct = Client(srv, source="127.0.0.71")
    _, tok = direct.login_form()
    direct.post("/login", {"_csrf": tok, "name": "nobody-3", "password": "wrong-password-3"},
                headers={"X-Forwarded-For": "203.0.113.9"})
    check_eq(last_address(f), "127.0.0.71", "from an untrusted peer the header is ignored")
    # two clients behind the proxy are throttled apart
    for i in range(20):
        x = Client(srv, source="127.0.0.70")
        _, tok = x.login_form()
        r = x.post("/login", {"_csrf": tok, "name": "spray-%d" % i, "password": "wrong-pw-xx"},
                   headers={"X-Forwarded-For": "203.0.113.66"})
        check_status(r, 401, "failure %d of client 203.0.113.66 behind the proxy" % (i + 1))
    acc = f.accounts["manager"]
    for client, want in (("203.0.113.66", 429), ("203.0.113.77", 303)):
        x = Client(srv, source="127.0.0.70")
        _, tok = x.login_form()
        r = x.post("/login", {"_csrf": tok, "name": acc.name, "password": acc.password},
                   headers={"X-Forwarded-For": client})
        check_status(r, want, "behind the proxy, a first sign-in of client %s" % client)
    srv.stop("proxy server")


# ---- the second factor not set up: no password oracle --------------------------------

def oracle(f):
    srv = Server(f.path)
    acc = f.add_account("needs-totp", "staff")
    f.cli("user", "edit", acc.name, "--require-totp", "yes")
    right = Client(srv, source="127.0.0.80").login(acc.name, acc.password)
    wrong = Client(srv, source="127.0.0.81").login(acc.name, "wrong-password-0")
    check_eq((right.status, error_text(right.text)), (wrong.status, error_text(wrong.text)),
             "right and wrong password of an account without its required TOTP: one answer")
    check_eq(error_text(right.text), GENERIC, "the generic message")
    srv.stop("oracle server")


# ---- a read-only file ------------------------------------------------------------------

def readonly(f):
    root = os.geteuid() == 0
    d = tempfile.mkdtemp(prefix="isms-ro-", dir="/tmp")
    try:
        os.chmod(d, 0o755)
        path = os.path.join(d, "ro.isms")
        isms("backup", f.path, path)
        g = IsmsFile(path)
        tok = g.token(f.accounts["manager"].name)
        sql(path, "PRAGMA wal_checkpoint(TRUNCATE)")
        wrap = []
        if root:
            # root writes any file: run the server as nobody instead
            os.chown(d, 65534, 65534)
            wrap = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        for side in ("-wal", "-shm"):
            if os.path.exists(path + side):
                os.unlink(path + side)
        os.chmod(path, 0o444)
        srv = ServerWith(path, wrap=wrap)
        acc = f.accounts["manager"]
        right = Client(srv, source="127.0.0.90").login(acc.name, acc.password)
        wrong = Client(srv, source="127.0.0.91").login(acc.name, "wrong-password-0")
        check(right.status == 503 and "read-only" in (error_text(right.text) or ""),
              "sign-in on a read-only file: 503 saying the file is read-only", right.describe)
        check_eq((wrong.status, error_text(wrong.text)), (right.status, error_text(right.text)),
                 "a wrong password gets the same answer (no oracle)")
        api = Api(srv, tok)
        r = api.post("/api/v1/risks", {"title": "x", "owner": acc.person})
        msg = ((r.json() or {}).get("error") or {}).get("message", "")
        check(r.status == 503 and "read-only" in msg and "ro.isms" in msg,
              "a write to a read-only file says so, naming the file", r.describe)
        check("identifier" not in msg, "not 'allocating an identifier failed'", r.describe)
        srv.stop("read-only server")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---- notices belong to the action ------------------------------------------------------

def notice(f):
    srv = Server(f.path)
    acc = f.accounts["manager"]
    c = Client(srv, source="127.0.0.100")
    c.login_as(acc)
    risk = f.json("risk", "list", "--json")[0]["id"]
    for done in ("accepted", "saved", "created", "approved"):
        r = c.get("/risks/%s?done=%s" % (risk, done))
        check(r.status == 200 and 'class="notice"' not in r.text,
              "a bare ?done=%s shows no confirmation" % done, r.describe)
    r = c.post("/risks/%s/review" % risk, {"_csrf": c.csrf("/risks/" + risk)})
    check_status(r, 303, "reviewing a risk")
    loc = r.location or ""
    r2 = c.get(loc)
    check('class="notice"' in r2.text, "the page after the action shows its confirmation",
              r2.describe)
    other = Client(srv, source="127.0.0.101")
    other.login_as(f.accounts["admin"])
    r3 = other.get(loc)
    check('class="notice"' not in r3.text, "the same link in another session shows nothing",
          r3.describe)
    r4 = c.get(loc.replace(risk, f.json("risk", "list", "--json")[1]["id"]))
    check('class="notice"' not in r4.text, "nor on another page", r4.describe)
    srv.stop("notice server")


# ---- the figure for docs/reliability.md (LOCKOUT_MEASURE=SECONDS) ---------------------

def measure(f, victim, seconds):
    """For SECONDS, one address guesses the victim's password; whenever it is
    refused it sends ten names (most computed to land on the victim's or its
    own slot of the old table, the rest random) and guesses again. Notes how
    many guesses were checked (401) against the policy's 5."""
    srv = Server(f.path)
    src = "127.0.0.45"
    rnd = random.Random(45)
    want_a = djb2_slot("|a|" + victim.name)
    want_i = djb2_slot("|i|" + src)
    pool = []
    while len(pool) < 400:
        name = "".join(rnd.choice(string.ascii_lowercase) for _ in range(10))
        if djb2_slot("|a|" + name) in (want_a, want_i):
            pool.append(name)
    g = Client(srv, source=src)
    _, gtok = g.login_form()
    x = Client(srv, source=src)
    _, tok = x.login_form()
    guesses = checked = names = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, gtok = form_post_fast(g, victim.name, "guess-%d" % guesses, gtok)
        guesses += 1
        if r.status == 401:
            checked += 1
            continue
        for _ in range(10):
            name = rnd.choice(pool) if rnd.random() < 0.7 else "r%08d" % rnd.randrange(10 ** 8)
            _, tok = form_post_fast(x, name, "wrong-password", tok)
            names += 1
    note("measure: in %d s one address sent %d names and %d guesses at %s's password: %d "
         "checked (policy: 5, then one per lock)" % (seconds, names, guesses, victim.name,
                                                      checked))
    srv.stop("measure server")


def section(fn, *args):
    """Runs one part; an exception fails it without skipping the others."""
    try:
        fn(*args)
    except Exception:
        fail("%s: uncaught exception" % fn.__name__, traceback.format_exc())


def main():
    f = demo_file("lockout.isms")
    victim = f.accounts["top-management"]
    tvictim = add_totp_account(f, "totp-victim")
    admin = add_totp_account(f, "totp-admin")
    section(churn, f, victim, tvictim)
    section(policy, f, admin, f.accounts["owner"])
    section(proxy, f)
    section(oracle, f)
    section(notice, f)
    section(readonly, f)
    if os.environ.get("LOCKOUT_MEASURE"):
        section(measure, f, f.accounts["auditor"], int(os.environ["LOCKOUT_MEASURE"]))


run(main)
