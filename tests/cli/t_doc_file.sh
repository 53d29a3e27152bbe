# t_doc_file.sh — a document's content as an attached PDF or DOCX instead of
# Markdown: `isms document revise ID --file F` attaches it (an evidence file of
# the document) and names it in the draft; submitting freezes its identifier
# and SHA-256 in the version's content, so the approval signs those bytes.
# The type is decided by the bytes (%PDF-, or a zip holding
# word/document.xml, read with libarchive) and refused otherwise, with
# nothing written; the content file of a version cannot be removed.
. "$CLI_DIR/lib.sh"

ok isms init d.isms || finish
export ISMS_FILE=$PWD/d.isms
ok isms person add --name "Ann Board"                               # P-0001
ok isms person add --name "Cat Owner"                               # P-0002
ok isms role add --name Board --top-management yes --holders P-0001
make_account ann top-management P-0001
make_account cat manager P-0002

# the files: a small real PDF, a DOCX (zip with word/document.xml), and fakes
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >policy.pdf
py - <<'PY'
import zipfile
with zipfile.ZipFile("policy.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
    z.writestr("word/document.xml", "<?xml version='1.0'?><w:document/>")
with zipfile.ZipFile("notword.docx", "w") as z:
    z.writestr("content.xml", "<office:document/>")
# hostile: 30,000 entries (the reader stops at 20,000, in its confined child)
with zipfile.ZipFile("many.docx", "w") as z:
    for i in range(30000):
        z.writestr("e/%d" % i, "")
    z.writestr("word/document.xml", "<w:document/>")
PY
printf 'just text\n' >notes.pdf
printf '<html><script>alert(1)</script></html>\n' >page.html
cp policy.pdf renamed.docx
head -c 30 policy.docx >broken.docx

note "a Markdown policy approved and published (version 1.0 in force)"
ok isms document add --title "Backup policy" --kind procedure --owner P-0002 --reviewer P-0002 \
    --body $'# Backup\n\nDaily.'
ok isms document submit DOC-0001
ok signed cat document review DOC-0001
ok signed cat document approve DOC-0001
ok isms document publish DOC-0001
out_has "published"

note "refused: not a PDF or DOCX, a zip without word/document.xml, a name that lies; nothing written"
before=$(dump_digest d.isms)
fails 3 isms document revise DOC-0001 --file notes.pdf
err_has "file: notes.pdf is neither a PDF (it does not start with %PDF-) nor a Word document"
fails 3 isms document revise DOC-0001 --file page.html
err_has "page.html is neither a PDF"
fails 3 isms document revise DOC-0001 --file notword.docx
err_has "a DOCX is a zip holding word/document.xml"
fails 3 isms document revise DOC-0001 --file broken.docx
err_has "broken.docx is neither"
t0=$(date +%s)
fails 3 isms document revise DOC-0001 --file many.docx
err_has "many.docx is neither"
check "a zip of 30,000 entries is refused within 10 s" [ $(( $(date +%s) - t0 )) -le 10 ]
fails 3 isms document revise DOC-0001 --file renamed.docx
err_has "name: renamed.docx holds a PDF; give it a name ending in .pdf"
fails 4 isms document revise DOC-0001 --file missing.pdf
err_has "missing.pdf"
fails 2 isms document revise DOC-0001 --name x.pdf
err_has "--name names the file"
same_dump d.isms "$before"
ok isms document show DOC-0001 --json
json_check 'd["status"] == "published" and d["content_file"] is None'

note "revise --file: a new draft whose content is the PDF; the version in force stays"
ok isms document revise DOC-0001 --file policy.pdf
out_has "is the content of DOC-0001"
out_has "is a new draft: draft, version 2.0, in force 1"
pdf_sha=$(sha256sum policy.pdf | cut -d' ' -f1)
out_has "$pdf_sha"
ok isms document show DOC-0001 --json
json_check "d['status'] == 'draft' and d['content_file'] == 'ATT-0001' and d['content_sha256'] == '$pdf_sha'"
ok isms attachments DOC-0001 --json
json_check "len(d) == 1 and d[0]['name'] == 'policy.pdf' and d[0]['media_type'] == 'application/pdf'"

note "a draft takes another file as it is (no new version number): the DOCX"
ok isms document revise DOC-0001 --file policy.docx
out_has "is a draft: draft, version 2.0"
docx_sha=$(sha256sum policy.docx | cut -d' ' -f1)
ok isms document show DOC-0001 --json
json_check "d['content_file'] == 'ATT-0002' and d['content_sha256'] == '$docx_sha'"
note "the PDF no longer is the content: it may be removed"
ok isms attachment remove ATT-0001
ok isms document revise DOC-0001 --file policy.pdf --name "Backup policy 2.pdf"
out_has "ATT-0003: Backup policy 2.pdf is the content of DOC-0001"

note "submit freezes the file's identifier and SHA-256 in version 2.0"
ok isms document submit DOC-0001
out_has "in-review, version 2.0"
ok isms document show DOC-0001 --version 2 --json
json_check "d['version']['content']['content_file'] == 'ATT-0003' and d['version']['content']['content_sha256'] == '$pdf_sha'"
ok isms document show DOC-0001 --version 1 --json
json_check "'content_file' not in d['version']['content']"
fails 5 isms document revise DOC-0001 --file policy.docx
err_has "DOC-0001 is in-review: its content changes in a draft"
ok signed cat document review DOC-0001
ok signed cat document approve DOC-0001
ok isms document show DOC-0001 --json
json_check "d['status'] == 'approved' and d['in_force'] == 2"

note "the content file of a version is not removed; its bytes come back exactly"
fails 5 isms attachment remove ATT-0003
err_has "ATT-0003 is the content of DOC-0001"
ok isms attachment get ATT-0003 -o back.pdf
check "the stored content is the PDF" cmp -s back.pdf policy.pdf
note "the DOCX, content of no version any more, but frozen nowhere: removable"
ok isms attachment remove ATT-0002

note "a diff between the Markdown and the file version names the file fields"
ok isms document diff 1 2 DOC-0001 --json
json_check "any(c['field'] == 'content_sha256' and c['to'] == '$pdf_sha' for c in d['fields'])"

note "back to Markdown: --no-file starts a new draft naming no file; version 2.0 keeps its file"
fails 2 isms document revise DOC-0001 --file policy.pdf --no-file
err_has "not both"
ok isms document revise DOC-0001 --no-file
out_has "is a new draft, its content Markdown: draft, version 3.0, in force 2"
ok isms document show DOC-0001 --json
json_check "d['content_file'] is None and d['content_sha256'] is None and d['in_force'] == 2"
fails 5 isms document revise DOC-0001 --no-file
err_has "has no content file: its content is Markdown already"
ok isms document edit DOC-0001 --body $'# Backup\n\nDaily, and tested monthly.'
ok isms document submit DOC-0001
out_has "version 3.0"
ok isms document show DOC-0001 --version 3 --json
json_check "'content_file' not in d['version']['content'] and 'monthly' in d['version']['content']['body']"
fails 5 isms attachment remove ATT-0003
err_has "ATT-0003 is the content of DOC-0001 version 2.0"

note "a document with a file and no Markdown may be submitted; without either it may not"
ok isms document add --title "Scanned contract" --kind record --owner P-0002
fails 3 isms document submit DOC-0002
err_has "needs content (Markdown, or a PDF or DOCX"
ok isms document revise DOC-0002 --file policy.docx
ok isms document submit DOC-0002
out_has "in-review, version 1.0"

ok isms verify
out_has "evidence files match their SHA-256"
finish
