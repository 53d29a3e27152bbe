/* common.c — checks shared by the fuzz targets (see fuzz.h). Only pure
 * product functions are called here; no I/O but the failure message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/buf.h"
#include "../../src/lib/util.h"
#include "fuzz.h"

char *fuzz_str(const uint8_t *data, size_t n)
{
    char *s = xmalloc(n + 1);
    if (n) {
        memcpy(s, data, n);
    }
    s[n] = 0;
    return s;
}

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz property failed: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void fuzz_check_method(const struct method *m)
{
    for (int l = 1; l <= m->likelihood.n; l++) {
        for (int c = 1; c <= m->consequence.n; c++) {
            int s = method_score(m, l, c);
            int hits = 0;
            for (int i = 0; i < m->nlevels; i++) {
                hits += s >= m->levels[i].min && s <= m->levels[i].max;
            }
            if (hits != 1) {
                fuzz_fail("method: score %d (likelihood %d, consequence %d) is in %d levels", s, l,
                          c, hits);
            }
        }
    }
    struct buf one, two;
    buf_init(&one, 0);
    buf_init(&two, 0);
    method_json(m, &one, 0);
    struct method *back = NULL;
    struct err e = {0};
    if (method_parse(buf_str(&one), &back, &e)) {
        fuzz_fail("method: its canonical JSON is refused (%s): %s", e.msg, buf_str(&one));
    }
    method_json(back, &two, 0);
    if (strcmp(buf_str(&one), buf_str(&two)) != 0) {
        fuzz_fail("method: canonical JSON changes when read back:\n%s\n%s", buf_str(&one),
                  buf_str(&two));
    }
    method_free(back);
    buf_free(&one);
    buf_free(&two);
}
