/* cmd_audit.c — control tests (9.1), the audit programme's coverage,
 * checklists and reports (9.2) on the terminal. Thin: each command calls
 * one app function (src/app/audit.c) and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/audit.h"
#include "../lib/buf.h"
#include "../lib/json.h"
#include "cli.h"

void cli_audit_warnings(struct app *a, const struct rtype *t, const char *ref)
{
    if (strcmp(t->name, "audit") != 0) {
        return;
    }
    struct record *r = NULL;
    struct err e = {0};
    if (app_record_get(a, t, ref, &r, &e) == 0) {
        const char *w = record_get(r, "independence");
        if (w) {
            fprintf(stderr, "warning: auditor independence (recorded on %s):\n", ref);
            const char *p = w;
            while (*p) {
                const char *nl = strchr(p, '\n');
                int n = nl ? (int)(nl - p) : (int)strlen(p);
                fprintf(stderr, "  %.*s\n", n, p);
                p += n + (nl ? 1 : 0);
            }
        }
    }
    record_free(r);
}

/* Parses ID-style arguments: exactly npos positional, only the allowed options. */
static int args(struct cli *c, int argc, char **argv, struct opts *o, int min_pos, int max_pos,
                const char *const *allowed, const char *usage)
{
    int rc = cli_parse_opts(c, argc, argv, o, max_pos);
    if (rc || (rc = cli_no_other_opts(o, allowed))) {
        return rc;
    }
    if (o->npos < min_pos || o->help) {
        return cli_usage("usage: %s", usage);
    }
    return 0;
}

int cmd_control_tests(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = args(c, argc, argv, &o, 0, 1, NULL, "isms control tests [CONTROL] [--json]");
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct ctest_states s;
    /* --as: the router's read permission, as for the pages */
    if (app_may_read(&a, rtype_find("ctest"), 0, &e) ||
        app_ctest_states(&a, o.npos ? o.pos[0] : NULL, NULL, &s, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        struct jw w;
        jw_init(&w, &b, 1);
        jw_arr(&w);
        for (size_t i = 0; i < s.n; i++) {
            const struct ctest_state *t = &s.v[i];
            jw_obj(&w);
            jw_key(&w, "id");
            jw_str(&w, t->test);
            jw_key(&w, "control");
            jw_str(&w, t->control);
            jw_key(&w, "title");
            jw_str(&w, t->title);
            jw_key(&w, "frequency");
            jw_str(&w, t->frequency);
            jw_key(&w, "tester");
            jw_str(&w, t->tester[0] ? t->tester : NULL);
            jw_key(&w, "last_run");
            jw_str(&w, t->last_run[0] ? t->last_run : NULL);
            jw_key(&w, "last_date");
            jw_str(&w, t->last_date[0] ? t->last_date : NULL);
            jw_key(&w, "last_result");
            jw_str(&w, t->last_result[0] ? t->last_result : NULL);
            jw_key(&w, "nonconformity");
            jw_str(&w, t->last_nc[0] ? t->last_nc : NULL);
            jw_key(&w, "due");
            jw_str(&w, t->due);
            jw_key(&w, "overdue");
            jw_bool(&w, t->overdue);
            jw_key(&w, "failed");
            jw_bool(&w, t->failed);
            jw_key(&w, "flag");
            jw_str(&w, ctest_state_flag(t));
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        printf("%-8s %-9s %-11s %-10s %-16s %-10s %s\n", "test", "control", "frequency",
               "due", "last result", "last run", "state");
        for (size_t i = 0; i < s.n; i++) {
            const struct ctest_state *t = &s.v[i];
            printf("%-8s %-9s %-11s %-10s %-16s %-10s %s%s%s\n", t->test, t->control,
                   t->frequency, t->due, t->last_result[0] ? t->last_result : "-",
                   t->last_date[0] ? t->last_date : "-", ctest_state_flag(t),
                   t->last_nc[0] ? " -> " : "", t->last_nc);
        }
        printf("\n%zu control tests\n", s.n);
    }
    ctest_states_free(&s);
    app_close(&a);
    return 0;
}

int cmd_control_test_fail(struct cli *c, int argc, char **argv)
{
    struct opts o;
    static const char *const allowed[] = {"note", "result", "date", NULL};
    int rc = args(c, argc, argv, &o, 1, 1, allowed,
                  "isms control test-fail CT-... --note TEXT [--result "
                  "not-effective|partly-effective] [--date YYYY-MM-DD]");
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    char *run = NULL, *nc = NULL;
    if (app_ctest_fail(&a, o.pos[0], cli_opt(&o, "result"), cli_opt(&o, "date"),
                       cli_opt(&o, "note"), &run, &nc, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s recorded (failed); raised %s\n", run, nc);
    }
    free(run);
    free(nc);
    app_close(&a);
    return rc;
}

int cmd_ctrun_raise_nc(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = args(c, argc, argv, &o, 1, 1, NULL, "isms ctrun raise-nc CTR-...");
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    char *nc = NULL;
    if (app_ctrun_raise_nc(&a, o.pos[0], &nc, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s raised %s\n", o.pos[0], nc);
    }
    free(nc);
    app_close(&a);
    return rc;
}

static const char *cell(enum cov_state s)
{
    return s == COV_DONE ? "done" : s == COV_PLANNED ? "planned" : "-";
}

int cmd_audit_coverage(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = args(c, argc, argv, &o, 0, 1, NULL, "isms audit coverage [PRG-...] [--json]");
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct coverage cv;
    if (app_may_read(&a, rtype_find("audit"), 0, &e) ||
        app_audit_coverage(&a, o.npos ? o.pos[0] : NULL, NULL, &cv, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        coverage_json(&cv, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        printf("%s%s%s, cycle %d-%d: %zu audits\n", cv.programme, cv.programme[0] ? " " : "",
               cv.title, cv.start_year, cv.start_year + COV_YEARS - 1, cv.audits);
        printf("Rule: %s\n\n", audit_frequency_rule);
        printf("%-8s %-9s %-8s %-8s %-8s %-5s %s\n", "area", "id", "", "", "", "gap", "notes");
        printf("%-8s %-9s %-8d %-8d %-8d\n", "", "", cv.start_year, cv.start_year + 1,
               cv.start_year + 2);
        for (size_t i = 0; i < cv.n; i++) {
            const struct cov_area *ar = &cv.v[i];
            printf("%-8s %-9s %-8s %-8s %-8s %-5s %s%s%s%s\n", ar->kind, ar->id,
                   cell(ar->year[0]), cell(ar->year[1]), cell(ar->year[2]),
                   ar->gap ? "GAP" : "", ar->gap ? ar->gap_why : "",
                   ar->gap && ar->more_often ? "; " : "",
                   ar->more_often ? "due more often: " : "", ar->more_often ? ar->why : "");
        }
        printf("\n%zu clauses, %zu applicable controls; %zu due more often; %zu gap%s\n",
               cv.clauses, cv.controls, cv.more_often, cv.gaps, cv.gaps == 1 ? "" : "s");
        if (cv.gaps) {
            for (int k = 0; k < 2; k++) {
                const char *kind = k ? "control" : "clause";
                int any = 0;
                for (size_t i = 0; i < cv.n; i++) {
                    if (cv.v[i].gap && strcmp(cv.v[i].kind, kind) == 0) {
                        printf("%s %s", any++ ? "," : k ? "Controls not covered as required:"
                                                        : "Clauses not covered as required:",
                               cv.v[i].id);
                    }
                }
                if (any) {
                    printf("\n");
                }
            }
        }
    }
    coverage_free(&cv);
    app_close(&a);
    return 0;
}

int cmd_audit_generate(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = args(c, argc, argv, &o, 1, 1, NULL, "isms audit generate AUD-...");
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    int added = 0;
    if (app_audit_checklist(&a, o.pos[0], &added, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: %d checklist item%s added\n", o.pos[0], added, added == 1 ? "" : "s");
    }
    app_close(&a);
    return rc;
}

static int report(struct cli *c, int argc, char **argv, int full)
{
    struct opts o;
    int rc = args(c, argc, argv, &o, 1, 1, NULL,
                  full ? "isms audit report AUD-... [--json]" : "isms audit checklist AUD-... [--json]");
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct audit_report r;
    if (app_may_read(&a, rtype_find("audit"), 0, &e) ||
        app_audit_report(&a, o.pos[0], &r, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        audit_report_json(&r, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        const struct record *au = r.audit;
        if (full) {
            printf("Audit report %s: %s\n", au->ref, record_get(au, "title"));
            printf("Kind: %s (%s)   Status: %s   Planned: %s   Performed: %s\n",
                   record_get(au, "kind"), audit_party(record_get(au, "kind")),
                   record_get(au, FIELD_STATUS),
                   record_get(au, "planned_on") ? record_get(au, "planned_on") : "-",
                   record_get(au, "performed_on") ? record_get(au, "performed_on") : "-");
            printf("Scope: clauses %s; controls %s\n",
                   record_get(au, "clauses") ? record_get(au, "clauses") : "-",
                   record_get(au, "controls") ? record_get(au, "controls") : "-");
            if (record_get(au, "independence")) {
                printf("Independence warnings:\n  %s\n", record_get(au, "independence"));
            }
            printf("Results:");
            for (int i = 0; i < 6; i++) {
                printf(" %s %zu%s", audit_result_names[i], r.results[i], i < 5 ? "," : "\n");
            }
        }
        for (size_t i = 0; i < r.nitems; i++) {
            const struct record *it = r.items[i];
            const char *res = record_get(it, "result");
            const char *nc = record_get(it, "nonconformity");
            printf("%-9s %-8s %-20s %s%s%.100s\n", it->ref,
                   record_get(it, "clause") ? record_get(it, "clause") : record_get(it, "control"),
                   res ? res : "(open)", nc ? nc : "", nc ? " " : "", record_get(it, "question"));
        }
        if (full) {
            printf("Findings: %zu\n", r.nfindings);
            for (size_t i = 0; i < r.nfindings; i++) {
                printf("  %s %s %s\n", r.findings[i]->ref, record_get(r.findings[i], "kind"),
                       record_get(r.findings[i], "title"));
            }
            printf("Nonconformities raised:");
            for (size_t i = 0; i < r.nncs; i++) {
                printf(" %s", r.ncs[i]);
            }
            printf("%s\n", r.nncs ? "" : " none");
        } else {
            printf("\n%zu checklist items\n", r.nitems);
        }
    }
    audit_report_free(&r);
    app_close(&a);
    return 0;
}

int cmd_audit_checklist(struct cli *c, int argc, char **argv)
{
    return report(c, argc, argv, 0);
}

int cmd_audit_report(struct cli *c, int argc, char **argv)
{
    return report(c, argc, argv, 1);
}
