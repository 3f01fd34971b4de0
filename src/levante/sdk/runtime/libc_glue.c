/* The few operating-system hooks newlib needs, so printf/puts/malloc work as on Zephyr. */
#include <zephyr/kernel.h>
#include <sys/stat.h>

extern char __heap_start[];
extern char __heap_end[];
static char *heap_top = __heap_start;

int _write(int fd, const char *buf, int len)
{
	ARG_UNUSED(fd);
	k_str_out(buf, (size_t)len);
	return len;
}

void *_sbrk(ptrdiff_t increment)
{
	char *previous = heap_top;

	if (increment < 0 || __heap_end - heap_top < increment) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_top += increment;
	return previous;
}

int _read(int fd, char *buf, int len)
{
	ARG_UNUSED(fd);
	ARG_UNUSED(buf);
	ARG_UNUSED(len);
	return 0;
}

int _close(int fd)
{
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
