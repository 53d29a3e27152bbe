/* embed.h — access to the files built into the binary (embed.S). */
#ifndef ISMS_EMBED_H
#define ISMS_EMBED_H

#include <stddef.h>

#define EMBED(sym, path) extern const char sym[], sym##_end[];
#define MIGRATION(n, sym, path) EMBED(sym, path)
#include "embed.def"
#include "store/schema/migrations.def"
#undef EMBED
#undef MIGRATION

#define EMBED_LEN(sym) ((size_t)(sym##_end - sym))

#endif
