# t_store.sh — an ISMS in a PostgreSQL database through the real binary
# (issue 16): the engine seam's conformance suite on PostgreSQL; isms init
# and its refusals (a database already holding an ISMS, one holding other
# tables, a server that is not there — the password never in a message);
# the demo replayed into PostgreSQL and into an SQLite file gives the same
# records, history chain (every hash), SoA, readiness, tasks and review
# pack, and the same verify figures; writes through the CLI; and verify
# finds what is changed behind the program's back (a record edited, a
# reference broken with the constraints switched off) while the history's
# guard refuses an edit.
# Run by tests/pg/run (sources tests/cli/lib.sh).
# shellcheck shell=bash source=tests/cli/lib.sh
. "$CLI_DIR/lib.sh"
: "${PG_URL:?}" "${PG_DIR:?}" "${PG_CLUSTER:?}" "${PGBIN:?}" "${ISMS:?}"
q() { "$PGBIN/psql" "$1" -X -A -t -q -v ON_ERROR_STOP=1 -c "$2"; }
REPO=$(cd "$CLI_DIR/../.." && pwd)
UNIT=${UNIT_TESTS:-$REPO/build/rel/unit_tests}

note "the engine seam's conformance suite and the generated schema, on PostgreSQL"
check "the unit tests are built ($UNIT)" [ -x "$UNIT" ]
ISMS_TEST_PG=$PG_URL ok "$UNIT" db_
err_has "seam on PostgreSQL"
out_has "0 failed"

note "isms init into an empty database"
ok "$PG_CLUSTER" createdb "$PG_DIR" org_a
A=$(last_out)
ok "$ISMS" init "$A"
out_has "created"
ok q "$A" "SELECT value FROM isms_meta WHERE key = 'version'"
check "the schema version is the program's" [ "$(last_out)" = "$("$ISMS" version | sed 's/.*schema \([0-9]*\).*/\1/')" ]
ok "$ISMS" -f "$A" control list --json
check "the 93 controls of Annex A 2022 are there" [ "$(grep -c '"framework":"iso27001-2022"' "$OUT")" = 93 ]
fails 5 "$ISMS" init "$A"
err_has "already holds an ISMS; not overwriting it"

note "--db URL and \$ISMS_DB name a database as -f and \$ISMS_FILE name a file"
ok "$PG_CLUSTER" createdb "$PG_DIR" org_c
C=$(last_out)
ok "$ISMS" init --db "$C"
ok "$ISMS" --db "$C" control list --json
check "isms --db URL reads it" grep -q '"id":"5.1"' "$OUT"
ISMS_DB=$C ok "$ISMS" verify
out_has "history entries chained"
fails 2 "$ISMS" --db notes.isms risk list
err_has "--db takes a postgresql:// URL"
ISMS_DB=notes.isms fails 2 "$ISMS" risk list
err_has "ISMS_DB must be a postgresql:// URL"
fails 2 "$ISMS" init --db other.isms
err_has "--db takes a postgresql:// URL"

note "a database holding other tables is refused, and nothing is written"
ok "$PG_CLUSTER" createdb "$PG_DIR" org_b
B=$(last_out)
ok q "$B" "CREATE TABLE theirs (id int)"
secret_url=${B/isms@/isms:s3cret-pw@}
run "$ISMS" init "$secret_url"
check "init into a non-empty database fails" [ "$RC" != 0 ]
err_has "is not empty (1 tables)"
err_lacks "s3cret-pw"
ok q "$B" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
out_is 1
run "$ISMS" -f "$B" risk list
check "a database without an ISMS is refused" [ "$RC" != 0 ]
err_has "holds no ISMS"

note "a server that is not there: a clear error, no password shown"
run "$ISMS" -f "postgresql://isms:s3cret-pw@127.0.0.1:1/none?connect_timeout=3" risk list
check "exits non-zero" [ "$RC" != 0 ]
err_has "cannot connect to the PostgreSQL database postgresql://isms@127.0.0.1:1/none"
err_lacks "s3cret-pw"

note "the demo in PostgreSQL and in SQLite: the same ISMS"
ok "$PG_CLUSTER" createdb "$PG_DIR" demo_pg
D=$(last_out)
ok "$ISMS" demo "$D"
ok "$ISMS" demo demo.isms
for t in $("$ISMS" types | awk '{print $1}'); do
    "$ISMS" -f demo.isms "$t" list --all --json >lite.json 2>&1
    "$ISMS" -f "$D" "$t" list --all --json >pg.json 2>&1
    check "$t list: the same on both ($(wc -c <lite.json) bytes)" cmp -s lite.json pg.json
done
for c in "history --json" "soa --json" "readiness --json" "tasks --all --json" \
    "review pack MR-0001 --json" "plan --json" "journey --json" "method show --json"; do
    # shellcheck disable=SC2086
    "$ISMS" -f demo.isms $c >lite.json 2>&1
    # shellcheck disable=SC2086
    "$ISMS" -f "$D" $c >pg.json 2>&1
    check "$c: the same on both ($(wc -c <lite.json) bytes)" cmp -s lite.json pg.json
done
ok "$ISMS" -f demo.isms verify
lite_verify=$(last_out)
ok "$ISMS" -f "$D" verify
out_is "$lite_verify"
out_has "history entries chained"

note "isms serve on PostgreSQL answers as on SQLite"
free_port() { py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_server() { # start_server ISMS-OR-URL LOG: sets SPID and BASE
    local port
    port=$(free_port)
    ISMS_ALLOW_ROOT=1 "$ISMS" serve "$1" --listen "127.0.0.1:$port" >"$2" 2>&1 &
    SPID=$!
    BASE=http://127.0.0.1:$port
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$BASE/healthz" && return 0
        sleep 0.1
    done
    return 1
}
ok "$ISMS" -f "$D" token add miriam --name pg-test
TPG=$(tail -n 1 "$OUT")
ok "$ISMS" -f demo.isms token add miriam --name pg-test
TLITE=$(tail -n 1 "$OUT")
check "a server on the PostgreSQL ISMS starts" start_server "$D" serve-pg.log
PG_PID=$SPID PG_BASE=$BASE
check "a server on the SQLite file starts" start_server demo.isms serve-lite.log
LITE_PID=$SPID LITE_BASE=$BASE
get() { curl -s -H "Authorization: Bearer $1" "$2"; }
for path in /api/v1/risks /api/v1/risks/R-0001 /api/v1/controls /api/v1/documents \
    "/api/v1/risks?sort=title&limit=7" "/api/v1/risks?sort=score&desc=1&limit=20"; do
    get "$TLITE" "$LITE_BASE$path" >lite.json
    get "$TPG" "$PG_BASE$path" >pg.json
    check "GET $path: the same from both servers ($(wc -c <lite.json) bytes)" cmp -s lite.json pg.json
done
for path in /risks /risks/R-0001 /soa /readiness /tasks /documents/DOC-0001 /reviews/MR-0001 /; do
    code=$(curl -s -o page.html -w '%{http_code}' -H "Authorization: Bearer $TPG" "$PG_BASE$path")
    check "GET $path from PostgreSQL: 200 (got $code)" [ "$code" = 200 ]
done
for base in "$LITE_BASE $TLITE" "$PG_BASE $TPG"; do
    set -- $base
    curl -s -X PATCH -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
        -d '{"likelihood": 1, "notes": "patched over HTTP"}' "$1/api/v1/risks/R-0003" >/dev/null
done
get "$TLITE" "$LITE_BASE/api/v1/risks/R-0003" >lite.json
get "$TPG" "$PG_BASE/api/v1/risks/R-0003" | tee pg.json | grep -q "patched over HTTP"
check "a PATCH through the PostgreSQL server is stored" [ $? = 0 ]
check "and reads back as on SQLite (updated time aside)" cmp -s \
    <(sed 's/"updated":"[^"]*"//' lite.json) <(sed 's/"updated":"[^"]*"//' pg.json)
note "two servers on one database: what one writes, the other shows at once"
check "a second server on the PostgreSQL ISMS starts" start_server "$D" serve-pg2.log
PG2_PID=$SPID PG2_BASE=$BASE
ok q "$D" "SELECT n FROM isms_change"
dv0=$(last_out)
for _ in 1 2 3; do get "$TPG" "$PG2_BASE/api/v1/risks/R-0004" >before.json; done
curl -s -o /dev/null -H "Cookie: x=y" -H "Authorization: Bearer $TPG" "$PG2_BASE/risks/R-0004"
curl -s -X PATCH -H "Authorization: Bearer $TPG" -H 'Content-Type: application/json' \
    -d '{"notes": "written through the first server"}' "$PG_BASE/api/v1/risks/R-0004" >/dev/null
get "$TPG" "$PG2_BASE/api/v1/risks/R-0004" >after.json
check "the second server's answer has the first one's write" grep -q "written through the first server" after.json
curl -s -H "Authorization: Bearer $TPG" "$PG2_BASE/risks/R-0004" >page.html
check "and so has its page" grep -q "written through the first server" page.html
ok "$ISMS" -f "$D" risk edit R-0004 --notes "written by the CLI meanwhile"
get "$TPG" "$PG2_BASE/api/v1/risks/R-0004" >after.json
check "a write by another process too" grep -q "written by the CLI meanwhile" after.json
ok q "$D" "SELECT n FROM isms_change"
check "the data version moved with the writes ($dv0 -> $(last_out))" [ "$(last_out)" -gt "$dv0" ]
ok "$ISMS" -f "$D" token revoke "$("$ISMS" -f "$D" token list | awk '/pg-test/ {print $1; exit}')"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TPG" "$PG2_BASE/api/v1/risks/R-0004")
check "a token revoked by the CLI is refused by the server at once (got $code)" [ "$code" = 401 ]
note "sign-in throttling is shared: failures through either server lock the account on both"
printf 'the-right-password-0123\n' | "$ISMS" -f "$D" user add victim --role staff >/dev/null 2>&1
# try_login BASE NAME PASSWORD: the status of one sign-in through the form
try_login() {
    local pre csrf
    curl -s -D h.login -o login.html "$1/login"
    pre=$(sed -n 's/^[Ss]et-[Cc]ookie: isms_pre=\([^;]*\);.*/\1/p' h.login | tr -d '\r')
    csrf=$(grep -o 'name="_csrf" value="[^"]*"' login.html | sed 's/.*value="//; s/"$//')
    curl -s -o /dev/null -w '%{http_code}' -H "Cookie: isms_pre=$pre" --data-urlencode "name=$2" \
        --data-urlencode "password=$3" --data-urlencode "_csrf=$csrf" "$1/login"
}
codes=""
for b in "$PG_BASE" "$PG_BASE" "$PG_BASE" "$PG2_BASE" "$PG2_BASE"; do
    codes+=" $(try_login "$b" victim wrong-guess)"
done
check "five wrong passwords through two servers are refused (got$codes)" [ "$codes" = " 401 401 401 401 401" ]
code=$(try_login "$PG2_BASE" victim the-right-password-0123)
check "the sixth attempt, on the server that saw two, is locked out (got $code)" [ "$code" = 429 ]
code=$(try_login "$PG_BASE" victim the-right-password-0123)
check "and on the other one (got $code)" [ "$code" = 429 ]

note "the database server drops every connection (as in a failover): the servers recover by themselves"
ok "$ISMS" -f "$D" token add miriam --name after-drop
TPG=$(tail -n 1 "$OUT")
for _ in 1 2; do get "$TPG" "$PG_BASE/api/v1/risks/R-0005" >/dev/null; get "$TPG" "$PG2_BASE/api/v1/risks/R-0005" >/dev/null; done
ok q "$PG_URL" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${D##*/}' AND pid <> pg_backend_pid()"
check "the servers' connections were dropped ($(last_out))" [ "$(last_out)" -ge 1 ]
codes=""
for _ in 1 2 3 4 5 6; do
    codes+=" $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TPG" "$PG_BASE/api/v1/risks/R-0005")"
done
check "reads answer again at once (got$codes)" [ "${codes// 200/}" = "" ]
code=$(curl -s -o patch.json -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TPG" \
    -H 'Content-Type: application/json' -d '{"notes": "after the drop"}' "$PG2_BASE/api/v1/risks/R-0005")
check "a write through the other server is taken (got $code)" [ "$code" = 200 ]
get "$TPG" "$PG_BASE/api/v1/risks/R-0005" | grep -q "after the drop"
check "and read back through the first" [ $? = 0 ]
kill "$PG_PID" "$LITE_PID" "$PG2_PID" 2>/dev/null
wait "$PG_PID" "$LITE_PID" "$PG2_PID" 2>/dev/null
check "the PostgreSQL servers logged no error" sh -c '! grep -E " 5[0-9][0-9] |PostgreSQL refused|AddressSanitizer|LeakSanitizer|runtime error:" serve-pg.log serve-pg2.log serve-lite.log'
ok "$ISMS" -f "$D" verify

note "writes through the CLI, in PostgreSQL"
ok "$ISMS" -f "$D" risk add --title "Typed on PostgreSQL: Zoë's laptop 张伟" --owner P-0001 \
    --likelihood 2 --consequence 3
R=$(last_out)
ok "$ISMS" -f "$D" risk show "$R" --json
out_has "Typed on PostgreSQL: Zoë's laptop 张伟"
ok "$ISMS" -f "$D" risk edit "$R" --likelihood 4
ok "$ISMS" -f "$D" history "$R" --json
check "two history entries for $R" [ "$(grep -c '"action"' "$OUT")" = 2 ]
fails 3 "$ISMS" -f "$D" risk add --title "" --owner P-0001
ok "$ISMS" -f "$D" verify

note "migrate: a file into a database and back, accounts and their secrets included"
ok "$ISMS" -f demo.isms token add miriam --name moved
TMOVED=$(tail -n 1 "$OUT")
ok "$ISMS" -f demo.isms export lite-export.json
ok "$PG_CLUSTER" createdb "$PG_DIR" moved
M=$(last_out)
ok "$ISMS" migrate demo.isms "$M"
out_has "verified there as here"
ok "$ISMS" -f "$M" export pg-export.json
check "the database's export is the file's, byte for byte" cmp -s lite-export.json pg-export.json
ok "$ISMS" migrate "$M" back.isms
ok "$ISMS" -f back.isms export back-export.json
check "and back into a file: the same export again" cmp -s lite-export.json back-export.json
# (a token's use is recorded: the server comes after the comparisons)
check "a server on the migrated database starts" start_server "$M" serve-moved.log
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TMOVED" "$BASE/api/v1/risks")
check "a token made on the file signs in on the database (got $code)" [ "$code" = 200 ]
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
fails 5 "$ISMS" migrate demo.isms "$M"
err_has "already holds an ISMS"
fails 2 "$ISMS" migrate demo.isms other.isms
err_has "between a file and a PostgreSQL database"
check "no temporary export is left behind" sh -c '! ls -d "${TMPDIR:-/tmp}"/isms-migrate-* 2>/dev/null'
ok "$PG_CLUSTER" createdb "$PG_DIR" half
H=$(last_out)
printf '{"format":"isms-export","format_version":1,"schema_version":1,"with_accounts":false,"tables":[]}' >old.json
run "$ISMS" import-all old.json "$H"
check "an export of an older schema is refused for a database" [ "$RC" != 0 ]
err_has "a PostgreSQL ISMS is made at schema"
ok q "$H" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
out_is 0

note "the database server restarts: /healthz says so meanwhile, then everything answers again"
ok "$PG_CLUSTER" start "$PWD/c2"
ok "$PG_CLUSTER" createdb "$PWD/c2" restarted
RU=$(last_out)
ok "$ISMS" init "$RU"
ok "$ISMS" -f "$RU" user add ops --role admin <<<"ops-password-0123456789"
ok "$ISMS" -f "$RU" token add ops --name restart
TRU=$(tail -n 1 "$OUT")
check "a server on it starts" start_server "$RU" serve-restart.log
R_PID=$SPID R_BASE=$BASE
code=$(curl -s -o health.json -w '%{http_code}' "$R_BASE/healthz")
check "healthy while the database answers (got $code)" [ "$code" = 200 ]
ok "$PG_CLUSTER" pause "$PWD/c2"
code=$(curl -s -o health.json -w '%{http_code}' "$R_BASE/healthz")
check "/healthz is 503 while the database is down (got $code)" [ "$code" = 503 ]
check "and names why" grep -Eq 'cannot be reached|cannot connect to the PostgreSQL database' health.json
code=$(curl -s -o api.json -w '%{http_code}' -H "Authorization: Bearer $TRU" "$R_BASE/api/v1/controls?limit=1")
check "a request meanwhile is 503, not a crash (got $code)" [ "$code" = 503 ]
check "the server is still running" kill -0 "$R_PID"
ok "$PG_CLUSTER" resume "$PWD/c2"
code=$(curl -s -o health.json -w '%{http_code}' "$R_BASE/healthz")
check "healthy again once the database is back (got $code)" [ "$code" = 200 ]
code=$(curl -s -o api.json -w '%{http_code}' -H "Authorization: Bearer $TRU" "$R_BASE/api/v1/controls?limit=1")
check "and the API answers (got $code)" [ "$code" = 200 ]
code=$(curl -s -o patch.json -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TRU" \
    -H 'Content-Type: application/json' -d '{"notes": "after the restart"}' "$R_BASE/api/v1/controls/5.1")
check "and takes a write (got $code)" [ "$code" = 200 ]
kill "$R_PID" 2>/dev/null
wait "$R_PID" 2>/dev/null
ok "$ISMS" -f "$RU" verify
ok "$PG_CLUSTER" stop "$PWD/c2"

note "verify finds a change made behind the program's back"
ok q "$D" "SELECT title FROM risk WHERE ref = 'R-0001'"
title=$(last_out)
ok q "$D" "UPDATE risk SET title = 'changed with psql' WHERE ref = 'R-0001'"
run "$ISMS" -f "$D" verify
check "verify fails after a record was changed outside isms" [ "$RC" != 0 ]
err_has "R-0001"
ok q "$D" "UPDATE risk SET title = '${title//\'/\'\'}' WHERE ref = 'R-0001'"
ok "$ISMS" -f "$D" verify
run q "$D" "UPDATE history SET actor = 'someone else' WHERE seq = 1"
check "the history refuses an edit" [ "$RC" != 0 ]
err_has "history is append-only"
ok q "$D" "SET session_replication_role = replica; UPDATE risk SET owner = 'P-9999' WHERE ref = 'R-0002'"
run "$ISMS" -f "$D" verify
check "verify fails on a reference broken with the constraints off" [ "$RC" != 0 ]
err_has "refers to a missing person"
finish
