/* demo_files.c — the demo's evidence files, made by the program instead of
 * shipped: a one-page PDF written as plain PDF syntax (objects, a content
 * stream with Helvetica text, an exact cross-reference table) and a small
 * grayscale PNG (stored deflate blocks, CRC-32 and Adler-32 by hand) that
 * looks like a scanned certificate. Both open in ordinary viewers. */
#include <stdio.h>
#include <string.h>

#include "../lib/buf.h"
#include "app_int.h"

/* A PDF literal string: ( ) and \ escaped, non-ASCII replaced by '?'
 * (the standard Helvetica font has no encoding we rely on). */
static void pdf_text(struct buf *b, const char *s)
{
    buf_putc(b, '(');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '(' || *p == ')' || *p == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)*p);
        } else if (*p >= 0x20 && *p < 0x7f) {
            buf_putc(b, (char)*p);
        } else if ((*p & 0xc0) != 0x80) {
            buf_putc(b, '?'); /* one per character, not per byte */
        }
    }
    buf_putc(b, ')');
}

static void make_pdf(const char *title, const char *const *lines, struct buf *out)
{
    struct buf content;
    buf_init(&content, 0);
    buf_puts(&content, "BT /F1 20 Tf 72 760 Td ");
    pdf_text(&content, title);
    buf_puts(&content, " Tj ET\n0.2 w 72 745 m 523 745 l S\nBT /F1 11 Tf 72 720 Td 15 TL\n");
    for (int i = 0; lines && lines[i]; i++) {
        pdf_text(&content, lines[i]);
        buf_puts(&content, " Tj T*\n");
    }
    buf_puts(&content, "ET\n");
    long off[6];
    size_t start = out->len;
    buf_puts(out, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    off[1] = (long)(out->len - start);
    buf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = (long)(out->len - start);
    buf_puts(out, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = (long)(out->len - start);
    buf_puts(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                  "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>\nendobj\n");
    off[4] = (long)(out->len - start);
    buf_printf(out, "4 0 obj\n<< /Length %zu >>\nstream\n", content.len);
    buf_append(out, content.p, content.len);
    buf_puts(out, "endstream\nendobj\n");
    off[5] = (long)(out->len - start);
    buf_puts(out, "5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    long xref = (long)(out->len - start);
    buf_puts(out, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i <= 5; i++) {
        buf_printf(out, "%010ld 00000 n \n", off[i]);
    }
    buf_printf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
    buf_free(&content);
}

static unsigned long crc32_of(const unsigned char *p, size_t n, unsigned long crc)
{
    crc = ~crc & 0xffffffffUL;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320UL & (0UL - (crc & 1)));
        }
    }
    return ~crc & 0xffffffffUL;
}

static void be32(struct buf *b, unsigned long v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    buf_append(b, (const char *)x, 4);
}

static void png_chunk(struct buf *b, const char *type, const unsigned char *data, size_t n)
{
    be32(b, (unsigned long)n);
    size_t at = b->len;
    buf_append(b, type, 4);
    if (n) {
        buf_append(b, (const char *)data, n);
    }
    be32(b, crc32_of((const unsigned char *)b->p + at, n + 4, 0));
}

/* A 160 x 110 grayscale "scan": paper, a frame, text-like bars, a round seal. */
static void make_png(struct buf *out)
{
    enum { W = 160, H = 110 };
    static unsigned char raw[H * (W + 1)];
    for (int y = 0; y < H; y++) {
        unsigned char *row = raw + y * (W + 1);
        row[0] = 0; /* filter: none */
        for (int x = 0; x < W; x++) {
            int v = 236 + ((x * 7 + y * 13) % 9); /* paper grain */
            int frame = x == 6 || x == W - 7 || y == 6 || y == H - 7;
            int bar = y >= 20 && y < 80 && (y % 10) < 3 && x > 20 && x < 20 + ((y * 37) % 90) + 30;
            int dx = x - 128, dy = y - 82;
            int seal = dx * dx + dy * dy <= 15 * 15 && dx * dx + dy * dy >= 11 * 11;
            if (frame || bar) {
                v = 60;
            } else if (seal) {
                v = 110;
            }
            row[1 + x] = (unsigned char)v;
        }
    }
    static const unsigned char ihdr[13] = {0, 0, 0, W, 0, 0, 0, H, 8, 0, 0, 0, 0};
    buf_append(out, "\x89PNG\r\n\x1a\n", 8);
    png_chunk(out, "IHDR", ihdr, sizeof ihdr);
    /* zlib: header, stored deflate blocks, Adler-32 */
    struct buf z;
    buf_init(&z, 0);
    buf_append(&z, "\x78\x01", 2);
    size_t n = sizeof raw;
    for (size_t at = 0; at < n;) {
        size_t k = n - at > 65535 ? 65535 : n - at;
        unsigned char hdr[5] = {(unsigned char)(at + k == n), (unsigned char)k,
                                (unsigned char)(k >> 8), (unsigned char)~k,
                                (unsigned char)(~k >> 8)};
        buf_append(&z, (const char *)hdr, 5);
        buf_append(&z, (const char *)raw + at, k);
        at += k;
    }
    unsigned long s1 = 1, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        s1 = (s1 + raw[i]) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    be32(&z, (s2 << 16) | s1);
    png_chunk(out, "IDAT", (const unsigned char *)z.p, z.len);
    png_chunk(out, "IEND", NULL, 0);
    buf_free(&z);
}

void demo_file_content(const char *kind, const char *title, const char *const *lines,
                       struct buf *out)
{
    if (strcmp(kind, "png") == 0) {
        make_png(out);
    } else {
        make_pdf(title, lines, out);
    }
}
