# t_readonly.sh — an ISMS file that cannot be written (issue 9, item 8):
# reads work; every write says the file is read-only, naming it (not
# "allocating an identifier failed"), exits 6 and writes nothing. Root can
# write any file, so as root the commands run as nobody.
. "$CLI_DIR/lib.sh"

d=$(mktemp -d /tmp/isms-ro-cli.XXXXXX)
trap 'rm -rf "$d"; _t_end' EXIT
chmod 755 "$d"
ok isms init "$d/ro.isms"
ok isms -f "$d/ro.isms" person add --name "Rita Reader"
before=$(history_count "$d/ro.isms")
chmod 444 "$d/ro.isms"
as=()
if [ "$(id -u)" = 0 ]; then
    chown 65534 "$d"
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

note "reads of a read-only file work"
ok "${as[@]}" "$ISMS" -f "$d/ro.isms" person list --json
json_check 'len(d) == 1'

note "a new record: read-only, naming the file"
fails 6 "${as[@]}" "$ISMS" -f "$d/ro.isms" person add --name "Walter Writer"
err_has "ro.isms is read-only"
err_lacks "identifier"

note "an edit and a retirement: the same"
fails 6 "${as[@]}" "$ISMS" -f "$d/ro.isms" person edit P-0001 --notes changed
err_has "ro.isms is read-only"
fails 6 "${as[@]}" "$ISMS" -f "$d/ro.isms" person retire P-0001
err_has "ro.isms is read-only"

note "an account: the same"
run sh -c 'printf "%s\n" "a-password-0123456789" | "$@"' sh "${as[@]}" "$ISMS" -f "$d/ro.isms" \
    user add rita --role admin
check "user add exits 6" [ "$RC" = 6 ]
err_has "read-only"

check "nothing was written" [ "$(history_count "$d/ro.isms")" = "$before" ]
finish
