"""t_security.py — the web security of the real server: security headers on
pages, API answers and errors; no inline script or style in pages (the CSP
forbids them); CSRF refusals (no token, a wrong one, another session's, a
foreign Origin, the token in the URL) with nothing stored; API writes with a
bearer token need no CSRF token, cookie-authenticated ones need X-CSRF-Token;
oversized bodies (413, nothing stored), huge headers, malformed JSON and forms,
wrong content types; no open redirect after login; path tricks never reach a
file; hostile record text is escaped on every page that shows it; bad,
revoked and disabled tokens; no secrets in the access log."""
from harness import *

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
RAW = ["<script>alert(1)", "<img src=x onerror", "<img src=x onerror=alert(1)>"]
ESC_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


# ---- headers -------------------------------------------------------------------------

def csp_directives(v):
    d = {}
    for part in (v or "").split(";"):
        words = part.split()
        if words:
            d[words[0].lower()] = words[1:]
    return d


def check_headers(r, what, authed):
    csp = r.header("Content-Security-Policy")
    if not check(csp, "%s: Content-Security-Policy is sent" % what, r.describe):
        return
    d = csp_directives(csp)
    check("'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp,
          "%s: the CSP allows no inline or eval'd code" % what, csp)
    check(d.get("default-src") in (["'none'"], ["'self'"]), "%s: CSP default-src 'none'/'self'"
          % what, csp)
    check(d.get("frame-ancestors") == ["'none'"], "%s: CSP frame-ancestors 'none'" % what, csp)
    for k in ("script-src", "style-src"):
        check(all(x in ("'self'", "'none'") or x.startswith("'sha256-") or x.startswith("'nonce-")
                  for x in d.get(k, d.get("default-src", []))),
              "%s: CSP %s allows only this site" % (what, k), csp)
    check(d.get("object-src", d.get("default-src")) in (["'none'"],),
          "%s: CSP object-src (or default-src) 'none'" % what, csp)
    check("base-uri" in d, "%s: CSP base-uri set" % what, csp)
    check_eq((r.header("X-Content-Type-Options") or "").lower(), "nosniff",
             "%s: X-Content-Type-Options" % what)
    check((r.header("Referrer-Policy") or "").lower() in
          ("same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"),
          "%s: Referrer-Policy keeps paths on this site" % what, r.describe)
    if authed:
        check("no-store" in (r.header("Cache-Control") or ""),
              "%s: Cache-Control: no-store (signed in)" % what,
              lambda: "Cache-Control: %s" % r.header("Cache-Control"))
    ct = r.header("Content-Type") or ""
    if r.body:
        check(ct.startswith("text/html; charset=utf-8") or ct.startswith("application/json") or
              ct.startswith("text/css") or ct.startswith("text/javascript"),
              "%s: a Content-Type with charset/JSON (got %r)" % (what, ct), r.describe)


class TagAudit(HTMLParser):
    """What the CSP would block in a page: inline <script>, <style>, style=
    and on*= attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        where = "line %d: <%s %s>" % (self.getpos()[0], tag,
                                       " ".join("%s=%r" % kv for kv in attrs)[:200])
        names = [k.lower() for k, _ in attrs]
        if tag == "script" and "src" not in names:
            self.found.append("an inline <script> (%s)" % where)
        if tag == "style":
            self.found.append("a <style> element (%s)" % where)
        for k, v in attrs:
            k = k.lower()
            if k.startswith("on"):
                self.found.append("an event handler attribute %s (%s)" % (k, where))
            if k == "style":
                self.found.append("a style attribute (%s)" % where)
            if k in ("href", "src", "action", "formaction", "xlink:href") and v and \
                    re.sub(r"\s", "", v).lower().startswith("javascript:"):
                self.found.append("a javascript: URL (%s)" % where)

    handle_startendtag = handle_starttag


def check_no_inline(r, what):
    a = TagAudit()
    a.feed(r.text)
    a.close()
    check(not a.found, "%s: nothing the CSP blocks (inline script/style, on*=, javascript:)"
          % what, lambda: "\n".join(a.found[:10]))


def headers(f, srv, m, tok, staff):
    anon = Client(srv)
    cases = [(anon.get("/login"), "GET /login", False),
             (anon.get("/healthz"), "GET /healthz", False),
             (anon.get("/no-such-page"), "404 page", False),
             (anon.get("/risks"), "redirect to sign in", False),
             (anon.get("/api/v1/risks"), "API 401", False),
             (anon.get("/static/style.css"), "static CSS", False),
             (m.get("/"), "dashboard", True),
             (m.get("/risks"), "risk list", True),
             (m.get("/risks/R-0001"), "risk page", True),
             (m.get("/risks/new"), "new risk form", True),
             (m.get("/risks/R-9999"), "404 record page", True),
             (m.post("/risks", {}), "403 CSRF page", True),
             (staff.get("/risks"), "403 page", True),
             (m.get("/api/v1/risks"), "API list (cookie)", True),
             (Api(srv, tok).get("/api/v1/risks/R-0001"), "API record (token)", True),
             (Api(srv, tok).get("/api/v1/risks/R-9999"), "API 404", True),
             (Api(srv, tok).request("DELETE", "/api/v1/risks"), "API 405", True),
             (m.get("/static/app.js"), "static JS, signed in", True)]
    for r, what, authed in cases:
        check_headers(r, what, authed)
    for r, what, authed in cases:
        if "text/html" in (r.header("Content-Type") or ""):
            check_no_inline(r, what)
    r = anon.get("/static/style.css")
    check_status(r, 200, "the stylesheet")
    for p in ("/", "/risks", "/risks/R-0001", "/risks/R-0001/edit", "/risks/new", "/risks/matrix",
              "/soa", "/assets", "/documents", "/incidents", "/plan", "/method"):
        r = m.get(p)
        if not pending(r, "GET " + p) and check_status(r, 200, "GET %s as manager" % p):
            check_no_inline(r, p)
    # frames, MIME sniffing of JSON, TRACE
    r = Api(srv, tok).request("TRACE", "/api/v1/risks")
    check(r.status in (400, 404, 405, 501), "TRACE is not answered (got %d)" % r.status,
          r.describe)


# ---- CSRF --------------------------------------------------------------------------------

def csrf(f, srv, m, m2, tok):
    origin = "http://127.0.0.1:%d" % srv.port
    mine = m.csrf()
    other = m2.csrf()
    check(mine and other and mine != other, "two sessions have different CSRF tokens")
    n_risks, n_hist = f.count("risk"), f.history_count()
    owner = f.accounts["manager"].person
    form = {"title": "csrf test", "owner": owner, "status": "identified"}
    for desc, extra, hdrs in (
            ("without _csrf", {}, None),
            ("with a wrong _csrf", {"_csrf": "0" * 64}, None),
            ("with a short _csrf", {"_csrf": "x"}, None),
            ("with an empty _csrf", {"_csrf": ""}, None),
            ("with the _csrf of another session", {"_csrf": other}, None),
            ("with the right _csrf but a foreign Origin", {"_csrf": mine},
             {"Origin": "https://evil.example"}),
            ("with the right _csrf but Origin: null", {"_csrf": mine}, {"Origin": "null"}),
            ("with the right _csrf but another port's Origin", {"_csrf": mine},
             {"Origin": "http://127.0.0.1:1"})):
        r = m.post("/risks", dict(form, **extra), headers=hdrs)
        check_status(r, 403, "POST /risks " + desc)
    r = m.request("POST", "/risks?_csrf=" + mine, form=form)
    check_status(r, 403, "POST /risks with the token in the URL instead of the body")
    r = m.post("/risks/R-0001/retire", {})
    check_status(r, 403, "POST /risks/R-0001/retire without _csrf")
    r = m.post("/risks/R-0001", {"title": "changed by CSRF", "_csrf": other})
    check_status(r, 403, "POST /risks/R-0001 (edit) with another session's token")
    r = m.post("/logout", {"_csrf": other})
    check_status(r, 403, "POST /logout with another session's token")
    # the JSON API with the session cookie: X-CSRF-Token
    r = m.request("POST", "/api/v1/risks", json_body=form)
    check_status(r, 403, "cookie-authenticated API POST without X-CSRF-Token")
    r = m.request("POST", "/api/v1/risks", json_body=form, headers={"X-CSRF-Token": other})
    check_status(r, 403, "cookie-authenticated API POST with another session's X-CSRF-Token")
    r = m.request("PATCH", "/api/v1/risks/R-0001", json_body={"title": "changed by CSRF"})
    check_status(r, 403, "cookie-authenticated API PATCH without X-CSRF-Token")
    r = m.request("POST", "/api/v1/risks/R-0001/retire", json_body={})
    check_status(r, 403, "cookie-authenticated API retire without X-CSRF-Token")
    r = m.request("POST", "/api/v1/risks", json_body=form,
                  headers={"X-CSRF-Token": mine, "Origin": "https://evil.example"})
    check_status(r, 403, "cookie-authenticated API POST with a foreign Origin")
    check_eq(f.count("risk"), n_risks, "nothing stored by refused requests (risk count)")
    check_eq(f.history_count(), n_hist, "nothing stored by refused requests (history)")
    check_eq(f.show("R-0001").get("retired"), None, "R-0001 not retired by a refused request")
    check(f.show("R-0001").get("title") != "changed by CSRF", "R-0001 not changed")
    # GET never changes anything
    r = m.get("/risks/R-0001/retire")
    check_eq(f.show("R-0001").get("retired"), None, "GET /risks/R-0001/retire only asks")
    check_eq(f.history_count(), n_hist, "GETs store nothing")
    # and the right requests work
    r = m.post("/risks", dict(form, _csrf=mine), headers={"Origin": origin})
    if not pending(r, "POST /risks"):
        check_status(r, 303, "POST /risks with the session's _csrf and our Origin")
        check_eq(f.count("risk"), n_risks + 1, "the form created a risk")
    r = m.request("POST", "/api/v1/risks", json_body=form, headers={"X-CSRF-Token": mine})
    if not pending(r, "POST /api/v1/risks"):
        check_status(r, 201, "cookie-authenticated API POST with X-CSRF-Token")
    api = Api(srv, tok)
    r = api.post("/api/v1/risks", form)
    if not pending(r, "POST /api/v1/risks"):
        check_status(r, 201, "API POST with a bearer token needs no CSRF token")
        rid = (r.json() or {}).get("id", "R-0001")
        r = api.patch("/api/v1/risks/" + rid, {"title": "patched by token"})
        check_status(r, 200, "API PATCH with a bearer token needs no CSRF token")
    # a bearer token never makes a cookie request exempt: header and cookie
    r = m.request("POST", "/api/v1/risks", json_body=form,
                  headers={"Authorization": "Bearer isms_not-a-real-token"})
    check_status(r, 401, "a bad bearer token beside a good cookie is refused, not ignored")


# ---- bodies, headers, encodings ---------------------------------------------------------------

def limits(f, srv, m, tok):
    api = Api(srv, tok)
    owner = f.accounts["manager"].person
    n_risks, n_hist = f.count("risk"), f.history_count()
    big = "x" * (1024 * 1024 + 10)
    r = api.post("/api/v1/risks", {"title": "big", "owner": owner, "notes": big})
    check_status(r, 413, "a JSON body over 1 MB")
    check(((r.json() or {}).get("error") or {}).get("code") == "too_large",
          "413 as a JSON error", r.describe)
    r = m.post("/risks", {"_csrf": m.csrf(), "title": "big", "owner": owner,
                          "status": "identified", "notes": big})
    check_status(r, 413, "a form over 1 MB")
    r = m.post("/risks", {"_csrf": m.csrf(), "title": "big", "owner": owner,
                          "status": "identified", "notes": "y" * (4 * 1024 * 1024)})
    check_status(r, 413, "a form of 4 MB")
    check_eq(f.count("risk"), n_risks, "nothing stored from oversized bodies (risks)")
    check_eq(f.history_count(), n_hist, "nothing stored from oversized bodies (history)")
    # just under the limit is parsed (and refused for the field, not the size)
    r = api.post("/api/v1/risks", {"title": "t", "owner": owner, "notes": "z" * 900000})
    check(r.status in (400, 422), "a 900 kB body is read and judged by its fields (got %d)"
          % r.status, r.describe)

    # malformed JSON and forms
    for body, desc in ((b'{"title": ', "truncated JSON"), (b"{'title': 'x'}", "single quotes"),
                       (b'{"title":"a","title":"b"}', "a duplicate key"),
                       (b'\xff\xfe{"title":"x"}', "not UTF-8"), (b"nul\x00l", "a NUL byte")):
        r = api.c.request("POST", "/api/v1/risks", body=body,
                          headers={"Authorization": "Bearer " + tok,
                                   "Content-Type": "application/json"})
        check_status(r, 400, "POST /api/v1/risks with %s" % desc)
        e = (r.json() or {}).get("error") or {}
        check(e.get("code") and e.get("message"), "a JSON error body for %s" % desc, r.describe)
    for body, desc in ((b"[]", "an array"), (b'"text"', "a string"), (b"42", "a number"),
                       (b"null", "null")):
        r = api.c.request("POST", "/api/v1/risks", body=body,
                          headers={"Authorization": "Bearer " + tok,
                                   "Content-Type": "application/json"})
        check_status(r, (400, 422), "POST /api/v1/risks with %s instead of an object" % desc)
    r = api.c.request("POST", "/api/v1/risks", body=b'{"title":"x"}',
                      headers={"Authorization": "Bearer " + tok, "Content-Type": "text/plain"})
    check_status(r, 415, "API POST as text/plain")
    r = api.c.request("POST", "/api/v1/risks", body=b"title=x",
                      headers={"Authorization": "Bearer " + tok,
                               "Content-Type": "application/x-www-form-urlencoded"})
    check_status(r, (400, 415), "API POST as a form")
    r = api.c.request("PATCH", "/api/v1/risks/R-0001", body=b'<x/>',
                      headers={"Authorization": "Bearer " + tok, "Content-Type": "application/xml"})
    check_status(r, 415, "API PATCH as XML")
    boundary = "b0undary"
    mp = ("--%s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n--%s--\r\n" %
          (boundary, m.csrf(), boundary)).encode()
    r = m.request("POST", "/risks", body=mp,
                  headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    check_status(r, 415, "a form POST as multipart/form-data")
    r = m.request("POST", "/risks", body=b"_csrf=%zz&title=%", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    check_status(r, 400, "a malformed form encoding")
    r = m.request("POST", "/risks", body="&".join("f%d=1" % i for i in range(5000)).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check_status(r, (400, 413), "a form with 5000 fields")
    check_eq(f.count("risk"), n_risks, "nothing stored from malformed bodies")

    # huge and many headers, bad request lines: a 4xx or a closed connection, never a crash
    port = srv.port
    for data, desc in (
            (b"GET /login HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n",
             "a 200 kB header"),
            (b"GET /login HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i
                                                              for i in range(5000)) + b"\r\n",
             "5000 headers"),
            (b"GET /login HTTP/1.1\r\nHost: x\r\nCookie: " + b"c=" + b"v" * 100000 + b"\r\n\r\n",
             "a 100 kB cookie"),
            (b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "a 100 kB path"),
            (b"GARBAGE\r\n\r\n", "a garbage request line"),
            (b"GET /login HTTP/9.9\r\nHost: x\r\n\r\n", "an unknown HTTP version"),
            (b"POST /api/v1/risks HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
             "a negative Content-Length"),
            (b"POST /api/v1/risks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
             b"Content-Type: application/json\r\n\r\nzz\r\n", "a bad chunk size")):
        try:
            got = raw_request(port, data, timeout=30)
        except OSError as e:
            got = b""
        m_ = re.match(rb"HTTP/1\.[01] (\d{3})", got)
        status = int(m_.group(1)) if m_ else None
        check(status is None or 400 <= status < 500 or status == 505,
              "%s: a 4xx or a closed connection (got %s)" % (desc, status), got[:300])
        check(srv.alive(), "the server survives %s" % desc)
    check_status(Client(srv).get("/healthz"), 200, "healthz after the malformed requests")


# ---- redirects and paths ---------------------------------------------------------------

def redirects(f, srv):
    acc = f.accounts["auditor"]
    for nxt in ("https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
                "https:evil.example", "http://127.0.0.1:1/", "/%2F%2Fevil.example",
                "javascript:alert(1)", " //evil.example", "/\t/evil.example", "//evil.example/%2e%2e"):
        c = Client(srv)
        r, _ = c.login_form()
        r = c.get("/login?next=" + urllib.parse.quote(nxt, safe=""))
        hidden = hidden_value(r.text, "next")
        check(hidden is not None and hidden.startswith("/") and not hidden.startswith("//") and
              "evil" not in hidden, "GET /login?next=%r: the form's next is local" % nxt,
              lambda: "next=%r" % hidden)
        r = c.login(acc.name, acc.password, next=nxt)
        loc = r.location or ""
        u = urllib.parse.urlsplit(loc)
        check(r.status == 303 and loc.startswith("/") and not loc.startswith("//") and
              "\\" not in loc and not u.scheme and not u.netloc and "evil" not in loc,
              "sign-in with next=%r ends on a local path" % nxt, r.describe)
    c = Client(srv)
    r = c.login(acc.name, acc.password, next="/risks")
    check_eq(r.location, "/risks", "sign-in with next=/risks goes there")
    r = Client(srv).get("/risks?q=x&next=https://evil.example")
    check(r.status == 303 and r.location == "/login?next=/risks",
          "a page asked signed out sends to /login?next=PATH (no query, nothing foreign)",
          r.describe)
    r = Client(srv).get("/risks/%2F%2Fevil.example")
    loc = r.location or ""
    check(r.status in (303, 404) and (not loc or (loc.startswith("/login?next=/") and
                                                    "//" not in loc[len("/login?next="):])),
          "an encoded //host in a path does not become a redirect target", r.describe)


def paths(f, srv, m, tok):
    api = Api(srv, tok)
    tricks = ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
              "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
              "/static/%252e%252e%252fetc%252fpasswd", "/static/style.css%00.txt",
              "/static/%00", "/static/.%2e/.%2e/etc/passwd", "/static/style.css/..",
              "/%2e%2e/%2e%2e/etc/passwd", "/../../../etc/passwd", "//etc/passwd",
              "/static//etc/passwd", "/static/%2Fetc%2Fpasswd", "/static/%5c..%5c..%5cetc%5cpasswd",
              "/static/" + "a" * 300, "/" + "/".join(["a"] * 20), "/risks/%ff%fe",
              "/risks/R-0001%00", "/risks/R-0001%2f..%2f..%2fetc%2fpasswd",
              "/api/v1/risks/..%2f..%2fetc%2fpasswd", "/api/v1/risks/R-0001%00",
              "/static/STYLE.CSS", "/static/", "/api/v1/risks%2FR-0001", "/api/v1/risks/R%252D0001",
              "/risks/R%252D0001", "/static/style%252Ecss", "/api/v1/risks/R-0001%00xyz",
              "/" + "x" * 2000, "/risks/" + "R" * 5000]
    for p in tricks:
        got = []
        for who, cl in (("anonymous", Client(srv)), ("manager", m), ("token", api)):
            r = cl.get(p)
            anon_ok = who == "anonymous" and (r.status == 303 or (r.status == 401 and
                                                                    p.startswith("/api/")))
            if not (r.status in (400, 404, 414) or anon_ok):
                got.append((who, r))
            check(b"root:x:0:0" not in r.body and b"daemon:" not in r.body,
                  "GET %s (%s): never a file of the machine" % (p[:80], who))
        check(not got, "GET %s: 400/404 (got %s)" % (p[:80], ", ".join(
            "%d as %s" % (r.status, who) for who, r in got)),
              lambda: got[0][1].describe()[:1200])
    r = api.get("/api/v1/risks/R%2D0001")
    check_status(r, 200, "a percent-encoded '-' in an id is decoded once")
    r = Client(srv).get("/static/style.css?../../etc/passwd")
    check(r.status == 200 and r.header("Content-Type", "").startswith("text/css"),
          "a query string on a static file is ignored", r.describe)
    r = Client(srv).get("/static/app.js")
    check_status(r, 200, "the script is served")
    check(r.header("Content-Type", "").startswith("text/javascript"), "script content type",
          r.describe)
    check(srv.alive(), "the server survives the path tricks")


# ---- escaping ------------------------------------------------------------------------------------

def make_hostile(f):
    """Records whose text is an attack, made before the server starts."""
    mp = f.accounts["manager"].person
    sp = f.accounts["staff"].person
    h = {}
    h["person"] = f.add("person", name=XSS_SCRIPT, status="active")
    h["risk"] = f.add("risk", title=XSS_SCRIPT, description=XSS_IMG, owner=h["person"],
                      existing_controls="[x](javascript:alert(1)) " + XSS_IMG,
                      likelihood=5, consequence=5, status="identified")
    h["risk2"] = f.add("risk", title=XSS_IMG, owner=mp, likelihood=4, consequence=4,
                       status="identified", notes=XSS_SCRIPT)
    h["asset"] = f.add("asset", name=XSS_IMG, kind="information", owner=mp, status="active",
                       description=XSS_SCRIPT)
    h["incident"] = f.add("incident", title=XSS_SCRIPT, description=XSS_IMG, reported_by=sp,
                          owner=mp)
    h["document"] = f.add("document", title=XSS_SCRIPT, kind="policy", owner=mp,
                          body="# Heading\n\n%s\n\n[click me](javascript:alert(1))\n\n%s\n\n"
                               "<iframe src=\"https://evil.example\"></iframe>\n" %
                               (XSS_SCRIPT, XSS_IMG))
    # approved through the workflow (staff read it): the owner reviews, top management approves
    f.cli("document", "submit", h["document"])
    for step, acc in (("review", f.accounts["manager"]), ("approve", f.accounts["top-management"])):
        f.cli("document", step, h["document"], "--as", acc.name, input=acc.password + "\n")
    return h


def check_escaped(r, what, must_show=True):
    if pending(r, what):
        return
    if not check_status(r, 200, what):
        return
    for raw in RAW:
        i = r.text.find(raw)
        check(i < 0, "%s: the raw payload %r is not in the page" % (what, raw),
              lambda: r.text[max(0, i - 300):i + 300])
    m = re.search(r'href\s*=\s*"\s*javascript:', r.text, re.I)
    check(not m, "%s: no javascript: link" % what, lambda: r.text[m.start() - 200:m.end() + 200])
    check("<iframe" not in r.text.lower(), "%s: no <iframe> from record text" % what)
    if must_show:
        check("&lt;script&gt;" in r.text or "&lt;img src=x" in r.text,
              "%s: shows the escaped text" % what, lambda: r.text[:3000])


def escaping(f, srv, m, staff, tok, h):
    q = urllib.parse.quote
    pages = [("/risks", True), ("/risks/" + h["risk"], True), ("/risks/" + h["risk2"], True),
             ("/risks/%s/edit" % h["risk"], True), ("/risks/%s/retire" % h["risk"], True),
             ("/risks?q=" + q(XSS_SCRIPT), True), ("/risks?q=" + q(XSS_IMG), True),
             ("/risks?q=" + q("alert"), True), ("/", False), ("/risks/matrix", False),
             ("/assets", True), ("/assets/" + h["asset"], True), ("/assets?q=" + q(XSS_IMG), True),
             ("/incidents", True), ("/incidents/" + h["incident"], True),
             ("/documents", True), ("/documents/" + h["document"], True),
             ("/people/" + h["person"], True), ("/people?q=" + q("<script>"), True),
             ("/risks/new", False), ("/plan", False), ("/soa", False)]
    for p, show in pages:
        check_escaped(m.get(p), "manager GET " + p, show)
    for p, show in (("/documents/" + h["document"], True), ("/incidents/" + h["incident"], True),
                    ("/incidents", True), ("/documents?q=" + q(XSS_SCRIPT), True)):
        check_escaped(staff.get(p), "staff GET " + p, show)
    # values echoed from the query string and the path
    for p in ("/risks?status=" + q(XSS_SCRIPT), "/risks?sort=" + q(XSS_SCRIPT),
              "/risks?" + q(XSS_SCRIPT) + "=1", "/risks/" + q(XSS_SCRIPT, safe=""),
              "/risks/" + q(XSS_SCRIPT, safe="") + "/edit", "/login?next=" + q(XSS_SCRIPT),
              "/risks?page=" + q(XSS_IMG)):
        r = m.get(p)
        for raw in RAW:
            check(raw not in r.text, "GET %s: the payload is not echoed raw" % p, r.describe)
    # a refused form keeps what was typed, escaped
    tokc = m.csrf()
    r = m.post("/risks", {"_csrf": tokc, "title": XSS_SCRIPT, "owner": "",
                          "description": XSS_IMG, "status": "identified"})
    if not pending(r, "POST /risks"):
        check_status(r, 422, "a refused form with hostile text")
        for raw in RAW:
            check(raw not in r.text, "the refused form echoes the typed text escaped",
                  r.describe)
    # JSON: escaped for embedding in HTML
    api = Api(srv, tok)
    for p in ("/api/v1/risks/" + h["risk"], "/api/v1/risks?q=alert", "/api/v1/assets/" + h["asset"],
              "/api/v1/documents/" + h["document"], "/api/v1/risks/" + q(XSS_SCRIPT, safe="")):
        r = api.get(p)
        if pending(r, "GET " + p):
            continue
        check("<script" not in r.text and "<img" not in r.text,
              "GET %s: JSON escapes < (\\u003c)" % p, r.describe)
        check((r.header("Content-Type") or "").startswith("application/json"),
              "GET %s: served as JSON" % p, r.describe)
    r = api.get("/api/v1/risks/" + h["risk"])
    if r.status == 200:
        check_eq((r.json() or {}).get("title"), XSS_SCRIPT, "the API gives the text back exactly")


# ---- tokens and the log -------------------------------------------------------------------------

def tokens(f, srv):
    acc = f.accounts["owner"]
    tok = f.token(acc.name, "revoke me")
    api = Api(srv, tok)
    check_status(api.get("/api/v1/risks?limit=1"), 200, "a fresh token works")
    for bad in ("", "isms_", "isms_" + "A" * 43, tok + "x", tok[:-1], "Bearer " + tok,
                tok.upper(), "x" * 5000):
        r = Api(srv, bad).get("/api/v1/risks")
        check_status(r, 401, "a bad token %r" % bad[:20])
    r = Client(srv).get("/api/v1/risks", headers={"Authorization": "Basic " + tok})
    check_status(r, 401, "a token as Basic credentials")
    r = Client(srv).get("/risks", headers={"Authorization": "Bearer " + tok})
    check(r.status in (200, 303, 401), "a token on a page (got %d)" % r.status, r.describe)
    lst = f.cli("token", "list").out
    tid = None
    for line in lst.splitlines():
        if "revoke me" in line:
            tid = line.split()[0]
    if check(tid, "isms token list shows the token", lst):
        f.cli("token", "revoke", tid)
        r = api.get("/api/v1/risks")
        check_status(r, 401, "a revoked token")
        check(tok not in f.cli("token", "list").out, "token list never shows a token")
    tok2 = f.token(acc.name, "disable me")
    check_status(Api(srv, tok2).get("/api/v1/risks?limit=1"), 200, "the second token works")
    f.cli("user", "edit", acc.name, "--disabled", "yes")
    check_status(Api(srv, tok2).get("/api/v1/risks"), 401, "a token of a disabled account")
    f.cli("user", "edit", acc.name, "--disabled", "no")
    check_status(Api(srv, tok2).get("/api/v1/risks?limit=1"), 200,
                 "the token works again once the account is enabled")
    stored = sql(f.path, "SELECT group_concat(hash) FROM token")
    check(tok2 not in stored and tok2[5:] not in stored, "tokens are stored only hashed")


def access_log(srv, secrets):
    log = srv.stderr()
    for what, s in secrets:
        check(s and s not in log, "the access log does not hold %s" % what,
              lambda: [l for l in log.splitlines() if s in l][:3])
    check("?" not in "".join(l.split()[3] for l in log.splitlines()
                             if re.match(r"^\d{4}-\d\d-\d\dT", l) and len(l.split()) > 4),
          "the access log has no query strings")


def main():
    f = demo_file("sec.isms")
    h = make_hostile(f)
    tok = f.token(f.accounts["manager"].name, "security")
    srv = Server(f.path)
    m, m2, staff = Client(srv), Client(srv), Client(srv)
    m.login_as(f.accounts["manager"])
    m2.login_as(f.accounts["admin"])
    staff.login_as(f.accounts["staff"])
    headers(f, srv, m, tok, staff)
    csrf(f, srv, m, m2, tok)
    limits(f, srv, m, tok)
    redirects(f, srv)
    paths(f, srv, m, tok)
    escaping(f, srv, m, staff, tok, h)
    m.get("/risks?q=secret-search-term")
    tokens(f, srv)
    acc = f.accounts["manager"]
    access_log(srv, [("a session id", m.session()), ("an API token", tok),
                     ("a password", acc.password), ("a CSRF token", m.csrf()),
                     ("a search term", "secret-search-term")])
    srv.stop()
    r = isms("verify", f.path)
    check(r.rc == 0, "the file verifies after the attacks", r.describe)


run(main)
