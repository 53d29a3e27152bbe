/* fuzz_method_yaml.c — a risk method file written in YAML, as `isms method
 * import` reads it: yaml_to_json, then method_from_json. An accepted method
 * must keep what method.h promises (fuzz_check_method). */
#include <stdlib.h>

#include "../../src/lib/yaml.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e = {0};
    json_t *root = yaml_to_json((const char *)data, size, &e);
    if (!root) {
        if (!e.msg[0]) {
            fuzz_fail("yaml: refused without a message");
        }
        return 0;
    }
    struct method *m = NULL;
    if (method_from_json(root, &m, &e) == 0) {
        fuzz_check_method(m);
        method_free(m);
    } else if (m || !e.msg[0]) {
        fuzz_fail("method: refused without a message, or with a result");
    }
    json_decref(root);
    return 0;
}
