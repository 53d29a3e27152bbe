"""t_external.py — the external (certification-body) auditor reads and writes
nothing: an auditor account with an end date (the demo's sabine). It reads
the audits, findings, documents, risks, the readiness report and the
evidence bundle; every write is refused with 403 by the router, whatever
the route's permission — create, edit, retire, the checklist, a sign-off
or an acknowledgement — through a session and through an API token, and
nothing is written; the CLI `--as` it is refused the same (exit 7); its
pages offer no New, Edit, Retire or sign-off buttons. The internal auditor
(no end date) still creates and edits audits and findings, and sees the
buttons. The demo prints the external auditor's sign-in with its end date."""
from harness import *


def main():
    f = demo_file("external.isms")
    ext, aud, mgr = f.external, f.accounts["auditor"], f.accounts["manager"]
    if not check(ext is not None and ext.role == "auditor" and ext.person is None,
                 "the demo prints an external auditor's sign-in (an auditor, no person) with "
                 "its end date", ext):
        return
    today = time.strftime("%Y-%m-%d", time.gmtime())
    check(ext.expires > today, "its end date is after today", ext.expires)
    listing = f.cli("user", "list").out
    check(re.search(r"^%s\s+auditor\s.*until %s" % (ext.name, ext.expires), listing, re.M),
          "user list shows the external auditor until its end date", listing)

    srv = Server(f.path, threads=2)
    x = Client(srv)
    r = x.login(ext.name, ext.password)
    check(r.status == 303, "the external auditor signs in", r.describe)
    xapi = Api(srv, f.token(ext.name, "ext"))
    iapi = Api(srv, f.token(aud.name, "int"))

    note("it reads what an auditor reads")
    for path in ("/audits", "/audits/AUD-0001", "/findings", "/findings/F-0001", "/documents",
                 "/documents/DOC-0001", "/risks", "/risks/R-0001", "/readiness",
                 "/audits/AUD-0001/report", "/soa", "/assets"):
        check_status(x.get(path), 200, "the external auditor opens " + path)
    for path in ("/api/v1/audits", "/api/v1/findings/F-0001", "/api/v1/readiness",
                 "/api/v1/documents/DOC-0001/versions"):
        check_status(xapi.get(path), 200, "the external auditor reads " + path)
    r = x.get("/bundle")
    check(r.status == 200 and r.body.startswith(b"PK"), "the external auditor downloads the "
          "evidence bundle", r.describe)
    r = x.get("/documents/DOC-0001/print")
    check(r.status == 200 and r.body.startswith(b"%PDF"), "and prints a policy", r.describe)

    note("its pages offer no writes; the internal auditor's do")
    i = Client(srv)
    i.login_as(aud)
    for path, link in (("/audits", 'href="/audits/new"'), ("/findings", 'href="/findings/new"'),
                       ("/audits/AUD-0001", 'href="/audits/AUD-0001/edit"'),
                       ("/findings/F-0001", 'href="/findings/F-0001/edit"')):
        check(link in i.get(path).text, "the internal auditor's %s offers %s" % (path, link))
        check(link not in x.get(path).text, "the external auditor's %s does not" % path)
    for path in ("/audits/AUD-0001", "/risks/R-0001", "/documents/DOC-0001", "/findings/F-0001"):
        page = x.get(path).text
        check("/edit\"" not in page and "/retire\"" not in page and
              'enctype="multipart/form-data"' not in page,
              "the external auditor's %s: no edit, retire or upload" % path)
        forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
        check(forms == ["/logout"], "the external auditor's %s posts nothing but sign-out" % path,
              forms)
    check('href="/risks/new"' not in x.get("/").text, "its dashboard offers no New risk")

    note("every write is refused (403), by session and by token, and nothing is written")
    before = f.history_count()
    csrf = x.csrf("/audits/AUD-0001")
    writes = [
        ("POST", "/api/v1/audits", {"title": "Stage 2", "kind": "certification"}),
        ("PATCH", "/api/v1/audits/AUD-0001", {"conclusion": "written by the certification body"}),
        ("POST", "/api/v1/audits/AUD-0001/retire", {}),
        ("POST", "/api/v1/findings", {"audit": "AUD-0001", "title": "x", "kind": "observation"}),
        ("PATCH", "/api/v1/findings/F-0001", {"description": "changed"}),
        ("POST", "/api/v1/risks", {"title": "A risk"}),
        ("PATCH", "/api/v1/risks/R-0001", {"description": "changed"}),
        ("POST", "/api/v1/documents/DOC-0001/ack", {}),
        ("POST", "/api/v1/documents/DOC-0001/review", {}),
        ("POST", "/api/v1/checkitems", {"audit": "AUD-0001", "question": "x"}),
    ]
    # the auditor's role allows these (audits, findings, checklist items) or
    # they take only read permission (sign-offs, acknowledgements): the
    # end date refuses them; the rest the role already refuses
    external_only = ("audits", "findings", "checkitems", "DOC-0001")
    for method, path, body in writes:
        r = xapi.request(method, path, body)
        err = ((r.json() or {}).get("error") or {}) if r.status == 403 else {}
        named = "external auditor" in err.get("message", "")
        role = "your role does not allow this" in err.get("message", "")
        by_end_date = any(k in path for k in external_only) and "retire" not in path
        check(r.status == 403 and err.get("code") == "forbidden" and
              (named if by_end_date else (named or role)),
              "token: %s %s is refused (403)%s" % (method, path, ", naming the external auditor"
                                                   if by_end_date else ""), r.describe)
        r = x.request(method, path, json_body=body, headers={"X-CSRF-Token": csrf})
        check_status(r, 403, "session: %s %s is refused" % (method, path))
    for path, form in (("/audits", {"title": "Stage 2", "kind": "certification"}),
                       ("/audits/AUD-0001", {"conclusion": "x"}),
                       ("/audits/AUD-0001/checklist", {}),
                       ("/findings", {"audit": "AUD-0001", "title": "x", "kind": "observation"}),
                       ("/risks/R-0001", {"description": "x"}),
                       ("/documents/DOC-0001/ack", {}),
                       ("/audits/AUD-0001/retire", {})):
        form = dict(form, _csrf=csrf)
        r = x.post(path, form)
        check(r.status == 403 and ("external auditor" in r.text or
                                   ("/risks/" in path or "/retire" in path)),
              "the form POST %s is refused (403)" % path, r.describe)
    for path in ("/audits/new", "/audits/AUD-0001/edit", "/findings/F-0001/retire",
                 "/risks/import"):
        check_status(x.get(path), 403, "the external auditor may not open " + path)
    check_eq(f.history_count(), before, "nothing was written")

    note("the CLI --as the external auditor: reads, and is refused every write")
    c = as_account(f, ext, "audit", "list", "--json")
    check(c.rc == 0 and any(a["id"] == "AUD-0001" for a in c.json()),
          "isms audit list --as the external auditor", c.describe)
    for args in (("audit", "edit", "AUD-0001", "--conclusion", "x"),
                 ("finding", "add", "--audit", "AUD-0001", "--title", "x", "--kind",
                  "observation"),
                 ("risk", "retire", "R-0001"),
                 ("document", "ack", "DOC-0001")):
        c = as_account(f, ext, *args)
        check(c.rc == 7 and ("external auditor" in c.err or "cannot sign" in c.err),
              "isms %s --as the external auditor: exit 7" % " ".join(args[:2]), c.describe)
    check_eq(f.history_count(), before, "still nothing written")

    note("the internal auditor keeps its rights")
    r = iapi.patch("/api/v1/audits/AUD-0001", {"conclusion": "Internal auditor's conclusion"})
    check(r.status == 200 and (r.json() or {}).get("conclusion") == "Internal auditor's conclusion",
          "the internal auditor edits an audit", r.describe)
    r = iapi.post("/api/v1/findings", {"audit": "AUD-0001", "title": "Internal observation",
                                       "kind": "observation"})
    check(r.status in (200, 201), "the internal auditor records a finding", r.describe)
    check_status(iapi.patch("/api/v1/risks/R-0001", {"description": "x"}), 403,
                 "but still edits no risk")
    check(f.history_count() > before, "their writes are journaled")

    note("an end date made an internal auditor external; removing it, internal again")
    f.cli("user", "edit", aud.name, "--expires", ext.expires)
    r = iapi.patch("/api/v1/audits/AUD-0001", {"conclusion": "again"})
    check_status(r, 403, "with an end date the same account writes nothing")
    f.cli("user", "edit", aud.name, "--expires", "none")
    r = iapi.patch("/api/v1/audits/AUD-0001", {"conclusion": "again"})
    check_status(r, 200, "without it, it edits audits again")
    check(srv.alive(), "the server is still up")
    srv.stop()


run(main)
