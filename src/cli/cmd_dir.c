/* cmd_dir.c — `isms dir`: directory accounts for `isms serve --dir DIR`
 * (src/app/directory.h): one consultant, one password, roles in several
 * organizations of the directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/directory.h"
#include "../app/seclog.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "cli.h"

static const char *const dir_usage =
    "usage: isms dir user add|password|disable|enable|remove NAME --dir DIR\n"
    "       isms dir grant NAME ORG ROLE [--person P-0001] --dir DIR\n"
    "       isms dir revoke NAME ORG --dir DIR | list --dir DIR\n"
    "       isms dir log [--account NAME] [--event E] [--since YYYY-MM-DD] [--until YYYY-MM-DD]\n"
    "                    [--limit N] [--before ID] [--json] --dir DIR\n"
    "ORG: the name of DIR/ORG.isms; roles: admin, manager, owner, top-management, auditor, "
    "staff";

static int print_grant(void *ctx, const struct dir_grant_row *g)
{
    (void)ctx;
    char who[96];
    snprintf(who, sizeof who, "%s%s", g->account, g->disabled ? " (disabled)" : "");
    printf("%-20s %-24s %-15s %s\n", who, g->org ? g->org : "-", g->role ? g->role : "-",
           g->person && g->person[0] ? g->person : "-");
    return 0;
}

/* Opens DIR/ORG.isms (must exist: a grant is for an organization served). */
static int open_org(const char *dir, const char *org, struct app *a, int must, struct err *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.isms", dir, org);
    if (access(path, F_OK) != 0) {
        if (!must) {
            return 1;
        }
        return err_set(e, ERR_NOTFOUND, "org", "%s: no such organization file", path);
    }
    return app_open(a, path, cli_actor(), e) ? -1 : 0;
}

/* `isms dir log`: the directory's security log, as `isms log` prints an
 * organization's. */
static int dir_log(struct dir_accounts *d, const struct opts *o, const char *dir)
{
    struct seclog_filter f = {
        cli_opt(o, "account"), cli_opt(o, "event"), cli_opt(o, "since"), cli_opt(o, "until"), 0, 0};
    int64_t v = 0;
    const char *lim = cli_opt(o, "limit") ? cli_opt(o, "limit") : o->limit;
    if (lim && (int_parse(lim, &v) || v < 1 || v > SECLOG_PAGE_MAX)) {
        return cli_usage("--limit: 1 to %d entries", SECLOG_PAGE_MAX);
    }
    f.limit = (long)v;
    v = 0;
    if (cli_opt(o, "before") && (int_parse(cli_opt(o, "before"), &v) || v < 1)) {
        return cli_usage("--before: the number of an entry (the next page starts below it)");
    }
    f.before = (long)v;
    struct seclog_page p;
    struct err e = {0};
    if (dir_log_list(d, &f, &p, &e)) {
        return cli_fail(&e);
    }
    struct buf b;
    buf_init(&b, 0);
    if (o->json) {
        struct jw w;
        jw_init(&w, &b, 1);
        seclog_page_json(&w, &p);
        buf_putc(&b, '\n');
    } else {
        char older[4200];
        snprintf(older, sizeof older, "isms dir log --dir %s", dir);
        seclog_page_text(&b, &p, older);
    }
    fwrite(b.p, 1, b.len, stdout);
    buf_free(&b);
    seclog_page_free(&p);
    return 0;
}

int cmd_dir(struct cli *c)
{
    struct opts o;
    static const char *const grant_opts[] = {"dir", "person", NULL};
    static const char *const dir_only[] = {"dir", NULL};
    static const char *const log_opts[] = {"dir",   "account", "event", "since",
                                           "until", "before",  "limit", NULL};
    const char *sub = c->argc ? c->argv[0] : "";
    int rc = cli_parse_opts(c, c->argc ? c->argc - 1 : 0, c->argv + (c->argc ? 1 : 0), &o, 3);
    if (rc || (rc = cli_no_other_opts(&o, !strcmp(sub, "grant") ? grant_opts
                                          : !strcmp(sub, "log") ? log_opts
                                                                : dir_only))) {
        return rc;
    }
    const char *dir = cli_opt(&o, "dir");
    int user = !strcmp(sub, "user") && o.npos == 2;
    int user_add = user && !strcmp(o.pos[0], "add");
    int user_pw = user && !strcmp(o.pos[0], "password");
    int user_off = user && !strcmp(o.pos[0], "disable");
    int user_on = user && !strcmp(o.pos[0], "enable");
    int user_rm = user && !strcmp(o.pos[0], "remove");
    int grant = !strcmp(sub, "grant") && o.npos == 3;
    int revoke = !strcmp(sub, "revoke") && o.npos == 2;
    int list = !strcmp(sub, "list") && o.npos == 0;
    int log = !strcmp(sub, "log") && o.npos == 0;
    if (!dir || !(user_add || user_pw || user_off || user_on || user_rm || grant || revoke ||
                  list || log)) {
        return cli_usage("%s", dir_usage);
    }
    struct dir_accounts *d = NULL;
    struct err e = {0};
    if (dir_open(dir, user_add, &d, &e)) {
        return cli_fail(&e);
    }
    dir_set_actor(d, cli_actor());
    if (log) {
        rc = dir_log(d, &o, dir);
    } else if (user_off || user_on) {
        if (dir_user_disable(d, o.pos[1], user_off, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("directory account %s %s, and its local accounts in the organizations it has "
                   "a role in\n",
                   o.pos[1], user_off ? "disabled" : "enabled");
        }
    } else if (user_rm) {
        if (dir_user_remove(d, o.pos[1], &e)) {
            rc = cli_fail(&e);
        } else {
            printf("directory account %s removed; the local accounts made for it are disabled, "
                   "their history kept\n",
                   o.pos[1]);
        }
    } else if (user_add || user_pw) {
        char *pw = cli_read_secret("password");
        if (!pw) {
            rc = cli_usage("no password given (type it, or pipe it on stdin)");
        } else if (user_add ? dir_user_add(d, o.pos[1], pw, &e)
                            : dir_user_password(d, o.pos[1], pw, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("directory account %s %s\n", o.pos[1], user_add ? "added" : "password changed");
        }
        if (pw) {
            memset(pw, 0, strlen(pw));
            free(pw);
        }
    } else if (grant || revoke) {
        struct app a;
        int opened = open_org(dir, o.pos[1], &a, grant, &e);
        if (opened < 0) {
            rc = cli_fail(&e);
        } else if (grant ? dir_grant(d, &a, o.pos[0], o.pos[1], o.pos[2], cli_opt(&o, "person"),
                                     &e)
                         : dir_revoke(d, opened ? NULL : &a, o.pos[0], o.pos[1], &e)) {
            rc = cli_fail(&e);
        } else if (grant) {
            printf("%s is %s in %s\n", o.pos[0], o.pos[2], o.pos[1]);
        } else {
            printf("%s has no role in %s any more\n", o.pos[0], o.pos[1]);
        }
        if (opened == 0) {
            app_close(&a);
        }
    } else if (dir_list(d, print_grant, NULL, &e)) {
        rc = cli_fail(&e);
    }
    dir_close(d);
    return rc;
}
