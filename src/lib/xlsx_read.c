/* xlsx_read.c — see xlsx_read.h. Two passes over the zip held in memory:
 * the shared strings and the styles first, then the worksheet, streamed
 * through expat one inflated block at a time (no entry is held whole). */
#include "xlsx_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

enum mode { M_STRINGS, M_STYLES, M_SHEET };

struct xr {
    struct err *e;
    int failed;
    XML_Parser p;
    enum mode mode;
    const char *entry;
    size_t input, inflated;
    unsigned long salt;
    /* shared strings */
    char **ss;
    size_t nss, capss, ssbytes;
    int in_si, in_rph;
    /* styles: numFmtId of each cellXfs entry; custom formats that are dates */
    int *xf;
    size_t nxf, capxf;
    int in_xfs;
    int datefmt[256];
    int ndatefmt;
    /* text being collected (a <t> or <v>) */
    struct buf text;
    int collecting;
    /* worksheet */
    long row;
    int next_col, cell_col, cell_style, in_is, in_cell;
    char cell_t[12];
    char *cells[XLSX_MAX_COLS];
    int ncells;
    xlsx_row_fn fn;
    void *ctx;
    int stopped;
};

static void fail(struct xr *x, enum errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct xr *x, enum errcode code, const char *fmt, ...)
{
    if (!x->failed) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        err_set(x->e, code, NULL, "XLSX %s: %s", x->entry ? x->entry : "file", msg);
        x->failed = 1;
    }
    if (x->p) {
        XML_StopParser(x->p, XML_FALSE);
    }
}

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2) {
        if (strcmp(local(atts[i]), name) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

static long num(const char *s, long dflt)
{
    if (!s || !*s) {
        return dflt;
    }
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 ? -1 : v;
}

/* Is a custom number format a date? y or d outside quotes, brackets and
 * escapes (m alone may be minutes). */
static int date_code(const char *s)
{
    for (; *s; s++) {
        if (*s == '"') {
            s = strchr(s + 1, '"');
            if (!s) {
                return 0;
            }
        } else if (*s == '[') {
            s = strchr(s + 1, ']');
            if (!s) {
                return 0;
            }
        } else if (*s == '\\' || *s == '_' || *s == '*') {
            if (!s[1]) {
                return 0;
            }
            s++;
        } else if (*s == 'y' || *s == 'Y' || *s == 'd' || *s == 'D') {
            return 1;
        }
    }
    return 0;
}

static int style_is_date(const struct xr *x, int s)
{
    if (s < 0 || (size_t)s >= x->nxf) {
        return 0;
    }
    int id = x->xf[s];
    if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
        return 1;
    }
    for (int i = 0; i < x->ndatefmt; i++) {
        if (x->datefmt[i] == id) {
            return 1;
        }
    }
    return 0;
}

int xlsx_serial_date(double serial, char out[11])
{
    if (!(serial >= 1 && serial < 2958466)) { /* 9999-12-31 */
        return -1;
    }
    long d = (long)serial;
    if (d < 61) {
        d++; /* the 1900 system counts a 29 February 1900 that never was */
    }
    /* days since 1970-01-01, then the civil date (H. Hinnant's algorithm) */
    long z = d - 25569 + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;
    y += mm <= 2;
    if (y < 1900 || y > 9999 || mm < 1 || mm > 12 || dd < 1 || dd > 31) {
        return -1;
    }
    snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)mm, (int)dd);
    return 0;
}

/* "BC12" -> 54 (0-based column), -1 when not a reference */
static int column_of(const char *r)
{
    long c = 0;
    int n = 0;
    for (; *r >= 'A' && *r <= 'Z'; r++, n++) {
        c = c * 26 + (*r - 'A' + 1);
        if (c > 100000) {
            return -1;
        }
    }
    return n ? (int)c - 1 : -1;
}

static void clear_row(struct xr *x)
{
    for (int i = 0; i < x->ncells; i++) {
        free(x->cells[i]);
        x->cells[i] = NULL;
    }
    x->ncells = 0;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    struct xr *x = ud;
    if (x->failed || x->stopped) {
        return;
    }
    const char *n = local(name);
    switch (x->mode) {
    case M_STRINGS:
        if (strcmp(n, "si") == 0) {
            x->in_si = 1;
            buf_reset(&x->text);
        } else if (strcmp(n, "rPh") == 0) {
            x->in_rph++;
        } else if (strcmp(n, "t") == 0 && x->in_si && !x->in_rph) {
            x->collecting = 1;
        }
        break;
    case M_STYLES:
        if (strcmp(n, "numFmt") == 0) {
            long id = num(attr(atts, "numFmtId"), -1);
            const char *code = attr(atts, "formatCode");
            if (id >= 0 && code && date_code(code) && x->ndatefmt < 256) {
                x->datefmt[x->ndatefmt++] = (int)id;
            }
        } else if (strcmp(n, "cellXfs") == 0) {
            x->in_xfs = 1;
        } else if (strcmp(n, "xf") == 0 && x->in_xfs) {
            if (x->nxf == 100000) {
                fail(x, ERR_INVALID, "more than %d cell styles", 100000);
                return;
            }
            if (x->nxf == x->capxf) {
                x->capxf = x->capxf ? x->capxf * 2 : 64;
                x->xf = xrealloc(x->xf, x->capxf * sizeof *x->xf);
            }
            long id = num(attr(atts, "numFmtId"), 0);
            x->xf[x->nxf++] = (int)(id < 0 ? 0 : id > 100000 ? 0 : id);
        }
        break;
    case M_SHEET:
        if (strcmp(n, "row") == 0) {
            long r = num(attr(atts, "r"), x->row + 1);
            if (r <= x->row || r > 10000000) {
                fail(x, ERR_INVALID, "row numbers out of order or too large (%ld)", r);
                return;
            }
            x->row = r;
            x->next_col = 0;
            clear_row(x);
        } else if (strcmp(n, "c") == 0) {
            const char *r = attr(atts, "r");
            int col = r ? column_of(r) : x->next_col;
            if (col < 0) {
                fail(x, ERR_INVALID, "row %ld: a cell reference that is not one", x->row);
                return;
            }
            const char *t = attr(atts, "t");
            strlcpy_(x->cell_t, t ? t : "n", sizeof x->cell_t);
            x->cell_style = (int)num(attr(atts, "s"), 0);
            x->cell_col = col;
            x->next_col = col + 1;
            x->in_cell = 1;
            buf_reset(&x->text);
        } else if (x->in_cell && strcmp(n, "v") == 0) {
            x->collecting = 1;
        } else if (x->in_cell && strcmp(n, "is") == 0) {
            x->in_is = 1;
        } else if (x->in_is && strcmp(n, "rPh") == 0) {
            x->in_rph++;
        } else if (x->in_is && strcmp(n, "t") == 0 && !x->in_rph) {
            x->collecting = 1;
        }
        break;
    }
}

static void finish_cell(struct xr *x)
{
    const char *v = buf_str(&x->text);
    char date[11];
    if (strcmp(x->cell_t, "s") == 0) {
        long i = num(v, -1);
        if (i < 0 || (size_t)i >= x->nss) {
            fail(x, ERR_INVALID, "row %ld: a shared string that does not exist", x->row);
            return;
        }
        v = x->ss[i];
    } else if (strcmp(x->cell_t, "b") == 0) {
        v = strcmp(v, "1") == 0 ? "yes" : "no";
    } else if ((strcmp(x->cell_t, "n") == 0 || strcmp(x->cell_t, "d") == 0) && *v &&
               style_is_date(x, x->cell_style)) {
        char *end;
        double d = strtod(v, &end);
        if (!*end && xlsx_serial_date(d, date) == 0) {
            v = date;
        }
    }
    if (!*v) {
        return;
    }
    if (x->cell_col >= XLSX_MAX_COLS) {
        fail(x, ERR_INVALID, "row %ld: a value beyond column %d", x->row, XLSX_MAX_COLS);
        return;
    }
    free(x->cells[x->cell_col]);
    x->cells[x->cell_col] = xstrdup(v);
    if (x->cell_col + 1 > x->ncells) {
        x->ncells = x->cell_col + 1;
    }
}

static void XMLCALL on_end(void *ud, const char *name)
{
    struct xr *x = ud;
    if (x->failed || x->stopped) {
        return;
    }
    const char *n = local(name);
    if (x->text.over) {
        fail(x, ERR_INVALID, "a cell or string of more than %zu bytes", XLSX_MAX_CELL);
        return;
    }
    switch (x->mode) {
    case M_STRINGS:
        if (strcmp(n, "t") == 0) {
            x->collecting = 0;
        } else if (strcmp(n, "rPh") == 0 && x->in_rph) {
            x->in_rph--;
        } else if (strcmp(n, "si") == 0) {
            x->in_si = 0;
            if (x->nss == XLSX_MAX_STRINGS || x->ssbytes + x->text.len > XLSX_MAX_STRING_BYTES) {
                fail(x, ERR_TOOBIG, "more shared strings than the limit (%zu)", x->nss);
                return;
            }
            if (x->nss == x->capss) {
                x->capss = x->capss ? x->capss * 2 : 256;
                x->ss = xrealloc(x->ss, x->capss * sizeof *x->ss);
            }
            x->ssbytes += x->text.len + 1;
            x->ss[x->nss++] = xstrdup(buf_str(&x->text));
        }
        break;
    case M_STYLES:
        if (strcmp(n, "cellXfs") == 0) {
            x->in_xfs = 0;
        }
        break;
    case M_SHEET:
        if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
            x->collecting = 0;
        } else if (strcmp(n, "rPh") == 0 && x->in_rph) {
            x->in_rph--;
        } else if (strcmp(n, "is") == 0) {
            x->in_is = 0;
        } else if (strcmp(n, "c") == 0 && x->in_cell) {
            x->in_cell = 0;
            x->collecting = 0;
            finish_cell(x);
        } else if (strcmp(n, "row") == 0) {
            int any = 0;
            for (int i = 0; i < x->ncells; i++) {
                if (!x->cells[i]) {
                    x->cells[i] = xstrdup("");
                } else if (*x->cells[i]) {
                    any = 1;
                }
            }
            if (any && x->fn(x->ctx, x->row, x->ncells, x->cells)) {
                x->stopped = 1;
                XML_StopParser(x->p, XML_FALSE);
            }
            clear_row(x);
        }
        break;
    }
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    struct xr *x = ud;
    if (x->collecting && !x->failed) {
        buf_append(&x->text, s, (size_t)len);
    }
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid,
                               int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    fail(ud, ERR_INVALID, "a document type declaration (DTD) is not allowed (entities could expand without bound)");
}

static void XMLCALL on_entity(void *ud, const char *name, int param, const char *value, int vlen,
                              const char *base, const char *sysid, const char *pubid,
                              const char *notation)
{
    (void)name, (void)param, (void)value, (void)vlen, (void)base, (void)sysid, (void)pubid;
    (void)notation;
    fail(ud, ERR_INVALID, "an entity declaration is not allowed");
}

static int open_zip(struct archive **ar, const char *data, size_t n, struct xr *x)
{
    *ar = archive_read_new();
    archive_read_support_format_zip(*ar);
    if (archive_read_open_memory(*ar, data, n) != ARCHIVE_OK) {
        x->entry = NULL;
        fail(x, ERR_INVALID, "not an XLSX workbook (not a zip archive: %s)",
             archive_error_string(*ar) ? archive_error_string(*ar) : "unreadable");
        archive_read_free(*ar);
        *ar = NULL;
        return -1;
    }
    return 0;
}

static int parse_entry(struct archive *ar, struct xr *x, enum mode mode)
{
    static char block[1 << 16];
    x->mode = mode;
    x->collecting = 0;
    x->in_rph = 0;
    x->p = XML_ParserCreate("UTF-8");
    if (!x->p) {
        fail(x, ERR_INTERNAL, "out of memory");
        return -1;
    }
    XML_SetHashSalt(x->p, x->salt ? x->salt : 0x5bd1e995ul);
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    XML_SetEntityDeclHandler(x->p, on_entity);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    size_t bound = x->input * 100 + ((size_t)16 << 20);
    if (bound > XLSX_MAX_INFLATED) {
        bound = XLSX_MAX_INFLATED;
    }
    for (;;) {
        la_ssize_t r = archive_read_data(ar, block, sizeof block);
        if (r < 0) {
            fail(x, ERR_INVALID, "cannot be inflated: %s",
                 archive_error_string(ar) ? archive_error_string(ar) : "damaged");
            break;
        }
        x->inflated += (size_t)r;
        if (x->inflated > bound) {
            fail(x, ERR_INVALID,
                 "inflates to more than %zu MiB (over 100 times the file's size): refused as "
                 "a zip bomb",
                 bound >> 20);
            break;
        }
        if (XML_Parse(x->p, block, (int)r, r == 0) == XML_STATUS_ERROR) {
            if (!x->failed && !x->stopped) {
                char m[200];
                snprintf(m, sizeof m, "line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(x->p),
                         XML_ErrorString(XML_GetErrorCode(x->p)));
                fail(x, ERR_INVALID, "not well-formed XML: %s", m);
            }
            break;
        }
        if (r == 0 || x->failed || x->stopped) {
            break;
        }
    }
    XML_ParserFree(x->p);
    x->p = NULL;
    return x->failed ? -1 : 0;
}

/* the worksheet: sheet1.xml, else the first xl/worksheets/NAME.xml */
static int sheet_name(const char *name)
{
    const char *pre = "xl/worksheets/";
    size_t n = strlen(name), k = strlen(pre);
    return n > k + 4 && strncmp(name, pre, k) == 0 && !strchr(name + k, '/') &&
           strcmp(name + n - 4, ".xml") == 0;
}

int xlsx_parse(const char *data, size_t n, unsigned long salt, xlsx_row_fn fn, void *ctx,
               struct err *e)
{
    struct xr x;
    memset(&x, 0, sizeof x);
    x.e = e;
    x.fn = fn;
    x.ctx = ctx;
    x.salt = salt;
    x.input = n;
    buf_init(&x.text, XLSX_MAX_CELL);
    char sheet[256] = "";
    struct archive *ar = NULL;
    struct archive_entry *ent;
    long entries = 0;
    int rc = -1;

    if (open_zip(&ar, data, n, &x)) {
        goto done;
    }
    for (;;) {
        int r = archive_read_next_header(ar, &ent);
        if (r == ARCHIVE_EOF) {
            break;
        }
        if (r < ARCHIVE_WARN) {
            x.entry = NULL;
            fail(&x, ERR_INVALID, "not an XLSX workbook (%s)",
                 archive_error_string(ar) ? archive_error_string(ar) : "damaged zip");
            goto done;
        }
        if (++entries > XLSX_MAX_ENTRIES) {
            x.entry = NULL;
            fail(&x, ERR_INVALID, "more than %d entries in the zip: refused", XLSX_MAX_ENTRIES);
            goto done;
        }
        const char *name = archive_entry_pathname(ent);
        if (!name) {
            continue;
        }
        x.entry = name;
        if (strcmp(name, "xl/sharedStrings.xml") == 0) {
            if (parse_entry(ar, &x, M_STRINGS)) {
                goto done;
            }
        } else if (strcmp(name, "xl/styles.xml") == 0) {
            if (parse_entry(ar, &x, M_STYLES)) {
                goto done;
            }
        } else if (sheet_name(name) && strlen(name) < sizeof sheet &&
                   (!*sheet || strcmp(name, "xl/worksheets/sheet1.xml") == 0 ||
                    (strcmp(sheet, "xl/worksheets/sheet1.xml") != 0 && strcmp(name, sheet) < 0))) {
            strlcpy_(sheet, name, sizeof sheet);
        }
        x.entry = NULL;
    }
    archive_read_free(ar);
    ar = NULL;
    if (!*sheet) {
        fail(&x, ERR_INVALID, "no worksheet in the workbook");
        goto done;
    }
    if (open_zip(&ar, data, n, &x)) {
        goto done;
    }
    for (;;) {
        int r = archive_read_next_header(ar, &ent);
        if (r == ARCHIVE_EOF) {
            break;
        }
        if (r < ARCHIVE_WARN) {
            fail(&x, ERR_INVALID, "not an XLSX workbook (%s)",
                 archive_error_string(ar) ? archive_error_string(ar) : "damaged zip");
            goto done;
        }
        const char *name = archive_entry_pathname(ent);
        if (name && strcmp(name, sheet) == 0) {
            x.entry = sheet;
            if (parse_entry(ar, &x, M_SHEET)) {
                goto done;
            }
            break;
        }
    }
    rc = 0;
done:
    if (ar) {
        archive_read_free(ar);
    }
    clear_row(&x);
    for (size_t i = 0; i < x.nss; i++) {
        free(x.ss[i]);
    }
    free(x.ss);
    free(x.xf);
    buf_free(&x.text);
    return rc;
}
