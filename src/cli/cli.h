/* cli.h — the terminal front end: thin handlers that parse arguments, call
 * app/, and print. No SQL and no domain rules here. */
#ifndef ISMS_CLI_H
#define ISMS_CLI_H

#include "../app/app.h"
#include "../lib/err.h"

#define ISMS_VERSION "0.1.0"

struct cli {
    int argc;       /* arguments after the command name */
    char **argv;
    const char *file; /* from -f/--file, or NULL */
    const char *cmd;  /* the command name as typed */
    const char *as;   /* --as ACCOUNT: read (and sign) as that account, or NULL */
};

#define CMD(name, fn, args, summary) int fn(struct cli *c);
#include "commands.def"
#undef CMD
#define SUBCMD(type, name, fn, args, summary) int fn(struct cli *c, int argc, char **argv);
#include "subcommands.def"
#undef SUBCMD
int cmd_record(struct cli *c, const struct rtype *t);
/* import: `isms TYPE import FILE ...` for every type (cmd_import.c) */
int cmd_import(struct cli *c, const struct rtype *t, int argc, char **argv);
/* `isms TYPE export --format csv|xlsx -o FILE` for every type: its register
 * as its list page shows it (report_register; cmd_report.c) */
int cmd_register_export(struct cli *c, const struct rtype *t, int argc, char **argv);
void cli_help_type(const struct rtype *t);

/* Prints the error to stderr as "isms: message" and returns its exit status. */
int cli_fail(const struct err *e);
/* Prints a usage error and returns the usage exit status. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Finds the ISMS file (-f, $ISMS_FILE, or the one *.isms here) and opens it.
 * The file's owner reads as the system principal (every row); with
 * `--as ACCOUNT` the account is signed in (cli_sign_in) and every read —
 * lists, search, show, history, exports — sees what it sees on the web. */
int cli_open(struct cli *c, struct app *a, struct err *e);
/* Who is acting: $ISMS_ACTOR, else "cli:<login name>". */
const char *cli_actor(void);

/* Options after a subcommand: --name value, --name=value, and flags. */
struct opts {
    struct kv kv[128];
    char keys[128][64]; /* storage for the names in kv */
    int n;
    int json, all, help;
    int residual, review_due, dry_run, quiet;
    int send_back; /* document review --send-back */
    const char *format, *output;
    const char *search;
    const char *limit;
    const char *pos[4]; /* positional arguments */
    int npos;
};
/* Parses argv into o. Returns 0, or the usage exit status after printing. */
int cli_parse_opts(struct cli *c, int argc, char **argv, struct opts *o, int max_pos);
/* The value of option name among o's --name value pairs, or NULL. Options
 * not taken by the command are refused by cli_no_other_opts. */
const char *cli_opt(const struct opts *o, const char *name);
int cli_no_other_opts(const struct opts *o, const char *const *allowed);
/* Parses `--format csv|xlsx -o FILE` (plus extra allowed options) for an
 * export of `what`; returns 0 or the usage exit status after printing. */
int cli_export_args(struct cli *c, int argc, char **argv, struct opts *o, const char *what,
                    const char *const *extra);
/* Signs in as account (--as ACCOUNT): its password, then its TOTP code
 * when it has one, read from the terminal without echo or from stdin one
 * per line; the account becomes a->signer and a->who (cli_sign.c).
 * account NULL: the account cli_open signed in, else ERR_FORBIDDEN. */
int cli_sign_in(struct app *a, const char *account, struct err *e);
/* A --by option (the signer named by a field) is refused, saying to use
 * --as: the usage exit status after printing, or 0 when there is none. */
int cli_refuse_by(const struct opts *o);
/* The generic `TYPE show ID [--json]` with options already parsed
 * (cmd_record.c), for subcommands that extend it (document show). */
int cli_record_show(struct cli *c, const struct rtype *t, struct opts *o);
/* The versions of kind/subject (subject NULL: all) with their sign-offs;
 * one version as it was (number 0: the latest); the differences between
 * two (from, to: untrusted version numbers). Print, or return -1 with e. */
int cli_versions(struct app *a, const char *kind, const char *subject, int json, struct err *e);
int cli_version_show(struct app *a, const char *kind, const char *subject, int number, int json,
                     struct err *e);
int cli_version_diff(struct app *a, const char *kind, const char *subject, const char *from,
                     const char *to, int json, struct err *e);
/* Prints JSON text (already serialised) followed by a newline. */
void cli_print_json(const char *json);

/* One line from the terminal (without echo, prompt on stderr) or stdin:
 * a password or code. Caller frees; NULL at the end of input. */
char *cli_read_secret(const char *prompt);

/* audit (cmd_audit.c): after an audit is added or changed, prints its
 * auditor-independence warnings (recorded on the audit) to stderr. */
void cli_audit_warnings(struct app *a, const struct rtype *t, const char *ref);
/* The opening of a command that takes exactly npos positional arguments
 * and the options allowed (NULL-terminated; the common ones are always
 * allowed, a `--by` is refused): parses argv, prints usage on a wrong
 * count, opens the ISMS (signing in --as ACCOUNT), and when reads names a
 * type checks the reader may read it as the router would (exit 7). Returns
 * 0 with *a open, else the exit code (nothing open). */
int cli_command_open(struct cli *c, int argc, char **argv, struct opts *o, int npos,
                     const char *const *allowed, const char *usage, const char *reads,
                     struct app *a);

#endif
