/* err.c — the error table (errors.def) and err_set. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "util.h"

static const struct {
    const char *json;
    int exitst;
    int http;
} err_table[] = {
#define ERRCODE(e, json, exitst, http) {json, exitst, http},
#include "errors.def"
#undef ERRCODE
};

int err_set(struct err *e, enum errcode code, const char *field, const char *fmt, ...)
{
    if (!e) {
        return -1;
    }
    /* format into scratch first: callers may pass e->msg or e->field as
     * arguments (wrapping an earlier message) */
    char msg[sizeof e->msg], fld[sizeof e->field];
    strlcpy_(fld, field ? field : "", sizeof fld);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    e->code = code;
    memcpy(e->msg, msg, sizeof msg);
    memcpy(e->field, fld, sizeof fld);
    /* limits like "%.40s" can cut a character in half; messages end up in
     * JSON and HTML, which must stay valid UTF-8 */
    utf8_sanitize(e->msg);
    utf8_sanitize(e->field);
    return -1;
}

void err_clear(struct err *e)
{
    memset(e, 0, sizeof *e);
}

int err_exit_status(enum errcode code)
{
    return code < ERR__COUNT ? err_table[code].exitst : 1;
}

int err_http_status(enum errcode code)
{
    return code < ERR__COUNT ? err_table[code].http : 500;
}

const char *err_code_name(enum errcode code)
{
    return code < ERR__COUNT ? err_table[code].json : "internal";
}
