/* A user thread whose first frames overflow a buffer: the reserved area at the top of a
 * user stack (as in Zephyr) keeps the overflow inside the stack, where the canary check
 * catches it at the function's return, rather than past the stack's end. */
#include <string.h>
#include <zephyr/kernel.h>

static struct k_thread user;
static K_THREAD_STACK_DEFINE(user_stack, 1024);

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	printk("fatal error %u\n", reason);
}

static void __attribute__((noinline)) copy(const char *text)
{
	char buf[16];

	strcpy(buf, text);
	printk("copied %s\n", buf);
}

static void overflow(void *p1, void *p2, void *p3)
{
	copy("forty-eight bytes of text, far more than sixteen");
	printk("the overflow went unnoticed\n");
}

int main(void)
{
	k_thread_create(&user, user_stack, K_THREAD_STACK_SIZEOF(user_stack), overflow, NULL,
			NULL, NULL, -1, K_USER, K_NO_WAIT);
	k_thread_join(&user, K_FOREVER);
	printk("main goes on\n");
	return 0;
}
