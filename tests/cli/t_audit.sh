# t_audit.sh — control tests (9.1) and the audit programme (9.2) from the
# command line: a test plan on an applicable control (refused on an
# excluded one), `control test-fail` recording the failed run and its NC
# linked both ways in one step (refusals write nothing), the test state on
# the SoA (text and export), evidence files on a run, the programme's
# coverage naming every gap, the risk-based rule flagging areas "due more
# often", auditor independence recorded on the audit, the checklist
# generated from the scope, results raising linked NCs, refusal on a
# cancelled audit, the report; the demo's programme has exactly one gap.
. "$CLI_DIR/lib.sh"
export ISMS_FILE=au.isms

note "setting up"
ok isms init au.isms || finish
ok isms person add --name "Olga Owner"
ok isms person add --name "Tom Tester"
ok isms person add --name "Ines Auditor"
ok isms control edit 8.8 --applicable yes --justification "vulnerabilities" --owner P-0001
ok isms control edit 5.1 --applicable yes --justification "policy" --owner P-0002
ok isms control edit 8.9 --applicable no --justification "no configuration items"

note "a control test plan, refused on an excluded control"
ok isms ctest add --control 8.8 --title "Patch scan" --frequency quarterly --tester P-0002 --owner P-0001 --first_due 2026-01-01
out_is "CT-0001"
fails 3 isms ctest add --control 8.9 --title "Scan" --frequency yearly
err_has "control: 8.9 is excluded from the Statement of Applicability"
fails 3 isms ctest add --control 8.8 --title "Scan" --frequency weekly
err_has "frequency"
ok isms control tests --json
json_check 'd[0]["id"] == "CT-0001" and d[0]["overdue"] and d[0]["due"] == "2026-01-01" and d[0]["last_run"] is None'
ok isms soa
out_has "[test overdue]"

note "test-fail: a failed run and its NC in one step"
h0=$(isms history --json | py -c 'import json,sys; print(len(json.load(sys.stdin)))')
fails 3 isms control test-fail CT-0001
err_has "note: say what failed (--note TEXT)"
fails 3 isms control test-fail CT-0001 --note "x" --result effective
err_has "result: a failed test is not-effective or partly-effective"
fails 4 isms control test-fail CT-9999 --note "x"
fails 3 isms control test-fail CT-0001 --note "x" --date 2026-13-01
err_has "date: '2026-13-01' is not a date (YYYY-MM-DD)"
h1=$(isms history --json | py -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "refusals write nothing" [ "$h0" = "$h1" ]
ok isms control test-fail CT-0001 --note "12 critical patches missing" --date 2026-02-10
out_is "CTR-0001 recorded (failed); raised NC-0001"
ok isms ctrun show CTR-0001 --json
json_check 'd["nonconformity"] == "NC-0001" and d["result"] == "not-effective" and d["tester"] == "P-0002"'
ok isms nonconformity show NC-0001 --json
json_check 'd["test_run"] == "CTR-0001" and d["source"] == "control-test" and d["control"] == "8.8" and d["severity"] == "major" and d["owner"] == "P-0001"'
out_has "12 critical patches missing"
fails 5 isms ctrun raise-nc CTR-0001
err_has "CTR-0001 already raised NC-0001"
ok isms control tests
out_has "test failed -> NC-0001"
out_has "2026-05-10"
ok isms soa
out_has "[test failed]"
ok isms soa export --format csv -o soa.csv
check "the SoA export has the control test column" grep -q "Control test" soa.csv
check "the SoA export flags 8.8" grep -q "test failed" soa.csv
printf 'scan report\n' >scan.txt
ok isms attach CTR-0001 scan.txt
out_has "attached to CTR-0001"
ok isms ctrun add --test CT-0001 --performed_on 2026-03-01 --result partly-effective
out_is "CTR-0002"
ok isms ctrun raise-nc CTR-0002
out_is "CTR-0002 raised NC-0002"
ok isms ctrun add --test CT-0001 --performed_on 2026-03-02 --result effective
fails 3 isms ctrun raise-nc CTR-0003
err_has "only a failed run"

note "programme and coverage"
ok isms programme add --title "Programme 2026-2028" --start_year 2026 --owner P-0001
fails 3 isms programme add --title "Bad" --start_year 1999
err_has "start_year"
ok isms audit add --title "Clauses 4-6" --clauses "4, 5, 6" --controls 8.8 --planned_on 2026-03-01 --lead_auditor P-0003 --programme PRG-0001
out_is "AUD-0001"
err_lacks "independence"
ok isms audit add --title "Rest" --clauses "7-10" --planned_on 2027-03-01 --lead_auditor P-0001 --controls 8.8 --programme PRG-0001
err_has "warning: auditor independence (recorded on AUD-0002)"
err_has "P-0001 owns control 8.8"
ok isms audit show AUD-0002 --json
json_check '"P-0001 owns control 8.8" in d["independence"]'
fails 3 isms audit edit AUD-0002 --independence ""
ok isms audit edit AUD-0002 --lead_auditor P-0003
ok isms audit show AUD-0002 --json
json_check 'd.get("independence") is None'
ok isms audit coverage --json
json_check 'd["programme"] == "PRG-0001" and d["years"] == [2026, 2027, 2028]'
json_check '[(g["kind"], g["id"]) for g in d["not_covered"]] == [("control", "5.1"), ("control", "8.8")]'
json_check 'd["not_covered"][0]["reason"] == "no audit covers it in 2026-2028"'
json_check 'd["not_covered"][1]["reason"] == "due more often: no audit covers it in 2028"'
json_check '[a for a in d["areas"] if a["id"] == "8.8"][0]["why"] == "open nonconformity NC-0001"'
json_check 'not [a for a in d["areas"] if a["id"] == "5.1"][0]["due_more_often"]'
json_check '[a for a in d["areas"] if a["id"] == "7.1"][0]["years"][1] == {"year": 2027, "state": "planned", "audit": "AUD-0002"}'
ok isms audit coverage
out_has "Controls not covered as required: 5.1, 8.8"
out_has "due more often"
fails 4 isms audit coverage PRG-9999
ok isms audit add --title "Third year" --controls 8.8 --planned_on 2028-05-01 --programme PRG-0001
ok isms audit add --title "Customer audit" --kind second-party --controls 5.1 --planned_on 2026-06-01
ok isms audit coverage --json
json_check '[g["id"] for g in d["not_covered"]] == ["5.1"]'
ok isms audit report AUD-0004 --json
json_check 'd["party"] == "second-party"'
ok isms audit edit AUD-0003 --status cancelled
ok isms audit retire AUD-0004

note "checklist, results, cancelled audit, report"
fails 4 isms audit generate AUD-9999
ok isms audit generate AUD-0001
out_is "AUD-0001: 13 checklist items added"
ok isms audit generate AUD-0001
out_is "AUD-0001: 0 checklist items added"
ok isms audit checklist AUD-0001 --json
json_check 'len(d["checklist"]) == 13 and d["checklist"][-1]["control"] == "8.8"'
ok isms checkitem edit CHK-0001 --result minor-nonconformity --evidence "No context analysis"
ok isms checkitem show CHK-0001 --json
json_check 'd["nonconformity"] == "NC-0003"'
ok isms nonconformity show NC-0003 --json
json_check 'd["audit_item"] == "CHK-0001" and d["source"] == "internal-audit" and d["severity"] == "minor" and d["clause"] == "4.1"'
ok isms checkitem edit CHK-0013 --result major-nonconformity
ok isms nonconformity show NC-0004 --json
json_check 'd["control"] == "8.8" and d["severity"] == "major" and d["owner"] == "P-0001"'
ok isms checkitem edit CHK-0002 --result observation
ok isms audit report AUD-0001 --json
json_check 'd["results"]["minor-nonconformity"] == 1 and d["results"]["major-nonconformity"] == 1 and d["results"]["observation"] == 1 and d["results"]["open"] == 10 and d["nonconformities"] == ["NC-0003", "NC-0004"]'
ok isms audit report AUD-0001
out_has "Nonconformities raised: NC-0003 NC-0004"
ok isms audit edit AUD-0001 --status cancelled
fails 3 isms checkitem edit CHK-0003 --result conforming
err_has "result: audit AUD-0001 is cancelled: no result can be recorded on a cancelled audit"
fails 3 isms audit generate AUD-0001
err_has "a cancelled audit gets no checklist"
ok isms verify

note "the demo: a failed test raised an NC, one gap"
ok isms demo demo.isms
ok isms -f demo.isms audit coverage --json
json_check 'd["gaps"] == 1 and d["not_covered"][0]["id"] == "8.11"'
ok isms -f demo.isms control tests --json
json_check 'any(t["failed"] and t["nonconformity"] for t in d)'
ok isms -f demo.isms verify

finish
