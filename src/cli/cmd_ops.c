/* cmd_ops.c — operations subcommands (subcommands.def): an incident's
 * timeline, notes, notification duties with their countdowns, marking one
 * notified, raising a nonconformity; continuity needs per asset; approving
 * a security exception (--as ACCOUNT). Thin: every rule is in app/ops.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/ops.h"
#include "../lib/buf.h"
#include "../model/types.h"
#include "cli.h"

/* isms incident timeline INC-0001 [--json] */
int cmd_inc_timeline(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms incident timeline INC-0001 [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct incident_timeline t;
    if (app_incident_timeline(&a, o.pos[0], &t, &e)) {
        rc = cli_fail(&e);
    } else {
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            incident_timeline_json(o.pos[0], &t, &b);
            cli_print_json(b.p);
            buf_free(&b);
        } else if (!t.n) {
            printf("%s: no timeline entries yet\n", o.pos[0]);
        } else {
            for (size_t i = 0; i < t.n; i++) {
                printf("%s  %-12s %-16s %s\n", t.v[i].at, t.v[i].kind, t.v[i].by, t.v[i].text);
            }
        }
        incident_timeline_free(&t);
    }
    app_close(&a);
    return rc;
}

/* isms incident note INC-0001 --text TEXT [--kind KIND] [--as ACCOUNT] */
int cmd_inc_note(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"text", "kind", "as", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                      "isms incident note INC-0001 --text TEXT [--kind note|triage|containment|"
                      "action|decision|lesson] [--as ACCOUNT]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (app_incident_note(&a, o.pos[0], cli_opt(&o, "kind"), cli_opt(&o, "text"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: %s entry added\n", o.pos[0], cli_opt(&o, "kind") ? cli_opt(&o, "kind") : "note");
    }
    app_close(&a);
    return rc;
}

/* isms incident duties INC-0001 [--json] [--now YYYY-MM-DDTHH:MM] */
int cmd_inc_duties(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms incident duties INC-0001 [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct incident_duties d;
    if (app_incident_duties(&a, o.pos[0], NULL, &d, &e)) {
        rc = cli_fail(&e);
    } else {
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            incident_duties_json(&d, &b);
            cli_print_json(b.p);
            buf_free(&b);
        } else if (!d.n) {
            printf("%s: no notification duties\n", o.pos[0]);
        } else {
            for (size_t i = 0; i < d.n; i++) {
                char cd[120];
                incident_duty_countdown(&d.v[i], cd, sizeof cd);
                printf("%-10s by %s  %s\n  %s\n  %s\n", d.v[i].key, d.v[i].deadline, cd,
                       d.v[i].title, d.v[i].basis);
            }
        }
        incident_duties_free(&d);
    }
    app_close(&a);
    return rc;
}

/* isms incident notified INC-0001 DUTY [--at "YYYY-MM-DD HH:MM"] [--note TEXT] [--as ACCOUNT] */
int cmd_inc_notified(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"at", "note", "as", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 2, allowed,
                      "isms incident notified INC-0001 DUTY [--at \"YYYY-MM-DD HH:MM\"] "
                      "[--note TEXT] [--as ACCOUNT]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (app_incident_notified(&a, o.pos[0], o.pos[1], cli_opt(&o, "at"), cli_opt(&o, "note"),
                              &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: duty %s marked notified\n", o.pos[0], o.pos[1]);
    }
    app_close(&a);
    return rc;
}

/* isms incident raise-nc INC-0001 [--as ACCOUNT] */
int cmd_inc_raise_nc(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms incident raise-nc INC-0001", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    char *nc = NULL;
    if (app_incident_raise_nc(&a, o.pos[0], &nc, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: nonconformity %s raised\n", o.pos[0], nc);
    }
    free(nc);
    app_close(&a);
    return rc;
}

static void hours(double h)
{
    if (h < 0) {
        printf(" %8s", "-");
    } else {
        printf(" %8g", h);
    }
}

/* isms continuity needs [--json] */
int cmd_bcp_needs(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 0, allowed, "isms continuity needs [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct continuity_needs l = {0};
    /* like the router: the register needs read permission on continuity */
    if (app_may_read(&a, rtype_find("continuity"), 0, &e) || app_continuity_needs(&a, &l, &e)) {
        rc = cli_fail(&e);
    } else {
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            continuity_needs_json(&l, &b);
            cli_print_json(b.p);
            buf_free(&b);
        } else {
            printf("%-8s %-32s %-12s %-8s %8s %8s %8s  %s\n", "asset", "name", "kind", "service",
                   "RTO h", "RPO h", "MTD h", "RTO from");
            for (size_t i = 0; i < l.n; i++) {
                printf("%-8s %-32.32s %-12s %-8s", l.v[i].asset, l.v[i].name, l.v[i].kind,
                       l.v[i].service);
                hours(l.v[i].rto);
                hours(l.v[i].rpo);
                hours(l.v[i].mtd);
                printf("  %s\n", l.v[i].rto_from);
            }
        }
        continuity_needs_free(&l);
    }
    app_close(&a);
    return rc;
}

/* isms exception approve EXC-0001 --as ACCOUNT [--rationale TEXT] */
int cmd_exc_approve(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "rationale", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                      "isms exception approve EXC-0001 --as ACCOUNT [--rationale TEXT]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (a.signer.account <= 0) {
        app_close(&a);
        return cli_usage("exception approve: give --as ACCOUNT (the account that approves)");
    }
    if (app_exception_approve(&a, o.pos[0], cli_opt(&o, "rationale"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("exception %s approved by %s (account %s)\n", o.pos[0], a.signer.person,
               a.signer.name);
    }
    app_close(&a);
    return rc;
}
