# t_attach.sh — evidence files from the command line: attach, list, get the
# same bytes back, content stored once, removal as a history entry; a blob
# changed with sqlite3 is refused by get and named by verify; backups hold
# the content; bad input (missing file, bad date, unknown record, retired
# record, bad name) gets a clear error and writes nothing.
. "$CLI_DIR/lib.sh"

bytes() { sha256sum "$1" | cut -d' ' -f1; }
export ISMS_FILE=att.isms

note "setting up"
ok isms init att.isms || finish
ok isms person add --name "Eve Owner"
ok isms risk add --title "Laptop theft" --owner P-0001 --likelihood 2 --consequence 3
ok isms risk add --title "Retired one" --owner P-0001 --likelihood 1 --consequence 1
ok isms risk retire R-0002
head -c 300000 /dev/urandom >report.pdf
printf '<html><script>alert(1)</script></html>\n' >page.html
cp report.pdf same-bytes.bin

note "attach, list, get"
ok isms attach R-0001 report.pdf --valid-until 2099-12-31
out_has "ATT-0001"
out_has "$(bytes report.pdf)"
ok isms attach R-0001 page.html --name "evidence/../scan page.html"
out_has "ATT-0002: scan page.html attached to R-0001"
ok isms attachments R-0001
out_has "report.pdf"
out_has "expires in"
ok isms attachments R-0001 --json
json_all 'len(d) == 2' \
    'd[0]["id"] == "ATT-0001" and d[0]["name"] == "report.pdf" and d[0]["size"] == 300000' \
    'd[0]["media_type"] == "application/pdf" and d[0]["valid_until"] == "2099-12-31"' \
    'd[0]["expired"] is False and d[0]["expires_in_days"] > 20000' \
    'd[1]["media_type"] == "application/octet-stream" and d[1]["valid_until"] is None'
ok isms attachment get ATT-0001 -o out.pdf
check "get gives identical bytes" [ "$(bytes out.pdf)" = "$(bytes report.pdf)" ]
ok isms attachment show ATT-0001 --json
json_check 'd["subject"] == "R-0001" and d["added_by"].startswith("cli:")'

note "content is stored once by SHA-256"
ok isms attach R-0001 same-bytes.bin --valid-until 2020-01-01
ok sqlite3 att.isms "SELECT count(*) FROM blob"
out_is "2"
ok isms attachments R-0001 --json
json_check 'd[2]["expired"] is True and d[2]["expires_in_days"] < 0'
ok isms attachments R-0001
out_has "expired"

note "history entries: hash, name, size, never the bytes"
ok sqlite3 att.isms "SELECT after FROM history WHERE type='attachment' AND action='attach' AND ref='R-0001' ORDER BY seq LIMIT 1"
out_has "$(bytes report.pdf)"
out_has '"size":300000'
ok sqlite3 att.isms "SELECT max(length(after)) < 1000 FROM history WHERE type='attachment'"
out_is "1"
ok isms history R-0001
out_has "attach"

note "removal"
ok isms attachment remove ATT-0002
fails 5 isms attachment remove ATT-0002
err_has "already removed"
fails 4 isms attachment get ATT-0002 -o gone.html
check "nothing written for a removed attachment" [ ! -e gone.html ]
ok isms attachments R-0001 --json
json_check 'len(d) == 2'
ok isms attachments R-0001 --all --json
json_check 'len(d) == 3 and d[1]["removed_at"]'
ok isms verify
out_has "2 evidence files match their SHA-256"

note "bad input: clear errors, nothing written"
h=$(history_count att.isms)
d=$(dump_digest att.isms)
fails 4 isms attach R-0001 no-such-file.pdf
err_has "no-such-file.pdf"
fails 3 isms attach R-0001 report.pdf --valid-until 2026-02-30
err_has "valid_until"
fails 3 isms attach R-0001 report.pdf --valid-until tomorrow
err_has "YYYY-MM-DD"
fails 4 isms attach R-0999 report.pdf
err_has "no record R-0999"
fails 4 isms attach NOPE report.pdf
fails 5 isms attach R-0002 report.pdf
err_has "retired"
fails 3 isms attach R-0001 report.pdf --name "a$(printf '\t')b.pdf"
err_has "name"
fails 3 isms attach R-0001 report.pdf --name "../"
fails 2 isms attach R-0001
fails 2 isms attach R-0001 report.pdf --colour red
fails 4 isms attachment get ATT-0099 -o x.bin
fails 4 isms attachment get "R-0001" -o x.bin
fails 4 isms attachments R-0999
fails 2 isms attachment get ATT-0001
check "no file written by refused gets" [ ! -e x.bin ]
check "nothing was journaled" [ "$(history_count att.isms)" = "$h" ]
same_dump att.isms "$d"

note "backup holds the content"
ok isms backup att.isms copy.isms
ok isms -f copy.isms attachment get ATT-0001 -o from-backup.pdf
check "the backup's attachment has the same bytes" [ "$(bytes from-backup.pdf)" = "$(bytes report.pdf)" ]
ok isms verify copy.isms

note "a blob changed behind the program's back"
ok cp att.isms bad.isms
ok sqlite3 bad.isms "UPDATE blob SET data = randomblob(300000) WHERE size = 300000"
fails 5 isms -f bad.isms attachment get ATT-0001 -o tampered.pdf
err_has "ATT-0001"
err_has "R-0001"
check "a refused get writes no file" [ ! -e tampered.pdf ]
fails 5 isms verify bad.isms
err_has "ATT-0001"
err_has "report.pdf"
ok cp att.isms short.isms
ok sqlite3 short.isms "UPDATE blob SET data = zeroblob(10) WHERE size = 300000"
fails 5 isms verify short.isms
err_has "ATT-0001"
fails 6 isms restore bad.isms restored.isms
check "restore refuses the tampered file" [ ! -e restored.isms ]
note "attaching the right bytes again repairs the stored content"
ok isms -f bad.isms attach R-0001 report.pdf --name "re-attached.pdf"
ok isms verify bad.isms
ok isms -f bad.isms attachment get ATT-0001 -o repaired.pdf
check "the first attachment reads the right bytes again" [ "$(bytes repaired.pdf)" = "$(bytes report.pdf)" ]
ok sqlite3 bad.isms "SELECT count(*) FROM blob"
out_is "2"
ok isms -f short.isms attach R-0001 report.pdf
ok isms verify short.isms
note "an attachment row changed or added behind the program's back"
ok cp att.isms rows.isms
ok sqlite3 rows.isms "UPDATE attachment SET valid_until = '2100-01-01' WHERE ref = 'ATT-0001'"
fails 5 isms verify rows.isms
err_has "ATT-0001"
ok cp att.isms rows2.isms
ok sqlite3 rows2.isms "INSERT INTO attachment (ref, subject, name, media_type, size, sha256, added_at, added_by) SELECT 'ATT-0050', 'R-0001', 'forged.pdf', 'application/pdf', size, sha256, added_at, added_by FROM attachment WHERE ref = 'ATT-0001'"
fails 5 isms verify rows2.isms
err_has "ATT-0050"
note "the schema refuses rewriting what was attached"
fails 19 sqlite3 att.isms "UPDATE attachment SET sha256 = 'x' WHERE ref = 'ATT-0001'"
fails 19 sqlite3 att.isms "DELETE FROM blob"
fails 19 sqlite3 att.isms "DELETE FROM attachment"
ok isms verify

note "the demo's evidence files"
ok isms demo demo.isms
ok isms -f demo.isms attachments 8.8 --json
json_check 'len(d) == 1 and d[0]["media_type"] == "application/pdf" and not d[0]["expired"]'
ok isms -f demo.isms attachment get "$(json_get 'd[0]["id"]')" -o pentest.pdf
check "the pen-test report is a PDF" [ "$(head -c 5 pentest.pdf)" = "%PDF-" ]
ok isms -f demo.isms attachments SUP-0001 --json
json_check 'd[0]["media_type"] == "image/png" and 0 <= d[0]["expires_in_days"] <= 30'
ok isms -f demo.isms attachments P-0005 --json
json_check 'd[0]["expired"] is True'
ok isms -f demo.isms attachments --expiring 30 --json
json_check 'sorted(x["subject"] for x in d) == ["P-0005", "SUP-0001"]'
ok isms -f demo.isms attachments --expiring 365
out_has "8.8"
fails 2 isms -f demo.isms attachments --expiring soon
ok isms -f demo.isms verify
out_has "3 evidence files"

finish
