/* cmd_scope.c — the scope's subcommands (subcommands.def): approval by top
 * management (signed as --as ACCOUNT), its versions as they were approved,
 * and the differences between two. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "cli.h"

int cmd_scope_approve(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "rationale", "on-behalf-of", "evidence", NULL};
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_refuse_by(&o)) || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (o.npos != 1) {
        return cli_usage("usage: isms scope approve SC-0001 --as ACCOUNT [--rationale TEXT]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    int version = 0, existing = 0;
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_scope_approve(&a, o.pos[0], cli_opt(&o, "rationale"), cli_opt(&o, "on-behalf-of"),
                          cli_opt(&o, "evidence"), &version, &existing, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("scope %s version %d %s by %s (account %s); it is the scope in force\n", o.pos[0],
               version, existing ? "was already approved" : "approved", a.signer.person,
               a.signer.name);
    }
    app_close(&a);
    return rc;
}

int cmd_scope_versions(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (cli_versions(&a, "scope", o.npos ? o.pos[0] : NULL, o.json, &e)) {
        rc = cli_fail(&e);
    }
    app_close(&a);
    return rc;
}

int cmd_scope_version(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 2);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    int64_t n = 0;
    if (o.npos != 2 || int_parse(o.pos[1], &n) || n < 1 || n > 1000000) {
        return cli_usage("usage: isms scope version SC-0001 N [--json]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (cli_version_show(&a, "scope", o.pos[0], (int)n, o.json, &e)) {
        rc = cli_fail(&e);
    }
    app_close(&a);
    return rc;
}

int cmd_scope_diff(struct cli *c, int argc, char **argv)
{
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 3);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 3) {
        return cli_usage("usage: isms scope diff SC-0001 N M [--json]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (cli_version_diff(&a, "scope", o.pos[0], o.pos[1], o.pos[2], o.json, &e)) {
        rc = cli_fail(&e);
    }
    app_close(&a);
    return rc;
}
