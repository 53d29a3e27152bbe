"""t_shutdown.py — SIGTERM (and SIGINT) while requests are in flight: the
server stops accepting, lets the request in flight finish (a slow upload
completed after the signal gets its answer), exits 0 within the bound, and
leaves a file that passes `isms verify` and holds every write it
acknowledged. Then it starts again on the same file."""
import threading

from harness import *


def slow_upload_start(port, tok, body):
    """Sends the headers and the first half of a POST; returns the socket."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = ("POST /api/v1/risks HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (port, tok, len(body))).encode()
    s.sendall(head + body[:len(body) // 2])
    return s


def read_all(s):
    out = []
    while True:
        try:
            b = s.recv(65536)
        except (OSError, socket.timeout):
            break
        if not b:
            break
        out.append(b)
    return b"".join(out)


def wait_for(pred, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def under_load(f, tok, sig, name):
    srv = Server(f.path, threads=4)
    owner = f.accounts["manager"].person
    n0 = len(api_items(Api(srv, tok).get("/api/v1/risks?limit=500").json()) or [])
    slow_body = json.dumps({"title": "slow upload across %s" % name, "owner": owner}).encode()
    slow = slow_upload_start(srv.port, tok, slow_body)
    slow2_body = json.dumps({"title": "second slow upload across %s" % name,
                             "owner": owner}).encode()
    slow2 = slow_upload_start(srv.port, tok, slow2_body)
    acked, attempted, errors = [], [0], []
    lock = threading.Lock()
    stop = threading.Event()

    def worker(k):
        api = Api(srv, tok, timeout=5)
        for i in range(400):
            if stop.is_set():
                return
            try:
                with lock:
                    attempted[0] += 1
                r = api.post("/api/v1/risks", {"title": "load %s %d-%d" % (name, k, i),
                                               "owner": owner})
                if r.status == 201:
                    acked.append((r.json() or {}).get("id"))
                elif r.status not in (503,):
                    errors.append(r.describe())
                api.get("/api/v1/risks?limit=5")
            except OSError:
                pass  # the server went away under us: expected after the signal

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for w in workers:
        w.start()
    check(wait_for(lambda: len(acked) >= 20, 60), "%s: writes are acknowledged under load" % name)
    srv.proc.send_signal(sig)
    check(wait_for(lambda: "received" in srv.stderr(), 15),
          "%s: the server says it received the signal" % name, srv.stderr()[-2000:])
    stop.set()  # the clients wind down in the background
    # no new connections once stopping (the uploads in flight keep it stopping)
    alive = srv.alive()
    t0 = time.monotonic()
    try:
        got = raw_request(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close"
                                    b"\r\n\r\n", timeout=3)
        how = "answered: %r" % got[:60] if got else \
            "accepted, then nothing for %.1f s" % (time.monotonic() - t0)
    except OSError as e:
        got, how = None, "refused (%s)" % e.__class__.__name__
    if alive:
        check(got is None, "%s: after the signal a new connection is refused at once "
              "(the listening socket is closed)" % name, how)
    # the requests in flight finish
    for sock, body, which in ((slow, slow_body, "first"), (slow2, slow2_body, "second")):
        try:
            sock.sendall(body[len(body) // 2:])
            answer = read_all(sock)
        except OSError as e:
            answer = str(e).encode()
        sock.close()
        check(answer.startswith(b"HTTP/1.1 201"),
              "%s: the %s upload in flight at the signal is completed and answered (%.1f s "
              "after the signal)" % (name, which, time.monotonic() - t0), answer[:500])
    for w in workers:
        w.join(60)
    check(not any(w.is_alive() for w in workers), "%s: the clients finished" % name)
    check(not errors, "%s: no request failed before the signal (other than by closing)" % name,
          lambda: errors[0])
    rc = srv.stop(name + " server")
    err = srv.stderr()
    check("stopped" in err, "%s: the server says it stopped" % name, err[-2000:])
    check("MHD_USE_ITC" not in err and "requires" not in err,
          "%s: libmicrohttpd reports no error while stopping" % name,
          "\n".join(l for l in err.splitlines() if "MHD" in l or "requires" in l))
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
        closed = False
    except OSError:
        closed = True
    check(closed, "%s: the port is closed after exit" % name)
    v = isms("verify", f.path, ok=False)
    check(v.rc == 0, "%s: the file passes isms verify after the stop" % name, v.describe)
    risks = {r["id"] for r in f.json("risk", "list", "--json") or []}
    lost = [x for x in acked if x not in risks]
    check(not lost, "%s: every acknowledged write is in the file (%d acknowledged)" %
          (name, len(acked)), lambda: "lost: %s" % lost[:10])
    check(len(risks) <= n0 + attempted[0] + 2, "%s: no write that was never asked for" % name,
          lambda: "%d risks, %d before, %d writes asked for" % (len(risks), n0, attempted[0] + 2))
    return srv


def main():
    f = demo_file("stop.isms")
    tok = f.token(f.accounts["manager"].name, "shutdown")
    under_load(f, tok, signal.SIGTERM, "SIGTERM")
    under_load(f, tok, signal.SIGINT, "SIGINT")
    # it starts again on the same file and still has everything
    srv = Server(f.path)
    r = Api(srv, tok).get("/api/v1/risks?q=slow%20upload&limit=10")
    check(r.status == 200 and len(api_items(r.json()) or []) == 4,
          "after a restart the server has the 4 uploads finished during shutdowns", r.describe)
    # an idle server stops at once
    t0 = time.monotonic()
    srv.stop("idle server")
    check(time.monotonic() - t0 < 5, "an idle server stops within 5 s of SIGTERM (%.1fs)"
          % (time.monotonic() - t0))


run(main)
