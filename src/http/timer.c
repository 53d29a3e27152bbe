/* timer.c — the server's timer thread (outbound): once a minute it gives
 * each organization's file its daily work — e-mail reminders at most once a
 * day per ISMS (app_remind_daily marks the day in the file, so a restart
 * does not send them again) and, when webhooks exist, the delivery of their
 * queue. It works on connections of its own, never on a request's thread,
 * so a slow SMTP or webhook target never holds up a request; libcurl's
 * timeouts bound each attempt. $ISMS_TIMER_SECONDS sets the period (tests). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/outbound.h"
#include "../lib/util.h"
#include "timer.h"

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int stopping, running;
static char **paths;
static int npaths;
static int period = 60;

static void *loop(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        pthread_mutex_unlock(&lock);
        for (int i = 0; i < npaths; i++) {
            struct err e = {0};
            if (app_remind_daily(paths[i], &e)) {
                fprintf(stderr, "isms: reminders for %s: %s\n", paths[i], e.msg);
            }
            struct err we = {0};
            if (app_webhook_deliver_file(paths[i], &we)) {
                fprintf(stderr, "isms: webhooks for %s: %s\n", paths[i], we.msg);
            }
        }
        pthread_mutex_lock(&lock);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += period;
        while (!stopping && pthread_cond_timedwait(&cond, &lock, &ts) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int timer_start(const char *const *files, int n, struct err *e)
{
    const char *p = getenv("ISMS_TIMER_SECONDS");
    if (p && atoi(p) > 0) {
        period = atoi(p);
    }
    paths = xcalloc((size_t)n + 1, sizeof *paths);
    for (int i = 0; i < n; i++) {
        paths[i] = xstrdup(files[i]);
    }
    npaths = n;
    stopping = 0;
    if (pthread_create(&thread, NULL, loop, NULL) != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot start the timer thread: %s",
                       strerror(errno));
    }
    running = 1;
    return 0;
}

void timer_stop(void)
{
    if (!running) {
        return;
    }
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = 0;
    for (int i = 0; i < npaths; i++) {
        free(paths[i]);
    }
    free(paths);
    paths = NULL;
    npaths = 0;
}
