/* eventfd as Zephyr has it: the counter's rules (EFD_SEMAPHORE, EFD_NONBLOCK, the
 * largest value), a reader woken by another thread's write, poll() over an eventfd
 * beside a socket, close ending the waits, the slot and descriptor limits, hostile
 * arguments to the raw calls, and the user rules (an eventfd is its creator's object:
 * another thread needs a grant; its value must go to the caller's own memory). */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/net/socket.h>
#include <zephyr/posix/sys/eventfd.h>
#include <zephyr/ztest.h>

#define STACK_SIZE 1024
#define COUNT_MAX 0xfffffffffffffffeULL

static uint64_t kernel_only; /* kernel memory: no user thread's */
ZTEST_DMEM int foreign_fd = -1; /* made by a thread that is gone: nobody was granted it */
ZTEST_DMEM int granted_fd = -1; /* the same, granted to each test's thread */

static K_THREAD_STACK_DEFINE(helper_stack, STACK_SIZE);
static struct k_thread helper;
static volatile int helper_result;
static volatile int helper_errno;
static volatile eventfd_t helper_value;
static int helper_fd;

#define zassert_fails_with(call, error)                                                 \
	do {                                                                               \
		errno = 0;                                                                 \
		zassert_equal((call), -1, #call " should fail");                           \
		zassert_equal(errno, (error), #call ": errno %d", errno);                  \
	} while (0)

/* ---- supervisor ------------------------------------------------------------------------ */

ZTEST(eventfds, test_counting)
{
	eventfd_t value = 0;
	int fd = eventfd(5, EFD_NONBLOCK);

	zassert_true(fd >= 3, "eventfd: %d (errno %d)", fd, errno);
	zassert_equal(eventfd_read(fd, &value), 0);
	zassert_equal(value, 5, "a read takes the whole count");
	zassert_fails_with(eventfd_read(fd, &value), EAGAIN);
	zassert_equal(eventfd_write(fd, 2), 0);
	zassert_equal(eventfd_write(fd, 3), 0);
	zassert_equal(eventfd_read(fd, &value), 0);
	zassert_equal(value, 5, "writes add up");
	/* The largest count is 2^64 - 2; 2^64 - 1 is never a value to write. */
	zassert_fails_with(eventfd_write(fd, UINT64_MAX), EINVAL);
	zassert_equal(eventfd_write(fd, COUNT_MAX), 0);
	zassert_fails_with(eventfd_write(fd, 1), EAGAIN);
	zassert_equal(eventfd_read(fd, &value), 0);
	zassert_equal(value, COUNT_MAX);
	zassert_equal(close(fd), 0);
	zassert_fails_with(eventfd_read(fd, &value), EBADF);
}

ZTEST(eventfds, test_semaphore_reads_take_one)
{
	eventfd_t value = 0;
	int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);

	zassert_true(fd >= 3);
	zassert_equal(eventfd_read(fd, &value), 0);
	zassert_equal(value, 1);
	zassert_equal(eventfd_read(fd, &value), 0);
	zassert_equal(value, 1);
	zassert_fails_with(eventfd_read(fd, &value), EAGAIN);
	close(fd);
}

ZTEST(eventfds, test_flags_and_limits)
{
	int fds[2];

	zassert_fails_with(eventfd(0, 0x1), EINVAL);
	for (int index = 0; index < 2; index++) {
		fds[index] = eventfd(0, 0);
		zassert_true(fds[index] >= 3, "eventfd %d: errno %d", index, errno);
	}
	/* Four slots, two held by the suite: CONFIG_ZVFS_EVENTFD_MAX=4... */
	zassert_fails_with(eventfd(0, 0), ENOMEM);
	close(fds[0]);
	fds[0] = eventfd(0, 0);
	zassert_true(fds[0] >= 3, "a closed eventfd's slot is free again");
	/* ...and sockets share the descriptor numbers: none is given twice. */
	int sock = socket(AF_INET, SOCK_DGRAM, 0);

	zassert_true(sock >= 3);
	for (int index = 0; index < 2; index++) {
		zassert_not_equal(sock, fds[index]);
		close(fds[index]);
	}
	close(sock);
}

static void blocked_reader(void *p1, void *p2, void *p3)
{
	eventfd_t value = 0;

	helper_result = eventfd_read(helper_fd, &value);
	helper_errno = errno;
	helper_value = value;
}

static void start_helper(k_thread_entry_t entry)
{
	helper_result = 99;
	k_thread_create(&helper, helper_stack, STACK_SIZE, entry, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_msleep(10);
	zassert_equal(helper_result, 99, "the helper must still be waiting");
}

ZTEST(eventfds, test_a_write_wakes_a_blocked_reader)
{
	helper_fd = eventfd(0, 0);
	start_helper(blocked_reader);
	zassert_equal(eventfd_write(helper_fd, 7), 0);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 0);
	zassert_equal(helper_value, 7);
	close(helper_fd);
}

ZTEST(eventfds, test_close_ends_a_blocked_read)
{
	helper_fd = eventfd(0, 0);
	start_helper(blocked_reader);
	zassert_equal(close(helper_fd), 0);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, -1);
	zassert_equal(helper_errno, EBADF);
}

static void poll_loop(void *p1, void *p2, void *p3)
{
	struct pollfd entries[2] = {
		{ .fd = helper_fd, .events = POLLIN },
		{ .fd = (int)(intptr_t)p1, .events = POLLIN },
	};

	helper_result = poll(entries, 2, -1);
	helper_errno = entries[0].revents | (entries[1].revents << 8);
}

ZTEST(eventfds, test_an_eventfd_wakes_a_poll_beside_a_socket)
{
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	struct pollfd entry;

	helper_fd = eventfd(0, 0);
	entry = (struct pollfd){ .fd = helper_fd, .events = POLLIN | POLLOUT };
	zassert_equal(poll(&entry, 1, 0), 1);
	zassert_equal(entry.revents, POLLOUT, "empty: writable, not readable");
	k_thread_create(&helper, helper_stack, STACK_SIZE, poll_loop, (void *)(intptr_t)sock,
			NULL, NULL, K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_msleep(10);
	zassert_equal(helper_result, 0, "the poller must still be waiting");
	zassert_equal(eventfd_write(helper_fd, 1), 0);
	k_thread_join(&helper, K_FOREVER);
	zassert_equal(helper_result, 1);
	zassert_equal(helper_errno, POLLIN, "the eventfd, not the socket");
	close(helper_fd);
	close(sock);
}

ZTEST(eventfds, test_an_eventfd_is_no_socket)
{
	int fd = eventfd(0, 0);
	char byte;

	zassert_fails_with(recv(fd, &byte, 1, MSG_DONTWAIT), ENOTSOCK);
	zassert_not_null(zsock_get_context_object(fd));
	close(fd);
}

ZTEST(eventfds, test_raw_calls_refuse_short_and_null_buffers)
{
	int fd = eventfd(1, EFD_NONBLOCK);
	uint64_t value = 0;

	zassert_equal(z_levante_eventfd_read(fd, &value, 4), -EINVAL);
	zassert_equal(z_levante_eventfd_read(fd, NULL, 8), -EFAULT);
	zassert_equal(z_levante_eventfd_write(fd, &value, 7), -EINVAL);
	zassert_equal(z_levante_eventfd_read(-1, &value, 8), -EBADF);
	zassert_equal(z_levante_eventfd_read(fd, &value, 8), 8, "nothing was taken before");
	zassert_equal(value, 1);
	close(fd);
}

/* ---- user mode ----------------------------------------------------------------------------- */

ZTEST_USER(eventfds, test_user_owns_the_eventfds_it_makes)
{
	eventfd_t value = 0;
	int fd = eventfd(3, EFD_NONBLOCK);

	zassert_true(fd >= 3, "eventfd: errno %d", errno);
	zassert_equal(eventfd_write(fd, 4), 0);
	zassert_equal(eventfd_read(fd, &value), 0);
	zassert_equal(value, 7);
	zassert_equal(close(fd), 0);
}

ZTEST_USER(eventfds, test_user_descriptor_alone_gives_nothing)
{
	eventfd_t value = 0;

	zassert_fails_with(eventfd_write(foreign_fd, 1), EBADF);
	zassert_fails_with(eventfd_read(foreign_fd, &value), EBADF);
	zassert_fails_with(close(foreign_fd), EBADF);
	zassert_is_null(zsock_get_context_object(foreign_fd));
	struct pollfd entry = { .fd = foreign_fd, .events = POLLIN };

	zassert_equal(poll(&entry, 1, 0), 1);
	zassert_equal(entry.revents, POLLNVAL);
	/* With a grant on the object, the eventfd serves the thread. */
	zassert_equal(eventfd_write(granted_fd, 1), 0);
	zassert_equal(eventfd_read(granted_fd, &value), 0);
	zassert_equal(value, 1);
}

ZTEST_USER(eventfds, test_user_kernel_destination_faults)
{
	zassert_equal(eventfd_write(granted_fd, 1), 0);
	ztest_set_fault_valid(true);
	(void)z_levante_eventfd_read(granted_fd, &kernel_only, sizeof(kernel_only));
	ztest_test_fail();
}

ZTEST_USER(eventfds, test_user_kernel_source_faults)
{
	ztest_set_fault_valid(true);
	(void)z_levante_eventfd_write(granted_fd, &kernel_only, sizeof(kernel_only));
	ztest_test_fail();
}

static void make_eventfds(void *p1, void *p2, void *p3)
{
	foreign_fd = eventfd(0, EFD_NONBLOCK);
	granted_fd = eventfd(0, EFD_NONBLOCK);
}

static void *eventfds_setup(void)
{
	/* Made by a thread that then ends: no thread holds a permission on them. */
	k_thread_create(&helper, helper_stack, STACK_SIZE, make_eventfds, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_join(&helper, K_FOREVER);
	zassert_true(foreign_fd >= 3 && granted_fd >= 3);
	return NULL;
}

static void grant_eventfd(void *fixture)
{
	eventfd_t value;

	ARG_UNUSED(fixture);
	k_object_access_grant(zsock_get_context_object(granted_fd), k_current_get());
	(void)eventfd_read(granted_fd, &value); /* each test starts from 0 */
}

ZTEST_SUITE(eventfds, NULL, eventfds_setup, grant_eventfd, NULL, NULL);
