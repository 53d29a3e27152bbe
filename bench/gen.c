/* gen.c — builds a large, realistic ISMS for the benchmarks (bench/run).
 *
 *   bench/gen OUT.isms [--risks N] [--assets N] [--people N] [--actions N] [--audits N]
 *
 * Everything goes through the app layer exactly as a user's commands would
 * (app_create, then app_add_tx / app_edit_tx), so every record is validated,
 * derived (risk scores, levels) and journaled with its history entry. All
 * records are written inside ONE store_begin/store_commit transaction for
 * speed. The content is deterministic (a fixed-seed PRNG of our own); only
 * the created/updated timestamps differ from run to run.
 *
 * Defaults: 200 people, 50,000 assets in five dependency tiers
 * (sites/people <- hardware/network <- software <- information <- services,
 * each non-root asset depending on 1-3 assets of lower tiers: no cycles),
 * 20,000 risks over 1-3 assets each, 3,000 treatment actions, and an SoA
 * decision on every Annex A 2022 control; one or two control tests per
 * applicable control with eight runs each (failed ones raising NCs), an
 * audit programme 2026-2028 and 150 audits over it (audit). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../src/app/app.h"
#include "../src/app/app_int.h"
#include "../src/app/audit.h" /* audit */
#include "../src/lib/buf.h"
#include "../src/lib/util.h"
#include "../src/model/record.h"
#include "../src/model/types.h"
#include "../src/store/store.h"

/* ---- deterministic PRNG (splitmix64) ------------------------------------ */

static uint64_t rng_state = 0x1505A27001ULL;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rnd(int lo, int hi)
{
    return lo + (int)(rng_next() % (uint64_t)(hi - lo + 1));
}

static int chance(int percent)
{
    return rnd(1, 100) <= percent;
}

#define PICK(arr) (arr)[rnd(0, (int)(sizeof(arr) / sizeof((arr)[0])) - 1)]

/* ---- small helpers ------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A list of identifiers (owned strings). */
struct refs {
    char **v;
    long n, cap;
};

static void refs_push(struct refs *l, char *ref)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
        if (!l->v) {
            abort();
        }
    }
    l->v[l->n++] = ref;
}

static void refs_free(struct refs *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static const char *refs_pick(const struct refs *l)
{
    return l->v[rnd(0, l->n - 1)];
}

/* Appends k distinct random identifiers of l to b, comma-separated. */
static void pick_distinct(struct buf *b, const struct refs *l, int k)
{
    const char *chosen[8];
    int got = 0;
    if (k > l->n) {
        k = l->n;
    }
    while (got < k) {
        const char *c = refs_pick(l);
        int dup = 0;
        for (int i = 0; i < got; i++) {
            dup |= chosen[i] == c;
        }
        if (!dup) {
            chosen[got++] = c;
        }
    }
    for (int i = 0; i < got; i++) {
        buf_printf(b, "%s%s", i ? "," : "", chosen[i]);
    }
}

/* Field values of one record being built: names are literals, values are
 * formatted into owned buffers. */
#define MAXKV 24
struct rec {
    struct kv kv[MAXKV];
    struct buf val[MAXKV];
    int n;
};

static void rec_init(struct rec *r)
{
    r->n = 0;
    for (int i = 0; i < MAXKV; i++) {
        buf_init(&r->val[i], 0);
    }
}

static void rec_reset(struct rec *r)
{
    for (int i = 0; i < r->n; i++) {
        buf_reset(&r->val[i]);
    }
    r->n = 0;
}

static void rec_free(struct rec *r)
{
    for (int i = 0; i < MAXKV; i++) {
        buf_free(&r->val[i]);
    }
}

static struct buf *rec_field(struct rec *r, const char *name)
{
    if (r->n == MAXKV) {
        abort();
    }
    r->kv[r->n].name = name;
    return &r->val[r->n++];
}

__attribute__((format(printf, 3, 4))) static void set(struct rec *r, const char *name,
                                                      const char *fmt, ...)
{
    struct buf *b = rec_field(r, name);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

static void rec_finish(struct rec *r)
{
    for (int i = 0; i < r->n; i++) {
        r->kv[i].value = buf_str(&r->val[i]);
    }
}

static int add(struct app *a, const char *type, struct rec *r, struct refs *out, struct err *e)
{
    const struct rtype *t = rtype_find(type);
    char *ref = NULL;
    rec_finish(r);
    if (app_add_tx(a, t, r->kv, r->n, NULL, 0, &ref, e)) {
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%s", e->msg);
        err_set(e, e->code, e->field, "adding a %s: %s", type, msg);
        return -1;
    }
    if (out) {
        refs_push(out, ref);
    } else {
        free(ref);
    }
    return 0;
}

static void phase(const char *what, long n, double t0)
{
    fprintf(stderr, "  %-28s %7ld  %6.2f s\n", what, n, now_s() - t0);
}

/* ---- vocabulary ------------------------------------------------------- */

static const char *const departments[] = {"IT", "Finance", "HR", "Sales", "Operations",
                                          "Legal", "Engineering", "Support", "Marketing",
                                          "Security"};
static const char *const first_names[] = {"Anna", "Ben", "Chloe", "David", "Eva", "Farid",
                                          "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam",
                                          "Mia", "Noah", "Olga", "Pavel", "Quinn", "Rosa",
                                          "Sven", "Tara"};
static const char *const last_names[] = {"Adler", "Berg", "Costa", "Dahl", "Engel",
                                         "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen",
                                         "Kowalski", "Lind", "Moreau", "Novak"};
static const char *const classes[] = {"public", "internal", "confidential", "restricted"};
static const char *const threat_names[] = {
    "Ransomware", "Phishing", "Insider misuse", "Theft of equipment", "Power outage",
    "Fire", "Flood", "Misconfiguration", "Software defect", "Supplier failure",
    "Denial of service", "Credential stuffing", "Loss of key staff", "Eavesdropping",
    "Unauthorized access", "Data leakage", "Malware", "Hardware failure",
    "Social engineering", "Vandalism"};
static const char *const threat_cats[] = {
    "physical-damage", "natural-event", "loss-of-services", "compromise-of-information",
    "technical-failure", "unauthorized-action", "compromise-of-functions", "other"};
static const char *const vuln_names[] = {
    "Unpatched operating system", "Weak passwords", "No MFA", "Single point of failure",
    "Missing backups", "Unencrypted storage", "Open network ports", "Lack of awareness",
    "Outdated firmware", "Shared accounts", "No access review", "Unlocked server room",
    "Default credentials", "Insufficient logging", "No change control"};
static const char *const vuln_cats[] = {"hardware", "software", "network",
                                        "personnel", "site", "organization"};
static const char *const treatments[] = {"modify", "modify", "modify", "avoid", "share",
                                         "retain"};
static const char *const risk_status[] = {"identified", "assessed", "assessed", "treating",
                                          "treating", "closed"};
static const char *const action_status[] = {"planned", "planned", "in-progress",
                                            "in-progress", "done", "cancelled"};
static const char *const soa_status[] = {"not-started", "planned", "partial", "implemented",
                                         "implemented"};
static const char *const cia_sets[] = {"confidentiality", "integrity", "availability",
                                       "confidentiality,integrity",
                                       "confidentiality,integrity,availability",
                                       "integrity,availability"};

/* Asset tiers: an asset depends on assets of lower tiers only. */
struct kind {
    const char *kind, *label;
    int tier, permille;
};
static const struct kind kinds[] = {
    {"site", "Site", 0, 10},
    {"people", "Team", 0, 10},
    {"hardware", "Server", 1, 200},
    {"network", "Network segment", 1, 80},
    {"software", "Application", 2, 240},
    {"information", "Data set", 3, 260},
    {"service", "Business service", 4, 200},
};
#define NKINDS ((int)(sizeof kinds / sizeof kinds[0]))
#define NTIERS 5

/* ---- generation --------------------------------------------------------- */

struct opts {
    long people, assets, risks, actions;
    long audits; /* audit */
};

static int gen_people(struct app *a, const struct opts *o, struct refs *people, struct err *e)
{
    struct rec r;
    rec_init(&r);
    int rc = 0;
    for (long i = 0; i < o->people && !rc; i++) {
        rec_reset(&r);
        const char *fn = PICK(first_names), *ln = PICK(last_names);
        set(&r, "name", "%s %s %ld", fn, ln, i + 1);
        set(&r, "email", "%c.%s%ld@example.com", fn[0] | 0x20, ln, i + 1);
        set(&r, "job_title", "%s", i < 10 ? "Head of department" : "Specialist");
        set(&r, "department", "%s", departments[i % 10]);
        if (i >= 10 && people->n >= 10) {
            set(&r, "manager", "%s", people->v[i % 10]);
        }
        set(&r, "start_date", "20%02d-%02d-%02d", rnd(10, 24), rnd(1, 12), rnd(1, 28));
        rc = add(a, "person", &r, people, e);
    }
    if (!rc) {
        /* top management, so that acceptance and approvals have holders */
        rec_reset(&r);
        set(&r, "name", "Executive board");
        set(&r, "top_management", "yes");
        struct buf *h = rec_field(&r, "holders");
        for (int i = 0; i < 3 && i < people->n; i++) {
            buf_printf(h, "%s%s", i ? "," : "", people->v[i]);
        }
        set(&r, "owner", "%s", people->v[0]);
        rc = add(a, "role", &r, NULL, e);
    }
    rec_free(&r);
    return rc;
}

static int gen_threats(struct app *a, const struct refs *people, struct refs *threats,
                       struct refs *vulns, struct err *e)
{
    struct rec r;
    rec_init(&r);
    int rc = 0;
    for (size_t i = 0; i < sizeof threat_names / sizeof *threat_names && !rc; i++) {
        rec_reset(&r);
        set(&r, "name", "%s", threat_names[i]);
        set(&r, "category", "%s", PICK(threat_cats));
        set(&r, "origin", "%s", chance(50) ? "deliberate" : "accidental,environmental");
        set(&r, "owner", "%s", refs_pick(people));
        rc = add(a, "threat", &r, threats, e);
    }
    for (size_t i = 0; i < sizeof vuln_names / sizeof *vuln_names && !rc; i++) {
        rec_reset(&r);
        set(&r, "name", "%s", vuln_names[i]);
        set(&r, "category", "%s", PICK(vuln_cats));
        set(&r, "owner", "%s", refs_pick(people));
        rc = add(a, "vulnerability", &r, vulns, e);
    }
    rec_free(&r);
    return rc;
}

static int gen_assets(struct app *a, const struct opts *o, const struct refs *people,
                      struct refs *all, struct err *e)
{
    struct refs tier[NTIERS] = {{0}};
    struct rec r;
    rec_init(&r);
    int rc = 0;
    long made = 0;
    for (int k = 0; k < NKINDS && !rc; k++) {
        long n = o->assets * kinds[k].permille / 1000;
        if (k == NKINDS - 1) {
            n = o->assets - made; /* the remainder, so the total is exact */
        }
        if (n < 1) {
            n = 1;
        }
        int t = kinds[k].tier;
        for (long i = 0; i < n && !rc; i++) {
            rec_reset(&r);
            set(&r, "name", "%s %05ld", kinds[k].label, i + 1);
            set(&r, "kind", "%s", kinds[k].kind);
            set(&r, "description", "%s %ld of the benchmark organization", kinds[k].label,
                i + 1);
            set(&r, "owner", "%s", refs_pick(people));
            if (chance(40)) {
                set(&r, "custodian", "%s", refs_pick(people));
            }
            if (t <= 1) {
                set(&r, "location", "Building %d, room %d", rnd(1, 9), rnd(100, 499));
            }
            set(&r, "classification", "%s", PICK(classes));
            set(&r, "confidentiality", "%d", rnd(1, 5));
            set(&r, "integrity", "%d", rnd(1, 5));
            set(&r, "availability", "%d", rnd(1, 5));
            if (t > 0) {
                /* 1-3 assets of lower tiers, mostly of the tier just below */
                struct buf *d = rec_field(&r, "depends_on");
                int want = rnd(1, 3);
                long lower = 0;
                for (int lt = 0; lt < t; lt++) {
                    lower += tier[lt].n;
                }
                if (want > lower) {
                    want = (int)lower; /* only in tiny test files */
                }
                const char *chosen[3];
                int got = 0;
                while (got < want) {
                    int lt = chance(70) ? t - 1 : rnd(0, t - 1);
                    const char *c = refs_pick(&tier[lt]);
                    int dup = 0;
                    for (int j = 0; j < got; j++) {
                        dup |= chosen[j] == c;
                    }
                    if (!dup) {
                        chosen[got++] = c;
                    }
                }
                for (int j = 0; j < got; j++) {
                    buf_printf(d, "%s%s", j ? "," : "", chosen[j]);
                }
            }
            set(&r, "status", "%s", chance(95) ? "active" : "planned");
            char *ref = NULL;
            rec_finish(&r);
            if (app_add_tx(a, rtype_find("asset"), r.kv, r.n, NULL, 0, &ref, e)) {
                rc = -1;
                break;
            }
            refs_push(&tier[t], xstrdup(ref));
            refs_push(all, ref);
            made++;
        }
    }
    for (int t = 0; t < NTIERS; t++) {
        refs_free(&tier[t]);
    }
    rec_free(&r);
    return rc;
}

static int gen_risks(struct app *a, const struct opts *o, const struct refs *people,
                     const struct refs *assets, const struct refs *threats,
                     const struct refs *vulns, const struct refs *controls, struct refs *risks,
                     struct err *e)
{
    struct rec r;
    rec_init(&r);
    int rc = 0;
    for (long i = 0; i < o->risks && !rc; i++) {
        rec_reset(&r);
        int ti = rnd(0, threats->n - 1);
        set(&r, "title", "%s affecting asset group %ld", threat_names[ti], i + 1);
        set(&r, "description", "Risk %ld: %s exploiting a weakness of the assets below.", i + 1,
            threat_names[ti]);
        pick_distinct(rec_field(&r, "assets"), assets, rnd(1, 3));
        set(&r, "threat", "%s", threats->v[ti]);
        if (chance(60)) {
            set(&r, "vulnerability", "%s", refs_pick(vulns));
        }
        set(&r, "affects", "%s", PICK(cia_sets));
        int l = rnd(1, 5), c = rnd(1, 5);
        set(&r, "likelihood", "%d", l);
        set(&r, "consequence", "%d", c);
        set(&r, "treatment", "%s", PICK(treatments));
        int nc = rnd(0, 3);
        if (nc) {
            pick_distinct(rec_field(&r, "controls"), controls, nc);
        }
        if (chance(50)) {
            set(&r, "residual_likelihood", "%d", rnd(1, l));
            set(&r, "residual_consequence", "%d", rnd(1, c));
        }
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", PICK(risk_status));
        rc = add(a, "risk", &r, risks, e);
    }
    rec_free(&r);
    return rc;
}

static int gen_actions(struct app *a, const struct opts *o, const struct refs *people,
                       const struct refs *risks, const struct refs *controls, long *flagged,
                       struct err *e)
{
    struct rec r;
    rec_init(&r);
    int rc = 0;
    for (long i = 0; i < o->actions && !rc; i++) {
        rec_reset(&r);
        set(&r, "title", "Treatment action %ld", i + 1);
        set(&r, "description", "Implement the planned controls for the linked risks.");
        int nr = rnd(1, 3);
        pick_distinct(rec_field(&r, "risks"), risks, nr);
        if (chance(80)) {
            pick_distinct(rec_field(&r, "controls"), controls, rnd(1, 2));
        }
        set(&r, "due_date", "20%02d-%02d-%02d", rnd(25, 27), rnd(1, 12), rnd(1, 28));
        set(&r, "cost", "%d", rnd(1, 200) * 250);
        const char *st = PICK(action_status);
        if (strcmp(st, "done") == 0) {
            set(&r, "completed_on", "2025-%02d-%02d", rnd(1, 12), rnd(1, 28));
            set(&r, "evidence", "Change ticket CHG-%05ld closed", i + 1);
            *flagged += nr; /* completing an action flags its risks for review */
        }
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", st);
        rc = add(a, "action", &r, NULL, e);
    }
    rec_free(&r);
    return rc;
}

/* ---- tasks: due work of the other kinds (src/app/tasks_sources.c) -------- */

/* A date within the years before and after 2026, so some of it is overdue. */
static void due_date(struct rec *r, const char *field)
{
    set(r, field, "20%02d-%02d-%02d", rnd(25, 27), rnd(1, 12), rnd(1, 28));
}

/* Per 20,000 risks: 500 suppliers, 300 nonconformities with 2 corrective
 * actions each, 400 incidents (a quarter to be notified, some not yet),
 * 600 trainings, 100 continuity plans, 200 objectives. */
static int gen_due_work(struct app *a, const struct opts *o, const struct refs *people,
                        long *n, struct err *e)
{
    long k = o->risks / 40 > 0 ? o->risks / 40 : 1;
    struct rec r;
    rec_init(&r);
    struct refs ncs = {0};
    int rc = 0;
    static const char *const sup_st[] = {"prospective", "active", "active", "active",
                                         "under-review", "terminated"};
    /* new nonconformities start open or analysing (the transitions are enforced) */
    static const char *const nc_st[] = {"open", "analysing"};
    static const char *const ca_st[] = {"planned", "in-progress", "done"}; /* verified: by review */
    for (long i = 0; i < k && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "name", "Supplier %ld", i + 1);
        due_date(&r, "review_date");
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", PICK(sup_st));
        rc = add(a, "supplier", &r, NULL, e);
    }
    for (long i = 0; i < k * 3 / 5 && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "title", "Nonconformity %ld", i + 1);
        set(&r, "source", "internal-audit");
        due_date(&r, "due_date");
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", PICK(nc_st));
        rc = add(a, "nonconformity", &r, &ncs, e);
    }
    for (long i = 0; i < ncs.n * 2 && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "title", "Corrective action %ld", i + 1);
        set(&r, "nonconformity", "%s", ncs.v[i / 2]);
        due_date(&r, "due_date");
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", PICK(ca_st));
        rc = add(a, "corrective", &r, NULL, e);
    }
    for (long i = 0; i < k * 4 / 5 && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "title", "Incident %ld", i + 1);
        set(&r, "description", "Generated incident.");
        set(&r, "detected_at", "20%02d-%02d-%02d 09:00", rnd(25, 26), rnd(1, 12), rnd(1, 28));
        if (chance(25)) {
            set(&r, "notification_required", "yes");
            if (chance(70)) {
                set(&r, "notified_at", "2025-01-01 12:00");
            }
        }
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", chance(50) ? "closed" : "triaged");
        rc = add(a, "incident", &r, NULL, e);
    }
    for (long i = 0; i < k * 6 / 5 && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "title", "Training %ld", i + 1);
        set(&r, "kind", "course");
        int planned = chance(30);
        due_date(&r, "held_on");
        if (!planned && chance(50)) {
            due_date(&r, "expires_on");
        }
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "%s", planned ? "planned" : "completed");
        rc = add(a, "training", &r, NULL, e);
    }
    for (long i = 0; i < k / 5 && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "title", "Continuity plan %ld", i + 1);
        due_date(&r, "next_test");
        set(&r, "owner", "%s", refs_pick(people));
        set(&r, "status", "approved");
        rc = add(a, "continuity", &r, NULL, e);
    }
    for (long i = 0; i < k * 2 / 5 && !rc; i++, (*n)++) {
        rec_reset(&r);
        set(&r, "title", "Objective %ld", i + 1);
        due_date(&r, "due_date"); /* its status is computed from its metrics and due date */
        set(&r, "owner", "%s", refs_pick(people));
        rc = add(a, "objective", &r, NULL, e);
    }
    refs_free(&ncs);
    rec_free(&r);
    return rc;
}

static int collect_ref(void *ctx, struct record *r)
{
    refs_push(ctx, xstrdup(r->ref));
    record_free(r);
    return 0;
}

static int list_2022_controls(struct app *a, struct refs *out, struct err *e)
{
    const struct rtype *t = rtype_find("control");
    struct query q = {0};
    q.nfilter = 1;
    q.filter_field[0] = rtype_field(t, "framework", NULL);
    q.filter_value[0] = FRAMEWORK_2022;
    return store_list(a->st, principal_sys(), t, &q, collect_ref, out, e);
}

static int gen_soa(struct app *a, const struct refs *people, const struct refs *controls,
                   struct err *e)
{
    const struct rtype *t = rtype_find("control");
    struct rec r;
    rec_init(&r);
    int rc = 0;
    for (int i = 0; i < controls->n && !rc; i++) {
        rec_reset(&r);
        int applicable = !chance(12);
        set(&r, "applicable", "%s", applicable ? "yes" : "no");
        if (applicable) {
            set(&r, "justification", "Required to treat the assessed risks (control %s).",
                controls->v[i]);
            set(&r, "status", "%s", PICK(soa_status));
            set(&r, "implementation", "Implemented through the %s procedure.",
                departments[i % 10]);
        } else {
            set(&r, "justification", "Not relevant: the organization has no activity that "
                                     "control %s addresses.", controls->v[i]);
        }
        set(&r, "owner", "%s", refs_pick(people));
        rec_finish(&r);
        int changed = 0;
        if (app_edit_tx(a, t, controls->v[i], r.kv, r.n, 0, &changed, e)) {
            rc = -1;
        }
    }
    rec_free(&r);
    return rc;
}

/* ---- audit: control tests (9.1) and the audit programme (9.2) ----------- */

struct ctl_pick {
    struct refs applicable;
};

static int collect_applicable(void *ctx, struct record *r)
{
    struct refs *l = ctx;
    const char *ap = record_get(r, "applicable");
    const char *fw = record_get(r, "framework");
    if (ap && strcmp(ap, "1") == 0 && fw && strcmp(fw, "iso27001-2022") == 0) {
        refs_push(l, xstrdup(r->ref));
    }
    record_free(r);
    return 0;
}

/* One or two test plans per applicable control, eight quarterly runs each
 * over 2025-2026 (about 8 % not effective, 10 % partly, each raising a
 * nonconformity), a programme 2026-2028 and o->audits audits over it, each
 * covering a few clauses and 4-8 controls. */
static int gen_audit(struct app *a, const struct opts *o, const struct refs *people,
                     long *ntests, long *nruns, long *naudits, struct err *e)
{
    struct refs ctl = {0}, tests = {0};
    struct query q = {0};
    int rc = store_list(a->st, principal_sys(), rtype_find("control"), &q, collect_applicable, &ctl, e);
    struct rec r;
    rec_init(&r);
    static const char *const freqs[] = {"monthly", "quarterly", "quarterly", "half-yearly",
                                        "yearly"};
    for (long i = 0; i < ctl.n && !rc; i++) {
        for (int k = rnd(1, 2); k > 0 && !rc; k--) {
            rec_reset(&r);
            set(&r, "control", "%s", ctl.v[i]);
            set(&r, "title", "Test %d of control %s", k, ctl.v[i]);
            set(&r, "method", "Sample-based check of the control's operation and records.");
            set(&r, "frequency", "%s", PICK(freqs));
            set(&r, "tester", "%s", refs_pick(people));
            set(&r, "owner", "%s", refs_pick(people));
            set(&r, "first_due", "2025-03-31");
            rc = add(a, "ctest", &r, &tests, e);
        }
    }
    static const char *const quarters[] = {"2025-03-31", "2025-06-30", "2025-09-30",
                                           "2025-12-31", "2026-03-31", "2026-06-30",
                                           "2026-09-30", "2026-12-31"};
    for (long i = 0; i < tests.n && !rc; i++) {
        for (int k = 0; k < 8 && !rc; k++) {
            int roll = rnd(1, 100);
            if (roll <= 8 || (roll <= 18 && k == 7)) {
                char *run = NULL, *nc = NULL;
                rc = audit_ctest_fail_tx(a, tests.v[i], roll <= 8 ? "not-effective"
                                                                  : "partly-effective",
                                         quarters[k], "Sample showed missing evidence.", &run,
                                         &nc, e);
                free(run);
                free(nc);
            } else {
                rec_reset(&r);
                set(&r, "test", "%s", tests.v[i]);
                set(&r, "performed_on", "%s", quarters[k]);
                set(&r, "result", "%s", "effective");
                set(&r, "tester", "%s", refs_pick(people));
                rc = add(a, "ctrun", &r, NULL, e);
            }
            (*nruns)++;
        }
    }
    struct refs prog = {0};
    if (!rc) {
        rec_reset(&r);
        set(&r, "title", "%s", "Internal audit programme 2026-2028");
        set(&r, "start_year", "%s", "2026");
        set(&r, "owner", "%s", refs_pick(people));
        rc = add(a, "programme", &r, &prog, e);
    }
    static const char *const clause_sets[] = {"4, 5", "6.1, 6.2", "7.1-7.5.3", "8", "9, 10",
                                              "5.2, 7.2, 7.3", "4.3, 6.3, 8.1"};
    for (long i = 0; i < o->audits && !rc; i++) {
        rec_reset(&r);
        int year = 2026 + (int)(i % 3);
        set(&r, "title", "Internal audit %ld (%d)", i + 1, year);
        set(&r, "kind", "%s", i % 10 == 9 ? "second-party" : "internal");
        set(&r, "clauses", "%s", PICK(clause_sets));
        pick_distinct(rec_field(&r, "controls"), &ctl, rnd(4, 8)); /* at most 8 */
        set(&r, "planned_on", "%d-%02d-15", year, rnd(1, 12));
        set(&r, "lead_auditor", "%s", refs_pick(people));
        set(&r, "programme", "%s", prog.v[0]);
        set(&r, "status", "%s", year == 2026 && chance(70) ? "reported" : "planned");
        rc = add(a, "audit", &r, NULL, e);
        (*naudits)++;
    }
    *ntests = tests.n;
    rec_free(&r);
    refs_free(&ctl);
    refs_free(&tests);
    refs_free(&prog);
    return rc;
}
/* ---- end audit ------------------------------------------------------------ */

static long parse_count(const char *opt, const char *v)
{
    char *end;
    long n = v ? strtol(v, &end, 10) : -1;
    if (!v || *end || n < 1 || n > 10000000) {
        fprintf(stderr, "gen: %s needs a positive whole number\n", opt);
        exit(2);
    }
    return n;
}

int main(int argc, char **argv)
{
    struct opts o = {200, 50000, 20000, -1, 150};
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--risks") == 0) {
            o.risks = parse_count(argv[i], argv[i + 1]), i++;
        } else if (strcmp(argv[i], "--assets") == 0) {
            o.assets = parse_count(argv[i], argv[i + 1]), i++;
        } else if (strcmp(argv[i], "--people") == 0) {
            o.people = parse_count(argv[i], argv[i + 1]), i++;
        } else if (strcmp(argv[i], "--actions") == 0) {
            o.actions = parse_count(argv[i], argv[i + 1]), i++;
        } else if (strcmp(argv[i], "--audits") == 0) { /* audit */
            o.audits = parse_count(argv[i], argv[i + 1]), i++;
        } else if (argv[i][0] == '-' || out) {
            fprintf(stderr, "usage: bench/gen OUT.isms [--risks N] [--assets N] [--people N] "
                            "[--actions N] [--audits N]\n");
            return 2;
        } else {
            out = argv[i];
        }
    }
    if (!out) {
        fprintf(stderr, "usage: bench/gen OUT.isms [--risks N] [--assets N] [--people N] "
                        "[--actions N] [--audits N]\n");
        return 2;
    }
    if (o.actions < 0) {
        o.actions = o.risks * 3 / 20; /* 3,000 for 20,000 risks */
        if (o.actions < 1) {
            o.actions = 1;
        }
    }
    if (o.assets < 10) {
        o.assets = 10; /* at least one per kind */
    }

    struct app a;
    struct err e = {0};
    struct refs people = {0}, assets = {0}, threats = {0}, vulns = {0}, controls = {0},
                risks = {0};
    long flagged = 0;
    long ntests = 0, nruns = 0, naudits = 0; /* audit */
    int rc = 1;
    double t0 = now_s(), t;
    fprintf(stderr, "gen: %s: %ld people, %ld assets, %ld risks, %ld actions\n", out, o.people,
            o.assets, o.risks, o.actions);
    if (app_create(&a, out, "bench-gen", &e)) {
        fprintf(stderr, "gen: %s\n", e.msg);
        return 1;
    }
    int created = 1;
    phase("create (catalogues)", 0, t0);
    if (store_begin(a.st, &e)) {
        goto fail;
    }
    t = now_s();
    if (list_2022_controls(&a, &controls, &e) || gen_people(&a, &o, &people, &e)) {
        goto rollback;
    }
    phase("people", people.n, t);
    t = now_s();
    if (gen_threats(&a, &people, &threats, &vulns, &e)) {
        goto rollback;
    }
    phase("threats+vulnerabilities", threats.n + vulns.n, t);
    t = now_s();
    if (gen_assets(&a, &o, &people, &assets, &e)) {
        goto rollback;
    }
    phase("assets", assets.n, t);
    t = now_s();
    if (gen_risks(&a, &o, &people, &assets, &threats, &vulns, &controls, &risks, &e)) {
        goto rollback;
    }
    phase("risks", risks.n, t);
    t = now_s();
    if (gen_actions(&a, &o, &people, &risks, &controls, &flagged, &e)) {
        goto rollback;
    }
    phase("actions", o.actions, t);
    t = now_s();
    long ndue = 0; /* tasks: suppliers, NCs, corrective actions, incidents, ... */
    if (gen_due_work(&a, &o, &people, &ndue, &e)) {
        goto rollback;
    }
    phase("due work (suppliers, NCs...)", ndue, t);
    t = now_s();
    if (gen_soa(&a, &people, &controls, &e)) {
        goto rollback;
    }
    phase("SoA decisions (2022)", controls.n, t);
    t = now_s();
    if (gen_audit(&a, &o, &people, &ntests, &nruns, &naudits, &e)) {
        goto rollback;
    }
    phase("control tests+runs+audits", ntests + nruns + naudits, t);
    t = now_s();
    if (store_commit(a.st, &e)) {
        goto fail;
    }
    phase("commit", 0, t);
    rc = 0;
    goto done;
rollback:
    store_rollback(a.st);
fail:
    fprintf(stderr, "gen: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.msg);
done:
    app_close(&a);
    if (rc == 0) {
        struct stat sb;
        double secs = now_s() - t0;
        long long size = stat(out, &sb) == 0 ? (long long)sb.st_size : -1;
        printf("generated %s in %.2f s: %ld people, %ld assets, %ld risks, %ld actions, %ld SoA "
               "decisions, %ld control tests, %ld test runs, %ld audits; %.1f MB\n",
               out, secs, people.n, assets.n, risks.n, o.actions, controls.n, ntests, nruns,
               naudits, (double)size / (1024.0 * 1024.0));
    } else if (created) {
        /* leave nothing half-made behind */
        char side[4096];
        remove(out);
        snprintf(side, sizeof side, "%s-wal", out);
        remove(side);
        snprintf(side, sizeof side, "%s-shm", out);
        remove(side);
    }
    refs_free(&people);
    refs_free(&assets);
    refs_free(&threats);
    refs_free(&vulns);
    refs_free(&controls);
    refs_free(&risks);
    return rc;
}
