# t_import.sh — bulk import from CSV and XLSX (`isms TYPE import`): the
# default threat catalogue of `isms init` came through it; 50,000 assets in
# one go with their history; an XLSX made by xlsxwriter (umlauts, a date
# cell, references by name, formula-like text and a formula stored as its
# cached value, never run); a file with errors in 100 rows lists all 100
# and writes nothing; an ambiguous name is a row error naming the
# candidates; --update-by; --dry-run writes nothing; a SIGKILL in the middle
# of a large import leaves the file as it was; hostile files (a zip bomb, a
# billion-laughs XML bomb, a 10 MB field) are refused with a clear message
# in bounded time and memory.
. "$CLI_DIR/lib.sh"

export ISMS_FILE=imp.isms
# xlsxwriter is Debian's (python3-xlsxwriter), for the system interpreter
XPY=/usr/bin/python3
[ -x "$XPY" ] || XPY=$PY
count() { sqlite3 "$ISMS_FILE" "SELECT count(*) FROM $1"; }

note "the default catalogue of isms init"
ok isms init imp.isms || finish
ok isms threat list --json
json_all 'len(d) >= 40' \
    'len({r["category"] for r in d}) >= 9' \
    '"human-action" in {r["category"] for r in d} and "organizational" in {r["category"] for r in d}' \
    'any(r["name"] == "Malware and ransomware" for r in d)'
ok isms vulnerability list --json
json_check 'len(d) >= 30 and {"hardware","software","network","personnel","site","organization"} <= {r["category"] for r in d}'
ok isms history T-0001 --json
json_check 'd[0]["action"] == "create"'
ok isms verify

note "people to refer to by name"
ok isms person add --name "Anna Müller"
ok isms person add --name "Bob Stone"
ok isms person add --name "Bob Stone"
ok isms person add --name "Carla Díaz"

note "a 50,000-row CSV, all rows in one transaction with their history"
py -c '
import sys
w = sys.stdout.write
w("Name,Kind,Owner,Confidentiality value,Integrity,Availability,Location,Next review\n")
for i in range(50000):
    owner = "Anna Müller" if i % 3 == 0 else ("P-0004" if i % 3 == 1 else "carla díaz")
    w("Bulk asset %d,%s,%s,%d,%d,%d,Room %d,2027-%02d-%02d\n" % (
        i, ("hardware", "software", "information")[i % 3], owner, i % 5 + 1, i % 3 + 1,
        i % 4 + 1, i % 100, i % 12 + 1, i % 28 + 1))
' >big.csv
h0=$(history_count imp.isms)
ok isms asset import big.csv
out_has "created 50000 assets"
check "50,000 assets stored" [ "$(count asset)" = 50000 ]
check "one history entry each" [ "$(history_count imp.isms)" = $((h0 + 50000)) ]
ok isms asset show A-0001 --json
json_all 'd["owner"] == "P-0001" and d["confidentiality"] == 1 and d["review_date"] == "2027-01-01"'
ok isms asset show A-0003 --json
json_check 'd["owner"] == "P-0004"'
ok isms verify

note "an XLSX from xlsxwriter: umlauts, a date cell, names, formula-like text"
"$XPY" - <<'EOF'
import datetime, xlsxwriter
wb = xlsxwriter.Workbook("assets.xlsx")
ws = wb.add_worksheet("Assets")
date = wb.add_format({"num_format": "dd.mm.yyyy"})
ws.write_row(0, 0, ["Name", "KIND", "owner ", "Custodian", "Next Review", "Description",
                    "Location", "Notes", "Depends on"])
ws.write_string(1, 0, "Größe Übersicht Straße")
ws.write_string(1, 1, "Information")
ws.write_string(1, 2, "Anna Müller")
ws.write_string(1, 3, "Carla Díaz")
ws.write_datetime(1, 4, datetime.date(2027, 3, 15), date)
ws.write_string(1, 5, "=HYPERLINK(\"http://evil.example\",\"click\")")
ws.write_string(1, 6, "+49 30 1234567")
ws.write_formula(1, 7, "=1+2", None, 3)
ws.write_string(1, 8, "Bulk asset 7; Bulk asset 8")
ws.write_string(2, 0, "@SUM(A1:A9)")
ws.write_string(2, 1, "software")
ws.write_string(2, 2, "P-0001")
ws.write_string(2, 5, "-2+3")
ws.write_boolean(2, 7, True)
wb.close()
EOF
check "the workbook was written" [ -s assets.xlsx ]
ok isms asset import assets.xlsx --json
json_all 'd["ok"] and d["created"] == 2' \
    '[c["field"] for c in d["columns"]] == ["name","kind","owner","custodian","review_date","description","location","notes","depends_on"]'
ok isms asset list --search "Straße" --json
json_all 'len(d) == 1' \
    'd[0]["name"] == "Größe Übersicht Straße" and d[0]["kind"] == "information"' \
    'd[0]["owner"] == "P-0001" and d[0]["custodian"] == "P-0004"' \
    'd[0]["review_date"] == "2027-03-15"' \
    'd[0]["description"] == "=HYPERLINK(\"http://evil.example\",\"click\")"' \
    'd[0]["location"] == "+49 30 1234567" and d[0]["notes"] == "3"' \
    'd[0]["depends_on"] == ["A-0008", "A-0009"]'
ok isms asset list --search "@SUM" --json
json_all 'len(d) == 1 and d[0]["name"] == "@SUM(A1:A9)" and d[0]["description"] == "-2+3"' \
    'd[0]["notes"] == "yes"'
ok isms asset show A-50001
out_has "=HYPERLINK(\"http://evil.example\",\"click\")"

note "errors in 100 rows: all 100 listed, nothing written"
py -c '
import sys
sys.stdout.write("name,kind,owner,confidentiality\n")
for i in range(300):
    if i % 3 == 0:
        sys.stdout.write("Bad %d,hardware,P-0001,%d\n" % (i, 6 + i % 4))   # outside 1..5
    else:
        sys.stdout.write("Good %d,hardware,P-0001,2\n" % i)
' >bad100.csv
n0=$(count asset)
d0=$(records_digest)
fails 3 isms asset import bad100.csv
err_has "100 problems in 100 rows; nothing was written"
check "every bad row is listed" [ "$(grep -c '^row .*column confidentiality' "$ERR")" = 100 ]
err_has "row 2, column confidentiality, value '6': confidentiality: "
err_has "row 299, column confidentiality"
check "nothing written" [ "$(count asset)" = "$n0" ]
same_records "$d0"
ok isms verify
fails 3 isms asset import bad100.csv --json
json_all 'd["ok"] is False and len(d["problems"]) == 100' \
    'all(p["column"] == "confidentiality" for p in d["problems"])' \
    'sorted({p["row"] for p in d["problems"]}) == list(range(2, 302, 3))'

note "several problems in one row are all reported"
printf 'name,kind,owner,confidentiality,review_date,colour\nX,weird,Nobody,9,31.12.2027,blue\n' >multi.csv
fails 3 isms asset import multi.csv
err_has "column colour: no asset field is called so"
err_has "column kind, value 'weird'"
err_has "column owner, value 'Nobody': owner: no person named 'Nobody'"
err_has "column confidentiality, value '9'"
err_has "column review_date, value '31.12.2027'"
check "nothing written" [ "$(count asset)" = "$n0" ]

note "an ambiguous name is a row error naming the candidates"
printf 'name,kind,owner\nAmbiguous,hardware,Bob Stone\n' >amb.csv
fails 3 isms asset import amb.csv
err_has "row 2, column owner, value 'Bob Stone': owner: 'Bob Stone' is ambiguous: 2 people are named so (P-0002, P-0003)"
check "nothing written" [ "$(count asset)" = "$n0" ]

note "--map overrides the header; a required field with no column is named"
printf 'Bezeichnung,Art,Verantwortlich,Farbe\nMapped one,hardware,P-0002,rot\n' >map.csv
fails 3 isms asset import map.csv
err_has "no column for name"
ok isms asset import map.csv --map Bezeichnung=name --map Art=kind --map Verantwortlich=owner --map Farbe=-
out_has "created 1 asset"
ok isms asset list --search "Mapped one" --json
json_check 'len(d) == 1 and d[0]["owner"] == "P-0002"'
fails 3 isms asset import map.csv --map Nope=name
err_has "--map: the file has no column 'Nope'"

note "--dry-run checks everything and writes nothing"
printf 'name,kind,owner\nDry one,hardware,P-0001\nDry two,software,Anna Müller\n' >dry.csv
d1=$(records_digest)
ok isms asset import dry.csv --dry-run
out_has "would create 2 assets"
out_has "dry run: nothing written"
same_records "$d1"

note "--update-by: existing records matched by a unique field"
printf 'name,location,confidentiality\nBulk asset 10,Basement,5\nBulk asset 11,Attic,\n' >upd.csv
ok isms asset import upd.csv --update-by name
out_has "updated 2"
ok isms asset show A-0011 --json
json_all 'd["location"] == "Basement" and d["confidentiality"] == 5'
ok isms asset show A-0012 --json
json_all 'd["location"] == "Attic" and d["confidentiality"] == 2'
ok isms history A-0011 --json
json_check 'd[-1]["action"] == "update"'
printf 'id,location\nA-0013,Roof\nA-0999999,Nowhere\n' >upd2.csv
fails 3 isms asset import upd2.csv --update-by id
err_has "row 3"
check "nothing written: A-0013 unchanged" [ "$(sqlite3 imp.isms "SELECT location FROM asset WHERE ref='A-0013'")" = "Room 12" ]
ok isms asset add --name "Bulk asset 10" --kind hardware --owner P-0001
fails 3 isms asset import upd.csv --update-by name
err_has "name 'Bulk asset 10' is not unique"
printf 'name,location\nNo such asset,Basement\n' >upd3.csv
fails 3 isms asset import upd3.csv --update-by name
err_has "no asset has name 'No such asset'"
fails 3 isms asset import upd.csv --update-by colour
err_has "--update-by: asset has no field 'colour'"
printf 'id,name,kind,owner\nA-0001,X,hardware,P-0001\n' >withid.csv
fails 3 isms asset import withid.csv
err_has "identifiers are given by the program"

note "threats are importable and extendable like any type"
printf 'Threat,Category,Origin,Description\nDrone over the site,unauthorized-action,deliberate,A camera drone films screens.\n' >thr.csv
ok isms threat import thr.csv
ok isms threat list --search Drone --json
json_check 'len(d) == 1 and d[0]["origin"] == ["deliberate"]'

note "a SIGKILL in the middle of a large import leaves the file as it was"
py -c '
import sys
sys.stdout.write("name,kind,owner\n")
for i in range(120000):
    sys.stdout.write("Killed %d,hardware,P-0001\n" % i)
' >kill.csv
n1=$(count asset)
d2=$(records_digest)
"$ISMS" asset import kill.csv --progress 2>progress.txt &
pid=$!
for _ in $(seq 1 600); do
    grep -q "write:" progress.txt 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
done
check "the import was writing when killed" grep -q "write:" progress.txt
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "the import did not finish" [ "$(count asset)" = "$n1" ]
same_records "$d2"
ok isms verify

note "hostile files: refused with a clear message, in bounded time and memory"
"$XPY" - <<'EOF'
import zipfile
ct = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
# a zip bomb: 4 GiB of blanks in a worksheet, a few MB on disk
with zipfile.ZipFile("bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0"?><worksheet><sheetData>')
        block = b" " * (1 << 20)
        for _ in range(4096):
            f.write(block)
        f.write(b"</sheetData></worksheet>")
# billion laughs in the shared strings
lol = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
for i in range(1, 10):
    lol += '<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10)
lol += ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
with zipfile.ZipFile("laughs.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("xl/sharedStrings.xml", lol)
    z.writestr("xl/worksheets/sheet1.xml",
               '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
with open("field.csv", "w") as f:
    f.write("name,kind,owner\n\"" + "x" * (10 << 20) + "\",hardware,P-0001\n")
with open("notzip.xlsx", "wb") as f:
    f.write(b"PK\x03\x04" + b"\x00" * 100)
EOF
d3=$(records_digest)
mem() { /usr/bin/time -f "%M" -o mem.txt "$@"; }
for f in bomb.xlsx laughs.xlsx field.csv notzip.xlsx; do
    SECONDS=0
    run mem "$ISMS" asset import "$f"
    check "$f: refused (status 3)" [ "$RC" = 3 ]
    check "$f: within 20 s" [ "$SECONDS" -le 20 ]
    check "$f: under 300 MB" [ "$(tail -1 mem.txt)" -lt 300000 ]
    case $f in
    bomb.xlsx) err_has "refused as a zip bomb" ;;
    laughs.xlsx) err_has "a document type declaration (DTD) is not allowed" ;;
    field.csv) err_has "CSV row 2: field too long" ;;
    notzip.xlsx) err_has "not an XLSX workbook" ;;
    esac
done
same_records "$d3"
printf '' >empty.csv
fails 3 isms asset import empty.csv
err_has "the file is empty"
fails 4 isms asset import no-such-file.csv
fails 2 isms asset import
fails 2 isms asset import a.csv b.csv

note "--as: a role that may not create the type is refused"
make_account sam staff P-0001
printf 'name,kind,owner\nStaff one,hardware,P-0001\n' >staff.csv
fails 7 signed sam asset import staff.csv
err_has "does not allow adding them"
ok isms verify

finish
