"""t_webhook.py — outgoing webhooks (src/app/webhook.c): a loopback target is
refused until `webhook set --allow loopback`; a record change made through
the API is delivered by the server's timer thread to a real HTTP receiver
(python http.server on loopback) with X-Isms-Signature: sha256=HMAC that
verifies with the secret, a JSON body naming event, type, ref, actor, time
and the change; a webhook for other types gets nothing; a target that
accepts and never answers does not slow the write (the request returns
promptly), the log shows the timeout and a retry after the back-off; a
removed webhook gets nothing more."""
import http.server
import threading

from harness import *

SECRET = "s3cret-for-the-hmac-0123456789"
received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


def hanging_server():
    """Accepts connections and never answers (holds them open)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    held = []

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            held.append(c)

    threading.Thread(target=loop, daemon=True).start()
    return s.getsockname()[1], held


def wait_for(pred, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return pred()


def main():
    f = demo_file("hooks.isms")
    mgr = f.accounts["manager"]
    rx = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=rx.serve_forever, daemon=True).start()
    rport = rx.server_address[1]
    hport, held = hanging_server()

    # ---- targets: loopback refused until allowed ------------------------------------
    c = f.cli("webhook", "add", "http://127.0.0.1:%d/hook" % rport, "--secret-stdin",
              input=SECRET + "\n", ok=False)
    check(c.rc == 3 and "loopback" in c.err, "a loopback target is refused by default", c.describe())
    c = f.cli("webhook", "add", "http://169.254.169.254/latest", "--secret-stdin",
              input=SECRET + "\n", ok=False)
    check(c.rc == 3 and "link-local" in c.err, "the metadata address is refused", c.describe())
    c = f.cli("webhook", "add", "ftp://example.org/x", "--secret-stdin", input=SECRET + "\n",
              ok=False)
    check(c.rc == 3 and "url" in c.err, "only http(s)", c.describe())
    c = f.cli("webhook", "add", "http://example.org/x", "--secret-stdin", input="short\n",
              ok=False)
    check(c.rc == 3 and "secret" in c.err, "a short secret is refused", c.describe())
    c = f.cli("webhook", "add", "http://example.org/x", "--secret-stdin", "--types", "nosuch",
              input=SECRET + "\n", ok=False)
    check(c.rc == 3 and "nosuch" in c.err, "an unknown type is refused", c.describe())
    f.cli("webhook", "set", "--allow", "loopback", "--timeout", "2", "--retry", "1")
    c = f.cli("webhook", "add", "http://127.0.0.1:%d/hook" % rport, "--secret-stdin",
              "--types", "risk", input=SECRET + "\n")
    good = int(re.search(r"webhook (\d+)", c.out).group(1))
    c = f.cli("webhook", "add", "http://127.0.0.1:%d/hang" % hport, "--secret-stdin",
              "--types", "asset", input=SECRET + "-hang\n")
    hang = int(re.search(r"webhook (\d+)", c.out).group(1))
    lst = f.json("webhook", "list", "--json")
    check([h["id"] for h in lst] == [good, hang] and SECRET not in json.dumps(lst),
          "webhook list: both, without their secrets", lst)

    os.environ["ISMS_TIMER_SECONDS"] = "1"
    srv = Server(f.path, threads=2)
    api = Api(srv, f.token(mgr.name, "t"))

    # ---- a change to a hanging target's type: the write returns promptly ------------------
    t0 = time.monotonic()
    r = api.post("/api/v1/assets", {"name": "Webhook test laptop", "kind": "hardware",
                                    "owner": mgr.person})
    took = time.monotonic() - t0
    check(r.status in (200, 201), "an asset created through the API", r.describe)
    check(took < 1.0, "the write returns promptly though its webhook target hangs (%.3f s)" % took)

    # ---- a risk: delivered, signed -------------------------------------------------------
    r = api.post("/api/v1/risks", {"title": "Webhook <risk> & test", "owner": mgr.person,
                                   "likelihood": 2, "consequence": 3})
    check(r.status in (200, 201), "a risk created through the API", r.describe)
    rref = (r.json() or {}).get("id") if r.status in (200, 201) else None
    got = wait_for(lambda: [m for m in received if m["path"] == "/hook"], 30)
    check(got, "the receiver got a delivery from the server's timer thread")
    if got:
        m = got[0]
        h = {k.lower(): v for k, v in m["headers"].items()}
        want = "sha256=" + hmac.new(SECRET.encode(), m["body"], hashlib.sha256).hexdigest()
        check(h.get("x-isms-signature") == want, "X-Isms-Signature is the HMAC-SHA256 of the body",
              (h.get("x-isms-signature"), want))
        wrong = "sha256=" + hmac.new(b"another secret", m["body"], hashlib.sha256).hexdigest()
        check(h.get("x-isms-signature") != wrong, "and not under another secret")
        check(h.get("content-type") == "application/json", "JSON body")
        d = json.loads(m["body"])
        check(d.get("event") == "record.create" and d.get("type") == "risk" and
              d.get("ref") == rref and d.get("actor") == "api:" + mgr.name and d.get("time") and
              d["change"]["after"]["title"] == "Webhook <risk> & test" and
              d["change"]["before"] is None and str(d.get("delivery")) == h.get("x-isms-delivery"),
              "the body: event, type, ref, actor, time, the change", d)
        check(all(json.loads(x["body"])["type"] == "risk" for x in got),
              "only risk changes reach the risk webhook (the asset did not)",
              [json.loads(x["body"])["type"] for x in got])

    # ---- the hanging target: timeouts, retries, logged ----------------------------------------
    def hang_log():
        log = json.loads(f.cli("webhook", "log", "--json", "--limit", "200").out)
        mine = [l for l in log if l["webhook"] == hang]
        return mine if len({l["attempt"] for l in mine}) >= 2 else None

    log = wait_for(hang_log, 40)
    check(log, "the hanging target's delivery was attempted twice (retry after the back-off)",
          f.cli("webhook", "log").out)
    if log:
        check(all(l["result"].startswith("timeout") and l["status"] is None for l in log),
              "each attempt ended in the timeout", log)
        check(all(1500 <= l["ms"] <= 6000 for l in log), "bounded by the 2 s timeout",
              [l["ms"] for l in log])
        check(log[0]["state"] == "pending" and log[0]["next_at"], "still pending, next attempt set")
    check(len(held) >= 1, "the hanging server saw the connections")
    t0 = time.monotonic()
    r = api.post("/api/v1/assets", {"name": "Second laptop", "kind": "hardware",
                                    "owner": mgr.person})
    check(r.status in (200, 201) and time.monotonic() - t0 < 1.0,
          "writes stay prompt while deliveries time out (%.3f s)" % (time.monotonic() - t0))
    good_log = [l for l in json.loads(f.cli("webhook", "log", "--json").out) if l["webhook"] == good]
    check(good_log and good_log[0]["state"] == "delivered" and good_log[0]["status"] == 204,
          "the receiver's delivery is logged delivered (HTTP 204)", good_log[:2])

    # ---- removed: nothing more ---------------------------------------------------------------
    f.cli("webhook", "remove", str(good))
    n = len(received)
    api.post("/api/v1/risks", {"title": "After removal", "owner": mgr.person,
                               "likelihood": 1, "consequence": 1})
    time.sleep(3)
    check(len(received) == n, "a removed webhook gets nothing more")
    c = f.cli("webhook", "remove", str(good), ok=False)
    check(c.rc == 4, "removing it again: not found", c.describe())
    srv.stop()
    rx.shutdown()


run(main)
