"""t_refs.py — references do not reveal hidden records (issue 9, item 6).

Staff may report incidents but may not see assets, risks or people. A
reference to a record the caller cannot see must be answered exactly like a
reference to one that does not exist: same status, same message (but for the
identifier itself), whether the hidden record is active or retired; nothing
is written. The caller's own person stays referable ("reported by" me), and a
role that sees the records still gets the precise answer ("retired").
"""

from harness import *


def norm(r, ref):
    """Status and body with the identifier taken out."""
    return r.status, r.text.replace(ref, "ID")


def main():
    f = demo_file("refs.isms")
    staff = f.accounts["staff"]
    assets = [a["id"] for a in f.json("asset", "list", "--json")]
    hidden, retired = assets[0], assets[-1]
    f.cli("asset", "retire", retired)
    people = [p["id"] for p in f.json("person", "list", "--json")]
    other = next(p for p in people if p != staff.person)
    stok = f.token(staff.name)
    mtok = f.token(f.accounts["manager"].name)
    srv = Server(f.path)
    api = Api(srv, stok)

    def incident(**extra):
        body = {"title": "Laptop left on a train", "description": "found again",
                "reported_by": staff.person}
        body.update(extra)
        return api.post("/api/v1/incidents", body)

    # the caller cannot GET either: the same 404
    g1, g2 = api.get("/api/v1/assets/" + hidden), api.get("/api/v1/assets/A-9999")
    check_eq(norm(g1, hidden), norm(g2, "A-9999"), "GET of a hidden and a missing asset agree")

    hist0, n0 = f.history_count(), f.count("incident")
    rid = f.json("risk", "list", "--json")[0]["id"]
    cases = {
        "assets": [(hidden, [hidden]), (retired, [retired]), ("A-9999", ["A-9999"])],
        "risks": [(rid, [rid]), ("R-9999", ["R-9999"])],
        "owner": [(other, other), ("P-9999", "P-9999")],
    }
    for field, tries in cases.items():
        answers = []
        for ref, value in tries:
            r = incident(**{field: value})
            answers.append((ref, r, norm(r, ref)))
            check_status(r, 422, "staff: %s %s refused" % (field, ref))
        first = answers[0]
        for ref, r, n in answers[1:]:
            check(n == first[2], "staff: %s %s (hidden) and %s answer alike" %
                  (field, first[0], ref),
                  lambda: "%s\n----\n%s" % (first[1].describe(), r.describe()))
        for ref, r, n in answers:
            check("retired" not in r.text, "staff: %s %s: no word of 'retired'" % (field, ref),
                  r.describe)
    check_eq(f.history_count(), hist0, "nothing written by the refused incidents")
    check_eq(f.count("incident"), n0, "no incident added")

    # the same through the web form
    c = Client(srv)
    c.login_as(staff)
    tok = c.csrf("/incidents/new")
    outs = []
    for ref in (hidden, "A-9999"):
        r = c.post("/incidents", {"_csrf": tok, "title": "Web report", "description": "x",
                                  "reported_by": staff.person, "status": "reported",
                                  "assets": ref})
        outs.append(r)
        check_status(r, 422, "staff web form: assets %s refused" % ref)
    m = [re.search(r'<div class="error-box"[^>]*>(.*?)</div>', r.text, re.S) for r in outs]
    check(m[0] and m[1] and m[0].group(1).replace(hidden, "ID") ==
          m[1].group(1).replace("A-9999", "ID"),
          "staff web form: the hidden and the missing asset get the same message",
          lambda: "%s\n----\n%s" % (outs[0].describe(), outs[1].describe()))
    check_eq(f.history_count(), hist0, "nothing written by the web form either")

    # oneself is referable; a report without hidden references goes in
    r = incident()
    check_status(r, 201, "staff reports an incident in their own name")
    # a role that sees assets gets the precise answer
    r = Api(srv, mtok).post("/api/v1/incidents", {"title": "t", "description": "d",
                                                  "assets": [retired]})
    check(r.status == 422 and "retired" in r.text,
          "the manager is told the asset is retired", r.describe)
    srv.stop()


run(main)
