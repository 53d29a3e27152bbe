# t_faults.sh — fault injection in the store (debug builds, -DISMS_FAULTS,
# which the sanitizer build has): the N-th storage call fails as a full,
# busy or broken disk would. For whole multi-record operations, every N
# until the operation succeeds must give a clear storage error (exit 6) and
# leave the file exactly as it was. The release binary has no injection:
# then this file only notes that it was skipped.
. "$CLI_DIR/lib.sh"

ok isms init f.isms
export ISMS_FILE=f.isms
run env ISMS_FAULT_AT=1 "$ISMS" risk list
if [ "$RC" -ne 6 ]; then
    echo "      note: this binary has no fault injection (release build); skipped"
    finish
fi

# a small ISMS: everything below touches several records in one transaction
ok isms person add --name "Chair"
ok isms person add --name "Owner"
ok isms role add --name Board --top-management yes --holders P-0001
make_account chair top-management P-0001
ok isms asset add --name "Payroll DB" --kind information --owner P-0002 --confidentiality 5
ok isms asset add --name "DB server" --kind hardware --owner P-0002 --depends-on A-0001
for i in 1 2 3 4; do
    ok isms risk add --title "Risk $i" --owner P-0002 --assets A-0001 --likelihood $i \
        --consequence 4 --controls 8.24
done
ok isms action add --title "Encrypt" --owner P-0002 --risks R-0001,R-0002 --controls 8.24
cat > m3.json <<'JSON'
{"name": "Three by five", "scoring": "product",
 "likelihood": [{"label": "Low"}, {"label": "Medium"}, {"label": "High"}, {"label": "Very high"}],
 "consequence": [{"label": "1"}, {"label": "2"}, {"label": "3"}, {"label": "4"}, {"label": "5"}],
 "levels": [{"name": "green", "min": 1, "max": 5, "colour": "#00aa00", "review_days": 365},
            {"name": "amber", "min": 6, "max": 11, "colour": "#ffaa00", "review_days": 90},
            {"name": "red", "min": 12, "max": 20, "colour": "#aa0000", "review_days": 30}],
 "acceptance": {"max_score": 5}}
JSON

# inject KIND: run CMD with faults at N = 1, 2, ... until it succeeds
inject() {
    local kind=$1
    shift
    local n=1 before
    before=$(dump_digest f.isms)
    while [ $n -le 2000 ]; do
        run env ISMS_FAULT_AT=$n ISMS_FAULT_KIND="$kind" "$ISMS" "$@"
        if [ "$RC" -eq 0 ]; then
            break
        fi
        T_CHECKS=$((T_CHECKS + 1))
        if [ "$RC" -ne 6 ] || ! grep -q "injected fault" "$ERR"; then
            fail "$* with a $kind fault at call $n: clear storage error (6)" "status 6" \
                "status $RC: $(cat "$ERR")"
            return
        fi
        same_dump f.isms "$before"
        n=$((n + 1))
    done
    T_CHECKS=$((T_CHECKS + 1))
    [ "$RC" -eq 0 ] || fail "$* never succeeded"
    echo "      note: $*: $((n - 1)) injected $kind faults, each left the file unchanged"
}

# inject_signed ACCOUNT KIND CMD...: the same for a command that signs as
# ACCOUNT (--as, its password on stdin). Signing in is logged (session,
# security_log), so the records are compared without those two tables. A
# fault while the account is read makes the sign-in fail as a sign-in does
# (8, one message for every cause); the file is unchanged either way.
_signed_fault() {
    local n=$1 kind=$2 acct=$3
    shift 3
    printf '%s\n' "$PW" | env ISMS_FAULT_AT="$n" ISMS_FAULT_KIND="$kind" "$ISMS" "$@" --as "$acct"
}
inject_signed() {
    local acct=$1 kind=$2
    shift 2
    local n=1 before
    before=$(records_digest f.isms)
    while [ $n -le 2000 ]; do
        run _signed_fault "$n" "$kind" "$acct" "$@"
        if [ "$RC" -eq 0 ]; then
            break
        fi
        T_CHECKS=$((T_CHECKS + 1))
        if ! { [ "$RC" -eq 6 ] && grep -q "injected fault" "$ERR"; } &&
            ! { [ "$RC" -eq 8 ] && grep -q "wrong name or password" "$ERR"; }; then
            fail "$* with a $kind fault at call $n: clear storage error (6)" "status 6" \
                "status $RC: $(cat "$ERR")"
            return
        fi
        same_records f.isms "$before"
        n=$((n + 1))
    done
    T_CHECKS=$((T_CHECKS + 1))
    [ "$RC" -eq 0 ] || fail "$* never succeeded"
    echo "      note: $*: $((n - 1)) injected $kind faults, each left the records unchanged"
}

note "method import re-scoring every risk"
inject io method import m3.json
note "accepting a risk (approval, journal and status together)"
inject_signed chair full risk accept R-0004 --rationale "Board decision"
note "an asset change that flags the risks on it"
inject busy asset edit A-0001 --integrity 4
note "a treatment action completed, flagging two risks"
inject io action edit ACT-0001 --status done
note "the plan approved"
inject_signed chair full plan approve
ok isms verify
finish
