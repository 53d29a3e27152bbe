/* store.h — the only layer that speaks SQL. Opens and migrates an ISMS file,
 * reads and writes records generically from their declarations, keeps the
 * link table and the history journal, and answers the queries the app layer
 * needs. Every value is bound; the only SQL text built at run time is made of
 * identifiers from the compile-time declarations.
 *
 * A later store_pg.c implements the same interface on PostgreSQL. */
#ifndef ISMS_STORE_H
#define ISMS_STORE_H

#include <stdint.h>

#include "../lib/err.h"
#include "../model/perm.h"
#include "../model/record.h"

struct store;

/* WHO READS. Every function below that reads records or what hangs off
 * them — a record, lists, counts, search, titles, group counts, links and
 * backlinks, history, versions, sign-offs, attachments, document
 * acknowledgements — takes the principal (perm.h) as its second argument
 * and answers with what that principal sees, and nothing else:
 *   rows      perm_rows (perm_row_rule): hidden rows are not read, listed,
 *             counted, searched, titled or followed (a backlink from a
 *             hidden row is not listed); staff read a document's version
 *             in force (view document_released), never its working copy;
 *   history   entries of records the principal sees whose history it may
 *             read (perm_sees_history), store_sees_entry;
 *   versions  and their sign-offs and acknowledgements: of subjects it
 *             sees, and for a role that sees no earlier versions
 *             (perm_sees_versions) only the version in force;
 *   evidence  attachments of records it sees whose history it may read.
 * principal_system() (perm.h) sees everything: internal work only (rules,
 * verify, numbering, the demo, the CLI run by the file's owner). A NULL
 * principal sees nothing. Reference data (clauses, the control map, the
 * risk method), accounts and sessions are not records and take none. */

enum store_flags {
    STORE_CREATE = 1 << 0,   /* create a new file; refuse if it exists */
    STORE_READONLY = 1 << 1, /* no writes, no migration */
};

/* Opens (or creates) an ISMS file, migrating an older schema in one
 * transaction. Refuses a newer schema, a non-ISMS or corrupt file with a
 * message that says so. *out is closed with store_close. */
int store_open(const char *path, int flags, struct store **out, struct err *e);
void store_close(struct store *s);
int store_schema_version(struct store *s);
/* The highest schema version this binary knows. */
int store_latest_version(void);
/* 1 when path is a PostgreSQL URL (postgresql://…) rather than a file. */
int store_is_url(const char *path);
/* PostgreSQL: 0 when the database answers now (a lost connection is made
 * again), else ERR_UNAVAILABLE in e; an ISMS file: 0. */
int store_ping(struct store *s, struct err *e);
/* Removes an ISMS just made at path that is not to be kept: the file and
 * its -wal and -shm, or in a database every table and function it made. */
void store_remove(const char *path);
/* The schema for PostgreSQL, made from the SQLite migrations
 * (schema_pg.c); appended to out. */
struct buf;
int store_pg_schema(struct buf *out, struct err *e);

/* WHAT A RESULT DEPENDS ON (store_track.c). The store notes which tables
 * each statement reads (SQLite's authorizer, at prepare time; kept with a
 * cached statement and added again at each use) and which tables each
 * write transaction changes (the pre-update hook); a transaction that
 * appends history records its tables beside the chain (history_tables).
 * A cache of derived results (app_derived) keeps with each result the set
 * of tables read while computing it, and drops exactly the results whose
 * tables later history changed — nobody declares dependencies by hand.
 * Tracking nests: a result computed inside another's computation adds its
 * tables to the outer one too. */
#define STORE_TBLSET_WORDS 4
struct tblset {
    uint64_t w[STORE_TBLSET_WORDS]; /* bit per table of this connection's registry */
};
void tblset_all(struct tblset *t);   /* every table: the safe answer when unknown */
void tblset_or(struct tblset *into, const struct tblset *t);
int tblset_meets(const struct tblset *a, const struct tblset *b);
/* Starts tracking (saving the tracking in progress into *saved). */
void store_track_begin(struct store *s, struct tblset *saved);
/* Ends it: *read = the tables read since store_track_begin; the enclosing
 * tracking (if any) gains them. */
void store_track_end(struct store *s, const struct tblset *saved, struct tblset *read);
/* Adds the tables a reused result was computed from to the tracking in
 * progress (nothing when none is). */
void store_track_add(struct store *s, const struct tblset *t);
/* Reads that must not count as dependencies (the cache's own bookkeeping):
 * between hold and release nothing is tracked. */
void store_track_hold(struct store *s, struct tblset *saved);
void store_track_release(struct store *s, const struct tblset *saved);
/* The table of type t (its records): for results built from text another
 * read produced (a title seen earlier). */
void store_tblset_type(struct store *s, const struct rtype *t, struct tblset *out);
/* The tables changed by the history entries after seq since up to upto:
 * 1 with *out when every transaction in between recorded its tables, 0
 * when some did not (an older program wrote the file; assume everything
 * changed), -1 on error. */
int store_changed_tables(struct store *s, long long since, long long upto, struct tblset *out,
                         struct err *e);

/* Writes a consistent copy of the open file to dest (which must not exist)
 * with SQLite's online backup, from one read snapshot: other connections,
 * a running server included, keep working meanwhile. The copy appears at
 * dest whole or not at all. */
int store_backup(struct store *s, const char *dest, struct err *e);

/* The identity of an ISMS file (device, inode): a server notices by it that
 * the file it opened was removed or replaced (rm, mv over it, a restore
 * written beside it and renamed) while it runs. */
struct store_file_id {
    unsigned long long dev, ino;
};
/* The identity of the file s has open, read from its path now. */
int store_file_id(struct store *s, struct store_file_id *out, struct err *e);
/* 0 while the path s was opened by still names the very file s has open
 * (SQLite's own check: not unlinked, not renamed) and that file is want
 * (when not NULL); else -1 with ERR_UNAVAILABLE and a message saying what
 * happened and to restart the server. One stat(): cheap per request. */
int store_file_ok(struct store *s, const struct store_file_id *want, struct err *e);
/* The same check for a path alone (no connection open to it). */
int store_path_ok(const char *path, const struct store_file_id *want, struct err *e);

/* Transactions. store_begin takes the write lock (BEGIN IMMEDIATE);
 * ERR_READONLY (naming the file) when the file cannot be written. */
int store_begin(struct store *s, struct err *e);
/* 1 when the file was opened read-only (SQLite opens a file it may not
 * write that way): every write would fail with ERR_READONLY. */
int store_readonly(struct store *s);
/* Fills e with that ERR_READONLY (naming the file); returns -1. */
int store_readonly_err(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);
/* 1 inside a write transaction begun with store_begin. */
int store_in_write(struct store *s);
/* Group commit (the server's writer connection, http/group.c): with it on,
 * store_begin opens one transaction for many callers in turn and each
 * caller's store_begin .. store_commit is a savepoint inside it, so one
 * caller's rollback undoes its own writes only; store_commit releases the
 * savepoint and nothing is durable until store_group_commit. */
void store_group_mode(struct store *s, int on);
/* 1 while the group's transaction is open (some caller wrote or began). */
int store_group_open(struct store *s);
/* A savepoint a caller left open is rolled back (its writes undone). */
void store_group_settle(struct store *s);
/* Commits the group's transaction (fsync'd: durable on return) and takes
 * the write lock off; on failure everything in it is rolled back and -1. */
int store_group_commit(struct store *s, struct err *e);
/* A read transaction: every query until store_read_end sees one snapshot
 * (and takes the file's read lock once, not per statement). A store_begin
 * inside it ends it first. Nests as a no-op inside any transaction. */
int store_read_begin(struct store *s, struct err *e);
void store_read_end(struct store *s);
/* 1 inside a read transaction begun with store_read_begin. */
int store_in_read(struct store *s);
/* Inside a read transaction: the file's data version, which changes
 * whenever any connection commits (caches keyed by it stay true);
 * -1 elsewhere, where it would not be current. */
long long store_data_version(struct store *s);

/* Records. store_get: ERR_NOTFOUND if no such ref of type t. *out freed by
 * the caller (record_free). */
int store_get(struct store *s, const struct principal *who, const struct rtype *t,
              const char *ref, struct record **out, struct err *e);
/* reports: a document's released form (view document_released: the
 * version in force, with its approver and approval date) as who may see
 * it: who's row rule applied (staff: the classifications and audience it
 * may read); a reader who sees every row gets it whatever its
 * classification. ERR_NOTFOUND when who does not see it or no version of
 * it is in force. Types without a released view: ERR_USAGE. */
int store_get_released(struct store *s, const struct principal *who, const struct rtype *t,
                       const char *ref, struct record **out, struct err *e);
/* 1 if ref exists and who sees it (with *retired set), 0 if not, -1 on
 * error. */
int store_exists(struct store *s, const struct principal *who, const struct rtype *t,
                 const char *ref, int *retired, struct err *e);
/* Does who see record ref (retired or not)? 1 at once, without reading,
 * when who sees every row of t; else whether ref exists and is one of
 * its rows. */
int store_sees_record(struct store *s, const struct principal *who, const struct rtype *t,
                      const char *ref, struct err *e);
/* Does who see what hangs off subject (kind + id: "document"/"DOC-0001",
 * "soa"/"iso27001-2022", a record identifier with kind NULL)? need: 0 its
 * rows, SEES_HISTORY its history and evidence, SEES_VERSIONS version
 * number (0: none) — state when known, else read. 1 yes, 0 no, -1 error. */
#define SEES_HISTORY 1
#define SEES_VERSIONS 2
int store_sees_subject(struct store *s, const struct principal *who, const char *kind,
                       const char *id, int version, const char *state, int need, struct err *e);
/* The record type a subject's visibility follows (soa: control; method and
 * plan: risk; else the type of the identifier or of the kind), or NULL. */
const struct rtype *store_subject_type(const char *kind, const char *id);
/* Inserts r; allocates r->ref from the type's prefix when r->ref is NULL. */
int store_insert(struct store *s, struct record *r, struct err *e);
/* Writes every field of r over the stored record with the same ref. */
int store_update(struct store *s, const struct record *r, struct err *e);
/* The same for the fields with mask[i] set only (F_REFS: their links). */
int store_update_fields(struct store *s, const struct record *r, const unsigned char *mask,
                        struct err *e);

#define QUERY_MAX_FILTERS 16
#define QUERY_MAX_CONDS 6
#define QCOND_MAX_VALUES 8
/* A condition on one field, for callers that evaluate rules in the store
 * rather than over every record read (readiness): the value is one of
 * values (comma-separated, at most QCOND_MAX_VALUES), not one of them (an
 * unset value is not one of them), set (not empty), or set and before a
 * date (its first ten characters compare below values, YYYY-MM-DD). A
 * condition on a field hidden from the principal (accounts) sees it unset.
 * QC_BEFORE's date is exactly ten characters. */
enum qop { QC_IN, QC_NOT_IN, QC_SET, QC_BEFORE };
struct qcond {
    const struct field *f;
    enum qop op;
    const char *values;
};
struct query {
    int nfilter;
    const struct field *filter_field[QUERY_MAX_FILTERS];
    const char *filter_value[QUERY_MAX_FILTERS]; /* canonical value */
    const char *search;   /* substring, any text field or the identifier */
    int include_retired;
    /* Set by the store from the principal of each read (store_rule_query):
     * values a caller puts here are overwritten. Row rule (perm_rows):
     * none = no rows; else only rows whose only_field has only_value (when
     * only_field is set). */
    int none;
    const struct field *only_field;
    const char *only_value;
    /* Row rule ROWS_RELEASED (documents for staff): read the version in
     * force of each record (view TYPE_released) instead of its working
     * copy, and only those whose classification is one of classes
     * (comma-separated) or whose audience names viewer (a person). */
    int released;
    const char *classes;
    const char *viewer;
    /* accounts: the privacy rule (perm_field_hidden) — the principal whose
     * hidden fields are unset in the records read and left out of search;
     * a filter on one matches nothing, an order by one is dropped. */
    const struct principal *hide_for;
    const char *review_due; /* YYYY-MM-DD: only risks due for review then */
    const char *ref;        /* only the record with this identifier */
    const char *refs;       /* a JSON array of identifiers: only those records */
    /* Read only these fields (NULL-terminated names; NULL: all); the
     * other values of the records are left unset. */
    const char *const *columns;
    /* Order: by sort (a field of the type; its sort_by field when it has
     * one) or by identifier when NULL; ties by identifier; desc reverses
     * both. Unset values are the smallest: first ascending, last
     * descending. Numbers by value, enumerations in declared order, dates
     * as written, text naturally ("Item 2" < "item 10"). */
    const struct field *sort;
    int desc;
    /* Keyset paging: only the rows after the one with identifier after_ref
     * whose sort value was after_key (NULL: unset) in this order. */
    const char *after_ref;
    const char *after_key;
    long limit;           /* 0 = no limit */
    long offset;
    int ncond; /* conditions, all of which hold (after the filters) */
    struct qcond cond[QUERY_MAX_CONDS];
};
/* Calls fn for each record matching q in q's order; fn takes ownership of
 * the record. fn returns non-zero to stop. */
typedef int (*store_record_fn)(void *ctx, struct record *r);
int store_list(struct store *s, const struct principal *who, const struct rtype *t,
               const struct query *q, store_record_fn fn, void *ctx, struct err *e);
/* Calls fn with the identifier and title (title_field; NULL when unset) of
 * each record matching q, in identifier order (q's limit and offset
 * apply, its order and cursor do not). */
typedef int (*store_title_fn)(void *ctx, const char *ref, const char *title);
int store_titles(struct store *s, const struct principal *who, const struct rtype *t,
                 const struct query *q, store_title_fn fn, void *ctx, struct err *e);
/* The same walk as store_list, reading only each record's identifier and
 * the value it is ordered by (the identifier when q has no sort): the
 * positions of a page. */
struct keylist {
    struct keypos {
        char *ref, *key;
    } *v;
    size_t n, cap;
};
int store_keys(struct store *s, const struct principal *who, const struct rtype *t,
               const struct query *q, struct keylist *out, struct err *e);
void keylist_free(struct keylist *k);
/* How many records match q for each pair of values of fields f1 and f2
 * (columns, not reference lists): fn(ctx, v1, v2, count), NULL for unset. */
typedef int (*store_group_fn)(void *ctx, const char *v1, const char *v2, long count);
int store_group_count(struct store *s, const struct principal *who, const struct rtype *t,
                      const struct query *q, const struct field *f1, const struct field *f2,
                      store_group_fn fn, void *ctx, struct err *e);
/* How many records match q (its order and paging ignored). Inside a read
 * transaction (store_read_begin) the answer is cached until the file
 * changes. -1 on error. */
long store_count_query(struct store *s, const struct principal *who, const struct rtype *t,
                       const struct query *q, struct err *e);
long store_count(struct store *s, const struct principal *who, const struct rtype *t,
                 int include_retired, struct err *e);

/* Records that refer to ref (through F_REF columns or the link table)
 * that who sees; nothing when who does not see ref. */
typedef int (*store_inbound_fn)(void *ctx, const struct rtype *t, const char *src,
                                const char *field);
int store_inbound(struct store *s, const struct principal *who, const char *ref,
                  store_inbound_fn fn, void *ctx, struct err *e);

/* History. Appends one entry chained to the previous one. */
int store_history_add(struct store *s, const char *at, const char *actor, const char *type,
                      const char *ref, const char *action, const char *before, const char *after,
                      struct err *e);
struct history_entry {
    int64_t seq;
    const char *at, *actor, *type, *ref, *action, *before, *after, *prev, *hash;
};
/* Entries for ref (or all when ref is NULL) in order. */
typedef int (*store_history_fn)(void *ctx, const struct history_entry *h);
int store_history(struct store *s, const struct principal *who, const char *ref,
                  store_history_fn fn, void *ctx, struct err *e);
/* 1 when who sees history entry h: of a record it sees whose history it
 * may read; of a version ("KIND:SUBJECT:N") it sees. */
int store_sees_entry(struct store *s, const struct principal *who, const struct history_entry *h,
                     struct err *e);
/* Entries after seq, in order; and the last entry's seq (0 when none, -1
 * on error: a number, no content). */
int store_history_since(struct store *s, const struct principal *who, long long seq,
                        store_history_fn fn, void *ctx, struct err *e);
long long store_history_last_seq(struct store *s, struct err *e);
/* Entries whose type is t1 or t2 (e.g. "soa", "method"), in order. */
int store_history_of_types(struct store *s, const struct principal *who, const char *t1,
                           const char *t2, store_history_fn fn, void *ctx, struct err *e);
/* The entries of every record (create, update, retire), grouped by record
 * identifier and in order within each: verify folds them to the state. */
int store_history_by_record(struct store *s, const struct principal *who, store_history_fn fn,
                            void *ctx, struct err *e);
/* Walks the chain; on the first broken entry fills e (ERR_CONFLICT) naming
 * it. Then runs PRAGMA integrity_check and foreign_key_check. *nentries gets
 * the number of entries checked. */
int store_verify_chain(struct store *s, long *nentries, struct err *e);

/* Reference data of the standard. */
int store_clause_add(struct store *s, const char *clause, const char *title, const char *summary,
                     int documented, const char *note, struct err *e);
int store_control_map_add(struct store *s, const char *id_2022, const char *id_2013,
                          struct err *e);
/* Counterparts of a control in the other edition (2022 -> 2013 or back). */
typedef int (*store_str_fn)(void *ctx, const char *value);
int store_control_counterparts(struct store *s, const char *ref, store_str_fn fn, void *ctx,
                               struct err *e);
struct clause_row {
    const char *clause, *title, *summary, *note;
    int documented;
};
typedef int (*store_clause_fn)(void *ctx, const struct clause_row *c);
int store_clauses(struct store *s, store_clause_fn fn, void *ctx, struct err *e);

/* The stored sort keys (store_sortkey.c, migration 0026): natkey of each
 * naturally ordered field's value beside it (column NAME_sk), and of a
 * document's released form in its version (version.sortkeys). Derived:
 * store_derived_column says which columns are such (left out of the
 * whole-ISMS export, refused by its import); store_sortkeys_refresh
 * computes every key again (after an import, which writes rows as they
 * were); store_sortkeys_check calls fn(ctx, table, ref, field) for each key
 * that is not natkey of its value (verify), until fn returns non-zero.
 * Both do nothing in a file below schema 26. */
int store_derived_column(const char *table, const char *column);
int store_sortkeys_refresh(struct store *s, struct err *e);
typedef int (*store_stale_fn)(void *ctx, const char *table, const char *ref, const char *field);
int store_sortkeys_check(struct store *s, store_stale_fn fn, void *ctx, struct err *e);

/* For tests, and import-all (a new file at an export's schema, migrated after it is
 * filled): apply migrations only up to `version` when creating; 0 resets. */
void store_test_limit_version(int version);
/* For tests: replace the SQL of migration `version` (NULL restores). */
void store_test_override_migration(int version, const char *sql);


/* ---- risk method, top management, links (store_risk.c) ------------------ */

/* The method in force: *version and *definition (caller frees); version 0
 * and NULL when none was stored yet. */
int store_method_current(struct store *s, int *version, char **definition, struct err *e);
int store_method_add(struct store *s, int version, const char *name, const char *definition,
                     const char *at, const char *actor, struct err *e);
struct method_row {
    int version;
    const char *name, *created_at, *created_by;
};
typedef int (*store_method_fn)(void *ctx, const struct method_row *m);
int store_methods(struct store *s, store_method_fn fn, void *ctx, struct err *e);

/* 1 when person holds an active role marked top_management. */
int store_is_top_management(struct store *s, const char *person, struct err *e);



/* ---- frozen versions and sign-offs (store_signoff.c) -------------------- */

/* A frozen version of a subject (kind + id: "soa"/"iso27001-2022",
 * "document"/"DOC-0001", "scope"/"SC-0001", "method"/"risk"). Every field
 * but state is frozen by the schema (triggers refuse changes). */
struct version_row {
    long id;
    const char *kind, *subject;
    int number;
    const char *content, *sha256, *state, *note, *created_at, *created_by;
};
typedef int (*store_version_fn)(void *ctx, const struct version_row *v);
int store_version_add(struct store *s, const struct version_row *v, long *id, struct err *e);
/* The highest number of kind's versions (of subject; of every subject of
 * the kind when subject is NULL); 0 when none. */
int store_version_last(struct store *s, const struct principal *who, const char *kind,
                       const char *subject, int *number, struct err *e);
/* One version: number > 0 that one; else the latest (created at or before
 * as_of when given, in state when given). subject NULL: any subject of the
 * kind. ERR_NOTFOUND (field "version") when there is none. */
int store_version_get(struct store *s, const struct principal *who, const char *kind,
                      const char *subject, int number, const char *as_of, const char *state,
                      store_version_fn fn, void *ctx, struct err *e);
/* Versions of kind/subject (NULL = all), by kind, number. */
int store_versions(struct store *s, const struct principal *who, const char *kind,
                   const char *subject, store_version_fn fn, void *ctx, struct err *e);
/* Sets the lifecycle state of one version (ERR_NOTFOUND when absent). */
int store_version_set_state(struct store *s, const char *kind, const char *subject, int number,
                            const char *state, struct err *e);

/* A sign-off (append-only). version 0: of a record, not of a version. */
struct signoff_row {
    long id;
    const char *subject_kind, *subject_id;
    int version;
    const char *kind, *capacity, *rationale, *signed_sha256;
    long account; /* 0: migrated from before accounts signed */
    const char *account_name, *person, *on_behalf_of, *evidence, *details, *at;
};
typedef int (*store_signoff_fn)(void *ctx, const struct signoff_row *r);
int store_signoff_add(struct store *s, const struct signoff_row *r, long *id, struct err *e);
/* Sign-offs of kind/subject (NULL = any) and version (-1 = any, 0 = none),
 * oldest first. */
int store_signoffs(struct store *s, const struct principal *who, const char *kind,
                   const char *subject, int version, store_signoff_fn fn, void *ctx,
                   struct err *e);
/* The sign-off with r's subject, version, kind, signed_sha256, person and
 * on_behalf_of: 1 (fn called) when there is one, 0 when not, -1 on error. */
int store_signoff_find(struct store *s, const struct principal *who, const struct signoff_row *r,
                       store_signoff_fn fn, void *ctx, struct err *e);
/* The canonical text of a risk's fields an acceptance signs (caller frees). */
int store_risk_signed_content(struct store *s, const struct principal *who, const char *ref,
                              char **out, struct err *e);

/* Approved SoA versions (versions of kind "soa") in the shape pages list:
 * approved_by is the person of the version's first approval. version > 0:
 * that version; version == 0 with as_of: the latest approved at or before
 * as_of; neither: the latest. ERR_NOTFOUND when there is none. */
struct soa_version_row {
    int version;
    const char *framework, *approved_by, *approved_at, *note, *content, *hash;
};
typedef int (*store_soa_version_fn)(void *ctx, const struct soa_version_row *v);
int store_soa_version_get(struct store *s, const struct principal *who, int version,
                          const char *as_of, const char *framework, store_soa_version_fn fn,
                          void *ctx, struct err *e);
int store_soa_versions(struct store *s, const struct principal *who, store_soa_version_fn fn,
                       void *ctx, struct err *e);

/* Identifiers a record links to through field rel (the link table). */
int store_links_from(struct store *s, const struct principal *who, const char *src,
                     const char *rel, store_str_fn fn, void *ctx, struct err *e);
/* Records of type src_type that link to dst through rel. */
int store_links_to(struct store *s, const struct principal *who, const char *dst,
                   const char *rel, const char *src_type, store_str_fn fn, void *ctx,
                   struct err *e);
/* Effective C/I/A of an asset: the highest of its own values and those of
 * every asset that depends on it, directly or through a chain. */
int store_asset_effective(struct store *s, const struct principal *who, const char *asset,
                          int cia[3], struct err *e);


/* Links through rel into records of dst_type from active (not retired)
 * records of the given source types, ordered by dst: fn(src_type, src, dst). */
typedef int (*store_link_fn)(void *ctx, const char *src_type, const char *src, const char *dst);
int store_link_rows(struct store *s, const struct principal *who, const char *rel,
                    const char *dst_type, store_link_fn fn, void *ctx, struct err *e);


/* ---- document control and acknowledgement (store_documents.c) ---------- */

/* Who must acknowledge a document version: audience "none", "everyone" or
 * "selected" — the people of the departments and the holders of the roles
 * (comma-separated lists) — active and not retired. */
struct doc_audience {
    const char *audience, *departments, *roles;
};
/* Acknowledgement of version of document ref by its audience, per
 * department ("" for people without one), in department order:
 * fn(ctx, department, people, acknowledged). One statement. */
typedef int (*store_ack_dept_fn)(void *ctx, const char *department, long people, long acked);
int store_doc_ack_completion(struct store *s, const struct principal *who, const char *ref,
                             int version, const struct doc_audience *au, store_ack_dept_fn fn,
                             void *ctx, struct err *e);
/* The people of the audience (only those who have not acknowledged when
 * pending_only), at most limit (0: all), in identifier order:
 * fn(ctx, person, name, department, acknowledged at or NULL). */
typedef int (*store_ack_person_fn)(void *ctx, const char *person, const char *name,
                                   const char *department, const char *at);
int store_doc_ack_people(struct store *s, const struct principal *who, const char *ref,
                         int version, const struct doc_audience *au, int pending_only,
                         long limit, store_ack_person_fn fn, void *ctx, struct err *e);
/* A document task: fn(ctx, ref, title, version, what) with what
 * "acknowledge", "review" or "approve". */
typedef int (*store_doc_task_fn)(void *ctx, const char *ref, const char *title, int version,
                                 const char *what);
/* Versions in force whose audience names person and that person has not
 * acknowledged. */
int store_doc_pending_acks(struct store *s, const struct principal *who, const char *person,
                           store_doc_task_fn fn, void *ctx, struct err *e);
/* Acknowledgements of each version of ref: fn(ctx, version, people). */
typedef int (*store_doc_count_fn)(void *ctx, int version, long count);
int store_doc_ack_counts(struct store *s, const struct principal *who, const char *ref,
                         store_doc_count_fn fn, void *ctx, struct err *e);
/* 1 (with at, the time of the first) when person acknowledged version of
 * ref, 0 when not, -1 on error. */
int store_doc_acked(struct store *s, const struct principal *who, const char *ref, int version,
                    const char *person, char *at, size_t size, struct err *e);
/* The sign-offs of ref other than acknowledgements (reviews, sending back,
 * approvals), oldest first — without reading thousands of
 * acknowledgements. Strings valid during the call. */
struct doc_decision {
    int version;
    const char *kind, *person, *account_name, *capacity, *rationale, *at, *on_behalf_of;
};
typedef int (*store_doc_decision_fn)(void *ctx, const struct doc_decision *d);
int store_doc_decisions(struct store *s, const struct principal *who, const char *ref,
                        store_doc_decision_fn fn, void *ctx, struct err *e);
/* Documents approved, published or superseded before document control
 * had versions (files from before migration 0010): no version, nothing in
 * force. fn(ctx, ref). */
int store_doc_unversioned(struct store *s, const struct principal *who, store_str_fn fn,
                          void *ctx, struct err *e);
/* Every document version in review with what it still needs (a review;
 * once reviewed, an approval); the caller decides whose task it is. */
int store_doc_in_review(struct store *s, const struct principal *who, store_doc_task_fn fn,
                        void *ctx, struct err *e);


/* ---- accounts, sessions, tokens, security log (store_auth.c) ----------- */

struct account_row {
    long id;
    const char *name, *role, *person, *pwhash, *totp_secret, *created;
    int totp_required, disabled;
    /* accounts: end date (NULL none), privacy grant and its reason */
    const char *expires, *privacy_reason;
    int privacy_access;
    const char *totp_pending; /* accounts: a secret being enrolled (hex) */
};
typedef int (*store_account_fn)(void *ctx, const struct account_row *a);
int store_account_add(struct store *s, const char *name, const char *role, const char *person,
                      const char *pwhash, const char *now, long *id, struct err *e);
/* By name (id 0) or by id; ERR_NOTFOUND when absent. */
int store_account_get(struct store *s, const char *name, long id, store_account_fn fn, void *ctx,
                      struct err *e);
int store_accounts(struct store *s, store_account_fn fn, void *ctx, struct err *e);
/* Sets one column of an account: "role", "person", "pwhash", "totp_secret",
 * "totp_required", "disabled", "expires", "privacy_access",
 * "privacy_reason" (the name is checked against that list). */
int store_account_set(struct store *s, long id, const char *column, const char *value,
                      const char *now, struct err *e);
/* Records that the account used its second-factor code of time step step:
 * 1 when no code of this step or a later one was used before, 0 when one
 * was (a replay), -1 on error. Inside a write transaction. */
int store_account_totp_step(struct store *s, long id, long long step, struct err *e);

struct session_row {
    long account;
    const char *csrf;
    long long created, last_seen;
    int mfa_ok;
};
int store_session_add(struct store *s, const char *id_hash, long account, const char *csrf,
                      long long now, int mfa_ok, struct err *e);
/* 1 found (row filled, strings valid until the next store call), 0 not. */
typedef int (*store_session_fn)(void *ctx, const struct session_row *r);
int store_session_get(struct store *s, const char *id_hash, store_session_fn fn, void *ctx,
                      struct err *e);
int store_session_touch(struct store *s, const char *id_hash, long long now, int mfa_ok,
                        struct err *e);
int store_session_delete(struct store *s, const char *id_hash, struct err *e);
int store_session_delete_account(struct store *s, long account, struct err *e);

int store_token_add(struct store *s, long account, const char *name, const char *hash,
                    const char *now, long *id, struct err *e);
/* The account of an active token with this hash, or 0. */
long store_token_account(struct store *s, const char *hash, struct err *e);
int store_token_revoke(struct store *s, long id, struct err *e);
struct token_row {
    long id, account;
    const char *name, *created, *last_used;
    int revoked;
    const char *account_name; /* accounts: names, not numbers */
    const char *scope;        /* accounts: NULL when unscoped */
};
/* accounts: an active token by its hash (1 found, 0 not, -1 error) */
struct token_found {
    long id, account;
    char scope[256];
    char logged_on[12];
    char name[104];
};
int store_token_find(struct store *s, const char *hash, struct token_found *t, struct err *e);
/* accounts: the token's use was logged on day (also its last_used) */
int store_token_logged(struct store *s, long id, const char *day, struct err *e);
int store_token_set_scope(struct store *s, long id, const char *scope, struct err *e);
typedef int (*store_token_fn)(void *ctx, const struct token_row *t);
int store_tokens(struct store *s, store_token_fn fn, void *ctx, struct err *e);

int store_seclog_add(struct store *s, const char *at, const char *event, const char *account,
                     const char *actor, const char *address, const char *detail, struct err *e);
/* 1 when the security log holds a completed sign-in (a login that needed
 * no second factor, or a second factor accepted) of account from address
 * at or after since (ISO 8601 UTC); 0 when not; -1 on a storage error. */
/* The failed sign-ins of account (as the security log names it) at or
 * after since and after its last sign-in: how many, the last one's time. */
int store_seclog_failures(struct store *s, const char *account, const char *since, int *count,
                          char last[32], struct err *e);
/* 1 when several servers may share this ISMS (PostgreSQL). */
int store_shared(struct store *s);
int store_seclog_signed_in(struct store *s, const char *account, const char *address,
                           const char *since, struct err *e);
/* accounts: the security log, newest first: entries of account and event
 * (NULL: any) at or after since and before before_at (ISO 8601), with an
 * id below before_id (0: any), at most limit (0: all). */
struct seclog_query {
    const char *account, *event, *since, *before_at;
    long before_id;
    long limit;
};
struct seclog_row {
    long id;
    const char *at, *event, *account, *actor, *address, *detail;
};
typedef int (*store_seclog_fn)(void *ctx, const struct seclog_row *r);
int store_seclog_list(struct store *s, const struct seclog_query *q, store_seclog_fn fn,
                      void *ctx, struct err *e);
/* accounts: the account's recovery codes (keyed hashes) replaced by n new */
int store_recovery_replace(struct store *s, long account, const char *const *hashes, int n,
                           struct err *e);
/* accounts: uses the code with this hash: 1 used now, 2 used before, 0 none */
int store_recovery_use(struct store *s, long account, const char *hash, const char *now,
                       struct err *e);
long store_recovery_left(struct store *s, long account, struct err *e);
/* accounts: roles whose accounts must have a second factor; turning one on
 * ends the sessions of its accounts that have none */
int store_totp_role_set(struct store *s, const char *role, int on, struct err *e);
int store_totp_role_required(struct store *s, const char *role, struct err *e);
/* the roles, comma-separated, into out */
int store_totp_roles(struct store *s, char *out, size_t size, struct err *e);
/* accounts: the file's key called name, made from fresh when it has none
 * yet (inside a write transaction); into out. */
int store_app_key(struct store *s, const char *name, const char *fresh, char *out, size_t size,
                  struct err *e);

/* ---- evidence files: blobs and attachments (store_attach.c) ------------ */

#define STORE_CHUNK (64u * 1024) /* bytes per incremental blob read/write */

/* 1 (and *size) when content with this SHA-256 is stored, 0 when not. */
int store_blob_size(struct store *s, const char *sha256, int64_t *size, struct err *e);
/* Fills chunk (n bytes) with the content at offset off; -1 with e. */
typedef int (*store_chunk_fn)(void *ctx, void *chunk, size_t n, int64_t off, struct err *e);
/* Stores size bytes under sha256 (which the caller computed), asking fill
 * for them in STORE_CHUNK pieces and writing each with incremental blob
 * I/O: memory stays constant whatever the size. replace: the blob exists
 * (same hash and size) and its bytes are written again — the repair of
 * content changed behind the program's back. Inside a write transaction. */
int store_blob_put(struct store *s, const char *sha256, int64_t size, int replace,
                   store_chunk_fn fill, void *ctx, struct err *e);
/* A reader of stored content. own: on a connection and read snapshot of
 * its own (the server streams a download after the request's snapshot has
 * ended); else on s's connection. ERR_NOTFOUND when absent. Close with
 * store_blob_close. */
struct store_blob;
int store_blob_open(struct store *s, const char *sha256, int own, struct store_blob **out,
                    struct err *e);
int64_t store_blob_length(const struct store_blob *b);
int store_blob_read(struct store_blob *b, void *buf, size_t n, int64_t off, struct err *e);
void store_blob_close(struct store_blob *b);
typedef int (*store_blob_fn)(void *ctx, const char *sha256, int64_t size);
/* Every stored blob, by hash. */
int store_blobs(struct store *s, store_blob_fn fn, void *ctx, struct err *e);

struct attachment_row {
    const char *ref, *subject, *name, *media_type;
    int64_t size;
    const char *sha256, *valid_until, *added_at, *added_by, *removed_at, *removed_by;
};
typedef int (*store_attachment_fn)(void *ctx, const struct attachment_row *a);
/* Inserts an attachment (a->ref ignored); ref gets "ATT-NNNN" (refseq). */
int store_attachment_add(struct store *s, const struct attachment_row *a, char ref[24],
                         struct err *e);
/* The attachment ref (fn not called when there is none). */
int store_attachment_get(struct store *s, const struct principal *who, const char *ref,
                         store_attachment_fn fn, void *ctx, struct err *e);
/* Attachments of subject (every one when NULL), oldest first. */
int store_attachments(struct store *s, const struct principal *who, const char *subject,
                      int include_removed, store_attachment_fn fn, void *ctx, struct err *e);
int store_attachments_of_blob(struct store *s, const struct principal *who, const char *sha256,
                              store_attachment_fn fn, void *ctx, struct err *e);
/* Marks an active attachment removed; ERR_CONFLICT when it already was. */
int store_attachment_remove(struct store *s, const char *ref, const char *at, const char *by,
                            struct err *e);

/* metrics: the 5-whys chain of a nonconformity (table nc_why, 0016), in
 * order of position, of the nonconformities who sees (the row rule joins
 * the nonconformity, store_rule_column). */
struct why_row {
    int position;
    const char *text, *at, *by, *nc;
};
typedef int (*store_why_fn)(void *ctx, const struct why_row *w);
int store_whys(struct store *s, const struct principal *who, const char *nc, store_why_fn fn,
               void *ctx, struct err *e);
/* (nc NULL: every chain, by nonconformity then position.) */
/* Appends a step at the next position (*pos). */
int store_why_add(struct store *s, const char *nc, const char *text, const char *at,
                  const char *by, int *pos, struct err *e);
/* Replaces the text of step pos; *old (caller frees) its former text.
 * ERR_NOTFOUND when the chain has no such step. */
int store_why_set(struct store *s, const char *nc, int pos, const char *text, const char *at,
                  const char *by, char **old, struct err *e);

/* ---- ops: an incident's timeline and its notification duties done
 * (store_ops.c). Rows are append-only (triggers refuse changes). */
struct incident_entry_row {
    long id;
    const char *incident, *at, *kind, *text, *account_name, *person;
    long account;
};
typedef int (*store_incident_entry_fn)(void *ctx, const struct incident_entry_row *r);
int store_incident_entry_add(struct store *s, const struct incident_entry_row *r, long *id,
                             struct err *e);
/* Entries of incident (every incident's when NULL: the system principal
 * only), oldest first; nothing when who does not see the incident. */
int store_incident_entries(struct store *s, const struct principal *who, const char *incident, store_incident_entry_fn fn,
                           void *ctx, struct err *e);
struct incident_notice_row {
    const char *incident, *duty, *notified_at, *account_name, *person, *note;
    long account;
};
typedef int (*store_incident_notice_fn)(void *ctx, const struct incident_notice_row *r);
/* ERR_CONFLICT (naming when and by whom) when the duty was already marked. */
int store_incident_notice_add(struct store *s, const struct incident_notice_row *r,
                              struct err *e);
/* Notices of incident (every incident's when NULL: the system principal
 * only); nothing when who does not see the incident. */
int store_incident_notices(struct store *s, const struct principal *who, const char *incident, store_incident_notice_fn fn,
                           void *ctx, struct err *e);
/* ---- people: competence evidence (store_people.c) ----------------------- */

/* Each valid, active competence evidence who sees (of person, or every
 * such row when NULL): fn(ctx, ref, person, requirement, obtained_on,
 * expires_on or NULL, the requirement's validity in months or 0). The row
 * rules of who for evidence and requirements apply (staff: their own
 * evidence). fn returns non-zero to stop. */
typedef int (*store_evidence_fn)(void *ctx, const char *ref, const char *person,
                                 const char *requirement, const char *obtained_on,
                                 const char *expires_on, int validity_months);
int store_people_evidence(struct store *s, const struct principal *who, const char *person,
                          store_evidence_fn fn, void *ctx, struct err *e);

/* ---- outbound: whole-ISMS export and import (store_dump.c) -------------- */

/* A value of a row as SQLite holds it (kind: SQLITE_INTEGER, SQLITE_FLOAT,
 * SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL); p/n point into the statement. */
struct dump_val {
    int kind;
    int64_t i;
    double d;
    const void *p;
    size_t n;
};
typedef int (*store_dump_row_fn)(void *ctx, const struct dump_val *v, struct err *e);
typedef int (*store_dump_chunk_fn)(void *ctx, const void *data, size_t n, struct err *e);
/* Fills up to want bytes; the count, 0 at the end, -1 with e on error. */
typedef long (*store_load_chunk_fn)(void *ctx, void *data, size_t want, struct err *e);
/* Every table of the file by name (not SQLite's own); free with
 * store_dump_names_free. The whole file: not records for a reader, so no
 * principal — the export is the file owner's (the CLI without --as). */
int store_dump_tables(struct store *s, char ***names, int *n, struct err *e);
/* A table's columns in declaration order (ERR_INVALID naming it when there
 * is no such table); *npk (may be NULL) the number of key columns. */
int store_dump_columns(struct store *s, const char *table, char ***cols, int *n, int *npk,
                       struct err *e);
void store_dump_names_free(char **v, int n);
/* The rows of table (columns cols) in key order, one fn call each. */
int store_dump_rows(struct store *s, const char *table, char **cols, int n,
                    store_dump_row_fn fn, void *ctx, struct err *e);
/* The stored content of sha256 in chunks. */
int store_dump_blob(struct store *s, const char *sha256, store_dump_chunk_fn fn, void *ctx,
                    struct err *e);
/* Import into a new file: one write transaction with foreign keys checked
 * at its commit (store_commit / store_rollback end it). */
int store_load_begin(struct store *s, struct err *e);
int store_load_clear(struct store *s, const char *table, struct err *e);
/* After the last row, before the commit: new rows are numbered after the
 * imported ones (PostgreSQL's identity sequences). */
int store_load_end(struct store *s, struct err *e);
int store_load_row(struct store *s, const char *table, char **cols, int n,
                   const struct dump_val *v, struct err *e);
/* A blob row of size bytes read from fn in chunks. */
int store_load_blob(struct store *s, const char *sha256, int64_t size, store_load_chunk_fn fn,
                    void *ctx, struct err *e);

/* ---- outbound: settings, calendar feeds, reminders sent (store_outbound.c) */

/* 1 and out filled when key is set, 0 when not, -1 on error. */
int store_setting_get(struct store *s, const char *key, char *out, size_t size, struct err *e);
/* Sets key (value NULL: removes it). Inside a write transaction. */
int store_setting_set(struct store *s, const char *key, const char *value, struct err *e);
/* The account's feed secret (its SHA-256), replacing any earlier one. */
int store_calfeed_set(struct store *s, long account, const char *secret_sha256, const char *now,
                      struct err *e);
/* 1 when a feed was removed, 0 when there was none. */
int store_calfeed_delete(struct store *s, long account, struct err *e);
/* 1 and created filled when the account has a feed, else 0. */
int store_calfeed_get(struct store *s, long account, char *created, size_t size, struct err *e);
/* The enabled account whose feed secret hashes to secret_sha256, 0 none. */
long store_calfeed_find(struct store *s, const char *secret_sha256, struct err *e);
/* Whether person was sent task (source/subject/what) on day; and the mark. */
int store_mail_sent_has(struct store *s, const char *person, const char *task, const char *day,
                        struct err *e);
int store_mail_sent_add(struct store *s, const char *person, const char *task, const char *day,
                        const char *now, struct err *e);

/* Outgoing webhooks (0022_outbound: webhook, webhook_queue filled by a
 * trigger on history, webhook_log). Internal: the file owner's settings,
 * read as the system (no principal). */
struct webhook_row {
    long id;
    const char *url, *secret, *types, *created, *created_by;
    int pending, failed;
};
typedef int (*store_webhook_fn)(void *ctx, const struct webhook_row *w);
int store_webhook_add(struct store *s, const char *url, const char *secret, const char *types,
                      const char *now, const char *by, long *id, struct err *e);
/* 1 when removed (its queue with it), 0 when there was none. */
int store_webhook_remove(struct store *s, long id, struct err *e);
/* Every webhook (id 0) or one. */
int store_webhooks(struct store *s, long id, store_webhook_fn fn, void *ctx, struct err *e);
/* A queued delivery with the history entry it carries. */
struct delivery_row {
    long id, hook;
    long long seq;
    int attempts;
    char *url, *secret, *at, *actor, *type, *ref, *action, *before, *after;
};
typedef int (*store_delivery_fn)(void *ctx, const struct delivery_row *d);
/* The pending deliveries due at now (unix seconds), at most limit, oldest
 * first; fn may write (store_webhook_result). */
int store_webhook_due(struct store *s, long long now, int limit, store_delivery_fn fn, void *ctx,
                      struct err *e);
/* Logs an attempt and moves its delivery to state with its next attempt. */
int store_webhook_result(struct store *s, long delivery, long hook, const char *url,
                         const char *at, int attempt, int status, const char *result, long ms,
                         const char *state, long long next_at, struct err *e);
struct wlog_row {
    long id, delivery, hook;
    const char *url, *at, *result, *state, *type, *ref, *action;
    int attempt, status;
    long ms;
    long long next_at;
};
typedef int (*store_wlog_fn)(void *ctx, const struct wlog_row *l);
/* The latest limit attempts, newest first. */
int store_webhook_log(struct store *s, int limit, store_wlog_fn fn, void *ctx, struct err *e);
/* 1 when a delivery is pending. */
int store_webhook_any(struct store *s, struct err *e);

#endif
