# t_demo_year.sh — `isms demo` replays a year of Tallyfield's ISMS with a
# simulated clock: history spanning the year and never going back, two
# approved SoA versions months apart with a diff, a metric measured every
# month, as-of views that differ from today, a readiness report with a few
# named gaps, every date of a record between its creation and the entry that
# wrote it, a file that verifies, and the same records from two runs on
# one day. The year follows today ($ISMS_NOW): made on another day, it ends
# on that day.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-12-03
ok isms demo d.isms
export ISMS_FILE=d.isms

note "the history spans the year (11 months or more) and never goes back"
ok isms history --json
json_all 'len(d) > 500' \
    'all(d[i]["at"] <= d[i + 1]["at"] for i in range(len(d) - 1))' \
    'd[0]["at"] >= "2025-12-01" and d[-1]["at"] < "2026-12-03"' \
    'len({x["at"][:7] for x in d}) >= 11' \
    '(int(d[-1]["at"][:4]) * 12 + int(d[-1]["at"][5:7])) - (int(d[0]["at"][:4]) * 12 + int(d[0]["at"][5:7])) >= 11'

note "the dates in the records agree with their history: each measurement made on its day"
ok isms measurement list --json
meas=$(last_out)
ok isms history --json
json_check 'all(any(h["type"] == "measurement" and h["id"] == m["id"] and h["action"] == "create" and h["at"][:10] == m["measured_on"] for h in d) for m in json.loads(a[0]))' "$meas"

note "incidents are recorded after they were detected, on that day; management reviews on the day they were held"
ok isms incident list --json
json_check 'all(i["created"][:10] == i["detected_at"][:10] and i["created"] >= i["detected_at"] for i in d if i["id"] != "INC-0005")'
ok isms review list --json
json_check 'all(r["created"][:10] == r["held_on"] for r in d if r.get("held_on"))'

note "the internal audit's checklist: made on its first day, every result recorded by its last, as its findings say"
ok isms audit report AUD-0001 --json
json_all 'len(d["checklist"]) > 30' \
    'd["results"]["open"] == 0 and d["results"]["minor-nonconformity"] == 1' \
    'd["results"]["conforming"] == len(d["checklist"]) - 5' \
    'all(c.get("evidence") for c in d["checklist"])' \
    'any(c.get("control") == "5.18" and c["result"] == "minor-nonconformity" and c.get("nonconformity") for c in d["checklist"])'
ok isms checkitem list --json --all
json_check 'all(c["created"][:10] == "2026-10-12" and c["updated"][:10] == "2026-10-14" for c in d if c["audit"] == "AUD-0001")'

note "a missed notification deadline: the credential stuffing's NIS2 early warning went out late"
ok isms incident duties INC-0004 --json
json_check '[x["duty"] for x in d["duties"] if x["done"] and x["notified_at"] > x["deadline"]] == ["REQ-0006"]'
ok isms incident duties INC-0005 --json
json_check '[x["duty"] for x in d["duties"] if not x["done"]] == ["gdpr-72h"] and [x["deadline"] for x in d["duties"] if x["duty"] == "gdpr-72h"] == ["2026-12-04T04:00:00Z"]'

note "a metric with a measurement in each of 12 months; its trend has 12 points and two breaches"
printf '%s' "$meas" >meas.json
ok cat meas.json
met=$(json_get '[k for k in sorted({m["metric"] for m in d}) if len({m["measured_on"][:7] for m in d if m["metric"] == k}) >= 12][0]')
check "a metric measured in 12 distinct months" [ -n "$met" ]
ok isms metric trend "$met" --json
json_all 'len(d["points"]) == 12' \
    'len({p["measured_on"][:7] for p in d["points"]}) == 12' \
    '[p["evaluation"] for p in d["points"]].count("breach") == 2' \
    'd["latest"]["evaluation"] == "breach"'

note "the SoA: two approved versions months apart, and a diff between them"
ok isms soa versions
v1=$(last_out | awk '$1 == "v1" {print substr($2, 1, 10)}')
v2=$(last_out | awk '$1 == "v2" {print substr($2, 1, 10)}')
check "version 1 approved in April, version 2 in October" [ "${v1:0:7}" = 2026-04 ] && [ "${v2:0:7}" = 2026-10 ]
out_lacks "v3"
ok isms soa diff 1 2
out_has "5.7"
out_lacks "no differences"

note "as-of views: the SoA of May is version 1, today's version 2; a risk in January differs from today"
ok isms soa show --as-of 2026-05-01 --json
may=$(last_out)
ok isms soa show --as-of 2026-12-02 --json
json_check 'json.loads(a[0]) != d' "$may"
json_check '[r["status"] for r in d if r["id"] == "5.7"] == ["implemented"]'
printf '%s' "$may" >may.json
ok cat may.json
json_check '[r["status"] for r in d if r["id"] == "5.7"] == ["partial"]'
ok isms history --json
rid=$(json_get 'sorted({h["id"] for h in d if h["type"] == "risk" and h["action"] == "update" and h["at"] >= "2026-03"})[0]')
check "a risk changed later in the year" [ -n "$rid" ]
ok isms history "$rid" --json
json_check '[h["after"] for h in d if h["at"] < "2026-02-01"][-1] != d[-1]["after"]'

note "the year's story: policy and scope approved in the first months, the plan in November"
ok isms history --json
json_all 'any(h["type"] == "signoff" and h["at"][:7] == "2026-03" for h in d)' \
    'any(h["type"] == "scope" and h["at"][:7] == "2026-04" for h in d)' \
    'any(h["type"] == "incident" and h["action"] == "create" and h["at"][:7] == "2026-06" for h in d)' \
    'any(h["type"] == "audit" and h["at"][:7] == "2026-10" for h in d)'

note "the readiness report names a few gaps: not none, not everything"
ok isms readiness --json
json_all '1 <= d["gaps"] <= 8' \
    'd["passed"] > d["gaps"]' \
    'all(i["gap"] for i in d["items"] if not i["ready"])' \
    'all(i["ready"] for i in d["items"] if i["id"] in ("scope", "policy", "soa", "plan", "programme"))'

note "every date that tells of a past event lies between the record's creation and the entry that wrote it"
# From the file itself: the date fields of every type (isms TYPE fields), the
# record as each history entry left it. A field that tells of an event
# (held_on, assessed_on, last_tested, completed_on, detected_at, ...; not a
# due, planned or review date, nor the dates of a record still planned) is
# on or after the day its record was created, unless it is older than the
# ISMS itself (a certificate obtained years ago); and no later than the entry
# that set it (a day for dates, the time for times). The year does not
# happen on its first day: of the entries after `isms init` made the file,
# at most 15 % are on that day.
cat >dates.py <<'EOF'
import json, os, sqlite3, subprocess, sys
isms, db = os.environ["ISMS"], sys.argv[1]
run = lambda *a: json.loads(subprocess.run([isms, "-f", db, *a], check=True,
                                           capture_output=True).stdout)
planned = {"review_date", "due_date", "next_date", "next_test", "next_review", "planned_on",
           "first_due", "starts_on", "expires_on", "expires_at", "close_by",
           "notification_deadline", "created", "updated", "retired"}
events = {}
for t in run("types", "--json"):
    events[t["name"]] = [f["name"] for f in run(t["name"], "fields", "--json")
                         if f["type"] in ("date", "datetime") and f["name"] not in planned]
rows = sqlite3.connect(db).execute(
    "SELECT seq, at, type, ref, action, before, after FROM history ORDER BY seq").fetchall()
first = rows[0][1]
bad, born = [], {}
for seq, at, typ, ref, action, before, after in rows:
    if typ not in events or action not in ("create", "update") or not after:
        continue
    born.setdefault(ref, at)
    old, new = json.loads(before or "{}"), json.loads(after)
    for f in events[typ]:
        v = new.get(f)
        if not v or v == old.get(f):
            continue
        v = str(v).replace(" ", "T")
        if v[:10] < born[ref][:10] and v[:10] >= first[:10]:
            bad.append(f"{ref} {f} {v}: before {ref} was created ({born[ref]}, entry {seq})")
        if new.get("status") != "planned" and v > at[:len(v)]:
            bad.append(f"{ref} {f} {v}: after the entry that wrote it ({at}, entry {seq})")
own = [r for r in rows if r[1] != first]
day1 = sum(r[1][:10] == first[:10] for r in own)
if day1 * 100 > 15 * len(own):
    bad.append(f"{day1} of the {len(own)} entries of the year are on its first day")
print("\n".join(bad[:40] + ([f"... {len(bad)} in all"] if len(bad) > 40 else [])) or "ok")
EOF
ok py dates.py d.isms
out_is "ok"

note "the file verifies"
ok isms verify
out_has "ok:"

note "two runs on the same day make the same records (passwords apart)"
ok isms demo e.isms
ok isms -f d.isms history --json
h1=$(py -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps([(h["at"], h["type"], h["id"], h["action"], h["after"]) for h in d if h["type"] != "aaccount"], sort_keys=True))' <<<"$(last_out)" | sha256sum)
ok isms -f e.isms history --json
h2=$(py -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps([(h["at"], h["type"], h["id"], h["action"], h["after"]) for h in d if h["type"] != "aaccount"], sort_keys=True))' <<<"$(last_out)" | sha256sum)
check "the same history from both runs" [ "$h1" = "$h2" ]

note "made on another day, the year ends on that day"
ISMS_NOW=2027-06-15 ok isms demo f.isms
ok isms -f f.isms history --json
json_all 'd[0]["at"] >= "2026-06-01" and d[-1]["at"] < "2027-06-15"' \
    'len({x["at"][:7] for x in d}) >= 11' \
    'all(d[i]["at"] <= d[i + 1]["at"] for i in range(len(d) - 1))'
ISMS_NOW=2027-06-15 ok isms -f f.isms soa versions
check "the SoA versions moved with the year" [ "$(last_out | awk '$1 == "v1" {print substr($2, 1, 7)}')" = 2026-10 ] && [ "$(last_out | awk '$1 == "v2" {print substr($2, 1, 7)}')" = 2027-04 ]
ISMS_NOW=2027-06-15 ok isms -f f.isms verify
ISMS_NOW=2027-06-15 ok py dates.py f.isms
out_is "ok"

finish
