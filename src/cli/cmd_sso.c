/* cmd_sso.c — `isms sso`: single sign-on settings of this ISMS (sso.h).
 *   isms sso show [--json]
 *   isms sso identities [--json]   (which external identity is which account)
 *   isms sso oidc set --issuer URL --client-id ID --client-secret-stdin [--redirect URL]
 *                     [--role-claim groups] [--map GROUP=ROLE ...] [--jit on|off] [--label T]
 *   isms sso ldap set --url ldap://HOST --base DN [--user-filter F] [--starttls required|off]
 *                     [--bind-dn DN --bind-password-stdin] [--map GROUP=ROLE ...] ...
 *   isms sso oidc|ldap clear
 *   isms sso local on|off      (password sign-in on the web; the CLI always works)
 * Secrets are read from stdin, never taken from argv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/sso.h"
#include "../lib/buf.h"
#include "cli.h"

#define SSO_USAGE                                                                                  \
    "usage: isms sso show [--json] | identities [--json] | oidc set --issuer URL --client-id ID "  \
    "[--client-secret-stdin] [--redirect URL] [--role-claim CLAIM] [--map GROUP=ROLE ...] "        \
    "[--jit on|off] [--label TEXT] [--scopes S] | ldap set --url URL [--base DN] "                 \
    "[--user-filter F] [--dn-template T] [--bind-dn DN --bind-password-stdin] "                    \
    "[--starttls required|off] [--ca-file PEM] [--group-base DN] [--group-filter F] "              \
    "[--group-attr A] [--disabled-filter F] [--mail-attr A] [--map GROUP=ROLE ...] "               \
    "[--jit on|off] [--label TEXT] | oidc|ldap clear | local on|off"

int cmd_sso(struct cli *c)
{
    const char *sub = c->argc ? c->argv[0] : "";
    struct app a;
    struct err e = {0};
    int rc = 0;
    if (!strcmp(sub, "show") || !strcmp(sub, "identities")) {
        int json = c->argc == 2 && !strcmp(c->argv[1], "--json");
        if (c->argc > 2 || (c->argc == 2 && !json)) {
            return cli_usage(SSO_USAGE);
        }
        if (cli_open(c, &a, &e)) {
            return cli_fail(&e);
        }
        struct buf b;
        buf_init(&b, 0);
        if ((sub[0] == 's' ? sso_show(&a, &b, json, &e) : sso_identities(&a, &b, json, &e))) {
            rc = cli_fail(&e);
        } else {
            fputs(buf_str(&b), stdout);
        }
        buf_free(&b);
        app_close(&a);
        return rc;
    }
    if (!strcmp(sub, "local")) {
        if (c->argc != 2 || (strcmp(c->argv[1], "on") && strcmp(c->argv[1], "off"))) {
            return cli_usage("usage: isms sso local on|off");
        }
        if (cli_open(c, &a, &e)) {
            return cli_fail(&e);
        }
        int on = !strcmp(c->argv[1], "on");
        if (sso_local_set(&a, on, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("password sign-in on the web: %s%s\n", on ? "on" : "off",
                   on ? "" : " (the command line, with the file, still works)");
        }
        app_close(&a);
        return rc;
    }
    if ((strcmp(sub, "oidc") && strcmp(sub, "ldap")) || c->argc < 2 ||
        (strcmp(c->argv[1], "set") && strcmp(c->argv[1], "clear"))) {
        return cli_usage(SSO_USAGE);
    }
    if (!strcmp(c->argv[1], "clear")) {
        if (c->argc != 2) {
            return cli_usage(SSO_USAGE);
        }
        if (cli_open(c, &a, &e)) {
            return cli_fail(&e);
        }
        if (sso_config_clear(&a, sub, &e)) {
            rc = cli_fail(&e);
        } else {
            printf("%s sign-in removed\n", sub);
        }
        app_close(&a);
        return rc;
    }
    struct kv kv[32];
    const char *maps[40];
    int n = 0, nmaps = 0, want_secret = 0;
    const char *secret_flag =
        !strcmp(sub, "oidc") ? "--client-secret-stdin" : "--bind-password-stdin";
    for (int i = 2; i < c->argc; i++) {
        const char *arg = c->argv[i];
        if (!strcmp(arg, secret_flag)) {
            want_secret = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            return cli_usage("%s: not an option\n%s", arg, SSO_USAGE);
        }
        const char *name = arg + 2, *value = NULL;
        static char names[32][64];
        const char *eq = strchr(name, '=');
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < c->argc) {
            value = c->argv[++i];
        } else {
            return cli_usage("--%s needs a value", name);
        }
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        if (nl >= 64) {
            return cli_usage("--%.40s: not an option", name);
        }
        if (nl == 3 && !strncmp(name, "map", 3)) {
            if (nmaps == 40) {
                return cli_usage("at most 32 --map options");
            }
            maps[nmaps++] = value;
            continue;
        }
        if (n == 32) {
            return cli_usage("too many options");
        }
        memcpy(names[n], name, nl);
        names[n][nl] = 0;
        kv[n].name = names[n];
        kv[n].value = value;
        n++;
    }
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    char *secret = NULL;
    if (want_secret) {
        secret = cli_read_secret(!strcmp(sub, "oidc") ? "client secret" : "bind password");
        if (!secret || !secret[0]) {
            free(secret);
            app_close(&a);
            return cli_usage("%s: nothing on stdin", secret_flag);
        }
    }
    if (sso_config_set(&a, sub, kv, n, maps, nmaps, secret, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s sign-in set\n", sub);
    }
    if (secret) {
        memset(secret, 0, strlen(secret));
        free(secret);
    }
    app_close(&a);
    return rc;
}
