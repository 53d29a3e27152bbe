/* cmd_people.c — roles and responsibilities, competence and awareness from
 * the terminal: `isms raci`, `isms owners --missing`, `isms competence
 * gaps|summary`, `isms awareness completion|attend`. Thin: every figure
 * comes from src/app/people.c, written to JSON by its one writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/people.h"
#include "../lib/buf.h"
#include "../lib/json.h"
#include "cli.h"

/* Parses options, refuses others, opens the file (signed in as --as, the
 * CLI's own option, when given) and, for a read, checks like the router
 * that the principal may read records of read_type (routes.def's
 * permission of the same page; exit 7 when not). */
static int start(struct cli *c, int argc, char **argv, struct opts *o, int maxpos,
                 const char *const *allowed, struct app *a, const char *read_type)
{
    int rc = cli_parse_opts(c, argc, argv, o, maxpos);
    if (rc || (rc = cli_refuse_by(o)) || (rc = cli_no_other_opts(o, allowed))) {
        return rc;
    }
    struct err e = {0};
    if (cli_open(c, a, &e)) {
        return cli_fail(&e);
    }
    if (read_type && app_may_read(a, rtype_find(read_type), 0, &e)) {
        app_close(a);
        return cli_fail(&e);
    }
    return 0;
}

typedef void (*writer_fn)(struct jw *w, const void *x);

static void print_json(writer_fn fn, const void *x)
{
    struct buf b;
    buf_init(&b, 0);
    struct jw w;
    jw_init(&w, &b, 1);
    fn(&w, x);
    cli_print_json(buf_str(&b));
    buf_free(&b);
}

/* ---- isms raci -------------------------------------------------------------- */

static void w_raci(struct jw *w, const void *x)
{
    raci_json(w, x);
}

static int raci_show(struct cli *c, int argc, char **argv)
{
    struct opts o;
    struct app a;
    static const char *const allowed[] = {NULL};
    int rc = start(c, argc, argv, &o, 0, allowed, &a, "responsibility");
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct raci m;
    if (app_raci(&a, &m, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (o.json) {
        print_json(w_raci, &m);
    } else {
        printf("%-10s %-44s", "", "");
        for (size_t j = 0; j < m.ncols; j++) {
            printf(" %-9s", m.cols[j].party);
        }
        printf("\n");
        for (size_t i = 0; i < m.nrows; i++) {
            const struct raci_row *r = &m.rows[i];
            printf("%-10s %-44.44s", r->subject, r->title);
            for (size_t j = 0; j < m.ncols; j++) {
                printf(" %-9c", r->cells[j]);
            }
            if (r->accountable > 1) {
                printf("  more than one accountable");
            } else if (!r->accountable) {
                printf("  %s", r->owner[0] ? "(owner accountable)" : "nobody accountable");
            }
            printf("\n");
        }
        printf("\n");
        for (size_t j = 0; j < m.ncols; j++) {
            printf("%-9s %s\n", m.cols[j].party, m.cols[j].name);
        }
    }
    raci_free(&m);
    app_close(&a);
    return 0;
}

int cmd_raci(struct cli *c)
{
    if (c->argc >= 1 && strcmp(c->argv[0], "set") == 0) {
        struct opts o;
        struct app a;
        static const char *const allowed[] = {NULL};
        int rc = start(c, c->argc - 1, c->argv + 1, &o, 3, allowed, &a, NULL);
        if (rc) {
            return rc;
        }
        if (o.npos != 3) {
            app_close(&a);
            return cli_usage("usage: isms raci set PRC-...|CONTROL ROLE-...|P-... R|A|C|I|none");
        }
        struct err e = {0};
        int changed = 0;
        if (app_raci_set(&a, o.pos[0], o.pos[1], o.pos[2], &changed, &e)) {
            app_close(&a);
            return cli_fail(&e);
        }
        printf("%s %s: %s%s\n", o.pos[0], o.pos[1], o.pos[2], changed ? "" : " (unchanged)");
        app_close(&a);
        return 0;
    }
    return raci_show(c, c->argc, c->argv);
}

/* ---- isms owners --missing ---------------------------------------------------- */

static void w_gaps(struct jw *w, const void *x)
{
    owner_gaps_json(w, x);
}

int cmd_owners(struct cli *c)
{
    /* --missing is the list this command gives: required, taken here */
    char *args[64];
    int n = 0, missing = 0;
    for (int i = 0; i < c->argc && n < 63; i++) {
        if (strcmp(c->argv[i], "--missing") == 0) {
            missing = 1;
        } else {
            args[n++] = c->argv[i];
        }
    }
    if (!missing) {
        return cli_usage("usage: isms owners --missing [--json]");
    }
    struct opts o;
    struct app a;
    static const char *const allowed[] = {NULL};
    int rc = start(c, n, args, &o, 0, allowed, &a, "process");
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct owner_gaps g;
    if (app_owners_missing(&a, &g, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (o.json) {
        print_json(w_gaps, &g);
    } else if (!g.n) {
        printf("every record that needs an owner has one\n");
    } else {
        for (size_t i = 0; i < g.n; i++) {
            printf("%-10s %-14s %-50.50s %s\n", g.v[i].ref, g.v[i].type, g.v[i].title,
                   g.v[i].reason);
        }
    }
    owner_gaps_free(&g);
    app_close(&a);
    return 0;
}

/* ---- isms competence gaps|summary ------------------------------------------------ */

static void w_comp(struct jw *w, const void *x)
{
    comp_gaps_json(w, x);
}

static void w_summary(struct jw *w, const void *x)
{
    const struct comp_summary *s = x;
    jw_obj(w);
    jw_key(w, "holders");
    jw_int(w, s->holders);
    jw_key(w, "covered");
    jw_int(w, s->covered);
    jw_key(w, "gaps");
    jw_int(w, s->gaps);
    jw_key(w, "expiring");
    jw_int(w, s->expiring);
    jw_obj_end(w);
}

int cmd_competence(struct cli *c)
{
    const char *sub = c->argc >= 1 ? c->argv[0] : "";
    int gaps = strcmp(sub, "gaps") == 0, summary = strcmp(sub, "summary") == 0;
    if (!gaps && !summary) {
        return cli_usage("usage: isms competence gaps [--role ROLE-...|--person P-...] [--json] | "
                         "summary [--json]");
    }
    struct opts o;
    struct app a;
    static const char *const gap_opts[] = {"role", "person", "today", NULL};
    static const char *const sum_opts[] = {"today", NULL};
    int rc = start(c, c->argc - 1, c->argv + 1, &o, 0, gaps ? gap_opts : sum_opts, &a,
                   "qualification");
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (summary) {
        struct comp_summary s;
        if (app_competence_summary(&a, cli_opt(&o, "today"), &s, &e)) {
            app_close(&a);
            return cli_fail(&e);
        }
        if (o.json) {
            print_json(w_summary, &s);
        } else {
            printf("holders of ISMS roles: %ld, with evidence of competence for every "
                   "requirement: %ld; gaps: %ld; expiring within %d days: %ld\n",
                   s.holders, s.covered, s.gaps, COMPETENCE_LEAD_DAYS, s.expiring);
        }
        app_close(&a);
        return 0;
    }
    const char *role = cli_opt(&o, "role"), *person = cli_opt(&o, "person");
    if (role && person) {
        app_close(&a);
        return cli_usage("competence gaps: --role or --person, not both");
    }
    struct comp_gaps g;
    if (app_competence_gaps(&a, role, person, cli_opt(&o, "today"), &g, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (o.json) {
        print_json(w_comp, &g);
    } else {
        for (size_t i = 0; i < g.n; i++) {
            const struct comp_item *it = &g.v[i];
            printf("%-9s %-28.28s %-9s %-28.28s %-9s %-40.40s %-8s %s%s%s\n", it->role,
                   it->role_name, it->person, it->person_name, it->requirement, it->title,
                   comp_state_name(it->state), it->evidence,
                   it->expires[0] ? (it->expired ? " expired " : " until ") : "", it->expires);
        }
        printf("met %ld, expiring %ld, missing %ld\n", g.met, g.expiring, g.missing);
    }
    comp_gaps_free(&g);
    app_close(&a);
    return 0;
}

/* ---- isms awareness completion|attend ------------------------------------------- */

static void w_aw(struct jw *w, const void *x)
{
    aw_completion_json(w, x);
}

int cmd_awareness(struct cli *c)
{
    const char *sub = c->argc >= 1 ? c->argv[0] : "";
    int completion = strcmp(sub, "completion") == 0, attend = strcmp(sub, "attend") == 0;
    if (!completion && !attend) {
        return cli_usage("usage: isms awareness completion AWC-... [--json] | attend AWS-... "
                         "--as ACCOUNT [--date YYYY-MM-DD]");
    }
    struct opts o;
    struct app a;
    static const char *const comp_opts[] = {NULL};
    static const char *const att_opts[] = {"date", NULL};
    int rc = start(c, c->argc - 1, c->argv + 1, &o, 1, completion ? comp_opts : att_opts, &a,
                   completion ? "campaign" : "briefing");
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (o.npos != 1) {
        app_close(&a);
        return cli_usage(completion ? "usage: isms awareness completion AWC-... [--json]"
                                    : "usage: isms awareness attend AWS-... --as ACCOUNT");
    }
    if (attend) {
        if (!c->as) { /* --as is the CLI's: cli_open signed the account in */
            app_close(&a);
            return cli_usage("awareness attend: --as ACCOUNT (the account that attended signs)");
        }
        char ref[24];
        int existing = 0;
        if (app_attendance_confirm(&a, o.pos[0], cli_opt(&o, "date"), ref, sizeof ref, &existing,
                                   &e)) {
            app_close(&a);
            return cli_fail(&e);
        }
        printf("%s: attendance of %s at %s %s\n", ref, a.signer.person, o.pos[0],
               existing ? "was already recorded" : "recorded");
        app_close(&a);
        return 0;
    }
    struct aw_completion k;
    if (app_awareness_completion(&a, o.pos[0], &k, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (o.json) {
        print_json(w_aw, &k);
    } else {
        printf("%s %s: %ld of %ld people done (%ld attended, %ld acknowledged the %ld policies; "
               "%ld sessions)\n",
               k.campaign, k.title, k.done, k.people, k.attended, k.acknowledged, k.documents,
               k.sessions);
        for (size_t i = 0; i < k.ndept; i++) {
            printf("  %-30s %ld / %ld\n", k.dept[i].department[0] ? k.dept[i].department : "(none)",
                   k.dept[i].done, k.dept[i].people);
        }
    }
    aw_completion_free(&k);
    app_close(&a);
    return 0;
}
