/* irq_offload (CONFIG_IRQ_OFFLOAD): one offload at a time, the routine run by the kernel
 * in interrupt context (z_levante_irq_offload). */
#include <zephyr/kernel.h>
#include <zephyr/irq_offload.h>

#ifdef CONFIG_IRQ_OFFLOAD
K_SEM_DEFINE(offload_sem, 1, 1);

void irq_offload(irq_offload_routine_t routine, const void *parameter)
{
	if (k_is_in_isr()) {
		/* Refused by the kernel (interrupts do not nest): the ISR's fault. */
		z_levante_irq_offload(routine, parameter);
		return;
	}
	(void)k_sem_take(&offload_sem, K_FOREVER);
	z_levante_irq_offload(routine, parameter);
	k_sem_give(&offload_sem);
}
#endif
