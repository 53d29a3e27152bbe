"""smtp_sink.py DIR PORTFILE — a real SMTP server (Debian's python3-aiosmtpd,
run by /usr/bin/python3) on a free loopback port, written to PORTFILE once
it listens; every message it accepts is written to DIR/NNNN.eml with the
envelope (X-Envelope-From / X-Envelope-To lines first). Runs until killed.
Used by t_mail.sh."""
import os
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller

out, portfile = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


class Sink:
    n = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.n += 1
        path = os.path.join(out, "%04d.eml" % Sink.n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            for r in envelope.rcpt_tos:
                f.write(b"X-Envelope-To: " + r.encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
c = Controller(Sink(), hostname="127.0.0.1", port=port)
c.start()
with open(portfile + ".tmp", "w") as f:
    f.write(str(port))
os.rename(portfile + ".tmp", portfile)
signal.signal(signal.SIGTERM, lambda *a: (c.stop(), sys.exit(0)))
while True:
    time.sleep(3600)
