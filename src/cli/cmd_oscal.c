/* cmd_oscal.c — `isms oscal export catalog|ssp|component-definition|
 * assessment-results|poam -o FILE`: the ISMS as an OSCAL 1.0.6 JSON
 * document (src/app/oscal.h), written whole or not at all (outfile.h). */
#include <stdio.h>
#include <string.h>

#include "../app/oscal.h"
#include "../lib/buf.h"
#include "../report/outfile.h"
#include "cli.h"

static const char usage[] =
    "isms oscal export catalog|ssp|component-definition|assessment-results|poam -o FILE";

int cmd_oscal(struct cli *c)
{
    if (c->argc < 1 || strcmp(c->argv[0], "export") != 0) {
        if (c->argc >= 1 && (strcmp(c->argv[0], "--help") == 0 || strcmp(c->argv[0], "-h") == 0)) {
            printf("usage: %s\n", usage);
            return 0;
        }
        return cli_usage("usage: %s", usage);
    }
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, c->argc - 1, c->argv + 1, &o, 1, allowed, usage, NULL, &a);
    if (rc) {
        return rc;
    }
    int kind = oscal_kind_parse(o.pos[0]);
    if (kind < 0) {
        app_close(&a);
        return cli_usage("oscal export: '%.40s' is not one of catalog, ssp, component-definition, "
                         "assessment-results, poam",
                         o.pos[0]);
    }
    if (!o.output) {
        app_close(&a);
        return cli_usage("oscal export: give -o FILE (usage: %s)", usage);
    }
    struct err e = {0};
    struct oscal_doc d;
    if (app_oscal_build(&a, (enum oscal_kind)kind, &d, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    struct buf b;
    buf_init(&b, 0);
    oscal_write(&d, &b);
    struct outfile of;
    if (outfile_open(&of, o.output, &e) || outfile_write(&of, b.p, b.len, &e) ||
        outfile_commit(&of, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s written: OSCAL %s %s, %zu bytes\n", o.output, OSCAL_VERSION, o.pos[0], b.len);
    }
    buf_free(&b);
    oscal_doc_free(&d);
    app_close(&a);
    return rc;
}
