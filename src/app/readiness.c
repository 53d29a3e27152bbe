/* readiness.c — the readiness report and the implementation journey
 * (readiness.h). The rules are the table of readiness.def; this file only
 * evaluates them: for each rule it reads the records of its source as the
 * principal a->who (the store applies its row rule; only the columns the
 * rule names), counts those
 * its `where` selects and answers present / approved / current / evidence
 * with the reason. Nothing here writes. */
#include "readiness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/strmap.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/method.h"
#include "app.h"

const struct readiness_rule readiness_rules[] = {
#define RULE(id, cl, m, ti, src, wh, ap, cu, ev, fx, tx) {id, cl, m, ti, src, wh, ap, cu, ev, fx, tx},
#include "readiness.def"
#undef RULE
};
const int readiness_nrules = (int)(sizeof readiness_rules / sizeof readiness_rules[0]);
const struct readiness_rule readiness_alts[] = {
#define ALT(id, src, wh, ap, cu, ev, fx, tx) {id, "", 0, "", src, wh, ap, cu, ev, fx, tx},
#include "readiness.def"
#undef ALT
    {NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
const int readiness_nalts = (int)(sizeof readiness_alts / sizeof readiness_alts[0]) - 1;

struct stage_def {
    int n;
    const char *title, *items, *text;
};
static const struct stage_def stages[] = {
#define STAGE(n, ti, it, tx) {n, ti, it, tx},
#include "readiness.def"
#undef STAGE
};

const char *rd_answer_name(enum rd_answer a)
{
    return a == RD_YES ? "yes" : a == RD_NO ? "no" : "n/a";
}

const char *stage_state_name(enum stage_state s)
{
    return s == STAGE_DONE ? "done" : s == STAGE_STARTED ? "in progress" : "not started";
}

/* ---- reading as the viewer ------------------------------------------------ */

static int can_read(struct app *a, const struct rtype *t)
{
    return principal_is_system(&a->who) ||
           (perm_allows(a->who.role, PERM_READ, t, -1) && perm_rows(&a->who, t).kind != ROWS_NONE);
}

static int list_visible(struct app *a, const struct rtype *t, const char *const *columns,
                        struct records *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!can_read(a, t)) {
        return 0;
    }
    struct query q;
    memset(&q, 0, sizeof q);
    q.columns = columns;
    return store_list(a->st, &a->who, t, &q, records_add, out, e);
}

/* What the evaluation reads once and shares between rules. */
struct ctx {
    struct app *a;
    const char *today;
    int have_att;
    struct strmap att; /* subjects with an active attachment -> "" */
    struct tblset att_read; /* the tables att was read from */
};

static int att_seen(void *c, const struct attachment_info *info)
{
    struct ctx *x = c;
    if (info->active) {
        strmap_put(&x->att, info->subject, "");
    }
    return 0;
}

static int has_attachment(struct ctx *x, const char *ref, struct err *e)
{
    if (!x->have_att) {
        x->have_att = 1;
        struct tblset saved;
        app_track_begin(x->a, &saved);
        int rc = app_attachments(x->a, NULL, 0, att_seen, x, e);
        app_track_end(x->a, &saved, &x->att_read);
        if (rc) {
            return -1;
        }
    }
    store_track_add(x->a->st, &x->att_read); /* whoever asks depends on them */
    const char *v;
    return strmap_get(&x->att, ref, &v);
}

/* ---- the `where` of a rule --------------------------------------------------- */

/* One condition "field=a|b" or "field!=a|b" of where (conditions joined by
 * "; "), the k-th; 0 when there is none. */
struct cond {
    char field[48];
    char values[160]; /* comma-separated (struct qcond) */
    int negate;
};

static int cond_at(const char *where, int k, struct cond *c)
{
    const char *p = where;
    for (int i = 0; i < k && p; i++) {
        p = strchr(p, ';');
        if (p) {
            p++;
        }
    }
    if (!p) {
        return 0;
    }
    while (*p == ' ') {
        p++;
    }
    if (!*p) {
        return 0;
    }
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    if (!eq) {
        return 0;
    }
    c->negate = eq > p && eq[-1] == '!';
    size_t fl = (size_t)(eq - p) - (size_t)c->negate;
    if (fl >= sizeof c->field) {
        fl = sizeof c->field - 1;
    }
    memcpy(c->field, p, fl);
    c->field[fl] = 0;
    size_t vl = len - (size_t)(eq + 1 - p);
    if (vl >= sizeof c->values) {
        vl = sizeof c->values - 1;
    }
    memcpy(c->values, eq + 1, vl);
    c->values[vl] = 0;
    for (char *q = c->values; *q; q++) {
        if (*q == '|') {
            *q = ',';
        }
    }
    return 1;
}

/* "status=a|b" → "a,b" in out; 0 when spec is not of that form. */
static int status_list(const char *spec, char *out, size_t n)
{
    if (strncmp(spec, "status=", 7) != 0) {
        return 0;
    }
    strlcpy_(out, spec + 7, n);
    for (char *q = out; *q; q++) {
        if (*q == '|') {
            *q = ',';
        }
    }
    return 1;
}

static void set(struct rd_check *c, enum rd_answer a, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set(struct rd_check *c, enum rd_answer a, const char *fmt, ...)
{
    c->answer = a;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

static const char *label_of(const struct rtype *t, const char *field)
{
    const struct field *f = rtype_field(t, field, NULL);
    return f ? f->label : field;
}

/* ---- a rule over records --------------------------------------------------- */

/* The rule's conditions are asked of the store (struct qcond), as the
 * viewer: a register of 20,000 risks is counted and searched by SQL, not
 * read into memory to be looked at one record at a time. */

static int add_cond(const struct rtype *t, struct query *q, const char *field, enum qop op,
                    const char *values, struct err *e)
{
    const struct field *f = rtype_field(t, field, NULL);
    if (!f || q->ncond >= QUERY_MAX_CONDS) {
        return err_set(e, ERR_INTERNAL, "readiness", "a rule over %s: %s", t->plural,
                       f ? "too many conditions" : "no such field");
    }
    q->cond[q->ncond++] = (struct qcond){f, op, values};
    return 0;
}

static int take_first(void *ctx, struct record *r)
{
    struct record **out = ctx;
    *out = r;
    return 1;
}

/* The first record of q (identifier order, or q's sort) with the columns
 * cols; *out NULL when there is none. */
static int first_of(struct app *a, const struct rtype *t, const struct query *q,
                    const char *const *cols, struct record **out, struct err *e)
{
    struct query one = *q;
    one.columns = cols;
    one.limit = 1;
    *out = NULL;
    return store_list(a->st, &a->who, t, &one, take_first, out, e);
}

/* The counted records' identifiers in order, read once when a check needs
 * them all (evidence files, records referring to them). */
struct counted {
    const struct query *w;
    int have;
    struct keylist refs;
};

static int counted_refs(struct app *a, const struct rtype *t, struct counted *c, struct err *e)
{
    if (!c->have) {
        c->have = 1;
        if (store_keys(a->st, &a->who, t, c->w, &c->refs, e)) {
            return -1;
        }
    }
    return 0;
}

/* One evidence alternative (spec) over the counted records. */
static int evidence_of(struct ctx *x, const struct rtype *t, const char *spec,
                       struct counted *c, long n, struct readiness_item *it, struct err *e)
{
    struct app *a = x->a;
    const char *evf = strncmp(spec, "field:", 6) == 0 ? spec + 6 : NULL;
    if (strcmp(spec, "attach") == 0) {
        if (counted_refs(a, t, c, e)) {
            return -1;
        }
        long k = -1;
        for (size_t i = 0; i < c->refs.n && k < 0; i++) {
            int h = has_attachment(x, c->refs.v[i].ref, e);
            if (h < 0) {
                return -1;
            }
            if (h) {
                k = (long)i;
            }
        }
        if (k >= 0) {
            set(&it->evidence, RD_YES, "%s has an evidence file", c->refs.v[k].ref);
        } else {
            if (n) {
                set(&it->evidence, RD_NO, "no evidence file attached to any of the %ld", n);
            } else {
                set(&it->evidence, RD_NO, "nothing to attach evidence to");
            }
        }
    } else if (evf) {
        struct query q = *c->w;
        struct record *r = NULL;
        const char *cols[] = {evf, NULL};
        if (add_cond(t, &q, evf, QC_SET, NULL, e) || first_of(a, t, &q, cols, &r, e)) {
            return -1;
        }
        if (r) {
            set(&it->evidence, RD_YES, "%s has its %s", r->ref, label_of(t, evf));
        } else {
            set(&it->evidence, RD_NO, "no %s with its %s filled in", t->label,
                label_of(t, evf));
        }
        record_free(r);
    } else if (strncmp(spec, "child:", 6) == 0) {
        char ct[48], cf[48];
        const char *dot = strchr(spec + 6, '.');
        size_t l = dot ? (size_t)(dot - (spec + 6)) : 0;
        if (l >= sizeof ct) {
            l = sizeof ct - 1;
        }
        memcpy(ct, spec + 6, l);
        ct[l] = 0;
        strlcpy_(cf, dot ? dot + 1 : "", sizeof cf);
        const struct rtype *child = rtype_find(ct);
        struct strmap refs = {0};
        struct records kids = {0};
        const char *ccols[] = {cf, NULL};
        if (child && list_visible(a, child, ccols, &kids, e)) {
            return -1;
        }
        for (size_t i = 0; i < kids.n; i++) {
            const char *val = record_get(kids.v[i], cf);
            if (str_empty(val)) {
                continue;
            }
            /* a reference or a comma-separated list of them */
            char *dup = xstrdup(val), *save = NULL;
            for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                strmap_put(&refs, tok, kids.v[i]->ref);
            }
            free(dup);
        }
        long k = -1;
        const char *by = NULL;
        int rc = refs.n ? counted_refs(a, t, c, e) : 0;
        for (size_t i = 0; rc == 0 && refs.n && i < c->refs.n && k < 0; i++) {
            if (strmap_get(&refs, c->refs.v[i].ref, &by)) {
                k = (long)i;
            }
        }
        if (k >= 0) {
            set(&it->evidence, RD_YES, "%s has %s %s", c->refs.v[k].ref, child->label,
                by ? by : "");
        } else {
            set(&it->evidence, RD_NO, "no %s refers to %s", child ? child->label : ct,
                n ? "any of them" : "one");
        }
        records_free(&kids);
        strmap_free(&refs);
        return rc;
    }
    return 0;
}

static int eval_records(struct ctx *x, const struct rtype *t, struct readiness_item *it,
                        struct err *e)
{
    const struct readiness_rule *ru = it->rule;
    struct app *a = x->a;
    if (!can_read(a, t)) {
        it->hidden = 1;
        set(&it->present, RD_NA, "your role does not read %s", t->plural);
        return 0;
    }
    /* the counted records: the rule's where, as the viewer */
    struct query w;
    memset(&w, 0, sizeof w);
    struct cond wc[QUERY_MAX_CONDS + 1];
    for (int k = 0; k <= QUERY_MAX_CONDS && cond_at(ru->where, k, &wc[k]); k++) {
        /* add_cond refuses one more than the store takes */
        if (add_cond(t, &w, wc[k].field, wc[k].negate ? QC_NOT_IN : QC_IN, wc[k].values, e)) {
            return -1;
        }
    }
    /* "date:FIELD", "date:FIELD!status=a|b" (records of those statuses are
     * exempt), "latest:FIELD" (only the latest date counts) */
    char datebuf[48] = "", exempt[160] = "";
    int latest = strncmp(ru->current, "latest:", 7) == 0;
    if (strncmp(ru->current, "date:", 5) == 0 || latest) {
        const char *p = ru->current + (latest ? 7 : 5);
        const char *bang = strchr(p, '!');
        size_t l = bang ? (size_t)(bang - p) : strlen(p);
        if (l >= sizeof datebuf) {
            l = sizeof datebuf - 1;
        }
        memcpy(datebuf, p, l);
        datebuf[l] = 0;
        if (bang) {
            status_list(bang + 1, exempt, sizeof exempt);
        }
    }
    const char *datef = datebuf[0] ? datebuf : NULL;
    const char *cols[] = {FIELD_STATUS, datef, NULL};
    long n = store_count_query(a->st, &a->who, t, &w, e);
    if (n < 0) {
        return -1;
    }
    struct record *first = NULL, *r = NULL;
    if (n && first_of(a, t, &w, cols, &first, e)) {
        return -1;
    }
    it->count = n;
    if (first) {
        strlcpy_(it->example, first->ref, sizeof it->example);
    }
    char what[160];
    snprintf(what, sizeof what, "%s", ru->where[0] ? ru->where : "active");
    if (first) {
        set(&it->present, RD_YES, "%ld %s (%s), e.g. %s", n, n == 1 ? t->label : t->plural,
            what, first->ref);
    } else {
        set(&it->present, RD_NO, "no %s record (%s)", t->label, what);
    }
    int rc = 0;
    char sl[160];
    struct query q;
    /* approved: "status=a|b" or "status=a|b, field:FIELD" (FIELD set also counts:
     * a document being revised whose earlier version is in force) */
    if (status_list(ru->approved, sl, sizeof sl)) {
        char *alt = strstr(sl, ", field:");
        const char *altf = NULL;
        if (alt) {
            *alt = 0;
            altf = alt + 8;
        }
        const char *acols[] = {FIELD_STATUS, altf, NULL};
        q = w;
        rc = n ? add_cond(t, &q, FIELD_STATUS, QC_IN, sl, e) || first_of(a, t, &q, acols, &r, e)
               : 0;
        if (rc == 0 && n && !r && altf) {
            q = w;
            rc = add_cond(t, &q, altf, QC_SET, NULL, e) || first_of(a, t, &q, acols, &r, e);
            if (r) {
                set(&it->approved, RD_YES, "%s has a %s (%s)", r->ref, label_of(t, altf),
                    record_get(r, altf));
                strlcpy_(it->example, r->ref, sizeof it->example);
            }
        } else if (r) {
            set(&it->approved, RD_YES, "%s is %s", r->ref, record_get(r, FIELD_STATUS));
            strlcpy_(it->example, r->ref, sizeof it->example);
        }
        if (rc) {
            goto out;
        }
        if (r) {
            /* answered above */
        } else if (n) {
            set(&it->approved, RD_NO, "none of the %ld is %s (%s is %s)", n, sl, first->ref,
                record_get(first, FIELD_STATUS) ? record_get(first, FIELD_STATUS) : "unset");
        } else {
            set(&it->approved, RD_NO, "nothing to approve yet");
        }
        record_free(r);
        r = NULL;
    } else if (strcmp(ru->approved, "scope") == 0) {
        /* the approved scopes (a handful), the first in force */
        struct records ap = {0};
        q = w;
        if (add_cond(t, &q, FIELD_STATUS, QC_IN, "approved", e) ||
            store_list(a->st, &a->who, t, &q, records_add, &ap, e)) {
            records_free(&ap);
            rc = -1;
            goto out;
        }
        long k = -1;
        int in_force = 0;
        for (size_t i = 0; i < ap.n && !in_force; i++) {
            k = (long)i;
            if (app_scope_current(a, ap.v[i]->ref, &in_force, e)) {
                records_free(&ap);
                rc = -1;
                goto out;
            }
        }
        if (k >= 0) {
            strlcpy_(it->example, ap.v[k]->ref, sizeof it->example);
            set(&it->approved, RD_YES, "%s approved by top management", ap.v[k]->ref);
            if (in_force) {
                set(&it->current, RD_YES, "%s unchanged since its approval", ap.v[k]->ref);
            } else {
                set(&it->current, RD_NO, "%s changed since its approval: approve it again",
                    ap.v[k]->ref);
            }
        } else {
            if (first) {
                set(&it->approved, RD_NO, "%s is not approved (isms scope approve %s)",
                    first->ref, first->ref);
            } else {
                set(&it->approved, RD_NO, "no scope to approve");
            }
            set(&it->current, RD_NO, "no approved scope");
        }
        records_free(&ap);
    }
    /* current: no counted record (of the statuses not exempt) is past its
     * date; or, with latest, the latest date is not past */
    if (datef && n) {
        const char *fl = label_of(t, datef);
        q = w;
        if (exempt[0] && add_cond(t, &q, FIELD_STATUS, QC_NOT_IN, exempt, e)) {
            rc = -1;
            goto out;
        }
        struct record *past = NULL;
        char maxd[64] = "";
        if (latest) {
            /* the greatest date, then the first record that has it */
            struct query lq = q;
            rc = add_cond(t, &lq, datef, QC_SET, NULL, e);
            lq.sort = rtype_field(t, datef, NULL);
            lq.desc = 1;
            rc = rc || first_of(a, t, &lq, cols, &r, e);
            if (rc == 0 && r) {
                strlcpy_(maxd, record_get(r, datef), sizeof maxd);
                record_free(r);
                r = NULL;
                lq = q;
                rc = add_cond(t, &lq, datef, QC_IN, maxd, e) || first_of(a, t, &lq, cols, &r, e);
            }
            if (rc == 0 && r && strncmp(maxd, x->today, 10) < 0) {
                past = r;
            }
        } else {
            rc = add_cond(t, &q, datef, QC_BEFORE, x->today, e) ||
                 first_of(a, t, &q, cols, &past, e);
        }
        if (rc) {
            if (past != r) {
                record_free(past);
            }
            goto out;
        }
        if (latest && !r) {
            set(&it->current, RD_NO, "no %s set on any of them", fl);
        } else if (past) {
            set(&it->current, RD_NO, "%s is past its %s (%.10s)", past->ref, fl,
                record_get(past, datef));
            strlcpy_(it->example, past->ref, sizeof it->example);
        } else {
            set(&it->current, RD_YES, latest ? "the latest %s is %.10s" : "none past its %s",
                fl, latest ? maxd : "");
        }
        if (past != r) {
            record_free(past);
        }
        record_free(r);
        r = NULL;
    } else if (datef) {
        set(&it->current, RD_NO, "nothing to keep current");
    }
    /* evidence: alternatives joined by ", ", the first that holds answers */
    struct counted c = {&w, 0, {0}};
    for (const char *p = ru->evidence; *p && rc == 0;) {
        char spec[96];
        const char *end = strstr(p, ", ");
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l >= sizeof spec) {
            l = sizeof spec - 1;
        }
        memcpy(spec, p, l);
        spec[l] = 0;
        rc = evidence_of(x, t, spec, &c, n, it, e);
        if (it->evidence.answer == RD_YES || !end) {
            break;
        }
        p = end + 2;
    }
    keylist_free(&c.refs);
out:
    record_free(r);
    record_free(first);
    return rc;
}

/* ---- the special sources ---------------------------------------------------- */

static int eval_method(struct ctx *x, struct readiness_item *it, struct err *e)
{
    struct app *a = x->a;
    struct version v;
    struct err nf = {0};
    if (app_version_get(a, "method", "risk", 0, NULL, &v, &nf)) {
        set(&it->present, RD_NO, "no risk method has been installed");
        set(&it->approved, RD_NO, "no method to approve");
        return 0;
    }
    const struct method *m = app_method(a, e);
    set(&it->present, RD_YES, "method \"%s\", version %d", m && m->name ? m->name : "", v.number);
    struct signoffs l;
    if (app_signoffs(a, "method", "risk", v.number, v.sha256, &l, e)) {
        version_free(&v);
        return -1;
    }
    const struct signoff *s = signoffs_current(&l, "approval");
    if (!s) {
        s = signoffs_current(&l, "recorded-on-behalf");
    }
    if (s) {
        set(&it->approved, RD_YES, "version %d approved by %s on %.10s", v.number,
            s->person_name ? s->person_name : s->account_name ? s->account_name : "?",
            s->at ? s->at : "");
    } else {
        set(&it->approved, RD_NO, "version %d is not approved by top management (isms method "
                                  "approve)", v.number);
    }
    signoffs_free(&l);
    version_free(&v);
    return 0;
}

struct last_soa {
    int version;
    char hash[65], by[128], at[32];
};

static int grab_soa(void *c, const struct soa_version_row *v)
{
    struct last_soa *h = c;
    h->version = v->version;
    strlcpy_(h->hash, v->hash ? v->hash : "", sizeof h->hash);
    strlcpy_(h->by, v->approved_by ? v->approved_by : "", sizeof h->by);
    strlcpy_(h->at, v->approved_at ? v->approved_at : "", sizeof h->at);
    return 0;
}

struct since {
    long long seq; /* the history entry that froze the approved version */
    int touched;   /* an entry after it changed what the SoA is made of */
};

static int freeze_seq(void *c, const struct history_entry *h)
{
    struct since *sn = c;
    if (h->action && strcmp(h->action, "freeze") == 0) {
        sn->seq = h->seq;
    }
    return 0;
}

static int soa_input(void *c, const struct history_entry *h)
{
    struct since *sn = c;
    static const char *const inputs[] = {"control", "risk", "requirement", "action", NULL};
    for (int i = 0; h->type && inputs[i]; i++) {
        if (strcmp(h->type, inputs[i]) == 0) {
            sn->touched = 1;
            return 1; /* stop: it must be built */
        }
    }
    return 0;
}

/* soa_unchanged's answer, computed. */
static int soa_compare(struct app *a, const struct last_soa *h, const char *ref, struct since *snp,
                       int *same, struct err *e)
{
    struct since sn = *snp;
    /* as the system on purpose: the answer is kept in app_derived for every
     * reader, and it says only whether the SoA changed, to a reader who
     * reads the controls and the approved version (eval_soa) */
    if (store_history(a->st, principal_sys(), ref, freeze_seq, &sn, e)) {
        return -1;
    }
    if (sn.seq >= 0 && store_history_since(a->st, principal_sys(), sn.seq, soa_input, &sn, e)) {
        return -1;
    }
    if (sn.seq >= 0 && !sn.touched) {
        *same = 1;
    } else {
        struct soa soa;
        if (app_soa(a, FRAMEWORK_2022, &soa, e)) {
            return -1;
        }
        char cur[65];
        soa_sha256(&soa, cur);
        soa_free(&soa);
        *same = strcmp(h->hash, cur) == 0;
    }
    *snp = sn;
    return 0;
}

/* Whether the SoA of 2022 is the content of its approved version h: the
 * SoA (with its reasons) is built only then, and in a server the answer is
 * kept in app_derived until a change that could alter it. */
static int soa_unchanged(struct app *a, const struct last_soa *h, int *same, struct err *e)
{
    char key[96];
    snprintf(key, sizeof key, "readiness-soa:%d:%.16s", h->version, h->hash);
    const char *v = NULL;
    int in_tx = store_in_read(a->st);
    if (in_tx && app_derived_get(a, key, &v) && v) {
        *same = strcmp(v, "1") == 0;
        return 0;
    }
    /* nothing the SoA is made of (controls, and the risks, requirements and
     * actions its reasons come from) changed since the approval's entry:
     * it is what was signed, without building it */
    char ref[96];
    snprintf(ref, sizeof ref, "soa:%s:%d", FRAMEWORK_2022, h->version);
    struct since sn = {-1, 0};
    struct tblset saved, read; /* kept with the tables the answer was read from */
    app_track_begin(a, &saved);
    int rc = soa_compare(a, h, ref, &sn, same, e);
    app_track_end(a, &saved, &read);
    if (rc) {
        return -1;
    }
    if (in_tx) {
        app_derived_put(a, key, *same ? "1" : "0", &read);
    }
    return 0;
}

static int eval_soa(struct ctx *x, struct readiness_item *it, struct err *e)
{
    struct app *a = x->a;
    const struct rtype *t = rtype_find("control");
    if (!can_read(a, t)) {
        it->hidden = 1;
        set(&it->present, RD_NA, "your role does not read controls");
        return 0;
    }
    /* decided or not: the controls of 2022 and the organization's own */
    struct records cs;
    const char *cols[] = {"framework", "applicable", NULL};
    if (list_visible(a, t, cols, &cs, e)) {
        return -1;
    }
    long controls = 0, undecided = 0, applicable = 0;
    for (size_t i = 0; i < cs.n; i++) {
        const char *fw = record_get(cs.v[i], "framework");
        if (!fw || (strcmp(fw, FRAMEWORK_2022) != 0 && strcmp(fw, FRAMEWORK_CUSTOM) != 0)) {
            continue;
        }
        const char *ap = record_get(cs.v[i], "applicable");
        controls++;
        undecided += str_empty(ap);
        applicable += ap && strcmp(ap, "1") == 0;
    }
    records_free(&cs);
    if (controls && !undecided) {
        set(&it->present, RD_YES, "all %ld controls decided (%ld applicable, %ld excluded)",
            controls, applicable, controls - applicable);
    } else {
        set(&it->present, RD_NO, "%ld of %ld controls decided, %ld undecided",
            controls - undecided, controls, undecided);
    }
    struct last_soa h = {0};
    struct err nf = {0};
    if (store_soa_version_get(a->st, &a->who, 0, NULL, FRAMEWORK_2022, grab_soa, &h, &nf) || !h.version) {
        set(&it->approved, RD_NO, "the SoA has never been approved (isms soa approve)");
        set(&it->current, RD_NO, "no approved version");
        return 0;
    }
    set(&it->approved, RD_YES, "version %d approved by %s on %.10s", h.version, h.by, h.at);
    int same = 0;
    if (soa_unchanged(a, &h, &same, e)) {
        return -1;
    }
    if (same) {
        set(&it->current, RD_YES, "unchanged since version %d", h.version);
    } else {
        set(&it->current, RD_NO, "changed since version %d was approved: approve it again",
            h.version);
    }
    return 0;
}

struct first_act {
    char ref[64];
};

/* store_list: stops at the first action linked to a risk, not cancelled */
static int first_linked_action(void *c, struct record *r)
{
    struct first_act *fa = c;
    const char *s = record_get(r, FIELD_STATUS);
    int hit = !str_empty(record_get(r, "risks")) && !(s && strcmp(s, "cancelled") == 0);
    if (hit) {
        strlcpy_(fa->ref, r->ref, sizeof fa->ref);
    }
    record_free(r);
    return hit;
}

static int eval_plan(struct ctx *x, struct readiness_item *it, struct err *e)
{
    struct app *a = x->a;
    if (!can_read(a, rtype_find("risk")) || !can_read(a, rtype_find("action"))) {
        it->hidden = 1;
        set(&it->present, RD_NA, "your role does not read risks and actions");
        return 0;
    }
    int approved = 0, empty = 0;
    if (app_plan_state(a, &approved, &empty, e)) {
        return -1;
    }
    if (empty) {
        set(&it->present, RD_NO, "no risk is in the plan (treatment modify, or actions)");
    } else {
        set(&it->present, RD_YES, "risks with a treatment decision are in the plan");
    }
    struct signoffs l;
    if (app_signoffs(a, "plan", "plan", -1, NULL, &l, e)) {
        return -1;
    }
    if (l.n) {
        set(&it->approved, RD_YES, "approved %zu time%s, last on %.10s", l.n, l.n == 1 ? "" : "s",
            l.v[l.n - 1].at ? l.v[l.n - 1].at : "");
    } else {
        set(&it->approved, RD_NO, "the plan has never been approved (isms plan approve)");
    }
    signoffs_free(&l);
    if (approved && !empty) {
        set(&it->current, RD_YES, "an approval covers the plan as it is now");
    } else {
        set(&it->current, RD_NO, "%s",
            empty ? "nothing to approve yet" : "the plan changed since it was approved");
    }
    /* the count in SQL, then the actions in order only up to the first one
     * linked to a risk and not cancelled (no record of all 3,000 built) */
    const struct rtype *at = rtype_find("action");
    struct query q;
    memset(&q, 0, sizeof q);
    long nacts = store_count_query(a->st, &a->who, at, &q, e);
    if (nacts < 0) {
        return -1;
    }
    const char *cols[] = {"risks", NULL};
    q.columns = cols;
    struct first_act fa = {""};
    if (store_list(a->st, &a->who, at, &q, first_linked_action, &fa, e)) {
        return -1;
    }
    if (fa.ref[0]) {
        set(&it->evidence, RD_YES, "%ld treatment actions, e.g. %s", nacts, fa.ref);
    } else {
        set(&it->evidence, RD_NO, "no treatment action linked to a risk");
    }
    return 0;
}

/* ---- the table checked against the declarations -------------------------------- */

static int known_value(const struct field *f, const char *v)
{
    if (f->type == F_BOOL) {
        return strcmp(v, "0") == 0 || strcmp(v, "1") == 0;
    }
    if (f->type != F_ENUM) {
        return 1;
    }
    for (int i = 0; f->values[i]; i++) {
        if (strcmp(f->values[i], v) == 0) {
            return 1;
        }
    }
    return 0;
}

/* field=a|b values (comma-separated in c->values) all known to t's field. */
static int check_cond(const struct readiness_rule *ru, const struct rtype *t,
                      const struct cond *c, const char *what, struct err *e)
{
    const struct field *f = rtype_field(t, c->field, NULL);
    if (!f) {
        return err_set(e, ERR_INTERNAL, what, "rule %s: %s names %s, not a field of %s", ru->id,
                       what, c->field, t->name);
    }
    char buf[160];
    strlcpy_(buf, c->values, sizeof buf);
    char *save = NULL;
    for (char *v = strtok_r(buf, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
        if (!known_value(f, v)) {
            return err_set(e, ERR_INTERNAL, what, "rule %s: %s: '%s' is not a value of %s.%s",
                           ru->id, what, v, t->name, f->name);
        }
    }
    return 0;
}

int readiness_rule_check(const struct readiness_rule *ru, struct err *e)
{
    const struct rtype *t = rtype_find(ru->source);
    int special = strcmp(ru->source, "method") == 0 || strcmp(ru->source, "soa") == 0 ||
                  strcmp(ru->source, "plan") == 0;
    if (!t && !special) {
        return err_set(e, ERR_INTERNAL, "source", "rule %s: unknown source %s", ru->id,
                       ru->source);
    }
    if (ru->mandatory < 0 || ru->mandatory > 15) {
        return err_set(e, ERR_INTERNAL, "mandatory", "rule %s: mandatory %d is not 0-15", ru->id,
                       ru->mandatory);
    }
    if (special) {
        int ok = strcmp(ru->approved, ru->source) == 0 && !ru->where[0];
        return ok ? 0 : err_set(e, ERR_INTERNAL, "approved",
                                "rule %s: a %s rule is approved by its own sign-off", ru->id,
                                ru->source);
    }
    struct cond c;
    for (int k = 0; cond_at(ru->where, k, &c); k++) {
        if (check_cond(ru, t, &c, "where", e)) {
            return -1;
        }
    }
    if (ru->where[0] && !cond_at(ru->where, 0, &c)) {
        return err_set(e, ERR_INTERNAL, "where", "rule %s: where '%s' is not field=value",
                       ru->id, ru->where);
    }
    char sl[160];
    if (status_list(ru->approved, sl, sizeof sl)) {
        char *alt = strstr(sl, ", field:");
        if (alt) {
            *alt = 0;
            if (!rtype_field(t, alt + 8, NULL)) {
                return err_set(e, ERR_INTERNAL, "approved", "rule %s: approved names %s, not a "
                               "field of %s", ru->id, alt + 8, t->name);
            }
        }
        struct cond sc = {FIELD_STATUS, "", 0};
        strlcpy_(sc.values, sl, sizeof sc.values);
        if (check_cond(ru, t, &sc, "approved", e)) {
            return -1;
        }
    } else if (ru->approved[0] && !(strcmp(ru->approved, "scope") == 0 &&
                                    strcmp(t->name, "scope") == 0)) {
        return err_set(e, ERR_INTERNAL, "approved", "rule %s: approved '%s' is not status=...",
                       ru->id, ru->approved);
    }
    if (ru->current[0] && !(strcmp(ru->current, "scope") == 0 && strcmp(t->name, "scope") == 0)) {
        int latest = strncmp(ru->current, "latest:", 7) == 0;
        if (!latest && strncmp(ru->current, "date:", 5) != 0) {
            return err_set(e, ERR_INTERNAL, "current", "rule %s: current '%s' is not date:FIELD",
                           ru->id, ru->current);
        }
        char df[48];
        const char *p = ru->current + (latest ? 7 : 5);
        size_t l = strcspn(p, "!");
        if (l >= sizeof df) {
            l = sizeof df - 1;
        }
        memcpy(df, p, l);
        df[l] = 0;
        const struct field *f = rtype_field(t, df, NULL);
        if (!f || f->type != F_DATE) {
            return err_set(e, ERR_INTERNAL, "current", "rule %s: current names %s, not a date "
                           "field of %s", ru->id, df, t->name);
        }
        if (p[l] == '!') {
            if (!status_list(p + l + 1, sl, sizeof sl)) {
                return err_set(e, ERR_INTERNAL, "current", "rule %s: after ! give status=...",
                               ru->id);
            }
            struct cond sc = {FIELD_STATUS, "", 0};
            strlcpy_(sc.values, sl, sizeof sc.values);
            if (check_cond(ru, t, &sc, "current", e)) {
                return -1;
            }
        }
    }
    for (const char *p = ru->evidence; *p;) {
        size_t l = strcspn(p, ",");
        char spec[96];
        if (l >= sizeof spec) {
            l = sizeof spec - 1;
        }
        memcpy(spec, p, l);
        spec[l] = 0;
        if (strncmp(spec, "field:", 6) == 0) {
            if (!rtype_field(t, spec + 6, NULL)) {
                return err_set(e, ERR_INTERNAL, "evidence", "rule %s: evidence names %s, not a "
                               "field of %s", ru->id, spec + 6, t->name);
            }
        } else if (strncmp(spec, "child:", 6) == 0) {
            char ct[48];
            const char *dot = strchr(spec + 6, '.');
            size_t cl = dot ? (size_t)(dot - (spec + 6)) : 0;
            if (cl >= sizeof ct) {
                cl = sizeof ct - 1;
            }
            memcpy(ct, spec + 6, cl);
            ct[cl] = 0;
            const struct rtype *child = rtype_find(ct);
            const struct field *f = child && dot ? rtype_field(child, dot + 1, NULL) : NULL;
            if (!f || (f->type != F_REF && f->type != F_REFS) || strcmp(f->ref, t->name) != 0) {
                return err_set(e, ERR_INTERNAL, "evidence", "rule %s: evidence %s is not a "
                               "reference to %s", ru->id, spec, t->name);
            }
        } else if (strcmp(spec, "attach") != 0) {
            return err_set(e, ERR_INTERNAL, "evidence", "rule %s: evidence '%s' unknown", ru->id,
                           spec);
        }
        p += l;
        while (*p == ',' || *p == ' ') {
            p++;
        }
    }
    return 0;
}

int readiness_rules_check(struct err *e)
{
    for (int i = 0; i < readiness_nrules; i++) {
        if (readiness_rule_check(&readiness_rules[i], e)) {
            return -1;
        }
        for (int k = 0; k < i; k++) {
            if (strcmp(readiness_rules[k].id, readiness_rules[i].id) == 0) {
                return err_set(e, ERR_INTERNAL, "id", "rule %s twice", readiness_rules[i].id);
            }
        }
    }
    for (int i = 0; i < readiness_nalts; i++) {
        const struct readiness_rule *alt = &readiness_alts[i];
        int found = 0;
        for (int k = 0; k < readiness_nrules; k++) {
            found |= strcmp(readiness_rules[k].id, alt->id) == 0;
        }
        if (!found) {
            return err_set(e, ERR_INTERNAL, "id", "an alternative names %s, not a rule", alt->id);
        }
        if (readiness_rule_check(alt, e)) {
            return -1;
        }
    }
    for (size_t s = 0; s < sizeof stages / sizeof stages[0]; s++) {
        char buf[400];
        strlcpy_(buf, stages[s].items, sizeof buf);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int found = 0;
            for (int i = 0; i < readiness_nrules; i++) {
                found |= strcmp(readiness_rules[i].id, tok) == 0;
            }
            if (!found) {
                return err_set(e, ERR_INTERNAL, "stage", "stage %d names %s, not a rule",
                               stages[s].n, tok);
            }
        }
    }
    return 0;
}

/* ---- one item, the clauses, the whole ---------------------------------------- */

static void score(struct readiness_item *it)
{
    const struct readiness_rule *ru = it->rule;
    if (ru->approved[0] == 0) {
        it->approved.answer = RD_NA;
    }
    if (ru->current[0] == 0) {
        it->current.answer = RD_NA;
    }
    if (ru->evidence[0] == 0) {
        it->evidence.answer = RD_NA;
    }
    if (it->hidden) {
        it->approved.answer = it->current.answer = it->evidence.answer = RD_NA;
        return;
    }
    static const char *const names[] = {"Not present", "Not approved", "Not current",
                                        "No evidence"};
    const struct rd_check *c[] = {&it->present, &it->approved, &it->current, &it->evidence};
    for (int i = 0; i < 4; i++) {
        if (c[i]->answer == RD_NA) {
            continue;
        }
        it->asked++;
        if (c[i]->answer == RD_YES) {
            it->passed++;
        } else if (!it->gap[0]) {
            snprintf(it->gap, sizeof it->gap, "%s: %s", names[i], c[i]->reason);
            /* the record to fix, or the place to create one */
            const struct rtype *t = rtype_find(ru->source);
            if (i > 0 && t && it->example[0]) {
                snprintf(it->fix, sizeof it->fix, "/%s/%s", t->plural, it->example);
            } else {
                strlcpy_(it->fix, ru->fix, sizeof it->fix);
            }
        }
    }
    it->ready = it->asked > 0 && it->passed == it->asked;
    if (!it->fix[0]) {
        const struct rtype *t = rtype_find(ru->source);
        if (t && it->example[0]) {
            snprintf(it->fix, sizeof it->fix, "/%s/%s", t->plural, it->example);
        } else {
            strlcpy_(it->fix, ru->fix, sizeof it->fix);
        }
    }
}

static int clause_title(void *c, const struct clause_row *row)
{
    struct readiness *r = c;
    for (int i = 0; i < r->nclauses; i++) {
        if (strcmp(r->clauses[i].clause, row->clause) == 0 && row->title) {
            strlcpy_(r->clauses[i].title, row->title, sizeof r->clauses[i].title);
        }
    }
    return 0;
}

/* One rule (it->rule), evaluated. */
static int eval_rule(struct ctx *x, struct readiness_item *it, struct err *e)
{
    it->present.answer = it->approved.answer = it->current.answer = it->evidence.answer = RD_NO;
    const char *src = it->rule->source;
    const struct rtype *t = rtype_find(src);
    int rc;
    if (strcmp(src, "method") == 0) {
        rc = eval_method(x, it, e);
    } else if (strcmp(src, "soa") == 0) {
        rc = eval_soa(x, it, e);
    } else if (strcmp(src, "plan") == 0) {
        rc = eval_plan(x, it, e);
    } else if (t) {
        rc = eval_records(x, t, it, e);
    } else {
        rc = err_set(e, ERR_INTERNAL, "readiness", "rule %s: unknown source %s", it->rule->id,
                     src);
    }
    score(it);
    return rc;
}

/* One item: its rule, then — while it is not ready — its alternatives
 * (ALT), the first that holds every check answering for it. */
static int eval_item(struct ctx *x, struct readiness_item *it, struct err *e)
{
    const struct readiness_rule *ru = it->rule;
    if (eval_rule(x, it, e)) {
        return -1;
    }
    for (int i = 0; !it->ready && i < readiness_nalts; i++) {
        if (strcmp(readiness_alts[i].id, ru->id) != 0) {
            continue;
        }
        struct readiness_item alt;
        memset(&alt, 0, sizeof alt);
        alt.rule = &readiness_alts[i];
        if (eval_rule(x, &alt, e)) {
            return -1;
        }
        if (alt.ready) {
            alt.rule = ru;
            alt.via = &readiness_alts[i];
            *it = alt;
        }
    }
    return 0;
}

/* One item, kept in app_derived inside a read (a server's requests) with
 * the tables its evaluation read: a change to risks evaluates the items
 * that read risks again and reuses the others. The item is a flat struct
 * (the rule is a pointer into the static table): kept as a copy. */
static int eval_kept(struct ctx *x, struct readiness_item *it, struct err *e)
{
    struct app *a = x->a;
    if (!store_in_read(a->st)) {
        return eval_item(x, it, e);
    }
    char key[200], view[120];
    snprintf(key, sizeof key, "readiness-item:%s:%s:%s", it->rule->id,
             principal_view(&a->who, view, sizeof view), x->today);
    const void *kept;
    if (app_derived_obj(a, key, &kept)) {
        *it = *(const struct readiness_item *)kept;
        return 0;
    }
    struct tblset saved, read;
    app_track_begin(a, &saved);
    int rc = eval_item(x, it, e);
    app_track_end(a, &saved, &read);
    if (rc == 0) {
        struct readiness_item *copy = xmalloc(sizeof *copy);
        *copy = *it;
        app_derived_keep(a, key, copy, free, sizeof *copy, &read);
    }
    return rc;
}

int app_readiness(struct app *a, const char *today, struct readiness *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    /* the same rule as the route (PERM_READ on scopes): staff may not */
    if (!principal_is_system(&a->who) &&
        !perm_allows(a->who.role, PERM_READ, rtype_find("scope"), -1)) {
        return err_set(e, ERR_FORBIDDEN, "readiness",
                       "the readiness report is not open to the %s role",
                       a->who.role >= 0 ? role_names[a->who.role] : "anonymous");
    }
    if (today) {
        strlcpy_(out->today, today, sizeof out->today);
    } else {
        date_today(out->today);
    }
    struct ctx x = {a, out->today, 0, {0}, {{0}}};
    out->items = xcalloc((size_t)readiness_nrules, sizeof *out->items);
    out->clauses = xcalloc((size_t)readiness_nrules, sizeof *out->clauses);
    int rc = 0, own = !store_in_read(a->st) && !store_in_write(a->st);
    if (own && store_read_begin(a->st, e)) {
        readiness_free(out);
        return -1;
    }
    for (int i = 0; i < readiness_nrules && rc == 0; i++) {
        struct readiness_item *it = &out->items[out->nitems++];
        it->rule = &readiness_rules[i];
        rc = eval_kept(&x, it, e);
    }
    if (rc == 0) {
        for (int i = 0; i < out->nitems; i++) {
            const struct readiness_item *it = &out->items[i];
            const char *cl = it->rule->clause;
            if (!cl[0]) {
                continue;
            }
            struct readiness_clause *c = NULL;
            for (int k = 0; k < out->nclauses; k++) {
                if (strcmp(out->clauses[k].clause, cl) == 0) {
                    c = &out->clauses[k];
                }
            }
            if (!c) {
                c = &out->clauses[out->nclauses++];
                strlcpy_(c->clause, cl, sizeof c->clause);
                strlcpy_(c->title, strcmp(cl, "A") == 0 ? "Annex A" : "", sizeof c->title);
            }
            c->nitems++;
            c->passed += it->passed;
            c->asked += it->asked;
            c->gaps += !it->ready && !it->hidden;
            out->passed += it->passed;
            out->asked += it->asked;
            out->gaps += !it->ready && !it->hidden;
        }
        /* seed 003's items by number: one is ready when all its rules are */
        int seen[32] = {0}, notready[32] = {0};
        for (int i = 0; i < out->nitems; i++) {
            int m = out->items[i].rule->mandatory;
            if (m > 0 && m < 32) {
                seen[m] = 1;
                notready[m] |= !out->items[i].ready;
            }
        }
        for (int m = 1; m < 32; m++) {
            out->mandatory += seen[m];
            out->mandatory_ready += seen[m] && !notready[m];
        }
        for (int k = 0; k < out->nclauses; k++) {
            struct readiness_clause *c = &out->clauses[k];
            c->percent = c->asked ? c->passed * 100 / c->asked : 0;
        }
        out->percent = out->asked ? out->passed * 100 / out->asked : 0;
        rc = store_clauses(a->st, clause_title, out, e);
        for (int k = 0; k < out->nclauses; k++) {
            if (!out->clauses[k].title[0] && strcmp(out->clauses[k].clause, "7.5") == 0) {
                strlcpy_(out->clauses[k].title, "Documented information",
                         sizeof out->clauses[k].title);
            }
        }
    }
    if (own) {
        store_read_end(a->st);
    }
    strmap_free(&x.att);
    if (rc) {
        readiness_free(out);
        return -1;
    }
    return 0;
}

void readiness_free(struct readiness *r)
{
    free(r->items);
    free(r->clauses);
    memset(r, 0, sizeof *r);
}

const struct readiness_item *readiness_item(const struct readiness *r, const char *id)
{
    for (int i = 0; i < r->nitems; i++) {
        if (strcmp(r->items[i].rule->id, id) == 0) {
            return &r->items[i];
        }
    }
    return NULL;
}

static void check_json(struct jw *w, const char *key, const struct rd_check *c)
{
    jw_key(w, key);
    jw_obj(w);
    jw_key(w, "answer");
    if (c->answer == RD_NA) {
        jw_null(w);
    } else {
        jw_bool(w, c->answer == RD_YES);
    }
    jw_key(w, "reason");
    jw_str(w, c->answer == RD_NA && !c->reason[0] ? "not asked by this rule" : c->reason);
    jw_obj_end(w);
}

static void rule_json(struct jw *w, const struct readiness_rule *ru)
{
    jw_obj(w);
    jw_key(w, "source");
    jw_str(w, ru->source);
    jw_key(w, "where");
    jw_str(w, ru->where);
    jw_key(w, "approved");
    jw_str(w, ru->approved);
    jw_key(w, "current");
    jw_str(w, ru->current);
    jw_key(w, "evidence");
    jw_str(w, ru->evidence);
    jw_key(w, "text");
    jw_str(w, ru->text);
    jw_obj_end(w);
}

static void item_json(struct jw *w, const struct readiness_item *it)
{
    const struct readiness_rule *ru = it->rule;
    jw_obj(w);
    jw_key(w, "id");
    jw_str(w, ru->id);
    jw_key(w, "clause");
    jw_str(w, ru->clause[0] ? ru->clause : NULL);
    jw_key(w, "mandatory");
    if (ru->mandatory) {
        jw_int(w, ru->mandatory);
    } else {
        jw_null(w);
    }
    jw_key(w, "title");
    jw_str(w, ru->title);
    jw_key(w, "count");
    jw_int(w, it->count);
    jw_key(w, "example");
    jw_str(w, it->example[0] ? it->example : NULL);
    jw_key(w, "ready");
    jw_bool(w, it->ready);
    jw_key(w, "hidden");
    jw_bool(w, it->hidden);
    jw_key(w, "passed");
    jw_int(w, it->passed);
    jw_key(w, "asked");
    jw_int(w, it->asked);
    check_json(w, "present", &it->present);
    check_json(w, "approved", &it->approved);
    check_json(w, "current", &it->current);
    check_json(w, "evidence", &it->evidence);
    jw_key(w, "gap");
    jw_str(w, it->gap[0] ? it->gap : NULL);
    jw_key(w, "fix");
    jw_str(w, it->fix);
    jw_key(w, "rule");
    rule_json(w, ru);
    jw_key(w, "via");
    if (it->via) {
        rule_json(w, it->via);
    } else {
        jw_null(w);
    }
    jw_obj_end(w);
}

void readiness_json(struct jw *w, const struct readiness *r)
{
    jw_obj(w);
    jw_key(w, "today");
    jw_str(w, r->today);
    jw_key(w, "percent");
    jw_int(w, r->percent);
    jw_key(w, "passed");
    jw_int(w, r->passed);
    jw_key(w, "asked");
    jw_int(w, r->asked);
    jw_key(w, "gaps");
    jw_int(w, r->gaps);
    jw_key(w, "mandatory");
    jw_obj(w);
    jw_key(w, "total");
    jw_int(w, r->mandatory);
    jw_key(w, "ready");
    jw_int(w, r->mandatory_ready);
    jw_obj_end(w);
    jw_key(w, "clauses");
    jw_arr(w);
    for (int k = 0; k < r->nclauses; k++) {
        const struct readiness_clause *c = &r->clauses[k];
        jw_obj(w);
        jw_key(w, "clause");
        jw_str(w, c->clause);
        jw_key(w, "title");
        jw_str(w, c->title);
        jw_key(w, "percent");
        jw_int(w, c->percent);
        jw_key(w, "passed");
        jw_int(w, c->passed);
        jw_key(w, "asked");
        jw_int(w, c->asked);
        jw_key(w, "gaps");
        jw_int(w, c->gaps);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < r->nitems; i++) {
        item_json(w, &r->items[i]);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

int app_readiness_summary(struct app *a, const char *today, struct readiness_summary *out,
                          struct err *e)
{
    memset(out, 0, sizeof *out);
    struct readiness r;
    if (app_readiness(a, today, &r, e)) {
        return -1;
    }
    strlcpy_(out->today, r.today, sizeof out->today);
    out->percent = r.percent;
    out->passed = r.passed;
    out->asked = r.asked;
    out->gaps = r.gaps;
    out->mandatory = r.mandatory;
    out->mandatory_ready = r.mandatory_ready;
    for (int k = 0; k < r.nclauses && out->nclauses < 32; k++) {
        strlcpy_(out->clause[out->nclauses].clause, r.clauses[k].clause,
                 sizeof out->clause[0].clause);
        strlcpy_(out->clause[out->nclauses].title, r.clauses[k].title,
                 sizeof out->clause[0].title);
        out->clause[out->nclauses].percent = r.clauses[k].percent;
        out->clause[out->nclauses].gaps = r.clauses[k].gaps;
        out->nclauses++;
    }
    for (int i = 0; i < r.nitems && out->ngaps < 40; i++) {
        const struct readiness_item *it = &r.items[i];
        if (it->ready || it->hidden || !it->rule->clause[0]) {
            continue; /* the gaps the figures count */
        }
        strlcpy_(out->gap[out->ngaps].id, it->rule->id, sizeof out->gap[0].id);
        strlcpy_(out->gap[out->ngaps].clause, it->rule->clause, sizeof out->gap[0].clause);
        strlcpy_(out->gap[out->ngaps].gap, it->gap, sizeof out->gap[0].gap);
        strlcpy_(out->gap[out->ngaps].fix, it->fix, sizeof out->gap[0].fix);
        out->ngaps++;
    }
    readiness_free(&r);
    return 0;
}

/* ---- the journey ---------------------------------------------------------------- */

int app_journey(struct app *a, const char *today, struct journey *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (app_readiness(a, today, &out->rd, e)) {
        return -1;
    }
    out->nstages = (int)(sizeof stages / sizeof stages[0]);
    out->current = out->nstages;
    for (int s = 0; s < out->nstages; s++) {
        struct journey_stage *st = &out->stage[s];
        st->n = stages[s].n;
        st->title = stages[s].title;
        st->text = stages[s].text;
        char *dup = xstrdup(stages[s].items), *save = NULL;
        int passed = 0;
        for (char *tok = strtok_r(dup, ",", &save); tok && st->nitems < 12;
             tok = strtok_r(NULL, ",", &save)) {
            const struct readiness_item *it = readiness_item(&out->rd, tok);
            if (!it) {
                continue;
            }
            st->item[st->nitems++] = it;
            st->ready += it->ready;
            passed += it->passed;
        }
        free(dup);
        st->state = st->ready == st->nitems ? STAGE_DONE : passed ? STAGE_STARTED : STAGE_TODO;
        if (st->state != STAGE_DONE && out->current == out->nstages) {
            out->current = s;
        }
    }
    return 0;
}

void journey_free(struct journey *j)
{
    readiness_free(&j->rd);
}

void journey_json(struct jw *w, const struct journey *j)
{
    jw_obj(w);
    jw_key(w, "today");
    jw_str(w, j->rd.today);
    jw_key(w, "current");
    if (j->current < j->nstages) {
        jw_int(w, j->stage[j->current].n);
    } else {
        jw_null(w);
    }
    jw_key(w, "percent");
    jw_int(w, j->rd.percent);
    jw_key(w, "stages");
    jw_arr(w);
    for (int s = 0; s < j->nstages; s++) {
        const struct journey_stage *st = &j->stage[s];
        jw_obj(w);
        jw_key(w, "n");
        jw_int(w, st->n);
        jw_key(w, "title");
        jw_str(w, st->title);
        jw_key(w, "text");
        jw_str(w, st->text);
        jw_key(w, "state");
        jw_str(w, stage_state_name(st->state));
        jw_key(w, "ready");
        jw_int(w, st->ready);
        jw_key(w, "items");
        jw_int(w, st->nitems);
        jw_key(w, "done");
        jw_arr(w);
        for (int i = 0; i < st->nitems; i++) {
            if (st->item[i]->ready) {
                jw_obj(w);
                jw_key(w, "id");
                jw_str(w, st->item[i]->rule->id);
                jw_key(w, "title");
                jw_str(w, st->item[i]->rule->title);
                jw_obj_end(w);
            }
        }
        jw_arr_end(w);
        jw_key(w, "next");
        jw_arr(w);
        for (int i = 0; i < st->nitems; i++) {
            const struct readiness_item *it = st->item[i];
            if (!it->ready && !it->hidden) {
                jw_obj(w);
                jw_key(w, "id");
                jw_str(w, it->rule->id);
                jw_key(w, "title");
                jw_str(w, it->rule->title);
                jw_key(w, "gap");
                jw_str(w, it->gap);
                jw_key(w, "fix");
                jw_str(w, it->fix);
                jw_obj_end(w);
            }
        }
        jw_arr_end(w);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}
