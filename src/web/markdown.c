/* markdown.c — document content (Markdown) as HTML, through cmark
 * (libcmark 0.30). The one place where markup made at run time enters a
 * page: cmark escapes text and attribute values itself, raw HTML is never
 * passed through (no CMARK_OPT_UNSAFE), and every link and image address is
 * checked here against a short list of schemes before rendering. */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

/* cmark's own filter (_scan_dangerous_url) blanks javascript:, vbscript:,
 * file: and data: other than four image types. We accept less: a relative
 * address or fragment, or http:, https:, mailto:. The scheme is read as a
 * browser reads it: control characters and spaces are dropped first
 * ("java\tscript:" is javascript:), letters compared without case. */
int web_url_safe(const char *url)
{
    if (!url) {
        return 1;
    }
    char scheme[16];
    size_t n = 0;
    int long_run = 0; /* more characters before a ':' than any scheme we accept */
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f) {
            continue;
        }
        if (*p == ':') {
            if (long_run) {
                return 0; /* a scheme, and not one of ours */
            }
            scheme[n] = 0;
            return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
                   strcmp(scheme, "mailto") == 0;
        }
        if (*p == '/' || *p == '?' || *p == '#') {
            return 1; /* a path, query or fragment before any colon: relative */
        }
        if (n == sizeof scheme - 1) {
            long_run = 1;
        } else {
            scheme[n++] = (char)tolower(*p);
        }
    }
    return 1; /* no colon: a relative path */
}

void web_markdown(struct buf *b, const char *text)
{
    if (!text || !*text) {
        return;
    }
    cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
    if (!doc) {
        html_lit(b, "<p class=\"muted\">(the content could not be rendered)</p>");
        return;
    }
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);
        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
            !web_url_safe(cmark_node_get_url(node))) {
            cmark_node_set_url(node, "");
        }
    }
    cmark_iter_free(it);
    /* no CMARK_OPT_UNSAFE: raw HTML blocks and inlines become comments */
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
    cmark_node_free(doc);
    html_lit(b, "<div class=\"markdown\">");
    /* escaped by cmark (see the file comment), which leaves ' as it is in
     * text: harmless there, but written &#39; so no text ever reads like
     * the end of a single-quoted attribute. cmark quotes its attributes
     * with ", so this changes no markup; inside an attribute the entity
     * means the same character. */
    for (const char *p = html, *q; *p; p = q) {
        q = strchr(p, '\'');
        if (!q) {
            buf_puts(b, p);
            break;
        }
        buf_append(b, p, (size_t)(q - p));
        html_lit(b, "&#39;");
        q++;
    }
    html_lit(b, "</div>");
    free(html);
}
