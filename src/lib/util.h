/* util.h — allocation that cannot fail (out of memory aborts, as in Redis and
 * OpenSMTPD) and small string helpers. No domain words here. */
#ifndef ISMS_UTIL_H
#define ISMS_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns a heap copy of s (NULL stays NULL); caller frees. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Bounded copy that always terminates; returns strlen(src). */
size_t strlcpy_(char *dst, const char *src, size_t size);
/* Natural comparison: digit runs compare as numbers ("5.9" < "5.10"). */
int natcmp(const char *a, const char *b);
/* The same with ASCII letters folded ("item 2" < "Item 10" < "item 11"), on
 * counted bytes; still a total order. The order of listings (as natkey). */
int natcasecmp_n(const void *a, size_t na, const void *b, size_t nb);
/* Appends to out the key of the n bytes at s: printable ASCII (valid UTF-8,
 * no NUL) whose byte order (memcmp, strcmp, COLLATE "C") is the order of
 * natcasecmp_n, ties included. Listings order text by it (stored per field,
 * so every backend that compares bytes orders alike). */
struct buf;
void natkey(struct buf *out, const void *s, size_t n);
/* ASCII case-insensitive comparison (locale independent). */
int strcasecmp_(const char *a, const char *b);
/* True when item is one of the comma-separated values of list. */
int list_has(const char *list, const char *item);
/* v in decimal, written at the end of buf; returns where it starts. */
char *i64_text(char buf[24], int64_t v);
/* True when s is NULL or "". */
int str_empty(const char *s);

#endif
