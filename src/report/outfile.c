/* outfile.c — atomic replacement of an output file (see outfile.h). It owns
 * the temporary file's life: creation, cleanup on every failure, rename. It
 * must not know what is written (no CSV, no XLSX here). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/util.h"

/* splitmix64: spreads pid, clock and a counter over the name's characters. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The directory part of path, for messages ("." when there is none). */
static void dir_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strlcpy_(out, ".", size);
    } else if (slash == path) {
        strlcpy_(out, "/", size);
    } else {
        size_t n = (size_t)(slash - path);
        snprintf(out, size, "%.*s", n > 4000 ? 4000 : (int)n, path);
    }
}

/* What errnum means for someone who wants to write path. */
static void reason_of(int errnum, const char *path, char *out, size_t size)
{
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    switch (errnum) {
    case ENOENT:
        snprintf(out, size, "the directory %s does not exist", dir);
        break;
    case ENOTDIR:
        snprintf(out, size, "a part of the directory %s is not a directory", dir);
        break;
    case EACCES:
    case EPERM:
        snprintf(out, size, "no permission to create files in %s", dir);
        break;
    case EROFS:
        snprintf(out, size, "%s is on a read-only file system", dir);
        break;
    case ENOSPC:
    case EDQUOT:
        snprintf(out, size, "no space left on the device (or quota exceeded)");
        break;
    case EISDIR:
        snprintf(out, size, "a directory of that name exists");
        break;
    case ENAMETOOLONG:
        snprintf(out, size, "the file name is too long");
        break;
    default:
        snprintf(out, size, "%s", strerror(errnum));
        break;
    }
}

int outfile_fail(struct outfile *o, int errnum, const char *reason, struct err *e)
{
    char why[4200];
    if (reason) {
        strlcpy_(why, reason, sizeof why);
    } else {
        reason_of(errnum, o->path, why, sizeof why);
    }
    outfile_abort(o);
    return err_set(e, ERR_STORAGE, NULL, "cannot write %s: %s", o->path, why);
}

int outfile_open(struct outfile *o, const char *path, struct err *e)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned counter;
    memset(o, 0, sizeof *o);
    o->path = path ? path : "";
    o->fd = -1;
    if (str_empty(path)) {
        return err_set(e, ERR_STORAGE, NULL, "cannot write: no file name given");
    }
    size_t n = strlen(path);
    o->tmp = xmalloc(n + sizeof ".tmp-XXXXXX");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec;
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t r = mix(seed ^ mix(__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED)));
        char suffix[7];
        for (int k = 0; k < 6; k++) {
            suffix[k] = chars[r % (sizeof chars - 1)];
            r /= sizeof chars - 1;
        }
        suffix[6] = '\0';
        snprintf(o->tmp, n + sizeof ".tmp-XXXXXX", "%s.tmp-%s", path, suffix);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (o->fd >= 0) {
            return 0;
        }
        if (errno != EEXIST) {
            break;
        }
    }
    int errnum = errno;
    free(o->tmp);
    o->tmp = NULL; /* nothing was created: outfile_fail has nothing to remove */
    return outfile_fail(o, errnum, NULL, e);
}

int outfile_write(struct outfile *o, const void *data, size_t n, struct err *e)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return outfile_fail(o, errno, NULL, e);
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int outfile_commit(struct outfile *o, struct err *e)
{
    if (fsync(o->fd) != 0) {
        return outfile_fail(o, errno, NULL, e);
    }
    int rc = close(o->fd);
    o->fd = -1;
    if (rc != 0) {
        return outfile_fail(o, errno, NULL, e);
    }
    if (rename(o->tmp, o->path) != 0) {
        return outfile_fail(o, errno, NULL, e);
    }
    free(o->tmp);
    o->tmp = NULL;
    return 0;
}

void outfile_abort(struct outfile *o)
{
    if (o->fd >= 0) {
        close(o->fd);
        o->fd = -1;
    }
    if (o->tmp) {
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
}
