/* fuzz_multipart.c — the streaming multipart/form-data parser (multipart.c)
 * as upload.c runs it on a spooled body. The input's first line is the
 * Content-Type (multipart_boundary), the rest the body. The body is parsed
 * twice, read in one go and in pieces of 1-64 bytes (byte 0 of the input
 * picks the size), so delimiters and headers split across reads are
 * exercised. Checks: both runs agree (result, parts, where each part's bytes
 * lie); every byte handed on is the body's byte at the offset given, parts
 * are contiguous and inside the body; part names are clean UTF-8 text. */
#include <stdlib.h>
#include <string.h>

#include "../../src/http/multipart.h"
#include "../../src/lib/buf.h"
#include "../../src/lib/text.h"
#include "fuzz.h"

struct src {
    const char *p;
    size_t n, pos, step;
};

static long rd(void *ctx, char *buf, size_t n)
{
    struct src *s = ctx;
    size_t k = s->n - s->pos;
    if (k > n) {
        k = n;
    }
    if (s->step && k > s->step) {
        k = s->step;
    }
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (long)k;
}

struct run {
    const char *body;
    size_t n;
    struct buf log;  /* one line per part: names, and the span of its bytes */
    int64_t off, len;
    int in_part;
};

static int on_part(void *ctx, const struct mp_part *p, struct err *e)
{
    (void)e;
    struct run *r = ctx;
    if (r->in_part) {
        fuzz_fail("multipart: a part begins before the previous one ended");
    }
    const char *s[] = {p->name, p->filename, p->ctype};
    for (int i = 0; i < 3; i++) {
        if (!utf8_valid(s[i], strlen(s[i])) || text_bad_control(s[i], 0)) {
            fuzz_fail("multipart: a part's name, filename or type is not clean text");
        }
    }
    if (!p->name[0]) {
        fuzz_fail("multipart: a part without a name was accepted");
    }
    buf_printf(&r->log, "part %s|%d|%s|%s ", p->name, p->is_file, p->filename, p->ctype);
    r->off = -1;
    r->len = 0;
    r->in_part = 1;
    return 0;
}

static int on_data(void *ctx, const char *p, size_t n, int64_t off, struct err *e)
{
    (void)e;
    struct run *r = ctx;
    if (!r->in_part || n == 0) {
        fuzz_fail("multipart: data outside a part, or empty");
    }
    if (off < 0 || (size_t)off + n > r->n || memcmp(r->body + off, p, n) != 0) {
        fuzz_fail("multipart: bytes handed on are not the body's at offset %lld",
                  (long long)off);
    }
    if (r->off < 0) {
        r->off = off;
    } else if (off != r->off + r->len) {
        fuzz_fail("multipart: a part's bytes are not contiguous");
    }
    r->len += (int64_t)n;
    return 0;
}

static int on_end(void *ctx, struct err *e)
{
    (void)e;
    struct run *r = ctx;
    if (!r->in_part) {
        fuzz_fail("multipart: a part ended that had not begun");
    }
    buf_printf(&r->log, "at %lld len %lld\n", (long long)r->off, (long long)r->len);
    r->in_part = 0;
    return 0;
}

static int parse(const char *boundary, const char *body, size_t n, size_t step, struct run *r,
                 struct err *e)
{
    static const struct mp_handler h = {on_part, on_data, on_end};
    struct src s = {body, n, 0, step};
    memset(r, 0, sizeof *r);
    r->body = body;
    r->n = n;
    buf_init(&r->log, 0);
    int rc = multipart_parse(boundary, rd, &s, &h, r, e);
    if (rc == 0 && r->in_part) {
        fuzz_fail("multipart: accepted with a part still open");
    }
    if (rc && !e->msg[0]) {
        fuzz_fail("multipart: refused without a message");
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    size_t step = 1 + data[0] % 64;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    const char *nl = memchr(in, '\n', n);
    if (!nl) {
        return 0;
    }
    char *ctype = fuzz_str((const uint8_t *)in, (size_t)(nl - in));
    char boundary[MP_BOUNDARY_MAX + 1];
    if (multipart_boundary(ctype, boundary) == 0) {
        size_t bl = strlen(boundary);
        if (bl < 1 || bl > MP_BOUNDARY_MAX) {
            fuzz_fail("multipart: boundary of %zu bytes accepted", bl);
        }
        const char *body = nl + 1;
        size_t blen = n - (size_t)(nl + 1 - in);
        struct run a, b;
        struct err ea = {0}, eb = {0};
        int ra = parse(boundary, body, blen, 0, &a, &ea);
        int rb = parse(boundary, body, blen, step, &b, &eb);
        if (ra != rb || strcmp(buf_str(&a.log), buf_str(&b.log)) != 0) {
            fuzz_fail("multipart: reading in pieces of %zu gives another result (%d/%d: %s / %s)",
                      step, ra, rb, ea.msg, eb.msg);
        }
        buf_free(&a.log);
        buf_free(&b.log);
    }
    free(ctype);
    return 0;
}
