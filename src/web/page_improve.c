/* page_improve.c — nonconformities, corrective actions and improvements on
 * their pages (10.1, 10.2). */
#include "../app/metrics.h"
#include "web.h"

void web_improve_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e);

void web_improve_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e)
{
    (void)r;
    (void)b;
    (void)rec;
    (void)e;
}
