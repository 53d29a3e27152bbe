/* cmd_tasks.c — `isms tasks [--mine|--all] [--overdue] [--owner P-NNNN]
 * [--days N] [--json] [--as ACCOUNT]`: the one task model (app_tasks) on
 * the terminal, as a table or as the JSON of tasks_json. Signed in with
 * --as, the command reads as that account (its role's rows only) and
 * --mine means its person's tasks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/tasks.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "cli.h"

#define USAGE "usage: isms tasks [--mine|--all] [--overdue] [--owner P-NNNN] [--days N] [--json] " \
              "[--as ACCOUNT]"

static void print_table(const struct tasks *t)
{
    long over = 0;
    if (t->n) {
        printf("%-10s  %-7s  %-8s  %-11s  %-9s  %s\n", "DUE", "STATE", "OWNER", "WHAT", "SUBJECT",
               "TITLE");
    }
    for (int i = 0; i < t->n; i++) {
        const struct task *k = &t->v[i];
        over += k->state == TASK_OVERDUE;
        printf("%-10s  %-7s  %-8s  %-11s  %-9s  %s\n", k->due, task_state_name(k->state),
               k->owner[0] ? k->owner : "-", k->what, k->subject, k->title);
    }
    if (!t->n) {
        printf("no tasks\n");
    } else {
        printf("%d task%s, %ld overdue\n", t->n, t->n == 1 ? "" : "s", over);
    }
}

int cmd_tasks(struct cli *c)
{
    /* the flags of this command only, taken out before the common parser */
    int mine = 0, overdue = 0;
    char **argv = xmalloc(((size_t)c->argc + 1) * sizeof *argv);
    int argc = 0;
    for (int i = 0; i < c->argc; i++) {
        if (strcmp(c->argv[i], "--mine") == 0) {
            mine = 1;
        } else if (strcmp(c->argv[i], "--overdue") == 0) {
            overdue = 1;
        } else {
            argv[argc++] = c->argv[i];
        }
    }
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 0);
    free(argv);
    if (rc) {
        return rc;
    }
    static const char *const allowed[] = {"owner", "days", "as", NULL};
    if (o.help) {
        printf("%s\n", USAGE);
        return 0;
    }
    if ((rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (mine && o.all) {
        return cli_usage("--mine and --all exclude each other\n" USAGE);
    }
    const char *owner = cli_opt(&o, "owner");
    const char *as = c->as; /* --as: cli_open signs the account in and reads as it */
    struct err e = {0};
    int days = 0;
    if (cli_opt(&o, "days") && task_parse_days(cli_opt(&o, "days"), &days, &e)) {
        return cli_fail(&e);
    }
    if (o.all && owner) {
        return cli_usage("--all and --owner exclude each other (--owner: one person's tasks)");
    }
    if (mine && !owner && !as) {
        return cli_usage("--mine: whose tasks? Sign in with --as ACCOUNT (its person's tasks) "
                         "or name the person with --owner P-NNNN");
    }
    struct app a;
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (as) {
        /* reading as the account (a.who): only the rows its role may see */
        if (mine && !owner) {
            if (!a.signer.person[0]) {
                err_set(&e, ERR_INVALID, "mine",
                        "--mine: account %s acts as no person; name one with --owner P-NNNN",
                        a.signer.name);
                rc = cli_fail(&e);
                goto done;
            }
            owner = a.signer.person;
        }
    }
    char today[11];
    date_today(today);
    struct task_query q = {.today = today, .owner = owner, .overdue_only = overdue,
                           .horizon_days = days};
    struct tasks t;
    if (app_tasks(&a, &q, &t, &e)) {
        rc = cli_fail(&e);
        goto done;
    }
    if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        tasks_json(&w, &t, &q, today);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else {
        print_table(&t);
    }
    tasks_free(&t);
done:
    app_close(&a);
    return rc;
}
