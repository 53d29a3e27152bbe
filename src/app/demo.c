/* demo.c — loads the demo organization from data/demo.json (embedded) into a
 * new ISMS through the same app functions a user's commands call, so the demo
 * is validated exactly like real input. It replays a year (the last twelve
 * months, ending yesterday) with the simulated clock (time_set_simulated):
 * the data's dates are moved to end today, the entries and the features'
 * steps run in the order of their days, and every history entry is stamped
 * with the day it tells of (see "the replayed year" below).
 *
 * Any entry may carry "at": "YYYY-MM-DD" (a day of the data's year, moved
 * like every date): the day it happens; "YYYY-MM-DD HH:MM" also gives the
 * time of day. The file tells the year in order: the records as they stood
 * when the ISMS was brought into the tool, then each later event on its day
 * (a record created in its initial state, then edited as things happened).
 *
 * The file: {"records": [ENTRY, ...]} where an ENTRY is one of
 *   {"type": "risk", "key": "vpn", "fields": {"title": "...", "assets": ["@db"]}}
 *   {"edit": "@vpn", "fields": {...}}          change a record added earlier
 *   {"accept": "@vpn", "by": "@ceo", "rationale": "..."}   risk acceptance
 *   {"review": "@vpn"}                          risk reviewed (on its day)
 *   {"soa_approve": "iso27001-2022", "by": "@ceo", "note": "..."}
 *   {"plan_approve": true, "by": "@ciso", "rationale": "..."}
 *   {"document": "@isp", "step": "submit|review|send-back|approve|publish|revise|ack",
 *    "by": "@ciso", "rationale": "..."}       document control (documents.c);
 *                                              review, approve, ack signed by "by"
 *   {"scope_approve": "@scope", "by": "@ceo", "rationale": "..."}
 *   {"ca_review": "@ca", "by": "@ciso", "rationale": "..."}   a corrective
 *                                              action found effective
 *   {"attach": "@aws", "file": "pdf"|"png", "name": "cert.png", "title": "...",
 *    "lines": ["..."], "valid_days": 21}   an evidence file made by demo_files.c,
 *                                           valid until today + valid_days
 * A string "@key" is replaced by the identifier the keyed record received
 * ("@@" stands for a literal "@"). Arrays become comma-separated lists;
 * numbers and booleans their text.
 *
 * Accounts are created before the first decision; each decision is signed
 * by the account of its "by" person (signed in as that account, exactly as
 * a person's command would be), so the demo's sign-offs are bound to the
 * right people's accounts. */
#include <jansson.h>
#include <sodium.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../embed.h"
#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "metrics.h" /* metrics: the demo block below */
#include "audit.h" /* audit */

struct keymap {
    json_t *refs; /* key -> identifier */
};

/* ---- the replayed year: shifted dates and the simulated clock ------------
 * The data was written for a year ending on ANCHOR (the months 2025-12 to
 * 2026-12). Every date of the demo (a whole "YYYY-MM-DD" or one inside a
 * text, and "16 April 2026" / "April 2026" in prose) is moved by the
 * whole months between ANCHOR and today, so the demo always holds the last
 * twelve months. The demo then replays its entries in the order of their
 * dates with the simulated clock (time_set_simulated) set to each entry's
 * day, so every record's history says when it happened. */
#define ANCHOR_Y 2026
#define ANCHOR_M 12

static struct {
    int shift;                  /* whole months from ANCHOR to today */
    char today[11];             /* the real (or $ISMS_NOW) day of the run */
    char start[11], end[11];    /* first day of the replay, last day (yesterday) */
    char cur[21];               /* the simulated clock */
} DT;

static int dim(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

static void shift_ymd(int *y, int *m, int *d)
{
    int last = *d == dim(*y, *m);
    int t = *y * 12 + (*m - 1) + DT.shift;
    *y = t / 12;
    *m = t % 12 + 1;
    if (last || *d > dim(*y, *m)) {
        *d = dim(*y, *m);
    }
}

/* in shifted by DT.shift months (in is "YYYY-MM-DD..."; out 11 bytes). */
static const char *shift_date(const char *in, char out[11])
{
    int y, m, d;
    char tmp[11];
    memcpy(tmp, in, 10);
    tmp[10] = 0;
    if (date_parse(tmp, &y, &m, &d)) {
        memcpy(out, tmp, 11);
        return out;
    }
    shift_ymd(&y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
    return out;
}

static const char *const month_names[] = {"January", "February", "March", "April",
                                          "May", "June", "July", "August", "September",
                                          "October", "November", "December"};
/* as prose abbreviates them ("27 Aug 2026", "Sept 2026") */
static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int isdig(char c)
{
    return c >= '0' && c <= '9';
}

static int isalnum_(char c)
{
    return isdig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The month named at p followed by " YYYY" (0-11, its name's length in *n
 * and whether it was abbreviated in *abbr), or -1. */
static int month_at(const char *p, size_t *n, int *abbr)
{
    for (int pass = 0; pass < 3; pass++) {
        for (int mi = 0; mi < 12; mi++) {
            const char *name = pass == 0 ? month_names[mi] : pass == 1 ? "Sept" : month_abbr[mi];
            if (pass == 1 && mi != 8) {
                continue;
            }
            size_t k = strlen(name);
            if (strncmp(p, name, k) == 0 && p[k] == ' ' && isdig(p[k + 1]) && isdig(p[k + 2]) &&
                isdig(p[k + 3]) && isdig(p[k + 4]) && !isdig(p[k + 5])) {
                *n = k;
                *abbr = pass > 0 ? pass : 0;
                return mi;
            }
        }
    }
    return -1;
}

/* s with its dates moved (appended to out): "YYYY-MM-DD", "[D ]Month YYYY"
 * (also abbreviated: "27 Aug 2026", "Sept 2026") and "Q1 2027". */
static void shift_text(const char *s, struct buf *out)
{
    const char *begin = s;
    while (*s) {
        /* YYYY-MM-DD */
        if (isdig(s[0]) && isdig(s[1]) && isdig(s[2]) && isdig(s[3]) && s[4] == '-' &&
            isdig(s[5]) && isdig(s[6]) && s[7] == '-' && isdig(s[8]) && isdig(s[9]) &&
            !isdig(s[10])) {
            char tmp[11], o[11];
            int y, m, d;
            memcpy(tmp, s, 10);
            tmp[10] = 0;
            if (date_parse(tmp, &y, &m, &d) == 0) {
                buf_puts(out, shift_date(tmp, o));
                s += 10;
                continue;
            }
        }
        /* Qn YYYY: the quarter of its first month, moved */
        if (s[0] == 'Q' && s[1] >= '1' && s[1] <= '4' && s[2] == ' ' && isdig(s[3]) &&
            isdig(s[4]) && isdig(s[5]) && isdig(s[6]) && !isdig(s[7]) &&
            (s == begin || !isalnum_(s[-1]))) {
            int y = atoi(s + 3), m = (s[1] - '1') * 3 + 1, d = 1;
            shift_ymd(&y, &m, &d);
            buf_printf(out, "Q%d %04d", (m - 1) / 3 + 1, y % 10000);
            s += 7;
            continue;
        }
        /* [D ]Month YYYY */
        int k = 0, day = 0;
        if (isdig(s[0])) {
            day = s[0] - '0';
            k = 1;
            if (isdig(s[1])) {
                day = day * 10 + s[1] - '0';
                k = 2;
            }
            if (s[k] != ' ') {
                k = 0;
                day = 0;
            } else {
                k++;
            }
        }
        int done = 0, abbr = 0;
        size_t n = 0;
        const char *p = s + k;
        int mi = (k || s == begin || !isalnum_(s[-1])) ? month_at(p, &n, &abbr) : -1;
        if (mi >= 0) {
            int y = atoi(p + n + 1), m = mi + 1, d = day ? day : 1;
            if (d <= dim(y, m)) {
                shift_ymd(&y, &m, &d);
                if (day) {
                    buf_printf(out, "%d ", d);
                }
                buf_printf(out, "%s %04d",
                           abbr == 0 ? month_names[m - 1]
                                     : abbr == 1 && m == 9 ? "Sept" : month_abbr[m - 1],
                           y % 10000);
                s = p + n + 5;
                done = 1;
            }
        }
        if (done) {
            continue;
        }
        /* copy up to the next candidate start */
        do {
            buf_putc(out, *s);
            s++;
        } while (*s && isdig(s[-1]) && isdig(*s));
    }
}

/* A ring of shifted copies for the code below: D("2026-04-30"). */
static const char *D(const char *iso)
{
    static char ring[64][11];
    static unsigned n;
    char *o = ring[n++ % 64];
    return shift_date(iso, o);
}

/* A shifted copy of a text (for the code below). */
static const char *DTX(const char *text)
{
    static char ring[16][1024];
    static unsigned n;
    char *o = ring[n++ % 16];
    struct buf b;
    buf_init(&b, 0);
    shift_text(text, &b);
    snprintf(o, 1024, "%s", buf_str(&b));
    buf_free(&b);
    return o;
}

/* The shifted year of a year of the data (titles: "audit 2027"). */
static const char *DY(int year, char out[8])
{
    snprintf(out, 8, "%04u",
             (unsigned)(year + ((ANCHOR_Y * 12 + ANCHOR_M - 1 + DT.shift) / 12 - ANCHOR_Y)) % 10000u);
    return out;
}

/* A day relative to the run's day. */
static const char *DREL(int days, char out[11])
{
    date_add_days(DT.today, days, out);
    return out;
}

/* Moves the simulated clock to the morning of day (or to time, when it
 * has one), never back and never past the end of yesterday; one second
 * further at least, so every step has a time of its own. */
static void demo_at(const char *when)
{
    char t[21], lim[21];
    if (strlen(when) == 10) {
        snprintf(t, sizeof t, "%.10sT08:00:00Z", when);
    } else if (datetime_normalize(when, t)) {
        return;
    }
    snprintf(lim, sizeof lim, "%sT23:59:59Z", DT.end);
    if (strcmp(t, lim) > 0) {
        memcpy(t, lim, sizeof t);
    }
    if (strcmp(t, DT.cur) <= 0) {
        /* one second on */
        struct tm tm = {0};
        sscanf(DT.cur, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        time_t tt = timegm(&tm) + 1;
        gmtime_r(&tt, &tm);
        strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    memcpy(DT.cur, t, sizeof DT.cur);
    time_set_simulated(DT.cur);
}

static void demo_clock_init(void);

void app_demo_clock_start(void)
{
    char t[21];
    demo_clock_init();
    snprintf(t, sizeof t, "%sT07:00:00Z", DT.start);
    memcpy(DT.cur, t, sizeof DT.cur);
    time_set_simulated(DT.cur);
}

static void demo_clock_init(void)
{
    time_set_simulated(NULL);
    date_today(DT.today);
    int y, m, d;
    date_parse(DT.today, &y, &m, &d);
    DT.shift = (y * 12 + m - 1) - (ANCHOR_Y * 12 + ANCHOR_M - 1);
    int t = y * 12 + m - 1 - 12;
    snprintf(DT.start, sizeof DT.start, "%04u-%02u-01", (unsigned)(t / 12) % 10000u,
             (unsigned)(t % 12 + 1) % 100u);
    date_add_days(DT.today, -1, DT.end);
    DT.cur[0] = 0;
}

/* ---- the order of the replay ----------------------------------------------
 * Each entry of the file gets the day it happened: its "at" (a decision),
 * or the latest of its event fields (measured_on, held_on, detected_at...),
 * at least the start of the year, at most yesterday. An entry never comes
 * before what it names: the record of an "@key" and every earlier entry that
 * named it (a document's steps keep their order), the earlier records of
 * its type (identifiers stay as in the file), the SoA's edits before its
 * approval. The replay is that order, stable, with the features' steps
 * below slotted in at their days. */
static const char *const event_fields[] = {"measured_on", "held_on", "performed_on",
                                           "detected_on", "detected_at", "implemented_on",
                                           "completed_on", "attended_on", "tested_on", NULL};

struct ev {
    char day[11];
    char when[21]; /* a time on that day, or "" (the morning) */
    int json;  /* index of the file's entry, or -1 */
    int step;  /* index of the feature step */
    size_t ord;
};

static void keys_of(json_t *v, json_t *out)
{
    size_t i;
    const char *k;
    json_t *x;
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        if (s[0] == '@' && s[1] != '@') {
            json_object_set_new(out, s + 1, json_true());
        }
        break;
    }
    case JSON_ARRAY: json_array_foreach(v, i, x) { keys_of(x, out); } break;
    case JSON_OBJECT: json_object_foreach(v, k, x) { keys_of(x, out); } break;
    default: break;
    }
}

static void max_day(char cur[11], const char *d)
{
    if (d && strlen(d) >= 10 && strncmp(d, cur, 10) > 0) {
        memcpy(cur, d, 10);
        cur[10] = 0;
    }
}

/* The day of entry ent, after what it depends on (last: key -> day). */
static void entry_day(json_t *ent, json_t *last, char out[11], char when[21])
{
    char d[11];
    snprintf(out, 11, "%s", DT.start);
    when[0] = 0;
    const char *at = json_string_value(json_object_get(ent, "at"));
    json_t *fields = json_object_get(ent, "fields");
    if (at) {
        max_day(out, shift_date(at, d));
        /* "YYYY-MM-DD HH:MM": at that time of the day */
        if (strlen(at) > 10 && datetime_normalize(at, when) == 0) {
            memcpy(when, out, 10);
        } else {
            when[0] = 0;
        }
    } else if (json_object_get(ent, "type")) {
        for (int i = 0; event_fields[i]; i++) {
            const char *v = json_string_value(json_object_get(fields, event_fields[i]));
            if (v && strlen(v) >= 10) {
                max_day(out, shift_date(v, d));
                char t[21];
                /* a time of day (detected_at): recorded half an hour later */
                if (strlen(v) > 10 && datetime_normalize(v, t) == 0) {
                    long long s0 = 0;
                    struct tm tm = {0};
                    memcpy(t, shift_date(v, d), 10);
                    sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                           &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
                    tm.tm_year -= 1900;
                    tm.tm_mon -= 1;
                    s0 = (long long)timegm(&tm) + 1800;
                    time_t tt = (time_t)s0;
                    gmtime_r(&tt, &tm);
                    strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
                    if (strcmp(t, when) > 0) {
                        memcpy(when, t, 21);
                    }
                }
            }
        }
    }
    if (strcmp(out, DT.end) > 0) {
        snprintf(out, 11, "%s", DT.end);
    }
    /* what it names must exist: the day its record was made ("=key") */
    json_t *keys = json_object();
    keys_of(ent, keys);
    const char *k;
    json_t *x;
    char name[80];
    json_object_foreach(keys, k, x) {
        snprintf(name, sizeof name, "=%s", k);
        max_day(out, json_string_value(json_object_get(last, name)));
    }
    /* what it acts on keeps the order of the file (a document's steps) */
    const char *type = json_string_value(json_object_get(ent, "type"));
    const char *subject = NULL;
    static const char *const subjects[] = {"edit", "document", "accept", "review", "attach",
                                           "scope_approve", "ca_review", NULL};
    for (int i = 0; subjects[i] && !subject; i++) {
        subject = json_string_value(json_object_get(ent, subjects[i]));
    }
    char chain[80] = "";
    if (type && strcmp(type, "measurement") != 0) {
        snprintf(chain, sizeof chain, "#type:%s", type);
    } else if (json_object_get(ent, "soa_approve") || (subject && subject[0] != '@' &&
                                                        json_object_get(ent, "edit"))) {
        snprintf(chain, sizeof chain, "#soa");
    } else if (json_object_get(ent, "plan_approve")) {
        snprintf(chain, sizeof chain, "#plan");
    } else if (subject) {
        snprintf(chain, sizeof chain, "%s", subject[0] == '@' ? subject + 1 : subject);
    }
    if (chain[0]) {
        max_day(out, json_string_value(json_object_get(last, chain)));
        json_object_set_new(last, chain, json_string(out));
    }
    if (json_object_get(ent, "attach")) { /* evidence files keep their ATT- numbers */
        max_day(out, json_string_value(json_object_get(last, "#type:attachment")));
        json_object_set_new(last, "#type:attachment", json_string(out));
    }
    /* what the SoA and the treatment plan are made of comes before their
     * approvals: risks, requirements, documents (SoA), risks and actions
     * (plan), made or changed */
    const char *of = type;
    if (!of && subject && subject[0] == '@') {
        snprintf(name, sizeof name, "^%s", subject + 1);
        of = json_string_value(json_object_get(last, name));
    }
    if (of && json_object_get(ent, "edit") == NULL && !type) {
        of = NULL; /* a decision on a record: not a change of its content */
    }
    if (of && !type && strcmp(of, "document") == 0 &&
        !json_object_get(fields, "controls")) {
        of = NULL; /* a document's text: not what the SoA shows */
    }
    if (of && (strcmp(of, "risk") == 0 || strcmp(of, "requirement") == 0 ||
               strcmp(of, "document") == 0)) {
        max_day(out, json_string_value(json_object_get(last, "#soa")));
        json_object_set_new(last, "#soa", json_string(out));
    }
    if (of && (strcmp(of, "risk") == 0 || strcmp(of, "action") == 0)) {
        max_day(out, json_string_value(json_object_get(last, "#plan")));
        json_object_set_new(last, "#plan", json_string(out));
    }
    const char *def = json_string_value(json_object_get(ent, "key"));
    if (def) {
        snprintf(name, sizeof name, "=%s", def);
        json_object_set_new(last, name, json_string(out));
        json_object_set_new(last, def, json_string(out));
        if (type) {
            snprintf(name, sizeof name, "^%s", def);
            json_object_set_new(last, name, json_string(type));
        }
    }
    json_decref(keys);
    if (strncmp(when, out, 10) != 0) {
        when[0] = 0; /* the day moved (what it names came later): the morning */
    }
}

static int ev_cmp(const void *pa, const void *pb)
{
    const struct ev *x = pa, *y = pb;
    int c = strcmp(x->day, y->day);
    return c ? c : (x->ord > y->ord) - (x->ord < y->ord);
}


static int resolve(struct keymap *m, const char *s, struct buf *out, struct err *e)
{
    if (s[0] != '@' || s[1] == '@') {
        shift_text(s + (s[0] == '@'), out); /* the year replayed: dates moved */
        return 0;
    }
    json_t *r = json_object_get(m->refs, s + 1);
    if (!r) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: unknown key %s", s);
    }
    buf_puts(out, json_string_value(r));
    return 0;
}

static int value_text(struct keymap *m, json_t *v, struct buf *out, struct err *e)
{
    char tmp[64];
    switch (json_typeof(v)) {
    case JSON_STRING: return resolve(m, json_string_value(v), out, e);
    case JSON_INTEGER:
        snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
        buf_puts(out, tmp);
        return 0;
    case JSON_REAL:
        snprintf(tmp, sizeof tmp, "%.15g", json_real_value(v));
        buf_puts(out, tmp);
        return 0;
    case JSON_TRUE: buf_puts(out, "yes"); return 0;
    case JSON_FALSE: buf_puts(out, "no"); return 0;
    case JSON_NULL: return 0;
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (i) {
                buf_putc(out, ',');
            }
            if (value_text(m, x, out, e)) {
                return -1;
            }
        }
        return 0;
    }
    default: return err_set(e, ERR_INTERNAL, NULL, "demo: unsupported value");
    }
}

/* The resolved text of ent[key] (a string, maybe "@key"), or NULL. */
static char *str_of(struct keymap *m, json_t *ent, const char *key, struct err *e, int *bad)
{
    json_t *v = json_object_get(ent, key);
    if (!json_is_string(v)) {
        return NULL;
    }
    struct buf b;
    buf_init(&b, 0);
    if (resolve(m, json_string_value(v), &b, e)) {
        *bad = 1;
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

struct find_account {
    const char *person;
    long id;
    char name[72], role[32];
};

static int match_account(void *ctx, const struct account_row *r)
{
    struct find_account *f = ctx;
    if (!f->id && r->person && strcmp(r->person, f->person) == 0 && !r->disabled) {
        f->id = r->id;
        snprintf(f->name, sizeof f->name, "%s", r->name);
        snprintf(f->role, sizeof f->role, "%s", r->role);
    }
    return 0;
}

/* Signs in (as the signer) the account of person. */
static int sign_as(struct app *a, const char *person, struct err *e)
{
    struct find_account f = {person, 0, "", ""};
    if (!person) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: a decision without \"by\"");
    }
    if (store_accounts(a->st, match_account, &f, e)) {
        return -1;
    }
    if (!f.id) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: %s has no account to sign with", person);
    }
    app_signer_set(a, f.id, f.name, person, f.role);
    return 0;
}

/* An evidence file of the demo: generated, written to an anonymous file,
 * attached through app_attach_tx like any upload. */
static int demo_attach(struct app *a, const char *subject, json_t *ent, struct err *e)
{
    const char *kind = json_string_value(json_object_get(ent, "file"));
    const char *name = json_string_value(json_object_get(ent, "name"));
    const char *title = json_string_value(json_object_get(ent, "title"));
    json_t *jl = json_object_get(ent, "lines");
    const char *lines[32] = {0};
    for (size_t i = 0; i < json_array_size(jl) && i < 31; i++) {
        lines[i] = json_string_value(json_array_get(jl, i));
    }
    char valid[11] = "";
    json_t *days = json_object_get(ent, "valid_days");
    if (json_is_integer(days)) {
        date_add_days(DT.today, (int)json_integer_value(days), valid);
    }
    struct buf b;
    buf_init(&b, 0);
    demo_file_content(kind ? kind : "pdf", title ? title : name, lines, &b);
    int fd = memfd_create("isms-demo-evidence", MFD_CLOEXEC);
    int rc = fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len
                 ? err_set(e, ERR_INTERNAL, NULL, "demo: cannot make an evidence file")
                 : 0;
    if (rc == 0) {
        struct attach_input in = {subject, name, valid[0] ? valid : NULL, fd, 0,
                                  (int64_t)b.len, 0};
        rc = app_attach_tx(a, &in, NULL, e);
    }
    if (fd >= 0) {
        close(fd);
    }
    buf_free(&b);
    return rc;
}

/* Approvals and reviews: the same app functions a person's command calls. */
static int decision(struct app *a, struct keymap *m, json_t *ent, struct err *e)
{
    int bad = 0, rc = 0, version, existing;
    char *by = str_of(m, ent, "by", e, &bad);
    char *why = str_of(m, ent, "rationale", e, &bad);
    char *note = str_of(m, ent, "note", e, &bad);
    char *accept = str_of(m, ent, "accept", e, &bad);
    char *review = str_of(m, ent, "review", e, &bad);
    char *soa = str_of(m, ent, "soa_approve", e, &bad);
    char *doc = str_of(m, ent, "document", e, &bad);
    const char *step = json_string_value(json_object_get(ent, "step"));
    char *attach = str_of(m, ent, "attach", e, &bad);
    char *scope = str_of(m, ent, "scope_approve", e, &bad);
    char *car = str_of(m, ent, "ca_review", e, &bad);
    if (bad) {
        rc = -1;
    } else if (doc) {
        int n, signs = step && (strcmp(step, "review") == 0 || strcmp(step, "send-back") == 0 ||
                                strcmp(step, "approve") == 0 || strcmp(step, "ack") == 0);
        if (signs && sign_as(a, by, e)) {
            rc = -1;
        } else if (!step) {
            rc = err_set(e, ERR_INTERNAL, NULL, "a document entry without \"step\"");
        } else if (strcmp(step, "submit") == 0) {
            rc = app_document_submit_tx(a, doc, note, &n, e);
        } else if (strcmp(step, "review") == 0 || strcmp(step, "send-back") == 0) {
            rc = app_document_review_tx(a, doc, strcmp(step, "send-back") == 0, why, e);
        } else if (strcmp(step, "approve") == 0) {
            rc = app_document_approve_tx(a, doc, why, NULL, NULL, e);
        } else if (strcmp(step, "publish") == 0) {
            rc = app_document_publish_tx(a, doc, e);
        } else if (strcmp(step, "revise") == 0) {
            rc = app_document_revise_tx(a, doc, e);
        } else if (strcmp(step, "ack") == 0) {
            rc = app_document_ack_tx(a, doc, &existing, e);
        } else {
            rc = err_set(e, ERR_INTERNAL, NULL, "unknown document step %.40s", step);
        }
    } else if (attach) {
        rc = demo_attach(a, attach, ent, e);
    } else if (review) {
        rc = app_risk_review_tx(a, review, e);
    } else if ((accept || soa || scope || car || json_object_get(ent, "plan_approve")) &&
               sign_as(a, by, e)) {
        rc = -1;
    } else if (accept) {
        rc = app_risk_accept_tx(a, accept, why, NULL, NULL, e);
    } else if (soa) {
        rc = app_soa_approve_tx(a, soa, note, NULL, NULL, &version, &existing, e);
    } else if (scope) {
        rc = app_scope_approve_tx(a, scope, why, NULL, NULL, &version, &existing, e);
    } else if (json_object_get(ent, "plan_approve")) {
        rc = app_plan_approve_tx(a, why, NULL, NULL, &existing, e);
    } else if (car) {
        rc = app_ca_review_tx(a, car, 1, why, NULL, NULL, e);
    } else {
        rc = err_set(e, ERR_INTERNAL, NULL, "neither type, edit, accept, review, soa_approve "
                                            "nor plan_approve");
    }
    app_signer_clear(a);
    free(by);
    free(why);
    free(note);
    free(accept);
    free(review);
    free(soa);
    free(doc);
    free(scope);
    free(car);
    free(attach);
    return rc;
}

static int entry(struct app *a, struct keymap *m, json_t *ent, size_t idx, struct err *e)
{
    json_t *fields = json_object_get(ent, "fields");
    if (!json_object_get(ent, "type") && !json_object_get(ent, "edit")) {
        if (decision(a, m, ent, e)) {
            char msg[sizeof e->msg];
            strlcpy_(msg, e->msg, sizeof msg);
            err_set(e, ERR_INTERNAL, e->field, "demo entry %zu: %s", idx, msg);
            return -1;
        }
        return 0;
    }
    if (!json_is_object(fields)) {
        return err_set(e, ERR_INTERNAL, NULL, "demo entry %zu has no fields", idx);
    }
    size_t n = json_object_size(fields), k = 0;
    struct kv *kv = xcalloc(n + 1, sizeof *kv);
    struct buf *vals = xcalloc(n + 1, sizeof *vals);
    const char *name;
    json_t *v;
    int rc = 0;
    json_object_foreach(fields, name, v) {
        buf_init(&vals[k], 0);
        if (value_text(m, v, &vals[k], e)) {
            rc = -1;
            k++;
            break;
        }
        kv[k].name = name;
        kv[k].value = buf_str(&vals[k]);
        k++;
    }
    const char *type = json_string_value(json_object_get(ent, "type"));
    if (rc == 0) {
        const char *edit = json_string_value(json_object_get(ent, "edit"));
        if (type) {
            const struct rtype *t = rtype_find(type);
            char *ref = NULL;
            if (!t) {
                rc = err_set(e, ERR_INTERNAL, NULL, "demo entry %zu: unknown type %s", idx, type);
            } else if (app_add_tx(a, t, kv, (int)n, NULL, 0, &ref, e)) {
                rc = -1;
            } else {
                const char *key = json_string_value(json_object_get(ent, "key"));
                if (key) {
                    json_object_set_new(m->refs, key, json_string(ref));
                }
                free(ref);
            }
        } else if (edit) {
            struct buf ref;
            buf_init(&ref, 0);
            int changed;
            const struct rtype *t = NULL;
            if (resolve(m, edit, &ref, e)) {
                rc = -1;
            } else if ((t = rtype_of_ref(buf_str(&ref))) == NULL) {
                rc = err_set(e, ERR_INTERNAL, NULL, "'%s' is no record identifier", buf_str(&ref));
            } else {
                rc = app_edit_tx(a, t, buf_str(&ref), kv, (int)n, 0, &changed, e);
            }
            buf_free(&ref);
        } else {
            rc = err_set(e, ERR_INTERNAL, NULL, "an edit of no record");
        }
    }
    if (rc) {
        char msg[sizeof e->msg];
        strlcpy_(msg, e->msg, sizeof msg);
        err_set(e, ERR_INTERNAL, e->field, "demo entry %zu (%s): %s", idx, type ? type : "edit",
                msg);
    }
    for (size_t i = 0; i < k; i++) {
        buf_free(&vals[i]);
    }
    free(vals);
    free(kv);
    return rc;
}

/* A password of 16 characters from an alphabet without look-alikes. */
static void gen_password(char out[32])
{
    static const char alpha[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    for (int i = 0; i < 16; i++) {
        out[i] = alpha[randombytes_uniform((uint32_t)(sizeof alpha - 1))];
    }
    out[16] = 0;
}

static int load_accounts(struct app *a, struct keymap *m, json_t *accounts,
                         struct demo_login *logins, int max, int *n, struct err *e)
{
    size_t i;
    json_t *acc;
    *n = 0;
    json_array_foreach(accounts, i, acc) {
        int bad = 0;
        char *person = str_of(m, acc, "person", e, &bad);
        const char *name = json_string_value(json_object_get(acc, "name"));
        const char *role = json_string_value(json_object_get(acc, "role"));
        char pw[32];
        gen_password(pw);
        /* accounts: an end date some days after the demo's today (the
         * certification body's auditor, who reads and writes nothing) */
        json_t *days = json_object_get(acc, "expires_in_days");
        char until[11] = "";
        if (json_is_integer(days)) {
            DREL((int)json_integer_value(days), until);
        }
        int rc = bad || !name || !role || app_account_add_tx(a, name, role, person, pw, e) ||
                 (until[0] && app_account_expires_tx(a, name, until, e));
        if (rc == 0 && *n < max) {
            struct demo_login *l = &logins[(*n)++];
            snprintf(l->name, sizeof l->name, "%s", name);
            snprintf(l->role, sizeof l->role, "%s", role);
            snprintf(l->person, sizeof l->person, "%s", person ? person : "");
            memcpy(l->password, pw, sizeof l->password);
            snprintf(l->expires, sizeof l->expires, "%s", until);
        }
        free(person);
        if (rc) {
            char msg[sizeof e->msg];
            strlcpy_(msg, e->msg, sizeof msg);
            return err_set(e, ERR_INTERNAL, NULL, "demo account %zu: %s", i, msg);
        }
    }
    return 0;
}

/* ---- review: management review actions, packs, minutes, certificate ------ */

#include "review.h"

static const char *demo_key(struct keymap *m, const char *key)
{
    return json_string_value(json_object_get(m->refs, key));
}

static void demo_keep(struct keymap *m, const char *key, const char *ref)
{
    json_object_set_new(m->refs, key, json_string(ref));
}

static int demo_add(struct app *a, const char *type, const struct kv *kv, int n, char **ref,
                    struct err *e)
{
    char *r = NULL;
    int rc = app_add_tx(a, rtype_find(type), kv, n, NULL, 0, &r, e);
    if (ref) {
        *ref = r;
    } else {
        free(r);
    }
    return rc;
}

static int demo_edit(struct app *a, const char *type, const char *ref, const struct kv *kv, int n,
                     struct err *e)
{
    int changed = 0;
    return app_edit_tx(a, rtype_find(type), ref, kv, n, 0, &changed, e);
}

/* The actions the two reviews of 2026 agreed: April's, each closed on the
 * day it was done (reported on by November's pack), November's open, with
 * owners and due dates. Each review's pack is frozen at its meeting and its
 * minutes signed by the CEO some days later. */
static const struct {
    int nov;
    const char *title, *owner, *due, *status, *completed;
} demo_ractions[] = {
    {0, "Publish scope v1.1 and communicate it to all staff", "ciso", "2026-05-15", "done",
     "2026-05-12"},
    {0, "Move the security reporting line from the CTO to the CEO", "ceo", "2026-07-01",
     "done", "2026-07-01"},
    {0, "Phase the 140 k EUR security budget for 2026 by quarter", "cfo", "2026-05-31",
     "done", "2026-05-28"},
    {0, "Select a certification body and book Stage 1 for January 2027", "ciso",
     "2026-09-30", "done", "2026-09-10"},
    {0, "Hold the first internal ISMS audit", "ciso", "2026-10-31", "done", "2026-10-14"},
    {1, "Order the pilot-light DR region in eu-west-1 (38 k EUR)", "cto", "2027-03-31",
     "open", NULL},
    {1, "Complete the overdue treatment actions (export links, CI roles, synthetic data)",
     "cto", "2026-12-15", "in-progress", NULL},
    {1, "Present options for the three medium residual risks to the board", "ciso",
     "2026-12-10", "open", NULL},
    {1, "Open a requisition for a second security engineer", "hr", "2027-01-31", "open",
     NULL},
    {1, "Hold the NIS2 training for the management board", "ciso", "2027-01-31", "open",
     NULL},
};

/* The meeting of April (nov 0) or November (nov 1): its actions agreed,
 * its pack frozen. */
static int demo_review_held(struct app *a, struct keymap *m, int nov, struct err *e)
{
    const char *mr = demo_key(m, nov ? "mr_nov" : "mr_apr");
    if (!mr) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the review of the review demo is missing");
    }
    for (size_t i = 0; i < sizeof demo_ractions / sizeof demo_ractions[0]; i++) {
        if (demo_ractions[i].nov != nov) {
            continue;
        }
        const char *owner = demo_key(m, demo_ractions[i].owner);
        if (!owner) {
            return err_set(e, ERR_INTERNAL, NULL, "demo: %s is missing", demo_ractions[i].owner);
        }
        struct kv kv[5] = {{"title", demo_ractions[i].title},
                           {"agreed_at", mr},
                           {"owner", owner},
                           {"due_date", D(demo_ractions[i].due)},
                           {"status", demo_ractions[i].completed ? "open" : demo_ractions[i].status}};
        char *ref = NULL, key[16];
        if (demo_add(a, "raction", kv, 5, &ref, e)) {
            return -1;
        }
        snprintf(key, sizeof key, "mra%zu", i);
        demo_keep(m, key, ref);
        free(ref);
    }
    int n, existing;
    return app_review_freeze_tx(a, mr,
                                DTX(nov ? "presented at the meeting of 5 November 2026"
                                        : "presented at the meeting of 16 April 2026"),
                                &n, &existing, e);
}

/* April's action i done on its day. */
static int demo_raction_done(struct app *a, struct keymap *m, int i, struct err *e)
{
    char key[16];
    snprintf(key, sizeof key, "mra%d", i);
    const char *ref = demo_key(m, key);
    if (!ref || !demo_ractions[i].completed) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: review action %d is missing", i);
    }
    struct kv kv[] = {{"status", demo_ractions[i].status},
                      {"completed_on", D(demo_ractions[i].completed)}};
    return demo_edit(a, "raction", ref, kv, 2, e);
}

/* The minutes of April's (nov 0) or November's review signed by the CEO. */
static int demo_review_minutes(struct app *a, struct keymap *m, int nov, struct err *e)
{
    const char *mr = demo_key(m, nov ? "mr_nov" : "mr_apr"), *ceo = demo_key(m, "ceo");
    int n, existing;
    if (!mr || !ceo) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the review or the CEO is missing");
    }
    int rc = sign_as(a, ceo, e) ||
             app_review_sign_tx(a, mr,
                                nov ? "Minutes approved with the CFO's comments on the DR budget"
                                    : "Minutes approved as circulated",
                                &n, &existing, e);
    app_signer_clear(a);
    return rc ? -1 : 0;
}

/* The certificate of the hosting operations, issued on this day (350 days
 * ago: its first surveillance audit is coming up), with the minor
 * nonconformity its certification audit reported, still to close. */
static int demo_certificate(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso");
    if (!ciso) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the CISO is missing");
    }
    char issued[11], close_by[11];
    date_today(issued);
    date_add_days(DT.today, 25, close_by);
    char *cert = NULL;
    struct kv ck[] = {
        {"body", "Nordcert Assurance GmbH"},
        {"number", "NCA-27001-2025-0417"},
        {"standard", "iso27001-2013"},
        {"scope_text", "Operation and hosting of the Tallyfield payroll platform from Berlin "
                       "(the scope certified before the ISMS is extended to the whole company; "
                       "the extended scope is to be assessed at Stage 1 and Stage 2)"},
        {"issued_on", issued},
        {"owner", ciso},
        {"notes", "Surveillance audit 1 to be booked with Nordcert; transition to the 2022 "
                  "edition at the latest with the recertification."},
    };
    if (demo_add(a, "certificate", ck, (int)(sizeof ck / sizeof ck[0]), &cert, e)) {
        return -1;
    }
    struct kv nk[] = {
        {"title", "Supplier security reviews not evidenced for two critical suppliers"},
        {"certificate", cert},
        {"grade", "minor"},
        {"clause", "A.15.2.1"},
        {"description", "No record of the annual review of the payroll print bureau and the "
                        "SMS gateway provider (reported with the certificate)."},
        {"raised_on", issued},
        {"close_by", close_by},
        {"owner", ciso},
        {"status", "open"},
    };
    int rc = demo_add(a, "cnc", nk, (int)(sizeof nk / sizeof nk[0]), NULL, e);
    free(cert);
    return rc;
}

/* ---- people: RACI (5.3), competence (7.2), awareness (7.3) -------------- */

#include "people.h"

/* A date days from today. */
static const char *demo_day(int days, char out[11])
{
    return DREL(days, out);
}

#define K(x) demo_key(m, x)

/* Competence evidence, oldest first: the certificates obtained before the
 * ISMS was brought into the tool are recorded with the competence
 * requirements, the rest on the day they were obtained (days from today;
 * expires 0: from the requirement's validity). One gap: the SRE has no
 * incident-handling training; one certificate expiring: the CISO's Lead
 * Implementer, in 20 days. */
static const struct {
    int req;
    const char *person, *title, *kind, *issuer;
    int obtained, expires;
} demo_quals[] = {
    {0, "ciso", "PECB Certified ISO/IEC 27001 Lead Implementer", "certificate", "PECB", -1075,
     20},
    {1, "dpo", "TÜV Datenschutzbeauftragter", "certificate", "TÜV SÜD", -400, 0},
    {3, "auditor", "ISO/IEC 27001 Lead Auditor (IRCA)", "certificate", "BSI", -700, 0},
    {3, "data_eng", "ISO 19011 internal auditor course", "course", "TÜV Rheinland", -300, 0},
    {4, "qa", "Secure code review workshop", "course", "internal (CISO)", -200, 0},
    {2, "sec_eng", "SANS SEC504 Incident Handling", "course", "SANS", -120, 0},
    {4, "be_eng", "OWASP Top 10 for developers", "course", "SecureFlag", -90, 0},
    {4, "fe_eng", "OWASP Top 10 for developers", "course", "SecureFlag", -90, 0},
};

/* Competence evidence i, once. */
static int demo_qual(struct app *a, struct keymap *m, int i, struct err *e)
{
    char key[16], cr[16], d1[11], d2[11];
    snprintf(key, sizeof key, "qual%d", i);
    snprintf(cr, sizeof cr, "cmp%d", demo_quals[i].req);
    if (K(key)) {
        return 0;
    }
    if (!K(cr) || !K(demo_quals[i].person)) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the competence requirements are missing");
    }
    struct kv kv[7] = {{"title", demo_quals[i].title},
                       {"person", K(demo_quals[i].person)},
                       {"requirement", K(cr)},
                       {"kind", demo_quals[i].kind},
                       {"issuer", demo_quals[i].issuer},
                       {"obtained_on", demo_day(demo_quals[i].obtained, d1)},
                       {"expires_on",
                        demo_quals[i].expires ? demo_day(demo_quals[i].expires, d2) : NULL}};
    char *q = NULL;
    int rc = demo_add(a, "qualification", kv, demo_quals[i].expires ? 7 : 6, &q, e);
    if (rc == 0) {
        demo_keep(m, key, q);
    }
    free(q);
    return rc;
}

/* The RACI of the seven processes and four controls, the competence
 * requirements of five roles and the evidence obtained before today. */
static int demo_people(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    static const char *const keys[] = {"ceo", "ciso", "dpo", "sec_eng", "sre", "auditor",
                                       "data_eng", "be_eng", "fe_eng", "qa", "role_board",
                                       "role_steerco", "role_ciso", "role_dpo", "role_incident",
                                       "role_auditor", "role_champion", "role_bcm",
                                       "role_supplier", "doc_isp", NULL};
    for (int i = 0; keys[i]; i++) {
        if (!demo_key(m, keys[i])) {
            return err_set(e, ERR_INTERNAL, NULL, "demo: %s is missing for the people demo",
                           keys[i]);
        }
    }
    /* RACI: subject, party (a key or a person/role key), letter */
    static const struct {
        const char *subject, *party, *letter;
    } raci[] = {
        {"PRC-0001", "role_ciso", "C"},     {"PRC-0001", "role_dpo", "C"},
        {"PRC-0001", "role_board", "I"},    {"PRC-0002", "role_ciso", "C"},
        {"PRC-0002", "role_steerco", "I"},  {"PRC-0003", "role_champion", "R"},
        {"PRC-0003", "role_ciso", "C"},     {"PRC-0004", "role_ciso", "A"},
        {"PRC-0004", "role_incident", "R"}, {"PRC-0004", "role_dpo", "C"},
        {"PRC-0004", "role_steerco", "I"},  {"PRC-0005", "role_dpo", "C"},
        {"PRC-0006", "role_supplier", "R"}, {"PRC-0006", "role_ciso", "C"},
        {"PRC-0007", "role_bcm", "R"},      {"PRC-0007", "role_ciso", "I"},
        {"5.2", "role_board", "A"},         {"5.2", "role_ciso", "R"},
        {"5.2", "role_steerco", "C"},       {"5.24", "role_ciso", "A"},
        {"5.24", "role_incident", "R"},     {"5.24", "role_steerco", "I"},
        {"5.34", "role_dpo", "A"},          {"5.34", "role_ciso", "C"},
        {"8.13", "role_bcm", "R"},          {"8.13", "role_ciso", "I"},
    };
    static const char *const words[] = {"responsible", "accountable", "consulted", "informed"};
    for (size_t i = 0; i < sizeof raci / sizeof raci[0]; i++) {
        const char *w = words[strchr("RACI", raci[i].letter[0]) - "RACI"];
        int proc = strncmp(raci[i].subject, "PRC-", 4) == 0;
        struct kv kv[3] = {{proc ? "process" : "control", raci[i].subject},
                           {"role", K(raci[i].party)},
                           {"raci", w}};
        if (demo_add(a, "responsibility", kv, 3, NULL, e)) {
            return -1;
        }
    }
    /* the process owners are accountable for their processes */
    static const char *const owners[] = {"payroll_pm", "hr", "hoe", NULL, "cs", "cfo", "sre"};
    for (int i = 0; i < 7; i++) {
        char prc[16];
        snprintf(prc, sizeof prc, "PRC-%04d", i + 1);
        if (!owners[i] || !K(owners[i])) {
            continue;
        }
        struct kv kv[3] = {{"process", prc}, {"person", K(owners[i])}, {"raci", "accountable"}};
        if (demo_add(a, "responsibility", kv, 3, NULL, e)) {
            return -1;
        }
    }
    /* competence requirements */
    static const struct {
        const char *role, *title, *by, *months;
    } reqs[] = {
        {"role_ciso", "ISO/IEC 27001 Lead Implementer or equivalent", "certificate", "36"},
        {"role_dpo", "Certified data protection officer (TÜV or equivalent)", "certificate", "36"},
        {"role_incident", "Incident handling training within 12 months", "course", "12"},
        {"role_auditor", "ISO/IEC 27001 Lead Auditor or ISO 19011 training", "course", NULL},
        {"role_champion", "Secure coding training within 12 months", "course", "12"},
    };
    for (size_t i = 0; i < 5; i++) {
        struct kv kv[5] = {{"title", reqs[i].title}, {"role", K(reqs[i].role)},
                           {"evidenced_by", reqs[i].by}, {"owner", K("ciso")},
                           {"validity_months", reqs[i].months}};
        char *cr = NULL, key[16];
        if (demo_add(a, "competency", kv, reqs[i].months ? 5 : 4, &cr, e)) {
            return -1;
        }
        snprintf(key, sizeof key, "cmp%zu", i);
        demo_keep(m, key, cr);
        free(cr);
    }
    /* the evidence obtained before today, in order */
    char today[11], d[11];
    date_today(today);
    for (size_t i = 0; i < sizeof demo_quals / sizeof demo_quals[0]; i++) {
        if (strcmp(demo_day(demo_quals[i].obtained, d), today) <= 0 &&
            demo_qual(a, m, (int)i, e)) {
            return -1;
        }
    }
    return 0;
}

/* The scan of the CISO's Lead Implementer certificate, uploaded when its
 * renewal came up. */
static int demo_qual_scan(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *q = K("qual0");
    if (!q) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the CISO's certificate is missing");
    }
    json_t *f = json_pack("{s:s, s:s, s:s, s:[s,s,s]}", "file", "png", "name",
                          "pecb-lead-implementer.png", "title",
                          "PECB Certified ISO/IEC 27001 Lead Implementer", "lines",
                          "Miriam Okafor", "Certificate PECB-LI-2023-118842",
                          "Valid three years from issue");
    int rc = f ? demo_attach(a, q, f, e) : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    json_decref(f);
    return rc;
}

/* Awareness: everyone's e-learning (attendance only; step 0, when it
 * opens, 60 days ago), its live phishing walkthrough (step 1, 20 days ago)
 * and the policy briefing of the steering committee (step 2, 12 days ago:
 * attendance and acknowledgement of the Information Security Policy).
 * Everyone active but three attended the e-learning; most of the committee
 * the briefing. Each session is recorded when it is held, each attendance
 * on its day. */
static int demo_awareness(struct app *a, struct keymap *m, int step, struct err *e)
{
    static const char *const learners[] = {
        "ceo", "cto", "cfo", "cpo", "ciso", "dpo", "hr", "hoe", "sre", "cs", "support",
        "sec_eng", "be_eng", "fe_eng", "sre_eng", "qa", "data_eng", "it_admin", "auditor",
        "payroll_pm", "payroll_spec", "support_agent", NULL};
    static const char *const committee[] = {"ceo", "cto", "ciso", "dpo", "hr", "cs", NULL};
    char d1[11], due1[11], due2[11], held[11];
    int rc = 0;
    char *s = NULL;
    demo_day(step == 0 ? -60 : step == 1 ? -20 : -12, held);
    if (step == 0) {
        struct kv c1[8] = {{"title", "Security and privacy awareness 2026"},
                           {"description", "45-minute e-learning and a live session: phishing, "
                                           "passwords and MFA, classification, GDPR basics, "
                                           "reporting incidents."},
                           {"audience", "everyone"},
                           {"mandatory", "yes"},
                           {"starts_on", demo_day(-60, d1)},
                           {"due_date", demo_day(14, due1)},
                           {"owner", K("ciso")},
                           {"status", "active"}};
        struct kv c2[8] = {{"title", "Information Security Policy briefing for the steering "
                                     "committee"},
                           {"audience", "roles"},
                           {"audience_roles", K("role_steerco")},
                           {"mandatory", "yes"},
                           {"due_date", demo_day(-5, due2)},
                           {"documents", K("doc_isp")},
                           {"owner", K("ciso")},
                           {"status", "active"}};
        char *aw1 = NULL, *aw2 = NULL;
        rc = demo_add(a, "campaign", c1, 8, &aw1, e) || demo_add(a, "campaign", c2, 8, &aw2, e);
        if (rc == 0) {
            demo_keep(m, "aw1", aw1);
            demo_keep(m, "aw2", aw2);
        }
        free(aw1);
        free(aw2);
    }
    if (rc) {
        return -1;
    }
    const char *aw1 = K("aw1"), *aw2 = K("aw2");
    if (!aw1 || !aw2) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the awareness campaigns are missing");
    }
    if (step == 0) {
        struct kv b[5] = {{"title", "E-learning module (LMS)"}, {"campaign", aw1},
                          {"kind", "e-learning"}, {"held_on", held}, {"status", "held"}};
        rc = demo_add(a, "briefing", b, 5, &s, e);
    } else if (step == 1) {
        struct kv b[6] = {{"title", "Live phishing walkthrough"}, {"campaign", aw1},
                          {"kind", "online"}, {"held_on", held},
                          {"trainer", K("sec_eng")}, {"status", "held"}};
        rc = demo_add(a, "briefing", b, 6, &s, e);
    } else {
        struct kv b[6] = {{"title", "Policy briefing at the steering committee"},
                          {"campaign", aw2}, {"kind", "briefing"},
                          {"held_on", held}, {"trainer", K("ciso")},
                          {"status", "held"}};
        rc = demo_add(a, "briefing", b, 6, &s, e);
    }
    /* the e-learning: two of three learners; the walkthrough: the third */
    for (int i = 0; rc == 0 && step < 2 && learners[i]; i++) {
        if (!K(learners[i]) || (step == 0) != (i % 3 != 0)) {
            continue;
        }
        struct kv kv[3] = {{"briefing", s}, {"person", K(learners[i])}, {"attended_on", held}};
        rc = demo_add(a, "attendance", kv, 3, NULL, e);
    }
    for (int i = 0; rc == 0 && step == 2 && committee[i]; i++) {
        struct kv kv[3] = {{"briefing", s}, {"person", K(committee[i])}, {"attended_on", held}};
        rc = demo_add(a, "attendance", kv, 3, NULL, e);
    }
    free(s);
    return rc;
}
#undef K

/* ---- audit: control tests (9.1) and the audit programme (9.2) ---------------
 * Three control tests (one failed after the internal audit, which raised a
 * nonconformity), an audit programme 2026-2028 with the yearly internal
 * audits, a risk-based follow-up audit for the areas due more often, and
 * exactly one gap: control 8.11 (data masking), which no audit of the cycle
 * covers. */
struct demo_ctls {
    struct buf list; /* applicable controls but 8.11 */
};

static int demo_ctl(void *ctx, struct record *r)
{
    struct demo_ctls *d = ctx;
    const char *ap = record_get(r, "applicable");
    if (ap && strcmp(ap, "1") == 0 && strcmp(r->ref, "8.11") != 0) {
        buf_printf(&d->list, "%s%s", d->list.len ? "," : "", r->ref);
    }
    record_free(r);
    return 0;
}

/* The three control tests, set up in the first quarter. */
static int demo_ctests(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso"), *sec = demo_key(m, "sec_eng");
    const char *sre = demo_key(m, "sre"), *it = demo_key(m, "it_admin");
    if (!ciso || !sec || !sre || !it) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the people of the audit demo are missing");
    }
    struct kv c1[] = {{"control", "8.8"},
                      {"title", "Vulnerability scan of production and patch latency"},
                      {"method", "Authenticated scan of every production host and container "
                                 "image; compare findings older than the patch deadline "
                                 "(critical 7 days, high 30 days) with the patch tickets."},
                      {"frequency", "quarterly"}, {"tester", sec}, {"owner", ciso},
                      {"first_due", D("2026-03-31")}};
    struct kv c2[] = {{"control", "8.13"}, {"title", "Restore test of a production backup"},
                      {"method", "Restore the latest PostgreSQL snapshot into the isolated "
                                 "recovery account and compare row counts and checksums."},
                      {"frequency", "quarterly"}, {"tester", sre}, {"owner", sre},
                      {"first_due", D("2026-03-31")}};
    struct kv c3[] = {{"control", "5.18"}, {"title", "Quarterly access review evidence"},
                      {"method", "Sample 10 accounts per in-scope system; check each against "
                                 "the HR joiner/mover/leaver list and the review ticket."},
                      {"frequency", "quarterly"}, {"tester", it}, {"owner", ciso},
                      {"first_due", D("2026-06-30")}};
    const struct kv *c[] = {c1, c2, c3};
    for (int i = 0; i < 3; i++) {
        char *t = NULL, key[16];
        if (demo_add(a, "ctest", c[i], 7, &t, e)) {
            return -1;
        }
        snprintf(key, sizeof key, "ct%d", i + 1);
        demo_keep(m, key, t);
        free(t);
    }
    return 0;
}

/* The runs of the quarter's end: at the end of June the patch scan and the
 * access review evidence (step 0), at the end of September the restore
 * test (step 1). */
static int demo_ctruns(struct app *a, struct keymap *m, int step, struct err *e)
{
    const char *t1 = demo_key(m, "ct1"), *t2 = demo_key(m, "ct2"), *t3 = demo_key(m, "ct3");
    const char *sec = demo_key(m, "sec_eng"), *sre = demo_key(m, "sre"),
               *it = demo_key(m, "it_admin");
    if (!t1 || !t2 || !t3 || !sec || !sre || !it) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the control tests are missing");
    }
    if (step == 1) {
        struct kv r2[] = {{"test", t2}, {"performed_on", D("2026-09-29")},
                          {"result", "effective"}, {"tester", sre},
                          {"observations", "Restore in 42 minutes; checksums equal."}};
        return demo_add(a, "ctrun", r2, 5, NULL, e);
    }
    struct kv r1[] = {{"test", t1}, {"performed_on", D("2026-06-30")}, {"result", "effective"},
                      {"tester", sec}, {"observations", "No critical finding older than 7 days."}};
    struct kv r3[] = {{"test", t3}, {"performed_on", D("2026-06-30")},
                      {"result", "partly-effective"}, {"tester", it},
                      {"observations", "GitHub organisation not in the review."}};
    return demo_add(a, "ctrun", r1, 5, NULL, e) || demo_add(a, "ctrun", r3, 5, NULL, e) ? -1 : 0;
}

/* The patch scan after the internal audit failed: its run and the
 * nonconformity it raised, linked both ways. */
static int demo_ctest_fail(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *t1 = demo_key(m, "ct1");
    char *run = NULL, *nc = NULL;
    if (!t1) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the patch scan test is missing");
    }
    int rc = audit_ctest_fail_tx(a, t1, "not-effective", D("2026-10-15"),
                                 "Three critical OpenSSL findings on the reporting cluster were "
                                 "23 days old: the cluster is missing from the patch automation.",
                                 &run, &nc, e);
    free(run);
    free(nc);
    return rc;
}

/* The internal audit's checklist: generated from its scope on its first
 * day (step 0), the results recorded on its last (step 1) -- what its
 * findings say for the controls and clauses they name, conforming with the
 * evidence seen for the rest. */
static int demo_checklist(struct app *a, struct keymap *m, int step, struct err *e)
{
    const char *aud = demo_key(m, "aud_internal"), *nc = demo_key(m, "nc_access");
    if (!aud || (step == 1 && !nc)) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the internal audit is missing");
    }
    if (step == 0) {
        int added = 0;
        return audit_checklist_tx(a, aud, &added, e);
    }
    static const struct {
        const char *clause, *control, *result, *evidence;
    } seen[] = {
        {NULL, "5.18", "minor-nonconformity",
         "Access review tickets for Q2 and Q3 2026: database roles and GitHub not reviewed; "
         "two database users of leavers still active (finding F-0003)."},
        {NULL, "5.22", "observation",
         "Supplier register: the yearly reviews of two suppliers are overdue."},
        {NULL, "5.9", "opportunity",
         "Asset inventory maintained by hand; could be reconciled with the cloud accounts."},
        {"7.3", NULL, "observation",
         "Awareness training completion 86 % against the 95 % target."},
        {NULL, "6.3", "observation",
         "Awareness training completion 86 % against the 95 % target."},
    };
    struct audit_report r;
    if (app_audit_report(a, aud, &r, e)) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r.nitems; i++) {
        const char *clause = record_get(r.items[i], "clause");
        const char *control = record_get(r.items[i], "control");
        const char *result = "conforming";
        const char *evidence = control && *control
                                   ? "Implementation sampled against the SoA's description and "
                                     "the owner interviewed; operating as described."
                                   : "Documented information reviewed and its owner "
                                     "interviewed; records consistent with it.";
        for (size_t k = 0; k < sizeof seen / sizeof seen[0]; k++) {
            if ((seen[k].control && control && strcmp(seen[k].control, control) == 0) ||
                (seen[k].clause && clause && strcmp(seen[k].clause, clause) == 0)) {
                result = seen[k].result;
                evidence = seen[k].evidence;
            }
        }
        struct kv kv[] = {{"result", result}, {"evidence", evidence}, {"nonconformity", nc}};
        int n = strcmp(result, "minor-nonconformity") == 0 ? 3 : 2;
        rc = demo_edit(a, "checkitem", r.items[i]->ref, kv, n, e);
    }
    audit_report_free(&r);
    return rc;
}

/* The programme drawn up after the first internal audit: the yearly
 * internal audits of 2027 and 2028 (every clause, every applicable control
 * but 8.11, the demo's one gap) and a risk-based follow-up in 2026 of what
 * is due more often and the 2026 audit did not cover. */
static int demo_programme(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso"), *auditor = demo_key(m, "auditor");
    char *prog = NULL;
    struct demo_ctls d;
    buf_init(&d.list, 0);
    int rc = -1;
    if (!ciso || !auditor) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the people of the audit demo are missing");
    }
    char y0[8], y1[8], y2[8], pt[64], t27[64], t28[64], tfu[64], sfu[160];
    DY(2026, y0);
    DY(2027, y1);
    DY(2028, y2);
    snprintf(pt, sizeof pt, "Internal audit programme %s-%s", y0, y2);
    snprintf(t27, sizeof t27, "Internal ISMS audit %s", y1);
    snprintf(t28, sizeof t28, "Internal ISMS audit %s", y2);
    snprintf(tfu, sizeof tfu, "Risk-based follow-up audit %s", y0);
    snprintf(sfu, sizeof sfu, "Controls with high residual risks, failed control tests or open "
                              "nonconformities not covered by the internal audit %s.", y0);
    struct kv p[] = {{"title", pt}, {"start_year", y0},
                     {"approach", "Every clause 4-10 each year; the applicable Annex A controls "
                                  "over the cycle; areas with high residual risks, failed "
                                  "control tests or open nonconformities every year."},
                     {"owner", ciso}};
    if (demo_add(a, "programme", p, 4, &prog, e)) {
        goto out;
    }
    struct query q = {0};
    if (store_list(a->st, principal_sys(), rtype_find("control"), &q, demo_ctl, &d, e)) {
        goto out;
    }
    struct kv a27[] = {{"title", t27}, {"kind", "internal"},
                       {"clauses", "4.1-10.2"}, {"controls", buf_str(&d.list)},
                       {"planned_on", D("2027-10-11")}, {"lead_auditor", auditor},
                       {"programme", prog}, {"owner", auditor}};
    struct kv a28[] = {{"title", t28}, {"kind", "internal"},
                       {"clauses", "4.1-10.2"}, {"controls", buf_str(&d.list)},
                       {"planned_on", D("2028-10-09")}, {"lead_auditor", auditor},
                       {"programme", prog}, {"owner", auditor}};
    if (demo_add(a, "audit", a27, 8, NULL, e) || demo_add(a, "audit", a28, 8, NULL, e)) {
        goto out;
    }
    struct coverage cv;
    if (app_audit_coverage(a, prog, DT.today, &cv, e)) {
        goto out;
    }
    struct buf fu;
    buf_init(&fu, 0);
    for (size_t i = 0; i < cv.n; i++) {
        if (cv.v[i].gap && cv.v[i].more_often && strcmp(cv.v[i].kind, "control") == 0 &&
            strcmp(cv.v[i].id, "8.11") != 0) {
            buf_printf(&fu, "%s%s", fu.len ? "," : "", cv.v[i].id);
        }
    }
    coverage_free(&cv);
    struct kv af[] = {{"title", tfu}, {"kind", "internal"},
                      {"scope", sfu},
                      {"controls", buf_str(&fu)}, {"planned_on", D("2026-12-14")},
                      {"lead_auditor", auditor}, {"programme", prog}, {"owner", auditor}};
    rc = fu.len ? demo_add(a, "audit", af, 8, NULL, e) : 0;
    buf_free(&fu);
out:
    buf_free(&d.list);
    free(prog);
    return rc;
}
/* ---- end audit ------------------------------------------------------------ */
/* ---- ops: a live incident, a missed continuity test, an active exception ---- */

#include "ops.h"

/* The identifier of the demo record of type whose title field starts
 * with title (the demo's processes and changes have no keys). */
static char *demo_find(struct app *a, const char *type, const char *title, struct err *e)
{
    const struct rtype *t = rtype_find(type);
    struct query q = {0};
    q.search = title;
    struct records l = {0};
    char *ref = NULL;
    if (store_list(a->st, principal_sys(), t, &q, records_add, &l, e) == 0) {
        for (size_t i = 0; i < l.n && !ref; i++) {
            const char *v = record_get(l.v[i], t->title_field);
            if (v && strncmp(v, title, strlen(title)) == 0) {
                ref = xstrdup(l.v[i]->ref);
            }
        }
    }
    records_free(&l);
    return ref;
}

/* 8.1: what the demo's processes carry and what governs them; the changes
 * under way name what they touch. */
static int demo_processes(struct app *a, struct keymap *m, struct err *e)
{
    static const struct {
        const char *type, *title, *controls, *doc;
    } links[] = {
        {"process", "Incident management", "5.24,5.25,5.26,5.27,5.28", "doc_irp"},
        {"process", "Backup and restore", "8.13,8.14", "doc_backup"},
        {"process", "Software development and release", "8.25,8.28,8.29,8.32", "doc_sdlc"},
        {"process", "Supplier management", "5.19,5.20,5.21,5.22", "doc_supplier"},
        {"change", "Pilot-light disaster recovery region", "5.30,8.14", "doc_bcp"},
        {"change", "Replace the legacy ledger module", "8.8,8.25", NULL},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        char *ref = demo_find(a, links[i].type, links[i].title, e);
        if (!ref) {
            continue; /* the demo data changed: nothing to link */
        }
        const char *doc = links[i].doc ? demo_key(m, links[i].doc) : NULL;
        struct kv kv[] = {{"controls", links[i].controls}, {"documents", doc}};
        int rc = demo_edit(a, links[i].type, ref, kv, doc ? 2 : 1, e);
        free(ref);
        if (rc) {
            return -1;
        }
    }
    char *bk = demo_find(a, "process", "Backup and restore", e);
    char *dr = demo_find(a, "change", "Pilot-light disaster recovery region", e);
    int rc = 0;
    if (bk && dr) {
        struct kv kv[] = {{"processes", bk}};
        rc = demo_edit(a, "change", dr, kv, 1, e);
    }
    free(bk);
    free(dr);
    return rc;
}

/* Incident ref classified, and what its file says of its notifications
 * recorded (each at two thirds of its deadline; the NIS2 early warning 5
 * hours late when late_nis2). */
static int demo_notices(struct app *a, const char *ref, const char *nis2, int late_nis2,
                        struct err *e)
{
    struct kv ck[] = {{"classification", "incident"}};
    struct incident_duties d;
    if (demo_edit(a, "incident", ref, ck, 1, e) || app_incident_duties(a, ref, NULL, &d, e)) {
        return -1;
    }
    int bad = 0;
    for (size_t k = 0; k < d.n && !bad; k++) {
        long long dl = 0;
        struct tm tm = {0};
        sscanf(d.v[k].from, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        dl = (long long)timegm(&tm) + (long long)d.v[k].hours * 2400;
        /* one missed deadline: the credential stuffing's NIS2 early
         * warning went out 5 hours late */
        int late = late_nis2 && strcmp(d.v[k].key, nis2) == 0;
        if (late) {
            dl += (long long)d.v[k].hours * 1200 + 5 * 3600;
        }
        time_t tt = (time_t)dl;
        char when[21];
        gmtime_r(&tt, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        bad = app_incident_notified_tx(a, ref, d.v[k].key, when,
                                       late ? "Sent 5 hours after the 24-hour deadline: "
                                              "the on-call engineer did not know the NIS2 "
                                              "early-warning duty"
                                            : "recorded from the incident file",
                                       e);
    }
    incident_duties_free(&d);
    return bad ? -1 : 0;
}

/* The notification duties in the requirements, set up with the NIS2
 * registration: the BSI early warning for high-severity incidents and the
 * customers' 24 hours of the DPA for personal data; the incidents before
 * then classified and their notifications recorded from their files. */
static int demo_duty_rules(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso"), *nis2 = demo_key(m, "req_nis2"),
               *dpa = demo_key(m, "req_dpa_clauses");
    if (!ciso || !nis2 || !dpa) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the records of the ops demo are missing");
    }
    struct kv nk[] = {{"notify_when", "high-severity"},
                      {"notify_hours", "24"},
                      {"notify_to", "the BSI (NIS2 early warning)"}};
    struct kv dk[] = {{"notify_when", "personal-data"},
                      {"notify_hours", "24"},
                      {"notify_to", "the affected customers (controllers, per the DPA)"}};
    if (demo_edit(a, "requirement", nis2, nk, 3, e) || demo_edit(a, "requirement", dpa, dk, 3, e)) {
        return -1;
    }
    static const char *const old_incs[] = {"inc_phish", "inc_misdirect", "inc_outage", NULL};
    if (sign_as(a, ciso, e)) {
        return -1;
    }
    int rc = 0;
    for (int i = 0; rc == 0 && old_incs[i]; i++) {
        const char *ref = demo_key(m, old_incs[i]);
        rc = ref ? demo_notices(a, ref, nis2, 0, e)
                 : err_set(e, ERR_INTERNAL, NULL, "demo: %s missing", old_incs[i]);
    }
    app_signer_clear(a);
    return rc;
}

/* The credential stuffing's notifications, recorded once they were made
 * (the NIS2 early warning 5 hours late). */
static int demo_stuffing(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso"), *nis2 = demo_key(m, "req_nis2"),
               *ref = demo_key(m, "inc_stuffing");
    if (!ciso || !nis2 || !ref) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the credential stuffing is missing");
    }
    int rc = sign_as(a, ciso, e) || demo_notices(a, ref, nis2, 1, e);
    app_signer_clear(a);
    return rc ? -1 : 0;
}

/* Times relative to now, so the countdown always reads the same: the
 * incident was detected the day before yesterday at 04:00 (44 hours before
 * today began), its GDPR deadline is tomorrow at 04:00; the customers (24 h,
 * DPA) and the BSI early warning (24 h, NIS2) were notified in time. Each
 * step is recorded at its time of that day. */
static int demo_live_incident(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso"), *sec = demo_key(m, "sec_eng"),
               *support = demo_key(m, "support_agent"), *nis2 = demo_key(m, "req_nis2"),
               *dpa = demo_key(m, "req_dpa_clauses"), *payslips = demo_key(m, "inf_payslips"),
               *s3 = demo_key(m, "sv_s3"), *rbucket = demo_key(m, "r_bucket");
    if (!ciso || !sec || !support || !nis2 || !dpa || !payslips || !s3 || !rbucket) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the records of the ops demo are missing");
    }
    /* times relative to the start of today (the same records on every run
     * of a day) */
    char occurred[21], detected[21], recorded[21], t1[21], t2[21], t3[21], t4[21];
    long long t0 = 0;
    {
        struct tm tm = {0};
        sscanf(DT.today, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        t0 = (long long)timegm(&tm);
    }
    struct {
        char *out;
        long long back;
    } at[] = {{occurred, 47 * 3600},          {detected, 44 * 3600},
              {recorded, 44 * 3600 - 1800},   {t1, 43 * 3600},
              {t2, 41 * 3600},                {t3, 28 * 3600},
              {t4, 27 * 3600}};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        time_t tt = (time_t)(t0 - at[i].back);
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(at[i].out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    demo_at(recorded);
    char assets[64];
    snprintf(assets, sizeof assets, "%s,%s", payslips, s3);
    struct kv ik[] = {
        {"title", "Payslips of one customer readable through cached pre-signed download links"},
        {"description", "A CDN rule change cached pre-signed S3 download URLs for payslip PDFs "
                        "for up to 24 hours instead of 5 minutes. Employees of one customer who "
                        "shared a link (e.g. forwarded to a tax adviser) exposed their payslip "
                        "to anyone holding the link for longer than intended."},
        {"reported_by", support},
        {"occurred_at", occurred},
        {"detected_at", detected},
        {"category", "misconfiguration"},
        {"severity", "high"},
        {"classification", "incident"},
        {"affects", "confidentiality"},
        {"assets", assets},
        {"risks", rbucket},
        {"personal_data", "1"},
        {"owner", sec},
        {"status", "reported"},
    };
    char *inc = NULL;
    if (demo_add(a, "incident", ik, (int)(sizeof ik / sizeof ik[0]), &inc, e)) {
        return -1;
    }
    struct kv contained[] = {
        {"containment", "Cache rule reverted; all cached objects purged; pre-signed URL lifetime "
                        "enforced at the origin."},
        {"status", "contained"}};
    int rc = sign_as(a, ciso, e);
    if (!rc) {
        demo_at(t1);
        rc = app_incident_note_tx(a, inc, "triage", "Confirmed personal data breach (payslips: "
                                  "names, salaries, tax IDs) of about 310 employees of one "
                                  "customer; severity high; incident manager Hannah Krüger.",
                                  t1, e);
    }
    if (!rc) {
        demo_at(t2);
        rc = app_incident_note_tx(a, inc, "containment", "CDN rule reverted and cache purged; "
                                  "access logs secured for the exposure window.",
                                  t2, e) ||
             demo_edit(a, "incident", inc, contained, 2, e);
    }
    if (!rc) {
        demo_at(t3);
        rc = app_incident_notified_tx(a, inc, dpa, t3, "Customer DPO informed by phone and "
                                      "e-mail, ticket CS-4471", e) ||
             app_incident_notified_tx(a, inc, nis2, t3, "Early warning sent through the BSI "
                                      "reporting portal", e);
    }
    if (!rc) {
        demo_at(t4);
        rc = app_incident_note_tx(a, inc, "action", "Access-log analysis under way to establish "
                                  "which links were fetched by third parties; input for the "
                                  "supervisory authority notification.",
                                  NULL, e);
    }
    app_signer_clear(a);
    free(inc);
    return rc ? -1 : 0;
}

/* The platform plan's document, downtime limit and test interval, and its
 * region failover exercise (40 days ago), which missed the 4-hour RTO. */
static int demo_bcp(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = demo_key(m, "ciso"), *sre = demo_key(m, "sre"),
               *sre_eng = demo_key(m, "sre_eng"), *bcp = demo_key(m, "bcp_platform");
    if (!ciso || !sre || !sre_eng || !bcp) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the records of the ops demo are missing");
    }
    struct kv pk[] = {{"mtd_hours", "24"}, {"test_interval_months", "6"},
                      {"document", demo_key(m, "doc_bcp")}};
    if (demo_edit(a, "continuity", bcp, pk, demo_key(m, "doc_bcp") ? 3 : 2, e)) {
        return -1;
    }
    char tested[11];
    date_today(tested);
    char who[128];
    snprintf(who, sizeof who, "%s,%s,%s", sre, sre_eng, ciso);
    struct kv tk[] = {
        {"title", "Region failover exercise: restore production in eu-west-1"},
        {"plan", bcp},
        {"tested_on", tested},
        {"scenario", "eu-central-1 declared unavailable at 09:00; restore Aurora from the latest "
                     "snapshot in the backup account, rebuild EKS with Terraform, switch DNS."},
        {"participants", who},
        {"achieved_rto_hours", "6.5"},
        {"achieved_rpo_hours", "0.75"},
        {"actions", "Pre-build the EKS node groups in eu-west-1 (pilot light, change approved); "
                    "script the secret rotation that took 1 h 40 min by hand."},
        {"owner", sre},
        {"status", "held"},
    };
    return demo_add(a, "bcptest", tk, (int)(sizeof tk / sizeof tk[0]), NULL, e);
}

/* Yesterday: the processes linked to what governs them (8.1), and the
 * legacy ledger module on an unsupported runtime under an approved,
 * expiring exception to control 8.8. */
static int demo_ops(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ceo = demo_key(m, "ceo"), *hoe = demo_key(m, "hoe"),
               *risk = demo_key(m, "r_webapp");
    if (!ceo || !hoe || !risk) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the records of the ops demo are missing");
    }
    char expires[11];
    date_add_days(DT.today, 75, expires);
    struct kv xk[] = {
        {"title", "Legacy ledger module on an unsupported Java 8 runtime until its replacement"},
        {"control", "8.8"},
        {"scope", "The ledger module (one service in the payroll cluster) only; no new "
                  "deployments of it except security fixes."},
        {"risk", risk},
        {"compensating", "Network policy isolates the module (no ingress from the internet, "
                         "egress to the database only); WAF virtual patching; weekly "
                         "vulnerability scan of the image with findings triaged by security."},
        {"expires_on", expires},
        {"owner", hoe},
    };
    char *exc = NULL;
    if (demo_processes(a, m, e) ||
        demo_add(a, "exception", xk, (int)(sizeof xk / sizeof xk[0]), &exc, e)) {
        return -1;
    }
    int rc = sign_as(a, ceo, e) ||
             app_exception_approve_tx(a, exc, "Accepted until the new payroll calculation engine "
                                      "replaces the module (change in progress)", e);
    app_signer_clear(a);
    free(exc);
    return rc ? -1 : 0;
}

/* ---- metrics: performance evaluation and improvement ----------------------
 * Through the same app calls as a person's commands: a metric breached for
 * two months with a history of measurements (and an objective that follows
 * it), and the seed's WannaCry nonconformity with its 5-whys chain and an
 * action awaiting its effectiveness review. (The nonconformities of the
 * file go through their transitions in the file, on their days.) */

static const char *met_key(struct keymap *m, const char *key)
{
    return json_string_value(json_object_get(m->refs, key));
}

static int met_add(struct app *a, const char *type, const struct kv *kv, int n, char **ref,
                    struct err *e)
{
    return app_add_tx(a, rtype_find(type), kv, n, NULL, 0, ref, e);
}

static int met_status(struct app *a, const char *type, const char *ref, const char *status,
                       struct err *e)
{
    int changed;
    struct kv kv[] = {{FIELD_STATUS, status}};
    return app_edit_tx(a, rtype_find(type), ref, kv, 1, 0, &changed, e);
}

static int demo_metric(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *ciso = met_key(m, "ciso"), *sre = met_key(m, "sre"), *hr = met_key(m, "hr");
    const char *sec = met_key(m, "sec_eng");
    if (!ciso || !sre || !hr || !sec) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the metrics block needs ciso, sre, hr, sec_eng");
    }
    /* a breached metric with its history */
    char *met = NULL;
    struct kv mk[] = {{"name", "Critical security patches installed within 14 days"},
                      {"description", "Share of critical OS and library patches installed on "
                                      "production hosts within 14 days of release."},
                      {"method", "Patch compliance report of the fleet manager, month end."},
                      {"unit", "%"},
                      {"frequency", "monthly"},
                      {"direction", "higher"},
                      {"target", "95"},
                      {"threshold", "85"},
                      {"measured_by", sec},
                      {"evaluated_by", ciso},
                      {"escalation", "Below 85 %: the SRE lead reports the backlog and a catch-up "
                                     "plan to the steering committee within 7 days."},
                      {"controls", "8.8"},
                      {FIELD_OWNER, sre},
                      {FIELD_STATUS, "active"}};
    if (met_add(a, "metric", mk, (int)(sizeof mk / sizeof mk[0]), &met, e)) {
        return -1;
    }
    /* the objective that follows it */
    struct kv ok[] = {{"title", "Critical patches within 14 days on every production host"},
                      {"measure", "Critical security patches installed within 14 days"},
                      {"target", "95 % or more at every month end"},
                      {"metric", met},
                      {"ongoing", "yes"},
                      {FIELD_OWNER, sre}};
    int rc = met_add(a, "objective", ok, (int)(sizeof ok / sizeof ok[0]), NULL, e);
    if (rc == 0) {
        json_object_set_new(m->refs, "met_patch", json_string(met));
    }
    free(met);
    return rc;
}

static const char *const patch_series[12][2] = {
    {"94", NULL},
    {"95.5", NULL},
    {"96", NULL},
    {"97", NULL},
    {"96", NULL},
    {"97.5", NULL},
    {"93", "Two hosts missed the window during the data centre move."},
    {"88", "Holiday season; the weekly patch slot was skipped twice."},
    {"91", NULL},
    {"86", NULL},
    {"82", "Kernel patch needs a reboot of the payroll database cluster."},
    {"79", "Database cluster still waiting for its maintenance window."},
};

/* The last day of month i (0-11) of the replayed year. */
static const char *month_end(int i, char out[11])
{
    int y, mo, d;
    date_parse(DT.start, &y, &mo, &d);
    int t = y * 12 + mo - 1 + i;
    y = t / 12;
    mo = t % 12 + 1;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u,
             (unsigned)dim(y, mo) % 100u);
    return out;
}

static int demo_measure(struct app *a, struct keymap *m, int i, struct err *e)
{
    const char *met = met_key(m, "met_patch"), *sec = met_key(m, "sec_eng");
    char on[11];
    if (!met || !sec) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the patch metric is missing");
    }
    struct kv kv[] = {{"metric", met},
                      {"measured_on", month_end(i, on)},
                      {"value", patch_series[i][0]},
                      {FIELD_OWNER, sec},
                      {"comment", patch_series[i][1]}};
    return met_add(a, "measurement", kv, patch_series[i][1] ? 5 : 4, NULL, e);
}


/* The seed's example, WannaCry, on its days: detected (step 0), its 5 whys
 * (1), the corrective actions planned (2), the first one done (3). */
static int demo_wannacry(struct app *a, struct keymap *m, int step, struct err *e)
{
    const char *ciso = met_key(m, "ciso"), *hr = met_key(m, "hr"), *sec = met_key(m, "sec_eng");
    const char *nc = met_key(m, "nc_wannacry");
    if (!ciso || !hr || !sec || (step > 0 && !nc)) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the records of the WannaCry demo are missing");
    }
    if (step == 0) {
        struct kv nk[] = {
            {"title", "Workstation infected by the WannaCry ransomware"},
            {"source", "incident"},
            {"description", "A finance workstation was infected by WannaCry after a link in an "
                            "e-mail was clicked; files on the PC and one network share were "
                            "encrypted."},
            {"detected_on", D("2026-10-21")},
            {"severity", "major"},
            {"clause", "7.2, 7.3, 6.1"},
            {"control", "6.3"},
            {"containment", "PC disconnected within 20 minutes and reimaged; the share restored "
                            "from the night's backup; SMBv1 disabled and MS17-010 confirmed on "
                            "every endpoint."},
            {"due_date", D("2026-12-31")},
            {FIELD_OWNER, ciso}};
        char *ref = NULL;
        int rc = met_add(a, "nonconformity", nk, (int)(sizeof nk / sizeof nk[0]), &ref, e);
        if (rc == 0) {
            json_object_set_new(m->refs, "nc_wannacry", json_string(ref));
        }
        free(ref);
        return rc;
    }
    if (step == 1) {
        static const char *const whys[] = {
            "Someone clicked on a link in an email and it downloaded the virus and infected their "
            "PC.",
            "They had not received any training in clicking on links in emails they are not "
            "expecting to receive.",
            "The training manager is on maternity leave and the organization has not implemented "
            "cover for them.",
            "The maternity leave process is not covered in the Change Management Procedure and so "
            "a risk assessment was not completed to identify any information security risks.",
        };
        int pos, rc = met_status(a, "nonconformity", nc, "analysing", e);
        for (size_t i = 0; rc == 0 && i < sizeof whys / sizeof whys[0]; i++) {
            rc = app_nc_why_tx(a, nc, 0, whys[i], &pos, e);
        }
        return rc;
    }
    if (step == 2) {
        struct kv c1[] = {{"title", "Add staff absences to the Change Management Procedure"},
                          {"nonconformity", nc},
                          {"description", "Long absences of role holders (maternity, long-term "
                                          "leave) are changes: they get a risk assessment and "
                                          "named cover."},
                          {"due_date", D("2026-11-15")},
                          {FIELD_OWNER, hr},
                          {FIELD_STATUS, "in-progress"}};
        struct kv c2[] = {{"title", "Cover the training manager; phishing training for everyone"},
                          {"nonconformity", nc},
                          {"description", "Interim training owner named; the link-handling "
                                          "module completed by all staff, joiners within 30 "
                                          "days."},
                          {"due_date", D("2026-12-20")},
                          {FIELD_OWNER, sec},
                          {FIELD_STATUS, "in-progress"}};
        char *ref = NULL;
        int rc = met_add(a, "corrective", c1, (int)(sizeof c1 / sizeof c1[0]), &ref, e) ||
                 met_add(a, "corrective", c2, (int)(sizeof c2 / sizeof c2[0]), NULL, e) ||
                 met_status(a, "nonconformity", nc, "action-planned", e);
        if (rc == 0) {
            json_object_set_new(m->refs, "ca_wannacry", json_string(ref));
        }
        free(ref);
        return rc ? -1 : 0;
    }
    const char *ca = met_key(m, "ca_wannacry");
    if (!ca) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: the WannaCry corrective action is missing");
    }
    struct kv done[] = {{FIELD_STATUS, "done"}, {"completed_on", D("2026-11-12")}};
    int changed;
    return app_edit_tx(a, rtype_find("corrective"), ca, done, 2, 0, &changed, e);
}

/* ---- suppliers: assessments, a questionnaire, privacy register, access review ---- */

#include "suppliers.h"

/* Supplier assessments as records, each recorded on its day (days from
 * today): AWS 95 days ago (step 0); Okta 40 days ago, with Zendesk's two
 * earlier ones from the supplier file (step 1), the last of which is now
 * past its 12-month review (expired, 35 days overdue). */
static int demo_assessments(struct app *a, struct keymap *m, int step, struct err *e)
{
    const char *ciso = demo_key(m, "ciso"), *sre = demo_key(m, "sre"),
               *support = demo_key(m, "support"), *aws = demo_key(m, "sup_aws"),
               *okta = demo_key(m, "sup_okta"), *zendesk = demo_key(m, "sup_zendesk"),
               *r_sub = demo_key(m, "r_subprocessor");
    if (!ciso || !sre || !support || !aws || !okta || !zendesk || !r_sub) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: records of the suppliers demo are missing");
    }
    char d_aws[11], d_okta[11], d_zen[11], d_zen0[11];
    date_add_days(DT.today, -95, d_aws);
    date_add_days(DT.today, -40, d_okta);
    date_add_days(DT.today, -400, d_zen); /* high: 12 months, so 35 days overdue */
    date_add_days(DT.today, -770, d_zen0);
    struct {
        int step;
        const char *sup, *date, *assessor, *method, *result, *findings, *risks;
    } as[] = {
        {0, aws, d_aws, sre, "certificate-check", "satisfactory",
         "ISO/IEC 27001, 27017, 27018 certificates and the SOC 2 Type II report (period to "
         "June) reviewed; no exceptions relevant to our use.",
         NULL},
        {1, okta, d_okta, ciso, "certificate-check", "satisfactory",
         "SOC 2 Type II without qualification; the 2023 support-system breach follow-up "
         "closed.",
         NULL},
        {1, zendesk, d_zen0, support, "questionnaire", "satisfactory", "First assessment.", NULL},
        {1, zendesk, d_zen, support, "document-review", "needs-improvement",
         "Sub-processors outside the EU (US support staff); SCCs in place but no transfer "
         "impact assessment on file.",
         r_sub},
    };
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
        if (as[i].step != step) {
            continue;
        }
        struct kv kv[7] = {{"supplier", as[i].sup}, {"assessed_on", as[i].date},
                           {"assessor", as[i].assessor}, {"method", as[i].method},
                           {"result", as[i].result}, {"findings", as[i].findings},
                           {"risks", as[i].risks}};
        if (demo_add(a, "sassessment", kv, as[i].risks ? 7 : 6, NULL, e)) {
            return -1;
        }
    }
    return 0;
}

/* The questionnaire for payroll data processors, sent to the payroll print
 * bureau ten days ago (step 0), answered through its link five days ago
 * (step 1) and followed up the next day (step 2). */
static int demo_questionnaire(struct app *a, struct keymap *m, int step, struct err *e)
{
    const char *ciso = demo_key(m, "ciso"), *cpo = demo_key(m, "cpo"),
               *lohnwerk = demo_key(m, "sup_lohnwerk"), *r_sub = demo_key(m, "r_subprocessor");
    if (!ciso || !cpo || !lohnwerk || !r_sub) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: records of the suppliers demo are missing");
    }
    if (step == 1) {
        const char *tok = demo_key(m, "#qlink");
        struct qform f = {0};
        int rc = tok ? app_qlink_open(a, tok, &f, e)
                     : err_set(e, ERR_INTERNAL, NULL, "demo: the questionnaire link is missing");
        if (rc == 0 && f.n == 6) {
            struct kv ans[] = {{f.q[0].ref, "no"},
                               {f.q[1].ref, "quarterly"},
                               {f.q[2].ref, "yes"},
                               {f.q[3].ref, "48"},
                               {f.q[4].ref, "75"},
                               {f.q[5].ref, "DATEV eG (Nuremberg, DE) for filing; no other."}};
            double score;
            rc = app_qlink_submit_tx(a, tok, f.nonce, ans, 6, &score, e);
        }
        qform_free(&f);
        /* the demo's links are not kept: only their hashes are stored */
        json_object_del(m->refs, "#qlink");
        return rc;
    }
    if (step == 2) {
        const char *qr = demo_key(m, "qr_lohnwerk");
        struct kv fk[] = {{"followup", "Not certified and staff training below 90 %: ask for "
                                       "the training plan and an ISAE 3402 report; re-assess "
                                       "in six months."},
                          {"risks", r_sub},
                          {"owner", cpo}};
        return qr ? demo_edit(a, "questionnaire", qr, fk, 3, e)
                  : err_set(e, ERR_INTERNAL, NULL, "demo: the questionnaire is missing");
    }
    char *qt = NULL;
    struct kv tk[] = {{"title", "Supplier security questionnaire (payroll data processors)"},
                      {"description", "Tallyfield processes payroll data of its customers' "
                                      "employees. Please answer for the service you provide to "
                                      "us; the answers are part of our supplier assessment."},
                      {"owner", ciso}};
    if (demo_add(a, "qtemplate", tk, 3, &qt, e)) {
        return -1;
    }
    static const struct {
        const char *text, *type, *choices, *expected, *weight;
    } qs[] = {
        {"Is your information security management system certified to ISO/IEC 27001?",
         "yes-no", NULL, NULL, "3"},
        {"How often are backups of our data restored in a test?", "choice",
         "monthly|quarterly|yearly|never", NULL, "2"},
        {"Do all staff with access to our data use multi-factor authentication?", "yes-no",
         NULL, NULL, "3"},
        {"How many hours after detection do you notify us of a personal data breach?",
         "number", NULL, NULL, "0"},
        {"Percentage of your staff trained in security in the last 12 months", "number", NULL,
         "90", "1"},
        {"Which sub-processors see our data, and where are they located?", "text", NULL, NULL,
         NULL},
    };
    char pos[8];
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        snprintf(pos, sizeof pos, "%zu", i + 1);
        struct kv kv[7];
        int n = 0;
        kv[n++] = (struct kv){"template", qt};
        kv[n++] = (struct kv){"position", pos};
        kv[n++] = (struct kv){"text", qs[i].text};
        kv[n++] = (struct kv){"answer_type", qs[i].type};
        if (qs[i].choices) {
            kv[n++] = (struct kv){"choices", qs[i].choices};
        }
        if (qs[i].expected) {
            kv[n++] = (struct kv){"expected", qs[i].expected};
        }
        if (qs[i].weight) {
            kv[n++] = (struct kv){"weight", qs[i].weight};
        }
        if (demo_add(a, "qquestion", kv, n, NULL, e)) {
            free(qt);
            return -1;
        }
    }
    char *qr = NULL, *tok = NULL;
    int rc = app_questionnaire_send_tx(a, lohnwerk, qt, "it-security@lohnwerk.example", 14, &qr,
                                       &tok, e);
    if (rc == 0) {
        demo_keep(m, "qt", qt);
        demo_keep(m, "qr_lohnwerk", qr);
        demo_keep(m, "#qlink", tok);
    }
    free(qt);
    free(qr);
    free(tok);
    return rc;
}

/* Three days ago: the print bureau assessed from its answers, the
 * questionnaire sent to Datadog (still open), and the GitHub access review
 * started with its accounts; two days ago half of it decided (two
 * reviewers, a revocation still to carry out). Dates are relative to today
 * so the demo always shows the same state. */
static int demo_supplier_review(struct app *a, struct keymap *m, int step, struct err *e)
{
    const char *ciso = demo_key(m, "ciso"), *sre = demo_key(m, "sre"),
               *cpo = demo_key(m, "cpo"), *itad = demo_key(m, "it_admin"),
               *lohnwerk = demo_key(m, "sup_lohnwerk"), *datadog = demo_key(m, "sup_datadog"),
               *github = demo_key(m, "sv_github"), *r_sub = demo_key(m, "r_subprocessor"),
               *qt = demo_key(m, "qt"), *qr = demo_key(m, "qr_lohnwerk");
    if (!ciso || !sre || !cpo || !itad || !lohnwerk || !datadog || !github || !r_sub || !qt ||
        !qr) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: records of the suppliers demo are missing");
    }
    if (step == 1) {
        int rc = sign_as(a, sre, e) ||
                 app_access_decide_tx(a, "ACC-0001", "keep", NULL, e) ||
                 app_access_decide_tx(a, "ACC-0002", "keep", NULL, e) ||
                 app_access_decide_tx(a, "ACC-0005", "revoke",
                                      DTX("Max Hartmann left on 2026-09-30; still a member."),
                                      e) ||
                 sign_as(a, itad, e) ||
                 app_access_decide_tx(a, "ACC-0006", "change",
                                      "Deploy bot needs write on the deploy repositories only.",
                                      e);
        app_signer_clear(a);
        return rc ? -1 : 0;
    }
    char today[11], due[11];
    date_today(today);
    date_add_days(DT.today, 10, due);
    struct kv kv[] = {{"supplier", lohnwerk},   {"assessed_on", today},
                      {"assessor", cpo},        {"method", "questionnaire"},
                      {"result", "needs-improvement"},
                      {"questionnaire", qr},
                      {"findings", "No ISO/IEC 27001 certificate; 75 % of staff trained; "
                                   "breach notification within 48 hours (the DPA says 24)."},
                      {"risks", r_sub}};
    char *qr2 = NULL, *tok2 = NULL;
    int rc = demo_add(a, "sassessment", kv, 8, NULL, e) ||
             app_questionnaire_send_tx(a, datadog, qt, "security@datadog.example", 21, &qr2,
                                       &tok2, e);
    free(qr2);
    free(tok2);
    if (rc) {
        return -1;
    }
    char *ar = NULL;
    struct kv rk[] = {{"title", "GitHub organization access review Q4"},
                      {"system", github},
                      {"started_on", today},
                      {"due_date", due},
                      {"description", "Every member and outside collaborator of the tallyfield "
                                      "organization; admins and deploy rights first."},
                      {"owner", ciso}};
    if (demo_add(a, "areview", rk, 6, &ar, e)) {
        return -1;
    }
    char csv[1024];
    snprintf(csv, sizeof csv,
             "account,access,group,reviewer\n"
             "tobias-r,owner,Engineering,%s\n"
             "marco-s,write (payroll-core),Engineering,%s\n"
             "omar-s,write (portal),Engineering,%s\n"
             "david-n,admin (infra),Engineering,%s\n"
             "max-hartmann,write (payroll-core),Engineering,%s\n"
             "ci-deploy-bot,admin (all repositories),Automation,%s\n"
             "rui-f,owner,IT,%s\n"
             "ext-redsand,read (security audit),Outside collaborators,%s\n",
             sre, sre, sre, sre, sre, itad, itad, ciso);
    long added = 0;
    rc = app_areview_import_tx(a, ar, csv, strlen(csv), &added, e);
    free(ar);
    return rc ? -1 : 0;
}

/* The privacy register, brought into the tool after the risk assessment:
 * the payroll processing activities with a complete DPIA and one in
 * progress. */
static int demo_privacy(struct app *a, struct keymap *m, int arg, struct err *e)
{
    (void)arg;
    const char *dpo = demo_key(m, "dpo"), *aws = demo_key(m, "sup_aws"),
               *lohnwerk = demo_key(m, "sup_lohnwerk"), *personio = demo_key(m, "sup_personio"),
               *personio_a = demo_key(m, "sv_personio"), *payroll = demo_key(m, "sw_payroll"),
               *rds = demo_key(m, "sv_rds"), *r_sub = demo_key(m, "r_subprocessor"),
               *r_special = demo_key(m, "r_special_cat"), *r_tenant = demo_key(m, "r_tenant");
    if (!dpo || !aws || !lohnwerk || !personio || !personio_a || !payroll || !rds || !r_sub ||
        !r_special || !r_tenant) {
        return err_set(e, ERR_INTERNAL, NULL, "demo: records of the privacy demo are missing");
    }
    char *pa1 = NULL, *pa2 = NULL;
    char procs[80], systems[80], risks[80];
    snprintf(procs, sizeof procs, "%s,%s", personio, lohnwerk);
    struct kv p1[] = {
        {"name", "Payroll and HR administration of Tallyfield's own staff"},
        {"purpose", "Employment contracts, payroll, social security and tax filings, sick leave "
                    "and holidays of Tallyfield employees."},
        {"legal_basis", "legal-obligation"},
        {"role", "controller"},
        {"data_subjects", "employees, applicants, former employees"},
        {"data_categories", "identity and contact data, bank details, salary, tax and social "
                            "security numbers, sick leave, religious affiliation (church tax)"},
        {"special_categories", "yes"},
        {"recipients", "tax office, social insurance funds, Lohnwerk (payroll accountant)"},
        {"retention", "10 years after the end of employment (tax law); applicants 6 months"},
        {"systems", personio_a},
        {"processors", procs},
        {"risks", r_special},
        {"owner", demo_key(m, "hr")},
    };
    int rc = demo_add(a, "processing", p1, (int)(sizeof p1 / sizeof p1[0]), &pa1, e);
    snprintf(systems, sizeof systems, "%s,%s", payroll, rds);
    snprintf(risks, sizeof risks, "%s,%s", r_tenant, r_sub);
    struct kv p2[] = {
        {"name", "Payroll processing on behalf of customers"},
        {"purpose", "Calculating payroll, producing payslips and statutory filings for the "
                    "employees of our customers, as their processor (Art. 28 DPA)."},
        {"legal_basis", "contract"},
        {"role", "processor"},
        {"data_subjects", "customers' employees"},
        {"data_categories", "as for payroll: identity, bank, salary, tax and social security "
                            "data, religious affiliation for church tax"},
        {"special_categories", "yes"},
        {"recipients", "the customer; authorities on the customer's instruction"},
        {"transfers", "USA (Zendesk support, on tickets only)"},
        {"safeguards", "standard-contractual-clauses"},
        {"retention", "as instructed by the customer; deleted 90 days after contract end"},
        {"systems", systems},
        {"processors", aws},
        {"risks", risks},
        {"owner", dpo},
    };
    if (rc == 0) {
        rc = demo_add(a, "processing", p2, (int)(sizeof p2 / sizeof p2[0]), &pa2, e);
    }
    struct kv d1[] = {
        {"title", "DPIA: staff payroll and HR in Personio"},
        {"processing", pa1},
        {"description", "HR and payroll data of about 120 staff in Personio, monthly export to "
                        "Lohnwerk."},
        {"necessity", "Required by employment, tax and social security law; no less intrusive "
                      "means."},
        {"risks", r_special},
        {"measures", "Religious affiliation visible to payroll only; SSO with MFA; quarterly "
                     "access review of Personio."},
        {"decision", "proceed-with-measures"},
        {"decision_rationale", "Residual risk low with the measures in place."},
        {"owner", dpo},
        {"status", "complete"},
    };
    if (rc == 0) {
        rc = demo_add(a, "dpia", d1, (int)(sizeof d1 / sizeof d1[0]), NULL, e);
    }
    struct kv d2[] = {
        {"title", "DPIA: customer payroll platform (multi-tenant)"},
        {"processing", pa2},
        {"description", "Payroll data of 38,000 employees of 140 customers in one multi-tenant "
                        "platform on AWS (Frankfurt)."},
        {"risks", risks},
        {"owner", dpo},
        {"status", "in-progress"},
    };
    if (rc == 0) {
        rc = demo_add(a, "dpia", d2, (int)(sizeof d2 / sizeof d2[0]), NULL, e);
    }
    free(pa1);
    free(pa2);
    return rc;
}

/* The features' own parts of the demo, each through the app functions a
 * user's command would call, slotted into the year at their day (a data
 * date, shifted; or days relative to today) and after the entries of the
 * keys they use; one feature's steps on several days pass what they made on
 * in the key map. */
typedef int (*demo_step_fn)(struct app *, struct keymap *, int, struct err *);
struct demo_step {
    demo_step_fn fn;
    int arg;           /* which part of the feature */
    const char *day;   /* a data date (shifted), or NULL: rel days from today */
    int rel;
    const char *after; /* keys whose entries come first, comma-separated */
    int measure;       /* >0: the patch metric's measurement of month measure-1 */
};

static const struct demo_step demo_steps[] = {
    /* the patch metric and its objective, with the other metrics */
    {demo_metric, 0, "2025-12-11", 0, "#type:metric,#type:objective", 0},
    {NULL, 0, NULL, 0, "", 1},  {NULL, 0, NULL, 0, "", 2},  {NULL, 0, NULL, 0, "", 3},
    {NULL, 0, NULL, 0, "", 4},  {NULL, 0, NULL, 0, "", 5},  {NULL, 0, NULL, 0, "", 6},
    {NULL, 0, NULL, 0, "", 7},  {NULL, 0, NULL, 0, "", 8},  {NULL, 0, NULL, 0, "", 9},
    {NULL, 0, NULL, 0, "", 10}, {NULL, 0, NULL, 0, "", 11}, {NULL, 0, NULL, 0, "", 12},
    /* RACI and competence; the privacy register; the control tests */
    {demo_people, 0, "2026-01-14", 0, "#type:role,#type:process,#type:person", 0},
    {demo_privacy, 0, "2026-01-20", 0,
     "sup_personio,sup_lohnwerk,sup_aws,r_special_cat,r_tenant,r_subprocessor,sv_rds", 0},
    {demo_ctests, 0, "2026-03-02", 0, "", 0},
    /* the April review: actions and pack, minutes, the actions done */
    {demo_review_held, 0, "2026-04-16", 0, "mr_apr", 0},
    {demo_review_minutes, 0, "2026-04-23", 0, "mr_apr", 0},
    {demo_raction_done, 0, "2026-05-12", 0, "", 0},
    {demo_raction_done, 2, "2026-05-28", 0, "", 0},
    {demo_ctruns, 0, "2026-06-30", 0, "", 0},
    {demo_raction_done, 1, "2026-07-01", 0, "", 0},
    {demo_raction_done, 3, "2026-09-10", 0, "", 0},
    {demo_ctruns, 1, "2026-09-29", 0, "", 0},
    {demo_checklist, 0, "2026-10-12", 0, "aud_internal", 0},
    {demo_raction_done, 4, "2026-10-14", 0, "aud_internal", 0},
    {demo_checklist, 1, "2026-10-14", 0, "aud_internal,nc_access", 0},
    /* after the internal audit: the failed patch scan, the programme */
    {demo_ctest_fail, 0, "2026-10-15", 0, "nc_access", 0},
    {demo_programme, 0, "2026-10-16", 0, "aud_internal,aud_stage1,#type:audit", 0},
    {demo_duty_rules, 0, "2026-10-20", 0, "req_nis2,req_dpa_clauses,inc_outage", 0},
    {demo_wannacry, 0, "2026-10-21", 0, "", 0},
    {demo_wannacry, 1, "2026-10-23", 0, "", 0},
    {demo_wannacry, 2, "2026-10-28", 0, "", 0},
    {demo_review_held, 1, "2026-11-05", 0, "mr_nov", 0},
    {demo_review_minutes, 1, "2026-11-09", 0, "mr_nov", 0},
    {demo_wannacry, 3, "2026-11-12", 0, "", 0},
    {demo_stuffing, 0, "2026-11-23", 0, "inc_stuffing", 0},
    /* days relative to today: the certificate, competence evidence,
     * suppliers, awareness, continuity, the live incident */
    {demo_certificate, 0, NULL, -350, "", 0},
    {demo_qual, 3, NULL, -300, "", 0},
    {demo_qual, 4, NULL, -200, "", 0},
    {demo_qual, 5, NULL, -120, "", 0},
    {demo_assessments, 0, NULL, -95, "#type:supplier", 0},
    {demo_qual, 6, NULL, -90, "", 0},
    {demo_qual, 7, NULL, -90, "", 0},
    {demo_awareness, 0, NULL, -60, "#type:person,doc_isp", 0},
    {demo_assessments, 1, NULL, -40, "#type:supplier", 0},
    {demo_bcp, 0, NULL, -40, "bcp_platform,doc_bcp", 0},
    {demo_awareness, 1, NULL, -20, "", 0},
    {demo_awareness, 2, NULL, -12, "", 0},
    {demo_qual_scan, 0, NULL, -12, "", 0},
    {demo_questionnaire, 0, NULL, -10, "#type:supplier", 0},
    {demo_questionnaire, 1, NULL, -5, "", 0},
    {demo_questionnaire, 2, NULL, -4, "", 0},
    {demo_supplier_review, 0, NULL, -3, "#type:supplier,sv_github", 0},
    {demo_live_incident, 0, NULL, -2, "r_bucket,req_nis2,req_dpa_clauses,#type:incident", 0},
    {demo_supplier_review, 1, NULL, -2, "", 0},
    {demo_ops, 0, NULL, -1, "#type:process,#type:change,#type:exception", 0},
};

int app_load_demo(struct app *a, struct demo_login *logins, int max, int *nlogins, struct err *e)
{
    json_error_t je;
    json_t *root = json_loadb(demo_json, EMBED_LEN(demo_json), 0, &je);
    if (!root) {
        return err_set(e, ERR_INTERNAL, NULL, "demo data: line %d: %s", je.line, je.text);
    }
    if (!DT.cur[0]) {
        app_demo_clock_start();
    }
    struct keymap m = {json_object()};
    json_t *recs = json_object_get(root, "records");
    json_t *last = json_object();
    size_t nrec = json_array_size(recs), nstep = sizeof demo_steps / sizeof demo_steps[0];
    struct ev *evs = xcalloc(nrec + nstep, sizeof *evs);
    size_t nev = 0, i;
    json_t *ent;
    json_array_foreach(recs, i, ent) {
        struct ev *v = &evs[nev++];
        entry_day(ent, last, v->day, v->when);
        v->json = (int)i;
        v->step = -1;
        v->ord = i;
    }
    for (size_t k = 0; k < nstep; k++) {
        const struct demo_step *st = &demo_steps[k];
        struct ev *v = &evs[nev++];
        char d[11];
        if (st->measure) {
            month_end(st->measure - 1, v->day);
        } else if (st->day) {
            snprintf(v->day, sizeof v->day, "%s", shift_date(st->day, d));
        } else {
            DREL(st->rel, v->day);
        }
        char keys[256];
        snprintf(keys, sizeof keys, "%s", st->after);
        for (char *sv = NULL, *t = strtok_r(keys, ",", &sv); t; t = strtok_r(NULL, ",", &sv)) {
            char name[80];
            snprintf(name, sizeof name, t[0] == '#' ? "%s" : "=%s", t);
            max_day(v->day, json_string_value(json_object_get(last, name)));
        }
        if (strcmp(v->day, DT.start) < 0) {
            snprintf(v->day, sizeof v->day, "%s", DT.start);
        }
        if (strcmp(v->day, DT.end) > 0) {
            snprintf(v->day, sizeof v->day, "%s", DT.end);
        }
        v->json = -1;
        v->step = (int)k;
        v->ord = nrec + k;
    }
    json_decref(last);
    qsort(evs, nev, sizeof *evs, ev_cmp);
    int rc = 0, accounts = 0, nl = 0;
    struct demo_login spare[16];
    if (!logins) {
        logins = spare;
        max = (int)(sizeof spare / sizeof spare[0]);
        nlogins = &nl;
    }
    for (size_t k = 0; rc == 0 && k < nev; k++) {
        struct ev *v = &evs[k];
        ent = v->json >= 0 ? json_array_get(recs, (size_t)v->json) : NULL;
        int is_decision = !ent || (!json_object_get(ent, "type") && !json_object_get(ent, "edit"));
        demo_at(v->when[0] ? v->when : v->day);
        if (is_decision && !accounts) {
            accounts = 1;
            if (load_accounts(a, &m, json_object_get(root, "accounts"), logins, max, nlogins, e)) {
                rc = -1;
                break;
            }
        }
        if (ent) {
            rc = entry(a, &m, ent, (size_t)v->json, e);
        } else if (demo_steps[v->step].measure) {
            rc = demo_measure(a, &m, demo_steps[v->step].measure - 1, e);
        } else {
            rc = demo_steps[v->step].fn(a, &m, demo_steps[v->step].arg, e);
        }
    }
    if (rc == 0 && !accounts) {
        rc = load_accounts(a, &m, json_object_get(root, "accounts"), logins, max, nlogins, e);
    }
    /* ---- end block: other features' demo parts, one call line each, run at
     * the end of the year (the simulated clock at yesterday evening):
     *     if (rc == 0) rc = demo_FEATURE(a, e);   FEATURE
     * ---- */
    time_set_simulated(NULL);
    DT.cur[0] = 0;
    free(evs);
    json_decref(m.refs);
    json_decref(root);
    return rc;
}
