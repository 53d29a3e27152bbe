/* page_sso.h — single sign-on on the login page (page_sso.c). */
#ifndef ISMS_PAGE_SSO_H
#define ISMS_PAGE_SSO_H

#include "../http/http.h"
#include "../lib/buf.h"

/* Appends the "Sign in with ..." button and the directory form (when set
 * up) to the login page, their pre-session CSRF value pre; returns 1 when
 * local passwords may sign in (the password form is meant). */
int sso_login_options(struct req *r, struct buf *b, const char *pre);

/* With local passwords off (isms sso local off), answers the whole login
 * page — error, single sign-on choices, no password form — and returns 1;
 * 0 (nothing done) while they are on. */
int sso_login_page_only(struct req *r, struct resp *w, const char *pre, const char *error,
                        int status);

#endif
