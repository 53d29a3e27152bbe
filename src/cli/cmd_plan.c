/* cmd_plan.c — `isms plan [--json]`, `isms plan approve`, `isms plan
 * export`: the risk treatment plan grouped by risk. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/registers.h"
#include "cli.h"

static void print_plan(const char *json)
{
    json_t *p = json_loads(json, 0, NULL);
    size_t i, k;
    json_t *r, *act;
    json_array_foreach(json_object_get(p, "risks"), i, r) {
        const char *rl = json_string_value(json_object_get(r, "residual_level"));
        printf("%s  %s  [%s%s%s]  owner %s  %lld/%lld done (%lld%%)\n",
               json_string_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "title")),
               json_string_value(json_object_get(r, "level")) ? json_string_value(json_object_get(r, "level")) : "unrated",
               rl ? " -> " : "", rl ? rl : "",
               json_string_value(json_object_get(r, "owner")) ? json_string_value(json_object_get(r, "owner")) : "-",
               json_integer_value(json_object_get(r, "done")),
               json_integer_value(json_object_get(r, "total")),
               json_integer_value(json_object_get(r, "percent")));
        json_t *acts = json_object_get(r, "actions");
        if (!json_array_size(acts)) {
            printf("    (no treatment action yet)\n");
        }
        json_array_foreach(acts, k, act) {
            const char *due = json_string_value(json_object_get(act, "due_date"));
            printf("    %-9s %-40.40s %-8s due %-10s %-11s%s\n",
                   json_string_value(json_object_get(act, "id")),
                   json_string_value(json_object_get(act, "title")),
                   json_string_value(json_object_get(act, "owner")) ? json_string_value(json_object_get(act, "owner")) : "-",
                   due ? due : "-", json_string_value(json_object_get(act, "status")),
                   json_is_true(json_object_get(act, "overdue")) ? "  OVERDUE" : "");
        }
    }
    json_t *un = json_object_get(p, "unlinked_actions");
    if (json_array_size(un)) {
        printf("Actions not linked to a risk:\n");
        json_array_foreach(un, k, act) {
            printf("    %-9s %s (%s)\n", json_string_value(json_object_get(act, "id")),
                   json_string_value(json_object_get(act, "title")),
                   json_string_value(json_object_get(act, "status")));
        }
    }
    json_t *t = json_object_get(p, "totals");
    printf("\n%lld actions, %lld done (%lld%%), %lld overdue, cost %.2f\n",
           json_integer_value(json_object_get(t, "actions")),
           json_integer_value(json_object_get(t, "done")),
           json_integer_value(json_object_get(t, "percent")),
           json_integer_value(json_object_get(t, "overdue")),
           json_number_value(json_object_get(t, "cost")));
    json_t *aps = json_object_get(p, "approvals");
    if (!json_array_size(aps)) {
        printf("Not yet approved (isms plan approve --as ACCOUNT).\n");
    }
    json_array_foreach(aps, k, act) {
        printf("%s%s\n", json_string_value(json_object_get(act, "label")),
               json_is_true(json_object_get(act, "current"))
                   ? ""
                   : " — for an earlier version of the plan");
    }
    json_decref(p);
}

int cmd_plan(struct cli *c)
{
    const char *sub = c->argc && c->argv[0][0] != '-' ? c->argv[0] : "show";
    int skip = strcmp(sub, "show") == 0 && !(c->argc && strcmp(c->argv[0], "show") == 0) ? 0 : 1;
    struct opts o;
    int rc;
    if (strcmp(sub, "export") == 0) {
        rc = cli_export_args(c, c->argc - 1, c->argv + 1, &o, "plan", NULL);
    } else {
        static const char *const ap[] = {"as", "rationale", "on-behalf-of", "evidence", NULL};
        rc = cli_parse_opts(c, c->argc - skip, c->argv + skip, &o, 0);
        if (!rc && !(rc = cli_refuse_by(&o))) {
            rc = cli_no_other_opts(&o, strcmp(sub, "approve") == 0 ? ap : NULL);
        }
    }
    if (rc) {
        return rc;
    }
    if (strcmp(sub, "show") && strcmp(sub, "approve") && strcmp(sub, "export")) {
        return cli_usage("usage: isms plan [--json] | approve --as ACCOUNT [--rationale TEXT] | "
                         "export --format csv|xlsx -o FILE");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (strcmp(sub, "approve") == 0) {
        int existing = 0;
        if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
            app_plan_approve(&a, cli_opt(&o, "rationale"), cli_opt(&o, "on-behalf-of"),
                             cli_opt(&o, "evidence"), &existing, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("treatment plan %s by %s (account %s)\n",
                   existing ? "was already approved" : "approved", a.signer.person,
                   a.signer.name);
        }
    } else if (strcmp(sub, "export") == 0) {
        if (report_plan(&a, o.format, o.output, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("wrote %s\n", o.output);
        }
    } else {
        char *json = NULL;
        if (app_plan_json(&a, &json, &e)) {
            rc = cli_fail(&e);
        } else if (o.json) {
            cli_print_json(json);
        } else {
            print_plan(json);
        }
        free(json);
    }
    app_close(&a);
    return rc;
}
