/* test_confine.c — the confined child (src/lib/confine.c) cannot reach
 * what the parent has open nor open anything, and dies on a system call
 * outside its filter; what it may do (read its input, answer in frames)
 * works. Each probe answers one frame: the errno it got. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/lib/confine.h"
#include "test.h"

static int parent_fd = -1;

static int answer(int out, int v)
{
    char b[16];
    snprintf(b, sizeof b, "%d", v);
    return confine_send(out, 'A', b, strlen(b));
}

/* echoes its input, then reports what open, a parent's descriptor and
 * stderr give */
static int probe(void *ctx, const char *data, size_t n, int out)
{
    (void)ctx;
    confine_send(out, 'I', data, n);
    int fd = open("/etc/hostname", O_RDONLY);
    answer(out, fd < 0 ? errno : 0);
    char c;
    answer(out, read(parent_fd, &c, 1) < 0 ? errno : 0);
    answer(out, write(2, "x", 1) < 0 ? errno : 0);
    return 0;
}

static int make_socket(void *ctx, const char *data, size_t n, int out)
{
    (void)ctx, (void)data, (void)n, (void)out;
    return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 9;
}

static int spin(void *ctx, const char *data, size_t n, int out)
{
    (void)ctx, (void)data, (void)n, (void)out;
    for (volatile unsigned long i = 0;; i++) {
    }
    return 0;
}

static int input_fd(const char *text)
{
    FILE *f = tmpfile();
    fputs(text, f);
    fflush(f);
    return dup(fileno(f)); /* the FILE may go; the descriptor stays */
}

TEST(confine_child_reads_its_input_and_nothing_else)
{
    struct confine_limits lim = {.cpu_seconds = 5, .max_input = 1 << 20};
    parent_fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    if (parent_fd < 0) {
        parent_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    /* like a database's descriptor: above the two the child keeps */
    int high = fcntl(parent_fd, F_DUPFD_CLOEXEC, 20);
    close(parent_fd);
    parent_fd = high;
    int in = input_fd("xxhello");
    struct confined c;
    struct err e = {0};
    CHECK(confine_start(&lim, in, 2, 5, probe, NULL, "the probe", &c, &e) == 0);
    unsigned char kind;
    char *data;
    size_t len;
    CHECK(confine_recv(&c, &kind, &data, &len, 1024, &e) == 1);
    CHECK(kind == 'I' && len == 5 && memcmp(data, "hello", 5) == 0); /* offset and length */
    free(data);
    int want[3] = {EACCES, EBADF, EBADF}; /* open, the parent's file, stderr */
    for (int i = 0; i < 3; i++) {
        CHECK(confine_recv(&c, &kind, &data, &len, 1024, &e) == 1);
        CHECK(kind == 'A' && atoi(data) == want[i]);
        free(data);
    }
    CHECK(confine_recv(&c, &kind, &data, &len, 1024, &e) == 0);
    CHECK(confine_finish(&c, 0, &e) == 0);
    close(in);
    close(parent_fd);
}

TEST(confine_child_dies_on_a_forbidden_call_or_the_cpu_limit)
{
    struct confine_limits lim = {.cpu_seconds = 1, .max_input = 1 << 20};
    int in = input_fd("data");
    struct confined c;
    struct err e = {0};
    unsigned char kind;
    char *data;
    size_t len;
    CHECK(confine_start(&lim, in, 0, 4, make_socket, NULL, "the probe", &c, &e) == 0);
    CHECK(confine_recv(&c, &kind, &data, &len, 1024, &e) == 0);
    CHECK(confine_finish(&c, 0, &e) == -1);
    CHECK(strstr(e.msg, "system call it may not make") != NULL);
    err_clear(&e);
    CHECK(confine_start(&lim, in, 0, 4, spin, NULL, "the probe", &c, &e) == 0);
    CHECK(confine_recv(&c, &kind, &data, &len, 1024, &e) == 0);
    CHECK(confine_finish(&c, 0, &e) == -1);
    CHECK(strstr(e.msg, "CPU limit") != NULL);
    err_clear(&e);
    /* larger input than allowed: refused before any child */
    struct confine_limits small = {.cpu_seconds = 1, .max_input = 2};
    CHECK(confine_start(&small, in, 0, 4, spin, NULL, "the probe", &c, &e) == -1);
    CHECK(e.code == ERR_TOOBIG);
    close(in);
}
