"""t_attach.py — evidence files over HTTP: a multipart upload from the
record page (with CSRF), API uploads (multipart and a raw body), downloads
that are byte-identical and inert (attachment, nosniff, sandbox CSP — an
uploaded HTML or SVG never runs in our origin), validity on the page and in
JSON, removal, permissions (staff get the 404 of a missing record), the
size limit (413, nothing stored), a tampered blob refused by name, and a
25 MB upload that leaves the server's peak RSS within a few MB."""
import hashlib
import os
import re
import urllib.parse

from harness import *

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
HTML = b"<!doctype html><script>document.title='pwned'</script><h1>hi</h1>\n"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script>'
       b'</svg>\n')


def multipart(fields, files, boundary="----isms-test-boundary-7MA4YWxkTrZu0gW"):
    """fields: [(name, value)], files: [(name, filename, bytes, ctype)]."""
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


def count(f, what="attachment"):
    out = sql(f.path, "SELECT count(*) FROM %s" % what).strip()
    return int(out) if out.isdigit() else -1


def vmhwm_kb(pid):
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def main():
    f = demo_file("att.isms")
    srv = Server(f.path, threads=2)
    mgr = f.accounts["manager"]
    staff = f.accounts["staff"]
    auditor = f.accounts["auditor"]
    tok = f.token(mgr.name)
    api = Api(srv, tok)
    before_att = count(f)

    # ---- a page upload: multipart, with the page's CSRF token ----
    c = Client(srv)
    c.login_as(mgr)
    page = c.get("/risks/R-0001")
    check_status(page, 200, "the risk page opens")
    check('enctype="multipart/form-data"' in page.text and "Evidence files" in page.text,
          "the record page has an Evidence files section with a multipart upload form")
    tok_csrf = hidden_value(page.text, "_csrf")
    body, ct = multipart([("_csrf", tok_csrf or ""), ("valid_until", "2099-01-31")],
                         [("file", "pentest-report.pdf", PDF, "application/pdf")])
    r = c.request("POST", "/risks/R-0001/attachments", body=body, headers={"Content-Type": ct})
    check(r.status == 303 and "/risks/R-0001" in (r.location or ""),
          "a multipart upload from the page is stored and redirects to the record", r.describe())
    check_eq(count(f), before_att + 1, "one attachment row more")
    # without the token: refused, nothing written
    body2, ct2 = multipart([("valid_until", "2099-01-31")],
                           [("file", "forged.pdf", PDF, "application/pdf")])
    r = c.request("POST", "/risks/R-0001/attachments", body=body2, headers={"Content-Type": ct2})
    check_status(r, 403, "an upload without the CSRF token is refused")
    r = c.request("POST", "/risks/R-0001/attachments",
                  body=multipart([("_csrf", "x" * 64)], [("file", "f.pdf", PDF, "x/y")])[0],
                  headers={"Content-Type": ct})
    check_status(r, 403, "an upload with a wrong CSRF token is refused")
    check_eq(count(f), before_att + 1, "refused uploads store nothing")
    lst = api.get("/api/v1/risks/R-0001/attachments")
    check_status(lst, 200, "the API lists a record's attachments")
    items = (lst.json() or {}).get("attachments", [])
    pdf = [a for a in items if a["name"] == "pentest-report.pdf"]
    check(len(pdf) == 1 and pdf[0]["sha256"] == hashlib.sha256(PDF).hexdigest() and
          pdf[0]["size"] == len(PDF) and pdf[0]["media_type"] == "application/pdf" and
          pdf[0]["valid_until"] == "2099-01-31" and pdf[0]["expired"] is False and
          isinstance(pdf[0]["expires_in_days"], int) and pdf[0]["expires_in_days"] > 1000,
          "the listing gives name, size, SHA-256, media type and validity", lst.describe())
    att_pdf = pdf[0]["id"] if pdf else "ATT-0000"
    page = c.get("/risks/R-0001")
    check("pentest-report.pdf" in page.text and re.search(r"expires in \d+ days", page.text),
          "the record page lists the file with 'expires in N days'")

    # ---- API uploads: a raw body with ?name=, and multipart ----
    r = api.request("POST", "/api/v1/risks/R-0001/attachments?name=evil.html&valid_until=2020-01-01",
                    headers={"Content-Type": "text/html"})
    # (Api.request with no body sends none: use the client directly for raw bodies)
    r = api.c.request("POST", "/api/v1/risks/R-0001/attachments?name=evil.html&valid_until=2020-01-01",
                      body=HTML, headers={"Authorization": "Bearer " + tok,
                                          "Content-Type": "text/html"})
    check_status(r, 201, "a raw-body API upload with ?name= is stored")
    html_att = (r.json() or {}).get("id")
    check((r.json() or {}).get("expired") is True, "evidence valid until 2020 is expired", r.describe())
    body, ct = multipart([], [("file", "diagram.svg", SVG, "image/svg+xml")])
    r = api.c.request("POST", "/api/v1/risks/R-0001/attachments", body=body,
                      headers={"Authorization": "Bearer " + tok, "Content-Type": ct})
    check_status(r, 201, "a multipart API upload is stored")
    svg_att = (r.json() or {}).get("id")
    page = c.get("/risks/R-0001")
    check(re.search(r"expired \d+ days? ago", page.text), "the page marks expired evidence")

    # ---- downloads: identical bytes, inert ----
    for att, data, name in ((att_pdf, PDF, "pentest-report.pdf"), (html_att, HTML, "evil.html"),
                            (svg_att, SVG, "diagram.svg")):
        for via, get in (("page", lambda p: c.get(p)), ("API", lambda p: api.get("/api/v1" + p))):
            d = get("/risks/R-0001/attachments/%s" % att)
            check(d.status == 200 and d.body == data, "%s download of %s gives the same bytes" %
                  (via, name), d.describe())
            want_ct = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
            check_eq(d.header("Content-Type"), want_ct, "%s %s: Content-Type" % (via, name))
            check_eq(d.header("Content-Disposition"),
                     "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (name, name),
                     "%s %s: Content-Disposition" % (via, name))
            check_eq(d.header("Content-Security-Policy"), "default-src 'none'; sandbox",
                     "%s %s: a sandboxing CSP" % (via, name))
            check_eq(d.header("X-Content-Type-Options"), "nosniff", "%s %s: nosniff" % (via, name))
            check_eq(len(d.headers_all("Content-Security-Policy")), 1,
                     "%s %s: one CSP header" % (via, name))
    # an awkward name: RFC 6266 fallback and RFC 5987 exact name
    odd = 'Prüf"bericht; 2026.pdf'
    r = api.c.request("POST", "/api/v1/risks/R-0001/attachments?name=" + urllib.parse.quote(odd),
                      body=PDF + b"x", headers={"Authorization": "Bearer " + tok,
                                                "Content-Type": "application/pdf"})
    check_status(r, 201, "a file with a non-ASCII name and a quote is stored")
    d = api.get("/api/v1/risks/R-0001/attachments/%s" % (r.json() or {}).get("id"))
    check_eq(d.header("Content-Disposition"),
             "attachment; filename=\"Pr__f_bericht_ 2026.pdf\"; "
             "filename*=UTF-8''Pr%C3%BCf%22bericht%3B%202026.pdf",
             "an unsafe name is encoded (ASCII fallback + filename*)")

    # ---- dedupe and history ----
    blobs = count(f, "blob")
    r = api.c.request("POST", "/api/v1/risks/R-0002/attachments?name=again.pdf", body=PDF,
                      headers={"Authorization": "Bearer " + tok, "Content-Type": "application/pdf"})
    check_status(r, 201, "the same bytes attached to another record")
    check_eq(count(f, "blob"), blobs, "the same content is stored once")
    h = sql(f.path, "SELECT action || ' ' || after FROM history WHERE type='attachment' "
                    "AND ref='R-0001' ORDER BY seq")
    check(hashlib.sha256(PDF).hexdigest() in h and "pentest-report.pdf" in h and
          "%PDF" not in h, "the history entry names hash, name and size, not the bytes", h)

    # ---- bad input: nothing stored, clear errors ----
    n = count(f)
    r = api.c.request("POST", "/api/v1/risks/R-0001/attachments", body=b"abc",
                      headers={"Authorization": "Bearer " + tok, "Content-Type": "text/plain"})
    check(r.status == 422 and (r.json() or {}).get("error", {}).get("field") == "name",
          "a raw body without ?name= is refused naming the field", r.describe())
    r = api.c.request("POST", "/api/v1/risks/R-0001/attachments?name=a.pdf&valid_until=2026-02-30",
                      body=PDF, headers={"Authorization": "Bearer " + tok,
                                         "Content-Type": "application/pdf"})
    check(r.status == 422 and (r.json() or {}).get("error", {}).get("field") == "valid_until",
          "an impossible validity date is refused naming the field", r.describe())
    for bad in (b"--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc",
                b"no boundary at all", b"--xx\r\n\r\n\r\n--xx--\r\n",
                b"--xx\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nv\r\n--xx--\r\n"):
        r = api.c.request("POST", "/api/v1/risks/R-0001/attachments", body=bad,
                          headers={"Authorization": "Bearer " + tok,
                                   "Content-Type": "multipart/form-data; boundary=xx"})
        check_status(r, 400, "a malformed multipart body is refused (%r...)" % bad[:30])
    r = api.c.request("POST", "/api/v1/risks/R-0001/attachments", body=b"x",
                      headers={"Authorization": "Bearer " + tok,
                               "Content-Type": "multipart/form-data"})
    check_status(r, 400, "multipart without a boundary is refused")
    anon = Client(srv)
    r = anon.request("POST", "/api/v1/risks/R-0001/attachments?name=a.pdf", body=PDF,
                     headers={"Content-Type": "application/pdf"})
    check_status(r, 401, "an anonymous upload is 401")
    r = anon.request("POST", "/risks/R-0001/attachments", body=body2, headers={"Content-Type": ct2})
    check(r.status == 303 and "/login" in (r.location or ""), "an anonymous page upload goes to "
          "the sign-in page", r.describe())
    t3 = hidden_value(c.get("/risks/R-0001").text, "_csrf")
    nofile, ctn = multipart([("_csrf", t3 or "")], [("file", "", b"", "application/octet-stream")])
    r = c.request("POST", "/risks/R-0001/attachments", body=nofile, headers={"Content-Type": ctn})
    check(r.status == 400 and "choose a file" in r.text, "a form sent without a chosen file says "
          "so", r.describe())
    r = api.c.request("POST", "/api/v1/risks/R-9999/attachments?name=a.pdf", body=PDF,
                      headers={"Authorization": "Bearer " + tok, "Content-Type": "application/pdf"})
    check_status(r, 404, "an upload to an unknown record is 404")
    check_eq(count(f), n, "refused uploads store nothing")

    # ---- permissions ----
    aud = Client(srv)
    aud.login_as(auditor)
    d = aud.get("/risks/R-0001/attachments/%s" % att_pdf)
    check(d.status == 200 and d.body == PDF, "an auditor (read) downloads", d.describe())
    atok = hidden_value(aud.get("/risks/R-0001").text, "_csrf") or aud.csrf("/")
    body, ct = multipart([("_csrf", atok or "")], [("file", "a.pdf", PDF, "application/pdf")])
    r = aud.request("POST", "/risks/R-0001/attachments", body=body, headers={"Content-Type": ct})
    check_status(r, 403, "an auditor (read only) cannot attach")
    check("Attach</button>" not in aud.get("/risks/R-0001").text,
          "the auditor's page offers no upload form")
    st = Client(srv)
    st.login_as(staff)
    stok = f.token(staff.name, "staff")
    sapi = Api(srv, stok)
    hidden = st.get("/risks/R-0001/attachments/%s" % att_pdf)
    missing = st.get("/risks/R-0999/attachments/%s" % att_pdf)
    check(hidden.status == 404 and missing.status == 404 and
          hidden.text.replace("R-0001", "X") == missing.text.replace("R-0999", "X"),
          "staff get the 404 of a missing record for a risk's file (page)", hidden.describe())
    for path in ("/api/v1/risks/%s/attachments", "/api/v1/risks/%s/attachments/" + att_pdf):
        a = sapi.get(path % "R-0001")
        b = sapi.get(path % "R-0999")
        check(a.status == 404 and b.status == 404 and
              a.text.replace("R-0001", "X") == b.text.replace("R-0999", "X"),
              "staff: %s answers like a missing record" % (path % "R-0001"), a.describe())
    other = api.get("/api/v1/risks/R-0002/attachments/%s" % att_pdf)
    check_status(other, 404, "an attachment is reached only through its own record")

    # ---- removal: a history entry; the file is no longer served ----
    page = c.get("/risks/R-0001")
    tok_csrf = hidden_value(page.text, "_csrf")
    r = c.post("/risks/R-0001/attachments/%s/remove" % html_att, {"_csrf": tok_csrf or ""})
    check(r.status == 303, "a manager removes an attachment from the page", r.describe())
    check_status(c.get("/risks/R-0001/attachments/%s" % html_att), 404,
                 "a removed attachment is not served")
    r = api.request("DELETE", "/api/v1/risks/R-0001/attachments/%s" % svg_att)
    check(r.status == 200 and (r.json() or {}).get("removed_at"), "DELETE removes through the API",
          r.describe())
    r = api.request("DELETE", "/api/v1/risks/R-0001/attachments/%s" % svg_att)
    check_status(r, 409, "removing twice is a conflict")
    h = sql(f.path, "SELECT count(*) FROM history WHERE type='attachment' AND action='remove'")
    check_eq(h.strip(), "2", "each removal is a history entry")
    v = f.cli("verify", ok=False)
    check(v.rc == 0, "verify passes after uploads and removals", v.describe())

    # ---- 25 MB upload and download; peak RSS of a fresh server ----
    fresh = Server(f.path, threads=2)
    fapi = Api(fresh, tok)
    big = os.urandom(25 * 1000 * 1000)
    pid = fresh.proc.pid
    fapi.get("/api/v1/risks/R-0003/attachments")
    fapi.get("/api/v1/risks/R-0003")
    # a first write opens the writer's own connection (group commit), a
    # cost of the server, not of the file's size
    fapi.patch("/api/v1/risks/R-0003", {"notes": "before the large upload"})
    hwm0 = vmhwm_kb(pid)
    r = fapi.c.request("POST", "/api/v1/risks/R-0003/attachments?name=backup-test.bin", body=big,
                       headers={"Authorization": "Bearer " + tok,
                                "Content-Type": "application/octet-stream"})
    check_status(r, 201, "a 25 MB upload is stored")
    big_att = (r.json() or {}).get("id")
    hwm1 = vmhwm_kb(pid)
    d = fapi.get("/api/v1/risks/R-0003/attachments/%s" % big_att)
    check(d.status == 200 and len(d.body) == len(big) and d.body == big,
          "the 25 MB download gives the same bytes")
    hwm2 = vmhwm_kb(pid)
    note("server peak RSS (VmHWM): %d kB before, %d kB after a 25 MB upload (+%d kB), %d kB "
         "after its download (+%d kB)" % (hwm0, hwm1, hwm1 - hwm0, hwm2, hwm2 - hwm0))
    check(hwm2 - hwm0 < 8 * 1024, "a 25 MB upload and download raise the peak RSS by < 8 MB",
          "%d kB" % (hwm2 - hwm0))
    fresh.stop()
    # the backup holds the content: restored, the file is there, verified
    b = f.cli("backup", "copy.isms", ok=False)
    check(b.rc == 0, "isms backup of a file with a 25 MB attachment", b.describe())
    g = isms("-f", "copy.isms", "attachment", "get", big_att, "-o", "restored.bin", ok=False)
    check(g.rc == 0 and open("restored.bin", "rb").read() == big,
          "the backup holds the attachment's bytes", g.describe())

    # ---- a tampered blob is refused, by name ----
    sql(f.path, "UPDATE blob SET data = randomblob(length(data)) WHERE sha256 = '%s'" %
        hashlib.sha256(PDF).hexdigest())
    d = api.get("/api/v1/risks/R-0001/attachments/%s" % att_pdf)
    check(d.status == 409 and att_pdf in d.text and "R-0001" in d.text and PDF not in d.body,
          "a changed blob is refused, naming the attachment and its record", d.describe())
    d = c.get("/risks/R-0001/attachments/%s" % att_pdf)
    check(d.status == 409 and att_pdf in d.text, "the page download refuses it too", d.describe())
    v = f.cli("verify", ok=False)
    check(v.rc != 0 and att_pdf in v.err, "verify names the tampered attachment", v.describe())
    srv.stop()

    # ---- the size limit: 413, nothing stored (page and API) ----
    small = Server(f.path, threads=2, extra=["--max-upload", "100000"])
    n, nb = count(f), count(f, "blob")
    api2 = Api(small, tok)
    r = api2.c.request("POST", "/api/v1/risks/R-0001/attachments?name=big.bin",
                       body=os.urandom(200000), headers={"Authorization": "Bearer " + tok,
                                                         "Content-Type": "application/octet-stream"})
    check(r.status == 413 and "100000" in r.text, "an upload over --max-upload is 413", r.describe())
    c2 = Client(small)
    c2.login_as(mgr)
    t2 = hidden_value(c2.get("/risks/R-0001").text, "_csrf")
    body, ct = multipart([("_csrf", t2 or "")],
                         [("file", "big.pdf", os.urandom(150000), "application/pdf")])
    r = c2.request("POST", "/risks/R-0001/attachments", body=body, headers={"Content-Type": ct})
    check_status(r, 413, "a page upload over the limit is 413")
    check(count(f) == n and count(f, "blob") == nb, "nothing was stored")
    r = api2.c.request("POST", "/api/v1/risks/R-0001/attachments?name=ok.bin",
                       body=os.urandom(90000), headers={"Authorization": "Bearer " + tok,
                                                        "Content-Type": "application/octet-stream"})
    check_status(r, 201, "an upload under the limit still works")
    small.stop()

    # ---- under serve --dir: the upload route is found behind /o/NAME ----
    os.mkdir("orgs")
    os.rename(f.path, "orgs/acme.isms")
    for ext in ("-wal", "-shm"):
        if os.path.exists(f.path + ext):
            os.rename(f.path + ext, "orgs/acme.isms" + ext)
    multi = Server(dir=os.path.abspath("orgs"))
    mc = Client(multi, "/o/acme")
    mc.login_as(mgr)
    t4 = hidden_value(mc.get("/risks/R-0004").text, "_csrf")
    body, ct = multipart([("_csrf", t4 or "")], [("file", "org.pdf", PDF, "application/pdf")])
    r = mc.request("POST", "/risks/R-0004/attachments", body=body, headers={"Content-Type": ct})
    check(r.status == 303 and (r.location or "").startswith("/o/acme/risks/R-0004"),
          "a page upload under /o/acme is spooled and stored", r.describe())
    d = mc.get("/risks/R-0004/attachments/%s" % re.search(r"attachments/(ATT-\d+)",
                                                           mc.get("/risks/R-0004").text).group(1))
    check(d.status == 200 and d.body == PDF, "and downloaded under /o/acme (the same bytes, "
          "attached again, repaired the blob tampered with above)", d.describe())
    check_status(mc.get("/risks/R-0001/attachments/%s" % att_pdf), 200,
                 "the first attachment of those bytes is served again")
    multi.stop()


if __name__ == "__main__":
    run(main)
