/* test.h — a small unit-test runner: TEST(name) declares a test, CHECK
 * records a failure with file and line and keeps going; main() in
 * test_main.c runs every test and prints "N passed, N failed". */
#ifndef ISMS_TEST_H
#define ISMS_TEST_H

#include <stdio.h>
#include <string.h>

struct test {
    const char *name;
    void (*fn)(void);
};

extern int test_failures;
void test_register(const char *name, void (*fn)(void));

#define TEST(name)                                                             \
    static void test_##name(void);                                             \
    __attribute__((constructor)) static void reg_##name(void)                  \
    {                                                                          \
        test_register(#name, test_##name);                                     \
    }                                                                          \
    static void test_##name(void)

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                               \
            fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,  \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                   \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

#define CHECK_INT(a, b)                                                        \
    do {                                                                       \
        long long a_ = (a), b_ = (b);                                          \
        if (a_ != b_) {                                                        \
            fprintf(stderr, "  %s:%d: %s is %lld, not %lld\n", __FILE__,       \
                    __LINE__, #a, a_, b_);                                     \
            test_failures++;                                                   \
        }                                                                      \
    } while (0)

#endif
