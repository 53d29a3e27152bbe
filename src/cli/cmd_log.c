/* cmd_log.c — accounts: `isms log`, the security log newest first
 * (src/app/seclog.h), filtered by account, event and dates, one page at a
 * time (--before ID: the page older than that entry). */
#include <stdio.h>
#include <string.h>

#include "../app/seclog.h"
#include "../lib/json.h"
#include "../lib/text.h"
#include "cli.h"

int cmd_log(struct cli *c)
{
    struct opts o;
    static const char *const allowed[] = {"account", "event", "since", "until",
                                          "before",  "limit", NULL};
    int rc = cli_parse_opts(c, c->argc, c->argv, &o, 0);
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    struct seclog_filter f = {cli_opt(&o, "account"), cli_opt(&o, "event"),
                              cli_opt(&o, "since"), cli_opt(&o, "until"), 0, 0};
    int64_t v = 0;
    const char *lim = cli_opt(&o, "limit") ? cli_opt(&o, "limit") : o.limit;
    if (lim && (int_parse(lim, &v) || v < 1 || v > SECLOG_PAGE_MAX)) {
        return cli_usage("--limit: 1 to %d entries", SECLOG_PAGE_MAX);
    }
    f.limit = (long)v;
    v = 0;
    if (cli_opt(&o, "before") && (int_parse(cli_opt(&o, "before"), &v) || v < 1)) {
        return cli_usage("--before: the number of an entry (the next page starts below it)");
    }
    f.before = (long)v;
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct seclog_page p;
    if (app_seclog_list(&a, &f, &p, &e)) {
        rc = cli_fail(&e);
        app_close(&a);
        return rc;
    }
    if (o.json) {
        struct buf b;
        struct jw w;
        buf_init(&b, 0);
        jw_init(&w, &b, 1);
        seclog_page_json(&w, &p);
        buf_putc(&b, '\n');
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else {
        struct buf b;
        buf_init(&b, 0);
        seclog_page_text(&b, &p, "isms log");
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    }
    seclog_page_free(&p);
    app_close(&a);
    return rc;
}
