/* import.c — see import.h. The reader runs confined (lib/confine.h); this
 * file is its protocol, the mapping of columns to fields, references by
 * name, and the one transaction through app_add_tx / app_edit_tx. */
#include "import.h"

#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "../embed.h"
#include "../lib/buf.h"
#include "../lib/confine.h"
#include "../lib/csv.h"
#include "../lib/json.h"
#include "../lib/strmap.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../lib/xlsx_read.h"
#include "app_int.h"

/* ---- the confined reader and its frames -------------------------------------
 * 'R' a row: line (u32), n (u32), then n times length (u32) + bytes
 * 'E' the reader's error message (text)
 * 'D' done
 * Every number little endian. The parent checks every length. */

#define FRAME_MAX ((size_t)16 << 20)
#define TABLE_MAX_BYTES ((size_t)512 << 20)

static void put32(struct buf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    buf_append(b, c, 4);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void import_frame_encode(struct buf *b, long line, int n, char **cells)
{
    put32(b, (uint32_t)line);
    put32(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(cells[i]);
        put32(b, (uint32_t)len);
        buf_append(b, cells[i], len);
    }
}

struct child {
    int out;
    int xlsx;
    unsigned long salt;
    long rows;
    struct err err;
    struct buf frame;
};

static int send_row(struct child *c, long line, int n, char **cells)
{
    if (++c->rows > IMPORT_MAX_ROWS) {
        return err_set(&c->err, ERR_TOOBIG, NULL, "more than %d rows: split the file",
                       IMPORT_MAX_ROWS);
    }
    if (n > IMPORT_MAX_COLS) {
        return err_set(&c->err, ERR_INVALID, NULL, "row %ld: more than %d columns", line,
                       IMPORT_MAX_COLS);
    }
    buf_reset(&c->frame);
    import_frame_encode(&c->frame, line, n, cells);
    if (c->frame.over) {
        return err_set(&c->err, ERR_TOOBIG, NULL, "row %ld: more than %zu bytes", line,
                       FRAME_MAX - 64);
    }
    if (confine_send(c->out, 'R', c->frame.p, c->frame.len)) {
        return err_set(&c->err, ERR_INTERNAL, NULL, "the parent went away");
    }
    return 0;
}

static int csv_row(void *ctx, int row, int nf, char **f)
{
    return send_row(ctx, row, nf, f) ? -1 : 0;
}

static int xlsx_row(void *ctx, long row, int n, char **cells)
{
    return send_row(ctx, row, n, cells) ? -1 : 0;
}

/* runs in the confined child */
static int child_parse(void *ctx, const char *data, size_t n, int out)
{
    struct child *c = ctx;
    c->out = out;
    buf_init(&c->frame, FRAME_MAX - 64);
    err_clear(&c->err);
    int rc = c->xlsx ? xlsx_parse(data, n, c->salt, xlsx_row, c, &c->err)
                     : csv_parse(data, n, csv_row, c, &c->err);
    if (rc) {
        const char *m = c->err.msg[0] ? c->err.msg : "the file could not be read";
        if (confine_send(out, 'E', m, strlen(m))) {
            return 2;
        }
    } else if (confine_send(out, 'D', "", 0)) {
        return 2;
    }
    buf_free(&c->frame);
    return 0;
}

void import_table_free(struct import_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (int k = 0; k < t->rows[i].n; k++) {
            free(t->rows[i].cells[k]);
        }
        free(t->rows[i].cells);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}

int import_frame_row(const char *p, size_t len, struct import_row *r)
{
    const unsigned char *u = (const unsigned char *)p;
    memset(r, 0, sizeof *r);
    if (len < 8) {
        return -1;
    }
    uint32_t line = get32(u), n = get32(u + 4);
    if (n > IMPORT_MAX_COLS || line == 0 || line > 100000000u) {
        return -1;
    }
    size_t at = 8;
    r->line = (long)line;
    r->cells = xcalloc(n ? n : 1, sizeof *r->cells);
    for (uint32_t i = 0; i < n; i++) {
        if (len - at < 4) {
            goto bad;
        }
        uint32_t k = get32(u + at);
        at += 4;
        if (k > len - at || memchr(p + at, '\0', k)) {
            goto bad;
        }
        r->cells[i] = xmalloc((size_t)k + 1);
        memcpy(r->cells[i], p + at, k);
        r->cells[i][k] = '\0';
        r->n = (int)i + 1;
        at += k;
    }
    if (at != len) {
        goto bad;
    }
    return 0;
bad:
    for (int i = 0; i < r->n; i++) {
        free(r->cells[i]);
    }
    free(r->cells);
    memset(r, 0, sizeof *r);
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp_(s + n - k, suffix) == 0;
}

int import_read(int fd, int64_t off, int64_t len, const char *name, import_progress_fn progress,
                void *pctx, struct import_table *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct child c;
    memset(&c, 0, sizeof c);
    unsigned char head[4] = {0};
    if (len >= 4 && pread(fd, head, 4, (off_t)off) != 4) {
        return err_set(e, ERR_INVALID, NULL, "the file cannot be read: %s", strerror(errno));
    }
    c.xlsx = (name && ends_with(name, ".xlsx")) || memcmp(head, "PK\3\4", 4) == 0;
    if (name && ends_with(name, ".xls")) {
        return err_set(e, ERR_MEDIA, NULL,
                       "%s: the old binary Excel format (.xls) is not read; save it as .xlsx or "
                       ".csv",
                       name);
    }
    if (getrandom(&c.salt, sizeof c.salt, 0) != (ssize_t)sizeof c.salt || !c.salt) {
        c.salt = (unsigned long)getpid() * 2654435761ul + 1;
    }
    struct confine_limits lim = {.cpu_seconds = 30,
                                 .address_space = (size_t)384 << 20,
                                 .max_input = IMPORT_MAX_INPUT};
    if ((size_t)len > IMPORT_MAX_INPUT) {
        return err_set(e, ERR_TOOBIG, NULL, "the file has %lld bytes; at most %zu MiB are read",
                       (long long)len, IMPORT_MAX_INPUT >> 20);
    }
    struct confined cf;
    if (confine_start(&lim, fd, off, len, child_parse, &c,
                      c.xlsx ? "the XLSX reader" : "the CSV reader", &cf, e)) {
        return -1;
    }
    int rc = -1, done = 0, bad = 0;
    size_t bytes = 0;
    for (;;) {
        unsigned char kind;
        char *data;
        size_t n;
        int r = confine_recv(&cf, &kind, &data, &n, FRAME_MAX, e);
        if (r < 0) {
            bad = 1;
            break;
        }
        if (r == 0) {
            if (!done) {
                bad = 1;
                err_set(e, ERR_INVALID, NULL, "%s stopped before the end of the file", cf.what);
            }
            break;
        }
        if (done) {
            free(data);
            bad = 1;
            err_set(e, ERR_INVALID, NULL, "%s answered after its end", cf.what);
            break;
        }
        if (kind == 'E') {
            utf8_sanitize(data);
            bad = 1;
            err_set(e, ERR_INVALID, NULL, "%s%s", data,
                    strstr(data, "field too long") ? " (at most 1 MiB in a field)" : "");
            free(data);
            break;
        }
        if (kind == 'D') {
            free(data);
            done = 1;
            continue;
        }
        struct import_row row;
        if (kind != 'R' || import_frame_row(data, n, &row) ||
            (out->n && row.line <= out->rows[out->n - 1].line) || out->n >= IMPORT_MAX_ROWS + 1 ||
            (bytes += n) > TABLE_MAX_BYTES) {
            free(data);
            bad = 1;
            err_set(e, ERR_INVALID, NULL, "%s answered something that is not a row", cf.what);
            break;
        }
        free(data);
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 1024;
            out->rows = xrealloc(out->rows, out->cap * sizeof *out->rows);
        }
        out->rows[out->n++] = row;
        if (progress && out->n % 5000 == 0) {
            progress(pctx, "read", out->n, 0);
        }
    }
    if (done && !bad) {
        rc = 0;
    }
    if (confine_finish(&cf, rc != 0, rc ? NULL : e)) {
        rc = -1;
    }
    if (rc == 0 && out->n == 0) {
        rc = err_set(e, ERR_INVALID, NULL, "the file is empty: the first row names the columns");
    }
    if (rc) {
        import_table_free(out);
    }
    return rc;
}

int import_read_mem(const char *data, size_t n, const char *name, struct import_table *out,
                    struct err *e)
{
    int fd = memfd_create("isms-import", MFD_CLOEXEC);
    if (fd < 0) {
        return err_set(e, ERR_INTERNAL, NULL, "memfd_create: %s", strerror(errno));
    }
    size_t at = 0;
    while (at < n) {
        ssize_t w = write(fd, data + at, n - at);
        if (w <= 0) {
            close(fd);
            return err_set(e, ERR_INTERNAL, NULL, "memory file: %s", strerror(errno));
        }
        at += (size_t)w;
    }
    int rc = import_read(fd, 0, (int64_t)n, name, NULL, NULL, out, e);
    close(fd);
    return rc;
}

/* ---- mapping ------------------------------------------------------------------ */

/* "Next Review" == "next_review" == "next-review": letters and digits only,
 * ASCII lower-cased */
static void squash(const char *s, char *out, size_t max)
{
    size_t k = 0;
    for (; *s && k + 1 < max; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == ' ' || ch == '_' || ch == '-' || ch == '\t' || ch == '.') {
            continue;
        }
        out[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    out[k] = '\0';
}

/* "AB" -> 27; -1 when s is not column letters */
static int letters(const char *s)
{
    int c = 0, n = 0;
    for (; *s; s++, n++) {
        char ch = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
        if (ch < 'A' || ch > 'Z' || c > 1000) {
            return -1;
        }
        c = c * 26 + (ch - 'A' + 1);
    }
    return n && n <= 3 ? c - 1 : -1;
}

static void problem(struct import_result *res, long row, const char *column, const char *value,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(struct import_result *res, long row, const char *column, const char *value,
                    const char *fmt, ...)
{
    if (res->n == res->cap) {
        res->cap = res->cap ? res->cap * 2 : 64;
        res->v = xrealloc(res->v, res->cap * sizeof *res->v);
    }
    struct import_problem *p = &res->v[res->n++];
    p->row = row;
    p->column = xstrdup(column ? column : "");
    char cut[204];
    strlcpy_(cut, value ? value : "", 201);
    if (value && strlen(value) > 200) {
        strcat(cut, "…");
    }
    utf8_sanitize(cut);
    utf8_sanitize(p->column);
    p->value = xstrdup(cut);
    struct buf b;
    buf_init(&b, 4096);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->message = buf_take(&b);
    utf8_sanitize(p->message);
}

void import_result_free(struct import_result *r)
{
    for (int i = 0; i < r->ncols; i++) {
        free(r->header[i]);
        free(r->how[i]);
    }
    free(r->header);
    free(r->how);
    free(r->field);
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].column);
        free(r->v[i].value);
        free(r->v[i].message);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

#define COL_ID -2
#define COL_OUT -1

int app_import_map(const struct rtype *t, const struct import_table *tab,
                   const struct import_opts *o, struct import_result *res, struct err *e)
{
    memset(res, 0, sizeof *res);
    if (!tab->n) {
        return err_set(e, ERR_INVALID, NULL, "the file is empty: the first row names the columns");
    }
    const struct import_row *h = &tab->rows[0];
    long hl = h->line;
    res->ncols = h->n;
    res->header = xcalloc((size_t)h->n + 1, sizeof *res->header);
    res->how = xcalloc((size_t)h->n + 1, sizeof *res->how);
    res->field = xcalloc((size_t)h->n + 1, sizeof *res->field);
    unsigned char *given = xcalloc((size_t)h->n + 1, 1);
    for (int c = 0; c < h->n; c++) {
        char name[16];
        res->header[c] = xstrdup(h->cells[c]);
        utf8_sanitize(res->header[c]);
        if (!*res->header[c]) {
            /* a column without a header: named by its letter */
            int k = c;
            char tmp[8];
            int m = 0;
            do {
                tmp[m++] = (char)('A' + k % 26);
                k = k / 26 - 1;
            } while (k >= 0 && m < 7);
            for (int i = 0; i < m; i++) {
                name[i] = tmp[m - 1 - i];
            }
            name[m] = '\0';
            free(res->header[c]);
            res->header[c] = xstrdup(name);
        }
        res->field[c] = COL_OUT;
    }
    /* by hand first */
    for (int k = 0; k < o->nmap; k++) {
        const char *col = o->map[k].column, *fld = o->map[k].field ? o->map[k].field : "";
        char want[256], got[256];
        squash(col, want, sizeof want);
        int at = -1;
        for (int c = 0; c < h->n && at < 0; c++) {
            squash(h->cells[c], got, sizeof got);
            if (*want && strcmp(want, got) == 0) {
                at = c;
            }
        }
        if (at < 0 && col[0] == '#') {
            /* "#3": the third column (the page's selects) */
            char *end;
            long pos = strtol(col + 1, &end, 10);
            at = !*end && pos >= 1 && pos <= h->n ? (int)pos - 1 : -1;
        } else if (at < 0 && (at = letters(col)) >= h->n) {
            at = -1;
        }
        if (at < 0) {
            problem(res, 0, col, "", "--map: the file has no column '%.80s'", col);
            continue;
        }
        given[at] = 1;
        free(res->how[at]);
        if (!*fld || strcmp(fld, "-") == 0) {
            res->field[at] = COL_OUT;
            res->how[at] = xstrdup("left out (--map)");
            continue;
        }
        if (strcmp(fld, "id") == 0) {
            res->field[at] = COL_ID;
            res->how[at] = xstrdup("identifier (--map)");
            continue;
        }
        int idx;
        const struct field *f = rtype_field(t, fld, &idx);
        if (!f) {
            res->how[at] = xstrdup("unknown field");
            problem(res, 0, res->header[at], "", "--map: %s has no field '%.60s' (see `isms %s fields`)",
                    t->name, fld, t->name);
            continue;
        }
        res->field[at] = idx;
        res->how[at] = xstrdup("--map");
    }
    /* then by header: a field's name, else its label */
    for (int c = 0; c < h->n; c++) {
        if (given[c]) {
            continue;
        }
        char got[256], nm[256];
        squash(h->cells[c], got, sizeof got);
        if (strcmp(got, "id") == 0 || strcmp(got, "identifier") == 0) {
            res->field[c] = COL_ID;
            res->how[c] = xstrdup("identifier");
            continue;
        }
        for (int pass = 0; pass < 2 && res->field[c] == COL_OUT; pass++) {
            for (int i = 0; i < t->nfields; i++) {
                squash(pass ? t->fields[i].label : t->fields[i].name, nm, sizeof nm);
                if (*got && strcmp(got, nm) == 0) {
                    res->field[c] = i;
                    res->how[c] = xstrdup(pass ? "label" : "header");
                    break;
                }
            }
        }
        if (res->field[c] == COL_OUT) {
            if (!*got) {
                /* a column with no header is left out when it is empty in
                 * every row; else it is a problem */
                int any = 0;
                for (size_t r = 1; r < tab->n && !any; r++) {
                    any = c < tab->rows[r].n && *tab->rows[r].cells[c];
                }
                if (!any) {
                    res->how[c] = xstrdup("left out (empty)");
                    continue;
                }
            }
            res->how[c] = xstrdup("no such field");
            problem(res, hl, res->header[c], "",
                    "no %s field is called so; map it (--map '%.60s=FIELD') or leave it out "
                    "(--map '%.60s=-'); see `isms %s fields`",
                    t->name, res->header[c], res->header[c], t->name);
        }
    }
    /* what the columns mean together */
    int *seen = xcalloc((size_t)t->nfields, sizeof *seen);
    int idcol = 0;
    for (int c = 0; c < h->n; c++) {
        int i = res->field[c];
        if (i == COL_ID) {
            if (idcol++) {
                problem(res, hl, res->header[c], "", "a second identifier column");
            } else if (!o->update_by || strcmp(o->update_by, "id") != 0) {
                problem(res, hl, res->header[c], "",
                        "identifiers are given by the program: update the records they name "
                        "with --update-by id, or leave the column out (--map '%.60s=-')",
                        res->header[c]);
            }
            continue;
        }
        if (i < 0) {
            continue;
        }
        const struct field *f = &t->fields[i];
        if (seen[i]++) {
            problem(res, hl, res->header[c], "", "a second column for the field %s", f->name);
        }
        if (f->flags & FL_SYSTEM) {
            /* created/updated/score of an export: the program sets them */
            res->field[c] = COL_OUT;
            free(res->how[c]);
            res->how[c] = xstrdup("left out (set by the program)");
        }
    }
    if (o->update_by) {
        int ui = -1;
        if (strcmp(o->update_by, "id") == 0) {
            if (!idcol) {
                problem(res, 0, "", "", "--update-by id: the file has no identifier column");
            }
        } else if (!rtype_field(t, o->update_by, &ui)) {
            problem(res, 0, "", "", "--update-by: %s has no field '%.60s'", t->name,
                    o->update_by);
        } else if (t->fields[ui].type == F_REFS || t->fields[ui].type == F_LONGTEXT ||
                   (t->fields[ui].flags & FL_SYSTEM)) {
            problem(res, 0, "", "", "--update-by %s: records cannot be found by that field",
                    t->fields[ui].name);
        } else if (!seen[ui]) {
            problem(res, 0, "", "", "--update-by %s: the file has no column for it",
                    t->fields[ui].name);
        }
    } else {
        for (int i = 0; i < t->nfields; i++) {
            const struct field *f = &t->fields[i];
            if ((f->flags & FL_REQUIRED) && !(f->flags & FL_SYSTEM) && !f->def &&
                strcmp(f->name, FIELD_STATUS) != 0 && !seen[i]) {
                problem(res, hl, "", "", "no column for %s, which every %s needs (%s)", f->name,
                        t->name, f->label);
            }
        }
    }
    for (int c = 0; c < h->n; c++) {
        if (!res->how[c]) {
            res->how[c] = xstrdup("left out");
        }
    }
    free(seen);
    free(given);
    return res->n ? -1 : 0;
}

/* ---- references by name ------------------------------------------------------- */

struct names {
    const struct rtype *t;
    struct strmap m; /* squashed lower-case title -> "REF,REF" */
};

struct refidx {
    struct names v[8];
    int n;
};

static void lower(const char *s, char *out, size_t max)
{
    size_t k = 0;
    while (*s == ' ') {
        s++;
    }
    for (; *s && k + 1 < max; s++) {
        out[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    }
    while (k && out[k - 1] == ' ') {
        k--;
    }
    out[k] = '\0';
}

static void names_add(struct names *nm, const char *ref, const char *title)
{
    if (!title) {
        return;
    }
    char key[512];
    lower(title, key, sizeof key);
    const char *old = NULL;
    if (strmap_get(&nm->m, key, &old) && old) {
        struct buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%s,%s", old, ref);
        strmap_put(&nm->m, key, buf_str(&b));
        buf_free(&b);
    } else {
        strmap_put(&nm->m, key, ref);
    }
}

static int title_cb(void *ctx, const char *ref, const char *title)
{
    names_add(ctx, ref, title);
    return 0;
}

static struct names *names_of(struct app *a, struct refidx *ix, const struct rtype *t,
                              struct err *e)
{
    for (int i = 0; i < ix->n; i++) {
        if (ix->v[i].t == t) {
            return &ix->v[i];
        }
    }
    if (ix->n == (int)(sizeof ix->v / sizeof ix->v[0])) {
        err_set(e, ERR_INTERNAL, NULL, "too many referenced types");
        return NULL;
    }
    struct names *nm = &ix->v[ix->n++];
    memset(nm, 0, sizeof *nm);
    nm->t = t;
    struct query q;
    memset(&q, 0, sizeof q);
    /* as the importer sees them: a name it may not read resolves to nothing */
    if (store_titles(a->st, &a->who, t, &q, title_cb, nm, e)) {
        return NULL;
    }
    return nm;
}

static void refidx_free(struct refidx *ix)
{
    for (int i = 0; i < ix->n; i++) {
        strmap_free(&ix->v[i].m);
    }
}

/* The value of a reference cell with names turned into identifiers, or
 * NULL after a problem. Identifiers of the right type pass as given. */
static char *resolve(struct app *a, struct refidx *ix, const struct field *f, const char *v,
                     struct import_result *res, long row, const char *col, struct err *e,
                     int *fatal)
{
    const struct rtype *want = rtype_find(f->ref);
    char sep = f->type == F_REFS ? (strchr(v, ';') ? ';' : ',') : '\0';
    struct buf out;
    buf_init(&out, 0);
    const char *p = v;
    int bad = 0;
    while (*p) {
        const char *end = sep ? strchr(p, sep) : NULL;
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char tok[512];
        if (len >= sizeof tok) {
            len = sizeof tok - 1;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        char key[512];
        lower(tok, key, sizeof key);
        p = end ? end + 1 : p + strlen(p);
        if (!*key) {
            continue;
        }
        /* trimmed, case as given */
        char *s = tok;
        while (*s == ' ') {
            s++;
        }
        size_t sl = strlen(s);
        while (sl && s[sl - 1] == ' ') {
            s[--sl] = '\0';
        }
        const char *ref = NULL;
        if (rtype_of_ref(s) == want) {
            ref = s;
        } else {
            struct names *nm = names_of(a, ix, want, e);
            if (!nm) {
                *fatal = 1;
                buf_free(&out);
                return NULL;
            }
            const char *refs = NULL;
            if (!strmap_get(&nm->m, key, &refs) || !refs) {
                problem(res, row, col, v, "%s: no %s named '%.80s' (give its name or identifier)",
                        f->name, want->name, s);
                bad = 1;
                continue;
            }
            if (strchr(refs, ',')) {
                int count = 1;
                for (const char *q = refs; *q; q++) {
                    count += *q == ',';
                }
                struct buf cand;
                buf_init(&cand, 0);
                for (const char *q = refs; *q; q++) {
                    if (*q == ',') {
                        buf_puts(&cand, ", ");
                    } else {
                        buf_putc(&cand, *q);
                    }
                }
                problem(res, row, col, v,
                        "%s: '%.80s' is ambiguous: %d %s are named so (%.200s); give the "
                        "identifier",
                        f->name, s, count, want->plural, buf_str(&cand));
                buf_free(&cand);
                bad = 1;
                continue;
            }
            ref = refs;
        }
        if (out.len) {
            buf_putc(&out, ',');
        }
        buf_puts(&out, ref);
    }
    if (bad) {
        buf_free(&out);
        return NULL;
    }
    return buf_take(&out);
}

/* enumerations and sets: a value matching a declared one but for case
 * becomes the declared one */
static char *fold_enum(const struct field *f, const char *v)
{
    struct buf b;
    buf_init(&b, 0);
    const char *p = v;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ') {
            p++;
            len--;
        }
        size_t l2 = len;
        while (l2 && p[l2 - 1] == ' ') {
            l2--;
        }
        const char *hit = NULL;
        for (int i = 0; f->values[i]; i++) {
            if (strlen(f->values[i]) == l2 && strncasecmp(f->values[i], p, l2) == 0) {
                hit = f->values[i];
            }
        }
        if (b.len) {
            buf_putc(&b, ',');
        }
        if (hit) {
            buf_puts(&b, hit);
        } else {
            buf_append(&b, p, l2);
        }
        if (!end) {
            break;
        }
        p = end + 1;
    }
    return buf_take(&b);
}

/* ---- finding the record to update ---------------------------------------------- */

struct byval {
    int idx;
    struct strmap m; /* canonical value -> "REF,REF" */
};

static int byval_cb(void *ctx, struct record *r)
{
    struct byval *bv = ctx;
    const char *v = r->v[bv->idx];
    if (v) {
        const char *old = NULL;
        if (strmap_get(&bv->m, v, &old) && old) {
            struct buf b;
            buf_init(&b, 0);
            buf_printf(&b, "%s,%s", old, r->ref);
            strmap_put(&bv->m, v, buf_str(&b));
            buf_free(&b);
        } else {
            strmap_put(&bv->m, v, r->ref);
        }
    }
    record_free(r);
    return 0;
}

/* ---- the import ------------------------------------------------------------------ */

static int row_empty(const struct import_row *r)
{
    for (int c = 0; c < r->n; c++) {
        if (*r->cells[c]) {
            return 0;
        }
    }
    return 1;
}

int app_import_tx(struct app *a, const struct rtype *t, const struct import_table *tab,
                  const struct import_opts *o, struct import_result *res, struct err *e)
{
    struct err me;
    err_clear(&me);
    app_import_map(t, tab, o, res, &me);
    int ncols = res->ncols;
    struct refidx ix = {.n = 0};
    struct byval bv = {.idx = -1};
    struct kv *kv = xcalloc((size_t)ncols + 1, sizeof *kv);
    char **owned = xcalloc((size_t)ncols + 1, sizeof *owned);
    int *kvcol = xcalloc((size_t)ncols + 1, sizeof *kvcol);
    int idcol = -1, bycol = -1, rc = -1, fatal = 0;
    const struct field *byf = NULL;
    for (int c = 0; c < ncols; c++) {
        if (res->field[c] == COL_ID) {
            idcol = c;
        }
    }
    if (o->update_by && strcmp(o->update_by, "id") != 0 &&
        (byf = rtype_field(t, o->update_by, &bv.idx)) != NULL) {
        for (int c = 0; c < ncols; c++) {
            if (res->field[c] == bv.idx) {
                bycol = c;
            }
        }
        const char *cols[] = {byf->name, NULL};
        struct query q;
        memset(&q, 0, sizeof q);
        q.columns = cols;
        if (store_list(a->st, &a->who, t, &q, byval_cb, &bv, e)) {
            goto done;
        }
    }
    int title_idx = -1;
    rtype_field(t, t->title_field, &title_idx);
    size_t total = tab->n ? tab->n - 1 : 0;
    long last_bad = -1;
    for (size_t r = 1; r < tab->n; r++) {
        const struct import_row *row = &tab->rows[r];
        if (o->progress && r % 2000 == 0) {
            o->progress(o->pctx, "write", r, total);
        }
        if (row_empty(row)) {
            continue;
        }
        res->rows++;
        size_t before = res->n;
        int n = 0;
        for (int c = 0; c < row->n; c++) {
            const char *v = row->cells[c];
            if (!*v) {
                continue;
            }
            if (c >= ncols) {
                problem(res, row->line, "", v, "a value in a column that has no header");
                continue;
            }
            int i = res->field[c];
            if (i < 0) {
                continue;
            }
            const struct field *f = &t->fields[i];
            char *val = NULL;
            if (f->type == F_REF || f->type == F_REFS) {
                val = resolve(a, &ix, f, v, res, row->line, res->header[c], e, &fatal);
                if (fatal) {
                    goto done;
                }
                if (!val) {
                    continue;
                }
            } else if (f->type == F_ENUM || f->type == F_SET) {
                val = fold_enum(f, v);
            } else {
                val = xstrdup(v);
            }
            /* each cell checked on its own: every bad cell of the row is reported */
            char *norm = NULL;
            struct err ce;
            err_clear(&ce);
            if (field_normalize(f, val, &norm, &ce)) {
                problem(res, row->line, res->header[c], v, "%s", ce.msg);
                free(val);
                continue;
            }
            free(norm);
            owned[n] = val;
            kv[n].name = f->name;
            kv[n].value = val;
            kvcol[n] = c;
            n++;
        }
        /* which record (--update-by) */
        const char *target = NULL;
        char *target_owned = NULL;
        if (o->update_by) {
            const char *key = NULL;
            int kc = strcmp(o->update_by, "id") == 0 ? idcol : bycol;
            if (kc >= 0 && kc < row->n && *row->cells[kc]) {
                key = row->cells[kc];
            }
            if (!key) {
                problem(res, row->line, kc >= 0 ? res->header[kc] : "", "",
                        "--update-by %s: no value to find the record by", o->update_by);
            } else if (kc == idcol) {
                target = key;
            } else if (byf) {
                char *canon = NULL;
                const char *refs = NULL;
                struct err ce;
                if (byf->type == F_REF) {
                    /* the cell was resolved to an identifier above */
                    for (int k = 0; k < n; k++) {
                        if (kvcol[k] == kc) {
                            canon = xstrdup(kv[k].value);
                        }
                    }
                } else if (field_normalize(byf, key, &canon, &ce)) {
                    canon = NULL;
                }
                if (canon && (!strmap_get(&bv.m, canon, &refs) || !refs)) {
                    problem(res, row->line, res->header[kc], key, "no %s has %s '%.80s'", t->name,
                            byf->name, key);
                } else if (canon && strchr(refs, ',')) {
                    problem(res, row->line, res->header[kc], key,
                            "%s '%.80s' is not unique: %.200s have it; update by a field that is",
                            byf->name, key, refs);
                } else if (canon) {
                    target_owned = xstrdup(refs);
                    target = target_owned;
                }
                free(canon);
            }
        }
        if (res->n == before && (!o->update_by || target)) {
            struct err re;
            err_clear(&re);
            int changed = 0, frc;
            char *ref = NULL;
            if (o->update_by) {
                frc = app_edit_tx(a, t, target, kv, n, 0, &changed, &re);
            } else {
                frc = app_add_tx(a, t, kv, n, NULL, 0, &ref, &re);
            }
            if (frc && (re.code == ERR_STORAGE || re.code == ERR_INTERNAL ||
                        re.code == ERR_READONLY)) {
                *e = re;
                free(target_owned);
                for (int k = 0; k < n; k++) {
                    free(owned[k]);
                }
                goto done;
            }
            if (frc) {
                /* the column of the field the error names, with its value */
                const char *col = "", *val = "";
                for (int k = 0; k < n; k++) {
                    if (re.field[0] && strcmp(kv[k].name, re.field) == 0) {
                        col = res->header[kvcol[k]];
                        val = row->cells[kvcol[k]];
                    }
                }
                if (!*col && re.code == ERR_NOTFOUND && idcol >= 0) {
                    col = res->header[idcol];
                    val = target;
                }
                problem(res, row->line, col, val, "%s", re.msg);
            } else if (o->update_by) {
                if (changed) {
                    res->updated++;
                } else {
                    res->unchanged++;
                }
            } else {
                res->created++;
                /* later rows may name this one */
                if (title_idx >= 0) {
                    for (int i2 = 0; i2 < ix.n; i2++) {
                        if (ix.v[i2].t == t) {
                            for (int k = 0; k < n; k++) {
                                if (strcmp(kv[k].name, t->title_field) == 0) {
                                    names_add(&ix.v[i2], ref, kv[k].value);
                                }
                            }
                        }
                    }
                }
            }
            free(ref);
        }
        free(target_owned);
        for (int k = 0; k < n; k++) {
            free(owned[k]);
            owned[k] = NULL;
        }
        if (res->n > before && last_bad != row->line) {
            last_bad = row->line;
            res->rows_with_problems++;
        }
    }
    if (o->progress) {
        o->progress(o->pctx, "write", total, total);
    }
    if (res->n) {
        rc = err_set(e, ERR_INVALID, NULL, "%zu problem%s in %d row%s; nothing was written", res->n,
                     res->n == 1 ? "" : "s", res->rows_with_problems,
                     res->rows_with_problems == 1 ? "" : "s");
        if (res->rows_with_problems == 0) {
            snprintf(e->msg, sizeof e->msg, "%zu problem%s with the columns; nothing was written",
                     res->n, res->n == 1 ? "" : "s");
        }
        goto done;
    }
    rc = 0;
done:
    refidx_free(&ix);
    strmap_free(&bv.m);
    free(kv);
    free(owned);
    free(kvcol);
    return rc;
}

int app_import(struct app *a, const struct rtype *t, const struct import_table *tab,
               const struct import_opts *o, struct import_result *res, struct err *e)
{
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (app_import_tx(a, t, tab, o, res, e)) {
        store_rollback(a->st);
        return -1;
    }
    if (o->dry_run) {
        store_rollback(a->st);
        return 0;
    }
    return store_commit(a->st, e);
}

/* ---- the default catalogue --------------------------------------------------------- */

static int install_one(struct app *a, const char *type, const char *data, size_t n,
                       const char *name, struct err *e)
{
    struct import_table tab;
    if (import_read_mem(data, n, name, &tab, e)) {
        return -1;
    }
    struct import_opts o;
    memset(&o, 0, sizeof o);
    struct import_result res;
    int rc = app_import_tx(a, rtype_find(type), &tab, &o, &res, e);
    if (rc && res.n) {
        err_set(e, ERR_INTERNAL, NULL, "%s row %ld (%s): %s", name, res.v[0].row, res.v[0].column,
                res.v[0].message);
    }
    import_result_free(&res);
    import_table_free(&tab);
    return rc;
}

int app_install_threats(struct app *a, struct err *e)
{
    return install_one(a, "threat", cat_threats, EMBED_LEN(cat_threats), "threats.csv", e) ||
                   install_one(a, "vulnerability", cat_vulnerabilities,
                               EMBED_LEN(cat_vulnerabilities), "threats-vulnerabilities.csv", e)
               ? -1
               : 0;
}

/* ---- the result as JSON (the CLI's --json, the page's preview has the same fields) ---- */

void import_result_json(const struct rtype *t, const struct import_result *r, int ok, int dry_run,
                        struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_obj(&w);
    jw_key(&w, "type");
    jw_str(&w, t->name);
    jw_key(&w, "ok");
    jw_bool(&w, ok);
    jw_key(&w, "dry_run");
    jw_bool(&w, dry_run);
    jw_key(&w, "rows");
    jw_int(&w, (int64_t)r->rows);
    jw_key(&w, "created");
    jw_int(&w, (int64_t)r->created);
    jw_key(&w, "updated");
    jw_int(&w, (int64_t)r->updated);
    jw_key(&w, "unchanged");
    jw_int(&w, (int64_t)r->unchanged);
    jw_key(&w, "columns");
    jw_arr(&w);
    for (int c = 0; c < r->ncols; c++) {
        jw_obj(&w);
        jw_key(&w, "header");
        jw_str(&w, r->header[c]);
        jw_key(&w, "field");
        jw_str(&w, r->field[c] >= 0 ? t->fields[r->field[c]].name
                   : r->field[c] == COL_ID ? "id"
                                            : NULL);
        jw_key(&w, "how");
        jw_str(&w, r->how[c]);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "problems");
    jw_arr(&w);
    for (size_t i = 0; i < r->n; i++) {
        jw_obj(&w);
        jw_key(&w, "row");
        jw_int(&w, r->v[i].row);
        jw_key(&w, "column");
        jw_str(&w, r->v[i].column);
        jw_key(&w, "value");
        jw_str(&w, r->v[i].value);
        jw_key(&w, "message");
        jw_str(&w, r->v[i].message);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
}
