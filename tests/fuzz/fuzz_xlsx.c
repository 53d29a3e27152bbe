/* fuzz_xlsx.c — xlsx_parse on arbitrary bytes (the import's XLSX reader,
 * src/lib/xlsx_read.c: zip through libarchive, XML through expat). Checks
 * the row callback's contract — rows in increasing order, at most
 * XLSX_MAX_COLS cells, none longer than XLSX_MAX_CELL, the last one not
 * empty-only — and that a refusal always says why. */
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/xlsx_read.h"
#include "fuzz.h"

struct seen {
    long last;
};

static int take_row(void *ctx, long row, int n, char **cells)
{
    struct seen *s = ctx;
    if (row <= s->last || n < 1 || n > XLSX_MAX_COLS) {
        fuzz_fail("xlsx: row %ld after row %ld with %d cells", row, s->last, n);
    }
    s->last = row;
    int any = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(cells[i]);
        if (len > XLSX_MAX_CELL) {
            fuzz_fail("xlsx: a cell of %zu bytes", len);
        }
        any |= len > 0;
    }
    if (!any) {
        fuzz_fail("xlsx: an empty row was passed on");
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen s = {0};
    struct err e = {0};
    if (xlsx_parse((const char *)data, size, 0x9e3779b9ul, take_row, &s, &e) != 0 && !e.msg[0]) {
        fuzz_fail("xlsx: refused without a message");
    }
    return 0;
}
