/* improve.c — nonconformities and corrective actions (10.1, 10.2). */
#include "metrics.h"

int app_improve_record_json(struct app *a, const struct record *rec, struct buf *b,
                            struct err *e);

int app_improve_record_json(struct app *a, const struct record *rec, struct buf *b,
                            struct err *e)
{
    (void)a;
    (void)rec;
    (void)b;
    (void)e;
    return 0;
}
