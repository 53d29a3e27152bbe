/* client_addr.h — which address a request comes from. Without trusted
 * proxies it is the peer of the TCP connection, always. `isms serve
 * --trusted-proxy ADDR[,ADDR...]` names reverse proxies (addresses or
 * CIDR networks, IPv4 or IPv6) whose X-Forwarded-For is believed: the
 * client is the rightmost address in that header that is not itself a
 * trusted proxy. A header from any other peer is ignored. */
#ifndef ISMS_CLIENT_ADDR_H
#define ISMS_CLIENT_ADDR_H

#include <stddef.h>

#include "../lib/err.h"

#define CLIENT_ADDR_MAX_PROXIES 64

/* Replaces the trusted proxies by list ("10.0.0.1,192.168.0.0/16,::1";
 * untrusted text; NULL or "" trusts none). ERR_USAGE naming the entry when
 * one is not an address or a network; the list is then unchanged. Call
 * before serving (not thread-safe against resolves). */
int client_addr_trust(const char *list, struct err *e);

/* Is addr (text) one of the trusted proxies? */
int client_addr_trusted(const char *addr);

/* The client address of a request from peer carrying the X-Forwarded-For
 * values xff (several headers joined with ","; NULL when none; untrusted):
 * peer itself unless peer is trusted; else the rightmost untrusted entry
 * (canonical text), the leftmost when every entry is trusted, and the last
 * trusted hop when the entry to its left is not an address. */
void client_addr_resolve(const char *peer, const char *xff, char *out, size_t size);

/* The server's use: addr holds the connection's peer (from libmicrohttpd's
 * connection conn) and becomes the client address. */
void client_addr_from_conn(void *conn, char *addr, size_t size);

#endif
