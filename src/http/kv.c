/* kv.c — decoding of query strings and urlencoded form bodies (untrusted,
 * bounded), and the small response helpers every handler shares. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/html.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "routes.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decodes s[0..n) in place into out (which has room for n+1). '+' is a
 * space. Returns -1 on a bad escape, an embedded NUL or invalid UTF-8. */
static int decode(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0') {
            return -1; /* a raw NUL would cut the name or value short */
        }
        if (s[i] == '+') {
            out[k++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n) {
                return -1;
            }
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                return -1;
            }
            out[k++] = (char)(h * 16 + l);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
    return utf8_valid(out, k) ? 0 : -1;
}

int kv_parse_urlencoded(struct kvlist *l, const char *s, size_t n)
{
    kv_free(l);
    if (!s || !n) {
        return 0;
    }
    l->mem = xmalloc(n * 2 + 2);
    char *p = l->mem;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '&') {
            j++;
        }
        if (j > i) {
            if (l->n == REQ_MAX_FIELDS) {
                return -1;
            }
            const char *eq = memchr(s + i, '=', j - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : j - i;
            char *k = p;
            if (decode(s + i, klen, k)) {
                return -1;
            }
            p += strlen(k) + 1;
            char *v = p;
            if (eq) {
                if (decode(eq + 1, (size_t)(s + j - eq - 1), v)) {
                    return -1;
                }
            } else {
                v[0] = 0;
            }
            p += strlen(v) + 1;
            l->kv[l->n].name = k;
            l->kv[l->n].value = v;
            l->n++;
        }
        i = j + 1;
    }
    return 0;
}

void kv_free(struct kvlist *l)
{
    free(l->mem);
    l->mem = NULL;
    l->n = 0;
}

const char *kv_get(const struct kvlist *l, const char *name)
{
    for (int i = 0; i < l->n; i++) {
        if (strcmp(l->kv[i].name, name) == 0) {
            return l->kv[i].value;
        }
    }
    return NULL;
}

int req_decode_body(struct req *r, const char *body, size_t len, struct err *e)
{
    if (!len) {
        return 0;
    }
    const char *ct = r->content_type ? r->content_type : "";
    if (strncmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
        if (kv_parse_urlencoded(&r->form, body, len)) {
            return err_set(e, ERR_USAGE, NULL, "the form data is malformed");
        }
        return 0;
    }
    if (strncmp(ct, "application/json", 16) == 0) {
        json_error_t je;
        r->json = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
        if (!r->json) {
            return err_set(e, ERR_USAGE, NULL, "the JSON body is malformed (line %d: %s)", je.line,
                           je.text);
        }
        return 0;
    }
    return err_set(e, ERR_MEDIA, NULL,
                   "send application/json (API) or application/x-www-form-urlencoded (forms)");
}

void resp_take(struct resp *w, int status, const char *ctype, struct buf *b)
{
    w->status = status;
    w->ctype = ctype;
    size_t max = w->body.max;
    buf_free(&w->body);
    w->body = *b;
    w->body.max = max;
    buf_init(b, 0);
}

void resp_json(struct resp *w, int status, const char *json)
{
    w->status = status;
    w->ctype = "application/json";
    buf_reset(&w->body);
    buf_puts(&w->body, json);
    buf_putc(&w->body, '\n');
}

void resp_error_instead(struct req *r, struct resp *w, const struct err *e)
{
    buf_free(&w->body);
    memset(w, 0, sizeof *w);
    w->status = 200;
    buf_init(&w->body, 1u << 20);
    resp_error(r, w, e);
}

void resp_error(struct req *r, struct resp *w, const struct err *e)
{
    int status = err_http_status(e->code);
    if (r->is_api) {
        struct buf b;
        struct jw j;
        buf_init(&b, 0);
        jw_init(&j, &b, 0);
        jw_obj(&j);
        jw_key(&j, "error");
        jw_obj(&j);
        jw_key(&j, "code");
        jw_str(&j, err_code_name(e->code));
        jw_key(&j, "message");
        jw_str(&j, e->msg);
        jw_key(&j, "field");
        jw_str(&j, e->field[0] ? e->field : NULL);
        jw_obj_end(&j);
        jw_obj_end(&j);
        resp_json(w, status, buf_str(&b));
        buf_free(&b);
        return;
    }
    resp_html_page_error(r, w, e);
}

void resp_redirect(struct req *r, struct resp *w, const char *path)
{
    w->status = 303;
    const char *prefix = r->org ? r->org->prefix : "";
    size_t n = strlen(prefix) < sizeof w->location ? strlen(prefix) : sizeof w->location - 1;
    memcpy(w->location, prefix, n);
    notice_sign(r, path, w->location + n, sizeof w->location - n);
    w->ctype = "text/plain";
    buf_reset(&w->body);
}

void resp_cookie(struct resp *w, const char *fmt, ...)
{
    if (w->ncookies >= 4) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->set_cookie[w->ncookies], sizeof w->set_cookie[0], fmt, ap);
    va_end(ap);
    w->ncookies++;
}
