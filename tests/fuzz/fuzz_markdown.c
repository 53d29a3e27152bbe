/* fuzz_markdown.c — web_markdown (cmark plus our address check) on any
 * text: the HTML it writes must be inert. Checked on the output, tag by tag:
 * no <script> (or other active element), no on*= attribute, and every
 * href/src value (entities decoded) has no scheme but http, https or mailto
 * as a browser parses it, so no javascript:, vbscript: or data: address. Text outside tags is
 * escaped by cmark, so "<script" can only appear as a tag. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../src/lib/util.h"
#include "../../src/web/web.h"
#include "fuzz.h"

static int starts_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The few entities cmark writes in attributes, decoded; other &...; kept. */
static char *decode_attr(const char *v, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        static const struct {
            const char *ent;
            char c;
        } ents[] = {{"&amp;", '&'}, {"&quot;", '"'}, {"&lt;", '<'}, {"&gt;", '>'},
                    {"&#39;", '\''}, {"&#x27;", '\''}};
        int hit = 0;
        for (size_t e = 0; e < sizeof ents / sizeof ents[0]; e++) {
            size_t len = strlen(ents[e].ent);
            if (i + len <= n && strncmp(v + i, ents[e].ent, len) == 0) {
                out[k++] = ents[e].c;
                i += len;
                hit = 1;
                break;
            }
        }
        if (!hit) {
            out[k++] = v[i++];
        }
    }
    out[k] = 0;
    return out;
}

/* The scheme of url as a browser reads it (WHATWG URL): leading and
 * trailing C0 controls and spaces dropped, tab, LF and CR removed anywhere;
 * a scheme is ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") before the first
 * ':'; anything else is a relative URL. 1 when there is no scheme or it is
 * http, https or mailto. Restated here rather than calling web_url_safe,
 * the function under test. */
static int browser_scheme_ok(const char *url)
{
    char buf[32];
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)url;
    while (*p && *p <= 0x20) {
        p++;
    }
    for (; *p; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r') {
            continue;
        }
        if (*p == ':') {
            break;
        }
        int ok = isalpha(*p) || (n && (isdigit(*p) || *p == '+' || *p == '-' || *p == '.'));
        if (!ok || *p >= 0x80) {
            return 1; /* not a scheme character before any ':': relative */
        }
        if (n < sizeof buf - 1) {
            buf[n] = (char)tolower(*p);
        }
        n++;
    }
    if (!*p || !n) {
        return 1; /* no ':' (relative), or ':' first (relative path) */
    }
    if (n >= sizeof buf) {
        return 0; /* a scheme longer than any allowed one */
    }
    buf[n] = 0;
    return strcmp(buf, "http") == 0 || strcmp(buf, "https") == 0 || strcmp(buf, "mailto") == 0;
}

static void check_tag(const char *tag, size_t n)
{
    static const char *const active[] = {"<script", "<iframe", "<object", "<embed", "<style",
                                         "<form", "<input", "<svg", "<math", "<base", "<meta",
                                         "<link", NULL};
    for (int i = 0; active[i]; i++) {
        if (starts_ci(tag, active[i]) && !isalnum((unsigned char)tag[strlen(active[i])])) {
            fuzz_fail("active element in output: %.*s", (int)n, tag);
        }
    }
    /* attributes: name="value" pairs after the element name */
    size_t i = 1;
    while (i < n && !isspace((unsigned char)tag[i]) && tag[i] != '>') {
        i++;
    }
    while (i < n) {
        while (i < n && (isspace((unsigned char)tag[i]) || tag[i] == '/')) {
            i++;
        }
        size_t name = i;
        while (i < n && tag[i] != '=' && !isspace((unsigned char)tag[i]) && tag[i] != '>') {
            i++;
        }
        size_t name_len = i - name;
        if (name_len >= 2 && strncasecmp(tag + name, "on", 2) == 0) {
            fuzz_fail("event handler attribute in output: %.*s", (int)n, tag);
        }
        if (i >= n || tag[i] != '=') {
            i++;
            continue;
        }
        i++;
        if (tag[i] != '"') {
            fuzz_fail("unquoted attribute value in output: %.*s", (int)n, tag);
        }
        size_t val = ++i;
        while (i < n && tag[i] != '"') {
            i++;
        }
        if ((name_len == 4 && strncasecmp(tag + name, "href", 4) == 0) ||
            (name_len == 3 && strncasecmp(tag + name, "src", 3) == 0)) {
            char *url = decode_attr(tag + val, i - val);
            if (!browser_scheme_ok(url)) {
                fuzz_fail("unsafe address in output: %s", url);
            }
            free(url);
        }
        i++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    struct buf b;
    buf_init(&b, 0);
    web_markdown(&b, s);
    const char *out = buf_str(&b);
    for (const char *p = out; *p; p++) {
        if (*p != '<') {
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *end = strstr(p + 4, "-->");
            if (!end) {
                fuzz_fail("unterminated comment in output");
            }
            p = end + 2;
            continue;
        }
        const char *end = strchr(p, '>');
        if (!end) {
            fuzz_fail("unterminated tag in output");
        }
        check_tag(p, (size_t)(end - p) + 1);
        p = end;
    }
    if (strcasestr(out, "<script")) {
        fuzz_fail("<script in output");
    }
    buf_free(&b);
    free(s);
    return 0;
}
