# t_principal.sh — who reads: the file's owner reads as the system (every
# row); `--as ACCOUNT` reads as that account, and lists, search, show,
# history and exports then give exactly what the web gives the account:
# staff the documents in force of class public/internal (never a draft, not
# the confidential SoA DOC-0003 nor the continuity plan DOC-0011) and their
# own incidents; no backlink from a row they may not read; no history of a
# document; no register of a type their role may not read (exit 7).
. "$CLI_DIR/lib.sh"

ok isms demo d.isms || finish
export ISMS_FILE=$PWD/d.isms
ok isms user list
STAFF=$(awk '$2 == "staff" {print $1; exit}' "$OUT")
AUDITOR=$(awk '$2 == "auditor" {print $1; exit}' "$OUT")
SP=$(awk '$2 == "staff" {print $3; exit}' "$OUT")
export STAFF AUDITOR SP
check "the demo has a staff and an auditor account" [ -n "$STAFF" ] && [ -n "$AUDITOR" ]
ok isms user password "$STAFF" <<<"$PW"
ok isms user password "$AUDITOR" <<<"$PW"
check "the staff account acts as a person" [ -n "$SP" ]

note "hidden rows: an incident of someone else, a nonconformity raised from staff's own"
ok isms incident add --title "VIS-OTHER badge cloned" --description "At the door." \
    --reported-by P-0001 --detected-at 2026-11-03T09:00:00Z --severity high --owner P-0005
OTHER=$(last_line)
ok isms incident add --title "VIS-MINE laptop on a train" --description "The 8:12." \
    --reported-by "$SP" --detected-at 2026-11-02T09:00:00Z --severity low --owner P-0005
MINE=$(last_line)
ok isms nonconformity add --title "Raised from $MINE" --source incident --incident "$MINE" \
    --owner P-0005
NC=$(last_line)
ok isms document add --title "VIS-DRAFT procedure" --kind procedure --owner P-0005 \
    --classification public --audience everyone --body "VIS-DRAFT-BODY"
DRAFT=$(last_line)
export OTHER MINE NC DRAFT

note "the owner of the file reads every row"
ok isms incident list --json
json_check 'E["OTHER"] in [r["id"] for r in d] and E["MINE"] in [r["id"] for r in d]'
ok isms incident list --search VIS-OTHER
out_has "$OTHER"
ok isms incident show "$MINE"
out_has "$NC"
ok isms document list --json
json_check 'all(x in [r["id"] for r in d] for x in a)' DOC-0003 DOC-0011 "$DRAFT"

note "--as staff: their own incidents only, in lists, search, show and history"
ok signed "$STAFF" incident list --json
json_all 'all(r["reported_by"] == E["SP"] for r in d)' 'E["MINE"] in [r["id"] for r in d]' \
    'E["OTHER"] not in [r["id"] for r in d]'
ok signed "$STAFF" incident list --search VIS-OTHER
out_lacks "$OTHER"
ok signed "$STAFF" incident list --search VIS-MINE
out_has "$MINE"
fails 4 signed "$STAFF" incident show "$OTHER"
err_has "no incident $OTHER"
ok signed "$STAFF" incident show "$MINE"
out_has "VIS-MINE"
# (as a word: INC-0006 holds NC-0006 when the numbers meet)
check "no backlink to $NC, a nonconformity staff may not read" \
    test -z "$(grep -ow -- "$NC" <<<"$OUT_TEXT")"
fails 4 signed "$STAFF" nonconformity show "$NC"
# people: besides their incidents, staff read competence requirements,
# campaigns and sessions, and their own evidence and attendance
staff_sees() {
    isms incident list --json | py -c 'import json,sys,os; print(" ".join(r["id"] for r in json.load(sys.stdin) if r["reported_by"] == os.environ["SP"]))'
    for t in competency campaign briefing; do
        isms "$t" list --json | py -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'
    done
    for t in qualification attendance; do
        isms "$t" list --json | py -c 'import json,sys,os; print(" ".join(r["id"] for r in json.load(sys.stdin) if r["person"] == os.environ["SP"]))'
    done
}
ok signed "$STAFF" history --json
json_check 'd and all(e["id"] in a for e in d) and any(e["type"] == "incident" for e in d)' \
    $(staff_sees)
ok signed "$STAFF" history "$MINE" --json
json_check 'd and all(e["id"] == a[0] for e in d)' "$MINE"
fails 4 signed "$STAFF" history "$OTHER"

note "--as staff: documents in force meant for them, never a draft or its history"
ok signed "$STAFF" document list --json
json_all '"DOC-0001" in [r["id"] for r in d]' \
    'not {"DOC-0003", "DOC-0011", E["DRAFT"]} & {r["id"] for r in d}' \
    'all(r["status"] in ("approved", "published") for r in d)' \
    'all(r["classification"] in ("public", "internal") or r.get("audience") in ("everyone", "selected") for r in d)'
ok signed "$STAFF" document list --search VIS-DRAFT
out_lacks "$DRAFT"
ok signed "$STAFF" document list --search "Statement of Applicability"
out_lacks DOC-0003
ok signed "$STAFF" document list --search "Business Continuity"
out_lacks DOC-0011
ok isms document list --search "Business Continuity"
out_has DOC-0011
for id in DOC-0003 DOC-0011 "$DRAFT"; do
    fails 4 signed "$STAFF" document show "$id"
done
ok isms document show DOC-0002 --json
json_check 'd["status"] == "in-review"'
ok signed "$STAFF" document show DOC-0002 --json
json_check 'd["status"] == "published" and d["version"] == "1.0"'
fails 7 signed "$STAFF" history DOC-0001
err_has "does not allow reading the history of documents"
fails 7 signed "$STAFF" document versions DOC-0001

note "--as staff: registers of types staff may not read are refused, nothing written"
fails 7 signed "$STAFF" risk list
err_has "does not allow reading risks"
fails 7 signed "$STAFF" risk export --format csv -o staff.csv
check "no export file for staff" [ ! -e staff.csv ]
fails 7 signed "$STAFF" soa export --format csv -o staff-soa.csv
check "no SoA export for staff" [ ! -e staff-soa.csv ]
fails 7 signed "$STAFF" plan export --format csv -o staff-plan.csv

note "--as auditor: reads everything, the same export as the owner's"
ok isms risk export --format csv -o owner.csv
ok signed "$AUDITOR" risk export --format csv -o auditor.csv
check "the auditor's risk register is the owner's" cmp -s owner.csv auditor.csv
ok signed "$AUDITOR" incident list --search VIS-OTHER
out_has "$OTHER"
ok signed "$AUDITOR" incident show "$MINE"
out_has "$NC"

note "--as staff: tasks only on records staff may see (task sources read as the principal)"
ok isms incident edit "$MINE" --personal-data yes   # ops: a GDPR notification duty (incident_duty)
ok isms incident edit "$OTHER" --personal-data yes
ok isms tasks --all --json
json_all 'E["MINE"] in [t["subject"] for t in d["tasks"]]' \
    'E["OTHER"] in [t["subject"] for t in d["tasks"]]' \
    '{"risk", "action", "ctest", "raction", "document-step", "evidence"} <= {t["source"] for t in d["tasks"]}' \
    'len({t["owner"] for t in d["tasks"] if t["source"] == "acknowledgement"}) > 1'
cp "$OUT" owner-tasks.json
ok signed "$STAFF" document list --json
SDOCS=$(json_get '" ".join(r["id"] for r in d)')
export SDOCS
# ops: staff also see the demo's live incident they reported, and its duty
ok signed "$STAFF" incident list --json
SINCS=$(json_get '" ".join(r["id"] for r in d)')
export SINCS
ok signed "$STAFF" tasks --all --json
json_all 'd["tasks"]' 'E["MINE"] in [t["subject"] for t in d["tasks"]]' \
    'E["OTHER"] not in [t["subject"] for t in d["tasks"]]' \
    'all(t["subject"] == E["MINE"] or t["subject"] in (E["SDOCS"] + " " + E["SINCS"]).split() for t in d["tasks"])' \
    'all(t["owner"] == E["SP"] for t in d["tasks"] if t["source"] == "acknowledgement")' \
    'not {"risk", "action", "ctest", "raction", "document-step", "evidence", "review"} & {t["source"] for t in d["tasks"]}'
ok signed "$STAFF" tasks --owner P-0005 --json
json_check 'all(t["subject"] == E["MINE"] or t["subject"] in (E["SDOCS"] + " " + E["SINCS"]).split() for t in d["tasks"])'
ok signed "$AUDITOR" tasks --all --json
check "the auditor (every row) gets the owner's tasks" cmp -s owner-tasks.json "$OUT"

note "--as: the review pack, certificate schedule, control tests and audit coverage read as the account"
fails 7 signed "$STAFF" review compile MR-0001
err_has "does not allow reading reviews"
fails 7 signed "$STAFF" certificate schedule CERT-0001
fails 7 signed "$STAFF" control tests
err_has "does not allow reading ctests"
fails 7 signed "$STAFF" audit coverage
err_has "does not allow reading audits"
ok isms review compile MR-0002 --json --today 2026-11-05
cp "$OUT" owner-pack.json
ok signed "$AUDITOR" review compile MR-0002 --json --today 2026-11-05
check "the auditor's review pack is the owner's" cmp -s owner-pack.json "$OUT"
ok isms audit coverage --json
cp "$OUT" owner-cov.json
ok signed "$AUDITOR" audit coverage --json
check "the auditor's audit coverage is the owner's" cmp -s owner-cov.json "$OUT"

note "--as with a wrong password reads nothing"
wrong_pw() { printf 'wrong password 123\n' | isms "$@" --as "$STAFF"; }
fails 8 wrong_pw incident list
out_empty
err_has "wrong name or password"
finish
