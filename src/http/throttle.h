/* throttle.h — login throttling per account and per client address, kept in
 * memory for this process (a restart forgets it; several servers in front of
 * PostgreSQL will need it in the database). */
#ifndef ISMS_THROTTLE_H
#define ISMS_THROTTLE_H

#define THROTTLE_WINDOW 900       /* seconds */
#define THROTTLE_ACCOUNT_MAX 5    /* failures per account per window */
#define THROTTLE_ADDRESS_MAX 20   /* failures per address per window */

/* Seconds until key may try again, 0 when it may now. kind: "a" account,
 * "i" address; org keeps organizations apart. */
long throttle_wait(const char *org, const char *kind, const char *key);
void throttle_fail(const char *org, const char *kind, const char *key);
void throttle_clear(const char *org, const char *kind, const char *key);

#endif
