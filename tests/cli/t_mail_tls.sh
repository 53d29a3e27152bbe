# t_mail_tls.sh — e-mail reminders over STARTTLS with a login, against real
# aiosmtpd servers (tests/cli/data/smtp_sink.py) that require STARTTLS with
# a certificate from a CA this test makes with openssl, and AUTH PLAIN/LOGIN:
# `isms mail set --ca-file` is validated (a missing, non-file or non-PEM
# file is refused naming --ca-file, and nothing is stored) and kept as an
# absolute path; with the CA, the login and --starttls required the digests
# arrive over TLS as the authenticated user (multipart text + HTML, to the
# owners); a wrong password, an untrusted certificate (no --ca-file), a
# certificate for another host, and a server without STARTTLS are each
# refused with a message that says so, a non-zero exit, nothing marked sent
# and (without TLS) no login sent in clear; the password appears in no
# output, log, message or export, and in the ISMS file only as its setting.
. "$CLI_DIR/lib.sh"

SYS_PY=/usr/bin/python3
if ! "$SYS_PY" -c 'import aiosmtpd' 2>/dev/null || ! command -v openssl >/dev/null; then
    fail "the mail TLS checks need Debian's python3-aiosmtpd and openssl (scripts/bootstrap)"
    finish
fi
export ISMS_FILE=t.isms ISMS_NOW=2030-01-15
SINK_PW='Tr0ub4dor&3 smtp-s3cret'
echo "$SINK_PW" >pw.txt

SINK_PIDS=""
stop_sinks() {
    local p
    for p in $SINK_PIDS; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    SINK_PIDS=""
}
trap 'stop_sinks; _t_end' EXIT
# start_sink NAME ARGS...: a sink writing to NAME/, its port in $PORT
start_sink() {
    local name=$1
    shift
    SMTP_SINK_PASSWORD=$SINK_PW "$SYS_PY" "$CLI_DIR/data/smtp_sink.py" "$name" "$name.port" "$@" \
        >"$name.log" 2>&1 &
    SINK_PIDS="$SINK_PIDS $!"
    for _ in $(seq 1 200); do [ -s "$name.port" ] && break; sleep 0.05; done
    PORT=$(cat "$name.port" 2>/dev/null)
    check "the SMTP server $name listens" [ -n "$PORT" ]
}
# every output of isms, to look for the password at the end
keep() { cat "$OUT" "$ERR" >>outputs.log; }
mails() { ls "$1"/*.eml 2>/dev/null | wc -l; }
marked() { sqlite3 t.isms "SELECT count(*) FROM mail_sent WHERE day = '$ISMS_NOW'"; }

note "a CA, a server certificate for 127.0.0.1 and localhost, one for another host"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=isms test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout ca.key -out ca.pem 2>openssl.log
server_cert() { # NAME SAN
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
        -keyout "$1.key" -out "$1.csr" 2>>openssl.log
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile "$1.ext" -out "$1.pem" 2>>openssl.log
}
server_cert srv "IP:127.0.0.1,DNS:localhost"
server_cert other "DNS:mail.other.example"
check "the certificates were made" sh -c 'openssl verify -CAfile ca.pem srv.pem other.pem >/dev/null'

note "an ISMS with two owners of due work"
ok isms init t.isms || finish
ok isms person add --name "Ann Owner" --email ann@example.org
ok isms person add --name "Bob Boss" --email bob@example.org
ok isms nonconformity add --title "NC due soon" --source internal-audit --owner P-0001 --due-date 2030-01-17
ok isms nonconformity add --title "NC overdue" --source internal-audit --owner P-0002 --due-date 2030-01-10

start_sink tls --tls srv.pem srv.key --auth isms
P_TLS=$PORT
start_sink other --tls other.pem other.key --auth isms
P_OTHER=$PORT
start_sink plain --auth isms # no STARTTLS; takes AUTH in clear, so a login sent in clear shows
P_PLAIN=$PORT
start_sink login --tls srv.pem srv.key --auth isms --mechanisms LOGIN
P_LOGIN=$PORT

note "--ca-file: a readable PEM file of certificates, or a clear error and nothing stored"
ok isms mail set --smtp "smtp://127.0.0.1:$P_TLS" --from isms@example.org --user isms --starttls required
before=$(dump_digest t.isms)
fails 3 isms mail set --ca-file missing.pem
err_has "--ca-file: cannot read 'missing.pem'"
fails 3 isms mail set --smtp "smtp://127.0.0.1:$P_OTHER" --ca-file "$PWD"
err_has "--ca-file"
err_has "is not a file"
fails 3 isms mail set --ca-file srv.key
err_has "--ca-file: 'srv.key' is not a PEM file of certificates"
: >empty.pem
fails 3 isms mail set --ca-file empty.pem
err_has "--ca-file: 'empty.pem' is not a PEM file"
printf -- '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n' >bad.pem
fails 3 isms mail set --ca-file bad.pem
err_has "--ca-file: 'bad.pem' is not a PEM file"
same_dump t.isms "$before"
ok isms mail show --json
json_check 'd["ca_file"] == "" and d["smtp"].endswith(":" + a[0])' "$P_TLS"
ok isms mail set --ca-file ca.pem
ok isms mail show --json
json_check 'd["ca_file"] == a[0] and d["starttls"] == "required" and d["user"] == "isms"' "$(pwd -P)/ca.pem"
ok isms mail show
out_has "ca file:   $(pwd -P)/ca.pem"

note "(b) a wrong password: the server's refusal, a non-zero exit, nothing marked sent"
echo "not the password" | isms mail set --password-stdin >/dev/null
fails 12 isms remind
keep
err_has "could not be sent"
err_has "refused the login"
err_has "535 5.7.8"
check "nothing marked sent" [ "$(marked)" = 0 ]
check "no message arrived" [ "$(mails tls)" = 0 ]
check "the sink refused the login over TLS" grep -q "^PLAIN isms refused tls$" tls/auth.log

note "(a) STARTTLS required, the CA file, the right login: the digests arrive"
ok isms mail set --password-stdin <pw.txt
keep
ok isms remind
keep
out_has "2 mails sent (2 tasks)"
"$SYS_PY" "$CLI_DIR/data/mail_check.py" tls >mails.json
py - <<'PY' || fail "the digests (see above)"
import json, sys
ms = json.load(open("mails.json"))
bad = []
if sorted(r for m in ms for r in m["rcpt"]) != ["ann@example.org", "bob@example.org"]:
    bad.append(("recipients", [m["rcpt"] for m in ms]))
for m in ms:
    types = [p["type"] for p in m["parts"]]
    if m["type"] != "multipart/alternative" or types != ["text/plain", "text/html"]:
        bad.append(("parts", m["file"], m["type"], types))
    if m["auth_user"] != "isms" or not m["tls"]:
        bad.append(("session", m["file"], m["auth_user"], m["tls"]))
    if m["from"] != "isms@example.org" or m["rcpt"][0] not in m["to"]:
        bad.append(("envelope", m["file"], m["from"], m["to"]))
    want = "NC due soon" if m["rcpt"] == ["ann@example.org"] else "NC overdue"
    if not all(want in p["text"] for p in m["parts"]):
        bad.append(("content", m["file"], want))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
check "the sink took the login over TLS" grep -q "^PLAIN isms ok tls$" tls/auth.log
check "both tasks marked sent" [ "$(marked)" = 2 ]

export ISMS_NOW=2030-01-16 # the overdue work is due again
logins=$(wc -l <tls/auth.log)

note "(c) no --ca-file: the test CA is not trusted; refused naming certificate verification"
ok isms mail set --ca-file ""
ok isms mail show --json
json_check 'd["ca_file"] == ""'
fails 12 isms remind
keep
err_has "certificate verification failed"
check "nothing marked sent" [ "$(marked)" = 0 ]
check "no message arrived" [ "$(mails tls)" = 2 ]
check "no login was tried" [ "$(wc -l <tls/auth.log)" = "$logins" ]

note "(c) the CA, but a certificate for another host: refused"
ok isms mail set --ca-file ca.pem --smtp "smtp://127.0.0.1:$P_OTHER"
fails 12 isms remind
keep
err_has "certificate verification failed"
check "nothing marked sent" [ "$(marked)" = 0 ]
check "no message arrived" [ "$(mails other)" = 0 ]
check "no login was tried" [ ! -e other/auth.log ]

note "(d) a server without STARTTLS and --starttls required: refused, nothing sent in clear"
ok isms mail set --smtp "smtp://127.0.0.1:$P_PLAIN"
fails 12 isms remind
keep
err_has "does not offer STARTTLS"
check "nothing marked sent" [ "$(marked)" = 0 ]
check "no message arrived" [ "$(mails plain)" = 0 ]
check "no login was sent in clear" [ ! -e plain/auth.log ]

note "AUTH LOGIN (the only mechanism offered) works too"
ok isms mail set --smtp "smtp://127.0.0.1:$P_LOGIN"
ok isms remind
keep
out_has "2 mails sent"
"$SYS_PY" "$CLI_DIR/data/mail_check.py" login >mails.json
check "both digests came over TLS as isms" py -c '
import json, sys
ms = json.load(open("mails.json"))
sys.exit(not (len(ms) == 2 and all(m["auth_user"] == "isms" and m["tls"] for m in ms)))'
check "the sink took AUTH LOGIN" grep -q "^LOGIN isms ok tls$" login/auth.log
check "both tasks marked sent" [ "$(marked)" = 2 ]

note "the password: in the ISMS file as its setting only; in no output, log, message or export"
ok isms mail show
keep
ok isms mail show --json
keep
ok isms export plain.json
check "not in any output of isms" sh -c '! grep -qF "$1" outputs.log' - "$SINK_PW"
# nor as sent on the wire (AUTH PLAIN: base64 of NUL user NUL password; AUTH LOGIN: of the password)
wire=$(py -c 'import base64, sys; p = sys.argv[1].encode()
print(base64.b64encode(b"\0isms\0" + p).decode(), base64.b64encode(p).decode())' "$SINK_PW")
for w in $wire; do
    check "nor its base64 ($w)" sh -c '! grep -qF "$1" outputs.log' - "$w"
done
check "not in the sinks' logs or messages" sh -c '! grep -rqF "$1" tls other plain login *.log' - "$SINK_PW"
check "not in the security log" sh -c '! sqlite3 t.isms "SELECT * FROM security_log" | grep -qF "$1"' - "$SINK_PW"
check "in the file once: the mail.password setting" [ "$(sqlite3 t.isms .dump | grep -cF "$SINK_PW")" = 1 ]
check "that is the setting" [ "$(sqlite3 t.isms "SELECT key FROM setting WHERE value = '$SINK_PW'")" = mail.password ]
check "not in an export without --with-accounts" sh -c '! grep -qF "$1" plain.json' - "$SINK_PW"
stop_sinks
finish
