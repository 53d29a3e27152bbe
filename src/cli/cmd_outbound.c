/* cmd_outbound.c — what leaves the ISMS: `isms export FILE.json
 * [--with-accounts]`, `isms import-all FILE.json NEW.isms [--max-bytes N]`
 * (export_all.c). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/outbound.h"
#include "../lib/json.h"
#include "../lib/text.h"
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

int cmd_migrate(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 2) {
        return cli_usage("usage: isms migrate FILE.isms postgresql://... | postgresql://... "
                         "FILE.isms");
    }
    struct err e = {0};
    struct migrate_result m;
    if (app_migrate(o.pos[0], o.pos[1], &m, &e)) {
        return cli_fail(&e);
    }
    printf("migrated %ld tables, %ld rows and %ld evidence files to %s: %ld records, %ld "
           "history entries and %ld sign-offs, verified there as here\n",
           m.moved.tables, m.moved.rows, m.moved.blobs, o.pos[1], m.after.records,
           m.after.entries, m.after.signoffs);
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
                   "--password-stdin] [--starttls required|optional|none] [--ca-file PEM] "     \
                   "[--lead-days N] [--base-url URL] | show [--json]"

int cmd_mail(struct cli *c)
{
    char **argv;
    int argc;
    int pw_stdin = take_flag(c, "--password-stdin", &argv, &argc);
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    free(argv);
    static const char *const allowed[] = {"smtp",      "from",     "user",    "starttls",
                                          "lead-days", "base-url", "ca-file", NULL};
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
            .base_url = cli_opt(&o, "base-url"), .ca_file = cli_opt(&o, "ca-file"),
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
            !s.base_url && !s.ca_file) {
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
        jw_key_name(&w, "ca_file");
        jw_str(&w, m.ca_file);
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
               "ca file:   %s\nlead days: %d\nbase url:  %s\n%s\n",
               m.smtp[0] ? m.smtp : "(not set)", m.from[0] ? m.from : "(not set)",
               m.user[0] ? m.user : "(none)", m.password[0] ? "(set)" : "(none)", m.starttls,
               m.ca_file[0] ? m.ca_file : "(the system's CAs)", m.lead_days,
               m.base_url[0] ? m.base_url : "(none)",
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

/* ---- webhooks ------------------------------------------------------------------ */

#define HOOK_USAGE "usage: isms webhook add URL --secret-stdin [--types T,...] | list [--json] | " \
                   "remove ID | deliver | log [--json] [--limit N] | set [--allow "             \
                   "public|private|loopback] [--timeout S] [--retry S]"

struct hook_list {
    struct jw *w;
    int n;
};

static int print_hook(void *ctx, const struct webhook_row *h)
{
    struct hook_list *l = ctx;
    l->n++;
    if (l->w) {
        jw_obj(l->w);
        jw_key_name(l->w, "id");
        jw_int(l->w, h->id);
        jw_key_name(l->w, "url");
        jw_str(l->w, h->url);
        jw_key_name(l->w, "types");
        jw_list(l->w, h->types);
        jw_key_name(l->w, "created");
        jw_str(l->w, h->created);
        jw_key_name(l->w, "created_by");
        jw_str(l->w, h->created_by);
        jw_key_name(l->w, "pending");
        jw_int(l->w, h->pending);
        jw_key_name(l->w, "failed");
        jw_int(l->w, h->failed);
        jw_obj_end(l->w);
    } else {
        printf("%-4ld %-50s %-20s pending %d, failed %d\n", h->id, h->url,
               h->types ? h->types : "(all types)", h->pending, h->failed);
    }
    return 0;
}

static int print_wlog(void *ctx, const struct wlog_row *r)
{
    struct hook_list *l = ctx;
    l->n++;
    if (l->w) {
        jw_obj(l->w);
        jw_key_name(l->w, "id");
        jw_int(l->w, r->id);
        jw_key_name(l->w, "delivery");
        jw_int(l->w, r->delivery);
        jw_key_name(l->w, "webhook");
        jw_int(l->w, r->hook);
        jw_key_name(l->w, "url");
        jw_str(l->w, r->url);
        jw_key_name(l->w, "at");
        jw_str(l->w, r->at);
        jw_key_name(l->w, "attempt");
        jw_int(l->w, r->attempt);
        jw_key_name(l->w, "status");
        if (r->status) {
            jw_int(l->w, r->status);
        } else {
            jw_null(l->w);
        }
        jw_key_name(l->w, "result");
        jw_str(l->w, r->result);
        jw_key_name(l->w, "ms");
        jw_int(l->w, r->ms);
        jw_key_name(l->w, "state");
        jw_str(l->w, r->state);
        jw_key_name(l->w, "next_at");
        if (!strcmp(r->state, "pending")) {
            jw_int(l->w, r->next_at);
        } else {
            jw_null(l->w);
        }
        jw_key_name(l->w, "type");
        jw_str(l->w, r->type);
        jw_key_name(l->w, "ref");
        jw_str(l->w, r->ref);
        jw_key_name(l->w, "action");
        jw_str(l->w, r->action);
        jw_obj_end(l->w);
    } else {
        printf("%s  #%ld attempt %d  %-9s %s %s %s -> %s (%ld ms)\n", r->at, r->delivery,
               r->attempt, r->state, r->type, r->ref, r->action, r->result, r->ms);
    }
    return 0;
}

int cmd_webhook(struct cli *c)
{
    char **argv;
    int argc;
    int secret_stdin = take_flag(c, "--secret-stdin", &argv, &argc);
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 2);
    free(argv);
    static const char *const allowed[] = {"types", "allow", "timeout", "retry", "limit", NULL};
    if (!rc && cli_opt(&o, "secret")) {
        return cli_usage("the secret is read from stdin (--secret-stdin), never an argument");
    }
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    const char *sub = o.npos ? o.pos[0] : "";
    static const char *const subs[] = {"add", "list", "remove", "deliver", "log", "set"};
    int known = 0;
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
        known |= !strcmp(sub, subs[i]);
    }
    if (!known || ((!strcmp(sub, "add") || !strcmp(sub, "remove")) != (o.npos == 2))) {
        return cli_usage(HOOK_USAGE);
    }
    if (!strcmp(sub, "add") && !secret_stdin) {
        return cli_usage("webhook add: the signing secret comes from stdin: --secret-stdin");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (!principal_is_system(&a.who)) {
        err_set(&e, ERR_FORBIDDEN, NULL, "webhooks are the file owner's (without --as)");
        rc = cli_fail(&e);
        goto done;
    }
    if (!strcmp(sub, "add")) {
        char secret[400] = "";
        if (!fgets(secret, sizeof secret, stdin)) {
            secret[0] = 0;
        }
        secret[strcspn(secret, "\r\n")] = 0;
        long id;
        if (app_webhook_add(&a, o.pos[1], secret, cli_opt(&o, "types"), &id, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("webhook %ld added: %s\n", id, o.pos[1]);
        }
        sodium_memzero(secret, sizeof secret);
    } else if (!strcmp(sub, "remove")) {
        int64_t id;
        if (int_parse(o.pos[1], &id) || id <= 0) {
            rc = cli_usage("webhook remove ID: ID is a number (isms webhook list)");
        } else if (app_webhook_remove(&a, (long)id, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("webhook %lld removed (with its pending deliveries)\n", (long long)id);
        }
    } else if (!strcmp(sub, "set")) {
        const char *al = cli_opt(&o, "allow"), *to = cli_opt(&o, "timeout"),
                   *re = cli_opt(&o, "retry");
        if (!al && !to && !re) {
            rc = cli_usage("nothing to set\n" HOOK_USAGE);
        } else if (app_webhook_set(&a, al, to, re, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("webhook settings saved\n");
        }
    } else if (!strcmp(sub, "deliver")) {
        struct webhook_result r;
        if (app_webhook_deliver(&a, print_line, NULL, &r, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("%d attempted, %d delivered, %d failed\n", r.attempted, r.delivered, r.failed);
            if (r.failed) {
                err_set(&e, ERR_UNAVAILABLE, NULL, "%d deliver%s failed (isms webhook log)",
                        r.failed, r.failed == 1 ? "y" : "ies");
                rc = cli_fail(&e);
            }
        }
    } else {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        struct hook_list l = {.w = o.json ? &w : NULL};
        if (o.json) {
            jw_arr(&w);
        }
        int lim = 50;
        if (cli_opt(&o, "limit")) {
            lim = atoi(cli_opt(&o, "limit"));
        }
        int r2 = !strcmp(sub, "list") ? app_webhook_list(&a, print_hook, &l, &e)
                                      : app_webhook_log(&a, lim > 0 ? lim : 50, print_wlog, &l,
                                                        &e);
        if (r2) {
            rc = cli_fail(&e);
        } else if (o.json) {
            jw_arr_end(&w);
            buf_putc(&b, '\n');
            fwrite(b.p, 1, b.len, stdout);
        } else if (!l.n) {
            printf(!strcmp(sub, "list") ? "no webhooks\n" : "no deliveries yet\n");
        }
        buf_free(&b);
    }
done:
    app_close(&a);
    return rc;
}
