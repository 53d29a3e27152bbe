/* cmd_risk.c — risk subcommands beyond the generic ones (subcommands.def):
 * accept, review, the heat map, the register export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../model/method.h"
#include "../report/registers.h"
#include "cli.h"

static const char *const accept_opts[] = {"as", "rationale", "on-behalf-of", "evidence", NULL};

int cmd_risk_accept(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_refuse_by(&o)) || (rc = cli_no_other_opts(&o, accept_opts))) {
        return rc;
    }
    if (o.npos != 1) {
        return cli_usage("usage: isms risk accept ID --as ACCOUNT --rationale TEXT "
                         "[--on-behalf-of PERSON --evidence ATT-...]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_risk_accept(&a, o.pos[0], cli_opt(&o, "rationale"), cli_opt(&o, "on-behalf-of"),
                        cli_opt(&o, "evidence"), &e)) {
        rc = cli_fail(&e);
    } else if (cli_opt(&o, "on-behalf-of")) {
        printf("%s accepted: recorded on behalf of %s by %s (account %s)\n", o.pos[0],
               cli_opt(&o, "on-behalf-of"), a.signer.person, a.signer.name);
    } else {
        printf("%s accepted by %s (account %s)\n", o.pos[0], a.signer.person, a.signer.name);
    }
    app_close(&a);
    return rc;
}

int cmd_risk_review(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 1) {
        return cli_usage("usage: isms risk review ID");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct record *r = NULL;
    if (app_risk_review(&a, o.pos[0], &e) ||
        app_record_get(&a, rtype_find("risk"), o.pos[0], &r, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s reviewed; next review %s\n", r->ref, record_get(r, "review_date"));
    }
    record_free(r);
    app_close(&a);
    return rc;
}

static void ansi_bg(const char *hex)
{
    unsigned rgb = (unsigned)strtoul(hex + 1, NULL, 16);
    printf("\033[48;2;%u;%u;%um\033[30m", (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255);
}

int cmd_risk_matrix(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 0);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (o.json) {
        struct buf b;
        buf_init(&b, 0);
        rc = app_risk_matrix_json(&a, o.residual, &b, &e) ? cli_fail(&e) : 0;
        if (!rc) {
            cli_print_json(buf_str(&b));
        }
        buf_free(&b);
        app_close(&a);
        return rc;
    }
    struct risk_matrix mx;
    const struct method *m = app_method(&a, &e);
    if (!m || app_risk_matrix(&a, o.residual, &mx, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    int colour = isatty(1);
    printf("%s risks: likelihood (rows) x consequence (columns); cell = count [level]\n\n",
           o.residual ? "Residual" : "Inherent");
    printf("%-18s", "");
    for (int k = 0; k < mx.nc; k++) {
        printf(" %-11.11s", m->consequence.lv[k].label);
    }
    printf("\n");
    for (int l = mx.nl - 1; l >= 0; l--) {
        printf("%d %-16.16s", l + 1, m->likelihood.lv[l].label);
        for (int k = 0; k < mx.nc; k++) {
            const struct matrix_cell *cell = &mx.cell[l][k];
            char txt[32];
            snprintf(txt, sizeof txt, "%ld [%.6s]", cell->count, cell->level);
            printf(" ");
            if (colour) {
                ansi_bg(cell->colour);
            }
            printf("%-11s", txt);
            if (colour) {
                printf("\033[0m");
            }
        }
        printf("\n");
    }
    if (mx.unrated) {
        printf("\n%ld risks not yet rated\n", mx.unrated);
    }
    app_close(&a);
    return 0;
}

/* Shared by the register exports: --format csv|xlsx -o FILE. */
int cli_export_args(struct cli *c, int argc, char **argv, struct opts *o, const char *what,
                    const char *const *extra)
{
    int rc = cli_parse_opts(c, argc, argv, o, 0);
    if (rc || (rc = cli_no_other_opts(o, extra))) {
        return rc;
    }
    if (!o->format || !o->output) {
        return cli_usage("usage: isms %s export --format csv|xlsx -o FILE", what);
    }
    return 0;
}

int cmd_risk_export(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_export_args(c, argc, argv, &o, "risk", NULL);
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (report_risks(&a, o.format, o.output, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("wrote %s\n", o.output);
    }
    app_close(&a);
    return rc;
}
