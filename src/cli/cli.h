/* The command-line front end: argument parsing and printing only. */
#ifndef FERRY_CLI_CLI_H
#define FERRY_CLI_CLI_H

#include "core/status.h"
#include "ir/ir.h"

/* CLI exit codes (DESIGN.md). */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,      /* the model failed the check or validation asked for */
    EXIT_USAGE = 2,
    EXIT_BAD_INPUT = 3,   /* unreadable, malformed or unsupported input */
    EXIT_INTERNAL = 4,
};

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
};

/* Maps a library status to the CLI exit code. */
int cli_exit_code(fy_status st);
/* Prints "ferry: <formatted error>" to stderr and returns the exit code. */
int cli_report(const struct fy_error *err);
/* Prints a usage error for a command and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --shape NAME=DIMS: DIMS like 1x3x224x224 (',' also separates; empty is a
 * scalar). sp->name is malloc'd (the caller frees it). -1 when malformed. */
int cli_parse_shape(const char *arg, struct ir_input_shape *sp);

int cmd_inspect(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
