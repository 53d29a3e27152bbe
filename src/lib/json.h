/* json.h — a small JSON writer that escapes every string it is given.
 * Parsing is done with Jansson; this is only for output. */
#ifndef ISMS_JSON_H
#define ISMS_JSON_H

#include <stdint.h>

#include "buf.h"

struct jw {
    struct buf *b;
    int depth;
    unsigned char first[64]; /* per nesting level: no element written yet */
    int pretty;
};

void jw_init(struct jw *w, struct buf *b, int pretty);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);
/* A key known to need no escaping (a declared field name: [a-z_0-9]). */
void jw_key_name(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_int(struct jw *w, int64_t v);
void jw_num(struct jw *w, double v);
/* Writes a number given as already-validated decimal text. */
void jw_numtext(struct jw *w, const char *s);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* Writes a comma-separated list ("a,b") as a JSON array of strings; NULL or
 * "" gives []. */
void jw_list(struct jw *w, const char *comma_list);
/* Appends s as a quoted JSON string with all escapes applied. */
void json_quote(struct buf *b, const char *s);
/* The same for the n bytes at s. */
void json_quote_n(struct buf *b, const char *s, size_t n);

#endif
