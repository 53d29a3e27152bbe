/* cmd_document.c — `isms document submit|review|approve|publish|revise|
 * versions|show|diff|ack|acks`: document control (7.5) and
 * acknowledgement (7.3) from the terminal. Signing steps (review, approve,
 * ack) sign as the account given with --as, after its password (like a
 * login); the rest is the file owner's work, journaled as the actor. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/text.h"
#include "../lib/util.h"
#include "cli.h"

static const struct rtype *doc_type(void)
{
    return rtype_find("document");
}

/* "doc-0001" -> "DOC-0001" (prefixes are upper case). */
static void upper_ref(const char *in, char out[64])
{
    strlcpy_(out, in, 64);
    for (char *p = out; *p && *p != '-'; p++) {
        if (*p >= 'a' && *p <= 'z') {
            *p = (char)(*p - 'a' + 'A');
        }
    }
}

/* Parses ID and the allowed options, opens the file: 0, or an exit status. */
static int start(struct cli *c, int argc, char **argv, struct opts *o, const char *const *allowed,
                 int npos, const char *usage, struct app *a, char ref[64])
{
    int rc = cli_parse_opts(c, argc, argv, o, npos);
    if (rc || (rc = cli_refuse_by(o)) || (rc = cli_no_other_opts(o, allowed))) {
        return rc;
    }
    if (o->npos != npos) {
        return cli_usage("usage: isms document %s", usage);
    }
    upper_ref(o->pos[npos - 1], ref);
    struct err e = {0};
    if (cli_open(c, a, &e)) {
        return cli_fail(&e);
    }
    return 0;
}

static int show_state(struct app *a, const char *ref, const char *what)
{
    struct record *r = NULL;
    struct err e = {0};
    if (app_record_get(a, doc_type(), ref, &r, &e)) {
        return cli_fail(&e);
    }
    printf("%s %s: %s, version %s%s%s\n", ref, what, record_get(r, FIELD_STATUS),
           record_get(r, "version") ? record_get(r, "version") : "-",
           record_get(r, "in_force") ? ", in force " : "",
           record_get(r, "in_force") ? record_get(r, "in_force") : "");
    record_free(r);
    return 0;
}

int cmd_doc_submit(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"note", NULL};
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, allowed, 1, "submit ID [--note TEXT]", &a, ref);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    int n;
    if (app_document_submit(&a, ref, cli_opt(&o, "note"), &n, &e)) {
        rc = cli_fail(&e);
    } else {
        rc = show_state(&a, ref, "submitted for review");
    }
    app_close(&a);
    return rc;
}

int cmd_doc_review(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "comment", NULL};
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, allowed, 1,
                   "review ID --as ACCOUNT [--send-back --comment TEXT]", &a, ref);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_document_review(&a, ref, o.send_back, cli_opt(&o, "comment"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s: review %s by %s (account %s)\n", ref, o.send_back ? "sent back" : "signed",
               a.signer.person, a.signer.name);
    }
    app_close(&a);
    return rc;
}

int cmd_doc_approve(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", "rationale", "on-behalf-of", "evidence", NULL};
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, allowed, 1, "approve ID --as ACCOUNT [--rationale TEXT]",
                   &a, ref);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) ||
        app_document_approve(&a, ref, cli_opt(&o, "rationale"), cli_opt(&o, "on-behalf-of"),
                             cli_opt(&o, "evidence"), &e)) {
        rc = cli_fail(&e);
    } else {
        printf("approved by %s (account %s)\n", a.signer.person, a.signer.name);
        rc = show_state(&a, ref, "approved");
    }
    app_close(&a);
    return rc;
}

int cmd_doc_publish(struct cli *c, int argc, char **argv)
{
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, NULL, 1, "publish ID", &a, ref);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    rc = app_document_publish(&a, ref, &e) ? cli_fail(&e) : show_state(&a, ref, "published");
    app_close(&a);
    return rc;
}

/* typed: --file F makes a PDF or DOCX the content of the (new) draft */
static int revise_with_file(struct app *a, const char *ref, const char *path, const char *name)
{
    struct err e = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        err_set(&e, fd < 0 && errno == ENOENT ? ERR_NOTFOUND : ERR_USAGE, "file",
                "%.200s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0) {
            close(fd);
        }
        return cli_fail(&e);
    }
    if (!name) {
        name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    }
    struct attach_input in = {ref, name, NULL, fd, 0, sb.st_size, 0};
    struct attachment_info info;
    int revised = 0;
    int rc = app_document_set_file(a, &in, &info, &revised, &e);
    close(fd);
    if (rc) {
        return cli_fail(&e);
    }
    printf("%s: %s is the content of %s (%lld bytes, sha256 %s)\n", info.ref, info.name, ref,
           (long long)info.size, info.sha256);
    return show_state(a, ref, revised ? "is a new draft" : "is a draft");
}

int cmd_doc_revise(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"name", NULL};
    /* here --file is the content file, not the ISMS file (give that with
     * -f before the command, or $ISMS_FILE) */
    const char *file = NULL;
    int no_file = 0;
    char **args = xcalloc((size_t)argc + 1, sizeof *args);
    int nargs = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
            file = argv[++i];
        } else if (strncmp(argv[i], "--file=", 7) == 0) {
            file = argv[i] + 7;
        } else if (strcmp(argv[i], "--no-file") == 0) {
            no_file = 1;
        } else {
            args[nargs++] = argv[i];
        }
    }
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, nargs, args, &o, allowed, 1,
                   "revise ID [--file FILE.pdf|FILE.docx [--name NAME] | --no-file]", &a, ref);
    if (rc) {
        free(args);
        return rc;
    }
    struct err e = {0};
    if (file && no_file) {
        rc = cli_usage("usage: isms document revise ID --file FILE | --no-file, not both");
    } else if (no_file) {
        int revised = 0;
        rc = app_document_clear_file(&a, ref, &revised, &e)
                 ? cli_fail(&e)
                 : show_state(&a, ref, revised ? "is a new draft, its content Markdown"
                                               : "is a draft, its content Markdown");
    } else if (file) {
        rc = revise_with_file(&a, ref, file, cli_opt(&o, "name"));
    } else if (cli_opt(&o, "name")) {
        rc = cli_usage("usage: isms document revise ID --file FILE [--name NAME] (--name names "
                       "the file)");
    } else {
        rc = app_document_revise(&a, ref, &e) ? cli_fail(&e)
                                               : show_state(&a, ref, "is a new draft");
    }
    app_close(&a);
    free(args);
    return rc;
}

int cmd_doc_versions(struct cli *c, int argc, char **argv)
{
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, NULL, 1, "versions ID [--json]", &a, ref);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    struct versions l = {0};
    struct record *r = NULL;
    /* as PERM_HISTORY on the web: --as staff read no earlier version */
    if (app_record_get(&a, doc_type(), ref, &r, &e) || app_may_read(&a, doc_type(), 1, &e) ||
        app_version_list(&a, "document", ref, &l, &e)) {
        rc = cli_fail(&e);
        goto done;
    }
    if (o.json) {
        struct buf b;
        struct jw j;
        buf_init(&b, 0);
        jw_init(&j, &b, 1);
        jw_arr(&j);
        for (size_t i = 0; i < l.n; i++) {
            version_json(&j, &l.v[i], 0);
        }
        jw_arr_end(&j);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else if (!l.n) {
        printf("%s has no version yet (a draft becomes 1.0 when submitted)\n", ref);
    } else {
        for (size_t i = 0; i < l.n; i++) {
            struct signoffs so = {0};
            app_signoffs(&a, "document", ref, l.v[i].number, l.v[i].sha256, &so, &e);
            long acks = 0;
            printf("%d.0  %-11s  %s  %.12s", l.v[i].number, l.v[i].state ? l.v[i].state : "",
                   l.v[i].created_at, l.v[i].sha256);
            if (l.v[i].state && strcmp(l.v[i].state, "superseded") == 0 &&
                record_get(r, "retention")) {
                printf("  (kept: retention %s)", record_get(r, "retention"));
            }
            printf("\n");
            for (size_t k = 0; k < so.n; k++) {
                if (strcmp(so.v[k].kind, "acknowledgement") == 0) {
                    acks++;
                    continue;
                }
                struct buf lb;
                buf_init(&lb, 0);
                signoff_label(&so.v[k], &lb);
                printf("      %s%s%s\n", buf_str(&lb), so.v[k].rationale ? ": " : "",
                       so.v[k].rationale ? so.v[k].rationale : "");
                buf_free(&lb);
            }
            if (acks) {
                printf("      %ld acknowledgement%s\n", acks, acks == 1 ? "" : "s");
            }
            signoffs_free(&so);
        }
    }
done:
    record_free(r);
    versions_free(&l);
    app_close(&a);
    return rc;
}

static int parse_version(const char *s, int *n)
{
    int64_t v;
    if (!s) {
        return -1;
    }
    size_t len = strlen(s);
    char tmp[24];
    /* "2" or "2.0" */
    if (len > 2 && len < sizeof tmp && strcmp(s + len - 2, ".0") == 0) {
        memcpy(tmp, s, len - 2);
        tmp[len - 2] = 0;
        s = tmp;
    }
    if (int_parse(s, &v) || v < 1 || v > 1000000) {
        return -1;
    }
    *n = (int)v;
    return 0;
}

int cmd_doc_show(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"version", NULL};
    struct opts o;
    int rc = cli_parse_opts(c, argc, argv, &o, 1);
    if (rc || (rc = cli_no_other_opts(&o, allowed))) {
        return rc;
    }
    const char *vs = cli_opt(&o, "version");
    if (!vs) {
        return cli_record_show(c, doc_type(), &o);
    }
    int n;
    if (o.npos != 1 || parse_version(vs, &n)) {
        return cli_usage("usage: isms document show ID --version N [--json]");
    }
    char ref[64];
    upper_ref(o.pos[0], ref);
    struct app a;
    struct err e = {0};
    if (cli_open(c, &a, &e)) {
        return cli_fail(&e);
    }
    struct version v = {0};
    struct signoffs so = {0};
    if (app_may_read(&a, doc_type(), 1, &e) ||
        app_version_get(&a, "document", ref, n, NULL, &v, &e) ||
        app_signoffs(&a, "document", ref, n, v.sha256, &so, &e)) {
        rc = cli_fail(&e);
        goto done;
    }
    if (o.json) {
        struct buf b;
        struct jw j;
        buf_init(&b, 0);
        jw_init(&j, &b, 1);
        jw_obj(&j);
        jw_key(&j, "version");
        version_json(&j, &v, 1);
        jw_key(&j, "signoffs");
        signoffs_json(&j, &so);
        jw_obj_end(&j);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        json_t *cj = json_loads(v.content, 0, NULL);
        printf("%s  %s  version %d.0 (%s)\nsha256 %s, frozen %s by %s\n\n", ref,
               json_string_value(json_object_get(cj, "title")), n, v.state, v.sha256,
               v.created_at, v.created_by);
        for (size_t k = 0; k < so.n; k++) {
            struct buf lb;
            buf_init(&lb, 0);
            signoff_label(&so.v[k], &lb);
            printf("  %s\n", buf_str(&lb));
            buf_free(&lb);
        }
        const char *body = json_string_value(json_object_get(cj, "body"));
        printf("%s%s\n", so.n ? "\n" : "", body ? body : "");
        json_decref(cj);
    }
done:
    signoffs_free(&so);
    version_free(&v);
    app_close(&a);
    return rc;
}

int cmd_doc_diff(struct cli *c, int argc, char **argv)
{
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, NULL, 3, "diff N M ID [--json]", &a, ref);
    if (rc) {
        return rc;
    }
    int from, to;
    if (parse_version(o.pos[0], &from) || parse_version(o.pos[1], &to)) {
        app_close(&a);
        return cli_usage("usage: isms document diff N M ID (two version numbers)");
    }
    struct err e = {0};
    struct vdiff fields = {0}, body = {0};
    if (app_may_read(&a, doc_type(), 1, &e) ||
        app_document_diff(&a, ref, from, to, &fields, &body, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        struct jw j;
        buf_init(&b, 0);
        jw_init(&j, &b, 0);
        jw_obj(&j);
        jw_key(&j, "from");
        jw_int(&j, from);
        jw_key(&j, "to");
        jw_int(&j, to);
        jw_key(&j, "fields");
        vdiff_json(&j, &fields);
        jw_key(&j, "body");
        vdiff_json(&j, &body);
        jw_obj_end(&j);
        cli_print_json(buf_str(&b));
        buf_free(&b);
    } else {
        for (size_t i = 0; i < fields.n; i++) {
            const struct vchange *x = &fields.v[i];
            char *f = vdiff_value_text(x->from);
            char *t = vdiff_value_text(x->to);
            printf("%s: %s -> %s\n", x->field, f ? f : "null", t ? t : "null");
            free(f);
            free(t);
        }
        for (size_t i = 0; i < body.n; i++) {
            const struct vchange *x = &body.v[i];
            printf("%c %s\n", strcmp(x->change, "added") == 0 ? '+' : '-', x->text);
        }
        if (!fields.n && !body.n) {
            printf("versions %d.0 and %d.0 are the same\n", from, to);
        }
    }
    vdiff_free(&fields);
    vdiff_free(&body);
    app_close(&a);
    return rc;
}

int cmd_doc_ack(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"as", NULL};
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, allowed, 1, "ack ID --as ACCOUNT", &a, ref);
    if (rc) {
        return rc;
    }
    struct err e = {0};
    int existing = 0;
    if (cli_sign_in(&a, cli_opt(&o, "as"), &e) || app_document_ack(&a, ref, &existing, &e)) {
        rc = cli_fail(&e);
    } else {
        printf("%s acknowledged by %s (account %s)%s\n", ref, a.signer.person, a.signer.name,
               existing ? " already" : "");
    }
    app_close(&a);
    return rc;
}

int cmd_doc_acks(struct cli *c, int argc, char **argv)
{
    static const char *const allowed[] = {"version", NULL};
    struct opts o;
    struct app a;
    char ref[64];
    int rc = start(c, argc, argv, &o, allowed, 1, "acks ID [--version N] [--json]", &a, ref);
    if (rc) {
        return rc;
    }
    int n = 0;
    if (cli_opt(&o, "version") && parse_version(cli_opt(&o, "version"), &n)) {
        app_close(&a);
        return cli_usage("--version: give a version number");
    }
    struct err e = {0};
    struct doc_acks k;
    if (app_may_read(&a, doc_type(), 1, &e) ||
        app_document_acks(&a, ref, n, o.json ? 100000 : 20, &k, &e)) {
        rc = cli_fail(&e);
    } else if (o.json) {
        struct buf b;
        struct jw j;
        buf_init(&b, 0);
        jw_init(&j, &b, 1);
        doc_acks_json(&j, &k);
        cli_print_json(buf_str(&b));
        buf_free(&b);
        doc_acks_free(&k);
    } else {
        printf("%s version %d.0 (%s): %ld of %ld acknowledged (audience: %s%s%s%s%s)\n", ref,
               k.version, k.state, k.acked, k.people, k.audience ? k.audience : "none",
               k.departments ? "; departments " : "", k.departments ? k.departments : "",
               k.roles ? "; roles " : "", k.roles ? k.roles : "");
        for (size_t i = 0; i < k.ndept; i++) {
            printf("  %-24s %6ld of %6ld\n", *k.dept[i].department ? k.dept[i].department
                                                                   : "(no department)",
                   k.dept[i].acked, k.dept[i].people);
        }
        if (k.npending) {
            printf("not yet:");
            for (size_t i = 0; i < k.npending; i++) {
                printf(" %s", k.pending[i].person);
            }
            printf("%s\n", (long)k.npending < k.people - k.acked ? " ..." : "");
        }
        doc_acks_free(&k);
    }
    app_close(&a);
    return rc;
}
