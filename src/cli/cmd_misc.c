/* cmd_misc.c — the commands of commands.def that are not per record type. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/util.h"
#include "cli.h"

static int create_file(struct cli *c, int demo)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 1);
    if (rc) {
        return rc;
    }
    /* pg: --db postgresql://… names a database (an empty one of its own) */
    const char *db = cli_opt(&o, "db");
    const char *path = o.npos ? o.pos[0] : db ? db : c->file;
    if (!path || o.n > (db ? 1 : 0) || (db && o.npos)) {
        return cli_usage("usage: isms %s FILE | --db postgresql://...", demo ? "demo" : "init");
    }
    if (db && !store_is_url(db)) {
        return cli_usage("--db takes a postgresql:// URL (an ISMS file is isms %s FILE)",
                         demo ? "demo" : "init");
    }
    struct app a;
    struct err e = {0};
    struct demo_login logins[16];
    int n = 0;
    if (demo ? app_create_demo(&a, path, cli_actor(), logins, 16, &n, &e)
             : app_create(&a, path, cli_actor(), &e)) {
        return cli_fail(&e);
    }
    app_close(&a);
    printf("created %s%s\n", path, demo ? " with the demo organization" : "");
    if (n) {
        printf("\nDemo sign-ins (passwords generated now, shown once):\n");
        for (int i = 0; i < n; i++) {
            printf("  %-10s %-16s %-8s %s", logins[i].name, logins[i].role,
                   logins[i].person[0] ? logins[i].person : "-", logins[i].password);
            if (logins[i].expires[0]) {
                /* accounts: an external auditor, read-only until its end date */
                printf("  until %s (external auditor: reads, writes nothing)", logins[i].expires);
            }
            printf("\n");
        }
    }
    return 0;
}

int cmd_init(struct cli *c)
{
    return create_file(c, 0);
}

int cmd_demo(struct cli *c)
{
    return create_file(c, 1);
}

int cmd_types(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 0);
    if (rc) {
        return rc;
    }
    if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        jw_arr(&w);
        for (int i = 0; i < nrtypes; i++) {
            jw_obj(&w);
            jw_key(&w, "name");
            jw_str(&w, rtypes[i]->name);
            jw_key(&w, "label");
            jw_str(&w, rtypes[i]->label);
            jw_key(&w, "prefix");
            jw_str(&w, rtypes[i]->prefix);
            jw_key(&w, "clause");
            jw_str(&w, rtypes[i]->clause);
            jw_key(&w, "description");
            jw_str(&w, rtypes[i]->help);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
        return 0;
    }
    for (int i = 0; i < nrtypes; i++) {
        printf("%s\n", rtypes[i]->name);
    }
    return 0;
}

/* Prints "field: old → new" for each field that differs. */
static void print_diff(const char *before, const char *after)
{
    json_t *a = json_loads(before ? before : "{}", 0, NULL);
    json_t *b = json_loads(after ? after : "{}", 0, NULL);
    const char *k;
    json_t *v;
    json_object_foreach(b, k, v) {
        json_t *o = json_object_get(a, k);
        if (o && json_equal(o, v)) {
            continue;
        }
        if (!strcmp(k, FIELD_UPDATED) || !strcmp(k, FIELD_CREATED) || !strcmp(k, "id")) {
            continue;
        }
        if ((!o || json_is_null(o)) && (json_is_null(v) || (json_is_array(v) && !json_array_size(v)))) {
            continue;
        }
        char *os = o ? (json_is_string(o) ? xstrdup(json_string_value(o))
                                          : json_dumps(o, JSON_ENCODE_ANY | JSON_COMPACT))
                     : xstrdup("null");
        char *ns = json_is_string(v) ? xstrdup(json_string_value(v))
                                     : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (before) {
            printf("      %s: %.200s -> %.200s\n", k, os, ns);
        } else {
            printf("      %s: %.200s\n", k, ns);
        }
        free(os);
        free(ns);
    }
    json_decref(a);
    json_decref(b);
}

struct hist {
    int json;
    int n;
    struct buf *b;
    struct jw *w;
};

static int print_entry(void *ctx, const struct history_entry *h)
{
    struct hist *hs = ctx;
    hs->n++;
    if (hs->json) {
        struct jw *w = hs->w;
        jw_obj(w);
        jw_key(w, "seq");
        jw_int(w, h->seq);
        jw_key(w, "at");
        jw_str(w, h->at);
        jw_key(w, "actor");
        jw_str(w, h->actor);
        jw_key(w, "type");
        jw_str(w, h->type);
        jw_key(w, "id");
        jw_str(w, h->ref);
        jw_key(w, "action");
        jw_str(w, h->action);
        jw_key(w, "before");
        if (h->before) {
            jw_numtext(w, h->before); /* already JSON */
        } else {
            jw_null(w);
        }
        jw_key(w, "after");
        if (h->after) {
            jw_numtext(w, h->after);
        } else {
            jw_null(w);
        }
        jw_key(w, "hash");
        jw_str(w, h->hash);
        jw_obj_end(w);
        return 0;
    }
    printf("#%-6lld %s  %-8s %-10s %s\n", (long long)h->seq, h->at, h->action, h->ref, h->actor);
    print_diff(h->before, h->after);
    return 0;
}

int cmd_history(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 1);
    if (rc) {
        return rc;
    }
    if (o.n) {
        return cli_usage("usage: isms history [ID] [--json]");
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
        if (found > 0 && app_may_read(&a, t, 1, &e)) {
            found = -1; /* as PERM_HISTORY on the web: staff read no document's history */
        }
        if (found <= 0) {
            if (found == 0) {
                err_set(&e, ERR_NOTFOUND, NULL, "no record %.40s", ref);
            }
            app_close(&a);
            return cli_fail(&e);
        }
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 1);
    struct hist hs = {o.json, 0, &b, &w};
    if (o.json) {
        jw_arr(&w);
    }
    if (store_history(a.st, &a.who, ref, print_entry, &hs, &e)) {
        rc = cli_fail(&e);
    }
    if (o.json && !rc) {
        jw_arr_end(&w);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
    }
    buf_free(&b);
    app_close(&a);
    return rc;
}

int cmd_verify(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 1);
    if (rc) {
        return rc;
    }
    if (o.npos) {
        c->file = o.pos[0];
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct verify_result res;
    if (app_verify(&a, &res, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("ok: %ld history entries chained, %ld records match their history, %ld evidence "
               "files match their SHA-256, %ld sign-offs match the entries that recorded them, "
               "database intact\n",
               res.entries, res.records, res.blobs, res.signoffs);
    }
    app_close(&a);
    return rc;
}

struct clauses_ctx {
    int json;
    struct jw *w;
};

static int print_clause(void *ctx, const struct clause_row *r)
{
    struct clauses_ctx *cc = ctx;
    if (cc->json) {
        jw_obj(cc->w);
        jw_key(cc->w, "clause");
        jw_str(cc->w, r->clause);
        jw_key(cc->w, "title");
        jw_str(cc->w, r->title);
        jw_key(cc->w, "summary");
        jw_str(cc->w, r->summary);
        jw_key(cc->w, "documented_information");
        jw_bool(cc->w, r->documented);
        jw_key(cc->w, "version_note");
        jw_str(cc->w, r->note);
        jw_obj_end(cc->w);
    } else {
        printf("%-6s %s%s\n", r->clause, r->title, r->documented ? "  [documented information]" : "");
    }
    return 0;
}

int cmd_clauses(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 0);
    if (rc) {
        return rc;
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 1);
    struct clauses_ctx cc = {o.json, &w};
    if (o.json) {
        jw_arr(&w);
    }
    if (store_clauses(a.st, print_clause, &cc, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        jw_arr_end(&w);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
    }
    buf_free(&b);
    app_close(&a);
    return rc;
}

int cmd_version(struct cli *c)
{
    (void)c;
    printf("isms %s (schema %d)\n", ISMS_VERSION, store_latest_version());
    return 0;
}

int cmd_schema(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 1 || strcmp(o.pos[0], "postgresql") != 0) {
        return cli_usage("usage: isms schema postgresql");
    }
    struct buf b;
    struct err e = {0};
    buf_init(&b, 0);
    if (store_pg_schema(&b, &e)) {
        buf_free(&b);
        return cli_fail(&e);
    }
    fwrite(b.p, 1, b.len, stdout);
    buf_free(&b);
    return 0;
}

int cmd_backup(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos < 1) {
        return cli_usage("usage: isms backup [FILE] OUT");
    }
    if (o.npos == 2) {
        c->file = o.pos[0];
    }
    const char *out = o.pos[o.npos - 1];
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct verify_result vr;
    if (app_backup(&a, out, &vr, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("backed up to %s: %ld records, %ld history entries, verified\n", out, vr.records,
               vr.entries);
    }
    app_close(&a);
    return rc;
}

int cmd_restore(struct cli *c)
{
    struct opts o;
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 2);
    if (rc || (rc = cli_no_other_opts(&o, NULL))) {
        return rc;
    }
    if (o.npos != 2) {
        return cli_usage("usage: isms restore BACKUP FILE (FILE must not exist yet)");
    }
    struct err e = {0};
    struct verify_result vr;
    if (app_restore(o.pos[0], o.pos[1], &vr, &e)) {
        return cli_fail(&e);
    }
    printf("restored %s into %s: %ld records, %ld history entries, verified\n", o.pos[0],
           o.pos[1], vr.records, vr.entries);
    return 0;
}
