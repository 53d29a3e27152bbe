/* bundle.h — the evidence bundle an auditor takes away: one zip of the
 * approved documents (the document report as PDF, their Markdown source
 * and content file), the registers (SoA, risks, plan as CSV, XLSX and
 * PDF; the asset inventory as PDF), the frozen SoA versions, the
 * management review packs (compiled, frozen packs and signed minutes), the
 * audit reports, the evidence files (verified by SHA-256 as they are
 * read), the readiness report (PDF, HTML, JSON), the security log
 * (security/security-log.json and .csv, in its evidence form:
 * seclog_entry_evidence; for the principals perm_reads_security_log
 * admits, omitted for the others), and manifest.json last:
 * for every file its path, size, SHA-256 and the record it comes from,
 * plus the organization, when, by whom, the history chain's head and the
 * scope. Everything is read as the principal on the app (a->who: the web's
 * account, the CLI's --as ACCOUNT), so a bundle holds only what its reader
 * may read; what was left out is listed in the manifest.
 *
 * Scope "whole" takes everything; an audit's scope (its clauses and
 * controls, audit_covers_clause / audit_covers_control) selects:
 *   - documents whose clause field names a covered clause, or that
 *     implement a covered control;
 *   - evidence attached to a covered control or document, to the audit,
 *     its findings and checklist items, or to a record whose type serves a
 *     covered clause (types.c);
 *   - the registers when 6.1 is covered (the SoA also when any control
 *     is), reviews when 9.3 is, other audits' reports when 9.2 is;
 *   - the security log when one of the controls of logging and access
 *     control is (8.15, 8.16, 5.15, 5.16, 5.17, 5.18, 8.2, 8.5);
 *   - always the audit's own report and the readiness report.
 *
 * The zip is written by libarchive as it is made: one entry at a time,
 * attachments and registers streamed in 64 KB chunks, so memory is bounded
 * by the largest single report, never the bundle. */
#ifndef ISMS_REPORT_BUNDLE_H
#define ISMS_REPORT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "../app/app.h"
#include "../lib/strmap.h"

#define BUNDLE_NAME_MAX 160 /* bytes of an entry name, directory included */

/* The names already given in one archive (unique, case-insensitively). */
struct bundle_names {
    struct strmap used;
};
/* Maps an untrusted title to a safe entry name "DIR/BASE.EXT" in out: dir
 * and ext are the caller's literals ("documents", "pdf"; ext may be "");
 * in base every byte outside [A-Za-z0-9._-] becomes '_' (control
 * characters, '/', '\\', ':' and non-ASCII included) and a run of them
 * one '_', a '.' stays only after a letter or digit, leading and
 * trailing '.', '_' and '-' go, the base is cut to fit BUNDLE_NAME_MAX,
 * an empty base is "file", and a name already in names
 * gets "-2", "-3", ... before its extension. Never yields "..", a leading
 * '/', a backslash or a control character. */
void bundle_entry_name(struct bundle_names *names, const char *dir, const char *title,
                       const char *ext, char *out, size_t size);
void bundle_names_free(struct bundle_names *names);
/* 1 when an entry name read from a zip may be extracted safely: not empty,
 * no leading '/', no ".." component, no backslash, no control character,
 * not longer than BUNDLE_NAME_MAX * 4. */
int bundle_name_safe(const char *name);

/* What one bundle holds (the manifest). */
struct bundle_file {
    char *path;
    int64_t size;
    char sha256[65];
    char *kind;   /* "document", "register", "soa-version", "review", "audit", "evidence", ... */
    char *source; /* the record or subject it comes from: "DOC-0001", "ATT-0003 of 8.8" */
};
struct bundle_manifest {
    char format[16];      /* "isms-bundle-1" */
    char organization[300];
    char created_at[24];  /* UTC, ISO 8601 */
    char created_by[128]; /* the account (or the CLI actor when read as the system) */
    char role[32];
    long long head_seq;   /* the history chain's last entry */
    char head_hash[65];
    char scope[32];       /* "whole" or the audit's identifier */
    char scope_clauses[256];
    struct bundle_file *v;
    size_t n, cap;
    char **omitted;       /* what the reader may not read, or could not be built, and why */
    size_t nomitted, capomitted;
    char manifest_sha256[65]; /* of manifest.json as written (not in it): to compare out of band */
};
void bundle_manifest_free(struct bundle_manifest *m);
struct jw;
/* The one JSON form: {format, organization, created_at, created_by, role,
 * history_head: {seq, hash}, scope: {kind: whole|audit, audit, clauses},
 * files: [{path, size, sha256, kind, source}], omitted: [text]}. */
void bundle_manifest_json(struct jw *w, const struct bundle_manifest *m);

/* Writes the bundle (audit NULL: the whole ISMS; else that audit's scope,
 * ERR_NOTFOUND when a->who may not see it) to fd as a zip. ERR_FORBIDDEN
 * when a->who may not read document history (staff: the router's
 * PERM_HISTORY on documents). *m (may be NULL) gets the manifest. */
int bundle_write_fd(struct app *a, const char *audit, int fd, struct bundle_manifest *m,
                    struct err *e);
/* The same to path, whole or not at all (outfile.h). */
int bundle_write(struct app *a, const char *audit, const char *path, struct bundle_manifest *m,
                 struct err *e);

/* Checks a bundle: every entry against manifest.json (missing, extra,
 * size, SHA-256), refusing unsafe entry names and entries named twice.
 * 0 when it holds; -1 with e (ERR_CONFLICT naming the first bad file, or
 * ERR_INVALID for an unsafe name or a zip without a readable manifest,
 * ERR_STORAGE when it cannot be read). problems (may be NULL) gets one
 * line per bad file; *files the entries checked; manifest_sha256 (may be
 * NULL) the SHA-256 of manifest.json, to compare with the one `isms bundle`
 * printed (the manifest is not signed: that comparison, or the history
 * head against the ISMS, is what ties it to its maker). */
int bundle_verify(const char *path, struct buf *problems, size_t *files,
                  char manifest_sha256[65], struct err *e);

#endif
