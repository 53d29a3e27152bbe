/* confine.h — run a parser of untrusted bytes in a forked child that can do
 * nothing but read its input and write its answer.
 *
 * The child (confine_start) keeps exactly two descriptors — its input (fd 3)
 * and the write end of a pipe to the parent (fd 4) — and closes every other
 * one, the database's included, before it looks at a byte. It then sets
 * rlimits (CPU seconds, address space, file size 0, no new descriptors, no
 * processes, no core), PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG (it dies with
 * its parent) and a seccomp filter (raw BPF) that allows only: read/pread
 * of fd 3, write of fd 4, mmap/munmap/mremap/brk/madvise, mprotect without
 * PROT_EXEC, rt_sigreturn, exit and exit_group (and what abort() needs to
 * signal itself: rt_sigprocmask, getpid, gettid, tgkill of itself); read or
 * write of any other descriptor fails with EBADF. open/openat/stat and the
 * like fail with EACCES (so a library that probes for a file gets an error
 * instead of a crash); any other system call kills the child (SIGSYS).
 *
 * The child answers in frames the parent checks and never trusts:
 *   kind (1 byte) | length (4 bytes, little endian) | payload (length bytes)
 * confine_send / confine_recv write and read one frame; confine_finish
 * reaps the child and turns a signal (CPU limit, SIGSYS, memory) into a
 * message. What the payloads mean is the caller's protocol
 * (src/app/import.c: rows of cells).
 *
 * Use (the parent):
 *     struct confined c;
 *     if (confine_start(&lim, fd, off, len, parse_fn, ctx, &c, e)) return -1;
 *     while ((rc = confine_recv(&c, &kind, &data, &n, max, e)) == 1) { ...; free(data); }
 *     if (confine_finish(&c, rc < 0, e)) ...   (after an error: kills it first)
 * The child's function: int parse_fn(void *ctx, const char *data, size_t n, int out)
 * gets the input already read into memory (at most lim.max_input bytes: the
 * caller refuses larger input before) and writes frames to out; its return
 * value is the exit status (0 = finished). It must not call anything that
 * needs another system call (no stdio, no files, no clock other than vDSO,
 * no threads). Under AddressSanitizer RLIMIT_AS is not set (the shadow
 * memory is larger); the other limits and the filter are. */
#ifndef ISMS_CONFINE_H
#define ISMS_CONFINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct confine_limits {
    int cpu_seconds;        /* RLIMIT_CPU (SIGXCPU, then SIGKILL) */
    size_t address_space;   /* bytes the child may map beyond what it inherits (0: 256 MiB):
                             * RLIMIT_AS is the parent's virtual size plus this */
    size_t max_input;       /* bytes the child reads from its input */
};

struct confined {
    pid_t pid;
    int fd;         /* read end of the pipe */
    const char *what; /* "the CSV reader": named in messages */
};

typedef int (*confine_fn)(void *ctx, const char *data, size_t n, int out);

/* Forks the confined child reading len bytes at offset off of in_fd. */
int confine_start(const struct confine_limits *lim, int in_fd, int64_t off, int64_t len,
                  confine_fn fn, void *ctx, const char *what, struct confined *c,
                  struct err *e);
/* Reads one frame: 1 with *kind, *data (caller frees, NUL-terminated) and
 * *len; 0 at the end of the stream; -1 with e when the stream is cut short
 * or a frame is longer than max. */
int confine_recv(struct confined *c, unsigned char *kind, char **data, size_t *len, size_t max,
                 struct err *e);
/* Closes the pipe and reaps the child (killing it first when kill is set).
 * -1 with e when it did not exit with status 0 and e is not set yet. */
int confine_finish(struct confined *c, int kill_it, struct err *e);

/* Child side: appends a frame to the child's output buffer and writes it
 * out when full; confine_flush writes what is buffered. -1 when the parent
 * went away. */
int confine_send(int out, unsigned char kind, const void *data, size_t len);
int confine_flush(int out);

#endif
