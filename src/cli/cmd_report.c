/* cmd_report.c — `isms report KIND [ID] --format pdf|html -o FILE`: the
 * printable reports (src/report/reports.h), written whole or not at all;
 * `isms TYPE export --format csv|xlsx -o FILE`: any type's register. */
#include <stdio.h>
#include <string.h>

#include "../report/registers.h"
#include "../report/reports.h"
#include "cli.h"

int cmd_register_export(struct cli *c, const struct rtype *t, int argc, char **argv)
{
    struct opts o;
    int rc = cli_export_args(c, argc, argv, &o, t->name, NULL);
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (strcmp(o.format, "csv") && strcmp(o.format, "xlsx")) {
        err_set(&e, ERR_USAGE, "format", "format: csv or xlsx, not \"%.40s\"", o.format);
        return cli_fail(&e);
    }
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    /* read as the file's owner (every row), or --as ACCOUNT like the web */
    if (report_register(&a, t, o.format, o.output, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("wrote %s\n", o.output);
    }
    app_close(&a);
    return rc;
}

int cmd_report(struct cli *c)
{
    static const char usage[] =
        "usage: isms report soa [--framework F] | risks | plan | assets | audit AUD-NNNN | "
        "review MR-NNNN | document DOC-NNNN | readiness --format pdf|html -o FILE";
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    static const char *const allowed[] = {"framework", NULL};
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (o.help || o.npos == 0) {
        return cli_usage("%s", usage);
    }
    const char *kind = o.pos[0], *id = o.npos > 1 ? o.pos[1] : NULL;
    if (!o.format) {
        return cli_usage("isms report %s: --format is required (pdf or html)\n%s", kind, usage);
    }
    if (strcmp(o.format, "pdf") && strcmp(o.format, "html")) {
        return cli_usage("isms report %s: --format must be pdf or html, not %s", kind, o.format);
    }
    if (!o.output) {
        return cli_usage("isms report %s: -o FILE is required (where to write the report)\n%s",
                         kind, usage);
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (report_write(&a, kind, id, cli_opt(&o, "framework"), o.format, o.output, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("wrote %s\n", o.output);
    }
    app_close(&a);
    return rc;
}
