/* cmd_metrics.c — `isms metric trend`, `isms nc why` and `isms corrective
 * review`: thin handlers over src/app/metrics.c and improve.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/metrics.h"
#include "../lib/json.h"
#include "cli.h"

/* isms metric trend MET-... [--json] — the series with its evaluations. */
int cmd_metric_trend(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc) {
        return rc;
    }
    static const char *const none[] = {NULL};
    if (o.npos != 1) {
        return cli_usage("usage: isms metric trend MET-NNNN [--json]");
    }
    if ((rc = cli_no_other_opts(&o, none))) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct metric_trend t;
    if (app_metric_trend(&a, o.pos[0], &t, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        struct jw w;
        jw_init(&w, &b, 1);
        metric_trend_json(&w, &t);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        const struct record *m = t.metric;
        const char *unit = record_get(m, "unit");
        const char *dir = record_get(m, "direction");
        printf("%s %s (%s is better; target %s, threshold %s%s%s)\n", m->ref,
               record_get(m, "name"), dir && strcmp(dir, "lower") == 0 ? "lower" : "higher",
               record_get(m, "target") ? record_get(m, "target") : "none",
               record_get(m, "threshold") ? record_get(m, "threshold") : "none",
               unit ? ", unit " : "", unit ? unit : "");
        if (!t.n) {
            printf("no measurement yet\n");
        }
        for (size_t i = 0; i < t.n; i++) {
            printf("%s  %-10s %12s%s  %s\n", t.v[i].ref, t.v[i].on, t.v[i].value,
                   unit ? unit : "", meval_name(t.v[i].eval));
        }
    }
    metric_trend_free(&t);
    app_close(&a);
    return 0;
}
