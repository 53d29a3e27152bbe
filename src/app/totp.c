/* totp.c — accounts: second-factor self-enrolment, recovery codes, roles
 * that require a second factor, and the QR code of an otpauth URI
 * (totp.h). */
#include "totp.h"

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/perm.h"
#include "app_int.h"
#include "seclog.h"

struct tacc {
    int found;
    char name[72], role[32], secret[160], pending[160];
};

static int grab(void *ctx, const struct account_row *r)
{
    struct tacc *t = ctx;
    t->found = 1;
    strlcpy_(t->name, r->name, sizeof t->name);
    strlcpy_(t->role, r->role, sizeof t->role);
    strlcpy_(t->secret, r->totp_secret ? r->totp_secret : "", sizeof t->secret);
    strlcpy_(t->pending, r->totp_pending ? r->totp_pending : "", sizeof t->pending);
    return 0;
}

static int load(struct app *a, long account, struct tacc *t, struct err *e)
{
    memset(t, 0, sizeof *t);
    if (account <= 0) {
        return err_set(e, ERR_UNAUTH, NULL, "sign in first");
    }
    return store_account_get(a->st, NULL, account, grab, t, e);
}

/* The otpauth URI and base32 secret of a hex secret. */
static int uri_of(const char *name, const char *hex, char *uri, size_t usize, char *b32out,
                  size_t bsize)
{
    unsigned char secret[64];
    size_t n = 0;
    if (sodium_hex2bin(secret, sizeof secret, hex, strlen(hex), NULL, &n, NULL) || !n) {
        return -1;
    }
    char *b32 = NULL;
    size_t b32len = 0;
    int rc = oath_base32_encode((const char *)secret, n, &b32, &b32len) == OATH_OK ? 0 : -1;
    sodium_memzero(secret, sizeof secret);
    if (rc) {
        return -1;
    }
    snprintf(uri, usize, "otpauth://totp/isms:%s?secret=%.*s&issuer=isms&digits=6&period=30",
             name, (int)b32len, b32);
    snprintf(b32out, bsize, "%.*s", (int)b32len, b32);
    sodium_memzero(b32, b32len);
    free(b32);
    return 0;
}

int app_totp_role_required(struct app *a, const char *role)
{
    struct err e = {0};
    return role && store_totp_role_required(a->st, role, &e) == 1;
}

int app_totp_status(struct app *a, long account, struct totp_status *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct tacc t;
    if (load(a, account, &t, e)) {
        return -1;
    }
    out->enrolled = t.secret[0] != 0;
    out->pending = t.pending[0] != 0;
    out->role_required = app_totp_role_required(a, t.role);
    out->recovery_left = store_recovery_left(a->st, account, e);
    if (out->recovery_left < 0) {
        return -1;
    }
    if (out->pending && uri_of(t.name, t.pending, out->uri, sizeof out->uri, out->secret,
                               sizeof out->secret)) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot encode the TOTP secret");
    }
    return 0;
}

int app_totp_begin(struct app *a, long account, struct err *e)
{
    struct tacc t;
    if (load(a, account, &t, e)) {
        return -1;
    }
    unsigned char secret[20];
    randombytes_buf(secret, sizeof secret);
    char hex[41], now[21];
    sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (store_account_set(a->st, account, "totp_pending", hex, now, e)) {
        store_rollback(a->st);
        return -1;
    }
    app_seclog_write(a, "totp-enroll", t.name, NULL,
                     t.secret[0] ? "new secret shown (the current one stays until confirmed)"
                                 : "secret shown, to be confirmed");
    sodium_memzero(hex, sizeof hex);
    return store_commit(a->st, e);
}

/* ---- recovery codes --------------------------------------------------------- */

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* The code without separators, lower case, into out (13 bytes); -1 when
 * it is not 12 characters of the alphabet. */
static int normalize(const char *code, char out[13])
{
    size_t k = 0;
    for (const char *p = code ? code : ""; *p; p++) {
        char c = *p;
        if (c == '-' || c == ' ') {
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (!strchr(b32, c) || k == 12) {
            return -1;
        }
        out[k++] = c;
    }
    out[k] = 0;
    return k == 12 ? 0 : -1;
}

int totp_is_recovery(const char *code)
{
    char n[13];
    return normalize(code, n) == 0;
}

/* The keyed hash of a normalized code of an account (hex, 65 bytes). */
static int code_hash(struct app *a, long account, const char *norm, char out[65], struct err *e)
{
    unsigned char raw[32], key[32];
    char fresh[65], hex[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(fresh, sizeof fresh, raw, sizeof raw);
    size_t n = 0;
    if (store_app_key(a->st, "totp-recovery", fresh, hex, sizeof hex, e)) {
        return -1;
    }
    if (sodium_hex2bin(key, sizeof key, hex, strlen(hex), NULL, &n, NULL) || n != sizeof key) {
        return err_set(e, ERR_INTERNAL, NULL, "the recovery-code key is damaged");
    }
    char msg[48];
    snprintf(msg, sizeof msg, "%ld:%s", account, norm);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)msg, strlen(msg), key, sizeof key);
    sodium_bin2hex(out, 65, h, sizeof h);
    sodium_memzero(key, sizeof key);
    sodium_memzero(msg, sizeof msg);
    return 0;
}

/* Ten new codes for account inside the caller's transaction. */
static int new_codes(struct app *a, long account, struct recovery_codes *out, struct err *e)
{
    char hashes[TOTP_RECOVERY_CODES][65];
    const char *hp[TOTP_RECOVERY_CODES];
    for (int i = 0; i < TOTP_RECOVERY_CODES; i++) {
        char norm[13];
        unsigned char r[12];
        randombytes_buf(r, sizeof r);
        for (int k = 0; k < 12; k++) {
            norm[k] = b32[r[k] & 31];
        }
        norm[12] = 0;
        snprintf(out->code[i], sizeof out->code[i], "%.4s-%.4s-%.4s", norm, norm + 4, norm + 8);
        if (code_hash(a, account, norm, hashes[i], e)) {
            return -1;
        }
        hp[i] = hashes[i];
        sodium_memzero(norm, sizeof norm);
    }
    return store_recovery_replace(a->st, account, hp, TOTP_RECOVERY_CODES, e);
}

int app_totp_recovery_use(struct app *a, long account, const char *code, struct err *e)
{
    char norm[13], h[65];
    if (normalize(code, norm)) {
        return 0;
    }
    char now[21];
    time_now(now);
    if (code_hash(a, account, norm, h, e)) {
        return -1;
    }
    return store_recovery_use(a->st, account, h, now, e);
}

int app_totp_confirm(struct app *a, long account, const char *sid_hash, const char *code,
                     struct recovery_codes *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct tacc t;
    if (load(a, account, &t, e)) {
        return -1;
    }
    if (!t.pending[0]) {
        return err_set(e, ERR_CONFLICT, "code", "code: no secret is being set up; start again");
    }
    unsigned char secret[64];
    size_t n = 0;
    int valid = 0, pos = 0;
    time_t now = time(NULL);
    if (code && strlen(code) == 6 &&
        sodium_hex2bin(secret, sizeof secret, t.pending, strlen(t.pending), NULL, &n, NULL) == 0) {
        valid = oath_totp_validate2((const char *)secret, n, now, 30, 0, 1, &pos, code) >= 0;
    }
    sodium_memzero(secret, sizeof secret);
    if (!valid) {
        return err_set(e, ERR_INVALID, "code",
                       "code: not the current six-digit code of the new secret; check the "
                       "authenticator app's clock and try the next code");
    }
    char ts[21];
    time_now(ts);
    if (store_begin(a->st, e)) {
        return -1;
    }
    /* the secret takes effect; the confirming code is used (good once) */
    if (store_account_set(a->st, account, "totp_secret", t.pending, ts, e) ||
        store_account_set(a->st, account, "totp_pending", NULL, ts, e) ||
        store_account_totp_step(a->st, account, (long long)now / 30 + pos, e) < 0 ||
        new_codes(a, account, out, e) ||
        (sid_hash && sid_hash[0] && store_session_touch(a->st, sid_hash, (long long)now, 1, e))) {
        store_rollback(a->st);
        memset(out, 0, sizeof *out);
        return -1;
    }
    app_seclog_write(a, "totp-confirm", t.name, NULL, "second factor in force; 10 recovery codes");
    if (store_commit(a->st, e)) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

int app_totp_recovery_new(struct app *a, long account, struct recovery_codes *out,
                          struct err *e)
{
    memset(out, 0, sizeof *out);
    struct tacc t;
    if (load(a, account, &t, e)) {
        return -1;
    }
    if (!t.secret[0]) {
        return err_set(e, ERR_CONFLICT, NULL,
                       "recovery codes go with a second factor: set one up first");
    }
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (new_codes(a, account, out, e)) {
        store_rollback(a->st);
        memset(out, 0, sizeof *out);
        return -1;
    }
    app_seclog_write(a, "recovery-new", t.name, NULL, "10 new recovery codes; the old ones end");
    return store_commit(a->st, e);
}

int app_totp_role(struct app *a, const char *role, const char *onoff, struct err *e)
{
    if (role_parse(role) == ROLE_NONE) {
        return err_set(e, ERR_INVALID, "role",
                       "role: one of admin, manager, owner, top-management, auditor, staff");
    }
    int on = onoff && strcmp(onoff, "on") == 0, off = onoff && strcmp(onoff, "off") == 0;
    if (!on && !off) {
        return err_set(e, ERR_INVALID, "required", "on or off");
    }
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (store_totp_role_set(a->st, role, on, e)) {
        store_rollback(a->st);
        return -1;
    }
    char detail[80];
    snprintf(detail, sizeof detail, "second factor required for role %s: %s", role,
             on ? "on" : "off");
    app_seclog_write(a, "totp-role", NULL, NULL, detail);
    return store_commit(a->st, e);
}

/* ---- the QR code ------------------------------------------------------------ */

int totp_qr_svg(const char *text, struct buf *out)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        return -1;
    }
    int w = q->width, quiet = 4, size = w + 2 * quiet;
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\" "
               "aria-label=\"QR code of the secret for an authenticator app\">"
               "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
               size, size, size * 6, size * 6, size, size);
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            if (!(q->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (q->data[y * w + x + run] & 1)) {
                run++;
            }
            buf_printf(out, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
            x += run;
        }
    }
    buf_puts(out, "\"/></svg>");
    QRcode_free(q);
    return 0;
}
