/* html.c — see html.h. */
#include "html.h"

#include <inttypes.h>
#include <string.h>

void html_raw_(struct buf *b, const char *literal)
{
    buf_puts(b, literal);
}

void html_text(struct buf *b, const char *s)
{
    if (!s) {
        return;
    }
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_append(b, run, (size_t)(s - run));
        buf_puts(b, rep);
        run = s + 1;
    }
    buf_append(b, run, (size_t)(s - run));
}

void html_attr(struct buf *b, const char *s)
{
    html_text(b, s);
}

void html_url(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s) {
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_append(b, enc, 3);
        }
    }
}

void html_int(struct buf *b, int64_t v)
{
    buf_printf(b, "%" PRId64, v);
}

void html_token(struct buf *b, const char *s)
{
    if (!s) {
        return;
    }
    for (const char *p = s; *p; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr(".-_:#% ", c)) {
            buf_putc(b, c);
        } else {
            char one[2] = {c, 0};
            html_text(b, one);
        }
    }
}
