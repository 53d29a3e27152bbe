/* multipart.c — the streaming multipart/form-data parser (multipart.h).
 * One buffer of MP_BUF bytes; the body is pulled through it. Delimiters are
 * searched with memmem; a part's bytes are passed on except for a tail that
 * could be the start of a delimiter split across two reads. Untrusted input
 * throughout: every length is bounded, nothing is allocated per part. */
#include <stdlib.h>
#include <string.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "multipart.h"

#define MP_BUF (64 * 1024)

struct mp {
    mp_read_fn rd;
    void *rctx;
    char buf[MP_BUF];
    size_t pos, len;  /* unconsumed bytes are buf[pos..len) */
    int64_t base;     /* body offset of buf[0] */
    int eof;
    struct err *e;
};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int prefix_ci(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k) {
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        if (lower((unsigned char)s[i]) != p[i]) {
            return 0;
        }
    }
    return 1;
}

/* Makes at least want unconsumed bytes available, unless the body ends
 * first: 0, or -1 on a read error. */
static int need(struct mp *m, size_t want)
{
    if (want > MP_BUF) {
        want = MP_BUF;
    }
    while (m->len - m->pos < want && !m->eof) {
        if (m->pos && m->len + (want - (m->len - m->pos)) > MP_BUF) {
            memmove(m->buf, m->buf + m->pos, m->len - m->pos);
            m->base += (int64_t)m->pos;
            m->len -= m->pos;
            m->pos = 0;
        }
        long n = m->rd(m->rctx, m->buf + m->len, MP_BUF - m->len);
        if (n < 0) {
            return err_set(m->e, ERR_STORAGE, NULL, "reading the request body failed");
        }
        if (n == 0) {
            m->eof = 1;
        }
        m->len += (size_t)n;
    }
    return 0;
}

static int bad(struct mp *m, const char *what)
{
    return err_set(m->e, ERR_USAGE, NULL, "the multipart body is malformed: %s", what);
}

static int is_token_char(int c)
{
    return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* Copies a parameter value (token or quoted-string, \-escapes allowed)
 * from s[*i..n) into out; advances *i. */
static int param_value(const char *s, size_t n, size_t *i, char *out, size_t size)
{
    size_t k = 0;
    if (*i < n && s[*i] == '"') {
        (*i)++;
        while (*i < n && s[*i] != '"') {
            char c = s[*i];
            if (c == '\\' && *i + 1 < n) {
                c = s[++*i];
            }
            if (k + 1 >= size) {
                return -1;
            }
            out[k++] = c;
            (*i)++;
        }
        if (*i >= n) {
            return -1;
        }
        (*i)++;
    } else {
        while (*i < n && is_token_char((unsigned char)s[*i])) {
            if (k + 1 >= size) {
                return -1;
            }
            out[k++] = s[(*i)++];
        }
        if (k == 0) {
            return -1;
        }
    }
    out[k] = 0;
    return utf8_valid(out, k) && !text_bad_control(out, 0) ? 0 : -1;
}

static int hexv(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : lower(c) >= 'a' && lower(c) <= 'f' ? lower(c) - 'a' + 10
                                                                                 : -1;
}

/* RFC 5987 ext-value "UTF-8''percent%20encoded" into out, in place. */
static int ext_value(char *v)
{
    if (!prefix_ci(v, strlen(v), "utf-8''")) {
        return -1;
    }
    const char *s = v + 7;
    size_t k = 0;
    for (; *s; s++) {
        if (*s == '%') {
            int h = hexv((unsigned char)s[1]), l = h < 0 ? -1 : hexv((unsigned char)s[2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                return -1;
            }
            v[k++] = (char)(h * 16 + l);
            s += 2;
        } else {
            v[k++] = *s;
        }
    }
    v[k] = 0;
    return utf8_valid(v, k) && !text_bad_control(v, 0) ? 0 : -1;
}

/* Content-Disposition: form-data; name="x"; filename="y" (value only). */
static int disposition(const char *s, size_t n, struct mp_part *p)
{
    size_t i = 0;
    if (!prefix_ci(s, n, "form-data")) {
        return -1;
    }
    i = 9;
    int have_name = 0, have_ext = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        if (i == n) {
            break;
        }
        if (s[i++] != ';') {
            return -1;
        }
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        size_t k0 = i;
        while (i < n && is_token_char((unsigned char)s[i]) && s[i] != '=') {
            i++;
        }
        size_t klen = i - k0;
        if (klen == 0 || i >= n || s[i] != '=') {
            return -1;
        }
        i++;
        char v[MP_NAME_MAX * 3 + 8];
        if (param_value(s, n, &i, v, sizeof v)) {
            return -1;
        }
        if (klen == 4 && prefix_ci(s + k0, klen, "name")) {
            if (have_name++ || strlen(v) > MP_NAME_MAX || !v[0]) {
                return -1;
            }
            strlcpy_(p->name, v, sizeof p->name);
        } else if (klen == 8 && prefix_ci(s + k0, klen, "filename")) {
            if (p->is_file && !have_ext) {
                return -1; /* given twice */
            }
            if (!have_ext) {
                if (strlen(v) > MP_NAME_MAX) {
                    return -1;
                }
                strlcpy_(p->filename, v, sizeof p->filename);
            }
            p->is_file = 1;
        } else if (klen == 9 && prefix_ci(s + k0, klen, "filename*")) {
            if (have_ext++ || ext_value(v) || strlen(v) > MP_NAME_MAX) {
                return -1;
            }
            strlcpy_(p->filename, v, sizeof p->filename); /* it takes precedence */
            p->is_file = 1;
        }
        /* other parameters are ignored */
    }
    return have_name ? 0 : -1;
}

/* Parses the header block h[0..n) (ending with the empty line's CRLF). */
static int headers(struct mp *m, const char *h, size_t n, struct mp_part *p)
{
    memset(p, 0, sizeof *p);
    int have_cd = 0;
    size_t i = 0;
    while (i < n) {
        const char *eol = memmem(h + i, n - i, "\r\n", 2);
        if (!eol) {
            return bad(m, "a part header does not end with CRLF");
        }
        size_t len = (size_t)(eol - (h + i));
        const char *line = h + i;
        i += len + 2;
        if (len == 0) {
            break;
        }
        if (memchr(line, '\n', len) || memchr(line, '\r', len) || memchr(line, 0, len)) {
            return bad(m, "a part header holds a bare CR, LF or NUL");
        }
        const char *colon = memchr(line, ':', len);
        if (!colon || colon == line) {
            return bad(m, "a part header has no name");
        }
        size_t nlen = (size_t)(colon - line);
        for (size_t k = 0; k < nlen; k++) {
            if (!is_token_char((unsigned char)line[k])) {
                return bad(m, "a part header's name is malformed");
            }
        }
        const char *v = colon + 1;
        size_t vlen = len - nlen - 1;
        while (vlen && (*v == ' ' || *v == '\t')) {
            v++;
            vlen--;
        }
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) {
            vlen--;
        }
        if (nlen == 19 && prefix_ci(line, nlen, "content-disposition")) {
            if (have_cd++ || disposition(v, vlen, p)) {
                return bad(m, "Content-Disposition must be form-data with a name (and at most "
                              "one filename), each given once");
            }
        } else if (nlen == 12 && prefix_ci(line, nlen, "content-type")) {
            if (p->ctype[0] || vlen == 0 || vlen >= sizeof p->ctype) {
                return bad(m, "a part's Content-Type is malformed");
            }
            for (size_t k = 0; k < vlen; k++) {
                if ((unsigned char)v[k] < 32 || (unsigned char)v[k] > 126) {
                    return bad(m, "a part's Content-Type is malformed");
                }
            }
            memcpy(p->ctype, v, vlen);
            p->ctype[vlen] = 0;
        }
    }
    if (!have_cd) {
        return bad(m, "a part has no Content-Disposition");
    }
    return 0;
}

int multipart_boundary(const char *ctype, char out[MP_BOUNDARY_MAX + 1])
{
    if (!ctype || !prefix_ci(ctype, strlen(ctype), "multipart/form-data")) {
        return -1;
    }
    const char *s = ctype + 19;
    size_t n = strlen(s);
    size_t i = 0;
    out[0] = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        if (i == n) {
            break;
        }
        if (s[i++] != ';') {
            return -1;
        }
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        size_t k0 = i;
        while (i < n && s[i] != '=' && is_token_char((unsigned char)s[i])) {
            i++;
        }
        if (i >= n || s[i] != '=') {
            return -1;
        }
        size_t klen = i - k0;
        i++;
        char v[MP_BOUNDARY_MAX + 2];
        if (param_value(s, n, &i, v, sizeof v)) {
            return -1;
        }
        if (klen == 8 && prefix_ci(s + k0, klen, "boundary")) {
            if (out[0]) {
                return -1;
            }
            size_t bl = strlen(v);
            if (bl < 1 || bl > MP_BOUNDARY_MAX || v[bl - 1] == ' ') {
                return -1;
            }
            for (size_t k = 0; k < bl; k++) {
                /* RFC 2046 bchars */
                if (!((v[k] >= '0' && v[k] <= '9') || (v[k] >= 'a' && v[k] <= 'z') ||
                      (v[k] >= 'A' && v[k] <= 'Z') || strchr("'()+_,-./:=? ", v[k]))) {
                    return -1;
                }
            }
            memcpy(out, v, bl + 1);
        }
    }
    return out[0] ? 0 : -1;
}

int multipart_parse(const char *boundary, mp_read_fn rd, void *rctx, const struct mp_handler *h,
                    void *hctx, struct err *e)
{
    size_t bl = strlen(boundary);
    if (bl < 1 || bl > MP_BOUNDARY_MAX) {
        return err_set(e, ERR_USAGE, NULL, "the multipart boundary is malformed");
    }
    struct mp *m = xmalloc(sizeof *m);
    m->rd = rd;
    m->rctx = rctx;
    m->pos = m->len = 0;
    m->base = 0;
    m->eof = 0;
    m->e = e;
    char delim[MP_BOUNDARY_MAX + 5];
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, bl);
    size_t dl = bl + 4;
    int rc = -1, nparts = 0;
    /* the first delimiter has no CRLF before it */
    if (need(m, dl)) {
        goto done;
    }
    if (m->len - m->pos < dl - 2 || memcmp(m->buf + m->pos, delim + 2, dl - 2) != 0) {
        bad(m, "it does not begin with the boundary");
        goto done;
    }
    m->pos += dl - 2;
    for (;;) {
        /* after a delimiter: "--" ends the body, CRLF starts a part */
        if (need(m, 2)) {
            goto done;
        }
        if (m->len - m->pos >= 2 && memcmp(m->buf + m->pos, "--", 2) == 0) {
            if (nparts == 0) {
                bad(m, "it holds no part");
                goto done;
            }
            rc = 0;
            goto done;
        }
        if (m->len - m->pos < 2 || memcmp(m->buf + m->pos, "\r\n", 2) != 0) {
            bad(m, "a boundary is not followed by CRLF or --");
            goto done;
        }
        m->pos += 2;
        if (++nparts > MP_PARTS_MAX) {
            bad(m, "more than 64 parts");
            goto done;
        }
        if (need(m, MP_HEADERS_MAX + 2)) {
            goto done;
        }
        size_t avail = m->len - m->pos;
        size_t look = avail < MP_HEADERS_MAX + 2 ? avail : MP_HEADERS_MAX + 2;
        const char *hs = m->buf + m->pos;
        const char *end = NULL;
        if (look >= 2 && memcmp(hs, "\r\n", 2) == 0) {
            end = hs; /* no header at all: refused below (no Content-Disposition) */
        } else {
            end = memmem(hs, look, "\r\n\r\n", 4);
            end = end ? end + 2 : NULL;
        }
        if (!end) {
            bad(m, "a part's headers are longer than 8 KB or never end");
            goto done;
        }
        struct mp_part part;
        size_t hlen = (size_t)(end - hs) + 2;
        if (headers(m, hs, hlen, &part) || h->part(hctx, &part, e)) {
            goto done;
        }
        m->pos += hlen;
        /* the part's bytes, up to the next delimiter */
        for (;;) {
            if (need(m, dl + 2)) {
                goto done;
            }
            avail = m->len - m->pos;
            const char *d = memmem(m->buf + m->pos, avail, delim, dl);
            if (d) {
                size_t n = (size_t)(d - (m->buf + m->pos));
                if (n && h->data(hctx, m->buf + m->pos, n, m->base + (int64_t)m->pos, e)) {
                    goto done;
                }
                m->pos += n + dl;
                break;
            }
            if (m->eof) {
                bad(m, "it ends inside a part (no closing boundary)");
                goto done;
            }
            /* keep what could be the start of a delimiter */
            size_t n = avail > dl ? avail - dl : 0;
            if (n && h->data(hctx, m->buf + m->pos, n, m->base + (int64_t)m->pos, e)) {
                goto done;
            }
            m->pos += n; /* need() read more (not at the end, so n > 0) */
        }
        if (h->end(hctx, e)) {
            goto done;
        }
    }
done:
    free(m);
    return rc;
}
