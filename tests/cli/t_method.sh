# t_method.sh — the risk assessment method (clause 6.1.2): scores and levels
# against tables computed by hand (default 5x5, an imported 3x3 product
# method, a 4x6 matrix method in YAML, separate C/I/A consequence scales),
# re-scoring every risk when the method changes (with history), refusal of
# a method that existing ratings do not fit, and refusal of invalid method
# files with a message naming the part, the file unchanged.
. "$CLI_DIR/lib.sh"

DATA=$CLI_DIR/data

# rate_all OWNER "L C" ... — adds one risk per pair, titled "L<l>C<c>".
rate_all() {
    local owner=$1 pair l c
    shift
    for pair in "$@"; do
        read -r l c <<<"$pair"
        ok isms risk add --title "L${l}C${c}" --owner "$owner" --likelihood "$l" --consequence "$c"
    done
}

# scores_are TABLE — the last `risk list --json` rates each title as TABLE
# says: "title score level" entries separated by commas.
SCORES_PY='{r["title"]: "%s %s" % (r["score"], r["level"]) for r in d} == {t.split()[0]: " ".join(t.split()[1:]) for t in a[0].split(",")}'

# ---- the default 5x5 method -------------------------------------------------
ok isms init m.isms
export ISMS_FILE=m.isms
ok isms person add --name "Risk Owner"

note "method --help prints the help"
ok isms method --help && out_has "import"

note "the default method is a 5x5 product with four levels"
ok isms method show --json
json_all 'd["scoring"] == "product"' \
    'len(d["likelihood"]) == 5 and len(d["consequence"]) == 5' \
    '[(l["name"], l["min"], l["max"]) for l in d["levels"]] == [("low",1,4),("medium",5,9),("high",10,16),("critical",17,25)]' \
    'd["acceptance"] == {"max_score": 4}' \
    '"matrix" not in d'
ok isms method show
out_has "Default 5x5 method (version 1)"
out_has "scores up to 4 may be retained"
ok isms method history
out_has "v1 "
check "one method version" [ "$(wc -l <"$OUT")" -eq 1 ]

note "default 5x5: scores and levels computed by hand"
# (l,c) -> l*c, level by 1-4 low, 5-9 medium, 10-16 high, 17-25 critical
rate_all P-0001 "5 5" "2 3" "1 4" "4 4" "3 4" "1 5" "2 5" "3 3" "4 5" "1 1"
ok isms risk list --json
json_check "$SCORES_PY" "L5C5 25 critical,L2C3 6 medium,L1C4 4 low,L4C4 16 high,L3C4 12 high,L1C5 5 medium,L2C5 10 high,L3C3 9 medium,L4C5 20 critical,L1C1 1 low"
json_check '[r["id"] for r in d] == ["R-%04d" % i for i in range(1, 11)]'

note "residual rating is scored on the same scales"
ok isms risk edit R-0001 --residual-likelihood 2 --residual-consequence 2
ok isms risk show R-0001 --json
json_all 'd["residual_score"] == 4 and d["residual_level"] == "low"' 'd["score"] == 25 and d["level"] == "critical"'

note "editing a rating re-scores the risk"
ok isms risk edit R-0010 --likelihood 3
ok isms risk show R-0010 --json
json_check 'd["score"] == 3 and d["level"] == "low"'
ok isms risk edit R-0010 --likelihood 1
ok isms risk show R-0010 --json
json_check 'd["score"] == 1 and d["level"] == "low"'

note "ratings above the scale are refused naming the field; the file is unchanged"
digest=$(dump_digest m.isms)
fails 3 isms risk add --title big --owner P-0001 --likelihood 6 --consequence 1
err_has "likelihood: 6 is above the method's likelihood scale"
fails 3 isms risk edit R-0002 --consequence 6
err_has "consequence: 6 is above"
fails 3 isms risk edit R-0002 --residual-likelihood 6 --residual-consequence 1
err_has "residual_likelihood"
fails 3 isms risk edit R-0002 --residual-likelihood 1 --residual-consequence 7
err_has "residual_consequence"
same_dump m.isms "$digest"

note "score and level are set by the program only"
fails 3 isms risk edit R-0002 --score 3
err_has "score"
fails 3 isms risk edit R-0002 --level low
err_has "level"
fails 3 isms risk add --title x --owner P-0001 --likelihood 1 --consequence 1 --residual-level low
err_has "residual_level"
fails 3 isms risk edit R-0002 --residual-score 1
err_has "residual_score"
same_dump m.isms "$digest"

note "per-C/I/A consequences need a method with separate scales"
fails 3 isms risk edit R-0002 --affects confidentiality --consequence-confidentiality 2
err_has "consequence_confidentiality"
same_dump m.isms "$digest"

# ---- method change re-scores every risk -----------------------------------
note "importing a method with other levels re-scores every risk, in one version"
hist_before=$(history_count m.isms)
ok isms method import "$DATA/method_5x5_five_levels.json"
# new levels: 1-3 low, 4-7 medium, 8-14 high, 15-19 very-high, 20-25 critical;
# changed: L1C4 (4: low->medium), L4C4 (16: high->very-high), L3C3 (9:
# medium->high), and R-0001's residual (4: low->medium)
out_is "method version 2 in force; 4 risks re-scored"
ok isms risk list --json
json_check "$SCORES_PY" "L5C5 25 critical,L2C3 6 medium,L1C4 4 medium,L4C4 16 very-high,L3C4 12 high,L1C5 5 medium,L2C5 10 high,L3C3 9 high,L4C5 20 critical,L1C1 1 low"
json_check '{r["id"]: r["residual_level"] for r in d if r["residual_level"]} == {"R-0001": "medium"}'
hist_after=$(history_count m.isms)
check "one method entry, its frozen version, the previous one superseded and 4 risk updates in the history" [ "$hist_after" -eq $((hist_before + 7)) ]
ok isms method show --json
json_all 'd["name"] == "Five levels"' 'd["acceptance"] == {"max_score": 3}' \
    '[l["name"] for l in d["levels"]] == ["low","medium","high","very-high","critical"]'
ok isms method history
out_has "v1 "
out_has "v2 "
out_has "Five levels"

note "the risk's history shows the level change"
ok isms history R-0003
out_has "level: low -> medium"
ok isms history R-0004
out_has "level: high -> very-high"
ok isms history R-0001
out_has "residual_level: low -> medium"
ok isms history R-0002
out_lacks "medium ->"

note "history --json holds the method change and the re-scoring"
ok isms history --json
json_all '[h["action"] for h in d if h["type"] == "method"] == ["change", "change"]' \
    '[h for h in d if h["type"] == "method"][-1]["after"]["name"] == "Five levels"' \
    '[h for h in d if h["type"] == "method"][-1]["before"]["name"] == "Default 5x5 method"' \
    'any(h["id"] == "R-0003" and h["action"] == "update" and h["before"]["level"] == "low" and h["after"]["level"] == "medium" for h in d)' \
    'any(h["id"] == "R-0008" and h["action"] == "update" and h["before"]["level"] == "medium" and h["after"]["level"] == "high" for h in d)' \
    'not any(h["id"] == "R-0002" and h["action"] == "update" for h in d)'
note "a re-scored risk's entry holds the fields that changed and the time of its previous update"
json_all 'sorted([h for h in d if h["id"] == "R-0003"][-1]["before"]) == ["id", "level", "updated"]' \
    'sorted([h for h in d if h["id"] == "R-0003"][-1]["after"]) == ["id", "level", "updated"]' \
    '[h for h in d if h["id"] == "R-0003"][-1]["before"]["updated"] == [h for h in d if h["id"] == "R-0003"][-2]["after"]["updated"]'
ok isms verify m.isms

note "the same method again is a conflict and changes nothing"
digest=$(dump_digest m.isms)
fails 5 isms method import "$DATA/method_5x5_five_levels.json"
same_dump m.isms "$digest"

note "method show --json can be imported back: it is the same method"
ok isms method show --json
cp "$OUT" shown.json
fails 5 isms method import shown.json
same_dump m.isms "$digest"

note "method set changes the acceptance criterion (a new version)"
ok isms method set --accept-level medium
out_is "method version 3 in force; 0 risks re-scored"
ok isms method show --json
json_check 'd["acceptance"] == {"max_score": 7}'
ok isms method set --accept-max 9 --name "Five levels, tolerant"
ok isms method show --json
json_check 'd["acceptance"] == {"max_score": 9} and d["name"] == "Five levels, tolerant"'
digest=$(dump_digest m.isms)
fails 3 isms method set --accept-level extreme
err_has "acceptance.level"
fails 3 isms method set --accept-max 26
err_has "acceptance.max_score"
fails 2 isms method set --accept-max 3 --accept-level low
fails 3 isms method set --scoring sum
err_has "scoring"
fails 2 isms method set
same_dump m.isms "$digest"

note "method set --scoring matrix starts from the products (same scores)"
ok isms method set --scoring matrix
out_is "method version 5 in force; 0 risks re-scored"
ok isms method show --json
json_all 'd["scoring"] == "matrix"' 'd["matrix"] == [[l * c for c in range(1, 6)] for l in range(1, 6)]'

note "a method whose scales are smaller than existing ratings is refused, naming the risk"
ok isms method history
methods_before=$(last_out)
ok isms risk list --json
risks_before=$(last_out)
digest=$(dump_digest m.isms)
fails 5 isms method import "$DATA/method_4x6_matrix.yaml"
err_has "R-0001"
err_has "likelihood: 5 is above the method's likelihood scale, which has 4 levels"
err_has "nothing was changed"
same_dump m.isms "$digest"
ok isms method history
check "method history unchanged" [ "$(last_out)" = "$methods_before" ]
ok isms risk list --json
check "risks unchanged" [ "$(last_out)" = "$risks_before" ]

note "after re-rating the too-high risks, the 4x6 method is accepted"
# only R-0001 (L5C5) has a likelihood above 4 and no risk a consequence above 6
ok isms risk edit R-0001 --likelihood 4 --consequence 5
ok isms method import "$DATA/method_4x6_matrix.yaml"
ok isms risk list --json
# matrix[l][c]: L4C5 31 extreme, L2C3 6 moderate, L1C4 5 low, L4C4 22
# significant, L3C4 15 significant, L1C5 8 moderate, L2C5 14 moderate,
# L3C3 10 moderate, L4C5 31 extreme, L1C1 1 low
json_check '[(r["id"], r["score"], r["level"]) for r in d] == [("R-0001",31,"extreme"),("R-0002",6,"moderate"),("R-0003",5,"low"),("R-0004",22,"significant"),("R-0005",15,"significant"),("R-0006",8,"moderate"),("R-0007",14,"moderate"),("R-0008",10,"moderate"),("R-0009",31,"extreme"),("R-0010",1,"low")]'
json_check '[(r["residual_score"], r["residual_level"]) for r in d if r["id"] == "R-0001"] == [(4, "low")]'
ok isms history R-0002
out_has "level: medium -> moderate"
ok isms verify m.isms

# ---- a 3x3 product method, imported as JSON ---------------------------------
note "3x3 product method: every cell against a hand-computed table"
ok isms init p3.isms
export ISMS_FILE=p3.isms
ok isms person add --name Owner
ok isms method import "$DATA/method_3x3.json"
out_is "method version 2 in force; 0 risks re-scored"
ok isms method show --json
json_all 'd["name"] == "Three by three"' 'd["acceptance"] == {"max_score": 2}' \
    'd["likelihood"][1] == {"label": "Medium", "description": "Expected within five years", "anchor": "once in 1-5 years"}' \
    '[(l["name"], l["min"], l["max"], l["colour"], l["review_days"]) for l in d["levels"]] == [("low",1,2,"#2e7d32",365),("medium",3,4,"#f9a825",180),("high",6,9,"#c62828",60)]'
rate_all P-0001 "1 1" "1 2" "1 3" "2 1" "2 2" "2 3" "3 1" "3 2" "3 3"
ok isms risk list --json
json_check "$SCORES_PY" "L1C1 1 low,L1C2 2 low,L1C3 3 medium,L2C1 2 low,L2C2 4 medium,L2C3 6 high,L3C1 3 medium,L3C2 6 high,L3C3 9 high"
fails 3 isms risk add --title big --owner P-0001 --likelihood 4 --consequence 1
err_has "likelihood: 4 is above the method's likelihood scale, which has 3 levels (1-3)"
fails 3 isms risk add --title big --owner P-0001 --likelihood 1 --consequence 4
err_has "consequence: 4 is above"
ok isms risk matrix --json
json_check '[(c["likelihood"], c["consequence"], c["score"], c["level"], c["count"]) for c in d["cells"]] == [(l, c, l*c, {1:"low",2:"low",3:"medium",4:"medium",6:"high",9:"high"}[l*c], 1) for l in (1,2,3) for c in (1,2,3)]'
json_check 'd["likelihood"] == ["Low", "Medium", "High"] and d["consequence"] == ["Small", "Serious", "Grave"]'

note "new risks get a review date from their level's review_days"
ISMS_NOW=2026-01-01 ok isms risk add --title dated --owner P-0001 --likelihood 3 --consequence 3
ok isms risk show R-0010 --json
json_check 'd["review_date"] == "2026-03-02"'

# ---- invalid method files ---------------------------------------------------
note "invalid method files are refused (status 3) naming the part; the file is unchanged"
py - "$DATA/method_3x3.json" <<'EOF'
import copy, json, sys
base = json.load(open(sys.argv[1]))
def variant(name, change):
    d = copy.deepcopy(base)
    change(d)
    with open(name, "w") as f:
        json.dump(d, f)
def lv(i, **kw):
    return lambda d: d["levels"][i].update(kw)
variant("two_levels.json", lambda d: d.update(likelihood=d["likelihood"][:2]))
variant("eleven_levels.json", lambda d: d.update(consequence=[{"label": "C%d" % i} for i in range(11)]))
variant("overlap.json", lv(1, min=2))
variant("gap.json", lv(1, min=4))
variant("inverted.json", lv(2, min=9, max=6))
variant("bad_colour.json", lv(0, colour="#2e7d3g"))
variant("colour_name.json", lv(2, colour="red"))
variant("unknown_key.json", lambda d: d.update(colours="many"))
variant("unknown_level_key.json", lv(1, color="#ffffff"))
variant("unknown_scale_key.json", lambda d: d["consequence"][2].update(value=3))
variant("acceptance_level.json", lambda d: d.update(acceptance={"level": "tolerable"}))
variant("acceptance_high.json", lambda d: d.update(acceptance={"max_score": 10}))
variant("matrix_rows.json", lambda d: d.update(scoring="matrix", matrix=[[1, 2, 3], [2, 4, 6]]))
variant("matrix_cols.json", lambda d: d.update(scoring="matrix", matrix=[[1, 2, 3], [2, 4], [3, 6, 9]]))
variant("matrix_product.json", lambda d: d.update(matrix=[[1, 2, 3], [2, 4, 6], [3, 6, 9]]))
variant("matrix_missing.json", lambda d: d.update(scoring="matrix"))
variant("scoring.json", lambda d: d.update(scoring="sum"))
variant("no_label.json", lambda d: d["likelihood"][0].pop("label"))
variant("level_name.json", lv(0, name="Low Risk"))
variant("dup_level.json", lv(2, name="low"))
variant("two_cia.json", lambda d: d.update(consequence_confidentiality=d["consequence"], consequence_integrity=d["consequence"]))
variant("cia_sizes.json", lambda d: d.update(consequence_confidentiality=d["consequence"], consequence_integrity=d["consequence"], consequence_availability=d["consequence"] + [{"label": "Worse"}]))
open("bad.json", "w").write('{"name": "broken", "scoring": "product",\n  "likelihood": [\n')
open("bad.yaml", "w").write('name: broken\nlevels: [1, 2\nscoring: product\n')
open("list.json", "w").write('[1, 2, 3]\n')
EOF
digest=$(dump_digest p3.isms)
# file | text the message must hold
while IFS='|' read -r file want; do
    fails 3 isms method import "$file" && err_has "$want"
done <<'EOF'
bad.json|not valid JSON
bad.yaml|YAML
list.json|method: a JSON object is required
two_levels.json|likelihood: 2 levels; a scale has 3 to 10
eleven_levels.json|consequence: 11 levels; a scale has 3 to 10
overlap.json|levels[2] overlaps levels[1] (low)
gap.json|levels: score 3 (likelihood 1, consequence 3) falls in no level
inverted.json|levels[3]: min 9 is above max 6
bad_colour.json|levels[1].colour
colour_name.json|levels[3].colour
unknown_key.json|unknown key 'colours'
unknown_level_key.json|levels[2]: unknown key 'color'
unknown_scale_key.json|consequence[3]: unknown key 'value'
acceptance_level.json|acceptance.level
acceptance_high.json|acceptance.max_score
matrix_rows.json|matrix: 3 rows are required
matrix_cols.json|matrix[2]: 3 scores are required
matrix_product.json|matrix: only used when scoring is "matrix"
matrix_missing.json|matrix: 3 rows are required
scoring.json|scoring
no_label.json|likelihood[1].label: required
level_name.json|levels[1].name
dup_level.json|levels[3]: the name 'low' is used twice
two_cia.json|all three of confidentiality, integrity and availability
cia_sizes.json|same number of levels
EOF
same_dump p3.isms "$digest"
fails 4 isms method import no-such-file.json
err_has "no-such-file.json"
same_dump p3.isms "$digest"
ok isms method history
check "still two method versions" [ "$(wc -l <"$OUT")" -eq 2 ]

# ---- a 4x6 matrix method in YAML --------------------------------------------
note "4x6 matrix method (YAML): looked-up scores, not products"
ok isms init x46.isms
export ISMS_FILE=x46.isms
ok isms person add --name Owner
ok isms method import "$DATA/method_4x6_matrix.yaml"
ok isms method show --json
json_all 'd["scoring"] == "matrix"' 'len(d["likelihood"]) == 4 and len(d["consequence"]) == 6' \
    'd["matrix"] == [[1,2,3,5,8,13],[2,4,6,9,14,20],[3,6,10,15,21,30],[5,9,15,22,31,40]]' \
    'd["levels"][3] == {"name": "extreme", "label": "Extreme", "min": 30, "max": 40, "colour": "#DD0000", "action": "Stop the activity", "review_days": 30}' \
    'd["levels"][1]["label"] == "moderate"' \
    'd["likelihood"][1] == {"label": "Possible", "anchor": "once in 3 years"}' \
    'd["acceptance"] == {"max_score": 5}'
rate_all P-0001 "1 6" "4 1" "3 3" "2 6" "4 4" "3 6" "4 6" "1 4" "2 3" "1 1"
ok isms risk list --json
json_check "$SCORES_PY" "L1C6 13 moderate,L4C1 5 low,L3C3 10 moderate,L2C6 20 significant,L4C4 22 significant,L3C6 30 extreme,L4C6 40 extreme,L1C4 5 low,L2C3 6 moderate,L1C1 1 low"
fails 3 isms risk add --title big --owner P-0001 --likelihood 5 --consequence 1
err_has "likelihood: 5 is above"
fails 3 isms risk add --title big --owner P-0001 --likelihood 1 --consequence 7
err_has "consequence: 7 is above the method's consequence scale, which has 6 levels (1-6)"
ok isms method show
out_has "matrix lookup"
out_has "Four by six matrix (version 2)"

# ---- separate consequence scales for C, I and A ---------------------------------
note "per-C/I/A scales: the consequence is the highest of the dimensions given"
ok isms init cia.isms
export ISMS_FILE=cia.isms
ok isms person add --name Owner
ok isms method import "$DATA/method_cia.json"
ok isms method show --json
json_all '[s["label"] for s in d["consequence_integrity"]][:2] == ["Cosmetic", "Correctable"]' \
    'len(d["consequence_availability"]) == 5 and len(d["consequence_confidentiality"]) == 5'
ok isms risk add --title ca --owner P-0001 --affects confidentiality,availability \
    --likelihood 3 --consequence-confidentiality 2 --consequence-availability 4
ok isms risk show R-0001 --json
json_all 'd["consequence"] == 4' 'd["score"] == 12 and d["level"] == "high"' \
    'd["consequence_confidentiality"] == 2 and d["consequence_availability"] == 4 and d["consequence_integrity"] is None'
ok isms risk edit R-0001 --consequence-availability 1
ok isms risk show R-0001 --json
json_all 'd["consequence"] == 2' 'd["score"] == 6 and d["level"] == "medium"'
ok isms risk add --title all --owner P-0001 --affects confidentiality,integrity,availability \
    --likelihood 2 --consequence-confidentiality 1 --consequence-integrity 5 --consequence-availability 3
ok isms risk show R-0002 --json
json_all 'd["consequence"] == 5' 'd["score"] == 10 and d["level"] == "high"'

note "a dimension not in affects is refused, naming it; the file is unchanged"
digest=$(dump_digest cia.isms)
fails 3 isms risk add --title i --owner P-0001 --affects confidentiality --likelihood 1 \
    --consequence-confidentiality 1 --consequence-integrity 3
err_has "consequence_integrity"
err_has "does not affect integrity"
fails 3 isms risk edit R-0001 --consequence-integrity 2
err_has "consequence_integrity"
fails 3 isms risk edit R-0001 --affects confidentiality
err_has "consequence_availability"
fails 3 isms risk edit R-0001 --consequence-confidentiality 6
err_has "consequence_confidentiality: 6 is above"
same_dump cia.isms "$digest"
ok isms verify cia.isms

# ---- method versions and their approval by top management (6.1.2) ---------
note "every method version is a frozen version; the one in force in-force, earlier ones superseded"
ok isms method versions --json
json_all 'len(d) >= 2 and [v["number"] for v in d] == list(range(1, len(d) + 1))' \
    'all(v["state"] == "superseded" for v in d[:-1]) and d[-1]["state"] == "in-force"' \
    'all(len(v["sha256"]) == 64 and v["signoffs"] == [] for v in d)'
last=$(json_get 'd[-1]["number"]')
ok isms method show --version 1 --json
json_all 'd["number"] == 1 and d["content"]["name"] and d["state"] == "superseded"'
ok isms method diff 1 2 --json
json_check 'any(c["field"] == "levels" for c in d)'
fails 4 isms method show --version 999
ok isms person add --name "Bea Board"
bea=$(last_out)
ok isms role add --name "Board" --top-management yes --holders "$bea" --status active
ok isms person add --name "Nils Nobody"
nils=$(last_out)
make_account bea top-management "$bea"
make_account nils manager "$nils"
note "approving the method needs top management, signed as an account"
fails 7 isms method approve
err_has "--as ACCOUNT"
fails 2 isms method approve --by "$bea"
fails 7 signed nils method approve
err_has "needs the capacity top management"
ok signed bea method approve --rationale "Approved by the board"
out_is "risk method version $last approved by $bea (account bea)"
ok signed bea method approve --rationale "again"
out_has "was already approved"
ok isms method versions --json
json_check '[(s["signer"]["person"], s["signer"]["account"], s["capacity"], s["current"], s["rationale"]) for s in d[-1]["signoffs"]] == [(a[0], "bea", "top-management", True, "Approved by the board")]' "$bea"
ok isms verify
finish
