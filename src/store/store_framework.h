/* store_framework.h — the SQL of frameworks, their controls and the
 * mappings between controls (tables of 0021_oscal.sql; oscal feature).
 * Every read takes the principal and answers nothing to one whose role
 * reads no controls (the frameworks are read with the controls). */
#ifndef ISMS_STORE_FRAMEWORK_H
#define ISMS_STORE_FRAMEWORK_H

#include "../model/perm.h"
#include "store.h"

struct fw_row {
    const char *id, *title, *version, *source, *uuid, *oscal_version, *last_modified, *sha256,
        *imported_at, *imported_by;
};
struct fc_row {
    const char *framework, *id, *parent, *kind, *label, *title, *text, *status;
    long seq;
};
struct fm_row {
    long id;
    const char *a_framework, *a_id, *b_framework, *b_id, *rel, *note, *created_at, *created_by;
};

int store_framework_add(struct store *s, const struct fw_row *r, struct err *e);
typedef int (*store_fw_fn)(void *ctx, const struct fw_row *r);
/* Every framework (id NULL) or one, in id order (built-in ones first). */
int store_frameworks(struct store *s, const struct principal *who, const char *id,
                     store_fw_fn fn, void *ctx, struct err *e);
int store_fcontrol_add(struct store *s, const struct fc_row *r, struct err *e);
typedef int (*store_fc_fn)(void *ctx, const struct fc_row *r);
/* The controls of an imported framework in document order. */
int store_fcontrols(struct store *s, const struct principal *who, const char *framework,
                    store_fc_fn fn, void *ctx, struct err *e);
/* Number of controls of an imported framework (groups excluded when
 * controls_only). */
long store_fcontrol_count(struct store *s, const char *framework, int controls_only,
                          struct err *e);
/* 1 when the framework has that control (a control record of a built-in
 * framework, an fcontrol row — not a group — of an imported one), 0 not,
 * -1 error. */
int store_fw_has_control(struct store *s, const char *framework, int builtin, const char *id,
                         struct err *e);
/* Adds a mapping; ERR_CONFLICT when the pair is mapped already. */
int store_fmap_add(struct store *s, const struct fm_row *r, struct err *e);
/* Removes a mapping, *removed its relationship (static until the next call)
 * or ERR_NOTFOUND. */
int store_fmap_remove(struct store *s, const char *afw, const char *aid, const char *bfw,
                      const char *bid, char rel[16], struct err *e);
typedef int (*store_fm_fn)(void *ctx, const struct fm_row *r);
/* The mappings with a side in framework (NULL: all), in id order. */
int store_fmaps(struct store *s, const struct principal *who, const char *framework,
                store_fm_fn fn, void *ctx, struct err *e);
/* The built-in 2013 -> 2022 correspondence (control_map). */
typedef int (*store_cmap_fn)(void *ctx, const char *id2022, const char *id2013);
int store_control_map_pairs(struct store *s, const struct principal *who, store_cmap_fn fn,
                            void *ctx, struct err *e);

#endif
