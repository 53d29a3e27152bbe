/* privdrop.h — least privilege for `isms serve` (privdrop.c): started as
 * root it binds, then becomes --user (refusing to serve as root without
 * it), and every server confines itself (no new privileges, a landlock
 * filesystem allowance, a seccomp filter) before its threads start. */
#ifndef ISMS_PRIVDROP_H
#define ISMS_PRIVDROP_H

#include "../lib/err.h"

struct serve_opts;

/* Before binding: root needs --user NAME (an existing account, not root);
 * --user without root is refused. -1 with e saying so. */
int privdrop_check(const char *user, struct err *e);
/* After binding, before any thread or ISMS file is opened: becomes user
 * (when root), then confines the process to what serving o needs; logs
 * which confinement is active. -1 with e when a step that must work fails. */
int privdrop_apply(const char *user, const struct serve_opts *o, struct err *e);

#endif
