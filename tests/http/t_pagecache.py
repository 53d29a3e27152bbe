"""t_pagecache.py — whole answers kept per worker (src/http/pagecache.c)
are never another reader's and never stale: the same page asked again by
the same account is the same; another account, another session of the same
account, a scoped token, a signed-out browser or a disabled account each get
their own answer (every check runs before a kept answer is used); a change
made by another process (the CLI) shows at once."""
from harness import *


def main():
    f = demo_file("pc.isms")
    mgr, adm, staff = f.accounts["manager"], f.accounts["admin"], f.accounts["staff"]
    srv = Server(f.path, threads=1)  # one worker: every request meets the same cache

    # every browser signs in first: a sign-in writes (a session), which moves
    # the file's data version and would empty the cache between the asks
    a, b, c, s = Client(srv), Client(srv), Client(srv), Client(srv)
    a.login_as(mgr)
    b.login_as(mgr)  # a second session of the same account
    c.login_as(adm)
    s.login_as(staff)
    r1, r2, r2b = a.get("/risks/R-0001"), a.get("/risks/R-0001"), a.get("/risks/R-0001")
    check(r1.status == 200 and r1.body == r2.body == r2b.body,
          "the same page asked three times is the same", r1.describe)
    # the second and third answers are the kept one, sent through the response
    # built for it once: the same headers as the page the handler rendered
    for h in ("Content-Type", "Content-Security-Policy", "Cache-Control",
              "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        check(r1.header(h) and r1.header(h) == r2.header(h) == r2b.header(h),
              "a kept answer has the rendered page's %s" % h, (r1.header(h), r2b.header(h)))
    check(r2b.header("Cache-Control") == "no-store", "... no-store: never in a shared cache",
          r2b.header("Cache-Control"))
    csrf_a = hidden_value(r1.text, "_csrf")

    rb = b.get("/risks/R-0001")
    csrf_b = hidden_value(rb.text, "_csrf")
    check(rb.status == 200 and csrf_a and csrf_b and csrf_a != csrf_b,
          "another session of the same account gets its own CSRF token, not the kept page's",
          (csrf_a, csrf_b))

    rc = c.get("/risks/R-0001")
    check(rc.status == 200 and adm.name in rc.text and mgr.name not in rc.text,
          "another account gets its own page (its name, not the manager's)", rc.describe)

    rs = s.get("/risks")
    check_status(rs, 403, "staff are refused the register the manager's answer was kept for")
    a.get("/risks")
    check_status(s.get("/risks"), 403, "... also after the manager asked it again")

    anon = Client(srv).get("/risks/R-0001")
    check(anon.status == 303 and "/login" in (anon.location or ""),
          "signed out: sent to sign in, never the kept page", anon.describe)

    full = Api(srv, f.token(mgr.name, "full"))
    scoped = Api(srv, f.cli("token", "add", mgr.name, "--name", "m", "--types",
                            "measurement").out.strip())
    check_status(full.get("/api/v1/risks/R-0001"), 200, "a full token reads the risk")
    check_status(full.get("/api/v1/risks/R-0001"), 200, "... twice")
    check_status(scoped.get("/api/v1/risks/R-0001"), 403,
                 "a token limited to measurements is refused the risk the same URL kept")

    # the token's authentication is kept for the rest of the second on the
    # same file state (accounts.c): a revocation by another process moves it
    check_status(full.get("/api/v1/risks/R-0001"), 200, "the full token again, its sign-in kept")
    listed = f.cli("token", "list").out.splitlines()
    tid = [ln.split()[0] for ln in listed if len(ln.split()) > 2 and ln.split()[2] == "full"][0]
    f.cli("token", "revoke", tid)
    check_status(full.get("/api/v1/risks/R-0001"), 401,
                 "a token revoked by another process is refused at once, kept sign-in or not")

    f.cli("risk", "edit", "R-0001", "--title", "Changed by the CLI zq9")
    r3 = a.get("/risks/R-0001")
    check(r3.status == 200 and "Changed by the CLI zq9" in r3.text,
          "a change made by another process shows at once", r3.describe)
    check(r3.body != r2.body, "... so the kept answer was not used")

    f.cli("user", "edit", mgr.name, "--disabled", "yes")
    r4 = a.get("/risks/R-0001")
    check(r4.status == 303 and "/login" in (r4.location or ""),
          "a disabled account's session is signed out, never answered from the kept page",
          r4.describe)
    srv.stop()


run(main)
