/* risk.c — see risk.h. */
#include "risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"

static int get_int(const struct record *r, const char *f)
{
    const char *v = record_get(r, f);
    return v ? atoi(v) : 0;
}

static void set(struct record *r, const char *f, const char *v)
{
    int i;
    if (rtype_field(r->type, f, &i)) {
        record_set_take(r, i, v ? xstrdup(v) : NULL);
    }
}

static void set_int(struct record *r, const char *f, int v)
{
    char tmp[32];
    if (v <= 0) {
        set(r, f, NULL);
        return;
    }
    snprintf(tmp, sizeof tmp, "%d", v);
    set(r, f, tmp);
}

static int check_scale(const struct record *r, const char *f, const struct scale *s,
                       const char *scale_name, struct err *e)
{
    int v = get_int(r, f);
    if (v > s->n) {
        return err_set(e, ERR_INVALID, f,
                       "%s: %d is above the method's %s scale, which has %d levels (1-%d)", f, v,
                       scale_name, s->n, s->n);
    }
    return 0;
}

const char *const risk_derive_fields[RISK_DERIVE_NFIELDS + 1] = {
    "likelihood", "consequence", "consequence_confidentiality", "consequence_integrity",
    "consequence_availability", "affects", "residual_likelihood", "residual_consequence",
    "score", "level", "residual_score", "residual_level", NULL};

int risk_derive(const struct method *m, struct record *r, struct err *e)
{
    static const char *const dims[3] = {"consequence_confidentiality", "consequence_integrity",
                                        "consequence_availability"};
    static const char *const dim_names[3] = {"confidentiality", "integrity", "availability"};
    if (check_scale(r, "likelihood", &m->likelihood, "likelihood", e) ||
        check_scale(r, "residual_likelihood", &m->likelihood, "likelihood", e) ||
        check_scale(r, "consequence", &m->consequence, "consequence", e) ||
        check_scale(r, "residual_consequence", &m->consequence, "consequence", e)) {
        return -1;
    }
    const char *affects = record_get(r, "affects");
    int any = 0, worst = 0;
    for (int d = 0; d < 3; d++) {
        if (!record_get(r, dims[d])) {
            continue;
        }
        if (!m->per_cia) {
            return err_set(e, ERR_INVALID, dims[d],
                           "%s: the risk method has one consequence scale; set consequence "
                           "instead",
                           dims[d]);
        }
        if (check_scale(r, dims[d], &m->cia[d], dims[d], e)) {
            return -1;
        }
        if (!affects || !strstr(affects, dim_names[d])) {
            return err_set(e, ERR_INVALID, dims[d],
                           "%s: the risk does not affect %s (add it to affects, or clear this "
                           "field)",
                           dims[d], dim_names[d]);
        }
        int v = get_int(r, dims[d]);
        any = 1;
        worst = v > worst ? v : worst;
    }
    if (any) {
        set_int(r, "consequence", worst);
    }
    int l = get_int(r, "likelihood"), c = get_int(r, "consequence");
    int s = method_score(m, l, c);
    const struct risk_level *lv = s ? method_level(m, s) : NULL;
    set_int(r, "score", s);
    set(r, "level", lv ? lv->name : NULL);
    int rl = get_int(r, "residual_likelihood"), rc = get_int(r, "residual_consequence");
    if ((rl && !rc) || (!rl && rc)) {
        return err_set(e, ERR_INVALID, rl ? "residual_consequence" : "residual_likelihood",
                       "%s: rate residual likelihood and residual consequence together",
                       rl ? "residual_consequence" : "residual_likelihood");
    }
    int rs = method_score(m, rl, rc);
    const struct risk_level *rlv = rs ? method_level(m, rs) : NULL;
    set_int(r, "residual_score", rs);
    set(r, "residual_level", rlv ? rlv->name : NULL);
    return 0;
}

int risk_decisive_score(const struct record *r)
{
    int rs = get_int(r, "residual_score");
    return rs ? rs : get_int(r, "score");
}

int risk_needs_approval(const struct method *m, const struct record *r)
{
    return risk_decisive_score(r) > m->accept_max;
}

int risk_review_due(const struct record *r, const char *today)
{
    const char *reason = record_get(r, "review_reason");
    const char *date = record_get(r, "review_date");
    return (reason && *reason) || (date && strcmp(date, today) <= 0);
}

int risk_review_days(const struct method *m, const struct record *r)
{
    const struct risk_level *lv = method_level(m, risk_decisive_score(r));
    return risk_decisive_score(r) && lv ? lv->review_days : 365;
}
