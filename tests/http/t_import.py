"""t_import.py — the import page (/PLURAL/import): an upload (multipart,
with CSRF) gives a preview of the first rows with a select per column
(mapped by header or label, an unknown column named as a problem), a check
with the mapping changed writes nothing, the import writes every row and
redirects with its notice; a file with bad rows lists every problem (row,
column, value, message) and writes nothing; formula-like cells are shown
and stored as text; CSRF is required on both posts; an upload's token is
bound to its type (and account); staff get 403; a hostile file (zip bomb)
is refused with a message and the server stays up."""
import io
import zipfile

from harness import *


def multipart(fields, files, boundary="----isms-import-boundary-4f9a2c"):
    out = []
    for n, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" %
                    (boundary, n)).encode() + v.encode() + b"\r\n")
    for n, fn, data, ct in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, n, fn, ct)).encode("utf-8") + data +
                   b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=%s" % boundary


def count(f, table="asset"):
    out = sql(f.path, "SELECT count(*) FROM %s" % table).strip()
    return int(out) if out.isdigit() else -1


def upload(c, path, name, data, csrf=True):
    tok = c.csrf(path) if csrf else None
    fields = [("_csrf", tok)] if tok else []
    body, ct = multipart(fields, [("file", name, data, "text/csv")])
    return c.request("POST", path, body=body, headers={"Content-Type": ct})


def main():
    f = demo_file("imp.isms")
    srv = Server(f.path, threads=2)
    mgr = f.accounts["manager"]
    staff = f.accounts["staff"]
    owner = f.show("P-0001")["name"]
    n0 = count(f)
    h0 = f.history_count()

    c = Client(srv)
    c.login_as(mgr)
    page = c.get("/assets/import")
    check_status(page, 200, "the import page opens for a manager")
    check('enctype="multipart/form-data"' in page.text and 'type="file"' in page.text,
          "it has a multipart upload form")
    check("Confidentiality value" in page.text, "it lists the fields a file may hold")

    csv = ("Bezeichnung,Kind,Owner,Notes\n"
           "Imported laptop,hardware,%s,=1+2\n"
           "Imported server,hardware,P-0001,@cmd\n"
           "Imported data,information,%s,plain\n" % (owner, owner.upper())).encode()

    # ---- upload -> preview ----
    r = upload(c, "/assets/import", "assets.csv", csv)
    check(r.status in (200, 422), "the upload answers with the preview", r.describe())
    check("Imported laptop" in r.text and "=1+2" in r.text,
          "the preview shows the first rows, formula-like text literally")
    fm = find_form(r.text, "/assets/import/confirm")
    check(fm is not None, "the preview has the confirm form")
    token = hidden_value(r.text, "token")
    check(token and len(token) == 32, "the upload waits under a random token")
    check("no asset field is called so" in r.text,
          "an unknown column is named as a problem in the preview")
    check('<option value="kind" selected>' in r.text and '<option value="owner" selected>' in r.text,
          "columns named after fields are mapped to them (selected)")
    check_eq(count(f), n0, "an upload writes nothing")

    # ---- CSRF on the upload and on the confirmation ----
    r = upload(c, "/assets/import", "assets.csv", csv, csrf=False)
    check_status(r, 403, "an upload without the CSRF token is refused")
    form = {"token": token, "action": "import", "col-1": "name", "col-2": "kind",
            "col-3": "owner", "col-4": "notes"}
    r = c.post("/assets/import/confirm", form)
    check_status(r, 403, "a confirmation without the CSRF token is refused")
    check_eq(count(f), n0, "nothing written without CSRF")

    # ---- the mapping overridden; a check writes nothing ----
    tok = c.csrf("/assets/import")
    r = c.post("/assets/import/confirm", dict(form, _csrf=tok, action="check"))
    check_status(r, 200, "a check with the first column mapped to name passes")
    check("no problem" in r.text and "3 rows are ready" in r.text, "it says the rows are ready")
    check('<option value="name" selected>' in r.text, "the chosen mapping is kept in the form")
    check_eq(count(f), n0, "a check writes nothing")

    # ---- the import ----
    r = c.post("/assets/import/confirm", dict(form, _csrf=tok))
    check(r.status == 303 and "/assets?done=imported" in (r.location or ""),
          "the import redirects to the list with its notice", r.describe())
    lst = c.get(r.location.replace("http://127.0.0.1:%d" % srv.port, ""))
    check("Imported:" in lst.text, "the list shows that the rows were imported")
    check_eq(count(f), n0 + 3, "three assets more")
    check_eq(f.history_count(), h0 + 3, "each with its history entry")
    rows = f.json("asset", "list", "--search", "Imported", "--json")
    check(len(rows) == 3 and all(x["owner"] == "P-0001" for x in rows),
          "owners given by name (any case) became P-0001", rows)
    laptop = [x for x in rows if x["name"] == "Imported laptop"][0]
    check_eq(laptop["notes"], "=1+2", "a formula-like cell is stored as text")
    show = c.get("/assets/" + laptop["id"])
    check("=1+2" in show.text, "and shown literally on the record page")
    r = c.post("/assets/import/confirm", dict(form, _csrf=tok))
    check(r.status == 422 and "no longer here" in r.text,
          "the token is used up once imported", r.describe())
    check_eq(count(f), n0 + 3, "a replay writes nothing")

    # ---- every problem listed, nothing written ----
    bad = ("name,kind,owner,confidentiality\n"
           "Bad one,weird,P-0001,2\n"
           "Bad two,hardware,Nobody Here,9\n"
           "Fine,hardware,P-0001,3\n").encode()
    r = upload(c, "/assets/import", "bad.csv", bad)
    check_status(r, 422, "a file with bad rows gives the preview with its problems")
    check("Problems (3)" in r.text, "all three problems are counted", r.text[-3000:])
    for want in ("weird", "is not one of", "Nobody Here", "no person named", "outside 1..5"):
        check(want in r.text, "the problem list names %r" % want)
    tok2 = hidden_value(r.text, "token")
    r = c.post("/assets/import/confirm", {"_csrf": tok, "token": tok2, "action": "import"})
    check_status(r, 422, "importing it is refused")
    check("nothing was written" in r.text, "saying that nothing was written")
    check_eq(count(f), n0 + 3, "nothing written")

    # ---- a token is bound to its type ----
    r = c.post("/risks/import/confirm", {"_csrf": tok, "token": tok2, "action": "check"})
    check(r.status == 422 and "no longer here" in r.text,
          "an asset upload's token does not serve the risk import", r.describe())

    # ---- a hostile upload: refused, the server stays up ----
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet><sheetData>")
            block = b" " * (1 << 20)
            for _ in range(1024):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    tokb = c.csrf("/assets/import")
    body, ct = multipart([("_csrf", tokb)], [("file", "bomb.xlsx", z.getvalue(),
                                               "application/octet-stream")])
    r = c.request("POST", "/assets/import", body=body, headers={"Content-Type": ct})
    check(r.status == 422 and "zip bomb" in r.text, "a zip bomb is refused by name", r.describe())
    check_status(c.get("/healthz"), 200, "the server is still up")

    # ---- staff may not import assets ----
    s = Client(srv)
    s.login_as(staff)
    check_status(s.get("/assets/import"), 403, "staff get 403 on the import page")
    r = upload(s, "/assets/import", "assets.csv", csv)
    check_status(r, 403, "and on the upload")
    check_eq(count(f), n0 + 3, "nothing written by staff")
    srv.stop()


run(main)
