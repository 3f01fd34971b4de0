/* The trap into the Levante kernel: six register arguments, the call number in r6. */
#ifndef LEVANTE_SYSCALL_H
#define LEVANTE_SYSCALL_H

#include <stdint.h>
#include <generated/levante/abi.h>

/* r2-r5 are preserved by the kernel; r0 and r1 carry the (possibly 64-bit) result.
 * During a call other threads and interrupt-context callbacks may run and change the
 * program's static variables: the build compiles with -fno-ipa-reference so that the
 * memory clobber covers those too (see sdk/build.py). */
static inline uint64_t lv_syscall(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
				  uint32_t a4, uint32_t a5, uint32_t number)
{
	register uint32_t r0 __asm__("r0") = a0;
	register uint32_t r1 __asm__("r1") = a1;
	register uint32_t r2 __asm__("r2") = a2;
	register uint32_t r3 __asm__("r3") = a3;
	register uint32_t r4 __asm__("r4") = a4;
	register uint32_t r5 __asm__("r5") = a5;
	register uint32_t r6 __asm__("r6") = number;

	__asm__ volatile("svc %[svc]"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), [svc] "i"(LV_SVC_SYSCALL)
			 : "memory");
	return ((uint64_t)r1 << 32) | r0;
}

/* Zephyr's raw system call entry: arguments, then the call number; the result is r0. */
static inline uintptr_t arch_syscall_invoke6(uintptr_t a1, uintptr_t a2, uintptr_t a3,
					     uintptr_t a4, uintptr_t a5, uintptr_t a6,
					     uintptr_t call_id)
{
	return (uintptr_t)lv_syscall(a1, a2, a3, a4, a5, a6, call_id);
}

static inline uintptr_t arch_syscall_invoke5(uintptr_t a1, uintptr_t a2, uintptr_t a3,
					     uintptr_t a4, uintptr_t a5, uintptr_t call_id)
{
	return arch_syscall_invoke6(a1, a2, a3, a4, a5, 0, call_id);
}

static inline uintptr_t arch_syscall_invoke4(uintptr_t a1, uintptr_t a2, uintptr_t a3,
					     uintptr_t a4, uintptr_t call_id)
{
	return arch_syscall_invoke6(a1, a2, a3, a4, 0, 0, call_id);
}

static inline uintptr_t arch_syscall_invoke3(uintptr_t a1, uintptr_t a2, uintptr_t a3,
					     uintptr_t call_id)
{
	return arch_syscall_invoke6(a1, a2, a3, 0, 0, 0, call_id);
}

static inline uintptr_t arch_syscall_invoke2(uintptr_t a1, uintptr_t a2, uintptr_t call_id)
{
	return arch_syscall_invoke6(a1, a2, 0, 0, 0, 0, call_id);
}

static inline uintptr_t arch_syscall_invoke1(uintptr_t a1, uintptr_t call_id)
{
	return arch_syscall_invoke6(a1, 0, 0, 0, 0, 0, call_id);
}

static inline uintptr_t arch_syscall_invoke0(uintptr_t call_id)
{
	return arch_syscall_invoke6(0, 0, 0, 0, 0, 0, call_id);
}

#endif
