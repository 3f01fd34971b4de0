/* irq_offload: the routine runs in interrupt context, and what it gives the caller
 * finds afterwards. */
#include <zephyr/ztest.h>
#include <zephyr/irq_offload.h>

static K_SEM_DEFINE(from_isr, 0, 1);
static volatile bool was_in_isr;

static void give_from_isr(const void *parameter)
{
	was_in_isr = k_is_in_isr();
	k_sem_give((struct k_sem *)parameter);
}

ZTEST(isr, test_offload_runs_in_interrupt_context)
{
	zassert_false(k_is_in_isr());
	irq_offload(give_from_isr, &from_isr);
	zassert_true(was_in_isr);
	zassert_equal(k_sem_take(&from_isr, K_NO_WAIT), 0);
}

ZTEST_SUITE(isr, NULL, NULL, NULL, NULL, NULL);
