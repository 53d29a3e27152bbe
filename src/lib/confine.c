/* confine.c — see confine.h. */
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define CONFINE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CONFINE_ARCH AUDIT_ARCH_AARCH64
#else
#error "confine.c: add the audit architecture of this machine"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define CONFINE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONFINE_ASAN 1
#endif
#endif

#define IN_FD 3
#define OUT_FD 4

/* ---- the seccomp filter --------------------------------------------------- */

struct prog {
    struct sock_filter f[96];
    unsigned short n;
};

static void emit(struct prog *p, struct sock_filter s)
{
    if (p->n < sizeof p->f / sizeof p->f[0]) {
        p->f[p->n++] = s;
    }
}

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(__u64))

/* nr allowed whatever its arguments */
static void allow(struct prog *p, int nr)
{
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)nr, 0, 1));
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

/* nr fails with EACCES (libraries probing for files get an error) */
static void deny(struct prog *p, int nr)
{
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)nr, 0, 1));
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES));
}

/* nr allowed when its first argument (a descriptor) is fd, else EBADF
 * (an abort message to stderr fails quietly; the death is reported) */
static void allow_fd(struct prog *p, int nr, int fd)
{
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)nr, 0, 4));
    emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)fd, 0, 1));
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EBADF));
}

static int install_filter(void)
{
    struct prog p = {.n = 0};
    emit(&p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch)));
    emit(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CONFINE_ARCH, 1, 0));
    emit(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    emit(&p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
    /* the x32 ABI's numbers alias ours with this bit set */
    emit(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
    emit(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
    allow_fd(&p, SYS_read, IN_FD);
    allow_fd(&p, SYS_pread64, IN_FD);
    allow_fd(&p, SYS_write, OUT_FD);
    allow(&p, SYS_mmap);
    allow(&p, SYS_munmap);
    allow(&p, SYS_mremap);
    allow(&p, SYS_brk);
    allow(&p, SYS_madvise);
    allow(&p, SYS_rt_sigreturn);
    allow(&p, SYS_exit);
    allow(&p, SYS_exit_group);
    /* abort() (a failed allocation) signals itself: reported as a crash */
    allow(&p, SYS_rt_sigprocmask);
    allow(&p, SYS_getpid);
    allow(&p, SYS_gettid);
    allow_fd(&p, SYS_tgkill, (int)getpid());
    /* mprotect, never making memory executable */
    emit(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 0, 4));
    emit(&p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)));
    emit(&p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0));
    emit(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    emit(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#ifdef SYS_open
    deny(&p, SYS_open);
#endif
#ifdef SYS_stat
    deny(&p, SYS_stat);
#endif
#ifdef SYS_access
    deny(&p, SYS_access);
#endif
    deny(&p, SYS_openat);
    deny(&p, SYS_newfstatat);
    deny(&p, SYS_fstat);
    deny(&p, SYS_getrandom);
    emit(&p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));

    if (p.n >= sizeof p.f / sizeof p.f[0]) {
        return -1; /* the program did not fit: never install a cut one */
    }
    struct sock_fprog prog = {.len = p.n, .filter = p.f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* ---- the child ------------------------------------------------------------- */

static char outbuf[1 << 16];
static size_t outlen;

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int confine_flush(int out)
{
    int rc = write_all(out, outbuf, outlen);
    outlen = 0;
    return rc;
}

static int put(int out, const void *data, size_t len)
{
    if (outlen + len > sizeof outbuf) {
        if (confine_flush(out)) {
            return -1;
        }
        if (len > sizeof outbuf) {
            return write_all(out, data, len);
        }
    }
    memcpy(outbuf + outlen, data, len);
    outlen += len;
    return 0;
}

int confine_send(int out, unsigned char kind, const void *data, size_t len)
{
    if (len > 0xffffffffu) {
        return -1;
    }
    unsigned char h[5] = {kind, (unsigned char)len, (unsigned char)(len >> 8),
                          (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
    return put(out, h, 5) || put(out, data, len) ? -1 : 0;
}

/* Ends the child with the raw system call: a sanitizer's _exit hook (leak
 * checks, signal stacks) would make calls the filter forbids. */
static void __attribute__((noreturn)) leave(int status)
{
    for (;;) {
        syscall(SYS_exit_group, status & 0x7f);
    }
}

static void limit(int what, rlim_t v)
{
    struct rlimit r = {v, v};
    setrlimit(what, &r);
}

/* The parent's virtual size in bytes (0 when unknown): the child starts with
 * all of it mapped (a server's thread stacks, libraries), so its address
 * limit is that much plus what it may use for itself. */
static size_t own_vsize(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    char b[128];
    ssize_t n = read(fd, b, sizeof b - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    b[n] = '\0';
    return (size_t)strtoull(b, NULL, 10) * (size_t)sysconf(_SC_PAGESIZE);
}

static void child(const struct confine_limits *lim, int in_fd, int out_fd, int64_t off,
                  int64_t len, confine_fn fn, void *ctx, size_t vsize)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* exactly two descriptors from here on: the input (3), the pipe (4) */
    int a = fcntl(in_fd, F_DUPFD_CLOEXEC, 10), b = fcntl(out_fd, F_DUPFD_CLOEXEC, 10);
    if (a < 0 || b < 0 || dup2(a, IN_FD) != IN_FD || dup2(b, OUT_FD) != OUT_FD) {
        _exit(120);
    }
    for (int fd = 0; fd < 3; fd++) {
        close(fd);
    }
    if (syscall(SYS_close_range, OUT_FD + 1, ~0u, 0) != 0) {
        for (int fd = OUT_FD + 1; fd < 65536; fd++) {
            close(fd);
        }
    }
    signal(SIGPIPE, SIG_DFL);
    size_t n = len > 0 ? (size_t)len : 0;
    if (n > lim->max_input) {
        _exit(121);
    }
    /* the buffer before the limits: its size is known and bounded */
    char *data = malloc(n + 1);
    if (!data) {
        _exit(122);
    }
    struct rlimit cpu = {(rlim_t)(lim->cpu_seconds > 0 ? lim->cpu_seconds : 10),
                         (rlim_t)(lim->cpu_seconds > 0 ? lim->cpu_seconds : 10) + 1};
    setrlimit(RLIMIT_CPU, &cpu);
#ifdef CONFINE_ASAN
    (void)vsize;
#else
    limit(RLIMIT_AS,
          (rlim_t)(vsize + (lim->address_space ? lim->address_space : (size_t)256 << 20)));
#endif
    limit(RLIMIT_FSIZE, 0);
    limit(RLIMIT_NOFILE, 0);
    limit(RLIMIT_NPROC, 0);
    limit(RLIMIT_CORE, 0);
    if (install_filter() != 0) {
        leave(123);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(IN_FD, data + got, n - got, (off_t)(off + (int64_t)got));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            leave(124);
        }
        got += (size_t)r;
    }
    data[n] = '\0';
    int rc = fn(ctx, data, n, OUT_FD);
    if (confine_flush(OUT_FD)) {
        rc = 125;
    }
    leave(rc & 0x7f);
}

/* ---- the parent ------------------------------------------------------------ */

int confine_start(const struct confine_limits *lim, int in_fd, int64_t off, int64_t len,
                  confine_fn fn, void *ctx, const char *what, struct confined *c,
                  struct err *e)
{
    c->pid = -1;
    c->fd = -1;
    c->what = what ? what : "the file reader";
    if (len < 0 || (uint64_t)len > lim->max_input) {
        return err_set(e, ERR_TOOBIG, NULL, "%s: the file is larger than %zu bytes", c->what,
                       lim->max_input);
    }
    size_t vsize = own_vsize();
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        return err_set(e, ERR_INTERNAL, NULL, "%s: pipe: %s", c->what, strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return err_set(e, ERR_INTERNAL, NULL, "%s: fork: %s", c->what, strerror(errno));
    }
    if (pid == 0) {
        close(p[0]);
        child(lim, in_fd, p[1], off, len, fn, ctx, vsize);
        _exit(127);
    }
    close(p[1]);
    c->pid = pid;
    c->fd = p[0];
    return 0;
}

/* 1 read all n, 0 clean end before any byte, -1 cut short */
static int read_exact(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return got == 0 && r == 0 ? 0 : -1;
        }
        got += (size_t)r;
    }
    return 1;
}

int confine_recv(struct confined *c, unsigned char *kind, char **data, size_t *len, size_t max,
                 struct err *e)
{
    unsigned char h[5];
    *data = NULL;
    *len = 0;
    int rc = read_exact(c->fd, h, 5);
    if (rc == 0) {
        return 0;
    }
    if (rc < 0) {
        return err_set(e, ERR_INVALID, NULL, "%s stopped in the middle of its answer", c->what);
    }
    size_t n = (size_t)h[1] | (size_t)h[2] << 8 | (size_t)h[3] << 16 | (size_t)h[4] << 24;
    if (n > max) {
        return err_set(e, ERR_INVALID, NULL, "%s answered a part of %zu bytes (at most %zu)",
                       c->what, n, max);
    }
    char *p = malloc(n + 1);
    if (!p) {
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    if (n && read_exact(c->fd, p, n) != 1) {
        free(p);
        return err_set(e, ERR_INVALID, NULL, "%s stopped in the middle of its answer", c->what);
    }
    p[n] = '\0';
    *kind = h[0];
    *data = p;
    *len = n;
    return 1;
}

int confine_finish(struct confined *c, int kill_it, struct err *e)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    if (c->pid <= 0) {
        return 0;
    }
    if (kill_it) {
        kill(c->pid, SIGKILL);
    }
    int st = 0;
    while (waitpid(c->pid, &st, 0) < 0) {
        if (errno != EINTR) {
            c->pid = -1;
            return err_set(e, ERR_INTERNAL, NULL, "%s: waitpid: %s", c->what, strerror(errno));
        }
    }
    c->pid = -1;
    if (kill_it) {
        return 0;
    }
    int already = e && e->msg[0];
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        return 0;
    }
    if (already) {
        return -1;
    }
    if (WIFSIGNALED(st)) {
        int s = WTERMSIG(st);
        if (s == SIGXCPU || s == SIGKILL) {
            return err_set(e, ERR_INVALID, NULL,
                           "%s was stopped: the file took too long to read (CPU limit)",
                           c->what);
        }
        if (s == SIGSYS) {
            return err_set(e, ERR_INTERNAL, NULL,
                           "%s was stopped: it tried a system call it may not make", c->what);
        }
        return err_set(e, ERR_INVALID, NULL,
                       "%s was stopped by signal %d (out of memory: the file is too large or "
                       "malformed)",
                       c->what, s);
    }
    return err_set(e, ERR_INVALID, NULL, "%s failed (status %d)", c->what, WEXITSTATUS(st));
}
