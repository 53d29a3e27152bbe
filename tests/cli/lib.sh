# lib.sh — helpers for the end-to-end CLI tests (sourced by every t_*.sh).
#
# The runner (tests/cli/run) starts each test file with bash in a fresh,
# empty temporary directory, with $ISMS the binary under test and $CLI_DIR
# this directory. Helpers:
#
#   isms ARGS...          the binary under test (a function; use in pipes too)
#   run CMD...            run CMD, keep stdout/stderr/status for the checks below
#   ok CMD...             run CMD, expect exit status 0
#   fails STATUS CMD...   run CMD, expect exactly exit status STATUS
#   out_has TEXT / out_lacks TEXT   check the last command's stdout
#   err_has TEXT / err_lacks TEXT   check the last command's stderr
#   out_is TEXT           stdout equals TEXT (trailing newline ignored)
#   json_check EXPR [ARG...]  python3 expression over d = json of last stdout;
#                         a = the ARGs, E = os.environ, json/re/os available
#   fingerprint FILE      print a digest of FILE's content (.dump + history)
#   same_file FILE DIGEST check FILE still has the given fingerprint
#   check DESC COND...    run a shell test (e.g. check "n is 3" [ "$n" = 3 ])
#   note TEXT             describe the checks that follow (shown on failure)
#   fail DESC             record a failure (with file and line)
#   finish                the test file's last line
#
# Every command run through run/ok/fails is also checked for crashes: a
# status of 128 or more (signal), or sanitizer output on stderr, is always a
# failure. Nothing here depends on timing.

: "${ISMS:?ISMS must name the binary under test}"
CLI_DIR=${CLI_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
T_NAME=${T_NAME:-$(basename "$0")}
T_CHECKS=0
T_FAILS=0
T_NOTE=""
OUT=$PWD/.out
ERR=$PWD/.err
RC=0
LAST_CMD=""
: >"$OUT"
: >"$ERR"

isms() { "$ISMS" "$@"; }

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
        head -c 1500 "$file" | sed 's/^/      | /'
        [ "$n" -gt 1500 ] && echo "      | ... ($n bytes)"
    fi
}

# fail DESC [EXPECTED [ACTUAL]]
fail() {
    T_FAILS=$((T_FAILS + 1))
    echo "FAIL $T_NAME:$(_t_line): ${T_NOTE:+$T_NOTE: }$1"
    [ -n "$LAST_CMD" ] && echo "    command: $LAST_CMD"
    [ $# -ge 2 ] && echo "    expected: $2"
    [ $# -ge 3 ] && echo "    actual:   $3"
    if [ -n "$LAST_CMD" ]; then
        echo "    status: $RC"
        _t_show stdout "$OUT"
        _t_show stderr "$ERR"
    fi
    return 1
}

note() { T_NOTE=$*; }

_t_quote() {
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
    printf '%s' "${s# }"
}

# run CMD... — runs it, captures stdout in $OUT, stderr in $ERR, status in $RC.
run() {
    LAST_CMD=$(_t_quote "$@")
    "$@" >"$OUT" 2>"$ERR"
    RC=$?
    T_CHECKS=$((T_CHECKS + 1))
    if [ "$RC" -ge 128 ]; then
        fail "crashed (signal $((RC - 128)))" "no crash" "status $RC"
    elif grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$ERR"; then
        fail "sanitizer report on stderr" "clean stderr" "sanitizer output"
    fi
    return 0
}

ok() {
    run "$@"
    if [ "$RC" -ne 0 ]; then
        fail "expected success" "status 0" "status $RC"
        return 1
    fi
}

fails() {
    local want=$1
    shift
    run "$@"
    if [ "$RC" -ne "$want" ]; then
        fail "wrong exit status" "status $want" "status $RC"
        return 1
    fi
}

_t_has() { # _t_has FILE TEXT
    grep -qF -- "$2" "$1"
}

out_has() {
    T_CHECKS=$((T_CHECKS + 1))
    _t_has "$OUT" "$1" || fail "stdout lacks text" "stdout contains '$1'"
}
out_lacks() {
    T_CHECKS=$((T_CHECKS + 1))
    ! _t_has "$OUT" "$1" || fail "stdout has unexpected text" "stdout without '$1'"
}
err_has() {
    T_CHECKS=$((T_CHECKS + 1))
    _t_has "$ERR" "$1" || fail "stderr lacks text" "stderr contains '$1'"
}
err_lacks() {
    T_CHECKS=$((T_CHECKS + 1))
    ! _t_has "$ERR" "$1" || fail "stderr has unexpected text" "stderr without '$1'"
}
out_is() {
    T_CHECKS=$((T_CHECKS + 1))
    local got
    got=$(cat "$OUT")
    [ "$got" = "$1" ] || fail "stdout differs" "'$1'" "'$got'"
}
out_empty() {
    T_CHECKS=$((T_CHECKS + 1))
    [ ! -s "$OUT" ] || fail "stdout not empty" "empty stdout"
}

# The last stdout, and its first line.
last_out() { cat "$OUT"; }
last_line() { head -n 1 "$OUT"; }

# json_check EXPR [ARG...] — EXPR is a python expression over d (the parsed
# last stdout); a is the list of ARGs. Fails when it is false or raises.
json_check() {
    T_CHECKS=$((T_CHECKS + 1))
    local expr=$1 msg
    shift
    msg=$(python3 -c '
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

# json_get EXPR [ARG...] — prints a python expression over the last stdout
# (strings as is, anything else as JSON). For computing values, not checking.
json_get() {
    local expr=$1
    shift
    python3 -c '
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
    local desc=$1
    shift
    "$@" || fail "$desc" "true: $(_t_quote "$@")" "false"
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

# same_file FILE DIGEST — FILE still has fingerprint DIGEST.
same_file() {
    T_CHECKS=$((T_CHECKS + 1))
    local now
    now=$(fingerprint "$1")
    [ "$now" = "$2" ] || fail "$1 changed" "fingerprint $2" "fingerprint $now"
}

# history_count FILE — number of history entries.
history_count() {
    "$ISMS" -f "$1" history --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
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
