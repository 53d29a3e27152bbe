# t_export.sh — the risk register, SoA and treatment plan exports, and any
# type's register (`isms TYPE export`: the list page's columns): CSV read
# back with python's csv module and XLSX read back through xlsx2csv equal
# the --json output of the same data, cell by cell; formula injection is
# neutralised (CSV: a leading apostrophe; XLSX: the original text as a
# string, never a formula); bad formats and unwritable paths are refused
# without leaving a file behind.
. "$CLI_DIR/lib.sh"

if ! command -v xlsx2csv >/dev/null 2>&1; then
    fail "the XLSX checks need the xlsx2csv command (Debian package xlsx2csv)"
fi
export ISMS_NOW=2026-04-01

# export_check.py KIND DATA.json PEOPLE.json FILE MODE — FILE (csv, or xlsx
# converted with xlsx2csv) holds exactly the rows DATA (the --json output)
# gives; MODE csv expects formula-like cells behind an apostrophe, xlsx the
# original text.
cat >export_check.py <<'EOF'
import csv, io, json, subprocess, sys, zipfile

kind, data_file, people_file, path, mode = sys.argv[1:6]
data = json.load(open(data_file, encoding="utf-8"))
names = {p["id"]: "%s (%s)" % (p["name"], p["id"]) for p in json.load(open(people_file, encoding="utf-8"))}

def txt(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(v)
    return str(v)

def who(p):
    return names.get(p, p) if p else ""

def money(v):
    return "" if v is None else "%.2f" % v

def cell(v):
    s = txt(v)
    if mode == "csv" and s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + s
    return s

if kind == "risk":
    header = ["ID", "Risk", "Description", "Owner", "Assets", "Threat", "Vulnerability",
              "Affects", "Existing controls", "Likelihood", "Consequence", "Score", "Level",
              "Treatment", "Planned controls", "Residual likelihood", "Residual consequence",
              "Residual score", "Residual level", "Status", "Next review", "Review needed because"]
    rows = [[r["id"], r["title"], r["description"], who(r["owner"]), r["assets"], r["threat"],
             r["vulnerability"], r["affects"], r["existing_controls"], r["likelihood"],
             r["consequence"], r["score"], r["level"], r["treatment"], r["controls"],
             r["residual_likelihood"], r["residual_consequence"], r["residual_score"],
             r["residual_level"], r["status"], r["review_date"], r["review_reason"]] for r in data]
elif kind == "soa":
    header = ["Control", "Title", "Theme", "Applicable", "Reasons for inclusion", "Risks treated",
              "Requirements", "Justification", "Implementation status", "How it is implemented",
              "Documents", "Owner", "Control test"]  # audit: control test state (none here)
    rows = [[r["id"], r["title"], r["theme"],
             {True: "Yes", False: "No", None: "Undecided"}[r["applicable"]],
             r["reasons"]["categories"], r["reasons"]["risks"], r["reasons"]["requirements"],
             r["justification"], r["status"], r["implementation"], r["documents"], who(r["owner"]), ""]
            for r in data]
elif kind == "plan":
    header = ["Risk", "Risk title", "Risk owner", "Level", "Residual level", "Action",
              "Action title", "Action owner", "Due", "Status", "Cost", "Controls", "Overdue"]
    rows = []
    for r in data["risks"]:
        head = [r["id"], r["title"], who(r["owner"]), r["level"], r["residual_level"]]
        for a in r["actions"] or [None]:
            if a is None:
                rows.append(head + ["", "(no action yet)", "", "", "", "", "", ""])
            else:
                rows.append(head + [a["id"], a["title"], who(a["owner"]), a["due_date"],
                                    a["status"], money(a["cost"]), a["controls"],
                                    "OVERDUE" if a["overdue"] else ""])
    for a in data["unlinked_actions"]:
        rows.append(["", "(not linked to a risk)", "", "", "", a["id"], a["title"], who(a["owner"]),
                     a["due_date"], a["status"], money(a["cost"]), a["controls"],
                     "OVERDUE" if a["overdue"] else ""])
want = [header] + [[cell(v) for v in row] for row in rows]

bad = []
if mode == "csv":
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
else:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                if "<f>" in xml or "<f " in xml or "<f/>" in xml:
                    bad.append("%s holds a formula element" % name)
    text = subprocess.run(["xlsx2csv", path], capture_output=True, check=True).stdout.decode("utf-8")
got = list(csv.reader(io.StringIO(text, newline="")))
if len(got) != len(want):
    bad.append("%d rows, expected %d" % (len(got), len(want)))
for i, (g, w) in enumerate(zip(got, want)):
    if g != w:
        diffs = [(want[0][c] if c < len(want[0]) else c, g[c] if c < len(g) else None, w[c] if c < len(w) else None)
                 for c in range(max(len(g), len(w))) if (g[c] if c < len(g) else None) != (w[c] if c < len(w) else None)]
        bad.append("row %d: %s" % (i, "; ".join("%s: got %r, expected %r" % d for d in diffs)))
if bad:
    print("\n".join(bad[:12]))
    sys.exit(1)
EOF

# export_same KIND DATA.json FILE MODE — the export FILE matches DATA.json.
export_same() {
    T_CHECKS=$((T_CHECKS + 1))
    local msg
    msg=$(py export_check.py "$1" "$2" people.json "$3" "$4" 2>&1) ||
        fail "$3 differs from $2" "the same rows and cells" "$msg"
}

ok isms init e.isms
export ISMS_FILE=e.isms
ok isms person add --name "Åsa Öberg"                     # P-0001
ok isms person add --name "Chief, Executive \"CEO\""       # P-0002
ok isms role add --name Board --top-management yes --holders P-0002 --status active
ok isms document add --title "Access policy" --kind policy --owner P-0001 # DOC-0001
ok isms asset add --name "Laptops" --kind hardware --owner P-0001 --confidentiality 3 # A-0001
ok isms asset add --name "CRM" --kind software --owner P-0001                       # A-0002
ok isms person list --json
cp "$OUT" people.json

ok isms risk add --title 'Laptop theft, "urgent"' --description $'Line one\nLine two, with comma' \
    --owner P-0001 --assets A-0001,A-0002 --affects confidentiality,availability \
    --likelihood 4 --consequence 4 --treatment modify --controls 8.1,8.24 \
    --residual-likelihood 2 --residual-consequence 2                                # R-0001
ok isms risk add --title '=HYPERLINK("http://evil","x")' --owner P-0001 --likelihood 1 --consequence 1 # R-0002
ok isms risk add --title '+cmd|'"'"'/c calc'"'"'!A0' --owner P-0002                     # R-0003
ok isms risk add --title '-2+3' --owner P-0001 --likelihood 2 --consequence 5          # R-0004
ok isms risk add --title '@SUM(A1:A9)' --owner P-0001                                  # R-0005
ok isms risk add --title 'Tab in the description' --description $'\t=1+2' --owner P-0001 # R-0006
ok isms risk add --title 'Ünïcödé — 漢字' --description '- a bullet' --owner P-0002 \
    --likelihood 5 --consequence 5 --existing-controls '=cmd()'                        # R-0007
ok isms risk add --title 'Retired' --owner P-0001                                      # R-0008
ok isms risk retire R-0008
ok isms action add --title 'Encrypt disks' --owner P-0001 --risks R-0001 --due-date 2026-03-01 --cost 1200.5 --controls 8.24 --status planned
ok isms action add --title '=SUM(1,2)' --owner P-0002 --risks R-0001,R-0007 --due-date 2026-12-01 --cost 99 --status in-progress
ok isms action add --title 'Unlinked, done' --owner P-0001 --cost 42 --due-date 2026-01-01 --status done
ok isms action add --title '@unlinked open' --owner P-0001 --due-date 2026-02-01 --status planned
ok isms requirement add --title "GDPR" --kind legal --controls 5.31,8.24 --status active
ok isms control add --framework custom --title '@own control' # C-0001
ok isms soa set 5.1 --applicable yes --status implemented --owner P-0002 --implementation '=policy set' --documents DOC-0001
ok isms soa set 7.4 --applicable no --justification '-not needed: no premises'
ok isms soa set 8.24 --applicable yes --status partial --owner P-0001
ok isms soa set C-0001 --applicable yes --status planned
ok isms soa set A.5.1.1 --applicable yes --status implemented --justification 'Carried, "quoted"'
ok isms soa set A.6.1.2 --applicable no --justification '+small team'

# ---- risk register ------------------------------------------------------------
note "risk register: CSV and XLSX equal risk list --json"
ok isms risk list --json
cp "$OUT" risks.json
json_check '[r["id"] for r in d] == ["R-%04d" % i for i in range(1, 8)]'
ok isms risk export --format csv -o risks.csv
out_is "wrote risks.csv"
export_same risk risks.json risks.csv csv
ok isms risk export --format xlsx -o risks.xlsx
out_is "wrote risks.xlsx"
export_same risk risks.json risks.xlsx xlsx

note "formula injection: CSV cells start with an apostrophe"
T_CHECKS=$((T_CHECKS + 1))
msg=$(py - <<'EOF'
import csv
rows = {r[0]: r for r in csv.reader(open("risks.csv", encoding="utf-8", newline=""))}
want = {"R-0002": "'=HYPERLINK(\"http://evil\",\"x\")", "R-0003": "'+cmd|'/c calc'!A0",
        "R-0004": "'-2+3", "R-0005": "'@SUM(A1:A9)"}
bad = ["%s title %r" % (k, rows[k][1]) for k, v in want.items() if rows[k][1] != v]
if rows["R-0006"][2] != "'\t=1+2": bad.append("R-0006 description %r" % rows["R-0006"][2])
if rows["R-0007"][2] != "'- a bullet": bad.append("R-0007 description %r" % rows["R-0007"][2])
if rows["R-0007"][8] != "'=cmd()": bad.append("R-0007 existing controls %r" % rows["R-0007"][8])
if rows["R-0001"][1] != 'Laptop theft, "urgent"': bad.append("R-0001 title %r" % rows["R-0001"][1])
print("; ".join(bad))
raise SystemExit(1 if bad else 0)
EOF
) || fail "CSV formula neutralisation" "apostrophe before = + - @ tab" "$msg"
check "the raw CSV has the apostrophe inside the quotes" grep -qF '"'"'"'=HYPERLINK(""http://evil"",""x"")"' risks.csv
note "formula injection: XLSX cells hold the original text, no formula"
T_CHECKS=$((T_CHECKS + 1))
msg=$(py - <<'EOF'
import csv, io, subprocess, zipfile
text = subprocess.run(["xlsx2csv", "risks.xlsx"], capture_output=True, check=True).stdout.decode()
rows = {r[0]: r for r in csv.reader(io.StringIO(text, newline=""))}
bad = []
for k, v in {"R-0002": '=HYPERLINK("http://evil","x")', "R-0003": "+cmd|'/c calc'!A0",
             "R-0004": "-2+3", "R-0005": "@SUM(A1:A9)"}.items():
    if rows[k][1] != v: bad.append("%s title %r" % (k, rows[k][1]))
if rows["R-0006"][2] != "\t=1+2": bad.append("R-0006 description %r" % rows["R-0006"][2])
with zipfile.ZipFile("risks.xlsx") as z:
    sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if not sheets: bad.append("no worksheet")
    for n in sheets:
        xml = z.read(n).decode()
        if "<f>" in xml or "<f " in xml: bad.append(n + " has <f>")
        if "HYPERLINK(" not in xml and not any("HYPERLINK(" in z.read(m).decode() for m in z.namelist() if m.endswith("sharedStrings.xml")):
            bad.append("the HYPERLINK text is not stored as text")
print("; ".join(bad))
raise SystemExit(1 if bad else 0)
EOF
) || fail "XLSX formula neutralisation" "original text, no <f> element" "$msg"

# ---- SoA -----------------------------------------------------------------------
note "SoA 2022: CSV and XLSX equal soa --json (every control)"
ok isms soa --json
cp "$OUT" soa22.json
json_check 'len(d) == 94'
ok isms soa export --format csv -o soa22.csv
export_same soa soa22.json soa22.csv csv
ok isms soa export --format xlsx -o soa22.xlsx
export_same soa soa22.json soa22.xlsx xlsx
note "SoA 2013: CSV and XLSX equal soa --framework iso27001-2013 --json"
ok isms soa --framework iso27001-2013 --json
cp "$OUT" soa13.json
json_check 'len(d) == 115'
ok isms soa export --format csv -o soa13.csv --framework iso27001-2013
export_same soa soa13.json soa13.csv csv
ok isms soa export --framework iso27001-2013 --format xlsx -o soa13.xlsx
export_same soa soa13.json soa13.xlsx xlsx
T_CHECKS=$((T_CHECKS + 1))
msg=$(py - <<'EOF'
import csv
rows = {r[0]: r for r in csv.reader(open("soa22.csv", encoding="utf-8", newline=""))}
want = {"5.1": ["5.1", "Policies for information security", "Organizational", "Yes", "", "", "", "",
                "implemented", "'=policy set", "DOC-0001", 'Chief, Executive "CEO" (P-0002)', ""],
        "7.4": ["7.4", "Physical security monitoring", "Physical", "No", "", "", "",
                "'-not needed: no premises", "not-started", "", "", "", ""],
        "8.24": ["8.24", "Use of cryptography", "Technological", "Yes", "risk treatment, legal",
                 "R-0001", "REQ-0001", "", "partial", "", "", "Åsa Öberg (P-0001)", ""],
        "5.2": ["5.2", "Information security roles and responsibilities", "Organizational",
                "Undecided", "", "", "", "", "not-started", "", "", "", ""]}
bad = ["%s: %r" % (k, rows.get(k)) for k, v in want.items() if rows.get(k) != v]
print("; ".join(bad))
raise SystemExit(1 if bad else 0)
EOF
) || fail "SoA CSV rows" "hand-written rows" "$msg"
fails 3 isms soa export --format csv -o x.csv --framework iso27001-1999
check "no x.csv" [ ! -e x.csv ]

# ---- treatment plan ------------------------------------------------------------
note "treatment plan: CSV and XLSX equal plan --json"
ok isms plan --json
cp "$OUT" plan.json
json_all '[r["id"] for r in d["risks"]] == ["R-0001", "R-0007"]' \
    '[a["id"] for a in d["unlinked_actions"]] == ["ACT-0003", "ACT-0004"]' \
    '[a["cost"] for a in d["unlinked_actions"]] == [42, None]'
ok isms plan export --format csv -o plan.csv
export_same plan plan.json plan.csv csv
ok isms plan export --format xlsx -o plan.xlsx
export_same plan plan.json plan.xlsx xlsx

# ---- any type's register ---------------------------------------------------------
# register_check.py TYPE FILE MODE — FILE (csv, or xlsx through xlsx2csv) is
# TYPE's register as its list page shows it: "ID" and the listed fields'
# labels; one row per active record (TYPE list --json), references as
# "Title (ID)" (the referenced type's list), lists joined by ", ", yes/no.
cat >register_check.py <<'EOF2'
import csv, io, json, os, subprocess, sys, zipfile

typ, path, mode = sys.argv[1:4]
def cli(*a):
    return json.loads(subprocess.run([os.environ["ISMS"], *a], capture_output=True, check=True).stdout)
fields = [f for f in cli(typ, "fields", "--json") if f["listed"]]
records = cli(typ, "list", "--json")
titles = {}
for f in fields:
    if f["type"] == "reference":
        for r in cli(f["ref"], "list", "--all", "--json"):
            t = r.get("title") or r.get("name")
            if t:
                titles[r["id"]] = "%s (%s)" % (t, r["id"])
def cell(f, v):
    if v is None:
        s = ""
    elif f["type"] == "reference":
        s = titles.get(v, v)
    elif isinstance(v, list):
        s = ", ".join(v)
    elif isinstance(v, bool):
        s = "yes" if v else "no"
    else:
        s = str(v)
    if mode == "csv" and s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        s = "'" + s
    return s
want = [["ID"] + [f["label"] for f in fields]]
want += [[r["id"]] + [cell(f, r.get(f["name"])) for f in fields] for r in records]  # the list's order
if mode == "csv":
    text = open(path, encoding="utf-8").read()
else:
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/") and "<f" in z.read(n).decode("utf-8").replace("<fill", ""):
                sys.exit("%s holds a formula" % n)
    text = subprocess.run(["xlsx2csv", path], capture_output=True, check=True).stdout.decode("utf-8")
got = list(csv.reader(io.StringIO(text, newline="")))
got = [g + [""] * (len(want[0]) - len(g)) for g in got]
if got != want:
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            sys.exit("row %d: got %r, expected %r" % (i, g, w))
    sys.exit("%d rows, expected %d" % (len(got), len(want)))
EOF2
register_same() {
    T_CHECKS=$((T_CHECKS + 1))
    local msg
    msg=$(ISMS_FILE=$PWD/e.isms py register_check.py "$1" "$2" "$3" 2>&1) ||
        fail "$2 is not the $1 register" "the list page's columns and rows" "$msg"
}

note "any type's register: isms TYPE export, the list page's columns, as CSV and XLSX"
ok isms asset add --name '=1+2' --kind hardware --owner P-0002                    # A-0003
ok isms asset add --name "Retired asset" --kind hardware --owner P-0001         # A-0004
ok isms asset retire A-0004
ok isms supplier add --name '@Acme "Hosting", Ltd' --criticality high --owner P-0001
for t in asset document action requirement supplier person control role; do
    for fmt in csv xlsx; do
        ok isms $t export --format $fmt -o $t.$fmt
        out_is "wrote $t.$fmt"
        register_same $t $t.$fmt $fmt
    done
done
ok py -c 'import csv; rows = list(csv.reader(open("asset.csv", newline=""))); print(rows[0]); print([r[1] for r in rows[1:]])'
out_has "['ID', 'Name', 'Kind', 'Classification', 'Confidentiality value', 'Integrity value', 'Availability value', 'Owner', 'Status']"
out_has "['Laptops', 'CRM', \"'=1+2\"]"
check "the retired asset is not in the register" bash -c '! grep -q A-0004 asset.csv'
check "the owner reads by name" grep -q 'Åsa Öberg (P-0001)' asset.csv

note "a register --as an account is what that account's list shows; a role that may not read it: exit 7, no file"
ok isms person add --name "Sam Staff"
sam=$(last_out)
make_account sam staff "$sam"
fails 7 signed sam asset export --format csv -o staff-assets.csv
err_has "does not allow reading assets"
check "no file for staff" [ ! -e staff-assets.csv ]
ok signed sam document export --format csv -o staff-docs.csv
check "staff's document register holds only the header (no document in force for them)" \
    [ "$(wc -l <staff-docs.csv)" -eq 1 ]

note "a register's bad input: an unknown format or no file is a usage error (2), nothing written"
fails 2 isms asset export --format pdf -o assets.pdf
err_has "format"
check "no assets.pdf" [ ! -e assets.pdf ]
fails 2 isms supplier export --format csv
fails 2 isms incident export -o i.csv
check "no i.csv" [ ! -e i.csv ]
run isms asset export --format csv -o missing/assets.csv
check "into a missing directory: refused" [ "$RC" -ne 0 ]
err_has "does not exist"

# ---- refusals --------------------------------------------------------------------
note "an unknown format is a usage error (2); nothing is written"
fails 2 isms risk export --format pdf -o risks.pdf
err_has "pdf"
check "no risks.pdf" [ ! -e risks.pdf ]
fails 2 isms soa export --format ods -o soa.ods
check "no soa.ods" [ ! -e soa.ods ]
fails 2 isms plan export --format txt -o plan.txt
check "no plan.txt" [ ! -e plan.txt ]
fails 2 isms risk export --format csv
fails 2 isms risk export -o r.csv
check "no r.csv" [ ! -e r.csv ]

note "output into a missing directory: refused with a clear message, no file"
before=$(ls -A | sort)
for fmt in csv xlsx; do
    run isms risk export --format $fmt -o missing/risks.$fmt
    check "risk export $fmt into a missing directory fails" [ "$RC" -ne 0 ]
    err_has "missing"
    err_has "does not exist"
    run isms soa export --format $fmt -o missing/soa.$fmt
    check "soa export $fmt into a missing directory fails" [ "$RC" -ne 0 ]
    err_has "missing"
    run isms plan export --format $fmt -o missing/plan.$fmt
    check "plan export $fmt into a missing directory fails" [ "$RC" -ne 0 ]
    err_has "missing"
done
check "no missing/ directory was made" [ ! -e missing ]
mkdir adir
run isms risk export --format csv -o adir
check "export onto a directory fails" [ "$RC" -ne 0 ]
check "adir is still an empty directory" [ -d adir ] && check "adir empty" [ -z "$(ls -A adir)" ]
rmdir adir
check "no stray files left behind" [ "$(ls -A | sort)" = "$before" ]

note "exporting again replaces the file"
ok isms risk edit R-0005 --title "Plain title now"
ok isms risk list --json
cp "$OUT" risks2.json
ok isms risk export --format csv -o risks.csv
export_same risk risks2.json risks.csv csv
ok isms risk export --format xlsx -o risks.xlsx
export_same risk risks2.json risks.xlsx xlsx

finish
