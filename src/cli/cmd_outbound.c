/* cmd_outbound.c — what leaves the ISMS: `isms export FILE.json
 * [--with-accounts]`, `isms import-all FILE.json NEW.isms [--max-bytes N]`
 * (export_all.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/outbound.h"
#include "../lib/util.h"
#include "cli.h"

/* Takes the flag out of c's arguments (before the common parser). */
static int take_flag(struct cli *c, const char *flag, char ***argv, int *argc)
{
    int found = 0;
    *argv = xmalloc(((size_t)c->argc + 1) * sizeof **argv);
    *argc = 0;
    for (int i = 0; i < c->argc; i++) {
        if (!strcmp(c->argv[i], flag)) {
            found = 1;
        } else {
            (*argv)[(*argc)++] = c->argv[i];
        }
    }
    return found;
}

int cmd_export(struct cli *c)
{
    char **argv;
    int argc;
    int with_accounts = take_flag(c, "--with-accounts", &argv, &argc);
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    free(argv);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 1) {
        return cli_usage("usage: isms export FILE.json [--with-accounts]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct export_result r;
    if (app_export_all(&a, o.pos[0], with_accounts, &r, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("exported %ld tables, %ld rows and %ld evidence files (%lld bytes) to %s%s\n",
               r.tables, r.rows, r.blobs, r.blob_bytes, o.pos[0],
               with_accounts ? " with account secrets (hashes)" : ", accounts without secrets");
    }
    app_close(&a);
    return rc;
}

int cmd_import_all(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    static const char *const allowed[] = {"max-bytes", NULL};
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (o.npos != 2) {
        return cli_usage("usage: isms import-all FILE.json NEW.isms [--max-bytes N]");
    }
    size_t max = EXPORT_MAX_BYTES;
    const char *mb = cli_opt(&o, "max-bytes");
    if (mb) {
        char *end;
        unsigned long long v = strtoull(mb, &end, 10);
        if (!*mb || *end || v == 0) {
            return cli_usage("--max-bytes must be a positive number of bytes");
        }
        max = (size_t)v;
    }
    struct err e = {0};
    struct export_result r;
    struct verify_result vr;
    if (app_import_all(o.pos[0], o.pos[1], max, &r, &vr, &e)) {
        return cli_fail(&e);
    }
    printf("imported %ld tables, %ld rows and %ld evidence files into %s: %ld records, %ld "
           "history entries, verified\n",
           r.tables, r.rows, r.blobs, o.pos[1], vr.records, vr.entries);
    return 0;
}

/* ---- calendar ------------------------------------------------------------ */

#define CAL_USAGE "usage: isms calendar url [--new] [--base URL] | revoke | status  " \
                  "[--as ACCOUNT | --account NAME]"

int cmd_calendar(struct cli *c)
{
    char **argv;
    int argc;
    int fresh = take_flag(c, "--new", &argv, &argc);
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    free(argv);
    static const char *const allowed[] = {"account", "base", "as", NULL};
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    const char *sub = o.npos ? o.pos[0] : "";
    if (strcmp(sub, "url") && strcmp(sub, "revoke") && strcmp(sub, "status")) {
        return cli_usage(CAL_USAGE);
    }
    const char *named = cli_opt(&o, "account");
    if (!!named == !!c->as) {
        return cli_usage("whose feed? sign in with --as ACCOUNT, or (as the file's owner) name "
                         "it with --account NAME\n" CAL_USAGE);
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    long id = a.signer.account;
    const char *name = a.signer.name;
    if (named) {
        if (!principal_is_system(&a.who)) {
            err_set(&e, ERR_FORBIDDEN, "account", "--account is for the file's owner (without --as)");
            rc = cli_fail(&e);
            goto done;
        }
        if (app_account_id(&a, named, &id, &e)) {
            rc = cli_fail(&e);
            goto done;
        }
        name = named;
    }
    char created[32] = "";
    int has = app_calendar_state(&a, id, created, sizeof created, &e);
    if (has < 0) {
        rc = cli_fail(&e);
    } else if (!strcmp(sub, "status")) {
        if (has) {
            printf("%s has a calendar feed since %s\n", name, created);
        } else {
            printf("%s has no calendar feed\n", name);
        }
    } else if (!strcmp(sub, "revoke")) {
        if (app_calendar_revoke(&a, id, name, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("revoked the calendar feed of %s: its address now answers 404\n", name);
        }
    } else if (has && !fresh) {
        err_set(&e, ERR_CONFLICT, NULL,
                "%s has a calendar feed since %s (its address was shown then); "
                "--new makes a new address and the old one stops working",
                name, created);
        rc = cli_fail(&e);
    } else {
        char secret[CAL_SECRET_LEN + 1];
        if (app_calendar_create(&a, id, name, secret, &e)) {
            rc = cli_fail(&e);
        } else {
            const char *base = cli_opt(&o, "base");
            printf("%s/cal/%s.ics\n", base ? base : "", secret);
            fprintf(stderr, "the calendar feed of %s (shown once; append it to the server's "
                            "address when no --base is given)\n", name);
        }
    }
done:
    app_close(&a);
    return rc;
}
