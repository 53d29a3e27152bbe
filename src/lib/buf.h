/* buf.h — growable byte buffer with a mandatory maximum size (after curl's
 * dynbuf). Appending past the maximum sets `over` and drops the data, so a
 * caller checks once at the end instead of after every append. */
#ifndef ISMS_BUF_H
#define ISMS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *p;     /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    size_t max;  /* hard limit in bytes */
    int over;    /* set when an append would have exceeded max */
};

#define BUF_DEFAULT_MAX ((size_t)256 << 20)

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the contents as a C string ("" when empty); the buffer keeps it. */
const char *buf_str(struct buf *b);
/* Hands the heap string to the caller (who frees it) and resets the buffer. */
char *buf_take(struct buf *b);

#endif
