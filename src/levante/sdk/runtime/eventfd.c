/* CONFIG_ZVFS_EVENTFD: the eventfds' kernel objects and the C functions over the
 * kernel's calls (kernel/syscalls/eventfd_calls.py), which return -errno. */
#include <zephyr/kernel.h>

#ifdef CONFIG_ZVFS_EVENTFD
#include <errno.h>
#include <zephyr/zvfs/eventfd.h>

/* The eventfds' kernel objects (kernel memory: no user thread reaches them). */
struct zvfs_eventfd z_zvfs_eventfds[CONFIG_ZVFS_EVENTFD_MAX] = {
	[0 ... CONFIG_ZVFS_EVENTFD_MAX - 1] = { .fd = -1 },
};

static int result(int value)
{
	if (value < 0) {
		errno = -value;
		return -1;
	}
	return value;
}

int zvfs_eventfd(unsigned int initval, int flags)
{
	return result(z_levante_eventfd(initval, flags));
}

int zvfs_eventfd_read(int fd, zvfs_eventfd_t *value)
{
	return result(z_levante_eventfd_read(fd, value, sizeof(*value))) < 0 ? -1 : 0;
}

int zvfs_eventfd_write(int fd, zvfs_eventfd_t value)
{
	return result(z_levante_eventfd_write(fd, &value, sizeof(value))) < 0 ? -1 : 0;
}

#ifdef CONFIG_EVENTFD
int eventfd(unsigned int initval, int flags)
{
	return zvfs_eventfd(initval, flags);
}

int eventfd_read(int fd, zvfs_eventfd_t *value)
{
	return zvfs_eventfd_read(fd, value);
}

int eventfd_write(int fd, zvfs_eventfd_t value)
{
	return zvfs_eventfd_write(fd, value);
}
#endif
#endif
