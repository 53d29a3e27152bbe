/* cli_sign.c — signing on the command line: `--as ACCOUNT` signs in as that
 * account with its password (and TOTP code when it has one) read from the
 * terminal without echo, or from stdin one per line, exactly like a login;
 * the signer of every sign-off is that account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/util.h"
#include "cli.h"

/* One line from the terminal (no echo) or stdin; caller frees; NULL at end. */
static char *read_secret(const char *prompt)
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
    return read_secret("authenticator code");
}

int cli_sign_in(struct app *a, const char *account, struct err *e)
{
    if (!account || !account[0]) {
        return err_set(e, ERR_FORBIDDEN, "as",
                       "as: sign with --as ACCOUNT (your account's password is asked for); the "
                       "signer is always an account");
    }
    char prompt[120];
    snprintf(prompt, sizeof prompt, "password of %.60s", account);
    char *pw = read_secret(prompt);
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
