/* method.c — see method.h. Validation is strict because the method decides
 * every risk's level: scales of 3-10 levels, a matrix of the right shape,
 * levels that cover every possible score exactly once, an acceptance
 * criterion inside the score range. */
#include "method.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"

static const char default_method[] =
    "{\n"
    "  \"name\": \"Default 5x5 method\",\n"
    "  \"scoring\": \"product\",\n"
    "  \"likelihood\": [\n"
    "    {\"label\": \"Rare\", \"description\": \"May happen only in exceptional circumstances\", "
    "\"anchor\": \"less than once in 10 years\"},\n"
    "    {\"label\": \"Unlikely\", \"description\": \"Could happen but is not expected\", "
    "\"anchor\": \"once in 3-10 years\"},\n"
    "    {\"label\": \"Possible\", \"description\": \"Might happen at some time\", "
    "\"anchor\": \"once in 1-3 years\"},\n"
    "    {\"label\": \"Likely\", \"description\": \"Will probably happen\", "
    "\"anchor\": \"about once a year\"},\n"
    "    {\"label\": \"Almost certain\", \"description\": \"Expected to happen\", "
    "\"anchor\": \"several times a year\"}\n"
    "  ],\n"
    "  \"consequence\": [\n"
    "    {\"label\": \"Negligible\", \"description\": \"No noticeable effect on customers or "
    "operations\", \"anchor\": \"under €5,000\"},\n"
    "    {\"label\": \"Minor\", \"description\": \"Limited, internal effect; quickly "
    "recovered\", \"anchor\": \"€5,000-50,000\"},\n"
    "    {\"label\": \"Moderate\", \"description\": \"Customers affected; contractual or "
    "reporting duties\", \"anchor\": \"€50,000-250,000\"},\n"
    "    {\"label\": \"Major\", \"description\": \"Serious breach; regulator notified; "
    "customers lost\", \"anchor\": \"€250,000-1m\"},\n"
    "    {\"label\": \"Severe\", \"description\": \"Threatens the business\", "
    "\"anchor\": \"over €1m\"}\n"
    "  ],\n"
    "  \"levels\": [\n"
    "    {\"name\": \"low\", \"label\": \"Low\", \"min\": 1, \"max\": 4, \"colour\": "
    "\"#4caf50\", \"action\": \"Accept and monitor\", \"review_days\": 365},\n"
    "    {\"name\": \"medium\", \"label\": \"Medium\", \"min\": 5, \"max\": 9, \"colour\": "
    "\"#ffc107\", \"action\": \"Treat within the planning cycle or accept with rationale\", "
    "\"review_days\": 180},\n"
    "    {\"name\": \"high\", \"label\": \"High\", \"min\": 10, \"max\": 16, \"colour\": "
    "\"#ff7043\", \"action\": \"Treat with priority; top management informed\", "
    "\"review_days\": 90},\n"
    "    {\"name\": \"critical\", \"label\": \"Critical\", \"min\": 17, \"max\": 25, \"colour\": "
    "\"#d32f2f\", \"action\": \"Treat immediately; top management decides\", "
    "\"review_days\": 30}\n"
    "  ],\n"
    "  \"acceptance\": {\"max_score\": 4}\n"
    "}\n";

const char *method_default_json(void)
{
    return default_method;
}

static char *opt_text(json_t *o, const char *key, size_t max, int required, const char *where,
                      struct err *e, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) {
            err_set(e, ERR_INVALID, key, "%s.%s: required", where, key);
            *bad = 1;
        }
        return NULL;
    }
    if (!json_is_string(v)) {
        err_set(e, ERR_INVALID, key, "%s.%s: must be text", where, key);
        *bad = 1;
        return NULL;
    }
    const char *s = json_string_value(v);
    if (utf8_chars(s) > max || text_bad_control(s, 1)) {
        err_set(e, ERR_INVALID, key, "%s.%s: at most %zu characters of plain text", where, key,
                max);
        *bad = 1;
        return NULL;
    }
    if (required && !*s) {
        err_set(e, ERR_INVALID, key, "%s.%s: required", where, key);
        *bad = 1;
        return NULL;
    }
    return xstrdup(s);
}

static int get_int(json_t *o, const char *key, int lo, int hi, int *out, const char *where,
                   struct err *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) {
        return err_set(e, ERR_INVALID, key, "%s.%s: a whole number is required", where, key);
    }
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) {
        return err_set(e, ERR_INVALID, key, "%s.%s: %lld is outside %d..%d", where, key,
                       (long long)x, lo, hi);
    }
    *out = (int)x;
    return 0;
}

static int unknown_keys(json_t *o, const char *const *allowed, const char *where, struct err *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (int i = 0; allowed[i]; i++) {
            ok |= strcmp(allowed[i], k) == 0;
        }
        if (!ok) {
            return err_set(e, ERR_INVALID, k, "%s: unknown key '%.40s'", where, k);
        }
    }
    return 0;
}

static int parse_scale(json_t *arr, struct scale *s, const char *name, struct err *e)
{
    if (!json_is_array(arr)) {
        return err_set(e, ERR_INVALID, name, "%s: a list of levels is required", name);
    }
    size_t n = json_array_size(arr);
    if (n < SCALE_MIN || n > SCALE_MAX) {
        return err_set(e, ERR_INVALID, name, "%s: %zu levels; a scale has %d to %d", name, n,
                       SCALE_MIN, SCALE_MAX);
    }
    s->n = (int)n;
    static const char *const keys[] = {"label", "description", "anchor", NULL};
    for (size_t i = 0; i < n; i++) {
        json_t *lv = json_array_get(arr, i);
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", name, i + 1);
        if (!json_is_object(lv)) {
            return err_set(e, ERR_INVALID, name, "%s: an object with a label is required", where);
        }
        if (unknown_keys(lv, keys, where, e)) {
            return -1;
        }
        int bad = 0;
        s->lv[i].label = opt_text(lv, "label", 60, 1, where, e, &bad);
        s->lv[i].description = opt_text(lv, "description", 500, 0, where, e, &bad);
        s->lv[i].anchor = opt_text(lv, "anchor", 120, 0, where, e, &bad);
        if (bad) {
            return -1;
        }
    }
    return 0;
}

static int valid_colour(const char *c)
{
    if (!c || strlen(c) != 7 || c[0] != '#') {
        return 0;
    }
    for (int i = 1; i < 7; i++) {
        if (!strchr("0123456789abcdefABCDEF", c[i])) {
            return 0;
        }
    }
    return 1;
}

void method_score_range(const struct method *m, int *lo, int *hi)
{
    *lo = 1 << 30;
    *hi = -1;
    for (int l = 1; l <= m->likelihood.n; l++) {
        for (int c = 1; c <= m->consequence.n; c++) {
            int s = method_score(m, l, c);
            *lo = s < *lo ? s : *lo;
            *hi = s > *hi ? s : *hi;
        }
    }
}

int method_from_json(json_t *root, struct method **out, struct err *e)
{
    *out = NULL;
    if (!json_is_object(root)) {
        return err_set(e, ERR_INVALID, NULL, "method: a JSON object is required");
    }
    static const char *const keys[] = {"name", "scoring", "likelihood", "consequence",
                                       "consequence_confidentiality", "consequence_integrity",
                                       "consequence_availability", "matrix", "levels",
                                       "acceptance", NULL};
    if (unknown_keys(root, keys, "method", e)) {
        return -1;
    }
    struct method *m = xcalloc(1, sizeof *m);
    int bad = 0;
    m->name = opt_text(root, "name", 120, 1, "method", e, &bad);
    if (bad) {
        goto fail;
    }
    const char *scoring = json_string_value(json_object_get(root, "scoring"));
    if (!scoring || (strcmp(scoring, "product") && strcmp(scoring, "matrix"))) {
        err_set(e, ERR_INVALID, "scoring", "method.scoring: must be \"product\" or \"matrix\"");
        goto fail;
    }
    m->scoring = strcmp(scoring, "matrix") == 0 ? SCORING_MATRIX : SCORING_PRODUCT;
    if (parse_scale(json_object_get(root, "likelihood"), &m->likelihood, "likelihood", e)) {
        goto fail;
    }
    static const char *const dims[3] = {"consequence_confidentiality", "consequence_integrity",
                                        "consequence_availability"};
    int ndims = 0;
    for (int d = 0; d < 3; d++) {
        json_t *sc = json_object_get(root, dims[d]);
        if (sc) {
            if (parse_scale(sc, &m->cia[d], dims[d], e)) {
                goto fail;
            }
            ndims++;
        }
    }
    if (ndims != 0 && ndims != 3) {
        err_set(e, ERR_INVALID, "consequence",
                "method: give separate consequence scales for all three of confidentiality, "
                "integrity and availability, or for none");
        goto fail;
    }
    m->per_cia = ndims == 3;
    json_t *cons = json_object_get(root, "consequence");
    if (cons) {
        if (parse_scale(cons, &m->consequence, "consequence", e)) {
            goto fail;
        }
    } else if (!m->per_cia) {
        err_set(e, ERR_INVALID, "consequence", "consequence: a list of levels is required");
        goto fail;
    }
    if (m->per_cia) {
        int n = m->cia[0].n;
        if (m->cia[1].n != n || m->cia[2].n != n || (cons && m->consequence.n != n)) {
            err_set(e, ERR_INVALID, "consequence",
                    "method: the consequence scales must all have the same number of levels, "
                    "so the highest of them can be taken");
            goto fail;
        }
        if (!cons) {
            /* the overall scale takes the confidentiality labels */
            m->consequence.n = n;
            for (int i = 0; i < n; i++) {
                m->consequence.lv[i].label = xstrdup(m->cia[0].lv[i].label);
                m->consequence.lv[i].description = xstrdup(m->cia[0].lv[i].description);
                m->consequence.lv[i].anchor = xstrdup(m->cia[0].lv[i].anchor);
            }
        }
    }
    json_t *mx = json_object_get(root, "matrix");
    if (m->scoring == SCORING_MATRIX) {
        if (!json_is_array(mx) || json_array_size(mx) != (size_t)m->likelihood.n) {
            err_set(e, ERR_INVALID, "matrix",
                    "matrix: %d rows are required, one per likelihood level", m->likelihood.n);
            goto fail;
        }
        for (int l = 0; l < m->likelihood.n; l++) {
            json_t *row = json_array_get(mx, (size_t)l);
            if (!json_is_array(row) || json_array_size(row) != (size_t)m->consequence.n) {
                err_set(e, ERR_INVALID, "matrix",
                        "matrix[%d]: %d scores are required, one per consequence level", l + 1,
                        m->consequence.n);
                goto fail;
            }
            for (int c = 0; c < m->consequence.n; c++) {
                json_t *v = json_array_get(row, (size_t)c);
                if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                    json_integer_value(v) > 1000) {
                    err_set(e, ERR_INVALID, "matrix",
                            "matrix[%d][%d]: a whole number from 1 to 1000 is required", l + 1,
                            c + 1);
                    goto fail;
                }
                m->matrix[l][c] = (int)json_integer_value(v);
            }
        }
    } else if (mx) {
        err_set(e, ERR_INVALID, "matrix", "matrix: only used when scoring is \"matrix\"");
        goto fail;
    }

    json_t *levels = json_object_get(root, "levels");
    if (!json_is_array(levels) || json_array_size(levels) < 2 || json_array_size(levels) > 16) {
        err_set(e, ERR_INVALID, "levels", "levels: a list of 2 to 16 risk levels is required");
        goto fail;
    }
    m->nlevels = (int)json_array_size(levels);
    static const char *const lkeys[] = {"name", "label", "min", "max", "colour", "action",
                                        "review_days", NULL};
    for (int i = 0; i < m->nlevels; i++) {
        json_t *lv = json_array_get(levels, (size_t)i);
        struct risk_level *rl = &m->levels[i];
        char where[32];
        snprintf(where, sizeof where, "levels[%d]", i + 1);
        if (!json_is_object(lv)) {
            err_set(e, ERR_INVALID, "levels", "%s: an object is required", where);
            goto fail;
        }
        if (unknown_keys(lv, lkeys, where, e)) {
            goto fail;
        }
        rl->name = opt_text(lv, "name", 40, 1, where, e, &bad);
        rl->label = opt_text(lv, "label", 60, 0, where, e, &bad);
        rl->colour = opt_text(lv, "colour", 7, 1, where, e, &bad);
        rl->action = opt_text(lv, "action", 500, 0, where, e, &bad);
        if (bad || get_int(lv, "min", 0, 1000, &rl->min, where, e) ||
            get_int(lv, "max", 0, 1000, &rl->max, where, e) ||
            get_int(lv, "review_days", 1, 3650, &rl->review_days, where, e)) {
            goto fail;
        }
        for (const char *p = rl->name; *p; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
                err_set(e, ERR_INVALID, "levels",
                        "%s.name: use lower-case letters, digits and '-' (it is a value in "
                        "filters)",
                        where);
                goto fail;
            }
        }
        if (!rl->label) {
            rl->label = xstrdup(rl->name);
        }
        if (!valid_colour(rl->colour)) {
            err_set(e, ERR_INVALID, "levels", "%s.colour: use #rrggbb", where);
            goto fail;
        }
        if (rl->min > rl->max) {
            err_set(e, ERR_INVALID, "levels", "%s: min %d is above max %d", where, rl->min,
                    rl->max);
            goto fail;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(m->levels[j].name, rl->name) == 0) {
                err_set(e, ERR_INVALID, "levels", "%s: the name '%s' is used twice", where,
                        rl->name);
                goto fail;
            }
            if (rl->min <= m->levels[j].max && m->levels[j].min <= rl->max) {
                err_set(e, ERR_INVALID, "levels", "%s overlaps levels[%d] (%s)", where, j + 1,
                        m->levels[j].name);
                goto fail;
            }
        }
    }
    /* every possible score must fall in exactly one level */
    for (int l = 1; l <= m->likelihood.n; l++) {
        for (int c = 1; c <= m->consequence.n; c++) {
            int s = method_score(m, l, c);
            if (!method_level(m, s)) {
                err_set(e, ERR_INVALID, "levels",
                        "levels: score %d (likelihood %d, consequence %d) falls in no level", s, l,
                        c);
                goto fail;
            }
        }
    }
    int lo, hi;
    method_score_range(m, &lo, &hi);
    json_t *acc = json_object_get(root, "acceptance");
    static const char *const akeys[] = {"max_score", "level", NULL};
    if (!json_is_object(acc) || unknown_keys(acc, akeys, "acceptance", e)) {
        if (!json_is_object(acc)) {
            err_set(e, ERR_INVALID, "acceptance",
                    "acceptance: {\"max_score\": N} or {\"level\": NAME} is required");
        }
        goto fail;
    }
    if (json_object_get(acc, "level")) {
        const char *ln = json_string_value(json_object_get(acc, "level"));
        int found = 0;
        for (int i = 0; ln && i < m->nlevels; i++) {
            if (strcmp(m->levels[i].name, ln) == 0) {
                /* a level may reach above the highest possible score; the
                 * criterion is a score, so it stops at that highest score */
                m->accept_max = m->levels[i].max < hi ? m->levels[i].max : hi;
                found = 1;
            }
        }
        if (!found) {
            err_set(e, ERR_INVALID, "acceptance", "acceptance.level: not one of the levels");
            goto fail;
        }
    } else if (get_int(acc, "max_score", 0, hi, &m->accept_max, "acceptance", e)) {
        goto fail;
    }
    *out = m;
    return 0;
fail:
    method_free(m);
    return -1;
}

int method_parse(const char *text, struct method **out, struct err *e)
{
    json_error_t je;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        return err_set(e, ERR_INVALID, NULL, "method: not valid JSON (line %d: %s)", je.line,
                       je.text);
    }
    int rc = method_from_json(root, out, e);
    json_decref(root);
    return rc;
}

static void free_scale(struct scale *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->lv[i].label);
        free(s->lv[i].description);
        free(s->lv[i].anchor);
    }
}

void method_free(struct method *m)
{
    if (!m) {
        return;
    }
    free(m->name);
    free_scale(&m->likelihood);
    free_scale(&m->consequence);
    for (int d = 0; d < 3; d++) {
        free_scale(&m->cia[d]);
    }
    for (int i = 0; i < m->nlevels; i++) {
        free(m->levels[i].name);
        free(m->levels[i].label);
        free(m->levels[i].colour);
        free(m->levels[i].action);
    }
    free(m);
}

int method_score(const struct method *m, int l, int c)
{
    if (l < 1 || l > m->likelihood.n || c < 1 || c > m->consequence.n) {
        return 0;
    }
    return m->scoring == SCORING_MATRIX ? m->matrix[l - 1][c - 1] : l * c;
}

const struct risk_level *method_level(const struct method *m, int score)
{
    for (int i = 0; i < m->nlevels; i++) {
        if (score >= m->levels[i].min && score <= m->levels[i].max) {
            return &m->levels[i];
        }
    }
    return NULL;
}

static void scale_json(struct jw *w, const char *key, const struct scale *s)
{
    jw_key(w, key);
    jw_arr(w);
    for (int i = 0; i < s->n; i++) {
        jw_obj(w);
        jw_key(w, "label");
        jw_str(w, s->lv[i].label);
        if (s->lv[i].description) {
            jw_key(w, "description");
            jw_str(w, s->lv[i].description);
        }
        if (s->lv[i].anchor) {
            jw_key(w, "anchor");
            jw_str(w, s->lv[i].anchor);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

void method_json(const struct method *m, struct buf *out, int pretty)
{
    struct jw w;
    jw_init(&w, out, pretty);
    jw_obj(&w);
    jw_key(&w, "name");
    jw_str(&w, m->name);
    jw_key(&w, "scoring");
    jw_str(&w, m->scoring == SCORING_MATRIX ? "matrix" : "product");
    scale_json(&w, "likelihood", &m->likelihood);
    scale_json(&w, "consequence", &m->consequence);
    if (m->per_cia) {
        scale_json(&w, "consequence_confidentiality", &m->cia[0]);
        scale_json(&w, "consequence_integrity", &m->cia[1]);
        scale_json(&w, "consequence_availability", &m->cia[2]);
    }
    if (m->scoring == SCORING_MATRIX) {
        jw_key(&w, "matrix");
        jw_arr(&w);
        for (int l = 0; l < m->likelihood.n; l++) {
            jw_arr(&w);
            for (int c = 0; c < m->consequence.n; c++) {
                jw_int(&w, m->matrix[l][c]);
            }
            jw_arr_end(&w);
        }
        jw_arr_end(&w);
    }
    jw_key(&w, "levels");
    jw_arr(&w);
    for (int i = 0; i < m->nlevels; i++) {
        const struct risk_level *rl = &m->levels[i];
        jw_obj(&w);
        jw_key(&w, "name");
        jw_str(&w, rl->name);
        jw_key(&w, "label");
        jw_str(&w, rl->label);
        jw_key(&w, "min");
        jw_int(&w, rl->min);
        jw_key(&w, "max");
        jw_int(&w, rl->max);
        jw_key(&w, "colour");
        jw_str(&w, rl->colour);
        if (rl->action) {
            jw_key(&w, "action");
            jw_str(&w, rl->action);
        }
        jw_key(&w, "review_days");
        jw_int(&w, rl->review_days);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_key(&w, "acceptance");
    jw_obj(&w);
    jw_key(&w, "max_score");
    jw_int(&w, m->accept_max);
    jw_obj_end(&w);
    jw_obj_end(&w);
}

/* ---- typed edits (app_method_set): on a copy, checked as an import is ---- */

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void dup_scale(struct scale *to, const struct scale *from)
{
    to->n = from->n;
    for (int i = 0; i < from->n; i++) {
        to->lv[i].label = dup_or_null(from->lv[i].label);
        to->lv[i].description = dup_or_null(from->lv[i].description);
        to->lv[i].anchor = dup_or_null(from->lv[i].anchor);
    }
}

struct method *method_dup(const struct method *m)
{
    struct method *d = xcalloc(1, sizeof *d);
    *d = *m; /* the numbers; every string is copied below */
    d->name = dup_or_null(m->name);
    memset(&d->likelihood, 0, sizeof d->likelihood);
    memset(&d->consequence, 0, sizeof d->consequence);
    memset(d->cia, 0, sizeof d->cia);
    dup_scale(&d->likelihood, &m->likelihood);
    dup_scale(&d->consequence, &m->consequence);
    for (int k = 0; k < 3; k++) {
        dup_scale(&d->cia[k], &m->cia[k]);
    }
    for (int i = 0; i < m->nlevels; i++) {
        d->levels[i].name = dup_or_null(m->levels[i].name);
        d->levels[i].label = dup_or_null(m->levels[i].label);
        d->levels[i].colour = dup_or_null(m->levels[i].colour);
        d->levels[i].action = dup_or_null(m->levels[i].action);
    }
    return d;
}

int method_set_name(struct method *m, const char *name, struct err *e)
{
    if (!name || !*name) {
        return err_set(e, ERR_INVALID, "name", "method.name: required");
    }
    if (!utf8_valid(name, strlen(name)) || utf8_chars(name) > 120 || text_bad_control(name, 1)) {
        return err_set(e, ERR_INVALID, "name", "method.name: at most 120 characters of plain "
                       "text");
    }
    free(m->name);
    m->name = xstrdup(name);
    return 0;
}

int method_set_scoring(struct method *m, const char *scoring, struct err *e)
{
    if (!scoring || (strcmp(scoring, "product") && strcmp(scoring, "matrix"))) {
        return err_set(e, ERR_INVALID, "scoring",
                       "method.scoring: must be \"product\" or \"matrix\"");
    }
    if (strcmp(scoring, "matrix") == 0 && m->scoring != SCORING_MATRIX) {
        /* start the matrix from the products, to be edited by import */
        for (int l = 1; l <= m->likelihood.n; l++) {
            for (int c = 1; c <= m->consequence.n; c++) {
                m->matrix[l - 1][c - 1] = l * c;
            }
        }
        m->scoring = SCORING_MATRIX;
    } else if (strcmp(scoring, "product") == 0) {
        memset(m->matrix, 0, sizeof m->matrix);
        m->scoring = SCORING_PRODUCT;
    }
    return 0;
}

int method_set_accept_max(struct method *m, int max_score, struct err *e)
{
    int lo, hi;
    method_score_range(m, &lo, &hi);
    if (max_score < 0 || max_score > hi) {
        return err_set(e, ERR_INVALID, "max_score", "acceptance.max_score: %d is outside 0..%d",
                       max_score, hi);
    }
    m->accept_max = max_score;
    return 0;
}

int method_set_accept_level(struct method *m, const char *level, struct err *e)
{
    int lo, hi;
    method_score_range(m, &lo, &hi);
    for (int i = 0; level && i < m->nlevels; i++) {
        if (strcmp(m->levels[i].name, level) == 0) {
            /* as an import: the criterion is a score, at most the highest one */
            m->accept_max = m->levels[i].max < hi ? m->levels[i].max : hi;
            return 0;
        }
    }
    return err_set(e, ERR_INVALID, "acceptance", "acceptance.level: not one of the levels");
}
