/* fuzz_field.c — field_normalize over every declared field of every record
 * type: byte 0 picks the type (rtypes[]), byte 1 the field, the rest is the
 * value. The canonical form must be stable: normalising it again gives it
 * back, and for sets and references the order of the items does not matter. */
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/text.h"
#include "../../src/lib/util.h"
#include "../../src/model/record.h"
#include "fuzz.h"

/* The comma-separated items of a canonical set or reference list, in
 * reverse order (caller frees). */
static char *reversed(const char *v)
{
    struct buf b;
    buf_init(&b, 0);
    const char *end = v + strlen(v);
    while (end > v) {
        const char *start = end;
        while (start > v && start[-1] != ',') {
            start--;
        }
        if (b.len) {
            buf_putc(&b, ',');
        }
        buf_append(&b, start, (size_t)(end - start));
        end = start > v ? start - 1 : v;
    }
    return buf_take(&b);
}

static void check_again(const struct field *f, const char *in, const char *want, const char *what)
{
    char *again = NULL;
    struct err e = {0};
    if (field_normalize(f, in, &again, &e)) {
        fuzz_fail("field %s: the %s form '%s' is refused: %s", f->name, what, in, e.msg);
    }
    if (!again || strcmp(again, want) != 0) {
        fuzz_fail("field %s: the %s form '%s' becomes '%s', not '%s'", f->name, what, in,
                  again ? again : "(unset)", want);
    }
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    const struct rtype *t = rtypes[data[0] % nrtypes];
    const struct field *f = &t->fields[data[1] % t->nfields];
    char *in = fuzz_str(data + 2, size - 2);
    char *out = NULL;
    struct err e = {0};
    if (field_normalize(f, in, &out, &e) == 0) {
        if (out) {
            if (!utf8_valid(out, strlen(out)) || text_bad_control(out, f->type == F_LONGTEXT)) {
                fuzz_fail("field %s: canonical value is not clean text", f->name);
            }
            check_again(f, out, out, "canonical");
            if (f->type == F_SET || f->type == F_REFS) {
                char *rev = reversed(out);
                check_again(f, rev, out, "reordered");
                free(rev);
            }
        }
    } else if (out || !e.msg[0] || strcmp(e.field, f->name) != 0) {
        fuzz_fail("field %s: refused without naming the field, or with a value", f->name);
    }
    free(out);
    free(in);
    return 0;
}
