# t_verify_signoffs.sh — every sign-off row is checked against the history
# entry that recorded it (subject, version, kind, signed hash, account,
# signer, rationale, time): a row changed, added or deleted behind the
# program's back (sqlite3, triggers dropped) makes verify fail, naming the
# sign-off, what it signs and what differs.
. "$CLI_DIR/lib.sh"

ok isms init s.isms
export ISMS_FILE=s.isms
ok isms person add --name "Chair"
ok isms person add --name "Other"
ok isms role add --name Board --top-management yes --holders P-0001
make_account chair top-management P-0001
ok isms soa --json
# people: an applicable control needs an owner before the SoA is approved
for id in $(json_get "' '.join(r['id'] for r in d)"); do
    isms soa set "$id" --applicable yes --justification "needed" --status planned --owner P-0001 >/dev/null ||
        fail "soa set $id"
done
ok signed chair soa approve --note "first"
out_has "version 1 approved"
ok isms verify
out_has "1 sign-offs match the entries that recorded them"
ok sqlite3 s.isms "SELECT id, kind, person FROM signoff"
out_has "1|approval|P-0001"

tamper() { # FILE SQL: a copy of s.isms altered behind the program's back
    cp s.isms "$1"
    sqlite3 "$1" "DROP TRIGGER signoff_append_only_u; DROP TRIGGER signoff_append_only_d; $2" ||
        fail "tampering $1"
}

note "the signer changed in the table: verify names the sign-off and the signer"
tamper a.isms "UPDATE signoff SET person = 'P-0002' WHERE id = 1"
fails 5 isms -f a.isms verify
err_has "sign-off #1 (approval of soa iso27001-2022 version 1)"
err_has "differs from history entry #"
err_has "its signer"
err_has "changed behind the program's back"

note "the signed hash changed"
tamper b.isms "UPDATE signoff SET signed_sha256 = '$(printf 0%.0s $(seq 64))' WHERE id = 1"
fails 5 isms -f b.isms verify
err_has "sign-off #1 (approval of soa iso27001-2022 version 1)"
err_has "its signed hash"

note "the account changed, and the account removed (as if migrated)"
tamper c.isms "UPDATE signoff SET account_name = 'mallory' WHERE id = 1"
fails 5 isms -f c.isms verify
err_has "its account"
tamper d.isms "UPDATE signoff SET account = NULL, account_name = '' WHERE id = 1"
fails 5 isms -f d.isms verify
err_has "sign-off #1"
err_has "its account"

note "the version and the subject changed"
tamper e.isms "UPDATE signoff SET version = 2 WHERE id = 1"
fails 5 isms -f e.isms verify
err_has "its version"
tamper f.isms "UPDATE signoff SET subject_id = 'iso27001-2013' WHERE id = 1"
fails 5 isms -f f.isms verify
err_has "its subject"

note "the rationale changed"
tamper g.isms "UPDATE signoff SET rationale = 'edited later' WHERE id = 1"
fails 5 isms -f g.isms verify
err_has "its rationale"

note "a sign-off deleted: the entry that recorded it names it"
tamper h.isms "DELETE FROM signoff WHERE id = 1"
fails 5 isms -f h.isms verify
err_has "recorded sign-off #1 (approval of soa iso27001-2022)"
err_has "deleted behind the program's back"

note "a sign-off added without history, with or without an account"
tamper i.isms "INSERT INTO signoff (subject_kind, subject_id, version, kind, capacity, signed_sha256, account, account_name, person, at) SELECT subject_kind, subject_id, version, kind, capacity, signed_sha256, account, account_name, 'P-0002', at FROM signoff WHERE id = 1"
fails 5 isms -f i.isms verify
err_has "sign-off #2 (approval of soa iso27001-2022 version 1) has no history entry"
tamper j.isms "INSERT INTO signoff (subject_kind, subject_id, kind, capacity, signed_sha256, account, account_name, person, at) VALUES ('plan', 'plan', 'approval', 'top-management', 'x', NULL, '', 'P-0002', '2026-01-01T00:00:00Z')"
fails 5 isms -f j.isms verify
err_has "sign-off #2 (approval of plan plan) has no history entry"

note "the untouched file still verifies"
ok isms verify
finish
