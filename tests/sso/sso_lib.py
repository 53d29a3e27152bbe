"""sso_lib.py — what the single sign-on tests share (with tests/http/harness.py):
the loopback OpenID providers (provider.mjs: oidc-provider and a tiny issuer
of our own), a browser for the provider's pages, the whole OIDC sign-in as a
browser does it, and slapd started as this user in a temporary directory."""

import atexit
import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
import urllib.parse

from harness import *  # noqa: F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_ID = "isms-test"
CLIENT_SECRET = "a-client-secret-of-the-tests-1234567890"

_procs = []


def _stop_procs():
    for p in _procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


atexit.register(_stop_procs)


def wait_line(proc, want, timeout=30):
    deadline = time.monotonic() + timeout
    got = b""
    while time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.2)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            got += chunk
            if want.encode() in got:
                return True
        if proc.poll() is not None:
            break
    raise RuntimeError("%s did not say %r: %s" % (proc.args, want, got.decode(errors="replace")))


class Providers:
    """oidc-provider on .port and the tiny issuer on .fake_port."""

    def __init__(self, redirect_uris, accounts):
        self.port, self.fake_port = free_port(), free_port()
        cfg = {"port": self.port, "fakePort": self.fake_port, "clientId": CLIENT_ID,
               "clientSecret": CLIENT_SECRET, "redirectUris": redirect_uris,
               "accounts": accounts}
        path = os.path.abspath("providers.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.errlog = open("provider.err", "wb")
        self.proc = subprocess.Popen(["node", os.path.join(HERE, "provider.mjs"), path],
                                     stdout=subprocess.PIPE, stderr=self.errlog,
                                     stdin=subprocess.DEVNULL)
        _procs.append(self.proc)
        wait_line(self.proc, "ready")
        self.issuer = "http://127.0.0.1:%d" % self.port
        self.fake_issuer = "http://127.0.0.1:%d" % self.fake_port

    def fake(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.fake_port, timeout=10)
        conn.request("GET", path)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return json.loads(data)


class Browser:
    """The browser's side at the provider: a cookie jar per host:port."""

    def __init__(self):
        self.jars = {}

    def request(self, method, url, form=None):
        u = urllib.parse.urlsplit(url)
        jar = self.jars.setdefault(u.netloc, {})
        headers = {}
        if jar:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        conn.request(method, u.path + ("?" + u.query if u.query else ""), body=body,
                     headers=headers)
        r = conn.getresponse()
        data = r.read().decode(errors="replace")
        hdrs = {}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, value, attrs = parse_set_cookie(v)
                if value == "" or attrs.get("max-age") in ("0", "-1") or "expires=thu, 01 jan 1970" in v.lower():
                    jar.pop(name, None)
                else:
                    jar[name] = value
            hdrs[k.lower()] = v
        conn.close()
        return r.status, hdrs, data


def start_oidc(c, next_path="/"):
    """POST /login/oidc as the browser c: the response (303 to the provider)."""
    r, tok = c.login_form()
    return c.post("/login/oidc", {"_csrf": tok or "", "next": next_path})


def at_provider(br, url, user, isms_port):
    """Follows the provider's pages from url (its authorization URL) as user:
    the login form, the consent form; returns the URL it sends the browser
    back to at isms (the callback, with code and state), or None."""
    for _ in range(20):
        u = urllib.parse.urlsplit(url)
        if u.port == isms_port:
            return url
        st, h, body = br.request("GET", url)
        if st in (302, 303) and "location" in h:
            url = urllib.parse.urljoin(url, h["location"])
            continue
        m = re.search(r'<form[^>]*action="([^"]+)"', body)
        if st == 200 and m and 'name="login"' in body:
            form = {"prompt": "login", "login": user, "password": "any password"}
        elif st == 200 and m and 'value="consent"' in body:
            form = {"prompt": "consent"}
        else:
            fail("the provider answered %s at %s" % (st, url), body[:2000])
            return None
        st, h, body = br.request("POST", urllib.parse.urljoin(url, m.group(1)), form)
        if st not in (302, 303):
            fail("the provider's form answered %s" % st, body[:2000])
            return None
        url = urllib.parse.urljoin(url, h["location"])
    fail("too many redirects at the provider")
    return None


def callback_path(url):
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def oidc_sign_in(c, srv, user, next_path="/"):
    """The whole sign-in through the real provider; (callback response, callback URL)."""
    r = start_oidc(c, next_path)
    if r.status != 303:
        fail("POST /login/oidc answered %s" % r.status, r.describe())
        return r, None
    back = at_provider(Browser(), r.location, user, srv.port)
    if not back:
        return None, None
    return c.get(callback_path(back), prefix=False), back


def seclog(path, event, like=None):
    q = "SELECT count(*) FROM security_log WHERE event = '%s'" % event
    if like:
        q += " AND detail LIKE '%%%s%%'" % like.replace("'", "''")
    return int(sql(path, q).strip() or 0)
