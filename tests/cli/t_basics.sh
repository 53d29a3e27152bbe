# t_basics.sh — help and usage, types, version, init, and how the ISMS file
# is found (-f, --file, $ISMS_FILE, the one *.isms here, none, several).
. "$CLI_DIR/lib.sh"

# ---- help ------------------------------------------------------------------
note "isms help"
ok isms help
out_has "Usage: isms [-f FILE] COMMAND"
out_has "init"
out_has "verify"
out_has "history"
out_has "Exit status"
out_has "risk"
out_has "R "
help_text=$(last_out)

note "isms --help, -h and help are the same text"
ok isms --help
check "--help prints the help" [ "$(last_out)" = "$help_text" ]
ok isms -h
check "-h prints the help" [ "$(last_out)" = "$help_text" ]

note "isms without arguments: usage on stderr, status 2"
fails 2 isms
out_empty
err_has "Usage: isms"
err_has "Commands:"

note "unknown command"
fails 2 isms frobnicate
err_has "frobnicate"
err_has "isms help"
fails 2 isms help frobnicate
err_has "frobnicate"

note "isms risk --help"
ok isms risk --help
out_has "isms risk add"
out_has "isms risk list"
out_has "isms risk show ID"
out_has "isms risk edit ID"
out_has "isms risk retire ID"
out_has "isms risk fields"
out_has "R-0001"
out_has "Required: --title --owner"
ok isms help risk
out_has "isms risk add"
ok isms risk help
out_has "isms risk add"

note "a type without a subcommand shows its help and is a usage error"
fails 2 isms risk
out_has "isms risk add"

note "help for a command"
ok isms help verify
out_has "verify"

note "control --help mentions the catalogue numbering"
ok isms control --help
out_has "8.24"
out_has "--framework"

note "fields, human and JSON"
ok isms risk fields
out_has "title"
out_has "likelihood"
out_has "1..10"
out_has "automatic"
ok isms risk fields --json
json_check 'isinstance(d, list) and len(d) > 5'
json_check '[f["name"] for f in d][:1] == ["title"]'
json_check 'all({"name","label","type","required","system"} <= set(f) for f in d)'
json_check 'any(f["name"] == "owner" and f["type"] == "reference" and f["ref"] == "person" and f["required"] for f in d)'
json_check 'any(f["name"] == "likelihood" and f["type"] == "integer" and f["min"] == 1 and f["max"] == 10 for f in d)'
json_check '[f["name"] for f in d if f["system"]][-3:] == ["created", "updated", "retired"]'
json_check '[f["name"] for f in d][-4:] == ["notes", "created", "updated", "retired"]'

# ---- types -----------------------------------------------------------------
note "isms types"
ok isms types
expected_types="issue party requirement scope document role person asset threat vulnerability
risk action control objective metric measurement supplier incident continuity audit finding
nonconformity corrective review improvement communication training change process
raction certificate cnc
ctest ctrun programme checkitem
bcptest exception
responsibility competency qualification campaign briefing attendance
sassessment qtemplate qquestion questionnaire processing dpia areview aaccount"
# one line per type: the 29 of the first release, then each feature's own
ntypes=$(echo $expected_types | wc -w)
check "types prints $ntypes lines" [ "$(wc -l <"$OUT")" -eq $ntypes ]
for t in $expected_types; do
    T_CHECKS=$((T_CHECKS + 1))
    grep -qx "$t" "$OUT" || fail "types lacks $t" "a line '$t'"
done
check "types has no duplicates" [ "$(sort "$OUT" | uniq -d | wc -l)" -eq 0 ]
types_lines=$(last_out)
ok isms types --json
json_check "len(d) == $ntypes"
json_check '[t["name"] for t in d] == a' $types_lines
json_check 'all(set(t) >= {"name","prefix","label"} for t in d)'
json_check "len({t['prefix'] for t in d}) == $ntypes"
json_check '{t["name"]: t["prefix"] for t in d}["risk"] == "R" and {t["name"]: t["prefix"] for t in d}["person"] == "P"'

note "every type has --help and fields"
mkdir fields
for t in $types_lines; do
    ok isms "$t" --help && out_has "isms $t add"
    ok isms "$t" fields --json && cp "$OUT" "fields/$t.json"
done
T_CHECKS=$((T_CHECKS + 1))
msg=$(py - $types_lines <<'EOF'
import json, sys
bad = []
for t in sys.argv[1:]:
    try:
        d = json.load(open("fields/%s.json" % t))
    except Exception as x:
        bad.append("%s: %s" % (t, x)); continue
    names = [f["name"] for f in d]
    if len(names) != len(set(names)):
        bad.append("%s: a field is declared twice" % t)
    if not any(f["required"] and not f["system"] for f in d):
        bad.append("%s: nothing is required" % t)
    if names[-3:] != ["created", "updated", "retired"] or "status" not in names:
        bad.append("%s: no status or no created/updated/retired" % t)
    for f in d:
        if f["type"] in ("enum", "set") and not f.get("values"):
            bad.append("%s.%s: no values" % (t, f["name"]))
        if f["type"] in ("reference", "references") and f.get("ref") not in sys.argv[1:]:
            bad.append("%s.%s: refers to unknown type %r" % (t, f["name"], f.get("ref")))
        if f["type"] == "integer" and not f["min"] <= f["max"]:
            bad.append("%s.%s: empty range" % (t, f["name"]))
print("\n".join(bad)); sys.exit(1 if bad else 0)
EOF
) || LAST_CMD="" fail "fields --json of every type" "consistent declarations" "$msg"

# ---- version ---------------------------------------------------------------
note "isms version"
ok isms version
out_has "isms "
grep -Eq '^isms [0-9]+\.[0-9]+\.[0-9]+ \(schema [0-9]+\)$' "$OUT" ||
    fail "version format" "isms X.Y.Z (schema N)" "$(last_out)"

# ---- init ------------------------------------------------------------------
note "init creates a file"
ok isms init a.isms
out_has "a.isms"
check "a.isms exists" [ -s a.isms ]
ok isms verify a.isms
out_has "ok"

note "init refuses an existing file and leaves it unchanged"
ok isms -f a.isms person add --name "Alice Example"
out_is "P-0001"
fp=$(fingerprint a.isms)
fails 5 isms init a.isms
err_has "a.isms"
err_has "exists"
same_file a.isms "$fp"
ok isms -f a.isms person show P-0001
out_has "Alice Example"

note "init refuses an existing non-ISMS file and leaves its bytes alone"
printf 'precious notes\n' >notes.isms
fails 5 isms init notes.isms
check "notes.isms unchanged" [ "$(cat notes.isms)" = "precious notes" ]
rm notes.isms

note "init usage errors"
fails 2 isms init
err_has "init FILE"
fails 2 isms init b.isms c.isms
check "b.isms not created" [ ! -e b.isms ]
fails 6 isms init no-such-dir/x.isms
check "nothing created in a missing directory" [ ! -e no-such-dir ]

note "demo creates a file that verifies"
ok isms demo d.isms
ok isms verify d.isms
fails 5 isms demo d.isms
rm -f d.isms d.isms-wal d.isms-shm

# ---- file discovery --------------------------------------------------------
mkdir one two none
ok isms init one/x.isms
ok isms init two/y.isms
ok isms init two/z.isms

note "-f before the command"
ok isms -f one/x.isms person add --name "In X"
out_is "P-0001"
ok isms -f one/x.isms person list --json
json_check '[r["name"] for r in d] == ["In X"]'

note "-f among the options"
ok isms person list --json -f one/x.isms
json_check '[r["name"] for r in d] == ["In X"]'
ok isms person show P-0001 -f one/x.isms
out_has "In X"
ok isms person list --file one/x.isms --json
json_check 'len(d) == 1'
ok isms person list --file=one/x.isms --json
json_check 'len(d) == 1'

note "ISMS_FILE"
ok env ISMS_FILE=two/y.isms "$ISMS" person add --name "In Y"
ok isms -f two/y.isms person list --json
json_check '[r["name"] for r in d] == ["In Y"]'
ok isms -f two/z.isms person list --json
json_check 'd == []'

note "-f wins over ISMS_FILE"
ok env ISMS_FILE=two/y.isms "$ISMS" -f two/z.isms person list --json
json_check 'd == []'

note "the single *.isms in the current directory"
cd one || fail "cannot cd to one"
ok isms person list --json
json_check '[r["name"] for r in d] == ["In X"]'
ok isms person add --name "Also in X"
out_is "P-0002"
cd ..

note "ISMS_FILE wins over the *.isms here"
cd one || fail "cannot cd to one"
ok env ISMS_FILE=../two/y.isms "$ISMS" person list --json
json_check '[r["name"] for r in d] == ["In Y"]'
cd ..

note "no *.isms here: usage error"
cd none || fail "cannot cd to none"
fails 2 isms person list
err_has "no ISMS file"
err_has "-f FILE"
fails 2 isms verify
fails 2 isms history
cd ..

note "several *.isms here: usage error naming them"
cd two || fail "cannot cd to two"
fails 2 isms person list
err_has "several"
err_has "y.isms"
err_has "z.isms"
ok isms -f y.isms person list --json
json_check 'len(d) == 1'
cd ..

note "-f naming a missing file: not found, nothing created"
fails 4 isms -f missing.isms person list
err_has "missing.isms"
check "missing.isms not created" [ ! -e missing.isms ]
fails 4 env ISMS_FILE=missing.isms "$ISMS" person list
check "missing.isms not created" [ ! -e missing.isms ]

note "-f without a file name"
fails 2 isms -f
fails 2 isms person list -f

note "a directory is not an ISMS file"
mkdir dir.isms
fails 2 isms -f dir.isms person list
err_has "dir.isms"

finish
