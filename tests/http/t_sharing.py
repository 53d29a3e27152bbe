"""t_sharing.py — the command line and the server share one ISMS file, as
they do when an administrator runs `isms user edit` or `isms risk add` next
to `isms serve`: what one writes, the other sees at once, and nothing either
wrote is lost when the server stops. The server runs with several worker
threads, each with its own connection to the file (the default on a
machine with several CPUs), all of which are opened before the CLI runs."""
import threading

from harness import *


def warm(srv, acc, n=12):
    """Enough parallel sign-ins (each keeps its worker busy with Argon2id for
    a while) that every worker thread opens its own connection to the file."""
    ts = [threading.Thread(target=lambda: Client(srv).login(acc.name, acc.password))
          for _ in range(n)]
    ts += [threading.Thread(target=lambda: Client(srv).get("/healthz")) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)


def signed_in(c):
    r = c.get("/")
    return not (r.status == 303 and (r.location or "").startswith("/login"))


def main():
    f = demo_file("share.isms")
    srv = Server(f.path, threads=4)
    staff, mgr = f.accounts["staff"], f.accounts["manager"]
    warm(srv, mgr)

    # the CLI disables an account: its open sessions end at once, on every worker
    s = Client(srv)
    s.login_as(staff)
    f.cli("user", "edit", staff.name, "--disabled", "yes")
    outs = [signed_in(s) for _ in range(8)]
    check(not any(outs), "a session of an account disabled with the CLI ends at once "
          "(signed in on %d of 8 requests)" % sum(outs))
    check_status(Client(srv).login(staff.name, staff.password), 401,
                 "the disabled account cannot sign in")
    f.cli("user", "edit", staff.name, "--disabled", "no")

    # the CLI adds an account: it can sign in at once
    new = f.add_account("added-while-serving", "auditor", mgr.person)
    ok = [Client(srv).login(new.name, new.password).status for _ in range(4)]
    check(ok == [303] * 4, "an account added with the CLI signs in (got %s)" % ok)

    # what the server writes, the CLI sees at once
    c = Client(srv)
    c.login_as(mgr)
    n = sql(f.path, "SELECT count(*) FROM session WHERE account = "
                    "(SELECT id FROM account WHERE name = '%s')" % mgr.name).strip()
    check(n not in ("", "0"), "a session the server stored is in the file (sqlite3 sees %s)" % n)
    tok = f.token(mgr.name, "sharing")
    r = Api(srv, tok).post("/api/v1/risks", {"title": "written by the server", "owner": mgr.person})
    if not pending(r, "POST /api/v1/:type") and check_status(r, 201, "a risk through the API"):
        rid = (r.json() or {}).get("id")
        shown = f.cli("risk", "show", rid, ok=False)
        check(shown.rc == 0, "the CLI sees the risk the server wrote (%s)" % rid, shown.describe)

    # what the CLI writes, the server sees at once
    rid2 = f.add("risk", title="written by the CLI while serving", owner=mgr.person)
    got = [Api(srv, tok).get("/api/v1/risks/" + rid2).status for _ in range(6)]
    check(got == [200] * 6, "the server sees the risk the CLI wrote on every worker (got %s)"
          % got)

    # interleaved writes, then a stop: nothing lost
    f.add_account("second-while-serving", "staff")
    c2 = Client(srv)
    c2.login_as(mgr)
    f.add("asset", name="asset written by the CLI", kind="information", owner=mgr.person,
          status="active")
    Api(srv, tok).post("/api/v1/risks", {"title": "second by the server", "owner": mgr.person})
    srv.stop()
    events = sql(f.path, "SELECT group_concat(event || ':' || coalesce(account, ''), ' ') "
                         "FROM security_log")
    for want in ("account-add:added-while-serving", "account-add:second-while-serving",
                 "account-change:%s" % staff.name):
        check(want in events, "after the stop the security log still has %s" % want,
              lambda: events[-600:])
    names = sql(f.path, "SELECT group_concat(name, ' ') FROM account")
    check("second-while-serving" in names, "the account added while serving is kept", names)
    for what, q in (("the asset the CLI wrote", "asset written by the CLI"),
                    ("the risk the CLI wrote", "written by the CLI while serving"),
                    ("the risk the server wrote", "second by the server")):
        lst = f.json("asset" if "asset" in what else "risk", "list", "--json") or []
        check(any(q in (x.get("name") or x.get("title") or "") for x in lst),
              "after the stop the file holds %s" % what)
    v = isms("verify", f.path, ok=False)
    check(v.rc == 0, "the file verifies", v.describe)
    ic = sql(f.path, "PRAGMA integrity_check").strip()
    check_eq(ic, "ok", "SQLite integrity_check")


run(main)
