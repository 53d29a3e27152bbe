/* web.h — shared pieces of the HTML pages: the layout (head, navigation,
 * footer), links within the organization, the CSRF field, and sending a
 * page. Every runtime string goes through html_text/html_attr/html_url
 * (lib/html.h); raw markup only as literals. */
#ifndef ISMS_WEB_H
#define ISMS_WEB_H

#include "../http/routes.h"
#include "../lib/html.h"

/* Opens the page: doctype, head (CSS, JS from /static), header with the
 * navigation the viewer's role may use, and <main>. */
void page_begin(struct req *r, struct buf *b, const char *title);
/* Closes <main> and the page. */
void page_end(struct req *r, struct buf *b);
/* Writes an href/action value: the organization prefix, then path (a
 * literal or an escaped value). */
void href(struct req *r, struct buf *b, const char *path);
/* <input type=hidden name=_csrf value=...> for forms that post. */
void csrf_field(struct req *r, struct buf *b);
/* Sends b as the response (text/html) with status. Takes b's contents. */
void page_send(struct resp *w, struct buf *b, int status);

#endif
