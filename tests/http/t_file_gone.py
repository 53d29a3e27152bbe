"""t_file_gone.py — the ISMS file removed (rm) or replaced (mv over it) under
a running server (issue 9, item 7). Writes must not be acknowledged into a
file nobody will ever open again: every worker refuses them with 503 and a
message that says what happened and to restart; /healthz answers 503 with
a JSON reason on every worker; a server started again on the path serves the
file that is there now. Under `serve --dir`, the organization's pages and
the server's /healthz say the same."""

import shutil

from harness import *


def healthz_all(srv, n=24):
    """/healthz on n fresh connections (spread over the workers)."""
    out = []
    for i in range(n):
        r = Client(srv).get("/healthz")
        out.append((r.status, r.json()))
    return out


def gone_checks(srv, api, owner, how, prefix=""):
    r = api.post(prefix + "/api/v1/risks", {"title": "after %s" % how, "owner": owner})
    check_status(r, 503, "a create after %s is refused" % how)
    msg = ((r.json() or {}).get("error") or {}).get("message", "")
    check("removed or replaced" in msg and "restart" in msg.lower(),
          "the 503 says the file was removed or replaced, and to restart", r.describe)
    for i in range(8):
        r = api.post(prefix + "/api/v1/risks", {"title": "again %d" % i, "owner": owner})
        if not check_status(r, 503, "every worker refuses the create after %s" % how):
            break
    r = api.get(prefix + "/api/v1/risks?limit=5")
    check_status(r, 503, "an API read after %s is refused too" % how)
    res = healthz_all(srv) if not prefix else [
        (x.status, x.json()) for x in (Client(srv).get(prefix + "/healthz") for i in range(12))]
    bad = [x for x in res if x[0] != 503 or not isinstance(x[1], dict) or
           x[1].get("status") == "ok" or "removed or replaced" not in x[1].get("reason", "")]
    check(not bad, "/healthz answers 503 with a reason on every worker after %s" % how, bad[:4])


def main():
    f = demo_file("d.isms")
    tok = f.token(f.accounts["manager"].name)
    owner = f.accounts["manager"].person
    keep = "keep.isms"
    shutil.copy(f.path, keep)  # a copy with the same accounts and token

    # ---- rm ----------------------------------------------------------------------------------
    srv = Server(f.path, threads=4)
    api = Api(srv, tok)
    check_status(api.post("/api/v1/risks", {"title": "before rm", "owner": owner}), 201,
                 "a create before the file is removed")
    check(all(x[0] == 200 for x in healthz_all(srv, 8)), "healthy before")
    os.unlink(f.path)
    gone_checks(srv, api, owner, "rm")
    m = Client(srv)
    r = m.get("/login")
    check_status(r, 503, "the sign-in page says the file is gone")
    check("removed or replaced" in r.text, "the page says what happened", r.describe)
    check_status(m.get("/static/style.css"), 200, "the error page keeps its style sheet")
    check(srv.alive(), "the server keeps running")
    srv.stop()
    wal = f.path + "-wal"
    check(not os.path.exists(wal) or os.path.getsize(wal) == 0,
          "no WAL of the removed file is left at the path for a file put there later")

    # ---- mv over it ------------------------------------------------------------------------
    shutil.copy(keep, f.path)
    srv = Server(f.path, threads=4)
    api = Api(srv, tok)
    check_status(api.post("/api/v1/risks", {"title": "before mv", "owner": owner}), 201,
                 "a create before the file is replaced")
    shutil.copy(keep, "other.isms")
    os.rename("other.isms", f.path)  # what a restore or a careless copy does
    gone_checks(srv, api, owner, "mv over the file")
    srv.stop()
    check(not os.path.exists(wal) or os.path.getsize(wal) == 0,
          "the replaced file's WAL (its last writes) is not left for the new file to take")
    isms("-f", f.path, "verify")
    # started again: the file now at the path, which never saw those writes
    srv = Server(f.path, threads=2)
    api = Api(srv, tok)
    check_status(api.post("/api/v1/risks", {"title": "after restart", "owner": owner}), 201,
                 "after a restart the file now at the path is served")
    titles = [x.get("title") for x in api_items(api.get("/api/v1/risks?limit=500").json()) or []]
    check("before mv" not in titles and "after restart" in titles,
          "the server serves the replacing file after the restart")
    srv.stop()

    # ---- serve --dir ---------------------------------------------------------------------------
    os.mkdir("orgs")
    shutil.copy(keep, "orgs/a.isms")
    shutil.copy(keep, "orgs/b.isms")
    srv = Server(dir="orgs", threads=2)
    api = Api(srv, tok)
    check_status(Client(srv).get("/healthz"), 200, "--dir: healthy with every file in place")
    check_status(api.post("/o/a/api/v1/risks", {"title": "a", "owner": owner}), 201,
                 "--dir: a create in a")
    os.unlink("orgs/b.isms")
    gone_checks(srv, api, owner, "rm of one organization's file", prefix="/o/b")
    check_status(api.post("/o/a/api/v1/risks", {"title": "a2", "owner": owner}), 201,
                 "--dir: the other organization keeps working")
    r = Client(srv).get("/healthz")
    check(r.status == 503 and "b.isms" in ((r.json() or {}).get("reason") or ""),
          "--dir: the server's /healthz names the missing file", r.describe)
    srv.stop()


run(main)
