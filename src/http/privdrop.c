/* privdrop.c — least privilege for `isms serve`.
 *
 * Started as root (to bind a port below 1024, to read a root-only TLS key),
 * the server binds, loads its certificate, and then becomes --user before it
 * opens any ISMS file or starts any thread: supplementary groups first
 * (setgroups, to the user's primary group only), then the group, then the
 * user (setuid last: after it, changing groups is no longer allowed); then
 * it checks that root cannot be regained (setuid(0) and setgid(0) must
 * fail, and no real, effective or saved id may be 0). Root without --user is
 * refused: a web server has no business running as root.
 *
 * Then every server — root-started or not — confines itself, still on one
 * thread so that everything started later inherits it:
 *   * PR_SET_NO_NEW_PRIVS: no exec can gain privileges (setuid binaries,
 *     file capabilities); also what landlock and seccomp need unprivileged;
 *   * landlock (raw syscalls, linux/landlock.h), the filesystem: read-write
 *     in the ISMS directory (the --dir, or the directory of the one file,
 *     for SQLite's -wal/-shm/-journal files) and the temporary directory
 *     (upload spools, SQLite's temporary files); read-only the system
 *     (/usr, /etc, /proc, /sys: libraries, fonts for the PDF reports, time
 *     zones) and the TLS certificate and key (reloaded on SIGHUP); nothing
 *     else, not even reading. Network access is not restricted (mail,
 *     single sign-on and directory lookups connect out);
 *   * seccomp (libseccomp): a deny list answered with EPERM for what a web
 *     server never does — debugging other processes, mounting, namespaces,
 *     kernel modules, BPF, keyrings, rebooting, changing the clock. A deny list rather than an allow list: the server's libraries
 *     (SQLite, GnuTLS, cairo, the resolver) use far more system calls than
 *     can be listed safely, and a forgotten one would be an outage.
 * What is active is logged at start; a kernel without landlock (before
 * 5.13, or disabled) or seccomp is logged as such and the server goes on
 * with what there is (the account's file permissions still apply). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/util.h"
#include "../store/store.h"
#include "http.h"
#include "privdrop.h"

/* ISMS_ALLOW_ROOT=1: root without --user was meant (a container or a test
 * machine where root is the only account; the test runners set it). Still
 * confined; logged as a warning. */
static int root_allowed(void)
{
    const char *v = getenv("ISMS_ALLOW_ROOT");
    return v && strcmp(v, "1") == 0;
}

int privdrop_check(const char *user, struct err *e)
{
    if (geteuid() != 0) {
        if (user) {
            return err_set(e, ERR_USAGE, "user", "--user %s: only when started as root (this "
                           "server already runs as uid %u)", user, (unsigned)geteuid());
        }
        return 0;
    }
    if (!user) {
        if (root_allowed()) {
            return 0;
        }
        return err_set(e, ERR_USAGE, "user", "refusing to serve as root: give --user NAME, an "
                       "unprivileged account the server becomes once it has bound its port "
                       "(docs/admin.md, \"Running as a service with systemd\")");
    }
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        return err_set(e, ERR_USAGE, "user", "--user %s: no such account on this system", user);
    }
    if (pw->pw_uid == 0 || pw->pw_gid == 0) {
        return err_set(e, ERR_USAGE, "user", "--user %s: that account has uid or gid 0; give an "
                       "unprivileged one", user);
    }
    return 0;
}

static int become(const char *user, struct err *e)
{
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        return err_set(e, ERR_USAGE, "user", "--user %s: no such account on this system", user);
    }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    /* order matters: groups and gid while still root, the uid last */
    if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
        return err_set(e, ERR_INTERNAL, "user", "cannot become %s: %s", user, strerror(errno));
    }
    uid_t r, ef, s;
    gid_t gr, ge, gs;
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || getresuid(&r, &ef, &s) ||
        getresgid(&gr, &ge, &gs) || r == 0 || ef == 0 || s == 0 || gr == 0 || ge == 0 ||
        gs == 0 || r != uid || gr != gid) {
        return err_set(e, ERR_INTERNAL, "user", "after becoming %s the process could still "
                       "regain root; refusing to serve", user);
    }
    gid_t groups[4];
    int ng = getgroups(4, groups);
    if (ng != 1 || groups[0] != gid) {
        return err_set(e, ERR_INTERNAL, "user", "after becoming %s supplementary groups "
                       "remain; refusing to serve", user);
    }
    return 0;
}

/* ---- landlock ---------------------------------------------------------- */

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_EXEC LANDLOCK_ACCESS_FS_EXECUTE
/* files and directories (exports make a temporary directory), and
 * renames between the read-write places (REFER) */
#define LL_WRITE                                                                             \
    (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_FILE |                        \
     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_TRUNCATE |                             \
     LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)

/* Every filesystem right the kernel's landlock ABI knows (all handled, so
 * all denied unless a rule grants them). */
static __u64 ll_handled(int abi)
{
    __u64 all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0-12 */
    if (abi >= 2) {
        all |= LANDLOCK_ACCESS_FS_REFER;
    }
    if (abi >= 3) {
        all |= LANDLOCK_ACCESS_FS_TRUNCATE;
    }
    if (abi >= 5) {
        all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    }
    return all;
}

struct ll {
    int fd;
    __u64 handled;
    struct buf *log;
};

/* Grants access under path (a directory, or one file with the file rights
 * only). A missing optional path is skipped; a missing required one fails. */
static int ll_allow(struct ll *l, const char *path, __u64 access, int required, struct err *e)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        if (required) {
            return err_set(e, ERR_NOTFOUND, NULL, "%s: %s", path, strerror(errno));
        }
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
        access &= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                  LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_TRUNCATE |
                  LANDLOCK_ACCESS_FS_IOCTL_DEV;
    }
    struct landlock_path_beneath_attr pb = {.allowed_access = access & l->handled,
                                            .parent_fd = fd};
    long rc = syscall(SYS_landlock_add_rule, l->fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int en = errno;
    close(fd);
    if (rc != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "landlock: cannot allow %s: %s", path,
                       strerror(en));
    }
    if (required) {
        buf_printf(l->log, "%s%s %s", l->log->len ? ", " : "", path,
                   (access & LANDLOCK_ACCESS_FS_WRITE_FILE) ? "rw" : "ro");
    }
    return 0;
}

/* The directory holding path (path itself when it is a directory). */
static void dir_of(const char *path, char *out, size_t size)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        strlcpy_(real, path, sizeof real);
    }
    struct stat st;
    if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        strlcpy_(out, real, size);
        return;
    }
    char *slash = strrchr(real, '/');
    if (!slash) {
        strlcpy_(out, ".", size);
    } else if (slash == real) {
        strlcpy_(out, "/", size);
    } else {
        *slash = 0;
        strlcpy_(out, real, size);
    }
}

/* 1: active; 0: not offered (why in *why); -1: failed (e). */
static int landlock_confine(const struct serve_opts *o, struct buf *log, char *why, size_t wn,
                            struct err *e)
{
    int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
                           LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) {
        snprintf(why, wn, "landlock not offered by this kernel (%s): the filesystem is not "
                 "confined", strerror(errno));
        return 0;
    }
    struct landlock_ruleset_attr ra = {.handled_access_fs = ll_handled(abi)};
    struct ll l = {-1, ra.handled_access_fs, log};
    l.fd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
    if (l.fd < 0) {
        snprintf(why, wn, "landlock could not be set up (%s): the filesystem is not confined",
                 strerror(errno));
        return 0;
    }
    char data[PATH_MAX];
    /* an ISMS in PostgreSQL: no data directory (the database is reached
     * through a socket, which landlock does not confine) */
    int pg = !o->dir && o->file && store_is_url(o->file);
    dir_of(pg ? "/var/empty-isms" : o->dir ? o->dir : o->file, data, sizeof data);
    const char *tmp = getenv("TMPDIR");
    static const char *const sys_ro[] = {"/usr", "/etc", "/proc", "/sys", "/lib", "/lib64",
                                         "/bin", "/var/cache/fontconfig", NULL};
    int rc = pg ? 0 : ll_allow(&l, data, LL_READ | LL_WRITE, 1, e);
    rc = rc || ll_allow(&l, tmp && tmp[0] == '/' ? tmp : "/tmp", LL_READ | LL_WRITE, 1, e);
    rc = rc || ll_allow(&l, "/var/tmp", LL_READ | LL_WRITE, 0, e); /* SQLite's temp files */
    for (int i = 0; !rc && sys_ro[i]; i++) {
        rc = ll_allow(&l, sys_ro[i], LL_READ | LL_EXEC, 0, e);
    }
    rc = rc || ll_allow(&l, "/dev/null", LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE, 0, e);
    rc = rc || ll_allow(&l, "/dev/urandom", LL_READ, 0, e);
    rc = rc || ll_allow(&l, "/dev/random", LL_READ, 0, e);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        rc = rc || ll_allow(&l, self, LL_READ | LL_EXEC, 0, e); /* a re-exec of itself */
    }
#if defined(__SANITIZE_ADDRESS__)
    /* LeakSanitizer reads its suppressions file at exit, after the confinement:
     * the sanitizer build lets it (a release build has no such reader). */
    const char *lo = getenv("LSAN_OPTIONS");
    const char *sp = lo ? strstr(lo, "suppressions=") : NULL;
    if (!rc && sp) {
        char supp[PATH_MAX];
        sp += strlen("suppressions=");
        size_t sn = strcspn(sp, ": ");
        if (sn > 0 && sn < sizeof supp) {
            memcpy(supp, sp, sn);
            supp[sn] = 0;
            rc = ll_allow(&l, supp, LANDLOCK_ACCESS_FS_READ_FILE, 0, e);
        }
    }
#endif
    if (!rc && o->tls_cert) {
        rc = ll_allow(&l, o->tls_cert, LANDLOCK_ACCESS_FS_READ_FILE, 1, e) ||
             ll_allow(&l, o->tls_key, LANDLOCK_ACCESS_FS_READ_FILE, 1, e);
    }
    if (!rc && syscall(SYS_landlock_restrict_self, l.fd, 0) != 0) {
        rc = err_set(e, ERR_INTERNAL, NULL, "landlock: cannot restrict the server: %s",
                     strerror(errno));
    }
    close(l.fd);
    if (rc) {
        return -1;
    }
    snprintf(why, wn, "landlock ABI %d", abi);
    return 1;
}

/* ---- seccomp ----------------------------------------------------------- */

static const char *const denied_syscalls[] = {
#if !defined(__SANITIZE_ADDRESS__)
    "ptrace", /* LeakSanitizer stops the threads with it at exit: allowed in that build */
#endif
    "process_vm_readv", "process_vm_writev", "kcmp", "mount", "umount2",
    "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fspick",
    "mount_setattr", "unshare", "setns", "swapon", "swapoff", "reboot", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf",
    "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "acct", "quotactl",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm",
    "open_by_handle_at", "name_to_handle_at", "fanotify_init", "syslog", "vhangup", "uselib",
    "sethostname", "setdomainname", "lookup_dcookie", NULL};
/* The set*id calls are not on the list: after the drop they cannot gain
 * anything (no CAP_SETUID), and children the server starts to parse
 * untrusted files may still drop to another account when it runs as root. */

/* 1: active (n filtered); 0: not offered (why); -1: failed. */
static int seccomp_confine(int *nrules, char *why, size_t wn, struct err *e)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        snprintf(why, wn, "seccomp not offered: system calls are not filtered");
        return 0;
    }
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    *nrules = 0;
    for (int i = 0; denied_syscalls[i]; i++) {
        int nr = seccomp_syscall_resolve_name(denied_syscalls[i]);
        if (nr == __NR_SCMP_ERROR) {
            continue; /* not on this architecture */
        }
        if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) != 0) {
            seccomp_release(ctx);
            return err_set(e, ERR_INTERNAL, NULL, "seccomp: cannot filter %s",
                           denied_syscalls[i]);
        }
        (*nrules)++;
    }
    int rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc == -EINVAL || rc == -ENOSYS || rc == -EOPNOTSUPP) {
        snprintf(why, wn, "seccomp not offered by this kernel (%s): system calls are not "
                 "filtered", strerror(-rc));
        return 0;
    }
    if (rc != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "seccomp: cannot load the filter: %s",
                       strerror(-rc));
    }
    snprintf(why, wn, "seccomp (%d system calls denied)", *nrules);
    return 1;
}

/* The first *.isms file (or the directory accounts file) in dir that this
 * process cannot read and write, or NULL. */
static const char *unwritable_in(const char *dir)
{
    static char bad[PATH_MAX];
    DIR *d = opendir(dir);
    if (!d) {
        return dir;
    }
    const char *found = NULL;
    struct dirent *de;
    while (!found && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if ((n > 5 && strcmp(de->d_name + n - 5, ".isms") == 0) ||
            strcmp(de->d_name, ".isms-accounts") == 0) {
            snprintf(bad, sizeof bad, "%s/%s", dir, de->d_name);
            if (access(bad, R_OK | W_OK) != 0) {
                found = bad;
            }
        }
    }
    closedir(d);
    return found;
}

int privdrop_apply(const char *user, const struct serve_opts *o, struct err *e)
{
    char as[160] = "";
    if (geteuid() == 0 && !user) {
        if (privdrop_check(user, e)) {
            return -1;
        }
        snprintf(as, sizeof as, "WARNING: running as root (ISMS_ALLOW_ROOT=1; give --user NAME "
                 "instead)");
    } else if (geteuid() == 0) {
        if (become(user, e)) {
            return -1;
        }
        snprintf(as, sizeof as, "running as %s (uid %u, gid %u)", user, (unsigned)getuid(),
                 (unsigned)getgid());
        /* the files the server writes: say so now, not at the first write */
        char data[PATH_MAX];
        int pg = !o->dir && o->file && store_is_url(o->file);
        dir_of(o->dir ? o->dir : o->file, data, sizeof data);
        const char *bad = pg                                 ? NULL
                          : access(data, W_OK | X_OK) != 0 ? data
                          : o->file && access(o->file, R_OK | W_OK) != 0 ? o->file
                          : o->dir ? unwritable_in(o->dir) : NULL;
        if (bad) {
            return err_set(e, ERR_STORAGE, "user", "as %s, %s is not writable (SQLite writes "
                           "its -wal and -shm files beside the ISMS file): chown -R %s %s",
                           user, bad, user, data);
        }
    } else {
        snprintf(as, sizeof as, "running as uid %u", (unsigned)getuid());
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "cannot set no_new_privs: %s", strerror(errno));
    }
    struct buf paths;
    buf_init(&paths, 0);
    char ll_why[200], sc_why[200];
    int nrules = 0;
    int ll = landlock_confine(o, &paths, ll_why, sizeof ll_why, e);
    int sc = ll < 0 ? -1 : seccomp_confine(&nrules, sc_why, sizeof sc_why, e);
    if (ll < 0 || sc < 0) {
        buf_free(&paths);
        return -1;
    }
    fprintf(stderr, "isms: %s; confinement: no_new_privs, %s%s%s%s, %s\n", as, ll_why,
            ll > 0 ? " (" : "", ll > 0 ? buf_str(&paths) : "", ll > 0 ? ", system read-only)" : "",
            sc_why);
    buf_free(&paths);
    return 0;
}
