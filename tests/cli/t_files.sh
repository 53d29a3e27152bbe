# t_files.sh — the ISMS file itself: what init writes (WAL, application id,
# schema version, STRICT tables), and files the program must refuse without
# touching them or crashing: text, empty, another application's SQLite
# database, a newer schema, no schema, a truncated or corrupted file.
. "$CLI_DIR/lib.sh"

# fails_with "S1 S2..." CMD... — CMD fails with one of the statuses listed.
fails_with() {
    local want=$1
    shift
    run "$@"
    if [[ " $want " != *" $RC "* ]]; then
        fail "wrong exit status" "one of: $want" "status $RC"
        return 1
    fi
}

# no_crash CMD... — CMD may fail, but cleanly: no signal, no sanitizer
# report, and a message on stderr if it fails.
no_crash() {
    run "$@"
    if [ "$RC" -ne 0 ] && [ "$CRASHED" = 0 ]; then
        T_CHECKS=$((T_CHECKS + 1))
        [[ $ERR_TEXT == "isms: "* ]] || fail "failed without an 'isms:' message" "a message" "$ERR_TEXT"
    fi
}

bytes() { sha256sum "$1" | cut -d' ' -f1; }

# ---- what init writes ---------------------------------------------------------
note "the file init writes"
ok isms init good.isms || finish
ok sqlite3 good.isms "PRAGMA journal_mode"
out_is "wal"
ok sqlite3 good.isms "PRAGMA application_id"
out_is "1230196051" # 0x49534D53, "ISMS"
ok sqlite3 good.isms "PRAGMA user_version"
check "user_version is at least 2" [ "${OUT_TEXT%$'\n'}" -ge 2 ]
ok isms version
check "user_version is the schema 'isms version' names" \
    [ "$(sqlite3 good.isms 'PRAGMA user_version')" = "$(sed -n 's/.*(schema \([0-9]*\)).*/\1/p' "$OUT")" ]
ok sqlite3 good.isms "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
check "there are tables" [ "${OUT_TEXT%$'\n'}" -ge 30 ]
# every table of ours is STRICT; SQLite's own (the planner's statistics) are not
ok sqlite3 good.isms "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE '%STRICT%' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'"
out_empty
ok sqlite3 good.isms "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"
out_is "1"
ok sqlite3 good.isms "PRAGMA integrity_check"
out_is "ok"
ok sqlite3 good.isms "PRAGMA foreign_key_check"
out_empty
ok isms verify good.isms
note ""

# refused FILE TEXT — every way of opening FILE is refused with a message
# containing TEXT, and FILE (and its companions) are left exactly as they were.
refused() {
    local f=$1 text=$2 sum
    sum=$(bytes "$f")
    fails_with "2 5" isms -f "$f" person list
    err_has "$text"
    err_has "$f"
    out_empty
    fails_with "2 5" isms -f "$f" person add --name x
    err_has "$text"
    fails_with "2 5" isms verify "$f"
    err_has "$text"
    fails_with "2 5" env ISMS_FILE="$f" "$ISMS" history
    err_has "$text"
    check "$f is unchanged" [ "$(bytes "$f")" = "$sum" ]
    check "no $f-wal was created" [ ! -e "$f-wal" ]
}

note "a text file"
printf 'meeting notes, not an ISMS\n' >text.isms
refused text.isms "not an ISMS file"

note "an empty file"
: >empty.isms
refused empty.isms "not an ISMS file"
err_has "empty"

note "a binary file that is not SQLite"
head -c 8192 /dev/zero | tr '\0' '\001' >binary.isms
refused binary.isms "not an ISMS file"

note "another application's SQLite database"
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
refused other.db "not an ISMS file"
ok sqlite3 other.db "SELECT x FROM t"
out_is "1"

note "a SQLite database with the ISMS application id but no schema"
sqlite3 bare.isms "PRAGMA application_id = 1230196051; CREATE TABLE t(x)"
refused bare.isms "schema"

note "a file written by a newer isms"
ok isms init newer.isms
ok sqlite3 newer.isms "PRAGMA user_version = 999"
refused newer.isms "newer"
err_has "999"
ok sqlite3 newer.isms "PRAGMA user_version"
out_is "999"

note "a directory"
mkdir dir.isms
fails_with "2 5 6" isms -f dir.isms person list
err_has "dir.isms"

# ---- damaged files --------------------------------------------------------------
note "a truncated file"
ok isms init trunc.isms
ok isms -f trunc.isms person add --name "Alice"
size=$(wc -c <trunc.isms)
truncate -s $((size / 2)) trunc.isms
no_crash isms -f trunc.isms person list
no_crash isms -f trunc.isms control list --json
run isms verify trunc.isms
check "verify fails on a truncated file" [ "$RC" -ne 0 ]
[[ $ERR_TEXT == "isms: "* ]] || fail "verify fails without a message"

note "a corrupted file (random bytes in the middle)"
ok isms init corrupt.isms
ok isms -f corrupt.isms person add --name "Alice"
ok isms -f corrupt.isms risk add --title "Leak" --owner P-0001
dd if=/dev/urandom of=corrupt.isms bs=1024 seek=8 count=4 conv=notrunc 2>/dev/null
run isms verify corrupt.isms
check "verify fails on a corrupted file" [ "$RC" -ne 0 ]
err_has "isms: "
for cmd in "person list" "person list --json" "risk show R-0001" "control list --json" \
    "control show 8.24" "history" "history R-0001 --json" "person add --name Bob" \
    "risk edit R-0001 --title x" "clauses --json"; do
    # shellcheck disable=SC2086
    no_crash isms -f corrupt.isms $cmd
done

note "garbage written at many places (fixed seed)"
ok isms init base.isms
ok isms -f base.isms person add --name "Alice"
ok isms -f base.isms risk add --title "Leak" --owner P-0001
pages=$(($(wc -c <base.isms) / 4096))
for at in 0 1 2 5 17 $((pages / 2)) $((pages - 2)); do
    sqlite3 base.isms ".backup 'g$at.isms'"
    py - "g$at.isms" "$at" <<'EOF'
import random, sys
path, page = sys.argv[1], int(sys.argv[2])
r = random.Random(page)
with open(path, "r+b") as f:
    # page 0: keep the 16-byte magic so the program gets past its own check
    f.seek(page * 4096 + (100 if page == 0 else 0))
    f.write(bytes(r.randrange(256) for _ in range(2048)))
EOF
    for cmd in "verify" "person list --json" "risk show R-0001" "control list --json" \
        "history --json" "person add --name Bob"; do
        # shellcheck disable=SC2086
        no_crash isms -f "g$at.isms" $cmd
    done
done

note "a file whose WAL was left behind is read with it"
ok isms init wal.isms
ok sqlite3 wal.isms "PRAGMA journal_mode"
out_is "wal"
ok isms -f wal.isms person add --name "Walter"
ok isms -f wal.isms person list --json
json_check '[r["name"] for r in d] == ["Walter"]'
ok isms verify wal.isms

finish
