"""t_hostile.py — hostile input, end to end: the running server attacked the
way real attackers attacked peer GRC tools, driven by the declarations
(`isms types`, `isms TYPE fields --json`), every record type, and by
routes.def. Covers what t_security.py, t_auth.py, t_multi.py and t_roles.py
do not:

  xss      stored XSS through every text, long text and e-mail field of every
           type (created and then changed through the API), read back on the
           type's list, the record's page (with its history), its edit form,
           its retire page, the dashboard, the heat map, plan, SoA and an
           approved SoA version, and as staff; reflected XSS through every list
           page's search box, every filter parameter of every type, unknown
           parameter names, sort/dir/page, paths and the special pages; JSON
           answers never carry a raw '<'
  sql      SQL metacharacters in every text field (stored and read back
           exactly, created and changed), in q= (a search for a literal % or _
           finds exactly the records holding it, API and pages), in equality
           filters, sort/order/dir, filter names and values of every field,
           and in identifiers in paths (404, never 500)
  formula  formula injection through every export (risk register, SoA 2022
           and 2013, treatment plan; CSV and XLSX): every exported text column
           and person names, every lead character (= + - @ tab CR)
  idor     staff guessing ids of other people's incidents, draft documents,
           risks, assets, people and nonconformities through pages, forms,
           the API (record, history, list with q/filters/sort/cursor, writes),
           the dashboard and its counts, the heat map, SoA, plan and method;
           an owner writing someone else's records; under `serve --dir`
           another organization's ids with this organization's token/session
  csrf     every state-changing route of routes.def, for every type, without
           the token and with a foreign Origin (nothing stored); login CSRF;
           no CORS grant to a foreign origin
  redirect CR/LF and other tricks in next= and in the path of a signed-out
           page: never a foreign Location, never an injected header
  session  a session cookie after logout used for writes, the CSRF token of an
           ended session, a session id under another cookie name / in the URL /
           as a bearer token, a token as a cookie, a session whose second
           factor is due trying to write
  brute    login lockout not bypassed by spellings of the name nor by
           X-Forwarded-For / X-Real-IP / Forwarded; TOTP guessing locked per
           account (also for a new password login); a TOTP code used once is
           not accepted again (RFC 6238 5.2)
  bodies   for POST and PATCH of every type and the other write endpoints:
           100000 levels of [ and of {"a":, deep values, huge arrays, 10000
           keys, duplicate keys, NUL (raw and escaped), lone surrogates,
           overlong UTF-8, number overflow, every text field over its declared
           length (API and forms): 400/413/422, the server stays up, nothing
           stored (API counts, the record, the history count)
  paths    overlong UTF-8, double encoding, backslashes, NUL, ;-parameters,
           absolute request targets, in static names, type and id segments and
           organization names: 400/404, never 500, never a file of the machine
Each check says what the safe behaviour is. At the end `isms verify` passes
for every file and the record counts are what the test made.
"""
import csv
import io
import xml.etree.ElementTree as ET
import zipfile

from harness import *

q = urllib.parse.quote
TEXTLIKE = ("text", "longtext", "email")
LEADS = ("=", "+", "-", "@", "\t", "\r")
NEVER = "root:x:0:0"

# ---- helpers -------------------------------------------------------------------------


def qs(v):
    return q(v, safe="")


def api_all(api, t, query="all=1"):
    """Every record of type t the caller sees (paging with the cursor)."""
    out, cursor = [], None
    for _ in range(100):
        r = api.get("/api/v1/%s?%s&limit=500%s" % (plural(t), query,
                                                   "&cursor=" + qs(cursor) if cursor else ""))
        if r.status != 200:
            fail("GET /api/v1/%s?%s: status %d" % (plural(t), query, r.status), r.describe())
            return None
        d = r.json()
        out += api_items(d, plural(t)) or []
        cursor = api_cursor(d)
        if not cursor:
            break
    return out


def api_count(api, t):
    lst = api_all(api, t)
    return -1 if lst is None else len(lst)


# metrics: an improvement's raised_by is text holding a checked identifier
# (AUD-/F-/NC-/INC-/MR-), not free text
IDENTIFIER_TEXT = ("raised_by",)


def text_fields(fields):
    return [fd for fd in fields if fd["type"] in TEXTLIKE and not fd["system"]
            and fd["name"] not in IDENTIFIER_TEXT]


def err_of(r):
    d = r.json()
    e = d.get("error") if isinstance(d, dict) else None
    return e if isinstance(e, dict) else {}


def not_500(r, desc):
    return check(r.status < 500, "%s: never a 5xx (got %d)" % (desc, r.status), r.describe)


# ---- what an injected payload looks like in a page ------------------------------------


class Injected(HTMLParser):
    """Elements and attributes a payload would have made if it reached the
    page unescaped: <xss>, <img>, <iframe>, <object>, <embed>, <base>, a
    script that is not the application's, any on*= attribute, and
    javascript:/data:/vbscript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        where = "line %d: <%s %s>" % (self.getpos()[0], tag,
                                       " ".join("%s=%r" % kv for kv in attrs)[:160])
        a = dict(attrs)
        if tag in ("xss", "img", "iframe", "object", "embed", "base", "frame"):
            self.found.append("an injected <%s> (%s)" % (tag, where))
        if tag == "script" and not (a.get("src") or "").endswith("/static/app.js"):
            self.found.append("a script that is not /static/app.js (%s)" % where)
        for k, v in attrs:
            if k.lower().startswith("on"):
                self.found.append("an event handler attribute %s (%s)" % (k, where))
            if k.lower() in ("href", "src", "action", "formaction") and v and \
                    re.sub(r"[\s\x00-\x1f]", "", v).lower().startswith(("javascript:", "data:",
                                                                         "vbscript:")):
                self.found.append("a script URL in %s (%s)" % (k, where))

    handle_startendtag = handle_starttag


RAW = ["<xss>", "<script>alert(1)", "<img src=x onerror", "<svg onload=alert",
       "onfocus='alert(1)'", "<img/src=x/onerror"]


def audit(r, what, statuses=(200,), must=()):
    """r must be one of statuses, hold no injected element or raw payload,
    and show every string of must (escaped text the payload must become)."""
    if not check(r.status in statuses, "%s: status %s (expected %s)" % (what, r.status,
                                                                      list(statuses)),
                 r.describe):
        return False
    p = Injected()
    try:
        p.feed(r.text)
        p.close()
    except Exception as ex:  # a page the parser cannot read is a finding too
        p.found.append("unparsable HTML: %s" % ex)
    ok = check(not p.found, "%s: the payload is inert (no element or handler of it)" % what,
               lambda: "\n".join(p.found[:8]))
    for raw in RAW:
        i = r.text.find(raw)
        ok &= check(i < 0, "%s: %r is not in the page raw" % (what, raw),
                    lambda: r.text[max(0, i - 300):i + 300])
    for m in must:
        ok &= check(m in r.text, "%s: shows %r escaped" % (what, m[:60]),
                    lambda: r.text[r.text.find("<main"):][:2500])
    return ok


def json_inert(r, what, statuses):
    check(r.status in statuses, "%s: status %s (expected %s)" % (what, r.status, list(statuses)),
          r.describe)
    check("<" not in r.text and ">" not in r.text,
          "%s: the JSON answer escapes < and > (\\u003c)" % what, r.describe)
    ct = r.header("Content-Type") or ""
    check(ct.startswith("application/json"), "%s: served as application/json (got %r)"
          % (what, ct), r.describe)


# ---- payloads ------------------------------------------------------------------------------

XSS_BODY = ("</title></textarea><script>alert(1)</script><xss>\"><img src=x onerror=alert(1)>"
            "' onfocus='alert(1)' <svg onload=alert(1)>")
XSS_SHOWN = ("&lt;/title&gt;&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
             "&lt;xss&gt;")
XSS_MAIL = "\"><img/src=x/onerror=alert(1)><xss>@example.com"
XSS_MAIL_SHOWN = "&quot;&gt;&lt;img/src=x/onerror=alert(1)&gt;&lt;xss&gt;@example.com"
XSS_LONG_TAIL = ("\n\n[x](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a>\n"
                 "<iframe src=\"https://evil.example/\"></iframe>"
                 "<base href=\"https://evil.example/\">")
REFLECT = ("</title><script>alert(1)</script><xss>\"><img src=x onerror=alert(1)>"
           "' onfocus='alert(1)'")
REFLECT_SHOWN = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;xss&gt;"

SQL_BODY = ("' \" ; -- % _ \\ ' OR '1'='1 '; DROP TABLE {t}; -- /* x */ ?1 :a @a $1 `x` )--")
SQL_BODY2 = ("'); DELETE FROM history; UPDATE account SET role='admin' WHERE '1'='1'; -- "
             "\\' \\\" %% __ \\\\ {t}")
SQL_MAIL = "'or'1'='1--%_;\\@example.com"
SQL_LONG_TAIL = "\n' UNION SELECT hash FROM token --\n\\x00 \\' \\\\ %%% ___"
NEEDLES = ["%", "_", "\\", "'", "\"", "' OR '1'='1", "%_", "--", ";", "\\%"]


class Marks:
    """Unique markers per (type, field): MARK-n001 ..."""

    def __init__(self, tag):
        self.tag, self.n, self.by = tag, 0, {}

    def __call__(self, t, name):
        if (t, name) not in self.by:
            self.n += 1
            self.by[(t, name)] = "%s-n%03d" % (self.tag, self.n)
        return self.by[(t, name)]


def xss_value(mark, fd):
    if fd["type"] == "email":
        return mark + XSS_MAIL
    v = mark + " " + XSS_BODY
    if fd["type"] == "longtext":
        v += XSS_LONG_TAIL
    return v


def xss_shown(mark, fd):
    return mark + (XSS_MAIL_SHOWN if fd["type"] == "email" else " " + XSS_SHOWN)


def sql_value(mark, fd, t, second=False):
    if fd["type"] == "email":
        return mark + SQL_MAIL
    v = mark + " " + (SQL_BODY2 if second else SQL_BODY).replace("{t}", t)
    if fd["type"] == "longtext":
        v += SQL_LONG_TAIL
    return v[:fd.get("max_length") or 200]


def hostile_body(t, fields, refs, value, made, owner):
    """A record of type t with every text-like field set by value(fd), the
    required fields filled in, references pointing at the hostile records of
    other types made so far (so their titles show on this one's pages)."""
    body = {}
    for fd in fields:
        n, ty = fd["name"], fd["type"]
        if fd["system"]:
            continue
        if t == "improvement" and n == "raised_by":  # metrics: an identifier, checked
            if "nonconformity" in made:
                body[n] = made["nonconformity"]
            continue
        if ty in TEXTLIKE:
            body[n] = value(fd)
        elif t == "control" and n == "framework":
            body[n] = "custom"
        elif n == "owner" and owner:
            body[n] = owner
        elif ty in ("reference", "references") and fd["ref"] in made and fd["ref"] != t:
            body[n] = made[fd["ref"]] if ty == "reference" else [made[fd["ref"]]]
        elif fd["required"]:
            body[n] = json_value(fd, refs, "hostile")
    if t == "responsibility":  # people: one RACI cell is for a process or a control, a role or a person
        body.pop("control", None)
        body.pop("person", None)
        body.setdefault("process", refs("process"))
        body.setdefault("role", refs("role"))
    return body


def make_hostile(api, types, fields, refs, value, owner, what):
    """One record per type through the API; returns type -> id."""
    made = {}
    for t in types:
        body = hostile_body(t, fields[t], refs, lambda fd: value(t, fd), made, owner)
        r = api.post("/api/v1/" + plural(t), body)
        if check_status(r, 201, "POST /api/v1/%s with %s in every text field is stored"
                        % (plural(t), what)):
            made[t] = (r.json() or {}).get("id")
            got = r.json() or {}
            bad = [n for n, v in body.items() if fields_type(fields[t], n) in TEXTLIKE and
                   got.get(n) != v]
            check(not bad, "%s %s: every text field is answered exactly as sent (%s)"
                  % (t, made[t], what), lambda: ["%s: sent %r got %r" % (n, body[n], got.get(n))
                                                 for n in bad][:4])
    return made


def fields_type(fields, name):
    for fd in fields:
        if fd["name"] == name:
            return fd["type"]
    return None


# ---- 1. stored and reflected XSS -----------------------------------------------------------


def stored_xss(f, srv, api, m, staff, staff_api, types, fields, refs):
    m1, m2 = Marks("XSS1"), Marks("XSS2")
    # the person first: every other hostile record is owned by it
    order = ["person"] + [t for t in types if t != "person"]
    made = {}
    for t in order:
        body = hostile_body(t, fields[t], refs, lambda fd, t=t: xss_value(m1(t, fd["name"]), fd),
                            made, made.get("person"))
        if t == "document":
            body["classification"] = "public"  # staff see it once approved (below)
            body["kind"] = "guideline"
        r = api.post("/api/v1/" + plural(t), body)
        if not check_status(r, 201, "POST /api/v1/%s with a script in every text field is stored "
                            "(as text)" % plural(t)):
            continue
        rid = (r.json() or {}).get("id")
        made[t] = rid
        # changed through the API: the history shows both values
        patch = {fd["name"]: xss_value(m2(t, fd["name"]), fd) for fd in text_fields(fields[t])}
        r = api.patch("/api/v1/%s/%s" % (plural(t), rid), patch)
        check_status(r, 200, "PATCH /api/v1/%s/%s with another script in every text field"
                     % (plural(t), rid))
        got = api.get("/api/v1/%s/%s" % (plural(t), rid))
        json_inert(got, "GET /api/v1/%s/%s (hostile text)" % (plural(t), rid), (200,))
        d = got.json() or {}
        bad = [n for n, v in patch.items() if d.get(n) != v]
        check(not bad, "GET /api/v1/%s/%s gives every hostile text back exactly"
              % (plural(t), rid), lambda: ["%s: %r" % (n, d.get(n)) for n in bad][:4])
        h = api.get("/api/v1/%s/%s/history" % (plural(t), rid))
        json_inert(h, "GET /api/v1/%s/%s/history (hostile text)" % (plural(t), rid), (200,))
        if t == "document":
            # through the workflow, so staff read it: the admin reviews, top management approves
            tapi = Api(srv, f.token(f.accounts["top-management"].name, "xss"))
            steps = [(api, "PATCH", "", {"reviewer": f.accounts["admin"].person}),
                     (api, "POST", "/submit", {}), (api, "POST", "/review", {}),
                     (tapi, "POST", "/approve", {})]
            for who, method, step, b in steps:
                r = who.request(method, "/api/v1/documents/%s%s" % (rid, step), b)
                check_status(r, 200, "the hostile document: %s %s" % (method, step or "reviewer"))
        if t == "incident":
            # ops: hostile text through the timeline and a notification's note
            lt = {"type": "longtext"}
            r = api.post("/api/v1/incidents/%s/timeline" % rid,
                         {"kind": "note", "text": xss_value("OPSNOTE", lt)})
            json_inert(r, "POST /api/v1/incidents/%s/timeline (hostile text)" % rid, (201,))
            r = api.post("/api/v1/incidents/%s/timeline" % rid,
                         {"kind": "note", "text": sql_value("OPSSQL", lt, "incident_entry")})
            check_status(r, 201, "a timeline entry with SQL in it is stored as text")
            r = api.post("/api/v1/incidents/%s/duties/notified" % rid,
                         {"duty": XSS_BODY, "note": XSS_BODY})
            json_inert(r, "POST /api/v1/incidents/%s/duties/notified (hostile duty)" % rid,
                       (422,))
            audit(m.get("/incidents/%s" % rid), "manager GET /incidents/%s: the hostile timeline "
                  "entry escaped" % rid, must=[xss_shown("OPSNOTE", lt)])

    for t in order:
        rid = made.get(t)
        if not rid:
            continue
        pl = plural(t)
        tf = text_fields(fields[t])
        shown = [xss_shown(m2(t, fd["name"]), fd) for fd in tf]
        listed = [xss_shown(m2(t, fd["name"]), fd) for fd in tf if fd.get("listed")]
        audit(m.get("/%s/%s" % (pl, rid)), "manager GET /%s/%s: every hostile field and its "
              "history escaped" % (pl, rid), must=shown + [xss_shown(m1(t, fd["name"]), fd)
                                                           for fd in tf])
        audit(m.get("/%s/%s/edit" % (pl, rid)), "manager GET /%s/%s/edit: the form holds every "
              "hostile value escaped" % (pl, rid), must=shown)
        audit(m.get("/%s/%s/retire" % (pl, rid)), "manager GET /%s/%s/retire: escaped" % (pl, rid))
        audit(m.get("/%s?sort=id&dir=desc" % pl), "manager GET /%s (newest first): listed "
              "hostile fields escaped" % pl, must=listed[:1])
        audit(m.get("/%s?q=%s" % (pl, qs(m2(t, tf[0]["name"])))), "manager GET /%s?q=MARK: the "
              "found record escaped" % pl, must=listed[:1] + ['href="/%s/%s"' % (pl, rid)])
        audit(m.get("/%s/new" % pl), "manager GET /%s/new: hostile titles in the selects escaped"
              % pl)
    person = made.get("person")
    pmark = xss_shown(m2("person", "name"), {"type": "text"})
    # the hostile incident refers to the hostile risk, which flags it for review: the
    # dashboard lists it by title
    audit(m.get("/"), "manager GET / (dashboard): the hostile risk due for review escaped",
          must=[xss_shown(m2("risk", "title"), {"type": "text"})]
          if made.get("risk") and made.get("incident") else [])
    for p in ("/risks/matrix", "/risks/matrix?residual=1", "/plan", "/method", "/soa",
              "/soa?framework=iso27001-2013", "/people", "/risks?owner=" + (person or "")):
        audit(m.get(p), "manager GET %s with hostile records" % p)
    if made.get("risk"):
        audit(m.get("/plan"), "GET /plan: the hostile risk's title escaped",
              must=[xss_shown(m2("risk", "title"), {"type": "text"})] if made.get("action") else [])
    if made.get("control"):
        audit(m.get("/soa"), "GET /soa: the hostile custom control escaped",
              must=[xss_shown(m2("control", "title"), {"type": "text"})])
        r = api.patch("/api/v1/soa/" + made["control"], {"applicable": True,
                                                         "implementation": XSS_BODY})
        check_status(r, 200, "the hostile control is decided applicable in the SoA")
        # signed by top management's own token: the signer is never a field
        top_api = Api(srv, f.token(f.accounts["top-management"].name, "hostile-top"))
        r = top_api.post("/api/v1/soa/approve", {"note": REFLECT})
        if check_status(r, (200, 201), "the SoA with a hostile control and note is approved"):
            vs = api.get("/api/v1/soa/versions")
            items = api_items(vs.json()) or []
            n = max([x.get("version", 0) for x in items if isinstance(x, dict)] or [1])
            json_inert(vs, "GET /api/v1/soa/versions (hostile note)", (200,))
            json_inert(api.get("/api/v1/soa/versions/%d" % n), "GET /api/v1/soa/versions/%d" % n,
                       (200,))
            audit(m.get("/soa/versions"), "GET /soa/versions with a hostile note")
            audit(m.get("/soa/versions/%d" % n), "GET /soa/versions/%d: the frozen hostile control "
                  "escaped" % n, must=[xss_shown(m2("control", "title"), {"type": "text"})])
            audit(m.get("/soa/diff?from=1&to=%d" % n), "GET /soa/diff with a hostile version",
                  statuses=(200, 400, 422))
    # owner names in every other record's page
    if person:
        audit(m.get("/risks/%s" % made.get("risk", "R-0001")), "a risk owned by the hostile person",
              must=[pmark])
    # staff: their own hostile incident, the hostile approved document
    sp = f.accounts["staff"].person
    body = {fd["name"]: xss_value(m1("staff-incident", fd["name"]), fd)
            for fd in text_fields(fields["incident"])}
    body["reported_by"] = sp
    r = staff_api.post("/api/v1/incidents", body)
    if check_status(r, 201, "staff report an incident with a script in every text field"):
        iid = (r.json() or {}).get("id")
        made["staff-incident"] = iid
        tmark = xss_shown(m1("staff-incident", "title"), {"type": "text"})
        audit(staff.get("/incidents/" + iid), "staff GET /incidents/%s: their hostile incident "
              "escaped" % iid, must=[tmark])
        audit(staff.get("/incidents"), "staff GET /incidents: escaped", must=[tmark])
        audit(staff.get("/"), "staff GET /: their hostile incident in 'What you reported' escaped",
              must=[tmark])
    if made.get("document"):
        dmark = xss_shown(m2("document", "title"), {"type": "text"})
        audit(staff.get("/documents/" + made["document"]),
              "staff GET the hostile approved document", must=[dmark])
        audit(staff.get("/"), "staff GET /: the hostile policy in 'Policies to read' escaped",
              must=[dmark])
        audit(staff.get("/documents?q=" + qs(m2("document", "title"))),
              "staff GET /documents?q=MARK escaped", must=[dmark])
    return made


def reflected_xss(srv, api, m, anon, types, fields):
    R = qs(REFLECT)
    for t in types:
        pl = plural(t)
        audit(m.get("/%s?q=%s" % (pl, R)), "GET /%s?q=PAYLOAD: the search box keeps it escaped"
              % pl, must=[REFLECT_SHOWN])
        for fd in fields[t]:
            r = m.get("/%s?%s=%s" % (pl, fd["name"], R))
            not_500(r, "GET /%s?%s=PAYLOAD" % (pl, fd["name"]))
            audit(r, "GET /%s?%s=PAYLOAD: echoed escaped or refused" % (pl, fd["name"]),
                  statuses=(200, 400, 422))
        audit(m.get("/%s?%s=1" % (pl, R)), "GET /%s?PAYLOAD=1 (an unknown filter named by the "
              "payload): refused, the name escaped" % pl, statuses=(400, 422))
        audit(m.get("/%s?sort=%s&dir=%s&page=%s&all=%s&review=%s&done=%s" % ((pl,) + (R,) * 6)),
              "GET /%s with the payload in sort/dir/page/all/review/done: ignored" % pl)
        audit(m.get("/%s/%s" % (pl, R)), "GET /%s/PAYLOAD: 404, escaped" % pl, statuses=(404,))
        audit(m.get("/%s/%s/edit" % (pl, R)), "GET /%s/PAYLOAD/edit: 404, escaped" % pl,
              statuses=(404,))
        json_inert(api.get("/api/v1/%s?q=%s" % (pl, R)), "GET /api/v1/%s?q=PAYLOAD" % pl, (200,))
        json_inert(api.get("/api/v1/%s?%s=1" % (pl, R)), "GET /api/v1/%s?PAYLOAD=1" % pl, (422,))
        json_inert(api.get("/api/v1/%s?sort=%s" % (pl, R)), "GET /api/v1/%s?sort=PAYLOAD" % pl,
                   (400,))
        json_inert(api.get("/api/v1/%s?title=%s&status=%s" % (pl, R, R)),
                   "GET /api/v1/%s?title=PAYLOAD&status=PAYLOAD" % pl, (200, 400, 422))
        json_inert(api.get("/api/v1/%s/%s" % (pl, R)), "GET /api/v1/%s/PAYLOAD" % pl, (404,))
    for p, st in (("/soa?framework=" + R, (200, 400, 422)),
                  ("/soa/diff?from=%s&to=%s" % (R, R), (200, 400, 422)),
                  ("/soa/versions/" + R, (400, 404)), ("/risks/matrix?residual=" + R, (200, 400)),
                  ("/plan?x=" + R, (200, 400)), ("/method?x=" + R, (200, 400)),
                  ("/?done=" + R, (200,)), ("/" + R, (404,)), ("/risks/R-0001?done=" + R, (200,))):
        audit(m.get(p), "GET %s: the payload escaped or refused" % p[:40], statuses=st)
    audit(anon.get("/login?next=%s&name=%s" % (R, R)), "GET /login?next=PAYLOAD&name=PAYLOAD")
    for p, st in (("/api/v1/soa?framework=" + R, (400, 422)),
                  ("/api/v1/risks/matrix?residual=" + R, (400, 422)),
                  ("/api/v1/soa/versions/" + R, (400, 404)), ("/api/v1/" + R, (404,)),
                  ("/api/v1/risks/R-0001/history?x=" + R, (400, 422))):
        json_inert(api.get(p), "GET %s" % p[:40], st)


# ---- 2. SQL metacharacters -------------------------------------------------------------------


def ascii_fold(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def searchable(rec, fields):
    vals = [rec.get("id") or ""]
    for fd in fields:
        v = rec.get(fd["name"])
        if fd["type"] in TEXTLIKE and isinstance(v, str):
            vals.append(v)
    return [ascii_fold(v) for v in vals]


def sql_meta(f, srv, api, m, types, fields, refs, owner_p, counts):
    marks, marks2 = Marks("SQL1"), Marks("SQL2")
    made = {}
    for t in types:
        body = hostile_body(t, fields[t], refs,
                            lambda fd, t=t: sql_value(marks(t, fd["name"]), fd, t), made, owner_p)
        r = api.post("/api/v1/" + plural(t), body)
        if not check_status(r, 201, "POST /api/v1/%s with SQL metacharacters in every text field"
                            % plural(t)):
            continue
        rid = (r.json() or {}).get("id")
        made[t] = rid
        counts[t] += 1
        d = api.get("/api/v1/%s/%s" % (plural(t), rid)).json() or {}
        bad = [fd["name"] for fd in text_fields(fields[t]) if d.get(fd["name"]) != body[fd["name"]]]
        check(not bad, "%s %s: every SQL-laden text is stored and read back exactly" % (t, rid),
              lambda: ["%s: sent %r got %r" % (n, body[n], d.get(n)) for n in bad][:4])
        patch = {fd["name"]: sql_value(marks2(t, fd["name"]), fd, t, True)
                 for fd in text_fields(fields[t])}
        r = api.patch("/api/v1/%s/%s" % (plural(t), rid), patch)
        check_status(r, 200, "PATCH %s with other SQL metacharacters in every text field" % rid)
        d = api.get("/api/v1/%s/%s" % (plural(t), rid)).json() or {}
        bad = [n for n, v in patch.items() if d.get(n) != v]
        check(not bad, "%s %s: changed SQL-laden texts read back exactly" % (t, rid),
              lambda: ["%s: %r" % (n, d.get(n)) for n in bad][:4])

    # search: LIKE wildcards and quotes are literal
    for t in types:
        pl = plural(t)
        every = api_all(api, t)
        if every is None:
            continue
        keyed = [(x["id"], searchable(x, fields[t]) + [ascii_fold(x.get("id", ""))])
                 for x in every if not x.get("retired")]
        for needle in NEEDLES:
            want = sorted(i for i, vals in keyed if any(ascii_fold(needle) in v for v in vals))
            got = api_all(api, t, "q=" + qs(needle))
            got = sorted(x["id"] for x in got or [] if not x.get("retired"))
            check(got == want, "GET /api/v1/%s?q=%s finds exactly the records holding it literally "
                  "(%d of %d)" % (pl, needle, len(want), len(keyed)),
                  lambda: "extra %s\nmissing %s" % (sorted(set(got) - set(want))[:10],
                                                    sorted(set(want) - set(got))[:10]))
            if needle in ("%", "_"):
                check(0 < len(want) < len(keyed), "the %s search on %s can tell (some records hold "
                      "%r, some do not)" % (needle, pl, needle))
            if needle in ("%", "_", "' OR '1'='1"):
                r = m.get("/%s?q=%s" % (pl, qs(needle)))
                n = re.search(r" of (\d+)\.", r.text)
                shown = int(n.group(1)) if n else (0 if "Nothing matched." in r.text else -1)
                check(r.status == 200 and shown == len(want), "GET /%s?q=%s counts exactly the %d "
                      "records holding it (got %d)" % (pl, needle, len(want), shown), r.describe)
                ids = set(re.findall(r'<td class="nowrap"><a href="/%s/([^"/?]+)"' % pl, r.text))
                check(ids <= set(want), "GET /%s?q=%s lists only records holding it" % (pl, needle),
                      lambda: sorted(ids - set(want))[:10])
        # equality filters bind the value: exact, never a pattern
        rid = made.get(t)
        tf = [fd for fd in text_fields(fields[t]) if fd["type"] == "text"]
        if rid and tf:
            fd = tf[0]
            val = api.get("/api/v1/%s/%s" % (pl, rid)).json().get(fd["name"])
            got = api_all(api, t, "%s=%s" % (fd["name"], qs(val)))
            check([x["id"] for x in got or []] == [rid], "GET /api/v1/%s?%s=<its SQL-laden value> "
                  "finds exactly %s" % (pl, fd["name"], rid), lambda: [x["id"] for x in got or []])
            for v in ("%", "_", "' OR '1'='1", "%' OR '1'='1' --"):
                got = api_all(api, t, "%s=%s" % (fd["name"], qs(v)))
                check(got == [], "GET /api/v1/%s?%s=%s finds nothing (equality, not a pattern)"
                      % (pl, fd["name"], v), lambda: [x["id"] for x in got or []][:10])

    # sort, order, dir, page, limit, cursor and filter names and values
    bad_sort = ["title'--", "title;DROP TABLE risk", "(SELECT 1)", "title DESC", "id,title",
                "rowid", "1", "title COLLATE nocase", "\"title\"", "t.title", "title--", "%"]
    inj = "' OR '1'='1"
    for t in types:
        pl = plural(t)
        for s in bad_sort:
            r = api.get("/api/v1/%s?sort=%s" % (pl, qs(s)))
            check(r.status == 400 and err_of(r).get("field") == "sort",
                  "GET /api/v1/%s?sort=%s: 400 naming sort" % (pl, s), r.describe)
        for o in ("asc;--", "desc'", "DESC", "asc,id", "desc nulls first", "1"):
            r = api.get("/api/v1/%s?order=%s" % (pl, qs(o)))
            check(r.status == 400 and err_of(r).get("field") == "order",
                  "GET /api/v1/%s?order=%s: 400 naming order" % (pl, o), r.describe)
        for p in ("limit=1%20OR%201=1", "limit=1;--", "cursor=%27--", "cursor=" + qs(inj),
                  "all=1'--", "q=" + qs("x" * 201)):
            r = api.get("/api/v1/%s?%s" % (pl, p))
            check(r.status == 400, "GET /api/v1/%s?%s: 400" % (pl, p[:30]), r.describe)
        r = m.get("/%s?sort=%s&dir=%s&page=%s&all=%s&review=%s" % ((pl,) + (qs(inj),) * 5))
        check_status(r, 200, "GET /%s with SQL in sort/dir/page/all/review: ignored" % pl)
        for name in ("title'--", "status) OR (1=1", "owner;DROP TABLE %s" % t, "1=1--", "%"):
            r = api.get("/api/v1/%s?%s=1" % (pl, qs(name)))
            check(r.status == 422 and err_of(r).get("code") == "invalid",
                  "GET /api/v1/%s?%s=1: 422 (no such field)" % (pl, name), r.describe)
            r = m.get("/%s?%s=1" % (pl, qs(name)))
            check_status(r, 422, "GET /%s?%s=1 (a filter with SQL in its name)" % (pl, name))
        for fd in fields[t]:
            r = api.get("/api/v1/%s?%s=%s" % (pl, fd["name"], qs(inj)))
            items = api_items(r.json()) if r.status == 200 else None
            check(r.status in (400, 422) or (r.status == 200 and items == []),
                  "GET /api/v1/%s?%s=' OR '1'='1: refused or nothing (the value is bound)"
                  % (pl, fd["name"]), r.describe)
            r = m.get("/%s?%s=%s" % (pl, fd["name"], qs(inj)))
            check(r.status in (200, 400, 422) and (r.status != 200 or "Nothing matched." in r.text),
                  "GET /%s?%s=' OR '1'='1: refused or nothing matched" % (pl, fd["name"]),
                  r.describe)

    # identifiers in paths
    for t in types:
        pl, px = plural(t), declared_types()[t]["prefix"]
        ids = ["%s-0001'--" % px, "%s-0001' OR '1'='1" % px, "1 OR 1=1",
               "'; DROP TABLE %s; --" % t, "%s-000_" % px, "%s-%%" % px, "%s-0001;" % px,
               "%s-0001\"" % px, "%s-0001\\" % px]
        for i in ids:
            e = qs(i)
            r = m.get("/%s/%s" % (pl, e))
            check(r.status in (400, 404), "GET /%s/%s: 404/400" % (pl, i), r.describe)
            r = api.get("/api/v1/%s/%s" % (pl, e))
            check(r.status in (400, 404) and err_of(r).get("code"),
                  "GET /api/v1/%s/%s: 404/400 as JSON" % (pl, i), r.describe)
        for i in ids[:3]:
            e = qs(i)
            check_status(m.get("/%s/%s/edit" % (pl, e)), (400, 404), "GET /%s/%s/edit" % (pl, i))
            check_status(api.get("/api/v1/%s/%s/history" % (pl, e)), (400, 404),
                         "GET /api/v1/%s/%s/history" % (pl, i))
            check_status(api.patch("/api/v1/%s/%s" % (pl, e), {"notes": "sqli"}), (400, 404),
                         "PATCH /api/v1/%s/%s" % (pl, i))
            check_status(api.post("/api/v1/%s/%s/retire" % (pl, e), {}), (400, 404),
                         "POST /api/v1/%s/%s/retire" % (pl, i))
    return made


# ---- 3. formula injection (made through the API; exported after the server stops) ---------

FORMULA = {
    "p1": '=HYPERLINK("http://evil.example/","click")',
    "p2": "@SUM(1+9)*cmd|' /C calc'!A0",
    "r1_title": "+cmd|' /C calc'!A0",
    "r1_desc": "\t=1+2",
    "r1_exist": "\r\n=3+4",
    "r2_title": "-2+3+cmd|' /C calc'!A0",
    "r2_desc": "@SUM(A1:A9)",
    "r2_exist": '=HYPERLINK("http://evil.example/")',
    "a1_title": "=1+2",
    "a2_title": "-1",
    "c_title": "=2+3",
    "c_impl": "+impl",
    "c_just": "-just",
    "s51_just": "@just",
    "s51_impl": "\t=9",
    "s13_impl": "=2013",
}


def formula_records(api):
    F = dict(FORMULA)
    ids = {}
    for k in ("p1", "p2"):
        r = api.post("/api/v1/people", {"name": F[k]})
        if check_status(r, 201, "a person named %r" % F[k]):
            ids[k] = r.json()["id"]
    p1, p2 = ids.get("p1"), ids.get("p2")
    r = api.post("/api/v1/risks", {"title": F["r1_title"], "description": F["r1_desc"],
                                   "existing_controls": F["r1_exist"], "owner": p1,
                                   "likelihood": 3, "consequence": 3, "treatment": "modify"})
    if check_status(r, 201, "a risk whose text columns start with + tab CR"):
        ids["r1"] = r.json()["id"]
    r = api.post("/api/v1/risks", {"title": F["r2_title"], "description": F["r2_desc"],
                                   "existing_controls": F["r2_exist"], "owner": p2})
    if check_status(r, 201, "a risk whose text columns start with - @ ="):
        ids["r2"] = r.json()["id"]
    r = api.post("/api/v1/actions", {"title": F["a1_title"], "owner": p2,
                                     "risks": [ids.get("r1")], "due_date": "2026-12-01",
                                     "status": "planned"})
    if check_status(r, 201, "a treatment action titled =1+2 of the risk"):
        ids["a1"] = r.json()["id"]
    r = api.post("/api/v1/actions", {"title": F["a2_title"], "owner": p1})
    if check_status(r, 201, "an unlinked action titled -1"):
        ids["a2"] = r.json()["id"]
    r = api.post("/api/v1/controls", {"framework": "custom", "title": F["c_title"]})
    if check_status(r, 201, "a custom control titled =2+3"):
        ids["c"] = r.json()["id"]
        r = api.patch("/api/v1/soa/" + ids["c"], {"applicable": True, "implementation": F["c_impl"],
                                                  "justification": F["c_just"], "owner": p1})
        check_status(r, 200, "its SoA row: implementation +impl, justification -just")
    r = api.patch("/api/v1/soa/5.1", {"justification": F["s51_just"],
                                      "implementation": F["s51_impl"], "owner": p2,
                                      "applicable": True})
    check_status(r, 200, "SoA 5.1: justification @just, implementation tab=9")
    r = api.patch("/api/v1/soa/A.5.1.1", {"implementation": F["s13_impl"], "owner": p1,
                                          "applicable": True})
    check_status(r, 200, "SoA A.5.1.1 (2013): implementation =2013")
    return ids


def xlsx_cells(path):
    """[(ref, type, style, text)] of the first sheet, and whether any <f>."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        shared = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(ns + "si"):
                shared.append("".join(x.text or "" for x in si.iter(ns + "t")))
        styles = ET.fromstring(z.read("xl/styles.xml")) if "xl/styles.xml" in names else None
        formulas = []
        cells = []
        for s in sheets:
            raw = z.read(s)
            root = ET.fromstring(raw)
            formulas += [s for _ in root.iter(ns + "f")]
            for c in root.iter(ns + "c"):
                typ = c.get("t", "n")
                if typ == "inlineStr":
                    text = "".join(x.text or "" for x in c.iter(ns + "t"))
                elif typ == "s":
                    v = c.find(ns + "v")
                    text = shared[int(v.text)] if v is not None else ""
                else:
                    v = c.find(ns + "v")
                    text = v.text if v is not None else ""
                text = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m_: chr(int(m_.group(1), 16)), text)
                cells.append((c.get("r"), typ, int(c.get("s", "0")), text))
    textfmt = set()
    if styles is not None:
        fmts = {n.get("numFmtId"): n.get("formatCode") for n in styles.iter(ns + "numFmt")}
        xfs = styles.find(ns + "cellXfs")
        for i, xf in enumerate(list(xfs) if xfs is not None else []):
            nf = xf.get("numFmtId", "0")
            if xf.get("quotePrefix") == "1" or nf == "49" or fmts.get(nf) == "@":
                textfmt.add(i)
    return cells, formulas, textfmt


def formula_exports(f, ids):
    F = FORMULA

    def who(k):
        return "%s (%s)" % (F[k], ids.get(k))

    expect = {
        "risk": [F["r1_title"], F["r1_desc"], F["r1_exist"], F["r2_title"], F["r2_desc"],
                 F["r2_exist"], who("p1"), who("p2")],
        "soa": [F["c_title"], F["c_impl"], F["c_just"], F["s51_just"], F["s51_impl"], who("p1"),
                who("p2")],
        "soa13": [F["s13_impl"], who("p1")],
        "plan": [F["r1_title"], F["a1_title"], F["a2_title"], who("p1"), who("p2")],
    }
    for kind, args in (("risk", ["risk", "export"]), ("soa", ["soa", "export"]),
                       ("soa13", ["soa", "export", "--framework", "iso27001-2013"]),
                       ("plan", ["plan", "export"])):
        for fmt in ("csv", "xlsx"):
            out = os.path.abspath("%s-hostile.%s" % (kind, fmt))
            c = f.cli(*(args + ["--format", fmt, "-o", out]), ok=False)
            if not check(c.rc == 0 and os.path.exists(out), "isms %s --format %s writes the file"
                         % (" ".join(args), fmt), c.describe):
                continue
            if fmt == "csv":
                text = open(out, encoding="utf-8-sig", newline="").read()
                rows = list(csv.reader(io.StringIO(text, newline="")))
                cells = [v for row in rows for v in row]
                lead = [v for v in cells if v[:1] in LEADS]
                check(not lead, "%s CSV: no cell starts with = + - @ tab or CR (each gets a "
                      "leading apostrophe)" % kind, lambda: lead[:8])
                for v in expect[kind]:
                    check("'" + v in cells, "%s CSV: %r is exported as '%r (neutralised, whole)"
                          % (kind, v[:30], v[:30]),
                          lambda: [x for x in cells if v[1:8] in x][:5])
            else:
                cells, formulas, textfmt = xlsx_cells(out)
                check(not formulas, "%s XLSX: no formula element (<f>) anywhere" % kind,
                      lambda: formulas[:5])
                texts = [c[3] for c in cells]
                risky = [c for c in cells if c[3][:1] in LEADS]
                bad = [c for c in risky if c[1] not in ("inlineStr", "s")]
                check(not bad, "%s XLSX: every cell starting with = + - @ tab CR is a string cell "
                      "(inlineStr/s), never a formula or str result" % kind, lambda: bad[:5])
                bad = [c for c in risky if c[2] not in textfmt]
                check(not bad, "%s XLSX: those cells have the text format (@ / quote prefix), so "
                      "editing them makes no formula" % kind, lambda: bad[:5])
                for v in expect[kind]:
                    check(v in texts, "%s XLSX: %r is held as its exact text" % (kind, v[:30]),
                          lambda: [x for x in texts if v[1:8] in x][:5])
    web = ["%s %s" % (mth, pat) for mth, pat, _, _ in route_table()
           if re.search(r"export|csv|xlsx|download", pat)]
    note("formula injection: CLI exports (risk, soa 2022/2013, plan; csv, xlsx) checked; web or "
         "API export routes in routes.def: %s" % (", ".join(web) or "none"))


# ---- 4. IDOR ----------------------------------------------------------------------------------

SECRET = "IDOR-SECRET"
LEAK = SECRET + "-"  # what every hidden title starts with; a search for SECRET is echoed


def idor_fixtures(f):
    """Made with the CLI before the server starts: what staff must never see."""
    mp = f.accounts["manager"].person
    sp = f.accounts["staff"].person
    tp = f.accounts["top-management"].person
    fx = {}
    fx["risk"] = f.add("risk", title=SECRET + "-RISK", description=SECRET + "-RISKDESC", owner=mp)
    fx["asset"] = f.add("asset", name=SECRET + "-ASSET", kind="information", owner=mp)
    fx["person"] = f.add("person", name=SECRET + "-PERSON")
    fx["incident"] = f.add("incident", title=SECRET + "-INC", description=SECRET + "-INCDESC",
                           reported_by=tp, owner=mp, severity="high")
    fx["document"] = f.add("document", title=SECRET + "-DRAFT", kind="policy", owner=mp,
                           body=SECRET + "-DRAFTBODY")
    fx["own"] = f.add("incident", title="STAFF-OWN-INC", description="what I saw",
                      reported_by=sp, owner=mp, severity="high", risks=fx["risk"],
                      assets=fx["asset"])
    vals = minimal_record(f, "nonconformity", owner=mp, text=SECRET + "-NC")
    vals.update(title=SECRET + "-NC", incident=fx["own"])
    fx["nonconformity"] = f.add("nonconformity", **vals)
    return fx


def idor_staff(f, srv, staff, staff_api, mapi, owner_c, owner_api, fx, approved_docs, own_incs):
    sp = f.accounts["staff"].person
    hist0 = f.history_count()
    hidden = [("incidents", fx["incident"], "INC"), ("documents", fx["document"], "DOC"),
              ("risks", fx["risk"], "R"), ("assets", fx["asset"], "A"),
              ("people", fx["person"], "P"), ("nonconformities", fx["nonconformity"], "NC")]
    for pl, rid, px in hidden:
        for via, cl in (("page", staff), ("api", staff_api)):
            base = "/api/v1" if via == "api" else ""
            paths = ["%s/%s/%s" % (base, pl, rid)]
            paths += ["/%s/%s/edit" % (pl, rid), "/%s/%s/retire" % (pl, rid)] if via == "page" \
                else ["/api/v1/%s/%s/history" % (pl, rid)]
            for p in paths:
                r = cl.get(p)
                check(r.status in (403, 404) and LEAK not in r.text,
                      "staff GET %s of a record they may not see: 404/403, nothing of it shown"
                      % p, r.describe)
    # the same answer as for an id that does not exist: no existence oracle
    def main_part(t):
        t = t[t.find("<main"):t.find("</main>")] if "<main" in t else t
        return re.sub(r"\s+", " ", t)[:160]

    for via, cl, base in (("page", staff, ""), ("API", staff_api, "/api/v1")):
        differ = []
        for pl, rid, px in hidden:
            a = cl.get("%s/%s/%s" % (base, pl, rid))
            b = cl.get("%s/%s/%s-9999" % (base, pl, px))
            ta = main_part(a.text.replace(rid, "ID"))
            tb = main_part(b.text.replace(px + "-9999", "ID"))
            if a.status != b.status or ta != tb:
                differ.append("GET %s/%s/%s (exists, hidden): %d %s\nGET %s/%s/%s-9999 (no such "
                              "id):   %d %s" % (base, pl, rid, a.status, ta, base, pl, px, b.status,
                                                tb))
        check(not differ, "staff %s: the answer for a hidden record's id is the answer for an id "
              "that does not exist (no existence oracle) — %d of %d differ"
              % (via, len(differ), len(hidden)), lambda: "\n".join(differ))
    # writes to hidden records: 404, nothing changed
    tok = staff.csrf()
    for pl, rid, _ in hidden[:2]:
        r = staff_api.patch("/api/v1/%s/%s" % (pl, rid), {"title": "pwned by staff"})
        check(r.status in (403, 404) and LEAK not in r.text, "staff PATCH /api/v1/%s/%s: 404/403"
              % (pl, rid), r.describe)
        r = staff_api.post("/api/v1/%s/%s/retire" % (pl, rid), {})
        check(r.status in (403, 404) and LEAK not in r.text,
              "staff POST /api/v1/%s/%s/retire: 404/403" % (pl, rid), r.describe)
        r = staff.post("/%s/%s" % (pl, rid), {"_csrf": tok, "title": "pwned by staff"})
        check(r.status in (403, 404) and LEAK not in r.text,
              "staff POST /%s/%s (edit form): 404/403" % (pl, rid), r.describe)
        r = staff.post("/%s/%s/retire" % (pl, rid), {"_csrf": tok})
        check(r.status in (403, 404) and LEAK not in r.text,
              "staff POST /%s/%s/retire: 404/403" % (pl, rid), r.describe)
    check_eq(f.history_count(), hist0, "staff writes to hidden records stored nothing (history)")
    for k in ("incident", "document"):
        d = mapi.get("/api/v1/%s/%s" % (plural(k), fx[k])).json() or {}
        check(d.get("title", "").startswith(SECRET) and not d.get("retired"),
              "%s %s unchanged after the staff's attempts" % (k, fx[k]), d)

    # lists: search, filters, sorting, paging, retired rows
    top_p = f.accounts["top-management"].person
    for p in ("/incidents?q=" + SECRET, "/incidents?reported_by=" + top_p, "/incidents?all=1",
              "/incidents?sort=title&dir=desc", "/incidents?page=2", "/incidents?severity=high",
              "/documents?status=draft", "/documents?q=" + SECRET,
              "/documents?all=1&sort=title", "/documents?q=DRAFT", "/incidents?q=INC"):
        r = staff.get(p)
        check(r.status in (200, 422) and LEAK not in r.text,
              "staff GET %s: no hidden record's text" % p, r.describe)
        ids = set(re.findall(r'href="/(?:incidents|documents)/([A-Z]+-\d+)"', r.text))
        check(fx["incident"] not in ids and fx["document"] not in ids,
              "staff GET %s: no link to a hidden record" % p, lambda: sorted(ids))
    for p in ("/api/v1/incidents?q=" + SECRET, "/api/v1/incidents?all=1&limit=500",
              "/api/v1/incidents?reported_by=" + top_p,
              "/api/v1/incidents?sort=title&order=desc", "/api/v1/incidents?severity=high",
              "/api/v1/incidents?risks=" + fx["risk"], "/api/v1/documents?status=draft",
              "/api/v1/documents?q=" + SECRET, "/api/v1/documents?all=1&limit=500",
              "/api/v1/documents?sort=status&order=desc"):
        r = staff_api.get(p)
        items = api_items(r.json()) if r.status == 200 else []
        check(r.status in (200, 422) and LEAK not in r.text,
              "staff GET %s: no hidden record's text" % p, r.describe)
        bad = [x.get("id") for x in items or [] if
               (x.get("id", "").startswith("INC") and x.get("reported_by") != sp) or
               (x.get("id", "").startswith("DOC") and
                (x.get("status") not in ("approved", "published") or
                 x.get("id") not in approved_docs))]
        check(not bad, "staff GET %s: only their own incidents / documents in force meant for "
              "them" % p, bad)
    # a filter means what it says for staff too (every answer matches it)
    r = staff_api.get("/api/v1/documents?status=draft")
    items = api_items(r.json()) or []
    check(r.status == 200 and all(x.get("status") == "draft" for x in items),
          "staff GET /api/v1/documents?status=draft: every record answered is a draft (none are "
          "visible to staff, so none)", lambda: "%d answered, statuses %s" % (
              len(items), sorted({x.get("status") for x in items})))
    r = staff_api.get("/api/v1/incidents?severity=high")
    items = [x["id"] for x in api_items(r.json()) or []]
    check(fx["own"] in items, "staff GET /api/v1/incidents?severity=high finds their own high-"
          "severity incident %s" % fx["own"], lambda: "got %s" % items)
    # the cursor: walking one at a time shows only their own
    got, cursor = [], None
    for _ in range(50):
        r = staff_api.get("/api/v1/incidents?limit=1" + ("&cursor=" + qs(cursor) if cursor else ""))
        got += [x["id"] for x in api_items(r.json()) or []]
        cursor = api_cursor(r.json())
        if not cursor:
            break
    check_eq(sorted(got), sorted(own_incs), "staff paging incidents one at a time sees exactly "
             "their own")
    # the record they may see does not show titles of what it refers to
    r = staff.get("/incidents/" + fx["own"])
    check(r.status == 200 and LEAK not in r.text and fx["risk"] in r.text and
          fx["asset"] in r.text,
          "staff GET their own incident: the hidden risk and asset it refers to show by id only, "
          "the hidden nonconformity referring to it not by title", r.describe)
    r = staff_api.get("/api/v1/incidents/%s/history" % fx["own"])
    check(r.status == 200 and LEAK not in r.text, "staff GET the history of their own incident: "
          "no hidden title", r.describe)
    # staff link their new incident to hidden records: no title comes back
    r = staff_api.post("/api/v1/incidents", {"title": "linking", "description": "x",
                                             "reported_by": sp, "risks": [fx["risk"]],
                                             "assets": [fx["asset"]],
                                             "nonconformity": fx["nonconformity"]})
    check(r.status in (201, 403, 422) and LEAK not in r.text,
          "staff create an incident referring to hidden records: no hidden title in the answer",
          r.describe)
    linked = None
    if r.status == 201:
        iid = linked = r.json()["id"]
        own_incs.append(iid)
        r = staff.get("/incidents/" + iid)
        check(r.status == 200 and LEAK not in r.text, "and its page shows them by id only",
              r.describe)
    # the dashboard: counts and lists of what staff may see
    r = staff.get("/")
    check(r.status == 200 and LEAK not in r.text, "staff GET /: nothing of hidden records",
          r.describe)
    mm = re.search(r'id="h-read">[^<]*<span class="tag[^"]*">(\d+)<', r.text)
    check(mm and int(mm.group(1)) == len(approved_docs),
          "staff dashboard counts exactly the %d documents in force meant for them"
          % len(approved_docs),
          lambda: mm.group(0) if mm else r.text[:2000])
    sect = r.text[r.text.find("What you reported"):]
    shown = set(re.findall(r'href="/incidents/(INC-\d+)"', sect))
    check(shown == set(own_incs), "staff dashboard lists exactly their own incidents",
          lambda: "shown %s\nown %s" % (sorted(shown), sorted(own_incs)))
    # what staff receive of the documents they may read: the version in force only — no
    # history (entries carry draft text), no earlier versions, no evidence files
    for did in approved_docs[:4]:
        for sub in ("history", "versions", "versions/1", "acks", "attachments"):
            r = staff_api.get("/api/v1/documents/%s/%s" % (did, sub))
            check(r.status == 403 and LEAK not in r.text,
                  "staff GET /api/v1/documents/%s/%s: 403" % (did, sub), r.describe)
        r = staff.get("/documents/" + did)
        check(r.status == 200 and 'id="h-hist"' not in r.text and 'id="h-inbound"' not in r.text
              and LEAK not in r.text,
              "staff GET /documents/%s: no history, no records referring to it" % did,
              r.describe)
    # registers, heat map, SoA, plan, method: refused, nothing shown
    for p in ("/risks", "/risks/matrix", "/risks/matrix?residual=1", "/soa", "/soa/versions",
              "/soa/versions/1", "/soa/diff?from=1&to=2", "/plan", "/method", "/assets", "/people",
              "/nonconformities", "/risks/new", "/people/new"):
        r = staff.get(p)
        check(r.status in (403, 404) and LEAK not in r.text,
              "staff GET %s: 403/404, nothing of it" % p, r.describe)
    for p in ("/api/v1/risks", "/api/v1/risks/matrix", "/api/v1/soa", "/api/v1/soa/versions",
              "/api/v1/soa/versions/1", "/api/v1/plan", "/api/v1/method", "/api/v1/people",
              "/api/v1/assets?q=" + SECRET, "/api/v1/risks?q=" + SECRET):
        r = staff_api.get(p)
        check(r.status in (403, 404) and LEAK not in r.text,
              "staff GET %s: 403/404, nothing of it" % p, r.describe)

    # an owner writing someone else's risk: 403, unchanged
    rid = fx["risk"]
    before = mapi.get("/api/v1/risks/" + rid).json()
    r = owner_api.patch("/api/v1/risks/" + rid, {"title": "changed by another owner"})
    check_status(r, 403, "owner PATCH of a risk owned by someone else")
    r = owner_api.post("/api/v1/risks/%s/retire" % rid, {})
    check_status(r, 403, "owner retire of a risk owned by someone else")
    r = owner_c.post("/risks/" + rid, {"_csrf": owner_c.csrf(), "title": "changed by form"})
    check_status(r, 403, "owner edit form of a risk owned by someone else")
    check_eq(mapi.get("/api/v1/risks/" + rid).json(), before, "the risk is unchanged")
    return linked


# ---- 5. CSRF, cross-origin, redirects, sessions -------------------------------------------------


def route_table():
    path = os.path.join(SRC, "src", "http", "routes.def")
    with open(path, encoding="utf-8") as fh:
        text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
    return re.findall(r'^ROUTE\(\s*"(\w+)",\s*"([^"]+)",\s*\w+,\s*PERM_\w+,\s*(?:NULL|"(\w*)"),'
                      r'\s*([^)]*)\)', text, re.M)


def questionnaire_link(f, srv, m):
    """suppliers: the public questionnaire page /q/TOKEN, the one text-receiving
    route without an account: hostile answers (markup, NUL, invalid UTF-8,
    oversize, thousands of fields, a foreign Origin without the link's nonce)
    are refused (4xx) with nothing stored; markup that is stored is inert on
    the answers page."""
    sup = f.cli("supplier", "add", "--name", "<xss>Hostile supplier", "--owner", "P-0001").out.strip()
    qt = f.cli("qtemplate", "add", "--title", "<img src=x onerror=alert(1)>").out.strip()
    qq = f.cli("qquestion", "add", "--template", qt, "--text", "<xss>question",
               "--answer-type", "text").out.strip()
    qy = f.cli("qquestion", "add", "--template", qt, "--text", "yes?", "--answer-type",
               "yes-no").out.strip()
    qr, link = f.cli("questionnaire", "send", sup, "--template", qt).out.split()
    c = Client(srv)
    r = c.get(link)
    audit(r, "GET the questionnaire link with hostile template text")
    nonce = (re.search(r'name="_nonce" value="([0-9a-f]+)"', r.text) or [None, ""])[1]
    n0 = f.history_count()
    for desc, body in (
            ("no nonce, foreign Origin", {qq: "x", qy: "yes"}),
            ("a NUL in an answer", {"_nonce": nonce, qq: "a\x00b", qy: "yes"}),
            ("an answer over 2000 characters", {"_nonce": nonce, qq: "x" * 5000, qy: "yes"}),
            ("a field that is no question", {"_nonce": nonce, "owner": "P-0001", qy: "yes"}),
            ("an injected yes/no", {"_nonce": nonce, qy: "yes' OR 1=1 --"})):
        r = c.post(link, body, headers={"Origin": "https://evil.example"})
        check(400 <= r.status < 500, "POST the link, %s: refused (got %d)" % (desc, r.status),
              r.describe)
        audit(r, "POST the link, %s: the refusal page" % desc, statuses=(r.status,))
    r = c.request("POST", link, body=b"_nonce=" + nonce.encode() + b"&" + qq.encode() +
                  b"=%C0%AF%FF&" + qy.encode() + b"=yes",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(400 <= r.status < 500, "POST the link with invalid UTF-8: refused (got %d)" % r.status,
          r.describe)
    many = "&".join("f%d=x" % i for i in range(5000))
    r = c.request("POST", link, body=many.encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(400 <= r.status < 500, "POST the link with 5000 fields: refused (got %d)" % r.status,
          r.describe)
    check_eq(f.history_count(), n0, "the refused answers stored nothing (history)")
    r = c.post(link, {"_nonce": nonce, qq: "<xss><script>alert(1)</script>", qy: "yes"})
    check_status(r, 200, "POST the link with markup in a text answer: recorded")
    audit(m.get("/questionnaires/%s/answers" % qr), "the answers page with a hostile answer",
          must=("&lt;xss&gt;",))


def supplier_forms(f, srv, m, api):
    """suppliers: the other text-receiving routes (an access review's CSV import and
    decision comment, a questionnaire's contact): markup is stored inert, control
    characters and oversize text are refused with nothing stored. Returns the
    accounts it added."""
    tok = m.csrf("/areviews/AR-0001/campaign") or ""
    n0 = f.history_count()
    for desc, form in (("a NUL in a comment", {"decision": "change", "comment": "a\x00b"}),
                       ("a comment over 2000 characters", {"decision": "change",
                                                           "comment": "x" * 3000}),
                       ("an unknown decision", {"decision": "<xss>", "comment": "x"})):
        r = m.post("/aaccounts/ACC-0003/decide", dict(form, _csrf=tok))
        check(400 <= r.status < 500, "POST a decision with %s: refused (got %d)" % (desc, r.status),
              r.describe)
        audit(r, "the refusal of a decision with %s" % desc, statuses=(r.status,))
    for desc, csv_text in (("a NUL", "account,access\nx\x00y,read\n"),
                           ("a bare CR", "account,access\nx,read\ry\n"),
                           ("SQL in the header", "account,access' OR 1=1 --\nx,read\n")):
        r = m.post("/areviews/AR-0001/import", {"_csrf": tok, "csv": csv_text})
        check(400 <= r.status < 500, "POST an import with %s: refused (got %d)" % (desc, r.status),
              r.describe)
    r = api.post("/api/v1/suppliers/SUP-0001/questionnaires", {"template": "QT-0001",
                                                               "contact": "a\u0000b"})
    check(400 <= r.status < 500, "POST a questionnaire with a NUL contact: refused (got %d)"
          % r.status, r.describe)
    check_eq(f.history_count(), n0, "the refused supplier forms stored nothing (history)")
    r = m.post("/aaccounts/ACC-0003/decide", {"_csrf": tok, "decision": "change",
                                              "comment": "<xss>comment<script>alert(1)</script>"})
    check_status(r, (302, 303), "a decision with markup in its comment: recorded")
    r = m.post("/areviews/AR-0001/import", {"_csrf": tok, "csv": "account,access,group\n"
                                            "<img src=x onerror=alert(1)>,<xss>,<svg onload=alert>\n"})
    check_status(r, (302, 303), "an import with markup in its fields: recorded")
    audit(m.get("/areviews/AR-0001/campaign"), "the campaign page with hostile comment and CSV",
          must=("&lt;xss&gt;comment",))
    return 1


def csrf_every_route(f, srv, a, types, xss, extra_ids):
    """Every state-changing route with a signed-in admin's cookie: no token,
    or the right token from a foreign Origin: 403 and nothing stored."""
    tok = a.csrf()
    evil = {"Origin": "https://evil.example"}
    hist0 = f.history_count()
    n = 0
    for method, pat, rtype, flags in route_table():
        if method == "GET" or pat in ("/login", "/logout", "/login/totp"):
            continue
        if pat.startswith("/q/"):  # suppliers: no session; its nonce (questionnaire_link)
            continue
        targets = []
        if ":type" in pat:
            for t in types:
                rid = xss.get(t)
                if ":id" in pat and not rid:
                    continue
                targets.append(pat.replace(":type", plural(t)).replace(":id", rid or ""))
        else:
            rid = extra_ids.get(rtype or "", "")
            targets.append(pat.replace(":id", rid).replace(":n", "1"))
        for p in targets:
            if "R_JSON" in flags:
                r1 = a.request(method, p, json_body={"notes": "csrf"})
                r2 = a.request(method, p, json_body={"notes": "csrf"},
                               headers=dict(evil, **{"X-CSRF-Token": tok}))
            else:
                r1 = a.request(method, p, form={"notes": "csrf", "title": "csrf"})
                r2 = a.request(method, p, form={"_csrf": tok, "notes": "csrf", "title": "csrf"},
                               headers=evil)
            check_status(r1, 403, "%s %s with the session cookie but no CSRF token" % (method, p))
            check_status(r2, 403, "%s %s with the right token from Origin https://evil.example"
                         % (method, p))
            n += 1
    check(n >= 6 * len(types) + 10, "every write route was tried (%d requests)" % (2 * n))
    check_eq(f.history_count(), hist0, "the refused cross-site writes stored nothing (history)")
    # no CORS grant
    for method, p, h in (("GET", "/api/v1/risks", {}), ("OPTIONS", "/api/v1/risks",
                                                        {"Access-Control-Request-Method": "POST",
                                                         "Access-Control-Request-Headers":
                                                             "authorization, x-csrf-token"}),
                         ("OPTIONS", "/risks", {"Access-Control-Request-Method": "POST"})):
        r = a.request(method, p, headers=dict(evil, **h))
        acao = [v for k, v in r.headers if k.lower().startswith("access-control-allow")]
        check(not acao, "%s %s from Origin https://evil.example: no Access-Control-Allow-* "
              "header" % (method, p), r.describe)
        if method == "OPTIONS":
            check(r.status >= 400, "a CORS preflight is not granted (got %d)" % r.status,
                  r.describe)
    # a simple (CORS-free) cross-site request: JSON sent as text/plain with the cookie
    r = a.request("POST", "/api/v1/risks", body=json.dumps({"title": "x", "owner": "P-0001"}),
                  headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    check_status(r, (403, 415), "a cross-site text/plain POST of JSON with the cookie")
    check_eq(f.history_count(), hist0, "nothing stored by cross-origin requests")


def login_csrf_and_redirects(f, srv):
    acc = f.accounts["auditor"]
    for origin in ("https://evil.example", "null", "http://127.0.0.1:1"):
        c = Client(srv)
        _, tok = c.login_form()
        r = c.post("/login", {"_csrf": tok, "name": acc.name, "password": acc.password},
                   headers={"Origin": origin})
        check(r.status == 403 and not c.session(), "login CSRF: POST /login with a valid "
              "pre-session token from Origin %s is refused, no session" % origin, r.describe)
    crlf = ["/%0d%0aSet-Cookie:%20evil=1", "/%0aLocation:%20https://evil.example",
            "/risks%0d%0a%0d%0a<script>alert(1)</script>", "///evil.example", "/\\/evil.example",
            "/%5c%5cevil.example", "/%2f%2fevil.example", "/.%2e/%2e%2e/evil",
            "https:/evil.example",
            "/%09/evil.example", "/ /evil.example", "/login?next=//evil.example",
            "/%E3%80%82evil.example", "/%0d/evil.example"]
    for nxt in crlf:
        c = Client(srv)
        _, tok = c.login_form()
        body = "_csrf=%s&name=%s&password=%s&next=%s" % (tok, qs(acc.name), qs(acc.password), nxt)
        r = c.request("POST", "/login", body=body.encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        loc = r.location or ""
        seen = re.sub(r"[\t\r\n]", "", loc)  # what a browser makes of it
        u = urllib.parse.urlsplit(seen)
        injected = [v for k, v in r.headers if (k.lower() == "set-cookie" and "evil" in v) or
                    k.lower() == "location" and v != loc]
        check(r.status == 303 and seen.startswith("/") and not seen.startswith("//") and
              "\\" not in seen and not u.netloc and not u.scheme and loc == seen and not injected,
              "sign-in with next=%s: a local Location, no injected header" % nxt, r.describe)
    for p in ("/risks%0d%0aSet-Cookie:%20evil=1", "/risks%0d%0aLocation:%20https://evil.example",
              "//evil.example/", "/\\evil.example", "/%5cevil.example/risks",
              "/risks/%0d%0a%0d%0a<script>"):
        r = Client(srv).get(p)
        loc = r.location or ""
        hdrs = "\n".join("%s: %s" % kv for kv in r.headers)
        check(r.status in (303, 400, 404) and "evil=1" not in hdrs and
              (not loc or (loc.startswith("/login?next=/") and "\r" not in loc and "\n" not in loc
                           and "//" not in loc[len("/login?next="):] and "\\" not in loc)),
              "signed out GET %s: a local sign-in redirect or 404, no injected header" % p,
              r.describe)


def sessions(f, srv, totp_acc):
    acc = f.accounts["manager"]
    hist0 = f.history_count()
    owner = acc.person
    # a cookie and token kept from before logout, used for writes
    c = Client(srv)
    c.login_as(acc)
    sid, tok = c.session(), c.csrf()
    r = c.logout()
    check_status(r, 303, "logout")
    old = Client(srv)
    old.jar["__Host-isms"] = sid
    r = old.post("/risks", {"_csrf": tok, "title": "after logout", "owner": owner,
                            "status": "identified"})
    check(r.status == 303 and (r.location or "").startswith("/login"),
          "a form POST with the session cookie and CSRF token of a logged-out session is sent to "
          "sign in", r.describe)
    r = old.request("POST", "/api/v1/risks", json_body={"title": "after logout", "owner": owner},
                    headers={"X-CSRF-Token": tok})
    check_status(r, 401, "an API POST with a logged-out session cookie and its CSRF token")
    r = old.request("PATCH", "/api/v1/risks/R-0001", json_body={"title": "after logout"},
                    headers={"X-CSRF-Token": tok})
    check_status(r, 401, "an API PATCH with a logged-out session")
    r = old.post("/logout", {"_csrf": tok})
    check(r.status in (303, 401, 403), "logging out a logged-out session again (got %d)" % r.status,
          r.describe)
    # the CSRF token of the ended session in a new session of the same account
    c.login_as(acc)
    r = c.post("/risks", {"_csrf": tok, "title": "old token", "owner": owner,
                          "status": "identified"})
    check_status(r, 403, "a new session does not take the CSRF token of the ended one")
    r = c.request("POST", "/api/v1/risks", json_body={"title": "old token", "owner": owner},
                  headers={"X-CSRF-Token": tok})
    check_status(r, 403, "nor does the API with the cookie")
    live = c.session()
    # the session id anywhere but its cookie
    for desc, mk in (("under the cookie name isms (no __Host- prefix)",
                      lambda x: x.jar.update({"isms": live})),
                     ("under the cookie name __Host-isms-x", lambda x: x.jar.update(
                         {"__Host-isms-x": live})),
                     ("under the pre-session cookie's name", lambda x: x.jar.update(
                         {"isms_pre": live}))):
        x = Client(srv)
        mk(x)
        r = x.get("/risks")
        check(r.status == 303 and (r.location or "").startswith("/login"),
              "a live session id %s does not sign in" % desc, r.describe)
    for p in ("/risks?session=" + live, "/risks?__Host-isms=" + live, "/risks;__Host-isms=" + live):
        r = Client(srv).get(p)
        check(r.status in (303, 404) and r.status != 200, "a live session id in the URL (%s) does "
              "not sign in" % p.split("?")[0][:20], r.describe)
    r = Client(srv).get("/api/v1/risks", headers={"Authorization": "Bearer " + live})
    check_status(r, 401, "a session id given as a bearer token")
    api_tok = f.token(acc.name, "as-cookie")
    x = Client(srv)
    x.jar["__Host-isms"] = api_tok
    r = x.get("/api/v1/risks")
    check_status(r, 401, "an API token given as the session cookie")
    r = x.request("POST", "/api/v1/risks", json_body={"title": "x", "owner": owner})
    check_status(r, 401, "an API token given as the session cookie cannot write")
    # a session whose second factor is due cannot write
    t = Client(srv)
    r = t.login(totp_acc.name, totp_acc.password)
    check(r.status == 303 and r.location == "/login/totp", "password of a TOTP account: the second "
          "factor is due", r.describe)
    ttok = hidden_value(t.get("/login/totp").text, "_csrf")
    r = t.request("POST", "/api/v1/risks", json_body={"title": "half signed in", "owner": owner},
                  headers={"X-CSRF-Token": ttok or ""})
    check_status(r, 401, "an API write by a session whose second factor is due")
    r = t.post("/risks", {"_csrf": ttok or "", "title": "half signed in", "owner": owner,
                          "status": "identified"})
    check(r.status == 303 and r.location == "/login/totp",
          "a form write by a session whose second factor is due goes to /login/totp", r.describe)
    r = t.post("/logout", {"_csrf": ttok or ""})
    check_eq(f.history_count(), hist0, "nothing stored by the session attacks")


# ---- 6. brute force (its own server: the counters are per process) --------------------------


def brute_force(f, accs):
    srv = Server(f.path)
    # TOTP guessing: 5 wrong codes lock the account, even the right code then
    a = accs["totp"]
    c = Client(srv, source="127.0.0.11")
    r = c.login(a.name, a.password)
    check_eq(r.location, "/login/totp", "TOTP brute force: the password leads to the second factor")
    tok = hidden_value(c.get("/login/totp").text, "_csrf")
    now = time.time()
    valid = {totp_code(a.secret, now + d) for d in (-90, -60, -30, 0, 30, 60, 90)}
    wrong = [x for x in ("%06d" % i for i in range(1, 999999, 7919)) if x not in valid][:5]
    for i, code in enumerate(wrong):
        r = c.post("/login/totp", {"_csrf": tok, "code": code})
        check_status(r, 401, "wrong TOTP code %d of 5" % (i + 1))
    r = c.post("/login/totp", {"_csrf": tok, "code": totp_code(a.secret)})
    check_status(r, 429, "after 5 wrong TOTP codes even the right one waits")
    check_status(c.get("/api/v1/risks"), 401, "the session is still not signed in")
    c2 = Client(srv, source="127.0.0.12")
    r = c2.login(a.name, a.password)
    check(r.status == 429 and not c2.session(),
          "a new password sign-in from another address does not reset the TOTP lockout",
          r.describe)
    # a code used once is not accepted again (RFC 6238 section 5.2)
    b = accs["replay"]
    code = totp_code(b.secret)  # valid for the next two sign-ins (the server allows one step)
    c3 = Client(srv, source="127.0.0.13")
    c3.login(b.name, b.password)
    r = c3.post("/login/totp", {"_csrf": hidden_value(c3.get("/login/totp").text, "_csrf"),
                                "code": code})
    check_status(r, 303, "a TOTP code signs in once")
    c4 = Client(srv, source="127.0.0.14")
    c4.login(b.name, b.password)
    r = c4.post("/login/totp", {"_csrf": hidden_value(c4.get("/login/totp").text, "_csrf"),
                                "code": code})
    check(r.status in (401, 429) and c4.get("/api/v1/risks?limit=1").status == 401,
          "the same TOTP code is refused for a second sign-in (one-time: RFC 6238 5.2)",
          r.describe)
    # the account lockout is not bypassed by spelling the name differently
    n = accs["name"]
    for i in range(5):
        r = Client(srv, source="127.0.0.15").login(n.name, "wrong-password-%d" % i)
        check_status(r, 401, "wrong password %d for %s" % (i + 1, n.name))
    for k, variant in enumerate((n.name.upper(), " " + n.name, n.name + " ", n.name + "\t",
                                 n.name + "\x00", n.name[0].upper() + n.name[1:],
                                 n.name + "\u200b", n.name + "/")):
        x = Client(srv, source="127.0.0.%d" % (16 + k))
        _, tok = x.login_form()
        body = urllib.parse.urlencode({"_csrf": tok, "name": variant, "password": n.password})
        r = x.request("POST", "/login", body=body.encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(r.status in (400, 401, 429) and not x.session(),
              "a locked account under the name %r with its password: no session" % variant,
              r.describe)
    r = Client(srv, source="127.0.0.30").login(n.name, n.password)
    check_status(r, 429, "the locked account itself, from another address")
    # the address limit is not bypassed by claiming another address in a header
    ad = accs["addr"]
    src = "127.0.0.31"
    for i in range(20):
        fake = "10.%d.%d.%d" % (i, i, i + 1)
        x = Client(srv, source=src)
        _, tok = x.login_form()
        r = x.post("/login", {"_csrf": tok, "name": "nobody-%d" % i, "password": "wrong-pw-xx"},
                   headers={"X-Forwarded-For": fake, "X-Real-IP": fake,
                            "Forwarded": "for=%s" % fake, "True-Client-IP": fake,
                            "CF-Connecting-IP": fake})
        check_status(r, 401, "failure %d from %s claiming to be %s" % (i + 1, src, fake))
    x = Client(srv, source=src)
    _, tok = x.login_form()
    r = x.post("/login", {"_csrf": tok, "name": ad.name, "password": ad.password},
               headers={"X-Forwarded-For": "10.200.0.1", "X-Real-IP": "10.200.0.1",
                        "Forwarded": "for=10.200.0.1"})
    check(r.status == 429 and not x.session(), "after 20 failures from one address, a header "
          "claiming another address does not lift the address limit", r.describe)
    r = Client(srv, source="127.0.0.32").login(ad.name, ad.password)
    check_status(r, 303, "the same sign-in from a really different address works (the check above "
                 "could tell)")
    srv.stop("brute-force server")


# ---- 7. bodies -----------------------------------------------------------------------------------


def malformed_bodies():
    return [
        ("100000 levels of [", b"[" * 100000),
        ("100000 levels of {\"a\":", b'{"a":' * 100000),
        ("a value nested 20000 deep", b'{"notes":' + b"[" * 20000 + b"]" * 20000 + b"}"),
        ("a top-level array of 100000 numbers", b"[" + b"0," * 99999 + b"0]"),
        ("an array of 50000 strings for a text field", b'{"notes":[' + b'"x",' * 49999 + b'"x"]}'),
        ("10000 distinct keys",
         ("{" + ",".join('"k%d":1' % i for i in range(10000)) + "}").encode()),
        ("a duplicate key", b'{"notes":"a","notes":"b"}'),
        ("a raw NUL byte", b'{"notes":"a\x00b"}'),
        ("an escaped NUL (\\u0000)", b'{"notes":"a\\u0000b"}'),
        ("a lone surrogate", b'{"notes":"a\\udc00b"}'),
        ("overlong UTF-8 (C0 AF)", b'{"notes":"a\xc0\xafb"}'),
        ("a number overflow", b'{"notes":1e999}'),
        ("trailing garbage", b'{"notes":"a"}{"notes":"b"}'),
    ]


def bodies(f, srv, api, m, types, fields, refs, xss, counts):
    H = {"Authorization": "Bearer " + api.token, "Content-Type": "application/json"}
    hist0 = f.history_count()
    for t in types:
        pl = plural(t)
        rid = xss.get(t)
        before = api.get("/api/v1/%s/%s" % (pl, rid)).json() if rid else None
        for desc, body in malformed_bodies():
            r = api.c.request("POST", "/api/v1/" + pl, body=body, headers=H)
            check(r.status in (400, 413, 422) and err_of(r).get("code"),
                  "POST /api/v1/%s with %s: a clear 400/413/422" % (pl, desc), r.describe)
            if rid:
                r = api.c.request("PATCH", "/api/v1/%s/%s" % (pl, rid), body=body, headers=H)
                check(r.status in (400, 413, 422) and err_of(r).get("code"),
                      "PATCH /api/v1/%s/%s with %s: a clear 400/413/422" % (pl, rid, desc),
                      r.describe)
        base = {}
        for fd in fields[t]:
            if fd["system"]:
                continue
            if t == "control" and fd["name"] == "framework":
                base["framework"] = "custom"
            elif fd["required"]:
                base[fd["name"]] = json_value(fd, refs, "hostile")
        tf = text_fields(fields[t])
        for fd in tf:
            mx = fd.get("max_length")
            if not mx:
                continue
            over = ("o@example.com".rjust(mx + 1, "x") if fd["type"] == "email" else "x" * (mx + 1))
            r = api.post("/api/v1/" + pl, dict(base, **{fd["name"]: over}))
            check(r.status == 422 and err_of(r).get("field") == fd["name"],
                  "POST /api/v1/%s with %s of %d characters (max %d): 422 naming it"
                  % (pl, fd["name"], mx + 1, mx), r.describe)
            if rid:
                r = api.patch("/api/v1/%s/%s" % (pl, rid), {fd["name"]: over})
                check(r.status == 422 and err_of(r).get("field") == fd["name"],
                      "PATCH /api/v1/%s/%s %s over its length: 422 naming it" % (pl, rid,
                                                                                 fd["name"]),
                      r.describe)
        if tf and tf[0].get("max_length"):
            fd = tf[0]
            r = api.post("/api/v1/" + pl, dict(base, **{fd["name"]: "é" * (fd["max_length"] + 1)}))
            check(r.status == 422 and err_of(r).get("field") == fd["name"],
                  "POST /api/v1/%s %s of %d two-byte characters: 422" % (pl, fd["name"],
                                                                        fd["max_length"] + 1),
                  r.describe)
        # the web form: an overlong text, a NUL
        tokc = m.csrf()
        if tf:
            fd = tf[-1]
            pairs = [("_csrf", tokc)]
            for k, v in base.items():  # as a browser sends them: one pair per value
                for x in (v if isinstance(v, list) else [v]):
                    pairs.append((k, "yes" if x is True else str(x)))
            over = pairs + [(fd["name"], "y" * ((fd.get("max_length") or 20000) + 1))]
            r = m.post("/" + pl, urllib.parse.urlencode(over))
            check(r.status == 422 and ('id="err-%s"' % fd["name"]) in r.text,
                  "POST /%s (form) with %s over its length: 422, the message beside it"
                  % (pl, fd["name"]), r.describe)
            r = m.post("/" + pl, urllib.parse.urlencode(pairs + [(fd["name"], "a\x00b")]))
            check(r.status == 400 or (r.status == 422 and ('id="err-%s"' % fd["name"]) in r.text),
                  "POST /%s (form) with a NUL in %s: 400/422" % (pl, fd["name"]), r.describe)
        check_status(Client(srv).get("/healthz"), 200, "the server answers /healthz after the "
                     "hostile %s bodies" % t)
        check_eq(api_count(api, t), counts[t], "no %s was stored by the refused bodies" % t)
        if rid:
            check_eq(api.get("/api/v1/%s/%s" % (pl, rid)).json(), before,
                     "%s %s is unchanged by the refused PATCHes" % (t, rid))
    # the other write endpoints
    risk = xss.get("risk", "R-0001")
    for method, p in (("POST", "/api/v1/risks/%s/accept" % risk),
                      ("POST", "/api/v1/risks/%s/review" % risk), ("POST", "/api/v1/soa/approve"),
                      ("PATCH", "/api/v1/soa/5.1"), ("POST", "/api/v1/plan/approve"),
                      ("POST", "/api/v1/risks/%s/retire" % risk),
                      # people: RACI letters, attendance confirmed by the signer
                      ("POST", "/api/v1/raci"),
                      ("POST", "/api/v1/briefings/%s/attend" % xss.get("briefing", "AWS-0001"))):
        for desc, body in malformed_bodies()[:8]:
            r = api.c.request(method, p, body=body, headers=H)
            check(r.status in (400, 413, 422) and err_of(r).get("code"),
                  "%s %s with %s: a clear 400/413/422" % (method, p, desc), r.describe)
    # people: the RACI form and API with hostile text in each of its fields
    for field in ("subject", "party", "raci"):
        for v in ("<script>alert(1)</script>", "' OR 1=1 --", "a\x00b", "x" * 5000, "\u202e"):
            vals = {"subject": "PRC-0001", "party": "ROLE-0001", "raci": "R"}
            vals[field] = v
            r = api.post("/api/v1/raci", vals)
            check(r.status in (400, 422) and err_of(r).get("code"),
                  "POST /api/v1/raci with a hostile %s: a clear 400/422" % field, r.describe)
            r = m.post("/raci", urllib.parse.urlencode(sorted(vals.items()) +
                                                       [("_csrf", m.csrf("/raci") or "")]))
            check(r.status in (400, 422) and "<script>alert" not in r.text,
                  "POST /raci with a hostile %s: refused, escaped" % field, r.describe)
    check(srv.alive(), "the server survived every hostile body")
    check_eq(f.history_count(), hist0, "nothing at all was stored by the hostile bodies (history)")


# ---- 8. paths ----------------------------------------------------------------------------


def path_tricks(f, srv, m, api, types):
    anon = Client(srv)
    tricks = [
        # overlong and look-alike UTF-8 for "." and "/"
        "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/static/%c0%af..%c0%afetc%c0%afpasswd",
        "/static/..%c0%af..%c0%afetc%c0%afpasswd", "/static/%e0%80%ae%e0%80%ae/etc/passwd",
        "/static/%f0%80%80%ae%f0%80%80%ae/etc/passwd", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/static/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/etc/passwd",
        "/api/v1/risks/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
        # backslashes, NUL, double encoding, ;-parameters
        "/static/..\\..\\..\\etc\\passwd", "/static\\..\\..\\etc\\passwd",
        "/static/%5c..%5c..%5cetc%5cpasswd", "/static/%00../../etc/passwd",
        "/static/style.css%00", "/static/style.css%00.js",
        "/static/%252e%252e/%252e%252e/etc/passwd", "/static/%25%32%65%25%32%65/etc/passwd",
        "/static/style.css;/../../etc/passwd", "/static/..;/..;/etc/passwd",
        # dots, the process's own files, odd forms of a real name
        "/static/.", "/static/..", "/static/%2e", "/static/%2e%2e",
        "/static/..%2f..%2f..%2fproc%2fself%2fenviron", "/static/../../../proc/self/exe",
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fproc%2fself%2fmaps",
        "/static/app.js/..%2f..%2fetc%2fpasswd", "/static/style.css/", "/static/./style.css",
        "/static/STYLE.css%20",
        # type and id segments
        "/api/v1/risks%00/R-0001", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/risks%00",
        "/api/v1/risks/R-0001/history%00", "/api/v1/risks/R-0001%2fhistory", "/%00",
        "/o/%2e%2e/%2e%2e/etc/passwd", "/risks/..%2f..%2f..%2fetc%2fpasswd/edit"]
    for t in types:
        pl, px = plural(t), declared_types()[t]["prefix"]
        tricks += ["/%s/%s-0001%%c0%%af..%%c0%%afetc" % (pl, px),
                   "/api/v1/%s/%%c0%%ae%%c0%%ae" % pl,
                   "/api/v1/%s/..%%5c..%%5c" % pl, "/%s/%s-0001%%00/edit" % (pl, px),
                   "/%s/%%2e%%2e/edit" % pl, "/api/v1/%s/%s-0001%%2f..%%2f..%%2fhistory" % (pl, px)]

    def bad_body(r):
        return NEVER in r.text or "SQLite format 3" in r.text or r.body[:4] == b"\x7fELF" or \
            "PATH=" in r.text or "[heap]" in r.text

    for p in tricks:
        got = []
        for who, cl in (("anonymous", anon), ("manager", m), ("token", api)):
            r = cl.get(p)
            ok_anon = who == "anonymous" and (r.status == 303 or (r.status == 401 and
                                                                  p.startswith("/api/")))
            if not (r.status in (400, 404, 405, 414) or ok_anon) or bad_body(r):
                got.append((who, r))
        check(not got, "GET %s: 400/404 for everyone, never a 5xx, never a file of the machine"
              % p[:90], lambda: got[0][1].describe()[:1500])
    # raw request lines (Connection: close, so that the answer ends)
    raw = [(b"GET http://evil.example/static/style.css HTTP/1.1", "Host: evil.example", False),
           (b"GET /static/../../../../etc/passwd HTTP/1.1", "Host: x", False),
           (b"GET /static/..\\..\\..\\etc\\passwd HTTP/1.1", "Host: x", False),
           (b"GET /static/\xc0\xae\xc0\xae/\xc0\xae\xc0\xae/etc/passwd HTTP/1.1", "Host: x", False),
           (b"GET * HTTP/1.1", "Host: x", False),
           (b"GET static/style.css HTTP/1.1", "Host: x", False),
           (b"GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.0", "", False),
           (b"GET /static/../static/../../etc/passwd HTTP/1.1", "Host: x", False),
           # a NUL may end the path early: at most the embedded style sheet itself
           (b"GET /static/style.css\x00/../../../etc/passwd HTTP/1.1", "Host: x", True),
           (b"GET /static/\x00../../../etc/passwd HTTP/1.1", "Host: x", False)]
    for line, host, css_ok in raw:
        data = line + b"\r\n" + (host.encode() + b"\r\n" if host else b"") + \
            b"Connection: close\r\n\r\n"
        try:
            out = raw_request(srv.port, data, timeout=30)
        except OSError:
            out = b""
        mm = re.match(rb"HTTP/1\.[01] (\d{3})", out)
        st = int(mm.group(1)) if mm else None
        css = st == 200 and b"Content-Type: text/css" in out.split(b"\r\n\r\n")[0]
        check((st is None or st in (400, 404, 405, 414) or (css_ok and css)) and
              NEVER.encode() not in out,
              "raw %r: 400/404 or closed%s, never a file of the machine (got %s)"
              % (line[:60], " (or the embedded style sheet)" if css_ok else "", st), out[:400])
    check(srv.alive(), "the server survives the path tricks")


# ---- 9. serve --dir: another organization's ids --------------------------------------------------


def multi_org():
    os.mkdir("orgs")
    a = demo_file("orgs/acme.isms")
    b = demo_file("orgs/beta.isms")
    ap = a.accounts["manager"].person
    sec = {}
    sec["risk"] = a.add("risk", title="ACME-SECRET-RISK", owner=ap)
    sec["incident"] = a.add("incident", title="ACME-SECRET-INC", description="ACME-SECRET-D",
                            owner=ap, reported_by=ap)
    sec["document"] = a.add("document", title="ACME-SECRET-DOC", kind="policy", owner=ap)
    sec["asset"] = a.add("asset", name="ACME-SECRET-ASSET", kind="information", owner=ap)
    a.cli("risk", "edit", "R-0001", "--title", "ACME-SECRET-R1")
    ids_b = {t: {x["id"] for x in b.json(t, "list", "--all", "--json") or []} for t in sec}
    for t, rid in sec.items():
        check(rid not in ids_b[t], "acme's %s %s has no namesake at beta" % (t, rid))
    before_a = {t: a.json(t, "list", "--all", "--json") for t in sec}
    before_b = {t: b.json(t, "list", "--all", "--json") for t in sec}
    tok_a = a.token(a.accounts["manager"].name, "x")
    tok_b = b.token(b.accounts["manager"].name, "x")
    srv = Server(dir=os.path.abspath("orgs"))
    api_b, api_ab = Api(srv, tok_b, "/o/beta"), Api(srv, tok_a, "/o/beta")
    cb = Client(srv, "/o/beta")
    cb.login_as(b.accounts["manager"])
    csrf_b = cb.csrf()
    for t, rid in sec.items():
        pl = plural(t)
        for p in ("/api/v1/%s/%s" % (pl, rid), "/api/v1/%s/%s/history" % (pl, rid)):
            r = api_b.get(p)
            check(r.status == 404 and "ACME" not in r.text,
                  "beta's token GET /o/beta%s (acme's id): 404, nothing of acme" % p, r.describe)
            r = api_ab.get(p)
            check(r.status == 401 and "ACME" not in r.text,
                  "acme's token GET /o/beta%s: 401" % p, r.describe)
        r = api_b.patch("/api/v1/%s/%s" % (pl, rid), {"title": "beta was here", "name": "x"})
        check_status(r, 404, "beta's token PATCH /o/beta/api/v1/%s/%s (acme's id)" % (pl, rid))
        r = api_b.post("/api/v1/%s/%s/retire" % (pl, rid), {})
        check_status(r, 404, "beta's token retire /o/beta/api/v1/%s/%s (acme's id)" % (pl, rid))
        r = api_ab.patch("/api/v1/%s/%s" % (pl, rid), {"title": "acme token at beta"})
        check_status(r, 401, "acme's token PATCH at /o/beta")
        for p in ("/%s/%s" % (pl, rid), "/%s/%s/edit" % (pl, rid), "/%s/%s/retire" % (pl, rid)):
            r = cb.get(p)
            check(r.status == 404 and "ACME" not in r.text,
                  "beta's manager GET /o/beta%s (acme's id): 404" % p, r.describe)
        r = cb.post("/%s/%s" % (pl, rid), {"_csrf": csrf_b, "title": "beta form"})
        check_status(r, 404, "beta's manager POST /o/beta/%s/%s (acme's id)" % (pl, rid))
        r = api_b.get("/api/v1/%s?q=ACME-SECRET" % pl)
        check(r.status == 200 and api_items(r.json()) == [] and "ACME" not in r.text,
              "beta's search for acme's words in %s finds nothing" % pl, r.describe)
        r = cb.get("/%s?q=ACME-SECRET" % pl)
        check(r.status == 200 and "ACME-SECRET" not in r.text.replace("q=ACME-SECRET", "")
              .replace('value="ACME-SECRET"', ""), "beta's list search for acme's words shows "
              "none of acme's records", r.describe)
    r = api_b.get("/api/v1/risks/R-0001")
    check(r.status == 200 and "ACME" not in r.text,
          "beta's R-0001 is beta's, not acme's renamed one", r.describe)
    for p in ("/", "/risks/matrix", "/plan", "/soa", "/risks?sort=title",
              "/documents?status=draft"):
        r = cb.get(p)
        check(r.status == 200 and "ACME-SECRET" not in r.text, "beta's GET %s holds nothing of "
              "acme" % p, r.describe)
    # beta's session and token at acme
    ca = Client(srv, "/o/acme")
    ca.jar = dict(cb.jar)
    ca.jar["__Host-isms-acme"] = cb.jar.get("__Host-isms-beta", "")
    for t, rid in sec.items():
        r = ca.get("/%s/%s" % (plural(t), rid))
        check(r.status == 303 and (r.location or "").startswith("/o/acme/login"),
              "beta's session id at /o/acme/%s/%s: sent to sign in" % (plural(t), rid), r.describe)
        r = Api(srv, tok_b, "/o/acme").get("/api/v1/%s/%s" % (plural(t), rid))
        check(r.status == 401 and "ACME" not in r.text, "beta's token at /o/acme: 401", r.describe)
    # organization names in paths
    for p in ("/o/acme%2f..%2fbeta/risks", "/o/..%2facme/risks", "/o/%2e%2e/acme/risks",
              "/o/acme/..%2f..%2fo%2fbeta%2fapi%2fv1%2frisks", "/o/acme.isms/risks",
              "/o/notes/risks", "/o/acme%00/risks", "/o/acme%2500/risks", "/o/ACME/api/v1/risks",
              "/o/acme%c0%af/risks",
              "/o/acme\\..\\beta/risks", "/o//acme/risks", "/o/beta/../acme/api/v1/risks/" +
              sec["risk"], "/o/./acme/risks", "/o/acme/%2e%2e/beta/risks"):
        for who, cl in (("beta's session", cb), ("beta's token", api_b),
                        ("anonymous", Client(srv))):
            if isinstance(cl, Api):
                r = cl.c.request("GET", p, headers={"Authorization": "Bearer " + tok_b},
                                 prefix=False)
            else:
                r = cl.request("GET", p, prefix=False)
            check(r.status in (400, 401, 404) or (r.status == 303 and "/o/acme/login" in
                                                  (r.location or "")),
                  "GET %s (%s): 400/404, never another organization's data" % (p[:60], who),
                  r.describe)
            check("ACME-SECRET" not in r.text, "GET %s (%s): nothing of acme" % (p[:60], who),
                  r.describe)
    srv.stop("serve --dir server")
    for t in sec:
        check_eq(a.json(t, "list", "--all", "--json"), before_a[t],
                 "acme's %s records unchanged" % t)
        check_eq(b.json(t, "list", "--all", "--json"), before_b[t],
                 "beta's %s records unchanged" % t)
    for x in (a, b):
        r = isms("verify", x.path)
        check(r.rc == 0, "%s verifies after the cross-organization attempts" % x.path, r.describe)


# ---- main ---------------------------------------------------------------------------------


def main():
    f = demo_file("hostile.isms")
    types = f.types()
    check(set(types) == set(declared_types()), "isms types agrees with src/model/types.c")
    fields = {t: f.fields(t) for t in types}
    check(sum(len(text_fields(fields[t])) for t in types) > 100,
          "the declarations have many text fields to attack")
    fx = idor_fixtures(f)
    sp = f.accounts["staff"].person
    own_incs = [i["id"] for i in f.json("incident", "list", "--json") or []
                if i.get("reported_by") == sp]
    accs = {}
    for k, role in (("totp", "manager"), ("replay", "auditor"), ("name", "manager"),
                    ("addr", "manager"), ("sess", "manager")):
        acc = f.add_account("hostile-%s" % k, role, f.accounts["manager"].person)
        if k in ("totp", "replay", "sess"):
            acc.secret = totp_secret(f.cli("user", "totp", acc.name).out)
            check(acc.secret, "TOTP enrolled for %s" % acc.name)
        accs[k] = acc
    admin_tok = f.token(f.accounts["admin"].name, "hostile")
    staff_tok = f.token(f.accounts["staff"].name, "hostile")
    mgr_tok = f.token(f.accounts["manager"].name, "hostile")
    owner_tok = f.token(f.accounts["owner"].name, "hostile")

    srv = Server(f.path)
    api = Api(srv, admin_tok)
    mapi = Api(srv, mgr_tok)
    staff_api = Api(srv, staff_tok)
    refs = Refs(api)
    m, staff, admin_c, owner_c, anon = Client(srv), Client(srv), Client(srv), Client(srv), \
        Client(srv)
    m.login_as(f.accounts["manager"])
    staff.login_as(f.accounts["staff"])
    admin_c.login_as(f.accounts["admin"])
    owner_c.login_as(f.accounts["owner"])
    # the record counts the test expects: as found, plus what it makes
    counts = {t: api_count(api, t) for t in types}
    mp = f.accounts["manager"].person

    xss = stored_xss(f, srv, api, m, staff, staff_api, types, fields, refs)
    for t in types:
        counts[t] += 1 if xss.get(t) else 0
    if xss.get("staff-incident"):
        counts["incident"] += 1
        own_incs.append(xss["staff-incident"])
    reflected_xss(srv, api, m, anon, types, fields)
    sql_made = sql_meta(f, srv, api, m, types, fields, refs, mp, counts)
    fids = formula_records(api)
    for k, t in (("p1", "person"), ("p2", "person"), ("r1", "risk"), ("r2", "risk"),
                 ("a1", "action"), ("a2", "action"), ("c", "control")):
        counts[t] += 1 if fids.get(k) else 0
    # what staff may read of documents (src/model/perm.c): the version in force (approved or
    # published) of those classified public or internal, or addressed to them by the audience
    sp_dept = (f.show(f.accounts["staff"].person) or {}).get("department")
    approved_docs = [d["id"] for d in api_all(mapi, "document") or []
                     if d.get("in_force") and not d.get("retired") and
                     (d.get("classification") in ("public", "internal") or
                      d.get("audience") == "everyone" or
                      (d.get("audience") == "selected" and sp_dept and
                       sp_dept in (d.get("audience_departments") or "").split(",")))]
    if idor_staff(f, srv, staff, staff_api, mapi, owner_c, Api(srv, owner_tok), fx, approved_docs,
                  own_incs):
        counts["incident"] += 1
    got = {t: api_count(api, t) for t in types}
    check_eq(got, counts, "every type holds exactly the records the test made (API counts)")
    csrf_every_route(f, srv, admin_c, types, xss, {"risk": xss.get("risk", "R-0001"),
                                                   "control": "5.1", "action": "",
                                                   "document": xss.get("document", "DOC-0001"),
                                                   "scope": xss.get("scope", "SC-0001"),
                                                   # review: pack and minutes routes
                                                   "review": xss.get("review", "MR-0001"),
                                                   # ops: incident response, exception approval
                                                   "incident": xss.get("incident", "INC-0001"),
                                                   "exception": xss.get("exception", "EXC-0001"),
                                                   # audit: checklist and raise-nc routes
                                                   "audit": xss.get("audit", "AUD-0001"),
                                                   "ctrun": xss.get("ctrun", "CTR-0001"),
                                                   "ctest": xss.get("ctest", "CT-0001"),
                                                   # metrics: 5 whys, effectiveness reviews
                                                   "nonconformity": xss.get("nonconformity",
                                                                            "NC-0001"),
                                                   "corrective": xss.get("corrective",
                                                                         "CA-0001"),
                                                   # people: attendance and completion routes
                                                   "briefing": xss.get("briefing", "AWS-0001"),
                                                   "campaign": xss.get("campaign", "AWC-0001"),
                                                   # suppliers: access review routes
                                                   "areview": xss.get("areview", "AR-0001"),
                                                   "aaccount": xss.get("aaccount", "ACC-0001"),
                                                   "supplier": xss.get("supplier", "SUP-0001")})
    questionnaire_link(f, srv, m)  # suppliers
    for t, k in (("supplier", 1), ("qtemplate", 1), ("qquestion", 2), ("questionnaire", 1)):
        counts[t] += k
    counts["aaccount"] += supplier_forms(f, srv, m, api)
    login_csrf_and_redirects(f, srv)
    sessions(f, srv, accs["sess"])
    bodies(f, srv, api, m, types, fields, refs, xss, counts)
    path_tricks(f, srv, m, api, types)
    check_status(Client(srv).get("/healthz"), 200, "/healthz after every attack")
    final = {t: api_count(api, t) for t in types}
    srv.stop()

    for t in types:
        n = len(f.json(t, "list", "--all", "--json") or [])
        check_eq(n, final[t], "%s: the file holds exactly the records the test made" % t)
        check_eq(n, counts[t], "%s: the record count is what the test expects" % t)
    for t, rid in sql_made.items():
        d = f.show(rid) or {}
        check(d.get("id") == rid and not d.get("retired"), "the SQL-laden %s %s is still there"
              % (t, rid))
    r = isms("verify", f.path)
    check(r.rc == 0, "isms verify passes after every attack", r.describe)
    formula_exports(f, fids)
    hist = f.history_count()
    brute_force(f, accs)
    check_eq(f.history_count(), hist, "the brute-force attempts stored nothing in the history")
    multi_org()
    r = isms("verify", f.path)
    check(r.rc == 0, "isms verify passes at the end", r.describe)


run(main)
