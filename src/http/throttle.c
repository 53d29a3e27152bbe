/* throttle.c — see throttle.h. A small open-addressing table guarded by a
 * mutex; entries expire with their window. */
#include "throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SLOTS 4096

struct slot {
    char key[160];
    int failures;
    long long window_start;
    long long locked_until;
};

static struct slot table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long hash(const char *s)
{
    unsigned long h = 5381;
    while (*s) {
        h = h * 33 + (unsigned char)*s++;
    }
    return h;
}

/* The slot for key (existing, or a free or expired one); never NULL. */
static struct slot *find(const char *key, long long now)
{
    unsigned long h = hash(key);
    struct slot *victim = NULL;
    for (int i = 0; i < 64; i++) {
        struct slot *s = &table[(h + (unsigned long)i) % SLOTS];
        if (strcmp(s->key, key) == 0) {
            return s;
        }
        int stale = s->key[0] == 0 ||
                    (now - s->window_start > THROTTLE_WINDOW && now >= s->locked_until);
        if (stale && !victim) {
            victim = s;
        }
    }
    if (!victim) {
        victim = &table[h % SLOTS]; /* full: reuse, the table is only a brake */
    }
    memset(victim, 0, sizeof *victim);
    snprintf(victim->key, sizeof victim->key, "%s", key);
    victim->window_start = now;
    return victim;
}

static void make_key(char *out, size_t n, const char *org, const char *kind, const char *key)
{
    snprintf(out, n, "%.40s|%.2s|%.100s", org ? org : "", kind, key ? key : "");
}

long throttle_wait(const char *org, const char *kind, const char *key)
{
    char k[160];
    make_key(k, sizeof k, org, kind, key);
    long long now = (long long)time(NULL);
    pthread_mutex_lock(&lock);
    struct slot *s = find(k, now);
    long wait = s->locked_until > now ? (long)(s->locked_until - now) : 0;
    pthread_mutex_unlock(&lock);
    return wait;
}

void throttle_fail(const char *org, const char *kind, const char *key)
{
    char k[160];
    make_key(k, sizeof k, org, kind, key);
    long long now = (long long)time(NULL);
    pthread_mutex_lock(&lock);
    struct slot *s = find(k, now);
    if (now - s->window_start > THROTTLE_WINDOW) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    int max = kind[0] == 'a' ? THROTTLE_ACCOUNT_MAX : THROTTLE_ADDRESS_MAX;
    if (s->failures >= max) {
        s->locked_until = now + THROTTLE_WINDOW;
    }
    pthread_mutex_unlock(&lock);
}

void throttle_clear(const char *org, const char *kind, const char *key)
{
    char k[160];
    make_key(k, sizeof k, org, kind, key);
    pthread_mutex_lock(&lock);
    struct slot *s = find(k, (long long)time(NULL));
    s->failures = 0;
    s->locked_until = 0;
    pthread_mutex_unlock(&lock);
}
