/* page_bundle.c — GET /bundle and GET /audits/:id/bundle: the evidence
 * bundle (src/report/bundle.h) as a zip download, built as the viewer the
 * router set (a->who), so it holds only what the viewer may read. The
 * routes carry PERM_HISTORY (a bundle holds versions and evidence; staff
 * get 403); the zip is written to an unlinked temporary file, never to
 * memory, and sent from it (resp.body_fd). The buttons of the readiness
 * page and of an audit come from web_bundle_button. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../http/upload.h"
#include "../report/bundle.h"
#include "web.h"

/* An unlinked, private temporary file: O_TMPFILE, else mkstemp + unlink. */
static int temp_fd(void)
{
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
        return fd;
    }
#endif
    char path[4096];
    snprintf(path, sizeof path, "%s/isms-bundle-XXXXXX", dir);
    int fd2 = mkstemp(path);
    if (fd2 >= 0) {
        unlink(path);
    }
    return fd2;
}

int page_bundle(struct req *r, struct resp *w)
{
    struct err e = {0};
    const char *audit = r->rec ? r->rec->ref : NULL;
    int fd = temp_fd();
    if (fd < 0) {
        err_set(&e, ERR_STORAGE, NULL, "cannot make a temporary file for the bundle: %s",
                strerror(errno));
        resp_error(r, w, &e);
        return 0;
    }
    if (bundle_write_fd(r->app, audit, fd, NULL, &e)) {
        close(fd);
        resp_error(r, w, &e);
        return 0;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        err_set(&e, ERR_STORAGE, NULL, "cannot read the bundle back");
        resp_error(r, w, &e);
        return 0;
    }
    w->status = 200;
    w->ctype = "application/zip";
    w->csp = "default-src 'none'; sandbox";
    w->body_fd = fd; /* the response's now: sent and closed by the server */
    w->body_fd_size = (int64_t)size;
    char name[96];
    snprintf(name, sizeof name, "evidence-bundle%s%s.zip", audit ? "-" : "", audit ? audit : "");
    upload_disposition(name, w->disposition, sizeof w->disposition);
    return 0;
}

void web_bundle_button(struct req *r, struct buf *b, const char *audit)
{
    if (!perm_allows(r->role, PERM_HISTORY, rtype_find("document"), -1)) {
        return; /* staff: the route answers 403 */
    }
    html_lit(b, " <a class=\"button secondary\" id=\"bundle-download\" download href=\"");
    if (audit) {
        char p[96];
        snprintf(p, sizeof p, "/audits/%s/bundle", audit);
        href(r, b, p); /* audit: an identifier (AUD-NNNN) */
    } else {
        href(r, b, "/bundle");
    }
    html_lit(b, "\">");
    html_lit_if(b, audit != NULL, "Evidence bundle of this audit (zip)", "Evidence bundle (zip)");
    html_lit(b, "</a>");
}
