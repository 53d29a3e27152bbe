/* sso.c — what OpenID Connect (oidc.c) and LDAP (ldap_auth.c) sign-in
 * share: their settings per ISMS (checked here, kept as JSON in
 * sso_config), local password sign-in on or off, and the one path from a
 * verified external identity to a session: the identity's account (linked
 * once, in sso_identity), else the account of the person with that
 * verified e-mail, else an account made just in time when allowed; the
 * role from the groups when a mapping is set; every refusal in the
 * security log. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/json.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "../model/perm.h"
#include "../store/store_sso.h"
#include "app_int.h"
#include "seclog.h"
#include "sso.h"

/* The options of each kind: name as typed after --, whether it is a
 * secret (given on stdin, shown as "(set)"), a URL, required. */
struct sso_opt {
    const char *name;
    int secret, url, required;
    const char *fallback; /* used when unset */
};

static const struct sso_opt oidc_opts[] = {
    {"issuer", 0, 1, 1, NULL},
    {"client-id", 0, 0, 1, NULL},
    {"client-secret", 1, 0, 1, NULL},
    {"redirect", 0, 1, 0, NULL},
    {"role-claim", 0, 0, 0, "groups"},
    {"scopes", 0, 0, 0, "openid email profile"},
    {"label", 0, 0, 0, "single sign-on"},
    {"jit", 0, 0, 0, "off"},
    {NULL, 0, 0, 0, NULL},
};

static const struct sso_opt ldap_opts[] = {
    {"url", 0, 1, 1, NULL},
    {"base", 0, 0, 0, NULL},
    {"user-filter", 0, 0, 0, "(uid={user})"},
    {"dn-template", 0, 0, 0, NULL},
    {"bind-dn", 0, 0, 0, NULL},
    {"bind-password", 1, 0, 0, NULL},
    {"starttls", 0, 0, 0, "required"},
    {"ca-file", 0, 0, 0, NULL},
    {"group-base", 0, 0, 0, NULL},
    {"group-filter", 0, 0, 0, "(member={dn})"},
    {"group-attr", 0, 0, 0, "memberOf"},
    {"disabled-filter", 0, 0, 0, NULL},
    {"mail-attr", 0, 0, 0, "mail"},
    {"label", 0, 0, 0, "directory (LDAP)"},
    {"jit", 0, 0, 0, "off"},
    {NULL, 0, 0, 0, NULL},
};

static const struct sso_opt *opts_of(const char *kind)
{
    return strcmp(kind, "oidc") == 0 ? oidc_opts : strcmp(kind, "ldap") == 0 ? ldap_opts : NULL;
}

static const struct sso_opt *opt_find(const struct sso_opt *o, const char *name)
{
    for (; o && o->name; o++) {
        if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

int sso_config_load(struct app *a, const char *kind, json_t **out, struct err *e)
{
    char *text = NULL;
    *out = NULL;
    if (store_sso_config_get(a->st, kind, &text, e)) {
        return -1;
    }
    if (!text) {
        return 0;
    }
    json_error_t je;
    *out = json_loads(text, 0, &je);
    free(text);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set(e, ERR_STORAGE, NULL, "the %s settings in the file are damaged", kind);
    }
    /* the fallbacks, so that every reader sees one value */
    for (const struct sso_opt *o = opts_of(kind); o && o->name; o++) {
        if (o->fallback && !json_is_string(json_object_get(*out, o->name))) {
            json_object_set_new(*out, o->name, json_string(o->fallback));
        }
    }
    return 0;
}

const char *sso_cfg_str(const json_t *cfg, const char *key)
{
    const char *s = json_string_value(json_object_get(cfg, key));
    return s ? s : "";
}

/* http(s)://host[:port][/path] — https unless the host is this machine
 * (the loopback providers of the tests, a provider on the same host). */
static int check_url(const char *kind, const char *name, const char *v, struct err *e)
{
    int loopback = 0;
    const char *rest = NULL;
    if (strcmp(kind, "ldap") == 0) {
        if (strncmp(v, "ldaps://", 8) == 0) {
            rest = v + 8;
        } else if (strncmp(v, "ldap://", 7) == 0) {
            rest = v + 7;
        }
    } else if (strncmp(v, "https://", 8) == 0) {
        rest = v + 8;
    } else if (strncmp(v, "http://", 7) == 0) {
        rest = v + 7;
        loopback = 1;
    }
    if (!rest || !rest[0] || rest[0] == '/' || strchr(v, ' ') || strchr(v, '#') ||
        (strcmp(kind, "oidc") == 0 && strchr(v, '?'))) {
        return err_set(e, ERR_INVALID, name, "%s: not a URL (%s)", name,
                       strcmp(kind, "ldap") == 0 ? "ldap://HOST[:PORT] or ldaps://HOST[:PORT]"
                                                 : "https://HOST[/PATH]");
    }
    if (loopback && strncmp(rest, "127.0.0.1", 9) != 0 && strncmp(rest, "localhost", 9) != 0 &&
        strncmp(rest, "[::1]", 5) != 0) {
        return err_set(e, ERR_INVALID, name,
                       "%s: must be https:// (plain http only for this machine, 127.0.0.1)", name);
    }
    return 0;
}

static int is_loopback_url(const char *v)
{
    const char *p = strstr(v, "://");
    p = p ? p + 3 : v;
    return strncmp(p, "127.0.0.1", 9) == 0 || strncmp(p, "localhost", 9) == 0 ||
           strncmp(p, "[::1]", 5) == 0;
}

static int check_value(const char *kind, const struct sso_opt *o, const char *v, struct err *e)
{
    size_t n = strlen(v);
    if (n > 1000 || !utf8_valid(v, n) || text_bad_control(v, 0)) {
        return err_set(e, ERR_INVALID, o->name, "%s: at most 1000 characters of plain text",
                       o->name);
    }
    if (o->url && n) {
        return check_url(kind, o->name, v, e);
    }
    if (strcmp(o->name, "jit") == 0 && strcmp(v, "on") && strcmp(v, "off")) {
        return err_set(e, ERR_INVALID, "jit", "jit: on or off");
    }
    if (strcmp(o->name, "starttls") == 0 && strcmp(v, "required") && strcmp(v, "off")) {
        return err_set(e, ERR_INVALID, "starttls", "starttls: required or off");
    }
    if ((strcmp(o->name, "user-filter") == 0 || strcmp(o->name, "group-filter") == 0 ||
         strcmp(o->name, "disabled-filter") == 0) &&
        n && (v[0] != '(' || v[n - 1] != ')')) {
        return err_set(e, ERR_INVALID, o->name, "%s: an LDAP filter in parentheses", o->name);
    }
    if (strcmp(o->name, "user-filter") == 0 && n && !strstr(v, "{user}")) {
        return err_set(e, ERR_INVALID, o->name, "user-filter: must contain {user}");
    }
    if (strcmp(o->name, "dn-template") == 0 && n && !strstr(v, "{user}")) {
        return err_set(e, ERR_INVALID, o->name, "dn-template: must contain {user}");
    }
    if (strcmp(o->name, "scopes") == 0 && n && strncmp(v, "openid", 6) != 0) {
        return err_set(e, ERR_INVALID, o->name, "scopes: must start with openid");
    }
    return 0;
}

int sso_config_set(struct app *a, const char *kind, const struct kv *kv, int n,
                   const char *const *maps, int nmaps, const char *secret, struct err *e)
{
    const struct sso_opt *opts = opts_of(kind);
    if (!opts) {
        return err_set(e, ERR_USAGE, NULL, "single sign-on kinds: oidc, ldap");
    }
    json_t *cfg = NULL;
    if (sso_config_load(a, kind, &cfg, e)) {
        return -1;
    }
    if (!cfg) {
        cfg = json_object();
    }
    int rc = -1;
    for (int i = 0; i < n; i++) {
        const struct sso_opt *o = opt_find(opts, kv[i].name);
        if (!o || o->secret) {
            err_set(e, ERR_USAGE, kv[i].name,
                    o ? "%s: give it on stdin (--%s-stdin), never on the command line"
                      : "%s: not a setting of %s single sign-on",
                    kv[i].name, o ? kv[i].name : kind);
            goto out;
        }
        const char *v = kv[i].value ? kv[i].value : "";
        if (check_value(kind, o, v, e)) {
            goto out;
        }
        if (v[0]) {
            json_object_set_new(cfg, o->name, json_string(v));
        } else {
            json_object_del(cfg, o->name);
        }
    }
    if (secret) {
        const struct sso_opt *o = strcmp(kind, "oidc") == 0 ? opt_find(opts, "client-secret")
                                                            : opt_find(opts, "bind-password");
        size_t sn = strlen(secret);
        if (sn > 1000 || !utf8_valid(secret, sn) || text_bad_control(secret, 0)) {
            err_set(e, ERR_INVALID, o->name, "%s: at most 1000 characters of plain text", o->name);
            goto out;
        }
        json_object_set_new(cfg, o->name, json_string(secret));
    }
    if (nmaps > 0) {
        json_t *m = json_array();
        json_object_set_new(cfg, "map", m);
        for (int i = 0; i < nmaps; i++) {
            const char *eq = strrchr(maps[i], '=');
            if (!eq || eq == maps[i] || role_parse(eq + 1) == ROLE_NONE || eq - maps[i] > 400 ||
                !utf8_valid(maps[i], strlen(maps[i])) || text_bad_control(maps[i], 0)) {
                err_set(e, ERR_INVALID, "map",
                        "map: GROUP=ROLE, ROLE one of admin, manager, owner, top-management, "
                        "auditor, staff (got %.60s)",
                        maps[i]);
                goto out;
            }
            json_array_append_new(m, json_pack("[s#s]", maps[i], (int)(eq - maps[i]), eq + 1));
        }
        if (nmaps > 32) {
            err_set(e, ERR_INVALID, "map", "map: at most 32 mappings");
            goto out;
        }
    }
    /* the whole: what is required, and what only makes sense together */
    for (const struct sso_opt *o = opts; o->name; o++) {
        if (o->required && !json_is_string(json_object_get(cfg, o->name))) {
            err_set(e, ERR_INVALID, o->name, "%s: required (--%s%s)", o->name, o->name,
                    o->secret ? "-stdin" : " VALUE");
            goto out;
        }
    }
    if (strcmp(kind, "ldap") == 0) {
        const char *url = sso_cfg_str(cfg, "url");
        const char *tls = sso_cfg_str(cfg, "starttls");
        if (strncmp(url, "ldap://", 7) == 0 && strcmp(tls, "off") == 0 && !is_loopback_url(url)) {
            err_set(e, ERR_INVALID, "starttls",
                    "starttls: passwords would cross the network in clear; use --starttls "
                    "required or an ldaps:// URL");
            goto out;
        }
        if (strncmp(url, "ldaps://", 8) == 0 && strcmp(tls, "required") == 0 &&
            json_object_get(cfg, "starttls")) {
            json_object_set_new(cfg, "starttls", json_string("off")); /* TLS from the start */
        }
        if (!sso_cfg_str(cfg, "dn-template")[0] && !sso_cfg_str(cfg, "base")[0]) {
            err_set(e, ERR_INVALID, "base",
                    "base: required to search for the user (or give --dn-template)");
            goto out;
        }
        if (sso_cfg_str(cfg, "bind-dn")[0] && !sso_cfg_str(cfg, "bind-password")[0]) {
            err_set(e, ERR_INVALID, "bind-password",
                    "bind-password: the service account needs one (--bind-password-stdin)");
            goto out;
        }
    }
    char *text = json_dumps(cfg, JSON_SORT_KEYS | JSON_COMPACT);
    char now[21];
    time_now(now);
    if (store_begin(a->st, e) == 0) {
        if (store_sso_config_put(a->st, kind, text, now, e)) {
            store_rollback(a->st);
        } else {
            store_seclog_add(a->st, now, "sso-config", NULL, a->actor, NULL, kind, e);
            rc = store_commit(a->st, e);
        }
    }
    free(text);
out:
    json_decref(cfg);
    return rc;
}

int sso_config_clear(struct app *a, const char *kind, struct err *e)
{
    if (!opts_of(kind)) {
        return err_set(e, ERR_USAGE, NULL, "single sign-on kinds: oidc, ldap");
    }
    char now[21];
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (store_sso_config_delete(a->st, kind, e) ||
        store_seclog_add(a->st, now, "sso-config", NULL, a->actor, NULL, "cleared", e)) {
        store_rollback(a->st);
        return -1;
    }
    return store_commit(a->st, e);
}

int sso_local_enabled(struct app *a)
{
    char *text = NULL;
    struct err e = {0};
    if (store_sso_config_get(a->st, "local", &text, &e)) {
        return 1; /* no answer from the file: the password check decides */
    }
    int off = text && strstr(text, "\"off\"") != NULL;
    free(text);
    return !off;
}

int sso_local_set(struct app *a, int on, struct err *e)
{
    char now[21];
    time_now(now);
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (store_sso_config_put(a->st, "local",
                             on ? "{\"password\":\"on\"}" : "{\"password\":\"off\"}", now, e) ||
        store_seclog_add(a->st, now, "sso-config", NULL, a->actor, NULL,
                         on ? "local passwords on" : "local passwords off", e)) {
        store_rollback(a->st);
        return -1;
    }
    return store_commit(a->st, e);
}

int sso_show(struct app *a, struct buf *out, int json, struct err *e)
{
    static const char *const kinds[] = {"oidc", "ldap"};
    json_t *cfg[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (sso_config_load(a, kinds[k], &cfg[k], e)) {
            json_decref(cfg[0]);
            return -1;
        }
    }
    int local = sso_local_enabled(a);
    struct jw w;
    if (json) {
        jw_init(&w, out, 1);
        jw_obj(&w);
        jw_key(&w, "local_passwords");
        jw_bool(&w, local);
    } else {
        buf_printf(out, "local passwords on the web: %s\n", local ? "on" : "off");
    }
    for (int k = 0; k < 2; k++) {
        const struct sso_opt *opts = opts_of(kinds[k]);
        if (json) {
            jw_key(&w, kinds[k]);
        }
        if (!cfg[k]) {
            if (json) {
                jw_null(&w);
            } else {
                buf_printf(out, "%s: not set up\n", kinds[k]);
            }
            continue;
        }
        if (json) {
            jw_obj(&w);
        } else {
            buf_printf(out, "%s:\n", kinds[k]);
        }
        for (const struct sso_opt *o = opts; o->name; o++) {
            const char *v = sso_cfg_str(cfg[k], o->name);
            if (!v[0] && !json) {
                continue;
            }
            const char *shown = o->secret && v[0] ? "(set)" : v;
            if (json) {
                jw_key(&w, o->name);
                if (v[0]) {
                    jw_str(&w, shown);
                } else {
                    jw_null(&w);
                }
            } else {
                buf_printf(out, "  %-16s %s\n", o->name, shown);
            }
        }
        json_t *m = json_object_get(cfg[k], "map");
        if (json) {
            jw_key(&w, "map");
            jw_arr(&w);
        }
        for (size_t i = 0; i < json_array_size(m); i++) {
            const char *g = json_string_value(json_array_get(json_array_get(m, i), 0));
            const char *r = json_string_value(json_array_get(json_array_get(m, i), 1));
            if (json) {
                jw_obj(&w);
                jw_key(&w, "group");
                jw_str(&w, g);
                jw_key(&w, "role");
                jw_str(&w, r);
                jw_obj_end(&w);
            } else {
                buf_printf(out, "  map              %s -> %s\n", g ? g : "", r ? r : "");
            }
        }
        if (json) {
            jw_arr_end(&w);
            jw_obj_end(&w);
        }
    }
    if (json) {
        jw_obj_end(&w);
        buf_putc(out, '\n');
    }
    json_decref(cfg[0]);
    json_decref(cfg[1]);
    return 0;
}

struct ident_out {
    struct buf *b;
    struct jw *w;
    int n;
};

static int ident_row(void *ctx, const struct sso_identity_row *r)
{
    struct ident_out *o = ctx;
    o->n++;
    if (o->w) {
        jw_obj(o->w);
        jw_key(o->w, "provider");
        jw_str(o->w, r->provider);
        jw_key(o->w, "subject");
        jw_str(o->w, r->subject);
        jw_key(o->w, "account");
        jw_str(o->w, r->account);
        jw_key(o->w, "linked");
        jw_str(o->w, r->created);
        jw_key(o->w, "last_login");
        jw_str(o->w, r->last_login);
        jw_obj_end(o->w);
    } else {
        buf_printf(o->b, "%-20s %-22s %s  %s\n", r->account ? r->account : "",
                   r->last_login ? r->last_login : "-", r->provider ? r->provider : "",
                   r->subject ? r->subject : "");
    }
    return 0;
}

int sso_identities(struct app *a, struct buf *out, int json, struct err *e)
{
    struct jw w;
    struct ident_out o = {out, json ? &w : NULL, 0};
    if (json) {
        jw_init(&w, out, 1);
        jw_arr(&w);
    }
    if (store_sso_identities(a->st, ident_row, &o, e)) {
        return -1;
    }
    if (json) {
        jw_arr_end(&w);
        buf_putc(out, '\n');
    } else if (!o.n) {
        buf_puts(out, "no identity is linked to an account yet\n");
    }
    return 0;
}

/* ---- identity to session ------------------------------------------------ */

struct acc_brief {
    char name[72], role[32];
    int found;
};

static int grab_brief(void *ctx, const struct account_row *r)
{
    struct acc_brief *b = ctx;
    b->found = 1;
    strlcpy_(b->name, r->name, sizeof b->name);
    strlcpy_(b->role, r->role, sizeof b->role);
    return 0;
}

void sso_log_failure(struct app *a, const char *kind, const char *account, const char *address,
                     const char *why)
{
    char now[21], detail[1000], logged[96];
    struct err e = {0};
    time_now(now);
    snprintf(detail, sizeof detail, "%s: %s", kind, why);
    if (store_begin(a->st, &e) == 0) {
        /* a name typed at the password or directory form that is no
         * account's is written as a keyed hash, as a failed password
         * sign-in's (app_seclog_name): it is often a password */
        if (account) {
            struct acc_brief b = {0};
            struct err ig = {0};
            int found = store_account_get(a->st, account, 0, grab_brief, &b, &ig) == 0 && b.found;
            app_seclog_name(a, account, found, logged, sizeof logged);
            account = logged;
        }
        if (store_seclog_add(a->st, now, "sso-failed", account, a->actor, address, detail, &e)) {
            store_rollback(a->st);
        } else {
            store_commit(a->st, &e);
        }
    }
}

/* The role the groups map to: the first mapping (in the order given) that
 * names one of them, compared without case, by whole name or by a DN's
 * first value (cn=isms-admins,ou=groups,... matches "isms-admins"). */
static const char *mapped_role(const json_t *cfg, const struct sso_who *who)
{
    json_t *m = json_object_get(cfg, "map");
    for (size_t i = 0; i < json_array_size(m); i++) {
        const char *g = json_string_value(json_array_get(json_array_get(m, i), 0));
        const char *r = json_string_value(json_array_get(json_array_get(m, i), 1));
        if (!g || !r) {
            continue;
        }
        size_t gl = strlen(g);
        for (int k = 0; k < who->ngroups; k++) {
            const char *have = who->groups[k];
            if (strcasecmp(have, g) == 0) {
                return r;
            }
            const char *eq = strchr(have, '=');
            if (eq && strncasecmp(eq + 1, g, gl) == 0 && eq[1 + gl] == ',') {
                return r;
            }
        }
    }
    return NULL;
}

/* A login name from a hint (preferred_username, uid, the e-mail's local
 * part): lower case, a-z 0-9 . - _ only, at most 48 characters. */
static void name_from(const char *hint, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = hint ? hint : ""; *p && *p != '@' && k + 1 < size && k < 48; p++) {
        char c = (char)tolower((unsigned char)*p);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
            out[k++] = c;
        }
    }
    out[k] = 0;
}

static int sign_in_tx(struct app *a, const char *kind, const json_t *cfg, const struct sso_who *who,
                      const char *address, char sid[72], int *totp_due, char *logname,
                      size_t logsize, struct err *e)
{
    char now[21];
    time_now(now);
    const char *role = mapped_role(cfg, who);
    int mapping = json_array_size(json_object_get(cfg, "map")) > 0;
    if (mapping && !role) {
        return err_set(e, ERR_UNAUTH, NULL,
                       "none of your groups is mapped to a role in this ISMS; ask an "
                       "administrator");
    }
    long acc = store_sso_identity_account(a->st, who->provider, who->subject, e);
    if (acc < 0) {
        return -1;
    }
    char person[40] = "";
    if (!str_empty(who->email) && who->email_verified &&
        store_sso_person_by_email(a->st, who->email, person, e) < 0) {
        return -1;
    }
    const char *how = kind;
    if (acc == 0 && person[0]) {
        /* the account of the person with this verified e-mail: linked once */
        acc = store_sso_account_of_person(a->st, person, e);
        if (acc < 0) {
            return -1;
        }
        if (acc > 0) {
            if (store_sso_identity_add(a->st, who->provider, who->subject, acc, now, e)) {
                return -1;
            }
            how = strcmp(kind, "oidc") == 0 ? "oidc, linked by e-mail" : "ldap, linked by e-mail";
        }
    }
    if (acc == 0) {
        if (strcmp(sso_cfg_str(cfg, "jit"), "on") != 0) {
            return err_set(e, ERR_UNAUTH, NULL,
                           "no account of this ISMS belongs to you (accounts are not made on "
                           "first sign-in here); ask an administrator");
        }
        if (!role) {
            return err_set(e, ERR_UNAUTH, NULL,
                           "no role for a new account: the administrator has not mapped any "
                           "group to a role");
        }
        char base[56], name[72];
        name_from(who->name, base, sizeof base);
        if (!base[0]) {
            name_from(who->email, base, sizeof base);
        }
        if (!base[0]) {
            strlcpy_(base, "user", sizeof base);
        }
        /* a name taken by another account gets a number: never someone
         * else's account */
        for (int i = 1; i < 100 && acc == 0; i++) {
            if (i == 1) {
                snprintf(name, sizeof name, "%s", base);
            } else {
                snprintf(name, sizeof name, "%s-%d", base, i);
            }
            struct acc_brief b = {0};
            struct err ig = {0};
            if (store_account_get(a->st, name, 0, grab_brief, &b, &ig) == 0 && b.found) {
                continue;
            }
            /* "!" is no Argon2id hash: no password ever matches it */
            if (store_account_add(a->st, name, role, person[0] ? person : NULL, "!sso", now, &acc,
                                  e) ||
                store_sso_identity_add(a->st, who->provider, who->subject, acc, now, e) ||
                store_seclog_add(
                    a->st, now, "account-add", name, a->actor, address,
                    strcmp(kind, "oidc") == 0 ? "just in time, oidc" : "just in time, ldap", e)) {
                return -1;
            }
        }
        if (acc == 0) {
            return err_set(e, ERR_CONFLICT, NULL, "no free account name for %.40s", base);
        }
    }
    struct acc_brief b = {0};
    if (store_account_get(a->st, NULL, acc, grab_brief, &b, e)) {
        return -1;
    }
    strlcpy_(logname, b.name, logsize);
    if (role && strcmp(role, b.role) != 0) {
        /* the directory decides the role: a changed group changes it here */
        char detail[80];
        snprintf(detail, sizeof detail, "role=%s (from %s groups)", role, kind);
        if (store_account_set(a->st, acc, "role", role, now, e) ||
            store_session_delete_account(a->st, acc, e) ||
            store_seclog_add(a->st, now, "role-change", b.name, a->actor, address, detail, e)) {
            return -1;
        }
    }
    if (store_sso_identity_seen(a->st, who->provider, who->subject, now, e)) {
        return -1;
    }
    return app_login_account_tx(a, acc, address, how, sid, totp_due, e);
}

int sso_sign_in(struct app *a, const char *kind, const json_t *cfg, const struct sso_who *who,
                const char *address, char sid[72], int *totp_due, struct err *e)
{
    if (store_readonly(a->st)) {
        return store_readonly_err(a->st, e);
    }
    char logname[72] = "";
    if (store_begin(a->st, e)) {
        return -1;
    }
    if (sign_in_tx(a, kind, cfg, who, address, sid, totp_due, logname, sizeof logname, e)) {
        store_rollback(a->st);
        if (e->code == ERR_UNAUTH || e->code == ERR_CONFLICT) {
            char why[900];
            snprintf(why, sizeof why, "%s (%s %.200s)", e->msg, who->provider, who->subject);
            sso_log_failure(a, kind, logname[0] ? logname : NULL, address, why);
            e->code = ERR_UNAUTH;
        }
        return -1;
    }
    return store_commit(a->st, e);
}
