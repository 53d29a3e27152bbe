/* replay.c — runs a fuzz target without libFuzzer: every file of the
 * target's corpus/ and crashes/ directories, in name order, once. Built with
 * the normal compiler and flags (make fuzz-replay), so `make test` needs no
 * clang. Usage: fuzz_TARGET tests/fuzz/TARGET */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/lib/util.h"
#include "fuzz.h"

/* Not every target has a set-up function; a weak reference is NULL then.
 * The sanitizer runtime is there in the sanitized build only. */
extern int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* The file being replayed, named when the process dies on it (a failed
 * property aborts; a sanitizer report ends in the death callback). */
static const char *current;

static void say_which(void)
{
    if (current) {
        static const char what[] = "replay: the failing input is ";
        ssize_t w = write(2, what, sizeof what - 1);
        w = write(2, current, strlen(current));
        w = write(2, "\n", 1);
        (void)w;
    }
}

static void on_abort(int sig)
{
    say_which();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads a whole file into a buffer of exactly its size, as libFuzzer hands
 * inputs over, so that a read past the end is caught by AddressSanitizer. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *all = xmalloc(cap);
    size_t got;
    while ((got = fread(all + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            all = xrealloc(all, cap);
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        perror(path);
        free(all);
        return -1;
    }
    uint8_t *exact = xmalloc(n ? n : 1);
    memcpy(exact, all, n);
    free(all);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

/* Replays every regular file of dir whose name does not start with '.';
 * returns the number replayed, or -1. A missing directory has none. */
static long replay_dir(const char *dir, int required)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        if (!required) {
            return 0;
        }
        perror(dir);
        return -1;
    }
    long done = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (getenv("FUZZ_REPLAY_VERBOSE")) {
                fprintf(stderr, "replay %s\n", path);
            }
            current = path;
            int rc = replay_file(path);
            current = NULL;
            if (rc) {
                done = -1;
            } else if (done >= 0) {
                done++;
            }
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s tests/fuzz/TARGET\n", argv[0]);
        return 2;
    }
    char dir[2048];
    snprintf(dir, sizeof dir, "%s", argv[1]);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        dir[--len] = 0;
    }
    const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    signal(SIGABRT, on_abort);
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(say_which);
    }
    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/corpus", dir);
    long a = replay_dir(sub, 1);
    snprintf(sub, sizeof sub, "%s/crashes", dir);
    long b = replay_dir(sub, 0);
    if (a < 0 || b < 0) {
        return 1;
    }
    printf("%s: %ld inputs replayed\n", name, a + b);
    return 0;
}
