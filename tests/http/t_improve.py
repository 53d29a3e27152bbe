"""t_improve.py — nonconformities and corrective actions over HTTP (10.1, 10.2).

The demo's WannaCry nonconformity shows its 5-whys chain on its page; a step
is added through the page's form and through the API, in order. The
effectiveness review is signed by the session's or token's account: the
action's owner is refused (403, saying so, nothing written), someone else
signs it (the sign-off names that account); a `by` in the body is refused.
Closing a nonconformity before every action's review is refused (422 with
the reason), on the page and in the API.
"""

import re
import sqlite3

from harness import *


def signoffs(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT subject_id, kind, account_name FROM signoff "
                          "WHERE subject_kind = 'corrective' ORDER BY id").fetchall()
    finally:
        db.close()


def main():
    f = demo_file("i.isms")
    mgr, top = f.accounts["manager"], f.accounts["top-management"]
    srv = Server(f.path)
    c = Client(srv)
    c.login_as(mgr)
    api = Api(srv, f.token(mgr.name, "t"))
    tapi = Api(srv, f.token(top.name, "t"))

    wc = [n for n in f.json("nonconformity", "list", "--json") if "WannaCry" in n["title"]]
    check(len(wc) == 1, "the demo has the WannaCry nonconformity", wc)
    nc = wc[0]["id"] if wc else "NC-0004"
    r = c.get("/nonconformities/%s" % nc)
    check_status(r, 200, "the nonconformity's page")
    ol = re.search(r'<ol class="whys">.*?</ol>', r.text, re.S)
    check(ol and ol.group(0).count("<li") == 4 and "maternity leave" in ol.group(0)
          and "root cause</span>" in ol.group(0),
          "its page shows the 4 whys in order, the last marked as the root cause",
          ol.group(0) if ol else r.text[-3000:])
    check("awaiting effectiveness review" in r.text, "and an action awaiting its review", "")

    tok = c.csrf("/nonconformities/%s" % nc)
    r = c.post("/nonconformities/%s/whys" % nc, {"_csrf": tok, "text": "Nobody owns the "
                                                  "procedure's list of changes"})
    check_status(r, 303, "a step added through the page's form")
    d = f.json("nc", "whys", nc, "--json")
    check([w["position"] for w in d] == [1, 2, 3, 4, 5] and d[4]["text"].startswith("Nobody"),
          "it is step 5", d)
    r = c.post("/nonconformities/%s/whys" % nc, {"_csrf": tok, "text": ""})
    check_status(r, 422, "an empty answer is refused on the page")
    check("give the answer to" in r.text, "saying why", r.text[-2000:])

    r = api.post("/api/v1/nonconformities/%s/whys" % nc, {"text": "Step six"})
    check_status(r, 201, "a step added through the API")
    check([w["position"] for w in (r.json() or {}).get("items", [])] == [1, 2, 3, 4, 5, 6],
          "the API answers the chain", r.text)
    r = api.post("/api/v1/nonconformities/%s/whys" % nc, {"text": "Step 6, corrected",
                                                          "position": 6})
    check_status(r, 200, "a step corrected through the API")
    r = api.get("/api/v1/nonconformities/%s/whys" % nc)
    check((r.json() or {}).get("items", [{}])[-1].get("text") == "Step 6, corrected",
          "GET gives the corrected chain", r.text)
    r = api.post("/api/v1/nonconformities/%s/whys" % nc, {"text": "x", "position": 40})
    check_status(r, 404, "a step that does not exist")

    # the CISO's own action (CA-0002 of NC-0001, done): she may not review it
    ca = [a for a in f.json("corrective", "list", "--json")
          if a["owner"] == mgr.person and a["status"] == "done"]
    check(len(ca) >= 1, "the demo has a done action owned by the CISO", ca)
    ca = ca[0]["id"] if ca else "CA-0002"
    before = signoffs(f.path)
    r = api.post("/api/v1/corrective/%s/review" % ca, {"rationale": "works"})
    check_status(r, 403, "the action's owner may not review its effectiveness (API)")
    check("reviewed by someone other than its owner" in r.text, "saying so", r.text)
    tok = c.csrf("/corrective/%s" % ca)
    r = c.post("/corrective/%s/review" % ca, {"_csrf": tok, "rationale": "works"})
    check_status(r, 403, "nor on the page")
    r = tapi.post("/api/v1/corrective/%s/review" % ca, {"rationale": "x", "by": mgr.person})
    check_status(r, 400, "a signer named in the body is refused")
    check(signoffs(f.path) == before, "nothing was signed", signoffs(f.path))

    r = c.get("/corrective/%s" % ca)
    check("You own this action" in r.text and 'action="/corrective/%s/review"' % ca not in r.text,
          "the owner's page offers no review form", r.text[-2000:])

    ncref = f.show(ca)["nonconformity"]
    r = api.patch("/api/v1/nonconformities/%s" % ncref, {"status": "closed"})
    check_status(r, 422, "closing before the effectiveness reviews is refused (API)")
    check("cannot close before the effectiveness review" in r.text
          or "not to closed" in r.text, "saying why", r.text)

    r = tapi.post("/api/v1/corrective/%s/review" % ca,
                  {"rationale": "Checked the rollout checklist of AUP v2.1", "effective": True})
    check_status(r, 200, "top management reviews the CISO's action")
    d = r.json() or {}
    rev = (d.get("effectiveness_reviews") or [{}])[-1]
    check(d.get("status") == "verified" and rev.get("signer", {}).get("account") == top.name
          and rev.get("current") is True,
          "the action is verified, the sign-off names the signing account", r.text)
    check(signoffs(f.path)[-1] == (ca, "review", top.name), "one sign-off recorded",
          signoffs(f.path))
    r = c.get("/corrective/%s" % ca)
    check("Effectiveness review" in r.text and top.name in r.text,
          "the action's page shows the review", r.text[-2000:])


run(main)
