/* reports.h — the printable reports (PDF and HTML): the SoA, the risk
 * register, the treatment plan, the asset inventory, an audit report, a
 * management review pack and an approved document with its approval block.
 * Each is built as one rdoc (rdoc.h) from the typed structures of app/
 * (struct soa, struct plan, struct audit_report, struct review_pack, record
 * lists) read as the principal set on the app (a->who: the web's account,
 * the CLI's --as ACCOUNT, else the system, which reads everything), then
 * written by the one PDF or HTML writer. Shared by `isms report` and the web's download routes. */
#ifndef ISMS_REPORT_REPORTS_H
#define ISMS_REPORT_REPORTS_H

#include "../app/app.h"
#include "../lib/buf.h"
#include "rdoc.h"

/* The kinds, for usage messages: "soa|risks|plan|assets|audit|review|document". */
extern const char report_kinds[];
/* 1 when kind needs an identifier (audit AUD-..., review MR-..., document DOC-...). */
int report_needs_id(const char *kind);
/* Builds report kind (id for audit/review/document; framework for the SoA,
 * NULL: 2022) into d (rdoc_free by the caller, also on error). ERR_USAGE
 * for an unknown kind or a missing identifier, ERR_FORBIDDEN when a->who
 * may not read the report's type (app_may_read), ERR_NOTFOUND for a record
 * it may not see, ERR_CONFLICT for a document never approved. */
int report_build(struct app *a, const char *kind, const char *id, const char *framework,
                 struct rdoc *d, struct err *e);
/* Builds and writes report kind as format ("pdf" or "html") into out.
 * *filename (static storage of out's size 96) gets a download name. */
int report_render(struct app *a, const char *kind, const char *id, const char *framework,
                  const char *format, struct buf *out, char *filename, size_t fsize,
                  struct err *e);
/* The same, written to path whole or not at all (outfile.h). */
int report_write(struct app *a, const char *kind, const char *id, const char *framework,
                 const char *format, const char *path, struct err *e);

#endif
