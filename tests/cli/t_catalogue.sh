# t_catalogue.sh — the built-in catalogues: Annex A of ISO/IEC 27001:2022 (93
# controls) and :2013 (114), the mapping between them, clauses 4.1-10.2, and
# the organization's own (custom) controls next to them.
. "$CLI_DIR/lib.sh"

ok isms init k.isms || finish
export ISMS_FILE=$PWD/k.isms

# ---- Annex A 2022 --------------------------------------------------------------
note "2022 catalogue"
ok isms control list --framework iso27001-2022 --json
json_all 'len(d) == 93' \
    'all(c["framework"] == "iso27001-2022" for c in d)' \
    'all(re.match(r"^[5-8]\.\d+$", c["id"]) for c in d)' \
    'len({c["id"] for c in d}) == 93' \
    '[sum(c["id"].startswith(p) for c in d) for p in ("5.", "6.", "7.", "8.")] == [37, 8, 14, 34]' \
    '[c["id"] for c in d][:2] == ["5.1", "5.2"] and d[-1]["id"] == "8.34"' \
    '[c["id"] for c in d].index("5.10") == [c["id"] for c in d].index("5.9") + 1' \
    'all(c["title"] and c["status"] and c["retired"] is None for c in d)'
json_check '{c["id"]: c["title"] for c in d}["5.1"] == "Policies for information security"'
json_check '{c["id"]: c["title"] for c in d}["8.24"] == "Use of cryptography"'
json_check '{c["id"]: c["title"] for c in d}["5.7"] == "Threat intelligence"'
json_check '{c["id"]: c["theme"] for c in d}["8.24"] == "Technological"'

note "5.1"
ok isms control show 5.1 --json
json_all 'd["id"] == "5.1"' 'd["title"] == "Policies for information security"' \
    'd["framework"] == "iso27001-2022"'
ok isms control show 5.1
out_has "Policies for information security"

note "8.24 and its 2013 counterparts"
ok isms control show 8.24
out_has "Use of cryptography"
out_has "2013 counterparts"
out_has "A.10.1.1"
out_has "A.10.1.2"
out_has "Key management"
out_lacks "New in 2022"

note "the 11 controls new in 2022 have no 2013 counterpart"
for c in 5.7 5.23 5.30 7.4 8.9 8.10 8.11 8.12 8.16 8.23 8.28; do
    ok isms control show "$c"
    out_has "no 2013 counterpart"
    out_lacks "2013 counterparts:"
done
ok isms control show 5.7
out_has "Threat intelligence"

note "controls that are not new have counterparts"
for c in 5.1 5.15 6.3 7.1 8.8 8.34; do
    ok isms control show "$c"
    out_has "2013 counterparts"
    out_lacks "no 2013 counterpart"
done

# ---- Annex A 2013 --------------------------------------------------------------
note "2013 catalogue"
ok isms control list --framework iso27001-2013 --json
json_all 'len(d) == 114' \
    'all(c["framework"] == "iso27001-2013" for c in d)' \
    'all(re.match(r"^A\.\d+\.\d+\.\d+$", c["id"]) for c in d)' \
    '[sum(c["id"].split(".")[1] == str(g) for c in d) for g in range(5, 19)] == [2, 7, 6, 10, 14, 2, 15, 14, 7, 13, 5, 7, 4, 8]' \
    'd[0]["id"] == "A.5.1.1" and d[-1]["id"] == "A.18.2.3"'
json_check '{c["id"]: c["title"] for c in d}["A.10.1.1"] == "Policy on the use of cryptographic controls"'

note "A.12.6.1 and its 2022 counterpart"
ok isms control show A.12.6.1
out_has "Management of technical vulnerabilities"
out_has "2022 counterparts"
out_has "8.8"
ok isms control show a.12.6.1 # not case-sensitive
out_has "A.12.6.1"

note "A.10.1.1 maps to 8.24"
ok isms control show A.10.1.1
out_has "8.24"
out_has "Use of cryptography"

note "all controls, and filters"
ok isms control list --json
json_check 'len(d) == 93 + 114'
ok isms control list --framework iso27001-2022
out_has "Policies for information security"
fails 3 isms control list --framework iso9001
err_has "framework"
ok isms control list --framework iso27001-2022 --search cryptography --json
json_check '"8.24" in [c["id"] for c in d] and all(c["framework"] == "iso27001-2022" for c in d)'

# ---- clauses -----------------------------------------------------------------------
note "clauses"
ok isms clauses --json
json_all 'len(d) == 32' \
    '"6.1.2" in [c["clause"] for c in d]' \
    '[c["clause"] for c in d][0] == "4.1" and [c["clause"] for c in d][-1] == "10.2"' \
    'all(c["title"] for c in d)' \
    'isinstance(d[0].get("documented_information"), bool)'
json_check '{c["clause"]: c["title"] for c in d}["6.1.2"].lower().startswith("information security risk assessment")'
ok isms clauses
out_has "6.1.2"
out_has "10.2"
check "clauses prints 32 lines" [ "$(wc -l <"$OUT")" -eq 32 ]

# ---- the statement of applicability: catalogue controls can be owned -----------------
note "a catalogue control's owner and status can be set"
ok isms person add --name "Ciso"
P=$(last_line)
ok isms control edit 8.24 --owner "$P" --status implemented
ok isms control show 8.24 --json
P=$P json_all 'd["owner"] == E["P"]' 'd["status"] == "implemented"' \
    'd["title"] == "Use of cryptography"'
ok isms history 8.24 --json
json_check '[h["action"] for h in d][-1] == "update"'
fails 3 isms control edit 8.24 --title "Crypto"
err_has "title"
fails 5 isms control retire 8.24
err_has "8.24"

# ---- custom controls --------------------------------------------------------------------
note "a custom control"
ok isms control add --title "Clean desk every Friday"
out_is "C-0001"
ok isms control show C-0001 --json
json_all 'd["framework"] == "custom"' 'd["title"] == "Clean desk every Friday"'
ok isms control show C-0001
out_has "Clean desk every Friday"
out_lacks "counterpart"
ok isms control list --framework custom --json
json_check '[c["id"] for c in d] == ["C-0001"]'
ok isms control add --title "Second" --framework custom
out_is "C-0002"
ok isms control edit C-0001 --title "Clean desk every day"
ok isms control retire C-0002
ok isms control list --framework custom --json
json_check '[c["id"] for c in d] == ["C-0001"]'
ok isms control list --json
json_check 'len(d) == 93 + 114 + 1'
ok isms requirement add --title "Contract" --kind contractual --controls "C-0001,8.24,A.10.1.1"
ok isms requirement show "$(last_line)" --json
json_check 'd["controls"] == ["8.24", "A.10.1.1", "C-0001"] or sorted(d["controls"]) == sorted(["8.24", "A.10.1.1", "C-0001"])'

note "a custom control keeps its framework: clearing it"
# `framework` is optional in `control fields`, so an empty value is accepted
# as "clear", which leaves a control that is in no framework at all.
run isms control add --title "No framework" --framework ""
if [ "$RC" -eq 0 ]; then
    id=$(last_line)
    ok isms control show "$id" --json
    json_check 'd["framework"] == "custom"'
    ok isms control show "$id"
    out_has "No framework"
    ok isms control list --framework custom --json
    list_has "$id"
else
    check "an empty framework is refused as invalid (3)" [ "$RC" -eq 3 ]
fi
run isms control edit C-0001 --framework ""
if [ "$RC" -eq 0 ]; then
    ok isms control show C-0001 --json
    json_check 'd["framework"] == "custom"'
    ok isms control show C-0001
    out_has "Clean desk every day"
else
    check "clearing the framework is refused as invalid (3)" [ "$RC" -eq 3 ]
fi

note "a custom control cannot be moved into a catalogue"
fails 3 isms control edit C-0001 --framework iso27001-2022
err_has "framework"

note "verify"
ok isms verify
out_has "ok"

finish
