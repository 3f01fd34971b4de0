/* CONFIG_SHELL: a small console shell in a thread of its own, reading console input.
 *
 * Commands (Zephyr's kernel shell names): help, kernel version, kernel uptime,
 * kernel threads (needs CONFIG_THREAD_MONITOR), kernel stacks (stack usage, which
 * needs CONFIG_INIT_STACKS), kernel reboot warm|cold (needs CONFIG_REBOOT); with
 * CONFIG_NET_SHELL, Zephyr's net commands (net iface, net conn, net stats, net arp
 * [flush], net ping [-c N] ADDR, net dns NAME [A|AAAA]); and the application's
 * SHELL_CMD_REGISTER commands (shell_commands.c). The shell ends when the console
 * input does. */
#include <zephyr/kernel.h>
#include <zephyr/console/console.h>
#include <zephyr/sys/reboot.h>
#include <levante/shell_commands.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef CONFIG_SHELL

#define SHELL_LINE_MAX 80

/* One line of input without its end of line; false once the input has ended. */
static bool read_line(char *line, size_t size)
{
	size_t length = 0;
	int c;

	while ((c = console_getchar()) >= 0) {
		if (c == '\n') {
			break;
		}
		if (c != '\r' && length + 1 < size) {
			line[length++] = (char)c;
		}
	}
	line[length] = '\0';
	return c >= 0 || length > 0;
}

static void show_thread(const struct k_thread *thread, void *user_data)
{
	bool with_stacks = *(const bool *)user_data;
	char state[32];
	k_tid_t tid = (k_tid_t)thread;

	z_levante_thread_state_str(tid, state, sizeof(state));
	printk("%s0x%08x %s\n", tid == k_current_get() ? "*" : " ", (unsigned int)(uintptr_t)tid,
	       k_thread_name_get(tid));
	printk("\tpriority: %d state: %s\n", k_thread_priority_get(tid), state);
	if (with_stacks) {
		size_t size = thread->stack_info.size - thread->stack_info.delta;
#if defined(CONFIG_INIT_STACKS) && defined(CONFIG_THREAD_STACK_INFO)
		size_t unused = 0;

		if (k_thread_stack_space_get(thread, &unused) == 0) {
			printk("\tstack size %u, unused %u, usage %u / %u (%u %%)\n",
			       (unsigned int)size, (unsigned int)unused,
			       (unsigned int)(size - unused), (unsigned int)size,
			       (unsigned int)((size - unused) * 100u / (size ? size : 1)));
			return;
		}
#endif
		printk("\tstack size %u (usage needs CONFIG_INIT_STACKS)\n", (unsigned int)size);
	}
}

static void list_threads(bool with_stacks)
{
#ifdef CONFIG_THREAD_MONITOR
	printk("Threads:\n");
	k_thread_foreach(show_thread, &with_stacks);
#else
	ARG_UNUSED(with_stacks);
	printk("kernel threads: CONFIG_THREAD_MONITOR is disabled\n");
#endif
}

#ifdef CONFIG_NET_SHELL
#define NET_TEXT_MAX 2048
#define PING_DEFAULT_COUNT 3
#define PING_DATA_LENGTH 56 /* ping(8)'s default */
#define PING_WAIT_MS 1000   /* for each reply, as ping(8) waits */
#define PING_POLL_MS 10

/* The stack's text for `net <args>`: formatted by the kernel's network service. */
static void net_text_command(const char *args)
{
	static char text[NET_TEXT_MAX];
	int length = z_levante_net_shell(args, text, sizeof(text));

	if (length < 0) {
		printk("net: no network interface (%d)\n", length);
		return;
	}
	printk("%s", text);
	if ((size_t)length >= sizeof(text)) {
		printk("... (%d characters cut)\n", length - (int)sizeof(text) + 1);
	}
}

/* net ping [-c N] ADDR: N echo requests, each waited for up to a second of simulated
 * time; one line per reply, as Zephyr's shell prints them. */
static void net_ping(char *args)
{
	int count = PING_DEFAULT_COUNT;
	char *host = strtok(args, " ");
	int received = 0;

	if (host != NULL && strcmp(host, "-c") == 0) {
		char *number = strtok(NULL, " ");
		char *end = NULL;

		count = number != NULL ? (int)strtol(number, &end, 10) : 0;
		if (number == NULL || *end != '\0' || count < 1 || count > 1000) {
			printk("net ping: -c takes a count from 1 to 1000\n");
			return;
		}
		host = strtok(NULL, " ");
	}
	if (host == NULL || strtok(NULL, " ") != NULL) {
		printk("Usage: net ping [-c N] ADDR\n");
		return;
	}
	printk("PING %s\n", host);
	for (int sequence = 1; sequence <= count; sequence++) {
		int result = z_levante_net_ping(host, sequence, PING_DATA_LENGTH);
		uint32_t reply[3]; /* ttl, data length, round trip in microseconds */

		if (result == -EINVAL) {
			printk("net ping: %s is not an IPv4 or IPv6 address\n", host);
			return;
		}
		if (result < 0) {
			printk("net ping: cannot send to %s (%d)\n", host, result);
			return;
		}
		result = -EAGAIN;
		for (int waited = 0; waited < PING_WAIT_MS && result == -EAGAIN;
		     waited += PING_POLL_MS) {
			k_msleep(PING_POLL_MS);
			result = z_levante_net_ping_reply(sequence, reply);
		}
		if (result == 0) {
			received++;
			printk("%u bytes from %s: icmp_seq=%d ttl=%u time=%u.%02u ms\n",
			       (unsigned int)reply[1] + 8u, host, sequence, (unsigned int)reply[0],
			       (unsigned int)(reply[2] / 1000u),
			       (unsigned int)(reply[2] % 1000u / 10u));
		} else {
			printk("Ping timeout (icmp_seq=%d)\n", sequence);
		}
	}
	printk("%d packets transmitted, %d received\n", count, received);
}

static bool net_command(char *line)
{
	if (strncmp(line, "net", 3) != 0 || (line[3] != ' ' && line[3] != '\0')) {
		return false;
	}
	char *args = line + 3;

	while (*args == ' ') {
		args++;
	}
	if (strncmp(args, "ping", 4) == 0 && (args[4] == ' ' || args[4] == '\0')) {
		net_ping(args + 4);
	} else {
		net_text_command(args);
	}
	return true;
}
#endif

/* Runs one command line; its result: 0, an application command's own, or -ENOEXEC for
 * a command the shell does not know. */
static int run_command(char *line)
{
	int ret = 0;

#ifdef CONFIG_NET_SHELL
	if (net_command(line)) {
		return 0;
	}
#endif
	if (strcmp(line, "help") == 0) {
		printk("Available commands:\n  help\n  kernel version\n  kernel uptime\n"
		       "  kernel threads\n  kernel stacks\n");
#ifdef CONFIG_REBOOT
		printk("  kernel reboot warm\n  kernel reboot cold\n");
#endif
#ifdef CONFIG_NET_SHELL
		printk("  net iface\n  net conn\n  net stats\n  net arp [flush]\n"
		       "  net ping [-c N] ADDR\n  net dns NAME [A|AAAA]\n");
#endif
		z_shell_list_app_commands();
	} else if (strcmp(line, "kernel version") == 0) {
		printk("Levante version %s\n", LV_VERSION_STRING);
	} else if (strcmp(line, "kernel uptime") == 0) {
		printk("Uptime: %u ms\n", (unsigned int)k_uptime_get_32());
	} else if (strcmp(line, "kernel threads") == 0) {
		list_threads(false);
	} else if (strcmp(line, "kernel stacks") == 0) {
		list_threads(true);
#ifdef CONFIG_REBOOT
	} else if (strcmp(line, "kernel reboot warm") == 0) {
		sys_reboot(SYS_REBOOT_WARM);
	} else if (strcmp(line, "kernel reboot cold") == 0) {
		sys_reboot(SYS_REBOOT_COLD);
#endif
	} else if (line[0] != '\0') {
		ret = z_shell_run_app_command(line);
		if (ret == -ENOEXEC) {
			printk("%s: command not found\n", line);
		}
	}
	return ret;
}

#ifdef CONFIG_MCUMGR_GRP_SHELL
/* MCUmgr's shell group: the kernel hands the shell an SMP peer's command line, marked
 * (ASCII record separator first); its output is kept here, not printed, and reported
 * with its result (z_levante_smp_shell_done), which the kernel sends to the peer. */
#define SMP_LINE_MARK '\x1e'
#define SMP_OUTPUT_MAX (CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE)

static char smp_output[SMP_OUTPUT_MAX];
static size_t smp_output_length;

static int smp_output_char(int c)
{
	if (smp_output_length < sizeof(smp_output)) {
		smp_output[smp_output_length++] = (char)c;
	}
	return c;
}

static void run_smp_command(char *line)
{
	int (*console_out)(int) = (int (*)(int))__printk_get_hook();

	smp_output_length = 0;
	__printk_hook_install(smp_output_char);
	int ret = run_command(line);

	__printk_hook_install(console_out);
	(void)z_levante_smp_shell_done(ret, smp_output, smp_output_length);
}
#endif

static void shell_thread(void *p1, void *p2, void *p3)
{
	char line[SHELL_LINE_MAX];

	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	for (;;) {
#ifdef CONFIG_MCUMGR_GRP_SHELL
		bool prompted = false;

		/* An SMP peer's lines run silently: the prompt waits for the console's. */
		for (;;) {
			if (!prompted) {
				printk("%s", CONFIG_SHELL_PROMPT_UART);
				prompted = true;
			}
			if (!read_line(line, sizeof(line))) {
				printk("\n");
				return;
			}
			if (line[0] != SMP_LINE_MARK) {
				break;
			}
			run_smp_command(line + 1);
		}
#else
		printk("%s", CONFIG_SHELL_PROMPT_UART);
		if (!read_line(line, sizeof(line))) {
			printk("\n");
			return;
		}
#endif
		printk("%s\n", line); /* the echo a terminal shows */
		(void)run_command(line);
	}
}

K_THREAD_DEFINE(shell_uart, CONFIG_SHELL_STACK_SIZE, shell_thread, NULL, NULL, NULL,
		CONFIG_SHELL_PRIORITY, 0, 0);

#endif
