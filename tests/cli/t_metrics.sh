# t_metrics.sh — objectives and metrics (6.2, 9.1): measurements evaluated
# against target and threshold in both directions (edges included),
# computed and never stored; an objective's status follows its metric and
# due date and cannot be typed; refused measurements (bad value, future
# date, an inactive metric) write nothing.
. "$CLI_DIR/lib.sh"

export ISMS_NOW=2026-04-01T09:00:00Z
ok isms init m.isms
export ISMS_FILE=m.isms
ok isms person add --name "Mia Measurer" # P-0001
ok isms person add --name "Otto Owner"   # P-0002

# higher is better: target 95, breach below 90
ok isms metric add --name "Training completion" --unit % --direction higher --target 95 \
    --threshold 90 --frequency monthly --owner P-0002 --measured-by P-0001    # MET-0001
# lower is better: target 5, breach above 10
ok isms metric add --name "Phishing click rate" --unit % --direction lower --target 5 \
    --threshold 10 --frequency quarterly --owner P-0002                      # MET-0002

note "a threshold on the better side of the target is refused, naming the field"
fails 3 isms metric add --name "Bad" --direction higher --target 90 --threshold 95
err_has "threshold: higher is better, so the escalation threshold (95) must be at or below the target (90)"
fails 3 isms metric add --name "Bad" --direction lower --target 10 --threshold 5
err_has "threshold: lower is better"

note "higher is better: on target, the target edge, warning, the threshold edge, breach"
n=0
for v in 97 95 92 90 89.9; do
    n=$((n + 1))
    ok isms measurement add --metric MET-0001 --measured-on "2026-01-0$n" --value "$v"
done
ok isms measurement list --metric MET-0001 --json
json_check '[m["id"] for m in d] == ["MEA-0001","MEA-0002","MEA-0003","MEA-0004","MEA-0005"]'
want=(on-target on-target warning warning breach)
for i in 1 2 3 4 5; do
    ok isms measurement show MEA-000$i --json
    json_check 'd["evaluation"] == a[0]' "${want[$((i - 1))]}"
done

note "lower is better: mirrored, the edges are on target and warning"
n=0
for v in 3 5 7 10 10.5; do
    n=$((n + 1))
    ok isms measurement add --metric MET-0002 --measured-on "2026-02-0$n" --value "$v"
done
want=(on-target on-target warning warning breach)
for i in 6 7 8 9; do
    ok isms measurement show MEA-000$i --json
    json_check 'd["evaluation"] == a[0]' "${want[$((i - 6))]}"
done
ok isms measurement show MEA-0010 --json
json_check 'd["evaluation"] == "breach"'

note "the evaluation is computed, not stored: a new target re-evaluates the history"
ok isms metric edit MET-0002 --target 11 --threshold 12
ok isms measurement show MEA-0010 --json
json_check 'd["evaluation"] == "on-target"'
ok isms metric edit MET-0002 --target 5 --threshold 10
check "no evaluation column in the measurement table" \
    [ "$(sqlite3 m.isms "SELECT count(*) FROM pragma_table_info('measurement') WHERE name LIKE 'eval%'")" = 0 ]

note "refused measurements write nothing"
before=$(dump_digest m.isms)
fails 3 isms measurement add --metric MET-0001 --measured-on 2026-03-01 --value abc
err_has "value"
fails 3 isms measurement add --metric MET-0001 --measured-on 2026-03-01 --value 140
err_has "value: 140 is not a percentage; MET-0001 (Training completion) is measured in % (0 to 100)"
fails 3 isms measurement add --metric MET-0001 --measured-on 2026-03-01 --value -1
err_has "is not a percentage"
fails 3 isms measurement add --metric MET-0001 --measured-on 2026-05-01 --value 50
err_has "measured_on: 2026-05-01 is in the future (today is 2026-04-01)"
fails 3 isms measurement add --metric MET-0099 --measured-on 2026-03-01 --value 50
same_dump m.isms "$before"
ok isms metric add --name "Old metric" --target 1 --status inactive   # MET-0003
fails 3 isms measurement add --metric MET-0003 --measured-on 2026-03-01 --value 1
err_has "metric: MET-0003 is inactive; measurements are recorded against active metrics"

note "an objective's status follows its metric: typed statuses are refused"
fails 3 isms objective add --title "Train everyone" --owner P-0002 --metric MET-0001 --status achieved
err_has "status: set by the program, not by hand"
ok isms objective add --title "Train everyone" --owner P-0002 --metric MET-0001 --ongoing yes # OBJ-0001
ok isms objective show OBJ-0001 --json
json_check 'd["status"] == "at-risk" and d["status_today"] == "at-risk"'    # latest: breach
ok isms objective add --title "Cut clicks" --owner P-0002 --metric MET-0002 --due-date 2026-12-31 # OBJ-0002
ok isms objective show OBJ-0002 --json
json_check 'd["status"] == "at-risk"'
ok isms objective add --title "No metric yet" --owner P-0002 --due-date 2026-12-31 # OBJ-0003
ok isms objective show OBJ-0003 --json
json_check 'd["status"] == "planned"'

note "a new measurement on target moves the objectives (journaled), ongoing: on-track, dated: achieved"
ok isms measurement add --metric MET-0001 --measured-on 2026-03-31 --value 96
ok isms objective show OBJ-0001 --json
json_check 'd["status"] == "on-track"'
ok isms measurement add --metric MET-0002 --measured-on 2026-03-31 --value 4
ok isms objective show OBJ-0002 --json
json_check 'd["status"] == "achieved"'
ok isms history OBJ-0002 --json
json_check 'any(h["action"] == "update" and (h.get("after") or {}).get("status") == "achieved" for h in d)'

note "once the due date has passed without reaching the target: missed (computed for today)"
ok isms measurement add --metric MET-0002 --measured-on 2026-04-01 --value 12
ISMS_NOW=2027-01-02T09:00:00Z ok isms objective show OBJ-0002 --json
json_check 'd["status"] == "at-risk" and d["status_today"] == "missed"'
ISMS_NOW=2027-01-02T09:00:00Z ok isms objective show OBJ-0003 --json
json_check 'd["status_today"] == "missed"'

note "a metric's JSON says its latest measurement and when the next falls due"
ok isms metric show MET-0001 --json
json_check 'd["latest"]["id"] == "MEA-0011" and d["latest"]["evaluation"] == "on-target" and d["next_due"] == "2026-04-30"'

note "due work: Measure from the frequency, Respond to breach for the owner (isms tasks)"
ok isms tasks --all --json
json_check '[(t["source"], t["subject"], t["owner"], t["due"], t["what"]) for t in d["tasks"] if t["source"] in ("measure", "breach")] == [
    ("breach", "MEA-0013", "P-0002", "2026-04-08", "Respond to breach"),
    ("measure", "MET-0001", "P-0001", "2026-04-30", "Measure"),
    ("measure", "MET-0002", "P-0002", "2026-07-01", "Measure")]'
json_check '[t["link"] for t in d["tasks"] if t["source"] == "breach"] == ["/measurements/MEA-0013"]'
ok isms measurement edit MEA-0013 --response "Targeted training for finance booked"
ok isms tasks --all --json
json_check 'not [t for t in d["tasks"] if t["source"] == "breach"]'

note "--as: an owner reads the trend the file's owner reads; staff see no metric, and no task of one"
ok isms metric trend MET-0001 --json
trend_owner=$(last_out)
make_account otto owner P-0002
make_account mia staff P-0001
ok signed otto metric trend MET-0001 --json
check "the owner account's trend equals the file owner's" [ "$(last_out)" = "$trend_owner" ]
fails 4 signed mia metric trend MET-0001
err_has "no metric MET-0001"
ok signed mia tasks --all --json
json_check 'not [t for t in d["tasks"] if t["source"] in ("measure", "breach")]'

ok isms verify
finish
