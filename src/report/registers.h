/* registers.h — the registers an auditor asks for, as spreadsheets: the
 * Statement of Applicability, the risk register and the treatment plan.
 * Each builds a table from app/ data and writes it through table.h. */
#ifndef ISMS_REPORT_REGISTERS_H
#define ISMS_REPORT_REGISTERS_H

#include "../app/app.h"

/* format is "csv" or "xlsx"; the file at path is replaced whole or not at
 * all. Errors as table_write. */
int report_soa(struct app *a, const char *framework, const char *format, const char *path,
               struct err *e);
int report_risks(struct app *a, const char *format, const char *path, struct err *e);
int report_plan(struct app *a, const char *format, const char *path, struct err *e);

#endif
