# lib.sh — helpers for the end-to-end CLI tests (sourced by every t_*.sh).
#
# The runner (tests/cli/run) starts each test file with bash in a fresh,
# empty temporary directory, with $ISMS the binary under test and $CLI_DIR
# this directory. Helpers:
#
#   isms ARGS...          the binary under test (a function; use in pipes too),
#                         stopped after $CLI_CMD_TIMEOUT seconds (default 300)
#   signed ACCOUNT ARGS...  isms ARGS... --as ACCOUNT, the account's password
#                         ($PW_ACCOUNT, else $PW) on stdin: how the CLI signs
#   make_account NAME ROLE PERSON  an account with password $PW
#   run CMD...            run CMD, keep stdout/stderr/status for the checks below
#   ok CMD...             run CMD, expect exit status 0
#   fails STATUS CMD...   run CMD, expect exactly exit status STATUS
#   out_has TEXT / out_lacks TEXT   check the last command's stdout
#   err_has TEXT / err_lacks TEXT   check the last command's stderr
#   out_is TEXT           stdout equals TEXT (trailing newline ignored)
#   list_has ID / list_lacks ID  the last `list --json` has a record ID
#   json_check EXPR [ARG...]  python3 expression over d = json of last stdout;
#                         a = the ARGs, E = os.environ, json/re/os available
#   json_all EXPR...      several such expressions in one python run
#   json_get EXPR [ARG...]  print a value computed from the last stdout
#   fingerprint FILE      print a digest of FILE's content (.dump + history)
#   same_file FILE DIGEST check FILE still has the given fingerprint
#   dump_digest / same_dump  the same from sqlite3's .sha3sum (cheaper)
#   records_digest / same_records  the same without session and security_log
#   history_count FILE    number of history entries
#   last_out / last_line  the last stdout (without its final newline) / line 1
#   py ARGS...            the python3 interpreter, started quickly
#   check DESC COND...    run a shell test (e.g. check "n is 3" [ "$n" = 3 ])
#   note TEXT             describe the checks that follow (shown on failure)
#   fail DESC             record a failure (with file and line)
#   finish                the test file's last line
#
# Every command run through run/ok/fails is also checked for crashes: a
# status of 128 or more (signal), sanitizer output on stderr, or a command
# stopped by the timeout (124) is always a failure, and the checks of that
# command's output are then skipped. Nothing here depends on timing.

: "${ISMS:?ISMS must name the binary under test}"
CLI_DIR=${CLI_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
T_NAME=${T_NAME:-$(basename "$0")}
T_CHECKS=0
T_FAILS=0
T_NOTE=""
OUT=$PWD/.out
ERR=$PWD/.err
RC=0
CRASHED=0
OUT_TEXT=""
ERR_TEXT=""
LAST_CMD=""
: >"$OUT"
: >"$ERR"

# A hung command is stopped after CLI_CMD_TIMEOUT seconds (status 124) so
# that the suite ends; no test depends on how long anything takes.
CLI_CMD_TIMEOUT=${CLI_CMD_TIMEOUT:-300}
if command -v timeout >/dev/null 2>&1; then
    isms() { timeout --foreground -k 10 "$CLI_CMD_TIMEOUT" "$ISMS" "$@"; }
else
    isms() { "$ISMS" "$@"; }
fi

# Signing on the command line: the signer is the account given with --as,
# authenticated by its password read from stdin.
PW=${PW:-correct horse battery staple}
signed() {
    local acct=$1 v
    shift
    v="PW_$acct"
    printf '%s\n' "${!v:-$PW}" | isms "$@" --as "$acct"
}
make_account() {
    printf '%s\n' "$PW" | isms user add "$1" --role "$2" --person "$3" >/dev/null
}

# The real interpreter, not a version manager's slow wrapper script.
PY=${PY:-$(python3 -c 'import sys; print(sys.executable)')}
py() { "$PY" -I -S "$@"; }

# The line of the test file that called into this library.
_t_line() {
    local i
    for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
        if [ "${BASH_SOURCE[$i]}" != "${BASH_SOURCE[0]}" ]; then
            echo "${BASH_LINENO[$((i - 1))]}"
            return
        fi
    done
    echo "?"
}

_t_show() { # shows a captured stream, cut short
    local label=$1 file=$2 n
    n=$(wc -c <"$file")
    if [ "$n" -eq 0 ]; then
        echo "    $label: (empty)"
    else
        echo "    $label:"
        head -c 800 "$file" | sed 's/^/      | /'
        [ "$n" -gt 800 ] && printf '\n      | ... (%s bytes in all)\n' "$n"
    fi
}

# fail DESC [EXPECTED [ACTUAL]]
fail() {
    T_FAILS=$((T_FAILS + 1))
    echo "FAIL $T_NAME:$(_t_line): ${T_NOTE:+$T_NOTE: }$1"
    [ -n "$LAST_CMD" ] && echo "    command: $LAST_CMD"
    [ $# -ge 2 ] && echo "    expected: $2"
    [ $# -ge 3 ] && echo "    actual:   ${3//$'\n'/$'\n'              }"
    if [ -n "$LAST_CMD" ]; then
        echo "    status: $RC"
        _t_show stdout "$OUT"
        _t_show stderr "$ERR"
    fi
    return 1
}

note() { T_NOTE=$*; }

_t_quote() { # sets Q to the arguments, quoted for a shell
    local s="" a
    for a in "$@"; do
        if [ ${#a} -gt 80 ]; then
            a="${a:0:60}...(${#a} chars)"
        fi
        case $a in
        *[!A-Za-z0-9_./:=@,+-]* | '') s="$s '${a//\'/\'\\\'\'}'" ;;
        *) s="$s $a" ;;
        esac
    done
    Q=${s# }
}

# run CMD... — runs it, captures stdout in $OUT, stderr in $ERR, status in $RC.
run() {
    _t_quote "$@"
    LAST_CMD=$Q
    "$@" >"$OUT" 2>"$ERR"
    RC=$?
    T_CHECKS=$((T_CHECKS + 1))
    OUT_TEXT="" ERR_TEXT=""
    IFS= read -r -d '' OUT_TEXT <"$OUT"
    IFS= read -r -d '' ERR_TEXT <"$ERR"
    CRASHED=0
    if [ "$RC" -eq 124 ]; then
        CRASHED=1
        fail "did not finish within $CLI_CMD_TIMEOUT s (hung?)" "an exit" "stopped by timeout"
    elif [ "$RC" -ge 128 ]; then
        CRASHED=1
        fail "crashed (signal $((RC - 128)))" "no crash" "status $RC"
    elif [[ $ERR_TEXT =~ AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime\ error: ]]; then
        CRASHED=1
        fail "sanitizer report on stderr" "clean stderr" "sanitizer output"
    fi
    return 0
}

# (A crash is reported once, by run.)
ok() {
    run "$@"
    if [ "$RC" -ne 0 ] && [ "$CRASHED" = 0 ]; then
        fail "expected success" "status 0" "status $RC"
    fi
    [ "$RC" -eq 0 ]
}

fails() {
    local want=$1
    shift
    run "$@"
    if [ "$RC" -ne "$want" ] && [ "$CRASHED" = 0 ]; then
        fail "wrong exit status" "status $want" "status $RC"
    fi
    [ "$RC" -eq "$want" ]
}

out_has() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [[ $OUT_TEXT == *"$1"* ]] || fail "stdout lacks text" "stdout contains '$1'"
}
out_lacks() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [[ $OUT_TEXT != *"$1"* ]] || fail "stdout has unexpected text" "stdout without '$1'"
}
err_has() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [[ $ERR_TEXT == *"$1"* ]] || fail "stderr lacks text" "stderr contains '$1'"
}
err_lacks() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [[ $ERR_TEXT != *"$1"* ]] || fail "stderr has unexpected text" "stderr without '$1'"
}
out_is() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    local got=${OUT_TEXT%$'\n'}
    [ "$got" = "$1" ] || fail "stdout differs" "'$1'" "'$got'"
}
out_empty() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [ -z "$OUT_TEXT" ] || fail "stdout not empty" "empty stdout"
}

# list_has ID / list_lacks ID — whether the last `list --json` output holds
# a record with that id (without starting python: one record per line).
list_has() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [[ $OUT_TEXT == *'{"id":"'"$1"'",'* ]] || fail "list lacks $1" "a record with id $1"
}
list_lacks() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    [[ $OUT_TEXT != *'{"id":"'"$1"'",'* ]] || fail "list has $1" "no record with id $1"
}

# The last stdout, and its first line.
last_out() { printf '%s' "${OUT_TEXT%$'\n'}"; }
last_line() { printf '%s' "${OUT_TEXT%%$'\n'*}"; }

# json_check EXPR [ARG...] — EXPR is a python expression over d (the parsed
# last stdout); a is the list of ARGs. Fails when it is false or raises.
json_check() {
    T_CHECKS=$((T_CHECKS + 1))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    local expr=$1 msg
    shift
    msg=$(py -c '
import json, os, re, sys
E = os.environ
a = sys.argv[3:]
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as x:
    print("stdout is not JSON: %s" % x); sys.exit(1)
try:
    r = eval(sys.argv[2])
except Exception as x:
    print("%s: %s" % (type(x).__name__, x)); sys.exit(1)
if not r:
    print("false"); sys.exit(1)
' "$OUT" "$expr" "$@" 2>&1) || fail "json_check" "$expr${*:+ (a=$*)}" "$msg"
}

# json_all EXPR... — several json_check expressions in one python run (use
# E["NAME"] for parameters); each false one is reported.
json_all() {
    T_CHECKS=$((T_CHECKS + $#))
    [ "$CRASHED" = 1 ] && return 1 # already reported
    local msg
    msg=$(py -c '
import json, os, re, sys
E = os.environ
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as x:
    print("stdout is not JSON: %s" % x); sys.exit(1)
bad = 0
for expr in sys.argv[2:]:
    try:
        r = eval(expr)
    except Exception as x:
        r = None; print("%s -> %s: %s" % (expr, type(x).__name__, x)); bad = 1; continue
    if not r:
        print("%s -> false" % expr); bad = 1
sys.exit(bad)
' "$OUT" "$@" 2>&1) || fail "json_all" "all expressions true" "$msg"
}

# json_get EXPR [ARG...] — prints a python expression over the last stdout
# (strings as is, anything else as JSON). For computing values, not checking.
json_get() {
    local expr=$1
    shift
    py -c '
import json, os, re, sys
E = os.environ
a = sys.argv[3:]
d = json.load(open(sys.argv[1], encoding="utf-8"))
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
' "$OUT" "$expr" "$@"
}

# check DESC CMD... — a plain shell condition.
check() {
    T_CHECKS=$((T_CHECKS + 1))
    local desc=$1 LAST_CMD=""
    shift
    "$@" || fail "$desc" "true: $(_t_quote "$@"; echo "$Q")" "false"
}

# fingerprint FILE — a digest of the database content: the SQL dump (which
# does not depend on how pages or the WAL are laid out) plus what isms
# reports as its history. Run after the command under test.
fingerprint() {
    {
        sqlite3 "$1" .dump 2>&1
        echo "-- history"
        "$ISMS" -f "$1" history --json 2>&1
    } | sha256sum | cut -d' ' -f1
}

# dump_digest FILE / same_dump FILE DIGEST — the same from SQLite's own
# digest of every table's content and the schema (the history table
# included): one process instead of five, for checking after each of many
# refused commands.
dump_digest() {
    sqlite3 "$1" ".sha3sum --schema" 2>&1
}
# records_digest FILE — like dump_digest, without the sign-in tables
# (session, security_log): signing on the command line signs in, which is
# logged even when the sign-off is then refused.
records_digest() {
    sqlite3 "$1" "SELECT '.sha3sum ' || name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('session', 'security_log') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name" | sqlite3 "$1" 2>&1
}
same_records() {
    T_CHECKS=$((T_CHECKS + 1))
    local now
    now=$(records_digest "$1")
    [ "$now" = "$2" ] || fail "$1 changed" "records digest $2" "records digest $now"
}
same_dump() {
    T_CHECKS=$((T_CHECKS + 1))
    local now
    now=$(dump_digest "$1")
    [ "$now" = "$2" ] || fail "$1 changed" "dump digest $2" "dump digest $now"
}

# same_file FILE DIGEST — FILE still has fingerprint DIGEST.
same_file() {
    T_CHECKS=$((T_CHECKS + 1))
    local now
    now=$(fingerprint "$1")
    [ "$now" = "$2" ] || fail "$1 changed" "fingerprint $2" "fingerprint $now"
}

# history_count FILE — number of history entries.
history_count() {
    "$ISMS" -f "$1" history --json | py -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

# finish — the last line of every test file: an early exit is a failure.
T_FINISHED=0
finish() { T_FINISHED=1; exit 0; }

_t_end() {
    local rc=$?
    if [ "$T_FINISHED" -ne 1 ]; then
        echo "FAIL $T_NAME: the test script stopped early (status $rc) before calling finish"
        T_FAILS=$((T_FAILS + 1))
    fi
    echo "$T_NAME: $T_CHECKS checks, $T_FAILS failed"
    [ "$T_FAILS" -eq 0 ]
    exit $?
}
trap _t_end EXIT
