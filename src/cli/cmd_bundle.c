/* cmd_bundle.c — `isms bundle -o FILE.zip [--audit AUD-NNNN] [--as ACCOUNT]`
 * writes the evidence bundle (src/report/bundle.h) read as the account
 * given with --as (else as the system: everything), whole or not at all;
 * `isms bundle verify FILE.zip` checks a bundle against its manifest and
 * names every bad file (exit 5), refusing unsafe entry names (exit 3). */
#include <stdio.h>
#include <string.h>

#include "../report/bundle.h"
#include "cli.h"

static const char usage[] =
    "usage: isms bundle -o FILE.zip [--audit AUD-NNNN] [--as ACCOUNT] | isms bundle verify "
    "FILE.zip";

static int verify(const char *path)
{
    struct buf problems;
    buf_init(&problems, 0);
    size_t files = 0;
    struct err e = {0};
    int rc = 0;
    char msha[65];
    if (bundle_verify(path, &problems, &files, msha, &e)) {
        fwrite(problems.p ? problems.p : "", 1, problems.len, stderr);
        rc = cli_fail(&e);
    } else {
        printf("%s: %zu files match the manifest (size and SHA-256)\nmanifest.json SHA-256 %s\n",
               path, files, msha);
    }
    buf_free(&problems);
    return rc;
}

int cmd_bundle(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    static const char *const allowed[] = {"audit", "as", NULL};
    if (rc || (rc = cli_refuse_by(&o)) || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (o.help) {
        printf("%s\n", usage);
        return 0;
    }
    if (o.npos >= 1 && strcmp(o.pos[0], "verify") == 0) {
        if (o.npos != 2 || o.output || cli_opt(&o, "audit")) {
            return cli_usage("isms bundle verify takes one FILE.zip and nothing else\n%s", usage);
        }
        return verify(o.pos[1]);
    }
    if (o.npos) {
        return cli_usage("isms bundle: unexpected argument %s\n%s", o.pos[0], usage);
    }
    if (!o.output) {
        return cli_usage("isms bundle: -o FILE.zip is required (where to write the bundle)\n%s",
                         usage);
    }
    if (o.format) {
        return cli_usage("isms bundle: a bundle is always a zip (no --format)");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct bundle_manifest m;
    if (bundle_write(&a, cli_opt(&o, "audit"), o.output, &m, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("wrote %s: %zu files, scope %s, history head #%lld", o.output, m.n, m.scope,
               m.head_seq);
        if (m.nomitted) {
            printf(", %zu left out (see manifest.json)", m.nomitted);
        }
        printf("\nmanifest.json SHA-256 %s (compare it with what `isms bundle verify` prints)\n",
               m.manifest_sha256);
        bundle_manifest_free(&m);
    }
    app_close(&a);
    return rc;
}
