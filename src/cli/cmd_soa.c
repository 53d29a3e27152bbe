/* cmd_soa.c — `isms soa ...`: the Statement of Applicability: list, set one
 * row, approve a version, show a version or the one in force on a date,
 * diff two versions, transition 2013 -> 2022, export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/audit.h" /* audit */
#include "../lib/text.h"
#include "../model/types.h"
#include "../report/registers.h"
#include "../store/store.h"
#include "../app/ops.h"
#include "cli.h"

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void print_rows(const struct soa *soa, const struct records *exc,
                       const struct strmap *tests)
{
    printf("%-9s %-44s %-10s %-12s %-8s %s\n", "control", "title", "applicable", "status",
           "owner", "reasons");
    for (size_t i = 0; i < soa->n; i++) {
        const struct soa_row *r = &soa->v[i];
        char why[200] = "";
        size_t used = 0;
        for (size_t k = 0; k < r->categories.n; k++) {
            used += (size_t)snprintf(why + used, used < sizeof why ? sizeof why - used : 0,
                                     "%s%s", k ? ", " : "", r->categories.v[k]);
        }
        /* ops: the control's active security exceptions */
        for (size_t k = 0; exc && k < exc->n; k++) {
            const char *c = record_get(exc->v[k], "control");
            if (c && strcmp(c, r->id) == 0) {
                used += (size_t)snprintf(why + used, used < sizeof why ? sizeof why - used : 0,
                                         "%sexception %s until %s", used ? "; " : "",
                                         exc->v[k]->ref, record_get(exc->v[k], "expires_on"));
            }
        }
        char title[48];
        snprintf(title, sizeof title, "%.44s", r->title ? r->title : "");
        const char *test = NULL; /* audit: the control's test state */
        if (!tests || !strmap_get(tests, r->id, &test)) {
            test = NULL;
        }
        printf("%-9s %-44s %-10s %-12s %-8s %s%s%s%s\n", r->id, title,
               r->applicable == 1 ? "yes" : r->applicable == 0 ? "no" : "undecided",
               r->status ? r->status : "", or_dash(r->owner), why, test ? "  [" : "",
               test ? test : "", test ? "]" : "");
    }
}

/* The SoA as text, or its JSON (the one writer, soa_json). */
static void print_soa(const struct soa *soa, int json, const struct records *exc,
                      const struct strmap *tests)
{
    if (json) {
        struct buf b;
        buf_init(&b, 0);
        soa_json(soa, &b);
        cli_print_json(buf_str(&b));
        buf_free(&b);
        return;
    }
    print_rows(soa, exc, tests);
    struct soa_counts c;
    soa_counts(soa, &c);
    printf("\n%zu controls: %zu applicable (%zu implemented), %zu excluded or undecided\n",
           c.controls, c.applicable, c.implemented, c.controls - c.applicable);
}

/* A frozen version's content: as stored for --json, else read back. */
static int print_content(const char *content, int json)
{
    if (json) {
        cli_print_json(content);
        return 0;
    }
    struct soa soa;
    struct err e = {0};
    if (soa_parse(content, &soa, &e)) {
        return cli_fail(&e);
    }
    print_soa(&soa, 0, NULL, NULL); /* a frozen version: no test states nor exceptions then */
    soa_free(&soa);
    return 0;
}

struct show_ctx {
    int json;
};

static int show_version(void *ctx, const struct soa_version_row *v)
{
    struct show_ctx *s = ctx;
    if (!s->json) {
        printf("Statement of Applicability version %d (%s), approved by %s at %s%s%s\n"
               "sha256 %s\n\n",
               v->version, v->framework, v->approved_by, v->approved_at, v->note ? ": " : "",
               v->note ? v->note : "", v->hash);
    }
    return print_content(v->content, s->json);
}

static int list_version(void *ctx, const struct soa_version_row *v)
{
    (void)ctx;
    printf("v%-4d %s  %-14s approved by %-8s %s\n", v->version, v->approved_at, v->framework,
           v->approved_by, v->note ? v->note : "");
    return 0;
}

static void print_diff(const struct vdiff *d)
{
    if (!d->n) {
        printf("no differences\n");
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct vchange *c = &d->v[i];
        if (strcmp(c->change, "changed") == 0) {
            char *from = vdiff_value_text(c->from);
            char *to = vdiff_value_text(c->to);
            printf("%-8s %s: %.200s -> %.200s\n", c->id, c->field, from, to);
            free(from);
            free(to);
        } else {
            printf("%-8s %s\n", c->id, c->change);
        }
    }
}

int cmd_soa(struct cli *c)
{
    const char *sub = c->argc && c->argv[0][0] != '-' ? c->argv[0] : "list";
    int skip = strcmp(sub, "list") == 0 && !(c->argc && strcmp(c->argv[0], "list") == 0) ? 0 : 1;
    struct opts o;
    int rc;
    if (strcmp(sub, "set") == 0) {
        rc = cli_parse_opts(c, c->argc - 1, c->argv + 1, &o, 1);
    } else if (strcmp(sub, "export") == 0) {
        static const char *const ex[] = {"framework", NULL};
        rc = cli_export_args(c, c->argc - 1, c->argv + 1, &o, "soa", ex);
    } else {
        static const char *const allowed[] = {"framework",    "as",       "note", "version",
                                              "as-of",        "on-behalf-of", "evidence", NULL};
        rc = cli_parse_opts(c, c->argc - skip, c->argv + skip, &o, 2);
        if (!rc && !(rc = cli_refuse_by(&o))) {
            rc = cli_no_other_opts(&o, allowed);
        }
    }
    if (rc) {
        return rc;
    }
    const char *fw = cli_opt(&o, "framework") ? cli_opt(&o, "framework") : FRAMEWORK_2022;
    static const char *const subs[] = {"list", "set", "approve", "show", "versions", "diff",
                                       "transition", "export", NULL};
    int known = 0;
    for (int i = 0; subs[i]; i++) {
        known |= strcmp(subs[i], sub) == 0;
    }
    if (!known) {
        return cli_usage("usage: isms soa [list] [--framework F] [--json] | set CONTROL --FIELD "
                         "VALUE ... | approve --as ACCOUNT [--note TEXT] | show --version N | "
                         "--as-of DATE | versions | diff N M | transition [--dry-run] | export "
                         "--format csv|xlsx -o FILE");
    }
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    if (strcmp(sub, "list") == 0) {
        struct soa soa;
        if (o.npos) {
            rc = cli_usage("soa list takes no arguments (did you mean `isms control show %.20s`?)",
                           o.pos[0]);
        } else if (app_soa(&a, fw, &soa, &e)) {
            rc = cli_fail(&e);
        } else {
            struct records exc = {0};
            if (!o.json && app_active_exceptions(&a, &exc, &e)) {
                memset(&exc, 0, sizeof exc);
            }
            struct strmap tests = {0}; /* audit: control test states */
            if (app_ctest_flags(&a, NULL, &tests, &e)) {
                rc = cli_fail(&e);
            } else {
                print_soa(&soa, o.json, &exc, &tests); /* ops: with active exceptions */
            }
            strmap_free(&tests);
            records_free(&exc);
            soa_free(&soa);
        }
    } else if (strcmp(sub, "set") == 0) {
        int changed = 0;
        if (o.npos != 1) {
            rc = cli_usage("usage: isms soa set CONTROL --applicable yes|no --justification TEXT "
                           "--status STATUS --owner PERSON --implementation TEXT --documents IDS");
        } else if (app_soa_set(&a, o.pos[0], o.kv, o.n, &changed, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("%s %s\n", o.pos[0], changed ? "updated" : "unchanged (already so)");
        }
    } else if (strcmp(sub, "approve") == 0) {
        int version = 0, existing = 0;
        if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
            app_soa_approve(&a, fw, cli_opt(&o, "note"), cli_opt(&o, "on-behalf-of"),
                            cli_opt(&o, "evidence"), &version, &existing, &e)) {
            rc = cli_fail(&e);
        } else if (existing) {
            printf("Statement of Applicability version %d was already approved by %s (account "
                   "%s); nothing changed\n",
                   version, a.signer.person, a.signer.name);
        } else {
            printf("Statement of Applicability version %d approved by %s (account %s)\n",
                   version, a.signer.person, a.signer.name);
        }
    } else if (strcmp(sub, "show") == 0) {
        const char *ver = cli_opt(&o, "version"), *asof = cli_opt(&o, "as-of");
        int64_t v = 0;
        char end[32];
        int y, m, d;
        struct show_ctx sc = {o.json};
        if ((!ver) == (!asof)) {
            rc = cli_usage("usage: isms soa show --version N | --as-of YYYY-MM-DD [--json]");
        } else if (ver && (int_parse(ver, &v) || v < 1 || v > 1000000)) {
            rc = cli_usage("--version: give a version number (see `isms soa versions`)");
        } else if (asof && date_parse(asof, &y, &m, &d)) {
            rc = cli_usage("--as-of: give a date as YYYY-MM-DD");
        } else {
            if (asof) {
                snprintf(end, sizeof end, "%.10sT23:59:59Z", asof);
            }
            if (store_soa_version_get(a.st, &a.who, (int)v, asof ? end : NULL, asof ? fw : NULL,
                                      show_version, &sc, &e)) {
                rc = cli_fail(&e);
            }
        }
    } else if (strcmp(sub, "versions") == 0) {
        if (store_soa_versions(a.st, &a.who, list_version, NULL, &e)) {
            rc = cli_fail(&e);
        }
    } else if (strcmp(sub, "diff") == 0) {
        int64_t n1, n2;
        struct vdiff d = {0};
        if (o.npos != 2 || int_parse(o.pos[0], &n1) || int_parse(o.pos[1], &n2) || n1 < 1 ||
            n2 < 1 || n1 > 1000000 || n2 > 1000000) {
            rc = cli_usage("usage: isms soa diff N M [--json] (version numbers)");
        } else if (app_soa_diff(&a, (int)n1, (int)n2, &d, &e)) {
            rc = cli_fail(&e);
        } else if (o.json) {
            struct buf b;
            struct jw j;
            buf_init(&b, 0);
            jw_init(&j, &b, 0);
            vdiff_json(&j, &d);
            cli_print_json(buf_str(&b));
            buf_free(&b);
        } else {
            print_diff(&d);
        }
        vdiff_free(&d);
    } else if (strcmp(sub, "transition") == 0) {
        char *report = NULL;
        int need = 0;
        if (app_soa_transition(&a, o.dry_run, &report, &need, &e)) {
            rc = cli_fail(&e);
        } else {
            fputs(report, stdout);
        }
        free(report);
    } else {
        if (report_soa(&a, fw, o.format, o.output, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("wrote %s\n", o.output);
        }
    }
    app_close(&a);
    return rc;
}
