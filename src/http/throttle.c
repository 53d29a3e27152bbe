/* throttle.c — see throttle.h. A chained hash table over a fixed pool of
 * entries, guarded by one mutex. Keys are identified by a 128-bit SipHash
 * (crypto_shorthash_siphashx24) under a secret drawn at first use, so no
 * one outside the process can compute names that collide. An entry is
 * reclaimed only when it holds nothing that still matters: not locked, its
 * failures forgotten, no attempt in flight, no entries charged to it. When
 * no entry can be had, the attempt is refused (fail closed). */
#include "throttle.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NBUCKETS (1u << 18)
#define NIL 0u
/* entries only an address that signed in to the account before may take:
 * a table filled by an attack still lets known users in */
#define RESERVE (THROTTLE_CAPACITY / 16)

enum kind { K_ACCOUNT, K_ADDRESS, K_PAIR };

struct entry {
    unsigned char id[crypto_shorthash_siphashx24_BYTES];
    uint32_t next;     /* bucket chain; free list */
    uint32_t parent;   /* the address entry this one is charged to */
    uint32_t children; /* address entries: live entries charged to it */
    uint16_t failures;
    uint16_t busy;     /* attempts in flight holding it */
    uint8_t kind;
    long long last;    /* time of the last failure */
    long long until;   /* attempts refused before this time */
};

/* index 0 is NIL: entries live in table[1..THROTTLE_CAPACITY] */
static struct entry table[THROTTLE_CAPACITY + 1];
static uint32_t buckets[NBUCKETS];
static uint32_t free_head = NIL;
static uint32_t high = 1; /* entries above this were never used */
static long used;
static long long next_sweep;
static long long sweep_pause;
static long long fixed_now;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned char secret[crypto_shorthash_siphashx24_KEYBYTES];
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static void make_secret(void)
{
    randombytes_buf(secret, sizeof secret);
}

static long long now_s(void)
{
    return fixed_now ? fixed_now : (long long)time(NULL);
}

static void key_id(unsigned char id[crypto_shorthash_siphashx24_BYTES], enum kind k,
                   const char *org, const char *name, const char *addr)
{
    char key[400];
    /* the separators cannot occur in an organization slug or an address,
     * and the name comes last: distinct keys give distinct strings */
    int n = snprintf(key, sizeof key, "%d\x1f%.63s\x1f%.64s\x1f%.250s", (int)k, org ? org : "",
                     addr ? addr : "", name ? name : "");
    if (n < 0) {
        n = 0;
    }
    size_t len = (size_t)n < sizeof key ? (size_t)n : sizeof key - 1;
    crypto_shorthash_siphashx24(id, (const unsigned char *)key, len, secret);
}

static uint32_t bucket_of(const unsigned char *id)
{
    uint32_t h;
    memcpy(&h, id, sizeof h);
    return h & (NBUCKETS - 1);
}

static uint32_t find(const unsigned char *id)
{
    for (uint32_t i = buckets[bucket_of(id)]; i != NIL; i = table[i].next) {
        if (memcmp(table[i].id, id, sizeof table[i].id) == 0) {
            return i;
        }
    }
    return NIL;
}

static long long decay_of(const struct entry *e)
{
    return e->kind == K_ADDRESS ? THROTTLE_ADDRESS_DECAY : THROTTLE_ACCOUNT_DECAY;
}

/* Forgets failures that are old enough (never while a lock runs). */
static void decay(struct entry *e, long long now)
{
    if (e->failures && now >= e->until && now - e->last > decay_of(e)) {
        e->failures = 0;
        e->until = 0;
    }
}

static int reclaimable(const struct entry *e, long long now)
{
    return e->busy == 0 && e->children == 0 && now >= e->until &&
           (e->failures == 0 || now - e->last > decay_of(e));
}

static void unlink_entry(uint32_t i)
{
    uint32_t *p = &buckets[bucket_of(table[i].id)];
    while (*p != i) {
        p = &table[*p].next;
    }
    *p = table[i].next;
    if (table[i].parent != NIL) {
        table[table[i].parent].children--;
    }
    memset(&table[i], 0, sizeof table[i]);
    table[i].next = free_head;
    free_head = i;
    used--;
}

/* Reclaims every entry that holds nothing that matters. It walks the
 * whole table, so it runs at most once a second, and when it finds little
 * to reclaim (a table kept full by an attack) the pause doubles, up to 32
 * seconds: refusing meanwhile forgets nothing. */
static void sweep(long long now)
{
    if (now < next_sweep) {
        return;
    }
    long before = used;
    for (uint32_t b = 0; b < NBUCKETS; b++) {
        uint32_t i = buckets[b];
        while (i != NIL) {
            uint32_t next = table[i].next;
            if (reclaimable(&table[i], now)) {
                unlink_entry(i);
            }
            i = next;
        }
    }
    if (before - used < THROTTLE_CAPACITY / 100) {
        sweep_pause = sweep_pause ? (sweep_pause < 32 ? sweep_pause * 2 : 32) : 1;
    } else {
        sweep_pause = 1;
    }
    next_sweep = now + sweep_pause;
}

static uint32_t insert(const unsigned char *id, enum kind k, uint32_t parent)
{
    uint32_t i;
    if (free_head != NIL) {
        i = free_head;
        free_head = table[i].next;
    } else if (high <= THROTTLE_CAPACITY) {
        i = high++;
    } else {
        return NIL;
    }
    struct entry *e = &table[i];
    memset(e, 0, sizeof *e);
    memcpy(e->id, id, sizeof e->id);
    e->kind = (uint8_t)k;
    e->parent = parent;
    if (parent != NIL) {
        table[parent].children++;
    }
    uint32_t b = bucket_of(id);
    e->next = buckets[b];
    buckets[b] = i;
    used++;
    return i;
}

/* Seconds until e lets an attempt through (0: now). An attempt already in
 * flight at the threshold holds the next one back, so that concurrent
 * requests cannot each get the last guess. */
static long blocked(const struct entry *e, long long now)
{
    if (!e) {
        return 0;
    }
    if (e->until > now) {
        return (long)(e->until - now);
    }
    int max = e->kind == K_ADDRESS ? THROTTLE_ADDRESS_FREE : THROTTLE_ACCOUNT_MAX;
    if (e->busy && e->failures + e->busy >= max) {
        return 1;
    }
    return 0;
}

long throttle_account_lock(long failures)
{
    if (failures < THROTTLE_ACCOUNT_MAX) {
        return 0;
    }
    long k = failures - THROTTLE_ACCOUNT_MAX;
    long long wait = k > 16 ? THROTTLE_ACCOUNT_LOCK_MAX : (long long)THROTTLE_ACCOUNT_LOCK << k;
    return (long)(wait > THROTTLE_ACCOUNT_LOCK_MAX ? THROTTLE_ACCOUNT_LOCK_MAX : wait);
}

static void record_failure(struct entry *e, long long now)
{
    decay(e, now);
    if (e->failures < UINT16_MAX) {
        e->failures++;
    }
    e->last = now;
    long long wait = 0;
    if (e->kind == K_ADDRESS) {
        if (e->failures >= THROTTLE_ADDRESS_FREE) {
            int k = e->failures - THROTTLE_ADDRESS_FREE;
            wait = k > 16 ? THROTTLE_ADDRESS_WAIT_MAX : (long long)THROTTLE_ADDRESS_WAIT << k;
            wait = wait > THROTTLE_ADDRESS_WAIT_MAX ? THROTTLE_ADDRESS_WAIT_MAX : wait;
        }
    } else {
        wait = throttle_account_lock(e->failures);
    }
    e->until = wait ? now + wait : 0;
}

static struct entry *at(uint32_t i)
{
    return i == NIL ? NULL : &table[i];
}

void throttle_addr_norm(const char *addr, char *out, unsigned long size)
{
    unsigned char a6[16];
    if (addr && strchr(addr, ':') && inet_pton(AF_INET6, addr, a6) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a6, mapped, sizeof mapped) == 0) {
            inet_ntop(AF_INET, a6 + 12, out, (socklen_t)size);
            return;
        }
        memset(a6 + 8, 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a6, text, sizeof text);
        snprintf(out, size, "%s/64", text);
        return;
    }
    snprintf(out, size, "%s", addr ? addr : "");
}

long throttle_begin(struct throttle_ticket *t, const char *org, const char *name,
                    const char *addr, int known)
{
    pthread_once(&secret_once, make_secret);
    memset(t, 0, sizeof *t);
    t->proven = known != 0;
    char where[96];
    throttle_addr_norm(addr, where, sizeof where);
    unsigned char ida[16], idi[16], idp[16];
    key_id(ida, K_ACCOUNT, org, name, NULL);
    key_id(idi, K_ADDRESS, org, NULL, where);
    key_id(idp, K_PAIR, org, name, where);

    pthread_mutex_lock(&lock);
    long long now = now_s();
    long wait = 0;
    for (int round = 0;; round++) {
        uint32_t a = find(ida), i = find(idi), p = find(idp);
        struct entry *ea = at(a), *ei = at(i), *ep = at(p);
        for (int k = 0; k < 3; k++) {
            struct entry *e = k == 0 ? ea : k == 1 ? ei : ep;
            if (e) {
                decay(e, now);
            }
        }
        if (t->proven) {
            wait = blocked(ep, now);
        } else {
            long wa = blocked(ea, now), wi = blocked(ei, now);
            wait = wa > wi ? wa : wi;
        }
        if (wait > 0) {
            break;
        }
        /* what recording a failure will need, taken now */
        int need = (a == NIL) + (i == NIL) + (t->proven && p == NIL);
        unsigned charged = (unsigned)(a == NIL) + (unsigned)(t->proven && p == NIL);
        long room = THROTTLE_CAPACITY - used - (t->proven ? 0 : RESERVE);
        /* a known pair is not held to the quota: an attacker cannot make
         * more of those without the password */
        int quota_ok = t->proven || !ei || ei->children + charged <= THROTTLE_PER_ADDRESS;
        if (room < need || !quota_ok) {
            if (round == 0 && room < need) {
                sweep(now);
                continue; /* the sweep may have reclaimed what find() gave */
            }
            t->full = 1;
            wait = THROTTLE_FULL_WAIT;
            break;
        }
        if (i == NIL) {
            i = insert(idi, K_ADDRESS, NIL);
        }
        if (a == NIL) {
            a = insert(ida, K_ACCOUNT, i);
        }
        if (t->proven && p == NIL) {
            p = insert(idp, K_PAIR, i);
        }
        t->slot[0] = a;
        t->slot[1] = i;
        t->slot[2] = t->proven ? p : NIL;
        for (int k = 0; k < 3; k++) {
            if (t->slot[k] != NIL) {
                table[t->slot[k]].busy++;
            }
        }
        break;
    }
    pthread_mutex_unlock(&lock);
    return wait;
}

void throttle_end(struct throttle_ticket *t, int failed)
{
    pthread_mutex_lock(&lock);
    long long now = now_s();
    /* pair and account first: they are charged to the address entry */
    static const int order[3] = {2, 0, 1};
    for (int n = 0; n < 3; n++) {
        uint32_t s = t->slot[order[n]];
        if (s == NIL) {
            continue;
        }
        struct entry *e = &table[s];
        if (e->busy) {
            e->busy--;
        }
        if (failed) {
            record_failure(e, now);
        } else if (e->kind == K_PAIR) {
            /* a success from a known address starts its count afresh; the
             * account's count stays (the failures may be someone else's) */
            e->failures = 0;
            e->until = 0;
        }
        if (e->failures == 0 && e->busy == 0 && e->children == 0) {
            unlink_entry(s);
        }
        t->slot[order[n]] = NIL;
    }
    pthread_mutex_unlock(&lock);
}

void throttle_test_reset(long long now)
{
    pthread_mutex_lock(&lock);
    memset(table, 0, sizeof table);
    memset(buckets, 0, sizeof buckets);
    free_head = NIL;
    high = 1;
    used = 0;
    next_sweep = 0;
    sweep_pause = 0;
    fixed_now = now;
    pthread_mutex_unlock(&lock);
}

void throttle_test_clock(long long now)
{
    pthread_mutex_lock(&lock);
    fixed_now = now;
    pthread_mutex_unlock(&lock);
}

long throttle_test_used(void)
{
    pthread_mutex_lock(&lock);
    long n = used;
    pthread_mutex_unlock(&lock);
    return n;
}
