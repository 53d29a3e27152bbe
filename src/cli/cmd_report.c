/* cmd_report.c — `isms report KIND [ID] --format pdf|html -o FILE`: the
 * printable reports (src/report/reports.h), written whole or not at all. */
#include <stdio.h>
#include <string.h>

#include "../report/reports.h"
#include "cli.h"

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
