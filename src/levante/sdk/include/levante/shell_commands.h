/* The console shell's side of application commands (runtime/shell_commands.c). */
#ifndef LEVANTE_SHELL_COMMANDS_H
#define LEVANTE_SHELL_COMMANDS_H

/* Runs `line` with the application's commands (SHELL_CMD_REGISTER): a handler's value,
 * or -ENOEXEC when no application command has the line's first word. */
int z_shell_run_app_command(const char *line);

/* One "  NAME" line per application root command, for `help`. */
void z_shell_list_app_commands(void);

#endif /* LEVANTE_SHELL_COMMANDS_H */
