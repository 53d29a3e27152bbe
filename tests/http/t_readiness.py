"""t_readiness.py — the readiness report and the implementation journey over
HTTP (src/app/readiness.def): on the demo GET /api/v1/readiness equals `isms
readiness --json` for the manager and the auditor; staff get 403 from the
API and the pages; /readiness shows every item with its answers, its gap and
a fix link, and the rules table; the manager's and the auditor's dashboards
start with the readiness card, staff's has none; 7.2 is held by a person's
certificate with its scan (an alternative of the rule, printed in the rules
table); a date moved through the CLI closes a gap and the figure moves in the API
and on the page; a fresh `isms init` shows the journey at stage 1 on the
dashboard and on /journey; an unknown query parameter is refused."""
import re

from harness import *


def days_from_today(n):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + n * 86400))


def main():
    f = demo_file("readiness.isms")
    mgr, staff, aud = f.accounts["manager"], f.accounts["staff"], f.accounts["auditor"]
    srv = Server(f.path, threads=2)
    apis = {role: Api(srv, f.token(acc.name, "t")) for role, acc in f.accounts.items()}

    # ---- the API equals the CLI, for the roles that read it -----------------------
    cli = f.json("readiness", "--json")
    for role in ("manager", "auditor", "admin", "top-management", "owner"):
        r = apis[role].get("/api/v1/readiness")
        check(r.status == 200 and r.json() == cli,
              "GET /api/v1/readiness as %s is `isms readiness --json`" % role, r.describe)
    gaps = sorted(i["id"] for i in cli["items"] if not i["ready"])
    check_eq(gaps, ["assessment", "certificate", "communication", "method", "operations"],
             "the demo's named gaps (method approval, a communication and risks past their "
             "dates, no 8.1 document, the certificate's scan)")
    comp = [i for i in cli["items"] if i["id"] == "competence"][0]
    check(comp["ready"] and (comp["via"] or {}).get("source") == "qualification" and
          comp["evidence"]["reason"] == "QUAL-0001 has an evidence file",
          "7.2 is held by a person's certificate with its scan (QUAL-0001)", comp)
    r = apis["staff"].get("/api/v1/readiness")
    check_status(r, 403, "staff may not read the readiness report")
    r = apis["staff"].get("/api/v1/journey")
    check_status(r, 403, "staff may not read the journey")
    r = apis["manager"].get("/api/v1/readiness?x=1")
    check(r.status in (400, 422) and "x" in r.text, "an unknown query parameter is refused",
          r.describe)
    r = apis["manager"].get("/api/v1/journey")
    j = r.json() if r.status == 200 else {}
    check(r.status == 200 and j == f.json("journey", "--json"),
          "GET /api/v1/journey is `isms journey --json`", r.describe)
    check(len(j.get("stages", [])) == 7 and j["stages"][0]["state"] == "done",
          "the demo has done stage 1 of 7", j.get("stages", [{}])[0])

    # ---- the page -----------------------------------------------------------------
    c = Client(srv)
    c.login_as(mgr)
    r = c.get("/readiness")
    check(r.status == 200 and 'id="h-items"' in r.text and 'id="h-rules"' in r.text,
          "/readiness: the items and the rules table", r.describe)
    body = r.text
    for it in cli["items"]:
        check(it["rule"]["text"].replace("&", "&amp;").replace('"', "&quot;") in body or
              it["rule"]["text"] in body, "/readiness prints the rule of %s" % it["id"])
    check("<i>or</i> competence" in body and "Or: a person&#39;s valid competence evidence"
          in body, "/readiness prints the alternative of 7.2 in the rules table", "")
    check("held by qualification records" in body, "/readiness says 7.2 is held by the "
          "alternative", "")
    check("version 1 is not approved by top management" in body and
          'href="/method"' in body, "/readiness names the method gap with a fix link",
          body[:200])
    m = re.search(r'Overall <span class="tag[^"]*">(\d+)&#160;%', body)
    check(m and int(m.group(1)) == cli["percent"], "/readiness shows the overall figure",
          m and m.group(0))
    r = c.get("/")
    check(r.status == 200 and 'id="readiness-home"' in r.text and
          r.text.find('id="readiness-home"') < r.text.find('id="h-tasks"') and
          'href="/readiness"' in r.text, "the manager's dashboard starts with readiness",
          r.describe)
    card = r.text[r.text.find('id="readiness-home"'):]
    card = card[:card.find("</section>")]
    check("Certification readiness" in card and "6.1.2 Risk assessment process" in card and
          "version 1 is not approved" in card, "the demo's card: the figure and its first gaps",
          card[:1500])
    g = body[body.find('id="h-gaps"'):body.find('id="h-clauses"')]
    check(all(i["gap"].replace("'", "&#39;") in g or i["gap"] in g
              for i in cli["items"] if not i["ready"] and i["clause"]),
          "/readiness lists every gap first", g[:1500])
    ca = Client(srv)
    ca.login_as(aud)
    r = ca.get("/")
    check(r.status == 200 and 'id="readiness-home"' in r.text,
          "the auditor's dashboard starts with readiness", r.describe)
    r = ca.get("/readiness")
    check_status(r, 200, "the auditor opens /readiness")
    cs = Client(srv)
    cs.login_as(staff)
    r = cs.get("/")
    check(r.status == 200 and 'readiness-home' not in r.text,
          "staff's dashboard has no readiness card", r.describe)
    for path in ("/readiness", "/journey"):
        r = cs.get(path)
        check_status(r, 403, "staff may not open %s" % path)

    # ---- one gap fixed through the CLI: the figure moves --------------------------
    for com in f.json("communication", "list", "--json"):
        if com.get("next_date") and com["next_date"] < cli["today"]:
            f.cli("communication", "edit", com["id"], "--next-date", days_from_today(40))
    r = apis["manager"].get("/api/v1/readiness")
    d = r.json() if r.status == 200 else {"items": [], "passed": -1}
    check([i["ready"] for i in d["items"] if i["id"] == "communication"] == [True] and
          d["passed"] == cli["passed"] + 1 and d["gaps"] == cli["gaps"] - 1,
          "after the next date moved, communication is ready and the figure moved",
          (d.get("passed"), cli["passed"]))
    r = c.get("/readiness")
    m = re.search(r'Overall <span class="tag[^"]*">(\d+)&#160;%', r.text)
    check(m and int(m.group(1)) == d["percent"], "the page shows the new figure",
          m and m.group(0))
    srv.stop()

    # ---- a fresh ISMS: the journey is the home page -------------------------------
    g = init_file("fresh.isms")
    g.cli("person", "add", "--name", "Mia Manager")
    acc = g.add_account("mia", "manager", "P-0001")
    s2 = Server(g.path, threads=2)
    c2 = Client(s2)
    c2.login_as(acc)
    r = c2.get("/")
    check(r.status == 200 and "Getting started: implementation journey" in r.text and
          "Preparation and scope" in r.text and 'href="/scopes/new"' in r.text,
          "a fresh ISMS: the dashboard starts with the journey's next steps", r.describe)
    r = c2.get("/journey")
    check(r.status == 200 and "You are at stage 1" in r.text and
          r.text.count('class="card" id="stage-') == 7, "/journey: seven stages, at stage 1",
          r.describe)
    s2.stop()


run(main)
