# t_every_type.sh — the whole life of a record, for every type that
# `isms types` lists, driven only by `isms TYPE fields --json`: add with every
# field set, show, list, filter, search, edit, clear, history, retire, and
# `verify` at the end. Nothing here names a field of a particular type except
# the control catalogue rules (framework is 'custom', controls are "5.1").
# A command that hangs is stopped after a minute (no command here takes more
# than a second or two, even under AddressSanitizer on a busy machine).
CLI_CMD_TIMEOUT=${CLI_CMD_TIMEOUT:-60}
. "$CLI_DIR/lib.sh"

ok isms init e.isms || finish
export ISMS_FILE=$PWD/e.isms
N0=$(history_count e.isms)

# ---- the declarations ------------------------------------------------------
ok isms types
TYPES=$(last_out)
ok isms types --json
declare -A PREFIX
while IFS=$'\t' read -r name prefix; do
    PREFIX[$name]=$prefix
done < <(json_get '"\n".join(t["name"] + "\t" + t["prefix"] for t in d)')

mkdir fields
for t in $TYPES; do
    isms "$t" fields --json >"fields/$t.json" || fail "$t fields --json failed"
done
# One line per settable field: name, type, required, first value, second
# value, referenced type, min, max length.
py - fields $TYPES <<'EOF' >/dev/null || fail "cannot read the field declarations"
import json, sys
d = sys.argv[1]
for t in sys.argv[2:]:
    with open("%s/%s.json" % (d, t)) as f, open("%s/%s.tsv" % (d, t), "w") as out:
        for x in json.load(f):
            if x["system"]:
                continue
            v = x.get("values", [])
            out.write("\t".join(str(s) for s in [
                x["name"], x["type"], int(x["required"]),
                v[0] if v else "-", v[1] if len(v) > 1 else "-",
                x.get("ref", "-"), x.get("min", "-"), x.get("max_length", "-")]) + "\n")
EOF

# check_type.py TYPE ID TEXT_FIELD (NAME FTYPE VALUE)... — checks the JSON
# saved in out/ for one type: show after add gives back every value, typed;
# list is an array of objects holding the same record; history is create,
# update, update, each before being the previous after; the first edit
# changed only the notes; after the second the text field is changed and
# every optional field is null or [].
cat >check_type.py <<'EOF'
import json, re, sys
t, rid, text_field = sys.argv[1:4]
rest = sys.argv[4:]
spec = json.load(open("fields/%s.json" % t))
def load(what):
    return json.load(open("out/%s.%s.json" % (t, what), encoding="utf-8"))
bad = []
# show after add
d = load("added")
want_keys = ["id"] + [f["name"] for f in spec]
# signed types (risk, scope) show their sign-offs after the fields: a list
# of objects; the record itself is the rest
signed = t in ("risk", "scope")
if signed and isinstance(d, dict):
    if not isinstance(d.get("signoffs"), list):
        bad.append("show --json: a %s has no signoffs list" % t)
    d = {k: v for k, v in d.items() if k != "signoffs"}
# metrics: what is computed about a record follows its fields (evaluations,
# an objective's status today, whys, effectiveness reviews)
computed = {"measurement": ["evaluation"], "metric": ["latest", "next_due"],
            "objective": ["status_today"], "nonconformity": ["whys", "root_cause_from"],
            "corrective": ["effectiveness_reviews"]}.get(t, [])
if isinstance(d, dict) and computed:
    if [k for k in d if k in computed] != computed:
        bad.append("show --json: a %s lacks its computed keys %s" % (t, computed))
    d = {k: v for k, v in d.items() if k not in computed}
if not isinstance(d, dict):
    bad.append("show --json: not one object")
    d = {}
elif list(d.keys()) != want_keys:
    bad.append("show --json: keys %s, expected id plus the declared fields %s" % (list(d), want_keys))
if d.get("id") != rid:
    bad.append("show --json: id is %r" % d.get("id"))
for i in range(0, len(rest), 3):
    name, ftype, v = rest[i:i + 3]
    got = d.get(name, "<missing>")
    if ftype == "set":
        want = [v]
    elif ftype == "references":
        want = v.split(",")
        if isinstance(got, list) and sorted(got) == sorted(want):
            continue
    elif ftype == "integer":
        want = int(v)
    elif ftype == "number":
        want = float(v)
    elif ftype == "boolean":
        want = True
    elif ftype == "datetime":
        # the canonical form may differ from what was typed
        if not (isinstance(got, str) and got.startswith("2026-01-31") and "10:00" in got):
            bad.append("show --json: %s: %r, expected 2026-01-31 10:00" % (name, got))
        continue
    else:
        want = v
    if got != want or type(got) != type(want):
        bad.append("show --json: %s (%s): %r, expected %r" % (name, ftype, got, want))
for name in ("created", "updated"):
    if not re.match(r"^2\d{3}-\d\d-\d\d[T ]\d\d:\d\d", str(d.get(name))):
        bad.append("show --json: %s is %r, expected a time" % (name, d.get(name)))
if d.get("retired", 0) is not None:
    bad.append("show --json: retired is %r, expected null" % d.get("retired"))
# list
l = load("list")
if not (isinstance(l, list) and all(isinstance(r, dict) and list(r)[:1] == ["id"] for r in l)):
    bad.append("list --json: not an array of objects starting with id")
elif [r for r in l if r["id"] == rid] != [d]:
    bad.append("list --json: the record differs from show --json")
# after the edits (the last history entry: verify, at the end, proves the
# records are what their last entries say)
h = load("history")
# an update entry records the changed fields only: fold them to the state
c = {}
for ent in (h if isinstance(h, list) else []):
    if isinstance(ent, dict) and isinstance(ent.get("after"), dict):
        c.update(ent["after"])
if text_field and c.get(text_field) != "Edited " + t:
    bad.append("after edit: %s is %r" % (text_field, c.get(text_field)))
for f in spec:
    if f["system"] or f["required"] or (t, f["name"]) == ("control", "framework"):
        continue
    empty = [] if f["type"] in ("set", "references") else None
    if c.get(f["name"], "<missing>") != empty:
        bad.append("after clearing: %s is %r, expected %r" % (f["name"], c.get(f["name"], "<missing>"), empty))
# history
acts = [e.get("action") for e in h]
if acts != ["create", "update", "update"]:
    bad.append("history: actions %s" % acts)
else:
    if any(e.get("id") != rid for e in h):
        bad.append("history: entries of another id")
    if h[0]["before"] is not None or h[0]["after"] != d:
        bad.append("history: create entry's after is not the record as added")
    # An update records the changed fields only: its before holds their
    # values in the state folded from the entries before it.
    state = dict(h[0]["after"])
    for i in range(1, len(h)):
        if sorted(h[i]["before"]) != sorted(h[i]["after"]) or "id" not in h[i]["after"]:
            bad.append("history: entry %d's before and after name different fields" % i)
        if any(state.get(k) != v for k, v in h[i]["before"].items()):
            bad.append("history: entry %d's before is not the state before it" % i)
        state.update(h[i]["after"])
    e = h[1]["after"]
    changed = sorted(k for k in e if e[k] != d.get(k) and k not in ("updated", "notes"))
    if e.get("notes") != "Edited " + t or changed:
        bad.append("after editing notes: notes %r, and also changed: %s" % (e.get("notes"), changed))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
mkdir out

# ---- building values ---------------------------------------------------------
declare -A MIN # type -> id of a minimal record made for references

# value TYPE FIELD FTYPE FIRST REF MIN MAXLEN [minimal] — sets V to a valid
# value. Text of full records carries unicode and a word to search for;
# minimal records get plain text without it.
value() {
    local type=$1 name=$2 ftype=$3 first=$4 ref=$5 min=$6 maxlen=$7 minimal=${8:-}
    local text="Zürich – ☂ w$type$name"
    [ -n "$minimal" ] && text="minimal $type"
    case $ftype in
    enum)
        if [ "$type.$name" = control.framework ]; then
            V=custom # the Annex A catalogues are built in
        else
            V=$first
        fi
        ;;
    set) V=$first ;;
    integer) V=$min ;;
    number) V=12.5 ;;
    date) V=2026-01-31 ;;
    datetime) V="2026-01-31 10:00" ;;
    boolean) V=yes ;;
    email) V=x@example.com ;;
    text) V=$text ;;
    longtext) V="$text"$'\n'"second line of $name" ;;
    reference)
        make_min "$ref"
        V=$REPLY
        ;;
    references)
        # two records, or one for a minimal record
        make_min "$ref"
        local one=$REPLY
        V=$one
        if [ -z "$minimal" ]; then
            make_min "$ref" second # (sets V itself on its way)
            V="$one,$REPLY"
        fi
        ;;
    *)
        fail "unknown field type $ftype of $type.$name"
        V=x
        ;;
    esac
    if [ "$maxlen" != - ] && [ "${#V}" -gt "$maxlen" ]; then
        V=${V:0:$maxlen}
    fi
    return 0
}

# make_min TYPE [second] — sets REPLY to the id of a record of TYPE holding
# only its required fields, creating it (and, recursively, what it must
# refer to) the first time; with "second", another such record. Controls
# are taken from the catalogue.
declare -A MIN2
MAKING=""
make_min() {
    local type=$1 which=${2:-} name ftype req first second ref min maxlen
    if [ "$type" = control ]; then
        REPLY=5.1
        [ -n "$which" ] && REPLY=8.24
        return
    fi
    if [ -z "$which" ] && [ -n "${MIN[$type]:-}" ]; then
        REPLY=${MIN[$type]}
        return
    fi
    if [ -n "$which" ] && [ -n "${MIN2[$type]:-}" ]; then
        REPLY=${MIN2[$type]}
        return
    fi
    if [[ " $MAKING " == *" $type "* ]]; then
        fail "required references go round in a circle: $MAKING $type"
        REPLY=X-0000
        return
    fi
    local -a args=()
    local making=$MAKING
    MAKING="$MAKING $type"
    while IFS=$'\t' read -r name ftype req first second ref min maxlen; do
        [ "$req" = 1 ] || continue
        value "$type" "$name" "$ftype" "$first" "$ref" "$min" "$maxlen" minimal
        args+=("--$name" "$V")
    done <"fields/$type.tsv"
    MAKING=$making
    ok isms "$type" add "${args[@]}"
    REPLY=${OUT_TEXT%$'\n'}
    if [ -n "$which" ]; then
        MIN2[$type]=$REPLY
    else
        MIN[$type]=$REPLY
    fi
}

# drop_field NAME — leaves NAME out of args and pairs.
drop_field() {
    local -a a=() p=()
    local i
    for ((i = 0; i < ${#args[@]}; i += 2)); do
        [ "${args[$i]}" = "--$1" ] || a+=("${args[$i]}" "${args[$((i + 1))]}")
    done
    for ((i = 0; i < ${#pairs[@]}; i += 3)); do
        [ "${pairs[$i]}" = "$1" ] || p+=("${pairs[$i]}" "${pairs[$((i + 1))]}" "${pairs[$((i + 2))]}")
    done
    args=("${a[@]}")
    pairs=("${p[@]}")
}

# ---- the life of one record of each type ----------------------------------
for type in $TYPES; do
    note "$type"
    prefix=${PREFIX[$type]}
    args=()
    pairs=() # name, type, value given, for comparing with show --json
    clear=() # every optional field, emptied
    enum_field="" enum_value="" enum_other=""
    ref_field="" ref_value="" refs_field="" refs_value=""
    text_field="" req_field="" status_value=""
    while IFS=$'\t' read -r name ftype req first second ref min maxlen; do
        value "$type" "$name" "$ftype" "$first" "$ref" "$min" "$maxlen"
        args+=("--$name" "$V")
        pairs+=("$name" "$ftype" "$V")
        if [ "$ftype" = enum ] && [ -z "$enum_field" ] && [ "$second" != - ]; then
            enum_field=$name enum_value=$V enum_other=$second
            [ "$enum_other" = "$V" ] && enum_other=$first
        fi
        [ "$name" = status ] && status_value=$V
        if [ "$ftype" = reference ] && [ -z "$ref_field" ]; then
            ref_field=$name ref_value=$V
        fi
        if [ "$ftype" = references ] && [ -z "$refs_field" ]; then
            refs_field=$name refs_value=${V%%,*}
        fi
        if [ "$ftype" = text ] && [ "$req" = 1 ] && [ -z "$text_field" ]; then
            text_field=$name
        fi
        if [ "$req" = 1 ] && [ "$ftype" != enum ] && [ -z "$req_field" ]; then
            req_field=$name
        fi
        # Clearing a control's framework is tested in t_catalogue.sh.
        if [ "$req" = 0 ] && [ "$type.$name" != control.framework ]; then
            clear+=("--$name" "")
        fi
    done <"fields/$type.tsv"

    # add. A type's own rules may refuse a combination of values that are
    # each valid (say, a field that only applies under another setting): an
    # optional field refused as invalid (3) by name is left out, and said so.
    for _ in 1 2 3 4 5; do
        run isms "$type" add "${args[@]}"
        [ "$RC" -eq 3 ] || break
        name=${ERR_TEXT#isms: }
        name=${name%%:*}
        [[ " ${clear[*]} " == *" --$name "* ]] || break
        echo "note: $type add refused optional field $name, left out: ${ERR_TEXT%$'\n'}"
        drop_field "$name"
    done
    if [ "$RC" -ne 0 ]; then
        [ "$CRASHED" = 0 ] && fail "expected success" "status 0" "status $RC"
        continue
    fi
    id=${OUT_TEXT%$'\n'}
    [[ $id =~ ^$prefix-[0-9]{4}$ ]] || fail "$type add printed '$id'" "only an id like $prefix-0001" "$id"

    # show --json (checked below)
    ok isms "$type" show "$id" --json
    cp "$OUT" "out/$type.added.json"

    # list
    ok isms "$type" list --json
    list_has "$id"
    cp "$OUT" "out/$type.list.json"

    # filter by an enum field (status if there is no other); a different
    # value does not find it, and filtering by a reference and by a list of
    # references works (each checked once: the filter code is shared)
    if [ -n "$enum_field" ]; then
        ok isms "$type" list --"$enum_field" "$enum_value" --json
        list_has "$id"
        if [ -z "${done_other:-}" ]; then
            done_other=1
            ok isms "$type" list --"$enum_field" "$enum_other" --json
            list_lacks "$id"
        fi
    elif [ -n "$status_value" ]; then # (a computed status is not given)
        ok isms "$type" list --status "$status_value" --json
        list_has "$id"
    fi
    if [ -n "$ref_field" ] && [ -z "${done_ref:-}" ]; then
        done_ref=1
        ok isms "$type" list --"$ref_field" "$ref_value" --json
        list_has "$id"
    fi
    if [ -n "$refs_field" ] && [ -z "${done_refs:-}" ]; then
        done_refs=1
        ok isms "$type" list --"$refs_field" "$refs_value" --json
        list_has "$id"
    fi

    # search by a word of its text
    if [ -n "$text_field" ]; then
        ok isms "$type" list --search "w$type$text_field" --json
        list_has "$id"
        [[ $OUT_TEXT == *'{"id":'*'{"id":'* ]] && fail "--search found more than $id"
    fi

    # edit one field, leaving the others (and the links) as they are; then
    # clear every optional field (an empty value clears)
    ok isms "$type" edit "$id" --notes "Edited $type"
    out_has "$id updated"
    edit=("${clear[@]}")
    [ -n "$text_field" ] && edit+=("--$text_field" "Edited $type")
    ok isms "$type" edit "$id" "${edit[@]}"
    out_has "$id updated"

    # a required field cannot be cleared (checked once)
    if [ -n "$req_field" ] && [ -z "${done_required:-}" ]; then
        done_required=1
        fails 3 isms "$type" edit "$id" --"$req_field" ""
        err_has "$req_field"
    fi

    # history: create, update, update
    ok isms history "$id" --json
    cp "$OUT" "out/$type.history.json"

    # the JSON saved above, in one python run
    T_CHECKS=$((T_CHECKS + 1))
    msg=$(py check_type.py "$type" "$id" "$text_field" "${pairs[@]}") ||
        LAST_CMD="" fail "the JSON of show, list or history is wrong" "what was given" "$msg"

    # retire
    ok isms "$type" retire "$id"
    out_has "retired"
    ok isms "$type" list --json
    list_lacks "$id"
    ok isms "$type" list --all
    out_has "$id"
    ok isms "$type" show "$id" # most fields are empty now
    out_has "$id"
    out_has "(retired)"
    fails 5 isms "$type" edit "$id" --notes "too late"
    err_has "retired"

    last_type=$type last_id=$id
    if [ -z "${full_type:-}" ]; then
        full_type=$type
        full_args=("${args[@]}")
    fi
done
note ""

# ---- details checked once ----------------------------------------------------
note "show and history of a record with every field set, for people"
ok isms "$full_type" add "${full_args[@]}"
full_id=$(last_line)
ok isms "$full_type" show "$full_id"
out_has "$full_id"
out_has "Zürich – ☂"
out_has "second line of notes"
out_lacks "(retired)"
ok isms "$full_type" list
out_has "$full_id"
ok isms history "$full_id"
out_has "create"
out_has "$full_id"
note "identifiers are not case-sensitive"
ok isms person show "$(tr 'A-Z' 'a-z' <<<"${MIN[person]}")" --json
json_check 'd["id"] == a[0]' "${MIN[person]}"

note "an edit that changes nothing says so and writes no history"
n=$(history_count e.isms)
ok isms person edit "${MIN[person]}" --name "minimal person"
out_has "unchanged"
check "no history entry for an unchanged edit" [ "$(history_count e.isms)" = "$n" ]

note "--limit"
ok isms person list --limit 1 --json
json_check 'len(d) == 1'

note "a retired record cannot be retired again; its history ends with retire"
fails 5 isms "$last_type" retire "$last_id"
err_has "retired"
ok isms history "$last_id" --json
json_check '[h["action"] for h in d][-1] == "retire" and d[-1]["after"]["retired"] is not None'

note "a search that matches nothing"
ok isms person list --search "no-such-word-anywhere" --json
json_check 'd == []'
ok isms person list --search "no-such-word-anywhere"
err_has "no people matched"

# ---- the whole file --------------------------------------------------------
note "verify after every type"
ok isms verify
out_has "ok"
ok isms history --json
N0=$N0 NTYPES=$(wc -w <<<"$TYPES") json_all 'len(d) >= int(E["N0"]) + 3 * int(E["NTYPES"])' '[h["seq"] for h in d] == list(range(1, len(d) + 1))'

finish
