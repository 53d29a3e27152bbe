/* multipart.h — a small, strict, streaming multipart/form-data parser
 * (RFC 7578 on RFC 2046). It pulls the body through a read callback in
 * bounded pieces and hands each part's bytes on with their offset in the
 * body, so a 25 MB file part is never in memory: the upload code records
 * where the file lies in its spool instead of copying it. */
#ifndef ISMS_MULTIPART_H
#define ISMS_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/err.h"

#define MP_BOUNDARY_MAX 70   /* RFC 2046 */
#define MP_HEADERS_MAX 8192  /* bytes of one part's header block */
#define MP_PARTS_MAX 64
#define MP_NAME_MAX 256      /* bytes of a field name or file name */

/* What the parser found; every string is NUL-terminated, valid UTF-8 and
 * free of control characters (else the body is refused). */
struct mp_part {
    char name[MP_NAME_MAX + 1];     /* the form field */
    char filename[MP_NAME_MAX + 1]; /* "" when the part is not a file */
    int is_file;                    /* a filename parameter was given */
    char ctype[128];                /* the part's Content-Type, or "" */
};

struct mp_handler {
    /* A part begins. Return -1 (with e) to stop. */
    int (*part)(void *ctx, const struct mp_part *p, struct err *e);
    /* n bytes of the current part, at offset off of the body. */
    int (*data)(void *ctx, const char *p, size_t n, int64_t off, struct err *e);
    /* The current part ended. */
    int (*end)(void *ctx, struct err *e);
};

/* Reads up to n bytes into buf: their number, 0 at the end, -1 on error. */
typedef long (*mp_read_fn)(void *ctx, char *buf, size_t n);

/* The boundary parameter of a Content-Type "multipart/form-data;
 * boundary=..." (quoted or not) into out: 0, or -1 when ctype is not
 * multipart/form-data or the boundary is missing or malformed. */
int multipart_boundary(const char *ctype, char out[MP_BOUNDARY_MAX + 1]);

/* Parses a whole body: "--boundary CRLF" first (no preamble), each part's
 * headers (Content-Disposition: form-data with a name is required;
 * Content-Type is kept; others are ignored), its bytes up to "CRLF
 * --boundary", then either CRLF and the next part or "--" and the end
 * (an epilogue is ignored). Refuses with ERR_USAGE, saying what is wrong: a
 * missing or truncated delimiter, bad headers, more than MP_PARTS_MAX
 * parts, and whatever a handler refuses. */
int multipart_parse(const char *boundary, mp_read_fn rd, void *rctx, const struct mp_handler *h,
                    void *hctx, struct err *e);

#endif
