/* cmd_dir.c — `isms dir`: directory accounts for `isms serve --dir DIR`
 * (src/app/directory.h): one consultant, one password, roles in several
 * organizations of the directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../app/directory.h"
#include "cli.h"

static const char *const dir_usage =
    "usage: isms dir user add NAME --dir DIR | user password NAME --dir DIR\n"
    "       isms dir grant NAME ORG ROLE [--person P-0001] --dir DIR\n"
    "       isms dir revoke NAME ORG --dir DIR | list --dir DIR\n"
    "ORG: the name of DIR/ORG.isms; roles: admin, manager, owner, top-management, auditor, "
    "staff";

static int print_grant(void *ctx, const struct dir_grant_row *g)
{
    (void)ctx;
    printf("%-20s %-24s %-15s %s\n", g->account, g->org ? g->org : "-", g->role ? g->role : "-",
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

int cmd_dir(struct cli *c)
{
    struct opts o;
    static const char *const grant_opts[] = {"dir", "person", NULL};
    static const char *const dir_only[] = {"dir", NULL};
    const char *sub = c->argc ? c->argv[0] : "";
    int rc = cli_parse_opts(c, c->argc ? c->argc - 1 : 0, c->argv + (c->argc ? 1 : 0), &o, 3);
    if (rc || (rc = cli_no_other_opts(&o, strcmp(sub, "grant") ? dir_only : grant_opts))) {
        return rc;
    }
    const char *dir = cli_opt(&o, "dir");
    int user_add = !strcmp(sub, "user") && o.npos == 2 && !strcmp(o.pos[0], "add");
    int user_pw = !strcmp(sub, "user") && o.npos == 2 && !strcmp(o.pos[0], "password");
    int grant = !strcmp(sub, "grant") && o.npos == 3;
    int revoke = !strcmp(sub, "revoke") && o.npos == 2;
    int list = !strcmp(sub, "list") && o.npos == 0;
    if (!dir || !(user_add || user_pw || grant || revoke || list)) {
        return cli_usage("%s", dir_usage);
    }
    struct dir_accounts *d = NULL;
    struct err e = {0};
    if (dir_open(dir, user_add, &d, &e)) {
        return cli_fail(&e);
    }
    if (user_add || user_pw) {
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
