# t_tasks.sh — `isms tasks`: the one task model on the command line. Records
# of many kinds with known dates (the clock fixed by ISMS_NOW) give exactly
# the tasks their rules imply, with state overdue / soon / later; the
# filters (--overdue, --owner, --days, --mine with --as) select them; a
# signed-in staff account sees only tasks on records it may read; the task
# list equals an INDEPENDENT model computed from the SQLite file with
# python's sqlite3 (here and on the demo); bad --days, unknown or malformed
# owners and conflicting options are refused with clear messages.
. "$CLI_DIR/lib.sh"

export ISMS_FILE=t.isms ISMS_NOW=2030-01-15

note "setting up records of every kind that falls due"
ok isms init t.isms || finish
ok isms person add --name "Ann Owner" --department Ops
ok isms person add --name "Bob Boss"
ok isms person add --name "Sam Staff"
ok isms supplier add --name "Sup <b>One</b>" --owner P-0001 --criticality high --status active
# supplier_review: the last final assessment + the criticality's interval (high: 12 months)
ok isms sassessment add --supplier SUP-0001 --assessed-on 2028-06-01 --assessor P-0001 \
    --result satisfactory --status final
ok isms sassessment add --supplier SUP-0001 --assessed-on 2029-01-01 --assessor P-0001 \
    --result satisfactory --status final
ok isms sassessment add --supplier SUP-0001 --assessed-on 2029-12-01 --assessor P-0001 \
    --result satisfactory --status draft
ok isms supplier add --name "Gone" --owner P-0001 --review-date 2029-01-01 --status terminated
ok isms nonconformity add --title "NC one" --source internal-audit --owner P-0002 --due-date 2030-01-20
ok isms corrective add --title "CA one" --nonconformity NC-0001 --owner P-0001 --due-date 2030-03-01
ok isms corrective add --title "CA done" --nonconformity NC-0001 --owner P-0001 --due-date 2029-03-01 --status done
# incident duties (ops): personal data means the GDPR 72 hours from detection
ok isms incident add --title "Breach" --description x --owner P-0002 --personal-data yes \
    --detected-at "2030-01-10 10:00" --reported-by P-0003
ok isms incident add --title "Notified" --description x --owner P-0002 --personal-data yes \
    --detected-at "2030-01-10 10:00"
ok isms incident notified INC-0002 gdpr-72h --at "2030-01-11 10:00"
ok isms incident add --title "Only an event" --description x --owner P-0002 --personal-data yes \
    --detected-at "2030-01-10 10:00" --classification event
ok isms continuity add --title "BCP" --owner P-0001 --next-test 2030-01-16
ok isms training add --title "Planned" --kind course --owner P-0002 --held-on 2030-02-01
ok isms training add --title "Cert" --kind certification --owner P-0001 --held-on 2027-01-01 \
    --expires-on 2029-12-31 --status completed
ok isms review add --title "MR 2029" --held-on 2029-07-01 --next-review 2030-01-05 --owner P-0002 --status held
ok isms objective add --title "Obj" --owner P-0001 --due-date 2030-06-30 # metrics: status computed (planned)
ok isms risk add --title "Risk" --owner P-0001 --review-date 2030-01-02
ok isms change add --title "Retired change" --planned-on 2029-05-01 --status approved
ok isms change retire CHG-0001
echo evidence >ev.txt
ok isms attach SUP-0001 ev.txt --valid-until 2030-01-14

note "every task the records imply, by due date, with its state"
ok isms tasks --all --json
json_all 'd["today"] == "2030-01-15" and d["owner"] is None' \
    'd["count"] == 11 and d["overdue"] == 6 and d["soon"] == 2' \
    '[(t["source"], t["subject"], t["due"], t["state"]) for t in d["tasks"]] == [
        ("training", "TRN-0002", "2029-12-31", "overdue"),
        ("supplier_review", "SUP-0001", "2030-01-01", "overdue"),
        ("risk", "R-0001", "2030-01-02", "overdue"),
        ("review", "MR-0001", "2030-01-05", "overdue"),
        ("incident_duty", "INC-0001", "2030-01-13", "overdue"),
        ("evidence", "SUP-0001", "2030-01-14", "overdue"),
        ("continuity", "BCP-0001", "2030-01-16", "soon"),
        ("nonconformity", "NC-0001", "2030-01-20", "soon"),
        ("training", "TRN-0001", "2030-02-01", "later"),
        ("corrective", "CA-0001", "2030-03-01", "later"),
        ("objective", "OBJ-0001", "2030-06-30", "later")]' \
    'all(t["link"] == "/%s/%s" % ({"SUP": "suppliers", "TRN": "trainings", "R": "risks",
        "MR": "reviews", "INC": "incidents", "BCP": "continuity", "NC": "nonconformities",
        "CA": "corrective", "OBJ": "objectives"}[t["subject"].split("-")[0]], t["subject"])
        for t in d["tasks"])' \
    '[t["owner"] for t in d["tasks"] if t["subject"] == "INC-0001"] == ["P-0002"]' \
    '"Sup <b>One</b>" in [t for t in d["tasks"] if t["source"] == "supplier_review"][0]["title"]'
ok isms tasks
out_has "2030-01-13  overdue  P-0002    Notify"
out_has "11 tasks, 6 overdue"
out_lacks "SUP-0002"
out_lacks "CA-0002"
out_lacks "INC-0002"
out_lacks "INC-0003"
out_lacks "CHG-0001"

note "filters: overdue, owner, days"
ok isms tasks --overdue --json
json_check 'd["count"] == 6 and all(t["state"] == "overdue" for t in d["tasks"])'
ok isms tasks --owner P-0002 --json
json_check 'd["owner"] == "P-0002" and sorted(t["subject"] for t in d["tasks"]) == ["INC-0001", "MR-0001", "NC-0001", "TRN-0001"]'
ok isms tasks --days 10 --json
json_check 'd["count"] == 8 and max(t["due"] for t in d["tasks"]) <= "2030-01-25"'
ok isms tasks --owner P-0003
out_is "no tasks"

note "--mine: the signed-in account's person; reading as that account"
make_account bob manager P-0002
make_account sam staff P-0003
make_account root admin ""
ok signed bob tasks --mine --json
json_check 'd["owner"] == "P-0002" and d["count"] == 4 and all(t["owner"] == "P-0002" for t in d["tasks"])'
ok signed sam tasks --all --json
json_check 'sorted(t["subject"] for t in d["tasks"]) == ["INC-0001"]' # staff: the incident they reported
fails 3 signed root tasks --mine
err_has "acts as no person"

note "refusals with clear messages"
fails 2 isms tasks --mine
err_has "--mine: whose tasks? Sign in with --as ACCOUNT"
fails 3 isms tasks --days abc
err_has "days: 'abc' is not a number of days from 1 to 3660"
fails 3 isms tasks --days 0
err_has "days: '0'"
fails 3 isms tasks --days 99999
err_has "days:"
fails 4 isms tasks --owner P-0099
err_has "owner: no person P-0099"
fails 3 isms tasks --owner SUP-0001
err_has "owner: 'SUP-0001' is not a person's identifier"
fails 2 isms tasks --mine --all
err_has "exclude each other"
fails 2 isms tasks --all --owner P-0001
fails 2 isms tasks --colour red
err_has "unknown option --colour"

# The independent model: what is due, straight from the tables with SQL,
# for a few kinds, compared with the task list (source, subject, owner, due).
cat >model.py <<'EOF'
import json, sqlite3, subprocess, sys, os
path, js = sys.argv[1], sys.argv[2]
got = json.load(open(js))
db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
q = lambda s: db.execute(s).fetchall()
want = set()
# supplier_review: the latest final assessment (else the supplier's own assessed_on)
# + 6/12/24/36 months by criticality (none: 12), the day clamped to the month's
# end; never assessed: due from the day it was recorded; terminated: none
import calendar
def months_after(d, n):
    y, m, dd = int(d[:4]), int(d[5:7]), int(d[8:10])
    t = y * 12 + m - 1 + n
    y, m = t // 12, t % 12 + 1
    return "%04d-%02d-%02d" % (y, m, min(dd, calendar.monthrange(y, m)[1]))
interval = {"critical": 6, "high": 12, "medium": 24, "low": 36}
last = dict(q("SELECT supplier, max(assessed_on) FROM sassessment WHERE retired IS NULL"
              " AND status = 'final' GROUP BY supplier"))
for ref, owner, crit, legacy, created in q("SELECT ref, owner, criticality, assessed_on, created"
                                          " FROM supplier WHERE retired IS NULL"
                                          " AND coalesce(status, '') <> 'terminated'"):
    seen = last.get(ref) or legacy
    due = months_after(seen, interval.get(crit, 12)) if seen else created[:10]
    want.add(("supplier_review", ref, owner, due))
for ref, owner, due in q("SELECT ref, owner, due_date FROM corrective WHERE retired IS NULL"
                         " AND due_date IS NOT NULL AND status IN ('planned','in-progress')"):
    want.add(("corrective", ref, owner, due))
for ref, owner, due in q("SELECT ref, owner, due_date FROM nonconformity WHERE retired IS NULL"
                         " AND due_date IS NOT NULL AND status <> 'closed'"):
    want.add(("nonconformity", ref, owner, due))
for ref, owner, due in q("SELECT ref, owner, next_test FROM continuity WHERE retired IS NULL"
                         " AND next_test IS NOT NULL AND status <> 'withdrawn'"):
    want.add(("continuity", ref, owner, due))
for ref, owner, due in q("SELECT ref, owner, due_date FROM objective WHERE retired IS NULL"
                         " AND due_date IS NOT NULL AND status IN ('planned','on-track','at-risk')"):
    want.add(("objective", ref, owner, due))
# incident duties (ops.c): an incident not classified as an event, near-miss
# or weakness owes the GDPR notification within 72 hours of detection (of
# its report when no detection time) when personal data is involved, and
# one within notify_hours for every active requirement whose notify_when it
# meets; a duty marked notified (incident_notice) is done.
reqs = q("SELECT ref, notify_when, notify_hours FROM requirement WHERE retired IS NULL"
         " AND status = 'active' AND notify_hours IS NOT NULL")
done = set(q("SELECT incident, duty FROM incident_notice"))
for ref, owner, pd, sev, cls, start in q(
        "SELECT ref, owner, personal_data, severity, classification, coalesce(detected_at, created)"
        " FROM incident WHERE retired IS NULL"):
    if cls in ("event", "near-miss", "weakness"):
        continue
    pd = str(pd) == "1"
    duties = [("gdpr-72h", 72)] if pd else []
    for rq, when, hours in reqs:
        if (when == "any-incident" or (when == "personal-data" and pd) or
                (when == "high-severity" and sev in ("high", "critical"))):
            duties.append((rq, int(hours)))
    for key, hours in duties:
        if (ref, key) not in done:
            due = q("SELECT date(datetime('%s', '+%d hours'))" % (start, hours))[0][0]
            want.add(("incident_duty", ref, owner, due))
for ref, owner, due in q("SELECT ref, coalesce(owner, lead_auditor), planned_on FROM audit WHERE"
                         " retired IS NULL AND planned_on IS NOT NULL AND status IN ('planned','in-progress')"):
    want.add(("audit", ref, owner, due))
kinds = {w[0] for w in want} | {"supplier_review", "corrective", "nonconformity", "continuity",
                                "objective", "incident_duty", "audit"}
have = {(t["source"], t["subject"], t["owner"], t["due"]) for t in got["tasks"] if t["source"] in kinds}
if have != want:
    print("task list:", sorted(have - want), "\nmodel:", sorted(want - have))
    sys.exit(1)
today = got["today"]
for t in got["tasks"]:
    st = "overdue" if t["due"] < today else None
    if st and t["state"] != st or not st and t["state"] == "overdue":
        print("state of", t); sys.exit(1)
print(len(want), "tasks of", len(kinds), "kinds agree")
EOF

note "the task list equals an independent model computed from the SQLite file"
ok isms tasks --all --json
last_out >tasks.json
ok py model.py t.isms tasks.json
out_has "tasks of 7 kinds agree"
unset ISMS_NOW
ok isms demo demo.isms
ok isms -f demo.isms tasks --all --json
last_out >demo-tasks.json
json_check 'd["overdue"] > 0 and {"supplier_review", "action"} <= {t["source"] for t in d["tasks"] if t["state"] == "overdue"}'
# the demo's live incident: its GDPR notification is due within a day, the others were notified
json_check '[t["state"] for t in d["tasks"] if t["source"] == "incident_duty"] == ["soon"]'
ok py model.py demo.isms demo-tasks.json
out_has "tasks of 7 kinds agree"

finish
