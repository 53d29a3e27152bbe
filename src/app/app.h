/* app.h — use cases. Each public function validates its input, applies the
 * domain rules and writes through store/ in ONE transaction together with
 * its history entries; on any error nothing is written. The CLI, the web
 * pages and the API call these same functions, so they cannot disagree. */
#ifndef ISMS_APP_H
#define ISMS_APP_H

#include "../lib/err.h"
#include "../model/record.h"
#include "../store/store.h"

struct method;

struct app {
    struct store *st;
    char actor[128];        /* who is acting, recorded in history */
    struct method *method;  /* the risk method in force, loaded on first use */
    int method_version;
    int accepting;          /* inside app_risk_accept: acceptance is approved */
};

/* A field name and its value as a person typed it (untrusted). */
struct kv {
    const char *name;
    const char *value;
};

/* Opens an existing ISMS file (migrating it if older). */
int app_open(struct app *a, const char *path, const char *actor, struct err *e);
void app_close(struct app *a);
/* Creates a new ISMS file with the standard's reference data (clauses,
 * Annex A 2022 and 2013, their mapping) installed. */
int app_create(struct app *a, const char *path, const char *actor, struct err *e);
/* Creates a new ISMS file holding the demo organization. */
int app_create_demo(struct app *a, const char *path, const char *actor, struct err *e);

/* Adds a record from untrusted field values; *ref_out (caller frees) gets
 * its identifier. */
int app_record_add(struct app *a, const struct rtype *t, const struct kv *kv, int n,
                   char **ref_out, struct err *e);
/* Changes the given fields; an empty value clears an optional field.
 * *changed is 0 when the values were already so (nothing is written). */
int app_record_edit(struct app *a, const struct rtype *t, const char *ref, const struct kv *kv,
                    int n, int *changed, struct err *e);
/* Retires a record: it stays, with its history, but leaves active lists. */
int app_record_retire(struct app *a, const struct rtype *t, const char *ref, struct err *e);
/* Loads a record; ERR_NOTFOUND names the type and identifier. */
int app_record_get(struct app *a, const struct rtype *t, const char *ref, struct record **out,
                   struct err *e);
/* Builds a store query from untrusted filters (field names and values). */
int app_query_filter(const struct rtype *t, struct query *q, const struct kv *kv, int n,
                     char **owned, struct err *e);

/* Checks the history chain, the database, and that every record equals the
 * state its last history entry recorded. Calls report for progress lines. */
struct verify_result {
    long entries;
    long records;
};
int app_verify(struct app *a, struct verify_result *res, struct err *e);

#endif
