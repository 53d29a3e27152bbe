/* json.c — see json.h. Strings are escaped per RFC 8259; '<', '>' and '&'
 * are escaped too so JSON can be embedded in HTML safely. */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void json_quote(struct buf *b, const char *s)
{
    json_quote_n(b, s, strlen(s));
}

void json_quote_n(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    const unsigned char *run = p;
    for (; p < end; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != 0x7f) {
            continue;
        }
        buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            buf_puts(b, u);
        }
        }
    }
    buf_append(b, run, (size_t)(p - run));
    buf_putc(b, '"');
}

void jw_init(struct jw *w, struct buf *b, int pretty)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->first[0] = 1;
    w->pretty = pretty;
}

static void indent(struct jw *w)
{
    if (w->pretty) {
        buf_putc(w->b, '\n');
        for (int i = 0; i < w->depth; i++) {
            buf_puts(w->b, "  ");
        }
    }
}

/* Called before a value or a key: writes the separator. After a key the
 * value follows without a comma. */
static void sep(struct jw *w)
{
    if (w->depth > 0 && w->first[w->depth] == 2) {
        w->first[w->depth] = 0; /* value after key */
        return;
    }
    if (!w->first[w->depth]) {
        buf_putc(w->b, ',');
    }
    w->first[w->depth] = 0;
    if (w->depth > 0) {
        indent(w);
    }
}

static void open(struct jw *w, char c)
{
    sep(w);
    buf_putc(w->b, c);
    if (w->depth < 63) {
        w->depth++;
    }
    w->first[w->depth] = 1;
}

static void close_(struct jw *w, char c)
{
    int empty = w->first[w->depth] == 1;
    if (w->depth > 0) {
        w->depth--;
    }
    if (!empty) {
        indent(w);
    }
    buf_putc(w->b, c);
}

void jw_obj(struct jw *w) { open(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

void jw_key_name(struct jw *w, const char *k)
{
    sep(w);
    buf_putc(w->b, '"');
    buf_puts(w->b, k);
    buf_puts(w->b, w->pretty ? "\": " : "\":");
    w->first[w->depth] = 2;
}

void jw_key(struct jw *w, const char *k)
{
    sep(w);
    json_quote(w->b, k);
    buf_puts(w->b, w->pretty ? ": " : ":");
    w->first[w->depth] = 2;
}

void jw_str(struct jw *w, const char *s)
{
    sep(w);
    if (s) {
        json_quote(w->b, s);
    } else {
        buf_puts(w->b, "null");
    }
}

void jw_int(struct jw *w, int64_t v)
{
    sep(w);
    char d[24];
    buf_puts(w->b, i64_text(d, v));
}

void jw_num(struct jw *w, double v)
{
    sep(w);
    if (!isfinite(v)) {
        buf_puts(w->b, "null");
    } else {
        buf_printf(w->b, "%.15g", v);
    }
}

void jw_numtext(struct jw *w, const char *s)
{
    sep(w);
    buf_puts(w->b, s);
}

void jw_bool(struct jw *w, int v)
{
    sep(w);
    buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
    sep(w);
    buf_puts(w->b, "null");
}

void jw_list(struct jw *w, const char *v)
{
    jw_arr(w);
    for (const char *p = v; p && *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        sep(w);
        json_quote_n(w->b, p, n); /* escaped like any string */
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    jw_arr_end(w);
}
