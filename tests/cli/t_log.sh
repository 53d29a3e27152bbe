# t_log.sh — the security log's events (isms log --event): the list the
# filter accepts (seclog_events in src/app/seclog.c) is complete and true —
# every event some code of src/ writes can be filtered, every event listed is
# written by some code — each listed event is accepted by `isms log --event`
# (the unknown one refused, naming the events), and events of single
# sign-on settings and webhooks made here are found by their filter.
. "$CLI_DIR/lib.sh"

SRC=$CLI_DIR/../../src
[ -f "$SRC/app/seclog.c" ] || fail "the sources are not at $SRC"
export ISMS_ACTOR=tester
ok isms init l.isms
export ISMS_FILE=$PWD/l.isms

note "the events listed, and the events the code writes"
# listed: the strings of seclog_events[]; written: the event argument of every
# call that writes the log (both arms of a ?: too)
py - "$SRC" >events.txt <<'PY'
import glob, os, re, sys
src = sys.argv[1]
text = open(os.path.join(src, "app", "seclog.c")).read()
body = re.search(r"seclog_events\[\]\s*=\s*\{(.*?)NULL\s*\}", text, re.S).group(1)
listed = re.findall(r'"([a-z0-9-]+)"', re.sub(r"/\*.*?\*/", "", body, flags=re.S))
def argument(code, i):
    """The C expression from code[i] to the next comma outside parentheses and strings."""
    depth, j = 0, i
    while j < len(code):
        c = code[j]
        if c == '"':
            j += 1
            while code[j] != '"':
                j += 2 if code[j] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        elif c == "," and depth == 0:
            break
        j += 1
    return code[i:j]
written = set()
# seclog(a, EVENT, ...), app_seclog_write(a, EVENT, ...), store_seclog_add(st, now, EVENT, ...),
# and the directory's: dlog(d, EVENT, ...), org_log(a, EVENT, ...) (directory.c)
calls = re.compile(r"\b(seclog|app_seclog_write|store_seclog_add|dlog|org_log)\(")
for path in glob.glob(os.path.join(src, "**", "*.c"), recursive=True):
    code = open(path, encoding="utf-8", errors="replace").read()
    for m in calls.finditer(code):
        i = m.end()
        for _ in range(2 if m.group(1) == "store_seclog_add" else 1):
            i += len(argument(code, i)) + 1
        arg = argument(code, i)
        # the literal itself, or the arms of a ?: (not a literal compared in its condition)
        written.update(re.findall(r'(?:^|[?:])\s*"([a-z0-9-]+)"', arg.strip()))
print(" ".join(listed))
print(" ".join(sorted(written)))
PY
LISTED=$(sed -n 1p events.txt)
WRITTEN=$(sed -n 2p events.txt)
check "seclog_events is found in the source" [ -n "$LISTED" ]
check "the writers are found in the source" [ -n "$WRITTEN" ]
for ev in $WRITTEN; do
    case " $LISTED " in *" $ev "*) ;; *) fail "the code writes '$ev', which the filter does not list" ;; esac
done
for ev in $LISTED; do
    case " $WRITTEN " in *" $ev "*) ;; *) fail "'$ev' is listed, but no code writes it" ;; esac
done
for ev in sso-failed sso-config webhook-add webhook-remove mail-settings calendar-feed calendar-revoke \
          login login-failed token-use role-change; do
    case " $LISTED " in *" $ev "*) ;; *) fail "'$ev' is not listed" ;; esac
done
case " $LISTED " in *" recovery-failed "*) fail "'recovery-failed' is listed (a failed recovery code is a totp-failed)" ;; esac

note "every listed event can be filtered"
for ev in $LISTED; do
    ok isms log --event "$ev" --json
    json_check 'all(x["event"] == a[0] for x in d["items"])' "$ev"
done
fails 3 isms log --event nope
err_has "event: no event nope; the events: login, login-failed"
err_has "sso-config"
check "nothing was written by the refusal" [ "$(sqlite3 l.isms 'SELECT count(*) FROM security_log')" = 0 ]

note "single sign-on settings and webhooks made here, found by their event"
ok isms sso local off
ok isms log --event sso-config --json
json_check 'len(d["items"]) == 1 and d["items"][0]["detail"] == "local passwords off" and d["items"][0]["actor"] == "tester"'
ok isms sso local on
ok isms log --event sso-config --json
json_check '[x["detail"] for x in d["items"]] == ["local passwords on", "local passwords off"]'
printf 's3cret-s3cret-s3cret\n' | ok isms webhook add "https://hooks.example.com/isms" --secret-stdin
ok isms log --event webhook-add --json
json_check 'len(d["items"]) == 1 and d["items"][0]["detail"] == "webhook to https://hooks.example.com/isms"'
ok isms webhook list --json
WH=$(json_get 'd[0]["id"]')
ok isms webhook remove "$WH"
ok isms log --event webhook-remove --json
json_check 'len(d["items"]) == 1 and d["items"][0]["detail"] == "webhook %s removed" % a[0]' "$WH"
ok isms log --event sso-failed --json
json_check 'd["items"] == []'
finish
