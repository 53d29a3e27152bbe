# t_ops.sh — operations on the command line: an incident's timeline (who is
# the account signed in with --as, else the actor), notification duties
# derived from the incident and the requirement register (GDPR 72 h from
# detection for personal data, requirement-driven 24 h duties) with their
# countdowns and tasks, a duty marked notified once, a nonconformity raised
# from the incident and linked both ways; continuity needs per asset from
# the plans of the services that depend on it, plan tests with a computed
# result; security exceptions (compensating measures required, approval by
# the capacity the risk's level needs, shown on the SoA row); a change
# carried out flags its risks. Refusals write nothing.
. "$CLI_DIR/lib.sh"

export ISMS_NOW="2026-03-01T12:00:00Z"
ok isms init o.isms
export ISMS_FILE=o.isms
ok isms person add --name "Cleo Chief"   # P-0001 top management
ok isms person add --name "Omar Owner"   # P-0002
ok isms person add --name "Sam Staff"    # P-0003
ok isms role add --name Board --top-management yes --holders P-0001 --status active
make_account cleo top-management P-0001
make_account omar owner P-0002

note "requirements that carry notification duties"
ok isms requirement add --title "NIS2 early warning" --kind regulatory --notify-when high-severity --notify-hours 24 --notify-to "the CSIRT"   # REQ-0001
ok isms requirement add --title "Customer DPA" --kind contractual --notify-when personal-data --notify-hours 48 --notify-to "the customers"  # REQ-0002
ok isms requirement add --title "Old contract" --kind contractual --notify-when any-incident --notify-hours 12 --status withdrawn         # REQ-0003
fails 3 isms requirement add --title "Bad" --kind legal --notify-when sometimes
err_has "notify_when"
fails 3 isms requirement add --title "Bad" --kind legal --notify-hours 0
err_has "notify_hours"

note "an incident with personal data, detected 52 hours ago"
ok isms incident add --title "Payslips exposed" --description "Cached links" --detected-at "2026-02-27 08:00" --personal-data 1 --severity high --owner P-0002 --reported-by P-0003  # INC-0001
ok isms incident duties INC-0001 --json
json_all '[x["duty"] for x in d["duties"]] == ["gdpr-72h", "REQ-0001", "REQ-0002"]' \
    'd["duties"][0]["deadline"] == "2026-03-02T08:00:00Z" and d["duties"][0]["seconds_left"] == 20 * 3600' \
    'd["duties"][0]["countdown"] == "20 h 0 min left" and not d["duties"][0]["done"]' \
    'd["duties"][1]["deadline"] == "2026-02-28T08:00:00Z" and d["duties"][1]["countdown"] == "overdue by 1 d 4 h 0 min"' \
    'd["duties"][2]["deadline"] == "2026-03-01T08:00:00Z" and d["duties"][2]["seconds_left"] == -4 * 3600'
ok isms incident duties INC-0001
out_has "gdpr-72h   by 2026-03-02T08:00:00Z  20 h 0 min left"
out_has "personal data involved: 72 hours from detection"

note "no personal data, low severity: no duty; an event is no breach"
ok isms incident add --title "Port scan" --description "Noise" --detected-at "2026-02-28 08:00" --severity low   # INC-0002
ok isms incident duties INC-0002
out_is "INC-0002: no notification duties"
ok isms incident add --title "Phish reported" --description "Nobody clicked" --personal-data 1 --classification event  # INC-0003
ok isms incident duties INC-0003
out_is "INC-0003: no notification duties"

note "the timeline: who is the account, never a field"
ok isms incident note INC-0001 --kind triage --text "Confirmed: 310 payslips"
ok isms incident show INC-0001 --json
json_all 'd["status"] == "triaged"'
ok signed omar incident note INC-0001 --kind containment --text "Cache purged"
fails 2 isms incident note INC-0001 --text "x" --by cleo
err_has "--as"
D=$(records_digest o.isms)
fails 3 isms incident note INC-0001 --kind gossip --text "x"
err_has "kind: 'gossip' is not one of"
fails 3 isms incident note INC-0001 --kind note
err_has "text: required"
fails 3 isms incident note INC-0001 --text $'bad\x01text'
err_has "text: not valid text"
fails 4 isms incident note INC-0099 --text "x"
err_has "no incident INC-0099"
same_records o.isms "$D"
ok isms incident timeline INC-0001 --json
json_all '[e["kind"] for e in d["entries"]] == ["triage", "containment"]' \
    'd["entries"][0]["by"].startswith("cli:") and d["entries"][1]["by"] == "omar" and d["entries"][1]["person"] == "P-0002"' \
    'd["entries"][0]["at"] == "2026-03-01T12:00:00Z"'

note "marking duties notified: once, with when and by whom"
ok signed omar incident notified INC-0001 REQ-0001 --at "2026-02-27 20:00" --note "CSIRT portal ref 77"
out_is "INC-0001: duty REQ-0001 marked notified"
D=$(records_digest o.isms)
fails 5 isms incident notified INC-0001 REQ-0001
err_has "REQ-0001 of INC-0001 was already marked notified at 2026-02-27T20:00:00Z by omar"
fails 3 isms incident notified INC-0001 REQ-0003
err_has "duty: INC-0001 has no notification duty 'REQ-0003' (gdpr-72h, REQ-0001, REQ-0002)"
fails 3 isms incident notified INC-0001 gdpr-72h --at "2026-03-05 10:00"
err_has "notified_at: 2026-03-05T10:00:00Z is in the future"
fails 3 isms incident notified INC-0001 gdpr-72h --at "2026-02-20 10:00"
err_has "notified_at: 2026-02-20T10:00:00Z is before the incident was detected (2026-02-27T08:00:00Z)"
fails 3 isms incident notified INC-0001 gdpr-72h --at "yesterday"
err_has "notified_at: 'yesterday' is not a date and time"
same_records o.isms "$D"
ok isms incident duties INC-0001 --json
json_all 'd["duties"][1]["done"] and d["duties"][1]["notified_by"] == "omar" and d["duties"][1]["notified_at"] == "2026-02-27T20:00:00Z"' \
    'd["duties"][1]["countdown"] == "done (notified 2026-02-27T20:00:00Z by omar)"'
ok isms incident timeline INC-0001
out_has "notification"
out_has "CSIRT portal ref 77"
ok isms history INC-0001 --json
json_all 'any(h["action"] == "notified" for h in d) and any(h["action"] == "note" for h in d)'

note "raising a nonconformity: one step, linked both ways"
ok isms incident raise-nc INC-0001
out_is "INC-0001: nonconformity NC-0001 raised"
ok isms nonconformity show NC-0001 --json
json_all 'd["source"] == "incident" and d["incident"] == "INC-0001" and d["owner"] == "P-0002" and d["severity"] == "major"'
ok isms incident show INC-0001 --json
json_all 'd["nonconformity"] == "NC-0001"'
D=$(records_digest o.isms)
fails 5 isms incident raise-nc INC-0001
err_has "nonconformity: INC-0001 already has NC-0001"
fails 3 isms incident raise-nc INC-0002
err_has "owner: give INC-0002 an owner first"
same_records o.isms "$D"
ok isms verify

note "continuity: RTO/RPO/MTD per service, inherited by what it depends on"
ok isms asset add --name "Database" --kind service --owner P-0002                          # A-0001
ok isms asset add --name "Payroll app" --kind software --owner P-0002 --depends-on A-0001  # A-0002
ok isms asset add --name "Payroll service" --kind service --owner P-0002 --depends-on A-0002  # A-0003
ok isms continuity add --title "Platform plan" --services A-0003 --rto-hours 4 --rpo-hours 1 --mtd-hours 24 --owner P-0002  # BCP-0001
ok isms continuity add --title "DB plan" --services A-0001 --rto-hours 2 --owner P-0002 --test-interval-months 6          # BCP-0002
fails 3 isms continuity add --title "Bad" --rto-hours 30 --mtd-hours 24 --owner P-0002
err_has "rto_hours: the recovery time objective (30 h) cannot exceed the maximum tolerable downtime (24 h)"
fails 3 isms continuity add --title "Bad" --rpo-hours -1 --owner P-0002
err_has "rpo_hours: -1 cannot be negative"
make_account sam staff P-0003
fails 7 signed sam continuity needs
err_has "does not allow reading continuity"
ok isms continuity needs --json
json_all '{n["asset"]: (n["rto_hours"], n["rpo_hours"], n["mtd_hours"], n["rto_from"]) for n in d} == {"A-0003": (4, 1, 24, "BCP-0001"), "A-0002": (4, 1, 24, "BCP-0001"), "A-0001": (2, 1, 24, "BCP-0002")}'

note "plan tests: the result is computed from the achieved times"
ok isms bcptest add --title "Failover" --plan BCP-0001 --tested-on 2026-02-10 --scenario "Region down" --achieved-rto-hours 6.5 --achieved-rpo-hours 0.5 --participants P-0001,P-0002  # BCT-0001
ok isms bcptest show BCT-0001 --json
json_all 'd["result"] == "not-met"'
ok isms bcptest add --title "Restore" --plan BCP-0001 --tested-on 2026-02-20 --scenario "Restore" --achieved-rto-hours 3 --achieved-rpo-hours 1  # BCT-0002
ok isms bcptest show BCT-0002 --json
json_all 'd["result"] == "met"'
ok isms bcptest add --title "Half" --plan BCP-0001 --tested-on 2026-02-21 --scenario "Restore" --achieved-rto-hours 3  # BCT-0003
ok isms bcptest show BCT-0003 --json
json_all 'd["result"] == "incomplete"'
D=$(records_digest o.isms)
fails 3 isms bcptest add --title "Neg" --plan BCP-0001 --tested-on 2026-02-21 --scenario "x" --achieved-rto-hours -2
err_has "achieved_rto_hours: -2 cannot be negative"
fails 3 isms bcptest add --title "Typed" --plan BCP-0001 --tested-on 2026-02-21 --scenario "x" --result met
err_has "result"
fails 3 isms bcptest add --title "No plan" --tested-on 2026-02-21 --scenario "x"
err_has "plan"
same_records o.isms "$D"
ok isms bcptest edit BCT-0001 --achieved-rto-hours 3.5
ok isms bcptest show BCT-0001 --json
json_all 'd["result"] == "met"'

note "security exceptions: compensating measures required; approval by the risk's level"
ok isms risk add --title "Unsupported runtime" --owner P-0002 --likelihood 2 --consequence 2   # R-0001 (low)
ok isms risk add --title "Open admin port" --owner P-0002 --likelihood 5 --consequence 5       # R-0002 (high)
D=$(records_digest o.isms)
fails 3 isms exception add --title "Java 8" --control 8.8 --scope "ledger" --risk R-0001 --expires-on 2026-06-30 --owner P-0002
err_has "compensating: required"
fails 3 isms exception add --title "Java 8" --control 8.8 --scope "ledger" --risk R-0001 --compensating "WAF" --expires-on 2026-06-30 --owner P-0002 --status approved
err_has "status: an exception becomes approved when it is signed off"
fails 3 isms exception add --title "Java 8" --control 8.8 --scope "ledger" --compensating "WAF" --expires-on 2026-06-30 --owner P-0002
err_has "risk"
same_records o.isms "$D"
ok isms exception add --title "Java 8" --control 8.8 --scope "ledger" --risk R-0001 --compensating "WAF and isolation" --expires-on 2026-06-30 --owner P-0003  # EXC-0001
ok isms exception add --title "Admin port" --control 8.20 --scope "bastion" --risk R-0002 --compensating "IP allow-list" --expires-on 2026-04-30 --owner P-0002  # EXC-0002
ok isms exception add --title "Old one" --control 8.8 --scope "x" --risk R-0001 --compensating "y" --expires-on 2026-02-01 --owner P-0002  # EXC-0003 (expired)
fails 2 isms exception approve EXC-0001
err_has "--as"
D=$(records_digest o.isms)
fails 7 signed omar exception approve EXC-0002
err_has "needs the capacity top management"
fails 5 signed cleo exception approve EXC-0003
err_has "expires_on: EXC-0003 expired on 2026-02-01"
same_records o.isms "$D"
ok signed omar exception approve EXC-0001 --rationale "Low risk, owner accepts"
out_is "exception EXC-0001 approved by P-0002 (account omar)"
ok signed cleo exception approve EXC-0002
ok isms exception show EXC-0002 --json
json_all 'd["status"] == "approved" and d["approved_at"] == "2026-03-01T12:00:00Z"'
ok isms soa list
out_has "exception EXC-0001 until 2026-06-30"
out_has "exception EXC-0002 until 2026-04-30"
out_lacks "EXC-0003"
note "a changed deviation needs approval again"
ok isms exception edit EXC-0002 --expires-on 2026-09-30
ok isms exception show EXC-0002 --json
json_all 'd["status"] == "requested" and d["approved_at"] is None'
ok isms soa list
out_lacks "EXC-0002"
ok isms verify

note "8.1: processes carry risks and controls; a change carried out flags its risks"
ok isms process add --name "Release" --owner P-0002 --inputs "tickets" --risks R-0001 --controls 8.8,8.32 --documents ""
ok isms change add --title "New CI" --risks R-0001 --processes PRC-0001 --assets A-0002 --controls 8.32 --status approved  # CHG-0001
ok isms risk show R-0001 --json
json_all 'not d.get("review_reason")'
ok isms change edit CHG-0001 --status done --implemented-on 2026-03-01
ok isms risk show R-0001 --json
json_all 'd["review_reason"] == "change CHG-0001 carried out"'
ok isms risk show R-0002 --json
json_all 'not d.get("review_reason")'
ok isms verify

note "the timeline and notifications are append-only and checked by verify"
check "a timeline entry cannot be changed" sh -c '! sqlite3 o.isms "UPDATE incident_entry SET text = '"'"'x'"'"' WHERE id = 1" 2>/dev/null'
check "a notification cannot be deleted" sh -c '! sqlite3 o.isms "DELETE FROM incident_notice" 2>/dev/null'
cp o.isms o2.isms
sqlite3 o2.isms "INSERT INTO incident_entry (incident, at, kind, text, account_name) VALUES ('INC-0001', '2026-03-01T12:00:00Z', 'note', 'planted', 'mallory')"
fails 5 isms -f o2.isms verify
err_has "timeline entry"
err_has "does not match its history entry (there is none)"
cp o.isms o3.isms
sqlite3 o3.isms "INSERT INTO incident_notice (incident, duty, notified_at, account_name) VALUES ('INC-0001', 'gdpr-72h', '2026-03-01T10:00:00Z', 'mallory')"
fails 5 isms -f o3.isms verify
err_has "the notification of INC-0001 (gdpr-72h) does not match its history entry"
finish
