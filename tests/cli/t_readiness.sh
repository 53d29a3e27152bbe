# t_readiness.sh — `isms readiness` and `isms journey` (src/app/readiness.def):
# on a fresh `isms init` every item is a named gap (the method the only one
# present); records added through the CLI close gaps one by one and the
# figures move (the clause's and the overall); the method approved by top
# management closes its gap; a staff account is refused; on the demo only a
# few named gaps remain (7.2 held by a person's certificate with its scan)
# and moving one date closes one; a qualification with its file satisfies
# 7.2 on a fresh ISMS, a revoked or expired one does not; the
# journey starts at stage 1 and moves on when stage 1 is done; bad options
# are refused naming them.
. "$CLI_DIR/lib.sh"

export ISMS_FILE=t.isms ISMS_NOW=2030-01-15

note "a fresh ISMS: almost everything missing, each gap named"
ok isms init t.isms || finish
ok isms readiness --json
json_all 'd["today"] == "2030-01-15"' \
    'd["asked"] == sum(i["asked"] for i in d["items"] if i["clause"])' \
    'd["passed"] == 1 and d["percent"] == 1' \
    'd["mandatory"] == {"total": 15, "ready": 0}' \
    '[c["clause"] for c in d["clauses"]] == ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3",
        "6.1.2", "6.1.3", "6.2", "6.3", "7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3",
        "9.1", "9.2", "9.3", "10.1", "10.2", "A"]' \
    'all(c["title"] for c in d["clauses"])' \
    'all(not i["ready"] and i["gap"] and i["fix"].startswith("/") for i in d["items"])' \
    '[i["id"] for i in d["items"] if not i["gap"].startswith("Not present: ")] == ["method"]' \
    'sorted({i["mandatory"] for i in d["items"] if i["mandatory"]}) == list(range(1, 16))' \
    '[i["gap"] for i in d["items"] if i["id"] == "scope"] == ["Not present: no Scope record (status!=superseded)"]' \
    '[i["gap"] for i in d["items"] if i["id"] == "method"] == ["Not approved: version 1 is not approved by top management (isms method approve)"]' \
    '[i["fix"] for i in d["items"] if i["id"] == "policy"] == ["/documents/new"]' \
    'all(i["rule"]["text"] and i["rule"]["source"] for i in d["items"])' \
    'd["gaps"] == len([i for i in d["items"] if i["clause"]])'
p0=$(json_get 'd["passed"]')
ok isms readiness
out_has "Readiness 1% (1 of"
out_has "gap: Not present: no Scope record (status!=superseded) -> /scopes/new"
out_has "[M2]  policy"

note "the journey of a new ISMS starts at stage 1"
ok isms journey --json
json_all 'd["current"] == 1 and len(d["stages"]) == 7' \
    '[s["title"] for s in d["stages"]] == ["Preparation and scope", "ISMS design and documents",
        "Implementing controls", "Internal audit", "Management review", "Certification",
        "Continual improvement"]' \
    'd["stages"][0]["state"] == "not started" and d["stages"][0]["done"] == []' \
    '[n["id"] for n in d["stages"][0]["next"]] == ["context", "parties", "requirements", "scope", "leadership", "roles"]'
ok isms journey
out_has "stage 1 of 7, Preparation and scope"
out_has "next: ISMS scope — Not present"

note "fixing one gap through the CLI: the clause's figure and the overall move"
ok isms person add --name "Bea Board"
bea=$(last_out)
ok isms issue add --title "Cloud dependency" --kind external --review-date 2030-06-01
ok isms readiness --json
json_all '[c["percent"] for c in d["clauses"] if c["clause"] == "4.1"] == [100]' \
    '[i["ready"] for i in d["items"] if i["id"] == "context"] == [True]'
json_check 'd["passed"] == int(a[0]) + 2' "$p0"
note "a record past its review date is not current, and says which"
ok isms issue add --title "Old issue" --kind internal --review-date 2029-12-31
ok isms readiness --json
json_check '[i["gap"] for i in d["items"] if i["id"] == "context"] == ["Not current: ISS-0002 is past its Next review (2029-12-31)"]'
json_check '[i["fix"] for i in d["items"] if i["id"] == "context"] == ["/issues/ISS-0002"]'
ok isms issue edit ISS-0002 --review-date 2030-03-01

note "the method approved by top management closes its gap"
ok isms role add --name "Board" --top-management yes --holders "$bea" --status active
make_account bea top-management "$bea"
ok signed bea method approve --rationale "Approved by the board"
ok isms readiness --json
json_all '[i["ready"] for i in d["items"] if i["id"] in ("method", "leadership")] == [True, True]' \
    '[i["approved"]["reason"] for i in d["items"] if i["id"] == "method"][0].startswith("version 1 approved by Bea Board")'

note "a policy written but not approved: present, not approved, naming it and its status"
ok isms document add --title "Information security policy" --kind policy --owner "$bea" \
    --review-date 2031-01-01
ok isms readiness --json
json_all '[(i["present"]["answer"], i["approved"]["answer"], i["current"]["answer"]) for i in d["items"] if i["id"] == "policy"] == [(True, False, True)]' \
    '[i["gap"] for i in d["items"] if i["id"] == "policy"] == ["Not approved: none of the 1 is approved,published (DOC-0001 is draft)"]' \
    '[i["fix"] for i in d["items"] if i["id"] == "policy"] == ["/documents/DOC-0001"]'

note "approved through document control, then revised: still approved (its version in force)"
ok isms person add --name "Mia Manager"
mia=$(last_out)
make_account mia manager "$mia"
ok isms document edit DOC-0001 --reviewer "$mia" --body "Lock your screen."
ok isms document submit DOC-0001
ok signed mia document review DOC-0001
ok signed bea document approve DOC-0001 --rationale "Board"
ok isms readiness --json
json_check '[(i["ready"], i["approved"]["reason"]) for i in d["items"] if i["id"] == "policy"] == [(True, "DOC-0001 is approved")]'
ok isms document revise DOC-0001
ok isms readiness --json
json_check '[(i["ready"], i["approved"]["reason"]) for i in d["items"] if i["id"] == "policy"] == [(True, "DOC-0001 has a Version in force (1)")]'

note "read as an account: the auditor reads it, staff are refused"
ok isms person add --name "Sam Staff"
sam=$(last_out)
ok isms person add --name "Ada Auditor"
ada=$(last_out)
make_account sam staff "$sam"
make_account ada auditor "$ada"
ok signed ada readiness --json
json_check 'd["passed"] >= 4'
fails 7 signed sam readiness
err_has "the readiness report is not open to the staff role"
fails 7 signed sam journey --json
check "staff got no report" [ -z "$(last_out)" ]

note "7.2: a person's competence evidence with its file attached also satisfies it (readiness.def ALT)"
ok isms readiness --json
json_all '[i["gap"] for i in d["items"] if i["id"] == "competence"] == ["Not present: no Training record (status=completed)"]' \
    '[i["via"] for i in d["items"] if i["id"] == "competence"] == [None]'
ok isms role add --name "ISMS lead" --holders "$mia" --status active
role=$(last_out)
ok isms competency add --title "Lead Implementer" --role "$role" --evidenced-by certificate
cmp=$(last_out)
ok isms qualification add --title "Lead Implementer certificate" --person "$mia" \
    --requirement "$cmp" --kind certificate --obtained-on 2029-06-01 --expires-on 2032-06-01
qual=$(last_out)
ok isms readiness --json
json_check '[i["ready"] for i in d["items"] if i["id"] == "competence"] == [False]'
p1=$(json_get 'd["passed"]')
printf 'certificate scan\n' >scan.txt
ok isms attach "$qual" scan.txt
ok isms readiness --json
json_all '[(i["ready"], i["via"]["source"]) for i in d["items"] if i["id"] == "competence"] == [(True, "qualification")]' \
    '[i["evidence"]["reason"] for i in d["items"] if i["id"] == "competence"] == ["'"$qual"' has an evidence file"]' \
    '[i["fix"] for i in d["items"] if i["id"] == "competence"] == ["/qualifications/'"$qual"'"]' \
    '[c["percent"] for c in d["clauses"] if c["clause"] == "7.2"] == [100]'
json_check 'd["passed"] == int(a[0]) + 3' "$p1"  # present, current, evidence
ok isms readiness
out_has "held by qualification records: $qual has an evidence file"
note "a revoked one no longer counts; an expired one is not current"
ok isms qualification edit "$qual" --status revoked
ok isms readiness --json
json_check '[i["ready"] for i in d["items"] if i["id"] == "competence"] == [False]'
ok isms qualification edit "$qual" --status valid --expires-on 2030-01-01
ok isms readiness --json
json_check '[i["ready"] for i in d["items"] if i["id"] == "competence"] == [False]'
ok isms qualification edit "$qual" --expires-on 2032-06-01

note "bad options are refused, naming them"
fails 2 isms readiness --bogus
err_has "bogus"
fails 2 isms journey extra

note "the demo (made and read on one day): its named gaps; one date moved closes one"
export ISMS_NOW=2026-12-03
ok isms demo demo.isms
ok isms -f demo.isms readiness --json
json_all 'd["percent"] == 91 and (d["passed"], d["asked"], d["gaps"]) == (65, 71, 4)' \
    'd["mandatory"] == {"total": 15, "ready": 12}' \
    'sorted(i["id"] for i in d["items"] if not i["ready"]) == ["assessment", "certificate", "communication", "method", "operations"]' \
    'all(i["ready"] for i in d["items"] if i["id"] in ("scope", "policy", "soa", "plan", "monitoring", "programme"))' \
    '[(i["ready"], i["via"]["source"], i["evidence"]["reason"]) for i in d["items"] if i["id"] == "competence"] == [(True, "qualification", "QUAL-0001 has an evidence file")]'
dp=$(json_get 'd["passed"]')
dg=$(json_get 'd["gaps"]')
com=$(json_get '[i["example"] for i in d["items"] if i["id"] == "communication"][0]')
ok isms -f demo.isms communication edit "$com" --next-date 2027-01-15
ok isms -f demo.isms readiness --json
json_check '[i["ready"] for i in d["items"] if i["id"] == "communication"] == [True]'
json_check 'd["passed"] == int(a[0]) + 1 and d["gaps"] == int(a[1]) - 1' "$dp" "$dg"
note "the SoA changed after its approval: not current, until approved again"
ok isms -f demo.isms soa set 5.1 --justification "Reworded after the approval"
ok isms -f demo.isms readiness --json
json_check '[i["gap"] for i in d["items"] if i["id"] == "soa"] == ["Not current: changed since version 2 was approved: approve it again"]'
ok isms -f demo.isms soa show --version 2 --json
was=$(json_get '[r["justification"] or "" for r in d if r["id"] == "5.1"][0]')
ok isms -f demo.isms soa set 5.1 --justification "$was"
ok isms -f demo.isms readiness --json
json_check '[i["ready"] for i in d["items"] if i["id"] == "soa"] == [True]'
ok isms -f demo.isms journey --json
json_check 'd["stages"][0]["state"] == "done" and d["current"] > 1'
finish
