/* fuzz_client_addr.c — the trusted-proxy list and X-Forwarded-For (both
 * untrusted text) through client_addr_trust and client_addr_resolve, and the
 * result through throttle_addr_norm. Input: "LIST\nPEER\nXFF". A peer that is
 * not trusted is the answer whatever the header says; otherwise the answer
 * is an address in canonical form. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/http/client_addr.h"
#include "../../src/http/throttle.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    char *peer = strchr(s, '\n');
    char *xff = peer ? strchr(peer + 1, '\n') : NULL;
    if (peer) {
        *peer++ = 0;
    }
    if (xff) {
        *xff++ = 0;
    }
    struct err e = {0};
    if (client_addr_trust(s, &e) && !e.msg[0]) {
        fuzz_fail("client_addr_trust: refused without a message");
    }
    char out[64], norm[96];
    const char *p = peer ? peer : "127.0.0.1";
    client_addr_resolve(p, xff, out, sizeof out);
    if (!client_addr_trusted(p) || !xff) {
        char want[64];
        snprintf(want, sizeof want, "%s", p);
        if (strcmp(out, want) != 0) {
            fuzz_fail("client_addr: untrusted peer %s became %s", want, out);
        }
    } else {
        unsigned char a[16];
        char back[64] = "";
        int v6 = strchr(out, ':') != NULL;
        if (inet_pton(v6 ? AF_INET6 : AF_INET, out, a) != 1 ||
            !inet_ntop(v6 ? AF_INET6 : AF_INET, a, back, sizeof back) || strcmp(back, out)) {
            fuzz_fail("client_addr: '%s' is not a canonical address", out);
        }
    }
    throttle_addr_norm(out, norm, sizeof norm);
    client_addr_trust(NULL, &e);
    free(s);
    return 0;
}
