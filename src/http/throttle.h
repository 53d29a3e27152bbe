/* throttle.h — sign-in throttling (password and TOTP) per account, per
 * client address and per (address, account) pair, kept in memory for this
 * process in a bounded table that never forgets a live entry: a full table
 * refuses new sign-in attempts rather than dropping what it knows.
 *
 * The policy (docs/guide.md "Sign-in throttling", ARCHITECTURE.md):
 * - account: 5 failures (from anywhere) lock the account for addresses that
 *   never signed in to it: 1 minute, doubling with each further failure, at
 *   most 15 minutes; failures are forgotten after an hour without one.
 * - address: 20 failures are free; then each failure holds that address
 *   back for 2 s, doubling, at most 5 minutes; forgotten after 15 quiet
 *   minutes. A back-off answers 429 with Retry-After and checks nothing.
 * - an address that has signed in to the account before (a "known" pair,
 *   from the security log) passes the account lock and the address back-off;
 *   only the pair's own counter (the account rule) applies to it.
 * A refusal (429) creates nothing; lookups create entries only for attempts
 * that go on to be checked, and a success leaves none behind. */
#ifndef ISMS_THROTTLE_H
#define ISMS_THROTTLE_H

#define THROTTLE_ACCOUNT_MAX 5        /* failures before an account locks */
#define THROTTLE_ACCOUNT_LOCK 60      /* seconds of the first lock */
#define THROTTLE_ACCOUNT_LOCK_MAX 900 /* the longest lock */
#define THROTTLE_ACCOUNT_DECAY 3600   /* failures forgotten after this quiet */
#define THROTTLE_ADDRESS_FREE 20      /* failures before an address backs off */
#define THROTTLE_ADDRESS_WAIT 2       /* seconds of the first back-off */
#define THROTTLE_ADDRESS_WAIT_MAX 300 /* the longest back-off */
#define THROTTLE_ADDRESS_DECAY 900
#define THROTTLE_PER_ADDRESS 64       /* live entries one address may create */
#define THROTTLE_FULL_WAIT 60         /* Retry-After when the table is full */
#define THROTTLE_CAPACITY (1 << 17)   /* entries */

/* One sign-in attempt between throttle_begin and throttle_end. */
struct throttle_ticket {
    unsigned slot[3]; /* account, address, pair (0: none) */
    int proven;
    int full;         /* refused because the table or the address quota is full */
};

/* May this attempt be checked now? org keeps organizations apart; name is
 * the account name as typed (untrusted, any text), addr the client address.
 * known: the address has signed in to this account before (the caller asks
 * the security log, only when this answered a wait with known 0).
 * Returns 0 and fills t (the attempt goes on; call throttle_end), or the
 * seconds to wait (> 0): nothing was created and throttle_end must not be
 * called. */
long throttle_begin(struct throttle_ticket *t, const char *org, const char *name,
                    const char *addr, int known);

/* The outcome of an attempt that throttle_begin let through: failed 1 (a
 * wrong password or code) counts it; 0 (success, or an error that checked
 * nothing) only releases what the attempt held. */
void throttle_end(struct throttle_ticket *t, int failed);

/* The account lock, in seconds, that failures (in a row) earn: 0 below
 * THROTTLE_ACCOUNT_MAX, then THROTTLE_ACCOUNT_LOCK doubling to the
 * maximum. One rule for this process's counters and for the ones several
 * servers share in their database (page_auth.c). */
long throttle_account_lock(long failures);

/* The address as throttling counts it: an IPv6 address by its /64 (one
 * host usually holds a whole /64), an IPv4-mapped IPv6 address as IPv4. */
void throttle_addr_norm(const char *addr, char *out, unsigned long size);

/* For tests: an empty table and a clock fixed at now (0: the real clock);
 * the number of live entries. */
void throttle_test_reset(long long now);
void throttle_test_clock(long long now);
long throttle_test_used(void);

#endif
