# t_nc.sh — nonconformity and corrective action (10.1, 10.2): the status
# transitions and what each needs, the 5-whys chain (`isms nc why`, ordered,
# journaled), the effectiveness review through the one sign-off mechanism —
# never by the action's owner, only once the action is done — and an NC that
# cannot close before it; improvements name what raised them. Every refusal
# says why and writes nothing.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-05-04T09:00:00Z
ok isms init n.isms
export ISMS_FILE=n.isms
ok isms person add --name "Nora NC-owner"   # P-0001 owns the NC
ok isms person add --name "Carl CA-owner"   # P-0002 owns the action
ok isms person add --name "Ivy Reviewer"    # P-0003 manager, reviews
ok isms person add --name "Axel Auditor"    # P-0004
make_account nora owner P-0001
make_account carl owner P-0002
make_account ivy manager P-0003
make_account axel auditor P-0004

note "a new nonconformity is open; it cannot be created further along"
fails 3 isms nc add --title "Early" --source incident --owner P-0001 --status closed
err_has "status: a new nonconformity is open (or analysing)"
ok isms nc add --title "The organization was infected by the Wannacry virus" --source incident \
    --owner P-0001 --containment "PC isolated and reimaged"        # NC-0001
check "NC-0001 created" [ "$(last_out)" = NC-0001 ]
ok isms nonconformity show NC-0001 --json
json_check 'd["status"] == "open" and d["whys"] == [] and d["root_cause_from"] is None'

note "transitions are enforced with messages"
fails 3 isms nc edit NC-0001 --status closed
err_has "status: NC-0001 is open; it can go to analysing or action-planned, not to closed (it is closed from verifying"
fails 3 isms nc edit NC-0001 --status action-planned
err_has "status: NC-0001 needs its root cause before actions are planned: ask \"why?\" (isms nc why NC-0001 TEXT)"
ok isms nc edit NC-0001 --status analysing

note "the 5 whys: each answer a step, in order; a step can be corrected; both journaled"
ok isms nc why NC-0001 "Someone clicked on a link in an email and it downloaded the virus"
out_has "NC-0001 why 1 added"
ok isms nc why NC-0001 "They had not received any training in clicking on links"
ok isms nonconformity why NC-0001 "The training manager is on leave without cover"
ok isms nc why NC-0001 "Maternity leave is not in the Change Management Procedure" # step 4
ok isms nc why NC-0001 "The training manager is on maternity leave and no cover was arranged" --step 3
out_has "NC-0001 why 3 updated"
ok isms nc whys NC-0001 --json
json_check '[w["position"] for w in d] == [1,2,3,4] and d[2]["text"].startswith("The training manager is on maternity") and d[3]["text"].startswith("Maternity")'
ok isms nc whys NC-0001
out_has "4. Why? Maternity leave"
whys_owner=$(last_out)
note "--as: an auditor reads the chain the file's owner reads; staff see no nonconformity"
ok signed axel nc whys NC-0001
check "the auditor's 5 whys equal the owner's" [ "$(last_out)" = "$whys_owner" ]
ok isms person add --name "Sam Staff" # P-0005
make_account sam staff P-0005
fails 4 signed sam nc whys NC-0001   # hidden rows are missing, as the web's 404
err_has "no nonconformity NC-0001"
out_lacks "Maternity"
fails 4 signed sam nonconformity show NC-0001 --json
out_lacks "Maternity"
ok isms history NC-0001 --json
json_check 'len([h for h in d if h["action"] == "why"]) == 5 and [h for h in d if h["action"] == "why"][-1]["before"]["text"] == "The training manager is on leave without cover"'
before=$(dump_digest n.isms)
fails 3 isms nc why NC-0001 ""
err_has "text: give the answer to \"why?\""
fails 4 isms nc why NC-0001 "x" --step 9
err_has "position: NC-0001 has no step 9 of its 5 whys"
fails 4 isms nc why NC-0099 "x"
fails 2 isms nc why NC-0001 "x" --step zero
same_dump n.isms "$before"
ok isms nonconformity show NC-0001 --json
json_check 'len(d["whys"]) == 4 and d["root_cause_from"] == "whys"'

note "action-planned needs an action too"
fails 3 isms nc edit NC-0001 --status action-planned
err_has "status: NC-0001 has no corrective action yet"
ok isms corrective add --title "Cover absences in change management" --nonconformity NC-0001 \
    --owner P-0002 --due-date 2026-06-30                              # CA-0001
ok isms nc edit NC-0001 --status action-planned

note "verifying needs every action done"
fails 3 isms nc edit NC-0001 --status verifying
err_has "status: NC-0001 cannot be verified yet: corrective action CA-0001 is not done"

note "the effectiveness review: not before the action is done, not by its owner, not by typing"
fails 5 signed ivy corrective review CA-0001 --rationale "Looks good"
err_has "CA-0001 is planned: its effectiveness is reviewed once the action is done"
fails 3 isms corrective edit CA-0001 --status verified
err_has "status: a corrective action becomes verified through its effectiveness review"
ok isms corrective edit CA-0001 --status done
ok isms corrective show CA-0001 --json
json_check 'd["completed_on"] == "2026-05-04" and d["effectiveness_reviews"] == []'
ok isms nc edit NC-0001 --status verifying

note "closing before the effectiveness review is refused"
before=$(records_digest n.isms)
fails 3 isms nc edit NC-0001 --status closed
err_has "status: NC-0001 cannot close before the effectiveness review: corrective action CA-0001 (done) has no current review that found it effective"
fails 7 signed carl corrective review CA-0001 --rationale "My own action works"
err_has "P-0002 (account carl) owns CA-0001: the effectiveness of an action is reviewed by someone other than its owner"
fails 7 signed axel corrective review CA-0001 --rationale "Auditors write nothing"
err_has "is recorded by the ISMS manager, top management or the owner of NC-0001"
fails 3 signed ivy corrective review CA-0001
err_has "rationale: say why"
fails 2 isms corrective review CA-0001 --rationale "x" --by P-0003
same_records n.isms "$before"

note "someone else reviews: a sign-off bound to the account; the action becomes verified"
ok signed ivy corrective review CA-0001 --rationale "Procedure v2 has the absence step; May leave had cover"
out_has "CA-0001 effectiveness reviewed by P-0003 (account ivy): effective, verified"
ok isms corrective show CA-0001 --json
json_check 'd["status"] == "verified" and len(d["effectiveness_reviews"]) == 1 and d["effectiveness_reviews"][0]["signer"]["account"] == "ivy" and d["effectiveness_reviews"][0]["capacity"] == "effectiveness-review" and d["effectiveness_reviews"][0]["current"] is True'
check "one sign-off of kind review" [ "$(sqlite3 n.isms "SELECT kind || ':' || subject_kind || ':' || subject_id || ':' || account_name FROM signoff")" = "review:corrective:CA-0001:ivy" ]

note "an action changed after its review needs a new one before closing"
ok isms corrective edit CA-0001 --description "Also covers parental leave"
fails 3 isms nc edit NC-0001 --status closed
err_has "has no current review that found it effective"
ok signed ivy corrective review CA-0001 --rationale "Parental leave also covered"
ok isms nc edit NC-0001 --status closed
ok isms nc show NC-0001 --json
json_check 'd["status"] == "closed" and d["closed_on"] == "2026-05-04"'
fails 3 isms nc edit NC-0001 --closed-on 2026-01-01
err_has "closed_on: set by the program"
fails 5 isms nc why NC-0001 "Another"
err_has "NC-0001 is closed"
fails 3 isms corrective add --title "Late" --nonconformity NC-0001 --owner P-0002
err_has "nonconformity: NC-0001 is closed; reopen it"

note "reopening clears the closing date"
ok isms nc edit NC-0001 --status analysing
ok isms nc show NC-0001 --json
json_check 'd["status"] == "analysing" and d["closed_on"] is None'

note "an action found not effective goes back to in progress"
ok isms nc add --title "Second" --source monitoring --owner P-0001 --root-cause "No owner" # NC-0002
ok isms corrective add --title "Name an owner" --nonconformity NC-0002 --owner P-0002 --status done # CA-0002
ok signed nora corrective review CA-0002 --effective no --rationale "Still no owner named in May"
out_has "not effective, back to in-progress"
ok isms corrective show CA-0002 --json
json_check 'd["status"] == "in-progress" and d["effectiveness_reviews"][0]["kind"] == "sent-back"'

note "improvements name what raised them"
ok isms improvement add --title "Automate cover planning" --raised-by NC-0001   # OFI-0001
ok isms improvement show OFI-0001 --json
json_check 'd["raised_by"] == "NC-0001" and d["source"] == "other"'
fails 3 isms improvement add --title "Bad" --raised-by P-0001
err_has "raised_by: give the audit (AUD-), finding (F-), nonconformity (NC-), incident (INC-) or management review (MR-) that raised it"
fails 3 isms improvement add --title "Bad" --raised-by INC-0042
err_has "raised_by: no incident INC-0042"

note "the demo: a breached metric with history, the WannaCry 5 whys, an action awaiting review"
ISMS_NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ) ok isms demo d.isms   # the demo on the real clock
ok isms -f d.isms metric trend MET-0006 --json
json_check 'len(d["points"]) >= 6 and d["latest"]["evaluation"] == "breach" and d["latest"]["response"] is None and any(p["evaluation"] == "on-target" for p in d["points"])'
ok isms -f d.isms nonconformity list --json
json_check 'any("WannaCry" in n["title"] and n["status"] == "action-planned" for n in d) and any(n["status"] == "closed" for n in d)'
ok isms -f d.isms nonconformity list --search WannaCry --json
wc=$(py -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$OUT")
ok isms -f d.isms nc whys "$wc" --json
json_check 'len(d) == 4 and d[0]["text"].startswith("Someone clicked on a link") and "Change Management Procedure" in d[3]["text"]'
ok isms -f d.isms corrective list --status done --json
json_check 'len(d) >= 1 and all(a["nonconformity"] for a in d)'
ok isms -f d.isms improvement list --json
json_check 'sorted(i["raised_by"] for i in d if i["raised_by"]) == ["AUD-0001", "AUD-0002", "MR-0002"]'
ok isms -f d.isms verify

note "verify: the chains are what their history says"
ok isms verify
cp n.isms t.isms
sqlite3 t.isms "DROP TRIGGER IF EXISTS x; UPDATE nc_why SET text = 'forged' WHERE nonconformity = 'NC-0001' AND position = 2"
fails 5 isms -f t.isms verify
err_has "step 2 of the 5 whys of NC-0001 differs from what its history says"
cp n.isms t.isms
sqlite3 t.isms "DELETE FROM nc_why WHERE nonconformity = 'NC-0001' AND position = 4"
fails 5 isms -f t.isms verify
err_has "the 5-whys step NC-0001#4 recorded in the history is missing"
finish
