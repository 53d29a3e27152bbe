/* fuzz_import.c — the parent's side of the import (src/app/import.c):
 * (1) arbitrary bytes as the payload of a row frame from the confined
 * reader, which the parent must check, never trust: an accepted frame,
 * encoded again, gives the same bytes; (2) the same bytes read as CSV
 * into a table and mapped onto the asset type's fields (app_import_map,
 * no database): every column gets a field index in range, a reason, and a
 * header; a refusal has problems. */
#include <stdlib.h>
#include <string.h>

#include "../../src/app/import.h"
#include "../../src/lib/csv.h"
#include "fuzz.h"

static int add_row(void *ctx, int row, int nf, char **f)
{
    struct import_table *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
    }
    struct import_row *r = &t->rows[t->n++];
    r->line = row;
    r->n = nf;
    r->cells = calloc((size_t)nf, sizeof *r->cells);
    for (int i = 0; i < nf; i++) {
        r->cells[i] = strdup(f[i]);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_row row;
    if (import_frame_row((const char *)data, size, &row) == 0) {
        struct buf b;
        buf_init(&b, 0);
        import_frame_encode(&b, row.line, row.n, row.cells);
        if (b.len != size || memcmp(b.p, data, size) != 0) {
            fuzz_fail("import: an accepted frame encodes to other bytes");
        }
        buf_free(&b);
        for (int i = 0; i < row.n; i++) {
            free(row.cells[i]);
        }
        free(row.cells);
    }

    struct import_table tab = {0};
    struct err e = {0};
    if (csv_parse((const char *)data, size, add_row, &tab, &e) == 0 && tab.n) {
        const struct rtype *t = rtype_find("asset");
        struct import_map map[2] = {{"A", "name"}, {"#2", "-"}};
        struct import_opts o = {map, size % 3 == 0 ? 2 : 0, size % 2 ? "name" : NULL, 1, NULL,
                                NULL};
        struct import_result res;
        int rc = app_import_map(t, &tab, &o, &res, &e);
        if (res.ncols != tab.rows[0].n) {
            fuzz_fail("import: %d columns mapped of %d", res.ncols, tab.rows[0].n);
        }
        for (int c = 0; c < res.ncols; c++) {
            if (res.field[c] < -2 || res.field[c] >= t->nfields || !res.how[c] ||
                !res.header[c] || !res.header[c][0]) {
                fuzz_fail("import: column %d mapped to %d", c, res.field[c]);
            }
        }
        if ((rc != 0) != (res.n != 0)) {
            fuzz_fail("import: mapping answered %d with %zu problems", rc, res.n);
        }
        import_result_free(&res);
    }
    import_table_free(&tab);
    return 0;
}
