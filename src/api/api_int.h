/* api_int.h — shared between the src/api/ files only: reading a JSON body
 * into the field values app_* take, checking query parameters, recording
 * history under the signed-in account, and sending JSON answers and errors.
 * The handlers themselves are declared in src/http/routes.h. */
#ifndef ISMS_API_INT_H
#define ISMS_API_INT_H

#include <jansson.h>

#include "../http/routes.h"
#include "../lib/json.h"

/* Sends e as {"error":{code,message,field}} with its HTTP status, after
 * making message and field valid UTF-8 (a message may quote untrusted input
 * cut short at a byte count). Returns 0, so handlers can `return api_fail()`. */
int api_fail(struct req *r, struct resp *w, struct err *e);
/* Builds the error from a format, then api_fail. */
int api_failf(struct req *r, struct resp *w, enum errcode code, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sends body (JSON text built by the handler) with status; b is freed. */
int api_send(struct resp *w, int status, struct buf *b);

/* The request's JSON object body. With required and no body: a usage error.
 * A body that is not an object: usage error; a form body: unsupported media
 * type. On success *out is the object (owned by the request) or NULL when
 * there was no body and none is required. Returns -1 after filling e. */
int api_body(struct req *r, int required, json_t **out, struct err *e);
/* Refuses any key of obj (may be NULL) not in allowed (NULL-terminated),
 * naming it (ERR_INVALID). */
int api_only_keys(json_t *obj, const char *const *allowed, struct err *e);
/* The string value of key in obj: NULL when absent or null; a usage error
 * naming the key when it is another JSON type. */
int api_str(json_t *obj, const char *key, const char **out, struct err *e);
/* Refuses any query parameter not in allowed (NULL-terminated) and any given
 * twice (ERR_USAGE naming it). */
int api_query_only(struct req *r, const char *const *allowed, struct err *e);
/* A yes/no query parameter ("1"/"0", "true"/"false", "yes"/"no"): *out gets
 * 1 or 0, or def when absent; ERR_USAGE naming it otherwise. */
int api_query_bool(struct req *r, const char *name, int def, int *out, struct err *e);

/* Field values converted from a JSON object for app_record_add/edit and
 * app_soa_set. kv[i].name points at the declared field name, kv[i].value at
 * text owned by the list. Free with api_fields_free. */
struct api_fields {
    struct kv *kv;
    char **own;
    int n;
};
/* Converts obj (untrusted) into field values of type t: every key must be a
 * declared field name (exactly), not "id", not a field the program sets;
 * when only is not NULL, also one of those names. Values must have the JSON
 * type of the field (string, number, boolean, array of strings for sets and
 * references); null clears. Numbers are written exactly, so the app's own
 * validation judges them (3.5 for an integer field is refused there). Every
 * error names the field; nothing is converted on error. */
int api_fields_from_json(const struct rtype *t, json_t *obj, const char *const *only,
                         struct api_fields *out, struct err *e);
void api_fields_free(struct api_fields *f);
/* The fields of a change (PATCH-like) body, only the keys in only when
 * given; an empty change is refused (ERR_USAGE), hint saying what can be
 * given. */
int api_change_fields(struct req *r, const char *const *only, const char *hint,
                      struct api_fields *out, struct err *e);


/* Loads the record ref of type t afresh and sends it as JSON with status. */
int api_send_record(struct req *r, struct resp *w, const struct rtype *t, const char *ref,
                    int status);

#endif
