/* embed.S — puts the files named in embed.def and migrations.def into the
 * binary's read-only data, each followed by a NUL byte, as name[] and
 * name_end[] (see embed.h). Assembled from the repository root. */
#define EMBED_(sym, path)     \
    .section .rodata;         \
    .balign 16;               \
    .global sym;              \
sym:                          \
    .incbin path;             \
    .global sym##_end;        \
sym##_end:                    \
    .byte 0;

#define EMBED(sym, path) EMBED_(sym, path)
#define MIGRATION(n, sym, path) EMBED_(sym, path)
#include "embed.def"
#include "store/schema/migrations.def"

    .section .note.GNU-stack,"",@progbits
