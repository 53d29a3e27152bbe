/* cmd_import.c — `isms TYPE import FILE.csv|FILE.xlsx [--map COL=FIELD ...]
 * [--update-by FIELD] [--dry-run] [--progress] [--json]` for every record
 * type (src/app/import.h does the work). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../app/import.h"
#include "../lib/buf.h"
#include "../lib/util.h"
#include "cli.h"

struct progress {
    int on;
    const char *file;
};

static void show_progress(void *ctx, const char *phase, size_t done, size_t total)
{
    struct progress *p = ctx;
    if (!p->on) {
        return;
    }
    if (total) {
        fprintf(stderr, "\rimport: %s %s: %zu/%zu rows (%zu%%)   ", p->file, phase, done, total,
                done * 100 / total);
    } else {
        fprintf(stderr, "\rimport: %s %s: %zu rows   ", p->file, phase, done);
    }
    if (total && done == total) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

static int import_usage(const struct rtype *t)
{
    return cli_usage("usage: isms %s import FILE.csv|FILE.xlsx [--map COLUMN=FIELD ...] "
                     "[--update-by FIELD] [--dry-run] [--progress] [--json]",
                     t->name);
}

int cmd_import(struct cli *c, const struct rtype *t, int argc, char **argv)
{
    const char *file = NULL, *update_by = NULL;
    int dry = 0, json = 0, progress = 0;
    struct import_map *map = xcalloc((size_t)argc + 1, sizeof *map);
    char **keep = xcalloc((size_t)argc + 1, sizeof *keep);
    int nmap = 0, rc = 0;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--dry-run") == 0) {
            dry = 1;
        } else if (strcmp(s, "--json") == 0) {
            json = 1;
        } else if (strcmp(s, "--progress") == 0) {
            progress = 1;
        } else if ((strcmp(s, "--as") == 0 || strcmp(s, "--file") == 0 || strcmp(s, "-f") == 0) &&
                   i + 1 < argc) {
            if (s[2] == 'a') {
                c->as = argv[++i];
            } else {
                c->file = argv[++i];
            }
        } else if ((strcmp(s, "--map") == 0 || strcmp(s, "--update-by") == 0) && i + 1 < argc) {
            const char *v = argv[++i];
            if (s[2] == 'u') {
                update_by = v;
                continue;
            }
            const char *eq = strrchr(v, '=');
            if (!eq || eq == v) {
                rc = cli_usage("--map %.80s: give COLUMN=FIELD (FIELD '-' leaves it out)", v);
                goto out;
            }
            keep[nmap] = xstrdup(v);
            keep[nmap][eq - v] = '\0';
            map[nmap].column = keep[nmap];
            map[nmap].field = keep[nmap] + (eq - v) + 1;
            nmap++;
        } else if (strncmp(s, "--", 2) == 0 || file) {
            rc = import_usage(t);
            goto out;
        } else {
            file = s;
        }
    }
    if (!file) {
        rc = import_usage(t);
        goto out;
    }
    struct err e = {0};
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        err_set(&e, ERR_NOTFOUND, NULL, "%s: cannot read it (not a file)", file);
        if (fd >= 0) {
            close(fd);
        }
        rc = cli_fail(&e);
        goto out;
    }
    struct app a;
    if (cli_open(c, &a, &e)) {
        close(fd);
        rc = cli_fail(&e);
        goto out;
    }
    /* as the router would: creating (or, with --update-by, editing) this type */
    if (!perm_may(&a.who, update_by ? PERM_EDIT : PERM_CREATE, t, -1)) {
        err_set(&e, ERR_FORBIDDEN, NULL, "%s: the role of %s does not allow %s them", t->plural,
                a.who.name, update_by ? "changing" : "adding");
        close(fd);
        app_close(&a);
        rc = cli_fail(&e);
        goto out;
    }
    struct progress pg = {progress || isatty(2), file};
    struct import_table tab;
    if (import_read(fd, 0, st.st_size, file, show_progress, &pg, &tab, &e)) {
        close(fd);
        app_close(&a);
        if (pg.on) {
            fputc('\n', stderr);
        }
        rc = cli_fail(&e);
        goto out;
    }
    close(fd);
    struct import_opts o = {map, nmap, update_by, dry, show_progress, &pg};
    struct import_result res;
    memset(&res, 0, sizeof res);
    int irc = app_import(&a, t, &tab, &o, &res, &e);
    if (json && (irc == 0 || res.n)) {
        struct buf b;
        buf_init(&b, 0);
        import_result_json(t, &res, irc == 0, dry, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else if (irc == 0) {
        printf("%s %zu %s, updated %zu, unchanged %zu%s\n", dry ? "would create" : "created",
               res.created, res.created == 1 ? t->name : t->plural, res.updated, res.unchanged,
               dry ? " (dry run: nothing written)" : "");
    }
    if (irc) {
        for (size_t i = 0; i < res.n && !json; i++) {
            const struct import_problem *p = &res.v[i];
            if (p->row) {
                fprintf(stderr, "row %ld", p->row);
            } else {
                fprintf(stderr, "file");
            }
            if (*p->column) {
                fprintf(stderr, ", column %s", p->column);
            }
            if (*p->value) {
                fprintf(stderr, ", value '%s'", p->value);
            }
            fprintf(stderr, ": %s\n", p->message);
        }
        rc = cli_fail(&e);
    }
    import_result_free(&res);
    import_table_free(&tab);
    app_close(&a);
out:
    for (int i = 0; i < nmap; i++) {
        free(keep[i]);
    }
    free(keep);
    free(map);
    return rc;
}
