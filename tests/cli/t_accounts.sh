# t_accounts.sh — accounts on the command line: an external auditor (an
# auditor account with an end date) reads through --as what the web gives
# it: no supplier or questionnaire contact, no one else's attendance, the
# awareness totals without lines; it writes nothing (exit 7, nothing
# journaled) while an internal auditor still edits an audit; a privacy grant needs a reason and is in
# the security log; after the end date --as is refused with a clear message.
. "$CLI_DIR/lib.sh"

ok isms demo d.isms || finish
export ISMS_FILE=$PWD/d.isms
TODAY=$(date -u +%Y-%m-%d)
LATER=$(date -u -d "+30 days" +%Y-%m-%d)
YESTERDAY=$(date -u -d "-1 day" +%Y-%m-%d)

note "an auditor account with an end date"
printf '%s\n' "$PW" | ok isms user add ext --role auditor --expires "$LATER"
ok isms user list
out_has "until $LATER"
fails 3 isms user add ext2 --role auditor --expires tomorrow <<<"$PW"
err_has "expires: a date YYYY-MM-DD"
ok isms user list
out_lacks "ext2"

note "the owner of the file sees the contacts; the external auditor does not"
ok isms questionnaire show QR-0001 --json
out_has "it-security@lohnwerk.example"
ok signed ext questionnaire show QR-0001 --json
out_lacks "it-security@lohnwerk.example"
json_check 'd["contact"] is None'
ok signed ext supplier list --json
json_check 'all(r.get("contact") is None for r in d)'
ok signed ext attendance list --json
out_is "[]"
ok signed ext awareness completion AWC-0001
out_has "people done"
out_lacks "Engineering"
ok signed ext history QR-0001
out_lacks "lohnwerk"

note "the evidence bundle read as the external auditor leaves out people's competence evidence"
ok isms bundle -o own.zip
ok signed ext bundle -o ext.zip
check "the owner's bundle holds a person's certificate" \
    py -c 'import sys,zipfile; sys.exit(not any("pecb-lead-implementer" in n for n in zipfile.ZipFile("own.zip").namelist()))'
check "the external auditor's does not" \
    py -c 'import sys,zipfile; sys.exit(any("pecb-lead-implementer" in n for n in zipfile.ZipFile("ext.zip").namelist()))'

note "the external auditor writes nothing through --as; an internal auditor still does"
n0=$(sqlite3 d.isms 'SELECT count(*) FROM history')
fails 7 signed ext audit edit AUD-0001 --conclusion "written by the certification body"
err_has "the account ext is an external auditor's (it has an end date): it reads and writes nothing"
fails 7 signed ext finding add --audit AUD-0001 --title "Stage 2 observation" --kind observation
err_has "external auditor"
fails 7 signed ext risk retire R-0001
fails 7 signed ext attach AUD-0001 /etc/hostname
fails 7 signed ext audit generate AUD-0001
printf 'name,kind,owner\nScanner,hardware,P-0005\n' >assets.csv
fails 7 signed ext asset import assets.csv
err_has "the role of ext does not allow adding them"
check "nothing was written" [ "$(sqlite3 d.isms 'SELECT count(*) FROM history')" = "$n0" ]
ok signed ext audit show AUD-0001
ok isms user list
AUDITOR=$(awk '$2 == "auditor" && $0 !~ /until/ {print $1; exit}' "$OUT")
ok isms user password "$AUDITOR" <<<"$PW"
ok signed "$AUDITOR" audit edit AUD-0001 --conclusion "The internal auditor's conclusion"
ok isms audit show AUD-0001 --json
json_check 'd["conclusion"] == "The internal auditor'"'"'s conclusion"'

note "a grant, with a reason, in the security log"
fails 3 isms user edit ext --privacy-access yes
err_has "reason:"
ok isms user edit ext --privacy-access yes --reason "sample of A.6.3 records"
ok signed ext questionnaire show QR-0001 --json
out_has "it-security@lohnwerk.example"
ok isms user list
out_has "privacy-access"

note "after the end date: refused, saying so"
ok isms user edit ext --expires "$YESTERDAY"
fails 8 signed ext risk list
err_has "expired on $YESTERDAY"
ok isms user list
out_has "expired $YESTERDAY"
check "today is after the end date" [ "$TODAY" \> "$YESTERDAY" ]

note "isms log: the security log by name, filtered, as JSON"
ok isms log --account ext
out_has "expiry-change"
out_has "privacy-grant"
out_has "sample of A.6.3 records"
ok isms log --account ext --event login-failed --json
json_check 'd["items"] and all(x["account"] == "ext" and x["event"] == "login-failed" for x in d["items"])'
json_check 'any(x["detail"] == "account expired" for x in d["items"])'
# (the demo's accounts were added in its replayed year: since two years ago)
ok isms log --event account-add --since "$(date -u -d '-2 years' +%Y-%m-%d)" --limit 2 --json
json_check 'len(d["items"]) == 2 and d["next_before"]'
ok isms log --event account-add --since "$TODAY" --json
json_check 'len(d["items"]) == 1 and d["items"][0]["account"] == "ext"'
fails 3 isms log --event nope
err_has "event: no event nope"
fails 3 isms log --since 2026-02-30
err_has "since: a date YYYY-MM-DD"
ok isms token add ext --name cli-token
ok isms token list
out_has "ext"
out_lacks "account "
note "a password typed as a name is not written as typed"
printf 'whatever-1234567\n' | isms risk list --as 'Secret-Passw0rd!' >/dev/null 2>&1
ok isms log --event login-failed --json
out_lacks "Secret-Passw0rd"
json_check 'any(x["account"].startswith("unknown:") for x in d["items"])'

note "scoped tokens: shown with their scope; an unknown type refused"
ok isms token add miriam --name ro --read-only --types measurement,attachment
ok isms token list
out_has "read-only;types:measurement,attachment"
fails 3 isms token add miriam --types nosuch
err_has "types: no record type nosuch"
finish
