/* cmd_outbound.c — what leaves the ISMS: `isms export FILE.json
 * [--with-accounts]`, `isms import-all FILE.json NEW.isms [--max-bytes N]`
 * (export_all.c). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/outbound.h"
#include "../lib/json.h"
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

/* ---- mail and reminders ------------------------------------------------------ */

#define MAIL_USAGE "usage: isms mail set [--smtp smtp://HOST:PORT] [--from ADDRESS] [--user U " \
                   "--password-stdin] [--starttls required|optional|none] [--lead-days N] "      \
                   "[--base-url URL] | show [--json]"

int cmd_mail(struct cli *c)
{
    char **argv;
    int argc;
    int pw_stdin = take_flag(c, "--password-stdin", &argv, &argc);
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    free(argv);
    static const char *const allowed[] = {"smtp", "from", "user", "starttls", "lead-days",
                                          "base-url", NULL};
    if (!rc && cli_opt(&o, "password")) {
        return cli_usage("the password is read from stdin (--password-stdin), never an argument");
    }
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    const char *sub = o.npos ? o.pos[0] : "";
    if (strcmp(sub, "set") && strcmp(sub, "show")) {
        return cli_usage(MAIL_USAGE);
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (!principal_is_system(&a.who)) {
        err_set(&e, ERR_FORBIDDEN, NULL, "mail settings are the file owner's (without --as)");
        rc = cli_fail(&e);
        goto done;
    }
    if (!strcmp(sub, "set")) {
        struct mail_set s = {
            .smtp = cli_opt(&o, "smtp"), .from = cli_opt(&o, "from"), .user = cli_opt(&o, "user"),
            .starttls = cli_opt(&o, "starttls"), .lead_days = cli_opt(&o, "lead-days"),
            .base_url = cli_opt(&o, "base-url"),
        };
        char pw[300] = "";
        if (pw_stdin) {
            if (!fgets(pw, sizeof pw, stdin)) {
                pw[0] = 0;
            }
            pw[strcspn(pw, "\r\n")] = 0;
            s.password = pw;
        }
        if (!s.smtp && !s.from && !s.user && !s.password && !s.starttls && !s.lead_days &&
            !s.base_url) {
            rc = cli_usage("nothing to set\n" MAIL_USAGE);
            goto done;
        }
        if (app_mail_set(&a, &s, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("mail settings saved\n");
        }
        sodium_memzero(pw, sizeof pw);
        goto done;
    }
    struct mail_config m;
    if (app_mail_get(&a, &m, &e)) {
        rc = cli_fail(&e);
        goto done;
    }
    if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        jw_obj(&w);
        jw_key_name(&w, "configured");
        jw_bool(&w, m.configured);
        jw_key_name(&w, "smtp");
        jw_str(&w, m.smtp);
        jw_key_name(&w, "from");
        jw_str(&w, m.from);
        jw_key_name(&w, "user");
        jw_str(&w, m.user);
        jw_key_name(&w, "password_set");
        jw_bool(&w, m.password[0] != 0);
        jw_key_name(&w, "starttls");
        jw_str(&w, m.starttls);
        jw_key_name(&w, "lead_days");
        jw_int(&w, m.lead_days);
        jw_key_name(&w, "base_url");
        jw_str(&w, m.base_url);
        jw_obj_end(&w);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else {
        printf("smtp:      %s\nfrom:      %s\nuser:      %s\npassword:  %s\nstarttls:  %s\n"
               "lead days: %d\nbase url:  %s\n%s\n",
               m.smtp[0] ? m.smtp : "(not set)", m.from[0] ? m.from : "(not set)",
               m.user[0] ? m.user : "(none)", m.password[0] ? "(set)" : "(none)", m.starttls,
               m.lead_days, m.base_url[0] ? m.base_url : "(none)",
               m.configured ? "reminders: ready (isms remind; the server sends them daily)"
                            : "reminders: not set up (--smtp and --from are needed)");
    }
    sodium_memzero(&m, sizeof m);
done:
    app_close(&a);
    return rc;
}

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

int cmd_remind(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 0);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (!principal_is_system(&a.who)) {
        err_set(&e, ERR_FORBIDDEN, NULL, "reminders are sent for the whole ISMS: run it without --as");
        rc = cli_fail(&e);
        goto done;
    }
    struct remind_result r;
    rc = app_remind(&a, o.dry_run, print_line, NULL, &r, &e);
    printf("%s%d mail%s %s (%d task%s) to %d of %d people with something due%s\n",
           o.dry_run ? "dry run: " : "", r.sent, r.sent == 1 ? "" : "s",
           o.dry_run ? "would be sent" : "sent", r.items, r.items == 1 ? "" : "s", r.sent,
           r.people, r.no_email ? "; some have no e-mail address" : "");
    if (rc) {
        rc = cli_fail(&e);
    }
done:
    app_close(&a);
    return rc;
}
