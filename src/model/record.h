/* record.h — one record in memory: its type, identifier and a value per
 * declared field, all held as canonical text (NULL = not set). Values are
 * normalised by field_normalize before they are stored, so equal data always
 * has equal text (the history hashes depend on it). Pure; no I/O. */
#ifndef ISMS_RECORD_H
#define ISMS_RECORD_H

#include "../lib/buf.h"
#include "../lib/err.h"
#include "types.h"

struct record {
    const struct rtype *type;
    char *ref;  /* "R-0042"; NULL until stored */
    char **v;   /* v[i] for type->fields[i]; owned; NULL = unset */
};

/* Allocates an empty record of type t; free with record_free. */
struct record *record_new(const struct rtype *t);
void record_free(struct record *r);
struct record *record_dup(const struct record *r);
/* Replaces value i (takes ownership of val, which may be NULL). */
void record_set_take(struct record *r, int i, char *val);
const char *record_get(const struct record *r, const char *field);

/* Checks and canonicalises an untrusted value for field f: UTF-8, control
 * characters, length, type syntax, enum membership. On success *out is a
 * heap string (caller frees), or NULL when the input was empty (= clear).
 * Reference existence is not checked here (that needs the store). */
int field_normalize(const struct field *f, const char *in, char **out, struct err *e);

/* Appends the record as one JSON object: "id" and every declared field,
 * typed (numbers, booleans, arrays for sets and references). */
void record_json(const struct record *r, struct buf *out, int pretty);
/* The same with only "id" and the fields whose mask[i] is set: what a
 * history entry of an update records as before and after. */
void record_json_fields(const struct record *r, const unsigned char *mask, struct buf *out);
/* The label a person reads for a value of a set or references field: the
 * canonical text with ", " between items. Caller frees. */
char *value_display(const struct field *f, const char *v);

/* A growable list of records (owned). records_add matches store_record_fn,
 * so a list can collect the results of store_list. */
struct records {
    struct record **v;
    size_t n, cap;
};
int records_add(void *list, struct record *r);
void records_free(struct records *l);

/* Maximum sizes of untrusted input. */
#define MAX_REFS_PER_FIELD 500
#define MAX_REF_LEN 32

/* The error for a record that does not exist — and for one the viewer may
 * not see, so that the two cannot be told apart: ERR_NOTFOUND, "no TYPE REF".
 * Returns -1. */
int record_notfound(struct err *e, const struct rtype *t, const char *ref);

#endif
