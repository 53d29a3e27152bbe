/* oscal.c — OSCAL export (oscal.h): typed documents built from the
 * records, written once with the json.h writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hash.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "oscal.h"

/* ---- strings owned by the document --------------------------------------- */

static const char *keep(struct oscal_doc *d, char *s)
{
    if (!s) {
        return NULL;
    }
    if (d->nstrs == d->capstrs) {
        d->capstrs = d->capstrs ? d->capstrs * 2 : 64;
        d->strs = xrealloc(d->strs, d->capstrs * sizeof *d->strs);
    }
    d->strs[d->nstrs++] = s;
    return s;
}

static const char *dup(struct oscal_doc *d, const char *s)
{
    return s ? keep(d, xstrdup(s)) : NULL;
}

__attribute__((format(printf, 2, 3))) static const char *fmt(struct oscal_doc *d, const char *f,
                                                              ...)
{
    struct buf b;
    buf_init(&b, 0);
    va_list ap;
    va_start(ap, f);
    buf_vprintf(&b, f, ap);
    va_end(ap);
    return keep(d, buf_take(&b));
}

/* OSCAL strings and markup lines: one line, no leading or trailing space,
 * never empty (the schemas' patterns). */
static const char *line(struct oscal_doc *d, const char *s, const char *empty)
{
    struct buf b;
    buf_init(&b, 0);
    int space = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = 1;
            continue;
        }
        if (space && b.len) {
            buf_putc(&b, ' ');
        }
        space = 0;
        buf_putc(&b, *p);
    }
    if (!b.len) {
        buf_puts(&b, empty);
    }
    return keep(d, buf_take(&b));
}

/* Markup (multi-line): kept, but never empty or only spaces. */
static const char *text(struct oscal_doc *d, const char *s, const char *empty)
{
    int blank = 1;
    for (const char *p = s ? s : ""; *p && blank; p++) {
        blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    }
    return blank ? dup(d, empty) : dup(d, s);
}

void oscal_doc_free(struct oscal_doc *d)
{
    for (size_t i = 0; i < d->nstrs; i++) {
        free(d->strs[i]);
    }
    free(d->strs);
    free(d->controls);
    free(d->reqs);
    for (size_t i = 0; i < d->nresults; i++) {
        free(d->results[i].controls);
        free(d->results[i].findings);
    }
    free(d->results);
    for (size_t i = 0; i < d->nrisks; i++) {
        free(d->risks[i].rem);
    }
    free(d->risks);
    free(d->items);
    memset(d, 0, sizeof *d);
}

#define PUSH(arr, n, type)                                                                     \
    (arr = xrealloc(arr, ((n) + 1) * sizeof *(arr)), memset(&(arr)[n], 0, sizeof *(arr)),     \
     &(arr)[(n)++])

/* ---- identity, UUIDs, times ---------------------------------------------- */

void oscal_uuid(const char *isms, const char *kind, const char *ref, char out[37])
{
    struct sha256 h;
    sha256_begin(&h);
    sha256_add_field(&h, "isms-oscal");
    sha256_add_field(&h, isms);
    sha256_add_field(&h, kind);
    sha256_add_field(&h, ref);
    unsigned char md[32];
    crypto_hash_sha256_final(&h.st, md);
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[k++] = '-';
        }
        out[k++] = hex[md[i] >> 4];
        out[k++] = hex[md[i] & 15];
    }
    out[k] = 0;
}

struct first {
    char hash[65], at[32];
    long long seq;
};

static int first_entry(void *ctx, const struct history_entry *h)
{
    struct first *f = ctx;
    snprintf(f->hash, sizeof f->hash, "%s", h->hash ? h->hash : "");
    snprintf(f->at, sizeof f->at, "%s", h->at ? h->at : "");
    f->seq = h->seq;
    return 1;
}

struct ctx {
    struct app *a;
    struct oscal_doc *d;
    char isms[65];
};

static const char *uuid(struct ctx *c, const char *kind, const char *ref)
{
    char u[37];
    oscal_uuid(c->isms, kind, ref, u);
    return dup(c->d, u);
}

/* "2026-01-05" or "2026-01-05T10:00:00Z" -> date-time with a time zone. */
static const char *when(struct ctx *c, const char *s)
{
    if (!s || strlen(s) < 10) {
        return NULL;
    }
    if (strlen(s) == 10) {
        return fmt(c->d, "%sT00:00:00Z", s);
    }
    return dup(c->d, s);
}

/* A control identifier as an OSCAL token: a letter first. Annex A 2022
 * numbers ("5.18") get the "A." the standard prints; A.9.2.1 and C-0001
 * are tokens already. */
static const char *token(struct ctx *c, const char *ref)
{
    if (ref && ref[0] >= '0' && ref[0] <= '9') {
        return fmt(c->d, "A.%s", ref);
    }
    return dup(c->d, ref);
}

static int identity(struct ctx *c, const char *title, struct err *e)
{
    struct first f = {"", "", 0};
    if (store_history_since(c->a->st, principal_sys(), 0, first_entry, &f, e)) {
        return -1;
    }
    if (!f.hash[0]) {
        return err_set(e, ERR_INVALID, NULL, "the ISMS has no history yet");
    }
    snprintf(c->isms, sizeof c->isms, "%s", f.hash);
    long long last = store_history_last_seq(c->a->st, e);
    if (last < 0) {
        return -1;
    }
    struct first l = {"", "", 0};
    if (store_history_since(c->a->st, principal_sys(), last - 1, first_entry, &l, e)) {
        return -1;
    }
    struct oscal_doc *d = c->d;
    d->md.title = dup(d, title);
    d->md.last_modified = when(c, l.at[0] ? l.at : f.at);
    d->md.version = fmt(d, "history-%lld", l.seq);
    d->md.party_uuid = uuid(c, "party", "organization");
    return 0;
}

/* ---- reading records ----------------------------------------------------- */

struct recs {
    struct record **v;
    size_t n;
};

static int rec_add(void *ctx, struct record *r)
{
    struct recs *l = ctx;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = r;
    return 0;
}

static void recs_free(struct recs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        record_free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int read_all(struct ctx *c, const char *type, const char *field, const char *value,
                    struct recs *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const struct rtype *t = rtype_find(type);
    if (app_may_read(c->a, t, 0, e)) {
        return -1;
    }
    struct query q = {0};
    if (field) {
        q.nfilter = 1;
        q.filter_field[0] = rtype_field(t, field, NULL);
        q.filter_value[0] = value;
    }
    if (store_list(c->a->st, &c->a->who, t, &q, rec_add, out, e)) {
        recs_free(out);
        return -1;
    }
    return 0;
}

static const char *get(const struct record *r, const char *f)
{
    const char *v = record_get(r, f);
    return v && *v ? v : NULL;
}

/* The organization's name: the title of the scope in force (as reports
 * print it), else the first scope's. */
static int organization(struct ctx *c, struct record **scope, struct err *e)
{
    struct recs s;
    *scope = NULL;
    if (read_all(c, "scope", NULL, NULL, &s, e)) {
        return -1;
    }
    size_t pick = s.n;
    for (size_t i = 0; i < s.n; i++) {
        const char *st = get(s.v[i], FIELD_STATUS);
        if (st && strcmp(st, "approved") == 0) {
            pick = i;
        }
    }
    if (pick == s.n && s.n) {
        pick = 0;
    }
    const char *name = "the organization";
    if (pick < s.n) {
        *scope = s.v[pick];
        s.v[pick] = NULL;
        const char *t = get(*scope, "title");
        if (t) {
            name = strncmp(t, "ISMS scope of ", 14) == 0 ? t + 14 : t;
        }
    }
    c->d->md.party_name = line(c->d, name, "the organization");
    for (size_t i = 0; i < s.n; i++) {
        if (s.v[i]) {
            record_free(s.v[i]);
        }
    }
    free(s.v);
    return 0;
}

/* ---- the documents ------------------------------------------------------- */

static int build_catalog(struct ctx *c, struct err *e)
{
    struct oscal_doc *d = c->d;
    struct recs cs;
    if (read_all(c, "control", "framework", FRAMEWORK_CUSTOM, &cs, e)) {
        return -1;
    }
    for (size_t i = 0; i < cs.n; i++) {
        const struct record *r = cs.v[i];
        struct o_control *x = PUSH(d->controls, d->ncontrols, struct o_control);
        x->id = dup(d, r->ref);
        x->label = dup(d, r->ref);
        x->title = line(d, get(r, "title"), r->ref);
        x->prose = get(r, "description") ? text(d, get(r, "description"), "-") : NULL;
        x->part_id = fmt(d, "%s_smt", r->ref);
    }
    recs_free(&cs);
    if (!d->ncontrols) {
        return err_set(e, ERR_INVALID, NULL,
                       "catalog: the ISMS has no own control (framework custom) to export");
    }
    d->md.title = fmt(d, "Controls of %s", d->md.party_name);
    return 0;
}

static const char *impl_status(const char *status)
{
    if (!status) {
        return "planned";
    }
    if (strcmp(status, "implemented") == 0) {
        return "implemented";
    }
    if (strcmp(status, "partial") == 0) {
        return "partial";
    }
    return "planned";
}

static int build_reqs(struct ctx *c, struct err *e)
{
    struct oscal_doc *d = c->d;
    struct soa s;
    if (app_soa(c->a, FRAMEWORK_2022, &s, e)) {
        return -1;
    }
    d->component_uuid = uuid(c, "component", "isms");
    for (size_t i = 0; i < s.n; i++) {
        const struct soa_row *r = &s.v[i];
        if (r->applicable != 1) {
            continue;
        }
        struct o_req *q = PUSH(d->reqs, d->nreqs, struct o_req);
        q->uuid = uuid(c, "implemented-requirement", r->id);
        q->bc_uuid = uuid(c, "by-component", r->id);
        q->control_id = token(c, r->id);
        q->status = impl_status(r->status);
        q->description = text(d, r->implementation, "Implementation not described yet.");
        q->remarks = r->justification && *r->justification ? dup(d, r->justification) : NULL;
    }
    soa_free(&s);
    if (!d->nreqs) {
        return err_set(e, ERR_INVALID, NULL,
                       "the SoA has no applicable control: decide the SoA first (isms soa set)");
    }
    d->resource_uuid = uuid(c, "resource", "iso27001-2022");
    d->resource_title = "ISO/IEC 27001:2022 Annex A";
    d->resource_href = "https://www.iso.org/standard/27001";
    return 0;
}

static int build_ssp(struct ctx *c, struct err *e)
{
    struct oscal_doc *d = c->d;
    struct record *scope = NULL;
    if (organization(c, &scope, e)) {
        return -1;
    }
    if (!scope) {
        return err_set(e, ERR_INVALID, NULL,
                       "ssp: the system characteristics come from the ISMS scope: add one "
                       "(isms scope add) and approve it");
    }
    const char *st = get(scope, FIELD_STATUS);
    d->system_id = uuid(c, "system", "isms");
    d->system_name = line(d, get(scope, "title"), "ISMS");
    d->system_description = text(d, get(scope, "statement"), "-");
    d->state = st && strcmp(st, "approved") == 0 ? "operational" : "under-development";
    struct buf b;
    buf_init(&b, 0);
    const char *parts[][2] = {{"Sites", "sites"},           {"Included", "included"},
                              {"Excluded", "excluded"},     {"Reasons for exclusion", "exclusion_reasons"},
                              {"Interfaces", "interfaces"}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const char *v = get(scope, parts[i][1]);
        if (v) {
            buf_printf(&b, "%s%s: %s", b.len ? "\n\n" : "", parts[i][0], v);
        }
    }
    d->boundary = text(d, buf_str(&b), "The boundary is the scope statement.");
    buf_free(&b);
    d->user_uuid = uuid(c, "user", "isms-users");
    d->component_title = fmt(d, "ISMS of %s", d->md.party_name);
    d->component_description = text(d, get(scope, "statement"), "-");
    record_free(scope);
    if (build_reqs(c, e)) {
        return -1;
    }
    d->md.title = fmt(d, "System security plan: %s", d->system_name);
    return 0;
}

static int build_compdef(struct ctx *c, struct err *e)
{
    struct oscal_doc *d = c->d;
    struct record *scope = NULL;
    if (organization(c, &scope, e)) {
        return -1;
    }
    d->component_title = fmt(d, "ISMS of %s", d->md.party_name);
    d->component_description =
        text(d, scope ? get(scope, "statement") : NULL,
             "The information security management system and the controls it implements.");
    if (scope) {
        record_free(scope);
    }
    if (build_reqs(c, e)) {
        return -1;
    }
    d->ci_uuid = uuid(c, "control-implementation", "iso27001-2022");
    d->md.title = fmt(d, "Component definition: %s", d->component_title);
    return 0;
}

static const char *finding_state(const char *kind)
{
    return kind && strcmp(kind, "conforming") == 0 ? "satisfied" : "not-satisfied";
}

static int build_ar(struct ctx *c, struct err *e)
{
    struct oscal_doc *d = c->d;
    struct record *scope = NULL;
    if (organization(c, &scope, e)) {
        return -1;
    }
    if (scope) {
        record_free(scope);
    }
    struct recs audits, findings;
    if (read_all(c, "audit", NULL, NULL, &audits, e)) {
        return -1;
    }
    if (read_all(c, "finding", NULL, NULL, &findings, e)) {
        recs_free(&audits);
        return -1;
    }
    for (size_t i = 0; i < audits.n; i++) {
        const struct record *r = audits.v[i];
        const char *st = get(r, FIELD_STATUS);
        if (st && strcmp(st, "cancelled") == 0) {
            continue;
        }
        struct o_result *x = PUSH(d->results, d->nresults, struct o_result);
        x->uuid = uuid(c, "result", r->ref);
        x->title = line(d, fmt(d, "%s %s", r->ref, get(r, "title")), r->ref);
        struct buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%s audit, %s.", get(r, "kind") ? get(r, "kind") : "internal",
                   st ? st : "planned");
        if (get(r, "scope")) {
            buf_printf(&b, "\n\nScope: %s", get(r, "scope"));
        }
        if (get(r, "criteria")) {
            buf_printf(&b, "\n\nCriteria: %s", get(r, "criteria"));
        }
        if (get(r, "conclusion")) {
            buf_printf(&b, "\n\nConclusion: %s", get(r, "conclusion"));
        }
        x->description = keep(d, buf_take(&b));
        const char *start = get(r, "performed_on") ? get(r, "performed_on") : get(r, "planned_on");
        x->start = when(c, start ? start : get(r, "created"));
        x->end = get(r, "performed_on") ? when(c, get(r, "performed_on")) : NULL;
        const char *cl = get(r, "controls");
        if (cl) {
            char *copy = xstrdup(cl);
            for (char *sv = NULL, *p = strtok_r(copy, ",", &sv); p; p = strtok_r(NULL, ",", &sv)) {
                x->controls = xrealloc(x->controls, (x->ncontrols + 1) * sizeof *x->controls);
                x->controls[x->ncontrols++] = token(c, p);
            }
            free(copy);
        }
        for (size_t k = 0; k < findings.n; k++) {
            const struct record *f = findings.v[k];
            const char *au = get(f, "audit");
            if (!au || strcmp(au, r->ref) != 0) {
                continue;
            }
            struct o_finding *y = PUSH(x->findings, x->nfindings, struct o_finding);
            y->uuid = uuid(c, "finding", f->ref);
            y->obs_uuid = uuid(c, "observation", f->ref);
            y->title = line(d, fmt(d, "%s %s", f->ref, get(f, "title")), f->ref);
            y->description = text(d, get(f, "description"), get(f, "title"));
            y->kind = dup(d, get(f, "kind"));
            y->evidence = get(f, "evidence") ? dup(d, get(f, "evidence")) : NULL;
            y->state = finding_state(get(f, "kind"));
            y->collected = x->start;
            if (get(f, "control")) {
                y->target_id = token(c, get(f, "control"));
            } else if (get(f, "clause")) {
                y->target_id = line(d, fmt(d, "clause-%s", get(f, "clause")), "isms");
            } else {
                y->target_id = "isms";
            }
        }
    }
    recs_free(&audits);
    recs_free(&findings);
    if (!d->nresults) {
        return err_set(e, ERR_INVALID, NULL,
                       "assessment-results: the ISMS has no audit to export (isms audit add)");
    }
    d->resource_uuid = uuid(c, "resource", "audit-programme");
    d->resource_title = "The audit programme of the ISMS (clause 9.2)";
    d->md.title = fmt(d, "Audit results of %s", d->md.party_name);
    return 0;
}

static const char *risk_status(const char *s)
{
    if (!s) {
        return "open";
    }
    if (strcmp(s, "treating") == 0) {
        return "remediating";
    }
    if (strcmp(s, "accepted") == 0) {
        return "deviation-approved";
    }
    if (strcmp(s, "closed") == 0) {
        return "closed";
    }
    if (strcmp(s, "assessed") == 0) {
        return "investigating";
    }
    return "open";
}

static const char *lifecycle(const char *status)
{
    if (status && (strcmp(status, "done") == 0 || strcmp(status, "verified") == 0)) {
        return "completed";
    }
    return "planned";
}

static int build_poam(struct ctx *c, struct err *e)
{
    struct oscal_doc *d = c->d;
    struct record *scope = NULL;
    if (organization(c, &scope, e)) {
        return -1;
    }
    if (scope) {
        record_free(scope);
    }
    struct recs risks, actions, ncs, cas;
    int rc = -1;
    memset(&actions, 0, sizeof actions);
    memset(&ncs, 0, sizeof ncs);
    memset(&cas, 0, sizeof cas);
    if (read_all(c, "risk", NULL, NULL, &risks, e) ||
        read_all(c, "action", NULL, NULL, &actions, e) ||
        read_all(c, "nonconformity", NULL, NULL, &ncs, e) ||
        read_all(c, "corrective", NULL, NULL, &cas, e)) {
        goto done;
    }
    /* risks not closed, with their treatment actions as remediations */
    for (size_t i = 0; i < risks.n; i++) {
        const struct record *r = risks.v[i];
        const char *st = get(r, FIELD_STATUS);
        if (st && strcmp(st, "closed") == 0) {
            continue;
        }
        struct o_risk *x = PUSH(d->risks, d->nrisks, struct o_risk);
        x->uuid = uuid(c, "risk", r->ref);
        x->title = line(d, fmt(d, "%s %s", r->ref, get(r, "title")), r->ref);
        x->description = text(d, get(r, "description"), get(r, "title"));
        x->statement = fmt(d, "Level %s (score %s); treatment: %s.",
                           get(r, "level") ? get(r, "level") : "not rated",
                           get(r, "score") ? get(r, "score") : "-",
                           get(r, "treatment") ? get(r, "treatment") : "not decided");
        x->status = risk_status(st);
        x->likelihood = dup(d, get(r, "likelihood"));
        x->impact = dup(d, get(r, "consequence"));
        for (size_t k = 0; k < actions.n; k++) {
            const struct record *t = actions.v[k];
            const char *rs = get(t, "risks");
            if (!rs || !list_has(rs, r->ref)) {
                continue;
            }
            struct o_remediation *m = PUSH(x->rem, x->nrem, struct o_remediation);
            m->uuid = uuid(c, "remediation", t->ref);
            m->lifecycle = lifecycle(get(t, FIELD_STATUS));
            m->title = line(d, fmt(d, "%s %s", t->ref, get(t, "title")), t->ref);
            m->description = text(d, get(t, "description"), get(t, "title"));
        }
        if (st && strcmp(st, "accepted") != 0) {
            struct o_item *it = PUSH(d->items, d->nitems, struct o_item);
            it->uuid = uuid(c, "poam-item", r->ref);
            it->title = x->title;
            it->description = fmt(d, "Treat risk %s (%s).", r->ref, st);
            it->risk_uuid = x->uuid;
            it->ref = dup(d, r->ref);
        }
    }
    /* open nonconformities, their corrective actions as remediations */
    for (size_t i = 0; i < ncs.n; i++) {
        const struct record *r = ncs.v[i];
        const char *st = get(r, FIELD_STATUS);
        if (st && strcmp(st, "closed") == 0) {
            continue;
        }
        struct o_risk *x = PUSH(d->risks, d->nrisks, struct o_risk);
        x->uuid = uuid(c, "risk", r->ref);
        x->title = line(d, fmt(d, "%s %s", r->ref, get(r, "title")), r->ref);
        x->description = text(d, get(r, "description"), get(r, "title"));
        x->statement = fmt(d, "Nonconformity (%s, %s); root cause: %s",
                           get(r, "severity") ? get(r, "severity") : "severity not set",
                           get(r, "source") ? get(r, "source") : "-",
                           get(r, "root_cause") ? get(r, "root_cause") : "not analysed yet");
        x->status = st && strcmp(st, "open") == 0 ? "open"
                    : st && strcmp(st, "analysing") == 0 ? "investigating"
                                                         : "remediating";
        for (size_t k = 0; k < cas.n; k++) {
            const struct record *t = cas.v[k];
            const char *nc = get(t, "nonconformity");
            if (!nc || strcmp(nc, r->ref) != 0) {
                continue;
            }
            struct o_remediation *m = PUSH(x->rem, x->nrem, struct o_remediation);
            m->uuid = uuid(c, "remediation", t->ref);
            m->lifecycle = lifecycle(get(t, FIELD_STATUS));
            m->title = line(d, fmt(d, "%s %s", t->ref, get(t, "title")), t->ref);
            m->description = text(d, get(t, "description"), get(t, "title"));
            m->due = get(t, "due_date") ? when(c, get(t, "due_date")) : NULL;
        }
        struct o_item *it = PUSH(d->items, d->nitems, struct o_item);
        it->uuid = uuid(c, "poam-item", r->ref);
        it->title = x->title;
        it->description = text(d, get(r, "description"), get(r, "title"));
        it->risk_uuid = x->uuid;
        it->ref = dup(d, r->ref);
    }
    if (!d->nitems) {
        struct o_item *it = PUSH(d->items, d->nitems, struct o_item);
        it->uuid = uuid(c, "poam-item", "none");
        it->title = "No open nonconformity or risk under treatment";
        it->description = dup(d, "Nothing is open: this item says so, as OSCAL needs one item.");
    }
    d->md.title = fmt(d, "Plan of action and milestones of %s", d->md.party_name);
    rc = 0;
done:
    recs_free(&risks);
    recs_free(&actions);
    recs_free(&ncs);
    recs_free(&cas);
    return rc;
}

int oscal_kind_parse(const char *s)
{
    static const char *const names[] = {"catalog", "ssp", "component-definition",
                                        "assessment-results", "poam"};
    for (int i = 0; i < 5; i++) {
        if (s && strcmp(s, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

int app_oscal_build(struct app *a, enum oscal_kind kind, struct oscal_doc *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    struct ctx c = {a, out, ""};
    static const char *const kinds[] = {"catalog", "ssp", "component-definition",
                                        "assessment-results", "poam"};
    int rc = store_read_begin(a->st, e);
    if (rc) {
        return -1;
    }
    rc = identity(&c, "ISMS", e);
    if (!rc) {
        out->uuid = uuid(&c, kinds[kind], "document");
        switch (kind) {
        case OSCAL_CATALOG: {
            struct record *scope = NULL;
            rc = organization(&c, &scope, e);
            if (scope) {
                record_free(scope);
            }
            rc = rc ? rc : build_catalog(&c, e);
            break;
        }
        case OSCAL_SSP:
            rc = build_ssp(&c, e);
            break;
        case OSCAL_COMPDEF:
            rc = build_compdef(&c, e);
            break;
        case OSCAL_AR:
            rc = build_ar(&c, e);
            break;
        case OSCAL_POAM:
            rc = build_poam(&c, e);
            break;
        }
    }
    store_read_end(a->st);
    if (rc) {
        oscal_doc_free(out);
    }
    return rc;
}

/* ---- the writer ---------------------------------------------------------- */

static void kv(struct jw *w, const char *k, const char *v)
{
    if (v) {
        jw_key(w, k);
        jw_str(w, v);
    }
}

static void prop(struct jw *w, const char *name, const char *value)
{
    jw_obj(w);
    kv(w, "name", name);
    kv(w, "value", value);
    jw_obj_end(w);
}

static void metadata(struct jw *w, const struct oscal_doc *d)
{
    jw_key(w, "metadata");
    jw_obj(w);
    kv(w, "title", d->md.title);
    kv(w, "last-modified", d->md.last_modified);
    kv(w, "version", d->md.version);
    kv(w, "oscal-version", OSCAL_VERSION);
    jw_key(w, "roles");
    jw_arr(w);
    jw_obj(w);
    kv(w, "id", "prepared-by");
    kv(w, "title", "Prepared by");
    jw_obj_end(w);
    jw_arr_end(w);
    jw_key(w, "parties");
    jw_arr(w);
    jw_obj(w);
    kv(w, "uuid", d->md.party_uuid);
    kv(w, "type", "organization");
    kv(w, "name", d->md.party_name);
    jw_obj_end(w);
    jw_arr_end(w);
    jw_key(w, "responsible-parties");
    jw_arr(w);
    jw_obj(w);
    kv(w, "role-id", "prepared-by");
    jw_key(w, "party-uuids");
    jw_arr(w);
    jw_str(w, d->md.party_uuid);
    jw_arr_end(w);
    jw_obj_end(w);
    jw_arr_end(w);
    jw_obj_end(w);
}

static void back_matter(struct jw *w, const struct oscal_doc *d)
{
    if (!d->resource_uuid) {
        return;
    }
    jw_key(w, "back-matter");
    jw_obj(w);
    jw_key(w, "resources");
    jw_arr(w);
    jw_obj(w);
    kv(w, "uuid", d->resource_uuid);
    kv(w, "title", d->resource_title);
    if (d->resource_href) {
        jw_key(w, "rlinks");
        jw_arr(w);
        jw_obj(w);
        kv(w, "href", d->resource_href);
        jw_obj_end(w);
        jw_arr_end(w);
    }
    jw_obj_end(w);
    jw_arr_end(w);
    jw_obj_end(w);
}

static void write_catalog(struct jw *w, const struct oscal_doc *d)
{
    jw_key(w, "catalog");
    jw_obj(w);
    kv(w, "uuid", d->uuid);
    metadata(w, d);
    jw_key(w, "controls");
    jw_arr(w);
    for (size_t i = 0; i < d->ncontrols; i++) {
        const struct o_control *c = &d->controls[i];
        jw_obj(w);
        kv(w, "id", c->id);
        kv(w, "title", c->title);
        jw_key(w, "props");
        jw_arr(w);
        prop(w, "label", c->label);
        jw_arr_end(w);
        if (c->prose) {
            jw_key(w, "parts");
            jw_arr(w);
            jw_obj(w);
            kv(w, "id", c->part_id);
            kv(w, "name", "statement");
            kv(w, "prose", c->prose);
            jw_obj_end(w);
            jw_arr_end(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

static void write_reqs(struct jw *w, const struct oscal_doc *d, int ssp)
{
    jw_key(w, "implemented-requirements");
    jw_arr(w);
    for (size_t i = 0; i < d->nreqs; i++) {
        const struct o_req *q = &d->reqs[i];
        jw_obj(w);
        kv(w, "uuid", q->uuid);
        kv(w, "control-id", q->control_id);
        if (!ssp) {
            kv(w, "description", q->description);
        }
        jw_key(w, "props");
        jw_arr(w);
        prop(w, "implementation-status", q->status);
        jw_arr_end(w);
        if (ssp) {
            jw_key(w, "by-components");
            jw_arr(w);
            jw_obj(w);
            kv(w, "component-uuid", d->component_uuid);
            kv(w, "uuid", q->bc_uuid);
            kv(w, "description", q->description);
            jw_obj_end(w);
            jw_arr_end(w);
        }
        kv(w, "remarks", q->remarks);
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

static void write_ssp(struct jw *w, const struct oscal_doc *d)
{
    jw_key(w, "system-security-plan");
    jw_obj(w);
    kv(w, "uuid", d->uuid);
    metadata(w, d);
    jw_key(w, "import-profile");
    jw_obj(w);
    jw_key(w, "href");
    struct buf h;
    buf_init(&h, 0);
    buf_printf(&h, "#%s", d->resource_uuid);
    jw_str(w, buf_str(&h));
    buf_free(&h);
    jw_obj_end(w);
    jw_key(w, "system-characteristics");
    jw_obj(w);
    jw_key(w, "system-ids");
    jw_arr(w);
    jw_obj(w);
    kv(w, "identifier-type", "https://ietf.org/rfc/rfc4122");
    kv(w, "id", d->system_id);
    jw_obj_end(w);
    jw_arr_end(w);
    kv(w, "system-name", d->system_name);
    kv(w, "description", d->system_description);
    kv(w, "security-sensitivity-level", "not-assessed");
    jw_key(w, "system-information");
    jw_obj(w);
    jw_key(w, "information-types");
    jw_arr(w);
    jw_obj(w);
    kv(w, "title", "Information in the scope of the ISMS");
    kv(w, "description", "The information the ISMS protects, as its asset inventory lists it.");
    jw_key(w, "confidentiality-impact");
    jw_obj(w);
    kv(w, "base", "not-assessed");
    jw_obj_end(w);
    jw_key(w, "integrity-impact");
    jw_obj(w);
    kv(w, "base", "not-assessed");
    jw_obj_end(w);
    jw_key(w, "availability-impact");
    jw_obj(w);
    kv(w, "base", "not-assessed");
    jw_obj_end(w);
    jw_obj_end(w);
    jw_arr_end(w);
    jw_obj_end(w);
    jw_key(w, "security-impact-level");
    jw_obj(w);
    kv(w, "security-objective-confidentiality", "not-assessed");
    kv(w, "security-objective-integrity", "not-assessed");
    kv(w, "security-objective-availability", "not-assessed");
    jw_obj_end(w);
    jw_key(w, "status");
    jw_obj(w);
    kv(w, "state", d->state);
    jw_obj_end(w);
    jw_key(w, "authorization-boundary");
    jw_obj(w);
    kv(w, "description", d->boundary);
    jw_obj_end(w);
    jw_obj_end(w);
    jw_key(w, "system-implementation");
    jw_obj(w);
    jw_key(w, "users");
    jw_arr(w);
    jw_obj(w);
    kv(w, "uuid", d->user_uuid);
    kv(w, "title", "People in the scope of the ISMS");
    jw_obj_end(w);
    jw_arr_end(w);
    jw_key(w, "components");
    jw_arr(w);
    jw_obj(w);
    kv(w, "uuid", d->component_uuid);
    kv(w, "type", "this-system");
    kv(w, "title", d->component_title);
    kv(w, "description", d->component_description);
    jw_key(w, "status");
    jw_obj(w);
    kv(w, "state", d->state);
    jw_obj_end(w);
    jw_obj_end(w);
    jw_arr_end(w);
    jw_obj_end(w);
    jw_key(w, "control-implementation");
    jw_obj(w);
    kv(w, "description",
       "The controls the Statement of Applicability declares applicable, with how each is "
       "implemented.");
    write_reqs(w, d, 1);
    jw_obj_end(w);
    back_matter(w, d);
    jw_obj_end(w);
}

static void write_compdef(struct jw *w, const struct oscal_doc *d)
{
    jw_key(w, "component-definition");
    jw_obj(w);
    kv(w, "uuid", d->uuid);
    metadata(w, d);
    jw_key(w, "components");
    jw_arr(w);
    jw_obj(w);
    kv(w, "uuid", d->component_uuid);
    kv(w, "type", "policy");
    kv(w, "title", d->component_title);
    kv(w, "description", d->component_description);
    jw_key(w, "control-implementations");
    jw_arr(w);
    jw_obj(w);
    kv(w, "uuid", d->ci_uuid);
    struct buf h;
    buf_init(&h, 0);
    buf_printf(&h, "#%s", d->resource_uuid);
    kv(w, "source", buf_str(&h));
    buf_free(&h);
    kv(w, "description", "The controls of ISO/IEC 27001:2022 Annex A the ISMS implements.");
    write_reqs(w, d, 0);
    jw_obj_end(w);
    jw_arr_end(w);
    jw_obj_end(w);
    jw_arr_end(w);
    back_matter(w, d);
    jw_obj_end(w);
}

static void write_ar(struct jw *w, const struct oscal_doc *d)
{
    jw_key(w, "assessment-results");
    jw_obj(w);
    kv(w, "uuid", d->uuid);
    metadata(w, d);
    jw_key(w, "import-ap");
    jw_obj(w);
    struct buf h;
    buf_init(&h, 0);
    buf_printf(&h, "#%s", d->resource_uuid);
    kv(w, "href", buf_str(&h));
    buf_free(&h);
    jw_obj_end(w);
    jw_key(w, "results");
    jw_arr(w);
    for (size_t i = 0; i < d->nresults; i++) {
        const struct o_result *r = &d->results[i];
        jw_obj(w);
        kv(w, "uuid", r->uuid);
        kv(w, "title", r->title);
        kv(w, "description", r->description);
        kv(w, "start", r->start);
        kv(w, "end", r->end);
        jw_key(w, "reviewed-controls");
        jw_obj(w);
        jw_key(w, "control-selections");
        jw_arr(w);
        jw_obj(w);
        if (r->ncontrols) {
            jw_key(w, "include-controls");
            jw_arr(w);
            for (size_t k = 0; k < r->ncontrols; k++) {
                jw_obj(w);
                kv(w, "control-id", r->controls[k]);
                jw_obj_end(w);
            }
            jw_arr_end(w);
        } else {
            jw_key(w, "include-all");
            jw_obj(w);
            jw_obj_end(w);
        }
        jw_obj_end(w);
        jw_arr_end(w);
        jw_obj_end(w);
        if (r->nfindings) {
            jw_key(w, "observations");
            jw_arr(w);
            for (size_t k = 0; k < r->nfindings; k++) {
                const struct o_finding *f = &r->findings[k];
                jw_obj(w);
                kv(w, "uuid", f->obs_uuid);
                kv(w, "title", f->title);
                kv(w, "description", f->evidence ? f->evidence : f->description);
                jw_key(w, "methods");
                jw_arr(w);
                jw_str(w, "EXAMINE");
                jw_arr_end(w);
                kv(w, "collected", f->collected);
                jw_obj_end(w);
            }
            jw_arr_end(w);
            jw_key(w, "findings");
            jw_arr(w);
            for (size_t k = 0; k < r->nfindings; k++) {
                const struct o_finding *f = &r->findings[k];
                jw_obj(w);
                kv(w, "uuid", f->uuid);
                kv(w, "title", f->title);
                kv(w, "description", f->description);
                jw_key(w, "props");
                jw_arr(w);
                prop(w, "finding-kind", f->kind);
                jw_arr_end(w);
                jw_key(w, "target");
                jw_obj(w);
                kv(w, "type", "objective-id");
                kv(w, "target-id", f->target_id);
                jw_key(w, "status");
                jw_obj(w);
                kv(w, "state", f->state);
                jw_obj_end(w);
                jw_obj_end(w);
                jw_key(w, "related-observations");
                jw_arr(w);
                jw_obj(w);
                kv(w, "observation-uuid", f->obs_uuid);
                jw_obj_end(w);
                jw_arr_end(w);
                jw_obj_end(w);
            }
            jw_arr_end(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    back_matter(w, d);
    jw_obj_end(w);
}

static void write_poam(struct jw *w, const struct oscal_doc *d)
{
    jw_key(w, "plan-of-action-and-milestones");
    jw_obj(w);
    kv(w, "uuid", d->uuid);
    metadata(w, d);
    if (d->nrisks) {
        jw_key(w, "risks");
        jw_arr(w);
        for (size_t i = 0; i < d->nrisks; i++) {
            const struct o_risk *r = &d->risks[i];
            jw_obj(w);
            kv(w, "uuid", r->uuid);
            kv(w, "title", r->title);
            kv(w, "description", r->description);
            kv(w, "statement", r->statement);
            kv(w, "status", r->status);
            if (r->likelihood && r->impact) {
                jw_key(w, "characterizations");
                jw_arr(w);
                jw_obj(w);
                jw_key(w, "origin");
                jw_obj(w);
                jw_key(w, "actors");
                jw_arr(w);
                jw_obj(w);
                kv(w, "type", "party");
                kv(w, "actor-uuid", d->md.party_uuid);
                jw_obj_end(w);
                jw_arr_end(w);
                jw_obj_end(w);
                jw_key(w, "facets");
                jw_arr(w);
                const char *names[2] = {"likelihood", "impact"};
                const char *vals[2] = {r->likelihood, r->impact};
                for (int k = 0; k < 2; k++) {
                    jw_obj(w);
                    kv(w, "name", names[k]);
                    kv(w, "system", "https://www.iso.org/standard/27005");
                    kv(w, "value", vals[k]);
                    jw_obj_end(w);
                }
                jw_arr_end(w);
                jw_obj_end(w);
                jw_arr_end(w);
            }
            if (r->nrem) {
                jw_key(w, "remediations");
                jw_arr(w);
                for (size_t k = 0; k < r->nrem; k++) {
                    const struct o_remediation *m = &r->rem[k];
                    jw_obj(w);
                    kv(w, "uuid", m->uuid);
                    kv(w, "lifecycle", m->lifecycle);
                    kv(w, "title", m->title);
                    kv(w, "description", m->description);
                    jw_obj_end(w);
                }
                jw_arr_end(w);
            }
            jw_obj_end(w);
        }
        jw_arr_end(w);
    }
    jw_key(w, "poam-items");
    jw_arr(w);
    for (size_t i = 0; i < d->nitems; i++) {
        const struct o_item *it = &d->items[i];
        jw_obj(w);
        kv(w, "uuid", it->uuid);
        kv(w, "title", it->title);
        kv(w, "description", it->description);
        if (it->ref) {
            jw_key(w, "props");
            jw_arr(w);
            prop(w, "isms-record", it->ref);
            jw_arr_end(w);
        }
        if (it->risk_uuid) {
            jw_key(w, "related-risks");
            jw_arr(w);
            jw_obj(w);
            kv(w, "risk-uuid", it->risk_uuid);
            jw_obj_end(w);
            jw_arr_end(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

void oscal_write(const struct oscal_doc *d, struct buf *out)
{
    struct jw w;
    jw_init(&w, out, 1);
    jw_obj(&w);
    switch (d->kind) {
    case OSCAL_CATALOG:
        write_catalog(&w, d);
        break;
    case OSCAL_SSP:
        write_ssp(&w, d);
        break;
    case OSCAL_COMPDEF:
        write_compdef(&w, d);
        break;
    case OSCAL_AR:
        write_ar(&w, d);
        break;
    case OSCAL_POAM:
        write_poam(&w, d);
        break;
    }
    jw_obj_end(&w);
    buf_putc(out, '\n');
}
