/* ldap_auth.c — LDAP sign-in (OpenLDAP's libldap): StartTLS (required
 * unless the URL is ldaps://, with the certificate checked against
 * --ca-file or the system's), the user's entry found with a service bind
 * (or anonymously) and --user-filter under --base, or named by
 * --dn-template; then a simple bind as that entry with the password typed.
 * An empty password is refused before anything is sent (it would be an
 * "unauthenticated bind", which many servers answer with success). The
 * name is escaped per RFC 4515 in filters and RFC 4514 in a DN. Groups come
 * from a group search (--group-base, --group-filter) or the entry's
 * memberOf; --disabled-filter names entries that may not sign in. */
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/buf.h"
#include "../lib/text.h"
#include "../lib/util.h"
#include "app_int.h"
#include "sso.h"

#define LDAP_SECONDS 5

int ldap_filter_escape(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        int special = *p == '*' || *p == '(' || *p == ')' || *p == '\\' || *p < 0x20 || *p == 0x7f;
        if (k + (special ? 3 : 1) >= size) {
            return -1;
        }
        if (special) {
            k += (size_t)snprintf(out + k, size - k, "\\%02x", *p);
        } else {
            out[k++] = (char)*p;
        }
    }
    out[k] = 0;
    return 0;
}

/* RFC 4514: a value inside a DN. */
static int dn_escape(const char *in, char *out, size_t size)
{
    size_t k = 0, n = strlen(in);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        int special = strchr(",+\"\\<>;=", c) != NULL || (i == 0 && (c == '#' || c == ' ')) ||
                      (i == n - 1 && c == ' ');
        if (c < 0x20 || c == 0x7f) {
            if (k + 3 >= size) {
                return -1;
            }
            k += (size_t)snprintf(out + k, size - k, "\\%02x", c);
            continue;
        }
        if (k + (special ? 2 : 1) >= size) {
            return -1;
        }
        if (special) {
            out[k++] = '\\';
        }
        out[k++] = (char)c;
    }
    out[k] = 0;
    return 0;
}

/* template with every {key} replaced by value (already escaped). */
static void fill(struct buf *b, const char *tmpl, const char *key, const char *value)
{
    size_t kl = strlen(key);
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, key, kl) == 0) {
            buf_puts(b, value);
            p += kl;
        } else {
            buf_putc(b, *p++);
        }
    }
}

static int ldap_fail(struct err *e, int rc, const char *what)
{
    return err_set(e, ERR_UNAVAILABLE, NULL, "the directory %s: %s", what, ldap_err2string(rc));
}

static int simple_bind(LDAP *ld, const char *dn, const char *pw)
{
    struct berval cred;
    cred.bv_val = (char *)pw;
    cred.bv_len = strlen(pw);
    return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

static int search(LDAP *ld, const char *base, int scope, const char *filter, char **attrs,
                  int limit, LDAPMessage **res)
{
    struct timeval tv = {LDAP_SECONDS, 0};
    *res = NULL;
    return ldap_search_ext_s(ld, base, scope, filter, attrs, 0, NULL, NULL, &tv, limit, res);
}

struct ldap_user {
    char dn[1024];
    char mail[256];
    char *groups[SSO_MAX_GROUPS];
    int ngroups;
};

static void add_group(struct ldap_user *u, const char *g, size_t n)
{
    if (u->ngroups < SSO_MAX_GROUPS && n < 512) {
        char *s = malloc(n + 1);
        if (s) {
            memcpy(s, g, n);
            s[n] = 0;
            u->groups[u->ngroups++] = s;
        }
    }
}

static void values(LDAP *ld, LDAPMessage *entry, const char *attr, struct ldap_user *u, char *first,
                   size_t fsize)
{
    struct berval **v = ldap_get_values_len(ld, entry, attr);
    for (int i = 0; v && v[i]; i++) {
        if (first) {
            if (i == 0 && v[i]->bv_len < fsize) {
                memcpy(first, v[i]->bv_val, v[i]->bv_len);
                first[v[i]->bv_len] = 0;
            }
        } else {
            add_group(u, v[i]->bv_val, v[i]->bv_len);
        }
    }
    ldap_value_free_len(v);
}

/* The directory's answer for name/password into u: 0, or -1 with e
 * (ERR_UNAUTH for a refusal, why in *why for the security log). */
static int directory(const json_t *cfg, const char *name, const char *pw, struct ldap_user *u,
                     char *why, size_t wsize, struct err *e)
{
    const char *url = sso_cfg_str(cfg, "url");
    LDAP *ld = NULL;
    int rc = ldap_initialize(&ld, url);
    if (rc != LDAP_SUCCESS) {
        return ldap_fail(e, rc, "URL is not usable");
    }
    int ret = -1;
    int v3 = LDAP_VERSION3;
    struct timeval tv = {LDAP_SECONDS, 0};
    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    int demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    if (sso_cfg_str(cfg, "ca-file")[0]) {
        ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, sso_cfg_str(cfg, "ca-file"));
    }
    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
    if (strncmp(url, "ldap://", 7) == 0 && strcmp(sso_cfg_str(cfg, "starttls"), "off") != 0 &&
        (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
        ldap_fail(e, rc, "refused StartTLS (or its certificate is not trusted)");
        goto out;
    }
    char esc[400];
    if (ldap_filter_escape(name, esc, sizeof esc)) {
        err_set(e, ERR_UNAUTH, "name", "name: too long");
        goto out;
    }
    const char *tmpl = sso_cfg_str(cfg, "dn-template");
    if (tmpl[0]) {
        char dne[400];
        struct buf b;
        buf_init(&b, 0);
        if (dn_escape(name, dne, sizeof dne) == 0) {
            fill(&b, tmpl, "{user}", dne);
        }
        strlcpy_(u->dn, buf_str(&b), sizeof u->dn);
        buf_free(&b);
    } else {
        const char *bind_dn = sso_cfg_str(cfg, "bind-dn");
        if (bind_dn[0] &&
            (rc = simple_bind(ld, bind_dn, sso_cfg_str(cfg, "bind-password"))) != LDAP_SUCCESS) {
            ldap_fail(e, rc, "refused the service account (--bind-dn)");
            goto out;
        }
        struct buf f;
        buf_init(&f, 0);
        fill(&f, sso_cfg_str(cfg, "user-filter"), "{user}", esc);
        LDAPMessage *res = NULL;
        char *no_attrs[] = {LDAP_NO_ATTRS, NULL};
        rc = search(ld, sso_cfg_str(cfg, "base"), LDAP_SCOPE_SUBTREE, buf_str(&f), no_attrs, 2,
                    &res);
        buf_free(&f);
        int count = res ? ldap_count_entries(ld, res) : 0;
        if (rc == LDAP_SIZELIMIT_EXCEEDED || count > 1) {
            ldap_msgfree(res);
            snprintf(why, wsize, "the name matches more than one directory entry");
            err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
            goto out;
        }
        if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
            ldap_msgfree(res);
            ldap_fail(e, rc, "search for the user failed");
            goto out;
        }
        if (count == 0) {
            ldap_msgfree(res);
            snprintf(why, wsize, "no directory entry for this name");
            err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
            goto out;
        }
        char *dn = ldap_get_dn(ld, ldap_first_entry(ld, res));
        strlcpy_(u->dn, dn ? dn : "", sizeof u->dn);
        ldap_memfree(dn);
        ldap_msgfree(res);
    }
    if (!u->dn[0]) {
        err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
        goto out;
    }
    rc = simple_bind(ld, u->dn, pw);
    if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INVALID_DN_SYNTAX ||
        rc == LDAP_NO_SUCH_OBJECT || rc == LDAP_UNWILLING_TO_PERFORM) {
        snprintf(why, wsize, "the directory refused the password (%s)", ldap_err2string(rc));
        err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
        goto out;
    }
    if (rc != LDAP_SUCCESS) {
        ldap_fail(e, rc, "bind failed");
        goto out;
    }
    /* bound as the user: its entry, whether it is disabled, its groups */
    LDAPMessage *res = NULL;
    const char *mail_attr = sso_cfg_str(cfg, "mail-attr");
    const char *group_attr = sso_cfg_str(cfg, "group-attr");
    char *attrs[] = {(char *)mail_attr, (char *)group_attr, NULL};
    rc = search(ld, u->dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 1, &res);
    LDAPMessage *entry = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
    if (!entry) {
        ldap_msgfree(res);
        ldap_fail(e, rc == LDAP_SUCCESS ? LDAP_NO_SUCH_OBJECT : rc, "cannot read the user's entry");
        goto out;
    }
    values(ld, entry, mail_attr, u, u->mail, sizeof u->mail);
    if (!sso_cfg_str(cfg, "group-base")[0]) {
        values(ld, entry, group_attr, u, NULL, 0);
    }
    ldap_msgfree(res);
    const char *dis = sso_cfg_str(cfg, "disabled-filter");
    if (dis[0]) {
        char *no_attrs[] = {LDAP_NO_ATTRS, NULL};
        rc = search(ld, u->dn, LDAP_SCOPE_BASE, dis, no_attrs, 1, &res);
        int hit = rc == LDAP_SUCCESS && ldap_count_entries(ld, res) > 0;
        ldap_msgfree(res);
        if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
            ldap_fail(e, rc, "cannot check whether the account is disabled");
            goto out;
        }
        if (hit) {
            snprintf(why, wsize, "the directory account is disabled (%.100s)", dis);
            err_set(e, ERR_UNAUTH, NULL, "this directory account is disabled");
            goto out;
        }
    }
    const char *gbase = sso_cfg_str(cfg, "group-base");
    if (gbase[0]) {
        char dne[1200];
        if (ldap_filter_escape(u->dn, dne, sizeof dne)) {
            ldap_fail(e, LDAP_FILTER_ERROR, "group search: the DN is too long");
            goto out;
        }
        struct buf f, f2;
        buf_init(&f, 0);
        buf_init(&f2, 0);
        fill(&f, sso_cfg_str(cfg, "group-filter"), "{dn}", dne);
        fill(&f2, buf_str(&f), "{user}", esc);
        char *cn[] = {"cn", NULL};
        rc = search(ld, gbase, LDAP_SCOPE_SUBTREE, buf_str(&f2), cn, SSO_MAX_GROUPS, &res);
        buf_free(&f);
        buf_free(&f2);
        if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED && rc != LDAP_NO_SUCH_OBJECT) {
            ldap_msgfree(res);
            ldap_fail(e, rc, "group search failed");
            goto out;
        }
        for (LDAPMessage *g = res ? ldap_first_entry(ld, res) : NULL; g;
             g = ldap_next_entry(ld, g)) {
            char *gdn = ldap_get_dn(ld, g);
            if (gdn) {
                add_group(u, gdn, strlen(gdn));
            }
            ldap_memfree(gdn);
            values(ld, g, "cn", u, NULL, 0);
        }
        ldap_msgfree(res);
    }
    ret = 0;
out:
    ldap_unbind_ext_s(ld, NULL, NULL);
    return ret;
}

int ldap_sign_in(struct app *a, const char *name, const char *password, const char *address,
                 char sid[72], int *totp_due, struct err *e)
{
    json_t *cfg = NULL;
    if (sso_config_load(a, "ldap", &cfg, e)) {
        return -1;
    }
    if (!cfg) {
        return err_set(e, ERR_NOTFOUND, NULL, "directory sign-in is not set up for this ISMS");
    }
    if (store_readonly(a->st)) {
        json_decref(cfg);
        return store_readonly_err(a->st, e);
    }
    char why[300] = "";
    char logname[72];
    snprintf(logname, sizeof logname, "%.64s", name ? name : "");
    size_t nl = name ? strlen(name) : 0;
    int rc = -1;
    struct ldap_user u;
    memset(&u, 0, sizeof u);
    if (!nl || nl > 64 || !utf8_valid(name, nl) || text_bad_control(name, 0)) {
        snprintf(why, sizeof why, "the name is empty, too long or not plain text");
        err_set(e, ERR_UNAUTH, "name", "name: 1-64 characters of plain text");
        strlcpy_(logname, "(invalid name)", sizeof logname);
    } else if (!password || !password[0]) {
        snprintf(why, sizeof why, "empty password (never sent: it would be an anonymous bind)");
        err_set(e, ERR_UNAUTH, "password", "password: empty");
    } else if (strlen(password) > 1024) {
        snprintf(why, sizeof why, "password too long");
        err_set(e, ERR_UNAUTH, NULL, "wrong name or password");
    } else if (directory(cfg, name, password, &u, why, sizeof why, e) == 0) {
        char subject[1024];
        size_t k = 0;
        for (; u.dn[k] && k + 1 < sizeof subject; k++) {
            subject[k] = (char)((u.dn[k] >= 'A' && u.dn[k] <= 'Z') ? u.dn[k] + 32 : u.dn[k]);
        }
        subject[k] = 0;
        struct sso_who who;
        memset(&who, 0, sizeof who);
        who.provider = "ldap";
        who.subject = subject;
        who.name = name;
        who.email = u.mail;
        who.email_verified = 1; /* the directory is the organization's own record */
        for (int i = 0; i < u.ngroups; i++) {
            who.groups[who.ngroups++] = u.groups[i];
        }
        rc = sso_sign_in(a, "ldap", cfg, &who, address, sid, totp_due, e);
        why[0] = 0; /* logged by sso_sign_in */
    }
    for (int i = 0; i < u.ngroups; i++) {
        free(u.groups[i]);
    }
    if (rc && why[0]) {
        sso_log_failure(a, "ldap", logname, address, why);
    } else if (rc && e->code == ERR_UNAVAILABLE) {
        sso_log_failure(a, "ldap", logname, address, e->msg);
    }
    json_decref(cfg);
    return rc;
}
