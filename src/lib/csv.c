/* csv.c — see csv.h. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int csv_parse(const char *data, size_t n, csv_row_fn fn, void *ctx, struct err *e)
{
    struct buf field;
    buf_init(&field, 1 << 20);
    char *fields[CSV_MAX_FIELDS];
    int nf = 0, row = 1, rc = 0;
    size_t i = 0;

    if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        i = 3; /* byte order mark */
    }
    if (memchr(data, '\0', n)) {
        /* text never holds one: binary data, or a UTF-16 file */
        size_t at = (size_t)((const char *)memchr(data, '\0', n) - data);
        int line = 1;
        for (size_t k = 0; k < at; k++) {
            line += data[k] == '\n';
        }
        buf_free(&field);
        return err_set(e, ERR_INVALID, NULL,
                       "CSV line %d: a NUL byte; give a UTF-8 text file (not UTF-16 or binary)",
                       line);
    }
    while (i < n) {
        buf_reset(&field);
        if (data[i] == '"') {
            i++;
            for (;;) {
                if (i >= n) {
                    rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: unterminated quoted field", row);
                    goto done;
                }
                if (data[i] == '"') {
                    if (i + 1 < n && data[i + 1] == '"') {
                        buf_putc(&field, '"');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                buf_putc(&field, data[i++]);
            }
            if (i < n && data[i] != ',' && data[i] != '\n' && data[i] != '\r') {
                rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: text after a closing quote", row);
                goto done;
            }
        } else {
            while (i < n && data[i] != ',' && data[i] != '\n' && data[i] != '\r') {
                if (data[i] == '"') {
                    rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: quote inside an unquoted field",
                                 row);
                    goto done;
                }
                buf_putc(&field, data[i++]);
            }
        }
        if (field.over) {
            rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: field too long", row);
            goto done;
        }
        if (nf == CSV_MAX_FIELDS) {
            rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: more than %d fields", row,
                         CSV_MAX_FIELDS);
            goto done;
        }
        fields[nf++] = xstrdup(buf_str(&field));
        if (i < n && data[i] == ',') {
            i++;
            if (i == n) {
                /* trailing comma at end of data: one more empty field */
                if (nf == CSV_MAX_FIELDS) {
                    rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: more than %d fields", row,
                                 CSV_MAX_FIELDS);
                    goto done;
                }
                fields[nf++] = xstrdup("");
            } else {
                continue;
            }
        }
        if (i < n && data[i] == '\r') {
            i++;
            if (i < n && data[i] != '\n') {
                rc = err_set(e, ERR_INVALID, NULL, "CSV row %d: bare carriage return", row);
                goto done;
            }
        }
        if (i < n && data[i] == '\n') {
            i++;
        }
        int stop = fn(ctx, row, nf, fields);
        for (int k = 0; k < nf; k++) {
            free(fields[k]);
        }
        nf = 0;
        row++;
        if (stop) {
            rc = stop < 0 ? -1 : 0;
            goto done;
        }
    }
done:
    for (int k = 0; k < nf; k++) {
        free(fields[k]);
    }
    buf_free(&field);
    return rc;
}

void csv_field(struct buf *b, const char *s, int neutralise)
{
    if (!s) {
        return;
    }
    int lead = neutralise && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                              s[0] == '\t' || s[0] == '\r');
    int quote = lead || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    if (lead) {
        buf_putc(b, '\'');
    }
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            buf_putc(b, '"');
        }
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}
