/* yaml.c — see yaml.h. Uses libyaml's document loader. Aliases are
 * followed, but the converted value is bounded in nodes and depth so an
 * alias bomb cannot exhaust memory. */
#include "yaml.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "text.h"

#define YAML_MAX_DEPTH 32
#define YAML_MAX_NODES 100000

struct conv {
    yaml_document_t *doc;
    long nodes;
    struct err *e;
};

static json_t *scalar(yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return json_string(s);
    }
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")) {
        return json_null();
    }
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
        return json_true();
    }
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
        return json_false();
    }
    int64_t i;
    if (int_parse(s, &i) == 0) {
        return json_integer((json_int_t)i);
    }
    double d;
    if (number_parse(s, &d) == 0) {
        return json_real(d);
    }
    return json_string(s);
}

static json_t *conv(struct conv *c, yaml_node_t *n, int depth)
{
    if (!n) {
        return NULL;
    }
    if (depth > YAML_MAX_DEPTH || ++c->nodes > YAML_MAX_NODES) {
        err_set(c->e, ERR_INVALID, NULL, "YAML: nested too deeply or too large");
        return NULL;
    }
    switch (n->type) {
    case YAML_SCALAR_NODE: {
        json_t *v = scalar(n);
        if (!v) {
            err_set(c->e, ERR_INVALID, NULL, "YAML line %lu: text is not valid UTF-8",
                    (unsigned long)n->start_mark.line + 1);
        }
        return v;
    }
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            json_t *v = conv(c, yaml_document_get_node(c->doc, *it), depth + 1);
            if (!v) {
                json_decref(arr);
                return NULL;
            }
            json_array_append_new(arr, v);
        }
        return arr;
    }
    case YAML_MAPPING_NODE: {
        json_t *obj = json_object();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                err_set(c->e, ERR_INVALID, NULL, "YAML line %lu: keys must be plain text",
                        (unsigned long)n->start_mark.line + 1);
                json_decref(obj);
                return NULL;
            }
            const char *key = (const char *)k->data.scalar.value;
            if (json_object_get(obj, key)) {
                err_set(c->e, ERR_INVALID, NULL, "YAML line %lu: key '%.40s' appears twice",
                        (unsigned long)k->start_mark.line + 1, key);
                json_decref(obj);
                return NULL;
            }
            json_t *v = conv(c, yaml_document_get_node(c->doc, p->value), depth + 1);
            if (!v) {
                json_decref(obj);
                return NULL;
            }
            json_object_set_new(obj, key, v);
        }
        return obj;
    }
    default:
        err_set(c->e, ERR_INVALID, NULL, "YAML: empty document");
        return NULL;
    }
}

json_t *yaml_to_json(const char *text, size_t n, struct err *e)
{
    yaml_parser_t p;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&p)) {
        err_set(e, ERR_INTERNAL, NULL, "YAML: cannot start the parser");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, n);
    if (!yaml_parser_load(&p, &doc)) {
        err_set(e, ERR_INVALID, NULL, "YAML line %lu: %s", (unsigned long)p.problem_mark.line + 1,
                p.problem ? p.problem : "cannot be read");
        yaml_parser_delete(&p);
        return NULL;
    }
    struct conv c = {&doc, 0, e};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    json_t *v = root ? conv(&c, root, 0) : NULL;
    if (!root) {
        err_set(e, ERR_INVALID, NULL, "YAML: the file is empty");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    return v;
}
