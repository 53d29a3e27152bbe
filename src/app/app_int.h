/* app_int.h — shared between the app/ source files only. */
#ifndef ISMS_APP_INT_H
#define ISMS_APP_INT_H

#include "app.h"

/* Adds a record inside the caller's transaction. `trusted` (catalogue and
 * demo loading) may set catalogue fields and a fixed identifier. */
int app_add_tx(struct app *a, const struct rtype *t, const struct kv *kv, int n,
               const char *fixed_ref, int trusted, char **ref_out, struct err *e);
int app_edit_tx(struct app *a, const struct rtype *t, const char *ref, const struct kv *kv, int n,
                int trusted, int *changed, struct err *e);
/* Installs clauses, both Annex A catalogues and their mapping. */
int app_install_catalogue(struct app *a, struct err *e);
/* Loads the demo organization (data/demo.json) into an open, empty ISMS. */
int app_load_demo(struct app *a, struct err *e);
/* True when the control came from a shipped catalogue. */
int control_is_catalogue(const struct record *r);

#endif
