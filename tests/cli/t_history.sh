# t_history.sh — the hash-chained history: what `history` shows, who is
# recorded as the actor, and that `verify` finds every kind of tampering done
# behind the program's back with the sqlite3 shell.
. "$CLI_DIR/lib.sh"

# fails_nonzero CMD... — CMD fails (any status from 1 to 127: no crash).
fails_nonzero() {
    run "$@"
    if [ "$RC" -eq 0 ]; then
        fail "expected a failure" "a non-zero status" "status 0"
        return 1
    fi
}

# ---- a fresh file ------------------------------------------------------------
note "a fresh file"
ok isms init base.isms || finish
ok isms verify base.isms
out_has "ok"
ok isms -f base.isms history --json
json_all 'isinstance(d, list) and len(d) > 0' \
    '[h["seq"] for h in d] == list(range(1, len(d) + 1))' \
    'all(h["before"] is None for h in d if h["action"] == "create")' \
    'sum(h["action"] == "create" for h in d) > 200'
N0=$(json_get 'len(d)')

# ---- the life of a few records -------------------------------------------------
export ISMS_FILE=$PWD/base.isms
note "records and their history"
ok env ISMS_ACTOR="alice@example.com" "$ISMS" person add --name "Alice"   # N0+1
ok isms asset add --name "CRM" --kind software --owner P-0001             # N0+2
ok isms risk add --title "Data leak" --owner P-0001 --assets A-0001       # N0+3
ok env ISMS_ACTOR="bob" "$ISMS" risk edit R-0001 --title "Data leak via CRM" # N0+4
ok isms person add --name "Carol"                                         # N0+5
ok isms person retire P-0002                                              # N0+6
ok isms verify
out_has "ok"

note "history --json"
ok isms history --json
json_check 'len(d) == int(a[0]) + 6' "$N0"
ok isms history R-0001 --json
json_all 'len(d) == 2' \
    'all(list(h) == ["seq", "at", "actor", "type", "id", "action", "before", "after", "hash"] for h in d)' \
    '[h["action"] for h in d] == ["create", "update"]' \
    'all(h["type"] == "risk" and h["id"] == "R-0001" for h in d)' \
    'all(isinstance(h["seq"], int) for h in d) and d[1]["seq"] > d[0]["seq"]' \
    'all(re.match(r"^2\d{3}-\d\d-\d\d[T ]\d\d:\d\d", h["at"]) for h in d)' \
    'all(re.match(r"^[0-9a-f]{64}$", h["hash"]) for h in d)' \
    'd[0]["before"] is None and d[0]["after"]["title"] == "Data leak"' \
    'sorted(d[1]["before"]) == sorted(d[1]["after"]) == ["id", "title", "updated"]' \
    'all(d[0]["after"][k] == v for k, v in d[1]["before"].items())' \
    'd[1]["before"]["title"] == "Data leak" and d[1]["after"]["title"] == "Data leak via CRM"' \
    'd[0]["after"]["assets"] == ["A-0001"]'

note "ISMS_ACTOR is recorded as the actor"
ok isms history P-0001 --json
json_check 'd[0]["actor"] == "alice@example.com"'
ok isms history R-0001 --json
json_check 'd[1]["actor"] == "bob"'
json_check 'd[0]["actor"] != "bob" and d[0]["actor"] != ""'
ok isms history R-0001
out_has "bob"
out_has "update"
out_has "Data leak via CRM"

note "history of a retired record ends with retire"
ok isms history P-0002 --json
json_check '[h["action"] for h in d] == ["create", "retire"] and d[1]["after"]["retired"]'

note "history without an id shows every entry"
ok isms history
out_has "R-0001"
out_has "P-0002"
out_has "retire"

note "history of a missing id"
fails 4 isms history R-0099
err_has "R-0099"
unset ISMS_FILE

MID=$((N0 + 4)) # the update of R-0001: an entry in the middle of the chain

# copy NAME — a copy of base.isms to tamper with (sqlite3's .backup copies
# whatever is still in the WAL too).
copy() {
    rm -f "$1" "$1-wal" "$1-shm"
    sqlite3 base.isms ".backup '$1'" || fail "cannot copy base.isms to $1"
}

# ---- (d) the triggers refuse changes ----------------------------------------------
note "the history table refuses UPDATE and DELETE"
copy d.isms
before=$(fingerprint d.isms)
fails_nonzero sqlite3 d.isms "UPDATE history SET actor = 'mallory' WHERE seq = $MID"
err_has "append-only"
fails_nonzero sqlite3 d.isms "DELETE FROM history WHERE seq = $MID"
err_has "append-only"
fails_nonzero sqlite3 d.isms "DELETE FROM history"
same_file d.isms "$before"
ok isms verify d.isms

# ---- (a) an entry's content changed -------------------------------------------------
note "a middle entry's after changed (triggers dropped)"
copy a.isms
ok sqlite3 a.isms "DROP TRIGGER history_append_only_u;
    UPDATE history SET after = replace(after, 'Data leak via CRM', 'Nothing to see') WHERE seq = $MID"
fails_nonzero isms verify a.isms
err_has "#$MID"
out_lacks "ok:"

note "a middle entry's actor changed"
copy a2.isms
ok sqlite3 a2.isms "DROP TRIGGER history_append_only_u;
    UPDATE history SET actor = 'mallory' WHERE seq = $MID"
fails_nonzero isms verify a2.isms
err_has "#$MID"

note "an entry changed and its hash recomputed: the next entry no longer follows"
copy a3.isms
T_CHECKS=$((T_CHECKS + 1))
# hash = SHA-256 over prev, seq, at, actor, type, ref, action, before, after,
# each as "LENGTH:" and the bytes, "-:" for NULL (store_history.c, hash.c).
msg=$(py - a3.isms "$MID" <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
mid = int(sys.argv[2])
def h(row):
    m = hashlib.sha256()
    for v in row:
        if v is None:
            m.update(b"-:")
        else:
            b = str(v).encode()
            m.update(b"%d:" % len(b) + b)
    return m.hexdigest()
cols = "prev, seq, at, actor, type, ref, action, before, after"
row = db.execute("SELECT %s, hash FROM history WHERE seq = ?" % cols, (mid,)).fetchone()
if h(row[:-1]) != row[-1]:
    print("cannot reproduce the hash of an untouched entry: has the format changed?")
    sys.exit(1)
db.execute("DROP TRIGGER history_append_only_u")
db.execute("UPDATE history SET actor = 'mallory' WHERE seq = ?", (mid,))
row = db.execute("SELECT %s FROM history WHERE seq = ?" % cols, (mid,)).fetchone()
db.execute("UPDATE history SET hash = ? WHERE seq = ?", (h(row), mid))
db.commit()
EOF
) || fail "rewriting an entry with python" "done" "$msg"
fails_nonzero isms verify a3.isms
err_has "#$((MID + 1))"

# ---- (b) a record changed behind the program's back ------------------------------------
note "a record's field changed in its table"
copy b.isms
ok sqlite3 b.isms "UPDATE risk SET title = 'x' WHERE ref = 'R-0001'"
fails_nonzero isms verify b.isms
err_has "R-0001"
ok isms -f b.isms risk show R-0001 --json # the program still reads it
json_check 'd["title"] == "x"'

note "a reference changed in the link table"
copy b2.isms
ok sqlite3 b2.isms "DELETE FROM link WHERE src = 'R-0001'"
fails_nonzero isms verify b2.isms
err_has "R-0001"

note "a record inserted without history"
copy b3.isms
ok sqlite3 b3.isms "INSERT INTO person (ref, name, status, created, updated)
    VALUES ('P-0042', 'Ghost', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
fails_nonzero isms verify b3.isms
err_has "P-0042"

note "a record deleted"
copy b4.isms
ok sqlite3 b4.isms "DELETE FROM person WHERE ref = 'P-0002'"
fails_nonzero isms verify b4.isms
err_has "P-0002"

# ---- (c) an entry deleted -------------------------------------------------------------
note "a middle entry deleted (triggers dropped)"
copy c.isms
ok sqlite3 c.isms "DROP TRIGGER history_append_only_d; DELETE FROM history WHERE seq = $MID"
fails_nonzero isms verify c.isms
err_has "#$MID"

note "the last entry deleted"
copy c2.isms
ok sqlite3 c2.isms "DROP TRIGGER history_append_only_d; DELETE FROM history WHERE seq = $((N0 + 6))"
fails_nonzero isms verify c2.isms
err_has "P-0002"

note "the original is still fine"
ok isms verify base.isms
out_has "ok"

finish
