"""mail_check.py DIR — the messages in DIR (smtp_sink.py) as JSON: for each,
the envelope recipients, the authenticated user and whether it came over
TLS, the To and Subject headers, the content types of its parts and their
decoded text."""
import email
import email.policy
import glob
import json
import sys

out = []
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    raw = open(path, "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for p in m.walk():
        if p.is_multipart():
            continue
        parts.append({"type": p.get_content_type(), "text": p.get_content()})
    out.append({
        "file": path,
        "rcpt": m.get_all("X-Envelope-To"),
        "from": m.get("X-Envelope-From"),
        "auth_user": m.get("X-Auth-User"),
        "tls": m.get("X-TLS") == "yes",
        "to": str(m.get("To")),
        "subject": str(m.get("Subject")),
        "type": m.get_content_type(),
        "parts": parts,
        "headers": [k for k in m.keys()],
        "raw_has_cr_lf_only": b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""),
    })
print(json.dumps(out))
