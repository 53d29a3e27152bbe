/* fuzz.h — the libFuzzer entry points every target defines, and the checks
 * the targets share (common.c). A target is linked either with libFuzzer
 * (clang, `make fuzz`) or with the replay driver (gcc, `make fuzz-replay`). */
#ifndef ISMS_FUZZ_H
#define ISMS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "../../src/model/method.h"

/* Runs one input; always returns 0. The input is untrusted by definition. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional one-time set-up (only the router target has one). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated heap copy of data[0..n) (caller frees); embedded NUL
 * bytes stay, so C string functions see the text up to the first one. */
char *fuzz_str(const uint8_t *data, size_t n);
/* A property that must hold did not: prints why and aborts, so libFuzzer
 * keeps the input as a crash and the replay run fails. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Checks what method_from_json promises of an accepted method: every
 * possible score falls in exactly one level, the acceptance criterion is a
 * score, and the canonical JSON parses back to the same canonical JSON. */
void fuzz_check_method(const struct method *m);

#endif
