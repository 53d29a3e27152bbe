/* suppliers.c — supplier review benchmark (bench/suppliers): adds N
 * suppliers (default 2,000) of every criticality to a copy of the large
 * ISMS, each with 0-3 assessments over the last years, through the app layer
 * in one transaction (validated and journaled, as the CLI would), then
 * times the supplier list with the next review computed
 * (app_supplier_schedule, the call behind `isms supplier reviews`, the page
 * /suppliers/reviews and the supplier_review task source) and its JSON, and
 * prints the median and fastest of 21 runs (target < 100 ms).
 *
 *   bench/sup FILE.isms [--suppliers N]
 *
 * A benchmark prints figures; it fails only when building the file fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/app/app.h"
#include "../src/app/app_int.h"
#include "../src/app/suppliers.h"
#include "../src/lib/buf.h"
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
    fprintf(stderr, "bench/sup: %s\n", e->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench/sup FILE.isms [--suppliers N]\n");
        return 2;
    }
    long n = 2000;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--suppliers") == 0) {
            n = atol(argv[i + 1]);
        }
    }
    struct app a;
    struct err e = {0};
    if (app_open(&a, argv[1], "bench", &e)) {
        return die(&e);
    }
    static const char *const crit[] = {"critical", "high", "medium", "low", ""};
    static const char *const res[] = {"satisfactory", "needs-improvement", "unsatisfactory"};
    double t0 = now_ms();
    long na = 0;
    if (store_begin(a.st, &e)) {
        return die(&e);
    }
    for (long i = 0; i < n; i++) {
        char name[64], owner[16], *ref = NULL;
        snprintf(name, sizeof name, "Supplier %ld", i + 1);
        snprintf(owner, sizeof owner, "P-%04ld", i % 200 + 1);
        struct kv kv[] = {{"name", name}, {"criticality", crit[i % 5]}, {"owner", owner},
                          {"status", "active"}};
        if (app_add_tx(&a, rtype_find("supplier"), kv, crit[i % 5][0] ? 4 : 3, NULL, 0, &ref,
                       &e)) {
            store_rollback(a.st);
            return die(&e);
        }
        for (long k = 0; k < i % 4; k++) {
            char date[16], *sa = NULL;
            snprintf(date, sizeof date, "%04ld-%02ld-%02ld", 2023 + k, (i * 7 + k) % 12 + 1,
                     (i * 3 + k) % 28 + 1);
            struct kv av[] = {{"supplier", ref}, {"assessed_on", date}, {"assessor", owner},
                              {"result", res[(i + k) % 3]}};
            if (app_add_tx(&a, rtype_find("sassessment"), av, 4, NULL, 0, &sa, &e)) {
                store_rollback(a.st);
                return die(&e);
            }
            free(sa);
            na++;
        }
        free(ref);
    }
    if (store_commit(a.st, &e)) {
        return die(&e);
    }
    double t1 = now_ms();
    printf("setup: %ld suppliers and %ld assessments added in %.1f s (one transaction, "
           "journaled)\n",
           n, na, (t1 - t0) / 1000.0);
    enum { RUNS = 21 };
    double t[RUNS], tj[RUNS];
    size_t rows = 0, bytes = 0;
    long overdue = 0;
    for (int r = 0; r < RUNS; r++) {
        double s = now_ms();
        struct supplier_dues d;
        if (app_supplier_schedule(&a, "2026-12-03", &d, &e)) {
            return die(&e);
        }
        double m = now_ms();
        struct buf b;
        buf_init(&b, 0);
        supplier_dues_json(&d, &b);
        double f = now_ms();
        t[r] = m - s;
        tj[r] = f - s;
        rows = d.n;
        bytes = b.len;
        overdue = 0;
        for (size_t i = 0; i < d.n; i++) {
            overdue += d.v[i].overdue;
        }
        buf_free(&b);
        supplier_dues_free(&d);
    }
    qsort(t, RUNS, sizeof t[0], cmp_d);
    qsort(tj, RUNS, sizeof tj[0], cmp_d);
    printf("supplier list with next review computed (%zu suppliers, %ld overdue): median %.1f ms, "
           "fastest %.1f ms over %d runs (target < 100 ms)\n",
           rows, overdue, t[RUNS / 2], t[0], RUNS);
    printf("  with its JSON (%zu bytes): median %.1f ms, fastest %.1f ms\n", bytes, tj[RUNS / 2],
           tj[0]);
    app_close(&a);
    return 0;
}
