/* html.h — typed HTML appenders. Escaping is the default; raw output needs a
 * string literal: html_lit(b, "<td>") compiles only with a literal (the ""
 * concatenation trick), so no runtime string can reach the page unescaped.
 * html_text for element content, html_attr for a quoted attribute value,
 * html_url for a path segment or query value inside an attribute. */
#ifndef ISMS_HTML_H
#define ISMS_HTML_H

#include <stdint.h>

#include "buf.h"

#define html_lit(b, s) html_raw_((b), "" s "")
void html_raw_(struct buf *b, const char *literal);
/* Escapes & < > " ' ; NULL writes nothing. */
void html_text(struct buf *b, const char *s);
void html_attr(struct buf *b, const char *s);
/* Percent-encodes everything but unreserved characters (RFC 3986). */
void html_url(struct buf *b, const char *s);
void html_int(struct buf *b, int64_t v);
/* A formatted number or short token made only of safe characters
 * ([A-Za-z0-9.-_:#% ]); anything else is escaped. For CSS colours, ids. */
void html_token(struct buf *b, const char *s);

#endif
