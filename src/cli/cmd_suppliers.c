/* cmd_suppliers.c — supplier reviews, questionnaires, access reviews on the
 * command line (thin: parse, call src/app/suppliers.c, print). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/suppliers.h"
#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "cli.h"

static int bad_date(const char *opt, const char *v)
{
    int y, m, d;
    if (v && date_parse(v, &y, &m, &d)) {
        return cli_usage("--%s: give a date as YYYY-MM-DD, not '%.40s'", opt, v);
    }
    return 0;
}

/* isms supplier reviews [--json] [--today YYYY-MM-DD] */
int cmd_supplier_reviews(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"today", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 0, allowed,
                    "isms supplier reviews [--json] [--today YYYY-MM-DD]", "supplier", &a);
    if (rc) {
        return rc;
    }
    const char *today = cli_opt(&o, "today");
    if ((rc = bad_date("today", today))) {
        app_close(&a);
        return rc;
    }
    struct err e = {0};
    struct supplier_dues d;
    if (app_supplier_schedule(&a, today, &d, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        supplier_dues_json(&d, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        printf("%s\n", supplier_interval_rule);
        for (size_t i = 0; i < d.n; i++) {
            const struct supplier_due *s = &d.v[i];
            printf("%-9s %-10s next %s%s  every %2d months  last %s %s  %s\n", s->ref,
                   s->criticality[0] ? s->criticality : "-", s->next,
                   s->overdue ? " OVERDUE" : "", s->months, s->last[0] ? s->last : "never",
                   s->last_result, s->name);
        }
    }
    supplier_dues_free(&d);
    app_close(&a);
    return rc;
}

/* isms questionnaire send SUP-0001 --template QT-0001 [--days N] [--contact TEXT]
 * [--base URL]: the questionnaire's identifier, then the link (shown once). */
int cmd_questionnaire_send(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"template", "days", "contact", "base", NULL};
    struct opts o;
    struct app a;
    static const char usage[] =
        "isms questionnaire send SUP-0001 --template QT-0001 [--days N] [--contact TEXT] "
        "[--base https://isms.example.org]";
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, usage, NULL, &a);
    if (rc) {
        return rc;
    }
    const char *tmpl = cli_opt(&o, "template");
    const char *days_s = cli_opt(&o, "days");
    int64_t days = 0;
    if (!tmpl) {
        app_close(&a);
        return cli_usage("questionnaire send: give --template QT-... (usage: %s)", usage);
    }
    if (days_s && (int_parse(days_s, &days) || days < 1 || days > 90)) {
        app_close(&a);
        return cli_usage("--days: give a whole number of days from 1 to 90, not '%.40s'",
                         days_s);
    }
    struct err e = {0};
    char *ref = NULL, *token = NULL;
    if (app_questionnaire_send(&a, o.pos[0], tmpl, cli_opt(&o, "contact"), (int)days, &ref,
                               &token, &e)) {
        rc = cli_fail(&e);
    } else {
        const char *base = cli_opt(&o, "base");
        size_t bl = base ? strlen(base) : 0;
        while (bl && base[bl - 1] == '/') {
            bl--;
        }
        printf("%s\n%.*s/q/%s\n", ref, (int)bl, base ? base : "", token);
        fprintf(stderr, "isms: the link is shown once (only its hash is stored); it needs no "
                        "account and reaches only this questionnaire\n");
    }
    free(ref);
    free(token);
    app_close(&a);
    return rc;
}

/* isms questionnaire answers QR-0001 [--json] */
int cmd_questionnaire_answers(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms questionnaire answers QR-0001 [--json]",
                    "questionnaire", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct qform f;
    if (app_questionnaire_answers(&a, o.pos[0], &f, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        qform_answers_json(&f, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        printf("%s: %s for %s (%s)\n", f.questionnaire, f.title, f.supplier_name, f.supplier);
        if (!f.completed) {
            printf("not answered yet; the link expires %s\n", f.expires_at);
        } else {
            printf("answered %s; score %.1f of %.1f points (%.1f %%)\n", f.completed_at, f.score,
                   f.max_score, f.max_score > 0 ? f.score * 100.0 / f.max_score : 0.0);
            for (int k = 0; k < f.n; k++) {
                printf("%-8s %-6s %4.1f/%-4.1f %s\n         answer: %s\n", f.q[k].ref,
                       f.q[k].type, f.q[k].points, f.q[k].max_points, f.q[k].text,
                       f.q[k].answer);
            }
        }
    }
    qform_free(&f);
    app_close(&a);
    return rc;
}

/* isms processing register [--json] */
int cmd_privacy_register(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 0, allowed, "isms processing register [--json]",
                    "processing", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct privacy_register p;
    if (app_privacy_register(&a, &p, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        privacy_register_json(&p, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        printf("%zu processing activities; DPIA expected for %ld, missing for %ld\n", p.n,
               p.needing, p.missing);
        for (size_t i = 0; i < p.n; i++) {
            const struct privacy_row *r = &p.v[i];
            printf("%-8s %-22s %-32s DPIA %s%s%s%s\n", r->ref, r->legal_basis, r->name,
                   r->dpia[0] ? r->dpia : "-", r->dpia[0] ? " " : "", r->dpia_status,
                   r->dpia_missing           ? "  MISSING (special categories or transfers)"
                   : r->against_decision     ? "  ACTIVE AGAINST THE DPIA DECISION"
                                             : "");
        }
    }
    privacy_register_free(&p);
    app_close(&a);
    return rc;
}

static void print_status(const struct areview_status *s)
{
    printf("%s %s on %s, due %s: %ld of %ld accounts decided (keep %ld, change %ld, revoke %ld; "
           "%ld revocations open)%s%s\n",
           s->ref, s->title, s->system, s->due, s->decided, s->total, s->keep, s->change,
           s->revoke, s->revoke_open, s->complete ? "; complete" : "",
           s->overdue ? "; OVERDUE" : "");
}

/* isms areview status AR-0001 [--json] */
int cmd_areview_status(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms areview status AR-0001 [--json]",
                    "areview", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct areview_status s;
    if (app_areview_status(&a, o.pos[0], &s, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        areview_status_json(&s, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        print_status(&s);
    }
    app_close(&a);
    return rc;
}

/* isms areview import AR-0001 FILE.csv */
int cmd_areview_import(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 2, allowed, "isms areview import AR-0001 FILE.csv",
                    NULL, &a);
    if (rc) {
        return rc;
    }
    FILE *fp = fopen(o.pos[1], "rb");
    if (!fp) {
        app_close(&a);
        return cli_usage("%s: cannot read it", o.pos[1]);
    }
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len < 64u << 20) {
        buf_append(&b, chunk, got);
    }
    fclose(fp);
    struct err e = {0};
    long added = 0;
    if (app_areview_import(&a, o.pos[0], buf_str(&b), b.len, &added, &e)) {
        char msg[sizeof e.msg];
        snprintf(msg, sizeof msg, "%.100s: %.400s", o.pos[1], e.msg);
        strlcpy_(e.msg, msg, sizeof e.msg);
        rc = cli_fail(&e);
    } else {
        printf("%ld accounts added to %s\n", added, o.pos[0]);
    }
    buf_free(&b);
    app_close(&a);
    return rc;
}

/* isms areview decide ACC-0001 keep|change|revoke [--comment TEXT] --as ACCOUNT */
int cmd_areview_decide(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "comment", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 2, allowed,
                    "isms areview decide ACC-0001 keep|change|revoke [--comment TEXT] --as ACCOUNT",
                    NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (!c->as) { /* --as is the CLI's (cli_open signed it in) */
        app_close(&a);
        return cli_usage("areview decide: give --as ACCOUNT (the reviewer's account: the decider "
                         "is the signed-in account)");
    }
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_access_decide(&a, o.pos[0], o.pos[1], cli_opt(&o, "comment"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: %s (decided by %s)\n", o.pos[0], o.pos[1], a.signer.name);
    }
    app_close(&a);
    return rc;
}

/* isms areview assign AR-0001 --group NAME --reviewer P-0001 */
int cmd_areview_assign(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"group", "reviewer", NULL};
    struct opts o;
    struct app a;
    static const char usage[] = "isms areview assign AR-0001 --group NAME --reviewer P-0001";
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, usage, NULL, &a);
    if (rc) {
        return rc;
    }
    if (!cli_opt(&o, "group") || !cli_opt(&o, "reviewer")) {
        app_close(&a);
        return cli_usage("usage: %s", usage);
    }
    struct err e = {0};
    long changed = 0;
    if (app_areview_assign(&a, o.pos[0], cli_opt(&o, "group"), cli_opt(&o, "reviewer"),
                           &changed, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%ld accounts of group %s now reviewed by %s\n", changed, cli_opt(&o, "group"),
               cli_opt(&o, "reviewer"));
    }
    app_close(&a);
    return rc;
}
