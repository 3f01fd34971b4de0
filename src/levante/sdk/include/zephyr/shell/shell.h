/* <zephyr/shell/shell.h>: an application's commands on the console shell (CONFIG_SHELL).
 *
 * SHELL_CMD_REGISTER and SHELL_CMD_ARG_REGISTER put a root command in the iterable
 * section shell_root_cmds; SHELL_STATIC_SUBCMD_SET_CREATE makes a table of subcommands,
 * ended by SHELL_SUBCMD_SET_END. The shell thread (runtime/shell.c) splits a line into
 * words, follows the subcommands as far as the words name them, checks the argument
 * count and calls the handler with argv[0] the last command word; shell_print and
 * friends write to the console. Dynamic subcommands, colours and the shell's other
 * back ends are not in Levante. */
#ifndef ZEPHYR_SHELL_SHELL_H
#define ZEPHYR_SHELL_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/sys/iterable_sections.h>
#include <zephyr/sys/util.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The shell a command runs in: Levante has one, on the console. */
struct shell {
	const char *name;
};

struct shell_static_entry;

typedef int (*shell_cmd_handler)(const struct shell *sh, size_t argc, char **argv);

/* A table of commands: a command's subcommands (ended by SHELL_SUBCMD_SET_END), or a
 * root command's record in the shell's section. Static only in Levante. */
struct shell_cmd_entry {
	const struct shell_static_entry *entry;
};

/* Arguments beyond the command words: `mandatory` counts the command itself, as in
 * Zephyr; `optional` more may follow. */
struct shell_static_args {
	uint8_t mandatory;
	uint8_t optional;
};

struct shell_static_entry {
	const char *syntax;
	const char *help;
	const struct shell_cmd_entry *subcmd;
	shell_cmd_handler handler;
	struct shell_static_args args;
};

/* Color names shell_fprintf takes; the console shows no colours. */
enum shell_vt100_color {
	SHELL_NORMAL,
	SHELL_INFO,
	SHELL_OPTION,
	SHELL_WARNING,
	SHELL_ERROR,
};

/* A handler's return value saying it printed its own help. */
#define SHELL_CMD_HELP_PRINTED 1

#define SHELL_CMD_ARG(_syntax, _subcmd, _help, _handler, _mand, _opt)                          \
	{                                                                                     \
		.syntax = STRINGIFY(_syntax), .help = (_help), .subcmd = (_subcmd),          \
		.handler = (_handler), .args = {.mandatory = (_mand), .optional = (_opt) }    \
	}

#define SHELL_CMD(_syntax, _subcmd, _help, _handler)                                         \
	SHELL_CMD_ARG(_syntax, _subcmd, _help, _handler, 0, 0)

#define SHELL_SUBCMD_SET_END {NULL}

#define SHELL_STATIC_SUBCMD_SET_CREATE(name, ...)                                             \
	static const struct shell_static_entry shell_##name[] = {__VA_ARGS__};               \
	static const struct shell_cmd_entry name = {.entry = shell_##name}

#define SHELL_CMD_ARG_REGISTER(_syntax, _subcmd, _help, _handler, _mand, _opt)                \
	static const struct shell_static_entry _shell_##_syntax =                            \
		SHELL_CMD_ARG(_syntax, _subcmd, _help, _handler, _mand, _opt);               \
	static const STRUCT_SECTION_ITERABLE_ALTERNATE(shell_root_cmds, shell_cmd_entry,      \
						       shell_cmd_##_syntax) = {              \
		.entry = &_shell_##_syntax}

#define SHELL_CMD_REGISTER(_syntax, _subcmd, _help, _handler)                                \
	SHELL_CMD_ARG_REGISTER(_syntax, _subcmd, _help, _handler, 0, 0)

/* Formatted text on the console (no colour). */
void shell_fprintf(const struct shell *sh, enum shell_vt100_color color, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The command's help and subcommands, as `CMD -h` shows them. */
void shell_help(const struct shell *sh);

#define shell_print(_sh, _fmt, ...) shell_fprintf(_sh, SHELL_NORMAL, _fmt "\n", ##__VA_ARGS__)
#define shell_info(_sh, _fmt, ...) shell_fprintf(_sh, SHELL_INFO, _fmt "\n", ##__VA_ARGS__)
#define shell_warn(_sh, _fmt, ...) shell_fprintf(_sh, SHELL_WARNING, _fmt "\n", ##__VA_ARGS__)
#define shell_error(_sh, _fmt, ...) shell_fprintf(_sh, SHELL_ERROR, _fmt "\n", ##__VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_SHELL_SHELL_H */
