/* fuzz_method_json.c — a risk method as JSON text (method_parse: the file
 * given to `isms method import`, and the stored versions read back). An
 * accepted method must keep what method.h promises (fuzz_check_method). */
#include <stdlib.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_str(data, size);
    struct method *m = NULL;
    struct err e = {0};
    if (method_parse(text, &m, &e) == 0) {
        fuzz_check_method(m);
        method_free(m);
    } else if (m || !e.msg[0]) {
        fuzz_fail("method: refused without a message, or with a result");
    }
    free(text);
    return 0;
}
