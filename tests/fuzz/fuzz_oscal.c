/* fuzz_oscal.c — a control catalogue as given to `isms framework import`:
 * OSCAL catalog JSON (framework_read_oscal) and the same bytes as CSV
 * (framework_read_csv). An accepted catalogue must keep what framework.h
 * promises: at least one control, counts that add up, every identifier
 * non-empty, within FW_MAX_ID and without spaces, every parent an earlier
 * entry, depth within FW_MAX_DEPTH, titles and texts within their bounds; a
 * refusal has a message and leaves nothing behind. */
#include <stdlib.h>
#include <string.h>

#include "../../src/app/framework.h"
#include "fuzz.h"

static void check(const struct framework *f, const char *which)
{
    if (f->ncontrols < 1 || f->ngroups + f->ncontrols != (long)f->n) {
        fuzz_fail("%s: %ld controls + %ld groups for %zu entries", which, f->ncontrols,
                  f->ngroups, f->n);
    }
    if (!f->title || !f->source) {
        fuzz_fail("%s: accepted without a title or source", which);
    }
    for (size_t i = 0; i < f->n; i++) {
        const struct fw_control *c = &f->v[i];
        size_t n = strlen(c->id);
        if (n == 0 || n > FW_MAX_ID || strpbrk(c->id, " \t\r\n")) {
            fuzz_fail("%s: entry %zu has identifier '%.40s'", which, i, c->id);
        }
        if (!c->title || strlen(c->title) > FW_MAX_TITLE ||
            (c->text && strlen(c->text) > FW_MAX_TEXT)) {
            fuzz_fail("%s: entry %zu exceeds its bounds", which, i);
        }
        if (c->depth < 0 || c->depth > FW_MAX_DEPTH) {
            fuzz_fail("%s: entry %zu at depth %d", which, i, c->depth);
        }
        if (strcmp(c->kind, "group") && strcmp(c->kind, "control") &&
            strcmp(c->kind, "enhancement")) {
            fuzz_fail("%s: entry %zu of kind %s", which, i, c->kind);
        }
        if (c->parent) {
            int found = 0;
            for (size_t k = 0; k < i && !found; k++) {
                found = strcmp(f->v[k].id, c->parent) == 0;
            }
            if (!found) {
                fuzz_fail("%s: entry %zu's parent '%.40s' is not an earlier entry", which, i,
                          c->parent);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct framework f;
    struct err e = {0};
    if (framework_read_oscal((const char *)data, size, &f, &e) == 0) {
        check(&f, "oscal");
        framework_free(&f);
    } else if (!e.msg[0] || f.n || f.v || f.title) {
        fuzz_fail("oscal: refused without a message, or with a result");
    }
    struct err e2 = {0};
    if (framework_read_csv((const char *)data, size, &f, &e2) == 0) {
        check(&f, "csv");
        framework_free(&f);
    } else if (!e2.msg[0] || f.n || f.v || f.title) {
        fuzz_fail("csv: refused without a message, or with a result");
    }
    return 0;
}
