/* cmd_method.c — `isms method show|set|import|history`: the risk
 * assessment method of clause 6.1.2. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/yaml.h"
#include "../model/method.h"
#include "cli.h"

#define METHOD_FILE_MAX (1 << 20)

static void print_scale(const char *title, const struct scale *s)
{
    printf("%s:\n", title);
    for (int i = 0; i < s->n; i++) {
        printf("  %2d  %-16s %s%s%s%s\n", i + 1, s->lv[i].label,
               s->lv[i].description ? s->lv[i].description : "", s->lv[i].anchor ? " (" : "",
               s->lv[i].anchor ? s->lv[i].anchor : "", s->lv[i].anchor ? ")" : "");
    }
}

static int show(struct app *a, int json)
{
    struct err e = {0};
    const struct method *m = app_method(a, &e);
    if (!m) {
        return cli_fail(&e);
    }
    struct buf b;
    buf_init(&b, 0);
    method_json(m, &b, 1);
    if (json) {
        cli_print_json(buf_str(&b));
        buf_free(&b);
        return 0;
    }
    buf_free(&b);
    printf("%s (version %d)\n\nScoring: %s\n\n", m->name, a->method_version,
           m->scoring == SCORING_MATRIX ? "matrix lookup" : "likelihood x consequence");
    print_scale("Likelihood", &m->likelihood);
    print_scale("Consequence", &m->consequence);
    if (m->per_cia) {
        print_scale("Consequence for confidentiality", &m->cia[0]);
        print_scale("Consequence for integrity", &m->cia[1]);
        print_scale("Consequence for availability", &m->cia[2]);
    }
    printf("\nLevels:\n");
    for (int i = 0; i < m->nlevels; i++) {
        const struct risk_level *l = &m->levels[i];
        printf("  %-10s %3d-%-3d %s  review every %d days  %s\n", l->name, l->min, l->max,
               l->colour, l->review_days, l->action ? l->action : "");
    }
    printf("\nAcceptance: scores up to %d may be retained by the risk owner; above that, top "
           "management decides.\n\nScores:\n     ",
           m->accept_max);
    for (int c = 1; c <= m->consequence.n; c++) {
        printf(" C%-3d", c);
    }
    printf("\n");
    for (int l = m->likelihood.n; l >= 1; l--) {
        printf("  L%-2d", l);
        for (int c = 1; c <= m->consequence.n; c++) {
            printf(" %-4d", method_score(m, l, c));
        }
        printf("\n");
    }
    return 0;
}

static char *read_file(const char *path, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, ERR_NOTFOUND, NULL, "%s: cannot be read", path);
        return NULL;
    }
    struct buf b;
    buf_init(&b, METHOD_FILE_MAX);
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        buf_append(&b, tmp, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || b.over) {
        buf_free(&b);
        err_set(e, ERR_INVALID, NULL, "%s: %s", path,
                bad ? "read error" : "larger than 1 MB; not a method file");
        return NULL;
    }
    return buf_take(&b);
}

static int method_import(struct cli *c, const char *path)
{
    struct err e = {0};
    char *text = read_file(path, &e);
    if (!text) {
        return cli_fail(&e);
    }
    const char *p = text;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
        p++;
    }
    char *json = NULL;
    if (*p == '{') {
        json = text;
        text = NULL;
    } else {
        json_t *v = yaml_to_json(text, strlen(text), &e);
        if (!v) {
            free(text);
            return cli_fail(&e);
        }
        json = json_dumps(v, JSON_COMPACT);
        json_decref(v);
    }
    free(text);
    struct app a;
    long n = 0;
    int rc = 0;
    if (cli_open(c, &a, &e)) {
        free(json);
        return cli_fail(&e);
    }
    if (app_method_replace(&a, json, &n, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("method version %d in force; %ld risks re-scored\n", a.method_version, n);
    }
    free(json);
    app_close(&a);
    return rc;
}

static int print_version(void *ctx, const struct method_row *m)
{
    (void)ctx;
    printf("v%-4d %s  %-30s by %s\n", m->version, m->created_at, m->name, m->created_by);
    return 0;
}

int cmd_method(struct cli *c)
{
    const char *sub = c->argc ? c->argv[0] : "show";
    struct opts o;
    static const char *const set_opts[] = {"name", "scoring", "accept-max", "accept-level", NULL};
    static const char *const approve_opts[] = {"as", "rationale", "on-behalf-of", "evidence",
                                               NULL};
    static const char *const show_opts[] = {"version", NULL};
    int rc = cli_parse_opts(c, c->argc ? c->argc - 1 : 0, c->argv + (c->argc ? 1 : 0), &o, 2);
    if (rc || (rc = cli_refuse_by(&o))) {
        return rc;
    }
    const char *const *allowed = strcmp(sub, "set") == 0       ? set_opts
                                 : strcmp(sub, "approve") == 0 ? approve_opts
                                 : strcmp(sub, "show") == 0    ? show_opts
                                                               : NULL;
    if ((rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    if (strcmp(sub, "import") == 0) {
        if (o.npos != 1) {
            return cli_usage("usage: isms method import FILE (JSON or YAML)");
        }
        return method_import(c, o.pos[0]);
    }
    struct app a;
    struct err e = {0};
    if (strcmp(sub, "show") && strcmp(sub, "set") && strcmp(sub, "history") &&
        strcmp(sub, "approve") && strcmp(sub, "versions") && strcmp(sub, "diff")) {
        return cli_usage("usage: isms method show [--json] [--version N] | set [--name N] "
                         "[--scoring product|matrix] [--accept-max N | --accept-level LEVEL] | "
                         "import FILE | history | versions [--json] | diff N M | approve --as "
                         "ACCOUNT [--rationale TEXT]");
    }
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    int64_t vn = 0;
    if (strcmp(sub, "show") == 0 && cli_opt(&o, "version")) {
        if (int_parse(cli_opt(&o, "version"), &vn) || vn < 1 || vn > 1000000) {
            rc = cli_usage("--version: give a version number (see `isms method versions`)");
        } else if (cli_version_show(&a, "method", "risk", (int)vn, o.json, &e)) {
            rc = cli_fail(&e);
        }
    } else if (strcmp(sub, "show") == 0) {
        rc = show(&a, o.json);
    } else if (strcmp(sub, "versions") == 0) {
        if (cli_versions(&a, "method", "risk", o.json, &e)) {
            rc = cli_fail(&e);
        }
    } else if (strcmp(sub, "diff") == 0) {
        if (cli_version_diff(&a, "method", "risk", o.npos > 0 ? o.pos[0] : NULL,
                             o.npos > 1 ? o.pos[1] : NULL, o.json, &e)) {
            rc = cli_fail(&e);
        }
    } else if (strcmp(sub, "approve") == 0) {
        int version = 0, existing = 0;
        if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
            app_method_approve(&a, cli_opt(&o, "rationale"), cli_opt(&o, "on-behalf-of"),
                               cli_opt(&o, "evidence"), &version, &existing, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("risk method version %d %s by %s (account %s)\n", version,
                   existing ? "was already approved" : "approved", a.signer.person,
                   a.signer.name);
        }
    } else if (strcmp(sub, "history") == 0) {
        if (store_methods(a.st, print_version, NULL, &e)) {
            rc = cli_fail(&e);
        }
    } else {
        long n = 0;
        if (app_method_set(&a, cli_opt(&o, "name"), cli_opt(&o, "scoring"),
                           cli_opt(&o, "accept-max"), cli_opt(&o, "accept-level"), &n, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("method version %d in force; %ld risks re-scored\n", a.method_version, n);
        }
    }
    app_close(&a);
    return rc;
}
