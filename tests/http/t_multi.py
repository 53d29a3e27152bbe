"""t_multi.py — `isms serve --dir DIR`: every *.isms file is an organization
under /o/NAME/ with its own accounts, session cookie (__Host-isms-NAME),
tokens, login throttling and records. Accounts of one cannot use the other
(even with the same name), neither by cookie nor by token; records of one
are not visible in the other; every link and redirect keeps the prefix."""
from harness import *


def local_urls(html):
    return re.findall(r'(?:href|action|src)="(/[^"]*)"', html)


def main():
    os.mkdir("orgs")
    a = demo_file("orgs/acme.isms")
    b = demo_file("orgs/beta.isms")
    only_a = a.add_account("only-in-acme", "manager", a.accounts["manager"].person)
    tok_a = a.token(a.accounts["manager"].name, "acme")
    tok_b = b.token(b.accounts["manager"].name, "beta")
    rid = a.add("risk", title="Acme-only risk zq7", owner=a.accounts["manager"].person)
    with open("orgs/notes.txt", "w") as fh:
        fh.write("not an ISMS\n")
    isms("init", "orgs/Bad_Name.isms")
    srv = Server(dir=os.path.abspath("orgs"))
    log = srv.stderr()
    check("/o/acme/" in log and "/o/beta/" in log, "the server names both organizations", log)
    check("skipping" in log and "Bad_Name.isms" in log,
          "a file whose name is not a-z0-9- is skipped with a warning", log)
    anon = Client(srv)
    for p in ("/", "/login", "/risks", "/api/v1/risks", "/o/", "/o/nosuch/", "/o/Bad_Name/",
              "/o/ACME/", "/o/acme/../beta/risks", "/o/bad_name/login"):
        r = anon.get(p)
        check_status(r, 404, "GET %s under --dir" % p)
    check_status(anon.get("/healthz"), 200, "/healthz under --dir")

    ca, cb = Client(srv, "/o/acme"), Client(srv, "/o/beta")
    r = ca.get("/risks")
    check(r.status == 303 and r.location == "/o/acme/login?next=/risks",
          "signed out: /o/acme/risks -> /o/acme/login?next=/risks", r.describe)
    r, tok = ca.login_form()
    check_status(r, 200, "GET /o/acme/login")
    fm = find_form(r.text, "/login")
    check(fm and fm["action"] == "/o/acme/login", "the login form posts to /o/acme/login",
          r.describe)
    r = ca.login(a.accounts["manager"].name, a.accounts["manager"].password)
    check_status(r, 303, "acme's manager signs in at /o/acme")
    check_eq(r.location, "/o/acme/", "then goes to /o/acme/")
    sess = [parse_set_cookie(v) for v in r.headers_all("Set-Cookie")]
    sess = [x for x in sess if x[0].startswith("__Host-isms")]
    check(len(sess) == 1 and sess[0][0] == "__Host-isms-acme" and sess[0][2].get("path") == "/"
          and sess[0][2].get("secure") is True, "the session cookie is __Host-isms-acme; Path=/; "
          "Secure", r.describe)
    r = ca.get("/risks")
    check_status(r, 200, "acme's manager sees /o/acme/risks")
    bad = [u for u in local_urls(r.text) if not u.startswith("/o/acme/") and u != "/o/acme"]
    check(not bad, "every link of an /o/acme page stays under /o/acme/", lambda: bad[:10])
    check(rid in r.text, "acme's own risk is on acme's list")

    # the acme session is nothing at beta: not by its own cookie name, not renamed
    cb.jar.update(ca.jar)
    r = cb.get("/risks")
    check(r.status == 303 and r.location.startswith("/o/beta/login"),
          "acme's session cookie does not sign in at /o/beta", r.describe)
    forged = Client(srv, "/o/beta")
    forged.jar["__Host-isms-beta"] = ca.session()
    check(forged.get("/risks").status == 303, "acme's session id under beta's cookie name is "
          "refused")
    forged.jar = {"__Host-isms": ca.session()}
    check(forged.get("/risks").status == 303, "acme's session id as a single-file cookie is "
          "refused")
    # the same name, acme's password: refused at beta; an acme-only account too
    r = Client(srv, "/o/beta").login(a.accounts["manager"].name, a.accounts["manager"].password)
    if a.accounts["manager"].password != b.accounts["manager"].password:
        check_status(r, 401, "acme's password for the same name at beta")
    r = Client(srv, "/o/beta").login(only_a.name, only_a.password)
    check_status(r, 401, "an acme-only account at beta")
    r = Client(srv, "/o/acme").login(only_a.name, only_a.password)
    check_status(r, 303, "the acme-only account at acme")

    # one browser, signed in to both: each organization sees its own account
    cb.jar = dict(ca.jar)
    r = cb.login(b.accounts["auditor"].name, b.accounts["auditor"].password)
    check_status(r, 303, "beta's auditor signs in beside the acme session")
    check("__Host-isms-acme" in cb.jar and "__Host-isms-beta" in cb.jar,
          "the browser holds both organizations' cookies", cb.jar)
    ra = Client(srv, "/o/acme")
    ra.jar = dict(cb.jar)
    check("miriam" in ra.get("/risks").text or a.accounts["manager"].name in ra.get("/risks").text,
          "with both cookies, acme still sees its manager")
    check(b.accounts["auditor"].name in cb.get("/risks").text,
          "with both cookies, beta sees its auditor")
    r = cb.logout()
    check(r.status == 303 and r.location == "/o/beta/login", "logout at beta", r.describe)
    check_status(ra.get("/risks"), 200, "logging out of beta leaves the acme session")

    # tokens
    check_status(Api(srv, tok_a, "/o/acme").get("/api/v1/risks?limit=1"), 200, "acme's token at acme")
    check_status(Api(srv, tok_a, "/o/beta").get("/api/v1/risks?limit=1"), 401, "acme's token at beta")
    check_status(Api(srv, tok_b, "/o/acme").get("/api/v1/risks?limit=1"), 401, "beta's token at acme")
    check_status(Api(srv, tok_b, "/o/beta").get("/api/v1/risks?limit=1"), 200, "beta's token at beta")

    # records
    api_a, api_b = Api(srv, tok_a, "/o/acme"), Api(srv, tok_b, "/o/beta")
    check_status(api_a.get("/api/v1/risks/" + rid), 200, "acme's risk at acme")
    r = api_b.get("/api/v1/risks/" + rid)
    check(r.status == 404 or (r.status == 200 and (r.json() or {}).get("title") !=
                              "Acme-only risk zq7"), "acme's risk is not at beta", r.describe)
    r = api_b.get("/api/v1/risks?q=zq7")
    check(r.status == 200 and api_items(r.json()) == [], "beta's search does not find acme's risk",
          r.describe)
    r = api_a.post("/api/v1/assets", {"name": "Acme API asset qq9", "kind": "information",
                                      "owner": a.accounts["manager"].person})
    if not pending(r, "POST /api/v1/:type"):
        check_status(r, 201, "an asset created at acme")
        r = api_b.get("/api/v1/assets?q=qq9")
        check(r.status == 200 and api_items(r.json()) == [], "the new acme asset is not at beta",
              r.describe)
    # CSRF: an acme page's token does not work for beta
    cb2 = Client(srv, "/o/beta")
    cb2.login_as(b.accounts["manager"])
    r = cb2.post("/risks", {"_csrf": ca.csrf(), "title": "x", "owner": "P-0005",
                            "status": "identified"})
    check_status(r, 403, "acme's CSRF token at beta")

    # throttling is per organization
    victim = a.accounts["owner"]
    for i in range(5):
        Client(srv, "/o/acme").login(victim.name, "wrong-password-%d" % i)
    check_status(Client(srv, "/o/acme").login(victim.name, victim.password), 429,
                 "acme's owner is locked after 5 failures at acme")
    check_status(Client(srv, "/o/beta").login(b.accounts["owner"].name,
                                              b.accounts["owner"].password), 303,
                 "the same name at beta is not locked")

    # two sign-in forms open side by side (two tabs): the first still works?
    t1, t2 = Client(srv, "/o/acme"), Client(srv, "/o/beta")
    _, tok1 = t1.login_form()
    t2.jar = t1.jar
    t2.login_form()  # the browser's isms_pre cookie is replaced
    r = t1.post("/login", {"_csrf": tok1, "name": a.accounts["auditor"].name,
                           "password": a.accounts["auditor"].password})
    if r.status == 403:
        note("observation: opening a second sign-in form (another organization, or another tab) "
             "replaces the shared isms_pre cookie, so the first form is refused with 403 "
             "'out of date'")
    srv.stop()
    for f in (a, b):
        r = isms("verify", f.path)
        check(r.rc == 0, "%s verifies" % f.path, r.describe)


run(main)
