"""t_calendar.py — the calendar feed (/cal/SECRET.ics, src/app/ical.c): made
with `isms calendar url` and on the /calendar page, read by a real parser
(Debian's python3-icalendar): one all-day event per task of `isms tasks
--json --as ACCOUNT`, same dates, titles and links, stable unique UIDs;
TEXT escaped (commas, semicolons, backslashes, newlines) and every line
folded at 75 octets; a staff member's feed holds only the tasks he sees; a
revoked, replaced or unknown secret answers 404."""
import datetime
import subprocess

from harness import *

SYS_PY = "/usr/bin/python3"


def parse(text):
    path = os.path.join(os.getcwd(), "feed.ics")
    with open(path, "wb") as fh:
        fh.write(text)
    p = subprocess.run([SYS_PY, os.path.join(HERE, "ical_read.py"), path], capture_output=True,
                       text=True, timeout=CMD_TIMEOUT)
    check(p.returncode == 0, "python3-icalendar parses the feed", p.stderr[-2000:])
    return json.loads(p.stdout) if p.returncode == 0 else {"events": []}


def tasks_as(f, acc):
    c = f.cli("tasks", "--json", "--as", acc.name, input=acc.password + "\n")
    return json.loads(c.out)["tasks"] if c.rc == 0 else []


def feed_path(url):
    return urllib.parse.urlsplit(url.strip()).path


def main():
    f = demo_file("cal.isms")
    mgr, staff = f.accounts["manager"], f.accounts["staff"]
    # a task whose title needs every TEXT escape and is long enough to fold
    tricky = "Ünïcødé, Zeiß; Back\\slash Ltd — a supplier with a very long name that folds"
    sup = f.add("supplier", name=tricky, owner=mgr.person, criticality="high", status="active")
    f.add("sassessment", supplier=sup, assessed_on="2019-01-01", assessor=mgr.person,
          result="satisfactory", status="final")
    srv = Server(f.path, threads=2)
    c = Client(srv)

    # ---- made on the command line, read as the manager ----------------------
    made = f.cli("calendar", "url", "--as", mgr.name, input=mgr.password + "\n")
    check(made.rc == 0 and re.match(r"^/cal/[A-Za-z0-9_-]{43}\.ics$", made.out.strip()),
          "isms calendar url --as prints /cal/SECRET.ics once", made.describe())
    mpath = feed_path(made.out)
    r = c.get(mpath)
    check_status(r, 200, "the manager's feed")
    check((r.header("Content-Type") or "").startswith("text/calendar"), "served as text/calendar",
          r.header("Content-Type"))
    raw = r.body
    lines = raw.split(b"\r\n")
    check(raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""),
          "every line ends in CRLF")
    check(all(len(l) <= 75 for l in lines), "no line longer than 75 octets",
          [l for l in lines if len(l) > 75][:3])
    check(any(l.startswith(b" ") for l in lines), "long lines are folded (continuation lines)")
    for l in lines:
        try:
            l.decode("utf-8")
        except UnicodeDecodeError:
            fail("a fold split a UTF-8 sequence", l)
            break
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    check("SUMMARY:Review supplier Ünïcødé\\, Zeiß\\; Back\\\\slash Ltd" in unfolded or
          "Ünïcødé\\, Zeiß\\; Back\\\\slash" in unfolded,
          "commas, semicolons and backslashes escaped in SUMMARY", unfolded[:3000])
    check("DESCRIPTION:" in unfolded and "\\n" in unfolded, "newlines in DESCRIPTION are \\n")
    cal = parse(raw)
    ev = cal["events"]
    want = tasks_as(f, mgr)
    check(len(ev) == len(want) and len(want) > 0,
          "one event per task of `isms tasks --json --as %s` (%d)" % (mgr.name, len(want)),
          (len(ev), len(want)))
    check(all(e["start_is_date"] for e in ev), "every event is all-day (DTSTART;VALUE=DATE)")
    got = sorted((e["start"], e["summary"]) for e in ev)
    exp = sorted((t["due"], t["title"]) for t in want)
    check(got == exp, "dates and titles equal the task list's", (got[:3], exp[:3]))
    check(any(e["summary"].startswith("Review supplier " + tricky) or tricky in e["summary"]
              for e in ev), "the tricky title reads back exactly through the parser",
          [e["summary"] for e in ev if "Zei" in e["summary"]])
    check(all(e["end"] == (datetime.date.fromisoformat(e["start"]) +
                           datetime.timedelta(days=1)).isoformat() for e in ev),
          "each event ends the next day")
    links = sorted(t["link"] for t in want if t["link"])
    base = "http://127.0.0.1:%d" % srv.port
    check(sorted(e["url"][len(base):] for e in ev if e["url"] and e["url"].startswith(base)) == links,
          "URLs are the tasks' pages on this server")
    uids = [e["uid"] for e in ev]
    check(len(set(uids)) == len(uids) and all(re.match(r"^[0-9a-f]{32}@", u) for u in uids),
          "UIDs unique, HASH@host", uids[:3])
    again = parse(c.get(mpath).body)
    check(sorted(e["uid"] for e in again["events"]) == sorted(uids), "UIDs stable across fetches")

    # ---- a staff member's feed: only what he sees ------------------------------
    made = f.cli("calendar", "url", "--account", staff.name)
    spath = feed_path(made.out)
    r = c.get(spath)
    check_status(r, 200, "the staff member's feed (made by the file's owner with --account)")
    sev = parse(r.body)["events"]
    swant = tasks_as(f, staff)
    check(sorted((e["start"], e["summary"]) for e in sev) ==
          sorted((t["due"], t["title"]) for t in swant),
          "the staff feed equals `isms tasks --json --as %s` (%d)" % (staff.name, len(swant)),
          (len(sev), len(swant)))
    check(len(sev) < len(ev) and not any(tricky in e["summary"] for e in sev),
          "the staff feed lacks the tasks only the manager sees (the supplier review)",
          (len(sev), len(ev)))
    mine = parse(c.get(mpath + "?mine=1").body)["events"]
    check(len(mine) == len([t for t in want if t["owner"] == mgr.person]),
          "?mine=1: only the account's person's tasks")

    # ---- refusals: revoked, replaced, unknown ------------------------------------
    check(f.cli("calendar", "url", "--account", staff.name, ok=False).rc == 5,
          "a second url without --new is refused (the first stays)")
    r2 = f.cli("calendar", "url", "--new", "--account", staff.name)
    new = feed_path(r2.out)
    check_status(c.get(spath), 404, "the replaced address answers 404")
    check_status(c.get(new), 200, "the new one works")
    f.cli("calendar", "revoke", "--account", staff.name)
    check_status(c.get(new), 404, "a revoked address answers 404")
    check_status(c.get("/cal/" + "A" * 43 + ".ics"), 404, "an unknown secret: 404")
    check_status(c.get("/cal/short.ics"), 404, "a malformed secret: 404")
    check_status(c.get(mpath[:-4]), 404, "without .ics: 404")
    check(f.cli("calendar", "revoke", "--account", staff.name, ok=False).rc == 4,
          "revoking a feed that is gone: not found")
    aud = f.accounts["auditor"]
    apath = feed_path(f.cli("calendar", "url", "--account", aud.name).out)
    check_status(c.get(apath), 200, "the auditor's feed")
    f.cli("user", "edit", aud.name, "--disabled", "yes")
    check_status(c.get(apath), 404, "a disabled account's feed answers 404")

    # ---- on the account's page --------------------------------------------------
    c2 = Client(srv)
    c2.login_as(staff)
    r = c2.get("/calendar")
    check_status(r, 200, "GET /calendar")
    check("no calendar feed" in r.text, "the page says there is none", r.text[-1500:])
    r = c2.post("/calendar", {"_csrf": c2.csrf("/calendar")})
    check_status(r, 200, "POST /calendar makes an address")
    m = re.search(r'value="(http://[^"]+/cal/[A-Za-z0-9_-]{43}\.ics)"', r.text)
    check(m is not None, "the page shows the address once", r.text[-2000:])
    if m:
        p = feed_path(m.group(1))
        check_status(c.get(p), 200, "the page's address serves the feed")
        check("shown when it was made" in c2.get("/calendar").text, "and does not show it again")
        r = c2.post("/calendar/revoke", {"_csrf": c2.csrf("/calendar")})
        check_status(r, 200, "POST /calendar/revoke")
        check_status(c.get(p), 404, "revoked on the page: 404")
    r = c2.post("/calendar", {"_csrf": "forged"})
    check_status(r, 403, "no feed without the form's CSRF token")
    log = srv.stderr()
    secret = mpath[len("/cal/"):-len(".ics")]
    check(secret not in log and "/cal/(secret)" in log,
          "the access log names the feed without its secret", log[-1500:])


run(main)
