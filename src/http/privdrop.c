/* privdrop.c — stub, filled in next */
#include "privdrop.h"
int privdrop_check(const char *user, struct err *e) { (void)user; (void)e; return 0; }
int privdrop_apply(const char *user, const struct serve_opts *o, struct err *e) { (void)user; (void)o; (void)e; return 0; }
