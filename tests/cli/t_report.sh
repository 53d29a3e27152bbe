# t_report.sh — the printable reports (isms report): every report written
# as PDF is read back with poppler (pdfinfo, pdftotext, pdftoppm) and its
# content checked against the records (names with umlauts and CJK, every
# risk of a register long enough for several pages with the table header
# repeated on page 2, "Page 1 of N", the metadata title and author); the
# HTML form is escaped; bad input is refused naming what is wrong, and
# nothing is written then. `--as ACCOUNT`: staff are refused the registers
# and get only documents released to them; the auditor reads every report.
. "$CLI_DIR/lib.sh"

for tool in pdfinfo pdftotext pdftoppm; do
    command -v $tool >/dev/null 2>&1 || fail "the PDF checks need $tool (Debian package poppler-utils)"
done
export ISMS_ACTOR=tester
ok isms demo d.isms || finish
export ISMS_FILE=$PWD/d.isms

note "a person with an umlaut name and one with a CJK name own risks"
ok isms person add --name "Jürgen Größmann"
P1=$(last_line)
ok isms person add --name "王小明"
P2=$(last_line)
ok isms risk add --title "Schlüsselverlust" --owner "$P1" --likelihood 2 --consequence 3
R1=$(last_line)
ok isms risk add --title "供应商数据泄露" --owner "$P2" --likelihood 3 --consequence 4
R2=$(last_line)
ok isms asset add --name "Zugangskarten <b>&" --kind hardware --owner "$P1"

note "the risk register: every active risk, the names as typed, several pages"
ok isms report risks --format pdf -o risks.pdf
out_has "wrote risks.pdf"
pdftotext risks.pdf risks.txt
ok isms risk list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q -- "$id" risks.txt || fail "risk $id is not in the register PDF"
done
check "the umlaut owner is printed" grep -q "Größmann" risks.txt
check "the CJK owner is printed" grep -q "王小明" risks.txt
check "the CJK risk title is printed" grep -q "供应商数据泄露" risks.txt
check "the umlaut risk title is printed" grep -q "Schlüsselverlust" risks.txt
pages=$(pdfinfo risks.pdf | awk '/^Pages:/ {print $2}')
check "the register runs over several pages ($pages)" [ "$pages" -gt 1 ]
check "page 1 says Page 1 of $pages" grep -q "Page 1 of $pages" <(pdftotext -f 1 -l 1 risks.pdf -)
check "the last page says Page $pages of $pages" grep -q "Page $pages of $pages" <(pdftotext -f "$pages" -l "$pages" risks.pdf -)
pdftotext -f 3 -l 3 -layout risks.pdf p3.txt
check "the table header is repeated on page 3" grep -Eq "^ *ID +Risk +Description +Owner" p3.txt
check "the page header names the organization" grep -q "Tallyfield GmbH" p3.txt
check "the page footer carries the classification" grep -q "Confidential" p3.txt
pdfinfo risks.pdf >info.txt
check "metadata title" grep -Eq "^Title: +Risk register$" info.txt
check "metadata author" grep -Eq "^Author: +tester$" info.txt
check "metadata creation date" grep -Eq "^CreationDate: +[A-Z]" info.txt
check "page 1 renders" pdftoppm -r 50 -png -f 1 -l 1 risks.pdf page
check "the rendering is an image" [ -s page-1.png ] || [ -s page-01.png ]
check "the heat maps are vector paths, not images" bash -c '! pdfimages -list risks.pdf 2>/dev/null | grep -q "image"'

note "the SoA: every control with its decision"
ok isms report soa --format pdf -o soa.pdf
pdftotext soa.pdf soa.txt
ok isms soa --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -qx -- "$id" soa.txt || grep -q -- "^$id\b" soa.txt || fail "control $id is not in the SoA PDF"
done
check "SoA title" grep -q "Statement of Applicability (iso27001-2022)" soa.txt
note "a control chosen for many risks: the printed SoA names twelve and the count"
for i in $(seq 1 14); do
    ok isms risk add --title "Many-control risk $i" --owner "$P1" --likelihood 2 --consequence 2 \
        --controls 8.13
done
ok isms soa --json
N=$(json_get 'str(len(next(r for r in d if r["id"] == "8.13")["reasons"]["risks"]))')
((N >= 14)) || fail "control 8.13 has $N risks, not the 14 just linked"
ok isms report soa --format html -o soa.html
check "the count of 8.13's risks is printed" grep -q "Risks ($N): " soa.html
check "the rest are named as a count" grep -q " and $((N - 12)) more (see the risk register)" soa.html
ok isms report soa --format pdf -o soa.pdf
check "the PDF says so too" grep -q "$((N - 12)) more" <(pdftotext -raw soa.pdf - | tr '\n' ' ')
ok isms risk export --format csv -o soa-risks.csv
check "the register lists every one of them" test "$(grep -c 'Many-control risk' soa-risks.csv)" -eq 14
ok isms report soa --framework iso27001-2013 --format pdf -o soa13.pdf
check "the 2013 SoA" grep -q "iso27001-2013" <(pdftotext soa13.pdf -)

note "the plan, the asset inventory"
ok isms report plan --format pdf -o plan.pdf
ok isms plan --json
pdftotext plan.pdf plan.txt
for id in $(json_get '" ".join(a["id"] for r in d["risks"] for a in r["actions"])'); do
    grep -q -- "$id" plan.txt || fail "action $id is not in the plan PDF"
done
ok isms report assets --format pdf -o assets.pdf
pdftotext assets.pdf assets.txt
check "the asset with markup characters is printed as typed" grep -q "Zugangskarten <b>&" assets.txt
ok isms asset list --json
n_assets=$(json_get 'len(d)')
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q -- "$id" assets.txt || fail "asset $id is not in the inventory PDF"
done

note "an audit report, a review pack with its KPI trends, an approved document with its approval"
ok isms report audit AUD-0001 --format pdf -o audit.pdf
pdftotext audit.pdf audit.txt
check "the audit's title" grep -q "Internal ISMS audit 2026" audit.txt
ok isms finding list --json
for id in $(json_get '" ".join(r["id"] for r in d if r["audit"] == "AUD-0001")'); do
    grep -q -- "$id" audit.txt || fail "finding $id is not in the audit report PDF"
done
ok isms report review MR-0002 --format pdf -o review.pdf
pdftotext review.pdf review.txt
check "the review pack" grep -q "Management review pack MR-0002" review.txt
ok isms metric list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q -- "$id" review.txt || fail "metric $id has no trend in the review pack PDF"
done
ok isms report document DOC-0001 --format pdf -o doc.pdf
pdftotext doc.pdf doc.txt
check "the document title" grep -q "Information Security Policy" doc.txt
check "the approval block" grep -q "Approval" doc.txt
check "the approver signed" grep -q "Katharina Vogel" doc.txt
check "the document's classification marks its pages" grep -q "Public" doc.txt
check "Markdown emphasis is typeset, not printed" bash -c '! grep -q "\*\*" doc.txt'

note "printable HTML from the same document, escaped"
ok isms report assets --format html -o assets.html
check "markup in a name is escaped" grep -q "Zugangskarten &lt;b&gt;&amp;" assets.html
check "no raw markup from the record" bash -c '! grep -q "Zugangskarten <b>" assets.html'
check "the table header repeats on printed pages" grep -q "thead{display:table-header-group}" assets.html
ok isms report risks --format html -o risks.html
check "the CJK title in the HTML" grep -q "供应商数据泄露" risks.html

note "bad input is refused naming what is wrong, and nothing is written"
fails 2 isms report
err_has "usage: isms report"
fails 2 isms report nonsense --format pdf -o x.pdf
err_has "no report nonsense"
fails 2 isms report risks --format docx -o x.pdf
err_has "--format must be pdf or html"
fails 2 isms report risks -o x.pdf
err_has "--format is required"
fails 2 isms report risks --format pdf
err_has "-o FILE is required"
fails 2 isms report audit --format pdf -o x.pdf
err_has "needs the identifier of the audit"
fails 2 isms report risks R-0001 --format pdf -o x.pdf
err_has "takes no identifier"
fails 4 isms report audit AUD-9999 --format pdf -o x.pdf
err_has "AUD-9999"
fails 2 isms report risks --framework iso27001-2013 --format pdf -o x.pdf
err_has "--framework applies to the soa report only"
fails 2 isms report soa --framework iso9001 --format pdf -o x.pdf
err_has "framework must be"
ok isms document add --title "Never approved" --kind procedure --owner P-0005
D=$(last_line)
fails 5 isms report document "$D" --format pdf -o x.pdf
err_has "no approved version in force"
check "no file was written" [ ! -e x.pdf ]
fails 6 isms report risks --format pdf -o no/such/dir/x.pdf
check "nothing left behind" bash -c '! ls no 2>/dev/null; ! ls ./*.tmp-* 2>/dev/null'
echo "old" > keep.pdf
fails 4 isms report review MR-9999 --format pdf -o keep.pdf
check "a failed report leaves the existing file as it was" [ "$(cat keep.pdf)" = old ]

note "--as ACCOUNT: a report is built as that account (the store applies its rows)"
ok isms user list
STAFF=$(awk '$2 == "staff" {print $1; exit}' "$OUT")
AUDITOR=$(awk '$2 == "auditor" {print $1; exit}' "$OUT")
check "the demo has a staff and an auditor account" [ -n "$STAFF" ] && [ -n "$AUDITOR" ]
ok isms user password "$STAFF" <<<"$PW"
ok isms user password "$AUDITOR" <<<"$PW"
for k in soa risks plan assets; do
    fails 7 signed "$STAFF" report $k --format pdf -o staff-$k.pdf
    check "staff are refused the $k report, nothing written" [ ! -e staff-$k.pdf ]
done
err_has "does not allow reading assets"
ok signed "$STAFF" report document DOC-0001 --format pdf -o staff-doc.pdf
check "staff print a public policy in force" grep -q "Information Security Policy" <(pdftotext staff-doc.pdf -)
for id in DOC-0003 DOC-0011 "$D"; do
    fails 4 signed "$STAFF" report document "$id" --format pdf -o staff-hidden.pdf
    err_has "no document $id"
done
check "nothing written for a hidden document" [ ! -e staff-hidden.pdf ]
ok signed "$AUDITOR" report risks --format pdf -o auditor-risks.pdf
ok isms risk list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q -- "$id" <(pdftotext auditor-risks.pdf -) || fail "risk $id is not in the auditor's register"
done
ok signed "$AUDITOR" report document DOC-0011 --format pdf -o auditor-doc.pdf
check "the auditor prints a confidential document in force" test -s auditor-doc.pdf
fails 5 signed "$AUDITOR" report document "$D" --format pdf -o x.pdf
err_has "no approved version in force"
finish
