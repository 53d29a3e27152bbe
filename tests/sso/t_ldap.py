"""t_ldap.py — LDAP sign-in end to end: Debian's slapd on loopback, started
here as this user in the test's directory (slapd.conf, a directory made by
slapadd, a self-signed certificate made with openssl for StartTLS, binds
only over TLS), and the real isms server. A service bind finds the user, a
group search gives the groups that map to roles; then the DN template
without a service account. Refused: a wrong password, a disabled account,
an empty password (never an anonymous bind), LDAP injection in the name
(RFC 4515), a DN injection, StartTLS off against a server that needs TLS,
a certificate that is not trusted. Every refusal is in the security log."""

import socket
import subprocess

from sso_lib import *  # noqa: F401,F403

BASE = "dc=example,dc=org"
SVC_PW = "service-password-123"


def ssha(pw):
    return subprocess.run(["slappasswd", "-h", "{SSHA}", "-s", pw], capture_output=True,
                          text=True, check=True).stdout.strip()


def start_slapd(d):
    os.makedirs(os.path.join(d, "db"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", os.path.join(d, "key.pem"), "-out", os.path.join(d, "cert.pem")],
                   capture_output=True, check=True)
    # a second certificate nobody told isms to trust
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=other", "-keyout", os.path.join(d, "other-key.pem"),
                    "-out", os.path.join(d, "other.pem")], capture_output=True, check=True)
    conf = """include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {d}/slapd.pid
argsfile {d}/slapd.args
TLSCertificateFile {d}/cert.pem
TLSCertificateKeyFile {d}/key.pem
# a simple bind only over TLS: StartTLS must really be in use
security simple_bind=128
database mdb
maxsize 10485760
suffix "{base}"
rootdn "cn=admin,{base}"
rootpw {root}
directory {d}/db
access to attrs=userPassword by self =xw by anonymous auth by * none
access to * by users read by * none
""".format(d=d, base=BASE, root=ssha("root-secret-1"))
    with open(os.path.join(d, "slapd.conf"), "w") as f:
        f.write(conf)
    people = [("alice", "alice-pw-1", "alice@example.org", None),
              ("bob", "bob-pw-1", "bob@example.org", "disabled"),
              ("carol", "carol-pw-1", "carol@example.org", None),
              ("dave", "dave-pw-1", "dave@example.org", None)]
    ldif = ["dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n" % BASE,
            "dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n" % BASE,
            "dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n" % BASE,
            "dn: cn=isms-svc,%s\nobjectClass: person\nobjectClass: simpleSecurityObject\ncn: isms-svc\nsn: svc\nuserPassword: %s\n" % (BASE, ssha(SVC_PW))]
    for uid, pw, mail, etype in people:
        e = ("dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\n"
             "mail: %s\nuserPassword: %s\n" % (uid, BASE, uid, uid, uid, mail, ssha(pw)))
        if etype:
            e += "employeeType: %s\n" % etype
        if uid == "dave":
            e += "departmentNumber: isms-managers\n"  # groups from an attribute (as memberOf)
        ldif.append(e)
    groups = {"isms-managers": ["alice", "bob"], "isms-staff": ["carol"], "others": ["dave"]}
    for g, members in groups.items():
        ldif.append("dn: cn=%s,ou=groups,%s\nobjectClass: groupOfNames\ncn: %s\n%s" % (
            g, BASE, g, "".join("member: uid=%s,ou=people,%s\n" % (m, BASE) for m in members)))
    with open(os.path.join(d, "data.ldif"), "w") as f:
        f.write("\n".join(ldif))
    subprocess.run(["slapadd", "-f", os.path.join(d, "slapd.conf"), "-l",
                    os.path.join(d, "data.ldif")], capture_output=True, check=True)
    port = free_port()
    err = open(os.path.join(d, "slapd.err"), "wb")
    p = subprocess.Popen(["slapd", "-h", "ldap://127.0.0.1:%d/" % port, "-f",
                          os.path.join(d, "slapd.conf"), "-d", "0"],
                         stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    import sso_lib
    sso_lib._procs.append(p)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return p, port
        except OSError:
            if p.poll() is not None:
                break
            time.sleep(0.1)
    raise RuntimeError("slapd did not start: %s" % open(os.path.join(d, "slapd.err")).read())


def ldap_login(c, name, password, next_path="/"):
    r, tok = c.login_form()
    return c.post("/login/ldap", {"_csrf": tok or "", "name": name, "password": password,
                                  "next": next_path})


def user_role(f, name):
    for line in f.cli("user", "list").out.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return parts[1]
    return None


def refused(r, status, words, desc):
    ok = r is not None and r.status == status and words.lower() in r.text.lower()
    check(ok, desc, lambda: r.describe() if r is not None else "no response")


def main():
    d = os.path.abspath("ldap")
    os.makedirs(d)
    slapd, port = start_slapd(d)
    url = "ldap://127.0.0.1:%d" % port
    f = init_file()
    srv = Server(f.path)

    c = f.cli("sso", "ldap", "set", "--url", "ldap://ldap.example.com", "--base", BASE,
              "--starttls", "off", ok=False)
    check(c.rc == 3 and "in clear" in c.err, "StartTLS off to another host is refused", c.describe)
    c = f.cli("sso", "ldap", "set", "--url", url, "--base", BASE, "--user-filter", "(uid=x)",
              ok=False)
    check(c.rc == 3 and "{user}" in c.err, "a user filter without {user} is refused", c.describe)
    c = f.cli("sso", "ldap", "set", "--url", url, "--base", BASE, "--bind-dn",
              "cn=isms-svc," + BASE, ok=False)
    check(c.rc == 3 and "bind-password" in c.err, "a service account needs its password", c.describe)
    f.cli("sso", "ldap", "set", "--url", url, "--base", "ou=people," + BASE,
          "--user-filter", "(&(objectClass=inetOrgPerson)(uid={user}))",
          "--bind-dn", "cn=isms-svc," + BASE, "--bind-password-stdin",
          "--starttls", "required", "--ca-file", os.path.join(d, "cert.pem"),
          "--group-base", "ou=groups," + BASE, "--group-filter", "(member={dn})",
          "--disabled-filter", "(employeeType=disabled)",
          "--map", "isms-managers=manager", "--map", "isms-staff=staff", "--jit", "on",
          input=SVC_PW + "\n")
    check(SVC_PW not in f.cli("sso", "show").out, "sso show never prints the bind password", "")

    r = Client(srv).get("/login")
    check(r.status == 200 and "Sign in with the directory" in r.text, "the login page has the directory form",
          r.describe)

    ca = Client(srv)
    r = ldap_login(ca, "alice", "alice-pw-1", "/risks")
    check(r.status == 303 and r.location.endswith("/risks") and ca.session(),
          "alice signs in with her directory password (StartTLS, service bind, group search)",
          r.describe)
    check_eq(user_role(f, "alice"), "manager", "alice's account made just in time, role from isms-managers")
    check(ca.get("/").status == 200, "alice's session works", "")
    check(seclog(f.path, "login", "ldap") == 1, "the sign-in is in the security log", "")

    r = ldap_login(Client(srv), "alice", "wrong-password")
    refused(r, 401, "wrong name or password", "a wrong password is refused")
    check(seclog(f.path, "sso-failed", "refused the password") >= 1, "... logged with the cause", "")

    r = ldap_login(Client(srv), "bob", "bob-pw-1")
    refused(r, 401, "disabled", "a disabled directory account is refused")
    check(user_role(f, "bob") is None, "... and no account is made", "")
    check(seclog(f.path, "sso-failed", "disabled") >= 1, "... logged", "")

    cz = Client(srv)
    r = ldap_login(cz, "alice", "")
    refused(r, 401, "password: empty", "an empty password is refused (never an anonymous bind)")
    check(cz.session() is None, "... and no session", "")
    check(seclog(f.path, "sso-failed", "empty password") >= 1, "... logged", "")

    for evil in ("*)(uid=*", "al*", "*", "alice)(|(uid=*", "ali\\2a", "alice\\"):
        ce = Client(srv)
        r = ldap_login(ce, evil, "alice-pw-1")
        check(r.status == 401 and ce.session() is None,
              "LDAP injection %r with alice's password is refused" % evil, r.describe)
    check(seclog(f.path, "sso-failed", "no directory entry") >= 4,
          "the injected names matched no entry (escaped, RFC 4515)", "")

    r = ldap_login(Client(srv), "dave", "dave-pw-1")
    refused(r, 401, "none of your groups is mapped", "dave, in no mapped group, is refused")

    cn = Client(srv)
    r = cn.post("/login/ldap", {"name": "alice", "password": "alice-pw-1"})
    check(r.status == 403 and cn.session() is None, "without the login page's CSRF token: refused",
          r.describe)
    r = ldap_login(Client(srv), "a" * 5000, "alice-pw-1")
    check(r.status == 401 and srv.alive(), "a 5000-character name is refused", r.describe)

    r = ldap_login(Client(srv), "nobody", "whatever-pw")
    refused(r, 401, "wrong name or password", "an unknown name gets the answer of a wrong password")

    # the DN template, no service account: bind as the user straight away
    f.cli("sso", "ldap", "set", "--bind-dn", "", "--base", "", "--dn-template",
          "uid={user},ou=people," + BASE)
    cc = Client(srv)
    r = ldap_login(cc, "carol", "carol-pw-1")
    check(r.status == 303 and cc.session(), "carol signs in through the DN template", r.describe)
    check_eq(user_role(f, "carol"), "staff", "carol is staff (isms-staff)")
    r = ldap_login(Client(srv), "carol,ou=people", "carol-pw-1")
    check(r.status == 401, "a DN injection (a comma in the name) is refused", r.describe)

    # groups from an attribute of the entry (memberOf on AD and with the overlay)
    f.cli("sso", "ldap", "set", "--group-base", "", "--group-attr", "departmentNumber")
    cv = Client(srv)
    r = ldap_login(cv, "dave", "dave-pw-1")
    check(r.status == 303 and cv.session() and user_role(f, "dave") == "manager",
          "dave's groups from his entry's attribute: manager", r.describe)
    f.cli("sso", "ldap", "set", "--group-base", "ou=groups," + BASE, "--group-attr", "memberOf")

    # the transport: StartTLS off against a server that binds only over TLS;
    # a certificate not trusted
    f.cli("sso", "ldap", "set", "--starttls", "off")
    r = ldap_login(Client(srv), "carol", "carol-pw-1")
    check(r.status in (401, 503) and "carol" not in (Client(srv).jar or {}),
          "without StartTLS the directory refuses the bind", r.describe)
    f.cli("sso", "ldap", "set", "--starttls", "required", "--ca-file", os.path.join(d, "other.pem"))
    r = ldap_login(Client(srv), "carol", "carol-pw-1")
    refused(r, 503, "StartTLS", "a server certificate isms does not trust is refused")
    check(seclog(f.path, "sso-failed", "StartTLS") >= 1, "... logged", "")

    # throttled like the password form
    f.cli("sso", "ldap", "set", "--ca-file", os.path.join(d, "cert.pem"))
    statuses = [ldap_login(Client(srv), "alice", "bad-%d" % i).status for i in range(12)]
    check(429 in statuses, "repeated wrong directory passwords are throttled", lambda: statuses)

    check(srv.alive() and slapd.poll() is None, "server and slapd alive at the end", "")


if __name__ == "__main__":
    run(main)
