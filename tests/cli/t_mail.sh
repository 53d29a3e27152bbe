# t_mail.sh — e-mail reminders (`isms mail set|show`, `isms remind`,
# src/app/mail.c) against a real SMTP server on loopback (Debian's
# python3-aiosmtpd, tests/cli/data/smtp_sink.py): one digest per person with
# something overdue or due soon, to the person's address; multipart/
# alternative with a text and an HTML part, a <script> in a task title
# escaped in the HTML; a second run the same day sends nothing, the next day
# ($ISMS_NOW) sends again; --dry-run sends nothing; the password is never
# shown; bad settings and a header injection are refused; an SMTP server
# that is down gives a non-zero exit and marks nothing sent; the lead time
# (--lead-days) decides which tasks are due soon enough to be sent.
# (STARTTLS, AUTH and --ca-file: t_mail_tls.sh.)
. "$CLI_DIR/lib.sh"

SYS_PY=/usr/bin/python3
if ! "$SYS_PY" -c 'import aiosmtpd' 2>/dev/null; then
    fail "the mail checks need Debian's python3-aiosmtpd (scripts/bootstrap)"
    finish
fi
TODAY=$(date -u +%F)
TOMORROW=$(date -u -d tomorrow +%F)
export ISMS_NOW=$TODAY
ok isms demo demo.isms
export ISMS_FILE=demo.isms

# a task whose title is markup: an overdue review of this supplier, owned by P-0002
ok isms supplier add --name "<script>alert(1)</script> & Co" --owner P-0002 --criticality high --status active
sup=$(last_line | grep -o 'SUP-[0-9]*')
ok isms sassessment add --supplier "$sup" --assessed-on 2019-01-01 --assessor P-0002 --result satisfactory --status final

SINK=$PWD/sink
"$SYS_PY" "$CLI_DIR/data/smtp_sink.py" "$SINK" port >sink.log 2>&1 &
SINK_PID=$!
for _ in $(seq 1 200); do [ -s port ] && break; sleep 0.05; done
check "the SMTP server listens" [ -s port ]
PORT=$(cat port)

note "not set up: refused with what to do"
fails 2 isms remind
err_has "isms mail set --smtp"

note "settings: validated, the password never shown"
fails 3 isms mail set --smtp "http://127.0.0.1:$PORT" --from isms@example.org
err_has "smtp:"
fails 3 isms mail set --smtp "smtp://127.0.0.1:$PORT" --from "isms@example.org
Bcc: victim@example.org"
err_has "from:"
fails 3 isms mail set --smtp "smtp://127.0.0.1:$PORT" --from isms@example.org --starttls maybe
err_has "starttls"
fails 3 isms mail set --smtp "smtp://127.0.0.1:$PORT" --from isms@example.org --lead-days -3
err_has "lead-days"
fails 2 isms mail set --password sekret
err_has "stdin"
ok isms mail set --smtp "smtp://127.0.0.1:$PORT" --from isms@example.org --starttls none --lead-days 14 --base-url http://isms.example.org
printf 'hunter2-secret\n' | isms mail set --password-stdin >/dev/null
ok isms mail show
out_has "password:  (set)"
out_lacks "hunter2-secret"
ok isms mail show --json
json_check 'd["password_set"] is True and "hunter2-secret" not in json.dumps(d) and d["smtp"].startswith("smtp://")'
check "the password is not in the security log" sh -c '! sqlite3 demo.isms "SELECT * FROM security_log" | grep -q hunter2'
ok isms export plain.json
check "nor in an export without --with-accounts" sh -c '! grep -q hunter2 plain.json'
printf '\n' | isms mail set --password-stdin >/dev/null # no password: the sink takes no AUTH

note "who should get mail: owners of overdue or soon tasks, from the task list"
ok isms tasks --all --json
cp "$OUT" tasks.json
ok isms person list --json
cp "$OUT" people.json
want=$(py - <<'PY'
import json
t = json.load(open("tasks.json"))["tasks"]
p = {x["id"]: x for x in json.load(open("people.json"))}
owners = sorted({x["owner"] for x in t if x["owner"] and x["state"] in ("overdue", "soon")
                 and p.get(x["owner"], {}).get("email") and p[x["owner"]]["status"] != "left"})
print(" ".join(p[o]["email"] for o in owners))
PY
)
check "the demo has people with due work ($want)" [ -n "$want" ]

note "--dry-run sends nothing"
ok isms remind --dry-run
out_has "would send to"
check "no message arrived" [ -z "$(ls "$SINK" 2>/dev/null)" ]

note "isms remind: one digest per person"
ok isms remind
out_has "sent to"
"$SYS_PY" "$CLI_DIR/data/mail_check.py" "$SINK" >mails.json
n1=$(py -c 'import json; print(len(json.load(open("mails.json"))))')
got=$(py -c 'import json; print(" ".join(sorted(r for m in json.load(open("mails.json")) for r in m["rcpt"])))')
wantsorted=$(printf '%s\n' $want | sort | tr '\n' ' ' | sed 's/ $//')
check "the recipients are exactly the owners with due work ($n1 mails)" [ "$got" = "$wantsorted" ]
py - "$want" <<'PY' || fail "message structure (see above)"
import json, sys
ms = json.load(open("mails.json"))
bad = []
for m in ms:
    types = [p["type"] for p in m["parts"]]
    if m["type"] != "multipart/alternative" or types != ["text/plain", "text/html"]:
        bad.append(("parts", m["file"], m["type"], types))
    if m["from"] != "isms@example.org" or len(m["rcpt"]) != 1 or m["rcpt"][0] not in m["to"]:
        bad.append(("envelope", m["file"], m["from"], m["rcpt"], m["to"]))
    if not m["subject"].startswith("ISMS reminders:"):
        bad.append(("subject", m["subject"]))
    if not m["raw_has_cr_lf_only"]:
        bad.append(("line ends", m["file"]))
evil = [m for m in ms if any("alert(1)" in p["text"] for p in m["parts"])]
if len(evil) != 1:
    bad.append(("the <script> supplier review in one mail", len(evil)))
else:
    html = [p["text"] for p in evil[0]["parts"] if p["type"] == "text/html"][0]
    text = [p["text"] for p in evil[0]["parts"] if p["type"] == "text/plain"][0]
    if "<script>" in html or "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" not in html:
        bad.append(("html not escaped", html[:2000]))
    if "<script>alert(1)</script> & Co" not in text:
        bad.append(("text part lost the title", text[:500]))
    if "http://isms.example.org/suppliers/" not in text:
        bad.append(("no link to the record", text[:500]))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
check "one mail per person" [ "$n1" -eq "$(echo $want | wc -w)" ]

note "the same day again: nothing"
ok isms remind
out_has "0 mails sent"
check "no second mail the same day" [ "$(ls "$SINK" | wc -l)" -eq "$n1" ]

note "the next day: a new digest"
ISMS_NOW=$TOMORROW ok isms remind
check "new mails the next day" [ "$(ls "$SINK" | wc -l)" -gt "$n1" ]
n2=$(ls "$SINK" | wc -l)

note "the SMTP server down: a non-zero exit, nothing marked"
kill $SINK_PID
wait $SINK_PID 2>/dev/null
D3=$(date -u -d '2 days' +%F)
ISMS_NOW=$D3 fails 12 isms remind
err_has "could not be sent"
marked=$(sqlite3 demo.isms "SELECT count(*) FROM mail_sent WHERE day = '$D3'")
check "nothing marked sent for that day" [ "$marked" = 0 ]
rm -f port
"$SYS_PY" "$CLI_DIR/data/smtp_sink.py" "$SINK.2" port >sink.log 2>&1 &
SINK_PID=$!
for _ in $(seq 1 200); do [ -s port ] && break; sleep 0.05; done
ok isms mail set --smtp "smtp://127.0.0.1:$(cat port)"
ISMS_NOW=$D3 ok isms remind
check "sent once the server is back" [ "$(ls "$SINK.2" | wc -l)" -eq "$n1" ]

note "the server sends them itself: once a day per ISMS, not again after a restart"
D4=$(date -u -d '3 days' +%F)
serve_once() {
    local hp
    hp=$(py -c '
import random, socket
for p in random.sample(range(25000, 25500), 500):  # the tests port range
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        print(p)
        break
    except OSError:
        pass
    finally:
        s.close()')
    ISMS_NOW=$D4 ISMS_TIMER_SECONDS=1 "$ISMS" serve demo.isms --listen "127.0.0.1:$hp" --quiet >serve.log 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do
        [ "$(sqlite3 demo.isms "SELECT value FROM setting WHERE key = 'mail.last_run'" 2>/dev/null)" = "$D4" ] &&
            [ "$(ls "$SINK.2" | wc -l)" -ge "$1" ] && break
        sleep 0.1
    done
    sleep 1.5 # a second tick of the timer, which must not send again
    kill "$pid"
    wait "$pid" 2>/dev/null
}
serve_once $((n1 * 2))
check "the server's timer sent the day's digests" [ "$(ls "$SINK.2" | wc -l)" -eq $((n1 * 2)) ]
check "and marked the day" [ "$(sqlite3 demo.isms "SELECT value FROM setting WHERE key = 'mail.last_run'")" = "$D4" ]
serve_once $((n1 * 3))
check "a restarted server sends nothing more that day" [ "$(ls "$SINK.2" | wc -l)" -eq $((n1 * 2)) ]

note "the lead time decides what is sent: due in 8 days is out with --lead-days 5, in with 10"
export ISMS_FILE=lead.isms ISMS_NOW=2030-01-15
ok isms init lead.isms
ok isms person add --name "Lea Lead" --email lea@example.org
ok isms nonconformity add --title "Due tomorrow" --source internal-audit --owner P-0001 --due-date 2030-01-16
ok isms nonconformity add --title "Due in eight days" --source internal-audit --owner P-0001 --due-date 2030-01-23
ok isms mail set --smtp "smtp://127.0.0.1:$(cat port)" --from isms@example.org --starttls none --lead-days 5
ls "$SINK.2" | sort >before.txt
ok isms remind
out_has "1 mail sent (1 task)"
ls "$SINK.2" | sort | comm -13 before.txt - >new.txt
check "one new digest" [ "$(wc -l <new.txt)" = 1 ]
digest() { "$SYS_PY" "$CLI_DIR/data/mail_check.py" "$SINK.2" |
    py -c 'import json, sys; m = [m for m in json.load(sys.stdin) if m["file"].endswith(sys.argv[1])]
print("\n".join(p["text"] for p in m[0]["parts"]))' "$(cat new.txt)"; }
digest >lead5.txt
check "lead 5: the task due tomorrow is in the digest" grep -q "Due tomorrow" lead5.txt
check "lead 5: the task due in 8 days is not" sh -c '! grep -q "Due in eight days" lead5.txt'
check "lead 5: the digest says 5 days" grep -q "due within 5 days" lead5.txt
ok isms mail set --lead-days 10
ls "$SINK.2" | sort >before.txt
ok isms remind
out_has "1 mail sent (1 task)"
ls "$SINK.2" | sort | comm -13 before.txt - >new.txt
check "one new digest" [ "$(wc -l <new.txt)" = 1 ]
digest >lead10.txt
check "lead 10: the task due in 8 days is in the digest" grep -q "Due in eight days" lead10.txt
check "lead 10: the task due tomorrow was sent today already" sh -c '! grep -q "Due tomorrow" lead10.txt'
ISMS_NOW=2030-01-16 ok isms remind
out_has "1 mail sent (2 tasks)"
kill $SINK_PID
wait $SINK_PID 2>/dev/null
finish
