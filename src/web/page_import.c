/* page_import.c — /PLURAL/import: upload a CSV or XLSX file, see a preview
 * of its first rows with the column -> field mapping (each overridable with
 * a select) and the problems a check finds, then import all rows or none
 * (src/app/import.h). Between the steps the uploaded file waits in a
 * private directory (0700, created once per server) under a random token,
 * bound to the account and the type that uploaded it, for at most two
 * hours. The route's permission is create on the type (routes.def). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../app/import.h"
#include "../http/http.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "web.h"

#define PREVIEW_ROWS 10
#define SHOW_PROBLEMS 500
#define STASH_SECONDS 7200

/* ---- the waiting files ----------------------------------------------------------- */

static pthread_mutex_t stash_lock = PTHREAD_MUTEX_INITIALIZER;
static char stash_dir[512];

static int stash_root(struct err *e)
{
    if (stash_dir[0]) {
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(stash_dir, sizeof stash_dir, "%s/isms-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(stash_dir)) {
        stash_dir[0] = '\0';
        return err_set(e, ERR_INTERNAL, NULL, "import: cannot make a directory for uploads: %s",
                       strerror(errno));
    }
    return 0;
}

static void stash_path(const char *token, const char *what, char *out, size_t size)
{
    snprintf(out, size, "%s/%s.%s", stash_dir, token, what);
}

static void stash_expire(void)
{
    DIR *d = opendir(stash_dir);
    if (!d) {
        return;
    }
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, 0) != 0) {
            continue;
        }
        if (now - st.st_mtime > STASH_SECONDS) {
            unlinkat(dirfd(d), de->d_name, 0);
        }
    }
    closedir(d);
}

static int token_ok(const char *t)
{
    if (!t || strlen(t) != 32) {
        return 0;
    }
    for (; *t; t++) {
        if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static int copy_range(int from, int64_t off, int64_t len, int to)
{
    char block[1 << 16];
    while (len > 0) {
        ssize_t n = pread(from, block, len < (int64_t)sizeof block ? (size_t)len : sizeof block,
                          (off_t)off);
        if (n <= 0) {
            return -1;
        }
        for (ssize_t at = 0; at < n;) {
            ssize_t w = write(to, block + at, (size_t)(n - at));
            if (w <= 0) {
                return -1;
            }
            at += w;
        }
        off += n;
        len -= n;
    }
    return 0;
}

/* the upload kept under a new token: its bytes, and who and what it is for */
static int stash_put(struct req *r, const struct upload_file *f, const char *name, char token[33],
                     struct err *e)
{
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        return err_set(e, ERR_INTERNAL, NULL, "import: no random bytes");
    }
    for (int i = 0; i < 16; i++) {
        snprintf(token + 2 * i, 3, "%02x", rnd[i]);
    }
    pthread_mutex_lock(&stash_lock);
    int rc = stash_root(e);
    if (rc == 0) {
        stash_expire();
    }
    pthread_mutex_unlock(&stash_lock);
    if (rc) {
        return -1;
    }
    char path[600];
    stash_path(token, "data", path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || copy_range(f->fd, f->off, f->len, fd) != 0) {
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        return err_set(e, ERR_INTERNAL, NULL, "import: cannot keep the upload: %s",
                       strerror(errno));
    }
    close(fd);
    stash_path(token, "meta", path, sizeof path);
    FILE *m = fopen(path, "wx");
    if (!m) {
        return err_set(e, ERR_INTERNAL, NULL, "import: cannot keep the upload: %s",
                       strerror(errno));
    }
    fprintf(m, "%ld\n%s\n%s\n", r->app->who.account, r->type->name, name);
    fclose(m);
    return 0;
}

/* opens the upload of token if it belongs to this account and type */
static int stash_get(struct req *r, const char *token, int *fd, int64_t *len, char *name,
                     size_t nsize, struct err *e)
{
    const char *gone = "the uploaded file is no longer here (uploads wait two hours); upload "
                       "it again";
    if (!token_ok(token) || !stash_dir[0]) {
        return err_set(e, ERR_INVALID, "token", "%s", gone);
    }
    char path[600], line[512];
    stash_path(token, "meta", path, sizeof path);
    FILE *m = fopen(path, "re");
    if (!m) {
        return err_set(e, ERR_INVALID, "token", "%s", gone);
    }
    long account = -1;
    char type[64] = "";
    name[0] = '\0';
    if (fgets(line, sizeof line, m)) {
        account = strtol(line, NULL, 10);
    }
    if (fgets(type, sizeof type, m)) {
        type[strcspn(type, "\n")] = '\0';
    }
    if (fgets(line, sizeof line, m)) {
        line[strcspn(line, "\n")] = '\0';
        strlcpy_(name, line, nsize);
    }
    fclose(m);
    if (account != r->app->who.account || strcmp(type, r->type->name) != 0) {
        return err_set(e, ERR_INVALID, "token", "%s", gone); /* someone else's: as if gone */
    }
    stash_path(token, "data", path, sizeof path);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (*fd < 0 || fstat(*fd, &st) != 0) {
        if (*fd >= 0) {
            close(*fd);
        }
        return err_set(e, ERR_INVALID, "token", "%s", gone);
    }
    *len = st.st_size;
    return 0;
}

static void stash_drop(const char *token)
{
    char path[600];
    if (!token_ok(token) || !stash_dir[0]) {
        return;
    }
    stash_path(token, "data", path, sizeof path);
    unlink(path);
    stash_path(token, "meta", path, sizeof path);
    unlink(path);
}

/* ---- the pages ---------------------------------------------------------------------- */

static void import_path(struct req *r, struct buf *b, const char *tail)
{
    struct buf p;
    buf_init(&p, 0);
    buf_printf(&p, "/%s/import%s", r->type->plural, tail);
    href(r, b, buf_str(&p));
    buf_free(&p);
}

static void begin(struct req *r, struct buf *b, const char *current)
{
    char plural[96];
    web_plural_label(r->type, plural, sizeof plural);
    struct buf title;
    buf_init(&title, 0);
    buf_printf(&title, "Import %s", plural);
    page_begin(r, b, buf_str(&title));
    struct buf list;
    buf_init(&list, 0);
    buf_printf(&list, "/%s", r->type->plural);
    web_crumbs(r, b, buf_str(&list), plural, current);
    html_lit(b, "<h1>");
    html_text(b, buf_str(&title));
    html_lit(b, "</h1>");
    buf_free(&title);
    buf_free(&list);
}

static void upload_form(struct req *r, struct buf *b)
{
    const struct rtype *t = r->type;
    html_lit(b, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"");
    import_path(r, b, "");
    html_lit(b, "\">");
    csrf_field(r, b);
    html_lit(b, "<div class=\"fld\"><label for=\"f-file\">CSV or XLSX file</label>"
                "<input type=\"file\" id=\"f-file\" name=\"file\" required "
                "accept=\".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"></div>"
                "<div class=\"form-actions\"><button type=\"submit\">Upload and preview</button>"
                "</div></form>");
    html_lit(b, "<h2>The file</h2><p>The first row names the columns: a field's name or its "
                "label, in any case and spacing. References take an identifier or the "
                "referenced record's name. Dates are YYYY-MM-DD (XLSX date cells are converted). "
                "Every row is checked before anything is written: all rows are imported, or "
                "none.</p>");
    html_lit(b, "<table><caption>Fields of ");
    html_text(b, t->label);
    html_lit(b, "</caption><thead><tr><th scope=\"col\">Column</th><th scope=\"col\">Label</th>"
                "<th scope=\"col\">Type</th><th scope=\"col\">Required</th></tr></thead><tbody>");
    for (int i = 0; i < t->nfields; i++) {
        const struct field *f = &t->fields[i];
        if (f->flags & FL_SYSTEM) {
            continue;
        }
        html_lit(b, "<tr><td><code>");
        html_text(b, f->name);
        html_lit(b, "</code></td><td>");
        html_text(b, f->label);
        html_lit(b, "</td><td>");
        html_text(b, ftype_name(f->type));
        if (f->ref) {
            html_lit(b, " (");
            html_text(b, f->ref);
            html_lit(b, ")");
        }
        html_lit(b, "</td><td>");
        html_text(b, (f->flags & FL_REQUIRED) && !f->def && strcmp(f->name, FIELD_STATUS) != 0
                         ? "yes"
                         : "");
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table>");
}

/* GET /:type/import */
int page_import_form(struct req *r, struct resp *w)
{
    struct buf b;
    buf_init(&b, 0);
    begin(r, &b, "Import");
    upload_form(r, &b);
    page_end(r, &b);
    page_send(w, &b, 200);
    return 0;
}

static void field_option(struct buf *b, const char *value, const char *label, int selected)
{
    html_lit(b, "<option value=\"");
    html_attr(b, value);
    html_lit_if(b, selected, "\" selected>", "\">");
    html_text(b, label);
    html_lit(b, "</option>");
}

/* the preview: the mapping selects over the first rows, the problems, the buttons */
static void preview(struct req *r, struct resp *w, const char *token, const char *name,
                    const struct import_table *tab, const struct import_result *res,
                    const char *update_by, const struct err *e, int status)
{
    const struct rtype *t = r->type;
    struct buf b;
    buf_init(&b, 0);
    begin(r, &b, "Preview");
    if (e && e->msg[0]) {
        web_error_box(&b, e->msg);
    }
    html_lit(&b, "<p>");
    html_text(&b, name);
    html_lit(&b, ": ");
    html_int(&b, (int64_t)(tab->n ? tab->n - 1 : 0));
    html_lit(&b, " rows. Check the field each column goes to; a check writes nothing.</p>");
    html_lit(&b, "<form method=\"post\" action=\"");
    import_path(r, &b, "/confirm");
    html_lit(&b, "\">");
    csrf_field(r, &b);
    html_lit(&b, "<input type=\"hidden\" name=\"token\" value=\"");
    html_attr(&b, token);
    html_lit(&b, "\"><div class=\"table-wrap\"><table class=\"import-preview\"><caption>The first "
                 "rows and where each column goes</caption><thead><tr><th scope=\"col\">Row</th>");
    for (int c = 0; c < res->ncols; c++) {
        char id[32];
        snprintf(id, sizeof id, "col-%d", c + 1);
        html_lit(&b, "<th scope=\"col\"><label for=\"");
        html_attr(&b, id);
        html_lit(&b, "\">");
        html_text(&b, res->header[c]);
        html_lit(&b, "</label><br><select id=\"");
        html_attr(&b, id);
        html_lit(&b, "\" name=\"");
        html_attr(&b, id);
        html_lit(&b, "\">");
        field_option(&b, "-", "— left out —", res->field[c] == -1);
        field_option(&b, "id", "identifier", res->field[c] == -2);
        for (int i = 0; i < t->nfields; i++) {
            if (!(t->fields[i].flags & FL_SYSTEM)) {
                field_option(&b, t->fields[i].name, t->fields[i].label, res->field[c] == i);
            }
        }
        html_lit(&b, "</select><br><span class=\"muted\">");
        html_text(&b, res->how[c]);
        html_lit(&b, "</span></th>");
    }
    html_lit(&b, "</tr></thead><tbody>");
    for (size_t i = 1; i < tab->n && i <= PREVIEW_ROWS; i++) {
        const struct import_row *row = &tab->rows[i];
        html_lit(&b, "<tr><th scope=\"row\">");
        html_int(&b, row->line);
        html_lit(&b, "</th>");
        for (int c = 0; c < res->ncols; c++) {
            html_lit(&b, "<td>");
            if (c < row->n) {
                char *v = xstrdup(row->cells[c]);
                utf8_sanitize(v);
                html_text(&b, v); /* shown literally: "=1+2" is text */
                free(v);
            }
            html_lit(&b, "</td>");
        }
        html_lit(&b, "</tr>");
    }
    html_lit(&b, "</tbody></table></div>");
    if (web_may(r, PERM_EDIT, t, -1)) {
        html_lit(&b, "<div class=\"fld\"><label for=\"f-update-by\">Rows update the existing "
                     "record with the same</label><select id=\"f-update-by\" name=\"update_by\">");
        field_option(&b, "", "— nothing: every row is a new record —", !update_by);
        field_option(&b, "id", "identifier", update_by && strcmp(update_by, "id") == 0);
        for (int i = 0; i < t->nfields; i++) {
            const struct field *f = &t->fields[i];
            if (!(f->flags & FL_SYSTEM) && f->type != F_REFS && f->type != F_LONGTEXT) {
                field_option(&b, f->name, f->label, update_by && strcmp(update_by, f->name) == 0);
            }
        }
        html_lit(&b, "</select></div>");
    }
    html_lit(&b, "<div class=\"form-actions\"><button type=\"submit\" name=\"action\" "
                 "value=\"check\">Check again</button> <button type=\"submit\" name=\"action\" "
                 "value=\"import\">Import all rows</button> <a href=\"");
    import_path(r, &b, "");
    html_lit(&b, "\">Upload another file</a></div></form>");
    if (res->n) {
        html_lit(&b, "<h2 id=\"problems\">Problems (");
        html_int(&b, (int64_t)res->n);
        html_lit(&b, ")</h2><table class=\"import-problems\"><caption>Nothing is written until "
                     "every row is right</caption><thead><tr><th scope=\"col\">Row</th>"
                     "<th scope=\"col\">Column</th><th scope=\"col\">Value</th>"
                     "<th scope=\"col\">Problem</th></tr></thead><tbody>");
        for (size_t i = 0; i < res->n && i < SHOW_PROBLEMS; i++) {
            const struct import_problem *p = &res->v[i];
            html_lit(&b, "<tr><td>");
            if (p->row) {
                html_int(&b, p->row);
            } else {
                html_lit(&b, "file");
            }
            html_lit(&b, "</td><td>");
            html_text(&b, p->column);
            html_lit(&b, "</td><td>");
            html_text(&b, p->value);
            html_lit(&b, "</td><td>");
            html_text(&b, p->message);
            html_lit(&b, "</td></tr>");
        }
        html_lit(&b, "</tbody></table>");
        if (res->n > SHOW_PROBLEMS) {
            html_lit(&b, "<p>");
            html_int(&b, (int64_t)(res->n - SHOW_PROBLEMS));
            html_lit(&b, " more problems are not shown; `isms ");
            html_text(&b, t->name);
            html_lit(&b, " import FILE --dry-run` lists them all.</p>");
        }
    } else if (res->ncols) {
        html_lit(&b, "<p class=\"notice\" role=\"status\">The check found no problem: ");
        html_int(&b, (int64_t)res->rows);
        html_lit(&b, " rows are ready to import.</p>");
    }
    page_end(r, &b);
    page_send(w, &b, status);
}

static void failed(struct req *r, struct resp *w, const struct err *e)
{
    struct buf b;
    buf_init(&b, 0);
    begin(r, &b, "Import");
    web_error_box(&b, e->msg);
    upload_form(r, &b);
    page_end(r, &b);
    page_send(w, &b, err_http_status(e->code));
}

/* reads the waiting file, maps it with the form's choices, checks (and
 * with import set writes) it */
static void run(struct req *r, struct resp *w, const char *token, int import_it)
{
    struct err e = {0};
    int fd = -1;
    int64_t len = 0;
    char name[256];
    if (stash_get(r, token, &fd, &len, name, sizeof name, &e)) {
        failed(r, w, &e);
        return;
    }
    struct import_table tab;
    if (import_read(fd, 0, len, name, NULL, NULL, &tab, &e)) {
        close(fd);
        stash_drop(token);
        failed(r, w, &e);
        return;
    }
    close(fd);
    int ncols = tab.rows[0].n;
    struct import_map *map = xcalloc((size_t)ncols + 1, sizeof *map);
    char (*cols)[16] = xcalloc((size_t)ncols + 1, sizeof *cols);
    int nmap = 0;
    for (int c = 0; c < ncols; c++) {
        char key[32];
        snprintf(key, sizeof key, "col-%d", c + 1);
        const char *v = kv_get(&r->form, key);
        if (v) {
            snprintf(cols[nmap], sizeof cols[nmap], "#%d", c + 1);
            map[nmap].column = cols[nmap];
            map[nmap].field = v;
            nmap++;
        }
    }
    const char *update_by = kv_get(&r->form, "update_by");
    if (update_by && !*update_by) {
        update_by = NULL;
    }
    struct err fe = {0};
    if (update_by && !web_may(r, PERM_EDIT, r->type, -1)) {
        err_set(&fe, ERR_FORBIDDEN, NULL, "%s: your role does not allow changing them",
                r->type->plural);
        import_table_free(&tab);
        free(map);
        free(cols);
        resp_error(r, w, &fe);
        return;
    }
    struct import_opts o = {map, nmap, update_by, !import_it, NULL, NULL};
    struct import_result res;
    memset(&res, 0, sizeof res);
    int rc = app_import(r->app, r->type, &tab, &o, &res, &fe);
    if (rc == 0 && import_it) {
        stash_drop(token);
        struct buf to;
        buf_init(&to, 0);
        buf_printf(&to, "/%s?done=imported", r->type->plural);
        resp_redirect(r, w, buf_str(&to));
        buf_free(&to);
    } else {
        preview(r, w, token, name, &tab, &res, update_by, rc ? &fe : NULL, rc ? 422 : 200);
    }
    import_result_free(&res);
    import_table_free(&tab);
    free(map);
    free(cols);
}

/* POST /:type/import — the upload: kept, read, previewed with a check */
int page_import_upload(struct req *r, struct resp *w)
{
    struct err e = {0};
    const struct upload_file *f = r->upload;
    if (!f || (f->len == 0 && (!f->name || !*f->name))) {
        err_set(&e, ERR_USAGE, "file", "file: choose a CSV or XLSX file");
        failed(r, w, &e);
        return 0;
    }
    char name[256];
    strlcpy_(name, f->name && *f->name ? f->name : "upload.csv", sizeof name);
    utf8_sanitize(name);
    for (char *p = name; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '/') {
            *p = '_';
        }
    }
    char token[33];
    if (stash_put(r, f, name, token, &e)) {
        failed(r, w, &e);
        return 0;
    }
    run(r, w, token, 0);
    return 0;
}

/* POST /:type/import/confirm — check again with the chosen mapping, or import */
int page_import_confirm(struct req *r, struct resp *w)
{
    const char *action = kv_get(&r->form, "action");
    run(r, w, kv_get(&r->form, "token"), action && strcmp(action, "import") == 0);
    return 0;
}
