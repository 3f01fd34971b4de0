/* The Cortex-M core registers as CMSIS names them (what Zephyr's <cmsis_core.h> gives
 * C code): CONTROL, the exception and mask registers, the stack pointers, barriers. */
#ifndef LEVANTE_CMSIS_CORE_H
#define LEVANTE_CMSIS_CORE_H

#include <stdint.h>

/* CONTROL's bits: thread mode unprivileged, process stack in use, FP context active. */
#define CONTROL_nPRIV_Pos 0U
#define CONTROL_nPRIV_Msk (1UL << CONTROL_nPRIV_Pos)
#define CONTROL_SPSEL_Pos 1U
#define CONTROL_SPSEL_Msk (1UL << CONTROL_SPSEL_Pos)
#define CONTROL_FPCA_Pos 2U
#define CONTROL_FPCA_Msk (1UL << CONTROL_FPCA_Pos)

#define __DSB() __asm__ volatile("dsb 0xF" ::: "memory")
#define __ISB() __asm__ volatile("isb 0xF" ::: "memory")
#define __DMB() __asm__ volatile("dmb 0xF" ::: "memory")
#define __NOP() __asm__ volatile("nop")
#define __WFI() __asm__ volatile("wfi")

/* Reads a special register by its MRS name. */
#define Z_CMSIS_READ_SPECIAL(name)                                                         \
	({                                                                                 \
		uint32_t z_value;                                                          \
		__asm__ volatile("mrs %0, " #name : "=r"(z_value));                        \
		z_value;                                                                   \
	})

static inline uint32_t __get_CONTROL(void)
{
	return Z_CMSIS_READ_SPECIAL(control);
}

/* In unprivileged thread mode the write is ignored by the core, as on the hardware. The
 * ISB makes a change seen by the instructions after it. */
static inline void __set_CONTROL(uint32_t control)
{
	__asm__ volatile("msr control, %0" : : "r"(control) : "memory");
	__ISB();
}

static inline uint32_t __get_IPSR(void)
{
	return Z_CMSIS_READ_SPECIAL(ipsr);
}

static inline uint32_t __get_xPSR(void)
{
	return Z_CMSIS_READ_SPECIAL(xpsr);
}

static inline uint32_t __get_PRIMASK(void)
{
	return Z_CMSIS_READ_SPECIAL(primask);
}

static inline uint32_t __get_BASEPRI(void)
{
	return Z_CMSIS_READ_SPECIAL(basepri);
}

static inline uint32_t __get_PSP(void)
{
	return Z_CMSIS_READ_SPECIAL(psp);
}

static inline uint32_t __get_MSP(void)
{
	return Z_CMSIS_READ_SPECIAL(msp);
}

#endif
