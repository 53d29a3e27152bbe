/* record.c — see record.h. */
#include "record.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"

struct record *record_new(const struct rtype *t)
{
    struct record *r = xcalloc(1, sizeof *r);
    r->type = t;
    r->v = xcalloc((size_t)t->nfields, sizeof(char *));
    return r;
}

void record_free(struct record *r)
{
    if (!r) {
        return;
    }
    for (int i = 0; i < r->type->nfields; i++) {
        free(r->v[i]);
    }
    free(r->v);
    free(r->ref);
    free(r);
}

struct record *record_dup(const struct record *r)
{
    struct record *c = record_new(r->type);
    c->ref = xstrdup(r->ref);
    for (int i = 0; i < r->type->nfields; i++) {
        c->v[i] = xstrdup(r->v[i]);
    }
    return c;
}

void record_set_take(struct record *r, int i, char *val)
{
    free(r->v[i]);
    r->v[i] = val;
}

const char *record_get(const struct record *r, const char *field)
{
    int i;
    if (!rtype_field(r->type, field, &i)) {
        return NULL;
    }
    return r->v[i];
}

static int enum_index(const struct field *f, const char *s, size_t n)
{
    for (int i = 0; f->values[i]; i++) {
        if (strlen(f->values[i]) == n && strncmp(f->values[i], s, n) == 0) {
            return i;
        }
    }
    return -1;
}

static void list_values(const struct field *f, struct buf *b)
{
    for (int i = 0; f->values[i]; i++) {
        buf_printf(b, "%s%s", i ? ", " : "", f->values[i]);
    }
}

static int norm_set(const struct field *f, const char *in, char **out, struct err *e)
{
    int n = 0;
    while (f->values[n]) {
        n++;
    }
    char seen[64] = {0};
    const char *p = in;
    while (*p) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        const char *start = p;
        while (*p && *p != ',') {
            p++;
        }
        const char *end = p;
        while (end > start && end[-1] == ' ') {
            end--;
        }
        if (end == start) {
            continue;
        }
        int k = enum_index(f, start, (size_t)(end - start));
        if (k < 0) {
            struct buf b;
            buf_init(&b, 4096);
            list_values(f, &b);
            err_set(e, ERR_INVALID, f->name, "%s: '%.*s' is not one of: %s", f->name,
                    (int)(end - start > 60 ? 60 : end - start), start, buf_str(&b));
            buf_free(&b);
            return -1;
        }
        seen[k] = 1;
    }
    struct buf b;
    buf_init(&b, 4096);
    for (int i = 0; i < n && i < 64; i++) {
        if (seen[i]) {
            buf_printf(&b, "%s%s", b.len ? "," : "", f->values[i]);
        }
    }
    *out = b.len ? buf_take(&b) : NULL;
    buf_free(&b);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return natcmp(*(const char *const *)a, *(const char *const *)b);
}

static int valid_ref_syntax(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_REF_LEN) {
        return 0;
    }
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
            return 0;
        }
    }
    return 1;
}

/* References are written "R-0001,R-0002" (spaces allowed); canonical form is
 * natural-sorted, de-duplicated, upper-case prefix. */
static int norm_refs(const struct field *f, const char *in, char **out, struct err *e)
{
    char *copy = xstrdup(in);
    char **items = NULL;
    int n = 0, cap = 0, rc = 0;
    char *save_tok = NULL;
    for (char *tok = strtok_r(copy, ", ", &save_tok); tok;
         tok = strtok_r(NULL, ", ", &save_tok)) {
        for (char *q = tok; *q && *q != '-'; q++) {
            *q = (char)toupper((unsigned char)*q);
        }
        if (!valid_ref_syntax(tok)) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.40s' is not a record identifier", f->name,
                         tok);
            goto done;
        }
        if (f->type == F_REF && n == 1) {
            rc = err_set(e, ERR_INVALID, f->name, "%s takes one identifier, not a list", f->name);
            goto done;
        }
        if (n == MAX_REFS_PER_FIELD) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: more than %d references", f->name,
                         MAX_REFS_PER_FIELD);
            goto done;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            items = xrealloc(items, (size_t)cap * sizeof *items);
        }
        items[n++] = tok;
    }
    if (n > 1) {
        qsort(items, (size_t)n, sizeof *items, cmp_str);
    }
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < n; i++) {
        if (i && strcmp(items[i], items[i - 1]) == 0) {
            continue;
        }
        buf_printf(&b, "%s%s", b.len ? "," : "", items[i]);
    }
    *out = b.len ? buf_take(&b) : NULL;
    buf_free(&b);
done:
    free(items);
    free(copy);
    return rc;
}

int field_normalize(const struct field *f, const char *in, char **out, struct err *e)
{
    *out = NULL;
    if (!in) {
        return 0;
    }
    size_t len = strlen(in);
    if (!utf8_valid(in, len)) {
        return err_set(e, ERR_INVALID, f->name, "%s: not valid UTF-8 text", f->name);
    }
    int multiline = f->type == F_LONGTEXT;
    int bad = text_bad_control(in, multiline);
    if (bad) {
        return err_set(e, ERR_INVALID, f->name, "%s: contains a control character (0x%02x)%s",
                       f->name, bad, multiline ? "" : "; this field is a single line");
    }
    /* Trim surrounding blanks of single-line values. */
    const char *s = in;
    if (!multiline) {
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
            len--;
        }
    }
    char *v = xstrndup(s, len);
    if (!*v) {
        free(v);
        return 0; /* empty means "not set" */
    }
    int rc = 0;
    switch (f->type) {
    case F_TEXT:
    case F_LONGTEXT: {
        size_t chars = utf8_chars(v);
        long max = f->max ? f->max : 200;
        if ((long)chars > max) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: too long (%zu characters; at most %ld)",
                         f->name, chars, max);
        }
        break;
    }
    case F_EMAIL: {
        const char *at = strchr(v, '@');
        if (len > 254 || !at || at == v || !strchr(at, '.') || strchr(at + 1, '@') ||
            strchr(v, ' ') || at[1] == '.' || v[len - 1] == '.') {
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.60s' is not an e-mail address", f->name,
                         v);
        }
        break;
    }
    case F_INT: {
        int64_t x;
        if (int_parse(v, &x)) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.40s' is not a whole number", f->name, v);
        } else if (x < f->min || x > f->max) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: %lld is outside %ld..%ld", f->name,
                         (long long)x, f->min, f->max);
        } else {
            free(v);
            struct buf b;
            buf_init(&b, 64);
            buf_printf(&b, "%lld", (long long)x);
            v = buf_take(&b);
        }
        break;
    }
    case F_NUMBER: {
        double x;
        if (number_parse(v, &x)) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.40s' is not a number", f->name, v);
        } else if (x > 1e15 || x < -1e15) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: %.40s is out of range", f->name, v);
        } else {
            free(v);
            struct buf b;
            buf_init(&b, 64);
            buf_printf(&b, "%.15g", x);
            v = buf_take(&b);
        }
        break;
    }
    case F_DATE: {
        int y, m, d;
        if (date_parse(v, &y, &m, &d)) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.40s' is not a date (use YYYY-MM-DD)",
                         f->name, v);
        }
        break;
    }
    case F_DATETIME: {
        char canon[21];
        if (datetime_normalize(v, canon)) {
            rc = err_set(e, ERR_INVALID, f->name,
                         "%s: '%.40s' is not a date and time (use YYYY-MM-DD HH:MM, UTC)", f->name,
                         v);
        } else {
            free(v);
            v = xstrdup(canon);
        }
        break;
    }
    case F_BOOL: {
        static const char *const yes[] = {"yes", "true", "1", "y", "on", NULL};
        static const char *const no[] = {"no", "false", "0", "n", "off", NULL};
        int val = -1;
        for (int i = 0; yes[i]; i++) {
            if (strcasecmp_(v, yes[i]) == 0) {
                val = 1;
            }
            if (strcasecmp_(v, no[i]) == 0) {
                val = 0;
            }
        }
        if (val < 0) {
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.40s' is not yes or no", f->name, v);
        } else {
            free(v);
            v = xstrdup(val ? "1" : "0");
        }
        break;
    }
    case F_ENUM:
        if (enum_index(f, v, len) < 0) {
            struct buf b;
            buf_init(&b, 4096);
            list_values(f, &b);
            rc = err_set(e, ERR_INVALID, f->name, "%s: '%.40s' is not one of: %s", f->name, v,
                         buf_str(&b));
            buf_free(&b);
        }
        break;
    case F_SET: {
        char *c = NULL;
        rc = norm_set(f, v, &c, e);
        free(v);
        v = c;
        break;
    }
    case F_REF:
    case F_REFS: {
        char *c = NULL;
        rc = norm_refs(f, v, &c, e);
        free(v);
        v = c;
        break;
    }
    }
    if (rc) {
        free(v);
        return -1;
    }
    *out = v;
    return 0;
}

static void json_masked(const struct record *r, const unsigned char *mask, struct buf *out,
                        int pretty)
{
    struct jw w;
    jw_init(&w, out, pretty);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_str(&w, r->ref);
    for (int i = 0; i < r->type->nfields; i++) {
        if (mask && !mask[i]) {
            continue;
        }
        const struct field *f = &r->type->fields[i];
        const char *v = r->v[i];
        jw_key_name(&w, f->name);
        if (f->type == F_SET || f->type == F_REFS) {
            jw_list(&w, v);
        } else if (!v) {
            jw_null(&w);
        } else if (f->type == F_INT || f->type == F_NUMBER) {
            jw_numtext(&w, v);
        } else if (f->type == F_BOOL) {
            jw_bool(&w, strcmp(v, "1") == 0);
        } else {
            jw_str(&w, v);
        }
    }
    jw_obj_end(&w);
}

void record_json(const struct record *r, struct buf *out, int pretty)
{
    json_masked(r, NULL, out, pretty);
}

void record_json_fields(const struct record *r, const unsigned char *mask, struct buf *out)
{
    json_masked(r, mask, out, 0);
}

char *value_display(const struct field *f, const char *v)
{
    if (!v) {
        return xstrdup("");
    }
    if (f->type == F_BOOL) {
        return xstrdup(strcmp(v, "1") == 0 ? "yes" : "no");
    }
    if (f->type != F_SET && f->type != F_REFS) {
        return xstrdup(v);
    }
    struct buf b;
    buf_init(&b, 0);
    for (const char *p = v; *p; p++) {
        if (*p == ',') {
            buf_puts(&b, ", ");
        } else {
            buf_putc(&b, *p);
        }
    }
    return buf_take(&b);
}

int records_add(void *list, struct record *r)
{
    struct records *l = list;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = r;
    return 0;
}

void records_free(struct records *l)
{
    for (size_t i = 0; i < l->n; i++) {
        record_free(l->v[i]);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

int record_notfound(struct err *e, const struct rtype *t, const char *ref)
{
    return err_set(e, ERR_NOTFOUND, NULL, "no %s %.64s", t->name, ref);
}
