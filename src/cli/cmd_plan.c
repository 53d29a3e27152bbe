/* cmd_plan.c — `isms plan [--json]`, `isms plan approve`, `isms plan
 * export`: the risk treatment plan grouped by risk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/registers.h"
#include "cli.h"

static void print_plan(const struct plan *p)
{
    for (size_t i = 0; i < p->nrisks; i++) {
        const struct plan_risk *r = &p->risks[i];
        const char *rl = r->residual_level;
        printf("%s  %s  [%s%s%s]  owner %s  %d/%d done (%d%%)\n", r->id, r->title,
               r->level ? r->level : "unrated", rl ? " -> " : "", rl ? rl : "",
               r->owner ? r->owner : "-", r->done, r->total, r->percent);
        if (!r->nactions) {
            printf("    (no treatment action yet)\n");
        }
        for (size_t k = 0; k < r->nactions; k++) {
            const struct plan_action *act = r->actions[k];
            printf("    %-9s %-40.40s %-8s due %-10s %-11s%s\n", act->id, act->title,
                   act->owner ? act->owner : "-", act->due_date ? act->due_date : "-",
                   act->status, act->overdue ? "  OVERDUE" : "");
        }
    }
    if (p->nunlinked) {
        printf("Actions not linked to a risk:\n");
        for (size_t k = 0; k < p->nunlinked; k++) {
            const struct plan_action *act = p->unlinked[k];
            printf("    %-9s %s (%s)\n", act->id, act->title, act->status);
        }
    }
    const struct plan_totals *t = &p->totals;
    printf("\n%ld actions, %ld done (%d%%), %ld overdue, cost %.2f\n", t->actions, t->done,
           t->percent, t->overdue, t->cost);
    if (!p->approvals.n) {
        printf("Not yet approved (isms plan approve --as ACCOUNT).\n");
    }
    for (size_t k = 0; k < p->approvals.n; k++) {
        const struct signoff *s = &p->approvals.v[k];
        struct buf label;
        buf_init(&label, 0);
        signoff_label(s, &label);
        printf("%s%s\n", buf_str(&label),
               s->current > 0 ? "" : " — for an earlier version of the plan");
        buf_free(&label);
    }
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
        struct plan p;
        if (app_plan(&a, &p, &e)) {
            rc = cli_fail(&e);
        } else {
            if (o.json) {
                struct buf b;
                buf_init(&b, 0);
                plan_json(&p, 1, &b);
                cli_print_json(buf_str(&b));
                buf_free(&b);
            } else {
                print_plan(&p);
            }
            plan_free(&p);
        }
    }
    app_close(&a);
    return rc;
}
