# t_suppliers.sh — suppliers on the command line: assessments are records
# over time, the next review follows from the latest final assessment and
# the criticality (critical 6 months, high 12, medium 24, low 36), overdue
# reviews are tasks of the one task model; bad input is refused naming the
# field, with nothing written.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-03-01
ok isms init s.isms
export ISMS_FILE=s.isms
ok isms person add --name "Pia Procurement"   # P-0001
ok isms person add --name "Aldo Assessor"     # P-0002
ok isms risk add --title "Cloud host outage" --owner P-0001 --likelihood 3 --consequence 4  # R-0001
ok isms supplier add --name "Cloudy Hosting" --criticality critical --owner P-0001   # SUP-0001
ok isms supplier add --name "Paper Co" --criticality low --owner P-0001              # SUP-0002
ok isms supplier add --name "Mid Payroll" --criticality medium --owner P-0001        # SUP-0003
ok isms supplier add --name "Gone Ltd" --criticality high --owner P-0001 --status terminated

note "assessments over time: the latest final one counts"
ok isms sassessment add --supplier SUP-0001 --assessed-on 2025-01-15 --assessor P-0002 --result satisfactory
ok isms sassessment add --supplier SUP-0001 --assessed-on 2025-08-31 --assessor P-0002 --result needs-improvement --findings "No MFA on the console" --risks R-0001
ok isms sassessment add --supplier SUP-0001 --assessed-on 2026-02-20 --assessor P-0002 --result satisfactory --status draft
ok isms sassessment add --supplier SUP-0003 --assessed-on 2025-06-01 --assessor P-0002 --result satisfactory
printf 'ISO 27001 certificate of Cloudy Hosting\n' > cert.txt
ok isms attach SA-0002 cert.txt --valid-until 2027-01-01
ok isms attachments SA-0002 --json
json_check 'len(d["attachments"]) == 1 if isinstance(d, dict) else len(d) == 1'

ok isms supplier reviews --json
json_all 'd["today"] == "2026-03-01"' \
  '[s["id"] for s in d["suppliers"]] == ["SUP-0001", "SUP-0002", "SUP-0003"]' \
  'd["suppliers"][0]["last_assessed"] == "2025-08-31" and d["suppliers"][0]["last_assessment"] == "SA-0002"' \
  'd["suppliers"][0]["interval_months"] == 6 and d["suppliers"][0]["next_review"] == "2026-02-28"' \
  'd["suppliers"][0]["overdue"] is True and d["suppliers"][0]["last_result"] == "needs-improvement"' \
  'd["suppliers"][1]["last_assessed"] is None and d["suppliers"][1]["next_review"] == "2026-03-01" and not d["suppliers"][1]["overdue"]' \
  'd["suppliers"][2]["interval_months"] == 24 and d["suppliers"][2]["next_review"] == "2027-06-01"' \
  '"critical 6 months" not in d["rule"] and "6 months" in d["rule"]'
ok isms supplier reviews
out_has "SUP-0001"
out_has "OVERDUE"
out_lacks "SUP-0003  medium     next 2027-06-01 OVERDUE"
out_lacks "Gone Ltd"
out_has "6 months after its last final assessment"

note "a new final assessment moves the next review"
ok isms sassessment edit SA-0003 --status final
ok isms supplier reviews --json
json_check 'd["suppliers"][0]["id"] == "SUP-0002" and [s for s in d["suppliers"] if s["id"] == "SUP-0001"][0]["next_review"] == "2026-08-20"'
ok isms supplier reviews --json --today 2026-09-01
json_check '[s["id"] for s in d["suppliers"] if s["overdue"]] == ["SUP-0002", "SUP-0001"]'

note "bad input"
fails 3 isms sassessment add --supplier SUP-0001 --assessor P-0002 --result satisfactory
err_has "assessed_on"
fails 3 isms sassessment add --supplier SUP-0001 --assessed-on 2026-02-30 --assessor P-0002 --result satisfactory
err_has "assessed_on"
fails 3 isms sassessment add --supplier SUP-0001 --assessed-on 2026-02-03 --assessor P-0002 --result great
err_has "result"
fails 3 isms sassessment add --supplier SUP-0099 --assessed-on 2026-02-03 --assessor P-0002 --result satisfactory
err_has "SUP-0099"
fails 2 isms supplier reviews --today 2026-13-01
err_has "--today"
ok isms sassessment list --json
json_check 'len(d) == 4'

note "questionnaires: sending, refusals"
ok isms qtemplate add --title "Basics"                                   # QT-0001
ok isms qtemplate add --title "Empty"                                    # QT-0002
ok isms qquestion add --template QT-0001 --text "ISO 27001 certified?" --answer-type yes-no --weight 3
fails 3 isms qquestion add --template QT-0001 --text "How?" --answer-type essay
err_has "answer_type"
fails 3 isms qquestion add --template QT-0001 --text "Weight?" --answer-type yes-no --weight 101
err_has "weight"
n=$(history_count s.isms)
fails 3 isms questionnaire send SUP-0001 --template QT-0002
err_has "QT-0002 has no active questions"
fails 4 isms questionnaire send SUP-0001 --template QT-0099
err_has "QT-0099"
fails 2 isms questionnaire send SUP-0001 --template QT-0001 --days 91
err_has "--days"
fails 2 isms questionnaire send SUP-0001
err_has "--template"
fails 3 isms questionnaire send SUP-0004 --template QT-0001
err_has "terminated"
check "refused sends write nothing" [ "$(history_count s.isms)" = "$n" ]
ok isms questionnaire send SUP-0001 --template QT-0001 --days 3 --base https://isms.example.org/
link=$(last_out | sed -n 2p)
check "the link is printed once, under --base" py -c 'import re,sys; sys.exit(not re.fullmatch(r"https://isms\.example\.org/q/[A-Za-z0-9_-]{43}", sys.argv[1]))' "$link"
ok isms questionnaire show QR-0001 --json
json_all 'd["status"] == "sent" and d["sent_on"] == "2026-03-01" and d["expires_at"] == "2026-03-04T00:00:00Z"'
ok isms questionnaire answers QR-0001 --json
json_all 'not d["completed"] and d["answers"][0]["answer"] is None and d["score_percent"] is None'
fails 3 isms questionnaire edit QR-0001 --status completed
err_has "through its link"
fails 3 isms questionnaire edit QR-0001 --score 100
err_has "score"

note "privacy register: processing activities, DPIAs with a decision"
ok isms asset add --name "CRM" --kind software --owner P-0001          # A-0001
ok isms processing add --name "Customer newsletter" --purpose "Marketing e-mail" --legal-basis consent \
   --retention "until consent is withdrawn" --owner P-0001 --processors SUP-0001 --systems A-0001 \
   --data-subjects "customers" --data-categories "name, e-mail" --risks R-0001   # PA-0001
ok isms processing add --name "Payroll" --purpose "Paying staff" --legal-basis legal-obligation \
   --retention "10 years" --owner P-0001 --processors SUP-0003 --special-categories yes \
   --transfers "USA" --safeguards standard-contractual-clauses                   # PA-0002
fails 3 isms processing add --name "No basis" --purpose "x" --retention "1 year" --owner P-0001
err_has "legal_basis"
fails 3 isms processing add --name "Bad basis" --purpose "x" --legal-basis because --retention "1 year" --owner P-0001
err_has "legal_basis"
ok isms processing register --json
json_all 'd["activities"] == 2 and d["dpia_needed"] == 1 and d["dpia_missing"] == 1' \
  '[r["id"] for r in d["register"] if r["dpia_missing"]] == ["PA-0002"]' \
  'd["register"][0]["processors"] == ["SUP-0001"] and d["register"][0]["systems"] == ["A-0001"]'
n=$(history_count s.isms)
fails 3 isms dpia add --title "Payroll DPIA" --processing PA-0002 --owner P-0001 --status complete --risks R-0001
err_has "decision: a DPIA marked complete needs a decision"
check "a refused DPIA writes nothing" [ "$(history_count s.isms)" = "$n" ]
ok isms dpia add --title "Payroll DPIA" --processing PA-0002 --owner P-0001 --risks R-0001 --status in-progress  # DPIA-0001
fails 3 isms dpia edit DPIA-0001 --status complete
err_has "decision"
ok isms dpia edit DPIA-0001 --status complete --decision proceed-with-measures --decision-rationale "SCCs signed"
ok isms dpia show DPIA-0001 --json
json_check 'd["decided_on"] == "2026-03-01" and d["risks"] == ["R-0001"]'
fails 3 isms dpia edit DPIA-0001 --decision ""
err_has "decision"
ok isms processing register
out_has "DPIA expected for 1, missing for 0"
ok isms risk show R-0001
out_has "PA-0001"

note "access reviews: accounts from CSV, a reviewer per group, decisions by the signed-in account"
ok isms person add --name "Rita Reviewer"     # P-0003
ok isms person add --name "Sam Support"       # P-0004
make_account rita owner P-0003
make_account sam owner P-0004
make_account audrey auditor P-0002
ok isms areview add --title "CRM access Q1" --system A-0001 --due-date 2026-03-20 --owner P-0001   # AR-0001
printf 'account,access,group,reviewer\nalice,admin,Sales,P-0003\nbob,read,Sales,P-0003\ncarol,write,Support,P-0004\n' > ok.csv
printf 'account,access,group\nx1,read,Sales\n"x2,read\n' > unterminated.csv
printf 'account,access,group,reviewer\nx3,read,Sales,P-0003\nx4,read,Sales,P-0099\n' > badref.csv
printf 'account,access,group\nx5,read,Sales\nx5,write,Sales\n' > twice.csv
printf 'login,access\nx6,read\n' > nohead.csv
n=$(history_count s.isms)
fails 3 isms areview import AR-0001 unterminated.csv
err_has "unterminated.csv: CSV row 3: unterminated quoted field"
fails 3 isms areview import AR-0001 badref.csv
err_has "CSV line 3: reviewer: no person P-0099"
fails 3 isms areview import AR-0001 twice.csv
err_has "CSV line 3: account 'x5' is listed twice"
fails 3 isms areview import AR-0001 nohead.csv
err_has "CSV line 1: unknown column 'login'"
check "a refused import writes nothing" [ "$(history_count s.isms)" = "$n" ]
ok isms areview import AR-0001 ok.csv
out_has "3 accounts added"
ok isms areview status AR-0001 --json
json_all 'd["accounts"] == 3 and d["decided"] == 0 and not d["complete"] and not d["overdue"]'
ok isms areview assign AR-0001 --group Support --reviewer P-0004
out_has "0 accounts of group Support"
ok isms areview assign AR-0001 --group Sales --reviewer P-0004
out_has "2 accounts of group Sales now reviewed by P-0004"
ok isms aaccount show ACC-0002 --json
json_check 'd["reviewer"] == "P-0004"'
ok isms areview assign AR-0001 --group Sales --reviewer P-0003
fails 3 isms areview assign AR-0001 --group Nobody --reviewer P-0004
err_has "no account in group 'Nobody'"
fails 3 isms areview assign AR-0001 --group Support --reviewer P-0099
err_has "P-0099"
fails 2 isms areview decide ACC-0001 keep
err_has "--as"
fails 7 signed sam areview decide ACC-0001 keep
err_has "for its reviewer P-0003"
fails 7 signed audrey areview decide ACC-0001 keep
err_has "auditor role does not decide"
fails 3 signed rita areview decide ACC-0002 revoke
err_has "comment"
fails 3 signed rita areview decide ACC-0001 maybe
err_has "decision: keep, change or revoke"
fails 3 isms aaccount edit ACC-0001 --decision keep
err_has "decision"
ok signed rita areview decide ACC-0001 keep
ok signed rita areview decide ACC-0002 revoke --comment "Left sales in January"
ok isms aaccount show ACC-0002 --json
json_all 'd["decision"] == "revoke" and d["decided_by"] == "rita" and d["comment"] == "Left sales in January"'
fails 3 isms areview edit AR-0001 --status closed
err_has "can be closed when every account is decided (2 of 3)"
export ISMS_NOW=2026-03-25
ok isms areview status AR-0001 --json
json_all 'd["overdue"] and d["decided"] == 2 and d["revoke"] == 1 and d["revocations_open"] == 1'
ok signed sam areview decide ACC-0003 change --comment "write -> read"
ok isms areview status AR-0001 --json
json_all 'd["complete"] and not d["overdue"] and d["complete_percent"] == 100'
ok isms areview edit AR-0001 --status closed
ok isms aaccount edit ACC-0002 --done-on 2026-03-26
ok isms areview status AR-0001 --json
json_check 'd["revocations_open"] == 0'
fails 5 signed rita areview decide ACC-0001 revoke --comment late
err_has "AR-0001 is closed"

note "--as: the registers read as that account (staff reads none of them), like the router"
make_account stan staff P-0004
for cmd in "supplier reviews" "processing register" "areview status AR-0001" \
    "questionnaire answers QR-0001"; do
    fails 7 signed stan $cmd
    err_has "the role of stan does not allow reading"
done
ok signed audrey supplier reviews --json
json_check 'len(d["suppliers"]) == 3'
finish
