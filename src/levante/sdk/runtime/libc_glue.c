/* The few operating-system hooks newlib needs, so printf/puts/malloc work as on Zephyr
 * (CONFIG_NEWLIB_LIBC; picolibc's are in picolibc_glue.c). */
#include <zephyr/kernel.h>

#ifdef CONFIG_NEWLIB_LIBC
#include <sys/stat.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <levante/libc_arena.h>

#ifdef CONFIG_USERSPACE
/* malloc's arena lives in the C library's partition, which every user thread's domain
 * has (Zephyr's z_malloc_partition): the FILE objects and buffers newlib allocates must
 * be reachable from user mode, where printf runs too.  Only supervisor code grows it:
 * heap_top stays kernel memory, so no user thread can point the next allocation
 * elsewhere; a user thread's malloc gets what was freed back, or NULL. */
static char libc_arena[CONFIG_NEWLIB_LIBC_MIN_REQUIRED_HEAP_SIZE] __aligned(8)
	K_APP_BMEM(z_libc_partition);
#define HEAP_START (&libc_arena[0])
#define HEAP_END (&libc_arena[sizeof(libc_arena)])
#else
extern char __heap_start[];
extern char __heap_end[];
#define HEAP_START (&__heap_start[0])
#define HEAP_END (&__heap_end[0])
#endif
static char *heap_top = HEAP_START;

#ifdef CONFIG_NET_SOCKETS
#include <zephyr/net/socket.h>
/* Descriptors 3 and up are sockets (0 to 2 are the console's): read, write and close on
 * one are the socket's recv, send and close, as Zephyr's descriptor table serves them. */
#define IS_SOCKET(fd) ((fd) > 2)
#else
#define IS_SOCKET(fd) 0
#endif

int _write(int fd, const char *buf, int len)
{
#ifdef CONFIG_NET_SOCKETS
	if (IS_SOCKET(fd)) {
		return (int)zsock_send(fd, buf, (size_t)len, 0);
	}
#endif
	k_str_out(buf, (size_t)len);
	return len;
}

void *_sbrk(ptrdiff_t increment)
{
	return z_libc_arena_grow(&heap_top, HEAP_END, increment);
}

int _read(int fd, char *buf, int len)
{
#ifdef CONFIG_NET_SOCKETS
	if (IS_SOCKET(fd)) {
		return (int)zsock_recv(fd, buf, (size_t)len, 0);
	}
#endif
	ARG_UNUSED(fd);
	ARG_UNUSED(buf);
	ARG_UNUSED(len);
	return 0;
}

int _close(int fd)
{
#ifdef CONFIG_NET_SOCKETS
	if (IS_SOCKET(fd)) {
		return zsock_close(fd);
	}
#endif
	ARG_UNUSED(fd);
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	ARG_UNUSED(fd);
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	ARG_UNUSED(fd);
	return 1;
}

int _lseek(int fd, int offset, int whence)
{
	ARG_UNUSED(fd);
	ARG_UNUSED(offset);
	ARG_UNUSED(whence);
	return 0;
}

int _getpid(void)
{
	return 1;
}

int _kill(int pid, int sig)
{
	ARG_UNUSED(pid);
	ARG_UNUSED(sig);
	return -1;
}

FUNC_NORETURN void _exit(int status)
{
	ARG_UNUSED(status);
	k_thread_abort(k_current_get());
	CODE_UNREACHABLE;
}

#endif /* CONFIG_NEWLIB_LIBC */
