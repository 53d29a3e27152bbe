/* timer.h — the server's timer thread (timer.c): daily reminders and the
 * webhook queue of each organization's file. */
#ifndef ISMS_TIMER_H
#define ISMS_TIMER_H

#include "../lib/err.h"

int timer_start(const char *const *files, int n, struct err *e);
/* Stops the thread, waiting for the work in progress (bounded by libcurl's
 * timeouts). */
void timer_stop(void);

#endif
