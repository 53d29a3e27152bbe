/* metric.c — evaluation of measurements and objectives (metric.h). */
#include "metric.h"

#include <stdio.h>
#include <string.h>

#include "../lib/text.h"

const char *meval_name(enum meval v)
{
    switch (v) {
    case MEVAL_ON_TARGET: return "on-target";
    case MEVAL_WARNING: return "warning";
    case MEVAL_BREACH: return "breach";
    default: return "none";
    }
}

static int num(const char *s, double *out)
{
    return s && *s && number_parse(s, out) == 0;
}

static int lower_better(const char *direction)
{
    return direction && strcmp(direction, "lower") == 0;
}

enum meval metric_evaluate(const char *direction, const char *target, const char *threshold,
                           double value)
{
    double t, th;
    if (!num(target, &t)) {
        return MEVAL_NONE;
    }
    int has_th = num(threshold, &th);
    if (lower_better(direction)) {
        if (value <= t) {
            return MEVAL_ON_TARGET;
        }
        return has_th && value <= th ? MEVAL_WARNING : MEVAL_BREACH;
    }
    if (value >= t) {
        return MEVAL_ON_TARGET;
    }
    return has_th && value >= th ? MEVAL_WARNING : MEVAL_BREACH;
}

int metric_limits_check(const char *direction, const char *target, const char *threshold,
                        struct err *e)
{
    double t, th;
    if (!num(target, &t) || !num(threshold, &th)) {
        return 0;
    }
    if (lower_better(direction) && th < t) {
        return err_set(e, ERR_INVALID, "threshold",
                       "threshold: lower is better, so the escalation threshold (%s) must be at "
                       "or above the target (%s)",
                       threshold, target);
    }
    if (!lower_better(direction) && th > t) {
        return err_set(e, ERR_INVALID, "threshold",
                       "threshold: higher is better, so the escalation threshold (%s) must be at "
                       "or below the target (%s)",
                       threshold, target);
    }
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return d[m - 1];
}

int date_add_months(const char *in, int months, char out[11])
{
    int y, m, d;
    if (!in || date_parse(in, &y, &m, &d)) {
        return -1;
    }
    int idx = y * 12 + (m - 1) + months;
    y = idx / 12;
    m = idx % 12 + 1;
    if (d > days_in_month(y, m)) {
        d = days_in_month(y, m);
    }
    if (y < 1 || y > 9999) {
        return -1;
    }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 0;
}

int metric_next_due(const char *frequency, const char *last, char out[11])
{
    if (!frequency || !last) {
        return -1;
    }
    if (strcmp(frequency, "daily") == 0) {
        return date_add_days(last, 1, out);
    }
    if (strcmp(frequency, "weekly") == 0) {
        return date_add_days(last, 7, out);
    }
    static const struct {
        const char *name;
        int months;
    } f[] = {{"monthly", 1}, {"quarterly", 3}, {"half-yearly", 6}, {"yearly", 12}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (strcmp(frequency, f[i].name) == 0) {
            return date_add_months(last, f[i].months, out);
        }
    }
    return -1;
}

const char *objective_status(enum meval latest, const char *due, int ongoing, const char *today)
{
    int past = !ongoing && due && *due && today && strcmp(due, today) < 0;
    switch (latest) {
    case MEVAL_ON_TARGET: return ongoing ? "on-track" : "achieved";
    case MEVAL_WARNING:
    case MEVAL_BREACH: return past ? "missed" : "at-risk";
    default: return past ? "missed" : "planned";
    }
}
