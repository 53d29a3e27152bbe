/* yaml.h — reads a YAML document into a Jansson JSON value, so files a
 * person writes by hand (a risk method) can be YAML or JSON. Plain scalars
 * that look like integers, reals, booleans or null become those; quoted
 * scalars stay strings. Input is untrusted: nesting and size are bounded. */
#ifndef ISMS_YAML_H
#define ISMS_YAML_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* Returns a new reference, or NULL with e naming the line of the problem. */
json_t *yaml_to_json(const char *text, size_t n, struct err *e);

#endif
