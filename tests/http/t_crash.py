"""t_crash.py — crash safety: the real server under concurrent writers
(creating risks and editing them through the API) is killed with SIGKILL at
random moments, many times, and restarted on the same file. After every
restart: every write the server acknowledged is there, nothing is
half-present, and `isms verify` passes (history chain, records against their
history, PRAGMA integrity_check). CRASH_KILLS sets the number of kills
(make soak runs many more)."""
import os
import random
import signal
import threading

from harness import *

KILLS = int(os.environ.get("CRASH_KILLS", "6"))


def main():
    f = demo_file("crash.isms")
    admin = f.accounts["admin"]
    tok = f.token(admin.name)
    rnd = random.Random(int(os.environ.get("CRASH_SEED", "27001")))
    acked = {}      # id -> title acknowledged by a 201
    edits = {}      # id -> notes acknowledged by a 200
    lock = threading.Lock()
    total_writes = 0
    for k in range(KILLS):
        srv = Server(f.path, threads=2)
        api = Api(srv, tok)
        stop = threading.Event()

        def writer(n):
            nonlocal total_writes
            i = 0
            while not stop.is_set():
                title = "crash %d-%d-%d" % (k, n, i)
                try:
                    r = api.post("/api/v1/risks", {"title": title, "owner": "P-0001",
                                                    "likelihood": 1 + i % 5, "consequence": 3})
                except Exception:
                    return  # the server died under us: not acknowledged
                if r.status == 201:
                    rid = r.json()["id"]
                    with lock:
                        acked[rid] = title
                        total_writes += 1
                    try:
                        note_text = "edit %d" % i
                        r2 = api.patch("/api/v1/risks/" + rid, {"notes": note_text})
                        if r2.status == 200:
                            with lock:
                                edits[rid] = note_text
                                total_writes += 1
                    except Exception:
                        return
                i += 1

        # eight writers: the group commit has company to group (group.c)
        ts = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for t in ts:
            t.start()
        time.sleep(rnd.uniform(0.2, 1.2))
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(10)
        srv.stopped = True  # killed on purpose: no SIGTERM checks
        stop.set()
        for t in ts:
            t.join(30)

        v = isms("-f", f.path, "verify", ok=False)
        check(v.rc == 0, "after kill %d: verify passes" % (k + 1), v.describe())
        risks = {r["id"]: r for r in isms("-f", f.path, "risk", "list", "--json").json()}
        lost = [rid for rid in acked if rid not in risks]
        check(not lost, "after kill %d: every acknowledged risk is present" % (k + 1), lost[:5])
        wrong = [rid for rid, t in acked.items() if rid in risks and risks[rid]["title"] != t]
        check(not wrong, "after kill %d: acknowledged titles intact" % (k + 1), wrong[:5])
        lost_edit = [rid for rid, n in edits.items() if risks.get(rid, {}).get("notes") != n]
        check(not lost_edit, "after kill %d: acknowledged edits present" % (k + 1), lost_edit[:5])
        half = [rid for rid, r in risks.items()
                if r["title"].startswith("crash ") and (not r["owner"] or not r["score"])]
        check(not half, "after kill %d: no half-written risk" % (k + 1), half[:5])
    note("%d kills survived, %d acknowledged writes checked (%d risks, %d edits)" %
         (KILLS, total_writes, len(acked), len(edits)))


run(main)
