"""t_derived.py — results kept between requests are never stale. A server
keeps the dashboard's cards, each readiness item and each task source's
tasks with the tables they were computed from, and drops exactly those a
later write changed (src/store/store_track.c, src/app/derived.c). Here one
long-running server (one thread: one connection, one cache) answers after
each of a series of writes made by other processes (the CLI), and its
answers are compared with what a fresh process computes from the same file:
the readiness report and the task list equal the CLI's, and the dashboard's
cards equal those of a second server started after the writes. The file
records which tables each journaled transaction changed (history_tables),
and a gap in that record (a write by an older program) drops everything."""
import json
import re

from harness import *

CARDS = re.compile(r'<div class="cards">.*', re.S)


def cards(resp):
    m = CARDS.search(resp.text if resp.status == 200 else "")
    return m.group(0) if m else ""


def main():
    f = demo_file("derived.isms")
    mgr = f.accounts["manager"]
    token = f.token(mgr.name, "derived")
    srv = Server(f.path, threads=1)
    api = Api(srv, token)

    def as_mgr(*args):
        c = f.cli(*args, "--as", mgr.name, input=mgr.password + "\n")
        try:
            return json.loads(c.out)
        except ValueError:
            fail("isms %s --as: not JSON" % " ".join(args), c.describe())
            return {}

    def agree(what):
        """The long-running server's answers equal a fresh computation."""
        r = api.get("/api/v1/readiness")
        check_status(r, 200, "GET /api/v1/readiness (%s)" % what)
        cli = as_mgr("readiness", "--json")
        got = r.json() if r.status == 200 else {}
        check(got == cli, "after %s: the server's readiness equals the CLI's" % what,
              lambda: "server %s%% vs cli %s%%" % (got.get("percent"), cli.get("percent")))
        r = api.get("/api/v1/tasks")
        cli = as_mgr("tasks", "--all", "--json")
        got = r.json() if r.status == 200 else {}
        check(got.get("tasks") == cli.get("tasks"),
              "after %s: the server's task list equals the CLI's (%s tasks)" %
              (what, cli.get("count")),
              lambda: "server %s vs cli %s" % (got.get("count"), cli.get("count")))
        warm = cards(api.get("/"))
        fresh_srv = Server(f.path, threads=1)
        fresh = cards(Api(fresh_srv, token).get("/"))
        fresh_srv.stop("fresh server")
        check(warm and warm == fresh,
              "after %s: the dashboard's cards equal a fresh server's" % what,
              lambda: "warm %d bytes, fresh %d bytes" % (len(warm), len(fresh)))
        return warm

    # fill every cache, then change one kind of record at a time
    before = agree("nothing")
    r0 = f.json("risk", "list", "--json")[0]["id"]
    f.cli("risk", "edit", r0, "--likelihood", "1", "--consequence", "1")
    after = agree("a risk's rating")
    check(after != before, "the dashboard changed with the risk's rating (heat map, levels)")
    f.cli("risk", "add", "--title", "Derived <b>new</b> risk", "--owner", mgr.person,
          "--likelihood", "5", "--consequence", "5", "--status", "identified")
    agree("a new risk")
    t = f.add("training", title="Derived training", kind="awareness", status="completed",
              attendees=mgr.person)
    agree("a completed awareness training")
    f.cli("training", "edit", t, "--notes", "only notes changed")
    agree("an update of notes only")
    d = f.json("document", "list", "--json")[0]["id"]
    f.cli("document", "edit", d, "--review-date", "2001-01-01")
    agree("a document's review date in the past")
    f.add("nonconformity", title="Derived NC", description="found", source="internal-audit",
          owner=mgr.person, due_date="2001-02-03")
    agree("a nonconformity overdue")
    f.cli("risk", "retire", r0)
    agree("a retired risk")

    # ---- the record of what changed -----------------------------------------------------
    last = sql(f.path, "SELECT tables FROM history_tables ORDER BY last_seq DESC LIMIT 1").strip()
    check("risk" in last.split(",") and "history" in last.split(","),
          "history_tables names the tables the last write changed", last)
    seqs = sql(f.path, "SELECT count(*) FROM history_tables t WHERE NOT EXISTS "
                       "(SELECT 1 FROM history h WHERE h.seq = t.last_seq)").strip()
    check(seqs == "0", "every history_tables row ends at a history entry", seqs)
    # a write that says nothing of its tables (an older program): all is recomputed
    f.cli("risk", "edit", f.json("risk", "list", "--json")[1]["id"], "--likelihood", "2")
    sql(f.path, "DELETE FROM history_tables WHERE last_seq = (SELECT max(last_seq) FROM "
                "history_tables)")
    agree("a write whose tables were not recorded")
    c = f.cli("verify")
    check("ok" in c.out, "verify passes", c.describe())
    srv.stop()


run(main)
