"""t_privdrop.py — least privilege in `isms serve` (needs root: the suite runs
as root here). Started as root the server refuses to run without --user;
with --user nobody it binds, becomes nobody (every thread: uid, gid, no
supplementary groups), sets no_new_privs, loads a seccomp filter and a
landlock filesystem allowance, says so in its log, and still serves and
writes. The landlock allowance is shown by what the server legitimately
does: an organization file that is a symlink to a file outside the
directory — one that nobody may open by file permissions, as sqlite3 run as
nobody proves — cannot be opened by the server."""
import pwd

from harness import *


def status_fields(pid):
    out = {}
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def as_nobody(*cmd):
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] +
                          list(cmd), capture_output=True, text=True, timeout=60)


def main():
    if os.geteuid() != 0:
        note("not root: the privilege drop cannot be tested (run the suite as root)")
        check(True, "skipped")
        return
    nobody = pwd.getpwnam("nobody")
    os.environ.pop("ISMS_ALLOW_ROOT", None)  # this test is about refusing root
    base = tempfile.mkdtemp(prefix="isms-privdrop-", dir="/tmp")
    outside = tempfile.mkdtemp(prefix="isms-privdrop-", dir="/var/lib")
    try:
        run_checks(base, outside, nobody)
    finally:
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(outside, ignore_errors=True)


def run_checks(base, outside, nobody):
    os.chmod(base, 0o755)
    orgs = os.path.join(base, "orgs")
    os.mkdir(orgs)
    f = demo_file(os.path.join(orgs, "acme.isms"))
    tok = f.token(f.accounts["manager"].name, "privdrop")
    port = free_port()
    listen = ["--listen", "127.0.0.1:%d" % port]

    # ---- refusals, before anything is served
    r = isms("serve", "--dir", orgs, *listen, ok=False)
    check(r.rc != 0 and "refusing to serve as root" in r.err and "--user" in r.err,
          "root without --user is refused, naming --user", r.describe())
    r = isms("serve", "--dir", orgs, *listen, "--user", "no-such-account-zq", ok=False)
    check(r.rc != 0 and "no-such-account-zq" in r.err and "no such account" in r.err,
          "--user with an unknown account is refused", r.describe())
    r = isms("serve", "--dir", orgs, *listen, "--user", "root", ok=False)
    check(r.rc != 0 and "uid or gid 0" in r.err, "--user root is refused", r.describe())
    p = as_nobody(ISMS, "serve", "--dir", orgs, *listen, "--user", "nobody")
    check(p.returncode != 0 and "only when started as root" in p.stderr,
          "--user when not root is refused", p.stderr)
    r = isms("serve", "--dir", orgs, *listen, "--user", "nobody", ok=False)
    check(r.rc != 0 and "is not writable" in r.err and "chown" in r.err,
          "files nobody cannot write: refused at start, saying what to chown", r.describe())
    for dirpath, dirs, files in os.walk(orgs):
        os.chown(dirpath, nobody.pw_uid, nobody.pw_gid)
        for n in files:
            os.chown(os.path.join(dirpath, n), nobody.pw_uid, nobody.pw_gid)

    # ---- serving as nobody
    srv = Server(dir=orgs, extra=["--user", "nobody"])
    log = srv.stderr()
    check(re.search(r"running as nobody \(uid 65534, gid 65534\); confinement: no_new_privs, "
                    r"landlock ABI \d+ \(%s rw, [^)]*system read-only\), seccomp \(\d+ system "
                    r"calls denied\)" % re.escape(os.path.realpath(orgs)), log),
          "the log says who the server runs as and which confinement is active", log)
    st = status_fields(srv.proc.pid)
    check_eq(st.get("Uid"), ["65534"] * 4, "/proc: Uid real, effective, saved, fs are nobody")
    check_eq(st.get("Gid"), ["65534"] * 4, "/proc: Gid real, effective, saved, fs are nogroup")
    check_eq(st.get("Groups"), ["65534"], "/proc: no supplementary group but nogroup")
    check_eq(st.get("NoNewPrivs"), ["1"], "/proc: NoNewPrivs 1")
    check_eq(st.get("Seccomp"), ["2"], "/proc: Seccomp 2 (a filter)")
    check_eq(st.get("CapEff"), ["0000000000000000"], "/proc: no effective capability")
    check_eq(st.get("CapPrm"), ["0000000000000000"], "/proc: no permitted capability")
    tasks = os.listdir("/proc/%d/task" % srv.proc.pid)
    check(len(tasks) >= 3, "the server has its worker threads", tasks)
    bad = []
    for t in tasks:
        try:
            with open("/proc/%d/task/%s/status" % (srv.proc.pid, t)) as fh:
                ts = {l.partition(":")[0]: l.partition(":")[2].split() for l in fh}
        except OSError:
            continue
        if ts.get("Uid") != ["65534"] * 4 or ts.get("NoNewPrivs") != ["1"] or \
                ts.get("Seccomp") != ["2"]:
            bad.append((t, ts.get("Uid"), ts.get("NoNewPrivs"), ts.get("Seccomp")))
    check(not bad, "every thread is nobody, with no_new_privs and the seccomp filter", bad)

    c = Client(srv, "/o/acme")
    c.login_as(f.accounts["manager"])
    check_status(c.get("/risks"), 200, "nobody's server serves a signed-in page")
    api = Api(srv, tok, "/o/acme")
    r = api.post("/api/v1/assets", {"name": "privdrop asset zq", "kind": "hardware",
                                    "owner": f.accounts["manager"].person})
    check(r.status in (200, 201), "nobody's server writes (an asset added over the API)",
          r.describe)
    check("privdrop asset zq" in sql(f.path, "SELECT * FROM asset"),
          "... and the asset is in the file")
    srv.stop("the server run as nobody")

    # ---- the landlock allowance: a file outside the directory
    os.chmod(outside, 0o777)
    target = os.path.join(outside, "evil.isms")
    isms("init", target)
    os.chmod(target, 0o666)
    evil = os.path.join(base, "evil")
    os.mkdir(evil)
    os.symlink(target, os.path.join(evil, "evil.isms"))
    os.chown(evil, nobody.pw_uid, nobody.pw_gid)
    p = as_nobody("sqlite3", os.path.join(evil, "evil.isms"), "SELECT count(*) > 0 FROM sqlite_master")
    check(p.returncode == 0 and p.stdout.strip() == "1",
          "control: nobody may open the outside file by its permissions (sqlite3 as nobody)",
          p.stdout + p.stderr)
    r = isms("serve", "--dir", evil, "--listen", "127.0.0.1:%d" % free_port(), "--user",
             "nobody", ok=False)
    check(r.rc != 0 and "evil.isms" in r.err and "cannot open" in r.err
          and "landlock ABI" in r.err,
          "the confined server cannot open an organization file outside its directory",
          r.describe())

    # ---- not root: no --user, still confined
    p = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ISMS,
                          "serve", "--dir", orgs, "--listen", "127.0.0.1:%d" % free_port()],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    lines = []
    while time.monotonic() < deadline:
        lines.append(p.stderr.readline())
        if "isms: serving" in lines[-1] or not lines[-1]:
            break
    check(any("running as uid 65534; confinement: no_new_privs, landlock" in l for l in lines),
          "started as nobody: confined all the same", lines)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    check(p.returncode == 0, "... and it stops cleanly on SIGTERM", p.returncode)


run(main)
