"""t_roles.py — the role matrix, walked from the route table itself.

Parses src/http/routes.def and, for every route and every role (admin,
manager, owner, top-management, auditor, staff, the external auditor — an
auditor account with an end date, the demo's — and no sign-in), works out
the expected answer from an explicit Python restatement of the rule in
src/model/perm.c (perm_allows, perm_visible) and of the order in which
src/http/router.c applies it:

    no sign-in on a non-public route  -> 401 (JSON) / 303 to /login (HTML)
    a record the role may not see     -> 404 (staff: no existence leak)
    the permission does not allow it   -> 403
    otherwise                          -> the handler's answer (never 401/403;
                                          501 while the handler is not written)

:type is replaced by record types' plurals, :id by records made for the test
(one owned by the owner account's person, one by top management's), :n by 1.
Writes carry a valid CSRF token and an empty body. The API routes are driven
both with the session cookie and with a bearer token. Routes still answering
501 are listed as notes, not failures. Also checks the table itself: public
routes are exactly the known ones, every state-changing route is CSRF-checked.

Every record type is walked; HTTP_ROLES_QUICK=1 walks a representative set
(risks, assets, documents, incidents, audits, findings, controls, people and the
types with special rules) instead.
"""
from harness import *

# ---- the route table --------------------------------------------------------------

ROUTE_RE = re.compile(r'^ROUTE\(\s*"(\w+)",\s*"([^"]+)",\s*(\w+),\s*PERM_(\w+),\s*(NULL|"\w+"),'
                      r'\s*([^)]*)\)', re.M)


class Route:
    def __init__(self, m):
        self.method, self.pattern, self.handler = m.group(1), m.group(2), m.group(3)
        self.perm = m.group(4).lower()
        self.type = None if m.group(5) == "NULL" else m.group(5).strip('"')
        self.flags = {x.strip() for x in m.group(6).split("|") if x.strip()}
        self.json = "R_JSON" in self.flags

    def __repr__(self):
        return "%s %s" % (self.method, self.pattern)


def read_routes():
    path = os.path.join(SRC, "src", "http", "routes.def")
    with open(path, encoding="utf-8") as fh:
        text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
    return [Route(m) for m in ROUTE_RE.finditer(text)]


KNOWN_PUBLIC = {("GET", "/healthz"), ("GET", "/static/:id"), ("GET", "/login"),
                ("POST", "/login"), ("GET", "/api/v1/openapi.json")}
# suppliers: the questionnaire link needs no account; its token is the credential and
# its form carries the link's own nonce instead of a session CSRF token (t_suppliers.py)
KNOWN_PUBLIC |= {("GET", "/q/:id"), ("POST", "/q/:id")}
KNOWN_NONCE = {("POST", "/q/:id")}
# outbound: a calendar feed needs no session; its secret is the credential (t_calendar.py)
KNOWN_PUBLIC |= {("GET", "/cal/:id")}
# sso: signing in with OpenID Connect (start, the provider's callback) and LDAP,
# public like POST /login (the start and the LDAP form carry the login page's
# pre-session CSRF token; the callback is bound by its state to a cookie)
KNOWN_PUBLIC |= {("POST", "/login/oidc"), ("GET", "/login/oidc/callback"), ("POST", "/login/ldap")}


def table_checks(routes):
    check(len(routes) >= 40, "routes.def parsed (%d routes)" % len(routes))
    seen = set()
    for rt in routes:
        key = (rt.method, rt.pattern)
        check(key not in seen, "%s is listed once" % rt)
        seen.add(key)
        check(rt.method in ("GET", "POST", "PATCH", "PUT", "DELETE"), "%s: a known method" % rt)
        check(rt.perm in ("public", "login", "read", "create", "edit", "retire", "approve",
                          "manage", "admin", "history"), "%s: a known permission" % rt)
        check(("R_HTML" in rt.flags) != ("R_JSON" in rt.flags),
              "%s: answers either HTML or JSON" % rt)
        if rt.pattern.startswith("/api/"):
            check(rt.json, "%s: API routes answer JSON" % rt)
        if rt.perm == "public":
            check(key in KNOWN_PUBLIC, "%s is public: only %s may be" %
                  (rt, sorted("%s %s" % k for k in KNOWN_PUBLIC)))
        if rt.method != "GET" and key not in KNOWN_NONCE:
            check(rt.flags & {"R_CSRF", "R_PRECSRF"},
                  "%s changes state: it needs R_CSRF (or R_PRECSRF)" % rt)
        else:
            check("R_CSRF" not in rt.flags, "%s: a GET is never state-changing" % rt)
        if rt.perm in ("read", "create", "edit", "retire", "history"):
            check(":type" in rt.pattern or rt.type,
                  "%s: a %s permission needs a record type (:type or the type column)"
                  % (rt, rt.perm))
        if rt.perm in ("edit", "retire"):
            check(":id" in rt.pattern, "%s: %s is about one record (:id)" % (rt, rt.perm))
        if "R_MFA" in rt.flags:
            check(rt.pattern.startswith("/login") or rt.pattern == "/logout",
                  "%s: only signing in/out works before the second factor" % rt)
    for k in KNOWN_PUBLIC:
        check(k in seen, "the public route %s %s exists" % k)
    # a route listed earlier must not take the requests of a later one
    for i, rt in enumerate(routes):
        for later in routes[i + 1:]:
            if later.method == rt.method and shadows(rt.pattern, later.pattern):
                fail("%s comes first and takes every request of %s" % (rt, later))


def shadows(general, specific):
    """Does every path of the pattern specific also match general?"""
    plurals = {d["plural"] for d in declared_types().values()}
    g, s = general.strip("/").split("/"), specific.strip("/").split("/")
    if len(g) != len(s) or general == specific:
        return False
    for a, b in zip(g, s):
        if a == b or a in (":id", ":n") or (a == ":type" and b in plurals):
            continue
        return False
    return True


# ---- the rule, restated (src/model/perm.c) -------------------------------------------

OWNER_CREATES = {"risk", "asset", "action", "incident", "measurement", "vulnerability",
                 "improvement", "corrective", "ctrun"}


def perm_allows(role, perm, rtype, owns):
    """owns: True/False for a route about one record, None otherwise."""
    if perm == "public":
        return True
    if role is None:
        return False
    if perm == "login":
        return True
    if perm == "history":
        # history and earlier versions: as read, but never staff on documents
        return perm_allows(role, "read", rtype, owns) and not (role == "staff" and
                                                               rtype == "document")
    if role == "admin":
        return True
    if role == "manager":
        return perm != "admin"
    if role == "owner":
        # approve: a risk they own (acceptance as its risk owner), or the plan
        return (perm == "read" or (perm == "create" and rtype in OWNER_CREATES) or
                (perm in ("edit", "retire") and owns is True) or
                (perm == "approve" and (owns is True or (owns is None and rtype == "action"))))
    if role == "top-management":
        return perm in ("read", "approve") or (perm == "edit" and owns is True)
    if role == "auditor":
        return perm == "read" or (perm in ("create", "edit") and rtype in ("audit", "finding", "checkitem"))
    if role == "staff":
        # people: competence requirements, campaigns and sessions; their own evidence and attendance
        if perm == "read" and rtype in ("competency", "qualification", "campaign", "briefing",
                                        "attendance"):
            return True
        return ((perm == "read" and rtype in ("document", "incident")) or
                (perm == "create" and rtype == "incident"))
    return False


# accounts: an external auditor (an auditor account with an end date) may do
# what an auditor may, but nothing that writes: no permission that writes, and
# no request that writes but on its own account (perm_may_request)
WRITE_PERMS = ("create", "edit", "retire", "approve", "manage", "admin")


def external_allows(method, perm, rtype, owns):
    if perm in WRITE_PERMS or (method != "GET" and perm not in ("login", "public")):
        return False
    return perm_allows("auditor", perm, rtype, owns)


def perm_visible(role, rec, person):
    if role == "external":
        # the privacy rule: other people's competence evidence and attendance (it has no person)
        if rec["type"] in ("qualification", "attendance"):
            return bool(person) and rec.get("person") == person
        return True
    if role != "staff":
        return role is not None
    if rec["type"] == "document":
        # the version in force, of a public or internal document (or one addressed to them)
        return bool(rec.get("in_force")) and (rec.get("classification") in ("public", "internal")
                                              or rec.get("audience") == "everyone")
    if rec["type"] == "incident":
        return bool(person) and rec.get("reported_by") == person
    if rec["type"] in ("qualification", "attendance"):  # people: their own
        return bool(person) and rec.get("person") == person
    if rec["type"] in ("competency", "campaign", "briefing"):  # people
        return True
    return False


def expected(role, person, rt, rtype, rec):
    """'allow', 'deny' (403), 'hidden' (404) or 'login' (401 / 303 to /login)."""
    if rt.perm == "public":
        return "allow"
    if role is None:
        return "login"
    owns = None
    if rec is not None:
        if not perm_visible(role, rec, person):
            return "hidden"
        owns = bool(person) and rec.get("owner") == person
    if role == "external":
        return "allow" if external_allows(rt.method, rt.perm, rtype, owns) else "deny"
    return "allow" if perm_allows(role, rt.perm, rtype, owns) else "deny"


# ---- the walk ---------------------------------------------------------------------------

REPRESENTATIVE = ["risk", "asset", "document", "incident", "audit", "finding", "control",
                  "person", "action", "measurement", "vulnerability", "improvement",
                  "corrective", "nonconformity", "supplier"]
ROLE_ORDER = [None, "staff", "auditor", "external", "owner", "top-management", "manager", "admin"]

stats = {"allow": 0, "deny": 0, "hidden": 0, "login": 0}
pending_routes = {}
handler_403 = {}
wrong = []


def make_records(f, types):
    """Two records per type: A owned by the owner account's person, B by top
    management's. Staff: incident A reported by staff, document A approved."""
    owner_p = f.accounts["owner"].person
    top_p = f.accounts["top-management"].person
    staff_p = f.accounts["staff"].person
    recs = {}
    for t in types:
        recs[t] = []
        for which, person in (("A", owner_p), ("B", top_p)):
            vals = minimal_record(f, t, owner=person, text="role matrix %s %s" % (t, which))
            if t == "incident":
                vals["reported_by"] = staff_p if which == "A" else top_p
            if t == "document":
                vals["body"] = "role matrix document %s" % which
                vals["kind"] = "procedure"
            if t == "responsibility":  # people: a RACI cell names a process and a role
                vals["process"] = [r for r in f.json("process", "list", "--json")][0]["id"]
                vals["role"] = [r for r in f.json("role", "list", "--json")][0]["id"]
            c = f.cli(*([t, "add"] + sum((["--" + k.replace("_", "-"), v]
                                           for k, v in vals.items()), [])), ok=False)
            if not check(c.rc == 0 and rtype_of(c.out.strip()) == t,
                         "the role matrix's %s %s record is created" % (t, which), c.describe):
                continue
            if t == "document" and which == "A":
                # approved through the workflow: the owner reviews, top management approves
                did = c.out.strip()
                f.cli("document", "submit", did)
                own, top = f.accounts["owner"], f.accounts["top-management"]
                f.cli("document", "review", did, "--as", own.name, input=own.password + "\n")
                f.cli("document", "approve", did, "--as", top.name, input=top.password + "\n")
            rec = f.show(c.out.strip())
            rec["type"] = t
            recs[t].append(rec)
    return recs


def expand(rt, types, recs):
    """(path, record type, record or None) for each concrete request."""
    out = []
    if ":type" in rt.pattern:
        tlist = types
    elif rt.type:
        tlist = [rt.type]
    else:
        tlist = [None]
    for t in tlist:
        path = rt.pattern.replace(":type", plural(t)) if t else rt.pattern
        if ":id" in path and rt.pattern.startswith("/static/"):
            out.append((path.replace(":id", "style.css"), t, None))
        elif ":id" in path:
            for rec in recs.get(t, []):
                out.append((path.replace(":id", rec["id"]), t, rec))
        else:
            out.append((path.replace(":n", "1"), t, None))
    return out


def drive(client, api, rt, path, csrf):
    """One request as the route expects it: a form or JSON with the CSRF token."""
    if rt.method == "GET":
        return api.get(path) if api else client.get(path)
    if api:
        return api.request(rt.method, path, {})
    if rt.json:
        return client.request(rt.method, path, json_body={},
                              headers={"X-CSRF-Token": csrf} if csrf else None)
    form = {"_csrf": csrf} if csrf else {}
    if "R_PRECSRF" in rt.flags:
        # the double-submitted pre-session token of the login form
        client.jar["isms_pre"] = "5" * 64
        form = {"_csrf": "5" * 64}
    return client.request(rt.method, path, form=form)


def judge(want, resp, rt, role, via):
    who = "%s%s" % (role or "no sign-in", " (token)" if via == "token" else "")
    desc = "%s %s as %s: expected %s" % (rt.method, resp.path, who, want)
    stats[want] += 1
    ok = True
    if want == "login":
        if rt.json:
            ok = resp.status == 401 and ((resp.json() or {}).get("error") or {}).get("code") \
                == "unauthenticated"
        else:
            ok = resp.status == 303 and (resp.location or "").startswith("/login?next=")
    elif want == "deny":
        ok = resp.status == 403
        if ok and rt.json:
            ok = ((resp.json() or {}).get("error") or {}).get("code") == "forbidden"
    elif want == "hidden":
        ok = resp.status == 404
    else:
        loc = resp.location or ""
        signin = rt.pattern.startswith("/login")  # 401 there: wrong name/password/code
        ok = not (resp.status == 401 and not signin) and \
            not (resp.status in (302, 303) and loc.startswith("/login") and not signin)
        if resp.status == 403:
            # the router's refusals (role, CSRF) are failures; a handler's own
            # 403 for a rule of the domain is reported, not failed
            router = ("your role does not allow" in resp.text or
                      "out of date or came from another site" in resp.text)
            ok = ok and not router
            if not router:
                m = re.search(r'"message":"([^"]*)"|<p>([^<]*)</p>', resp.text)
                handler_403.setdefault(repr(rt), set()).add(
                    "%s: %s" % (role, (m.group(1) or m.group(2)) if m else resp.text[:100]))
        if resp.status == 501:
            pending_routes.setdefault(repr(rt), set()).add(via)
    if not ok:
        wrong.append(desc)
    check(ok, desc + ", got %d" % resp.status, resp.describe)


# ---- what each role RECEIVES --------------------------------------------------------
#
# The walk above checks the status of every route; this checks the content: the rows,
# counts, search hits, backlinks and history each role receives, computed from the rule
# of src/model/perm.c (staff: documents in force of class public/internal or addressed
# to them, never a draft; their own incidents) from an unrestricted view of the file.

SECRET_DRAFT = "VIS-DRAFT-BODY"
SECRET_REVISION = "VIS-REVISION-BODY"
SECRET_OTHER = "VIS-OTHER-INCIDENT"
MINE = "VIS-MY-INCIDENT"


def ids_in(text, plural_name, prefix):
    return set(re.findall(r'href="/%s/(%s-\d{4})"' % (plural_name, prefix), text))


def dashboard_count(text, plural_name, label):
    m = re.search(r'href="/%s"><span>%s</span><span class="c">(\d+)</span>' %
                  (plural_name, label), text)
    return int(m.group(1)) if m else None


def staff_documents(every, dept):
    return sorted(d["id"] for d in every if d.get("in_force") and (
        d.get("classification") in ("public", "internal") or d.get("audience") == "everyone" or
        (d.get("audience") == "selected" and dept in (d.get("audience_departments") or "")
         .split(","))))


def receives():
    f = demo_file("receives.isms")
    staff, top, mgr = f.accounts["staff"], f.accounts["top-management"], f.accounts["manager"]
    sp, dept = staff.person, f.show(staff.person)["department"]
    mine = f.add("incident", title=MINE + " laptop left on a train", reported_by=sp,
                 description="Left on the 8:12.",
                 detected_at="2026-11-02T09:00:00Z", severity="low", owner=mgr.person)
    other = f.add("incident", title=SECRET_OTHER + " badge cloned", reported_by=top.person,
                  description="Cloned at the door.",
                  detected_at="2026-11-03T09:00:00Z", severity="high", owner=mgr.person)
    # a backlink from a row staff may not see: a nonconformity raised from their incident
    nc = f.add("nonconformity", title="Raised from " + mine, source="incident", incident=mine,
               owner=mgr.person)
    draft = f.add("document", title="Visibility draft", kind="procedure", owner=mgr.person,
                  classification="public", audience="everyone", body="# Draft\n\n" + SECRET_DRAFT)
    f.cli("document", "revise", "DOC-0001")
    f.cli("document", "edit", "DOC-0001", "--body", "# Revised\n\n" + SECRET_REVISION)
    tokens = {role: f.token(acc.name, "receives") for role, acc in f.accounts.items()}
    srv = Server(f.path)
    sys_view = Api(srv, tokens["admin"])
    every_doc = api_all(sys_view, "documents")
    every_inc = sorted(i["id"] for i in api_all(sys_view, "incidents"))
    check(other in every_inc and mine in every_inc and len(every_inc) >= 3,
          "the file holds incidents of several reporters", every_inc)
    own_inc = sorted(i["id"] for i in api_all(sys_view, "incidents")
                     if i.get("reported_by") == sp)
    staff_docs = staff_documents(every_doc, dept)
    check("DOC-0003" not in staff_docs and "DOC-0011" not in staff_docs and
          draft not in staff_docs and "DOC-0001" in staff_docs,
          "staff's expected documents: not the SoA DOC-0003, not the continuity plan "
          "DOC-0011, not the draft", staff_docs)

    for role in ROLES:
        acc = f.accounts[role]
        api = Api(srv, tokens[role])
        web = Client(srv)
        web.login_as(acc)
        is_staff = role == "staff"
        want_inc = own_inc if is_staff else every_inc
        want_doc = staff_docs if is_staff else sorted(d["id"] for d in every_doc)

        # lists and counts: the API, the list pages, the dashboard
        got = sorted(i["id"] for i in api_all(api, "incidents"))
        check_eq(got, want_inc, "%s: GET /api/v1/incidents lists exactly what the role sees" %
                 role)
        got = sorted(d["id"] for d in api_all(api, "documents"))
        check_eq(got, want_doc, "%s: GET /api/v1/documents lists exactly what the role sees" %
                 role)
        r = web.get("/incidents")
        check(r.status == 200 and ids_in(r.text, "incidents", "INC") == set(want_inc),
              "%s: the incident list page shows exactly %s" % (role, want_inc),
              lambda: sorted(ids_in(r.text, "incidents", "INC")))
        r = web.get("/documents")
        check(r.status == 200 and ids_in(r.text, "documents", "DOC") == set(want_doc),
              "%s: the document list page shows exactly what the role sees" % role,
              lambda: sorted(ids_in(r.text, "documents", "DOC") ^ set(want_doc)))
        dash = web.get("/")
        if is_staff:
            # staff's dashboard: the policies to read (a count and the list), no registers
            m = re.search(r"Policies to read\D{0,80}?(\d+)", dash.text)
            check_eq(int(m.group(1)) if m else None, len(want_doc),
                     "staff: the dashboard counts the policies staff may read")
            shown = set(re.findall(r'/documents/(DOC-\d{4})', dash.text))
            check(shown and shown <= set(want_doc), "staff: the dashboard lists only documents "
                  "staff may read", lambda: sorted(shown - set(want_doc)))
            check(not set(re.findall(r"INC-\d{4}", dash.text)) - set(want_inc),
                  "staff: the dashboard names no incident of someone else")
        else:
            check_eq(dashboard_count(dash.text, "incidents", "Incidents"), len(want_inc),
                     "%s: the dashboard counts the incidents the role sees" % role)
            check_eq(dashboard_count(dash.text, "documents", "Documents"), len(want_doc),
                     "%s: the dashboard counts the documents the role sees" % role)

        # search: a hidden row is no hit, through the API and the list page
        for q, plural_name, target, visible in (
                (SECRET_OTHER, "incidents", other, not is_staff),
                (MINE, "incidents", mine, True),
                (SECRET_DRAFT, "documents", draft, not is_staff),
                ("Statement of Applicability", "documents", "DOC-0003", not is_staff),
                ("Business Continuity", "documents", "DOC-0011", not is_staff)):
            hits = [x["id"] for x in api_all(api, plural_name, "&q=" + q.replace(" ", "%20"))]
            check((target in hits) == visible, "%s: search %r %s %s" %
                  (role, q, "finds" if visible else "does not find", target), hits)
            r = web.get("/%s?q=%s" % (plural_name, q.replace(" ", "+")))
            check(r.status == 200 and (target in ids_in(r.text, plural_name, target[:3]))
                  == visible, "%s: the %s page searched for %r %s %s" %
                  (role, plural_name, q, "lists" if visible else "does not list", target),
                  r.describe)

        # one record, its history and its backlinks
        for rid, plural_name, visible in ((other, "incidents", not is_staff),
                                          (mine, "incidents", True),
                                          ("DOC-0003", "documents", not is_staff),
                                          ("DOC-0011", "documents", not is_staff),
                                          (draft, "documents", not is_staff)):
            r = api.get("/api/v1/%s/%s" % (plural_name, rid))
            check_status(r, 200 if visible else 404, "%s: GET /api/v1/%s/%s" %
                         (role, plural_name, rid))
            r = web.get("/%s/%s" % (plural_name, rid))
            check_status(r, 200 if visible else 404, "%s: GET /%s/%s" % (role, plural_name, rid))
            r = api.get("/api/v1/%s/%s/history" % (plural_name, rid))
            check(r.status in ((200,) if visible else (403, 404)), "%s: GET /api/v1/%s/%s/history"
                  " is %s" % (role, plural_name, rid, "read" if visible else "refused"),
                  r.describe)
        r = api.get("/api/v1/incidents/%s/history" % mine)
        entries = (api_items(r.json()) or []) if r.status == 200 else []
        check(r.status == 200 and entries and all(e.get("id") == mine for e in entries),
              "%s: the history of %s holds its own entries only" % (role, mine), r.describe)
        r = web.get("/incidents/" + mine)
        check(r.status == 200 and 'id="h-inbound"' in r.text and 'id="h-hist"' in r.text,
              "%s: the page of %s shows what refers to it and its history" % (role, mine),
              r.describe)
        # the identifier as a word: NC-0005 is inside INC-0005
        named_nc = re.search(r"(?<![A-Z])%s(?!\d)" % re.escape(nc), r.text) is not None
        check(r.status == 200 and named_nc == (not is_staff),
              "%s: the page of %s %s the nonconformity %s that refers to it" %
              (role, mine, "lists" if not is_staff else "does not list (a hidden row)", nc),
              r.describe)

        # documents: the version in force, never the working copy, nor its history
        r = api.get("/api/v1/documents/DOC-0001")
        check(r.status == 200 and (SECRET_REVISION in r.text) == (not is_staff),
              "%s: DOC-0001 %s" % (role, "is the working copy (the revision)" if not is_staff
                                   else "is the version in force, not the revision"),
              r.describe)
        r = web.get("/documents/DOC-0001")
        check(r.status == 200 and (SECRET_REVISION in r.text) == (not is_staff),
              "%s: the page of DOC-0001 %s the revision" % (role, "shows" if not is_staff
                                                              else "does not show"), r.describe)
        for sub in ("history", "versions", "versions/1", "acks"):
            r = api.get("/api/v1/documents/DOC-0001/" + sub)
            check((r.status == 200) == (not is_staff) and
                  (not is_staff or (SECRET_REVISION not in r.text and "superseded" not in r.text)),
                  "%s: GET /api/v1/documents/DOC-0001/%s %s" %
                  (role, sub, "answers" if not is_staff else "is refused, with nothing of it"),
                  r.describe)
        if is_staff:
            for page in (dash, web.get("/documents"), web.get("/incidents")):
                for secret in (SECRET_DRAFT, SECRET_REVISION, SECRET_OTHER, "Visibility draft"):
                    check(secret not in page.text, "staff: %s holds nothing of %r" %
                          (page.path, secret))

    # the CLI with --as reads what the web shows
    for role in ("staff", "auditor"):
        acc = f.accounts[role]
        want_inc = own_inc if role == "staff" else every_inc
        want_doc = staff_docs if role == "staff" else sorted(d["id"] for d in every_doc)
        c = as_account(f, acc, "incident", "list", "--json")
        got = sorted(x["id"] for x in (c.json() if c.rc == 0 else []))
        check_eq(got, want_inc, "%s: isms incident list --as %s lists what the web does" %
                 (role, acc.name))
        c = as_account(f, acc, "document", "list", "--json")
        got = sorted(x["id"] for x in (c.json() if c.rc == 0 else []))
        check_eq(got, want_doc, "%s: isms document list --as %s lists what the web does" %
                 (role, acc.name))
    srv.stop()


def main():
    receives()
    routes = read_routes()
    table_checks(routes)

    f = demo_file("roles.isms")
    all_types = f.types()
    check(set(all_types) == set(declared_types()), "isms types agrees with src/model/types.c",
          lambda: "%s\n%s" % (sorted(all_types), sorted(declared_types())))
    types = [t for t in REPRESENTATIVE if t in all_types] if os.environ.get("HTTP_ROLES_QUICK") \
        else all_types
    recs = make_records(f, types)
    check(f.external is not None, "the demo has an external auditor's account")
    accounts = dict(f.accounts, external=f.external)
    tokens = {role: f.token(acc.name, "roles") for role, acc in accounts.items()}
    srv = Server(f.path)

    # every plural is a route; a type's singular or an unknown word is not
    c = Client(srv)
    c.login_as(f.accounts["manager"])
    for t in all_types:
        r = c.get("/api/v1/" + plural(t))
        check(r.status != 404, "GET /api/v1/%s is a route" % plural(t), r.describe)
        if plural(t) != t:
            r = c.get("/api/v1/" + t)
            check_status(r, 404, "GET /api/v1/%s (the singular) is not a route" % t)
    for p in ("/api/v1/nothings", "/admin", "/api/v1/accounts", "/api/v2/risks", "/risks/x/y/z"):
        check_status(c.get(p), 404, "unlisted %s" % p)
    r = c.request("DELETE", "/risks")
    check_status(r, 405, "DELETE on a known path")
    check("GET" in (r.header("Allow") or ""), "405 says which methods are allowed", r.describe)

    # the OpenAPI document describes exactly the API routes of the table
    r = Client(srv).get("/api/v1/openapi.json")
    doc = r.json() if r.status == 200 else None
    if not pending(r, "GET /api/v1/openapi.json") and \
            check(isinstance(doc, dict) and str(doc.get("openapi", "")).startswith("3."),
                  "GET /api/v1/openapi.json is an OpenAPI 3 document", r.describe):
        norm = lambda p: re.sub(r"\{[^}]+\}", "{}", p)
        documented = {(m.upper(), norm(pth)) for pth, ops in (doc.get("paths") or {}).items()
                      for m in ops if m.lower() in ("get", "post", "patch", "put", "delete")}
        served = set()
        for rt in routes:
            if not rt.pattern.startswith("/api/"):
                continue
            pats = [rt.pattern.replace(":type", plural(t)) for t in all_types] \
                if ":type" in rt.pattern else [rt.pattern]
            for pt in pats:
                served.add((rt.method, norm(re.sub(r":(\w+)", r"{\1}", pt))))
        check(not served - documented, "every API route is in the OpenAPI document",
              lambda: sorted(served - documented)[:20])
        check(not documented - served, "the OpenAPI document lists no route the server lacks",
              lambda: sorted(documented - served)[:20])

    # sessions and CSRF tokens per role
    clients = {None: (Client(srv), None)}
    for role in ROLES + ["external"]:
        cl = Client(srv)
        cl.login_as(accounts[role])
        clients[role] = (cl, cl.csrf())
        check(clients[role][1], "a CSRF token for %s" % role)

    gets = [rt for rt in routes if rt.method == "GET"]
    writes = [rt for rt in routes if rt.method != "GET"]
    # writes: retiring last, so that a record is changed before it is retired
    writes.sort(key=lambda rt: (rt.perm == "retire", routes.index(rt)))
    for phase in (gets, writes):
        for role in ROLE_ORDER:
            cl, csrf = clients[role]
            person = accounts[role].person if role else None
            for rt in phase:
                if rt.pattern == "/logout":
                    continue  # would end the session the walk uses; see t_auth.py
                for path, t, rec in expand(rt, types, recs):
                    want = expected(role, person, rt, t, rec)
                    judge(want, drive(cl, None, rt, path, csrf), rt, role, "cookie")
                    if rt.json and rt.perm != "public":
                        api = Api(srv, tokens[role] if role else "isms_" + "x" * 43)
                        judge(want, drive(None, api, rt, path, None), rt, role, "token")
    r = clients["manager"][0].logout()
    check_status(r, 303, "logout, after the walk")

    total = sum(stats.values())
    note("role matrix: %d requests over %d routes x %d types x 8 roles: %s" %
         (total, len(routes), len(types), ", ".join("%s %d" % kv for kv in sorted(stats.items()))))
    if pending_routes:
        note("role matrix: %d routes answer 501 (not written yet): %s" %
             (len(pending_routes), ", ".join(sorted(pending_routes))))
    for rt, why in sorted(handler_403.items()):
        note("role matrix: %s is allowed by the route's permission but its handler answers "
             "403 (%s)" % (rt, "; ".join(sorted(why))))
    if wrong:
        print("wrong answers (%d):" % len(wrong))
        for w in wrong[:200]:
            print("  " + w)


run(main)
