/* client_addr.c — see client_addr.h. The trusted list is parsed once at
 * start; each request compares binary addresses against it. */
#include "client_addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/buf.h"

struct net {
    int family; /* AF_INET or AF_INET6 */
    unsigned char a[16];
    int bits;
};

static struct net nets[CLIENT_ADDR_MAX_PROXIES];
static int nnets;

/* Parses an address (IPv4, IPv6, "[IPv6]", or IPv4 with ":port") into n
 * with a full prefix; 0 on success. */
static int parse_addr(const char *s, size_t len, struct net *n)
{
    char text[64];
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1])) {
        len--;
    }
    if (len == 0 || len >= sizeof text) {
        return -1;
    }
    memcpy(text, s, len);
    text[len] = 0;
    char *t = text;
    if (t[0] == '[') {
        char *end = strchr(t, ']');
        if (!end || (end[1] && end[1] != ':')) {
            return -1;
        }
        *end = 0;
        t++;
    } else {
        char *colon = strchr(t, ':');
        if (colon && !strchr(colon + 1, ':') && strchr(t, '.')) {
            *colon = 0; /* 192.0.2.1:4711 */
        }
    }
    memset(n, 0, sizeof *n);
    if (inet_pton(AF_INET, t, n->a) == 1) {
        n->family = AF_INET;
        n->bits = 32;
        return 0;
    }
    if (inet_pton(AF_INET6, t, n->a) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(n->a, mapped, sizeof mapped) == 0) {
            memmove(n->a, n->a + 12, 4);
            memset(n->a + 4, 0, 12);
            n->family = AF_INET;
            n->bits = 32;
            return 0;
        }
        n->family = AF_INET6;
        n->bits = 128;
        return 0;
    }
    return -1;
}

static int in_net(const struct net *addr, const struct net *net)
{
    if (addr->family != net->family) {
        return 0;
    }
    int full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(addr->a, net->a, (size_t)full) != 0) {
        return 0;
    }
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));
        return (addr->a[full] & mask) == (net->a[full] & mask);
    }
    return 1;
}

static int trusted(const struct net *a)
{
    for (int i = 0; i < nnets; i++) {
        if (in_net(a, &nets[i])) {
            return 1;
        }
    }
    return 0;
}

int client_addr_trust(const char *list, struct err *e)
{
    struct net parsed[CLIENT_ADDR_MAX_PROXIES];
    int n = 0;
    const char *p = list ? list : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[80];
        if (len >= sizeof item) {
            return err_set(e, ERR_USAGE, "trusted-proxy",
                           "--trusted-proxy: '%.40s...' is not an address or a network", p);
        }
        memcpy(item, p, len);
        item[len] = 0;
        char *slash = strchr(item, '/');
        int bits = -1;
        if (slash) {
            char *stop = NULL;
            long b = strtol(slash + 1, &stop, 10);
            if (!slash[1] || *stop || b < 0 || b > 128) {
                return err_set(e, ERR_USAGE, "trusted-proxy",
                               "--trusted-proxy: '%s' has no valid prefix length", item);
            }
            bits = (int)b;
            *slash = 0;
        }
        if (n == CLIENT_ADDR_MAX_PROXIES) {
            return err_set(e, ERR_USAGE, "trusted-proxy", "--trusted-proxy: at most %d entries",
                           CLIENT_ADDR_MAX_PROXIES);
        }
        struct net *net = &parsed[n];
        if (!item[0] || item[0] == '[' || parse_addr(item, strlen(item), net) ||
            strchr(item, ']')) {
            if (slash) {
                *slash = '/';
            }
            return err_set(e, ERR_USAGE, "trusted-proxy",
                           "--trusted-proxy: '%s' is not an address or a network (CIDR)", item);
        }
        if (bits >= 0) {
            if (net->family == AF_INET && bits > 32) {
                return err_set(e, ERR_USAGE, "trusted-proxy",
                               "--trusted-proxy: '%s/%d' has a prefix longer than the address",
                               item, bits);
            }
            net->bits = bits;
        }
        n++;
        p = end ? end + 1 : p + len;
    }
    memcpy(nets, parsed, sizeof parsed[0] * (size_t)n);
    nnets = n;
    return 0;
}

int client_addr_trusted(const char *addr)
{
    struct net a;
    return addr && parse_addr(addr, strlen(addr), &a) == 0 && trusted(&a);
}

static void canonical(const struct net *a, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(a->family, a->a, text, sizeof text)) {
        text[0] = 0;
    }
    snprintf(out, size, "%s", text);
}

void client_addr_resolve(const char *peer, const char *xff, char *out, size_t size)
{
    struct net hop;
    if (!xff || !nnets || !peer || parse_addr(peer, strlen(peer), &hop) || !trusted(&hop)) {
        if (out != peer) {
            snprintf(out, size, "%s", peer ? peer : "");
        }
        return;
    }
    /* from the right: each hop was added by the proxy it reached */
    size_t end = strlen(xff);
    for (;;) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',') {
            start--;
        }
        struct net n;
        if (parse_addr(xff + start, end - start, &n)) {
            break; /* not an address: believe no further */
        }
        hop = n;
        if (!trusted(&n) || start == 0) {
            break;
        }
        end = start - 1;
    }
    canonical(&hop, out, size);
}

struct xff_ctx {
    struct buf b;
};

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    struct xff_ctx *x = cls;
    if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
        if (x->b.len) {
            buf_putc(&x->b, ',');
        }
        buf_puts(&x->b, value);
    }
    return MHD_YES;
}

void client_addr_from_conn(void *conn, char *addr, size_t size)
{
    if (!nnets || !conn || !client_addr_trusted(addr)) {
        return;
    }
    struct xff_ctx x;
    /* bounded by libmicrohttpd's memory for the request's headers */
    buf_init(&x.b, 1 << 20);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_xff, &x);
    if (x.b.len && !x.b.over) {
        char peer[64];
        snprintf(peer, sizeof peer, "%s", addr);
        client_addr_resolve(peer, buf_str(&x.b), addr, size);
    }
    buf_free(&x.b);
}
