"""t_metrics.py — metrics over HTTP (9.1, 6.2).

A metric's page draws its trend as server-rendered SVG without script: an
image with a title and a description, the values as a line, the target and
threshold as lines, breaches marked, and a table of the measurements as the
text alternative; the dashboard shows the same chart small in its KPI block.
The API gives a measurement's evaluation and an objective's computed status,
and refuses a measurement with a bad value (422 naming the field, nothing
written) and a typed objective status.
"""

import re

from harness import *


def main():
    f = demo_file("m.isms")
    mgr = f.accounts["manager"]
    srv = Server(f.path)
    c = Client(srv)
    c.login_as(mgr)
    api = Api(srv, f.token(mgr.name, "t"))

    trend = f.json("metric", "trend", "MET-0001", "--json")
    breaches = [p for p in trend["points"] if p["evaluation"] == "breach"]
    check(len(trend["points"]) >= 4 and len(breaches) >= 1,
          "the demo's phishing metric has a history with breaches", trend)

    r = c.get("/metrics/MET-0001")
    check_status(r, 200, "metric page")
    page = r.text
    svg = re.search(r'<svg class="trend"[^>]*>.*?</svg>', page, re.S)
    check(svg is not None, "the metric page has a trend chart (svg.trend)", page[:2000])
    svg = svg.group(0) if svg else ""
    check('role="img"' in svg and 'aria-labelledby="trend-t trend-d"' in svg,
          "the chart is an image labelled by its title and description", svg[:400])
    check(re.search(r'<title id="trend-t">Trend of Phishing simulation click rate</title>', svg),
          "the chart has a title", svg[:400])
    desc = re.search(r'<desc id="trend-d">(.*?)</desc>', svg, re.S)
    check(desc and "Lower is better; target 5%; escalation threshold 10%" in desc.group(1)
          and "%d breach" % len(breaches) in desc.group(1),
          "the description says direction, target, threshold and breaches",
          desc.group(1) if desc else svg[:600])
    check('<line class="target"' in svg and '<line class="threshold"' in svg,
          "target and threshold are drawn as lines", svg)
    check(svg.count('class="breach-mark"') == len(breaches), "every breach is marked",
          "%d marks, %d breaches" % (svg.count('class="breach-mark"'), len(breaches)))
    check(svg.count('<circle class="point ') == len(trend["points"]), "one point per measurement",
          svg)
    check('<polyline class="values"' in svg, "the values are joined by a line", svg)
    check("<script" not in page.lower().split("</head>")[-1] and "<script" not in svg.lower()
          and "onload" not in svg.lower(), "the chart needs no script", "")
    table = re.search(r'<table class="trend-table">.*?</table>', page, re.S)
    check(table and table.group(0).count("<tr>") == len(trend["points"]) + 1
          and table.group(0).count("breach</span>") == len(breaches),
          "a table of every measurement with its evaluation is the text alternative",
          table.group(0) if table else "")

    r = c.get("/")
    check_status(r, 200, "dashboard")
    kpi = re.search(r'<section class="kpis".*?</section>', r.text, re.S)
    check(kpi and "KPI trends" in kpi.group(0) and '<svg class="trend small"' in kpi.group(0)
          and 'aria-labelledby="kpi-MET-0001-t kpi-MET-0001-d"' in kpi.group(0),
          "the dashboard's KPI block draws each active metric small, labelled",
          kpi.group(0)[:1500] if kpi else r.text[-3000:])

    r = api.get("/api/v1/measurements/%s" % breaches[0]["id"])
    check_status(r, 200, "a measurement over the API")
    check((r.json() or {}).get("evaluation") == "breach", "the API gives its evaluation", r.text)
    r = api.get("/api/v1/metrics/MET-0001")
    check((r.json() or {}).get("latest", {}).get("id") == trend["latest"]["id"],
          "a metric over the API gives its latest measurement", r.text)

    r = api.get("/api/v1/metrics/MET-0001/trend")
    check_status(r, 200, "the trend over the API")
    check((r.json() or {}) == trend, "is the same document as `isms metric trend --json`",
          r.text[:600])
    staff = Client(srv)
    staff.login_as(f.accounts["staff"])
    check_status(staff.get("/api/v1/metrics/MET-0001/trend"), 404,
                 "staff may not read metrics (answered like a missing one)")
    check("KPI trends" not in staff.get("/").text, "nor see the KPI block", "")

    before = f.history_count()
    r = api.post("/api/v1/measurements", {"metric": "MET-0001", "measured_on": "2026-01-01",
                                          "value": "lots"})
    check_status(r, 422, "a measurement whose value is not a number is refused")
    check(((r.json() or {}).get("error") or {}).get("field") == "value", "naming the field value",
          r.text)
    r = api.post("/api/v1/measurements", {"metric": "MET-0001", "measured_on": "2026-01-01",
                                          "value": 250})
    check_status(r, 422, "a percentage above 100 is refused")
    check("is not a percentage" in r.text, "saying why", r.text)
    check(f.history_count() == before, "nothing was written", "")

    obj = f.json("objective", "show", "OBJ-0002", "--json")
    r = api.get("/api/v1/objectives/OBJ-0002")
    check((r.json() or {}).get("status_today") in ("at-risk", "missed", "achieved", "on-track",
                                                   "planned"),
          "an objective's computed status over the API", r.text)
    r = api.patch("/api/v1/objectives/OBJ-0002", {"status": "achieved"})
    check_status(r, 422, "an objective's status cannot be typed")
    check("set by the program" in r.text, "saying so", r.text)
    r = c.get("/objectives/OBJ-0002/edit")
    check_status(r, 200, "the objective's form")
    check('name="status"' not in r.text, "offers no status to type", r.text[-3000:])
    r = c.get("/objectives/OBJ-0002")
    check("Status today" in r.text and "computed from" in r.text and obj["status"] in r.text,
          "the objective's page shows the computed status", r.text[-3000:])


run(main)
