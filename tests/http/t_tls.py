"""t_tls.py — `isms serve --tls-cert FILE --tls-key FILE`: HTTPS from the binary
itself, checked with the real peers openssl s_client and curl against
certificates this test makes with `openssl req -x509`. TLS 1.1 is refused,
1.2 and 1.3 are accepted; every answer carries HSTS; the session and the
login form's CSRF cookies are __Host-…; Secure; a renewed certificate is
served after SIGHUP to new connections while a keep-alive connection opened
before goes on working; a bad new pair keeps the old one (logged why);
refusals at start name the file and the problem."""
import ssl

from harness import *


def make_cert(name, serial, cn="localhost"):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + cn,
                    "-set_serial", serial, "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return os.path.abspath(name + ".crt"), os.path.abspath(name + ".key")


def s_client(port, *opts):
    """openssl s_client: (returncode, output, the peer certificate's serial or None)."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                        "-servername", "localhost"] + list(opts),
                       input=b"", capture_output=True, timeout=30)
    out = (p.stdout + p.stderr).decode(errors="replace")
    m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", out, re.S)
    serial = None
    if m:
        x = subprocess.run(["openssl", "x509", "-noout", "-serial"], input=m.group(0).encode(),
                           capture_output=True, timeout=30)
        serial = x.stdout.decode().strip().partition("=")[2].lower() or None
    return p.returncode, out, serial


def der_serial(der):
    x = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-serial"], input=der,
                       capture_output=True, timeout=30)
    return x.stdout.decode().strip().partition("=")[2].lower()


def wait_log(srv, text, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in srv.stderr():
            return True
        time.sleep(0.05)
    return False


def main():
    f = demo_file("t.isms")
    c1, k1 = make_cert("one", "0x1001")
    c2, k2 = make_cert("two", "0x2002")
    with open("cas.pem", "w") as out:
        for c in (c1, c2):
            out.write(open(c).read())
    ctx = ssl.create_default_context(cafile=os.path.abspath("cas.pem"))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2

    # ---- refusals at start: clear, naming the option and the file
    port = free_port()
    r = isms("serve", f.path, "--listen", "127.0.0.1:%d" % port, "--tls-cert", c1, ok=False)
    check(r.rc != 0 and "--tls-key" in r.err, "--tls-cert without --tls-key is refused",
          r.describe())
    r = isms("serve", f.path, "--listen", "127.0.0.1:%d" % port, "--tls-cert", c1,
             "--tls-key", k2, ok=False)
    check(r.rc != 0 and "is not the key of the certificate" in r.err and "two.key" in r.err,
          "a key that is not the certificate's is refused, naming it", r.describe())
    with open("junk.crt", "w") as fh:
        fh.write("not a certificate\n")
    r = isms("serve", f.path, "--listen", "127.0.0.1:%d" % port, "--tls-cert", "junk.crt",
             "--tls-key", k1, ok=False)
    check(r.rc != 0 and "--tls-cert junk.crt" in r.err and "PEM certificate" in r.err,
          "a file that is not a certificate is refused, naming it", r.describe())
    r = isms("serve", f.path, "--listen", "127.0.0.1:%d" % port, "--tls-cert", c1,
             "--tls-key", "nosuch.key", ok=False)
    check(r.rc != 0 and "nosuch.key" in r.err and "cannot read" in r.err,
          "a missing key file is refused, naming it", r.describe())

    # the live cert/key files, replaced later as a renewal would
    shutil.copy(c1, "live.crt")
    shutil.copy(k1, "live.key")
    srv = Server(f.path, tls=ctx,
                 extra=["--tls-cert", os.path.abspath("live.crt"), "--tls-key",
                        os.path.abspath("live.key")])
    log = srv.stderr()
    check("https://127.0.0.1:%d/" % srv.port in log and "serial 1001" in log,
          "the start line says https and names the certificate's serial", log)
    check("without TLS" not in log, "no warning about serving without TLS", log)

    # ---- protocol versions, with openssl s_client
    rc, out, serial = s_client(srv.port, "-tls1_1")
    check(rc != 0 and "Cipher is (NONE)" in out, "TLS 1.1 is refused (s_client -tls1_1 "
          "fails, no cipher agreed)", out[-2000:])
    check(serial is None, "no certificate is shown to a TLS 1.1 client", out[-2000:])
    for v, name in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        rc, out, serial = s_client(srv.port, v)
        check(rc == 0 and ("Protocol  : %s" % name in out or "New, %s," % name in out),
              "%s is accepted (s_client %s)" % (name, v), out[-2000:])
        check(serial == "1001", "%s: the certificate served is serial 1001" % name, serial)
    # plain HTTP on the TLS port gets nothing served in the clear
    got = b""
    try:
        got = raw_request(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
    except OSError:
        pass
    check(b'"ok"' not in got, "plain HTTP on the TLS port is not answered in the clear", got[:200])

    # ---- curl: HSTS and the login form's __Host- CSRF cookie
    p = subprocess.run(["curl", "-sS", "--cacert", os.path.abspath("cas.pem"), "-D", "-", "-o",
                        "/dev/null", "https://localhost:%d/login" % srv.port,
                        "--resolve", "localhost:%d:127.0.0.1" % srv.port],
                       capture_output=True, timeout=60)
    head = p.stdout.decode(errors="replace")
    check(p.returncode == 0 and head.startswith("HTTP/1.1 200"),
          "curl verifies the certificate and gets the login page", head + p.stderr.decode())
    check(re.search(r"(?im)^strict-transport-security: max-age=\d{8,}", head),
          "curl: Strict-Transport-Security on the login page", head)
    pre = re.search(r"(?im)^set-cookie: (__Host-isms_pre=[0-9a-f]+;[^\r\n]*)", head)
    check(pre and "; Secure" in pre.group(1) and "Path=/;" in pre.group(1)
          and "Domain" not in pre.group(1),
          "curl: the pre-session CSRF cookie is __Host-isms_pre; Path=/; Secure", head)
    p = subprocess.run(["curl", "-sS", "--tlsv1.1", "--tls-max", "1.1", "-k", "-o", "/dev/null",
                        "https://127.0.0.1:%d/healthz" % srv.port],
                       capture_output=True, timeout=60)
    check(p.returncode != 0, "curl --tls-max 1.1 cannot connect", p.stderr.decode())

    # ---- signing in over TLS: the session cookie is __Host-isms; Secure
    c = Client(srv)
    mgr = f.accounts["manager"]
    r = c.login(mgr.name, mgr.password)
    check_status(r, 303, "the manager signs in over TLS")
    sess = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    s = [x for x in sess if x[0] == "__Host-isms"]
    check(len(s) == 1 and s[0][2].get("secure") is True and s[0][2].get("path") == "/"
          and "domain" not in s[0][2], "the session cookie is __Host-isms; Path=/; Secure",
          r.describe)
    gone = [x for x in sess if x[0] == "__Host-isms_pre"]
    check(gone and gone[0][2].get("secure") is True, "the pre-session cookie is cleared with "
          "Secure too", r.describe)
    for path, want in (("/risks", 200), ("/no-such-page", 404), ("/static/style.css", 200)):
        r = c.get(path)
        check_status(r, want, "GET %s over TLS" % path)
        check((r.header("Strict-Transport-Security") or "").startswith("max-age="),
              "HSTS on the %d answer to %s" % (want, path), r.describe)
    r = c.post("/logout", {"_csrf": c.csrf() or ""})
    out = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    check(any(x[0] == "__Host-isms" and x[2].get("secure") is True for x in out),
          "sign-out clears __Host-isms with Secure", r.describe)

    # ---- renewal: SIGHUP; a keep-alive connection from before goes on
    keep = srv.connection(timeout=30)
    keep.request("GET", "/healthz")
    r = keep.getresponse()
    r.read()
    check(r.status == 200 and not r.will_close, "a keep-alive connection before the renewal")
    sock_before = keep.sock
    before_serial = der_serial(keep.sock.getpeercert(binary_form=True))
    check_eq(before_serial, "1001", "the keep-alive connection has certificate 1001")
    shutil.copy(c2, "live.crt.new")
    shutil.copy(k2, "live.key.new")
    os.rename("live.key.new", "live.key")
    os.rename("live.crt.new", "live.crt")
    srv.proc.send_signal(signal.SIGHUP)
    check(wait_log(srv, "reloaded, serial 2002"), "SIGHUP: the log says the certificate with "
          "serial 2002 was loaded", srv.stderr()[-2000:])
    rc, out, serial = s_client(srv.port, "-tls1_3")
    check(rc == 0 and serial == "2002", "after SIGHUP a new connection sees serial 2002 (TLS 1.3)",
          out[-1500:])
    rc, out, serial = s_client(srv.port, "-tls1_2")
    check(rc == 0 and serial == "2002", "after SIGHUP a new connection sees serial 2002 (TLS 1.2)",
          out[-1500:])
    keep.request("GET", "/healthz")
    r = keep.getresponse()
    body = r.read()
    check(r.status == 200 and b'"ok"' in body and keep.sock is sock_before,
          "the keep-alive connection opened before SIGHUP still works (same socket)")
    check_eq(der_serial(keep.sock.getpeercert(binary_form=True)), "1001",
             "... still with the certificate it was opened with")
    keep.close()

    # ---- a bad renewal keeps what is served
    with open("live.crt", "w") as fh:
        fh.write("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
    srv.proc.send_signal(signal.SIGHUP)
    check(wait_log(srv, "NOT reloaded"), "SIGHUP with a broken certificate: logged as not "
          "reloaded", srv.stderr()[-2000:])
    check("live.crt" in srv.stderr().split("NOT reloaded")[-1], "the log names the file",
          srv.stderr()[-1000:])
    rc, out, serial = s_client(srv.port, "-tls1_3")
    check(rc == 0 and serial == "2002", "the previous certificate (2002) is still served",
          out[-1500:])
    shutil.copy(c1, "live.crt")  # certificate 1001 with key 2002: a mismatch
    srv.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and srv.stderr().count("NOT reloaded") < 2:
        time.sleep(0.05)
    check("is not the key of the certificate" in srv.stderr(),
          "SIGHUP with a key that does not match: refused, logged why", srv.stderr()[-1500:])
    rc, out, serial = s_client(srv.port, "-tls1_2")
    check(rc == 0 and serial == "2002", "... and 2002 is still served", out[-1500:])
    check(srv.alive(), "the server is still running")
    srv.stop("TLS server")

    # ---- without TLS, SIGHUP changes nothing and the server goes on
    plain = Server(f.path)
    plain.proc.send_signal(signal.SIGHUP)
    check(wait_log(plain, "nothing to reload"), "SIGHUP without TLS: logged, nothing else",
          plain.stderr())
    check_status(Client(plain).get("/healthz"), 200, "... and the server still serves")
    r = Client(plain).get("/login")
    check(r.header("Strict-Transport-Security") is None, "no HSTS over plain HTTP", r.describe)
    plain.stop("plain server")


run(main)
