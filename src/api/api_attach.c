/* api_attach.c — evidence files in the JSON API: list, upload (multipart
 * with a "file" part, or the raw file as the body with ?name=), download,
 * removal. The same app_ calls as the pages and the CLI. */
#include <stdio.h>
#include <string.h>

#include "../http/upload.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "api_int.h"

struct api_list {
    struct jw *w;
    const char *today;
};

static int list_one(void *ctx, const struct attachment_info *a)
{
    struct api_list *l = ctx;
    app_attachment_json(l->w, a, l->today);
    return 0;
}

/* GET /api/v1/:type/:id/attachments[?all=1] */
int api_attachments(struct req *r, struct resp *w)
{
    char today[11];
    date_today(today);
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    jw_obj(&j);
    jw_key(&j, "attachments");
    jw_arr(&j);
    struct api_list l = {&j, today};
    struct err e = {0};
    const char *all = kv_get(&r->query, "all");
    if (app_attachments(r->app, r->rec->ref, all && strcmp(all, "1") == 0, list_one, &l, &e)) {
        buf_free(&b);
        resp_error(r, w, &e);
        return 0;
    }
    jw_arr_end(&j);
    jw_obj_end(&j);
    resp_json(w, 200, buf_str(&b));
    buf_free(&b);
    return 0;
}

/* POST /api/v1/:type/:id/attachments[?name=F][&valid_until=D] — 201 with
 * the attachment. */
int api_attach(struct req *r, struct resp *w)
{
    struct err e = {0};
    struct attachment_info info;
    const char *valid = kv_get(&r->form, "valid_until");
    if (!valid) {
        valid = kv_get(&r->query, "valid_until");
    }
    if (upload_attach(r, valid, &info, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char today[11];
    date_today(today);
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    app_attachment_json(&j, &info, today);
    resp_json(w, 201, buf_str(&b));
    snprintf(w->location, sizeof w->location, "%s/api/v1/%s/%s/attachments/%s",
             r->org ? r->org->prefix : "", r->type->plural, r->rec->ref, info.ref);
    buf_free(&b);
    return 0;
}

/* GET /api/v1/:type/:id/attachments/:n — the content. */
int api_attachment_get(struct req *r, struct resp *w)
{
    upload_download(r, w, r->id2);
    return 0;
}

/* DELETE /api/v1/:type/:id/attachments/:n */
int api_attachment_remove(struct req *r, struct resp *w)
{
    struct err e = {0};
    if (app_attachment_remove(r->app, r->id2, r->rec->ref, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    struct attachment_info info;
    if (app_attachment_get(r->app, r->id2, &info, &e)) {
        resp_error(r, w, &e);
        return 0;
    }
    char today[11];
    date_today(today);
    struct buf b;
    struct jw j;
    buf_init(&b, 0);
    jw_init(&j, &b, 0);
    app_attachment_json(&j, &info, today);
    resp_json(w, 200, buf_str(&b));
    buf_free(&b);
    return 0;
}
