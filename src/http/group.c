/* group.c — group commit.
 *
 * A durable write costs an fsync; one per request caps the server at what
 * the disk gives (about 3,000 a second here) however little the write
 * itself costs. So the requests that write (every method but GET and HEAD)
 * run their handler on one writer connection per organization, in turn, and
 * the committer thread commits whatever ran since its last commit in one
 * transaction, with one fsync:
 *
 *   - each request's store_begin .. store_commit is a savepoint inside the
 *     group's transaction (store_group_mode): a request that fails rolls
 *     back its own writes only, never another's;
 *   - no request is answered before the commit that holds its writes
 *     returned (PENDING: its connection is suspended, its answer kept);
 *     a request that ran while the transaction was open waits for it too,
 *     since what it read came from it;
 *   - a commit that fails answers every request in it 503, nothing stored;
 *   - a request that comes while the writer runs another or commits is
 *     parked (DEFERRED) and run when it is free: a worker thread never
 *     waits for the writer, it serves its other connections meanwhile.
 *
 * The history chain keeps its form: entries are appended in the order the
 * requests ran, each hashing the one before, as with one transaction each.
 * The committer lingers (at most LINGER_NS) while requests it woke have not
 * run yet, so that they share the next fsync instead of each taking one. */
#include <microhttpd.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "../app/app.h"
#include "../lib/util.h"
#include "../store/store.h"
#include "group.h"
#include "routes.h"

#define MAX_GROUPS 256
#define LINGER_NS 1000000L /* 1 ms */

enum gstate { G_IDLE, G_RUNNING, G_COMMITTING };

struct group {
    pthread_mutex_t mu;
    pthread_cond_t work; /* to the committer: something to commit, or stop */
    int started;
    enum gstate state;
    struct app *w;        /* the writer connection, opened at the first write */
    struct gwait *pending, *deferred;
    int npending;
    int unrun;            /* deferred requests woken, not yet run again */
    int stop;
    int closing;          /* shutting down: nothing parks, each commits at once */
    pthread_cond_t idle;  /* the writer became free */
    pthread_t committer;
    long long writes, commits;
};

static struct group groups[MAX_GROUPS];
static pthread_mutex_t groups_mu = PTHREAD_MUTEX_INITIALIZER;
static struct app *(*open_writer)(int org, struct err *e);

void group_init(struct app *(*open)(int org, struct err *e))
{
    open_writer = open;
}

/* Every parked connection of a list woken (the caller holds g->mu). */
static void wake(struct group *g, struct gwait *list, enum gw_state state, const struct err *e)
{
    for (struct gwait *gw = list, *next; gw; gw = next) {
        next = gw->next;
        gw->next = NULL;
        if (state == GW_DONE) {
            gw->state = GW_DONE;
            gw->failed = e != NULL;
            if (e) {
                gw->err = *e;
            }
        } else {
            gw->resumed = 1;
            g->unrun++;
        }
        MHD_resume_connection(gw->conn);
    }
}

/* The group's transaction committed; on failure e says what every request
 * in it is answered (503: nothing of it was stored). */
static int group_commit(struct group *g, struct err *e)
{
    if (store_group_commit(g->w->st, e) == 0) {
        return 0;
    }
    struct err said = *e;
    err_set(e, ERR_UNAVAILABLE, NULL,
            "the change could not be saved (%s); nothing was stored, try again", said.msg);
    return -1;
}

static void *committer(void *arg)
{
    struct group *g = arg;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->stop && !(g->npending > 0 && g->state == G_IDLE)) {
            if (g->npending > 0) {
                /* bounded: a woken request that never runs again must not
                 * hold the others' answers */
                struct timespec soon;
                clock_gettime(CLOCK_REALTIME, &soon);
                soon.tv_nsec += 2 * LINGER_NS;
                if (soon.tv_nsec >= 1000000000L) {
                    soon.tv_sec++;
                    soon.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&g->work, &g->mu, &soon);
            } else {
                pthread_cond_wait(&g->work, &g->mu);
            }
        }
        if (g->npending == 0 && g->stop) {
            break;
        }
        /* linger while woken requests have yet to run (bounded: one whose
         * connection went away never comes) */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += LINGER_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!g->stop && (g->unrun > 0 || g->state != G_IDLE) &&
               pthread_cond_timedwait(&g->work, &g->mu, &until) == 0) {
        }
        if (g->state != G_IDLE) {
            continue; /* a request is running: commit after it */
        }
        g->state = G_COMMITTING;
        struct gwait *batch = g->pending;
        int n = g->npending;
        g->pending = NULL;
        g->npending = 0;
        pthread_mutex_unlock(&g->mu);

        struct err e = {0};
        int rc = group_commit(g, &e);

        pthread_mutex_lock(&g->mu);
        g->state = G_IDLE;
        pthread_cond_broadcast(&g->idle);
        g->commits++;
        if (!rc) {
            g->writes += n;
        }
        wake(g, batch, GW_DONE, rc ? &e : NULL);
        struct gwait *deferred = g->deferred;
        g->deferred = NULL;
        wake(g, deferred, GW_DEFERRED, NULL);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

static struct group *group_get(int org, struct err *e)
{
    if (org < 0 || org >= MAX_GROUPS) {
        err_set(e, ERR_INTERNAL, NULL, "no such organization");
        return NULL;
    }
    struct group *g = &groups[org];
    pthread_mutex_lock(&groups_mu);
    if (!g->started) {
        pthread_mutex_init(&g->mu, NULL);
        pthread_cond_init(&g->work, NULL);
        pthread_cond_init(&g->idle, NULL);
        if (pthread_create(&g->committer, NULL, committer, g) != 0) {
            pthread_mutex_unlock(&groups_mu);
            err_set(e, ERR_INTERNAL, NULL, "cannot start a thread");
            return NULL;
        }
        g->started = 1;
    }
    pthread_mutex_unlock(&groups_mu);
    return g;
}

static void park(struct gwait *gw, struct gwait **list, enum gw_state state)
{
    gw->state = state;
    gw->next = *list;
    *list = gw;
    MHD_suspend_connection(gw->conn);
}

int group_run(struct req *r, struct resp *w, const struct route *rt)
{
    struct gwait *gw = r->gw;
    if (!gw) {
        return rt->fn(r, w);
    }
    struct err e = {0};
    struct group *g = group_get(gw->org, &e);
    if (!g) {
        resp_error(r, w, &e);
        return 0;
    }
    if (!gw->saved) {
        /* who acts, as the router set it on this worker's connection */
        gw->who = r->app->who;
        strlcpy_(gw->actor, r->app->actor, sizeof gw->actor);
        gw->saved = 1;
    }
    pthread_mutex_lock(&g->mu);
    if (gw->resumed) {
        gw->resumed = 0;
        g->unrun--;
    }
    if (g->closing) {
        /* shutting down: this worker waits its turn, nothing is parked */
        while (g->state != G_IDLE) {
            pthread_cond_wait(&g->idle, &g->mu);
        }
    } else if (g->state != G_IDLE) {
        park(gw, &g->deferred, GW_DEFERRED);
        pthread_mutex_unlock(&g->mu);
        return 0;
    }
    if (!g->w) {
        g->w = open_writer(gw->org, &e);
        if (!g->w) {
            pthread_mutex_unlock(&g->mu);
            resp_error(r, w, &e);
            return 0;
        }
        store_group_mode(g->w->st, 1);
    }
    g->state = G_RUNNING;
    pthread_mutex_unlock(&g->mu);

    struct app *own = r->app, *wa = g->w;
    app_set_principal(wa, &gw->who);
    strlcpy_(wa->actor, gw->actor, sizeof wa->actor);
    wa->accepting = 0;
    r->app = wa;
    int rc = rt->fn(r, w);
    r->app = own;
    store_group_settle(wa->st);

    pthread_mutex_lock(&g->mu);
    if (g->closing && store_group_open(wa->st)) {
        /* shutting down: committed here, answered at once */
        struct err ce = {0};
        if (group_commit(g, &ce)) {
            resp_error_instead(r, w, &ce);
        } else {
            g->writes++;
        }
        g->commits++;
    }
    g->state = G_IDLE;
    pthread_cond_broadcast(&g->idle);
    if (store_group_open(wa->st)) {
        park(gw, &g->pending, GW_PENDING);
        g->npending++;
    } else {
        gw->state = GW_NONE;
    }
    /* the writer is free: those that came meanwhile run now */
    struct gwait *deferred = g->deferred;
    g->deferred = NULL;
    wake(g, deferred, GW_DEFERRED, NULL);
    if (g->unrun == 0) {
        /* the committer has something to do only once no woken request is
         * still to run (the last of them signals): a wake-up per request
         * would cost it a context switch each */
        pthread_cond_signal(&g->work);
    }
    pthread_mutex_unlock(&g->mu);
    return rc;
}

void group_drain(void)
{
    for (int i = 0; i < MAX_GROUPS; i++) {
        struct group *g = &groups[i];
        if (!g->started) {
            continue;
        }
        pthread_mutex_lock(&g->mu);
        g->closing = 1;
        /* those parked are answered by the committer; none parks from now */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 5;
        while ((g->npending || g->deferred || g->state != G_IDLE) &&
               pthread_cond_timedwait(&g->idle, &g->mu, &until) == 0) {
        }
        /* deferred ones woken: they run now, committing at once */
        struct gwait *deferred = g->deferred;
        g->deferred = NULL;
        wake(g, deferred, GW_DEFERRED, NULL);
        pthread_mutex_unlock(&g->mu);
    }
}

void group_forget(struct gwait *gw)
{
    if (!gw->resumed || gw->org < 0 || gw->org >= MAX_GROUPS || !groups[gw->org].started) {
        return;
    }
    struct group *g = &groups[gw->org];
    pthread_mutex_lock(&g->mu);
    if (gw->resumed) {
        gw->resumed = 0;
        if (--g->unrun == 0) {
            pthread_cond_signal(&g->work);
        }
    }
    pthread_mutex_unlock(&g->mu);
}

void group_stop(void)
{
    for (int i = 0; i < MAX_GROUPS; i++) {
        struct group *g = &groups[i];
        if (!g->started) {
            continue;
        }
        pthread_mutex_lock(&g->mu);
        g->stop = 1;
        pthread_cond_signal(&g->work);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->committer, NULL);
        if (g->w) {
            struct err e = {0};
            store_group_commit(g->w->st, &e); /* requests whose clients went away */
            app_close(g->w);
            free(g->w);
            g->w = NULL;
        }
        pthread_cond_destroy(&g->work);
        pthread_cond_destroy(&g->idle);
        pthread_mutex_destroy(&g->mu);
        g->started = 0;
    }
}

void group_stats(long long *writes, long long *commits)
{
    *writes = *commits = 0;
    for (int i = 0; i < MAX_GROUPS; i++) {
        struct group *g = &groups[i];
        if (g->started) {
            pthread_mutex_lock(&g->mu);
            *writes += g->writes;
            *commits += g->commits;
            pthread_mutex_unlock(&g->mu);
        }
    }
}
