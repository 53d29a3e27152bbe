"""t_documents.py — document control (7.5) and acknowledgement (7.3) over HTTP.

What staff RECEIVE, through every route: only the version in force of documents classified
public or internal or addressed to them, never a draft (a new document, or the revision of one
in force), never a confidential or restricted document meant for others, no history, no
versions, no hidden count, no search hit. The lifecycle through the API (submit, review or
send back, approve by the right capacity, revise, supersede), approved content that cannot
change, Markdown rendered inert, acknowledgement by the staff's own session with completion
numbers, and a new version asking again."""
import re

from harness import *

DRAFT = "SECRET-DRAFT-TEXT"
REVISION = "SECRET-REVISION-TEXT"
HIDDEN = "SECRET-HIDDEN-TEXT"


def api_all(api, plural_name, query=""):
    out, cursor = [], None
    for _ in range(50):
        r = api.get("/api/v1/%s?limit=500%s%s" % (plural_name, query,
                                                  "&cursor=" + cursor if cursor else ""))
        if r.status != 200:
            fail("GET /api/v1/%s: %d" % (plural_name, r.status), r.describe())
            return []
        d = r.json()
        out += api_items(d, plural_name) or []
        cursor = api_cursor(d)
        if not cursor:
            break
    return out


def sign(f, acc, *args):
    """A CLI step signed by acc (its password on stdin, as for a login)."""
    return f.cli(*(list(args) + ["--as", acc.name]), input=acc.password + "\n", ok=False)


def approve_new(f, reviewer, top, **values):
    """A document through submit, review and approval; returns its id."""
    did = f.add("document", **values)
    f.cli("document", "submit", did)
    c = sign(f, reviewer, "document", "review", did)
    check(c.rc == 0, "the reviewer signs the review of %s" % did, c.describe)
    c = sign(f, top, "document", "approve", did)
    check(c.rc == 0, "top management approves %s" % did, c.describe)
    return did


def main():
    f = demo_file("docs.isms")
    mgr, top, staff_acc, aud = (f.accounts["manager"], f.accounts["top-management"],
                                f.accounts["staff"], f.accounts["auditor"])
    sp = staff_acc.person
    dept = f.show(sp)["department"]
    mp = mgr.person

    # what the demo holds: the policy at 2.0, its 1.0 superseded; confidential documents
    vs = f.json("document", "versions", "DOC-0001", "--json")
    check([v["state"] for v in vs] == ["superseded", "published"],
          "the demo's policy: version 1.0 superseded by 2.0", vs)
    check(f.show("DOC-0003")["classification"] == "confidential" and
          f.show("DOC-0011")["classification"] == "confidential",
          "the SoA DOC-0003 and the continuity plan DOC-0011 are confidential")

    # documents staff must never receive
    draft = f.add("document", title="New draft " + DRAFT, kind="procedure", owner=mp,
                  body="# Draft\n\n" + DRAFT, audience="everyone")
    f.cli("document", "revise", "DOC-0001")
    f.cli("document", "edit", "DOC-0001", "--body", "# Revised\n\n" + REVISION)
    restricted_other = approve_new(f, mgr, top, title="Restricted " + HIDDEN, kind="procedure",
                                   owner=mp, classification="restricted", body=HIDDEN)
    restricted_mine = approve_new(f, mgr, top, title="Restricted for %s" % dept,
                                  kind="procedure", owner=mp, classification="restricted",
                                  audience="selected", audience_departments=dept,
                                  body="For the team.")
    xss = approve_new(f, mgr, top, title="Markdown attempts", kind="guideline", owner=mp,
                      classification="public",
                      body="# Heading\n\n<script>alert(1)</script>\n\n"
                           "[click](javascript:alert(1)) [v](vbscript:x) "
                           "[d](data:text/html;base64,PHNjcmlwdD4=)\n\n"
                           "<img src=x onerror=alert(1)>\n\n**bold** and `code`\n\n"
                           "[fine](https://example.org/)")

    # what staff should see, computed from the rule (src/model/perm.c), from the manager's view
    tok = {k: f.token(a.name, "docs") for k, a in f.accounts.items()}
    srv = Server(f.path)
    mapi, sapi, tapi = Api(srv, tok["manager"]), Api(srv, tok["staff"]), \
        Api(srv, tok["top-management"])
    every = api_all(mapi, "documents")
    expect = sorted(d["id"] for d in every if d.get("in_force") and (
        d.get("classification") in ("public", "internal") or d.get("audience") == "everyone" or
        (d.get("audience") == "selected" and dept in (d.get("audience_departments") or "")
         .split(","))))
    check("DOC-0003" not in expect and "DOC-0011" not in expect and draft not in expect and
          restricted_other not in expect and restricted_mine in expect and "DOC-0001" in expect,
          "the expected set: no SoA, no continuity plan, no draft, no restricted document of "
          "others; the one addressed to staff's department", expect)

    # ---- staff: the API list, one document, search, history, versions --------------------
    got = api_all(sapi, "documents")
    check_eq(sorted(d["id"] for d in got), expect, "staff GET /api/v1/documents: exactly the "
             "documents in force meant for them")
    text = repr(got)
    check(DRAFT not in text and REVISION not in text and HIDDEN not in text,
          "staff's document list holds no draft or hidden text")
    check(all(d.get("status") in ("approved", "published") for d in got),
          "every document staff receive is approved or published",
          sorted({d.get("status") for d in got}))
    d1 = next((d for d in got if d["id"] == "DOC-0001"), {})
    check(d1.get("version") == "2.0" and "Information Security Policy" in (d1.get("body") or "")
          and d1.get("notes") is None,
          "staff read DOC-0001 as version 2.0 in force, not the working copy", d1)
    r = sapi.get("/api/v1/documents/DOC-0001")
    check(r.status == 200 and REVISION not in r.text and (r.json() or {}).get("version") == "2.0",
          "staff GET /api/v1/documents/DOC-0001: the version in force, no revision text",
          r.describe)
    r = mapi.get("/api/v1/documents/DOC-0001")
    check(r.status == 200 and REVISION in r.text and r.json().get("status") == "draft",
          "the manager reads the working copy (the new draft) of DOC-0001", r.describe)
    for rid in ("DOC-0003", "DOC-0011", draft, restricted_other):
        for p in ("/api/v1/documents/%s" % rid, "/documents/%s" % rid):
            r = (sapi if p.startswith("/api") else None) and sapi.get(p)
            if r is None:
                continue
            check(r.status == 404 and HIDDEN not in r.text and DRAFT not in r.text,
                  "staff GET %s: 404, nothing of it" % p, r.describe)
    for sub in ("history", "versions", "versions/1", "diff?from=1&to=2", "acks"):
        r = sapi.get("/api/v1/documents/DOC-0001/%s" % sub)
        check(r.status == 403 and REVISION not in r.text and DRAFT not in r.text,
              "staff GET /api/v1/documents/DOC-0001/%s: 403 (no history, no earlier versions)"
              % sub, r.describe)
    r = mapi.get("/api/v1/documents/DOC-0001/history")
    check(r.status == 200 and REVISION in r.text, "the manager reads the history with the "
          "draft's text (so the staff refusal is not for want of entries)", r.describe)
    for q in (DRAFT, REVISION, HIDDEN, "New%20draft", "Revised", "Restricted%20" + HIDDEN):
        r = sapi.get("/api/v1/documents?q=" + q)
        items = api_items(r.json()) if r.status == 200 else None
        check(r.status == 200 and items == [] and HIDDEN not in r.text,
              "staff search %r: no hit" % q, r.describe)
    r = sapi.get("/api/v1/documents?q=Information%20Security%20Policy")
    check(r.status == 200 and "DOC-0001" in [x["id"] for x in api_items(r.json()) or []],
          "staff search finds the policy in force by its text", r.describe)
    r = sapi.get("/api/v1/documents?status=draft")
    check(r.status == 200 and api_items(r.json()) == [], "staff filter status=draft: nothing",
          r.describe)

    # ---- staff: pages and the dashboard ----------------------------------------------------
    s = Client(srv)
    s.login_as(staff_acc)
    r = s.get("/documents/DOC-0001")
    check(r.status == 200 and REVISION not in r.text and "# Information" not in r.text and
          re.search(r"<h[12]>Information Security Policy</h[12]>", r.text) and
          "h-hist" not in r.text,
          "staff's page of DOC-0001: version 2.0 rendered from Markdown, no history, no draft",
          r.describe)
    for p in ("/documents/DOC-0003", "/documents/DOC-0011", "/documents/" + draft,
              "/documents/DOC-0001/versions/1", "/documents/DOC-0001/diff?from=1&to=2",
              "/documents/DOC-0001/acks"):
        r = s.get(p)
        check(r.status in (403, 404) and REVISION not in r.text and DRAFT not in r.text and
              HIDDEN not in r.text, "staff GET %s: 403/404, nothing of it" % p, r.describe)
    for p in ("/documents", "/documents?q=SECRET", "/documents?all=1", "/documents?status=draft",
              "/documents?classification=confidential", "/documents?sort=title&dir=desc"):
        r = s.get(p)
        ids = set(re.findall(r'href="/documents/(DOC-\d+)"', r.text))
        check(r.status == 200 and ids <= set(expect) and DRAFT not in r.text and
              HIDDEN not in r.text and REVISION not in r.text,
              "staff GET %s: only documents meant for them" % p,
              lambda: sorted(ids - set(expect)))
    r = s.get("/documents?classification=confidential")
    check(r.status == 200 and 'class="count" role="status">Nothing matched.' in r.text,
          "staff list of confidential documents: nothing matched (no hidden count)",
          r.describe)
    r = s.get("/documents")
    m = re.search(r'class="count" role="status">Showing \d+–\d+ of (\d+)\.', r.text)
    check(m and int(m.group(1)) == len(expect),
          "staff document list counts exactly the %d meant for them" % len(expect),
          m.group(0) if m else r.text[:1000])
    m = Client(srv)
    m.login_as(mgr)
    r = m.get("/documents?classification=confidential")
    check(r.status == 200 and "Nothing matched." not in r.text,
          "the manager's list of confidential documents is not empty (so staff's is filtered)",
          r.describe)
    r = s.get("/")
    mm = re.search(r'id="h-read">[^<]*<span class="tag[^"]*">(\d+)<', r.text)
    check(r.status == 200 and mm and int(mm.group(1)) == len(expect) and
          DRAFT not in r.text and HIDDEN not in r.text,
          "staff dashboard counts exactly the %d documents meant for them" % len(expect),
          lambda: mm.group(0) if mm else r.text[:1500])
    check('id="h-tasks"' in r.text and "DOC-0001" in r.text[r.text.find('id="h-tasks"'):],
          "staff dashboard: my tasks asks to acknowledge DOC-0001 version 2.0 (acknowledged "
          "1.0 only: a new version asks again)", r.text[:3000])

    # ---- Markdown: rendered inert everywhere -------------------------------------------------
    m0 = Client(srv)
    m0.login_as(mgr)
    for who, cl in (("staff", s), ("manager", m0)):
        r = cl.get("/documents/" + xss)
        body = r.text
        # as markup, not as (escaped) text: no script element, no handler attribute in a tag
        check(r.status == 200 and not re.search(r'<script(?! src="/static/)', body, re.I) and
              not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", body, re.I) and
              not re.search(r'(href|src)="\s*(javascript|vbscript|data):', body, re.I) and
              "<strong>bold</strong>" in body and 'href="https://example.org/"' in body,
              "%s: Markdown rendered (bold, a safe link), script, handlers and "
              "javascript:/vbscript:/data: links inert" % who, r.describe)

    # ---- acknowledgement by the staff's own session -------------------------------------------
    before = mapi.get("/api/v1/documents/DOC-0001/acks").json()
    r = s.post("/documents/DOC-0001/ack", {})
    check(r.status == 403, "an acknowledgement without the CSRF token is refused", r.describe)
    r = s.post("/documents/DOC-0001/ack", {"_csrf": s.csrf()})
    check(r.status == 303, "staff acknowledge DOC-0001 with their session (POST with CSRF)",
          r.describe)
    after = mapi.get("/api/v1/documents/DOC-0001/acks").json()
    check(after["acknowledged"] == before["acknowledged"] + 1 and after["version"] == 2 and
          sp not in [p["person"] for p in after["pending"]],
          "acks of DOC-0001 2.0: one more, and staff are no longer pending",
          lambda: "%s -> %s" % (before["acknowledged"], after["acknowledged"]))
    r = s.post("/documents/DOC-0001/ack", {"_csrf": s.csrf()})
    again = mapi.get("/api/v1/documents/DOC-0001/acks").json()
    check(r.status == 303 and again["acknowledged"] == after["acknowledged"],
          "acknowledging again changes nothing")
    r = sapi.post("/api/v1/documents/DOC-0003/ack", {})
    check(r.status == 404, "staff cannot acknowledge a document they may not see", r.describe)
    r = s.get("/")
    tasks = r.text[r.text.find('id="h-tasks"'):]
    tasks = tasks[:tasks.find("</section>")]
    check("DOC-0001" not in tasks, "the acknowledged document leaves staff's tasks", tasks)
    people = [p for p in f.json("person", "list", "--json") if p.get("status") == "active"]
    check_eq(after["people"], len(people),
             "audience everyone: every active person is asked (completion counts them all)")
    dsum = sum(x["people"] for x in after["departments"])
    check(dsum == after["people"] and sum(x["acknowledged"] for x in after["departments"]) ==
          after["acknowledged"], "the departments add up to the totals", after["departments"])
    r = mapi.get("/api/v1/documents/%s/acks" % restricted_mine)
    n_dept = len([p for p in people if p.get("department") == dept])
    check(r.status == 200 and r.json()["people"] == n_dept,
          "audience of one department: its %d active people" % n_dept, r.describe)

    # ---- the lifecycle through the API ------------------------------------------------------
    r = mapi.post("/api/v1/documents", {"title": "API policy", "kind": "topic-policy",
                                        "owner": mp, "reviewer": aud.person,
                                        "body": "# One\n\nfirst text", "audience": "everyone"})
    check_status(r, 201, "a new topic policy by the API")
    did = (r.json() or {}).get("id")
    check(r.json().get("status") == "draft", "a new document is a draft", r.json())
    r = mapi.patch("/api/v1/documents/" + did, {"status": "approved"})
    check(r.status == 422 and "not by hand" in r.text, "status cannot be set by hand",
          r.describe)
    r = mapi.post("/api/v1/documents/%s/submit" % did, {})
    check(r.status == 200 and r.json()["status"] == "in-review" and r.json()["version"] == "1.0",
          "submitted: in review as version 1.0", r.describe)
    r = mapi.patch("/api/v1/documents/" + did, {"title": "renamed in review"})
    check(r.status == 409, "no content field changes in review (the title neither)", r.describe)
    r = mapi.patch("/api/v1/documents/" + did, {"body": "changed in review"})
    check(r.status == 409 and "in review" in r.text, "content frozen while in review", r.describe)
    r = mapi.post("/api/v1/documents/%s/review" % did, {})
    check(r.status == 403 and "document reviewer" in r.text,
          "the manager is not the reviewer: 403 naming the capacity", r.describe)
    aapi = Api(srv, tok["auditor"])
    r = aapi.post("/api/v1/documents/%s/review" % did, {"decision": "send-back"})
    check(r.status == 422 and "comment" in r.text, "sending back needs a comment", r.describe)
    r = aapi.post("/api/v1/documents/%s/review" % did, {"decision": "send-back",
                                                        "comment": "too short"})
    check(r.status == 200 and r.json()["status"] == "draft", "sent back to draft", r.describe)
    mapi.patch("/api/v1/documents/" + did, {"body": "# One\n\nfirst text\n\nsecond line"})
    mapi.post("/api/v1/documents/%s/submit" % did, {})
    r = tapi.post("/api/v1/documents/%s/approve" % did, {})
    check(r.status == 409 and "reviewed" in r.text, "approval waits for the review", r.describe)
    r = aapi.post("/api/v1/documents/%s/review" % did, {"by": top.person})
    check(r.status in (400, 422) and "signer" in r.text,
          "no `by` in a review: the signer is the token's account", r.describe)
    r = aapi.post("/api/v1/documents/%s/review" % did, {})
    check_status(r, 200, "the reviewer signs the review")
    r = mapi.post("/api/v1/documents/%s/approve" % did, {})
    check(r.status == 403 and "top management" in r.text,
          "a topic policy needs top management: the manager gets 403 saying so", r.describe)
    r = tapi.post("/api/v1/documents/%s/approve" % did, {"rationale": "fine"})
    d = r.json() or {}
    n1 = d.get("in_force")
    check(r.status == 200 and d.get("status") == "approved" and n1 == 2 and
          d.get("version") == "2.0" and d.get("approver") == top.person and d.get("review_date"),
          "top management approves: approved, version 2.0 in force (1.0 was sent back), "
          "approver and next review set", r.describe)
    r = mapi.patch("/api/v1/documents/" + did, {"body": "rewritten while approved"})
    check(r.status == 409 and "is approved: start a new draft with `isms document revise %s`"
          % did in r.text, "approved content cannot change (409 naming revise)", r.describe)
    r = sapi.get("/api/v1/documents/" + did)
    check(r.status == 200 and "second line" in r.json()["body"], "staff read the version in force",
          r.describe)
    sapi.post("/api/v1/documents/%s/ack" % did, {})
    check(mapi.get("/api/v1/documents/%s/acks" % did).json()["acknowledged"] == 1,
          "one acknowledgement of the version in force")
    mapi.post("/api/v1/documents/%s/revise" % did, {})
    r = mapi.patch("/api/v1/documents/" + did, {"body": "# Two\n\nnew text " + REVISION})
    check_status(r, 200, "the new draft can be edited")
    r = sapi.get("/api/v1/documents/" + did)
    check(r.status == 200 and REVISION not in r.text and r.json().get("version") == "2.0",
          "while the new draft is open, staff still read version 2.0", r.describe)
    mapi.post("/api/v1/documents/%s/submit" % did, {})
    aapi.post("/api/v1/documents/%s/review" % did, {})
    r = tapi.post("/api/v1/documents/%s/approve" % did, {})
    check(r.status == 200 and r.json()["in_force"] == n1 + 1, "version 3 approved", r.describe)
    vs = mapi.get("/api/v1/documents/%s/versions" % did).json()["items"]
    check([v["state"] for v in vs] == ["sent-back", "superseded", "approved"],
          "the versions: 1.0 sent back, 2.0 superseded (kept for the record), 3.0 approved", vs)
    r = sapi.get("/api/v1/documents/" + did)
    check(r.status == 200 and REVISION in r.text and r.json()["version"] == "3.0",
          "staff now read version 3.0", r.describe)
    k = mapi.get("/api/v1/documents/%s/acks" % did).json()
    check(k["version"] == n1 + 1 and k["acknowledged"] == 0,
          "a new version asks for acknowledgement again (0 of %d)" % k["people"], k)
    n1, n2 = vs[-2]["number"], vs[-1]["number"]
    r = mapi.get("/api/v1/documents/%s/diff?from=%d&to=%d" % (did, n1, n2))
    body = (r.json() or {}).get("body") or []
    check(r.status == 200 and any(x["change"] == "added" and REVISION in x["text"]
                                  for x in body) and
          any(x["change"] == "removed" and "second line" in x["text"] for x in body),
          "the diff of two versions: the Markdown line by line", r.describe)
    m = Client(srv)
    m.login_as(mgr)
    r = m.get("/documents/%s/diff?from=%d&to=%d" % (did, n1, n2))
    check(r.status == 200 and "<ins>" in r.text and "<del>" in r.text, "the diff page",
          r.describe)
    r = m.get("/documents/%s/versions/%d" % (did, n1))
    check(r.status == 200 and "second line" in r.text and REVISION not in r.text,
          "a superseded version shown as it was", r.describe)
    r = m.get("/documents/" + did)
    check(r.status == 200 and "superseded" in r.text and "Document control" in r.text,
          "the document page lists its versions and their states", r.describe)
    r = m.get("/documents?review=1")
    check(r.status == 200, "the overdue-review filter of the list", r.describe)

    check(isms("verify", f.path).rc == 0, "isms verify passes: every frozen version intact")


run(main)
