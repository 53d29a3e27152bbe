/* docs.c — document control benchmark (bench/documents): builds an ISMS
 * with N people (default 10,000) in ten departments and one policy with V
 * versions (default 50), each submitted, reviewed and approved through the
 * app layer (signers set in-process, as the router does for a session), the
 * last one acknowledged by about 60 % of the people; then times the
 * acknowledgement completion of that version (app_document_acks: per
 * department, in one SQL statement) and prints the median of 21 runs.
 *
 *   bench/docs OUT.isms [--people N] [--versions V]
 *   bench/docs --into FILE.isms [--versions V]
 *
 * --into adds the policy and its versions (two people: its owner and a top
 * manager) to an existing ISMS and stops there (bench/web serves it).
 *
 * A benchmark prints figures; it fails only when building the file fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/app/app.h"
#include "../src/app/app_int.h"
#include "../src/lib/util.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int die(const struct err *e)
{
    fprintf(stderr, "bench/docs: %s\n", e->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench/docs OUT.isms [--people N] [--versions V]\n");
        return 2;
    }
    long people = 10000, versions = 50;
    int into = strcmp(argv[1], "--into") == 0 && argc >= 3;
    const char *path = into ? argv[2] : argv[1];
    if (into) {
        people = 2;
    }
    for (int i = into ? 3 : 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--people") == 0) {
            people = atol(argv[i + 1]);
        } else if (strcmp(argv[i], "--versions") == 0) {
            versions = atol(argv[i + 1]);
        }
    }
    struct app a;
    struct err e = {0};
    if (into ? app_open(&a, path, "bench", &e) : (remove(path), app_create(&a, path, "bench", &e))) {
        return die(&e);
    }
    double t0 = now_ms();
    if (store_begin(a.st, &e)) {
        return die(&e);
    }
    char **refs = xcalloc((size_t)people, sizeof *refs);
    static const char *const depts[] = {"Sales", "Engineering", "Finance", "Support", "Legal",
                                        "Operations", "Product", "People", "Security", "Board"};
    for (long i = 0; i < people; i++) {
        char name[64];
        snprintf(name, sizeof name, "Person %ld", i + 1);
        struct kv kv[] = {{"name", name}, {"department", depts[i % 10]}};
        if (app_add_tx(&a, rtype_find("person"), kv, 2, NULL, 0, &refs[i], &e)) {
            return die(&e);
        }
    }
    struct kv role[] = {{"name", "Board"}, {"top_management", "yes"}, {"holders", refs[0]}};
    char *role_ref = NULL, *doc = NULL;
    if (app_add_tx(&a, rtype_find("role"), role, 3, NULL, 0, &role_ref, &e)) {
        return die(&e);
    }
    struct kv dk[] = {{"title", "Information security policy"}, {"kind", "policy"},
                      {"owner", refs[1]},
                      {"audience", "everyone"},
                      {"body", "# Policy\n\nVersion 1.\n"}};
    if (app_add_tx(&a, rtype_find("document"), dk, 5, NULL, 0, &doc, &e)) {
        return die(&e);
    }
    for (long v = 1; v <= versions; v++) {
        int n;
        if (v > 1) {
            char body[256];
            snprintf(body, sizeof body,
                     "# Policy\n\nVersion %ld.\n\n## Scope\n\nEveryone.\n\n## Rules\n\n- rule %ld\n",
                     v, v);
            struct kv ek[] = {{"body", body}};
            int changed;
            if (app_document_revise_tx(&a, doc, &e) ||
                app_edit_tx(&a, rtype_find("document"), doc, ek, 1, 0, &changed, &e)) {
                return die(&e);
            }
        }
        if (app_document_submit_tx(&a, doc, NULL, &n, &e)) {
            return die(&e);
        }
        app_signer_set(&a, 1, "owner", refs[1], "manager"); /* the owner reviews */
        if (app_document_review_tx(&a, doc, 0, NULL, &e)) {
            return die(&e);
        }
        app_signer_set(&a, 2, "board", refs[0], "top-management");
        if (app_document_approve_tx(&a, doc, NULL, NULL, NULL, &e)) {
            return die(&e);
        }
    }
    long acked = 0;
    for (long i = 0; i < people && !into; i++) {
        if (i % 5 < 3) { /* 60 % */
            app_signer_set(&a, 3 + i, "reader", refs[i], "staff");
            if (app_document_ack_tx(&a, doc, NULL, &e)) {
                return die(&e);
            }
            acked++;
        }
    }
    app_signer_clear(&a);
    if (store_commit(a.st, &e)) {
        return die(&e);
    }
    printf("built %s: %ld people, %s with %ld versions, %ld acknowledgements of the last "
           "(%.1f s)\n",
           path, people, doc, versions, acked, (now_ms() - t0) / 1e3);
    if (into) {
        app_close(&a);
        return 0;
    }
    double ms[21];
    struct doc_acks k = {0};
    for (int r = 0; r < 21; r++) {
        double s = now_ms();
        if (app_document_acks(&a, doc, 0, 20, &k, &e)) {
            return die(&e);
        }
        ms[r] = now_ms() - s;
        if (r < 20) {
            doc_acks_free(&k);
        }
    }
    qsort(ms, 21, sizeof ms[0], cmp_d);
    printf("acknowledgement completion of %s version %d for %ld people (%ld acknowledged, %zu "
           "departments): median %.2f ms, fastest %.2f ms (target < 50 ms)\n",
           doc, k.version, k.people, k.acked, k.ndept, ms[10], ms[0]);
    doc_acks_free(&k);
    for (long i = 0; i < people; i++) {
        free(refs[i]);
    }
    free(refs);
    free(role_ref);
    free(doc);
    app_close(&a);
    return 0;
}
