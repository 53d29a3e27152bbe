/* cli_sign.c — signing on the command line: `--as ACCOUNT` signs in as that
 * account with its password (and TOTP code when it has one) read from the
 * terminal without echo, or from stdin one per line, exactly like a login;
 * the signer of every sign-off is that account. Also the versions of a
 * subject (list with their sign-offs, one shown as it was, a diff), shared
 * by the method and the scope commands. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "cli.h"

char *cli_read_secret(const char *prompt)
{
    char line[PASSWORD_MAX + 2];
    int tty = isatty(0);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "%s: ", prompt);
        tcgetattr(0, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSANOW, &quiet);
    }
    char *got = fgets(line, sizeof line, stdin);
    if (tty) {
        tcsetattr(0, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (!got) {
        return NULL;
    }
    line[strcspn(line, "\r\n")] = 0;
    char *s = xstrdup(line);
    memset(line, 0, sizeof line);
    return s;
}

static char *read_code(void *ctx)
{
    (void)ctx;
    return cli_read_secret("authenticator code");
}

int cli_sign_in(struct app *a, const char *account, struct err *e)
{
    if (!account && a->signer.account > 0) {
        return 0; /* signed in by cli_open (--as) */
    }
    if (!account || !account[0]) {
        return err_set(e, ERR_FORBIDDEN, "as",
                       "as: sign with --as ACCOUNT (your account's password is asked for); the "
                       "signer is always an account");
    }
    char prompt[120];
    snprintf(prompt, sizeof prompt, "password of %.60s", account);
    char *pw = cli_read_secret(prompt);
    if (!pw) {
        return err_set(e, ERR_UNAUTH, "as", "as: no password given for %.60s", account);
    }
    int rc = app_signer_login(a, account, pw, read_code, NULL, e);
    memset(pw, 0, strlen(pw));
    free(pw);
    return rc;
}

int cli_refuse_by(const struct opts *o)
{
    if (cli_opt(o, "by")) {
        return cli_usage("--by: the signer is the account that signs: use --as ACCOUNT (its "
                         "password is asked for)");
    }
    return 0;
}

/* ---- versions on the command line ------------------------------------------ */

static void print_signoffs(const struct signoffs *l, const char *indent)
{
    for (size_t i = 0; i < l->n; i++) {
        struct buf b;
        buf_init(&b, 0);
        signoff_label(&l->v[i], &b);
        printf("%s%s%s%s\n", indent, buf_str(&b), l->v[i].rationale ? ": " : "",
               l->v[i].rationale ? l->v[i].rationale : "");
        buf_free(&b);
    }
}

/* As PERM_HISTORY on the web: the earlier versions of a subject are read
 * with its history (--as staff: none of a document's). */
static int may_read_versions(struct app *a, const char *kind, const char *subject, struct err *e)
{
    return app_may_read(a, store_subject_type(kind, subject), 1, e);
}

int cli_versions(struct app *a, const char *kind, const char *subject, int json, struct err *e)
{
    struct versions l;
    if (may_read_versions(a, kind, subject, e) || app_version_list(a, kind, subject, &l, e)) {
        return -1;
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    jw_init(&w, &b, 0);
    jw_arr(&w);
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        const struct version *v = &l.v[i];
        struct signoffs s;
        if (app_signoffs(a, kind, v->subject, v->number, v->sha256, &s, e)) {
            rc = -1;
            break;
        }
        if (json) {
            jw_obj(&w);
            version_json_fields(&w, v, 0);
            jw_key(&w, "signoffs");
            signoffs_json(&w, &s);
            jw_obj_end(&w);
        } else {
            printf("v%-4d %s  %-12s %-10s %s\n", v->number, v->created_at, v->subject,
                   v->state ? v->state : "-", v->note ? v->note : "");
            print_signoffs(&s, "        ");
        }
        signoffs_free(&s);
    }
    jw_arr_end(&w);
    if (rc == 0 && json) {
        cli_print_json(buf_str(&b));
    }
    buf_free(&b);
    versions_free(&l);
    return rc;
}

int cli_version_show(struct app *a, const char *kind, const char *subject, int number, int json,
                     struct err *e)
{
    struct version v;
    if (may_read_versions(a, kind, subject, e) ||
        app_version_get(a, kind, subject, number, NULL, &v, e)) {
        return -1;
    }
    struct signoffs s;
    if (app_signoffs(a, kind, v.subject, v.number, v.sha256, &s, e)) {
        version_free(&v);
        return -1;
    }
    if (json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 0);
        jw_obj(&w);
        version_json_fields(&w, &v, 1);
        jw_key(&w, "signoffs");
        signoffs_json(&w, &s);
        jw_obj_end(&w);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        printf("%s %s version %d (%s), made %s by %s, SHA-256 %s\n", kind, v.subject, v.number,
               v.state ? v.state : "-", v.created_at, v.created_by, v.sha256);
        print_signoffs(&s, "  ");
        printf("\n%s\n", v.content);
    }
    signoffs_free(&s);
    version_free(&v);
    return 0;
}

int cli_version_diff(struct app *a, const char *kind, const char *subject, const char *from,
                     const char *to, int json, struct err *e)
{
    if (may_read_versions(a, kind, subject, e)) {
        return -1;
    }
    int64_t n = 0, m = 0;
    if (!from || !to || int_parse(from, &n) || int_parse(to, &m) || n < 1 || m < 1 ||
        n > 1000000 || m > 1000000) {
        return err_set(e, ERR_USAGE, NULL, "give two version numbers (diff N M)");
    }
    struct vdiff d;
    if (app_version_diff(a, kind, subject, (int)n, (int)m, &d, e)) {
        return -1;
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 0);
    if (json) {
        jw_init(&w, &b, 0);
        vdiff_json(&w, &d);
        cli_print_json(buf_str(&b));
    } else {
        if (!d.n) {
            printf("no differences\n");
        }
        for (size_t i = 0; i < d.n; i++) {
            b.len = 0;
            jw_init(&w, &b, 0);
            vchange_json(&w, &d.v[i]);
            printf("%s\n", buf_str(&b));
        }
    }
    buf_free(&b);
    vdiff_free(&d);
    return 0;
}
