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
    /* as the router (--as): the record as the reader sees it, then the
     * register's read permission */
    if (app_metric_trend(&a, o.pos[0], &t, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (app_may_read(&a, rtype_find("measurement"), 0, &e)) {
        metric_trend_free(&t);
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

/* isms nc why NC-... TEXT [--step N] — the next "why?" answer, or step N's. */
int cmd_nc_why(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"step", NULL};
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 2);
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (o.npos != 2) {
        return cli_usage("usage: isms nc why NC-NNNN \"TEXT\" [--step N]");
    }
    int step = 0;
    const char *s = cli_opt(&o, "step");
    if (s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (*end || v < 1 || v > 100) {
            return cli_usage("--step: give the number of a step (1 to 100)");
        }
        step = (int)v;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    int pos = 0;
    if (app_nc_why(&a, o.pos[0], step, o.pos[1], &pos, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s why %d %s\n", o.pos[0], pos, step ? "updated" : "added");
    }
    app_close(&a);
    return rc;
}

/* isms nc whys NC-... [--json] — the chain in order. */
int cmd_nc_whys(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 1) {
        return cli_usage("usage: isms nc whys NC-NNNN [--json]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct nc_whys l;
    /* as the router (--as): the record as the reader sees it, then the
     * register's read permission */
    if (app_nc_whys(&a, o.pos[0], &l, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (app_may_read(&a, rtype_find("nonconformity"), 0, &e)) {
        nc_whys_free(&l);
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
        for (size_t i = 0; i < l.n; i++) {
            jw_obj(&w);
            jw_key(&w, "position");
            jw_int(&w, l.v[i].position);
            jw_key(&w, "text");
            jw_str(&w, l.v[i].text);
            jw_key(&w, "at");
            jw_str(&w, l.v[i].at);
            jw_key(&w, "by");
            jw_str(&w, l.v[i].by);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        for (size_t i = 0; i < l.n; i++) {
            printf("%d. Why? %s\n", l.v[i].position, l.v[i].text);
        }
        if (!l.n) {
            printf("no step yet: isms nc why %s \"TEXT\"\n", o.pos[0]);
        }
    }
    nc_whys_free(&l);
    app_close(&a);
    return 0;
}

/* isms nc ... — nonconformities: why/whys here, the rest as `isms
 * nonconformity ...`. */
int cmd_nc(struct cli *c)
{
    const struct rtype *t = rtype_find("nonconformity");
    if (c->argc >= 1 && strcmp(c->argv[0], "why") == 0) {
        return cmd_nc_why(c, c->argc - 1, c->argv + 1);
    }
    if (c->argc >= 1 && strcmp(c->argv[0], "whys") == 0) {
        return cmd_nc_whys(c, c->argc - 1, c->argv + 1);
    }
    return cmd_record(c, t);
}

/* isms corrective review CA-... --as ACCOUNT --rationale TEXT [--effective no] */
int cmd_ca_review(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "rationale", "effective", "on-behalf-of",
                                          "evidence", NULL};
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_refuse_by(&o)) || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (o.npos != 1) {
        return cli_usage("usage: isms corrective review CA-NNNN --as ACCOUNT --rationale TEXT "
                         "[--effective yes|no]");
    }
    const char *eff = cli_opt(&o, "effective");
    if (eff && strcmp(eff, "yes") != 0 && strcmp(eff, "no") != 0) {
        return cli_usage("--effective: yes (the action removed the cause) or no");
    }
    int effective = !eff || strcmp(eff, "yes") == 0;
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_ca_review(&a, o.pos[0], effective, cli_opt(&o, "rationale"),
                      cli_opt(&o, "on-behalf-of"), cli_opt(&o, "evidence"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s effectiveness reviewed by %s (account %s): %s\n", o.pos[0], a.signer.person,
               a.signer.name,
               effective ? "effective, verified" : "not effective, back to in-progress");
    }
    app_close(&a);
    return rc;
}
