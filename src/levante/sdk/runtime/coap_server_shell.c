/* CONFIG_COAP_SERVER_SHELL: the `coap_service` shell command, as Zephyr names it.
 *
 *   coap_service              list the services: name, ACTIVE or INACTIVE, host:port
 *   coap_service start NAME   coap_service_start (the server thread opens its socket)
 *   coap_service stop NAME    coap_service_stop (closes it, drops its observers)
 *
 * A handler's negative errno is what the command returns (the shell prints it). */
#include <zephyr/kernel.h>

#ifdef CONFIG_COAP_SERVER_SHELL
#include <errno.h>
#include <string.h>
#include <zephyr/net/coap_service.h>
#include <zephyr/shell/shell.h>

static int list_services(const struct shell *sh, size_t argc, char **argv)
{
	int count = 0;

	ARG_UNUSED(argv);
	if (argc > 1) {
		shell_error(sh, "%s: unknown subcommand (start, stop)", argv[1]);
		return -EINVAL;
	}
	shell_print(sh, "     %-16s %-9s %s", "Name", "State", "Endpoint");
	COAP_SERVICE_FOREACH(service) {
		shell_print(sh, "[%2d] %-16s %-9s %s:%u", ++count, service->name,
			    coap_service_is_running(service) ? "ACTIVE" : "INACTIVE",
			    service->host != NULL ? service->host : "", (unsigned int)*service->port);
	}
	if (count == 0) {
		shell_print(sh, "No services available");
		return -ENOENT;
	}
	return 0;
}

static const struct coap_service *service_named(const char *name)
{
	const struct coap_service *found = NULL;

	COAP_SERVICE_FOREACH(service) {
		if (found == NULL && strcmp(service->name, name) == 0) {
			found = service;
		}
	}
	return found;
}

/* start/stop NAME: the service's call, or -ENOENT for a name no service has. */
static int change_service(const struct shell *sh, char **argv,
			  int (*change)(const struct coap_service *service))
{
	const struct coap_service *service = service_named(argv[1]);
	int ret = service != NULL ? change(service) : -ENOENT;

	if (ret < 0) {
		shell_error(sh, "%s %s: failed (%d)", argv[0], argv[1], ret);
	}
	return ret;
}

static int start_service(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	return change_service(sh, argv, coap_service_start);
}

static int stop_service(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	return change_service(sh, argv, coap_service_stop);
}

SHELL_STATIC_SUBCMD_SET_CREATE(coap_service_commands,
	SHELL_CMD_ARG(start, NULL, "Start a CoAP service\nUsage: start <service>",
		      start_service, 2, 0),
	SHELL_CMD_ARG(stop, NULL, "Stop a CoAP service\nUsage: stop <service>",
		      stop_service, 2, 0),
	SHELL_SUBCMD_SET_END);

SHELL_CMD_REGISTER(coap_service, &coap_service_commands, "CoAP service commands",
		   list_services);
#endif /* CONFIG_COAP_SERVER_SHELL */
