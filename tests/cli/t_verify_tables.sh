# t_verify_tables.sh — the tables kept beside the history (frozen versions:
# approved SoA versions, risk method versions) are checked against what the
# chain recorded: altering them behind the program's back makes verify fail,
# naming the version. The schema itself refuses changes to a frozen version
# and to a sign-off; tampering needs the triggers dropped first.
. "$CLI_DIR/lib.sh"

ok isms init v.isms
export ISMS_FILE=v.isms
ok isms person add --name "Chair"
ok isms role add --name Board --top-management yes --holders P-0001
make_account chair top-management P-0001
# decide every 2022 control, then approve
ok isms soa --json
for id in $(json_get "' '.join(r['id'] for r in d)"); do
    isms soa set "$id" --applicable yes --justification "needed" --status planned --owner P-0001 >/dev/null ||
        fail "soa set $id"
done
ok signed chair soa approve --note "first"
out_has "version 1 approved"
ok isms verify
cp v.isms v2.isms
cp v.isms v3.isms

note "the schema refuses to change or delete a frozen version or a sign-off"
check "UPDATE of a version's content refused" bash -c "! sqlite3 v.isms \"UPDATE version SET content = 'x' WHERE number = 1\" 2>/dev/null"
check "DELETE of a version refused" bash -c "! sqlite3 v.isms 'DELETE FROM version' 2>/dev/null"
check "UPDATE of a sign-off refused" bash -c "! sqlite3 v.isms \"UPDATE signoff SET person = 'P-0002'\" 2>/dev/null"
check "DELETE of a sign-off refused" bash -c "! sqlite3 v.isms 'DELETE FROM signoff' 2>/dev/null"
ok isms verify

note "an approved SoA version altered in its table (triggers dropped): verify names it"
sqlite3 v.isms "DROP TRIGGER version_frozen; UPDATE version SET content = replace(content, 'needed', 'edited') WHERE subject_kind = 'soa' AND number = 1"
fails 5 isms verify
err_has "frozen version 1 of soa iso27001-2022"
err_has "no longer has its hash"
note "content and hash altered together: the history still names the true hash"
py - v2.isms <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER version_frozen")
(c,) = db.execute("SELECT content FROM version WHERE subject_kind = 'soa' AND number = 1").fetchone()
c = c.replace("needed", "edited")
db.execute("UPDATE version SET content = ?, sha256 = ? WHERE subject_kind = 'soa' AND number = 1",
           (c, hashlib.sha256(c.encode()).hexdigest()))
db.commit()
PY
fails 5 isms -f v2.isms verify
err_has "frozen version 1 of soa iso27001-2022"
err_has "another content"
note "a method version altered in the version table"
sqlite3 v3.isms "DROP TRIGGER version_frozen; UPDATE version SET content = replace(content, 'Rare', 'Never') WHERE subject_kind = 'method'"
fails 5 isms -f v3.isms verify
err_has "frozen version 1 of method risk"

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
