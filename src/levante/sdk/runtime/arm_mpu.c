/* The ARMv7-M/ARMv8-M MPU's control register, as Zephyr's arm_core_mpu_disable reaches it.
 *
 * The MPU's registers are in the System Control Space, which unprivileged code may not
 * touch (a fault, K_ERR_CPU_EXCEPTION).  Levante's kernel programs the emulated MPU
 * itself and does not map the System Control Space, so from supervisor code too this
 * store faults rather than turning protection off. */
#include <stdint.h>

#define MPU_CTRL_ADDRESS 0xE000ED94UL

void arm_core_mpu_disable(void)
{
	__asm__ volatile("dmb" ::: "memory");
	*(volatile uint32_t *)MPU_CTRL_ADDRESS = 0U;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}
