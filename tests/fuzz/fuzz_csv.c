/* fuzz_csv.c — csv_parse on arbitrary bytes (catalogues today, CSV import
 * later). Checks the row callback's contract, and that rows written back
 * with csv_field and read again are the same rows. */
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/csv.h"
#include "fuzz.h"

struct rows {
    struct buf out; /* the rows written back as CSV */
    int last;       /* number of the last row seen */
};

static int take_row(void *ctx, int row, int nf, char **fields)
{
    struct rows *r = ctx;
    if (row != r->last + 1 || nf < 1 || nf > CSV_MAX_FIELDS) {
        fuzz_fail("csv: row %d after row %d with %d fields", row, r->last, nf);
    }
    r->last = row;
    for (int i = 0; i < nf; i++) {
        if (i) {
            buf_putc(&r->out, ',');
        }
        csv_field(&r->out, fields[i], 0);
    }
    buf_putc(&r->out, '\n');
    return 0;
}

/* Parses data and writes what was read into r->out; a byte order mark goes
 * first so that a first field starting with one survives. */
static int parse(const char *data, size_t n, struct rows *r, struct err *e)
{
    buf_init(&r->out, 0);
    buf_puts(&r->out, "\xef\xbb\xbf");
    r->last = 0;
    return csv_parse(data, n, take_row, r, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rows one, two;
    struct err e = {0};
    if (parse((const char *)data, size, &one, &e) == 0) {
        struct err e2 = {0};
        if (parse(one.out.p, one.out.len, &two, &e2)) {
            fuzz_fail("csv: rows written back are refused: %s", e2.msg);
        }
        if (two.last != one.last || two.out.len != one.out.len ||
            memcmp(two.out.p, one.out.p, one.out.len) != 0) {
            fuzz_fail("csv: rows differ when written back and read again");
        }
        buf_free(&two.out);
    } else if (!e.msg[0]) {
        fuzz_fail("csv: refused without a message");
    }
    buf_free(&one.out);
    return 0;
}
