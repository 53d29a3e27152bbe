# t_soa.sh — the Statement of Applicability: every catalogue control always
# listed (93 for 2022, 114 for 2013, plus the organization's own), reasons
# derived from links, the exclusion rule, `soa set` limits, approval
# (top management, every control decided), frozen versions shown by number
# and by date, diff between versions, and the 2013 -> 2022 transition.
. "$CLI_DIR/lib.sh"

# The catalogues' identifiers, in order.
IDS_2022='["5.%d" % i for i in range(1, 38)] + ["6.%d" % i for i in range(1, 9)] + ["7.%d" % i for i in range(1, 15)] + ["8.%d" % i for i in range(1, 35)]'
IDS_2013='["A.%s.%d" % (g, i) for g, n in [("5.1",2),("6.1",5),("6.2",2),("7.1",2),("7.2",3),("7.3",1),("8.1",4),("8.2",3),("8.3",3),("9.1",2),("9.2",6),("9.3",1),("9.4",5),("10.1",2),("11.1",6),("11.2",9),("12.1",4),("12.2",1),("12.3",1),("12.4",4),("12.5",1),("12.6",2),("12.7",1),("13.1",3),("13.2",4),("14.1",3),("14.2",9),("14.3",1),("15.1",3),("15.2",2),("16.1",7),("17.1",3),("17.2",1),("18.1",5),("18.2",3)] for i in range(1, n + 1)]'
NO_REASONS='{"categories": [], "risks": [], "requirements": []}'

ok isms init s.isms
export ISMS_FILE=s.isms
ok isms person add --name "Sam Owner"    # P-0001
ok isms person add --name "Cleo Chief"   # P-0002 top management
ok isms person add --name "Ned Normal"   # P-0003
ok isms role add --name "Board" --top-management yes --holders P-0002 --status active
ok isms role add --name "Security team" --holders P-0003 --status active
make_account sam owner P-0001
make_account cleo top-management P-0002
make_account ned manager P-0003
ok isms document add --title "Cryptography policy" --kind topic-policy --owner P-0001 # DOC-0001

note "soa --help prints the help, not the SoA"
ok isms soa --help
out_has "transition"

# ---- every control listed ------------------------------------------------
note "soa lists every 2022 control, undecided at first"
ok isms soa --json
json_all "[r['id'] for r in d] == $IDS_2022" \
    'all(r["framework"] == "iso27001-2022" for r in d)' \
    'all(r["applicable"] is None and r["status"] == "not-started" for r in d)' \
    "all(r['reasons'] == $NO_REASONS for r in d)" \
    'set(d[0]) == {"id","framework","title","theme","applicable","reasons","justification","status","implementation","documents","owner"}' \
    '[r["title"] for r in d if r["id"] == "8.24"] == ["Use of cryptography"]'
ok isms soa --framework iso27001-2013 --json
json_all "[r['id'] for r in d] == $IDS_2013" 'all(r["framework"] == "iso27001-2013" for r in d)'
ok isms soa
out_has "93 controls: 0 applicable (0 implemented), 93 excluded or undecided"
fails 3 isms soa --framework iso27001-2005
err_has "framework"

note "the organization's own controls are listed with either framework"
ok isms control add --framework custom --title "Four-eyes payroll release" # C-0001
ok isms soa --json
json_all "[r['id'] for r in d] == $IDS_2022 + ['C-0001']" 'd[-1]["framework"] == "custom"'
ok isms soa --framework iso27001-2013 --json
json_check "[r['id'] for r in d] == $IDS_2013 + ['C-0001']"

# ---- reasons from links -----------------------------------------------------
note "reasons: risks treated by the control, requirements by kind"
ok isms risk add --title "Eavesdropping" --owner P-0001 --likelihood 3 --consequence 4 --controls 8.24,8.20 # R-0001
ok isms risk add --title "Log tampering" --owner P-0001 --controls A.12.4.2 # R-0002
ok isms risk add --title "Retired one" --owner P-0001 --controls 5.15 # R-0003
ok isms risk retire R-0003
ok isms risk add --title "Untraced change" --owner P-0001 # R-0004
ok isms action add --title "Central logging" --owner P-0001 --risks R-0004 --controls 8.15 --status planned
ok isms requirement add --title "GDPR" --kind legal --controls 5.31,5.34,8.24 --status active # REQ-0001
ok isms requirement add --title "Customer contract" --kind contractual --controls 5.31 --status active # REQ-0002
ok isms requirement add --title "Sector regulation" --kind regulatory --controls A.18.1.1 --status active # REQ-0003
ok isms soa --json
json_all "{r['id']: r['reasons'] for r in d if r['reasons'] != $NO_REASONS} == {
    '5.31': {'categories': ['legal', 'contractual'], 'risks': [], 'requirements': ['REQ-0001', 'REQ-0002']},
    '5.34': {'categories': ['legal'], 'risks': [], 'requirements': ['REQ-0001']},
    '8.15': {'categories': ['risk treatment'], 'risks': ['R-0004'], 'requirements': []},
    '8.20': {'categories': ['risk treatment'], 'risks': ['R-0001'], 'requirements': []},
    '8.24': {'categories': ['risk treatment', 'legal'], 'risks': ['R-0001'], 'requirements': ['REQ-0001']}}"
ok isms soa --framework iso27001-2013 --json
json_check "{r['id']: r['reasons'] for r in d if r['reasons'] != $NO_REASONS} == {
    'A.12.4.2': {'categories': ['risk treatment'], 'risks': ['R-0002'], 'requirements': []},
    'A.18.1.1': {'categories': ['regulatory'], 'risks': [], 'requirements': ['REQ-0003']}}"
ok isms soa
check "8.24 shows its categories" grep -Eq '^8\.24 +Use of cryptography +undecided +not-started +- +risk treatment, legal *$' "$OUT"

# ---- soa set ------------------------------------------------------------------
note "excluding a control needs a justification (3); the file is unchanged"
digest=$(dump_digest s.isms)
fails 3 isms soa set 7.4 --applicable no
err_has "justification"
fails 3 isms soa set 7.4 --applicable no --justification ""
err_has "justification"
note "soa set changes only the SoA fields"
fails 3 isms soa set 7.4 --title "Renamed"
err_has "title"
fails 3 isms soa set 7.4 --framework custom
err_has "framework"
fails 3 isms soa set 7.4 --theme People
fails 3 isms soa set 7.4 --applicable maybe
err_has "applicable"
fails 3 isms soa set 7.4 --status done
err_has "status"
fails 3 isms soa set 7.4 --owner P-0099
err_has "owner"
fails 3 isms soa set 7.4 --documents DOC-0099
err_has "documents"
fails 4 isms soa set 9.99 --applicable yes
fails 3 isms soa set R-0001 --applicable yes
fails 2 isms soa set --applicable yes
same_dump s.isms "$digest"

ok isms soa set 7.4 --applicable no --justification "Single shared office; no CCTV by landlord contract"
out_is "7.4 updated"
ok isms soa set 8.24 --applicable yes --status partial --owner P-0001 --implementation "TLS 1.2+ everywhere" --documents DOC-0001
ok isms soa set A.10.1.1 --applicable yes --status implemented
note "a decided exclusion cannot lose its justification"
fails 3 isms soa set 7.4 --justification ""
err_has "justification"
note "the rows show the decisions; every control is still listed"
ok isms soa --json
json_all "[r['id'] for r in d] == $IDS_2022 + ['C-0001']" \
    '[r for r in d if r["id"] == "8.24"] == [{"id": "8.24", "framework": "iso27001-2022", "title": "Use of cryptography", "theme": "Technological", "applicable": True, "reasons": {"categories": ["risk treatment", "legal"], "risks": ["R-0001"], "requirements": ["REQ-0001"]}, "justification": None, "status": "partial", "implementation": "TLS 1.2+ everywhere", "documents": ["DOC-0001"], "owner": "P-0001"}]' \
    '[(r["applicable"], r["justification"]) for r in d if r["id"] == "7.4"] == [(False, "Single shared office; no CCTV by landlord contract")]' \
    'sum(r["applicable"] is None for r in d) == 92'
ok isms soa --framework iso27001-2013 --json
json_all "[r['id'] for r in d] == $IDS_2013 + ['C-0001']" \
    '[(r["applicable"], r["status"]) for r in d if r["id"] == "A.10.1.1"] == [(True, "implemented")]'
ok isms soa
out_has "94 controls: 1 applicable (0 implemented), 93 excluded or undecided"

# ---- approval -------------------------------------------------------------------
note "approval: not by someone without top management (7), not while undecided (5)"
digest=$(records_digest s.isms)
fails 7 signed ned soa approve
err_has "needs the capacity top management"
err_has "P-0003 (account ned) does not hold it"
fails 7 signed sam soa approve
fails 5 signed cleo soa approve
err_has "92 controls have no applicability decision yet (5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8, ...)"
fails 2 isms soa approve --by P-0002
err_has "use --as ACCOUNT"
fails 7 isms soa approve
same_records s.isms "$digest"
ok isms soa versions
out_empty

note "decide every undecided control (ids from soa --json)"
ok isms soa --json
undecided=$(json_get '" ".join(r["id"] for r in d if r["applicable"] is None)')
check "92 undecided ids" [ "$(wc -w <<<"$undecided")" -eq 92 ]
for id in $undecided; do
    case $id in
    7.7) ok isms soa set "$id" --applicable no --justification "No paper in use" ;;
    *) ok isms soa set "$id" --applicable yes --owner P-0001 ;; # people: applicable needs an owner
    esac
done
ok isms soa --json
json_check 'not any(r["applicable"] is None for r in d)'
note "still refused for someone without top management when all is decided"
digest=$(records_digest s.isms)
fails 7 signed ned soa approve
same_records s.isms "$digest"

note "approve version 1 on 2026-01-10"
ISMS_NOW=2026-01-10 ok signed cleo soa approve --note "For the stage 1 audit"
out_is "Statement of Applicability version 1 approved by P-0002 (account cleo)"
note "approving the same content again as the same signer is a no-op (the same version)"
digest=$(records_digest s.isms)
ISMS_NOW=2026-01-11 ok signed cleo soa approve --note "again"
out_is "Statement of Applicability version 1 was already approved by P-0002 (account cleo); nothing changed"
same_records s.isms "$digest"
ok isms soa --json
cp "$OUT" v1.json

note "later changes, then version 2 on 2026-03-01"
ISMS_NOW=2026-02-15 ok isms soa set 5.3 --status implemented
ISMS_NOW=2026-02-15 ok isms soa set 5.4 --applicable no --justification "No management layer"
ISMS_NOW=2026-02-15 ok isms soa set 8.24 --implementation "TLS 1.3 only"
ISMS_NOW=2026-02-15 ok isms risk add --title "Unknown attackers" --owner P-0001 --controls 5.7 # R-0005
ISMS_NOW=2026-03-01 ok signed cleo soa approve
out_is "Statement of Applicability version 2 approved by P-0002 (account cleo)"
ok isms soa --json
cp "$OUT" v2.json
ok isms soa versions
check "two versions listed" [ "$(wc -l <"$OUT")" -eq 2 ]
check "v1 listed" grep -Eq '^v1 +2026-01-10T00:00:00Z +iso27001-2022 +approved by P-0002 +For the stage 1 audit$' "$OUT"
check "v2 listed" grep -Eq '^v2 +2026-03-01T00:00:00Z +iso27001-2022 +approved by P-0002' "$OUT"

same_json() { # same_json FILE — the last stdout is the same JSON as FILE
    json_check 'd == json.load(open(a[0], encoding="utf-8"))' "$1"
}
note "soa show --version and --as-of give the frozen content"
ok isms soa show --version 1 --json
same_json v1.json
ok isms soa show --as-of 2026-02-01 --json
same_json v1.json
ok isms soa show --as-of 2026-01-10 --json
same_json v1.json
ok isms soa show --as-of 2026-02-28 --json
same_json v1.json
ok isms soa show --version 2 --json
same_json v2.json
ok isms soa show --as-of 2026-03-01 --json
same_json v2.json
ok isms soa show --as-of 2030-01-01 --json
same_json v2.json
ok isms soa show --version 1
out_has "Statement of Applicability version 1 (iso27001-2022), approved by P-0002 at 2026-01-10T00:00:00Z: For the stage 1 audit"
out_has "94 controls: 92 applicable (0 implemented), 2 excluded or undecided"
note "before the first approval, and unknown versions: not found (4)"
fails 4 isms soa show --as-of 2025-12-31 --json
out_empty
fails 4 isms soa show --version 3
fails 2 isms soa show --version 1 --as-of 2026-02-01
fails 2 isms soa show --as-of 2026-13-01
fails 2 isms soa show

note "soa diff 1 2 lists exactly the changed rows and fields"
ok isms soa diff 1 2 --json
json_check 'sorted((c["id"], c["change"], c["field"], json.dumps(c["from"]), json.dumps(c["to"])) for c in d) == sorted([
    ("5.3", "changed", "status", "\"not-started\"", "\"implemented\""),
    ("5.4", "changed", "applicable", "true", "false"),
    ("5.4", "changed", "justification", "null", "\"No management layer\""),
    ("5.7", "changed", "reasons", json.dumps({"categories": [], "risks": [], "requirements": []}),
        json.dumps({"categories": ["risk treatment"], "risks": ["R-0005"], "requirements": []})),
    ("8.24", "changed", "implementation", "\"TLS 1.2+ everywhere\"", "\"TLS 1.3 only\"")])'
ok isms soa diff 1 2
out_has '5.3      status: "not-started" -> "implemented"'
out_has '5.4      applicable: true -> false'
out_has '8.24     implementation: "TLS 1.2+ everywhere" -> "TLS 1.3 only"'
check "five lines of differences" [ "$(wc -l <"$OUT")" -eq 5 ]
ok isms soa diff 2 1 --json
json_check '[(c["id"], c["field"], c["from"], c["to"]) for c in d if c["id"] == "5.3"] == [("5.3", "status", "implemented", "not-started")]'
ok isms soa diff 2 2
out_is "no differences"
fails 4 isms soa diff 1 7
fails 2 isms soa diff 1

note "approvals are in the history"
ok isms history --json
json_all '[(h["type"], h["id"], h["action"], h["at"]) for h in d if h["type"] in ("version", "signoff") and h["id"].startswith("soa:")] == [("version", "soa:iso27001-2022:1", "freeze", "2026-01-10T00:00:00Z"), ("signoff", "soa:iso27001-2022:1", "approval", "2026-01-10T00:00:00Z"), ("version", "soa:iso27001-2022:2", "freeze", "2026-03-01T00:00:00Z"), ("signoff", "soa:iso27001-2022:2", "approval", "2026-03-01T00:00:00Z")]' \
    '[(h["after"]["person"], h["after"]["account_name"], h["after"]["capacity"]) for h in d if h["type"] == "signoff"] == [("P-0002", "cleo", "top-management")] * 2'
ok isms verify s.isms

# ---- transition 2013 -> 2022 ---------------------------------------------------
ok isms init t.isms
export ISMS_FILE=t.isms
ok isms person add --name "Tom Owner" # P-0001

note "nothing to carry over without 2013 decisions (5)"
fails 5 isms soa transition --dry-run
err_has "soa set A.x.y.z"

# 8.24 <- A.10.1.1 (implemented) + A.10.1.2 (partial): applicable, partial
ok isms soa set A.10.1.1 --applicable yes --status implemented --justification "Crypto policy required by customers" --implementation "Policy DOC approved"
ok isms soa set A.10.1.2 --applicable yes --status partial --justification "Keys for backups" --owner P-0001
# 8.15 <- A.12.4.1, A.12.4.2, A.12.4.3 all excluded: not applicable
ok isms soa set A.12.4.1 --applicable no --justification "Logging outsourced"
ok isms soa set A.12.4.2 --applicable no --justification "No own logs"
ok isms soa set A.12.4.3 --applicable no --justification "No admins"
# 7.10 <- A.11.2.5 (no), A.8.3.1 (implemented), A.8.3.2 (implemented), A.8.3.3 (no)
ok isms soa set A.11.2.5 --applicable no --justification "Nothing leaves the office"
ok isms soa set A.8.3.1 --applicable yes --status implemented
ok isms soa set A.8.3.2 --applicable yes --status implemented
ok isms soa set A.8.3.3 --applicable no --justification "No physical media shipped"
# 5.1 <- A.5.1.1: but 5.1 is decided already in 2022
ok isms soa set A.5.1.1 --applicable no --justification "Old decision"
ok isms soa set 5.1 --applicable yes --status implemented --justification "Own 2022 decision"

NEW_2022="5.7 5.23 5.30 7.4 8.9 8.10 8.11 8.12 8.16 8.23 8.28"
note "transition --dry-run reports and changes nothing"
print=$(fingerprint t.isms)
ok isms soa transition --dry-run
out_has "8.24   <- A.10.1.1, A.10.1.2: applicable, partial"
out_has "8.15   <- A.12.4.1, A.12.4.2, A.12.4.3: not applicable"
out_has "5.1    already decided, left as it is"
out_has "3 controls carried over, 1 already decided, 89 need a decision (dry run: nothing was changed)"
check "11 controls new in 2022" [ "$(grep -c 'new in 2022, needs a decision' "$OUT")" -eq 11 ]
for id in $NEW_2022; do
    check "$id reported as new" grep -Eq "^${id//./\\.} .*: new in 2022, needs a decision$" "$OUT"
done
same_file t.isms "$print"

note "transition carries 2013 decisions to 2022 through the mapping"
ok isms soa transition
out_has "3 controls carried over, 1 already decided, 89 need a decision"
out_lacks "dry run"
check "11 controls new in 2022" [ "$(grep -c 'new in 2022, needs a decision' "$OUT")" -eq 11 ]
ok isms soa --json
export NEW_2022
json_all 'len(d) == 93' \
    '[(r["applicable"], r["status"], r["owner"]) for r in d if r["id"] == "8.24"] == [(True, "partial", "P-0001")]' \
    'all(x in [r for r in d if r["id"] == "8.24"][0]["justification"] for x in ("A.10.1.1", "A.10.1.2", "Crypto policy required by customers", "Keys for backups"))' \
    '"Policy DOC approved" in [r for r in d if r["id"] == "8.24"][0]["implementation"]' \
    '[r["applicable"] for r in d if r["id"] == "8.15"] == [False]' \
    'all(x in [r for r in d if r["id"] == "8.15"][0]["justification"] for x in ("A.12.4.1", "Logging outsourced", "No own logs", "No admins"))' \
    '[(r["applicable"], r["status"]) for r in d if r["id"] == "7.10"] == [(True, "implemented")]' \
    '[(r["applicable"], r["status"], r["justification"]) for r in d if r["id"] == "5.1"] == [(True, "implemented", "Own 2022 decision")]' \
    'all(r["applicable"] is None for r in d if r["id"] in E["NEW_2022"].split())' \
    'sorted(r["id"] for r in d if r["applicable"] is not None) == sorted(["5.1", "7.10", "8.15", "8.24"])'
ok isms history 8.24
out_has "applicable: null -> true"
out_has "status: not-started -> partial"
note "a second transition leaves the carried decisions alone"
ok isms soa transition
out_has "0 controls carried over, 4 already decided, 89 need a decision"
note "excluding an included control needs its own reason, not the inclusion's text"
digest=$(dump_digest t.isms)
fails 3 isms soa set 5.1 --applicable no
err_has "justification: say why the control is excluded"
same_dump t.isms "$digest"
ok isms soa set 5.1 --applicable no --justification "Policies are the group's, not ours"
ok isms soa --json
json_check '[(r["applicable"], r["justification"]) for r in d if r["id"] == "5.1"] == [(False, "Policies are the group\x27s, not ours")]'
note "an excluded control may be excluded again without repeating its reason"
ok isms soa set 5.1 --applicable no --status not-started
ok isms verify t.isms

# ---- transition: partial 2013 decisions, justifications already written ------
ok isms init u.isms
export ISMS_FILE=u.isms
note "a 2022 control whose 2013 sources are not all decided is left for decision, and listed"
ok isms soa set A.10.1.1 --applicable yes --status implemented --justification "Crypto policy"
# A.10.1.2 (the other source of 8.24) left undecided
note "a justification already written for a 2022 control is never overwritten"
ok isms soa set A.12.4.1 --applicable no --justification "Logging outsourced"
ok isms soa set A.12.4.2 --applicable no --justification "No own logs"
ok isms soa set A.12.4.3 --applicable no --justification "No admins"
ok isms soa set 8.15 --justification "Our 2022 reason: the MSP logs, under contract C-12"
ok isms soa transition
out_has "8.24   <- A.10.1.1, A.10.1.2: A.10.1.2 not decided in 2013, needs a decision"
out_has "8.15   <- A.12.4.1, A.12.4.2, A.12.4.3: not applicable (its own justification kept)"
ok isms soa --json
json_all '[(r["applicable"], r["status"]) for r in d if r["id"] == "8.24"] == [(None, "not-started")]' \
    '[(r["applicable"], r["justification"]) for r in d if r["id"] == "8.15"] == [(False, "Our 2022 reason: the MSP logs, under contract C-12")]'
ok isms verify u.isms

finish
