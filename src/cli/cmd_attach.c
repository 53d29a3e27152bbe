/* cmd_attach.c — evidence files from the terminal: `isms attach`,
 * `isms attachments`, `isms attachment get|remove`. Thin: the same app_
 * calls as the pages and the API (app/attach.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../report/outfile.h"
#include "cli.h"

static void print_info(const struct attachment_info *info, const char *today)
{
    char exp[64];
    app_attachment_expiry_text(info, today, exp);
    printf("%-9s %-8s %-32s %10lld  %s  %s%s%s%s%s\n", info->ref, info->subject, info->name, (long long)info->size,
           info->added_at, info->media_type, info->valid_until[0] ? "  valid until " : "",
           info->valid_until, exp[0] ? ", " : "", exp);
}

int cmd_attach(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    if (rc) {
        return rc;
    }
    static const char *const allowed[] = {"valid-until", "name", NULL};
    if (o.npos != 2 || o.help) {
        return cli_usage("usage: isms attach ID FILE [--valid-until YYYY-MM-DD] [--name NAME]");
    }
    if ((rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    struct err e = {0};
    const char *path = o.pos[1];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        err_set(&e, fd < 0 && errno == ENOENT ? ERR_NOTFOUND : ERR_USAGE, "file",
                "%.200s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0) {
            close(fd);
        }
        return cli_fail(&e);
    }
    const char *name = cli_opt(&o, "name");
    if (!name) {
        name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    }
    struct app a;
    if (cli_open(c, &a, &e)) {
        close(fd);
        return cli_fail(&e);
    }
    struct attach_input in = {o.pos[0], name, cli_opt(&o, "valid-until"), fd, 0, sb.st_size, 0};
    struct attachment_info info;
    if (app_attach(&a, &in, &info, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: %s attached to %s (%lld bytes, sha256 %s)\n", info.ref, info.name,
               info.subject, (long long)info.size, info.sha256);
    }
    close(fd);
    app_close(&a);
    return rc;
}

struct list_ctx {
    int json;
    struct jw *w;
    const char *today;
    int n;
    int expiring;     /* only evidence expiring within this many days (or expired) */
    long within;
};

static int list_one(void *ctx, const struct attachment_info *info)
{
    struct list_ctx *l = ctx;
    int days;
    if (l->expiring && (!app_attachment_expiry(info, l->today, &days) || days > l->within)) {
        return 0;
    }
    if (l->json) {
        app_attachment_json(l->w, info, l->today);
    } else {
        print_info(info, l->today);
    }
    l->n++;
    return 0;
}

int cmd_attachments(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 1);
    if (rc) {
        return rc;
    }
    static const char *const allowed[] = {"expiring", NULL};
    const char *exp = cli_opt(&o, "expiring");
    int64_t within = 0;
    if (o.help || (rc = cli_no_other_opts(&o, allowed)) || (o.npos != 1 && !exp) ||
        (exp && (int_parse(exp, &within) || within < 0 || within > 36500))) {
        return rc ? rc : cli_usage("usage: isms attachments ID [--all] [--json] | "
                                   "isms attachments --expiring DAYS [--json]");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    const char *ref = o.npos ? o.pos[0] : NULL;
    if (ref) {
        const struct rtype *t = rtype_of_ref(ref);
        int found = t ? store_exists(a.st, &a.who, t, ref, NULL, &e) : 0;
        if (found <= 0) {
            if (found == 0) {
                err_set(&e, ERR_NOTFOUND, "id", "no record %.40s", ref);
            }
            app_close(&a);
            return cli_fail(&e);
        }
    }
    char today[11];
    date_today(today);
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 1);
    struct list_ctx l = {o.json, &w, today, 0, exp != NULL, (long)within};
    if (o.json) {
        jw_arr(&w);
    }
    if (app_attachments(&a, ref, o.all && !exp, list_one, &l, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        jw_arr_end(&w);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
    } else if (!l.n && ref) {
        printf("%s has no evidence files\n", ref);
    } else if (!l.n) {
        printf("no evidence expires within %lld days\n", (long long)within);
    }
    buf_free(&b);
    app_close(&a);
    return rc;
}

/* Writes the verified content to path, whole or not at all. */
static int get_to_file(struct app *a, const char *ref, const char *path, struct err *e)
{
    struct attachment_reader *r = NULL;
    if (app_attachment_open(a, ref, NULL, 0, &r, e)) {
        return -1;
    }
    struct outfile of;
    if (outfile_open(&of, path, e)) {
        app_attachment_close(r);
        return -1;
    }
    char *chunk = xmalloc(STORE_CHUNK);
    long n;
    int rc = 0;
    while ((n = app_attachment_read(r, chunk, STORE_CHUNK, e)) > 0) {
        if (outfile_write(&of, chunk, (size_t)n, e)) {
            rc = -1;
            break;
        }
    }
    free(chunk);
    if (rc == 0 && n < 0) {
        outfile_abort(&of);
        rc = -1;
    } else if (rc == 0) {
        rc = outfile_commit(&of, e);
        if (rc == 0) {
            printf("%s: %s (%lld bytes) written to %s\n", ref, app_attachment_reader_info(r)->name,
                   (long long)app_attachment_reader_info(r)->size, path);
        }
    }
    app_attachment_close(r);
    return rc;
}

int cmd_attachment(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    if (rc) {
        return rc;
    }
    const char *sub = o.npos ? o.pos[0] : "";
    int get = strcmp(sub, "get") == 0, rm = strcmp(sub, "remove") == 0,
        show = strcmp(sub, "show") == 0;
    if (o.npos != 2 || o.n || o.help || !(get || rm || show) || (get && !o.output)) {
        return cli_usage("usage: isms attachment get ATT-NNNN -o FILE | show ATT-NNNN [--json] | "
                         "remove ATT-NNNN");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    const char *ref = o.pos[1];
    if (get) {
        rc = get_to_file(&a, ref, o.output, &e) ? cli_fail(&e) : 0;
    } else if (rm) {
        if (app_attachment_remove(&a, ref, NULL, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("%s removed (its content stays in the file, for the record's history)\n", ref);
        }
    } else {
        struct attachment_info info;
        char today[11];
        date_today(today);
        if (app_attachment_get(&a, ref, &info, &e)) {
            rc = cli_fail(&e);
        } else if (o.json) {
            struct buf b;
            struct jw w;
            buf_init(&b, 0);
            jw_init(&w, &b, 1);
            app_attachment_json(&w, &info, today);
            buf_putc(&b, '\n');
            fwrite(b.p, 1, b.len, stdout);
            buf_free(&b);
        } else {
            print_info(&info, today);
            printf("  record %s, sha256 %s, added by %s%s%s%s%s\n", info.subject, info.sha256,
                   info.added_by, info.active ? "" : ", removed ", info.removed_at,
                   info.active ? "" : " by ", info.removed_by);
        }
    }
    app_close(&a);
    return rc;
}
