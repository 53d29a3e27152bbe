"""t_backup.py — `isms backup` takes a consistent copy while the server is
writing, and the copy verifies; `isms restore` refuses a corrupt or foreign
file and writes nothing then."""
import os
import threading

from harness import *


def main():
    f = demo_file("live.isms")
    srv = Server(f.path, threads=2)
    admin = f.accounts["admin"]
    tok = f.token(admin.name)
    api = Api(srv, tok)
    stop = threading.Event()
    acked = []

    def writer(n):
        i = 0
        while not stop.is_set() and i < 400:
            r = api.post("/api/v1/risks", {"title": "load %d-%d" % (n, i), "owner": "P-0001"})
            if r.status == 201:
                acked.append(r.json()["id"])
            i += 1

    ts = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in ts:
        t.start()
    copies = []
    for k in range(3):
        out = "copy%d.isms" % k
        c = isms("-f", f.path, "backup", out, ok=False)
        check(c.rc == 0, "backup %d while writers run succeeds" % k, c.describe())
        copies.append(out)
    stop.set()
    for t in ts:
        t.join(120)
    srv.stop()
    check(len(acked) > 0, "the writers were acknowledged writes during the backups", len(acked))
    for out in copies:
        v = isms("-f", out, "verify", ok=False)
        check(v.rc == 0, "%s verifies" % out, v.describe())
    # the last copy holds only whole records: every risk it has is complete
    risks = isms("-f", copies[-1], "risk", "list", "--json").json()
    check(all(r["title"] and r["owner"] for r in risks), "the copy has no half-written risk")
    final = isms("-f", f.path, "risk", "list", "--json").json()
    have = {r["id"] for r in final}
    check(all(a in have for a in acked), "every acknowledged write is in the file",
          [a for a in acked if a not in have][:5])

    # restore: a good copy into a new file verifies; refusals write nothing
    r = isms("restore", copies[-1], "restored.isms", ok=False)
    check(r.rc == 0 and os.path.exists("restored.isms"), "restore of a good copy", r.describe())
    check(isms("-f", "restored.isms", "verify", ok=False).rc == 0, "the restored file verifies")
    r = isms("restore", copies[-1], "restored.isms", ok=False)
    check(r.rc == 5, "restore over an existing file is refused", r.describe())
    with open("foreign.isms", "w") as fh:
        fh.write("not a database\n")
    r = isms("restore", "foreign.isms", "r2.isms", ok=False)
    check(r.rc != 0 and not os.path.exists("r2.isms"), "a foreign file is refused", r.describe())
    sql(copies[0], "DROP TRIGGER history_append_only_u; "
                   "UPDATE history SET actor = 'mallory' WHERE seq = 20")
    r = isms("restore", copies[0], "r3.isms", ok=False)
    check(r.rc != 0 and not os.path.exists("r3.isms") and "does not verify" in r.err,
          "a tampered backup is refused", r.describe())


run(main)
