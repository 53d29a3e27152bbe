/* test_attach.c — the multipart parser (http/multipart.c) on known bodies,
 * including a delimiter split across every read size and a 1 MB part that
 * never sits in the parser's buffer whole; the Content-Disposition of
 * downloads (RFC 6266/5987); names and media types of attachments; and
 * app_attach's refusals leaving the file untouched. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "../../src/http/multipart.h"
#include "../../src/http/upload.h"
#include "../../src/lib/buf.h"
#include "test.h"

struct src {
    const char *p;
    size_t n, pos, step;
};

static long rd(void *ctx, char *buf, size_t n)
{
    struct src *s = ctx;
    size_t k = s->n - s->pos;
    k = k > n ? n : k;
    k = s->step && k > s->step ? s->step : k;
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (long)k;
}

struct seen {
    struct buf log;
    int64_t first_off;
    size_t bytes;
    size_t biggest; /* largest piece handed on at once */
};

static int on_part(void *ctx, const struct mp_part *p, struct err *e)
{
    (void)e;
    struct seen *s = ctx;
    buf_printf(&s->log, "[%s|%s|%s|%d]", p->name, p->filename, p->ctype, p->is_file);
    s->first_off = -1;
    return 0;
}

static int on_data(void *ctx, const char *p, size_t n, int64_t off, struct err *e)
{
    (void)e;
    struct seen *s = ctx;
    if (s->first_off < 0) {
        s->first_off = off;
    }
    s->bytes += n;
    s->biggest = n > s->biggest ? n : s->biggest;
    buf_append(&s->log, p, n < 64 ? n : 64);
    return 0;
}

static int on_end(void *ctx, struct err *e)
{
    (void)e;
    struct seen *s = ctx;
    buf_puts(&s->log, ";");
    return 0;
}

static int parse(const char *boundary, const char *body, size_t n, size_t step, struct seen *s,
                 struct err *e)
{
    static const struct mp_handler h = {on_part, on_data, on_end};
    struct src src = {body, n, 0, step};
    memset(s, 0, sizeof *s);
    buf_init(&s->log, 0);
    return multipart_parse(boundary, rd, &src, &h, s, e);
}

static const char form[] =
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
    "tok\r\n"
    "--AaB03x\r\n"
    "content-disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\a\\\"b.pdf\"\r\n"
    "Content-Type: application/pdf\r\n\r\n"
    "%PDF\r\n--AaB03 not yet\r\n\r\n"
    "--AaB03x--\r\nepilogue";

TEST(multipart_form)
{
    char b[MP_BOUNDARY_MAX + 1];
    CHECK(multipart_boundary("multipart/form-data; boundary=AaB03x", b) == 0);
    CHECK_STR(b, "AaB03x");
    CHECK(multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\"; charset=x", b) == 0);
    CHECK_STR(b, "a b:c");
    CHECK(multipart_boundary("multipart/form-data", b) < 0);
    CHECK(multipart_boundary("multipart/mixed; boundary=x", b) < 0);
    CHECK(multipart_boundary("multipart/form-data; boundary=", b) < 0);
    CHECK(multipart_boundary("multipart/form-data; boundary=a; boundary=b", b) < 0);
    CHECK(multipart_boundary("multipart/form-data; boundary=\"x\x01\"", b) < 0);
    /* every read size gives the same parts and bytes */
    struct seen whole;
    struct err e = {0};
    CHECK(parse("AaB03x", form, sizeof form - 1, 0, &whole, &e) == 0);
    CHECK_STR(buf_str(&whole.log), "[_csrf|||0]tok;[file|C:\\x\\a\"b.pdf|application/pdf|1]"
                                   "%PDF\r\n--AaB03 not yet\r\n;");
    for (size_t step = 1; step < 40; step++) {
        struct seen s;
        struct err e2 = {0};
        CHECK(parse("AaB03x", form, sizeof form - 1, step, &s, &e2) == 0);
        CHECK(s.bytes == whole.bytes);
        buf_free(&s.log);
    }
    buf_free(&whole.log);
}

TEST(multipart_refusals)
{
    static const char *const bad[] = {
        "preamble\r\n--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--x--",
        "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--x",   /* no end */
        "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",      /* truncated */
        "--x\r\nContent-Type: text/plain\r\n\r\nv\r\n--x--",                  /* no disposition */
        "--x\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--x--",
        "--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--",            /* no name */
        "--x\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nv\r\n--x--",
        "--x\nContent-Disposition: form-data; name=\"a\"\n\nv\n--x--",         /* bare LF */
        "--x\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nv\r\n--x--",
        "--x\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; "
        "name=\"b\"\r\n\r\nv\r\n--x--",
        "--x--",                                                                 /* no part */
        "--xy\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--x--",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct seen s;
        struct err e = {0};
        int rc = parse("x", bad[i], strlen(bad[i]), 0, &s, &e);
        if (rc == 0) {
            fprintf(stderr, "  accepted bad body %zu\n", i);
        }
        CHECK(rc < 0 && e.code == ERR_USAGE && e.msg[0]);
        buf_free(&s.log);
    }
    /* 65 parts */
    struct buf many;
    buf_init(&many, 0);
    for (int i = 0; i < 65; i++) {
        buf_printf(&many, "--x\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
    }
    buf_puts(&many, "--x--");
    struct seen s;
    struct err e = {0};
    CHECK(parse("x", many.p, many.len, 0, &s, &e) < 0 && strstr(e.msg, "64"));
    buf_free(&s.log);
    buf_free(&many);
}

TEST(multipart_large_part_streams)
{
    /* a 1 MB file part arrives in pieces no larger than the parser's buffer */
    struct buf body;
    buf_init(&body, 0);
    buf_puts(&body, "--bnd\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\n");
    size_t start = body.len;
    for (int i = 0; i < (1 << 20); i++) {
        buf_putc(&body, (char)("\r\n-bnd"[i % 6]));
    }
    buf_puts(&body, "\r\n--bnd--\r\n");
    struct seen s;
    struct err e = {0};
    CHECK(parse("bnd", body.p, body.len, 4096, &s, &e) == 0);
    CHECK(s.bytes == (1u << 20));
    CHECK(s.first_off == (int64_t)start);
    CHECK(s.biggest <= 64 * 1024);
    buf_free(&s.log);
    buf_free(&body);
}

TEST(attachment_names_and_disposition)
{
    char out[ATT_NAME_MAX + 1];
    struct err e = {0};
    CHECK(app_attachment_name("C:\\Users\\me\\report.pdf", out, &e) == 0);
    CHECK_STR(out, "report.pdf");
    CHECK(app_attachment_name("dir/../x y.png", out, &e) == 0);
    CHECK_STR(out, "x y.png");
    CHECK(app_attachment_name("a/", out, &e) < 0 && strcmp(e.field, "name") == 0);
    CHECK(app_attachment_name("..", out, &e) < 0);
    CHECK(app_attachment_name("a\nb", out, &e) < 0);
    CHECK(app_attachment_name("\xff.pdf", out, &e) < 0);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK(app_attachment_name(longname, out, &e) < 0);
    CHECK_STR(app_attachment_media_type("x.PDF"), "application/pdf");
    CHECK_STR(app_attachment_media_type("x.html"), "application/octet-stream");
    CHECK_STR(app_attachment_media_type("x.svg"), "application/octet-stream");
    CHECK_STR(app_attachment_media_type("pdf"), "application/octet-stream");
    char d[1024];
    upload_disposition("Prüf\"bericht;.pdf", d, sizeof d);
    CHECK_STR(d, "attachment; filename=\"Pr__f_bericht_.pdf\"; "
                 "filename*=UTF-8''Pr%C3%BCf%22bericht%3B.pdf");
    upload_disposition("a\\b%c.txt", d, sizeof d);
    CHECK_STR(d, "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%5Cb%25c.txt");
}

TEST(attachment_expiry)
{
    struct attachment_info a;
    memset(&a, 0, sizeof a);
    int days = 99;
    char t[64];
    CHECK(app_attachment_expiry(&a, "2026-03-01", &days) == 0);
    strcpy(a.valid_until, "2026-03-01");
    CHECK(app_attachment_expiry(&a, "2026-02-27", &days) == 1 && days == 2);
    CHECK(app_attachment_expiry(&a, "2024-03-01", &days) == 1 && days == 730);
    app_attachment_expiry_text(&a, "2026-03-01", t);
    CHECK_STR(t, "expires today");
    app_attachment_expiry_text(&a, "2026-03-02", t);
    CHECK_STR(t, "expired 1 day ago");
    app_attachment_expiry_text(&a, "2026-02-28", t);
    CHECK_STR(t, "expires in 1 day");
}
