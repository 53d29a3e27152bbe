# t_risk.sh — risk acceptance (top management above the criterion, the risk
# owner at or below it, recorded in history), the heat map (inherent and
# residual), asset dependencies (inherited C/I/A values, cycles refused),
# the four review triggers and `risk review`, and the treatment plan
# (grouping, progress, cost, overdue, approval rules, the `current` flag).
# The clock is fixed with ISMS_NOW throughout.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-04-01
ok isms init r.isms
export ISMS_FILE=r.isms

ok isms person add --name "Olga Owner"    # P-0001 owns most risks
ok isms person add --name "Oscar Other"   # P-0002 holds a role, not top management
ok isms person add --name "Cleo Chief"    # P-0003 top management
ok isms person add --name "Pat Peripheral" # P-0004 owns risks outside the plan
ok isms role add --name "Management board" --top-management yes --holders P-0003 --status active
ok isms role add --name "Security officer" --top-management no --holders P-0002 --status active
# the accounts that sign (the CLI signs only as an account: --as NAME, its password on stdin)
make_account olga owner P-0001
make_account oscar manager P-0002
make_account cleo top-management P-0003
make_account pat owner P-0004

# (l,c) -> score, level on the default 5x5; criterion: scores up to 4
ok isms risk add --title "Laptop theft" --owner P-0001 --likelihood 4 --consequence 4 # R-0001 16 high
ok isms risk add --title "Phishing" --owner P-0001 --likelihood 1 --consequence 4     # R-0002 4 low
ok isms risk add --title "Tailgating" --owner P-0004 --likelihood 2 --consequence 2   # R-0003 4 low
ok isms risk add --title "Ransomware" --owner P-0001 --likelihood 4 --consequence 4 \
    --residual-likelihood 2 --residual-consequence 2                                 # R-0004 16 -> 4
ok isms risk add --title "Spilled coffee" --owner P-0004 --likelihood 1 --consequence 1 # R-0005 1 low
ok isms risk add --title "Cloud outage" --owner P-0001 --likelihood 3 --consequence 5 \
    --residual-likelihood 3 --residual-consequence 3 --treatment modify              # R-0006 15 -> 9
ok isms risk add --title "Not yet rated" --owner P-0001                              # R-0007
check "R-0007 created" [ "$(last_out)" = R-0007 ]

note "new risks get review dates from their (residual, else inherent) level"
ok isms risk list --json
json_check '[(r["id"], r["score"], r["level"], r["residual_level"], r["review_date"]) for r in d] == [
    ("R-0001", 16, "high", None, "2026-06-30"), ("R-0002", 4, "low", None, "2027-04-01"),
    ("R-0003", 4, "low", None, "2027-04-01"), ("R-0004", 16, "high", "low", "2027-04-01"),
    ("R-0005", 1, "low", None, "2027-04-01"), ("R-0006", 15, "high", "medium", "2026-09-28"),
    ("R-0007", None, None, None, "2027-04-01")]'

# ---- heat map -------------------------------------------------------------
note "risk matrix --json: inherent counts per cell"
ok isms risk matrix --json
json_all 'd["residual"] is False and d["unrated"] == 1' \
    'len(d["cells"]) == 25' \
    '{(c["likelihood"], c["consequence"]): c["count"] for c in d["cells"] if c["count"]} == {(4,4): 2, (1,4): 1, (2,2): 1, (1,1): 1, (3,5): 1}' \
    'all(c["score"] == c["likelihood"] * c["consequence"] for c in d["cells"])' \
    '[c for c in d["cells"] if (c["likelihood"], c["consequence"]) == (4,4)] == [{"likelihood": 4, "consequence": 4, "score": 16, "level": "high", "colour": "#ff7043", "count": 2}]' \
    '[(c["level"], c["colour"]) for c in d["cells"] if c["score"] in (1, 5, 25)] == [("low", "#4caf50"), ("medium", "#ffc107"), ("medium", "#ffc107"), ("critical", "#d32f2f")]' \
    'd["likelihood"][4] == "Almost certain" and d["consequence"][0] == "Negligible"'
note "risk matrix --residual --json: residual counts per cell"
ok isms risk matrix --residual --json
json_all 'd["residual"] is True and d["unrated"] == 5' \
    '{(c["likelihood"], c["consequence"]): c["count"] for c in d["cells"] if c["count"]} == {(2,2): 1, (3,3): 1}'
note "risk matrix (text)"
ok isms risk matrix
out_has "Inherent risks"
check "row 4 shows 2 high" grep -q '^4 Likely .*2 \[high\]' "$OUT"
check "row 3 shows 1 high in the last column" grep -Eq '^3 Possible .*1 \[high\] *$' "$OUT"
out_has "1 risks not yet rated"
ok isms risk matrix --residual
out_has "Residual risks"
out_has "5 risks not yet rated"

# ---- acceptance -------------------------------------------------------------
note "above the criterion: the owner and others without top management are refused (7)"
digest=$(records_digest r.isms)
fails 7 signed olga risk accept R-0001 --rationale "We can live with it"
err_has "R-0001 scores 16, above the acceptance criterion (4)"
err_has "needs the capacity top management"
fails 7 signed oscar risk accept R-0001 --rationale "We can live with it"
err_has "P-0002 (account oscar) holds no top-management role"
note "above the criterion: risk edit --status accepted is refused, pointing to risk accept"
fails 3 isms risk edit R-0001 --status accepted
err_has "status"
err_has "isms risk accept R-0001 --as ACCOUNT --rationale TEXT"
fails 3 isms risk edit R-0001 --status accepted --notes "sneaky"
fails 3 isms risk add --title "Accepted at birth" --owner P-0001 --likelihood 5 --consequence 5 --status accepted
err_has "isms risk accept"
note "acceptance needs a rationale, a signed-in account, and a rated risk"
fails 3 signed cleo risk accept R-0001
err_has "rationale"
fails 3 signed cleo risk accept R-0001 --rationale ""
err_has "rationale"
fails 7 isms risk accept R-0001 --rationale "x"
err_has "--as ACCOUNT"
note "the signer is never named by a field: --by is refused, pointing to --as"
fails 2 isms risk accept R-0001 --by P-0003 --rationale "x"
err_has "--by: the signer is the account that signs: use --as ACCOUNT"
fails 2 signed cleo risk accept R-0001 --by P-0001 --rationale "x"
PW_cleo="wrong password here" fails 8 signed cleo risk accept R-0001 --rationale "x"
err_has "wrong name or password"
fails 8 signed nobody risk accept R-0001 --rationale "x"
fails 4 signed cleo risk accept R-0099 --rationale "x"
fails 3 signed cleo risk accept R-0007 --rationale "not rated"
err_has "likelihood"
same_records r.isms "$digest"

note "above the criterion: top management accepts"
ISMS_NOW=2026-04-02 ok signed cleo risk accept R-0001 --rationale "Insured; replacement within a day"
out_is "R-0001 accepted by P-0003 (account cleo)"
ok isms risk show R-0001 --json
json_check 'd["status"] == "accepted"'
note "the acceptance is in the risk's history: who (person and account), when, rationale"
ok isms history R-0001
out_has "2026-04-02T00:00:00Z  acceptance"
out_has "person: P-0003"
out_has "account_name: cleo"
out_has "capacity: top-management"
out_has "rationale: Insured; replacement within a day"
out_has "status: identified -> accepted"
ok isms history --json
json_all '[(h["at"], h["after"]["person"], h["after"]["account_name"], h["after"]["rationale"], h["after"]["capacity"]) for h in d if h["id"] == "R-0001" and h["action"] == "acceptance"] == [("2026-04-02T00:00:00Z", "P-0003", "cleo", "Insured; replacement within a day", "top-management")]' \
    '[h["after"]["details"]["score"] for h in d if h["id"] == "R-0001" and h["action"] == "acceptance"] == [16]' \
    '[h["type"] for h in d if h["id"] == "R-0001" and h["action"] == "acceptance"] == ["signoff"]'

note "at the criterion: the risk owner accepts (accept or edit)"
ok signed olga risk accept R-0002 --rationale "Filtering is enough"
out_is "R-0002 accepted by P-0001 (account olga)"
ok isms history R-0002
out_has "capacity: risk-owner"
out_has "rationale: Filtering is enough"
ok isms risk edit R-0003 --status accepted
ok isms risk show R-0003 --json
json_check 'd["status"] == "accepted"'
note "the residual score decides: inherent 16, residual 4 -> the owner may accept"
ok signed olga risk accept R-0004 --rationale "Backups tested"
ok isms risk show R-0004 --json
json_check 'd["status"] == "accepted"'
note "below the criterion, someone who is neither the risk owner nor top management may not accept"
digest=$(records_digest r.isms)
fails 7 signed oscar risk accept R-0005 --rationale "Not mine, but fine"
err_has "needs the capacity risk owner (P-0004) or top management"
same_records r.isms "$digest"
ok isms verify r.isms

note "a retired risk leaves the heat map"
ok isms risk retire R-0005
ok isms risk matrix --json
json_check '{(c["likelihood"], c["consequence"]): c["count"] for c in d["cells"] if c["count"]} == {(4,4): 2, (1,4): 1, (2,2): 1, (3,5): 1}'

# ---- asset dependencies --------------------------------------------------------
note "a chain of three assets: values flow to what is depended on"
ok isms asset add --name "Server" --kind hardware --owner P-0001 --confidentiality 1 --integrity 2 --availability 1
ok isms asset add --name "Payroll app" --kind software --owner P-0001 --confidentiality 2 --integrity 1 --availability 4 --depends-on A-0001
ok isms asset add --name "Payroll service" --kind service --owner P-0001 --confidentiality 5 --integrity 1 --availability 2 --depends-on A-0002
ok isms asset show A-0001
out_has "Effective values"
out_has "A-0001     confidentiality 5, integrity 2, availability 4"
ok isms asset show A-0002
out_has "A-0002     confidentiality 5, integrity 1, availability 4"
ok isms asset show A-0003
out_has "A-0003     confidentiality 5, integrity 1, availability 2"
ok isms asset show A-0001 --json
json_check 'd["confidentiality"] == 1 and d["integrity"] == 2 and d["availability"] == 1'
ok isms risk edit R-0003 --assets A-0001,A-0003
ok isms risk show R-0003
out_has "Effective values"
out_has "A-0001     confidentiality 5, integrity 2, availability 4"
out_has "A-0003     confidentiality 5, integrity 1, availability 2"

note "dependency cycles are refused (3), naming the cycle; the file is unchanged"
print=$(fingerprint r.isms)
fails 3 isms asset edit A-0001 --depends-on A-0002
err_has "depends_on"
err_has "A-0001 -> A-0002 -> A-0001"
fails 3 isms asset edit A-0001 --depends-on A-0003
err_has "A-0001 -> A-0003 -> A-0002 -> A-0001"
fails 3 isms asset edit A-0002 --depends-on A-0001,A-0003
err_has "A-0002 -> A-0003 -> A-0002"
fails 3 isms asset edit A-0001 --depends-on A-0001
err_has "depends_on"
same_file r.isms "$print"

# ---- review triggers ---------------------------------------------------------
note "nothing is due for review yet"
ok isms risk list --review-due --json
json_check 'd == []'

note "trigger: a linked asset is edited (also raising inherited values)"
ok isms asset edit A-0003 --integrity 4
ok isms risk show R-0003
out_has "A-0001     confidentiality 5, integrity 4, availability 4"
out_has "A-0003     confidentiality 5, integrity 4, availability 2"
ok isms risk list --review-due --json
json_check '[(r["id"], r["review_reason"]) for r in d] == [("R-0003", "asset A-0003 changed")]'
ok isms risk list --review-due
out_has "R-0003"
out_lacks "R-0001"

note "risk review clears the flag and sets the next review from the level"
ok isms risk review R-0003
out_is "R-0003 reviewed; next review 2027-04-01"
ok isms risk show R-0003 --json
json_all 'd["review_reason"] is None' 'd["last_reviewed"] == "2026-04-01"' 'd["review_date"] == "2027-04-01"'
ok isms risk list --review-due --json
json_check 'd == []'

note "dropping the dependency: A-0001 keeps only its own values"
ok isms asset edit A-0002 --depends-on ""
ok isms asset show A-0001
out_has "A-0001     confidentiality 1, integrity 2, availability 1"
ok isms risk review R-0003

note "trigger: a treatment action linked to the risk is done"
ok isms action add --title "Awareness training" --owner P-0001 --risks R-0001,R-0002 \
    --due-date 2026-02-01 --cost 300 --status planned # ACT-0001
ok isms action edit ACT-0001 --status in-progress
ok isms risk list --review-due --json
json_check 'd == []'
ok isms action edit ACT-0001 --status done --completed-on 2026-03-30
ok isms risk list --review-due --json
json_check '[(r["id"], r["review_reason"]) for r in d] == [("R-0001", "treatment action ACT-0001 completed"), ("R-0002", "treatment action ACT-0001 completed")]'
ok isms risk review R-0001
out_is "R-0001 reviewed; next review 2026-06-30"
ok isms risk review R-0002
ok isms risk list --review-due --json
json_check 'd == []'

note "trigger: an incident linked to the risk is recorded"
ok isms incident add --title "Region down" --description "4 hours" --risks R-0006 --status reported
ok isms risk list --review-due --json
json_check '[(r["id"], r["review_reason"]) for r in d] == [("R-0006", "incident INC-0001 recorded")]'
CLI_CMD_TIMEOUT=30 ok isms incident edit INC-0001 --risks R-0006,R-0004 # see below
ok isms risk list --review-due --json
json_check '[(r["id"], r["review_reason"]) for r in d] == [("R-0004", "incident INC-0001 recorded"), ("R-0006", "incident INC-0001 recorded")]'
ok isms risk review R-0004
ok isms risk review R-0006
out_is "R-0006 reviewed; next review 2026-09-28"
# A shorter time limit: this edit (of an incident linked to two risks) has
# hung the program in an endless loop; a hang fails here without stalling
# the suite for the default limit.
CLI_CMD_TIMEOUT=30 ok isms incident edit INC-0001 --status triaged
ok isms risk list --review-due --json
json_check 'd == []'

note "trigger: the review date is today or earlier"
ISMS_NOW=2026-06-29 ok isms risk list --review-due --json
json_check 'd == []'
ISMS_NOW=2026-06-30 ok isms risk list --review-due --json
json_check '[r["id"] for r in d] == ["R-0001"]'
ISMS_NOW=2026-09-28 ok isms risk list --review-due --json
json_check '[r["id"] for r in d] == ["R-0001", "R-0006"]'
ISMS_NOW=2027-04-01 ok isms risk list --review-due --json
json_check '[r["id"] for r in d] == ["R-0001", "R-0002", "R-0003", "R-0004", "R-0006", "R-0007"]'
ISMS_NOW=2026-07-15 ok isms risk review R-0001
out_is "R-0001 reviewed; next review 2026-10-13"
ISMS_NOW=2026-07-15 ok isms risk list --review-due --json
json_check 'd == []'
ok isms verify r.isms

# ---- treatment plan ------------------------------------------------------------
note "plan --help prints the help, not the plan"
ok isms plan --help
out_has "export"

ok isms action add --title "Encrypt laptops" --owner P-0002 --risks R-0001 --due-date 2026-03-15 --cost 1200 --status in-progress # ACT-0002
ok isms action add --title "Mobile device management" --owner P-0001 --risks R-0001 --due-date 2026-06-30 --cost 800.50 --status planned # ACT-0003
ok isms action add --title "Dropped idea" --owner P-0001 --risks R-0002 --due-date 2026-01-01 --status cancelled # ACT-0004
ok isms action add --title "Not linked" --owner P-0001 --due-date 2026-05-01 --status planned # ACT-0005
check "ACT-0005 created" [ "$(last_out)" = ACT-0005 ]

note "plan --json: actions grouped by risk, progress, cost, overdue (2026-04-01)"
ok isms plan --json
json_all '[r["id"] for r in d["risks"]] == ["R-0001", "R-0002", "R-0006"]' \
    '[[a["id"] for a in r["actions"]] for r in d["risks"]] == [["ACT-0001", "ACT-0002", "ACT-0003"], ["ACT-0001", "ACT-0004"], []]' \
    '[(r["done"], r["total"], r["percent"], r["cost"]) for r in d["risks"]] == [(1, 3, 33, 2300.5), (1, 1, 100, 300), (0, 0, 0, 0)]' \
    '[(a["id"], a["overdue"]) for a in d["risks"][0]["actions"]] == [("ACT-0001", False), ("ACT-0002", True), ("ACT-0003", False)]' \
    '[(a["id"], a["overdue"]) for a in d["risks"][1]["actions"]] == [("ACT-0001", False), ("ACT-0004", False)]' \
    '(d["risks"][0]["owner"], d["risks"][0]["level"], d["risks"][2]["residual_level"], d["risks"][2]["treatment"]) == ("P-0001", "high", "medium", "modify")' \
    '[(a["id"], a["overdue"]) for a in d["unlinked_actions"]] == [("ACT-0005", False)]' \
    'd["totals"] == {"actions": 4, "done": 1, "overdue": 1, "percent": 25, "cost": 2300.5}' \
    'd["approvals"] == []'
ok isms plan
out_has "R-0001  Laptop theft  [high]  owner P-0001  1/3 done (33%)"
out_has "R-0006  Cloud outage  [high -> medium]  owner P-0001  0/0 done (0%)"
check "ACT-0002 is marked overdue" grep -q 'ACT-0002 .*OVERDUE' "$OUT"
check "ACT-0003 is not marked overdue" grep -q 'ACT-0003 .*planned *$' "$OUT"
out_has "4 actions, 1 done (25%), 1 overdue, cost 2300.50"
out_has "Not yet approved"
note "later, more actions are overdue"
ISMS_NOW=2026-07-01 ok isms plan --json
json_all 'd["totals"]["overdue"] == 3' \
    '[a["id"] for r in d["risks"] for a in r["actions"] if a["overdue"]] + [a["id"] for a in d["unlinked_actions"] if a["overdue"]] == ["ACT-0002", "ACT-0003", "ACT-0005"]'

note "plan approve: refused for people who neither own a risk in the plan nor are top management"
digest=$(records_digest r.isms)
fails 7 signed pat plan approve --rationale "I own R-0003"
err_has "P-0004 (account pat) holds neither"
fails 7 signed oscar plan approve
fails 2 isms plan approve --by P-0001
fails 7 isms plan approve
same_records r.isms "$digest"
note "plan approve: by a risk owner of the plan, and by top management"
ok signed olga plan approve --rationale "Budget agreed"
out_is "treatment plan approved by P-0001 (account olga)"
ISMS_NOW=2026-04-02 ok signed cleo plan approve
ISMS_NOW=2026-04-02 ok isms plan --json
json_check '[(a["signer"]["person"], a["signer"]["account"], a["capacity"], a["at"], a["rationale"], a["current"], a["kind"]) for a in d["approvals"]] == [("P-0001", "olga", "risk-owner", "2026-04-01T00:00:00Z", "Budget agreed", True, "approval"), ("P-0003", "cleo", "top-management", "2026-04-02T00:00:00Z", None, True, "approval")]'
ok isms history --json
json_check '[(h["type"], h["action"], h["at"]) for h in d if h["type"] == "signoff" and h["id"] == "plan"] == [("signoff", "approval", "2026-04-01T00:00:00Z"), ("signoff", "approval", "2026-04-02T00:00:00Z")]'
note "approving the same plan again as the same signer changes nothing"
digest=$(records_digest r.isms)
ISMS_NOW=2026-04-03 ok signed cleo plan approve
out_has "was already approved"
same_records r.isms "$digest"
note "the approvals stay current while the plan does not change (time passing is no change)"
ISMS_NOW=2026-07-01 ok isms plan --json
json_check '[a["current"] for a in d["approvals"]] == [True, True]'
note "a change to the plan makes the approvals not current"
ok isms action edit ACT-0003 --status in-progress
ok isms plan --json
json_check '[a["current"] for a in d["approvals"]] == [False, False]'
ok isms plan
out_has "approved by P-0001 (Olga Owner), account olga, as risk-owner at 2026-04-01T00:00:00Z — for an earlier version of the plan"
ok signed cleo plan approve --rationale "Re-approved"
ok isms plan --json
json_check '[(a["signer"]["person"], a["current"]) for a in d["approvals"]] == [("P-0001", False), ("P-0003", False), ("P-0003", True)]'
ok isms verify r.isms

finish
