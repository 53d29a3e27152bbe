/* upload.h — request bodies of R_UPLOAD routes spooled to an unlinked
 * temporary file instead of memory, and streamed downloads. The server
 * (server.c) calls these few functions; nothing else there knows about
 * files. */
#ifndef ISMS_UPLOAD_H
#define ISMS_UPLOAD_H

#include <microhttpd.h>

#include "http.h"

#define UPLOAD_DEFAULT_MAX ((int64_t)25 << 20) /* isms serve --max-upload BYTES */

/* The largest upload accepted (bytes of the whole body); set once at start. */
void upload_set_max(int64_t max);
int64_t upload_max(void);

struct upload;
/* A spool for this request when method and url (with any /o/ORG prefix)
 * name an R_UPLOAD route, else NULL. The spool is an O_TMPFILE (or an
 * unlinked mkstemp file) in $TMPDIR or /tmp. A request with neither an
 * Authorization nor a Cookie header is only counted, never written. */
struct upload *upload_begin(struct MHD_Connection *conn, const char *method, const char *url);
/* Appends a piece of the body; past the maximum the spool is emptied and
 * the rest dropped (upload_finish then answers 413). */
void upload_feed(struct upload *u, const char *data, size_t n);
/* Once the body is in: parses it into r (multipart/form-data: the fields
 * into r->form, the one file part into r->upload; any other content type:
 * the raw body is the file, named by the ?name= query parameter). -1 with
 * e (413 over the limit, 400 malformed) when it cannot. */
int upload_finish(struct upload *u, struct req *r, struct err *e);
void upload_free(struct upload *u);

/* The response of a streamed download (w->stream set by the handler): read
 * in 64 KB chunks as the client takes them, verified, with its
 * Content-Disposition. NULL when it cannot be made (w->stream is closed). */
struct MHD_Response *upload_response(struct resp *w);

/* Content-Disposition "attachment; filename=...; filename*=UTF-8''..." for
 * a file name (RFC 6266 and 5987): an ASCII fallback with anything unsafe
 * replaced by '_', and the exact name percent-encoded. */
void upload_disposition(const char *name, char *out, size_t size);

/* Answers a download of attachment att_ref of the record r->rec (the
 * router checked that the viewer may read it): streamed, verified,
 * Content-Disposition: attachment, nosniff, CSP "default-src 'none';
 * sandbox", the media type from the allow-list. An attachment of another
 * record, a removed or unknown one is the same 404; a changed blob is a
 * 409 naming it. */
void upload_download(struct req *r, struct resp *w, const char *att_ref);
/* The same headers and stream for a reader already open (closed with the
 * response). */
struct attachment_reader;
void upload_send(struct resp *w, struct attachment_reader *rd);
/* Attaches r->upload to r->rec with the name and valid_until given (NULL:
 * the file's own name / none): the one call the page and the API share.
 * A request without a file is ERR_USAGE naming "file". */
int upload_attach(struct req *r, const char *valid_until, struct attachment_info *out,
                  struct err *e);

/* typed: makes r->upload the content of document r->rec (a PDF or DOCX,
 * app_document_set_file), named by the form's or query's name, else the
 * file's own. */
int upload_document_file(struct req *r, struct attachment_info *out, int *revised,
                         struct err *e);

#endif
