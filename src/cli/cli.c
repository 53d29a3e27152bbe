/* cli.c — shared helpers of the terminal front end: finding the ISMS file,
 * option parsing, error printing. */
#include "../store/store.h"
#include "cli.h"

#include <dirent.h>
#include <stddef.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/util.h"

int cli_fail(const struct err *e)
{
    fprintf(stderr, "isms: %s\n", e->msg);
    return err_exit_status(e->code);
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("isms: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return err_exit_status(ERR_USAGE);
}

const char *cli_actor(void)
{
    static char actor[128];
    const char *env = getenv("ISMS_ACTOR");
    if (env && *env) {
        snprintf(actor, sizeof actor, "%.120s", env);
        return actor;
    }
    struct passwd *pw = getpwuid(getuid());
    snprintf(actor, sizeof actor, "cli:%.100s", pw ? pw->pw_name : "unknown");
    return actor;
}

static int find_file(struct cli *c, char *out, size_t size, struct err *e)
{
    if (c->file) {
        strlcpy_(out, c->file, size);
        return 0;
    }
    const char *env = getenv("ISMS_FILE");
    if (env && *env) {
        strlcpy_(out, env, size);
        return 0;
    }
    /* pg: an ISMS in PostgreSQL, as $ISMS_DB (docs/postgresql.md) */
    env = getenv("ISMS_DB");
    if (env && *env) {
        if (!store_is_url(env)) {
            return err_set(e, ERR_USAGE, NULL, "ISMS_DB must be a postgresql:// URL");
        }
        strlcpy_(out, env, size);
        return 0;
    }
    DIR *d = opendir(".");
    if (!d) {
        return err_set(e, ERR_USAGE, NULL, "no ISMS file given: use -f FILE or set ISMS_FILE");
    }
    int found = 0;
    struct buf names;
    buf_init(&names, 4096);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n > 5 && strcmp(de->d_name + n - 5, ".isms") == 0) {
            if (found++ == 0) {
                strlcpy_(out, de->d_name, size);
            }
            buf_printf(&names, " %s", de->d_name);
        }
    }
    closedir(d);
    int rc = 0;
    if (found == 0) {
        rc = err_set(e, ERR_USAGE, NULL,
                     "no ISMS file: use -f FILE, set ISMS_FILE, or run where one *.isms file is "
                     "(create one with `isms init NAME.isms`)");
    } else if (found > 1) {
        rc = err_set(e, ERR_USAGE, NULL, "several ISMS files here (%s ); choose one with -f FILE",
                     buf_str(&names) + 1);
    }
    buf_free(&names);
    return rc;
}

int cli_open(struct cli *c, struct app *a, struct err *e)
{
    char path[4096];
    if (find_file(c, path, sizeof path, e)) {
        return -1;
    }
    if (app_open(a, path, cli_actor(), e)) {
        return -1;
    }
    /* the owner of the file reads as the system (app_open); --as ACCOUNT
     * reads as that account, exactly as it would on the web */
    if (c->as && cli_sign_in(a, c->as, e)) {
        app_close(a);
        return -1;
    }
    return 0;
}

int cli_parse_opts(struct cli *c, int argc, char **argv, struct opts *o, int max_pos)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (strcmp(a, "-f") == 0) {
                if (i + 1 >= argc) {
                    return cli_usage("-f needs a file name");
                }
                c->file = argv[++i];
                continue;
            }
            if (strcmp(a, "-h") == 0) {
                o->help = 1;
                continue;
            }
            if (strcmp(a, "-o") == 0) {
                if (i + 1 >= argc) {
                    return cli_usage("-o needs a file name");
                }
                o->output = argv[++i];
                continue;
            }
            if (o->npos >= max_pos) {
                return cli_usage("unexpected argument '%.60s'", a);
            }
            o->pos[o->npos++] = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        char key[64];
        size_t klen = eq ? (size_t)(eq - name) : strlen(name);
        if (klen >= sizeof key) {
            return cli_usage("option name too long: --%.40s...", name);
        }
        memcpy(key, name, klen);
        key[klen] = 0;
        static const struct {
            const char *name;
            size_t off;
        } flags[] = {
            {"json", offsetof(struct opts, json)},
            {"all", offsetof(struct opts, all)},
            {"help", offsetof(struct opts, help)},
            {"residual", offsetof(struct opts, residual)},
            {"review-due", offsetof(struct opts, review_due)},
            {"dry-run", offsetof(struct opts, dry_run)},
            {"quiet", offsetof(struct opts, quiet)},
            {"send-back", offsetof(struct opts, send_back)},
        };
        int flag = -1;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
            if (strcmp(key, flags[k].name) == 0) {
                flag = (int)k;
            }
        }
        if (flag >= 0) {
            if (eq) {
                return cli_usage("--%s takes no value", key);
            }
            *(int *)((char *)o + flags[flag].off) = 1;
            continue;
        }
        const char *val;
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return cli_usage("--%s needs a value", key);
        }
        if (strcmp(key, "file") == 0) {
            c->file = val;
        } else if (strcmp(key, "as") == 0) {
            c->as = val;
        } else if (strcmp(key, "search") == 0) {
            o->search = val;
        } else if (strcmp(key, "limit") == 0) {
            o->limit = val;
        } else if (strcmp(key, "format") == 0) {
            o->format = val;
        } else if (strcmp(key, "output") == 0) {
            o->output = val;
        } else {
            if (o->n == (int)(sizeof o->kv / sizeof o->kv[0])) {
                return cli_usage("too many options");
            }
            memcpy(o->keys[o->n], key, klen + 1);
            o->kv[o->n].name = o->keys[o->n];
            o->kv[o->n].value = val;
            o->n++;
        }
    }
    return 0;
}

const char *cli_opt(const struct opts *o, const char *name)
{
    for (int i = 0; i < o->n; i++) {
        if (strcmp(o->kv[i].name, name) == 0) {
            return o->kv[i].value;
        }
    }
    return NULL;
}

int cli_no_other_opts(const struct opts *o, const char *const *allowed)
{
    for (int i = 0; i < o->n; i++) {
        int ok = 0;
        for (int k = 0; allowed && allowed[k]; k++) {
            ok |= strcmp(o->kv[i].name, allowed[k]) == 0;
        }
        if (!ok) {
            return cli_usage("unknown option --%.60s here", o->kv[i].name);
        }
    }
    return 0;
}

void cli_print_json(const char *json)
{
    fputs(json, stdout);
    fputc('\n', stdout);
}

int cli_command_open(struct cli *c, int argc, char **argv, struct opts *o, int npos,
                     const char *const *allowed, const char *usage, const char *reads,
                     struct app *a)
{
    int rc = cli_parse_opts(c, argc, argv, o, npos);
    if (rc || (rc = cli_refuse_by(o)) || (rc = cli_no_other_opts(o, allowed))) {
        return rc;
    }
    if (o->npos != npos) {
        return cli_usage("usage: %s", usage);
    }
    struct err e = {0};
    if (cli_open(c, a, &e)) { /* --as ACCOUNT: signed in here */
        return cli_fail(&e);
    }
    if (reads && app_may_read(a, rtype_find(reads), 0, &e)) {
        app_close(a);
        return cli_fail(&e);
    }
    return 0;
}
