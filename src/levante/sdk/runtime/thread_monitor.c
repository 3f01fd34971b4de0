/* CONFIG_THREAD_MONITOR: every live thread, newest first, in a list the kernel keeps in
 * k_thread.next_thread from the head below (supervisor memory, as all of k_thread). */
#include <zephyr/kernel.h>

#ifdef CONFIG_THREAD_MONITOR
struct k_thread *z_thread_monitor_head;
#endif

void k_thread_foreach(k_thread_user_cb_t user_cb, void *user_data)
{
#ifdef CONFIG_THREAD_MONITOR
	struct k_thread *thread = z_thread_monitor_head;

	while (thread != NULL) {
		/* Read the link first: the callback may end the thread it is given. */
		struct k_thread *next = thread->next_thread;

		user_cb(thread, user_data);
		thread = next;
	}
#else
	ARG_UNUSED(user_cb);
	ARG_UNUSED(user_data);
#endif
}
