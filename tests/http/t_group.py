"""t_group.py — group commit (src/http/group.c): many clients writing at
once through the API, a quarter of their requests invalid. Every
acknowledged write is there with exactly its history entry, every refused
one wrote nothing (a failing request never undoes another's: savepoints),
a client reads its own write at once after the answer (answers leave after
the commit), the requests really shared commits (the server's count at
SIGTERM), `isms verify` passes; and with --group-commit off the same holds,
one commit each."""
import re
import threading

from harness import *

CLIENTS = 16
EACH = 24


def history_count(path):
    return int(sql(path, "SELECT count(*) FROM history").strip())


def run_clients(srv, tok, rids, label):
    api = Api(srv, tok)
    last = {}             # rid -> notes acknowledged last
    acked = [0]
    refused = [0]
    bad = []              # what went wrong, described
    lock = threading.Lock()

    def client(n):
        rid = rids[n]
        a = Api(srv, tok)
        for i in range(EACH):
            if i % 4 == 3:
                # invalid: a likelihood off the scale; nothing may change
                r = a.patch("/api/v1/risks/" + rid, {"likelihood": 99, "notes": "never %d" % i})
                if r.status < 400 or r.status >= 500:
                    with lock:
                        bad.append("%s: invalid PATCH answered %d" % (rid, r.status))
                else:
                    with lock:
                        refused[0] += 1
                continue
            text = "%s %d-%d" % (label, n, i)
            r = a.patch("/api/v1/risks/" + rid, {"notes": text})
            if r.status != 200:
                with lock:
                    bad.append("%s: PATCH answered %d %s" % (rid, r.status, r.text[:200]))
                continue
            with lock:
                acked[0] += 1
                last[rid] = text
            g = a.get("/api/v1/risks/" + rid)
            if g.status != 200 or g.json().get("notes") != text:
                with lock:
                    bad.append("%s: read after the answer saw %r, not %r" %
                               (rid, g.json().get("notes") if g.status == 200 else g.status,
                                text))

    ts = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    return api, last, acked[0], refused[0], bad


def one_mode(f, tok, rids, mode):
    before = history_count(f.path)
    # many clients from one address: the per-address cap is not under test here
    srv = Server(f.path, threads=2, extra=["--group-commit", mode, "--per-address", "0"])
    api, last, acked, refused, bad = run_clients(srv, tok, rids, mode)
    check(not bad, "group commit %s: every valid write answered 200 and read back at once, "
          "every invalid one refused 4xx" % mode, bad[:5])
    check_eq(acked, CLIENTS * EACH * 3 // 4, "group commit %s: writes acknowledged" % mode)
    check_eq(refused, CLIENTS * EACH // 4, "group commit %s: invalid writes refused" % mode)
    for rid, text in last.items():
        r = api.get("/api/v1/risks/" + rid)
        check(r.status == 200 and r.json().get("notes") == text,
              "group commit %s: %s holds its last acknowledged notes" % (mode, rid), r.describe)
    srv.stop()
    err = srv.stderr()
    m = re.search(r"(\d+) writing requests acknowledged in (\d+) commits", err)
    if mode == "on":
        check(m is not None, "group commit on: the server reports its commits at SIGTERM",
              err[-1500:])
        if m:
            n, commits = int(m.group(1)), int(m.group(2))
            # the refused requests ran inside open transactions too
            check(n >= acked, "group commit on: the count covers the acknowledged writes",
                  "%d < %d" % (n, acked))
            check(commits < acked, "group commit on: writes shared commits (%d writes in %d "
                  "commits)" % (acked, commits))
            note("group commit on: %d writing requests in %d commits" % (n, commits))
    else:
        check(m is None, "group commit off: no group commits", err[-1500:])
    after = history_count(f.path)
    check_eq(after - before, acked, "group commit %s: one history entry per acknowledged "
             "write, none for a refused one" % mode)
    v = isms("-f", f.path, "verify", ok=False)
    check(v.rc == 0, "group commit %s: verify passes (history chain, records)" % mode,
          v.describe())


def main():
    f = demo_file("group.isms")
    admin = f.accounts["admin"]
    tok = f.token(admin.name)
    rids = [f.add("risk", title="group %d" % n, owner="P-0001", likelihood="2",
                  consequence="3") for n in range(CLIENTS)]
    one_mode(f, tok, rids, "on")
    one_mode(f, tok, rids, "off")
    bad = isms("-f", f.path, "serve", "--group-commit", "sometimes", ok=False)
    check(bad.rc != 0 and "--group-commit" in bad.err, "serve --group-commit with a bad value "
          "is refused, naming the option", bad.describe())


run(main)
