# t_cluster.sh — the harness itself (tests/pg/cluster): the runner's cluster
# is PostgreSQL 15, durable (fsync on), reachable on loopback only, run by an
# unprivileged user; createdb gives a second database with its own URL that
# keeps a table and its row apart from the first. A second cluster is started
# on a port range whose first port is the busy one of the first cluster, and
# stopped: no process of it is left, its directory is gone. A start that
# fails (a bad setting) prints the server log and leaves nothing behind.
# Run by tests/pg/run (sources tests/cli/lib.sh).
# shellcheck shell=bash source=tests/cli/lib.sh disable=SC2317 # (helpers called through check)
. "$CLI_DIR/lib.sh"
: "${PG_URL:?}" "${PG_DIR:?}" "${PG_CLUSTER:?}" "${PGBIN:?}"

# q URL SQL — one statement through psql, unaligned, tuples only.
q() { "$PGBIN/psql" "$1" -X -A -t -q -v ON_ERROR_STOP=1 -c "$2"; }
# uid_of PID — the process's real user id.
uid_of() { awk '/^Uid:/ { print $2 }' "/proc/$1/status"; }
# alive PID — the process exists and is not a zombie.
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; }
none_alive() {
    local p
    for p in "$@"; do alive "$p" && return 1; done
    return 0
}
# listens_only_loopback PID — every TCP socket PID listens on is on 127.0.0.1.
listens_only_loopback() {
    local addrs
    addrs=$(ss -Hltnp 2>/dev/null | grep "pid=$1," | awk '{ print $4 }')
    [ -n "$addrs" ] || return 1
    ! grep -qv '^127\.0\.0\.1:' <<<"$addrs"
}
# no_server DATADIR — no process runs "postgres -D DATADIR".
no_server() { ! pgrep -f -- "-D $1" >/dev/null; }
port_of() { local u=${1##*@127.0.0.1:}; echo "${u%%/*}"; }

# The second cluster, and the one that fails to start, are made in the
# working directory (tests/pg/run stops a cluster left there).
scratch=$PWD

note "the runner's cluster"
ok q "$PG_URL" "SHOW server_version"
check "server_version is 15.x (got '$(last_out)')" grep -qE '^15\.[0-9]+' "$OUT"
ok q "$PG_URL" "SHOW fsync"
out_is on
ok q "$PG_URL" "SHOW synchronous_commit"
out_is on
ok q "$PG_URL" "SHOW listen_addresses"
out_is 127.0.0.1
ok q "$PG_URL" "SHOW server_encoding"
out_is UTF8
ok q "$PG_URL" "SELECT current_user || ' ' || rolsuper FROM pg_roles WHERE rolname = current_user"
out_is "isms true"
check "the URL is the one in DIR/url" [ "$PG_URL" = "$("$PG_CLUSTER" url "$PG_DIR")" ]

note "the server runs as an unprivileged user"
ok q "$PG_URL" "SHOW data_directory"
datadir=$(last_out)
check "the data directory is in PG_DIR" [ "$datadir" = "$(cd "$PG_DIR" && pwd -P)/data" ]
pid=$(head -n 1 "$datadir/postmaster.pid")
check "postmaster.pid names a live process" alive "$pid"
check "the postmaster does not run as root (uid $(uid_of "$pid"))" [ "$(uid_of "$pid")" != 0 ]
# A backend lives as long as its connection: it reads its own /proc entry.
ok q "$PG_URL" "SELECT (SELECT split_part(l, E'\t', 2) FROM regexp_split_to_table(pg_read_file('/proc/self/status'), E'\n') l WHERE l LIKE 'Uid:%') || ' ' || split_part(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ', 2)"
read -r buid bppid <<<"$(last_out)"
check "the backend's parent is the postmaster (got '$bppid')" [ "$bppid" = "$pid" ]
check "the backend does not run as root (got uid '$buid')" [ "${buid:-0}" != 0 ]
if [ "$(id -u)" = 0 ]; then
    check "run as root, the data directory is not root's" [ "$(stat -c %u "$datadir")" != 0 ]
fi
if command -v ss >/dev/null 2>&1; then
    check "the server listens on 127.0.0.1 only" listens_only_loopback "$pid"
fi
check "the Unix socket is in PG_DIR/sock" [ -S "$PG_DIR/sock/.s.PGSQL.$(port_of "$PG_URL")" ]

note "createdb: a second database, reachable by its URL"
ok "$PG_CLUSTER" createdb "$PG_DIR" org_t1
url2=$(last_out)
check "its URL names the database (got '$url2')" [ "$url2" = "${PG_URL%/postgres}/org_t1" ]
ok q "$url2" "SELECT current_database()"
out_is org_t1
ok q "$url2" "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL)"
ok q "$url2" "INSERT INTO t VALUES (1, 'Zoë Müller 张伟')"
ok q "$url2" "SELECT id || ':' || name FROM t"
out_is "1:Zoë Müller 张伟"
ok q "$url2" "SELECT upper(name) FROM t"
out_is "ZOË MÜLLER 张伟"
ok q "$PG_URL" "SELECT to_regclass('public.t') IS NULL"
out_is t
fails 1 "$PG_CLUSTER" createdb "$PG_DIR" org_t1
err_has "could not create the database org_t1"
fails 1 "$PG_CLUSTER" createdb "$PG_DIR" "Bad-Name"
err_has "a database name is lowercase letters"

note "refusals"
fails 1 "$PG_CLUSTER" start "$PG_DIR"
err_has "is not empty"
mkdir "$scratch/plain"
: >"$scratch/plain/keep"
fails 1 "$PG_CLUSTER" stop "$scratch/plain"
err_has "not a cluster made by tests/pg/cluster start"
check "stop leaves a directory it did not make" [ -f "$scratch/plain/keep" ]
fails 1 "$PG_CLUSTER" url "$scratch/plain"

note "a second cluster: a busy port is skipped; stop leaves nothing"
p1=$(port_of "$PG_URL")
# p2: the next port nothing listens on (another run may hold the one after p1)
p2=$p1
while [ $((p2 += 1)) -le $((p1 + 20)) ] && ! py -c '
import socket, sys
socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$p2" 2>/dev/null; do :; done
if [ "$p2" -le $((p1 + 20)) ] && [ "$p2" -le 65535 ]; then
    ok env PG_CLUSTER_PORTS="$p1-$p2" "$PG_CLUSTER" start "$scratch/c2"
    u=$(last_out)
    check "the new cluster skipped the busy port $p1 for $p2 (got '$u')" [ "$u" = "postgresql://isms@127.0.0.1:$p2/postgres" ]
else
    ok "$PG_CLUSTER" start "$scratch/c2"
    u=$(last_out)
fi
check "start made the directory" [ -f "$scratch/c2/url" ]
ok q "$u" "SELECT 40 + 2"
out_is 42
pid2=$(head -n 1 "$scratch/c2/data/postmaster.pid")
# shellcheck disable=SC2207
procs=("$pid2" $(pgrep -P "$pid2"))
check "the second server has children (${#procs[@]} processes)" [ "${#procs[@]}" -gt 1 ]
ok "$PG_CLUSTER" stop "$scratch/c2"
check "no process of the stopped cluster is left (${procs[*]})" none_alive "${procs[@]}"
check "no process is a server of its data directory" no_server "$scratch/c2/data"
check "its directory is gone" [ ! -e "$scratch/c2" ]
fails 2 q "$u" "SELECT 1"
note "the first cluster is untouched"
ok q "$PG_URL" "SELECT 1"
out_is 1

note "a start that fails leaves nothing behind"
fails 1 env PG_CLUSTER_CONF="shared_buffers = 'plenty'" "$PG_CLUSTER" start "$scratch/bad"
err_has "the server did not start"
err_has "invalid value for parameter \"shared_buffers\""
check "no process is a server of its data directory" no_server "$scratch/bad/data"
check "the directory it made is gone" [ ! -e "$scratch/bad" ]

finish
