/* cmd_serve.c — `isms serve`, `isms user`, `isms token`. Passwords are read
 * from the terminal (without echo) or from stdin, never from argv, where
 * every user of the machine could see them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../http/client_addr.h"
#include "../http/http.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../app/totp.h"
#include "../store/store.h"
#include "cli.h"

int cmd_serve(struct cli *c)
{
    struct opts o;
    static const char *const allowed[] = {"db", "dir", "listen", "threads", "max-upload",
                                          "per-address", "header-timeout", "body-timeout",
                                          "body-memory", "trusted-proxy", "group-commit",
                                          /* server: TLS, least privilege */
                                          "tls-cert", "tls-key", "user", NULL};
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    struct serve_opts so = {0};
    so.dir = cli_opt(&o, "dir");
    so.listen = cli_opt(&o, "listen");
    so.quiet = o.quiet;
    so.tls_cert = cli_opt(&o, "tls-cert"); /* server: TLS */
    so.tls_key = cli_opt(&o, "tls-key");
    so.user = cli_opt(&o, "user"); /* server: least privilege */
    const char *gc = cli_opt(&o, "group-commit");
    if (gc && strcmp(gc, "on") != 0 && strcmp(gc, "off") != 0) {
        return cli_usage("--group-commit: on (the default: the writes of concurrent requests "
                         "share one fsync) or off (one each)");
    }
    so.single_commits = gc && strcmp(gc, "off") == 0;
    const char *th = cli_opt(&o, "threads");
    if (th) {
        int64_t n;
        if (int_parse(th, &n) || n < 1 || n > 256) {
            return cli_usage("--threads: 1 to 256");
        }
        so.threads = (int)n;
    }
    const char *mu = cli_opt(&o, "max-upload");
    if (mu) {
        /* the largest evidence file accepted over HTTP (the whole request
         * body), spooled to a temporary file, never held in memory */
        int64_t n;
        if (int_parse(mu, &n) || n < 1024 || n > ((int64_t)1 << 30)) {
            return cli_usage("--max-upload: bytes, 1024 to 1073741824 (default 26214400)");
        }
        so.max_upload = n;
    }
    /* limits against slow or greedy clients (docs/guide.md, "Serving") */
    static const struct {
        const char *name;
        int min, max;
        const char *usage;
    } limits[] = {
        {"per-address", 0, 100000, "--per-address: connections from one address, 0 (no "
                                   "limit, behind a proxy) to 100000"},
        {"header-timeout", 1, 3600, "--header-timeout: seconds, 1 to 3600"},
        {"body-timeout", 1, 86400, "--body-timeout: seconds, 1 to 86400"},
        {"body-memory", 1, 65536, "--body-memory: MiB, 1 to 65536"},
    };
    int *dest[] = {&so.per_address, &so.header_timeout, &so.body_timeout, &so.body_memory};
    so.per_address = -1;
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        const char *v = cli_opt(&o, limits[i].name);
        int64_t n;
        if (v && (int_parse(v, &n) || n < limits[i].min || n > limits[i].max)) {
            return cli_usage("%s", limits[i].usage);
        }
        if (v) {
            *dest[i] = (int)n;
        }
    }
    struct err te = {0};
    if (client_addr_trust(cli_opt(&o, "trusted-proxy"), &te)) {
        return cli_fail(&te);
    }
    char path[4096] = "";
    if (!so.dir) {
        if (o.npos) {
            c->file = o.pos[0];
        } else if (cli_opt(&o, "db")) {
            if (!store_is_url(cli_opt(&o, "db"))) {
                return cli_usage("--db takes a postgresql:// URL (an ISMS file is serve FILE)");
            }
            c->file = cli_opt(&o, "db");
        }
        struct app a;
        struct err e = {0};
        /* the same file discovery as every command */
        if (cli_open(c, &a, &e)) {
            return cli_fail(&e);
        }
        app_close(&a);
        snprintf(path, sizeof path, "%s", c->file                ? c->file
                                          : getenv("ISMS_FILE") ? getenv("ISMS_FILE")
                                          : getenv("ISMS_DB")   ? getenv("ISMS_DB")
                                                                : "");
        if (!path[0]) {
            return cli_usage("usage: isms serve FILE (or -f FILE, or --dir DIR)");
        }
        so.file = path;
    }
    struct err e = {0};
    int status = http_serve(&so, &e) ? cli_fail(&e) : 0;
    return status;
}

/* Reads a password: with a terminal, twice without echo; otherwise one
 * line of stdin. Caller frees. */
static char *read_password(const char *prompt)
{
    char *pw = cli_read_secret(prompt);
    if (pw && isatty(0)) {
        char *again = cli_read_secret("again");
        int same = again && strcmp(again, pw) == 0;
        if (again) {
            memset(again, 0, strlen(again));
            free(again);
        }
        if (!same) {
            memset(pw, 0, strlen(pw));
            free(pw);
            fprintf(stderr, "isms: the two passwords differ\n");
            return NULL;
        }
    }
    return pw;
}

static int print_account(void *ctx, const struct account_row *r)
{
    (void)ctx;
    /* accounts: the end date (expired when past) and a privacy grant */
    char today[11], until[40] = "";
    date_today(today);
    if (r->expires) {
        snprintf(until, sizeof until, " %s %s", strcmp(today, r->expires) > 0 ? "expired" : "until",
                 r->expires);
    }
    printf("%-20s %-15s %-8s %s%s%s%s%s\n", r->name, r->role, r->person ? r->person : "-",
           r->totp_secret ? "totp" : "", r->totp_required ? " (required)" : "",
           r->disabled ? " disabled" : "", until,
           r->privacy_access ? " privacy-access" : "");
    return 0;
}

/* accounts: `isms user require-totp ROLE on|off` */
static int user_require_totp(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc - 1, c->argv + 1, &o, 2);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 2) {
        return cli_usage("usage: isms user require-totp ROLE on|off");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (app_totp_role(&a, o.pos[0], o.pos[1], &e)) {
        rc = cli_fail(&e);
    } else {
        printf("second factor %s for the role %s\n",
               strcmp(o.pos[1], "on") == 0 ? "required" : "no longer required", o.pos[0]);
    }
    app_close(&a);
    return rc;
}

int cmd_user(struct cli *c)
{
    const char *sub = c->argc ? c->argv[0] : "";
    if (strcmp(sub, "require-totp") == 0) {
        return user_require_totp(c);
    }
    struct opts o;
    static const char *const add_opts[] = {"role", "person", "expires", NULL};
    static const char *const edit_opts[] = {"role",    "person",         "disabled", "require-totp",
                                            "expires", "privacy-access", "reason",   NULL};
    int rc = cli_parse_opts(c, c->argc ? c->argc - 1 : 0, c->argv + (c->argc ? 1 : 0), &o, 1);
    if (rc) {
        return rc;
    }
    int is_add = strcmp(sub, "add") == 0, is_edit = strcmp(sub, "edit") == 0;
    if ((rc = cli_no_other_opts(&o, is_add ? add_opts : is_edit ? edit_opts : NULL))) {
        return rc;
    }
    if (strcmp(sub, "list") && !(o.npos == 1 && (is_add || is_edit || !strcmp(sub, "password") ||
                                                 !strcmp(sub, "totp")))) {
        return cli_usage("usage: isms user add NAME --role ROLE [--person P-0001] [--expires "
                         "YYYY-MM-DD] | list | edit NAME [--role R] [--person P] [--disabled "
                         "yes|no] [--require-totp yes|no] [--expires YYYY-MM-DD|none] "
                         "[--privacy-access yes|no --reason TEXT] | password NAME | totp NAME | "
                         "require-totp ROLE on|off\n"
                         "roles: admin, manager, owner, top-management, auditor, staff");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (!strcmp(sub, "list")) {
        char roles[160] = "";
        if (store_accounts(a.st, print_account, NULL, &e) ||
            store_totp_roles(a.st, roles, sizeof roles, &e)) {
            rc = cli_fail(&e);
        } else if (roles[0]) {
            /* accounts: roles that must have a second factor */
            printf("second factor required for the roles: %s\n", roles);
        }
    } else if (is_add || !strcmp(sub, "password")) {
        char *pw = read_password("password");
        if (!pw) {
            rc = cli_usage("no password given (type it, or pipe it on stdin)");
        } else if (is_add ? app_account_add_full(&a, o.pos[0], cli_opt(&o, "role"),
                                                 cli_opt(&o, "person"), pw,
                                                 cli_opt(&o, "expires"), &e)
                          : app_account_password(&a, o.pos[0], pw, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("%s %s\n", o.pos[0], is_add ? "added" : "password changed");
        }
        if (pw) {
            memset(pw, 0, strlen(pw));
            free(pw);
        }
    } else if (is_edit) {
        if (!o.n) {
            rc = cli_usage("nothing to change: give --role, --person, --disabled or "
                           "--require-totp");
        }
        for (int i = 0; i < o.n && !rc; i++) {
            const char *k = o.kv[i].name;
            if (!strcmp(k, "reason")) {
                if (!cli_opt(&o, "privacy-access")) {
                    rc = cli_usage("--reason goes with --privacy-access yes");
                }
                continue;
            }
            /* accounts: the end date and the privacy grant */
            int bad = !strcmp(k, "expires") ? app_account_expires(&a, o.pos[0], o.kv[i].value, &e)
                      : !strcmp(k, "privacy-access")
                          ? app_account_privacy(&a, o.pos[0], o.kv[i].value,
                                                cli_opt(&o, "reason"), &e)
                          : app_account_set(&a, o.pos[0], k, o.kv[i].value, &e);
            if (bad) {
                rc = cli_fail(&e);
            }
        }
        if (!rc) {
            printf("%s updated\n", o.pos[0]);
        }
    } else {
        char *uri = NULL;
        if (app_totp_enroll(&a, o.pos[0], &uri, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("Add this to the authenticator app of %s (shown once):\n%s\n", o.pos[0], uri);
        }
        free(uri);
    }
    app_close(&a);
    return rc;
}

static int print_token(void *ctx, const struct token_row *t)
{
    (void)ctx;
    /* accounts: the account by name, the scope, when last used */
    printf("%-5ld %-20s %-24s %-28s created %s%s%s%s\n", t->id,
           t->account_name ? t->account_name : "?", t->name,
           t->scope ? t->scope : "full", t->created, t->last_used ? " last used " : "",
           t->last_used ? t->last_used : "", t->revoked ? " REVOKED" : "");
    return 0;
}

int cmd_token(struct cli *c)
{
    const char *sub = c->argc ? c->argv[0] : "";
    struct opts o;
    static const char *const add_opts[] = {"name", "types", NULL};
    /* accounts: --read-only is a flag of token add */
    int read_only = 0;
    for (int i = 1; i < c->argc; i++) {
        if (strcmp(c->argv[i], "--read-only") == 0) {
            read_only = 1;
            memmove(&c->argv[i], &c->argv[i + 1], (size_t)(c->argc - i - 1) * sizeof c->argv[0]);
            c->argc--;
            i--;
        }
    }
    int rc = cli_parse_opts(c, c->argc ? c->argc - 1 : 0, c->argv + (c->argc ? 1 : 0), &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, strcmp(sub, "add") == 0 ? add_opts : NULL))) {
        return rc;
    }
    int64_t id = 0;
    if (!((!strcmp(sub, "add") && o.npos == 1) || (!strcmp(sub, "list") && !o.npos) ||
          (!strcmp(sub, "revoke") && o.npos == 1 && int_parse(o.pos[0], &id) == 0))) {
        return cli_usage("usage: isms token add ACCOUNT [--name LABEL] [--read-only] [--types "
                         "TYPE,...] | list | revoke ID");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (!strcmp(sub, "add")) {
        char *tok = NULL;
        long tid = 0;
        if (app_token_add_scoped(&a, o.pos[0], cli_opt(&o, "name"), read_only,
                                 cli_opt(&o, "types"), &tok, &tid, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("%s\n", tok);
            fprintf(stderr, "token %ld for %s: shown once; use it as "
                            "'Authorization: Bearer TOKEN'\n", tid, o.pos[0]);
            memset(tok, 0, strlen(tok));
        }
        free(tok);
    } else if (!strcmp(sub, "list")) {
        if (store_tokens(a.st, print_token, NULL, &e)) {
            rc = cli_fail(&e);
        }
    } else if (app_token_revoke(&a, (long)id, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("token %ld revoked\n", (long)id);
    }
    app_close(&a);
    return rc;
}
