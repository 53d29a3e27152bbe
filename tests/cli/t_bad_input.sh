# t_bad_input.sh — bad input of every kind, for several types: each is
# refused with its own exit status (2 usage, 3 invalid, 4 not found,
# 5 conflict), a message on stderr naming the field or identifier, nothing on
# stdout, and the file left exactly as it was. Boundary values that must be
# accepted are checked first.
. "$CLI_DIR/lib.sh"

ok isms init b.isms || finish
export ISMS_FILE=$PWD/b.isms

# ---- fixtures ----------------------------------------------------------------
ok isms person add --name "Alice Owner"
P1=$(last_line)
ok isms person add --name "Bob Leaver"
P2=$(last_line)
ok isms person retire "$P2"
ok isms asset add --name "Laptop" --kind hardware --owner "$P1"
A1=$(last_line)
ok isms risk add --title "Data loss" --owner "$P1"
R1=$(last_line)
ok isms requirement add --title "GDPR" --kind legal
REQ1=$(last_line)
ok isms action add --title "Backups" --owner "$P1"
ACT1=$(last_line)
ok isms incident add --title "Phish" --description "A mail"
INC1=$(last_line)

# ---- boundaries that are accepted -------------------------------------------
note "accepted boundaries"
s200=$(printf 'a%.0s' {1..200})
ok isms risk add --title "$s200" --owner "$P1"
e200=$(printf 'é%.0s' {1..200}) # 200 characters, 400 bytes
ok isms risk add --title "$e200" --owner "$P1"
l20000=$(head -c 20000 /dev/zero | tr '\0' 'b')
ok isms risk add --title "long" --owner "$P1" --description "$l20000"
ok isms risk show "$(last_line)" --json
json_check 'len(d["description"]) == 20000'
ok isms asset add --name "bounds" --kind hardware --owner "$P1" --confidentiality 5 --integrity 1
ok isms risk add --title "multi-line description" --owner "$P1" --description $'line 1\nline 2\ttabbed'
ok isms risk show "$(last_line)" --json
json_check 'd["description"] == "line 1\nline 2\ttabbed"'
ok isms risk add --title "  padded  " --owner "$P1"
ok isms risk show "$(last_line)" --json
json_check 'd["title"] == "padded"'
ok isms requirement add --title "bools" --kind legal --addressed no
ok isms requirement show "$(last_line)" --json
json_check 'd["addressed"] is False'
ok isms incident add --title "leap day" --description x --occurred_at "2028-02-29 23:59"
ok isms risk add --title "duplicates" --owner "$P1" --assets "$A1,$A1, ${A1,,}"
ok isms risk show "$(last_line)" --json
json_check 'd["assets"] == [a[0]]' "$A1"
note ""

# ---- the file before the bad input -------------------------------------------
ok isms verify
before=$(fingerprint b.isms)
dump=$(dump_digest b.isms)
entries=$(history_count b.isms)

# bad STATUS TEXT CMD... — CMD fails with STATUS, says TEXT on stderr, prints
# nothing on stdout, and leaves the file as it was.
bad() {
    local status=$1 text=$2
    shift 2
    fails "$status" "$@"
    err_has "$text"
    out_empty
    same_dump b.isms "$dump"
}

# ---- usage errors: 2 -----------------------------------------------------------
note "unknown type"
bad 2 "frobnicate" isms frobnicate list
note "unknown subcommand"
bad 2 "frob" isms risk frob
note "--limit abc"
bad 2 "--limit" isms risk list --limit abc
bad 2 "--limit" isms risk list --limit 0
bad 2 "--limit" isms risk list --limit -1
note "option without value"
bad 2 "--title" isms risk add --title
bad 2 "--owner" isms risk add --title x --owner
bad 2 "--search" isms risk list --search
note "stray arguments"
bad 2 "stray" isms risk add stray --title x --owner "$P1"
bad 2 "show" isms risk show
bad 2 "R-0002" isms risk show "$R1" R-0002
bad 2 "--title" isms risk show "$R1" --title x
bad 2 "list" isms risk list "$R1"
note "edit without changes"
bad 2 "nothing to change" isms risk edit "$R1"
note "--json takes no value"
bad 2 "--json" isms risk list --json=yes
note "an option name that is far too long"
bad 2 "too long" isms risk list --"$(printf 'x%.0s' {1..80})" y
note "search text"
bad 2 "--search" isms risk list --search "$(printf 'x%.0s' {1..201})"
bad 2 "--search" isms risk list --search "$(printf '\xff\xfe')"

# ---- invalid input: 3 ----------------------------------------------------------
note "unknown field"
bad 3 "colour" isms risk add --title x --owner "$P1" --colour red
bad 3 "colour" isms person edit "$P1" --colour red
bad 3 "colour" isms risk list --colour red

note "missing required field"
bad 3 "title" isms risk add --owner "$P1"
bad 3 "kind" isms asset add --name x --owner "$P1"
bad 3 "description" isms incident add --title x
bad 3 "name" isms person add

note "a field given twice"
bad 3 "title" isms risk add --title x --title y --owner "$P1"

note "a required field cannot be cleared"
bad 3 "title" isms risk edit "$R1" --title ""
bad 3 "status" isms risk edit "$R1" --status ""
bad 3 "owner" isms risk edit "$R1" --owner ""

note "wrong type"
bad 3 "likelihood" isms risk add --title x --owner "$P1" --likelihood abc
bad 3 "likelihood" isms risk edit "$R1" --likelihood 2.5
bad 3 "likelihood" isms risk add --title x --owner "$P1" --likelihood 99999999999999999999
bad 3 "review_date" isms risk add --title x --owner "$P1" --review_date 2026-02-30
bad 3 "review_date" isms risk edit "$R1" --review_date 31.01.2026
bad 3 "review_date" isms risk edit "$R1" --review_date 2027-02-29
bad 3 "addressed" isms requirement add --title x --kind legal --addressed maybe
bad 3 "addressed" isms requirement edit "$REQ1" --addressed maybe
bad 3 "cost" isms action edit "$ACT1" --cost abc
bad 3 "cost" isms action edit "$ACT1" --cost 1e400
bad 3 "cost" isms action edit "$ACT1" --cost nan
bad 3 "occurred_at" isms incident edit "$INC1" --occurred_at "2026-01-31 25:00"
bad 3 "occurred_at" isms incident edit "$INC1" --occurred_at "yesterday"
bad 3 "email" isms person edit "$P1" --email not-an-address
bad 3 "email" isms person edit "$P1" --email "a@b"
bad 3 "likelihood" isms risk list --likelihood abc

note "value outside an enum: the message lists the allowed values"
ok isms risk fields --json
treatments=$(json_get '", ".join([f for f in d if f["name"] == "treatment"][0]["values"])')
effects=$(json_get '", ".join([f for f in d if f["name"] == "affects"][0]["values"])')
bad 3 "treatment" isms risk add --title x --owner "$P1" --treatment ignore
err_has "$treatments"
bad 3 "status" isms risk edit "$R1" --status lost
bad 3 "kind" isms asset add --name x --kind spaceship --owner "$P1"
bad 3 "affects" isms risk edit "$R1" --affects "confidentiality,secrecy"
err_has "$effects"
bad 3 "status" isms risk list --status lost

note "integer out of range"
bad 3 "likelihood" isms risk add --title x --owner "$P1" --likelihood 11
err_has "1..10"
bad 3 "likelihood" isms risk edit "$R1" --likelihood 0
bad 3 "confidentiality" isms asset edit "$A1" --confidentiality 6

note "dangling reference"
bad 3 "owner" isms risk add --title x --owner P-9999
err_has "P-9999"
bad 3 "assets" isms risk edit "$R1" --assets "$A1,A-9999"
err_has "A-9999"

note "reference to the wrong type"
bad 3 "owner" isms risk add --title x --owner "$A1"
err_has "$A1"
bad 3 "owner" isms risk edit "$R1" --owner 5.1
bad 3 "owner" isms risk edit "$R1" --owner "P-0001;DROP TABLE risk"
bad 3 "owner" isms risk edit "$R1" --owner "$P1,$P1"

note "reference to a retired record"
bad 3 "owner" isms risk add --title x --owner "$P2"
err_has "retired"
bad 3 "owner" isms risk edit "$R1" --owner "$P2"
err_has "retired"

note "a record cannot refer to itself"
bad 3 "owner" isms person edit "$P1" --owner "$P1"

note "over-long text"
bad 3 "title" isms risk add --title "${s200}a" --owner "$P1"
err_has "200"
bad 3 "title" isms risk edit "$R1" --title "${e200}é"
bad 3 "description" isms risk edit "$R1" --description "${l20000}b"
err_has "20000"

note "invalid UTF-8"
bad 3 "title" isms risk add --title "$(printf '\xff\xfe')" --owner "$P1"
err_has "UTF-8"
bad 3 "description" isms risk edit "$R1" --description "$(printf 'ok \xc3\x28 not')"
bad 3 "title" isms risk edit "$R1" --title "$(printf '\xed\xa0\x80')" # a UTF-16 surrogate
bad 3 "title" isms risk edit "$R1" --title "$(printf '\xc0\xaf')"     # overlong encoding

note "control characters"
bad 3 "title" isms risk add --title "$(printf 'a\033[31mred')" --owner "$P1"
err_has "control character"
bad 3 "title" isms risk edit "$R1" --title $'two\nlines'
bad 3 "title" isms risk edit "$R1" --title $'tab\there'
bad 3 "description" isms risk edit "$R1" --description "$(printf 'bell\a')"

note "system fields"
bad 3 "created" isms risk add --title x --owner "$P1" --created "2026-01-01 10:00"
bad 3 "updated" isms risk edit "$R1" --updated "2026-01-01 10:00"
bad 3 "retired" isms risk edit "$R1" --retired "2026-01-01 10:00"

note "the catalogue"
bad 3 "title" isms control edit 5.1 --title "Mine now"
bad 3 "framework" isms control edit 5.1 --framework custom
bad 3 "title" isms control edit A.5.1.1 --title "Mine now"
bad 3 "framework" isms control add --title x --framework iso27001-2022
bad 3 "framework" isms control add --title x --framework iso27001-2013

# ---- not found: 4 --------------------------------------------------------------
note "a missing identifier"
bad 4 "R-9999" isms risk show R-9999
bad 4 "R-9999" isms risk show R-9999 --json
bad 4 "R-9999" isms risk edit R-9999 --title x
bad 4 "R-9999" isms risk retire R-9999
bad 4 "R-9999" isms history R-9999
bad 4 "$P1" isms risk show "$P1"
bad 4 "9.99" isms control show 9.99

# ---- conflicts: 5 --------------------------------------------------------------
note "retiring a catalogue control"
bad 5 "5.1" isms control retire 5.1
bad 5 "A.10.1.1" isms control retire A.10.1.1
note "retiring twice, editing a retired record"
bad 5 "retired" isms person retire "$P2"
bad 5 "retired" isms person edit "$P2" --name "Bob Back"

# ---- afterwards ----------------------------------------------------------------
note "after all the bad input"
ok isms verify
out_has "ok"
check "the history count is unchanged" [ "$(history_count b.isms)" = "$entries" ]
same_file b.isms "$before"

finish
