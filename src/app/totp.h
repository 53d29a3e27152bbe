/* totp.h — accounts: the second factor enrolled by the account itself
 * (issue 15): a secret made here, shown as an otpauth URI and a QR code
 * (server-side SVG through libqrencode), taking effect only once a first
 * code from it is confirmed; ten single-use recovery codes shown once and
 * stored as keyed hashes (BLAKE2b, key made once per file); roles whose
 * accounts must have a second factor (they are sent to enrolment after
 * their password and may do nothing else). The code check itself (RFC 6238,
 * liboath, a code good once) is accounts.c's. */
#ifndef ISMS_APP_TOTP_H
#define ISMS_APP_TOTP_H

#include "app.h"

struct buf;

#define TOTP_RECOVERY_CODES 10
#define TOTP_RECOVERY_LEN 14 /* "xxxx-xxxx-xxxx": 12 base32 characters, 60 bits */

struct recovery_codes {
    char code[TOTP_RECOVERY_CODES][TOTP_RECOVERY_LEN + 2];
};

struct totp_status {
    int enrolled;      /* a confirmed secret */
    int pending;       /* a secret shown, not yet confirmed */
    long recovery_left;
    int role_required; /* the account's role must have a second factor */
    char uri[400];     /* the pending secret's otpauth URI ("" when none) */
    char secret[80];   /* the pending secret in base32, for typing in */
};

int app_totp_status(struct app *a, long account, struct totp_status *out, struct err *e);
/* Makes a new pending secret (replacing an earlier pending one); the
 * confirmed secret, if any, stays in force until the new one is confirmed. */
int app_totp_begin(struct app *a, long account, struct err *e);
/* Confirms the pending secret with a code from it: it becomes the
 * account's second factor, ten new recovery codes are made (into out,
 * shown once), and the session sid_hash (may be "") counts as having
 * passed the second factor. ERR_INVALID naming "code" when wrong. */
int app_totp_confirm(struct app *a, long account, const char *sid_hash, const char *code,
                     struct recovery_codes *out, struct err *e);
/* Ten new recovery codes for an enrolled account (the old ones stop working). */
int app_totp_recovery_new(struct app *a, long account, struct recovery_codes *out,
                          struct err *e);
/* Inside the caller's write transaction: 1 when code is one of the
 * account's unused recovery codes (now used), 2 when it was used before,
 * 0 when it is none of them. */
int app_totp_recovery_use(struct app *a, long account, const char *code, struct err *e);
/* Whether text looks like a recovery code (so the caller does not try it
 * as a six-digit code). */
int totp_is_recovery(const char *code);
/* `isms user require-totp ROLE on|off` */
int app_totp_role(struct app *a, const char *role, const char *onoff, struct err *e);
/* 1 when the role must have a second factor. */
int app_totp_role_required(struct app *a, const char *role);

/* text as a QR code in SVG (one path, dark modules, a quiet zone of 4),
 * appended to out; -1 when it does not fit a QR code. */
int totp_qr_svg(const char *text, struct buf *out);

#endif
