/* Application-defined system calls (CONFIG_APPLICATION_DEFINED_SYSCALL): the trap a
 * generated stub makes from user mode, the return from a handler, and the allocating
 * copies of a verification function. */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/internal/syscall_handler.h>
#include <levante/syscall.h>

#ifdef CONFIG_APPLICATION_DEFINED_SYSCALL
uint64_t z_levante_app_syscall(uint32_t index, const void *args, size_t size)
{
	return lv_syscall((uint32_t)(uintptr_t)args, (uint32_t)size, 0, 0, 0, 0,
			  LV_APP_SYSCALL_BASE + index);
}

/* A handler (z_mrsh_<name>) returns here, its result in r0/r1: the kernel resumes the
 * user thread with it. */
__attribute__((naked, noreturn)) void z_app_syscall_return(void)
{
	__asm__ volatile("svc %0" : : "i"(LV_SVC_APP_SYSCALL_RETURN));
}

void *k_usermode_alloc_from_copy(const void *src, size_t size)
{
	void *dst = z_thread_malloc(size);

	if (dst != NULL && k_usermode_from_copy(dst, src, size) != 0) {
		k_free(dst);
		dst = NULL;
	}
	return dst;
}

char *k_usermode_string_alloc_copy(const char *src, size_t maxlen)
{
	int err;
	size_t len = k_usermode_string_nlen(src, maxlen, &err);

	if (err != 0 || len >= maxlen) {
		return NULL; /* unreadable, or no NUL within maxlen */
	}
	char *dst = z_thread_malloc(len + 1);

	if (dst != NULL && k_usermode_string_copy(dst, src, len + 1) != 0) {
		k_free(dst);
		dst = NULL;
	}
	return dst;
}
#endif
