# t_people.sh — roles and responsibilities (5.3), competence (7.2) and
# awareness (7.3) on the command line: the RACI matrix and its refusals
# (one accountable, a process or a control, a role or a person), records
# without an owner (and an owner who has left), the SoA refused while an
# applicable control has no owner; competence gaps per role and person
# (met, expiring, missing or expired) and the readiness summary; awareness
# completion computed from attendance and acknowledgements; the signer
# confirms their own attendance; the task sources.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-03-01
ok isms init p.isms
export ISMS_FILE=p.isms
ok isms person add --name "Cleo Chief" --department Board          # P-0001
ok isms person add --name "Ivo ISMS" --department IT               # P-0002
ok isms person add --name "Dana Dev" --department IT               # P-0003
ok isms person add --name "Sven Sales" --department Sales          # P-0004
ok isms person add --name "Lea Left" --department Sales --status left  # P-0005
ok isms role add --name Board --top-management yes --holders P-0001          # ROLE-0001
ok isms role add --name "ISMS Manager" --holders P-0002                      # ROLE-0002
ok isms role add --name Developer --holders P-0003,P-0002                    # ROLE-0003
make_account cleo top-management P-0001
make_account dana staff P-0003
make_account sven staff P-0004
ok isms process add --name "Payroll" --owner P-0002                 # PRC-0001
ok isms process add --name "Release" --owner P-0005                 # PRC-0002 (owner left)

note "RACI: set, show, one accountable"
ok isms raci set PRC-0001 ROLE-0001 A
out_has "PRC-0001 ROLE-0001: A"
ok isms raci set PRC-0001 ROLE-0002 r
ok isms raci set prc-0001 p-0004 I
ok isms raci set 5.2 ROLE-0002 A
ok isms raci --json
json_all 'len(d["columns"]) == 3' \
    '[c["party"] for c in d["columns"]] == ["ROLE-0001", "ROLE-0002", "P-0004"]' \
    '[r for r in d["rows"] if r["subject"] == "PRC-0001"][0]["cells"] == {"ROLE-0001": "A", "ROLE-0002": "R", "P-0004": "I"}' \
    '[r for r in d["rows"] if r["subject"] == "PRC-0001"][0]["accountable_ok"] is True' \
    '[r for r in d["rows"] if r["subject"] == "PRC-0002"][0]["accountable_ok"] is False' \
    '[r for r in d["rows"] if r["subject"] == "5.2"][0]["kind"] == "control"'
ok isms raci
out_has "(owner accountable)"
fails 5 isms raci set PRC-0001 ROLE-0002 A
err_has "already has an accountable party (ROLE-0001)"
note "the same letter again changes nothing; none removes it"
ok isms raci set PRC-0001 ROLE-0002 R
out_has "(unchanged)"
ok isms raci set PRC-0001 ROLE-0001 none
ok isms raci set PRC-0001 ROLE-0002 A
ok isms raci --json
json_check '[r for r in d["rows"] if r["subject"] == "PRC-0001"][0]["cells"] == {"ROLE-0002": "A", "P-0004": "I"}'
note "RACI: bad input names the field; nothing written"
before=$(history_count p.isms)
fails 3 isms raci set PRC-0001 ROLE-0002 X
err_has "raci: R, A, C or I"
fails 3 isms raci set R-0001 ROLE-0002 R
err_has "subject: name a process"
fails 3 isms raci set PRC-0001 nobody R
err_has "party:"
fails 3 isms raci set PRC-0009 ROLE-0002 R
err_has "process"
fails 3 isms raci set PRC-0001 ROLE-0099 R
err_has "role"
fails 2 isms raci set PRC-0001 ROLE-0002
check "nothing written by the refusals" [ "$(history_count p.isms)" = "$before" ]
fails 3 isms responsibility add --process PRC-0001 --control 5.1 --role ROLE-0001 --raci informed
err_has "not both"
fails 3 isms responsibility add --process PRC-0001 --raci informed
err_has "role:"

note "owners: missing and left"
ok isms owners --missing --json
json_all '[g["id"] for g in d] == ["PRC-0002"]' '"has left" in d[0]["reason"]'
ok isms soa set 5.1 --applicable yes --justification "policies" --status planned
ok isms owners --missing --json
json_all '"5.1" in [g["id"] for g in d]' \
    '[g for g in d if g["id"] == "5.1"][0]["reason"] == "applicable control without an owner"'
ok isms owners --missing
out_has "PRC-0002"
fails 2 isms owners
err_has "--missing"

note "the SoA is not approved while an applicable control has no owner"
ok isms soa --json
for id in $(json_get "' '.join(r['id'] for r in d if r['id'] != '5.1')"); do
    isms soa set "$id" --applicable no --justification "not needed" >/dev/null || fail "soa set $id"
done
fails 5 signed cleo soa approve
err_has "applicable controls have no owner (5.1)"
err_has "isms soa set ID --owner"
ok isms soa set 5.1 --owner P-0002
ok signed cleo soa approve
out_has "version 1 approved"
ok isms process edit PRC-0002 --owner P-0003
ok isms owners --missing --json
json_check 'd == []'

note "competence: requirements per role, evidence per person"
ok isms competency add --title "ISO 27001 Lead Implementer or equivalent" --role ROLE-0002 --evidenced-by certificate --validity-months 36   # CMP-0001
ok isms competency add --title "Secure coding training" --role ROLE-0003 --evidenced-by course --validity-months 12   # CMP-0002
ok isms qualification add --title "PECB LI" --person P-0002 --requirement CMP-0001 --kind certificate --obtained-on 2024-01-10 --issuer PECB   # QUAL-0001 met (until 2027-01-10)
ok isms qualification add --title "OWASP course" --person P-0003 --requirement CMP-0002 --kind course --obtained-on 2025-03-20   # QUAL-0002 expiring 2026-03-20
ok isms qualification add --title "Old course" --person P-0002 --requirement CMP-0002 --kind course --obtained-on 2024-01-05   # QUAL-0003 expired 2025-01-05
ok isms competence gaps --json
json_all 'd["met"] == 1 and d["expiring"] == 1 and d["missing"] == 1' \
    'sorted((i["person"], i["requirement"], i["state"]) for i in d["items"]) == [("P-0002", "CMP-0001", "met"), ("P-0002", "CMP-0002", "missing"), ("P-0003", "CMP-0002", "expiring")]' \
    '[i for i in d["items"] if i["person"] == "P-0003"][0]["expires"] == "2026-03-20"' \
    '[i for i in d["items"] if i["state"] == "missing"][0]["expired"] is True' \
    '[i for i in d["items"] if i["state"] == "missing"][0]["evidence"] == "QUAL-0003"'
ok isms competence gaps --person P-0003 --json
json_check '[i["requirement"] for i in d["items"]] == ["CMP-0002"]'
ok isms competence gaps --role ROLE-0002 --json
json_check '[i["person"] for i in d["items"]] == ["P-0002"]'
note "competence --as staff: their own lines only (the store applies their row rule)"
ok signed dana competence gaps --json
json_all '[i["person"] for i in d["items"]] == ["P-0003"]' 'd["expiring"] == 1 and d["missing"] == 0'
fails 4 signed dana competence gaps --person P-0002
err_has "no person P-0002"
ok signed dana qualification list --json
json_check '[q["id"] for q in d] == ["QUAL-0002"]'
fails 7 signed dana raci
fails 7 signed dana owners --missing
ok isms competence gaps
out_has "expiring"
ok isms competence summary --json
json_check 'd == {"holders": 2, "covered": 1, "gaps": 1, "expiring": 1}'
note "renewed evidence closes the gap; explicit expiry wins over the validity"
ok isms qualification add --title "Refresher" --person P-0002 --requirement CMP-0002 --kind course --obtained-on 2026-02-01 --expires-on 2026-12-31
ok isms competence gaps --person P-0002 --json
json_check 'all(i["state"] == "met" for i in d["items"]) and [i for i in d["items"] if i["requirement"] == "CMP-0002"][0]["expires"] == "2026-12-31"'
note "competence: the certificate is an evidence file of the evidence record"
printf 'PECB certificate scan' >cert.txt
ok isms attach QUAL-0001 cert.txt --valid-until 2027-01-10
ok isms attachments QUAL-0001 --json
json_check 'len(d) == 1 and d[0]["subject"] == "QUAL-0001" and d[0]["valid_until"] == "2027-01-10"'
note "competence: bad input"
fails 4 isms competence gaps --role ROLE-0099
err_has "no role ROLE-0099"
fails 4 isms competence gaps --person P-0099
err_has "no person P-0099"
fails 2 isms competence gaps --role ROLE-0002 --person P-0002
fails 2 isms competence gaps --colour red
fails 2 isms competence
fails 3 isms qualification add --title "Backwards" --person P-0003 --requirement CMP-0002 --kind course --obtained-on 2026-02-01 --expires-on 2026-01-01
err_has "expires_on"
fails 3 isms competency add --title "No role" --evidenced-by course
err_has "role"

note "awareness: a campaign, its sessions and policy; completion computed"
ok isms document add --title "Acceptable use" --kind topic-policy --owner P-0002 --reviewer P-0001 --classification internal --body "Lock your screen."   # DOC-0001
ok isms document submit DOC-0001
ok isms document review DOC-0001 --as cleo <<<"$PW"
ok signed cleo document approve DOC-0001
ok isms campaign add --title "Security awareness 2026" --audience departments --audience-departments "IT,Sales" --mandatory yes --due-date 2026-02-28 --documents DOC-0001 --status active --owner P-0002  # AWC-0001
ok isms briefing add --title "Phishing basics" --campaign AWC-0001 --held-on 2026-02-10 --status held   # AWS-0001
ok isms briefing add --title "Cancelled one" --campaign AWC-0001 --held-on 2026-02-11 --status cancelled   # AWS-0002
ok isms awareness completion AWC-0001 --json
json_all 'd["people"] == 3 and d["done"] == 0 and d["sessions"] == 1 and d["documents"] == 1' \
    'sorted(x["department"] for x in d["departments"]) == ["IT", "Sales"]' \
    'sorted(p["person"] for p in d["pending"]) == ["P-0002", "P-0003", "P-0004"]'
note "attendance: the signer is the account; again is a no-op"
ok signed dana awareness attend AWS-0001
out_has "attendance of P-0003 at AWS-0001 recorded"
ok isms attendance list --json
json_all 'len(d) == 1 and d[0]["person"] == "P-0003" and d[0]["confirmed_by"] == "dana"'
ok signed dana awareness attend AWS-0001
out_has "already recorded"
fails 5 signed dana awareness attend AWS-0002
err_has "cancelled"
fails 2 isms awareness attend AWS-0001
err_has "--as"
fails 2 signed dana awareness attend AWS-0001 --person P-0004
fails 3 signed dana awareness attend AWC-0001
err_has "briefing:"
fails 3 signed dana awareness attend AWS-0001 --date 2099-01-01
err_has "future"
ok isms awareness completion AWC-0001 --json
json_all 'd["attended"] == 1 and d["done"] == 0'
note "attended and acknowledged: done; per department"
ok signed dana document ack DOC-0001
ok isms attendance add --briefing AWS-0001 --person P-0004 --attended-on 2026-02-10
ok isms attendance list --json
json_check '[a["confirmed_by"] for a in d if a["person"] == "P-0004"][0] not in (None, "", "dana")'
ok isms awareness completion AWC-0001 --json
json_all 'd["done"] == 1 and d["acknowledged"] == 1 and d["attended"] == 2' \
    '{x["department"]: (x["done"], x["people"]) for x in d["departments"]} == {"IT": (1, 2), "Sales": (0, 1)}'
ok isms awareness completion AWC-0001
out_has "1 of 3 people done"
note "awareness --as staff: the figures count only the attendance they see (their own)"
ok signed dana awareness completion AWC-0001 --json
json_all 'd["people"] == 1 and d["done"] == 1 and d["pending"] == []'
ok signed sven awareness completion AWC-0001 --json
json_all 'd["people"] == 1 and d["done"] == 0 and d["attended"] == 1' \
    '[p["person"] for p in d["pending"]] == ["P-0004"]'
note "the typed field confirmed_by is refused"
fails 3 isms attendance add --briefing AWS-0001 --person P-0002 --attended-on 2026-02-10 --confirmed-by cleo
fails 4 isms awareness completion AWC-0099
fails 3 isms awareness completion DOC-0001
fails 2 isms awareness
note "a campaign of roles needs roles"
fails 3 isms campaign add --title "Role campaign" --audience roles
err_has "audience_roles"

note "the file verifies: every people record matches its history"
ok isms verify

finish
