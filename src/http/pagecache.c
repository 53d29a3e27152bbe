/* pagecache.c — the answers of reading requests, kept per worker thread.
 *
 * A list page of 50 rows costs the server far more than sending its bytes:
 * the keys of the page, the rendered rows from the memo, the layout. When
 * the same account asks the same page again and the file has not changed
 * at all since (its data version: any commit by any connection moves it,
 * sessions and the security log included), the answer is the same bytes.
 * So it is kept, under a key of everything the handler's answer depends on
 * besides the file: the organization's connection, the data version, the
 * account, its role, person and privacy rule, the session's CSRF token or
 * the token's scope, the day, the answer's kind, the Host header (links to
 * share are built from it) and the path with its decoded query. The router still authenticates and runs every check
 * of the route (permission, row visibility, token scope) before asking: a
 * kept answer only replaces the handler's rendering.
 *
 * Only plain answers are kept: status 200, HTML or JSON, no cookie, no
 * redirect, no download or stream, at most PAGE_MAX bytes; PAGES entries per
 * thread, the oldest replaced. Public routes never reach it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/app.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../store/store.h"
#include "pagecache.h"

#define PAGES 16
#define PAGE_MAX (256u << 10)

static const char HTML[] = "text/html; charset=utf-8";
static const char JSON[] = "application/json";

/* A kept body, shared by the entry and every answer being sent from it;
 * freed by whichever lets go last (an entry is replaced while a slow
 * client is still reading). */
struct kept {
    int refs;
    size_t len;
    void *res;               /* the server's prepared answer, headers and all */
    void (*res_free)(void *);
    char data[];
};

struct page {
    char *key;
    struct kept *body;
    const char *ctype;
};

void pagecache_release(void *ref)
{
    struct kept *k = ref;
    if (k && __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        if (k->res) {
            k->res_free(k->res);
        }
        free(k);
    }
}

void *pagecache_response(void *ref)
{
    return ref ? ((struct kept *)ref)->res : NULL;
}

void pagecache_keep_response(void *ref, void *res, void (*res_free)(void *))
{
    struct kept *k = ref;
    k->res = res;
    k->res_free = res_free;
}

struct pages {
    struct page p[PAGES];
    unsigned next;
};

/* per thread, freed when the thread ends */
static pthread_key_t pages_key;
static pthread_once_t pages_once = PTHREAD_ONCE_INIT;

static void pages_free(void *v)
{
    struct pages *ps = v;
    for (int i = 0; i < PAGES; i++) {
        free(ps->p[i].key);
        pagecache_release(ps->p[i].body);
    }
    free(ps);
}

static void pages_init(void)
{
    pthread_key_create(&pages_key, pages_free);
}

static struct pages *thread_pages(void)
{
    pthread_once(&pages_once, pages_init);
    struct pages *ps = pthread_getspecific(pages_key);
    if (!ps) {
        ps = xcalloc(1, sizeof *ps);
        pthread_setspecific(pages_key, ps);
    }
    return ps;
}

/* The key, or 0 when this request's answer is not to be kept. */
static int page_key(struct req *r, struct buf *k)
{
    long long dv = store_data_version(r->app->st);
    if (dv < 0 || !r->authed) {
        return 0;
    }
    char today[11];
    date_today(today);
    const struct session_auth *a = &r->auth;
    const char *host = r->header ? r->header(r, "Host") : NULL; /* links built from it */
    buf_printf(k, "%p|%lld|%ld|%s|%s|%d|%d|%s|%s|%s|%s|%s|", (void *)r->app, dv, a->account,
               a->role, a->person, a->personal_hidden, a->via_token,
               a->via_token ? a->scope : a->csrf, today, r->is_api ? "api" : "web",
               host ? host : "", r->full_path);
    for (int i = 0; i < r->query.n; i++) {
        buf_puts(k, r->query.kv[i].name);
        buf_putc(k, '\x1f');
        buf_puts(k, r->query.kv[i].value);
        buf_putc(k, '\x1e');
    }
    return !k->over;
}

int pagecache_get(struct req *r, struct resp *w)
{
    struct buf k;
    buf_init(&k, 8192);
    int found = 0;
    if (page_key(r, &k)) {
        const char *key = buf_str(&k);
        struct pages *ps = thread_pages();
        for (int i = 0; i < PAGES; i++) {
            struct page *p = &ps->p[i];
            if (p->key && strcmp(p->key, key) == 0) {
                w->status = 200;
                w->ctype = p->ctype;
                __atomic_add_fetch(&p->body->refs, 1, __ATOMIC_RELAXED);
                w->kept = p->body->data;
                w->kept_len = p->body->len;
                w->kept_ref = p->body;
                found = 1;
                break;
            }
        }
    }
    buf_free(&k);
    return found;
}

void pagecache_put(struct req *r, const struct resp *w)
{
    if (w->status != 200 || w->ncookies || w->location[0] || w->stream || w->body_fd_size ||
        w->kept ||
        w->disposition[0] || w->allow[0] || w->retry_after || w->close || w->csp || w->cache ||
        !w->ctype || w->body.len == 0 || w->body.len > PAGE_MAX ||
        memchr(w->body.p, 0, w->body.len)) {
        return;
    }
    const char *ctype = strcmp(w->ctype, HTML) == 0 ? HTML : strcmp(w->ctype, JSON) == 0 ? JSON
                                                                                       : NULL;
    if (!ctype) {
        return;
    }
    struct buf k;
    buf_init(&k, 8192);
    if (page_key(r, &k)) {
        struct pages *ps = thread_pages();
        struct page *p = &ps->p[ps->next++ % PAGES];
        free(p->key);
        pagecache_release(p->body);
        p->key = buf_take(&k);
        p->body = xmalloc(sizeof *p->body + w->body.len);
        p->body->refs = 1;
        p->body->len = w->body.len;
        p->body->res = NULL;
        memcpy(p->body->data, w->body.p, w->body.len);
        p->ctype = ctype;
    }
    buf_free(&k);
}
