/* registers.h — the registers an auditor asks for, as spreadsheets: the
 * Statement of Applicability, the risk register and the treatment plan,
 * and any record type's register as its list page shows it. Each builds a
 * table from app/ data and writes it through table.h. */
#ifndef ISMS_REPORT_REGISTERS_H
#define ISMS_REPORT_REGISTERS_H

#include "../app/app.h"

/* format is "csv" or "xlsx"; the file at path is replaced whole or not at
 * all. Errors as table_write. */
int report_soa(struct app *a, const char *framework, const char *format, const char *path,
               struct err *e);
int report_risks(struct app *a, const char *format, const char *path, struct err *e);
int report_plan(struct app *a, const char *format, const char *path, struct err *e);
/* Any type's register: the columns of its list page — the identifier and
 * the fields it lists (FL_LIST), headed by their labels — and its rows —
 * the active records in identifier order — read as a->who like the page
 * (the store applies the row rule and the privacy rule: a hidden field is
 * an empty cell). A reference reads "Title (ID)" when the viewer may see
 * the record it names, else as the identifier; yes/no fields as yes/no.
 * ERR_FORBIDDEN (app_may_read) when a->who may not read the type. */
int report_register(struct app *a, const struct rtype *t, const char *format, const char *path,
                    struct err *e);

#endif
