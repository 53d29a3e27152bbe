# t_http.sh — the HTTP suite (tests/http) on PostgreSQL: tests/http/run in
# its PostgreSQL mode (ISMS_TEST_PG), where every ISMS a test makes through
# the harness (demo_file, init_file) is a database of its own in this
# cluster and the real server is started on its URL. These files run
# unchanged on both engines (the crash test among them: SIGKILL under
# writers, then every acknowledged write there and verify clean).
#
# The other files of tests/http examine the SQLite file itself, so they
# are SQLite's alone until they have a PostgreSQL variant: the sqlite3
# module or SQL of SQLite's dialect on the file (t_accounts, t_auth,
# t_derived's history_tables, t_improve, t_people, t_review, t_security,
# t_sharing, t_signoff, t_sortkeys, t_suppliers), files copied, removed or
# made read-only (t_attach's tampering and backup, t_backup, t_file_gone,
# t_lockout's read-only file, t_privdrop), serve --dir over *.isms files
# (t_directory, t_hostile's multi-organization part, t_multi), and
# t_framework.
# Run by tests/pg/run (sources tests/cli/lib.sh).
# shellcheck shell=bash source=tests/cli/lib.sh
. "$CLI_DIR/lib.sh"
: "${PG_URL:?}" "${ISMS:?}" "${PGBIN:?}"
HTTP_RUN=$(cd "$CLI_DIR/../http" && pwd)/run
# the databases the harness made (one per ISMS of a test)
q_count() {
    "$PGBIN/psql" "$PG_URL" -X -A -t -q -c "SELECT count(*) FROM pg_database WHERE datname LIKE 't\_%'"
}
BOTH=(t_audit t_bundle t_calendar t_crash t_demo_evidence t_doc_file t_documents t_exports
    t_external t_group t_import t_metrics t_ops t_pagecache t_readiness t_records t_refs
    t_report t_roles t_shutdown t_slowloris t_strict t_tasks t_tls t_webhook)

note "tests/http on PostgreSQL"
ISMS_TEST_PG=$PG_URL ok "$HTTP_RUN" "${BOTH[@]}"
out_has "http: ${#BOTH[@]} passed, 0 failed"
check "the servers ran on PostgreSQL (databases made: $(q_count))" [ "$(q_count)" -ge "${#BOTH[@]}" ]
finish
