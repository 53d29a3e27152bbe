/* main.c — argv to the command table (cli/commands.def) or to the generic
 * record commands for a type name; nothing else. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"
#include "lib/hash.h"

#include <liboath/oath.h>

static const struct {
    const char *name;
    int (*fn)(struct cli *);
    const char *args;
    const char *summary;
} commands[] = {
#define CMD(name, fn, args, summary) {name, fn, args, summary},
#include "cli/commands.def"
#undef CMD
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void usage(FILE *out)
{
    fprintf(out,
            "isms — an Information Security Management System (ISO/IEC 27001) in one file.\n\n"
            "Usage: isms [-f FILE] COMMAND [ARGS]\n"
            "       isms [-f FILE] TYPE add|list|show|edit|retire|fields [ARGS]\n\n"
            "The ISMS file is -f FILE, else $ISMS_FILE, else the one *.isms file here;\n"
            "an ISMS in PostgreSQL is --db postgresql://... or $ISMS_DB (or the URL as FILE).\n\n"
            "Commands:\n");
    for (int i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "  %-8s %-16s %s\n", commands[i].name, commands[i].args, commands[i].summary);
    }
    fprintf(out, "\nRecord types (isms TYPE --help for each):\n");
    for (int i = 0; i < nrtypes; i++) {
        fprintf(out, "  %-14s %-5s %s\n", rtypes[i]->name, rtypes[i]->prefix, rtypes[i]->help);
    }
    fprintf(out,
            "\nExamples:\n"
            "  isms demo demo.isms\n"
            "  isms -f demo.isms risk list --owner P-0002\n"
            "  isms -f demo.isms risk show R-0001 --json\n"
            "  isms -f demo.isms control list --framework iso27001-2022\n"
            "  isms -f demo.isms control show 8.24\n"
            "  isms -f demo.isms asset add --name \"CRM\" --kind software --owner P-0003\n"
            "  isms -f demo.isms history R-0001\n"
            "  isms -f demo.isms verify\n\n"
            "Exit status: 0 ok, 2 usage, 3 invalid input, 4 not found, 5 conflict, 6 storage.\n");
}

int cmd_help(struct cli *c)
{
    if (c->argc >= 1) {
        const struct rtype *t = rtype_find(c->argv[0]);
        if (t) {
            cli_help_type(t);
            return 0;
        }
        for (int i = 0; i < NCOMMANDS; i++) {
            if (strcmp(commands[i].name, c->argv[0]) == 0) {
                printf("usage: isms %s %s\n  %s\n", commands[i].name, commands[i].args,
                       commands[i].summary);
                return 0;
            }
        }
        return cli_usage("no command or record type '%.40s' (see `isms help`)", c->argv[0]);
    }
    usage(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--file") == 0) && i + 1 < argc) {
            c.file = argv[i + 1];
            i += 2;
        } else if (strncmp(argv[i], "--file=", 7) == 0) {
            c.file = argv[i] + 7;
            i++;
        } else if ((strcmp(argv[i], "--db") == 0 && i + 1 < argc) ||
                   strncmp(argv[i], "--db=", 5) == 0) {
            /* pg: an ISMS in PostgreSQL (a postgresql:// URL, where -f takes a file) */
            c.file = argv[i][4] == '=' ? argv[i] + 5 : argv[i + 1];
            i += argv[i][4] == '=' ? 1 : 2;
            if (!store_is_url(c.file)) {
                return cli_usage("--db takes a postgresql:// URL (an ISMS file is -f FILE)");
            }
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            return cmd_version(&c);
        } else {
            return cli_usage("unknown option '%.40s' (see `isms help`)", argv[i]);
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (hash_init() || oath_init() != OATH_OK) {
        fprintf(stderr, "isms: cannot initialise the crypto library\n");
        return 1;
    }
    c.cmd = argv[i];
    c.argc = argc - i - 1;
    c.argv = argv + i + 1;
    for (int k = 0; k < NCOMMANDS; k++) {
        if (strcmp(commands[k].name, c.cmd) == 0) {
            if (c.argc >= 1 && (strcmp(c.argv[0], "--help") == 0 || strcmp(c.argv[0], "-h") == 0 ||
                                strcmp(c.argv[0], "help") == 0)) {
                printf("usage: isms %s %s\n  %s\n", commands[k].name, commands[k].args,
                       commands[k].summary);
                return 0;
            }
            return commands[k].fn(&c);
        }
    }
    const struct rtype *t = rtype_find(c.cmd);
    if (t) {
        return cmd_record(&c, t);
    }
    return cli_usage("unknown command or record type '%.40s' (see `isms help`)", c.cmd);
}
