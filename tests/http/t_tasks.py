"""t_tasks.py — the one task model over HTTP, on the demo: GET /api/v1/tasks
equals `isms tasks --all --json` for a manager, with the same filters
(mine, overdue, owner, days) and the same refusals (bad days, unknown or
malformed owner, mine without a person, conflicting or unknown parameters);
every role sees only tasks on records it may read (each task's record opens
for that role); the /tasks page lists them escaped; the dashboard shows the
signed-in person's tasks ("My tasks") and, for managers, the overdue work
of the organization grouped by owner (the demo's missed breach notification
and overdue supplier reviews among it), and an acknowledgement leaves the
staff member's tasks."""
import re

import html

from harness import *


def main():
    f = demo_file("tasks.isms")
    mgr, staff, aud = f.accounts["manager"], f.accounts["staff"], f.accounts["auditor"]
    admin = f.accounts["admin"]
    # a record whose title is markup: escaped on the page and the dashboard
    evil = f.add("supplier", name="<script>alert(1)</script> & Co", owner=mgr.person,
                 criticality="high", status="active")
    # supplier_review: last final assessment + 12 months (high): due 2020-01-01
    f.add("sassessment", supplier=evil, assessed_on="2019-01-01", assessor=mgr.person,
          result="satisfactory", status="final")
    srv = Server(f.path, threads=2)
    apis = {role: Api(srv, f.token(acc.name, "t")) for role, acc in f.accounts.items()}
    api = apis["manager"]

    # ---- the API equals the CLI --------------------------------------------------
    cli = f.json("tasks", "--all", "--json")
    r = api.get("/api/v1/tasks")
    check_status(r, 200, "GET /api/v1/tasks as the manager")
    d = r.json() if r.status == 200 else {"tasks": []}
    check(d.get("tasks") == cli["tasks"] and d.get("count") == cli["count"],
          "the manager's API task list is the CLI's `tasks --all --json` (%d tasks)" % cli["count"],
          lambda: "api %s vs cli %s" % (d.get("count"), cli["count"]))
    over = [t for t in d["tasks"] if t["state"] == "overdue"]
    kinds = {t["source"] for t in over}
    duty = [t["state"] for t in d["tasks"] if t["source"] == "incident_duty"]
    check({"supplier_review"} <= kinds and evil in [t["subject"] for t in over] and duty == ["soon"],
          "the demo has overdue supplier reviews and ours, and the live incident's GDPR "
          "notification due within a day", (sorted(kinds), duty))

    r = api.get("/api/v1/tasks?overdue=1")
    check(r.status == 200 and r.json()["count"] == len(over) and
          all(t["state"] == "overdue" for t in r.json()["tasks"]), "?overdue=1: only overdue",
          r.describe)
    r = api.get("/api/v1/tasks?mine=1")
    mine = r.json()["tasks"] if r.status == 200 else None
    check(mine and all(t["owner"] == mgr.person for t in mine) and
          len(mine) == len([t for t in cli["tasks"] if t["owner"] == mgr.person]),
          "?mine=1: exactly the manager's person's tasks", r.describe)
    r = api.get("/api/v1/tasks?owner=%s&days=30" % mgr.person)
    check(r.status == 200 and r.json()["owner"] == mgr.person and
          all(t["owner"] == mgr.person for t in r.json()["tasks"]) and
          r.json()["count"] <= len(mine), "?owner=&days=: one person's, due within 30 days",
          r.describe)

    # ---- refusals -------------------------------------------------------------------
    for q, status, field, text in (
            ("days=abc", 422, "days", "days: 'abc' is not a number of days"),
            ("days=0", 422, "days", "days:"),
            ("owner=P-9999", 404, "owner", "owner: no person P-9999"),
            ("owner=SUP-0001", 422, "owner", "not a person's identifier"),
            ("mine=1&all=1", 400, "mine", "exclude each other"),
            ("mine=maybe", 422, "mine", "mine: give 1 or 0"),
            ("colour=red", 400, "colour", "colour")):
        r = api.get("/api/v1/tasks?" + q)
        e = r.json().get("error", {}) if r.header("content-type", "").startswith(
            "application/json") else {}
        check(r.status == status and e.get("field") == field and text in e.get("message", ""),
              "?%s refused: %d naming %s" % (q, status, field), r.describe)
    if admin.person is None:
        r = apis["admin"].get("/api/v1/tasks?mine=1")
        check(r.status == 422 and "acts as no person" in r.text,
              "?mine=1 for an account acting as no person: refused, saying so", r.describe)
    r = Client(srv).get("/api/v1/tasks")
    check_status(r, 401, "anonymous: 401")
    # staff may not read people: an unknown person is not told from a known one
    r1 = apis["staff"].get("/api/v1/tasks?owner=P-9999")
    r2 = apis["staff"].get("/api/v1/tasks?owner=%s" % mgr.person)
    check(r1.status == 200 and r2.status == 200 and r1.json()["count"] == 0,
          "staff: ?owner= of an unknown and of a known person answer alike (no probing)",
          r1.describe)

    # ---- every role sees only tasks on records it may read --------------------------------
    for role, a in apis.items():
        r = a.get("/api/v1/tasks")
        if not check(r.status == 200, "%s: GET /api/v1/tasks" % role, r.describe):
            continue
        tasks = r.json()["tasks"]
        subjects = sorted({t["subject"] for t in tasks})
        hidden = []
        for s in subjects:
            rt = rtype_of(s)
            g = a.get("/api/v1/%s/%s" % (plural(rt), s))
            if g.status != 200:
                hidden.append((s, g.status))
        check(not hidden, "%s: every task's record opens for that role (%d records)" %
              (role, len(subjects)), hidden)
        if role == "staff":
            check(all(t["source"] in ("acknowledgement", "document", "incident_duty", "evidence")
                      for t in tasks) and
                  all(t["owner"] == staff.person for t in tasks if t["source"] ==
                      "acknowledgement") and
                  not any(t["source"] == "supplier_review" for t in tasks),
                  "staff: no supplier, risk or action tasks; only their own acknowledgements",
                  sorted({t["source"] for t in tasks}))
        else:
            check(len(tasks) == cli["count"], "%s reads every record: all %d tasks" %
                  (role, cli["count"]), len(tasks))

    # ---- the page --------------------------------------------------------------------
    c = Client(srv)
    c.login_as(mgr)
    r = c.get("/tasks")
    check(r.status == 200 and 'id="tasks"' in r.text and
          "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in r.text and
          "<script>alert(1)" not in r.text, "/tasks lists the tasks, titles escaped", r.describe)
    rows = len(re.findall(r"<tr><td>\d{4}-\d\d-\d\d</td>", r.text))
    check_eq(rows, min(100, cli["count"]), "/tasks: a page of 100 tasks at most")
    check(("%d in all" % cli["count"]) in r.text, "/tasks says how many there are in all",
          cli["count"])
    # the pages, next after next, give every task once, in due order
    seen, page, pages_walked = [], r, 0
    while True:
        pages_walked += 1
        seen += re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td>", page.text)
        m = re.search(r'<a rel="next" href="([^"]+)"', page.text)
        if not m or pages_walked > 100:
            break
        page = c.get(html.unescape(m.group(1)))
        if not check_status(page, 200, "/tasks: the next page"):
            break
    check_eq(len(seen), cli["count"], "/tasks: the pages together list every task")
    check(seen == sorted(seen), "/tasks: across pages the earliest due comes first")
    if cli["count"] > 100:
        r2 = c.get("/tasks?all=1&page=2")
        check(r2.status == 200 and 'rel="prev"' in r2.text and "Page 2 of" in r2.text,
              "/tasks?page=2 links back to page 1 and says which page it is", r2.describe)
        r3 = c.get("/tasks?page=99999")
        check_status(r3, 200, "/tasks?page= past the end shows the last page")
    r = c.get("/tasks?mine=1&overdue=1")
    rows = len(re.findall(r"<tr><td>\d{4}-\d\d-\d\d</td>", r.text))
    check(r.status == 200 and rows == len([t for t in mine if t["state"] == "overdue"]),
          "/tasks?mine=1&overdue=1: the manager's overdue tasks", rows)
    r = c.get("/tasks?days=abc")
    check(r.status == 422 and ("days: &#39;abc&#39;" in r.text or "days: 'abc'" in r.text),
          "/tasks?days=abc: 422 with the message", r.describe)
    r = c.get("/tasks?owner=%3Cb%3E")
    check(r.status == 422 and "<b>" not in r.text.split("<main", 1)[-1],
          "/tasks?owner=<b>: refused, nothing echoed unescaped", r.describe)

    # ---- the dashboard ------------------------------------------------------------------
    r = c.get("/")
    mt = r.text[r.text.find('id="h-tasks"'):]
    mt = mt[:mt.find("</section>")]
    mine_soon = [t for t in mine if t["state"] != "later"]
    check(r.status == 200 and mine_soon and all(t["subject"] in mt for t in mine_soon[:12]),
          "manager's dashboard: My tasks lists their overdue and soon-due tasks", mt[:2000])
    ov = r.text[r.text.find('id="h-overdue"'):]
    ov = ov[:ov.find("</section>", ov.find("</ul></li></ul>"))]
    # (the demo's breach notifications were all made in time: incident duties, ops)
    check("SUP-0005" in ov and "&lt;script&gt;" in ov and "<script>alert" not in r.text,
          "manager's dashboard: overdue work by owner (supplier reviews, ours escaped)",
          ov[:3000])
    m = re.search(r'id="h-overdue">[^<]*<span class="tag[^"]*">(\d+)<', r.text)
    check(m and int(m.group(1)) == len(over), "the overdue card counts every overdue task",
          m.group(0) if m else r.text[:500])
    # the risk cards, counted by the store, against a model from the file
    today = cli["today"]
    rows = sql(f.path, "SELECT ref, owner, status, coalesce(score, 0), coalesce(residual_score, 0),"
               " coalesce(review_reason, ''), coalesce(review_date, '') FROM risk WHERE"
               " retired IS NULL ORDER BY id")
    risks = [l.split("|") for l in rows.splitlines() if l]
    due = [x for x in risks if x[5] or (x[6] and x[6] <= today)]
    mx = f.json("method", "show", "--json")["acceptance"]["max_score"]
    above = [x for x in risks if (int(x[4]) or int(x[3])) > mx and x[2] not in ("accepted", "closed")]
    m = re.search(r'id="h-review">[^<]*<span class="tag[^"]*">(\d+)<', r.text)
    card = r.text[r.text.find('id="h-review"'):]
    card = card[:card.find("</section>")]
    check(m and int(m.group(1)) == len(due) and all(x[0] in card for x in due[:12]
                                                    if x[1] == mgr.person),
          "review card: every risk due for review counted (%d), the manager's own listed" %
          len(due), m.group(0) if m else card[:800])
    m = re.search(r'id="h-approvals">[^<]*<span class="tag[^"]*">(\d+)<', r.text)
    card = r.text[r.text.find('id="h-approvals"'):]
    card = card[:card.find("</section>")]
    check(m and int(m.group(1)) >= len(above) and all(x[0] in card for x in above[:12]),
          "approvals card: the %d risks above the acceptance criterion, not settled" % len(above),
          card[:1500])
    ca = Client(srv)
    ca.login_as(aud)
    r = ca.get("/")
    check(r.status == 200 and 'id="h-tasks"' in r.text and 'id="h-overdue"' not in r.text,
          "auditor's dashboard: My tasks, not the organization's overdue work", r.describe)

    # staff: acknowledgements among My tasks; acknowledging removes the task
    cs = Client(srv)
    cs.login_as(staff)
    r = cs.get("/")
    st = r.text[r.text.find('id="h-tasks"'):]
    st = st[:st.find("</section>")]
    acks = [t for t in apis["staff"].get("/api/v1/tasks?mine=1").json()["tasks"]
            if t["source"] == "acknowledgement"]
    check(bool(acks) and acks[0]["subject"] in st,
          "staff dashboard: My tasks holds their acknowledgements", st[:1500])
    if acks:
        doc = acks[0]["subject"]
        r = cs.post("/documents/%s/ack" % doc, {"_csrf": cs.csrf()})
        check_status(r, 303, "staff acknowledge %s" % doc)
        after = apis["staff"].get("/api/v1/tasks?mine=1").json()["tasks"]
        check(doc not in [t["subject"] for t in after if t["source"] == "acknowledgement"],
              "the acknowledged document leaves staff's tasks", after)


run(main)
