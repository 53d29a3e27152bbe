# t_documents.sh — document control (7.5) and acknowledgement (7.3) from the
# command line: the lifecycle draft → in review → approved → published, the
# previous version superseded; approved content that no generic edit can
# change; lifecycle fields set by the workflow only; sign-offs bound to the
# account given with --as (its password, like a login); versions shown as
# they were and diffed; acknowledgement completion per department; a new
# version asking again; overdue reviews.
. "$CLI_DIR/lib.sh"

ok isms init d.isms || finish
export ISMS_FILE=$PWD/d.isms
ok isms person add --name "Ann Board" --department Board            # P-0001
ok isms person add --name "Bob Staff" --department IT               # P-0002
ok isms person add --name "Cat Owner" --department IT               # P-0003
ok isms person add --name "Dan Sales" --department Sales            # P-0004
ok isms person add --name "Eve Left" --department IT --status left  # P-0005 (not asked)
ok isms role add --name Board --top-management yes --holders P-0001
ok isms role add --name "Sales team" --holders P-0004                # ROLE-0002
ok isms user add ann --role top-management --person P-0001 <<<"pw-ann-0123456789"
ok isms user add bob --role staff --person P-0002 <<<"pw-bob-0123456789"
ok isms user add cat --role manager --person P-0003 <<<"pw-cat-0123456789"

note "a new document is a draft; lifecycle fields are the workflow's"
ok isms document add --title "Information security policy" --kind policy --owner P-0003 \
    --reviewer P-0003 --classification internal --audience everyone --retention "10 years" \
    --body $'# Policy\n\nLock your screen.'
out_is "DOC-0001"
ok isms document show DOC-0001 --json
json_check 'd["status"] == "draft" and d["version"] is None and d["in_force"] is None'
for f in "status approved" "version 9.0" "approver P-0001" "approved-on 2026-01-01" "in-force 1"; do
    set -- $f
    fails 3 isms document edit DOC-0001 --$1 $2
    err_has "set by the document workflow"
done
fails 3 isms document add --title "x" --kind policy --owner P-0003 --status approved
err_has "set by the document workflow"
ok isms document edit DOC-0001 --body $'# Policy\n\nLock your screen.\n\nReport incidents.'

note "submit freezes version 1.0; its content cannot change in review"
ok isms document submit DOC-0001
out_has "in-review, version 1.0"
fails 5 isms document edit DOC-0001 --body "sneaky"
err_has "DOC-0001 is in review"
fails 5 isms document submit DOC-0001
err_has "only a draft is submitted"

note "review and approval are signed by accounts with the capacity"
fails 7 isms document review DOC-0001 --as bob <<<"pw-bob-0123456789"
err_has "document reviewer"
fails 8 isms document review DOC-0001 --as cat <<<"wrong-password"
err_has "wrong name or password"
fails 2 isms document review DOC-0001 --by P-0003
err_has "--as ACCOUNT"
fails 5 isms document approve DOC-0001 --as ann <<<"pw-ann-0123456789"
err_has "has not been reviewed"
ok isms document review DOC-0001 --as cat <<<"pw-cat-0123456789"
out_has "review signed by P-0003 (account cat)"
fails 7 isms document approve DOC-0001 --as cat <<<"pw-cat-0123456789"
err_has "top management"
ok isms document approve DOC-0001 --as ann --rationale "Board meeting" <<<"pw-ann-0123456789"
out_has "approved by P-0001 (account ann)"
ok isms document show DOC-0001 --json
json_all 'd["status"] == "approved" and d["version"] == "1.0" and d["in_force"] == 1' \
    'd["approver"] == "P-0001" and d["approved_on"] is not None' \
    'd["review_date"] > d["approved_on"]'
ok isms document publish DOC-0001
out_has "published"

note "approved content cannot change: a new draft with revise"
fails 5 isms document edit DOC-0001 --body "rewritten"
err_has "DOC-0001 is published: start a new draft with \`isms document revise DOC-0001\`"
fails 5 isms document edit DOC-0001 --title "Other title"
ok isms document edit DOC-0001 --notes "notes stay editable"
ok isms document show DOC-0001 --version 1 --json
json_check 'd["version"]["content"]["body"] == "# Policy\n\nLock your screen.\n\nReport incidents." and d["version"]["state"] == "published"'

note "acknowledgement: per version, per department, signed by the reader"
ok isms document acks DOC-0001 --json
json_all 'd["version"] == 1 and d["people"] == 4 and d["acknowledged"] == 0' \
    '{x["department"]: x["people"] for x in d["departments"]} == {"Board": 1, "IT": 2, "Sales": 1}'
ok isms document ack DOC-0001 --as bob <<<"pw-bob-0123456789"
out_has "acknowledged by P-0002 (account bob)"
ok isms document ack DOC-0001 --as bob <<<"pw-bob-0123456789"
out_has "already"
ok isms document acks DOC-0001 --json
json_all 'd["acknowledged"] == 1 and d["pending_count"] == 3' \
    '[x for x in d["departments"] if x["department"] == "IT"][0]["acknowledged"] == 1' \
    '"P-0002" not in [p["person"] for p in d["pending"]]'

note "a revision: the version in force stays until the next is approved"
ok isms document revise DOC-0001
out_has "draft, version 2.0, in force 1"
ok isms document edit DOC-0001 --body $'# Policy\n\nLock your screen.\n\nReport incidents at once.'
ok isms document submit DOC-0001
fails 3 isms document review DOC-0001 --send-back --as cat <<<"pw-cat-0123456789"
err_has "comment"
ok isms document review DOC-0001 --send-back --comment "say where" --as cat <<<"pw-cat-0123456789"
ok isms document show DOC-0001 --json
json_check 'd["status"] == "draft" and d["in_force"] == 1'
ok isms document edit DOC-0001 --body $'# Policy\n\nLock your screen.\n\nReport incidents at once to security@.'
ok isms document submit DOC-0001
out_has "version 3.0"
ok isms document review DOC-0001 --as cat <<<"pw-cat-0123456789"
ok isms document approve DOC-0001 --as ann <<<"pw-ann-0123456789"
ok isms document versions DOC-0001 --json
json_check '[(v["number"], v["state"]) for v in d] == [(1, "superseded"), (2, "sent-back"), (3, "approved")]'
ok isms document versions DOC-0001
out_has "1.0  superseded"
out_has "(kept: retention 10 years)"
out_has "approved by P-0001 (Ann Board), account ann"
ok isms document acks DOC-0001 --json
json_check 'd["version"] == 3 and d["acknowledged"] == 0 and d["people"] == 4'
ok isms document acks DOC-0001 --version 1 --json
json_check 'd["version"] == 1 and d["acknowledged"] == 1 and d["state"] == "superseded"'

note "diff of two versions: the Markdown line by line"
ok isms document diff 1 3 DOC-0001 --json
json_all '[x["text"] for x in d["body"] if x["change"] == "added"] == ["Report incidents at once to security@."]' \
    '[x["text"] for x in d["body"] if x["change"] == "removed"] == ["Report incidents."]'
ok isms document diff 1 3 DOC-0001
out_has "+ Report incidents at once to security@."
out_has "- Report incidents."
fails 4 isms document show DOC-0001 --version 9

note "audience by department and role"
ok isms document add --title "Sales procedure" --kind procedure --owner P-0003 \
    --audience selected --audience-departments " IT ,  Board" --audience-roles ROLE-0002 \
    --body "Sell safely."
out_is "DOC-0002"
ok isms document show DOC-0002 --json
json_check 'd["audience_departments"] == "IT,Board"'
ok isms document submit DOC-0002
ok isms document review DOC-0002 --as cat <<<"pw-cat-0123456789"
ok isms document approve DOC-0002 --as cat <<<"pw-cat-0123456789"
ok isms document acks DOC-0002 --json
json_all 'd["people"] == 4' \
    'sorted(x["department"] for x in d["departments"]) == ["Board", "IT", "Sales"]'

note "every sign-off and version is in the chain"
ok isms verify
out_has "ok"

note "overdue reviews"
ok isms document list --review-due --json
json_check 'd == []'
ok sqlite3 d.isms "UPDATE document SET review_date = '2020-01-01' WHERE ref = 'DOC-0002'"
ok isms document list --review-due --json
json_check '[x["id"] for x in d] == ["DOC-0002"]'
fails 5 isms verify
err_has "DOC-0002 differs from what its history says"
finish
