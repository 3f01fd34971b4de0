/* What an application-defined system call's verification function (z_vrfy_<name>) uses
 * to check a user thread's arguments (CONFIG_APPLICATION_DEFINED_SYSCALL).
 *
 * The function runs privileged, as the calling thread, after the kernel copied the
 * arguments in; each check below is a kernel call that judges the user thread's own
 * memory view and object permissions.  A check is 0 when allowed, non-zero when not, so
 * that K_OOPS(K_SYSCALL_...) ends the calling thread with K_ERR_KERNEL_OOPS. */
#ifndef ZEPHYR_INTERNAL_SYSCALL_HANDLER_H
#define ZEPHYR_INTERNAL_SYSCALL_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <zephyr/kernel.h>
#include <zephyr/device.h>

#define K_OOPS(expr)                                                                       \
	do {                                                                               \
		if (expr) {                                                                \
			k_oops();                                                          \
		}                                                                          \
	} while (false)

#define K_SYSCALL_VERIFY_MSG(expr, fmt, ...)                                               \
	({                                                                                 \
		bool z_failed = !(expr);                                                   \
		if (z_failed) {                                                            \
			printk("E: syscall %s failed check: " fmt "\n", __func__,           \
			       ##__VA_ARGS__);                                             \
		}                                                                          \
		z_failed;                                                                  \
	})
#define K_SYSCALL_VERIFY(expr) K_SYSCALL_VERIFY_MSG(expr, #expr)

#define K_SYSCALL_MEMORY(ptr, size, write)                                                 \
	K_SYSCALL_VERIFY_MSG(z_levante_user_buffer_check((const void *)(ptr), (size_t)(size), \
							 (write)) == 0,                  \
			     "memory %p (%zu bytes) %s access denied", (void *)(ptr),     \
			     (size_t)(size), (write) ? "write" : "read")
#define K_SYSCALL_MEMORY_READ(ptr, size) K_SYSCALL_MEMORY(ptr, size, 0)
#define K_SYSCALL_MEMORY_WRITE(ptr, size) K_SYSCALL_MEMORY(ptr, size, 1)
#define K_SYSCALL_MEMORY_ARRAY(ptr, nmemb, size, write)                                    \
	({                                                                                 \
		size_t z_product;                                                          \
		K_SYSCALL_VERIFY_MSG(!__builtin_mul_overflow((size_t)(nmemb), (size_t)(size), \
							     &z_product),                 \
				     "%zu x %zu array is too large", (size_t)(nmemb),    \
				     (size_t)(size)) ||                                 \
			K_SYSCALL_MEMORY(ptr, z_product, write);                           \
	})
#define K_SYSCALL_MEMORY_ARRAY_READ(ptr, nmemb, size) K_SYSCALL_MEMORY_ARRAY(ptr, nmemb, size, 0)
#define K_SYSCALL_MEMORY_ARRAY_WRITE(ptr, nmemb, size) K_SYSCALL_MEMORY_ARRAY(ptr, nmemb, size, 1)

/* The object's kind, permission and initialisation, as k_object_validate judges them:
 * initialised (K_SYSCALL_OBJ), either (K_SYSCALL_OBJ_INIT), or never (_NEVER_INIT). */
#define K_SYSCALL_OBJ_CHECK(ptr, type, init)                                               \
	K_SYSCALL_VERIFY_MSG(z_levante_user_object_check((const void *)(ptr), (type), (init)) == 0, \
			     "object %p of type %d: access denied", (void *)(ptr), (int)(type))
#define K_SYSCALL_OBJ(ptr, type) K_SYSCALL_OBJ_CHECK(ptr, type, 0)
#define K_SYSCALL_OBJ_INIT(ptr, type) K_SYSCALL_OBJ_CHECK(ptr, type, 1)
#define K_SYSCALL_OBJ_NEVER_INIT(ptr, type) K_SYSCALL_OBJ_CHECK(ptr, type, 2)

/* A driver's device, as a driver subsystem's checks judge it: a device of the
 * subsystem's kind the user thread may use (K_SYSCALL_OBJ), whose API implements `op`.
 * The build defines K_SYSCALL_DRIVER_<NAME>(ptr, op) for each application subsystem. */
#define K_SYSCALL_DRIVER_OP(ptr, api_name, op)                                             \
	({                                                                                 \
		const struct api_name *z_api =                                             \
			(const struct api_name *)((const struct device *)(ptr))->api;      \
		K_SYSCALL_VERIFY_MSG(z_api->op != NULL,                                    \
				     "operation %s not implemented for driver " #api_name, #op); \
	})
#define K_SYSCALL_DRIVER_GEN(ptr, op, driver_lower_case, driver_upper_case)                \
	(K_SYSCALL_OBJ(ptr, K_OBJ_DRIVER_##driver_upper_case) ||                           \
	 K_SYSCALL_DRIVER_OP(ptr, driver_lower_case##_driver_api, op))
/* k_object_validate, with a line on the console when it refuses (Zephyr logs it). */
static inline int k_object_validation_check(struct k_object *ko, const void *obj,
					    enum k_objects otype, enum _obj_init_check init)
{
	int ret = k_object_validate(ko, otype, init);

	if (ret != 0) {
		printk("E: object %p of type %s: access denied (%d)\n", obj, otype_to_str(otype),
		       ret);
	}
	return ret;
}

/* A copy of the user's `size` bytes at `src` from the calling thread's resource pool
 * (NULL when it is not theirs to read or there is no room); free it with k_free. */
void *k_usermode_alloc_from_copy(const void *src, size_t size);
/* A copy of the user's string (NULL when unreadable or longer than maxlen - 1). */
char *k_usermode_string_alloc_copy(const char *src, size_t maxlen);

/* The trap a generated stub makes from user mode: the call's index in the image's table,
 * and its packed arguments. */
uint64_t z_levante_app_syscall(uint32_t index, const void *args, size_t size);

#endif
