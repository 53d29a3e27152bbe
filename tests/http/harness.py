"""harness.py — shared by the HTTP end-to-end tests (tests/http/t_*.py).

Every test file starts the REAL binary ($ISMS) as `isms serve` on a free
loopback port and drives it over HTTP, like a browser or an API client would.
Python standard library only.

    from harness import *

    def main():
        f = demo_file("d.isms")            # or init_file(); accounts: f.accounts
        srv = Server(f.path)               # starts, waits for /healthz
        c = Client(srv)
        check_status(c.login("miriam", pw), 303, "manager signs in")
        ...
    run(main)                             # counts, stops servers, exit status

Checks never stop the test: check()/check_status() record a failure (with the
request and response) and go on. note() adds a line the runner always prints
(e.g. routes still answering 501). Nothing here depends on timing: every wait
is bounded, and a process that does not stop in time is a failure.
"""

import atexit
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.environ.get("ISMS_SRC") or os.path.join(HERE, "..", ".."))
ISMS = os.path.abspath(os.environ.get("ISMS") or os.path.join(SRC, "isms"))
CMD_TIMEOUT = float(os.environ.get("HTTP_CMD_TIMEOUT", "120"))
REQ_TIMEOUT = float(os.environ.get("HTTP_REQ_TIMEOUT", "60"))
START_TIMEOUT = float(os.environ.get("HTTP_START_TIMEOUT", "30"))
STOP_TIMEOUT = float(os.environ.get("HTTP_STOP_TIMEOUT", "30"))

ROLES = ["admin", "manager", "owner", "top-management", "auditor", "staff"]
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")

# ---- checks -----------------------------------------------------------------

_checks = 0
_fails = 0
_notes = []
_servers = []
_pending = set()


def note(msg):
    """A line the runner always shows (not a failure)."""
    if msg not in _notes:
        _notes.append(msg)
        print("note: " + msg, flush=True)


def fail(desc, detail=""):
    global _fails
    _fails += 1
    where = ""
    for fr in reversed(traceback.extract_stack()[:-1]):
        if os.path.basename(fr.filename).startswith("t_"):
            where = "%s:%d: " % (os.path.basename(fr.filename), fr.lineno)
            break
    print("FAIL: %s%s" % (where, desc), flush=True)
    if detail:
        for line in str(detail).rstrip("\n").split("\n"):
            print("      " + line, flush=True)
    return False


def check(cond, desc, detail=""):
    """Counts a check; on failure prints desc and detail. Returns cond."""
    global _checks
    _checks += 1
    if not cond:
        fail(desc, detail() if callable(detail) else detail)
    return bool(cond)


def check_eq(got, want, desc):
    return check(got == want, desc, lambda: "expected %r\n got     %r" % (want, got))


def check_status(resp, want, desc):
    """want: an int, or a collection of ints. Prints the exchange on failure."""
    ok = resp.status in want if isinstance(want, (set, list, tuple, range)) else resp.status == want
    return check(ok, "%s: status %s, expected %s" % (desc, resp.status, want), resp.describe)


def pending(resp, what):
    """True (and a note) when resp is the 501 of a handler not written yet."""
    if resp is not None and resp.status == 501:
        if what not in _pending:
            _pending.add(what)
            note("501 (not written yet): " + what)
        return True
    return False


def _on_signal(signum, frame):
    """Stopped from outside (the runner's timeout): take the servers along."""
    for s in list(_servers):
        if s.proc.poll() is None:
            s.proc.kill()
    print("stopped by signal %d" % signum, flush=True)
    os._exit(1)


@atexit.register
def _kill_leftovers():
    """A script that ends without run() (or crashes) leaves no server behind."""
    for s in list(_servers):
        if s.proc.poll() is None:
            s.proc.kill()


def run(main):
    """Runs main(), stops every server it started (checking each exits 0 with a
    clean stderr), prints the summary line and exits 0 or 1."""
    name = os.path.basename(sys.argv[0])
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    try:
        main()
    except Exception:
        fail("uncaught exception", traceback.format_exc())
    for s in list(_servers):
        try:
            s.stop()
        except Exception:
            fail("stopping the server", traceback.format_exc())
    print("%s: %d checks, %d failed%s" % (name, _checks, _fails,
                                           ", %d pending (501)" % len(_pending) if _pending else ""),
          flush=True)
    sys.exit(1 if _fails else 0)


# ---- the command line ---------------------------------------------------------

class Cmd:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    def json(self):
        return json.loads(self.out)

    def describe(self):
        return "$ isms %s\nexit %s\nstdout: %s\nstderr: %s" % (
            " ".join(self.args), self.rc, self.out[:2000], self.err[:2000])


def isms(*args, input=None, ok=True, env=None):
    """Runs the binary under test; ok=True: a non-zero exit is a failure.
    A crash, a timeout or sanitizer output is always a failure."""
    e = dict(os.environ)
    for k in ("ISMS_FILE", "ISMS_ACTOR", "ISMS_NOW"):
        e.pop(k, None)
    if env:
        e.update(env)
    args = [str(a) for a in args]
    try:
        p = subprocess.run([ISMS] + args, input=input, capture_output=True, text=True,
                           timeout=CMD_TIMEOUT, env=e)
        c = Cmd(args, p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired:
        c = Cmd(args, 124, "", "timeout")
        fail("isms %s: did not finish within %ss" % (" ".join(args), CMD_TIMEOUT))
        return c
    if c.rc < 0 or c.rc >= 128 or SANITIZER.search(c.err):
        fail("isms %s: crashed or sanitizer report" % " ".join(args), c.describe())
    elif ok and c.rc != 0:
        fail("isms %s: exit %d" % (" ".join(args), c.rc), c.describe())
    return c


# PostgreSQL mode (tests/pg/run runs this suite so): $ISMS_TEST_PG names a
# cluster's database; every ISMS "file" a test makes is a database of its
# own there, named after the test and the path, and its URL stands where
# the path would.
PG = os.environ.get("ISMS_TEST_PG") or ""
PSQL = os.environ.get("PSQL") or "/usr/lib/postgresql/15/bin/psql"
_pg_made = {}


def ism_path(path):
    """The place an ISMS made at path lives: the path itself, or in
    PostgreSQL mode a new database's URL (the same for the same path)."""
    if not PG or "://" in path:
        return path
    key = os.path.abspath(path)
    if key not in _pg_made:
        base = re.sub(r"[^a-z0-9]+", "_", (os.path.basename(sys.argv[0]).split(".")[0] + "_"
                                           + os.path.basename(path)).lower())
        name = "%s_%d_%d" % (base[:40], os.getpid(), len(_pg_made))
        p = subprocess.run([PSQL, PG, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                            'CREATE DATABASE "%s"' % name],
                           capture_output=True, text=True, timeout=CMD_TIMEOUT)
        if p.returncode != 0:
            fail("createdb %s" % name, p.stderr)
        _pg_made[key] = PG.rsplit("/", 1)[0] + "/" + name
    return _pg_made[key]


def sql(path, statement):
    """Runs SQL on an ISMS file with the sqlite3 command-line tool (the
    server may have it open: WAL, with a busy timeout), or on its database
    with psql in PostgreSQL mode. Returns stdout."""
    if "://" in path:
        p = subprocess.run([PSQL, path, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                            statement], capture_output=True, text=True, timeout=CMD_TIMEOUT)
        if p.returncode != 0:
            fail("psql %s: exit %d" % (statement, p.returncode), p.stderr)
        return p.stdout
    p = subprocess.run(["sqlite3", "-cmd", ".timeout 10000", path, statement],
                       capture_output=True, text=True, timeout=CMD_TIMEOUT)
    if p.returncode != 0:
        fail("sqlite3 %s: exit %d" % (statement, p.returncode), p.stderr)
    return p.stdout


class Account:
    def __init__(self, name, role, person, password):
        self.name, self.role, self.person, self.password = name, role, person, password

    def __repr__(self):
        return "Account(%s, %s, %s)" % (self.name, self.role, self.person)


class IsmsFile:
    """An ISMS file and the accounts made for it (role -> Account)."""

    def __init__(self, path):
        self.path = path if "://" in path else os.path.abspath(path)
        self.accounts = {}
        self.external = None  # accounts: the demo's external auditor (demo_file)

    def cli(self, *args, **kw):
        return isms("-f", self.path, *args, **kw)

    def json(self, *args):
        c = self.cli(*args)
        try:
            return json.loads(c.out)
        except ValueError:
            fail("isms %s: not JSON" % " ".join(args), c.describe())
            return None

    def add_account(self, name, role, person=None, password=None):
        password = password or ("pw-%s-0123456789" % name)
        args = ["user", "add", name, "--role", role]
        if person:
            args += ["--person", person]
        self.cli(*args, input=password + "\n")
        a = Account(name, role, person, password)
        self.accounts.setdefault(role, a)
        return a

    def token(self, account, label="test"):
        c = self.cli("token", "add", account, "--name", label)
        return c.out.strip()

    def add(self, rtype, **values):
        """Adds a record through the CLI; returns its id."""
        args = [rtype, "add"]
        for k, v in values.items():
            if isinstance(v, (list, tuple)):
                v = ",".join(v)
            args += ["--" + k.replace("_", "-"), str(v)]
        return self.cli(*args).out.strip()

    def history_count(self):
        out = sql(self.path, "SELECT count(*) FROM history").strip()
        return int(out) if out.isdigit() else -1

    def count(self, rtype):
        """Records of a type (retired included)."""
        d = self.json(rtype, "list", "--json") or []
        return len(d)

    def types(self):
        return [t["name"] for t in self.json("types", "--json") or []]

    def fields(self, rtype):
        return self.json(rtype, "fields", "--json") or []

    def show(self, rid):
        rt = rtype_of(rid)
        return self.json(rt, "show", rid, "--json") if rt else None


DEMO_LINE = re.compile(r"^\s+(\S+)\s+(%s)\s+(P-\d+|-)\s+(\S+)(?:\s+until (\d{4}-\d\d-\d\d)\b.*)?$"
                       % "|".join(ROLES))


def demo_file(path="demo.isms"):
    """`isms demo` and its printed sign-ins (role -> Account); the account
    printed with an end date ("until DATE": the certification body's
    auditor, who reads and writes nothing) is f.external, not one of them."""
    path = ism_path(path)
    c = isms("demo", path)
    f = IsmsFile(path)
    for line in c.out.splitlines() + c.err.splitlines():
        m = DEMO_LINE.match(line)
        if m:
            name, role, person, pw, until = m.groups()
            acc = Account(name, role, None if person == "-" else person, pw)
            if until:
                acc.expires = until
                f.external = acc
            else:
                f.accounts[role] = acc
    check(set(f.accounts) == set(ROLES), "isms demo prints a sign-in for every role",
          lambda: "got %s\n%s" % (sorted(f.accounts), c.describe()))
    return f


def init_file(path="test.isms"):
    path = ism_path(path)
    isms("init", path)
    return IsmsFile(path)


# ---- record types -------------------------------------------------------------

_types_c = None


def declared_types():
    """From src/model/types.c: name -> {plural, prefix} (the binary does not
    print plurals)."""
    global _types_c
    if _types_c is None:
        _types_c = {}
        with open(os.path.join(SRC, "src", "model", "types.c"), encoding="utf-8") as fh:
            text = fh.read()
        for m in re.finditer(r'^TYPE\((\w+),\s*"([^"]+)",\s*"[^"]*",\s*"([^"]+)"', text, re.M):
            _types_c[m.group(1)] = {"plural": m.group(2), "prefix": m.group(3)}
    return _types_c


def plural(rtype):
    return declared_types()[rtype]["plural"]


def rtype_of(rid):
    if re.match(r"^(A\.)?\d+(\.\d+)+$", rid):
        return "control"
    prefix = rid.rsplit("-", 1)[0]
    for name, d in declared_types().items():
        if d["prefix"] == prefix:
            return name
    return None


def sample_value(f, refs, text="minimal"):
    """A valid value for a declared field (as the CLI and forms take it)."""
    t = f["type"]
    if t in ("enum", "set"):
        return f["values"][0]
    if t == "integer":
        return str(f.get("min", 1))
    if t == "number":
        return "12.5"
    if t == "date":
        return "2026-01-31"
    if t == "datetime":
        return "2026-01-31 10:00"
    if t == "boolean":
        return "yes"
    if t == "email":
        return "x@example.com"
    if t in ("reference", "references"):
        return refs(f["ref"])
    if t == "url":
        return "https://example.com/"
    return "%s %s" % (text, f["name"])


def minimal_record(f, rtype, owner=None, text=None, refs=None):
    """Values of a minimal valid record of rtype: the required fields, the
    owner, and the custom framework for controls. refs(type) gives an
    existing id of a referenced type (default: the first of the file)."""
    cache = {}

    def first(t):
        if t not in cache:
            lst = [r for r in (f.json(t, "list", "--json") or []) if not r.get("retired")]
            cache[t] = lst[0]["id"] if lst else None
        return cache[t]

    refs = refs or first
    vals = {}
    for fd in f.fields(rtype):
        if fd["system"]:
            continue
        if fd["name"] == "owner" and owner:
            vals["owner"] = owner
        elif rtype == "control" and fd["name"] == "framework":
            vals["framework"] = "custom"
        elif fd["required"]:
            vals[fd["name"]] = sample_value(fd, refs, text or "minimal %s" % rtype)
    return vals


# ---- the server ----------------------------------------------------------------

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """`isms serve FILE` (or `--dir DIR`) on a free loopback port."""

    def __init__(self, file=None, dir=None, threads=None, start=True, extra=None, args=None,
                 tls=None):
        self.file, self.dir, self.threads = file, dir, threads
        # server: TLS — tls is an ssl.SSLContext the probes and Clients use
        # (the server then runs with --tls-cert/--tls-key in extra)
        self.tls = tls
        self.extra = list(extra or []) + list(args or [])  # more `isms serve` options
        self.proc = None
        self.port = None
        self.stopped = False
        self.errfile = None
        if start:
            self.start()

    def start(self):
        for attempt in range(5):
            self.port = free_port()
            args = [ISMS, "serve"]
            args += ["--dir", self.dir] if self.dir else [self.file]
            args += ["--listen", "127.0.0.1:%d" % self.port]
            if self.threads:
                args += ["--threads", str(self.threads)]
            args += self.extra
            fd, self.errfile = tempfile.mkstemp(prefix="serve-", suffix=".err", dir=os.getcwd())
            env = dict(os.environ)
            env.pop("ISMS_FILE", None)
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=fd, stderr=fd,
                                         env=env)
            os.close(fd)
            self.stopped = False
            _servers.append(self)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    conn = self.connection(timeout=5)
                    conn.request("GET", "/healthz")
                    r = conn.getresponse()
                    body = r.read()
                    conn.close()
                    if r.status == 200 and b'"ok"' in body:
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            _servers.remove(self)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
                raise RuntimeError("the server did not answer /healthz within %ss:\n%s" %
                                   (START_TIMEOUT, self.stderr()))
            if "cannot listen" in self.stderr():
                continue  # the port was taken between free_port() and bind
            raise RuntimeError("the server exited with %s:\n%s" % (self.proc.returncode,
                                                                  self.stderr()))
        raise RuntimeError("no free port found")

    def connection(self, timeout=REQ_TIMEOUT, source_address=None):
        """An HTTP (or, with tls, HTTPS) connection to the server."""
        if self.tls is not None:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               source_address=source_address, context=self.tls)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=source_address)

    def stderr(self):
        try:
            with open(self.errfile, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, desc="server"):
        """SIGTERM; checks exit 0 within the bound and a clean stderr. Returns rc."""
        if self.stopped:
            return self.proc.returncode
        self.stopped = True
        if self in _servers:
            _servers.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            fail("%s did not stop within %ss of SIGTERM" % (desc, STOP_TIMEOUT), self.stderr()[-3000:])
            return None
        err = self.stderr()
        check(rc == 0, "%s exits 0 on SIGTERM (got %s)" % (desc, rc), err[-3000:])
        m = SANITIZER.search(err)
        check(not m, "%s: no sanitizer report on stderr" % desc,
              lambda: err[max(0, m.start() - 200):m.start() + 4000])
        return rc


# ---- HTTP -----------------------------------------------------------------------

class Response:
    def __init__(self, method, path, req_headers, req_body, status, reason, headers, body):
        self.method, self.path = method, path
        self.req_headers, self.req_body = req_headers, req_body
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def location(self):
        return self.header("Location")

    def describe(self):
        rb = self.req_body
        if isinstance(rb, bytes):
            rb = rb[:600].decode("utf-8", "replace") + ("..." if len(self.req_body) > 600 else "")
        lines = ["> %s %s" % (self.method, self.path)]
        for k, v in self.req_headers.items():
            if k.lower() == "cookie":
                v = re.sub(r"=([0-9a-f]{8})[0-9a-f]{56}", r"=\1...", v)
            lines.append("> %s: %s" % (k, v))
        if rb:
            lines.append("> " + str(rb))
        lines.append("< %s %s" % (self.status, self.reason))
        for k, v in self.headers:
            if k.lower() in ("location", "content-type", "set-cookie", "allow"):
                lines.append("< %s: %s" % (k, v))
        t = self.text
        lines.append("< " + (t[:1500] + ("..." if len(t) > 1500 else "")))
        return "\n".join(lines)


def raw_request(port, data, timeout=REQ_TIMEOUT):
    """Sends raw bytes, returns what came back (for malformed requests)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        s.close()


def parse_set_cookie(v):
    """'n=v; Path=/; HttpOnly' -> (name, value, {attr-lower: value-or-True})."""
    parts = [p.strip() for p in v.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, eq, val = p.partition("=")
        attrs[k.strip().lower()] = val.strip() if eq else True
    return name.strip(), value.strip(), attrs


class Client:
    """A browser-like client: a cookie jar, no automatic redirects (follow=True
    follows them, bounded). prefix: '/o/NAME' under serve --dir. source: the
    loopback address to connect from (e.g. '127.0.0.5'; default the
    system's choice), so that tests can appear as different clients."""

    def __init__(self, server, prefix="", timeout=REQ_TIMEOUT, source=None):
        self.server = server
        self.prefix = prefix
        self.jar = {}
        self.last = None
        self.timeout = timeout
        self.source = source

    def cookie_header(self):
        return "; ".join("%s=%s" % kv for kv in self.jar.items())

    def request(self, method, path, body=None, headers=None, form=None, json_body=None,
                follow=False, prefix=True):
        full = (self.prefix if prefix else "") + path
        hdrs = {}
        if self.jar:
            hdrs["Cookie"] = self.cookie_header()
        if form is not None:
            body = urllib.parse.urlencode(form).encode() if not isinstance(form, (bytes, str)) \
                else (form.encode() if isinstance(form, str) else form)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json_body if isinstance(json_body, bytes) else json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode()
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        conn = self.server.connection(timeout=self.timeout,
                                      source_address=(self.source, 0) if self.source else None)
        try:
            conn.request(method, full, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            resp = Response(method, full, hdrs, body, r.status, r.reason, r.getheaders(), data)
        finally:
            conn.close()
        for v in resp.headers_all("Set-Cookie"):
            name, value, attrs = parse_set_cookie(v)
            if value == "" or attrs.get("max-age") in ("0", "-1"):
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        self.last = resp
        hops = 0
        while follow and resp.status in (301, 302, 303, 307, 308) and hops < 10:
            loc = resp.location or "/"
            u = urllib.parse.urlsplit(loc)
            if u.netloc and u.netloc != "127.0.0.1:%d" % self.server.port:
                break  # never leave the test server
            target = u.path + ("?" + u.query if u.query else "")
            resp = self.request("GET", target, prefix=False)
            hops += 1
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form=None, **kw):
        return self.request("POST", path, form=form, **kw)

    def login_form(self):
        """GET /login: the pre-session cookie and the form's _csrf."""
        r = self.get("/login")
        return r, hidden_value(r.text, "_csrf")

    def login(self, name, password, next=None, follow=False):
        """Signs in like a browser. Returns the response to POST /login."""
        r, tok = self.login_form()
        form = {"_csrf": tok or "", "name": name, "password": password}
        if next is not None:
            form["next"] = next
        return self.post("/login", form, follow=follow)

    def login_as(self, acc):
        r = self.login(acc.name, acc.password)
        if not check(r.status == 303 and self.session() is not None,
                     "sign-in as %s (%s) works" % (acc.name, acc.role), r.describe):
            raise RuntimeError("cannot sign in as %s" % acc.name)
        return r

    def session_cookie_name(self):
        slug = self.prefix[3:] if self.prefix.startswith("/o/") else ""
        return "__Host-isms" + ("-" + slug if slug else "")

    def session(self):
        return self.jar.get(self.session_cookie_name())

    def csrf(self, path="/"):
        """The session's CSRF token, from the hidden _csrf of a page (any page
        of a signed-in account carries the sign-out form)."""
        for p in (path, "/", "/no-such-page"):
            r = self.get(p)
            tok = hidden_value(r.text, "_csrf")
            if tok:
                return tok
        return None

    def logout(self):
        return self.post("/logout", {"_csrf": self.csrf() or ""})


class Api:
    """A JSON API client with a bearer token (no cookies)."""

    def __init__(self, server, token, prefix="", timeout=REQ_TIMEOUT):
        self.server, self.token, self.prefix = server, token, prefix
        self.c = Client(server, prefix, timeout)

    def request(self, method, path, body=None, headers=None):
        h = {"Authorization": "Bearer " + self.token} if self.token else {}
        h.update(headers or {})
        if body is None:
            return self.c.request(method, path, headers=h)
        return self.c.request(method, path, json_body=body, headers=h)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, {} if body is None else body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, {} if body is None else body, **kw)


def json_value(fd, refs, text="api"):
    """A valid JSON value for a declared field (the API's types)."""
    v = sample_value(fd, refs, text)
    t = fd["type"]
    if t == "integer":
        return int(v)
    if t == "number":
        return float(v)
    if t == "boolean":
        return True
    if t in ("set", "references"):
        return [v]
    return v


class Refs:
    """An existing active id of a type, through the API (the CLI is not used
    while the server runs)."""

    def __init__(self, api):
        self.api, self.cache = api, {}

    def __call__(self, t):
        if t not in self.cache:
            r = self.api.get("/api/v1/%s?limit=5" % plural(t))
            items = api_items(r.json(), plural(t)) or []
            ids = [x["id"] for x in items if not x.get("retired")]
            self.cache[t] = ids[0] if ids else None
        return self.cache[t]


def api_items(d, plural_name=None):
    """The records of an API list answer, whatever the envelope: a bare array,
    or an object with one array (items/data/records/PLURAL)."""
    if isinstance(d, list):
        return d
    if isinstance(d, dict):
        for k in ("items", "data", "records", "results", plural_name):
            if k and isinstance(d.get(k), list):
                return d[k]
        arrays = [v for v in d.values() if isinstance(v, list)]
        if len(arrays) == 1:
            return arrays[0]
    return None


def api_all(api, plural_name, query=""):
    """Every record of an API list (following the cursor), as the caller sees it."""
    out, cursor = [], None
    for _ in range(50):
        r = api.get("/api/v1/%s?limit=500%s%s" % (plural_name, query,
                                                  "&cursor=" + cursor if cursor else ""))
        if r.status != 200:
            fail("GET /api/v1/%s%s: %d" % (plural_name, query, r.status), r.describe())
            return []
        d = r.json()
        out += api_items(d, plural_name) or []
        cursor = api_cursor(d)
        if not cursor:
            break
    return out


def as_account(f, acc, *args):
    """A CLI command run as acc (--as, its password on stdin, as for a login)."""
    return f.cli(*(list(args) + ["--as", acc.name]), input=acc.password + "\n", ok=False)


def api_cursor(d):
    """The next-page cursor of an API list answer, or None."""
    if not isinstance(d, dict):
        return None
    for k in ("next_cursor", "next", "cursor"):
        v = d.get(k)
        if isinstance(v, str) and v:
            return v
    for k in ("page", "paging", "meta", "links"):
        if isinstance(d.get(k), dict):
            v = api_cursor(d[k])
            if v:
                return v
    return None


# ---- HTML ---------------------------------------------------------------------------

class Forms(HTMLParser):
    """Every form of a page: action, method, its controls (inputs), fields
    (name -> value: the first successful value; None for an unchecked box or
    an unselected select) and pairs (what a browser would submit, in order:
    checked boxes, every selected option of a multiple select, textareas)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.cur = None
        self.select = None     # the open <select>: {"name", "multiple", "options", ...}
        self.option = None     # the open <option>: [value-or-None, text, selected]
        self.textarea = None   # the open <textarea>: [name, text]

    def handle_starttag(self, tag, attrs):
        a = {k: ("" if v is None else v) for k, v in attrs}
        if tag == "form":
            self.cur = {"action": a.get("action", ""), "method": (a.get("method") or "get").lower(),
                        "attrs": a, "inputs": [], "controls": []}
            self.forms.append(self.cur)
        elif self.cur is None:
            return
        elif tag == "input":
            self.cur["inputs"].append(a)
            self.cur["controls"].append(("input", a))
        elif tag == "select":
            self.select = {"name": a.get("name"), "multiple": "multiple" in a, "options": [],
                           "attrs": a}
            self.cur["inputs"].append(dict(a, type="select"))
            self.cur["controls"].append(("select", self.select))
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "", "selected" in a]
            self.select["options"].append(self.option)
        elif tag == "textarea":
            self.textarea = [a.get("name"), ""]
            self.cur["inputs"].append(dict(a, type="textarea"))
            self.cur["controls"].append(("textarea", self.textarea))

    def handle_endtag(self, tag):
        if tag == "form":
            self.cur = None
        elif tag == "select":
            self.select = None
            self.option = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[1] += data

    def close(self):
        super().close()
        for f in self.forms:
            pairs, fields = [], {}
            for kind, c in f["controls"]:
                if kind == "input":
                    n, typ = c.get("name"), (c.get("type") or "text").lower()
                    if not n or typ in ("submit", "button", "image", "reset", "file"):
                        continue
                    if typ in ("checkbox", "radio"):
                        if "checked" in c:
                            pairs.append((n, c.get("value", "on")))
                        else:
                            fields.setdefault(n, None)
                        continue
                    pairs.append((n, c.get("value", "")))
                elif kind == "select":
                    n = c["name"]
                    if not n:
                        continue
                    opts = [(o[0] if o[0] is not None else o[1].strip(), o[2]) for o in c["options"]]
                    chosen = [v for v, sel in opts if sel]
                    if not chosen and not c["multiple"] and opts:
                        chosen = [opts[0][0]]
                    if not chosen:
                        fields.setdefault(n, None)
                    pairs.extend((n, v) for v in chosen)
                    c["values"] = [v for v, _ in opts]
                else:
                    if c[0]:
                        text = c[1][1:] if c[1].startswith("\n") else c[1]
                        pairs.append((c[0], text))
            for n, v in pairs:
                if fields.get(n) in (None, ""):
                    fields[n] = v
            f["pairs"], f["fields"] = pairs, fields

    def error(self, message):
        pass


def forms(html):
    p = Forms()
    try:
        p.feed(html)
        p.close()
    except Exception:
        pass
    return p.forms


def hidden_value(html, name):
    for f in forms(html):
        for a in f["inputs"]:
            if a.get("name") == name and (a.get("type") or "").lower() == "hidden":
                return a.get("value")
    m = re.search(r'name="%s"\s+value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else None


def select_options(form, name):
    """The option values of a <select> of a parsed form."""
    for kind, c in form["controls"]:
        if kind == "select" and c["name"] == name:
            return c.get("values", [])
    return []


def form_set(pairs, name, values):
    """pairs with every value of name replaced by values (a str or a list)."""
    values = [values] if isinstance(values, str) else list(values)
    out, done = [], False
    for n, v in pairs:
        if n == name:
            if not done:
                out.extend((name, x) for x in values)
                done = True
            continue
        out.append((n, v))
    if not done:
        out.extend((name, x) for x in values)
    return out


def find_form(html, action_suffix=None, method="post"):
    for f in forms(html):
        if f["method"] == method and (action_suffix is None or
                                      f["action"].split("?")[0].endswith(action_suffix)):
            return f
    return None


# ---- TOTP (RFC 6238) ---------------------------------------------------------------

def totp_code(secret_b32, at=None, step=30, digits=6):
    s = secret_b32.upper().replace(" ", "")
    s += "=" * (-len(s) % 8)
    key = base64.b32decode(s)
    counter = int((time.time() if at is None else at) // step)
    h = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = h[-1] & 0x0F
    v = (struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return "%0*d" % (digits, v)


def totp_secret(uri):
    m = re.search(r"otpauth://totp/\S*[?&]secret=([A-Z2-7=]+)", uri)
    return m.group(1) if m else None


# ---- servers with more arguments (t_lockout.py) --------------------------------------

class ServerWith(Server):
    """`isms serve` with extra arguments after the usual ones (extra, e.g.
    ["--trusted-proxy", "127.0.0.70"]) and/or run through a command prefix
    (wrap, e.g. setpriv to run as another user): a small script stands in
    for the binary while start() runs."""

    def __init__(self, file=None, extra=(), wrap=(), **kw):
        # not self.extra: Server.__init__ sets that to its own extra options
        self.with_extra, self.wrap = list(extra), list(wrap)
        super().__init__(file, **kw)

    def start(self):
        global ISMS
        real = ISMS
        fd, script = tempfile.mkstemp(prefix="serve-with-", suffix=".sh", dir=os.getcwd())
        with os.fdopen(fd, "w") as fh:
            fh.write("#!/bin/sh\nexec %s \"$@\" %s\n" % (
                " ".join(_shq(a) for a in self.wrap + [real]),
                " ".join(_shq(a) for a in self.with_extra)))
        os.chmod(script, 0o755)
        ISMS = script
        try:
            return super().start()
        finally:
            ISMS = real


def _shq(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


def form_post_fast(client, name, password, token):
    """POST /login with a _csrf already in hand; returns (response, the next
    form's _csrf), so that many attempts need no GET /login each."""
    r = client.post("/login", {"_csrf": token or "", "name": name, "password": password})
    return r, hidden_value(r.text, "_csrf")


def nat_cmp(a, b):
    """The documented text order of listings, written out independently of
    the C (natcasecmp_n, natkey): runs of digits by value, ASCII letters
    folded, then the bytes."""
    x, y = a.encode(), b.encode()
    i = j = 0
    dig = lambda c: 48 <= c <= 57
    low = lambda c: c + 32 if 65 <= c <= 90 else c
    while i < len(x) and j < len(y):
        if dig(x[i]) and dig(y[j]):
            while i < len(x) and x[i] == 48:
                i += 1
            while j < len(y) and y[j] == 48:
                j += 1
            ei, ej = i, j
            while ei < len(x) and dig(x[ei]):
                ei += 1
            while ej < len(y) and dig(y[ej]):
                ej += 1
            if ei - i != ej - j:
                return -1 if ei - i < ej - j else 1
            if x[i:ei] != y[j:ej]:
                return -1 if x[i:ei] < y[j:ej] else 1
            i, j = ei, ej
            continue
        if low(x[i]) != low(y[j]):
            return -1 if low(x[i]) < low(y[j]) else 1
        i += 1
        j += 1
    if (i < len(x)) != (j < len(y)):
        return 1 if i < len(x) else -1
    return (x > y) - (x < y)


__all__ = [n for n in dir() if not n.startswith("_")]
