# t_signoff.sh — on the command line the signer is the account given with
# --as and authenticated like a sign-in (password, then the TOTP code when the
# account has one, from stdin): --by is refused, a wrong password, an unknown,
# disabled or person-less account cannot sign, $ISMS_ACTOR does not change
# the signer, and what is recorded (signoff table, history, show --json) is
# always the account that signed. A decision taken elsewhere needs its
# evidence file.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-05-04
ok isms init g.isms
export ISMS_FILE=g.isms
ok isms person add --name "Cleo Chief"   # P-0001 top management
ok isms person add --name "Olga Owner"   # P-0002
ok isms role add --name Board --top-management yes --holders P-0001 --status active
ok isms risk add --title "Fire" --owner P-0002 --likelihood 4 --consequence 4 # R-0001 16
ok isms risk add --title "Drizzle" --owner P-0002 --likelihood 1 --consequence 2 # R-0002 2
make_account cleo top-management P-0001
make_account olga owner P-0002
make_account ghost manager P-0002
make_account sec manager P-0002
ok isms user edit ghost --disabled yes
printf '%s\n' "$PW" | isms user add noperson --role top-management >/dev/null

digest=$(records_digest g.isms)
note "no --as: refused, saying how to sign"
fails 7 isms risk accept R-0001 --rationale "x"
err_has "sign with --as ACCOUNT"
note "--by is never a way to name the signer"
fails 2 isms risk accept R-0001 --by P-0001 --rationale "x"
err_has "--by: the signer is the account that signs: use --as ACCOUNT"
fails 2 signed olga risk accept R-0001 --by P-0001 --rationale "x"
note "a wrong password, an unknown or disabled account: one sign-in failure (8)"
PW_cleo="not the password at all" fails 8 signed cleo risk accept R-0001 --rationale "x"
err_has "wrong name or password"
fails 8 signed nosuchaccount risk accept R-0001 --rationale "x"
err_has "wrong name or password"
fails 8 signed ghost risk accept R-0002 --rationale "x"
fails 8 isms risk accept R-0001 --rationale "x" --as cleo </dev/null
err_has "no password given"
note "an account acting as no person cannot sign"
fails 7 signed noperson risk accept R-0001 --rationale "x"
err_has "acts as no person"
note "the risk owner cannot accept above the criterion, whatever the actor says"
ISMS_ACTOR="cli:cleo" fails 7 signed olga risk accept R-0001 --rationale "x"
err_has "P-0002 (account olga) holds no top-management role"
same_records g.isms "$digest"

note "the recorded signer is the account that signed"
ISMS_ACTOR="cli:someone-else" ok signed cleo risk accept R-0001 --rationale "Board minute 12"
out_is "R-0001 accepted by P-0001 (account cleo)"
check "the signoff row names cleo and P-0001" [ "$(sqlite3 g.isms "SELECT account_name, person, capacity, kind FROM signoff")" = "cleo|P-0001|top-management|acceptance" ]
ok isms risk show R-0001 --json
json_all 'd["status"] == "accepted"' \
    '[(s["signer"]["person"], s["signer"]["name"], s["signer"]["account"], s["current"], s["rationale"]) for s in d["signoffs"]] == [("P-0001", "Cleo Chief", "cleo", True, "Board minute 12")]' \
    'd["signoffs"][0]["label"].startswith("accepted by P-0001 (Cleo Chief), account cleo, as top-management")'
ok isms history R-0001 --json
json_check '[(h["after"]["person"], h["after"]["account_name"]) for h in d if h["type"] == "signoff"] == [("P-0001", "cleo")]'
note "after a change to the risk the acceptance is no longer current"
ok isms risk edit R-0001 --likelihood 5
ok isms risk show R-0001 --json
json_check '[s["current"] for s in d["signoffs"]] == [False]'

note "an account with a second factor signs with password and code"
ok isms user totp olga
secret=$(py -c 'import re,sys; print(re.search(r"secret=([A-Z2-7]+)", sys.stdin.read()).group(1))' <<<"$OUT_TEXT")
code() {
    py -c '
import base64, hashlib, hmac, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time() // 30) + int(sys.argv[2])), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))' "$1" "${2:-0}"
}
totp_sign() { # totp_sign CODE ARGS...: password then CODE on stdin
    local c=$1
    shift
    printf '%s\n%s\n' "$PW" "$c" | isms "$@" --as olga
}
fails 8 totp_sign 000000 risk accept R-0002 --rationale "Drizzle is fine"
fails 8 signed olga risk accept R-0002 --rationale "no code given"
ok totp_sign "$(code "$secret")" risk accept R-0002 --rationale "Drizzle is fine"
out_is "R-0002 accepted by P-0002 (account olga)"
check "olga's acceptance recorded as risk owner" [ "$(sqlite3 g.isms "SELECT account_name, capacity FROM signoff WHERE subject_id = 'R-0002'")" = "olga|risk-owner" ]

note "a decision taken elsewhere needs the evidence file of it"
digest=$(records_digest g.isms)
fails 3 signed sec risk accept R-0001 --on-behalf-of P-0001 --rationale "Board minute 13"
err_has "evidence: a decision recorded on behalf of someone needs the evidence file"
fails 3 signed sec risk accept R-0001 --on-behalf-of P-0001 --evidence ATT-0001 --rationale "x"
err_has "evidence: ATT-0001 is not an evidence file attached to R-0001"
fails 7 signed sec risk accept R-0001 --on-behalf-of P-0002 --evidence ATT-0001 --rationale "x"
err_has "P-0002 (on whose behalf it would be recorded) holds no top-management role"
note "only an admin or a manager records decisions on behalf of others"
fails 7 signed cleo risk accept R-0001 --on-behalf-of P-0001 --rationale "x"
err_has "needs the admin or manager role"
fails 3 signed cleo risk accept R-0002 --evidence ATT-0001 --rationale "x"
err_has "evidence: an evidence file goes with a decision recorded on behalf"
same_records g.isms "$digest"

note "with the minutes attached to the risk, the decision is recorded on behalf of the decider"
printf 'Board minutes 13: R-0001 retained.\n' >minutes.txt
ok isms attach R-0002 minutes.txt
other=$(sqlite3 g.isms "SELECT ref FROM attachment WHERE subject = 'R-0002'")
fails 3 signed sec risk accept R-0001 --on-behalf-of P-0001 --evidence "$other" --rationale "x"
err_has "is not an evidence file attached to R-0001"
ok isms attach R-0001 minutes.txt
att=$(sqlite3 g.isms "SELECT ref FROM attachment WHERE subject = 'R-0001'")
ok signed sec risk accept R-0001 --on-behalf-of P-0001 --evidence "$att" --rationale "Board minute 13"
out_is "R-0001 accepted: recorded on behalf of P-0001 by P-0002 (account sec)"
export ATT=$att
ok isms risk show R-0001 --json
json_all 'd["status"] == "accepted"' \
    'd["signoffs"][-1]["kind"] == "recorded-on-behalf" and d["signoffs"][-1]["current"] is True' \
    'd["signoffs"][-1]["on_behalf_of"] == {"person": "P-0001", "name": "Cleo Chief"}' \
    'd["signoffs"][-1]["signer"]["account"] == "sec" and d["signoffs"][-1]["evidence"] == E["ATT"]' \
    'd["signoffs"][-1]["label"].startswith("recorded on behalf of P-0001 (Cleo Chief) by P-0002 (Olga Owner) (account sec)")'
# ---- the scope (4.3): one in force, approved by top management ----------------
note "a scope is approved by top management, never typed as approved"
ok isms scope add --title "Scope 2026" --version 1.0 --statement "Payroll SaaS, Berlin" --owner P-0002 # SC-0001
ok isms scope add --title "Scope 2027" --version 2.0 --statement "Payroll and People SaaS" --owner P-0002 # SC-0002
fails 3 isms scope edit SC-0001 --status approved
err_has "isms scope approve SC-0001 --as ACCOUNT"
fails 3 isms scope edit SC-0001 --approved-by P-0001
fails 2 isms scope approve SC-0001 --by P-0001
fails 7 signed sec scope approve SC-0001
err_has "needs the capacity top management"
ok signed cleo scope approve SC-0001 --rationale "Board, 4 May"
out_is "scope SC-0001 version 1 approved by P-0001 (account cleo); it is the scope in force"
ok isms scope show SC-0001 --json
json_all '(d["status"], d["approved_by"], d["approved_on"]) == ("approved", "P-0001", "2026-05-04")' \
    '[(s["signer"]["account"], s["version"], s["current"]) for s in d["signoffs"]] == [("cleo", 1, True)]'
note "a change after approval: the approval no longer covers it; approving again makes version 2"
ok isms scope edit SC-0001 --statement "Payroll SaaS, Berlin and Lisbon"
ok isms scope show SC-0001 --json
json_check '[s["current"] for s in d["signoffs"]] == [False]'
ok signed cleo scope approve SC-0001
out_has "version 2 approved"
ok signed cleo scope approve SC-0001
out_has "was already approved"
note "approving another scope supersedes the one in force; its versions stay as they were"
ok signed cleo scope approve SC-0002 --rationale "New scope for 2027"
ok isms scope versions --json
json_all 'sorted((v["subject"], v["number"]) for v in d) == [("SC-0001", 1), ("SC-0001", 2), ("SC-0002", 1)]' \
    '[v["subject"] for v in d if v["state"] == "in-force"] == ["SC-0002"]'
ok isms scope show SC-0001 --json
json_check 'd["status"] == "superseded"'
ok isms scope version SC-0001 1 --json
json_all 'd["content"]["statement"] == "Payroll SaaS, Berlin" and d["number"] == 1' \
    '[s["signer"]["account"] for s in d["signoffs"]] == ["cleo"]'
ok isms scope diff SC-0001 1 2 --json
json_check 'd == [{"change": "changed", "field": "statement", "from": "Payroll SaaS, Berlin", "to": "Payroll SaaS, Berlin and Lisbon"}]'
fails 4 isms scope version SC-0001 9
ok isms verify
finish
