/* group.h — group commit: the server's writes to one ISMS file go through
 * one writer connection, and the requests that wrote since its last commit
 * are acknowledged together after one fsync (group.c). */
#ifndef ISMS_GROUP_H
#define ISMS_GROUP_H

#include "../lib/err.h"
#include "../model/perm.h"
#include "http.h"

struct app;
struct route;

/* One request's place in its organization's group (embedded in the
 * server's per-request state; r->gw points at it). */
enum gw_state {
    GW_NONE,     /* not parked */
    GW_DEFERRED, /* came while the writer was busy: runs when it is free */
    GW_PENDING,  /* ran inside the open transaction: answered after its commit */
    GW_DONE      /* its group committed (or failed: failed, err) */
};
struct gwait {
    void *conn;   /* the libmicrohttpd connection, suspended while parked */
    int org;      /* organization index */
    enum gw_state state;
    int resumed;  /* a deferred request woken and not yet run again */
    int failed;
    struct err err;
    int saved;    /* who and actor taken from the request's own connection */
    struct principal who;
    char actor[128];
    struct gwait *next;
};

/* open: the organization's writer (its own connection, never a worker's).
 * Started with the server, before the first request. */
void group_init(struct app *(*open)(int org, struct err *e));
/* Runs rt's handler on the organization's writer; the request is parked
 * (r->gw->state DEFERRED or PENDING, the connection suspended) when it
 * must wait: the server answers it when it is resumed. */
int group_run(struct req *r, struct resp *w, const struct route *rt);
/* A parked request's connection ended before it was answered. */
void group_forget(struct gwait *gw);
/* Before the server stops: waits (up to 5 s) for the parked requests to be
 * answered; from then on nothing parks (each write commits at once), so no
 * connection is left suspended when libmicrohttpd stops. */
void group_drain(void);
/* After the last connection: every open transaction committed, the
 * committers stopped, the writers closed. */
void group_stop(void);
/* Writes acknowledged and commits made so far (all organizations). */
void group_stats(long long *writes, long long *commits);

#endif
