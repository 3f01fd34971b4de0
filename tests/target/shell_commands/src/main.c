/* Application commands on the console shell: a root command with subcommands (one with
 * an argument count), a plain root command, and what the handlers receive. A counter in
 * the application shows each handler ran in this image. */
#include <stdlib.h>
#include <zephyr/kernel.h>
#include <zephyr/shell/shell.h>

static int total;

static int cmd_counter_add(const struct shell *sh, size_t argc, char **argv)
{
	for (size_t i = 1; i < argc; i++) {
		total += atoi(argv[i]);
	}
	shell_print(sh, "%s: total %d after %u numbers", argv[0], total, (unsigned)(argc - 1));
	return 0;
}

static int cmd_counter_show(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	shell_print(sh, "%s: %d", argv[0], total);
	return 0;
}

static int cmd_counter_fail(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	shell_error(sh, "refusing on purpose");
	return -EIO;
}

SHELL_STATIC_SUBCMD_SET_CREATE(counter_commands,
	SHELL_CMD_ARG(add, NULL, "Add 1 to 3 numbers", cmd_counter_add, 2, 2),
	SHELL_CMD(show, NULL, "Show the total", cmd_counter_show),
	SHELL_CMD(fail, NULL, "Fail with -EIO", cmd_counter_fail),
	SHELL_SUBCMD_SET_END
);

SHELL_CMD_REGISTER(counter, &counter_commands, "A counter's commands", NULL);

static int cmd_echo_words(const struct shell *sh, size_t argc, char **argv)
{
	shell_fprintf(sh, SHELL_NORMAL, "argc=%u", (unsigned)argc);
	for (size_t i = 0; i < argc; i++) {
		shell_fprintf(sh, SHELL_NORMAL, " [%s]", argv[i]);
	}
	shell_print(sh, "");
	return 0;
}

SHELL_CMD_REGISTER(words, NULL, "Print the words it gets", cmd_echo_words);

int main(void)
{
	printk("shell_commands ready\n");
	return 0;
}
