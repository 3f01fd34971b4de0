/* Hello World from a user thread: main (supervisor) starts an unprivileged thread that
 * can touch only its own stack, and prints through the validated k_str_out call. */
#include <zephyr/kernel.h>

#define USER_STACKSIZE 1024

struct k_thread user_thread;
K_THREAD_STACK_DEFINE(user_stack, USER_STACKSIZE);

static void user_function(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	printk("Hello World from %s (%s)\n",
	       k_is_user_context() ? "UserSpace!" : "privileged mode", CONFIG_BOARD);
	__ASSERT(k_is_user_context(), "User mode execution was expected");
}

int main(void)
{
	k_thread_create(&user_thread, user_stack, USER_STACKSIZE, user_function, NULL, NULL, NULL,
			-1, K_USER, K_MSEC(0));
	return 0;
}
