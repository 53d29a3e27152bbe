/* cmd_review.c — management review (9.3) and certification subcommands
 * (subcommands.def): compile the review pack, freeze it at the meeting,
 * show a frozen pack as it was and what changed since, sign the minutes as
 * top management (--as ACCOUNT), and a certificate's surveillance schedule.
 * Thin: every figure comes from app_review_pack / app_cert_schedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/review.h"
#include "../lib/text.h"
#include "cli.h"

static void print_pack(const struct review_pack *p)
{
    printf("Management review pack %s: %s\n", p->review, p->title);
    if (p->previous[0]) {
        printf("period: after %s (review %s) up to %s\n", p->from, p->previous, p->to);
    } else {
        printf("period: up to %s (no earlier review)\n", p->to);
    }
    for (size_t i = 0; i < p->nsec; i++) {
        const struct pack_section *s = &p->sec[i];
        printf("\n%s  %s\n", s->clause, s->title);
        for (size_t j = 0; j < s->nfig; j++) {
            printf("  %-44s %lld\n", s->fig[j].label, s->fig[j].value);
        }
        for (size_t j = 0; j < s->n; j++) {
            const struct pack_item *it = &s->items[j];
            printf("  - %-10s %s [%s]%s%s%s%s\n", it->id, it->title, it->status,
                   it->date[0] ? " " : "", it->date, it->owner[0] ? " " : "", it->owner);
            if (it->detail[0]) {
                printf("      %s\n", it->detail);
            }
        }
        if (s->more) {
            printf("  ... and %lld more\n", s->more);
        }
    }
}

/* isms review compile MR-0001 [--json] [--today YYYY-MM-DD] */
int cmd_review_compile(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"today", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms review compile MR-0001 [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    const char *today = cli_opt(&o, "today");
    int y, m, d;
    if (today && date_parse(today, &y, &m, &d)) {
        app_close(&a);
        return cli_usage("--today: give a date as YYYY-MM-DD, not '%.40s'", today);
    }
    struct review_pack p;
    /* --as: the router's read permission (GET /reviews/:id/pack) */
    if (app_may_read(&a, rtype_find("review"), 0, &e) ||
        app_review_pack(&a, o.pos[0], today, &p, &e)) {
        rc = cli_fail(&e);
    } else {
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            review_pack_json(&p, &b);
            cli_print_json(buf_str(&b));
            buf_free(&b);
        } else {
            print_pack(&p);
        }
        review_pack_free(&p);
    }
    app_close(&a);
    return rc;
}

/* isms review freeze MR-0001 [--note TEXT] */
int cmd_review_freeze(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"note", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed, "isms review freeze MR-0001 [--note TEXT]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    int n = 0, existing = 0;
    if (app_review_freeze(&a, o.pos[0], cli_opt(&o, "note"), &n, &existing, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("review %s: pack %s as version %d\n", o.pos[0],
               existing ? "unchanged, already frozen" : "frozen", n);
    }
    app_close(&a);
    return rc;
}

/* isms review pack MR-0001 [--version N] [--json] */
int cmd_review_pack(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"version", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                      "isms review pack MR-0001 [--version N] [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    int64_t n = 0;
    const char *vs = cli_opt(&o, "version");
    if (vs && (int_parse(vs, &n) || n < 1 || n > 1000000)) {
        app_close(&a);
        return cli_usage("--version: give a version number (1, 2, ...), not '%.20s'", vs);
    }
    struct err e = {0};
    struct version v;
    struct review_pack p;
    if (app_may_read(&a, rtype_find("review"), 0, &e) ||
        app_review_pack_version(&a, o.pos[0], (int)n, &v, &p, &e)) {
        rc = cli_fail(&e);
    } else {
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            struct jw w;
            jw_init(&w, &b, 0);
            jw_obj(&w);
            version_json_fields(&w, &v, 0);
            jw_key(&w, "pack");
            review_pack_write(&w, &p);
            jw_obj_end(&w);
            cli_print_json(buf_str(&b));
            buf_free(&b);
        } else {
            printf("frozen version %d (%s) made %s by %s, sha256 %s\n\n", v.number,
                   v.state ? v.state : "frozen", v.created_at, v.created_by, v.sha256);
            print_pack(&p);
        }
        review_pack_free(&p);
        version_free(&v);
    }
    app_close(&a);
    return rc;
}

/* isms review pack-diff MR-0001 [--version N] [--json]: frozen vs now */
int cmd_review_pack_diff(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"version", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                      "isms review pack-diff MR-0001 [--version N] [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    int64_t n = 0;
    const char *vs = cli_opt(&o, "version");
    if (vs && (int_parse(vs, &n) || n < 1 || n > 1000000)) {
        app_close(&a);
        return cli_usage("--version: give a version number (1, 2, ...), not '%.20s'", vs);
    }
    struct err e = {0};
    struct version v;
    struct review_pack was, now;
    if (app_may_read(&a, rtype_find("review"), 0, &e) ||
        app_review_pack_version(&a, o.pos[0], (int)n, &v, &was, &e)) {
        app_close(&a);
        return cli_fail(&e);
    }
    if (app_review_pack(&a, o.pos[0], NULL, &now, &e)) {
        rc = cli_fail(&e);
    } else {
        struct pack_diff d;
        review_pack_diff(&was, &now, &d);
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            pack_diff_json(&d, &b);
            cli_print_json(buf_str(&b));
            buf_free(&b);
        } else {
            printf("review %s: frozen pack version %d (to %s) against now (to %s): %zu "
                   "change%s\n", o.pos[0], v.number, was.to, now.to, d.n, d.n == 1 ? "" : "s");
            for (size_t i = 0; i < d.n; i++) {
                const struct pack_change *x = &d.v[i];
                printf("  %-18s %-8s %-10s %s: %s -> %s\n", x->section[0] ? x->section : "period",
                       x->change, x->id, x->field, x->from, x->to);
            }
        }
        pack_diff_free(&d);
        review_pack_free(&now);
    }
    review_pack_free(&was);
    version_free(&v);
    app_close(&a);
    return rc;
}

/* isms review sign MR-0001 --as ACCOUNT [--rationale TEXT] */
int cmd_review_sign(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "rationale", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                      "isms review sign MR-0001 --as ACCOUNT [--rationale TEXT]", NULL, &a);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    int n = 0, existing = 0;
    if (!c->as) { /* --as is the CLI's (cli_open signed it in) */
        app_close(&a);
        return cli_usage("review sign: give --as ACCOUNT (the top management account that "
                         "signs the minutes)");
    }
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_review_sign(&a, o.pos[0], cli_opt(&o, "rationale"), &n, &existing, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("review %s: minutes version %d %s by %s (account %s)\n", o.pos[0], n,
               existing ? "were already signed" : "signed", a.signer.person, a.signer.name);
    }
    app_close(&a);
    return rc;
}

/* isms certificate schedule CERT-0001 [--json] [--today YYYY-MM-DD] */
int cmd_cert_schedule(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"today", NULL};
    struct opts o;
    struct app a;
    int rc = cli_command_open(c, argc, argv, &o, 1, allowed,
                      "isms certificate schedule CERT-0001 [--json]", NULL, &a);
    if (rc) {
        return rc;
    }
    const char *today = cli_opt(&o, "today");
    int y, m, d;
    if (today && date_parse(today, &y, &m, &d)) {
        app_close(&a);
        return cli_usage("--today: give a date as YYYY-MM-DD, not '%.40s'", today);
    }
    struct err e = {0};
    struct cert_schedule s;
    if (app_may_read(&a, rtype_find("certificate"), 0, &e) ||
        app_cert_schedule(&a, o.pos[0], &s, &e)) {
        rc = cli_fail(&e);
    } else {
        char t[11];
        if (today) {
            snprintf(t, sizeof t, "%s", today);
        } else {
            date_today(t);
        }
        if (o.json) {
            struct buf b;
            buf_init(&b, 0);
            cert_schedule_json(&s, t, &b);
            cli_print_json(buf_str(&b));
            buf_free(&b);
        } else {
            printf("certificate %s (%s, %s); warnings %d", s.ref, s.number, s.body,
                   s.nwarn ? s.warn[0] : 0);
            for (int i = 1; i < s.nwarn; i++) {
                printf("/%d", s.warn[i]);
            }
            printf(" days before each deadline\n");
            for (int i = 0; i < s.nd; i++) {
                const struct cert_deadline *x = &s.d[i];
                int st = cert_warn_stage(s.warn, s.nwarn, t, x->due);
                printf("  %-24s %s  ", x->what, x->due);
                if (x->audit[0]) {
                    printf("held (%s)\n", x->audit);
                } else if (st < 0) {
                    printf("OVERDUE\n");
                } else if (st > 0) {
                    printf("due within %d days\n", st);
                } else {
                    printf("scheduled\n");
                }
            }
        }
    }
    app_close(&a);
    return rc;
}
