# t_framework.sh — frameworks beside Annex A (issue 14): NIST SP 800-53 rev 5
# (the LOW baseline, a real OSCAL catalog from NIST) imported with its groups,
# controls and enhancements; CSV catalogues; mappings with history; the
# compliance view checked against the SoA; the catalog export imported back;
# hostile catalogues (10,000 levels deep, a 50 MB string, wrong types)
# refused with a clear message and nothing written.
. "$CLI_DIR/lib.sh"

REF=${OSCAL_REF:-/work/shared/reference/oscal}
NIST=$REF/examples/nist-800-53r5-low-baseline-catalog.json
[ -f "$NIST" ] || { fail "the NIST catalog is missing: $NIST (set OSCAL_REF)"; finish; }

ok isms init f.isms || finish
export ISMS_FILE=$PWD/f.isms

note "the built-in frameworks are listed with their controls"
ok isms framework list --json
json_all '[f["id"] for f in d] == ["custom", "iso27001-2013", "iso27001-2022"]' \
    '{f["id"]: f["controls"] for f in d} == {"custom": 0, "iso27001-2013": 114, "iso27001-2022": 93}' \
    'all(f["source"] == "builtin" for f in d)'
ok isms framework show iso27001-2022 --json
json_all 'd["controls"] == 93' \
    '[x["id"] for x in d["items"] if x["kind"] == "group"] == ["5", "6", "7", "8"]' \
    'all(x["parent"] == x["id"].split(".")[0] for x in d["items"] if x["kind"] == "control")'

note "NIST SP 800-53 rev 5 LOW from OSCAL: identifiers and hierarchy kept"
before=$(history_count f.isms)
ok isms framework import "$NIST" --id nist-800-53-r5-low
out_has "149 controls in 18 groups"
ok isms framework show nist-800-53-r5-low --json
json_all 'd["source"] == "oscal" and d["oscal_version"] == "1.1.2" and d["version"] == "5.1.1+u4"' \
    'd["uuid"] and len(d["sha256"]) == 64' \
    'd["groups"] == 18 and d["controls"] == 149' \
    'sum(x["kind"] == "enhancement" for x in d["items"]) == 18' \
    '{x["id"]: x for x in d["items"]}["ac"]["title"] == "Access Control"' \
    '{x["id"]: x for x in d["items"]}["ac-2"]["parent"] == "ac"' \
    '{x["id"]: x for x in d["items"]}["ac-2"]["label"] == "AC-2"' \
    '{x["id"]: x for x in d["items"]}["ac-2"]["title"] == "Account Management"' \
    '{x["id"]: x for x in d["items"]}["ia-2.1"]["kind"] == "enhancement"' \
    '{x["id"]: x for x in d["items"]}["ia-2.1"]["parent"] == "ia-2"' \
    '{x["id"]: x for x in d["items"]}["ia-2.1"]["depth"] == 2' \
    '"a. Define and document the types of accounts" in {x["id"]: x for x in d["items"]}["ac-2"]["text"]'
after=$(history_count f.isms)
check "the import is one history entry" [ "$after" -eq $((before + 1)) ]
ok isms history --json
json_check '[(h["type"], h["id"], h["action"]) for h in d if h["type"] == "framework"] == [("framework", "nist-800-53-r5-low", "import")]'
note "the same id again is refused"
digest=$(records_digest f.isms)
fails 5 isms framework import "$NIST" --id nist-800-53-r5-low
err_has "framework nist-800-53-r5-low exists already"
same_records f.isms "$digest"
fails 3 isms framework import "$NIST" --id "Bad Id"
err_has "framework id 'Bad Id'"

note "mappings: add, refuse what does not exist, remove, history"
ok isms framework map add nist-800-53-r5-low:ac-2 iso27001-2022:5.18 intersects --note "account management"
ok isms framework map add nist-800-53-r5-low:ac-2 iso27001-2022:5.16 subset
fails 4 isms framework map add nist-800-53-r5-low:ac-99 iso27001-2022:5.16 equal
err_has "nist-800-53-r5-low has no control 'ac-99'"
fails 3 isms framework map add nist-800-53-r5-low:ac-2 iso27001-2022:5.16 same
err_has "relationship 'same' is not one of equal, subset, superset, intersects"
fails 5 isms framework map add nist-800-53-r5-low:ac-2 iso27001-2022:5.16 equal
err_has "is already mapped"
fails 3 isms framework map add nist-800-53-r5-low:ac-2 nist-800-53-r5-low:ac-3 equal
err_has "a mapping joins two frameworks"
fails 3 isms framework map add ac-2 iso27001-2022:5.16 equal
err_has "is not FRAMEWORK:CONTROL"
fails 4 isms framework map add nist-800-53-r5-low:ac iso27001-2022:5.16 equal
err_has "has no control 'ac'"
ok isms framework map remove nist-800-53-r5-low:ac-2 iso27001-2022:5.16
fails 4 isms framework map remove nist-800-53-r5-low:ac-2 iso27001-2022:5.16
err_has "is not mapped to"
ok isms history --json
json_all '[h["action"] for h in d if h["type"] == "mapping"] == ["map", "map", "unmap"]' \
    '[h for h in d if h["type"] == "mapping"][2]["before"]["relationship"] == "subset"'

note "mapping CSV: all or none, errors name the row"
cat >bad-map.csv <<'EOF'
a_framework,a_id,relationship,b_framework,b_id,note
nist-800-53-r5-low,ia-2,intersects,iso27001-2022,5.17,identification
nist-800-53-r5-low,at-2,overlaps,iso27001-2022,6.3,
EOF
digest=$(records_digest f.isms)
fails 3 isms framework map import bad-map.csv
err_has "row 3: relationship 'overlaps'"
same_records f.isms "$digest"
cat >map.csv <<'EOF'
a_framework,a_id,relationship,b_framework,b_id,note
nist-800-53-r5-low,ia-2,intersects,iso27001-2022,5.17,identification
nist-800-53-r5-low,at-2,intersects,iso27001-2022,6.3,
nist-800-53-r5-low,ac-2,superset,iso27001-2022,5.15,"access control, accounts"
EOF
ok isms framework map import map.csv
out_has "3 mappings added"
ok isms framework map list nist-800-53-r5-low --json
json_all 'len(d) == 4' 'not any(m["builtin"] for m in d)' \
    '{(m["a_id"], m["b_id"]): m["relationship"] for m in d}[("ac-2", "5.15")] == "superset"'

note "compliance: an implemented Annex A control counts for every control mapped to it"
ok isms soa set 5.18 --applicable yes --status implemented --justification "accounts"
ok isms soa set 5.15 --applicable yes --status partial --justification "access"
ok isms soa set 6.3 --applicable yes --status planned --justification "awareness"
ok isms soa set 5.17 --applicable no --status not-started --justification "no passwords"
ok isms framework compliance nist-800-53-r5-low --json
json_all 'd["controls"] == 149 and d["met"] == 1 and d["unmet"] == 2 and d["unmapped"] == 146' \
    'd["percent"] == 0' \
    '{r["id"]: r["state"] for r in d["rows"]}["ac-2"] == "met"' \
    '{r["id"]: r for r in d["rows"]}["ac-2"]["via"] == ["iso27001-2022:5.18 (intersects)"]' \
    '{r["id"]: r for r in d["rows"]}["ac-2"]["unimplemented"] == ["iso27001-2022:5.15 (superset)"]' \
    '{r["id"]: r["state"] for r in d["rows"]}["ia-2"] == "unmet"' \
    '{r["id"]: r["state"] for r in d["rows"]}["at-2"] == "unmet"' \
    '{r["id"]: r["state"] for r in d["rows"]}["ac-3"] == "unmapped"' \
    '{g["id"]: (g["controls"], g["met"], g["unmet"], g["unmapped"]) for g in d["groups"]}["ac"] == (11, 1, 0, 10)' \
    '{g["id"]: (g["controls"], g["met"], g["unmet"]) for g in d["groups"]}["ia"] == (16, 0, 1)' \
    'sum(g["controls"] for g in d["groups"]) == 149 and len(d["groups"]) == 18'
# the same figures computed here from the SoA and the mappings
isms soa --json >soa.json
isms framework map list nist-800-53-r5-low --json >maps.json
ok isms framework compliance nist-800-53-r5-low --json
json_check 'd["met"] == len({m["a_id"] for m in json.load(open("maps.json")) if {r["id"]: r["applicable"] is True and r["status"] == "implemented" for r in json.load(open("soa.json"))}.get(m["b_id"])})'
ok isms framework compliance nist-800-53-r5-low
out_has "1 of 149 controls met"
out_has "ac-3"
note "the 2013 catalogue's compliance goes through the built-in correspondence"
ok isms framework compliance iso27001-2013 --json
json_all '[r["id"] for r in d["rows"] if r["state"] == "met"] == ["A.9.2.2", "A.9.2.5", "A.9.2.6"]' \
    '{r["id"]: r for r in d["rows"]}["A.9.2.2"]["via"] == ["iso27001-2022:5.18 (intersects)"]' \
    'd["unmapped"] == 0'
fails 4 isms framework compliance nope
err_has "framework 'nope' does not exist"

note "CSV catalogue: groups, controls, enhancements from the parent column"
cat >fw.csv <<'EOF'
framework,id,parent,title,text
acme-policy,gov,,Governance,
acme-policy,gov-1,gov,Policy owner,Every policy has an owner.
acme-policy,gov-1.1,gov-1,Deputy owner,A deputy is named.
acme-policy,ops-1,,Backups,"Backups are taken daily, tested monthly."
EOF
ok isms framework import fw.csv
out_has "acme-policy imported: 3 controls in 1 groups"
ok isms framework show acme-policy --json
json_all '[(x["id"], x["kind"]) for x in d["items"]] == [("gov", "group"), ("gov-1", "control"), ("gov-1.1", "enhancement"), ("ops-1", "control")]' \
    'd["items"][3]["text"] == "Backups are taken daily, tested monthly."'
printf 'framework,id,parent,title,text\nx,a,,A,\nx,b,zz,B,text\n' >orphan.csv
fails 3 isms framework import orphan.csv
err_has "row 3: parent 'zz' is not an earlier row's id"
printf 'framework,id,title\nx,a,A\n' >short.csv
fails 3 isms framework import short.csv
err_has "expected 5 fields"

note "hostile catalogues: refused with a clear message, nothing written"
digest=$(records_digest f.isms)
py -c 'import sys; n=10000; open("deep.json","w").write("{\"catalog\":" + "["*n + "]"*n + "}")'
fails 3 isms framework import deep.json --id deep
err_has "nested deeper than 2048 levels"
py -c '
import json
d = {"catalog": {"uuid": "74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724", "metadata": {"title": "t"},
     "groups": [{"id": "g", "title": "G", "groups": []}]}}
g = d["catalog"]["groups"][0]
for i in range(100):
    n = {"id": "g%d" % i, "title": "x", "groups": []}
    g["groups"].append(n)
    g = n
json.dump(d, open("deep-groups.json", "w"))'
fails 3 isms framework import deep-groups.json --id deep
err_has "nested deeper than 64 levels"
py -c '
s = "x" * (50 * 1024 * 1024)
open("big.json", "w").write("{\"catalog\": {\"uuid\": \"74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724\", \"metadata\": {\"title\": \"t\"}, \"controls\": [{\"id\": \"c1\", \"title\": \"" + s + "\"}]}}")'
fails 3 isms framework import big.json --id big
err_has "catalog.controls[0]: the title is longer than 1000 bytes"
rm -f big.json
printf '{"catalog": {"uuid": "u", "metadata": {"title": "t"}, "groups": "ac"}}' >types1.json
fails 3 isms framework import types1.json --id t1
err_has "catalog.groups: expected an array"
printf '{"catalog": {"uuid": "u", "metadata": {"title": "t"}, "groups": [{"id": "ac", "title": "A", "controls": [{"id": "ac-1", "title": 7}]}]}}' >types2.json
fails 3 isms framework import types2.json --id t2
err_has "catalog.groups[0].controls[0].title: expected a string"
printf '{"catalog": {"uuid": "u", "metadata": {"title": 5}}}' >types3.json
fails 3 isms framework import types3.json --id t3
err_has "catalog.metadata.title: expected a string"
printf '[1, 2]' >types4.json
fails 3 isms framework import types4.json --id t4
err_has "not an OSCAL catalog"
printf '{"catalog": {"uuid": "u", "metadata": {"title": "t"}, "controls": [{"id": "a b", "title": "x"}]}}' >types5.json
fails 3 isms framework import types5.json --id t5
err_has "has a space or control character"
printf '{"catalog": ' >trunc.json
fails 3 isms framework import trunc.json --id t6
err_has "not JSON: line 1"
same_records f.isms "$digest"

note "roles: an auditor reads the frameworks and their compliance, imports and maps nothing"
ok isms person add --name "Aud Itor"
aud=$(last_line)
make_account aud auditor "$aud"
ok signed aud framework compliance nist-800-53-r5-low --json
json_check 'd["met"] == 1'
digest=$(records_digest f.isms)
fails 7 signed aud framework import fw.csv --id other
err_has "does not allow importing or mapping"
fails 7 signed aud framework map add nist-800-53-r5-low:ac-3 iso27001-2022:5.15 equal
err_has "does not allow importing or mapping"
same_records f.isms "$digest"

note "the catalog export imports back as the same controls"
ok isms control add --title "Nightly backups" --description "Backups are taken every night."
ok isms control add --title "Clean desk" --description "Desks are cleared at the end of the day."
ok isms oscal export catalog -o own.json
ok isms framework import own.json --id own-controls
out_has "2 controls in 0 groups"
ok isms framework show own-controls --json
json_check '[(x["id"], x["title"], x["text"]) for x in d["items"]] == [("C-0001", "Nightly backups", "Backups are taken every night."), ("C-0002", "Clean desk", "Desks are cleared at the end of the day.")]'
ok isms verify

note "verify: frameworks and mappings changed behind the program's back are named"
cp f.isms t1.isms
sqlite3 t1.isms "UPDATE fcontrol SET title = 'Changed' WHERE framework = 'nist-800-53-r5-low' AND id = 'ac-3'"
fails 5 isms -f t1.isms verify
err_has "the controls of framework nist-800-53-r5-low differ from what its import entry says"
cp f.isms t2.isms
sqlite3 t2.isms "UPDATE fmap SET rel = 'equal' WHERE a_id = 'ia-2'"
fails 5 isms -f t2.isms verify
err_has "mapping nist-800-53-r5-low/ia-2~iso27001-2022/5.17 (equal) differs from what its history says"
cp f.isms t3.isms
sqlite3 t3.isms "DELETE FROM fmap WHERE a_id = 'at-2'"
fails 5 isms -f t3.isms verify
err_has "mapping nist-800-53-r5-low/at-2~iso27001-2022/6.3 is in the history but missing"
cp f.isms t4.isms
sqlite3 t4.isms "INSERT INTO framework (id, title, source) VALUES ('sneaky', 'S', 'csv')"
fails 5 isms -f t4.isms verify
err_has "framework sneaky has no history entry"
finish
