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

static int open_n(struct cli *c, int argc, char **argv, struct opts *o, int npos,
                  const char *const *allowed, const char *usage, struct app *a)
{
    int rc = cli_parse_opts(c, argc, argv, o, npos);
    if (rc || (rc = cli_refuse_by(o)) || (rc = cli_no_other_opts(o, allowed))) {
        return rc;
    }
    if (o->npos != npos) {
        return cli_usage("usage: %s", usage);
    }
    struct err e = {0};
    if (cli_open(c, a, &e)) {
        return cli_fail(&e);
    }
    return 0;
}

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
    int rc = open_n(c, argc, argv, &o, 0, allowed,
                    "isms supplier reviews [--json] [--today YYYY-MM-DD]", &a);
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
