/* dir_pages.h — the directory's index and sign-in (dir_pages.c), served by
 * server.c under --dir when DIR/.isms-accounts exists. */
#ifndef ISMS_DIR_PAGES_H
#define ISMS_DIR_PAGES_H

#include "../app/directory.h"
#include "http.h"

struct dir_env {
    struct dir_accounts *d;
    int secure; /* cookies __Host- and Secure (loopback or TLS) */
    /* 1 if the organization slug is served (a new file is picked up) */
    int (*org_served)(const char *slug);
    /* this thread's app of the organization, and the organization */
    struct app *(*org_app)(const char *slug, const struct org **org, struct err *e);
};

/* 1 if path is one of the directory's pages (w filled), 0 otherwise. */
int dir_pages_handle(struct req *r, struct resp *w, const struct dir_env *env);

#endif
