# t_review.sh — management review (9.3) and certification on the command
# line: the pack reports the records of the period since the previous review
# (actions of earlier reviews, context changes, nonconformities, monitoring,
# audits, objectives, feedback, risks and the plan, improvements) with
# figures and links; freezing it makes one version, shown as it was and
# compared with now; top management (and only top management) signs the
# minutes; an unknown review is refused; a certificate's surveillance
# schedule follows from its issue date, with warnings at its lead times.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-01-10
ok isms init r.isms
export ISMS_FILE=r.isms
ok isms person add --name "Cleo Chief"      # P-0001 top management
ok isms person add --name "Max Manager"     # P-0002
ok isms role add --name Board --top-management yes --holders P-0001 --status active
make_account cleo top-management P-0001
make_account max manager P-0002
ok isms review add --title "Review 2025" --held-on 2026-01-15 --owner P-0002   # MR-0001
ok isms review add --title "Review 2026" --planned-on 2026-06-10 --owner P-0002 # MR-0002
note "actions agreed at the first review"
ok isms raction add --title "Fix the backups" --agreed-at MR-0001 --owner P-0002 --due-date 2026-03-01
ok isms raction add --title "Hire an engineer" --agreed-at MR-0001 --owner P-0001 --due-date 2026-09-01
ok isms raction add --title "Old thing" --agreed-at MR-0001 --owner P-0001 --status done --completed-on 2026-01-12
fails 3 isms raction add --title "No review"  --owner P-0001
err_has "agreed_at"

export ISMS_NOW=2026-02-01
note "records of the period"
ok isms issue add --title "New regulation" --kind external --owner P-0002
ok isms nonconformity add --title "Late reviews" --source internal-audit --owner P-0002 --detected-on 2026-02-01 --due-date 2026-03-01 --severity major
ok isms nonconformity add --title "Customer complaint" --source complaint --owner P-0002 --detected-on 2026-02-02
ok isms metric add --name "Patch latency" --target 7 --direction lower --unit days --status active
ok isms measurement add --metric MET-0001 --measured-on 2026-02-01 --value 9
ok isms audit add --title "Internal audit" --kind internal --performed-on 2026-02-05 --status reported
ok isms finding add --audit AUD-0001 --title "No log review" --kind minor-nonconformity
ok isms objective add --title "Fewer incidents" --owner P-0002 --metric MET-0001 --target "<3" # metrics: at risk, computed from the breach
ok isms improvement add --title "Automate inventory" --source staff
ok isms risk add --title "Ransomware" --owner P-0002 --likelihood 4 --consequence 5
ok isms action add --title "EDR rollout" --risks R-0001 --owner P-0002 --due-date 2026-02-10

export ISMS_NOW=2026-04-01
note "the pack of MR-0002: the period after MR-0001 up to today"
ok isms review compile MR-0002 --json
json_all 'd["review"] == "MR-0002" and d["previous"] == "MR-0001" and d["from"] == "2026-01-15" and d["to"] == "2026-04-01"' \
    '[s["id"] for s in d["sections"]] == ["previous-actions", "context-changes", "nonconformities", "monitoring", "audits", "objectives", "feedback", "risks", "improvements"]'
S='{s["id"]: s for s in d["sections"]}'
F='lambda k: {f["label"]: f["value"] for f in '"$S"'[k]["figures"]}'
I='lambda k: [i["id"] for i in '"$S"'[k]["items"]]'
json_all "($I)('previous-actions') == ['MRA-0001', 'MRA-0002']" \
    "($F)('previous-actions') == {'Actions reported on': 2, 'Done': 0, 'Open': 2, 'Overdue': 1, 'Cancelled': 0}" \
    "[i['link'] for i in $S['previous-actions']['items']] == ['/ractions/MRA-0001', '/ractions/MRA-0002']" \
    "($I)('context-changes') == ['ISS-0001'] and ($F)('context-changes')['Issues added'] == 1" \
    "($I)('nonconformities') == ['NC-0001', 'NC-0002'] and ($F)('nonconformities')['Overdue'] == 1 and ($F)('nonconformities')['Major'] == 1" \
    "($F)('monitoring')['Off target'] == 1 and $S['monitoring']['items'][0]['status'] == 'off target'" \
    "($I)('audits') == ['AUD-0001'] and ($F)('audits')['Minor nonconformities'] == 1" \
    "($F)('objectives')['At risk'] == 1" \
    "($I)('feedback') == ['NC-0002'] and ($F)('feedback')['Complaints'] == 1" \
    "($F)('risks')['Risks'] == 1 and ($F)('risks')['Treatment actions overdue'] == 1 and ($I)('risks') == ['R-0001']" \
    "($I)('improvements') == ['OFI-0001']"
ok isms review compile MR-0002
out_has "9.3.2 a  Status of actions from previous reviews"
out_has "MRA-0002"
note "the first review has no earlier one"
ok isms review compile MR-0001 --json
json_check 'd["previous"] == "" and d["from"] == "" and d["to"] == "2026-01-15"'

note "an unknown review, or something that is no review: refused"
fails 4 isms review compile MR-0099
err_has "no review MR-0099"
fails 4 isms review compile R-0001
err_has "no review R-0001"
fails 4 isms review freeze MR-0099
fails 4 isms review pack MR-0002
err_has "has no frozen pack yet"
fails 2 isms review compile
err_has "usage: isms review compile"

note "the minutes cannot be signed before the meeting"
digest=$(records_digest r.isms)
fails 5 signed cleo review sign MR-0002
err_has "has not been held"
same_records r.isms "$digest"

export ISMS_NOW=2026-06-10
note "freezing at the meeting: one version, the review held"
ok isms review freeze MR-0002
out_is "review MR-0002: pack frozen as version 1"
ok isms review freeze MR-0002
out_is "review MR-0002: pack unchanged, already frozen as version 1"
ok isms review show MR-0002 --json
json_check 'd["status"] == "held" and d["held_on"] == "2026-06-10"'
check "one review-pack version" [ "$(sqlite3 r.isms "SELECT count(*) FROM version WHERE subject_kind = 'review-pack'")" = 1 ]

export ISMS_NOW=2026-06-20
note "later changes: the frozen pack stays as it was, the diff shows them"
ok isms raction edit MRA-0001 --status done --completed-on 2026-06-09
ok isms review pack MR-0002 --json
json_check '[i["status"] for s in d["pack"]["sections"] if s["id"] == "previous-actions" for i in s["items"]] == ["open", "open"] and d["number"] == 1'
ok isms review pack-diff MR-0002 --json
json_check '{(c["section"], c["id"], c["field"], c["from"], c["to"]) for c in d} >= {("previous-actions", "MRA-0001", "status", "open", "done"), ("previous-actions", "", "Done", "0", "1")}'
ok isms review pack-diff MR-0002
out_has "MRA-0001"
fails 2 isms review pack MR-0002 --version zero
err_has "--version"
fails 4 isms review pack MR-0002 --version 7
err_has "no frozen pack 7"

note "minutes: a manager cannot sign; --by is refused; top management signs"
ok isms review edit MR-0002 --attendees P-0001,P-0002 --decisions "1. Budget approved" --minutes "Held in Berlin"
ok isms raction add --title "Buy DR site" --agreed-at MR-0002 --owner P-0001 --due-date 2026-12-01
digest=$(records_digest r.isms)
fails 7 signed max review sign MR-0002 --rationale "as manager"
err_has "needs the capacity top management"
fails 2 isms review sign MR-0002 --by P-0001
err_has "--as"
fails 2 isms review sign MR-0002
err_has "--as ACCOUNT"
fails 3 isms review edit MR-0002 --status minutes-approved
err_has "isms review sign MR-0002"
same_records r.isms "$digest"
ok signed cleo review sign MR-0002 --rationale "As discussed"
out_is "review MR-0002: minutes version 1 signed by P-0001 (account cleo)"
ok signed cleo review sign MR-0002 --rationale "As discussed"
out_has "were already signed"
check "the sign-off names cleo as top management" [ "$(sqlite3 r.isms "SELECT account_name, person, capacity, kind FROM signoff WHERE subject_kind = 'review-minutes'")" = "cleo|P-0001|top-management|approval" ]
ok isms review show MR-0002 --json
json_check 'd["status"] == "minutes-approved"'
check "the minutes hold the actions" [ "$(sqlite3 r.isms "SELECT json_extract(content, '\$.actions[0].id') || ' ' || json_extract(content, '\$.decisions') FROM version WHERE subject_kind = 'review-minutes'")" = "MRA-0004 1. Budget approved" ]

note "the next review reports on the actions of both earlier ones"
ok isms review add --title "Review 2027" --planned-on 2027-01-10 --owner P-0002
ok isms review compile MR-0003 --json
json_check '[i["id"] for s in d["sections"] if s["id"] == "previous-actions" for i in s["items"]] == ["MRA-0002", "MRA-0004"]'

note "certificates: the schedule follows from the issue date"
ok isms certificate add --body "Nordcert" --number "NC-1" --issued-on 2025-07-15 --owner P-0002
ok isms certificate schedule CERT-0001 --json --today 2026-06-20
json_all '[(x["what"], x["due"], x["state"], x["warning_days"]) for x in d["schedule"]] == [("Surveillance audit 1", "2026-07-15", "warning", 30), ("Surveillance audit 2", "2027-07-15", "scheduled", None), ("Recertification audit", "2028-07-15", "scheduled", None)]' \
    'd["warn_days"] == [60, 30, 7]'
ok isms certificate schedule CERT-0001 --json --today 2026-07-10
json_check 'd["schedule"][0]["warning_days"] == 7'
ok isms certificate schedule CERT-0001 --json --today 2026-07-16
json_check 'd["schedule"][0]["state"] == "overdue"'
ok isms certificate edit CERT-0001 --warn-first 14 --warn-second 90 --expires-on 2028-06-30
ok isms certificate schedule CERT-0001 --json --today 2026-05-01
json_check 'd["warn_days"] == [90, 14] and d["schedule"][0]["warning_days"] == 90 and d["schedule"][2]["due"] == "2028-06-30"'
note "a surveillance audit performed marks its deadline held"
ok isms audit add --title "Surveillance 1" --kind surveillance --performed-on 2026-07-01 --status reported
ok isms certificate schedule CERT-0001 --json --today 2026-07-10
json_check 'd["schedule"][0]["state"] == "held" and d["schedule"][0]["audit"] == "AUD-0002" and d["schedule"][1]["audit"] is None'
ok isms certificate schedule CERT-0001
out_has "held (AUD-0002)"
note "bad certificate input names the field; nothing written"
digest=$(records_digest r.isms)
fails 3 isms certificate edit CERT-0001 --warn-third soon
err_has "warn_third"
fails 3 isms certificate edit CERT-0001 --warn-first 0
err_has "warn_first"
fails 3 isms certificate edit CERT-0001 --warn-first 400
fails 3 isms certificate edit CERT-0001 --expires-on 2025-01-01
err_has "expires_on: 2025-01-01 is not after the issue date"
fails 3 isms certificate add --body "X" --number "2" --owner P-0002
err_has "issued_on"
fails 3 isms cnc add --title "Late" --certificate CERT-0001 --grade minor --raised-on 2026-07-01 --close-by 2026-06-01
err_has "close_by: 2026-06-01 is before"
fails 4 isms certificate schedule CERT-0099
err_has "no certificate CERT-0099"
same_records r.isms "$digest"
ok isms cnc add --title "Supplier reviews" --certificate CERT-0001 --grade minor --raised-on 2026-07-01 --close-by 2026-09-01 --owner P-0002

ok isms verify
finish
