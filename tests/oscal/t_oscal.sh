# t_oscal.sh — every OSCAL export validated against NIST's OSCAL 1.0.6 JSON
# Schemas with ajv (validate.mjs; draft-07, the default Ajv class, with
# ajv-formats), on an ISMS with a scope, own controls, SoA decisions,
# audits with findings, risks with treatment actions and a nonconformity with
# its corrective action. The validator is shown to refuse a broken document;
# a re-export gives the same bytes, an unrelated change keeps every UUID.
# Run by tests/oscal/run (sources tests/cli/lib.sh).
. "$CLI_DIR/lib.sh"

VALIDATE="node $OSCAL_DIR/validate.mjs"
REF=${OSCAL_REF:-/work/shared/reference/oscal}

note "the validator: NIST's own examples pass, a broken document fails"
ok $VALIDATE catalog "$REF/examples/nist-800-53r5-low-baseline-catalog.json" "$REF/examples/basic-catalog.json"
ok $VALIDATE ssp "$REF/examples/ssp-example.json"
ok $VALIDATE poam "$REF/examples/poam-example.json"
ok $VALIDATE assessment-results "$REF/examples/assessment-results-example.json"
ok $VALIDATE component-definition "$REF/examples/component-definition-example.json"

ok isms init o.isms || finish
export ISMS_FILE=$PWD/o.isms

note "refusals before there is anything to export"
fails 3 isms oscal export catalog -o c.json
err_has "no own control"
fails 3 isms oscal export ssp -o s.json
err_has "the system characteristics come from the ISMS scope"
fails 3 isms oscal export assessment-results -o a.json
err_has "no audit to export"
fails 2 isms oscal export profile -o p.json
err_has "'profile' is not one of"
fails 2 isms oscal export poam
err_has "give -o FILE"
check "nothing written" [ ! -e c.json ] && [ ! -e s.json ] && [ ! -e a.json ]

note "an ISMS with something in every document"
ok isms person add --name "Ada Owner"
ok isms scope add --title "ISMS scope of Example Ltd" --statement "The SaaS platform and its support." \
    --sites "Berlin office" --excluded "Marketing site" --exclusion-reasons "No customer data"
ok isms control add --title "Nightly backups" --description "Backups are taken every night.
Restores are tested monthly."
ok isms control add --title "Clean desk"
ok isms soa set 5.15 --applicable yes --status implemented --justification "Access to systems" \
    --implementation "Role-based access in the identity provider."
ok isms soa set 5.18 --applicable yes --status partial --justification "Accounts"
ok isms soa set 8.13 --applicable yes --status planned --justification "Backups"
ok isms soa set 7.4 --applicable no --justification "No physical premises to monitor"
ok isms risk add --title "Ransomware encrypts the file server" --owner P-0001 --likelihood 3 --consequence 4 \
    --treatment modify --controls 8.13
ok isms action add --title "Immutable backups" --risks R-0001 --owner P-0001 --due-date 2027-01-31
ok isms risk add --title "Closed risk" --owner P-0001 --status closed
ok isms audit add --title "Internal audit 2026" --kind internal --planned-on 2026-03-01 \
    --performed-on 2026-03-02 --controls 5.15,5.18 --scope "Access control" --status reported
ok isms finding add --audit AUD-0001 --title "Access reviews late" --kind minor-nonconformity --control 5.18 \
    --description "Two quarterly reviews were skipped." --evidence "Review log of 2025"
ok isms finding add --audit AUD-0001 --title "Policy in place" --kind conforming --clause 5.2
ok isms audit add --title "Surveillance audit" --kind surveillance --planned-on 2026-10-01
ok isms nc add --title "Access reviews skipped" --source internal-audit --owner P-0001 --control 5.18
ok isms corrective add --title "Calendar the reviews" --nonconformity NC-0001 --owner P-0001 --due-date 2027-02-01

for kind in catalog ssp component-definition assessment-results poam; do
    note "$kind: exported and valid against the NIST schema"
    ok isms oscal export $kind -o $kind.json
    out_has "OSCAL 1.0.6 $kind"
    ok $VALIDATE $kind $kind.json
    out_has "valid $kind"
done

note "what each document holds"
run cat catalog.json
json_all 'd["catalog"]["metadata"]["oscal-version"] == "1.0.6"' \
    '[c["id"] for c in d["catalog"]["controls"]] == ["C-0001", "C-0002"]' \
    'd["catalog"]["controls"][0]["parts"][0]["prose"].startswith("Backups are taken every night.")' \
    'd["catalog"]["metadata"]["parties"][0]["name"] == "Example Ltd"'
run cat ssp.json
json_all 'd["system-security-plan"]["system-characteristics"]["system-name"] == "ISMS scope of Example Ltd"' \
    'd["system-security-plan"]["system-characteristics"]["status"]["state"] == "under-development"' \
    '"Excluded: Marketing site" in d["system-security-plan"]["system-characteristics"]["authorization-boundary"]["description"]' \
    '[r["control-id"] for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"]] == ["A.5.15", "A.5.18", "A.8.13", "C-0001", "C-0002"] or [r["control-id"] for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"]][:3] == ["A.5.15", "A.5.18", "A.8.13"]' \
    '{r["control-id"]: r["props"][0]["value"] for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"]}["A.5.15"] == "implemented"' \
    '{r["control-id"]: r["by-components"][0]["description"] for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"]}["A.5.15"] == "Role-based access in the identity provider."' \
    '"A.7.4" not in [r["control-id"] for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"]]'
run cat assessment-results.json
json_all 'len(d["assessment-results"]["results"]) == 2' \
    'd["assessment-results"]["results"][0]["reviewed-controls"]["control-selections"][0]["include-controls"] == [{"control-id": "A.5.15"}, {"control-id": "A.5.18"}]' \
    '[(f["target"]["target-id"], f["target"]["status"]["state"]) for f in d["assessment-results"]["results"][0]["findings"]] == [("A.5.18", "not-satisfied"), ("clause-5.2", "satisfied")]' \
    'd["assessment-results"]["results"][0]["start"] == "2026-03-02T00:00:00Z"'
run cat poam.json
json_all '[r["title"].split()[0] for r in d["plan-of-action-and-milestones"]["risks"]] == ["R-0001", "NC-0001"]' \
    '[i["props"][0]["value"] for i in d["plan-of-action-and-milestones"]["poam-items"]] == ["R-0001", "NC-0001"] or [i["props"][0]["value"] for i in d["plan-of-action-and-milestones"]["poam-items"]] == ["NC-0001"]' \
    'd["plan-of-action-and-milestones"]["risks"][0]["remediations"][0]["title"] == "ACT-0001 Immutable backups"' \
    'd["plan-of-action-and-milestones"]["risks"][1]["remediations"][0]["title"] == "CA-0001 Calendar the reviews"'

note "a broken document is refused by the validator"
py -c 'import json; d = json.load(open("poam.json")); d["plan-of-action-and-milestones"]["uuid"] = "not-a-uuid"; json.dump(d, open("broken.json", "w"))'
fails 1 $VALIDATE poam broken.json
out_has "INVALID poam"
py -c 'import json; d = json.load(open("ssp.json")); del d["system-security-plan"]["system-characteristics"]; json.dump(d, open("broken2.json", "w"))'
fails 1 $VALIDATE ssp broken2.json

note "stable: a re-export is the same bytes; a change keeps the UUIDs"
for kind in catalog ssp component-definition assessment-results poam; do
    ok isms oscal export $kind -o again-$kind.json
    check "$kind re-exported byte for byte" cmp -s $kind.json again-$kind.json
done
ok isms risk edit R-0002 --title "Closed risk, renamed"
ok isms oscal export poam -o changed.json
ok $VALIDATE poam changed.json
py -c '
import json, re
a = open("poam.json").read(); b = open("changed.json").read()
ua = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a))
ub = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", b))
assert ua == ub and len(ua) > 5, (len(ua), len(ub))
assert json.loads(a)["plan-of-action-and-milestones"]["metadata"]["version"] != json.loads(b)["plan-of-action-and-milestones"]["metadata"]["version"]
' >uuids.out 2>&1
check "same UUIDs, a new version after a change" [ $? -eq 0 ]

note "the catalog export imports back as a framework"
ok isms framework import catalog.json --id own
out_has "2 controls in 0 groups"
ok isms verify
finish
