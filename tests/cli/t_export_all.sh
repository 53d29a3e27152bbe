# t_export_all.sh — the whole-ISMS export and import (`isms export`, `isms
# import-all`, src/app/export_all.c): the demo exported, imported into a new
# file and exported again gives the same bytes (document and evidence
# folder), the new file verifies with the history chain as it was (hashes
# equal to the original's, row for row); account secrets leave only with
# --with-accounts; an export of an older schema is imported and migrated; a
# newer schema, a tampered chain or evidence file, a malformed, too deep or
# too large document are refused with a message and no file is left behind.
# The sort keys (NAME_sk, version.sortkeys) are derived: never exported,
# computed by the import (the same as the original's), refused in a document.
. "$CLI_DIR/lib.sh"

ok isms demo demo.isms
export ISMS_FILE=demo.isms
make_account xa manager P-0001

note "export, import-all, export again: the same bytes"
ok isms export a.json
out_has "accounts without secrets"
check "the evidence folder beside it holds the demo's files" [ "$(ls a.blobs | wc -l)" -ge 1 ]
ok isms import-all a.json b.isms
out_has "verified"
ok isms -f b.isms export b.json
check "the two exports are byte-for-byte equal" cmp -s a.json b.json
check "the two evidence folders are equal" diff -r a.blobs b.blobs
ok isms -f b.isms verify
out_has "history entries chained"

note "the history chain is imported as it was, not re-hashed"
h1=$(sqlite3 demo.isms "SELECT group_concat(seq || ':' || prev || ':' || hash, ',') FROM (SELECT * FROM history ORDER BY seq)")
h2=$(sqlite3 b.isms "SELECT group_concat(seq || ':' || prev || ':' || hash, ',') FROM (SELECT * FROM history ORDER BY seq)")
check "every entry's seq, prev and hash equal the original's" [ -n "$h1" ] && [ "$h1" = "$h2" ]
n1=$(sqlite3 demo.isms "SELECT count(*) FROM signoff")
n2=$(sqlite3 b.isms "SELECT count(*) FROM signoff")
check "sign-offs all there ($n1)" [ "$n1" -gt 0 ] && [ "$n1" = "$n2" ]
v1=$(sqlite3 demo.isms "SELECT count(*), group_concat(sha256) FROM version")
v2=$(sqlite3 b.isms "SELECT count(*), group_concat(sha256) FROM version")
check "versions all there" [ "$v1" = "$v2" ]
l1=$(sqlite3 demo.isms "SELECT count(*) FROM link")
l2=$(sqlite3 b.isms "SELECT count(*) FROM link")
check "links all there ($l1)" [ "$l1" -gt 0 ] && [ "$l1" = "$l2" ]
att=$(sqlite3 demo.isms "SELECT ref FROM attachment ORDER BY id LIMIT 1")
ok isms -f b.isms attachment get "$att" -o got.bin
ok isms -f demo.isms attachment get "$att" -o want.bin
check "an evidence file reads back the same from the new file" cmp -s got.bin want.bin

note "accounts leave without secrets unless --with-accounts"
check "no password hash in the plain export" sh -c '! grep -q argon2id a.json'
check "no session table in the export" sh -c '! grep -q "\"name\":\"session\"" a.json'
check "no API token table in the plain export" sh -c '! grep -q "\"name\":\"token\"" a.json'
pw=$(sqlite3 b.isms "SELECT pwhash FROM account WHERE name = 'xa'")
check "an account imported without its hash has an unusable one" [ "$pw" = "!" ]
run signed xa -f b.isms tasks
check "signing in to it fails" [ "$RC" -ne 0 ]
ok isms export --with-accounts c.json
out_has "with account secrets"
check "the password hashes are in it" grep -q argon2id c.json
ok isms import-all c.json c.isms
ok isms -f c.isms export --with-accounts d.json
check "with accounts the round trip is byte-for-byte too" cmp -s c.json d.json
ok signed xa -f c.isms tasks
fails 7 signed xa export e.json
err_has "without --as"
check "nothing written by the refused export" [ ! -e e.json ] && [ ! -e e.blobs ]

note "an export of an older schema: created at that schema, migrated, verified"
# (the tables and columns of schema 19, from migrations 0001-0019 themselves)
py - a.json old.json "$CLI_DIR/../../src/store/schema" <<'PY'
import glob, json, os, sqlite3, sys
d = json.load(open(sys.argv[1]))
import hashlib
db = sqlite3.connect(":memory:")
db.create_function("isms_sha256", 1, lambda v: None if v is None else
                   hashlib.sha256(v if isinstance(v, bytes) else str(v).encode()).hexdigest())
for f in sorted(glob.glob(os.path.join(sys.argv[3], "00[0-9][0-9]_*.sql"))):
    if int(os.path.basename(f)[:4]) <= 19:
        db.executescript(open(f).read())
cols = {t: [r[1] for r in db.execute("PRAGMA table_info(%s)" % t)]
        for (t,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
d["schema_version"] = 19
old = []
for t in d["tables"]:
    if t["name"] not in cols:
        continue
    keep = [i for i, c in enumerate(t["columns"]) if c in cols[t["name"]]]
    t["columns"] = [t["columns"][i] for i in keep]
    t["rows"] = [[r[i] for i in keep] for r in t["rows"]]
    old.append(t)
d["tables"] = old
json.dump(d, open(sys.argv[2], "w"))
PY
cp -r a.blobs old.blobs
ok isms import-all old.json old.isms
out_has "verified"
v=$(sqlite3 old.isms "PRAGMA user_version")
check "the file is at this program's schema ($v)" [ "$v" -gt 19 ]

note "sort keys are derived: not in an export, computed by its import"
check "no sort key column in the export" sh -c '! grep -q "_sk\"\|\"sortkeys\"" a.json'
n=$(sqlite3 b.isms "SELECT count(*) FROM risk WHERE title_sk IS NULL OR owner_sk IS NULL AND owner IS NOT NULL")
check "the import computed every risk's keys ($n missing)" [ "$n" = 0 ]
k1=$(sqlite3 demo.isms "SELECT group_concat(ref || ':' || title_sk, ',') FROM (SELECT * FROM risk ORDER BY id)")
k2=$(sqlite3 b.isms "SELECT group_concat(ref || ':' || title_sk, ',') FROM (SELECT * FROM risk ORDER BY id)")
check "the same keys as the original's" [ -n "$k1" ] && [ "$k1" = "$k2" ]
k1=$(sqlite3 demo.isms "SELECT group_concat(sortkeys, ',') FROM (SELECT * FROM version WHERE state = 'published' ORDER BY id)")
k2=$(sqlite3 b.isms "SELECT group_concat(sortkeys, ',') FROM (SELECT * FROM version WHERE state = 'published' ORDER BY id)")
check "and of the documents' released forms" [ -n "$k1" ] && [ "$k1" = "$k2" ]
py - a.json sk.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for t in d["tables"] if t["name"] == "risk"][0]
t["columns"].append("title_sk")
t["rows"] = [r + ["zzz"] for r in t["rows"]]
json.dump(d, open(sys.argv[2], "w"))
PY
cp -r a.blobs sk.blobs
fails 3 isms import-all sk.json t.isms
err_has "title_sk is a sort key"
check "no file" [ ! -e t.isms ]

note "refusals: nothing is left behind"
py - a.json new.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["schema_version"] = 999
json.dump(d, open(sys.argv[2], "w"))
PY
fails 2 isms import-all new.json n.isms
err_has "newer isms (schema 999"
err_has "upgrade isms"
check "no file" [ ! -e n.isms ]
fails 5 isms import-all a.json b.isms
err_has "already exists"
fails 5 isms export a.json
err_has "already exists"

py - a.json chain.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = [t for t in d["tables"] if t["name"] == "history"][0]
i = h["columns"].index("actor")
h["rows"][3][i] = "cli:mallory"
json.dump(d, open(sys.argv[2], "w"))
PY
cp -r a.blobs chain.blobs
fails 3 isms import-all chain.json t.isms
err_has "does not verify"
check "no file" [ ! -e t.isms ]

cp a.json ev.json
cp -r a.blobs ev.blobs
f=$(ls ev.blobs | head -1)
printf 'X' | dd of="ev.blobs/$f" bs=1 seek=0 conv=notrunc 2>/dev/null
fails 3 isms import-all ev.json t.isms
err_has "does not match its SHA-256"
check "no file" [ ! -e t.isms ]
rm "ev.blobs/$f"
fails 3 isms import-all ev.json t.isms
err_has "is missing"

printf '{"format":"isms-export","format_version":1,"schema_version":19,"with_accounts":false,"tables":[[[[[[[[1]]]]]]]]}' >deep.json
fails 3 isms import-all deep.json t.isms
err_has "nests deeper"
printf '{"format":"isms-export", "format":"x"}' >dup.json
fails 3 isms import-all dup.json t.isms
err_has "not a JSON document"
printf '{"format":"other"}' >other.json
fails 3 isms import-all other.json t.isms
err_has "not an isms export"
fails 10 isms import-all a.json t.isms --max-bytes 1000
err_has "--max-bytes"
py - a.json col.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["tables"][0]["columns"][1] = "no_such"
json.dump(d, open(sys.argv[2], "w"))
PY
cp -r a.blobs col.blobs
fails 3 isms import-all col.json t.isms
err_has '"no_such" is not a column'
py - a.json fk.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["tables"] = [t for t in d["tables"] if t["name"] != "person"]
json.dump(d, open(sys.argv[2], "w"))
PY
cp -r a.blobs fk.blobs
fails 3 isms import-all fk.json t.isms
check "no file after any refusal" [ ! -e t.isms ] && [ ! -e t.isms-wal ]
finish
