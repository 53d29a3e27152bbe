# t_bundle.sh — the evidence bundle (isms bundle) and the readiness report
# as PDF/HTML: the bundle of the demo is a zip whose manifest lists every
# entry with the size and SHA-256 recomputed here (python3 zipfile +
# hashlib), holds every approved document, register, SoA version, review
# pack, audit report, evidence file (the same SHA-256 as `attachment show`)
# and the readiness report; `bundle verify` accepts it and names the file
# when one byte of one entry changes, a file is missing or extra, and
# refuses a zip with a `../x` or absolute entry; entry names stay safe when
# a document is titled ../../etc/passwd; an audit's bundle holds its scope;
# --as: the auditor's bundle is made as the auditor, staff are refused
# (exit 7, nothing written); a changed evidence file fails the bundle,
# naming it; nothing is left behind on failure. The readiness PDF is read
# with poppler against `isms readiness --json`. The security log is in it
# as security/security-log.json and .csv (the rows of `isms log --json`,
# a sign-in made here among them, no token, password or webhook secret),
# for the system, administrators and auditors (an external auditor's
# without addresses), left out of a manager's, in an audit's bundle when
# its scope covers logging or access control; `bundle verify` names
# security/security-log.csv when one byte of it changes.
. "$CLI_DIR/lib.sh"

for tool in pdfinfo pdftotext; do
    command -v $tool >/dev/null 2>&1 || fail "the PDF checks need $tool (Debian package poppler-utils)"
done
export ISMS_ACTOR=tester
ok isms demo d.isms || finish
export ISMS_FILE=$PWD/d.isms

# the zip's entries against its manifest, recomputed independently
cat >check.py <<'PY'
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, "a corrupt entry"
names = z.namelist()
man = json.loads(z.read("manifest.json"))
listed = {f["path"]: f for f in man["files"]}
assert len(names) == len(set(names)), "an entry named twice"
assert set(names) == set(listed) | {"manifest.json"}, (sorted(set(names) ^ (set(listed) | {"manifest.json"}))[:5])
for n in names:
    if n == "manifest.json":
        continue
    d = z.read(n)
    assert listed[n]["size"] == len(d), n + ": size"
    assert listed[n]["sha256"] == hashlib.sha256(d).hexdigest(), n + ": sha256"
    assert listed[n]["source"] and listed[n]["kind"], n + ": no source"
bad = [n for n in names if ".." in n or n.startswith("/") or "\\" in n or any(ord(c) < 32 for c in n)]
assert not bad, bad
print(len(names))
PY

note "the readiness report as PDF and HTML, against isms readiness --json"
ok isms readiness --json
cp "$OUT" rd.json
ok isms report readiness --format pdf -o rd.pdf
out_has "wrote rd.pdf"
pdftotext -layout rd.pdf rd.txt
check "the title" grep -q "Readiness report" rd.txt
pdfinfo rd.pdf >info.txt
check "metadata title" grep -Eq "^Title: +Readiness report$" info.txt
overall=$(py -c 'import json; d=json.load(open("rd.json")); print("%d%%" % d["percent"])')
check "the overall figure $overall" grep -q "Overall *$overall" rd.txt
py - rd.json rd.txt <<'PY' >missing.txt
import json, re, sys
d = json.load(open(sys.argv[1]))
text = re.sub(r"\s+", " ", open(sys.argv[2]).read())
for c in d["clauses"]:
    row = "%s %s" % (c["clause"], c["title"][:30])
    fig = "%d%% %d of %d" % (c["percent"], c["passed"], c["asked"])
    if c["clause"] + " " not in text or fig not in text:
        print("clause", c["clause"], fig)
for it in d["items"]:
    if it["gap"] and not it["hidden"] and it["clause"]:
        if it["title"][:40] not in text or it["gap"][:40] not in text:
            print("gap", it["id"], it["gap"][:40])
PY
check "every clause's figure and every gap is in the PDF" [ ! -s missing.txt ]
[ -s missing.txt ] && cat missing.txt
ngaps=$(py -c 'import json; d=json.load(open("rd.json")); print(sum(1 for i in d["items"] if i["gap"] and not i["hidden"] and i["clause"]))')
check "the demo has gaps to show ($ngaps)" [ "$ngaps" -gt 0 ]
ok isms report readiness --format html -o rd.html
check "the HTML carries the figure" grep -q "$overall" rd.html
fails 2 isms report readiness X --format pdf -o x.pdf
err_has "takes no identifier"

note "the bundle of the demo: a zip, every entry in the manifest with its size and SHA-256"
ok isms bundle -o b.zip
out_has "wrote b.zip"
msha=$(py -c 'import hashlib,zipfile; print(hashlib.sha256(zipfile.ZipFile("b.zip").read("manifest.json")).hexdigest())')
out_has "manifest.json SHA-256 $msha"
ok py check.py b.zip
ok isms bundle verify b.zip
out_has "files match the manifest"
out_has "manifest.json SHA-256 $msha"
py -c 'import zipfile,json; print(json.dumps(zipfile.ZipFile("b.zip").namelist()))' >names.json
unzip_json() { py -c 'import zipfile,sys; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$@"; }
unzip_json b.zip manifest.json >man.json
ok py -c 'import json; d=json.load(open("man.json")); print(d["created_by"], d["role"], d["scope"]["kind"], d["history_head"]["seq"], d["history_head"]["hash"], d["organization"])'
out_has "tester system whole"
out_has "Tallyfield GmbH"
head_seq=$(sqlite3 d.isms "SELECT max(seq) FROM history")
head_hash=$(sqlite3 d.isms "SELECT hash FROM history ORDER BY seq DESC LIMIT 1")
out_has "$head_seq $head_hash"

note "what the bundle holds"
ok isms document list --json
for id in $(json_get '" ".join(r["id"] for r in d if r["status"] in ("approved", "published"))'); do
    grep -q "\"documents/${id}_[^\"]*\\.pdf\"" names.json || fail "approved document $id has no PDF in the bundle"
done
for id in $(json_get '" ".join(r["id"] for r in d if r["status"] == "draft" and not r.get("in_force"))'); do
    grep -q "documents/${id}_" names.json && fail "the draft $id (never approved) is in the bundle"
done
check "a never-approved document is listed as left out" grep -q "DOC-0014: no approved version in force" man.json
for n in registers/soa-iso27001-2022.csv registers/soa-iso27001-2022.xlsx registers/soa-iso27001-2022.pdf \
         registers/risks.csv registers/risks.xlsx registers/risks.pdf registers/plan.csv \
         registers/plan.xlsx registers/plan.pdf registers/assets.csv registers/assets.xlsx \
         registers/assets.pdf \
         readiness/readiness.pdf readiness/readiness.html readiness/readiness.json; do
    grep -q "\"$n\"" names.json || fail "$n is not in the bundle"
done
check "the approved SoA version" grep -q '"soa/soa_iso27001-2022_v1_approved.json"' names.json
check "the frozen review packs and signed minutes" grep -q '"reviews/review-pack_MR-0002_v1_presented.json"' names.json
check "the review-minutes" grep -q '"reviews/review-minutes_MR-0002_v1_approved.json"' names.json
ok isms audit list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q "\"audits/${id}_" names.json || fail "audit report $id is not in the bundle"
done
ok isms review list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q "\"reviews/${id}_[^\"]*\\.pdf\"" names.json || fail "review pack $id is not in the bundle"
done
unzip_json b.zip registers/risks.csv >risks.csv
ok isms risk list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q "^$id," risks.csv || fail "risk $id is not in the bundled register"
done
unzip_json b.zip registers/assets.csv >assets.csv
ok isms asset list --json
for id in $(json_get '" ".join(r["id"] for r in d)'); do
    grep -q "^$id," assets.csv || fail "asset $id is not in the bundled inventory"
done
check "the bundled inventory is isms asset export's" bash -c 'isms() { "$ISMS" "$@"; }; isms asset export --format csv -o own-assets.csv >/dev/null && cmp -s own-assets.csv assets.csv'
unzip_json b.zip readiness/readiness.json >brd.json
check "the bundled readiness JSON is isms readiness --json" py -c 'import json,sys; a=json.load(open("brd.json")); b=json.load(open("rd.json")); sys.exit(a != b)'
note "every evidence file, with the SHA-256 the ISMS holds"
for att in $(sqlite3 d.isms "SELECT ref FROM attachment WHERE removed_at IS NULL"); do
    ok isms attachment show "$att" --json
    sha=$(json_get 'd["sha256"]')
    py -c 'import json,sys; m=json.load(open("man.json")); sys.exit(not any(f["path"].startswith(("evidence/"+sys.argv[1]+"_", "documents/"+sys.argv[1]+"_")) and f["sha256"] == sys.argv[2] for f in m["files"]))' "$att" "$sha" ||
        fail "evidence $att ($sha) is not in the bundle with its SHA-256"
done

note "verify names the file that changed, is missing or is extra"
py - <<'PY'
import zipfile
src = zipfile.ZipFile("b.zip")
def rewrite(out, change=None, drop=None, extra=None):
    z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for i in src.infolist():
        d = src.read(i.filename)
        if i.filename == drop:
            continue
        if i.filename == change:
            d = bytes([d[len(d) // 2] ^ 0x01]).join([d[:len(d) // 2], d[len(d) // 2 + 1:]])
        z.writestr(i.filename, d)
    if extra:
        z.writestr(extra, b"x")
    z.close()
rewrite("byte.zip", change="registers/risks.csv")
rewrite("gone.zip", drop="evidence/ATT-0001_Redsand_pentest_report_2026_-_Tallyfield_platform.pdf")
rewrite("extra.zip", extra="notes/added.txt")
z = zipfile.ZipFile("dotdot.zip", "w"); z.writestr("manifest.json", '{"files": []}'); z.writestr("../x", "x"); z.close()
z = zipfile.ZipFile("deep.zip", "w"); z.writestr("manifest.json", '{"files": []}'); z.writestr("a/../../x", "x"); z.close()
z = zipfile.ZipFile("abs.zip", "w"); z.writestr(zipfile.ZipInfo("/etc/cron.d/x"), "x"); z.close()
z = zipfile.ZipFile("noman.zip", "w"); z.writestr("a.txt", "x"); z.close()
PY
check "one byte of one entry changed" [ "$(cmp byte.zip b.zip >/dev/null 2>&1; echo $?)" = 1 ]
fails 5 isms bundle verify byte.zip
err_has "registers/risks.csv: SHA-256 differs from the manifest"
err_lacks "registers/plan.csv"
fails 5 isms bundle verify gone.zip
err_has "evidence/ATT-0001_Redsand_pentest_report_2026_-_Tallyfield_platform.pdf: missing from the zip"
fails 5 isms bundle verify extra.zip
err_has "notes/added.txt: in the zip but not in the manifest"
fails 3 isms bundle verify dotdot.zip
err_has 'refused: entry name "../x" is unsafe'
fails 3 isms bundle verify deep.zip
err_has 'entry name "a/../../x" is unsafe'
fails 3 isms bundle verify abs.zip
err_has 'entry name "/etc/cron.d/x" is unsafe'
fails 3 isms bundle verify noman.zip
err_has "holds no manifest.json"
echo "not a zip" >junk.zip
fails 6 isms bundle verify junk.zip
err_has "junk.zip"
fails 6 isms bundle verify nothing-here.zip

note "hostile titles: no entry name with .. or a leading / (a document titled ../../etc/passwd)"
make_account boss top-management P-0001
ok isms document add --title "../../etc/passwd" --kind procedure --owner P-0001 --body "# Passwd"
D1=$(last_line)
ok isms document add --title '..\..\windows/ /abs: *?<>|"x"' --kind procedure --owner P-0001 --body "x"
D2=$(last_line)
ok isms document add --title "../../etc/passwd" --kind procedure --owner P-0001 --body "# Again"
D3=$(last_line)
for d in "$D1" "$D2" "$D3"; do
    ok isms document submit "$d"
    ok signed boss document review "$d"
    ok signed boss document approve "$d"
done
ok isms bundle -o hostile.zip
ok py check.py hostile.zip
ok py -c 'import zipfile; print("\n".join(zipfile.ZipFile("hostile.zip").namelist()))'  # names
out_has "documents/${D1}_etc_passwd.pdf"
out_has "documents/${D3}_etc_passwd.pdf"
out_has "documents/${D2}_windows_abs_x.pdf"
out_lacks ".."
ok isms bundle verify hostile.zip

note "a document whose content is a PDF file: its report and the file, with the frozen SHA-256"
ok isms document add --title "Scanned procedure" --kind procedure --owner P-0001
D4=$(last_line)
ok isms document revise "$D4" --file rd.pdf
ok isms document submit "$D4"
ok signed boss document review "$D4"
ok signed boss document approve "$D4"
ok isms bundle -o content.zip
ok py check.py content.zip
ok py -c 'import zipfile; print("\n".join(zipfile.ZipFile("content.zip").namelist()))'  # names
out_has "documents/${D4}_Scanned_procedure.pdf"
out_has "documents/${D4}_Scanned_procedure_content.pdf"
ok py -c 'import hashlib,zipfile,sys; print(hashlib.sha256(zipfile.ZipFile("content.zip").read("documents/'"$D4"'_Scanned_procedure_content.pdf")).hexdigest())'
out_is "$(sha256sum rd.pdf | cut -d" " -f1)"

note "an audit's scope: its clauses and controls pick the documents, registers and evidence"
ok isms audit add --title "Review and testing audit" --kind internal --clauses "9.3" --controls 8.8 --owner P-0005
AUD=$(last_line)
ok isms bundle -o aud.zip --audit "$AUD"
out_has "scope $AUD"
ok py check.py aud.zip
ok py -c 'import zipfile; print("\n".join(zipfile.ZipFile("aud.zip").namelist()))'
out_has "audits/${AUD}_Review_and_testing_audit.pdf"
out_has "evidence/ATT-0001_"           # the pen-test report on control 8.8
out_has "reviews/MR-0002_"             # 9.3 is covered
out_has "registers/soa-iso27001-2022.csv"  # a control is covered
out_lacks "registers/risks.csv"        # 6.1 is not
out_lacks "audits/AUD-0001_"           # 9.2 is not: only this audit's report
out_lacks "documents/DOC-0001_"        # the policy serves 5.2
out_lacks "evidence/ATT-0002_"         # a supplier's certificate (5.19)
out_lacks "security/"                  # neither logging nor access control is covered
unzip_json aud.zip manifest.json >aman.json
ok py -c 'import json; d=json.load(open("aman.json")); print(d["scope"])'
out_has "'kind': 'audit'"
out_has "'audit': '$AUD'"
out_has "'clauses': '9.3'"
ok isms bundle -o full.zip --audit AUD-0001
ok py -c 'import zipfile; print("\n".join(zipfile.ZipFile("full.zip").namelist()))'
out_has "documents/DOC-0001_"          # 4.1-10.2 covers the policy's 5.2
out_has "registers/risks.csv"
fails 4 isms bundle -o x.zip --audit AUD-9999
err_has "AUD-9999"
fails 2 isms bundle -o x.zip --audit R-0001
err_has "not an audit"
check "nothing written for a refused bundle" [ ! -e x.zip ]

note "--as: the auditor's bundle is read as the auditor; staff are refused"
make_account aud auditor P-0020
make_account stf staff P-0023
ok signed aud bundle -o audb.zip
ok py check.py audb.zip
unzip_json audb.zip manifest.json >audm.json
ok py -c 'import json; d=json.load(open("audm.json")); print(d["created_by"], d["role"])'
out_is "aud auditor"
fails 7 signed stf bundle -o staff.zip
err_has "history of documents"
check "no bundle is written for staff" [ ! -e staff.zip ]

note "the security log in the bundle: JSON and CSV of the rows isms log --json gives, nothing secret"
# made here: aud's sign-in above (--as: a "login" from cli), a password typed
# as a name, a token, a webhook whose URL carries its service's secret
printf 'whatever-1234567\n' | isms readiness --as 'Secret-Passw0rd!' >/dev/null 2>&1
ok isms token add aud --name audit-token
TOKEN=$(last_line)
check "a token was shown" [ "${#TOKEN}" -gt 20 ]
printf 's3cret-s3cret-s3cret\n' | ok isms webhook add "https://hooks.example.com/services/T0/B0/HOOKSECRET?tok=1" --secret-stdin
ok isms log --limit 500 --json
cp "$OUT" log.json
ok isms bundle -o sec.zip
ok py check.py sec.zip
cat >seclog.py <<'PY'
import csv, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert "security/security-log.json" in names and "security/security-log.csv" in names, names
man = json.loads(z.read("manifest.json"))
kinds = {f["path"]: f["kind"] for f in man["files"]}
assert kinds["security/security-log.json"] == kinds["security/security-log.csv"] == "security-log", kinds
raw_j, raw_c = z.read("security/security-log.json"), z.read("security/security-log.csv")
j = json.loads(raw_j)
rows = list(csv.DictReader(io.StringIO(raw_c.decode("utf-8"), newline="")))
items = j["items"]
assert j["format"] == "isms-security-log-1" and j["count"] == len(items) == len(rows) > 0, (j["count"], len(rows))
for it, row in zip(items, rows):
    for k in ("id", "at", "event", "account", "actor", "address", "detail"):
        want = "" if it[k] is None else str(it[k])
        assert row[k] == want, (k, row[k], want)
for secret in sys.argv[2:]:
    assert secret, "an empty secret to look for"
    assert secret.encode() not in raw_j and secret.encode() not in raw_c, "a secret in the log: " + secret[:8]
assert b"$argon2" not in raw_j + raw_c, "a password hash"
print(json.dumps(items))
PY
ok py seclog.py sec.zip "$TOKEN" "Secret-Passw0rd" "HOOKSECRET" "tok=1" "s3cret-s3cret"
cp "$OUT" items.json
check "the sign-in made by the test is in the bundle's log" py -c 'import json,sys; sys.exit(not any(i["event"] == "login" and i["account"] == "aud" and i["address"] == "cli" for i in json.load(open("items.json"))))'
check "the typed password is an unknown: name" py -c 'import json,sys; sys.exit(not any(i["event"] == "login-failed" and i["account"].startswith("unknown:") for i in json.load(open("items.json"))))'
check "the token's use of the log: token-add, by account" py -c 'import json,sys; sys.exit(not any(i["event"] == "token-add" and i["account"] == "aud" and i["detail"] == "audit-token" for i in json.load(open("items.json"))))'
check "the webhook's URL without its path and query" py -c 'import json,sys; sys.exit(not any(i["event"] == "webhook-add" and i["detail"] == "webhook to https://hooks.example.com (path and query left out)" for i in json.load(open("items.json"))))'
check "every other entry as isms log --json gives it" py -c '
import json, sys
got = [i for i in json.load(open("items.json")) if i["event"] != "webhook-add"]
want = [i for i in json.load(open("log.json"))["items"] if i["event"] != "webhook-add"]
sys.exit(got != want)'
check "and the addresses" py -c 'import json,sys; sys.exit(not any(i["address"] for i in json.load(open("items.json"))))'
py - <<'PY'
import zipfile
src = zipfile.ZipFile("sec.zip")
z = zipfile.ZipFile("seclog-byte.zip", "w", zipfile.ZIP_DEFLATED)
for i in src.infolist():
    d = src.read(i.filename)
    if i.filename == "security/security-log.csv":
        d = d.replace(b"login-failed", b"login-fail3d", 1)
    z.writestr(i.filename, d)
z.close()
PY
fails 5 isms bundle verify seclog-byte.zip
err_has "security/security-log.csv: SHA-256 differs from the manifest"
err_lacks "security/security-log.json"

note "whose bundle holds the log: auditors and administrators; an external auditor's without addresses; not a manager's"
ok signed aud bundle -o audsec.zip
ok py seclog.py audsec.zip "$TOKEN"
check "the internal auditor's log has the addresses" py -c 'import json,sys; sys.exit(not any(i["address"] == "cli" for i in json.loads(sys.stdin.read())))' <"$OUT"
printf '%s\n' "$PW" | ok isms user add ext --role auditor --person P-0020 --expires 2099-12-31
ok signed ext bundle -o ext.zip
ok py seclog.py ext.zip "$TOKEN"
check "an external auditor's log has no address" py -c 'import json,sys; d=json.loads(sys.stdin.read()); sys.exit(not d or any(i["address"] for i in d))' <"$OUT"
ok py -c 'import json,zipfile; print(json.loads(zipfile.ZipFile("ext.zip").read("security/security-log.json"))["addresses"])'
out_has "left out (the privacy rule"
make_account mgr manager P-0005
ok signed mgr bundle -o mgr.zip
ok py -c 'import json,zipfile; z=zipfile.ZipFile("mgr.zip"); print([n for n in z.namelist() if n.startswith("security/")]); print(json.loads(z.read("manifest.json"))["omitted"])'
out_has "[]"
out_has "security/security-log: the manager role may not read the security log"

note "an audit's bundle holds the log when its scope covers logging or access rights"
ok isms audit add --title "Logging audit" --kind internal --controls 8.15 --owner P-0005
LAUD=$(last_line)
ok isms bundle -o laud.zip --audit "$LAUD"
ok py seclog.py laud.zip "$TOKEN"
ok isms audit add --title "Access rights audit" --kind internal --controls 5.18 --owner P-0005
ok isms bundle -o raud.zip --audit "$(last_line)"
ok py seclog.py raud.zip

note "bad input, and nothing left behind on failure"
fails 2 isms bundle
err_has "-o FILE.zip is required"
fails 2 isms bundle extra -o y.zip
err_has "unexpected argument extra"
fails 2 isms bundle verify
fails 2 isms bundle -o y.zip --format pdf
fails 2 isms bundle -o y.zip --by P-0001
fails 6 isms bundle -o no/such/dir/b.zip
check "nothing left behind" bash -c '! ls no 2>/dev/null; ! ls ./*.tmp-* 2>/dev/null'
echo old >keep.zip
cp d.isms bad.isms
ok sqlite3 bad.isms "UPDATE blob SET data = randomblob(length(data)) WHERE sha256 = (SELECT sha256 FROM attachment WHERE ref = 'ATT-0001')"
fails 5 isms -f bad.isms bundle -o keep.zip
err_has "ATT-0001"
check "a failed bundle leaves the existing file as it was" [ "$(cat keep.zip)" = old ]
check "and no temporary file" bash -c '! ls ./keep.zip.tmp-* 2>/dev/null'
finish
