#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_command commands[] = {
    {"inspect", cmd_inspect, "summarize a model: inputs, outputs, ops, parameters, findings"},
    {"run", cmd_run, "run a model with the reference interpreter on .npy/.npz/.pb inputs"},
    {"convert", cmd_convert, "convert a model to another format (or rewrite it)"},
    {"check", cmd_check, "say which target runtimes run each node natively, and why not"},
    {"validate", cmd_validate, "run two models on the same inputs and compare, layer by layer"},
};

int cli_exit_code(fy_status st)
{
    switch (st) {
    case FY_OK: return EXIT_OK;
    case FY_EUSAGE: return EXIT_USAGE;
    case FY_EIO:
    case FY_EFORMAT:
    case FY_EINVALID:
    case FY_EUNSUPPORTED: return EXIT_BAD_INPUT;
    default: return EXIT_INTERNAL;
    }
}

int cli_report(const struct fy_error *err)
{
    char buf[2048];
    fy_error_format(err, buf, sizeof buf);
    fprintf(stderr, "ferry: %s\n", buf);
    return cli_exit_code(err->status);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ferry %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'ferry %s --help')\n", cmd);
    return EXIT_USAGE;
}

int cli_parse_shape(const char *arg, struct ir_input_shape *sp)
{
    const char *eq = strrchr(arg, '=');
    if (!eq || eq == arg) return -1;
    sp->rank = 0;
    for (const char *p = eq + 1; *p;) {
        char *end;
        errno = 0;
        long long v = sp->rank < IR_SHAPE_MAX_RANK ? strtoll(p, &end, 10) : -1;
        if (sp->rank >= IR_SHAPE_MAX_RANK || end == p || v < 0 || errno ||
            (*end && *end != 'x' && *end != 'X' && *end != ','))
            return -1;
        sp->dims[sp->rank++] = v;
        p = *end ? end + 1 : end;
        if (*end && !*p) return -1; /* a trailing separator */
    }
    sp->name = strndup(arg, (size_t)(eq - arg));
    return sp->name ? 0 : -1;
}

static void print_help(FILE *f)
{
    fprintf(f, "ferry %s — carry neural-network models across formats, and prove they still "
               "compute the same thing\n\n"
               "usage: ferry <command> [options]\n\ncommands:\n",
            FY_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'ferry <command> --help' describes a command.\n"
               "exit codes: 0 ok, 1 check/validation failed, 2 usage, 3 bad input, 4 internal "
               "error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ferry %s\n", FY_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ferry: unknown command '%s'\n\n", argv[1]);
    print_help(stderr);
    return EXIT_USAGE;
}
