/* outbound.h — what leaves the ISMS and comes back: the whole-ISMS export
 * and import (export_all.c), the calendar feed (ical.c), e-mail reminders
 * (mail.c). */
#ifndef ISMS_OUTBOUND_H
#define ISMS_OUTBOUND_H

#include <stddef.h>

#include "app.h"

/* ---- whole-ISMS export and import (export_all.c) ------------------------ */

/* The export's format (the "format_version" of its header). */
#define EXPORT_FORMAT_VERSION 1
/* The largest export import-all reads by default (the JSON document; the
 * evidence files are in the side folder and streamed). */
#define EXPORT_MAX_BYTES ((size_t)512 << 20)

struct export_result {
    long tables, rows, blobs;
    long long blob_bytes;
};
/* Writes every table of a's file to out (a new JSON file) and every stored
 * evidence content to the folder beside it (out without ".json" plus
 * ".blobs", one file per SHA-256), from one read snapshot. Account secrets
 * (password and TOTP hashes), API token, questionnaire link and calendar
 * feed hashes and the mail password leave only with with_accounts; sessions
 * never. Must run as the system principal (the whole file): ERR_FORBIDDEN
 * otherwise. Nothing is left behind on failure. */
int app_export_all(struct app *a, const char *out, int with_accounts, struct export_result *r,
                   struct err *e);
/* Creates target (must not exist) from the export at in: a file at the
 * export's schema version, every row inserted as it was in one transaction
 * (evidence contents streamed from the side folder, each checked against its
 * SHA-256), then migrated to this program's schema and verified
 * (app_verify). An export of a newer schema, one that is malformed, larger
 * than max_bytes or deeper than its shape, or that fails verify is refused
 * naming what is wrong, and target is not left behind. */
int app_import_all(const char *in, const char *target, size_t max_bytes, struct export_result *r,
                   struct verify_result *vr, struct err *e);

#endif
