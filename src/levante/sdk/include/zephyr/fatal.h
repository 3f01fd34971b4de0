/* Fatal errors: reasons, the exception frame, and the application's handler hook. */
#ifndef ZEPHYR_FATAL_H
#define ZEPHYR_FATAL_H

#include <stdint.h>
#include <generated/levante/abi.h>
#include <zephyr/toolchain.h>

/* The registers the CPU stacks on exception entry (ARMv7-M B1.5.6). */
struct arch_esf {
	struct {
		union { uint32_t a1; uint32_t r0; };
		union { uint32_t a2; uint32_t r1; };
		union { uint32_t a3; uint32_t r2; };
		union { uint32_t a4; uint32_t r3; };
		union { uint32_t ip; uint32_t r12; };
		uint32_t lr;
		uint32_t pc;
		uint32_t xpsr;
	} basic;
};

/* Called by the kernel, in supervisor mode, after a fatal error has been reported.
 * If it returns, only the faulting thread is aborted and the system runs on. */
void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf);

#define ARCH_EXCEPT(reason)                                                        \
	do {                                                                       \
		register uint32_t r0 __asm__("r0") = (reason);                     \
		__asm__ volatile("svc %[svc]" : : "r"(r0), [svc] "i"(LV_SVC_EXCEPT) \
				 : "memory");                                      \
		CODE_UNREACHABLE;                                                  \
	} while (0)

/* Raises a fatal error of `reason`; from user mode the kernel accepts only
 * K_ERR_STACK_CHK_FAIL as given and makes every other reason an oops. */
#define z_except_reason(reason) ARCH_EXCEPT(reason)
#define k_oops() ARCH_EXCEPT(K_ERR_KERNEL_OOPS)
#define k_panic() ARCH_EXCEPT(K_ERR_KERNEL_PANIC)

#endif
