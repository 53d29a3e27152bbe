/* test_main.c — runs every registered unit test; exit status 1 if any
 * check failed. Tests run in a scratch directory under $TMPDIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/lib/hash.h"
#include "test.h"

int test_failures;
static struct test tests[256];
static int ntests;

void test_register(const char *name, void (*fn)(void))
{
    if (ntests < 256) {
        tests[ntests].name = name;
        tests[ntests].fn = fn;
        ntests++;
    }
}

int main(int argc, char **argv)
{
    hash_init();
    char dir[] = "/tmp/isms-unit-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("scratch directory");
        return 1;
    }
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) {
            continue;
        }
        int before = test_failures;
        tests[i].fn();
        if (test_failures == before) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL %s\n", tests[i].name);
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", dir);
    }
    return failed ? 1 : 0;
}
