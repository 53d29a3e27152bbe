/* test_outbound.c — the pure parts of what leaves the ISMS: iCalendar TEXT
 * escaping and 75-octet folding that never splits a UTF-8 sequence
 * (src/app/ical.c), the webhook signature (HMAC-SHA256, a known RFC 4231
 * vector), and the reminder message's headers: no record text in them, a
 * name with CR/LF cannot add a header, an address with one is refused
 * (src/app/mail.c). */
#include <stdlib.h>
#include <string.h>

#include "../../src/app/outbound.h"
#include "../../src/app/tasks.h"
#include "../../src/lib/buf.h"
#include "test.h"

TEST(ical_text_escapes)
{
    struct buf b;
    buf_init(&b, 0);
    ical_text(&b, "a,b;c\\d\ne\rf");
    CHECK_STR(buf_str(&b), "a\\,b\\;c\\\\d\\nef");
    buf_free(&b);
}

TEST(ical_line_folds_at_75_octets_on_utf8_boundaries)
{
    struct buf in, out;
    buf_init(&in, 0);
    buf_init(&out, 0);
    buf_puts(&in, "SUMMARY:");
    for (int i = 0; i < 100; i++) {
        buf_puts(&in, "\xc3\xa9"); /* é: two octets */
    }
    buf_puts(&in, "\xe2\x82\xac"); /* €: three */
    ical_line(&out, in.p, in.len);
    /* every physical line at most 75 octets, continuation lines start with
     * a space, no line starts or ends inside a sequence, and unfolding
     * gives the input back */
    const char *p = out.p;
    struct buf un;
    buf_init(&un, 0);
    int lines = 0, bad = 0;
    while (*p) {
        const char *e = strstr(p, "\r\n");
        CHECK(e != NULL);
        if (!e) {
            break;
        }
        size_t n = (size_t)(e - p);
        bad |= n > 75;
        const char *s = p;
        if (lines > 0) {
            bad |= *s != ' ';
            s++;
            n--;
        }
        bad |= n && ((unsigned char)s[0] & 0xc0) == 0x80;
        buf_append(&un, s, n);
        lines++;
        p = e + 2;
    }
    CHECK(!bad);
    CHECK(lines == 3);
    CHECK(un.len == in.len && memcmp(un.p, in.p, in.len) == 0);
    buf_reset(&out);
    ical_line(&out, "X:short", 7);
    CHECK_STR(buf_str(&out), "X:short\r\n");
    buf_free(&in);
    buf_free(&out);
    buf_free(&un);
}

TEST(webhook_signature_rfc4231)
{
    /* RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?" */
    char sig[72];
    const char *data = "what do ya want for nothing?";
    webhook_signature("Jefe", data, strlen(data), sig);
    CHECK_STR(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(mail_headers_hold_no_record_text)
{
    struct mail_config c = {0};
    strcpy(c.from, "isms@example.org");
    c.lead_days = 14;
    struct task t = {0};
    t.source = "action";
    t.what = "Complete";
    t.subject = "ACT-0001";
    t.title = "Evil\r\nBcc: victim@example.org <script>";
    t.link = "";
    strcpy(t.due, "2026-12-01");
    t.state = TASK_OVERDUE;
    const struct task *items[] = {&t};
    struct buf b;
    buf_init(&b, 0);
    struct err e = {0};
    CHECK(mail_build(&c, "Eve\r\nBcc: x@example.org", "eve@example.org", items, 1, "2026-12-03",
                     &b, &e) == 0);
    const char *body = strstr(buf_str(&b), "\r\n\r\n");
    CHECK(body != NULL);
    size_t hn = body ? (size_t)(body - b.p) : 0;
    CHECK(memmem(b.p, hn, "Bcc", 3) == NULL);
    CHECK(memmem(b.p, hn, "script", 6) == NULL);
    CHECK(memmem(b.p, hn, "multipart/alternative", 21) != NULL);
    buf_reset(&b);
    CHECK(mail_build(&c, "Eve", "eve@example.org\r\nBcc: x@example.org", items, 1, "2026-12-03",
                     &b, &e) == -1);
    CHECK(mail_build(&c, "Eve", "a b@example.org", items, 1, "2026-12-03", &b, &e) == -1);
    buf_free(&b);
}
