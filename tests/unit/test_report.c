/* test_report.c — report/: the table export layer. CSV is read back with
 * csv_parse, XLSX with the xlsx2csv command (Debian package xlsx2csv) and its
 * XML parts with Python's zipfile (xlsx2csv's own interpreter). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/lib/buf.h"
#include "../../src/lib/csv.h"
#include "../../src/lib/util.h"
#include "../../src/report/table.h"
#include "test.h"

/* ---- helpers ---------------------------------------------------------- */

/* The whole file as a heap string (NULL when it cannot be read). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    struct buf b;
    buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(&b, chunk, n);
    }
    fclose(f);
    *len = b.len;
    buf_str(&b);
    return buf_take(&b);
}

/* Rows read back from a CSV file. */
struct grid {
    int nrows, cap;
    int *nf;
    char ***cells;
};

static int grid_row(void *ctx, int row, int nf, char **fields)
{
    (void)row;
    struct grid *g = ctx;
    if (g->nrows == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->nf = xrealloc(g->nf, (size_t)g->cap * sizeof *g->nf);
        g->cells = xrealloc(g->cells, (size_t)g->cap * sizeof *g->cells);
    }
    g->nf[g->nrows] = nf;
    g->cells[g->nrows] = xcalloc((size_t)nf, sizeof(char *));
    for (int i = 0; i < nf; i++) {
        g->cells[g->nrows][i] = xstrdup(fields[i]);
    }
    g->nrows++;
    return 0;
}

static void grid_free(struct grid *g)
{
    for (int r = 0; r < g->nrows; r++) {
        for (int i = 0; i < g->nf[r]; i++) {
            free(g->cells[r][i]);
        }
        free(g->cells[r]);
    }
    free(g->nf);
    free(g->cells);
    memset(g, 0, sizeof *g);
}

/* Parses a CSV file into g; returns 0 on success. */
static int grid_read(struct grid *g, const char *path)
{
    memset(g, 0, sizeof *g);
    size_t n;
    char *data = slurp(path, &n);
    if (!data) {
        return -1;
    }
    struct err e;
    err_clear(&e);
    int rc = csv_parse(data, n, grid_row, g, &e);
    if (rc != 0) {
        fprintf(stderr, "  %s: %s\n", path, e.msg);
    }
    free(data);
    return rc;
}

/* Decodes "_xHHHH_" as a spreadsheet does when it reads a cell. */
static char *xml_unescape(const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "");
    for (const char *p = s; *p;) {
        unsigned cp;
        if (p[0] == '_' && p[1] == 'x' && sscanf(p + 2, "%4x", &cp) == 1 && p[6] == '_' &&
            strspn(p + 2, "0123456789abcdefABCDEF") >= 4) {
            if (cp < 0x80) {
                buf_putc(&b, (char)cp);
            } else if (cp < 0x800) {
                buf_putc(&b, (char)(0xc0 | (cp >> 6)));
                buf_putc(&b, (char)(0x80 | (cp & 0x3f)));
            } else {
                buf_putc(&b, (char)(0xe0 | (cp >> 12)));
                buf_putc(&b, (char)(0x80 | ((cp >> 6) & 0x3f)));
                buf_putc(&b, (char)(0x80 | (cp & 0x3f)));
            }
            p += 7;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return buf_take(&b);
}

/* Reads an XLSX file back through xlsx2csv, cells decoded as a spreadsheet
 * shows them. Returns 0 on success. */
static int grid_read_xlsx(struct grid *g, const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "xlsx2csv '%s' '%s.back.csv' 2>&1", path, path);
    if (system(cmd) != 0) {
        memset(g, 0, sizeof *g);
        return -1;
    }
    snprintf(cmd, sizeof cmd, "%s.back.csv", path);
    int rc = grid_read(g, cmd);
    for (int r = 0; r < g->nrows; r++) {
        for (int i = 0; i < g->nf[r]; i++) {
            char *d = xml_unescape(g->cells[r][i]);
            free(g->cells[r][i]);
            g->cells[r][i] = d;
        }
    }
    return rc;
}

/* One part of an XLSX file (e.g. "xl/styles.xml") as a heap string. */
static char *xlsx_part(const char *path, const char *part)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import sys,zipfile; "
             "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "
             "'%s' '%s' > part.xml",
             path, part);
    if (system(cmd) != 0) {
        return NULL;
    }
    size_t n;
    return slurp("part.xml", &n);
}

/* True when the current directory has an entry whose name starts with prefix. */
static int entry_with_prefix(const char *prefix)
{
    DIR *d = opendir(".");
    int found = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
            found = 1;
        }
    }
    if (d) {
        closedir(d);
    }
    return found;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- the awkward table ------------------------------------------------ */

#define AW_COLS 4
#define AW_ROWS 6

static const struct table_col aw_cols[AW_COLS] = {
    {"Ref", 10, 0},
    {"Title, with comma", 40, 1},
    {"Notes \"quoted\"", 30, 1},
    {"Level", 0, 0},
};

static const char *const aw_rows[AW_ROWS][AW_COLS] = {
    {"R-0001", "Zürich – ☂", "line one\nline two", "high"},
    {"=SUM(A1)", "+1", "-2", "@x"},
    {"\tTAB", NULL, "say \"hi\", then go", NULL},
    {"a_x0041_b", "crlf\r\nline", "", "12.50"},
    {"\r\nstarts with CR", "'already quoted", " spaces around ", "=1+1, \"and\" more"},
    {"plain", "🙂 emoji", "tab\tinside", "end"},
};

static struct table *awkward_table(void)
{
    struct table *t = table_new("Risk register", aw_cols, AW_COLS);
    for (int r = 0; r < AW_ROWS; r++) {
        table_row(t, aw_rows[r], r == 0 ? "#FFC7CE" : NULL);
        if (r == 1) {
            table_cell_fill(t, 3, "#c6efce");
        }
    }
    return t;
}

static int formula_lead(const char *s)
{
    return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r');
}

/* Checks g holds the awkward table; with csv, formula-like cells carry the
 * apostrophe csv_field adds. */
static void check_awkward(const struct grid *g, int csv)
{
    CHECK(g->nrows == AW_ROWS + 1);
    for (int r = 0; r < g->nrows && r <= AW_ROWS; r++) {
        CHECK(g->nf[r] == AW_COLS);
        for (int c = 0; c < g->nf[r] && c < AW_COLS; c++) {
            const char *in = r == 0 ? aw_cols[c].header : aw_rows[r - 1][c];
            char want[256];
            snprintf(want, sizeof want, "%s%s", csv && formula_lead(in) ? "'" : "",
                     in ? in : "");
            CHECK_STR(g->cells[r][c], want);
        }
    }
}

/* ---- tests ------------------------------------------------------------ */

TEST(report_csv_roundtrip)
{
    struct table *t = awkward_table();
    struct err e;
    err_clear(&e);
    CHECK(table_write_csv(t, "aw.csv", &e) == 0);
    size_t n;
    char *raw = slurp("aw.csv", &n);
    CHECK(raw != NULL);
    if (raw) {
        const char *head = "Ref,\"Title, with comma\",\"Notes \"\"quoted\"\"\",Level\r\n";
        CHECK(strncmp(raw, head, strlen(head)) == 0);
        CHECK(n >= 2 && raw[n - 2] == '\r' && raw[n - 1] == '\n');
        CHECK(strstr(raw, "\"'=SUM(A1)\",\"'+1\",\"'-2\",\"'@x\"\r\n") != NULL);
        CHECK(strstr(raw, "\"'\tTAB\",,\"say \"\"hi\"\", then go\",\r\n") != NULL);
        free(raw);
    }
    struct grid g;
    CHECK(grid_read(&g, "aw.csv") == 0);
    check_awkward(&g, 1);
    grid_free(&g);
    CHECK(!entry_with_prefix("aw.csv.tmp-"));
    table_free(t);
}

TEST(report_xlsx_roundtrip)
{
    struct table *t = awkward_table();
    struct err e;
    err_clear(&e);
    CHECK(table_write_xlsx(t, "aw.xlsx", &e) == 0);
    struct grid g;
    CHECK(grid_read_xlsx(&g, "aw.xlsx") == 0);
    check_awkward(&g, 0);
    grid_free(&g);
    CHECK(!entry_with_prefix("aw.xlsx.tmp-"));

    char *sheet = xlsx_part("aw.xlsx", "xl/worksheets/sheet1.xml");
    CHECK(sheet != NULL);
    if (sheet) {
        CHECK(strstr(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                            "state=\"frozen\"/>") != NULL);
        CHECK(strstr(sheet, "<autoFilter ref=\"A1:D7\"/>") != NULL);
        CHECK(strstr(sheet, "<col min=\"2\" max=\"2\" width=\"40.7109375\"") != NULL);
        CHECK(strstr(sheet, "<f>") == NULL);        /* no formula anywhere */
        CHECK(strstr(sheet, "t=\"inlineStr\"") != NULL); /* every value is text */
        CHECK(strstr(sheet, "t=\"n\"") == NULL);
        free(sheet);
    }
    char *styles = xlsx_part("aw.xlsx", "xl/styles.xml");
    CHECK(styles != NULL);
    if (styles) {
        CHECK(strstr(styles, "<b/>") != NULL);                   /* bold header */
        CHECK(strstr(styles, "formatCode=\"@\"") != NULL);       /* formula-like as Text */
        CHECK(strstr(styles, "<fgColor rgb=\"FFFFC7CE\"/>") != NULL); /* row fill */
        CHECK(strstr(styles, "<fgColor rgb=\"FFC6EFCE\"/>") != NULL); /* cell fill */
        CHECK(strstr(styles, "<fgColor rgb=\"FFD9E1F2\"/>") != NULL); /* header fill */
        CHECK(strstr(styles, "<bottom style=\"thin\">") != NULL);
        CHECK(strstr(styles, "wrapText=\"1\"") != NULL);
        free(styles);
    }
    table_free(t);
}

TEST(report_sheet_name)
{
    static const struct table_col cols[1] = {{"A", 0, 0}};
    static const struct {
        const char *title, *want;
    } cases[] = {
        {"Risks [2024/25]: a*b?c\\d and more after the limit", "Risks (2024-25)- a-b-c-d and mo"},
        {"'quoted'", "quoted"},
        {"''", "Sheet1"},
        {"", "Sheet1"},
        {"Zürich – ☂ Statement of Applicability", "Zürich – ☂ Statement of Applica"},
        {"tab\there\x01 bad \xff byte", "tabhere bad  byte"},
        /* characters outside the BMP count twice, as in Excel: 15 fit */
        {"🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂", "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct table *t = table_new(cases[i].title, cols, 1);
        struct err e;
        err_clear(&e);
        CHECK(table_write_xlsx(t, "name.xlsx", &e) == 0);
        char *wb = xlsx_part("name.xlsx", "xl/workbook.xml");
        char want[256];
        snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"1\"", cases[i].want);
        CHECK(wb && strstr(wb, want) != NULL);
        if (wb && !strstr(wb, want)) {
            fprintf(stderr, "  wanted %s in %s\n", want, wb);
        }
        free(wb);
        table_free(t);
    }
}

TEST(report_unknown_format)
{
    struct table *t = awkward_table();
    struct err e;
    err_clear(&e);
    CHECK(table_write(t, "pdf", "aw.pdf", &e) == -1);
    CHECK(e.code == ERR_USAGE);
    CHECK(strstr(e.msg, "pdf") && strstr(e.msg, "csv") && strstr(e.msg, "xlsx"));
    CHECK(!exists("aw.pdf"));
    err_clear(&e);
    CHECK(table_write(t, NULL, "aw.none", &e) == -1);
    CHECK(e.code == ERR_USAGE);
    err_clear(&e);
    CHECK(table_write(t, "XLSX", "upper.xlsx", &e) == 0);
    CHECK(table_write(t, "csv", "lower.csv", &e) == 0);
    CHECK(exists("upper.xlsx") && exists("lower.csv"));
    table_free(t);
}

TEST(report_missing_directory)
{
    struct table *t = awkward_table();
    static const char *const formats[] = {"csv", "xlsx"};
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "no-such-dir/r.%s", formats[i]);
        struct err e;
        err_clear(&e);
        CHECK(table_write(t, formats[i], path, &e) == -1);
        CHECK(e.code == ERR_STORAGE);
        CHECK(strstr(e.msg, "cannot write no-such-dir/r.") != NULL);
        CHECK(strstr(e.msg, "the directory no-such-dir does not exist") != NULL);
        CHECK(!exists("no-such-dir"));
    }
    table_free(t);
}

TEST(report_failure_leaves_nothing)
{
    struct table *t = awkward_table();
    static const char *const formats[] = {"csv", "xlsx"};
    CHECK(mkdir("adir", 0755) == 0);
    for (int i = 0; i < 2; i++) {
        struct err e;
        err_clear(&e);
        /* the temporary file is written, then rename onto a directory fails */
        CHECK(table_write(t, formats[i], "adir", &e) == -1);
        CHECK(e.code == ERR_STORAGE);
        CHECK(strstr(e.msg, "cannot write adir: ") != NULL);
        CHECK(!entry_with_prefix("adir.tmp-"));
    }
    /* an existing file is replaced whole */
    struct err e;
    err_clear(&e);
    FILE *f = fopen("old.csv", "w");
    CHECK(f != NULL);
    if (f) {
        fputs("old contents that are longer than the new ones will be, surely, yes\n", f);
        fputs("and a second line\n", f);
        fclose(f);
    }
    static const struct table_col one[1] = {{"X", 0, 0}};
    struct table *small = table_new("x", one, 1);
    const char *v[1] = {"y"};
    table_row(small, v, NULL);
    CHECK(table_write_csv(small, "old.csv", &e) == 0);
    size_t n;
    char *raw = slurp("old.csv", &n);
    CHECK_STR(raw, "X\r\ny\r\n");
    free(raw);
    CHECK(!entry_with_prefix("old.csv.tmp-"));
    table_free(small);
    table_free(t);
}

TEST(report_refuses_bad_text)
{
    static const struct table_col cols[2] = {{"A", 0, 0}, {"Title", 0, 0}};
    struct table *t = table_new("bad", cols, 2);
    const char *ok[2] = {"fine", "fine"};
    const char *bad[2] = {"fine", "bad \xff byte"};
    table_row(t, ok, NULL);
    table_row(t, bad, NULL);
    static const char *const formats[] = {"csv", "xlsx"};
    for (int i = 0; i < 2; i++) {
        char path[32];
        snprintf(path, sizeof path, "bad.%s", formats[i]);
        struct err e;
        err_clear(&e);
        CHECK(table_write(t, formats[i], path, &e) == -1);
        CHECK(e.code == ERR_INVALID);
        CHECK(strstr(e.msg, "row 2, column 2 (\"Title\")") != NULL);
        CHECK(strstr(e.msg, "UTF-8") != NULL);
        CHECK(!exists(path));
    }
    table_free(t);

    /* XLSX cells hold 32,767 characters; CSV has no such limit */
    t = table_new("long", cols, 2);
    char *big = xmalloc(40001);
    memset(big, 'a', 40000);
    big[40000] = '\0';
    const char *row[2] = {"x", big};
    table_row(t, row, NULL);
    struct err e;
    err_clear(&e);
    CHECK(table_write_xlsx(t, "long.xlsx", &e) == -1);
    CHECK(e.code == ERR_INVALID && strstr(e.msg, "32767") != NULL);
    CHECK(!exists("long.xlsx"));
    CHECK(table_write_csv(t, "long.csv", &e) == 0);
    free(big);
    table_free(t);
}

TEST(report_empty_table)
{
    static const struct table_col cols[2] = {{"A", 0, 0}, {"B", 0, 0}};
    struct table *t = table_new("empty", cols, 2);
    struct err e;
    err_clear(&e);
    CHECK(table_write_csv(t, "empty.csv", &e) == 0);
    size_t n;
    char *raw = slurp("empty.csv", &n);
    CHECK_STR(raw, "A,B\r\n");
    free(raw);
    CHECK(table_write_xlsx(t, "empty.xlsx", &e) == 0);
    struct grid g;
    CHECK(grid_read_xlsx(&g, "empty.xlsx") == 0);
    CHECK(g.nrows == 1 && g.nf[0] == 2);
    grid_free(&g);
    table_free(t);
}

TEST(report_20000_rows)
{
    enum { ROWS = 20000, COLS = 15 };
    struct table_col cols[COLS];
    char headers[COLS][24];
    for (int c = 0; c < COLS; c++) {
        snprintf(headers[c], sizeof headers[c], "Column %d", c + 1);
        cols[c] = (struct table_col){headers[c], 14, c % 4 == 0};
    }
    struct table *t = table_new("Big", cols, COLS);
    char cells[COLS][64];
    const char *values[COLS];
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
            snprintf(cells[c], sizeof cells[c], "r%d c%d Zürich, \"x\"", r, c);
            values[c] = cells[c];
        }
        values[7] = r % 3 ? NULL : "=formula-like";
        table_row(t, values, r % 5 == 0 ? "#ffeb9c" : NULL);
        if (r % 7 == 0) {
            table_cell_fill(t, 2, "#ffc7ce");
        }
    }
    struct err e;
    err_clear(&e);
    CHECK(table_write_csv(t, "big.csv", &e) == 0);
    CHECK(table_write_xlsx(t, "big.xlsx", &e) == 0);
    static const char *const files[] = {"big.csv", "big.xlsx"};
    for (int i = 0; i < 2; i++) {
        struct grid g;
        CHECK((i == 0 ? grid_read(&g, files[i]) : grid_read_xlsx(&g, files[i])) == 0);
        CHECK(g.nrows == ROWS + 1);
        if (g.nrows == ROWS + 1) {
            CHECK_STR(g.cells[0][14], "Column 15");
            CHECK(g.nf[ROWS] == COLS);
            CHECK_STR(g.cells[ROWS][14], "r19999 c14 Zürich, \"x\"");
            CHECK_STR(g.cells[ROWS][7], "");
            CHECK_STR(g.cells[ROWS - 1][7], i == 0 ? "'=formula-like" : "=formula-like");
        }
        grid_free(&g);
    }
    table_free(t);
}
