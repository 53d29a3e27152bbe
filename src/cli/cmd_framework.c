/* cmd_framework.c — `isms framework ...`: import a control catalogue
 * (OSCAL catalog JSON or CSV), list and show frameworks, map controls of
 * two frameworks (import, add, remove, list) and a framework's compliance
 * derived from the SoA (src/app/framework.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/framework.h"
#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/util.h"
#include "cli.h"

static const char usage_all[] =
    "usage: isms framework import FILE [--id ID] [--title T] | list [--json] | show F [--json] "
    "| compliance F [--json] | map import FILE.csv | map add A:ID B:ID "
    "equal|subset|superset|intersects [--note T] | map remove A:ID B:ID | map list [F] [--json]";

/* Reads a whole file, at most FW_MAX_BYTES + 1 bytes (the readers refuse
 * more). */
static int read_whole(const char *path, struct buf *b)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        return -1;
    }
    buf_init(b, 0);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0 && b->len <= FW_MAX_BYTES) {
        buf_append(b, chunk, got);
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        buf_free(b);
        return -1;
    }
    return 0;
}

static int fail_in(const char *file, struct err *e)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%.100s: %.400s", file, e->msg);
    strlcpy_(e->msg, msg, sizeof e->msg);
    return cli_fail(e);
}

static void print_jw_done(struct buf *b)
{
    cli_print_json(buf_str(b));
    buf_free(b);
}

static int fw_import(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"id", "title", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                              "isms framework import FILE [--id ID] [--title T]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct buf b;
    if (read_whole(o.pos[0], &b)) {
        app_close(&a);
        return cli_usage("%s: cannot read it", o.pos[0]);
    }
    struct err e = {0};
    struct framework f;
    if (app_framework_import(&a, b.p ? b.p : "", b.len, o.pos[0], cli_opt(&o, "id"),
                             cli_opt(&o, "title"), &f, &e)) {
        rc = fail_in(o.pos[0], &e);
    } else {
        printf("framework %s imported: %ld controls in %ld groups (%s)\n", f.id, f.ncontrols,
               f.ngroups, f.title);
        framework_free(&f);
    }
    buf_free(&b);
    app_close(&a);
    return rc;
}

static int fw_list(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 0, allowed, "isms framework list [--json]",
                              "control", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct framework_list l;
    if (app_frameworks(&a, &l, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        jw_arr(&w);
        for (size_t i = 0; i < l.n; i++) {
            framework_json(&w, &l.v[i], 0);
        }
        jw_arr_end(&w);
        print_jw_done(&b);
    } else {
        for (size_t i = 0; i < l.n; i++) {
            const struct framework *f = &l.v[i];
            printf("%-28s %-7s %5ld controls %3ld groups  %s\n", f->id, f->source, f->ncontrols,
                   f->ngroups, f->title);
        }
    }
    framework_list_free(&l);
    app_close(&a);
    return rc;
}

static int fw_show(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms framework show F [--json]",
                              "control", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct framework f;
    if (app_framework(&a, o.pos[0], 1, &f, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        framework_json(&w, &f, 1);
        print_jw_done(&b);
    } else {
        printf("%s — %s\n", f.id, f.title);
        printf("source %s%s%s, %ld controls in %ld groups\n", f.source,
               f.version ? ", version " : "", f.version ? f.version : "", f.ncontrols, f.ngroups);
        for (size_t i = 0; i < f.n; i++) {
            const struct fw_control *x = &f.v[i];
            printf("%*s%-12s %s%s%s\n", 2 * x->depth, "", x->id, x->title,
                   strcmp(x->kind, "group") == 0 ? "  [group]" : "",
                   x->status ? " (withdrawn)" : "");
        }
    }
    framework_free(&f);
    app_close(&a);
    return rc;
}

static int fw_compliance(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                              "isms framework compliance F [--json]", "control", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct fw_compliance fc;
    if (app_fw_compliance(&a, o.pos[0], &fc, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        fw_compliance_json(&w, &fc);
        print_jw_done(&b);
    } else {
        printf("%s — %d of %d controls met through implemented controls (%d%%); %d mapped only "
               "to unimplemented controls, %d not mapped\n",
               fc.fw.id, fc.met, fc.controls, fc.percent, fc.unmet, fc.unmapped);
        for (size_t i = 0; i < fc.ngroups; i++) {
            const struct fw_comp_group *g = &fc.groups[i];
            printf("  %-8s %-40.40s %3d/%-3d met  %3d unmet  %3d unmapped\n", g->id, g->title,
                   g->met, g->controls, g->unmet, g->unmapped);
        }
        printf("Gaps:\n");
        for (size_t i = 0; i < fc.nrows; i++) {
            const struct fw_comp_row *r = &fc.rows[i];
            if (!r->met) {
                printf("  %-12s %-50.50s %s\n", r->c->id, r->c->title,
                       r->mapped ? "mapped to unimplemented controls" : "no mapping");
            }
        }
    }
    fw_compliance_free(&fc);
    app_close(&a);
    return rc;
}

static int map_import(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms framework map import FILE.csv",
                              NULL, &a);
    if (rc) {
        return rc;
    }
    struct buf b;
    if (read_whole(o.pos[0], &b)) {
        app_close(&a);
        return cli_usage("%s: cannot read it", o.pos[0]);
    }
    struct err e = {0};
    int added = 0;
    if (app_fw_map_import(&a, b.p ? b.p : "", b.len, &added, &e)) {
        rc = fail_in(o.pos[0], &e);
    } else {
        printf("%d mappings added\n", added);
    }
    buf_free(&b);
    app_close(&a);
    return rc;
}

static int map_add(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"note", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 3, allowed,
                              "isms framework map add A:ID B:ID equal|subset|superset|intersects "
                              "[--note T]",
                              NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (app_fw_map_add(&a, o.pos[0], o.pos[1], o.pos[2], cli_opt(&o, "note"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("mapped %s %s %s\n", o.pos[0], o.pos[2], o.pos[1]);
    }
    app_close(&a);
    return rc;
}

static int map_remove(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 2, allowed, "isms framework map remove A:ID B:ID",
                              NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (app_fw_map_remove(&a, o.pos[0], o.pos[1], &e)) {
        rc = cli_fail(&e);
    } else {
        printf("removed the mapping %s - %s\n", o.pos[0], o.pos[1]);
    }
    app_close(&a);
    return rc;
}

static int map_list(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    /* zero or one positional: parse with room for one */
    int npos = argc > 0 && argv[0][0] != '-' ? 1 : 0;
    int rc = cli_command_open(c, argc, argv, &o, npos, allowed, "isms framework map list [F] [--json]",
                              "control", &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct fw_mappings m;
    if (app_fw_maps(&a, npos ? o.pos[0] : NULL, 1, &m, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        fw_mappings_json(&w, &m);
        print_jw_done(&b);
    } else {
        for (size_t i = 0; i < m.n; i++) {
            const struct fw_mapping *x = &m.v[i];
            printf("%s:%s %s %s:%s%s\n", x->a_framework, x->a_id, x->rel, x->b_framework, x->b_id,
                   x->id ? "" : "  (built in)");
        }
    }
    fw_mappings_free(&m);
    app_close(&a);
    return rc;
}

int cmd_framework(struct cli *c)
{
    if (c->argc < 1 || strcmp(c->argv[0], "--help") == 0 || strcmp(c->argv[0], "-h") == 0) {
        if (c->argc < 1) {
            return cli_usage("%s", usage_all);
        }
        printf("%s\n", usage_all);
        return 0;
    }
    const char *sub = c->argv[0];
    int argc = c->argc - 1;
    char **argv = c->argv + 1;
    if (strcmp(sub, "import") == 0) {
        return fw_import(c, argc, argv);
    }
    if (strcmp(sub, "list") == 0) {
        return fw_list(c, argc, argv);
    }
    if (strcmp(sub, "show") == 0) {
        return fw_show(c, argc, argv);
    }
    if (strcmp(sub, "compliance") == 0) {
        return fw_compliance(c, argc, argv);
    }
    if (strcmp(sub, "map") == 0 && argc >= 1) {
        const char *m = argv[0];
        if (strcmp(m, "import") == 0) {
            return map_import(c, argc - 1, argv + 1);
        }
        if (strcmp(m, "add") == 0) {
            return map_add(c, argc - 1, argv + 1);
        }
        if (strcmp(m, "remove") == 0) {
            return map_remove(c, argc - 1, argv + 1);
        }
        if (strcmp(m, "list") == 0) {
            return map_list(c, argc - 1, argv + 1);
        }
    }
    return cli_usage("framework: unknown subcommand '%.40s' (%s)", sub, usage_all);
}
