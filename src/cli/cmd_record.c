/* cmd_record.c — `isms TYPE add|list|show|edit|retire|fields|help` for every
 * record type, driven by the declarations in model/types.c. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/risk.h"
#include "cli.h"

/* ---- list ---------------------------------------------------------------- */

#define COL_MAX 42

/* Width of s in terminal columns, counting code points (good enough for
 * the Latin, Greek and Cyrillic text registers hold). */
static size_t width(const char *s)
{
    return utf8_chars(s);
}

/* Prints s cut to at most w columns, padded to w. */
static void cell(const char *s, size_t w, int last)
{
    size_t n = 0;
    const char *p = s;
    while (*p && n < w) {
        const char *q = p + 1;
        while ((*q & 0xc0) == 0x80) {
            q++;
        }
        if (n == w - 1 && width(p) > 1) {
            fputs("…", stdout);
            n++;
            p = "";
            break;
        }
        fwrite(p, 1, (size_t)(q - p), stdout);
        p = q;
        n++;
    }
    if (!last) {
        for (; n < w + 2; n++) {
            putchar(' ');
        }
    }
}

static void print_table(const struct rtype *t, struct records *rows)
{
    int cols[64], nc = 0;
    for (int i = 0; i < t->nfields && nc < 64; i++) {
        if (t->fields[i].flags & FL_LIST) {
            cols[nc++] = i;
        }
    }
    size_t w[65];
    w[0] = 2;
    for (int k = 0; k < nc; k++) {
        w[k + 1] = strlen(t->fields[cols[k]].name);
    }
    char ***text = xcalloc(rows->n + 1, sizeof *text);
    for (size_t r = 0; r < rows->n; r++) {
        text[r] = xcalloc((size_t)nc + 1, sizeof(char *));
        text[r][0] = xstrdup(rows->v[r]->ref);
        if (width(text[r][0]) > w[0]) {
            w[0] = width(text[r][0]);
        }
        for (int k = 0; k < nc; k++) {
            const struct field *f = &t->fields[cols[k]];
            text[r][k + 1] = value_display(f, rows->v[r]->v[cols[k]]);
            size_t cw = width(text[r][k + 1]);
            if (cw > w[k + 1]) {
                w[k + 1] = cw > COL_MAX ? COL_MAX : cw;
            }
        }
    }
    cell("id", w[0], 0);
    for (int k = 0; k < nc; k++) {
        cell(t->fields[cols[k]].name, w[k + 1], k == nc - 1);
    }
    putchar('\n');
    for (size_t r = 0; r < rows->n; r++) {
        for (int k = 0; k <= nc; k++) {
            cell(text[r][k], w[k], k == nc);
            free(text[r][k]);
        }
        putchar('\n');
        free(text[r]);
    }
    free(text);
}

static int do_list(struct cli *c, const struct rtype *t, struct opts *o)
{
    struct app a;
    struct err e = {0};
    struct query q = {0};
    char *owned[QUERY_MAX_FILTERS] = {0};
    struct records rows = {0};
    int rc = 0;

    if (o->npos) {
        return cli_usage("%s list takes no identifier (did you mean `isms %s show %s`?)", t->name,
                         t->name, o->pos[0]);
    }
    if (app_query_filter(t, &q, o->kv, o->n, owned, &e)) {
        return cli_fail(&e);
    }
    q.search = o->search;
    q.include_retired = o->all;
    if (o->review_due && strcmp(t->name, "risk") != 0 && strcmp(t->name, "document") != 0) {
        rc = cli_usage("--review-due applies to risks and documents only");
        goto out;
    }
    char due_today[11];
    if (o->review_due && strcmp(t->name, "document") == 0) {
        /* documents in force past their next review date: the store's filter */
        date_today(due_today);
        q.review_due = due_today;
    }
    if (o->search && (!utf8_valid(o->search, strlen(o->search)) || strlen(o->search) > 200)) {
        rc = cli_usage("--search: give at most 200 characters of valid UTF-8 text");
        goto out;
    }
    if (o->limit) {
        int64_t lim;
        if (int_parse(o->limit, &lim) || lim < 1 || lim > 1000000) {
            rc = cli_usage("--limit: give a whole number from 1 to 1000000");
            goto out;
        }
        q.limit = (long)lim;
    }
    if (cli_open(c, &a, &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    if (app_may_read(&a, t, 0, &e) || store_list(a.st, &a.who, t, &q, records_add, &rows, &e)) {
        rc = cli_fail(&e);
        goto done;
    }
    if (o->review_due && strcmp(t->name, "risk") == 0) {
        char today[11];
        date_today(today);
        size_t k = 0;
        for (size_t i = 0; i < rows.n; i++) {
            if (risk_review_due(rows.v[i], today)) {
                rows.v[k++] = rows.v[i];
            } else {
                record_free(rows.v[i]);
            }
        }
        rows.n = k;
    }
    if (o->json) {
        struct buf b;
        buf_init(&b, 0);
        buf_putc(&b, '[');
        for (size_t i = 0; i < rows.n; i++) {
            if (i) {
                buf_putc(&b, ',');
            }
            buf_puts(&b, "\n");
            record_json(rows.v[i], &b, 0);
        }
        buf_puts(&b, rows.n ? "\n]\n" : "]\n");
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else if (rows.n == 0) {
        fprintf(stderr, "no %s matched\n", t->plural);
    } else {
        print_table(t, &rows);
    }
done:
    records_free(&rows);
    app_close(&a);
out:
    for (int i = 0; i < QUERY_MAX_FILTERS; i++) {
        free(owned[i]);
    }
    return rc;
}

/* ---- show ---------------------------------------------------------------- */

static int print_inbound(void *ctx, const struct rtype *t, const char *src, const char *field)
{
    int *n = ctx;
    if ((*n)++ == 0) {
        printf("\nReferred to by:\n");
    }
    printf("  %-12s %s.%s\n", src, t->name, field);
    return 0;
}

struct counterparts {
    struct app *a;
    int n;
};

static int print_counterpart(void *ctx, const char *ref)
{
    struct counterparts *cp = ctx;
    struct record *r = NULL;
    struct err e = {0};
    if (cp->n++ == 0) {
        printf("\n%s:\n", ref[0] == 'A' ? "2013 counterparts" : "2022 counterparts");
    }
    if (store_get(cp->a->st, &cp->a->who, rtype_find("control"), ref, &r, &e) == 0) {
        printf("  %-10s %s\n", ref, record_get(r, "title"));
        record_free(r);
    } else {
        printf("  %s\n", ref);
    }
    return 0;
}

/* Effective C/I/A values: an asset's own highest values and those of the
 * assets that depend on it (for a risk: of each of its assets). */
static void print_effective(struct app *a, const struct record *r)
{
    const char *assets = strcmp(r->type->name, "asset") == 0 ? r->ref : record_get(r, "assets");
    if (!assets) {
        return;
    }
    printf("\nEffective values (own, or inherited from what depends on it):\n");
    char *copy = xstrdup(assets);
    char *save_tok = NULL;
    for (char *tok = strtok_r(copy, ",", &save_tok); tok;
         tok = strtok_r(NULL, ",", &save_tok)) {
        int cia[3];
        struct err e = {0};
        if (store_asset_effective(a->st, &a->who, tok, cia, &e) == 0) {
            printf("  %-10s confidentiality %d, integrity %d, availability %d\n", tok, cia[0],
                   cia[1], cia[2]);
        }
    }
    free(copy);
}

static int do_show(struct cli *c, const struct rtype *t, struct opts *o)
{
    if (o->npos != 1) {
        return cli_usage("usage: isms %s show ID [--json]", t->name);
    }
    if (o->n) {
        return cli_usage("%s show takes no --%s option", t->name, o->kv[0].name);
    }
    struct app a;
    struct err e = {0};
    struct record *r = NULL;
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    char ref[64];
    strlcpy_(ref, o->pos[0], sizeof ref);
    for (char *p = ref; *p && *p != '-'; p++) {
        if (*p >= 'a' && *p <= 'z') {
            *p = (char)(*p - 'a' + 'A');
        }
    }
    /* as the router: a hidden record is missing (404), then the role (403) */
    if (app_record_get(&a, t, ref, &r, &e) || app_may_read(&a, t, 0, &e)) {
        record_free(r);
        app_close(&a);
        return cli_fail(&e);
    }
    if (o->json) {
        struct buf b;
        buf_init(&b, 0);
        record_json(r, &b, 1);
        if (app_record_signoffs_json(&a, r, &b, &e)) {
            buf_free(&b);
            record_free(r);
            app_close(&a);
            return cli_fail(&e);
        }
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else {
        const char *title = t->title_field ? record_get(r, t->title_field) : NULL;
        printf("%s  %s%s\n\n", r->ref, title ? title : "",
               record_get(r, FIELD_RETIRED) ? "  (retired)" : "");
        size_t lw = 0;
        for (int i = 0; i < t->nfields; i++) {
            size_t n = width(t->fields[i].label);
            if (n > lw) {
                lw = n;
            }
        }
        for (int i = 0; i < t->nfields; i++) {
            const struct field *f = &t->fields[i];
            if (!r->v[i]) {
                continue;
            }
            char *v = value_display(f, r->v[i]);
            printf("%s:", f->label);
            for (size_t k = width(f->label); k < lw + 2; k++) {
                putchar(' ');
            }
            /* continuation lines of long text are indented */
            for (const char *p = v; *p; p++) {
                putchar(*p);
                if (*p == '\n') {
                    for (size_t k = 0; k < lw + 3; k++) {
                        putchar(' ');
                    }
                }
            }
            putchar('\n');
            free(v);
        }
        if (strcmp(t->name, "control") == 0) {
            struct counterparts cp = {&a, 0};
            store_control_counterparts(a.st, r->ref, print_counterpart, &cp, &e);
            if (cp.n == 0 && strcmp(record_get(r, "framework"), FRAMEWORK_2022) == 0) {
                printf("\nNew in 2022: no 2013 counterpart.\n");
            }
        }
        if (strcmp(t->name, "asset") == 0 || strcmp(t->name, "risk") == 0) {
            print_effective(&a, r);
        }
        int n = 0;
        store_inbound(a.st, &a.who, r->ref, print_inbound, &n, &e);
    }
    record_free(r);
    app_close(&a);
    return 0;
}

/* ---- add, edit, retire ---------------------------------------------------- */

static int do_add(struct cli *c, const struct rtype *t, struct opts *o)
{
    if (o->npos) {
        return cli_usage("%s add takes --FIELD VALUE pairs, not '%.60s' (see `isms %s fields`)",
                         t->name, o->pos[0], t->name);
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    char *ref = NULL;
    int rc = 0;
    if (app_record_add(&a, t, o->kv, o->n, &ref, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s\n", ref);
        cli_audit_warnings(&a, t, ref); /* audit: auditor independence */
    }
    free(ref);
    app_close(&a);
    return rc;
}

static int do_edit(struct cli *c, const struct rtype *t, struct opts *o)
{
    if (o->npos != 1) {
        return cli_usage("usage: isms %s edit ID --FIELD VALUE ...", t->name);
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    int changed = 0, rc = 0;
    if (app_record_edit(&a, t, o->pos[0], o->kv, o->n, &changed, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s %s\n", o->pos[0], changed ? "updated" : "unchanged (already so)");
        cli_audit_warnings(&a, t, o->pos[0]); /* audit: auditor independence */
    }
    app_close(&a);
    return rc;
}

static int do_retire(struct cli *c, const struct rtype *t, struct opts *o)
{
    if (o->npos != 1 || o->n) {
        return cli_usage("usage: isms %s retire ID", t->name);
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    int rc = 0;
    if (app_record_retire(&a, t, o->pos[0], &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s retired\n", o->pos[0]);
    }
    app_close(&a);
    return rc;
}

/* ---- fields --------------------------------------------------------------- */

static void field_values(const struct field *f, struct buf *b)
{
    if (f->values) {
        for (int k = 0; f->values[k]; k++) {
            buf_printf(b, "%s%s", k ? "|" : "", f->values[k]);
        }
    } else if (f->ref) {
        buf_printf(b, "%s id%s", f->ref, f->type == F_REFS ? "s, comma-separated" : "");
    } else if (f->type == F_INT) {
        buf_printf(b, "%ld..%ld", f->min, f->max);
    } else if (f->type == F_TEXT || f->type == F_LONGTEXT) {
        buf_printf(b, "up to %ld characters", f->max);
    } else if (f->type == F_DATE) {
        buf_puts(b, "YYYY-MM-DD");
    } else if (f->type == F_DATETIME) {
        buf_puts(b, "YYYY-MM-DD HH:MM (UTC)");
    } else if (f->type == F_BOOL) {
        buf_puts(b, "yes|no");
    }
}

static int do_fields(const struct rtype *t, struct opts *o)
{
    if (o->json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        jw_arr(&w);
        for (int i = 0; i < t->nfields; i++) {
            const struct field *f = &t->fields[i];
            jw_obj(&w);
            jw_key(&w, "name");
            jw_str(&w, f->name);
            jw_key(&w, "label");
            jw_str(&w, f->label);
            jw_key(&w, "type");
            jw_str(&w, ftype_name(f->type));
            jw_key(&w, "required");
            jw_bool(&w, f->flags & FL_REQUIRED);
            jw_key(&w, "system");
            jw_bool(&w, f->flags & FL_SYSTEM);
            jw_key(&w, "listed");
            jw_bool(&w, f->flags & FL_LIST);
            if (f->sort_by) {
                jw_key(&w, "sorted_by");
                jw_str(&w, f->sort_by);
            }
            if (f->values) {
                jw_key(&w, "values");
                jw_arr(&w);
                for (int k = 0; f->values[k]; k++) {
                    jw_str(&w, f->values[k]);
                }
                jw_arr_end(&w);
            }
            if (f->ref) {
                jw_key(&w, "ref");
                jw_str(&w, f->ref);
            }
            if (f->type == F_INT) {
                jw_key(&w, "min");
                jw_int(&w, f->min);
            }
            if (f->type == F_INT || f->type == F_TEXT || f->type == F_LONGTEXT ||
                f->type == F_EMAIL) {
                jw_key(&w, f->type == F_INT ? "max" : "max_length");
                jw_int(&w, f->max);
            }
            const char *def = f->def ? f->def
                              : strcmp(f->name, FIELD_STATUS) == 0 ? f->values[0]
                                                                   : NULL;
            if (def) {
                jw_key(&w, "default");
                jw_str(&w, def);
            }
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
        return 0;
    }
    printf("%-26s %-11s %-9s %s\n", "field", "type", "", "values");
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        struct buf b;
        buf_init(&b, 0);
        field_values(f, &b);
        printf("%-26s %-11s %-9s %s\n", f->name, ftype_name(f->type),
               (f->flags & FL_REQUIRED) ? "required" : (f->flags & FL_SYSTEM) ? "automatic" : "",
               buf_str(&b));
        buf_free(&b);
    }
    return 0;
}

/* ---- help and dispatch ----------------------------------------------------- */

void cli_help_type(const struct rtype *t)
{
    printf("isms %s — %s (clause %s).\n\n", t->name, t->help, t->clause);
    printf("Usage:\n");
    printf("  isms %s add --FIELD VALUE ...         add one; prints its identifier\n", t->name);
    printf("  isms %s list [--FIELD VALUE ...] [--search TEXT] [--all] [--limit N] [--json]\n",
           t->name);
    printf("  isms %s show ID [--json]\n", t->name);
    printf("  isms %s edit ID --FIELD VALUE ...     an empty VALUE clears a field\n", t->name);
    printf("  isms %s retire ID                     keeps it and its history, hides it\n",
           t->name);
    printf("  isms %s fields [--json]               what can be set\n", t->name);
    /* import */
    printf("  isms %s import FILE.csv|FILE.xlsx [--map COLUMN=FIELD ...] [--update-by FIELD]\n"
           "      [--dry-run] [--progress] [--json]   all rows or none (docs/guide.md)\n",
           t->name);
    if (strcmp(t->name, "risk") != 0) { /* the risk register has its own export */
        printf("  isms %s export --format csv|xlsx -o FILE   the register, as its list page "
               "shows it\n",
               t->name);
    }
    static const struct {
        const char *type, *name, *args, *summary;
    } subs[] = {
#define SUBCMD(type, name, fn, args, summary) {type, name, args, summary},
#include "subcommands.def"
#undef SUBCMD
    };
    for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
        if (strcmp(subs[k].type, t->name) == 0) {
            printf("  isms %s %s %s\n      %s\n", t->name, subs[k].name, subs[k].args,
                   subs[k].summary);
        }
    }
    printf("\n");
    printf("Identifiers look like %s-0001.", t->prefix);
    if (strcmp(t->name, "control") == 0) {
        printf(" Annex A controls keep their numbers: 8.24 (2022), A.10.1.1 (2013);\n"
               "filter with --framework iso27001-2022|iso27001-2013|custom.");
    }
    printf("\nRequired:");
    for (int i = 0; i < t->nfields; i++) {
        if ((t->fields[i].flags & FL_REQUIRED) && strcmp(t->fields[i].name, FIELD_STATUS) != 0 &&
            !t->fields[i].def) {
            printf(" --%s", t->fields[i].name);
        }
    }
    printf("\n\nExample:\n  isms %s add", t->name);
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (!(f->flags & FL_REQUIRED) || strcmp(f->name, FIELD_STATUS) == 0 || f->def) {
            continue;
        }
        if (f->values) {
            printf(" --%s %s", f->name, f->values[0]);
        } else if (f->type == F_REF) {
            printf(" --%s %s-0001", f->name, rtype_find(f->ref)->prefix);
        } else if (f->type == F_DATE) {
            printf(" --%s 2026-01-31", f->name);
        } else if (f->type == F_NUMBER || f->type == F_INT) {
            printf(" --%s 3", f->name);
        } else {
            printf(" --%s \"...\"", f->name);
        }
    }
    printf("\n");
}

int cli_record_show(struct cli *c, const struct rtype *t, struct opts *o)
{
    return do_show(c, t, o);
}

int cmd_record(struct cli *c, const struct rtype *t)
{
    if (c->argc < 1) {
        cli_help_type(t);
        return err_exit_status(ERR_USAGE);
    }
    const char *sub = c->argv[0];
    static const struct {
        const char *type, *name;
        int (*fn)(struct cli *, int, char **);
    } subs[] = {
#define SUBCMD(type, name, fn, args, summary) {type, name, fn},
#include "subcommands.def"
#undef SUBCMD
    };
    for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
        if (strcmp(subs[k].type, t->name) == 0 && strcmp(subs[k].name, sub) == 0) {
            return subs[k].fn(c, c->argc - 1, c->argv + 1);
        }
    }
    /* import: every type (cmd_import.c) */
    if (strcmp(sub, "import") == 0) {
        return cmd_import(c, t, c->argc - 1, c->argv + 1);
    }
    /* reports: every type's register as a spreadsheet (cmd_report.c) */
    if (strcmp(sub, "export") == 0) {
        return cmd_register_export(c, t, c->argc - 1, c->argv + 1);
    }
    struct opts o;
    int max_pos = 1;
    int rc = cli_parse_opts(c, c->argc - 1, c->argv + 1, &o, max_pos);
    if (rc) {
        return rc;
    }
    if (o.help || strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0 ||
        strcmp(sub, "-h") == 0) {
        cli_help_type(t);
        return 0;
    }
    if (strcmp(sub, "add") == 0) {
        return do_add(c, t, &o);
    }
    if (strcmp(sub, "list") == 0) {
        return do_list(c, t, &o);
    }
    if (strcmp(sub, "show") == 0) {
        return do_show(c, t, &o);
    }
    if (strcmp(sub, "edit") == 0) {
        return do_edit(c, t, &o);
    }
    if (strcmp(sub, "retire") == 0) {
        return do_retire(c, t, &o);
    }
    if (strcmp(sub, "fields") == 0) {
        return do_fields(t, &o);
    }
    return cli_usage("%s: unknown subcommand '%.40s' (add, list, show, edit, retire, fields, "
                     "import, export)",
                     t->name, sub);
}
