/* page_report.c — the printable reports on the web: GET /soa/print,
 * /risks/print, /plan/print, /assets/print, /audits/:id/print,
 * /reviews/:id/print and /documents/:id/print (?format=pdf, the default,
 * or html). The route carries PERM_READ of the report's type; the report
 * is built as the principal the router set (a->who), so it holds
 * only what the viewer may see. The download buttons of those pages come
 * from web_report_buttons. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http/upload.h"
#include "../report/registers.h"
#include "../report/reports.h"
#include "web.h"

static const char *kind_of(const struct rtype *t)
{
    static const struct {
        const char *type, *kind;
    } map[] = {{"control", "soa"}, {"risk", "risks"},   {"action", "plan"},
               {"asset", "assets"}, {"audit", "audit"}, {"review", "review"},
               {"document", "document"}, {"scope", "readiness"} /* bundle */};
    for (size_t i = 0; t && i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(t->name, map[i].type) == 0) {
            return map[i].kind;
        }
    }
    return NULL;
}

int page_report(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *kind = kind_of(r->type);
    const char *format = kv_get(&r->query, "format");
    const char *fw = kv_get(&r->query, "framework");
    if (!format || !*format) {
        format = "pdf";
    }
    if (!kind) {
        err_set(&e, ERR_NOTFOUND, NULL, "no such report");
        resp_error(r, w, &e);
        return 0;
    }
    if (strcmp(format, "pdf") && strcmp(format, "html")) {
        err_set(&e, ERR_USAGE, "format", "format must be pdf or html");
        resp_error(r, w, &e);
        return 0;
    }
    struct buf out;
    buf_init(&out, 0);
    char name[96];
    const char *id = report_needs_id(kind) ? (r->rec ? r->rec->ref : r->id) : NULL;
    if (report_render(r->app, kind, id, fw && *fw ? fw : NULL, format, &out, name, sizeof name,
                      &e)) {
        buf_free(&out);
        resp_error(r, w, &e);
        return 0;
    }
    int pdf = strcmp(format, "pdf") == 0;
    resp_take(w, 200, pdf ? "application/pdf" : "text/html; charset=utf-8", &out);
    if (pdf) {
        upload_disposition(name, w->disposition, sizeof w->disposition);
    } else {
        /* the printable page opens in the browser: its own inline style only */
        w->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                 "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    }
    return 0;
}

/* Sends what write (one of the registers.h exporters) made as the download
 * NAME.FORMAT: written to a private temporary directory, read back. */
typedef int (*export_fn)(struct req *r, const char *format, const char *path, struct err *e);

static int export_send(struct req *r, struct resp *w, const char *name, const char *format,
                       export_fn write)
{
    struct err e = {0};
    char dir[] = "/tmp/isms-export-XXXXXX";
    if (!mkdtemp(dir)) {
        err_set(&e, ERR_STORAGE, NULL, "cannot make a temporary directory for the export");
        resp_error(r, w, &e);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "%s/export", dir);
    int rc = write(r, format, path, &e);
    struct buf out;
    buf_init(&out, 0);
    if (rc == 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char chunk[65536];
        ssize_t n;
        while (fd >= 0 && (n = read(fd, chunk, sizeof chunk)) > 0) {
            buf_append(&out, chunk, (size_t)n);
        }
        if (fd < 0) {
            rc = err_set(&e, ERR_STORAGE, NULL, "cannot read the export back");
        } else {
            close(fd);
        }
    }
    unlink(path);
    rmdir(dir);
    if (rc) {
        buf_free(&out);
        resp_error(r, w, &e);
        return 0;
    }
    int csv = strcmp(format, "csv") == 0;
    resp_take(w, 200, csv ? "text/csv; charset=utf-8"
                          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              &out);
    char file[96];
    snprintf(file, sizeof file, "%s.%s", name, format);
    upload_disposition(file, w->disposition, sizeof w->disposition);
    return 0;
}

/* ?format= of an export: csv or xlsx; else the 400 naming the field. */
static const char *export_format(struct req *r, struct resp *w)
{
    const char *format = kv_get(&r->query, "format");
    if (!format || (strcmp(format, "csv") && strcmp(format, "xlsx"))) {
        struct err e = {0};
        err_set(&e, ERR_USAGE, "format", "format must be csv or xlsx");
        resp_error(r, w, &e);
        return NULL;
    }
    return format;
}

static int write_soa(struct req *r, const char *format, const char *path, struct err *e)
{
    const char *fw = kv_get(&r->query, "framework");
    return report_soa(r->app, fw && *fw ? fw : FRAMEWORK_2022, format, path, e);
}

static int write_risks(struct req *r, const char *format, const char *path, struct err *e)
{
    return report_risks(r->app, format, path, e);
}

static int write_plan(struct req *r, const char *format, const char *path, struct err *e)
{
    return report_plan(r->app, format, path, e);
}

static int write_register(struct req *r, const char *format, const char *path, struct err *e)
{
    return report_register(r->app, r->type, format, path, e);
}

/* GET /soa/export, /risks/export, /plan/export ?format=csv|xlsx — the
 * registers' spreadsheets (registers.h) as a download. */
int page_export(struct req *r, struct resp *w)
{
    const char *fw = kv_get(&r->query, "framework");
    const char *what = r->type && strcmp(r->type->name, "control") == 0 ? "soa"
                       : r->type && strcmp(r->type->name, "risk") == 0  ? "risks"
                                                                        : "plan";
    const char *format = export_format(r, w);
    if (!format) {
        return 0;
    }
    if (fw && *fw && strcmp(fw, FRAMEWORK_2022) && strcmp(fw, FRAMEWORK_2013)) {
        struct err e = {0};
        err_set(&e, ERR_USAGE, "framework", "framework must be %s or %s", FRAMEWORK_2022,
                FRAMEWORK_2013);
        resp_error(r, w, &e);
        return 0;
    }
    return export_send(r, w, what, format,
                       strcmp(what, "soa") == 0     ? write_soa
                       : strcmp(what, "risks") == 0 ? write_risks
                                                    : write_plan);
}

/* GET /:type/export ?format=csv|xlsx — any type's register as its list page
 * shows it (report_register), as the viewer; the route carries the type's
 * PERM_READ. The risk register's own export (/risks/export) comes first. */
int page_register_export(struct req *r, struct resp *w)
{
    const char *format = export_format(r, w);
    if (!format) {
        return 0;
    }
    return export_send(r, w, r->type->plural, format, write_register);
}

void web_export_buttons(struct req *r, struct buf *b, const char *path)
{
    int q = strchr(path, '?') != NULL;
    html_lit(b, "<a class=\"button secondary\" download href=\"");
    href(r, b, path);
    html_lit_if(b, q, "&amp;", "?");
    html_lit(b, "format=csv\">CSV</a> <a class=\"button secondary\" download href=\"");
    href(r, b, path);
    html_lit_if(b, q, "&amp;", "?");
    html_lit(b, "format=xlsx\">XLSX</a> ");
}

void web_report_buttons(struct req *r, struct buf *b, const char *path)
{
    /* path is the caller's (a literal or built of identifiers and tokens) */
    int q = strchr(path, '?') != NULL;
    html_lit(b, "<a class=\"button secondary\" download href=\"");
    href(r, b, path);
    html_lit_if(b, q, "&amp;", "?");
    html_lit(b, "format=pdf\">PDF</a> <a class=\"button secondary\" target=\"_blank\" "
                "rel=\"noopener\" href=\"");
    href(r, b, path);
    html_lit_if(b, q, "&amp;", "?");
    html_lit(b, "format=html\">Print</a>");
}
