/* CONFIG_SHELL: the application's commands (<zephyr/shell/shell.h>). A line is split into
 * words; the first names a root command from the section shell_root_cmds, each next
 * word a subcommand as long as one has that name; the deepest command's handler gets
 * the rest of the words, its own name first. */
#include <zephyr/kernel.h>

#ifdef CONFIG_SHELL
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <zephyr/shell/shell.h>
#include <levante/shell_commands.h>

#define SHELL_ARGC_MAX 20
#define SHELL_LINE_MAX 80
/* SHELL_CMD_ARG's `optional` value for "any number more", as Zephyr spells it. */
#define SHELL_OPT_ARG_CHECK_SKIP 0xFF

static const struct shell console_shell = {.name = "uart"};
/* The command running (or last run), whose help shell_help prints. */
static const struct shell_static_entry *active_command;

void shell_fprintf(const struct shell *sh, enum shell_vt100_color color, const char *fmt, ...)
{
	va_list ap;

	ARG_UNUSED(sh);
	ARG_UNUSED(color);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void shell_help(const struct shell *sh)
{
	const struct shell_static_entry *command = active_command;

	ARG_UNUSED(sh);
	if (command == NULL) {
		return;
	}
	printk("%s - %s\n", command->syntax, command->help ? command->help : "");
	if (command->subcmd == NULL) {
		return;
	}
	printk("Subcommands:\n");
	for (const struct shell_static_entry *sub = command->subcmd->entry; sub->syntax; sub++) {
		printk("  %s: %s\n", sub->syntax, sub->help ? sub->help : "");
	}
}

static const struct shell_static_entry *root_command(const char *name)
{
	STRUCT_SECTION_FOREACH_ALTERNATE(shell_root_cmds, shell_cmd_entry, record) {
		if (strcmp(record->entry->syntax, name) == 0) {
			return record->entry;
		}
	}
	return NULL;
}

static const struct shell_static_entry *subcommand(const struct shell_static_entry *command,
						  const char *name)
{
	if (command->subcmd == NULL) {
		return NULL;
	}
	for (const struct shell_static_entry *sub = command->subcmd->entry; sub->syntax; sub++) {
		if (strcmp(sub->syntax, name) == 0) {
			return sub;
		}
	}
	return NULL;
}

/* Splits `line` in place at spaces and tabs into at most `max` words; the number of
 * words, or max + 1 when there are more. */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t count = 0;
	char *at = line;

	for (;;) {
		while (*at == ' ' || *at == '\t') {
			*at++ = '\0';
		}
		if (*at == '\0') {
			return count;
		}
		if (count == max) {
			return max + 1;
		}
		words[count++] = at;
		while (*at != '\0' && *at != ' ' && *at != '\t') {
			at++;
		}
	}
}

static bool wants_help(size_t argc, char **argv)
{
	return argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
}

static bool argument_count_fits(const struct shell_static_entry *command, size_t argc)
{
	const struct shell_static_args *args = &command->args;

	if (args->mandatory == 0) {
		return true; /* SHELL_CMD: the handler checks what it gets */
	}
	if (argc < args->mandatory) {
		return false;
	}
	return args->optional == SHELL_OPT_ARG_CHECK_SKIP ||
	       argc <= (size_t)args->mandatory + args->optional;
}

int z_shell_run_app_command(const char *line)
{
	char copy[SHELL_LINE_MAX];
	char *words[SHELL_ARGC_MAX];
	size_t count;
	size_t at = 0;

	strncpy(copy, line, sizeof(copy) - 1);
	copy[sizeof(copy) - 1] = '\0';
	count = split_words(copy, words, ARRAY_SIZE(words));
	if (count == 0) {
		return -ENOEXEC;
	}
	const struct shell_static_entry *command = root_command(words[0]);

	if (command == NULL) {
		return -ENOEXEC;
	}
	if (count > ARRAY_SIZE(words)) {
		shell_error(&console_shell, "%s: too many arguments (at most %d words)", words[0],
			    SHELL_ARGC_MAX);
		return -EINVAL;
	}
	while (at + 1 < count) {
		const struct shell_static_entry *sub = subcommand(command, words[at + 1]);

		if (sub == NULL) {
			break;
		}
		command = sub;
		at++;
	}
	active_command = command;
	size_t argc = count - at;
	char **argv = &words[at];

	if (wants_help(argc, argv)) {
		shell_help(&console_shell);
		return 0;
	}
	if (command->handler == NULL) {
		if (argc > 1) {
			shell_error(&console_shell, "%s: unknown parameter: %s", argv[0], argv[1]);
		} else {
			shell_error(&console_shell, "%s: please specify a subcommand", argv[0]);
		}
		shell_help(&console_shell);
		return -EINVAL;
	}
	if (!argument_count_fits(command, argc)) {
		shell_error(&console_shell, "%s: wrong parameter count", argv[0]);
		shell_help(&console_shell);
		return -EINVAL;
	}
	return command->handler(&console_shell, argc, argv);
}

void z_shell_list_app_commands(void)
{
	STRUCT_SECTION_FOREACH_ALTERNATE(shell_root_cmds, shell_cmd_entry, record) {
		printk("  %s\n", record->entry->syntax);
	}
}
#endif
