# t_verify_tables.sh — the tables kept beside the history (approved SoA
# versions, risk method versions) are checked against what the chain
# recorded: altering them behind the program's back makes verify fail.
. "$CLI_DIR/lib.sh"

ok isms init v.isms
export ISMS_FILE=v.isms
ok isms person add --name "Chair"
ok isms role add --name Board --top-management yes --holders P-0001
# decide every 2022 control, then approve
ok isms soa --json
for id in $(json_get "' '.join(r['id'] for r in d)"); do
    isms soa set "$id" --applicable yes --justification "needed" --status planned >/dev/null ||
        fail "soa set $id"
done
ok isms soa approve --by P-0001 --note "first"
out_has "version 1 approved"
ok isms verify

note "an approved SoA version altered in its table"
sqlite3 v.isms "UPDATE soa_version SET content = replace(content, 'needed', 'edited') WHERE version = 1"
fails 5 isms verify
err_has "SoA version 1"

note "the method in force altered in its table"
ok isms init w.isms
sqlite3 w.isms "UPDATE risk_method SET definition = replace(definition, 'Rare', 'Never')"
fails 5 isms -f w.isms verify
err_has "risk method"

note "a method changed through the program verifies"
ok isms init x.isms
ok isms -f x.isms method set --accept-max 6
ok isms -f x.isms verify
finish
