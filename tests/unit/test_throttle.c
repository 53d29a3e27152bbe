/* test_throttle.c — sign-in throttling (src/http/throttle.c) through its
 * API with a fixed clock: the account lock and its back-off, the address
 * back-off, known addresses, nothing created by a refusal, and the state
 * surviving the churn of a million distinct names (from one address and
 * from a million addresses, which fills the table); and the client address
 * behind trusted proxies (src/http/client_addr.c). */
#include <stdio.h>
#include <string.h>

#include "../../src/http/client_addr.h"
#include "../../src/http/throttle.h"
#include "test.h"

#define T0 1800000000LL

/* One attempt that fails (when it may be checked); returns the wait. */
static long fail_once(const char *name, const char *addr, int known)
{
    struct throttle_ticket t;
    long w = throttle_begin(&t, "org", name, addr, known);
    if (w == 0) {
        throttle_end(&t, 1);
    }
    return w;
}

static long probe(const char *name, const char *addr, int known)
{
    struct throttle_ticket t;
    long w = throttle_begin(&t, "org", name, addr, known);
    if (w == 0) {
        throttle_end(&t, 0);
    }
    return w;
}

TEST(throttle_account_lock_backoff)
{
    throttle_test_reset(T0);
    for (int i = 0; i < THROTTLE_ACCOUNT_MAX - 1; i++) {
        CHECK_INT(fail_once("alice", "192.0.2.1", 0), 0);
    }
    CHECK_INT(probe("alice", "192.0.2.2", 0), 0);
    CHECK_INT(fail_once("alice", "192.0.2.1", 0), 0); /* the 5th: locks */
    CHECK_INT(probe("alice", "192.0.2.1", 0), THROTTLE_ACCOUNT_LOCK);
    CHECK_INT(probe("alice", "198.51.100.9", 0), THROTTLE_ACCOUNT_LOCK); /* any address */
    CHECK_INT(probe("bob", "198.51.100.9", 0), 0);                       /* not other names */
    /* a known address passes the account lock, with its own count */
    CHECK_INT(probe("alice", "203.0.113.7", 1), 0);
    for (int i = 0; i < THROTTLE_ACCOUNT_MAX; i++) {
        CHECK_INT(fail_once("alice", "203.0.113.7", 1), 0);
    }
    CHECK_INT(probe("alice", "203.0.113.7", 1), THROTTLE_ACCOUNT_LOCK);
    CHECK_INT(probe("alice", "203.0.113.8", 1), 0);
    /* each failure after a lock doubles the next, up to the cap */
    long long now = T0;
    long want = THROTTLE_ACCOUNT_LOCK * 2;
    for (int i = 0; i < 12; i++) {
        long w = probe("alice", "192.0.2.1", 0);
        now += w;
        throttle_test_clock(now);
        CHECK_INT(fail_once("alice", "192.0.2.1", 0), 0);
        long got = probe("alice", "192.0.2.1", 0);
        /* the pair's failures above count for the account too */
        CHECK(got > 0 && got <= THROTTLE_ACCOUNT_LOCK_MAX);
        if (i == 11) {
            CHECK_INT(got, THROTTLE_ACCOUNT_LOCK_MAX);
        }
        want *= 2;
    }
    /* forgotten after an hour without failures */
    now += THROTTLE_ACCOUNT_LOCK_MAX + THROTTLE_ACCOUNT_DECAY + 1;
    throttle_test_clock(now);
    CHECK_INT(probe("alice", "192.0.2.1", 0), 0);
    for (int i = 0; i < THROTTLE_ACCOUNT_MAX - 1; i++) {
        CHECK_INT(fail_once("alice", "192.0.2.1", 0), 0);
    }
    CHECK_INT(probe("alice", "192.0.2.1", 0), 0);
}

TEST(throttle_address_backoff)
{
    throttle_test_reset(T0);
    for (int i = 0; i < THROTTLE_ADDRESS_FREE; i++) {
        char name[32];
        snprintf(name, sizeof name, "made-up-%d", i);
        CHECK_INT(fail_once(name, "192.0.2.50", 0), 0);
    }
    /* the 20th failure starts a short back-off, not a 15-minute refusal */
    CHECK_INT(probe("carol", "192.0.2.50", 0), THROTTLE_ADDRESS_WAIT);
    CHECK_INT(probe("carol", "192.0.2.51", 0), 0);
    /* an account that signed in from there before is not held back */
    CHECK_INT(probe("dave", "192.0.2.50", 1), 0);
    throttle_test_clock(T0 + THROTTLE_ADDRESS_WAIT);
    CHECK_INT(probe("carol", "192.0.2.50", 0), 0); /* after the back-off: checked */
    CHECK_INT(fail_once("x", "192.0.2.50", 0), 0);
    CHECK_INT(probe("carol", "192.0.2.50", 0), THROTTLE_ADDRESS_WAIT * 2);
    /* the back-off grows to its cap */
    long long now = T0 + THROTTLE_ADDRESS_WAIT;
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "y%d", i);
        now += probe("carol", "192.0.2.50", 0);
        throttle_test_clock(now);
        CHECK_INT(fail_once(name, "192.0.2.50", 0), 0);
    }
    CHECK_INT(probe("carol", "192.0.2.50", 0), THROTTLE_ADDRESS_WAIT_MAX);
    /* one IPv6 host holds a /64: its addresses count together */
    throttle_test_reset(T0);
    for (int i = 0; i < THROTTLE_ADDRESS_FREE; i++) {
        char addr[64], name[32];
        snprintf(addr, sizeof addr, "2001:db8:1:2::%x", i + 1);
        snprintf(name, sizeof name, "n%d", i);
        CHECK_INT(fail_once(name, addr, 0), 0);
    }
    CHECK(probe("carol", "2001:db8:1:2:ffff::1", 0) > 0);
    CHECK_INT(probe("carol", "2001:db8:1:3::1", 0), 0);
    char norm[96];
    throttle_addr_norm("::ffff:192.0.2.9", norm, sizeof norm);
    CHECK_STR(norm, "192.0.2.9");
    throttle_addr_norm("2001:db8:1:2:3:4:5:6", norm, sizeof norm);
    CHECK_STR(norm, "2001:db8:1:2::/64");
}

TEST(throttle_refusal_creates_nothing)
{
    throttle_test_reset(T0);
    CHECK_INT(throttle_test_used(), 0);
    /* a success leaves nothing behind */
    CHECK_INT(probe("erin", "192.0.2.1", 0), 0);
    CHECK_INT(throttle_test_used(), 0);
    for (int i = 0; i < THROTTLE_ADDRESS_FREE; i++) {
        char name[32];
        snprintf(name, sizeof name, "u%d", i);
        fail_once(name, "192.0.2.1", 0);
    }
    long used = throttle_test_used();
    CHECK_INT(used, THROTTLE_ADDRESS_FREE + 1); /* 20 names and the address */
    for (int i = 0; i < 10000; i++) {
        char name[32];
        snprintf(name, sizeof name, "v%d", i);
        CHECK(fail_once(name, "192.0.2.1", 0) > 0);
    }
    CHECK_INT(throttle_test_used(), used);
    /* an attempt in flight at the threshold holds the next one back */
    throttle_test_reset(T0);
    for (int i = 0; i < THROTTLE_ACCOUNT_MAX - 1; i++) {
        fail_once("frank", "192.0.2.2", 0);
    }
    struct throttle_ticket t1, t2;
    CHECK_INT(throttle_begin(&t1, "org", "frank", "192.0.2.3", 0), 0);
    CHECK_INT(throttle_begin(&t2, "org", "frank", "192.0.2.4", 0), 1);
    throttle_end(&t1, 1);
    CHECK_INT(probe("frank", "192.0.2.4", 0), THROTTLE_ACCOUNT_LOCK);
    /* organizations are apart */
    struct throttle_ticket t3;
    CHECK_INT(throttle_begin(&t3, "other", "frank", "192.0.2.4", 0), 0);
    throttle_end(&t3, 0);
}

/* A locked account under a million distinct names tried from one address:
 * the address backs off, the names create (almost) nothing, the lock
 * holds to the second. */
TEST(throttle_million_names_one_address)
{
    throttle_test_reset(T0);
    for (int i = 0; i < THROTTLE_ACCOUNT_MAX + 4; i++) {
        fail_once("admin", "192.0.2.1", 0);
        throttle_test_clock(T0 + 1000LL * (i + 1)); /* wait out each lock */
    }
    long long locked_at = T0 + 1000LL * (THROTTLE_ACCOUNT_MAX + 3);
    throttle_test_clock(locked_at);
    CHECK_INT(probe("admin", "192.0.2.9", 0), THROTTLE_ACCOUNT_LOCK_MAX);
    long checked = 0, max_used = 0;
    for (long i = 0; i < 1000000; i++) {
        char name[32];
        snprintf(name, sizeof name, "churn-%ld", i);
        if (fail_once(name, "198.51.100.1", 0) == 0) {
            checked++;
        }
        if (i % 2000 == 1999) {
            throttle_test_clock(locked_at + (i + 1) / 2000); /* 500 s in all */
            long u = throttle_test_used();
            max_used = u > max_used ? u : max_used;
        }
    }
    CHECK_INT(probe("admin", "192.0.2.9", 0), THROTTLE_ACCOUNT_LOCK_MAX - 500);
    CHECK_INT(probe("admin", "198.51.100.1", 0), THROTTLE_ACCOUNT_LOCK_MAX - 500);
    /* 20 free failures, then one per back-off: 2+4+...+256 s fit in 500 s */
    CHECK(checked >= THROTTLE_ADDRESS_FREE && checked <= THROTTLE_ADDRESS_FREE + 9);
    CHECK(max_used <= THROTTLE_PER_ADDRESS + 2);
    fprintf(stderr, "  one address, 1,000,000 names: %ld checked, at most %ld entries\n", checked,
            max_used);
}

/* A million distinct names, each from its own address (a botnet): the
 * table fills, then refuses new attempts rather than forget; the locked
 * account stays locked, and an address that signed in to it before still
 * gets through from the reserve. */
TEST(throttle_million_names_many_addresses)
{
    throttle_test_reset(T0);
    for (int i = 0; i < THROTTLE_ACCOUNT_MAX + 4; i++) {
        fail_once("admin", "192.0.2.1", 0);
        throttle_test_clock(T0 + 1000LL * (i + 1));
    }
    long long locked_at = T0 + 1000LL * (THROTTLE_ACCOUNT_MAX + 3);
    throttle_test_clock(locked_at);
    long checked = 0, refused = 0;
    for (long i = 0; i < 1000000; i++) {
        char name[32], addr[32];
        snprintf(name, sizeof name, "bot-%ld", i);
        snprintf(addr, sizeof addr, "10.%ld.%ld.%ld", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        if (fail_once(name, addr, 0) == 0) {
            checked++;
        } else {
            refused++;
        }
        if (i % 2000 == 1999) {
            throttle_test_clock(locked_at + (i + 1) / 2000);
            CHECK(throttle_test_used() <= THROTTLE_CAPACITY);
        }
    }
    CHECK_INT(probe("admin", "192.0.2.9", 0), THROTTLE_ACCOUNT_LOCK_MAX - 500);
    CHECK(refused > 0);
    CHECK(checked < THROTTLE_CAPACITY);
    /* full: a new attempt is refused (fail closed) ... */
    CHECK_INT(probe("newcomer", "172.16.0.1", 0), THROTTLE_FULL_WAIT);
    /* ... but a known address still signs in */
    CHECK_INT(probe("admin", "192.0.2.1", 1), 0);
    fprintf(stderr, "  1,000,000 names from as many addresses: %ld checked, %ld refused\n",
            checked, refused);
    /* once the churn stops and its failures are forgotten, room returns
     * (the next sweep at most 32 s later) */
    throttle_test_clock(locked_at + 500 + THROTTLE_ACCOUNT_DECAY + 40);
    CHECK_INT(probe("newcomer", "172.16.0.1", 0), 0);
    throttle_test_reset(0);
}

TEST(client_addr_trusted_proxies)
{
    struct err e = {0};
    CHECK(client_addr_trust("10.0.0.1,not-an-address", &e) == -1);
    CHECK(strstr(e.msg, "not-an-address") != NULL);
    CHECK(client_addr_trust("10.0.0.0/33", &e) == -1);
    CHECK(client_addr_trust("10.0.0.0/", &e) == -1);
    CHECK(client_addr_trust("10.0.0.0/8,192.0.2.10,2001:db8::/32", &e) == 0);
    CHECK(client_addr_trusted("10.1.2.3"));
    CHECK(client_addr_trusted("192.0.2.10"));
    CHECK(!client_addr_trusted("192.0.2.11"));
    CHECK(client_addr_trusted("2001:db8:ffff::1"));
    CHECK(!client_addr_trusted("2001:db9::1"));
    char out[64];
    /* an untrusted peer: the header is ignored */
    client_addr_resolve("198.51.100.7", "203.0.113.1", out, sizeof out);
    CHECK_STR(out, "198.51.100.7");
    /* a trusted peer: the rightmost untrusted hop, whatever is left of it */
    client_addr_resolve("10.0.0.1", "1.1.1.1, 203.0.113.5", out, sizeof out);
    CHECK_STR(out, "203.0.113.5");
    client_addr_resolve("10.0.0.1", "1.1.1.1, 203.0.113.5, 10.9.9.9", out, sizeof out);
    CHECK_STR(out, "203.0.113.5");
    client_addr_resolve("10.0.0.1", "10.2.2.2,10.3.3.3", out, sizeof out);
    CHECK_STR(out, "10.2.2.2");
    client_addr_resolve("10.0.0.1", "garbage, 10.3.3.3", out, sizeof out);
    CHECK_STR(out, "10.3.3.3");
    client_addr_resolve("10.0.0.1", "203.0.113.9:4711", out, sizeof out);
    CHECK_STR(out, "203.0.113.9");
    client_addr_resolve("10.0.0.1", "[2001:db9::5]", out, sizeof out);
    CHECK_STR(out, "2001:db9::5");
    client_addr_resolve("10.0.0.1", "", out, sizeof out);
    CHECK_STR(out, "10.0.0.1");
    CHECK(client_addr_trust(NULL, &e) == 0);
    client_addr_resolve("10.0.0.1", "203.0.113.5", out, sizeof out);
    CHECK_STR(out, "10.0.0.1");
}
