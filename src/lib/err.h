/* err.h — error values passed up from every layer. A function that can fail
 * takes a `struct err *` and returns -1 after filling it (err_set), 0 on
 * success. The message is for a person: which field, what is wrong. */
#ifndef ISMS_ERR_H
#define ISMS_ERR_H

enum errcode {
#define ERRCODE(e, json, exitst, http) e,
#include "errors.def"
#undef ERRCODE
    ERR__COUNT
};

struct err {
    enum errcode code;
    char field[64]; /* the field the error is about, or "" */
    char msg[512];
};

/* Fills e (if not NULL) and returns -1, so callers can `return err_set(...)`. */
int err_set(struct err *e, enum errcode code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);
int err_exit_status(enum errcode code);
int err_http_status(enum errcode code);
const char *err_code_name(enum errcode code);

#endif
