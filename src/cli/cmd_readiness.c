/* cmd_readiness.c — `isms readiness [--json] [--as ACCOUNT]` and `isms
 * journey [--json] [--as ACCOUNT]`: the readiness report and the
 * implementation journey (src/app/readiness.h) on the terminal, or as the
 * JSON of readiness_json / journey_json. With --as the command reads as
 * that account (its role's rows only; staff are refused). */
#include <stdio.h>
#include <string.h>

#include "../app/readiness.h"
#include "../lib/json.h"
#include "../lib/util.h"
#include "cli.h"

static int open_as(struct cli *c, const char *usage, struct opts *o, struct app *a, int *rc)
{
    *rc = cli_parse_opts(c, c->argc, c->argv, o, 0);
    if (*rc) {
        return -1;
    }
    static const char *const allowed[] = {"as", NULL};
    if (o->help) {
        printf("%s\n", usage);
        *rc = 0;
        return -1;
    }
    if ((*rc = cli_no_other_opts(o, allowed))) {
        return -1;
    }
    struct err e = {0};
    if (cli_open(c, a, &e)) {
        *rc = cli_fail(&e);
        return -1;
    }
    /* --as ACCOUNT: cli_open signed it in; app_readiness / app_journey read
     * as a.who and refuse a role the route refuses (PERM_READ on scopes) */
    return 0;
}

static void print_json_done(struct buf *b)
{
    buf_putc(b, '\n');
    fwrite(b->p, 1, b->len, stdout);
    buf_free(b);
}

int cmd_readiness(struct cli *c)
{
    struct opts o;
    struct app a;
    int rc;
    if (open_as(c, "usage: isms readiness [--json] [--as ACCOUNT]", &o, &a, &rc)) {
        return rc;
    }
    struct err e = {0};
    struct readiness r;
    if (app_readiness(&a, NULL, &r, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        readiness_json(&w, &r);
        print_json_done(&b);
    } else {
        printf("Readiness %d%% (%d of %d checks hold), %d gap%s; mandatory documented "
               "information ready: %d of %d (as of %s)\n",
               r.percent, r.passed, r.asked, r.gaps, r.gaps == 1 ? "" : "s", r.mandatory_ready,
               r.mandatory, r.today);
        const char *last = "";
        for (int i = 0; i < r.nitems; i++) {
            const struct readiness_item *it = &r.items[i];
            const char *cl = it->rule->clause;
            if (strcmp(cl, last) != 0) {
                for (int k = 0; k < r.nclauses; k++) {
                    if (strcmp(r.clauses[k].clause, cl) == 0) {
                        printf("\n%s %s — %d%%\n", cl, r.clauses[k].title, r.clauses[k].percent);
                    }
                }
                if (!cl[0]) {
                    printf("\n(no clause: journey only)\n");
                }
                last = cl;
            }
            char m[8] = "";
            if (it->rule->mandatory) {
                snprintf(m, sizeof m, "[M%d]", it->rule->mandatory);
            }
            printf("  %-5s %-16s %-5s present %-3s approved %-3s current %-3s evidence %-3s  %s\n",
                   m, it->rule->id, it->ready ? "READY" : it->hidden ? "-" : "GAP",
                   rd_answer_name(it->present.answer), rd_answer_name(it->approved.answer),
                   rd_answer_name(it->current.answer), rd_answer_name(it->evidence.answer),
                   it->rule->title);
            if (!it->ready && !it->hidden) {
                printf("        gap: %s -> %s\n", it->gap, it->fix);
            }
            if (it->via) {
                /* an alternative of the rule holds (readiness.def ALT) */
                printf("        held by %s records: %s\n", it->via->source,
                       it->evidence.answer == RD_YES ? it->evidence.reason : it->present.reason);
            }
        }
    }
    readiness_free(&r);
    app_close(&a);
    return 0;
}

int cmd_journey(struct cli *c)
{
    struct opts o;
    struct app a;
    int rc;
    if (open_as(c, "usage: isms journey [--json] [--as ACCOUNT]", &o, &a, &rc)) {
        return rc;
    }
    struct err e = {0};
    struct journey j;
    if (app_journey(&a, NULL, &j, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        journey_json(&w, &j);
        print_json_done(&b);
    } else {
        printf("Implementation journey (as of %s): ", j.rd.today);
        if (j.current < j.nstages) {
            printf("stage %d of %d, %s\n", j.stage[j.current].n, j.nstages,
                   j.stage[j.current].title);
        } else {
            printf("every stage done\n");
        }
        for (int s = 0; s < j.nstages; s++) {
            const struct journey_stage *st = &j.stage[s];
            printf("\n%d. %s — %s (%d of %d)\n", st->n, st->title, stage_state_name(st->state),
                   st->ready, st->nitems);
            for (int i = 0; i < st->nitems; i++) {
                const struct readiness_item *it = st->item[i];
                if (it->ready) {
                    printf("   done: %s\n", it->rule->title);
                } else if (!it->hidden) {
                    printf("   next: %s — %s -> %s\n", it->rule->title, it->gap, it->fix);
                }
            }
        }
    }
    journey_free(&j);
    app_close(&a);
    return 0;
}
