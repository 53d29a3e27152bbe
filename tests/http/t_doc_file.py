"""t_doc_file.py — a document's content as an attached PDF or DOCX over HTTP:
the document page's multipart form (with CSRF) and the API (raw body or
multipart) make the file the content of a new draft; the page shows a
download link with the SHA-256; the download is the same bytes, inert; the
version frozen by submitting names the file's SHA-256 and, once approved and
published, is what staff download; files that are neither PDF nor DOCX are
refused with a clear message and nothing stored; staff and auditors cannot
attach one."""
import hashlib
import io
import re
import zipfile

from harness import *
from t_attach import multipart, count

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docx():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
        z.writestr("word/document.xml", "<?xml version='1.0'?><w:document/>")
    return b.getvalue()


def odt_like():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("content.xml", "<office:document/>")
    return b.getvalue()


DOC = "DOC-0013"  # a published procedure; its reviewer is the manager


def main():
    f = demo_file("docfile.isms")
    srv = Server(f.path, threads=2)
    mgr, top, staff, auditor = (f.accounts[k] for k in ("manager", "top-management", "staff",
                                                         "auditor"))
    api = Api(srv, f.token(mgr.name))
    tapi = Api(srv, f.token(top.name, "top"))
    c = Client(srv)
    c.login_as(mgr)

    # ---- the page offers the form; refusals store nothing ----
    page = c.get("/documents/" + DOC)
    check_status(page, 200, "the document page opens")
    check("Content as a PDF or Word document" in page.text and
          'action="/documents/%s/content"' % DOC in page.text and
          'enctype="multipart/form-data"' in page.text,
          "the manager's document page has the content-file form")
    csrf = hidden_value(page.text, "_csrf") or ""
    n_att, n_hist = count(f), f.history_count()
    for name, data, words in (("notes.pdf", b"just text\n", "notes.pdf is neither a PDF"),
                              ("page.html", b"<script>alert(1)</script>", "page.html is neither"),
                              ("other.docx", odt_like(), "a DOCX is a zip holding word/document.xml"),
                              ("lies.docx", PDF, "lies.docx holds a PDF")):
        body, ct = multipart([("_csrf", csrf)], [("file", name, data, "application/octet-stream")])
        r = c.request("POST", "/documents/%s/content" % DOC, body=body,
                      headers={"Content-Type": ct})
        check(r.status == 422 and words in r.text, "the page refuses %s with a clear message" % name,
              r.describe())
        r = api.c.request("POST", "/api/v1/documents/%s/content?name=%s" % (DOC, name), body=data,
                          headers={"Authorization": "Bearer " + api.token,
                                   "Content-Type": "application/octet-stream"})
        err = (r.json() or {}).get("error", {})
        check(r.status == 422 and words in err.get("message", "") and
              err.get("field") in ("file", "name"),
              "the API refuses %s naming the field" % name, r.describe())
    check_eq((count(f), f.history_count()), (n_att, n_hist), "refused files store nothing")
    body, ct = multipart([("_csrf", "x" * 64)], [("file", "p.pdf", PDF, "application/pdf")])
    r = c.request("POST", "/documents/%s/content" % DOC, body=body, headers={"Content-Type": ct})
    check_status(r, 403, "a content upload without the right CSRF token is refused")

    # ---- the PDF from the page: a new draft, shown with its hash ----
    body, ct = multipart([("_csrf", csrf)], [("file", "procedure-v2.pdf", PDF, "application/pdf")])
    r = c.request("POST", "/documents/%s/content" % DOC, body=body, headers={"Content-Type": ct})
    check(r.status == 303 and ("/documents/%s" % DOC) in (r.location or ""),
          "the page upload makes the PDF the content and redirects to the document", r.describe())
    doc = api.get("/api/v1/documents/" + DOC).json() or {}
    sha = hashlib.sha256(PDF).hexdigest()
    check(doc.get("status") == "draft" and doc.get("content_sha256") == sha and
          (doc.get("content_file") or "").startswith("ATT-"),
          "the document is a new draft naming the file and its SHA-256", str(doc)[:400])
    page = c.get("/documents/" + DOC)
    check(('href="/documents/%s/content"' % DOC) in page.text and "procedure-v2.pdf" in page.text
          and sha in page.text, "the page shows the download link with the SHA-256")
    d = c.get("/documents/%s/content" % DOC)
    check(d.status == 200 and d.body == PDF, "the download is the same bytes", d.describe())
    check_eq(d.header("Content-Type"), "application/pdf", "the download's media type")
    check_eq(d.header("Content-Security-Policy"), "default-src 'none'; sandbox",
             "the download is sandboxed")
    check((d.header("Content-Disposition") or "").startswith("attachment;"),
          "the download is an attachment")

    # ---- staff still read version 1 (Markdown): no file for them yet ----
    st = Client(srv)
    st.login_as(staff)
    sp = st.get("/documents/" + DOC)
    check(sp.status == 200 and "/content\"" not in sp.text and
          "Content as a PDF" not in sp.text,
          "staff see the version in force (Markdown), no content file and no form", sp.describe())
    sd = st.get("/documents/%s/content" % DOC)
    check(sd.status == 404 and "has no content file" in sd.text,
          "staff asking for the draft's file get 404", sd.describe())
    body, ct = multipart([("_csrf", hidden_value(sp.text, "_csrf") or st.csrf("/"))],
                         [("file", "x.pdf", PDF, "application/pdf")])
    r = st.request("POST", "/documents/%s/content" % DOC, body=body, headers={"Content-Type": ct})
    check(r.status in (403, 404), "staff cannot set a document's content", r.describe())
    aud = Client(srv)
    aud.login_as(auditor)
    body, ct = multipart([("_csrf", aud.csrf("/documents/" + DOC) or "")],
                         [("file", "x.pdf", PDF, "application/pdf")])
    r = aud.request("POST", "/documents/%s/content" % DOC, body=body, headers={"Content-Type": ct})
    check_status(r, 403, "an auditor cannot set a document's content")

    # ---- the API replaces it with a DOCX on the same draft ----
    data = docx()
    body, ct = multipart([], [("file", "procedure-v2.docx", data,
                               "application/vnd.openxmlformats-officedocument."
                               "wordprocessingml.document")])
    r = api.c.request("POST", "/api/v1/documents/%s/content" % DOC, body=body,
                      headers={"Authorization": "Bearer " + api.token, "Content-Type": ct})
    j = r.json() or {}
    dsha = hashlib.sha256(data).hexdigest()
    check(r.status == 201 and j.get("revised") is False and
          j.get("attachment", {}).get("sha256") == dsha,
          "the API takes a DOCX as the draft's content (no new draft)", r.describe())

    # ---- submit, review, approve, publish: the version freezes the hash ----
    check_status(api.post("/api/v1/documents/%s/submit" % DOC), 200, "the draft is submitted")
    v = api.get("/api/v1/documents/%s/versions/2" % DOC).json() or {}
    content = (v.get("version") or v).get("content") or {}
    check(content.get("content_sha256") == dsha and content.get("content_file") ==
          j.get("attachment", {}).get("id"),
          "version 2 freezes the file's identifier and SHA-256", str(v)[:400])
    check_status(api.post("/api/v1/documents/%s/review" % DOC, {"decision": "reviewed"}), 200,
                 "the reviewer signs")
    check_status(tapi.post("/api/v1/documents/%s/approve" % DOC, {"rationale": "ok"}), 200,
                 "top management approves")
    check_status(api.post("/api/v1/documents/%s/publish" % DOC), 200, "it is published")
    sd = st.get("/documents/%s/content" % DOC)
    check(sd.status == 200 and sd.body == data, "staff now download the DOCX in force",
          sd.describe())
    sp = st.get("/documents/" + DOC)
    check(dsha in sp.text and "procedure-v2.docx" in sp.text,
          "staff see the file and its SHA-256 on the page")
    vp = c.get("/documents/%s/versions/2" % DOC)
    check(vp.status == 200 and "Download the content file of this version" in vp.text,
          "the version page links its frozen file", vp.describe())
    r = api.request("DELETE", "/api/v1/documents/%s/attachments/%s" %
                    (DOC, j.get("attachment", {}).get("id")))
    check(r.status == 409 and "is the content of" in r.text,
          "the content file of a version cannot be removed", r.describe())
    # ---- back to Markdown: the page offers it; the API does it ----
    page = c.get("/documents/" + DOC)
    check(('action="/documents/%s/content/remove"' % DOC) in page.text,
          "the manager's page offers going back to Markdown")
    r = api.request("DELETE", "/api/v1/documents/%s/content" % DOC)
    j2 = r.json() or {}
    check(r.status == 200 and j2.get("status") == "draft" and j2.get("content_file") is None and
          j2.get("in_force") == 2, "DELETE .../content: a new draft naming no file", r.describe())
    r = api.request("DELETE", "/api/v1/documents/%s/content" % DOC)
    check(r.status == 409 and "Markdown already" in r.text, "a second DELETE is a conflict",
          r.describe())
    sd = st.get("/documents/%s/content" % DOC)
    check(sd.status == 200 and sd.body == data, "staff still download the file of the version "
          "in force", sd.describe())
    v = f.cli("verify", ok=False)
    check(v.rc == 0, "verify passes", v.describe())


if __name__ == "__main__":
    run(main)
