/* text.h — checks on untrusted text: UTF-8 validity, control characters,
 * length in characters; and date/time parsing. No domain words. */
#ifndef ISMS_TEXT_H
#define ISMS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Returns 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t n);
/* Replaces every byte that is not part of a well-formed UTF-8 sequence
 * with '?' (e.g. a character cut in half by a length limit), in place. */
void utf8_sanitize(char *s);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_chars(const char *s);
/* Returns the first disallowed control character in s (C0 controls and DEL;
 * with multiline, '\n' and '\t' are allowed and "\r\n" too), or 0. */
int text_bad_control(const char *s, int multiline);
/* Parses "YYYY-MM-DD" as a real calendar date; returns 0 on success. */
int date_parse(const char *s, int *y, int *m, int *d);
/* Parses "YYYY-MM-DD[T ]HH:MM[:SS][Z]" and writes the canonical form
 * "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). Returns 0 on success. */
int datetime_normalize(const char *s, char out[21]);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". $ISMS_NOW overrides the clock
 * (tests and reproducible demos). */
void time_now(char out[21]);
/* simulated clock: a process-local (per-thread) clock that time_now reads
 * before $ISMS_NOW and the wall clock. Only the demo builder
 * (src/app/demo.c) sets it, to replay a year; never a request. It is
 * monotonic: a time earlier than the one set is refused (returns 1, the
 * clock stays). NULL clears it. Returns -1 for a malformed time. */
int time_set_simulated(const char *iso);
int time_is_simulated(void);
/* Today's UTC date as "YYYY-MM-DD" (from time_now). */
void date_today(char out[11]);
/* Adds days to a "YYYY-MM-DD" date; returns 0 on success. */
int date_add_days(const char *in, int days, char out[11]);
/* Parses a decimal number strictly (no hex, no inf/nan, no trailing text). */
int number_parse(const char *s, double *out);
/* Parses a decimal integer strictly. */
int int_parse(const char *s, int64_t *out);

#endif
