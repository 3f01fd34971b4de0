/* The interrupt lock under the architecture's names, and idling the CPU (Zephyr's
 * arch_irq_lock, k_cpu_idle, ...), over the irq_lock/irq_unlock system calls, and
 * whether the caller may block (k_can_yield).
 * Included by <zephyr/kernel.h> after the generated calls. */
#ifndef LEVANTE_IRQ_LOCK_H
#define LEVANTE_IRQ_LOCK_H

#include <stdbool.h>

/* The architecture's names for the interrupt lock: the key is 0 when interrupts were
 * unlocked before the call. */
static inline unsigned int arch_irq_lock(void)
{
	return irq_lock();
}

static inline void arch_irq_unlock(unsigned int key)
{
	irq_unlock(key);
}

static inline bool arch_irq_unlocked(unsigned int key)
{
	return key == 0U;
}

/* Sleep until the next interrupt (WFI: the kernel lets time run to the next event),
 * then leave interrupts unlocked, as Zephyr's k_cpu_idle does. */
static inline void k_cpu_idle(void)
{
	__asm__ volatile("wfi" ::: "memory");
	irq_unlock(0U);
}

/* Idle with interrupts locked (`key` from irq_lock): as on a Cortex-M, WFI wakes on an
 * interrupt that is held off, which is then taken when `key` is restored, so none is
 * lost between the unlock and the sleep. */
static inline void k_cpu_atomic_idle(unsigned int key)
{
	__asm__ volatile("wfi" ::: "memory");
	irq_unlock(key);
}

#define arch_cpu_idle() k_cpu_idle()
#define arch_cpu_atomic_idle(key) k_cpu_atomic_idle(key)

/* Whether the boot is still in its EARLY and PRE_KERNEL init levels (runtime/init.c);
 * a user thread only ever runs after them. */
extern bool z_sys_post_kernel;

static inline bool k_is_pre_kernel(void)
{
	return !k_is_user_context() && !z_sys_post_kernel;
}

/* Whether the caller may block or yield: not during the pre-kernel init levels, not in
 * interrupt context. */
static inline bool k_can_yield(void)
{
	return !(k_is_pre_kernel() || k_is_in_isr());
}

/* What code runs as (Zephyr's execution context types). */
enum execution_context_types {
	K_ISR = 0,
	K_COOP_THREAD,
	K_PREEMPT_THREAD,
};

/* Masking single interrupt lines: Levante's board interrupts belong to its kernel
 * drivers, so no application code may mask one.  Declared for code that names them on
 * paths for other architectures; a call that is linked in fails the link. */
void irq_enable(unsigned int irq);
void irq_disable(unsigned int irq);

#endif
