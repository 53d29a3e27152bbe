/* framework.c — control frameworks beside Annex A (framework.h): the
 * catalogue readers (OSCAL catalog JSON through Jansson with depth and size
 * bounds, CSV), import, list/show, mappings with history, compliance. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/csv.h"
#include "../lib/hash.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../store/store_framework.h"
#include "app_int.h"
#include "framework.h"

/* ---- the typed framework ------------------------------------------------ */

struct fw_control *framework_push(struct framework *f, const char *id, const char *parent,
                                  const char *kind, const char *label, const char *title,
                                  const char *text, const char *status, int depth)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    struct fw_control *c = &f->v[f->n++];
    c->id = xstrdup(id);
    c->parent = xstrdup(parent);
    c->kind = xstrdup(kind);
    c->label = xstrdup(label);
    c->title = xstrdup(title);
    c->text = xstrdup(text);
    c->status = xstrdup(status);
    c->depth = depth;
    if (strcmp(kind, "group") == 0) {
        f->ngroups++;
    } else {
        f->ncontrols++;
    }
    return c;
}

void framework_free(struct framework *f)
{
    char **s[] = {&f->id,     &f->title,         &f->version,       &f->source,
                  &f->uuid,   &f->oscal_version, &f->last_modified, &f->sha256,
                  &f->imported_at, &f->imported_by};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        free(*s[i]);
    }
    for (size_t i = 0; i < f->n; i++) {
        struct fw_control *c = &f->v[i];
        free(c->id);
        free(c->parent);
        free(c->kind);
        free(c->label);
        free(c->title);
        free(c->text);
        free(c->status);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

void framework_list_free(struct framework_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        framework_free(&l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void sl_add(struct strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrdup(s);
}

static void sl_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- checks shared by both readers -------------------------------------- */

/* A control identifier: 1-100 printable bytes, no space or control
 * character (OSCAL's token type is narrower; CSV frameworks keep theirs). */
static int check_id(const char *where, const char *id, struct err *e)
{
    size_t n = strlen(id);
    if (n == 0) {
        return err_set(e, ERR_INVALID, "id", "%.200s: the identifier is empty", where);
    }
    if (n > FW_MAX_ID) {
        return err_set(e, ERR_INVALID, "id", "%.200s: the identifier is longer than %d bytes",
                       where, FW_MAX_ID);
    }
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        if (*p <= ' ' || *p == 0x7f) {
            return err_set(e, ERR_INVALID, "id",
                           "%.200s: the identifier '%.60s' has a space or control character",
                           where, id);
        }
    }
    return 0;
}

static int check_text(const char *where, const char *what, const char *s, size_t max,
                      struct err *e)
{
    size_t n = strlen(s);
    if (n > max) {
        return err_set(e, ERR_INVALID, what, "%.200s: the %s is longer than %zu bytes (%zu)",
                       where, what, max, n);
    }
    if (!utf8_valid(s, n)) {
        return err_set(e, ERR_INVALID, what, "%.200s: the %s is not valid UTF-8", where, what);
    }
    return 0;
}

/* ---- OSCAL catalog reader ------------------------------------------------ */

struct oread {
    struct framework *f;
    struct err *e;
    long parts; /* parts seen: bounded like controls */
};

/* A member that must be a string when present: NULL when absent. */
static int get_str(const char *where, json_t *o, const char *key, int required, const char **out,
                   struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v) {
        if (required) {
            return err_set(e, ERR_INVALID, key, "%.200s: \"%s\" is missing", where, key);
        }
        return 0;
    }
    if (!json_is_string(v)) {
        return err_set(e, ERR_INVALID, key, "%.200s.%s: expected a string", where, key);
    }
    *out = json_string_value(v);
    if (strlen(*out) != json_string_length(v)) {
        return err_set(e, ERR_INVALID, key, "%.200s.%s: the string holds a NUL byte", where, key);
    }
    return 0;
}

/* A member that must be an array when present (NULL when absent). */
static int get_arr(const char *where, json_t *o, const char *key, json_t **out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v && !json_is_array(v)) {
        return err_set(e, ERR_INVALID, key, "%.200s.%s: expected an array", where, key);
    }
    *out = v;
    return 0;
}

/* The first prop named name (a "label" without class first). */
static int get_prop(const char *where, json_t *o, const char *name, const char **out,
                    struct err *e)
{
    json_t *props;
    *out = NULL;
    if (get_arr(where, o, "props", &props, e)) {
        return -1;
    }
    size_t i;
    json_t *p;
    const char *any = NULL;
    json_array_foreach(props, i, p)
    {
        if (!json_is_object(p)) {
            return err_set(e, ERR_INVALID, "props", "%.200s.props[%zu]: expected an object",
                           where, i);
        }
        const char *n, *v;
        char w[256];
        snprintf(w, sizeof w, "%.200s.props[%zu]", where, i);
        if (get_str(w, p, "name", 1, &n, e) || get_str(w, p, "value", 1, &v, e)) {
            return -1;
        }
        if (strcmp(n, name) == 0) {
            if (!json_object_get(p, "class")) {
                *out = v;
                return 0;
            }
            if (!any) {
                any = v;
            }
        }
    }
    *out = any;
    return 0;
}

/* Flattens a statement part: its prose, then each sub-part as "label prose"
 * on its own line. */
static int part_text(struct oread *r, const char *where, json_t *part, int depth, struct buf *b)
{
    if (depth > FW_MAX_PART_DEPTH) {
        return err_set(r->e, ERR_INVALID, "parts", "%.200s: parts nested deeper than %d levels",
                       where, FW_MAX_PART_DEPTH);
    }
    if (!json_is_object(part)) {
        return err_set(r->e, ERR_INVALID, "parts", "%.200s: expected an object", where);
    }
    if (++r->parts > 20L * FW_MAX_CONTROLS) {
        return err_set(r->e, ERR_INVALID, "parts", "%.200s: more than %ld parts", where,
                       20L * FW_MAX_CONTROLS);
    }
    const char *prose, *label;
    if (get_str(where, part, "prose", 0, &prose, r->e) || get_prop(where, part, "label", &label,
                                                                    r->e)) {
        return -1;
    }
    if (label || prose) {
        if (b->len) {
            buf_putc(b, '\n');
        }
        if (label) {
            buf_printf(b, "%s ", label);
        }
        if (prose) {
            buf_puts(b, prose);
        }
    }
    if (b->len > FW_MAX_TEXT) {
        return err_set(r->e, ERR_INVALID, "prose", "%.200s: the statement is longer than %d bytes",
                       where, FW_MAX_TEXT);
    }
    json_t *parts;
    if (get_arr(where, part, "parts", &parts, r->e)) {
        return -1;
    }
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p)
    {
        char w[256];
        snprintf(w, sizeof w, "%.200s.parts[%zu]", where, i);
        if (part_text(r, w, p, depth + 1, b)) {
            return -1;
        }
    }
    return 0;
}

static int read_control(struct oread *r, const char *where, json_t *c, const char *parent,
                        int parent_is_control, int depth);

static int read_controls(struct oread *r, const char *where, json_t *o, const char *parent,
                         int parent_is_control, int depth)
{
    json_t *cs;
    if (get_arr(where, o, "controls", &cs, r->e)) {
        return -1;
    }
    size_t i;
    json_t *c;
    json_array_foreach(cs, i, c)
    {
        char w[256];
        snprintf(w, sizeof w, "%.200s.controls[%zu]", where, i);
        if (read_control(r, w, c, parent, parent_is_control, depth)) {
            return -1;
        }
    }
    return 0;
}

static int too_many(struct oread *r, const char *where, int depth)
{
    if (depth > FW_MAX_DEPTH) {
        return err_set(r->e, ERR_INVALID, "groups",
                       "%.200s: groups and controls nested deeper than %d levels", where,
                       FW_MAX_DEPTH);
    }
    if (r->f->n >= FW_MAX_CONTROLS) {
        return err_set(r->e, ERR_INVALID, "controls", "%.200s: more than %d controls and groups",
                       where, FW_MAX_CONTROLS);
    }
    return 0;
}

static int read_control(struct oread *r, const char *where, json_t *c, const char *parent,
                        int parent_is_control, int depth)
{
    if (too_many(r, where, depth)) {
        return -1;
    }
    if (!json_is_object(c)) {
        return err_set(r->e, ERR_INVALID, "controls", "%.200s: expected an object", where);
    }
    const char *id, *title, *label, *status;
    if (get_str(where, c, "id", 1, &id, r->e) || check_id(where, id, r->e) ||
        get_str(where, c, "title", 1, &title, r->e) ||
        check_text(where, "title", title, FW_MAX_TITLE, r->e) ||
        get_prop(where, c, "label", &label, r->e) || get_prop(where, c, "status", &status, r->e)) {
        return -1;
    }
    if (label && check_text(where, "label", label, FW_MAX_ID, r->e)) {
        return -1;
    }
    struct buf text;
    buf_init(&text, 0);
    json_t *parts;
    if (get_arr(where, c, "parts", &parts, r->e)) {
        buf_free(&text);
        return -1;
    }
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p)
    {
        char w[256];
        snprintf(w, sizeof w, "%.200s.parts[%zu]", where, i);
        if (!json_is_object(p)) {
            buf_free(&text);
            return err_set(r->e, ERR_INVALID, "parts", "%.200s: expected an object", w);
        }
        const char *name;
        if (get_str(w, p, "name", 1, &name, r->e)) {
            buf_free(&text);
            return -1;
        }
        if (strcmp(name, "statement") == 0 && part_text(r, w, p, 0, &text)) {
            buf_free(&text);
            return -1;
        }
    }
    if (check_text(where, "statement", buf_str(&text), FW_MAX_TEXT, r->e)) {
        buf_free(&text);
        return -1;
    }
    framework_push(r->f, id, parent, parent_is_control ? "enhancement" : "control", label, title,
                   text.len ? buf_str(&text) : NULL, status, depth);
    buf_free(&text);
    char *mine = xstrdup(id);
    int rc = read_controls(r, where, c, mine, 1, depth + 1);
    free(mine);
    return rc;
}

static int read_group(struct oread *r, const char *where, json_t *g, const char *parent,
                      int depth)
{
    if (too_many(r, where, depth)) {
        return -1;
    }
    if (!json_is_object(g)) {
        return err_set(r->e, ERR_INVALID, "groups", "%.200s: expected an object", where);
    }
    const char *id, *title, *label;
    if (get_str(where, g, "id", 0, &id, r->e) || get_str(where, g, "title", 1, &title, r->e) ||
        check_text(where, "title", title, FW_MAX_TITLE, r->e) ||
        get_prop(where, g, "label", &label, r->e)) {
        return -1;
    }
    char synth[32];
    if (!id) { /* a group's id is optional in OSCAL */
        snprintf(synth, sizeof synth, "group-%zu", r->f->n + 1);
        id = synth;
    }
    if (check_id(where, id, r->e)) {
        return -1;
    }
    framework_push(r->f, id, parent, "group", label, title, NULL, NULL, depth);
    char *mine = xstrdup(id);
    json_t *gs;
    int rc = get_arr(where, g, "groups", &gs, r->e);
    size_t i;
    json_t *sub;
    json_array_foreach(gs, i, sub)
    {
        if (rc) {
            break;
        }
        char w[256];
        snprintf(w, sizeof w, "%.200s.groups[%zu]", where, i);
        rc = read_group(r, w, sub, mine, depth + 1);
    }
    if (!rc) {
        rc = read_controls(r, where, g, mine, 0, depth + 1);
    }
    free(mine);
    return rc;
}

int framework_read_oscal(const char *data, size_t len, struct framework *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (len > FW_MAX_BYTES) {
        return err_set(e, ERR_INVALID, "file", "the catalog is larger than %u MB",
                       FW_MAX_BYTES / (1024 * 1024));
    }
    json_error_t je;
    /* Jansson refuses nesting deeper than JSON_PARSER_MAX_DEPTH (2048) while
     * it parses, before any of it is built. */
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (strstr(je.text, "depth")) {
            return err_set(e, ERR_INVALID, "file",
                           "not a catalog: JSON nested deeper than %d levels (line %d)",
                           JSON_PARSER_MAX_DEPTH, je.line);
        }
        return err_set(e, ERR_INVALID, "file", "not JSON: line %d column %d: %.120s", je.line,
                       je.column, je.text);
    }
    int rc = -1;
    struct oread r = {out, e, 0};
    json_t *cat = json_object_get(root, "catalog");
    if (!json_is_object(root) || !json_is_object(cat)) {
        err_set(e, ERR_INVALID, "catalog",
                "not an OSCAL catalog: expected an object with a \"catalog\" object");
        goto done;
    }
    json_t *md = json_object_get(cat, "metadata");
    if (!json_is_object(md)) {
        err_set(e, ERR_INVALID, "metadata", "catalog.metadata: expected an object");
        goto done;
    }
    const char *uuid, *title, *version, *ov, *lm;
    if (get_str("catalog", cat, "uuid", 1, &uuid, e) ||
        get_str("catalog.metadata", md, "title", 1, &title, e) ||
        check_text("catalog.metadata", "title", title, FW_MAX_TITLE, e) ||
        get_str("catalog.metadata", md, "version", 0, &version, e) ||
        get_str("catalog.metadata", md, "oscal-version", 0, &ov, e) ||
        get_str("catalog.metadata", md, "last-modified", 0, &lm, e)) {
        goto done;
    }
    if (strlen(uuid) > 64 || (version && strlen(version) > 200) || (ov && strlen(ov) > 40) ||
        (lm && strlen(lm) > 64)) {
        err_set(e, ERR_INVALID, "metadata", "catalog.metadata: uuid, version, oscal-version or "
                                            "last-modified is too long");
        goto done;
    }
    out->title = xstrdup(title);
    out->uuid = xstrdup(uuid);
    out->version = xstrdup(version);
    out->oscal_version = xstrdup(ov);
    out->last_modified = xstrdup(lm);
    out->source = xstrdup("oscal");
    json_t *gs;
    if (get_arr("catalog", cat, "groups", &gs, e)) {
        goto done;
    }
    size_t i;
    json_t *g;
    json_array_foreach(gs, i, g)
    {
        char w[64];
        snprintf(w, sizeof w, "catalog.groups[%zu]", i);
        if (read_group(&r, w, g, NULL, 0)) {
            goto done;
        }
    }
    if (read_controls(&r, "catalog", cat, NULL, 0, 0)) {
        goto done;
    }
    if (out->ncontrols == 0) {
        err_set(e, ERR_INVALID, "controls", "catalog: no controls");
        goto done;
    }
    rc = 0;
done:
    json_decref(root);
    if (rc) {
        framework_free(out);
    }
    return rc;
}

/* ---- CSV reader ---------------------------------------------------------- */

struct cread {
    struct framework *f;
    struct err *e;
};

static int csv_row(void *ctx, int row, int nf, char **fl)
{
    struct cread *c = ctx;
    static const char *const head[] = {"framework", "id", "parent", "title", "text"};
    if (nf != 5) {
        return err_set(c->e, ERR_INVALID, NULL,
                       "row %d: expected 5 fields (framework,id,parent,title,text), found %d", row,
                       nf);
    }
    if (row == 1) {
        for (int i = 0; i < 5; i++) {
            if (strcmp(fl[i], head[i])) {
                return err_set(c->e, ERR_INVALID, NULL,
                               "row 1: the header must be framework,id,parent,title,text");
            }
        }
        return 0;
    }
    char where[32];
    snprintf(where, sizeof where, "row %d", row);
    if (!c->f->id) {
        c->f->id = xstrdup(fl[0]);
    } else if (strcmp(c->f->id, fl[0])) {
        return err_set(c->e, ERR_INVALID, "framework",
                       "row %d: framework '%.40s' differs from '%.40s' (one framework per file)",
                       row, fl[0], c->f->id);
    }
    if (check_id(where, fl[1], c->e) || (fl[2][0] && check_id(where, fl[2], c->e)) ||
        check_text(where, "title", fl[3], FW_MAX_TITLE, c->e) ||
        check_text(where, "text", fl[4], FW_MAX_TEXT, c->e)) {
        return -1;
    }
    if (!fl[3][0]) {
        return err_set(c->e, ERR_INVALID, "title", "row %d: the title is empty", row);
    }
    if (c->f->n >= FW_MAX_CONTROLS) {
        return err_set(c->e, ERR_INVALID, NULL, "row %d: more than %d controls", row,
                       FW_MAX_CONTROLS);
    }
    /* the kind is settled once every row is read */
    framework_push(c->f, fl[1], fl[2][0] ? fl[2] : NULL, "control", NULL, fl[3],
                   fl[4][0] ? fl[4] : NULL, NULL, 0);
    return 0;
}

static long find_control(const struct framework *f, const char *id)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].id, id) == 0) {
            return (long)i;
        }
    }
    return -1;
}

int framework_read_csv(const char *data, size_t len, struct framework *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (len > FW_MAX_BYTES) {
        return err_set(e, ERR_INVALID, "file", "the file is larger than %u MB",
                       FW_MAX_BYTES / (1024 * 1024));
    }
    struct cread c = {out, e};
    if (csv_parse(data, len, csv_row, &c, e)) {
        framework_free(out);
        return -1;
    }
    if (!out->n) {
        framework_free(out);
        return err_set(e, ERR_INVALID, NULL, "no controls: the file has only a header, or nothing");
    }
    /* parents must come first; kinds: a row with no text that holds others
     * is a group, a control within a control an enhancement */
    long *parent = xcalloc(out->n, sizeof *parent);
    char *holds = xcalloc(out->n, 1);
    json_t *index = json_object(); /* id -> row: earlier rows only */
    int rc = 0;
    for (size_t i = 0; i < out->n && !rc; i++) {
        struct fw_control *x = &out->v[i];
        parent[i] = -1;
        if (x->parent) {
            json_t *p = json_object_get(index, x->parent);
            if (!p) {
                rc = err_set(e, ERR_INVALID, "parent",
                             "row %zu: parent '%.60s' is not an earlier row's id", i + 2,
                             x->parent);
                break;
            }
            parent[i] = (long)json_integer_value(p);
            holds[parent[i]] = 1;
            x->depth = out->v[parent[i]].depth + 1;
            if (x->depth > FW_MAX_DEPTH) {
                rc = err_set(e, ERR_INVALID, "parent", "row %zu: nested deeper than %d levels",
                             i + 2, FW_MAX_DEPTH);
                break;
            }
        }
        if (json_object_get(index, x->id)) {
            rc = err_set(e, ERR_INVALID, "id", "row %zu: id '%.60s' appears twice", i + 2, x->id);
            break;
        }
        json_object_set_new(index, x->id, json_integer((json_int_t)i));
    }
    json_decref(index);
    if (!rc) {
        out->ngroups = out->ncontrols = 0;
        for (size_t i = 0; i < out->n; i++) {
            struct fw_control *x = &out->v[i];
            const char *kind = !x->text && holds[i] ? "group"
                               : parent[i] >= 0 && strcmp(out->v[parent[i]].kind, "group") != 0
                                   ? "enhancement"
                                   : "control";
            free(x->kind);
            x->kind = xstrdup(kind);
            if (strcmp(kind, "group") == 0) {
                out->ngroups++;
            } else {
                out->ncontrols++;
            }
        }
        if (!out->ncontrols) {
            rc = err_set(e, ERR_INVALID, NULL, "no controls: every row is a group");
        }
    }
    free(holds);
    free(parent);
    if (rc) {
        framework_free(out);
        return -1;
    }
    out->title = xstrdup(out->id);
    out->source = xstrdup("csv");
    return 0;
}

/* ---- import -------------------------------------------------------------- */

/* A framework identifier: lowercase letters, digits, '.', '-', 1-40. */
static int check_fw_id(const char *id, struct err *e)
{
    size_t n = strlen(id);
    int ok = n >= 1 && n <= 40 && isalnum((unsigned char)id[0]);
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char ch = (unsigned char)id[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
    }
    if (!ok) {
        return err_set(e, ERR_INVALID, "id",
                       "framework id '%.60s': 1-40 lowercase letters, digits, '.' or '-', "
                       "starting with a letter or digit",
                       id);
    }
    return 0;
}

/* "NIST Special Publication 800-53 Revision 5.1.1 LOW" -> "nist-special-publication-800-53-revis" */
static char *slug(const char *title)
{
    char out[41];
    size_t n = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)title; *p && n < 40; p++) {
        if (isalnum(*p)) {
            if (dash && n) {
                out[n++] = '-';
                if (n == 40) {
                    break;
                }
            }
            dash = 0;
            out[n++] = (char)tolower(*p);
        } else {
            dash = 1;
        }
    }
    while (n && out[n - 1] == '-') {
        n--;
    }
    out[n] = 0;
    return xstrdup(n ? out : "framework");
}

static int fw_exists(void *ctx, const struct fw_row *r)
{
    (void)r;
    *(int *)ctx = 1;
    return 1;
}

/* SHA-256 over every entry's fields in order: what verify recomputes from
 * the stored rows. */
static void content_sha256(const struct framework *f, char out[65])
{
    struct sha256 h;
    sha256_begin(&h);
    for (size_t i = 0; i < f->n; i++) {
        const struct fw_control *c = &f->v[i];
        const char *v[] = {c->id, c->parent, c->kind, c->label, c->title, c->text, c->status};
        for (int k = 0; k < 7; k++) {
            sha256_add_field(&h, v[k] ? v[k] : "\x01null");
        }
    }
    sha256_hex_end(&h, out);
}

static int import_tx(struct app *a, struct framework *f, struct err *e)
{
    int exists = 0;
    if (store_frameworks(a->st, principal_sys(), f->id, fw_exists, &exists, e)) {
        return -1;
    }
    if (exists) {
        return err_set(e, ERR_CONFLICT, "id",
                       "framework %.40s exists already (import under another --id)", f->id);
    }
    struct fw_row fr = {f->id,   f->title,         f->version,       f->source,
                        f->uuid, f->oscal_version, f->last_modified, f->sha256,
                        f->imported_at, f->imported_by};
    if (store_framework_add(a->st, &fr, e)) {
        return -1;
    }
    for (size_t i = 0; i < f->n; i++) {
        const struct fw_control *c = &f->v[i];
        struct fc_row r = {f->id,    c->id,   c->parent, c->kind, c->label,
                           c->title, c->text, c->status, (long)i + 1};
        if (store_fcontrol_add(a->st, &r, e)) {
            return -1;
        }
    }
    char content[65];
    content_sha256(f, content);
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "framework");
    framework_json(&w, f, 0);
    jw_key(&w, "content_sha256");
    jw_str(&w, content);
    jw_obj_end(&w);
    int rc = app_journal(a, f->imported_at, "framework", f->id, "import", NULL, buf_str(&b), e);
    buf_free(&b);
    return rc;
}

static int may_manage(struct app *a, struct err *e)
{
    const struct principal *w = &a->who;
    if (perm_may(w, PERM_MANAGE, NULL, -1)) {
        return 0;
    }
    return err_set(e, ERR_FORBIDDEN, NULL,
                   "frameworks: the role of %s does not allow importing or mapping",
                   w->name[0] ? w->name : "nobody");
}

int app_framework_import(struct app *a, const char *data, size_t len, const char *filename,
                         const char *id, const char *title, struct framework *out,
                         struct err *e)
{
    if (may_manage(a, e)) {
        return -1;
    }
    /* the format from the content: JSON starts with '{' */
    size_t k = 0;
    while (k < len && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r' || data[k] == '\n')) {
        k++;
    }
    struct framework f;
    int json = k < len && (data[k] == '{' || data[k] == '[');
    (void)filename;
    if (json ? framework_read_oscal(data, len, &f, e) : framework_read_csv(data, len, &f, e)) {
        return -1;
    }
    if (id) {
        free(f.id);
        f.id = xstrdup(id);
    } else if (!f.id) {
        f.id = slug(f.title);
    }
    if (title) {
        if (check_text("--title", "title", title, FW_MAX_TITLE, e) || !*title) {
            framework_free(&f);
            return e->code ? -1 : err_set(e, ERR_INVALID, "title", "--title is empty");
        }
        free(f.title);
        f.title = xstrdup(title);
    }
    if (check_fw_id(f.id, e)) {
        framework_free(&f);
        return -1;
    }
    char sha[65], now[21];
    sha256_hex(data, len, sha);
    time_now(now);
    f.sha256 = xstrdup(sha);
    f.imported_at = xstrdup(now);
    f.imported_by = xstrdup(a->actor);
    int rc;
    if (store_begin(a->st, e)) {
        rc = -1;
    } else if (import_tx(a, &f, e)) {
        store_rollback(a->st);
        rc = -1;
    } else {
        rc = store_commit(a->st, e);
    }
    if (!rc && out) {
        *out = f;
    } else {
        framework_free(&f);
    }
    return rc;
}

/* ---- reading frameworks -------------------------------------------------- */

static int fw_collect(void *ctx, const struct fw_row *r)
{
    struct framework_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct framework *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    f->id = xstrdup(r->id);
    f->title = xstrdup(r->title);
    f->version = xstrdup(r->version);
    f->source = xstrdup(r->source);
    f->uuid = xstrdup(r->uuid);
    f->oscal_version = xstrdup(r->oscal_version);
    f->last_modified = xstrdup(r->last_modified);
    f->sha256 = xstrdup(r->sha256);
    f->imported_at = xstrdup(r->imported_at);
    f->imported_by = xstrdup(r->imported_by);
    f->builtin = strcmp(r->source, "builtin") == 0;
    return 0;
}

struct fcload {
    struct framework *f;
    json_t *index; /* id -> entry */
};

static int fc_collect(void *ctx, const struct fc_row *r)
{
    struct fcload *l = ctx;
    struct framework *f = l->f;
    struct fw_control *c = framework_push(f, r->id, r->parent, r->kind, r->label, r->title,
                                          r->text, r->status, 0);
    /* parents come first (document order) */
    json_t *p = r->parent ? json_object_get(l->index, r->parent) : NULL;
    if (p) {
        c->depth = f->v[json_integer_value(p)].depth + 1;
    }
    json_object_set_new(l->index, r->id, json_integer((json_int_t)(f->n - 1)));
    return 0;
}

static int fcontrols_load(struct app *a, const struct principal *who, struct framework *f,
                          struct err *e)
{
    struct fcload l = {f, json_object()};
    int rc = store_fcontrols(a->st, who, f->id, fc_collect, &l, e);
    json_decref(l.index);
    return rc;
}

/* The group of a built-in control: "5" of 5.1 (2022), "A.5" of A.5.1.1
 * (2013); custom controls have none. */
static void builtin_group(const char *fw, const char *id, char *out, size_t n)
{
    out[0] = 0;
    if (strcmp(fw, FRAMEWORK_CUSTOM) == 0) {
        return;
    }
    const char *start = strncmp(id, "A.", 2) == 0 ? id + 2 : id;
    const char *dot = strchr(start, '.');
    if (dot) {
        snprintf(out, n, "%.*s", (int)(dot - id), id);
    }
}

struct bload {
    struct app *a;
    struct framework *f;
    int with;
};

static int b_control(void *ctx, struct record *r)
{
    struct bload *l = ctx;
    struct framework *f = l->f;
    char g[32];
    builtin_group(f->id, r->ref, g, sizeof g);
    if (g[0] && (!f->n || find_control(f, g) < 0)) {
        const char *theme = record_get(r, "theme");
        /* 2013 themes read "A.5 Information security policies" */
        size_t gl = strlen(g);
        if (theme && strncmp(theme, g, gl) == 0 && theme[gl] == ' ') {
            theme += gl + 1;
        }
        framework_push(f, g, NULL, "group", g, theme ? theme : g, NULL, NULL, 0);
    }
    framework_push(f, r->ref, g[0] ? g : NULL, "control", r->ref, record_get(r, "title"),
                   record_get(r, "description"), NULL, g[0] ? 1 : 0);
    record_free(r);
    return 0;
}

static void drop_items(struct framework *f)
{
    for (size_t i = 0; i < f->n; i++) {
        struct fw_control *c = &f->v[i];
        free(c->id);
        free(c->parent);
        free(c->kind);
        free(c->label);
        free(c->title);
        free(c->text);
        free(c->status);
    }
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}

static int load_controls(struct app *a, struct framework *f, int with, struct err *e)
{
    if (!f->builtin) {
        if (with) {
            return fcontrols_load(a, &a->who, f, e);
        }
        long n = store_fcontrol_count(a->st, f->id, 1, e);
        long all = store_fcontrol_count(a->st, f->id, 0, e);
        if (n < 0 || all < 0) {
            return -1;
        }
        f->ncontrols = n;
        f->ngroups = all - n;
        return 0;
    }
    /* the control records of the framework, their groups from the numbers */
    const struct rtype *t = rtype_find("control");
    struct query q = {0};
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, "framework", NULL);
    q.filter_value[0] = f->id;
    struct bload l = {a, f, with};
    if (store_list(a->st, &a->who, t, &q, b_control, &l, e)) {
        return -1;
    }
    if (!with) {
        drop_items(f);
    }
    return 0;
}

int app_frameworks(struct app *a, struct framework_list *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (app_may_read(a, rtype_find("control"), 0, e) ||
        store_frameworks(a->st, &a->who, NULL, fw_collect, out, e)) {
        framework_list_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n; i++) {
        if (load_controls(a, &out->v[i], 0, e)) {
            framework_list_free(out);
            return -1;
        }
    }
    return 0;
}

int app_framework(struct app *a, const char *id, int with_controls, struct framework *out,
                  struct err *e)
{
    memset(out, 0, sizeof *out);
    struct framework_list l = {0};
    if (app_may_read(a, rtype_find("control"), 0, e) ||
        store_frameworks(a->st, &a->who, id, fw_collect, &l, e)) {
        framework_list_free(&l);
        return -1;
    }
    if (l.n != 1) {
        framework_list_free(&l);
        return err_set(e, ERR_NOTFOUND, "framework",
                       "framework '%.60s' does not exist (isms framework list)", id);
    }
    *out = l.v[0];
    free(l.v);
    if (load_controls(a, out, with_controls, e)) {
        framework_free(out);
        return -1;
    }
    return 0;
}

void framework_json(struct jw *w, const struct framework *f, int with_controls)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, f->id);
    jw_key(w, "title");
    jw_str(w, f->title);
    jw_key(w, "version");
    jw_str(w, f->version);
    jw_key(w, "source");
    jw_str(w, f->source);
    jw_key(w, "uuid");
    jw_str(w, f->uuid);
    jw_key(w, "oscal_version");
    jw_str(w, f->oscal_version);
    jw_key(w, "last_modified");
    jw_str(w, f->last_modified);
    jw_key(w, "sha256");
    jw_str(w, f->sha256);
    jw_key(w, "imported_at");
    jw_str(w, f->imported_at);
    jw_key(w, "imported_by");
    jw_str(w, f->imported_by);
    jw_key(w, "groups");
    jw_int(w, f->ngroups);
    jw_key(w, "controls");
    jw_int(w, f->ncontrols);
    if (with_controls) {
        jw_key(w, "items");
        jw_arr(w);
        for (size_t i = 0; i < f->n; i++) {
            const struct fw_control *c = &f->v[i];
            jw_obj(w);
            jw_key(w, "id");
            jw_str(w, c->id);
            jw_key(w, "kind");
            jw_str(w, c->kind);
            jw_key(w, "parent");
            jw_str(w, c->parent);
            jw_key(w, "label");
            jw_str(w, c->label);
            jw_key(w, "title");
            jw_str(w, c->title);
            jw_key(w, "text");
            jw_str(w, c->text);
            jw_key(w, "status");
            jw_str(w, c->status);
            jw_key(w, "depth");
            jw_int(w, c->depth);
            jw_obj_end(w);
        }
        jw_arr_end(w);
    }
    jw_obj_end(w);
}

/* ---- mappings ------------------------------------------------------------ */

static const char *const rels[] = {"equal", "subset", "superset", "intersects", NULL};

static int check_rel(const char *where, const char *rel, struct err *e)
{
    for (int i = 0; rels[i]; i++) {
        if (strcmp(rels[i], rel) == 0) {
            return 0;
        }
    }
    return err_set(e, ERR_INVALID, "relationship",
                   "%s: relationship '%.40s' is not one of equal, subset, superset, intersects",
                   where, rel);
}

/* "FW:ID" -> fw, id, checked to exist. */
static int split_side(struct app *a, const char *where, const char *side, char fw[48],
                      char id[FW_MAX_ID + 1], struct err *e)
{
    const char *colon = strchr(side, ':');
    if (!colon || colon == side || !colon[1]) {
        return err_set(e, ERR_INVALID, NULL,
                       "%s: '%.80s' is not FRAMEWORK:CONTROL (e.g. iso27001-2022:5.15)", where,
                       side);
    }
    if ((size_t)(colon - side) >= 48 || strlen(colon + 1) > FW_MAX_ID) {
        return err_set(e, ERR_INVALID, NULL, "%s: '%.80s' is too long", where, side);
    }
    snprintf(fw, 48, "%.*s", (int)(colon - side), side);
    snprintf(id, FW_MAX_ID + 1, "%s", colon + 1);
    struct framework_list l = {0};
    if (store_frameworks(a->st, principal_sys(), fw, fw_collect, &l, e)) {
        return -1;
    }
    int builtin = l.n ? l.v[0].builtin : -1;
    framework_list_free(&l);
    if (builtin < 0) {
        return err_set(e, ERR_NOTFOUND, "framework", "%s: framework '%.40s' does not exist",
                       where, fw);
    }
    int has = store_fw_has_control(a->st, fw, builtin, id, e);
    if (has < 0) {
        return -1;
    }
    if (!has) {
        return err_set(e, ERR_NOTFOUND, "control", "%s: %.40s has no control '%.60s'", where, fw,
                       id);
    }
    return 0;
}

static void map_ref(struct buf *b, const char *afw, const char *aid, const char *bfw,
                    const char *bid)
{
    buf_printf(b, "%s/%s~%s/%s", afw, aid, bfw, bid);
}

static int map_add_tx(struct app *a, const char *where, const char *from, const char *to,
                      const char *rel, const char *note, const char *now, struct err *e)
{
    char afw[48], bfw[48], aid[FW_MAX_ID + 1], bid[FW_MAX_ID + 1];
    if (split_side(a, where, from, afw, aid, e) || split_side(a, where, to, bfw, bid, e) ||
        check_rel(where, rel, e)) {
        return -1;
    }
    if (strcmp(afw, bfw) == 0) {
        return err_set(e, ERR_INVALID, NULL, "%s: both controls are of %.40s (a mapping joins "
                                             "two frameworks)",
                       where, afw);
    }
    if (note && check_text(where, "note", note, 2000, e)) {
        return -1;
    }
    struct fm_row r = {0, afw, aid, bfw, bid, rel, note && *note ? note : NULL, now, a->actor};
    if (store_fmap_add(a->st, &r, e)) {
        return -1;
    }
    struct buf ref, b;
    struct jw w;
    buf_init(&ref, 0);
    buf_init(&b, 0);
    map_ref(&ref, afw, aid, bfw, bid);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "a");
    jw_str(&w, from);
    jw_key(&w, "relationship");
    jw_str(&w, rel);
    jw_key(&w, "b");
    jw_str(&w, to);
    jw_key(&w, "note");
    jw_str(&w, r.note);
    jw_obj_end(&w);
    int rc = app_journal(a, now, "mapping", buf_str(&ref), "map", NULL, buf_str(&b), e);
    buf_free(&ref);
    buf_free(&b);
    return rc;
}

int app_fw_map_add(struct app *a, const char *from, const char *to, const char *rel,
                   const char *note, struct err *e)
{
    if (may_manage(a, e)) {
        return -1;
    }
    char now[21];
    time_now(now);
    IN_TRANSACTION(a, e, map_add_tx(a, "mapping", from, to, rel, note, now, e));
}

static int map_remove_tx(struct app *a, const char *from, const char *to, struct err *e)
{
    char afw[48], bfw[48], aid[FW_MAX_ID + 1], bid[FW_MAX_ID + 1], rel[16];
    if (split_side(a, "mapping", from, afw, aid, e) || split_side(a, "mapping", to, bfw, bid, e) ||
        store_fmap_remove(a->st, afw, aid, bfw, bid, rel, e)) {
        return -1;
    }
    char now[21];
    time_now(now);
    struct buf ref, b;
    struct jw w;
    buf_init(&ref, 0);
    buf_init(&b, 0);
    map_ref(&ref, afw, aid, bfw, bid);
    jw_init(&w, &b, 0);
    jw_obj(&w);
    jw_key(&w, "a");
    jw_str(&w, from);
    jw_key(&w, "relationship");
    jw_str(&w, rel);
    jw_key(&w, "b");
    jw_str(&w, to);
    jw_obj_end(&w);
    int rc = app_journal(a, now, "mapping", buf_str(&ref), "unmap", buf_str(&b), NULL, e);
    buf_free(&ref);
    buf_free(&b);
    return rc;
}

int app_fw_map_remove(struct app *a, const char *from, const char *to, struct err *e)
{
    if (may_manage(a, e)) {
        return -1;
    }
    IN_TRANSACTION(a, e, map_remove_tx(a, from, to, e));
}

struct mimport {
    struct app *a;
    struct err *e;
    char now[21];
    int added;
};

static int map_row(void *ctx, int row, int nf, char **f)
{
    struct mimport *m = ctx;
    static const char *const head[] = {"a_framework", "a_id", "relationship", "b_framework",
                                       "b_id", "note"};
    if (nf != 5 && nf != 6) {
        return err_set(m->e, ERR_INVALID, NULL,
                       "row %d: expected a_framework,a_id,relationship,b_framework,b_id[,note], "
                       "found %d fields",
                       row, nf);
    }
    if (row == 1) {
        for (int i = 0; i < nf; i++) {
            if (strcmp(f[i], head[i])) {
                return err_set(m->e, ERR_INVALID, NULL,
                               "row 1: the header must be "
                               "a_framework,a_id,relationship,b_framework,b_id[,note]");
            }
        }
        return 0;
    }
    char where[32];
    snprintf(where, sizeof where, "row %d", row);
    struct buf from, to;
    buf_init(&from, 0);
    buf_init(&to, 0);
    buf_printf(&from, "%s:%s", f[0], f[1]);
    buf_printf(&to, "%s:%s", f[3], f[4]);
    int rc = map_add_tx(m->a, where, buf_str(&from), buf_str(&to), f[2], nf == 6 ? f[5] : NULL,
                        m->now, m->e);
    buf_free(&from);
    buf_free(&to);
    if (!rc) {
        m->added++;
    } else if (m->e->code == ERR_CONFLICT) {
        char msg[sizeof m->e->msg];
        snprintf(msg, sizeof msg, "%s", m->e->msg);
        err_set(m->e, ERR_CONFLICT, NULL, "row %d: %s", row, msg);
    }
    return rc;
}

int app_fw_map_import(struct app *a, const char *data, size_t len, int *added, struct err *e)
{
    *added = 0;
    if (may_manage(a, e)) {
        return -1;
    }
    if (len > FW_MAX_BYTES) {
        return err_set(e, ERR_INVALID, "file", "the file is larger than %u MB",
                       FW_MAX_BYTES / (1024 * 1024));
    }
    struct mimport m = {a, e, "", 0};
    time_now(m.now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (csv_parse(data, len, map_row, &m, e)) {
        store_rollback(a->st);
        return -1;
    }
    if (!m.added) {
        store_rollback(a->st);
        return err_set(e, ERR_INVALID, NULL, "no mappings: the file has only a header, or nothing");
    }
    if (store_commit(a->st, e)) {
        return -1;
    }
    *added = m.added;
    return 0;
}

static struct fw_mapping *maps_push(struct fw_mappings *m)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        m->v = xrealloc(m->v, m->cap * sizeof *m->v);
    }
    struct fw_mapping *x = &m->v[m->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static int fm_collect(void *ctx, const struct fm_row *r)
{
    struct fw_mapping *x = maps_push(ctx);
    x->id = r->id;
    x->a_framework = xstrdup(r->a_framework);
    x->a_id = xstrdup(r->a_id);
    x->b_framework = xstrdup(r->b_framework);
    x->b_id = xstrdup(r->b_id);
    x->rel = xstrdup(r->rel);
    x->note = xstrdup(r->note);
    x->created_at = xstrdup(r->created_at);
    x->created_by = xstrdup(r->created_by);
    return 0;
}

static int cm_collect(void *ctx, const char *id2022, const char *id2013)
{
    struct fw_mapping *x = maps_push(ctx);
    x->a_framework = xstrdup(FRAMEWORK_2013);
    x->a_id = xstrdup(id2013);
    x->b_framework = xstrdup(FRAMEWORK_2022);
    x->b_id = xstrdup(id2022);
    x->rel = xstrdup("intersects");
    x->note = xstrdup("built-in correspondence (ISO/IEC 27002:2022 Annex B)");
    return 0;
}

int app_fw_maps(struct app *a, const char *framework, int builtin, struct fw_mappings *out,
                struct err *e)
{
    memset(out, 0, sizeof *out);
    if (app_may_read(a, rtype_find("control"), 0, e) ||
        store_fmaps(a->st, &a->who, framework, fm_collect, out, e)) {
        fw_mappings_free(out);
        return -1;
    }
    if (builtin && (!framework || strcmp(framework, FRAMEWORK_2013) == 0 ||
                    strcmp(framework, FRAMEWORK_2022) == 0)) {
        if (store_control_map_pairs(a->st, &a->who, cm_collect, out, e)) {
            fw_mappings_free(out);
            return -1;
        }
    }
    return 0;
}

void fw_mappings_free(struct fw_mappings *m)
{
    for (size_t i = 0; i < m->n; i++) {
        struct fw_mapping *x = &m->v[i];
        free(x->a_framework);
        free(x->a_id);
        free(x->b_framework);
        free(x->b_id);
        free(x->rel);
        free(x->note);
        free(x->created_at);
        free(x->created_by);
    }
    free(m->v);
    memset(m, 0, sizeof *m);
}

void fw_mappings_json(struct jw *w, const struct fw_mappings *m)
{
    jw_arr(w);
    for (size_t i = 0; i < m->n; i++) {
        const struct fw_mapping *x = &m->v[i];
        jw_obj(w);
        jw_key(w, "a_framework");
        jw_str(w, x->a_framework);
        jw_key(w, "a_id");
        jw_str(w, x->a_id);
        jw_key(w, "relationship");
        jw_str(w, x->rel);
        jw_key(w, "b_framework");
        jw_str(w, x->b_framework);
        jw_key(w, "b_id");
        jw_str(w, x->b_id);
        jw_key(w, "note");
        jw_str(w, x->note);
        jw_key(w, "builtin");
        jw_bool(w, x->id == 0);
        jw_key(w, "created_at");
        jw_str(w, x->created_at);
        jw_key(w, "created_by");
        jw_str(w, x->created_by);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

/* ---- compliance ---------------------------------------------------------- */

/* Control records: "framework:id" -> implemented (applicable + implemented). */
struct impl {
    json_t *state; /* key -> true (implemented) / false */
};

static int impl_row(void *ctx, struct record *r)
{
    struct impl *m = ctx;
    const char *fw = record_get(r, "framework");
    const char *ap = record_get(r, "applicable");
    const char *st = record_get(r, FIELD_STATUS);
    struct buf k;
    buf_init(&k, 0);
    buf_printf(&k, "%s:%s", fw ? fw : "", r->ref);
    int yes = ap && strcmp(ap, "1") == 0 && st && strcmp(st, "implemented") == 0;
    json_object_set_new(m->state, buf_str(&k), json_boolean(yes));
    buf_free(&k);
    record_free(r);
    return 0;
}

void fw_compliance_free(struct fw_compliance *c)
{
    for (size_t i = 0; i < c->nrows; i++) {
        sl_free(&c->rows[i].via);
        sl_free(&c->rows[i].unmet);
    }
    free(c->rows);
    for (size_t i = 0; i < c->ngroups; i++) {
        free(c->groups[i].id);
        free(c->groups[i].title);
    }
    free(c->groups);
    framework_free(&c->fw);
    memset(c, 0, sizeof *c);
}

/* The top-level group of control i (its own index when it is one); index
 * maps every id to its entry. */
static long top_group(const struct framework *f, json_t *index, size_t i)
{
    long g = -1;
    long k = (long)i;
    for (int guard = 0; k >= 0 && guard <= FW_MAX_DEPTH + 1; guard++) {
        if (strcmp(f->v[k].kind, "group") == 0) {
            g = k;
        }
        json_t *p = f->v[k].parent ? json_object_get(index, f->v[k].parent) : NULL;
        k = p ? (long)json_integer_value(p) : -1;
    }
    return g;
}

int app_fw_compliance(struct app *a, const char *framework, struct fw_compliance *out,
                      struct err *e)
{
    memset(out, 0, sizeof *out);
    if (app_framework(a, framework, 1, &out->fw, e)) {
        return -1;
    }
    struct fw_mappings maps = {0};
    struct impl m = {json_object()};
    const struct rtype *t = rtype_find("control");
    struct query q = {0};
    if (app_fw_maps(a, framework, 1, &maps, e) ||
        store_list(a->st, &a->who, t, &q, impl_row, &m, e)) {
        fw_mappings_free(&maps);
        json_decref(m.state);
        fw_compliance_free(out);
        return -1;
    }
    struct framework *f = &out->fw;
    /* control id -> its row; partners per row */
    json_t *index = json_object();
    out->rows = xcalloc(f->n ? f->n : 1, sizeof *out->rows);
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].kind, "group") == 0) {
            continue;
        }
        struct fw_comp_row *r = &out->rows[out->nrows];
        r->c = &f->v[i];
        json_object_set_new(index, f->v[i].id, json_integer((json_int_t)out->nrows));
        out->nrows++;
        if (f->builtin) { /* its own SoA row */
            struct buf k;
            buf_init(&k, 0);
            buf_printf(&k, "%s:%s", f->id, f->v[i].id);
            json_t *s = json_object_get(m.state, buf_str(&k));
            if (s) {
                r->mapped++;
                if (json_is_true(s)) {
                    r->met = 1;
                    sl_add(&r->via, buf_str(&k));
                } else {
                    sl_add(&r->unmet, buf_str(&k));
                }
            }
            buf_free(&k);
        }
    }
    for (size_t i = 0; i < maps.n; i++) {
        const struct fw_mapping *x = &maps.v[i];
        for (int side = 0; side < 2; side++) {
            const char *mine_fw = side ? x->b_framework : x->a_framework;
            const char *mine = side ? x->b_id : x->a_id;
            const char *other_fw = side ? x->a_framework : x->b_framework;
            const char *other = side ? x->a_id : x->b_id;
            if (strcmp(mine_fw, framework) != 0) {
                continue;
            }
            json_t *ix = json_object_get(index, mine);
            if (!ix) {
                continue;
            }
            struct fw_comp_row *r = &out->rows[json_integer_value(ix)];
            r->mapped++;
            struct buf k, label;
            buf_init(&k, 0);
            buf_init(&label, 0);
            buf_printf(&k, "%s:%s", other_fw, other);
            buf_printf(&label, "%s:%s (%s)", other_fw, other, x->rel);
            json_t *s = json_object_get(m.state, buf_str(&k));
            if (s && json_is_true(s)) {
                r->met = 1;
                sl_add(&r->via, buf_str(&label));
            } else {
                sl_add(&r->unmet, buf_str(&label));
            }
            buf_free(&k);
            buf_free(&label);
        }
    }
    json_decref(index);
    json_decref(m.state);
    fw_mappings_free(&maps);
    /* figures per top-level group */
    out->groups = xcalloc(f->n ? f->n : 1, sizeof *out->groups);
    json_t *gindex = json_object();
    json_t *all = json_object();
    for (size_t i = 0; i < f->n; i++) {
        json_object_set_new(all, f->v[i].id, json_integer((json_int_t)i));
    }
    for (size_t i = 0; i < out->nrows; i++) {
        struct fw_comp_row *r = &out->rows[i];
        size_t ci = (size_t)(r->c - f->v);
        long g = top_group(f, all, ci);
        const char *gid = g >= 0 ? f->v[g].id : "";
        json_t *gi = json_object_get(gindex, gid);
        struct fw_comp_group *grp;
        if (gi) {
            grp = &out->groups[json_integer_value(gi)];
        } else {
            grp = &out->groups[out->ngroups];
            grp->id = xstrdup(gid);
            grp->title = xstrdup(g >= 0 ? f->v[g].title : "(no group)");
            json_object_set_new(gindex, gid, json_integer((json_int_t)out->ngroups));
            out->ngroups++;
        }
        grp->controls++;
        out->controls++;
        if (r->met) {
            grp->met++;
            out->met++;
        } else if (!r->mapped) {
            grp->unmapped++;
            out->unmapped++;
        } else {
            grp->unmet++;
            out->unmet++;
        }
    }
    json_decref(gindex);
    json_decref(all);
    out->percent = out->controls ? (int)((100L * out->met) / out->controls) : 0;
    return 0;
}

static void sl_json(struct jw *w, const struct strlist *l)
{
    jw_arr(w);
    for (size_t i = 0; i < l->n; i++) {
        jw_str(w, l->v[i]);
    }
    jw_arr_end(w);
}

void fw_compliance_json(struct jw *w, const struct fw_compliance *c)
{
    jw_obj(w);
    jw_key(w, "framework");
    jw_str(w, c->fw.id);
    jw_key(w, "title");
    jw_str(w, c->fw.title);
    jw_key(w, "controls");
    jw_int(w, c->controls);
    jw_key(w, "met");
    jw_int(w, c->met);
    jw_key(w, "unmet");
    jw_int(w, c->unmet);
    jw_key(w, "unmapped");
    jw_int(w, c->unmapped);
    jw_key(w, "percent");
    jw_int(w, c->percent);
    jw_key(w, "groups");
    jw_arr(w);
    for (size_t i = 0; i < c->ngroups; i++) {
        const struct fw_comp_group *g = &c->groups[i];
        jw_obj(w);
        jw_key(w, "id");
        jw_str(w, g->id);
        jw_key(w, "title");
        jw_str(w, g->title);
        jw_key(w, "controls");
        jw_int(w, g->controls);
        jw_key(w, "met");
        jw_int(w, g->met);
        jw_key(w, "unmet");
        jw_int(w, g->unmet);
        jw_key(w, "unmapped");
        jw_int(w, g->unmapped);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "rows");
    jw_arr(w);
    for (size_t i = 0; i < c->nrows; i++) {
        const struct fw_comp_row *r = &c->rows[i];
        jw_obj(w);
        jw_key(w, "id");
        jw_str(w, r->c->id);
        jw_key(w, "kind");
        jw_str(w, r->c->kind);
        jw_key(w, "title");
        jw_str(w, r->c->title);
        jw_key(w, "state");
        jw_str(w, r->met ? "met" : r->mapped ? "unmet" : "unmapped");
        jw_key(w, "via");
        sl_json(w, &r->via);
        jw_key(w, "unimplemented");
        sl_json(w, &r->unmet);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

/* ---- verify -------------------------------------------------------------- */

struct vjournal {
    json_t *imports; /* framework id -> content_sha256 */
    json_t *maps;    /* "A/ID~B/ID" -> relationship */
    struct err *e;
    int bad;
};

static int vj_entry(void *ctx, const struct history_entry *h)
{
    struct vjournal *j = ctx;
    json_t *d = json_loads(h->after ? h->after : h->before ? h->before : "null", 0, NULL);
    if (strcmp(h->type, "framework") == 0 && strcmp(h->action, "import") == 0) {
        json_t *c = json_object_get(d, "content_sha256");
        json_object_set_new(j->imports, h->ref, json_string(json_is_string(c) ? json_string_value(c) : ""));
    } else if (strcmp(h->type, "mapping") == 0 && strcmp(h->action, "map") == 0) {
        json_t *r = json_object_get(d, "relationship");
        json_object_set_new(j->maps, h->ref, json_string(json_is_string(r) ? json_string_value(r) : ""));
    } else if (strcmp(h->type, "mapping") == 0 && strcmp(h->action, "unmap") == 0) {
        json_object_del(j->maps, h->ref);
    }
    json_decref(d);
    return 0;
}

static int vj_map(void *ctx, const struct fm_row *r)
{
    struct vjournal *j = ctx;
    struct buf ref;
    buf_init(&ref, 0);
    map_ref(&ref, r->a_framework, r->a_id, r->b_framework, r->b_id);
    json_t *rel = json_object_get(j->maps, buf_str(&ref));
    if (!rel || strcmp(json_string_value(rel), r->rel) != 0) {
        err_set(j->e, ERR_CONFLICT, NULL,
                "mapping %.300s (%s) differs from what its history says: it was changed behind "
                "the program's back",
                buf_str(&ref), r->rel);
        j->bad = 1;
    } else {
        json_object_del(j->maps, buf_str(&ref));
    }
    buf_free(&ref);
    return j->bad;
}

int fw_verify(struct app *a, struct err *e)
{
    struct vjournal j = {json_object(), json_object(), e, 0};
    struct framework_list l = {0};
    int rc = -1;
    if (store_history_of_types(a->st, principal_sys(), "framework", "mapping", vj_entry, &j, e) ||
        store_frameworks(a->st, principal_sys(), NULL, fw_collect, &l, e)) {
        goto done;
    }
    for (size_t i = 0; i < l.n; i++) {
        struct framework *f = &l.v[i];
        if (f->builtin) {
            continue;
        }
        json_t *want = json_object_get(j.imports, f->id);
        if (!want) {
            err_set(e, ERR_CONFLICT, NULL,
                    "framework %s has no history entry: it was written behind the program's back",
                    f->id);
            goto done;
        }
        if (fcontrols_load(a, principal_sys(), f, e)) {
            goto done;
        }
        char now[65];
        content_sha256(f, now);
        if (strcmp(now, json_string_value(want)) != 0) {
            err_set(e, ERR_CONFLICT, NULL,
                    "the controls of framework %s differ from what its import entry says: "
                    "changed behind the program's back",
                    f->id);
            goto done;
        }
        json_object_del(j.imports, f->id);
    }
    if (json_object_size(j.imports)) {
        err_set(e, ERR_CONFLICT, NULL,
                "framework %s was imported (history) but is missing",
                json_object_iter_key(json_object_iter(j.imports)));
        goto done;
    }
    if (store_fmaps(a->st, principal_sys(), NULL, vj_map, &j, e) || j.bad) {
        goto done;
    }
    if (json_object_size(j.maps)) {
        err_set(e, ERR_CONFLICT, NULL,
                "mapping %.300s is in the history but missing: removed behind the program's back",
                json_object_iter_key(json_object_iter(j.maps)));
        goto done;
    }
    rc = 0;
done:
    framework_list_free(&l);
    json_decref(j.imports);
    json_decref(j.maps);
    return rc;
}
