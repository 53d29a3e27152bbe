/* outfile.h — replacing a file whole or not at all: write to a temporary file
 * next to it (path.tmp-XXXXXX), then fsync and rename over path; on any
 * failure the temporary file is removed and path is left as it was. */
#ifndef ISMS_REPORT_OUTFILE_H
#define ISMS_REPORT_OUTFILE_H

#include <stddef.h>

#include "../lib/err.h"

struct outfile {
    const char *path; /* the caller's string; must outlive the outfile */
    char *tmp;        /* heap: the temporary file's name */
    int fd;           /* open for writing on tmp */
};

/* Creates the temporary file next to path (exclusively, mode 0666 less the
 * umask, like any new file). Returns 0, or -1 with ERR_STORAGE saying why
 * (e.g. the directory does not exist); nothing is left behind on failure. */
int outfile_open(struct outfile *o, const char *path, struct err *e);
/* Writes all of data to the temporary file. Returns 0, or -1 with ERR_STORAGE
 * after removing the temporary file (the outfile is then finished). */
int outfile_write(struct outfile *o, const void *data, size_t n, struct err *e);
/* Makes the temporary file durable and renames it to path. Returns 0, or -1
 * with ERR_STORAGE after removing it. Either way the outfile is finished. */
int outfile_commit(struct outfile *o, struct err *e);
/* Removes the temporary file and releases the outfile (no error to report). */
void outfile_abort(struct outfile *o);
/* Like outfile_abort, then sets e (ERR_STORAGE) to "cannot write PATH:
 * REASON", REASON being reason or, when reason is NULL, what errnum means
 * for a person; returns -1. */
int outfile_fail(struct outfile *o, int errnum, const char *reason, struct err *e);

#endif
