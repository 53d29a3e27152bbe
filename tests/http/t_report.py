"""t_report.py — the printable reports over HTTP: every report page has its
PDF and Print buttons; the download routes answer application/pdf as an
attachment (read back with pdftotext and pdfinfo: the records' content, the
metadata) or printable HTML; the route's permission is the report type's
read permission (staff are refused the registers) and the viewer's
visibility applies (staff get only the documents released to them, the
same answer as for a document that does not exist); bad input is refused."""
import os
import subprocess
import tempfile

from harness import *


def pdf_text(body, *args):
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as t:
        t.write(body)
    try:
        out = subprocess.run(["pdftotext", *args, t.name, "-"], capture_output=True, timeout=60)
        info = subprocess.run(["pdfinfo", t.name], capture_output=True, timeout=60)
        return out.stdout.decode("utf-8", "replace"), info.stdout.decode("utf-8", "replace")
    finally:
        os.unlink(t.name)


def main():
    f = demo_file("report.isms")
    srv = Server(f.path, threads=2)
    mgr, staff, auditor = (f.accounts[k] for k in ("manager", "staff", "auditor"))
    c = Client(srv)
    c.login_as(mgr)

    note("each report page offers the PDF and Print buttons")
    r = c.get("/soa")
    check('href="/soa/print?framework=iso27001-2022&amp;format=pdf"' in r.text and
          'href="/soa/print?framework=iso27001-2022&amp;format=html"' in r.text,
          "/soa has the PDF and Print buttons of its framework")
    for page, link in (("/risks", "/risks/print"),
                       ("/plan", "/plan/print"), ("/assets", "/assets/print"),
                       ("/audits/AUD-0001/report", "/audits/AUD-0001/print"),
                       ("/audits/AUD-0001", "/audits/AUD-0001/print"),
                       ("/reviews/MR-0002/pack", "/reviews/MR-0002/print"),
                       ("/reviews/MR-0002", "/reviews/MR-0002/print"),
                       ("/documents/DOC-0001", "/documents/DOC-0001/print")):
        r = c.get(page)
        check_status(r, 200, page + " opens")
        check('href="%s?format=pdf"' % link in r.text and 'href="%s?format=html"' % link in r.text,
              page + " has the PDF and Print buttons", r.text[:0])

    note("the downloads: application/pdf, an attachment, the records' content")
    risks = f.json("risk", "list", "--json")
    assets = f.json("asset", "list", "--json")
    for path, title, ids in (("/soa/print", "Statement of Applicability (iso27001-2022)", ["5.1", "8.24"]),
                             ("/risks/print", "Risk register", [r["id"] for r in risks]),
                             ("/plan/print", "Risk treatment plan", ["ACT-0001"]),
                             ("/assets/print", "Asset inventory", [a["id"] for a in assets]),
                             ("/audits/AUD-0001/print", "Audit report AUD-0001", ["F-0002"]),
                             ("/reviews/MR-0002/print", "Management review pack MR-0002", ["MET-0001"]),
                             ("/documents/DOC-0001/print", "Information Security Policy", ["Approval"])):
        r = c.get(path + "?format=pdf")
        check_status(r, 200, path + " answers")
        check_eq(r.header("Content-Type"), "application/pdf", path + " is a PDF")
        cd = r.header("Content-Disposition") or ""
        check(cd.startswith("attachment;") and ".pdf" in cd, path + " is a download", cd)
        check(r.body.startswith(b"%PDF-"), path + " starts as a PDF does")
        text, info = pdf_text(r.body)
        check(title in text, path + " holds its title", text[:300])
        missing = [i for i in ids if i not in text]
        check(not missing, path + " holds every record it reports", ", ".join(missing[:10]))
        check(("Title:" in info and title.split(" (")[0] in info) and "Author:" in info and
              mgr.name in info, path + " has the metadata title and the viewer as author", info)
        check("Page 1 of" in text, path + " numbers its pages")
    r = c.get("/soa/print?framework=iso27001-2013")
    check_status(r, 200, "the 2013 SoA")
    check("iso27001-2013" in pdf_text(r.body)[0], "the 2013 SoA is the 2013 one")

    note("printable HTML from the same document, with its own style only")
    r = c.get("/risks/print?format=html")
    check_status(r, 200, "the printable register")
    check((r.header("Content-Type") or "").startswith("text/html"), "it is HTML")
    check("style-src 'unsafe-inline'" in (r.header("Content-Security-Policy") or "") and
          "script-src" not in (r.header("Content-Security-Policy") or ""),
          "its CSP allows its inline style and no script", r.header("Content-Security-Policy"))
    check("<thead>" in r.text and risks[0]["id"] in r.text, "a table with a header and the risks")

    note("the registers' CSV and XLSX exports sit beside the PDF")
    for page, link in (("/risks", "/risks/export"), ("/plan", "/plan/export"),
                       ("/soa", "/soa/export?framework=iso27001-2022&amp;")):
        r = c.get(page)
        sep = "" if link.endswith(";") else "?"
        check('href="%s%sformat=csv"' % (link, sep) in r.text and
              'href="%s%sformat=xlsx"' % (link, sep) in r.text,
              page + " has the CSV and XLSX buttons")
    r = c.get("/risks/export?format=csv")
    check_status(r, 200, "the register as CSV")
    check((r.header("Content-Type") or "").startswith("text/csv"), "CSV it is")
    check((r.header("Content-Disposition") or "").startswith("attachment;"), "as a download")
    check(all(x["id"] in r.text for x in risks), "with every risk")
    r = c.get("/plan/export?format=xlsx")
    check_status(r, 200, "the plan as XLSX")
    check(r.body.startswith(b"PK"), "an XLSX (zip) file")
    r = c.get("/soa/export?format=csv&framework=iso27001-2013")
    check_status(r, 200, "the 2013 SoA as CSV")
    check("A.5.1.1" in r.text, "with the 2013 controls")
    check_status(c.get("/risks/export?format=pdf"), 400, "exports are csv or xlsx")
    check_status(c.get("/soa/export?format=csv&framework=x"), 400, "an unknown framework")

    note("bad input is refused")
    check_status(c.get("/risks/print?format=docx"), 400, "an unknown format")
    check_status(c.get("/audits/AUD-9999/print"), 404, "an unknown audit")
    r = c.get("/documents/DOC-0014/print")
    check_status(r, 409, "a document never approved has no approved version to print")
    check("no approved version in force" in r.text, "and says so", r.text[:500])
    check_status(c.get("/soa/print?framework=iso9001"), 400, "an unknown framework")

    note("staff: refused the registers, only the documents released to them")
    s = Client(srv)
    s.login_as(staff)
    for path in ("/soa/print", "/risks/print", "/plan/print", "/assets/print",
                 "/risks/export?format=csv", "/soa/export?format=xlsx",
                 "/audits/AUD-0001/print", "/reviews/MR-0002/print"):
        r = s.get(path)
        # registers: 403; one record staff may not read is answered as absent (the router's rule)
        check(r.status == (404 if path.split("?")[0].count("/") > 2 else 403),
              "staff may not download " + path, "status %d" % r.status)
        check(not r.body.startswith(b"%PDF"), "and get no PDF for " + path)
    r = s.get("/documents/DOC-0001/print")
    check_status(r, 200, "staff download a public policy in force")
    check("Information Security Policy" in pdf_text(r.body)[0], "the policy it is")
    r = s.get("/documents/DOC-0003/print")
    check_status(r, 404, "a confidential document is not there for staff")
    check(not r.body.startswith(b"%PDF"), "and no PDF of it leaves")
    r = s.get("/documents/DOC-0014/print")
    check_status(r, 404, "a draft is not there for staff")

    note("the auditor reads every report")
    a = Client(srv)
    a.login_as(auditor)
    for path in ("/risks/print", "/reviews/MR-0002/print", "/documents/DOC-0003/print"):
        r = a.get(path)
        check_status(r, 200, "the auditor downloads " + path)
        check_eq(r.header("Content-Type"), "application/pdf", path + " as a PDF")
    check(srv.alive(), "the server is still up")
    srv.stop()


if __name__ == "__main__":
    run(main)
