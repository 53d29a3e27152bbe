"""smtp_sink.py DIR PORTFILE [--tls CERT KEY] [--auth USER] [--mechanisms M,...]
— a real SMTP server (Debian's python3-aiosmtpd, run by /usr/bin/python3) on
a free loopback port in 25000-25499, written to PORTFILE once it listens;
every message it accepts is written to DIR/NNNN.eml with the envelope and
the session (X-Envelope-From / X-Envelope-To / X-Auth-User / X-TLS lines
first). Runs until killed. Used by t_mail.sh and t_mail_tls.sh.

  --tls CERT KEY   offer STARTTLS with this certificate (PEM) and key, and
                   require it (require_starttls: nothing but EHLO, NOOP,
                   QUIT and STARTTLS before it)
  --auth USER      require AUTH (PLAIN, LOGIN) as USER with the password in
                   $SMTP_SINK_PASSWORD (never an argument). With --tls only
                   after STARTTLS; without it AUTH is taken in clear, so a
                   client that sent its login unencrypted would be seen.
  --mechanisms M   offer only these AUTH mechanisms (e.g. LOGIN)

Every AUTH attempt is logged to DIR/auth.log as "MECHANISM USER ok|refused
tls|clear" (the user name only, never the password)."""
import argparse
import os
import random
import signal
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("portfile")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--auth", metavar="USER")
ap.add_argument("--mechanisms")
args = ap.parse_args()
out, portfile = args.out, args.portfile
os.makedirs(out, exist_ok=True)
password = os.environ.get("SMTP_SINK_PASSWORD", "")


def log_auth(line):
    with open(os.path.join(out, "auth.log"), "a") as f:
        f.write(line + "\n")


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and \
        auth_data.login == args.auth.encode() and auth_data.password == password.encode()
    user = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else "?"
    log_auth("%s %s %s %s" % (mechanism, user, "ok" if ok else "refused",
                              "tls" if session.ssl else "clear"))
    # a refusal: smtp_AUTH answers 535 5.7.8 itself
    return AuthResult(success=ok, handled=False, auth_data=user if ok else None)


class Sink:
    n = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.n += 1
        path = os.path.join(out, "%04d.eml" % Sink.n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            for r in envelope.rcpt_tos:
                f.write(b"X-Envelope-To: " + r.encode() + b"\r\n")
            if session.authenticated:
                f.write(b"X-Auth-User: " + str(session.auth_data).encode() + b"\r\n")
            f.write(b"X-TLS: " + (b"yes" if session.ssl else b"no") + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


kw = {}
if args.tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.tls[0], args.tls[1])
    kw.update(tls_context=ctx, require_starttls=True)
if args.auth:
    kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls))
    if args.mechanisms:
        offered = set(args.mechanisms.split(","))
        kw.update(auth_exclude_mechanism=[m for m in ("LOGIN", "PLAIN") if m not in offered])



def free_port():
    """A free loopback port in 25000-25499 (the tests' range on shared machines)."""
    ports = list(range(25000, 25500))
    random.shuffle(ports)
    for p in ports:
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
        finally:
            s.close()
    sys.exit("smtp_sink: no free port in 25000-25499")


port = free_port()
c = Controller(Sink(), hostname="127.0.0.1", port=port, **kw)
c.start()
with open(portfile + ".tmp", "w") as f:
    f.write(str(port))
os.rename(portfile + ".tmp", portfile)
signal.signal(signal.SIGTERM, lambda *a: (c.stop(), sys.exit(0)))
while True:
    time.sleep(3600)
