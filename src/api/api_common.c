/* api_common.c — what every API handler shares: the JSON body and query
 * checks, JSON values to the text form the app layer takes, error and JSON
 * answers, and the history actor. It never checks permissions (the router
 * does) and never writes anything itself: writes are app_* calls. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "api_int.h"

/* Rewrites s in place as valid UTF-8: a sequence cut short or malformed
 * becomes '?'. Messages quote untrusted text with "%.40s", which can cut a
 * multi-byte character in half, and the JSON writer copies bytes as they are. */
static void utf8_repair(char *s)
{
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len && i + len <= n && utf8_valid(s + i, len)) {
            i += len;
        } else {
            s[i++] = '?';
        }
    }
}

int api_fail(struct req *r, struct resp *w, struct err *e)
{
    utf8_repair(e->msg);
    utf8_repair(e->field);
    resp_error(r, w, e);
    return 0;
}

int api_failf(struct req *r, struct resp *w, enum errcode code, const char *field,
              const char *fmt, ...)
{
    struct err e = {0};
    e.code = code;
    strlcpy_(e.field, field ? field : "", sizeof e.field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    return api_fail(r, w, &e);
}

int api_send(struct resp *w, int status, struct buf *b)
{
    buf_putc(b, '\n');
    resp_take(w, status, "application/json", b);
    return 0;
}

int api_change_fields(struct req *r, const char *const *only, const char *hint,
                      struct api_fields *out, struct err *e)
{
    json_t *obj;
    if (api_body(r, 1, &obj, e) || api_fields_from_json(r->type, obj, only, out, e)) {
        return -1;
    }
    if (out->n == 0) {
        api_fields_free(out);
        return err_set(e, ERR_USAGE, NULL, "nothing to change: give %s", hint);
    }
    return 0;
}

int api_body(struct req *r, int required, json_t **out, struct err *e)
{
    *out = NULL;
    if (r->json) {
        if (!json_is_object(r->json)) {
            return err_set(e, ERR_USAGE, NULL, "the body must be a JSON object ({...})");
        }
        *out = r->json;
        return 0;
    }
    const char *ct = r->content_type;
    if (r->form.n || (ct && strncmp(ct, "application/x-www-form-urlencoded", 33) == 0)) {
        return err_set(e, ERR_MEDIA, NULL, "the API takes application/json bodies, not forms");
    }
    if (required) {
        return err_set(e, ERR_USAGE, NULL,
                       "send a JSON object as the body (Content-Type: application/json)");
    }
    return 0;
}

int api_only_keys(json_t *obj, const char *const *allowed, struct err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (int i = 0; allowed && allowed[i]; i++) {
            ok |= strcmp(allowed[i], key) == 0;
        }
        if (!ok) {
            struct buf b;
            buf_init(&b, 512);
            for (int i = 0; allowed && allowed[i]; i++) {
                buf_printf(&b, "%s%s", i ? ", " : "", allowed[i]);
            }
            err_set(e, ERR_INVALID, key, "%.60s: unknown field (this request takes %s)", key,
                    b.len ? buf_str(&b) : "no fields");
            buf_free(&b);
            return -1;
        }
    }
    return 0;
}

int api_str(json_t *obj, const char *key, const char **out, struct err *e)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    *out = NULL;
    if (!v || json_is_null(v)) {
        return 0;
    }
    if (!json_is_string(v)) {
        return err_set(e, ERR_INVALID, key, "%s: give a string", key);
    }
    *out = json_string_value(v);
    return 0;
}

int api_query_only(struct req *r, const char *const *allowed, struct err *e)
{
    for (int k = 0; k < r->query.n; k++) {
        const char *name = r->query.kv[k].name;
        int ok = 0;
        for (int i = 0; allowed && allowed[i]; i++) {
            ok |= strcmp(allowed[i], name) == 0;
        }
        if (!ok) {
            return err_set(e, ERR_USAGE, name, "%.60s: not a parameter of this request", name);
        }
        for (int j = 0; j < k; j++) {
            if (strcmp(r->query.kv[j].name, name) == 0) {
                return err_set(e, ERR_USAGE, name, "%s: given more than once", name);
            }
        }
    }
    return 0;
}

int api_query_bool(struct req *r, const char *name, int def, int *out, struct err *e)
{
    const char *v = kv_get(&r->query, name);
    *out = def;
    if (!v) {
        return 0;
    }
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
        *out = 1;
    } else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
        *out = 0;
    } else {
        return err_set(e, ERR_USAGE, name, "%s: give 1 or 0", name);
    }
    return 0;
}

static const char *json_kind(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* A JSON number as decimal text that reads back as the same value. Reals
 * keep a fraction or exponent ("3.0"), so an integer field refuses them. */
static void number_text(json_t *v, struct buf *out)
{
    if (json_is_integer(v)) {
        buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return;
    }
    double x = json_real_value(v);
    char s[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, x);
        if (strtod(s, NULL) == x) {
            break;
        }
    }
    buf_puts(out, s);
    if (!strpbrk(s, ".eEn")) {
        buf_puts(out, ".0");
    }
}

/* The text form of one JSON value for field f; -1 with e naming f. */
static int value_text(const struct field *f, json_t *v, struct buf *out, struct err *e)
{
    if (json_is_null(v)) {
        return 0; /* empty text clears an optional field */
    }
    switch (f->type) {
    case F_INT:
    case F_NUMBER:
        if (!json_is_number(v)) {
            return err_set(e, ERR_INVALID, f->name, "%s: give a number, not %s", f->name,
                           json_kind(v));
        }
        number_text(v, out);
        return 0;
    case F_BOOL:
        if (!json_is_boolean(v)) {
            return err_set(e, ERR_INVALID, f->name, "%s: give true or false, not %s", f->name,
                           json_kind(v));
        }
        buf_puts(out, json_is_true(v) ? "yes" : "no");
        return 0;
    case F_SET:
    case F_REFS: {
        if (!json_is_array(v)) {
            return err_set(e, ERR_INVALID, f->name, "%s: give an array of strings, not %s",
                           f->name, json_kind(v));
        }
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            const char *s = json_string_value(x);
            if (!s) {
                return err_set(e, ERR_INVALID, f->name, "%s[%zu]: give a string, not %s",
                               f->name, i, json_kind(x));
            }
            /* the app splits its text form at commas and blanks: one item
             * must stay one item */
            if (!*s || strpbrk(s, ", \t\r\n")) {
                return err_set(e, ERR_INVALID, f->name, "%s[%zu]: '%.40s' is not one %s",
                               f->name, i, s, f->type == F_SET ? "value" : "identifier");
            }
            buf_printf(out, "%s%s", i ? "," : "", s);
        }
        return 0;
    }
    default:
        if (!json_is_string(v)) {
            return err_set(e, ERR_INVALID, f->name, "%s: give a string, not %s", f->name,
                           json_kind(v));
        }
        buf_puts(out, json_string_value(v));
        return 0;
    }
}

int api_fields_from_json(const struct rtype *t, json_t *obj, const char *const *only,
                         struct api_fields *out, struct err *e)
{
    size_t cap = json_object_size(obj);
    memset(out, 0, sizeof *out);
    out->kv = xcalloc(cap + 1, sizeof *out->kv);
    out->own = xcalloc(cap + 1, sizeof *out->own);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const struct field *f = NULL;
        for (int i = 0; i < t->nfields; i++) {
            if (strcmp(t->fields[i].name, key) == 0) {
                f = &t->fields[i];
            }
        }
        int allowed = 1;
        if (f && only) {
            allowed = 0;
            for (int i = 0; only[i]; i++) {
                allowed |= strcmp(only[i], f->name) == 0;
            }
        }
        if (strcmp(key, "id") == 0) {
            err_set(e, ERR_INVALID, "id", "id: set by the program (the identifier is in the URL "
                    "of the record)");
            goto fail;
        }
        if (!f) {
            err_set(e, ERR_INVALID, key, "%.60s: %s has no such field (GET /api/v1/openapi.json "
                    "lists them)", key, t->name);
            goto fail;
        }
        if (f->flags & FL_SYSTEM) {
            err_set(e, ERR_INVALID, f->name, "%s: set by the program, not by hand", f->name);
            goto fail;
        }
        if (!allowed) {
            struct buf b;
            buf_init(&b, 512);
            for (int i = 0; only[i]; i++) {
                buf_printf(&b, "%s%s", i ? ", " : "", only[i]);
            }
            err_set(e, ERR_INVALID, f->name, "%s: not changed here (this request takes %s)",
                    f->name, buf_str(&b));
            buf_free(&b);
            goto fail;
        }
        struct buf b;
        buf_init(&b, REQ_MAX_BODY);
        if (value_text(f, v, &b, e)) {
            buf_free(&b);
            goto fail;
        }
        out->own[out->n] = b.len ? buf_take(&b) : xstrdup("");
        buf_free(&b);
        out->kv[out->n].name = f->name;
        out->kv[out->n].value = out->own[out->n];
        out->n++;
    }
    return 0;
fail:
    api_fields_free(out);
    return -1;
}

void api_fields_free(struct api_fields *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->own[i]);
    }
    free(f->own);
    free(f->kv);
    memset(f, 0, sizeof *f);
}

int api_send_record(struct req *r, struct resp *w, const struct rtype *t, const char *ref,
                    int status)
{
    struct err e = {0};
    struct record *rec = NULL;
    if (app_record_get(r->app, t, ref, &rec, &e)) {
        return api_fail(r, w, &e);
    }
    struct buf b;
    buf_init(&b, 0);
    record_json(rec, &b, 0);
    int rc = app_record_signoffs_json(r->app, rec, &b, &e);
    record_free(rec);
    if (rc) {
        buf_free(&b);
        return api_fail(r, w, &e);
    }
    return api_send(w, status, &b);
}
