/* catalogue.c — installs the standard's reference data, embedded in the
 * binary from data/reference/ (see data/reference/SOURCES.md), into a new
 * ISMS: clauses 4.1-10.2, Annex A 2022 (93 controls with the ISO/IEC 27002
 * attributes), Annex A 2013 (114) and the correspondence between them.
 * Controls become ordinary records (with history) so that owners, status and
 * the SoA attach to them like anything else. */
#include <stdlib.h>
#include <string.h>

#include "../embed.h"
#include "../lib/buf.h"
#include "../lib/csv.h"
#include "../lib/util.h"
#include "app_int.h"

struct load {
    struct app *a;
    struct err *e;
    const char *which;
    int count;
};

/* "Preventive|Detective" -> "Preventive, Detective" */
static char *attr(const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    for (; *s; s++) {
        if (*s == '|') {
            buf_puts(&b, ", ");
        } else {
            buf_putc(&b, *s);
        }
    }
    return buf_take(&b);
}

static int row_2022(void *ctx, int row, int nf, char **f)
{
    struct load *l = ctx;
    if (row == 1) {
        return 0; /* header */
    }
    if (nf != 8) {
        err_set(l->e, ERR_INTERNAL, NULL, "Annex A 2022 row %d has %d fields", row, nf);
        return -1;
    }
    char *a[5];
    for (int i = 0; i < 5; i++) {
        a[i] = attr(f[3 + i]);
    }
    struct kv kv[] = {
        {"framework", FRAMEWORK_2022}, {"title", f[2]},
        {"theme", f[1]},               {"control_type", a[0]},
        {"security_properties", a[1]}, {"cybersecurity_concepts", a[2]},
        {"operational_capabilities", a[3]}, {"security_domains", a[4]},
    };
    int rc = app_add_tx(l->a, rtype_find("control"), kv, 8, f[0], 1, NULL, l->e);
    for (int i = 0; i < 5; i++) {
        free(a[i]);
    }
    l->count++;
    return rc ? -1 : 0;
}

static int row_2013(void *ctx, int row, int nf, char **f)
{
    struct load *l = ctx;
    if (row == 1) {
        return 0;
    }
    if (nf != 4) {
        err_set(l->e, ERR_INTERNAL, NULL, "Annex A 2013 row %d has %d fields", row, nf);
        return -1;
    }
    struct buf theme;
    buf_init(&theme, 0);
    buf_printf(&theme, "%s %s", f[1], f[2]);
    struct kv kv[] = {
        {"framework", FRAMEWORK_2013},
        {"title", f[3]},
        {"theme", buf_str(&theme)},
    };
    int rc = app_add_tx(l->a, rtype_find("control"), kv, 3, f[0], 1, NULL, l->e);
    buf_free(&theme);
    l->count++;
    return rc ? -1 : 0;
}

static int row_clause(void *ctx, int row, int nf, char **f)
{
    struct load *l = ctx;
    if (row == 1) {
        return 0;
    }
    if (nf != 5) {
        err_set(l->e, ERR_INTERNAL, NULL, "clauses row %d has %d fields", row, nf);
        return -1;
    }
    l->count++;
    return store_clause_add(l->a->st, f[0], f[1], f[2], strcmp(f[3], "yes") == 0, f[4], l->e)
               ? -1
               : 0;
}

static int row_map(void *ctx, int row, int nf, char **f)
{
    struct load *l = ctx;
    if (row == 1) {
        return 0;
    }
    if (nf != 2) {
        err_set(l->e, ERR_INTERNAL, NULL, "mapping row %d has %d fields", row, nf);
        return -1;
    }
    l->count++;
    return store_control_map_add(l->a->st, f[0], f[1], l->e) ? -1 : 0;
}

int app_install_catalogue(struct app *a, struct err *e)
{
    struct load l = {a, e, NULL, 0};
    if (csv_parse(ref_clauses, EMBED_LEN(ref_clauses), row_clause, &l, e)) {
        return -1;
    }
    l.count = 0;
    if (csv_parse(ref_annex_2022, EMBED_LEN(ref_annex_2022), row_2022, &l, e)) {
        return -1;
    }
    if (l.count != 93) {
        return err_set(e, ERR_INTERNAL, NULL, "Annex A 2022 has %d controls, expected 93",
                       l.count);
    }
    l.count = 0;
    if (csv_parse(ref_annex_2013, EMBED_LEN(ref_annex_2013), row_2013, &l, e)) {
        return -1;
    }
    if (l.count != 114) {
        return err_set(e, ERR_INTERNAL, NULL, "Annex A 2013 has %d controls, expected 114",
                       l.count);
    }
    return csv_parse(ref_mapping, EMBED_LEN(ref_mapping), row_map, &l, e);
}
