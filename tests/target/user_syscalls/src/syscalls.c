/* System call entry and memory arguments from user mode (Zephyr's syscalls cases): bad
 * call numbers, buffers that wrap around the address space or lie in kernel memory or
 * flash, and the kernel functions that are not system calls (supervisor only), which
 * oops a user caller.  The same calls with buffers the thread owns work.
 */
#include <string.h>
#include <levante/syscall.h>
#include <zephyr/irq_offload.h>
#include <zephyr/sys/reboot.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/drivers/sensor.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/net/tls_credentials.h>
#include <zephyr/net/net_mgmt_codes.h>
#include "user_tests.h"

/* One past the last system call of the ABI table (generated from it). */
#define SYSCALL_LIMIT LV_SYSCALL_LIMIT

#define BIG_BUFFER_SIZE 5000 /* more than k_str_out writes in one call */

K_MSGQ_DEFINE(test_msgq, sizeof(uint32_t), 4, 4);
struct k_msgq plain_msgq;
K_TIMER_DEFINE(test_timer, NULL, NULL);
static struct k_mem_domain spare_domain;

K_APP_BMEM(test_part) static char big_buffer[BIG_BUFFER_SIZE];
K_APP_BMEM(test_part) static uint32_t user_ring[4];
K_HEAP_DEFINE(spare_heap, 256);

static int syscall_0(void)
{
	expect_fault();
	(void)lv_syscall(0, 0, 0, 0, 0, 0, 0);
	return __LINE__;
}

static int syscall_int_max(void)
{
	expect_fault();
	(void)lv_syscall(0, 0, 0, 0, 0, 0, INT_MAX);
	return __LINE__;
}

static int syscall_uint_max(void)
{
	expect_fault();
	(void)lv_syscall(0, 0, 0, 0, 0, 0, (uint32_t)-1); /* UINT_MAX */
	return __LINE__;
}

static int syscall_0x80000000(void)
{
	expect_fault();
	(void)lv_syscall(0, 0, 0, 0, 0, 0, 0x80000000u);
	return __LINE__;
}

static int syscall_limit(void)
{
	expect_fault();
	(void)lv_syscall(0, 0, 0, 0, 0, 0, SYSCALL_LIMIT);
	return __LINE__;
}

/* The same raw trap with a valid number is served. */
static int syscall_valid_number(void)
{
	uint64_t result = lv_syscall(0, 0, 0, 0, 0, 0, LV_SYSCALL_K_CURRENT_GET);

	CHECK((k_tid_t)(uintptr_t)(uint32_t)result == k_current_get());
	return 0;
}

static int str_out_user_stack(void)
{
	char text[] = "k_str_out from a user stack\n";

	k_str_out(text, strlen(text));
	return 0;
}

static int str_out_kernel_buffer(void)
{
	expect_fault();
	k_str_out(kernel_buffer, 8);
	return __LINE__;
}

/* The buffer is the thread's and bigger than one console write, but buffer + size
 * wraps around the address space. */
static int str_out_wrapping_size(void)
{
	memcpy(big_buffer, "wrapped\n", 8);
	k_str_out(big_buffer, 8);
	expect_fault();
	k_str_out(big_buffer, 0u - (uintptr_t)big_buffer + 16u);
	return __LINE__;
}

/* Past the end of the thread's stack, without wrapping. */
static int str_out_too_long(void)
{
	char text[16] = "too long";

	expect_fault();
	k_str_out(text, 64 * 1024);
	return __LINE__;
}

static void grant_test_msgq(void)
{
	k_object_access_grant(&test_msgq, &case_thread);
}

static int msgq_put_kernel_buffer(void)
{
	expect_fault();
	(void)k_msgq_put(&test_msgq, kernel_buffer, K_NO_WAIT);
	return __LINE__;
}

static int msgq_empty(void)
{
	CHECK(k_msgq_num_used_get(&test_msgq) == 0);
	return 0;
}

static void queue_one_and_grant(void)
{
	uint32_t message = 0x11223344;

	k_msgq_put(&test_msgq, &message, K_NO_WAIT);
	grant_test_msgq();
}

static int msgq_get_kernel_buffer(void)
{
	CHECK(k_msgq_num_used_get(&test_msgq) == 1);
	expect_fault();
	(void)k_msgq_get(&test_msgq, kernel_buffer, K_NO_WAIT);
	return __LINE__;
}

static int msgq_get_flash_buffer(void)
{
	expect_fault();
	(void)k_msgq_get(&test_msgq, (void *)flash_buffer, K_NO_WAIT);
	return __LINE__;
}

/* The failed get took nothing: the message is still there, and the buffers intact. */
static int message_still_queued(void)
{
	uint32_t message = 0;

	CHECK(strcmp(kernel_buffer, "kernel memory") == 0);
	CHECK(strcmp(flash_buffer, "flash") == 0);
	CHECK(k_msgq_get(&test_msgq, &message, K_NO_WAIT) == 0);
	CHECK(message == 0x11223344);
	return 0;
}

static int msgq_user_buffers(void)
{
	uint32_t message = 0xcafe0001;
	uint32_t received = 0;

	CHECK(k_msgq_put(&test_msgq, &message, K_NO_WAIT) == 0);
	CHECK(k_msgq_peek(&test_msgq, &received) == 0 && received == message);
	received = 0;
	CHECK(k_msgq_get(&test_msgq, &received, K_NO_WAIT) == 0 && received == message);
	CHECK(k_msgq_get(&test_msgq, &received, K_NO_WAIT) == -ENOMSG);
	return 0;
}

static void grant_plain_msgq(void)
{
	k_object_access_grant(&plain_msgq, &case_thread);
}

/* Zephyr gives user threads k_msgq_alloc_init: the ring comes from the caller's resource
 * pool (main's, which case threads inherit), in kernel memory it never sees. */
static int msgq_alloc_init_user(void)
{
	uint32_t message = 7;
	uint32_t received = 0;

	CHECK(k_msgq_alloc_init(&plain_msgq, sizeof(uint32_t), 4) == 0);
	CHECK(k_msgq_num_free_get(&plain_msgq) == 4);
	CHECK(k_msgq_put(&plain_msgq, &message, K_NO_WAIT) == 0);
	CHECK(user_ring[0] == 0);
	CHECK(k_msgq_get(&plain_msgq, &received, K_NO_WAIT) == 0 && received == 7);
	/* Initialised already: k_msgq_alloc_init wants a queue never initialised. */
	expect_fault();
	(void)k_msgq_alloc_init(&plain_msgq, sizeof(uint32_t), 4);
	return __LINE__;
}

static int name_copy_user_stack(void)
{
	char name[32];

	memset(name, 'x', sizeof(name));
	CHECK(k_thread_name_copy(k_current_get(), name, sizeof(name)) == 0);
	CHECK(strcmp(name, "name_copy_user_stack") == 0);
	CHECK(k_thread_name_copy(k_current_get(), name, 4) == -ENOSPC);
	return 0;
}

static int name_copy_kernel_buffer(void)
{
	expect_fault();
	(void)k_thread_name_copy(k_current_get(), kernel_buffer, sizeof(kernel_buffer));
	return __LINE__;
}

static int name_copy_flash_buffer(void)
{
	expect_fault();
	(void)k_thread_name_copy(k_current_get(), (char *)flash_buffer, sizeof(flash_buffer));
	return __LINE__;
}

static int name_set_user_stack(void)
{
	char name[] = "renamed_by_user";
	char copy[32];

	CHECK(k_thread_name_set(k_current_get(), name) == 0);
	name[0] = 'X'; /* the kernel copied it */
	CHECK(k_thread_name_copy(k_current_get(), copy, sizeof(copy)) == 0);
	CHECK(strcmp(copy, "renamed_by_user") == 0);
	return 0;
}

static int name_set_kernel_string(void)
{
	expect_fault();
	(void)k_thread_name_set(k_current_get(), kernel_buffer);
	return __LINE__;
}

/* The audit trail is a user thread's only by a grant that names the call: with no
 * policy there is none, and the call refuses before it touches `dropped`. */
static int audit_read_ungranted(void)
{
	uint32_t dropped = 7;

	CHECK(z_levante_policy_audit_read(NULL, 0, &dropped) == -EPERM);
	CHECK(dropped == 7);
	return 0;
}

/* The refused call renamed nothing. */
static int name_unchanged(void)
{
	CHECK(strcmp(k_thread_name_get(&case_thread), "name_set_kernel_string") == 0);
	return 0;
}

/* Kernel functions that are not system calls: each oopses a user caller, whatever its
 * arguments (they are valid ones here). */
static int sv_object_access_revoke(void)
{
	expect_fault();
	k_object_access_revoke(&test_sem, k_current_get());
	return __LINE__;
}

static int sv_object_access_all_grant(void)
{
	expect_fault();
	k_object_access_all_grant(&test_sem);
	return __LINE__;
}

static int sv_object_free(void)
{
	void *sem = k_object_alloc(K_OBJ_SEM);

	CHECK(sem != NULL);
	expect_fault();
	k_object_free(sem);
	return __LINE__;
}

static void never_entered(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	child_done = 1;
}

static int sv_thread_user_mode_enter(void)
{
	child_done = 0;
	expect_fault();
	k_thread_user_mode_enter(never_entered, NULL, NULL, NULL);
	return __LINE__;
}

static int never_entered_check(void)
{
	CHECK(child_done == 0);
	return 0;
}

static int sv_mem_domain_init(void)
{
	expect_fault();
	(void)k_mem_domain_init(&spare_domain, 0, NULL);
	return __LINE__;
}

static int sv_mem_domain_add_partition(void)
{
	expect_fault();
	(void)k_mem_domain_add_partition(&spare_domain, &test_part);
	return __LINE__;
}

static int sv_mem_domain_remove_partition(void)
{
	expect_fault();
	(void)k_mem_domain_remove_partition(&k_mem_domain_default, &test_part);
	return __LINE__;
}

static int sv_mem_domain_add_thread(void)
{
	expect_fault();
	(void)k_mem_domain_add_thread(&k_mem_domain_default, k_current_get());
	return __LINE__;
}

static int sv_z_levante_thread_state_str(void)
{
	char state[16];

	expect_fault();
	(void)z_levante_thread_state_str(k_current_get(), state, sizeof(state));
	return __LINE__;
}

static int sv_msgq_init(void)
{
	expect_fault();
	k_msgq_init(&plain_msgq, (char *)user_ring, sizeof(uint32_t), 4);
	return __LINE__;
}

static int sv_msgq_cleanup(void)
{
	expect_fault();
	(void)k_msgq_cleanup(&test_msgq);
	return __LINE__;
}

static int sv_thread_heap_assign(void)
{
	expect_fault();
	k_thread_heap_assign(k_current_get(), &spare_heap);
	return __LINE__;
}

static int sv_thread_system_pool_assign(void)
{
	expect_fault();
	k_thread_system_pool_assign(k_current_get());
	return __LINE__;
}

static void never_offloaded(const void *parameter)
{
	ARG_UNUSED(parameter);
}

static int sv_z_levante_irq_offload(void)
{
	expect_fault();
	z_levante_irq_offload(never_offloaded, NULL);
	return __LINE__;
}

K_QUEUE_DEFINE(sv_queue);
K_STACK_DEFINE(sv_stack, 2);

static int sv_queue_append(void)
{
	expect_fault();
	k_queue_append(&sv_queue, NULL);
	return __LINE__;
}

static int sv_queue_prepend(void)
{
	expect_fault();
	k_queue_prepend(&sv_queue, NULL);
	return __LINE__;
}

static int sv_queue_insert(void)
{
	expect_fault();
	k_queue_insert(&sv_queue, NULL, NULL);
	return __LINE__;
}

static int sv_queue_append_list(void)
{
	expect_fault();
	k_queue_append_list(&sv_queue, NULL, NULL);
	return __LINE__;
}

static int sv_queue_remove(void)
{
	expect_fault();
	k_queue_remove(&sv_queue, NULL);
	return __LINE__;
}

static int sv_queue_unique_append(void)
{
	expect_fault();
	k_queue_unique_append(&sv_queue, NULL);
	return __LINE__;
}

static int sv_stack_init(void)
{
	static stack_data_t buffer[2];

	expect_fault();
	k_stack_init(&sv_stack, buffer, 2);
	return __LINE__;
}

static int sv_stack_cleanup(void)
{
	expect_fault();
	k_stack_cleanup(&sv_stack);
	return __LINE__;
}

K_HEAP_DEFINE(sv_heap, 64);

static int sv_heap_init(void)
{
	static char memory[64];

	expect_fault();
	k_heap_init(&sv_heap, memory, sizeof(memory));
	return __LINE__;
}

static int sv_heap_alloc(void)
{
	expect_fault();
	(void)k_heap_alloc(&sv_heap, 8, K_NO_WAIT);
	return __LINE__;
}

static int sv_heap_aligned_alloc(void)
{
	expect_fault();
	(void)k_heap_aligned_alloc(&sv_heap, 8, 8, K_NO_WAIT);
	return __LINE__;
}

static int sv_heap_calloc(void)
{
	expect_fault();
	(void)k_heap_calloc(&sv_heap, 1, 8, K_NO_WAIT);
	return __LINE__;
}

static int sv_heap_free(void)
{
	expect_fault();
	k_heap_free(&sv_heap, NULL);
	return __LINE__;
}

K_MEM_SLAB_DEFINE(sv_slab, 8, 2, 4);
K_PIPE_DEFINE(sv_pipe, 8, 4);

static int sv_mem_slab_init(void)
{
	static char __aligned(4) buffer[16];

	expect_fault();
	(void)k_mem_slab_init(&sv_slab, buffer, 8, 2);
	return __LINE__;
}

static int sv_mem_slab_alloc(void)
{
	void *block;

	expect_fault();
	(void)k_mem_slab_alloc(&sv_slab, &block, K_NO_WAIT);
	return __LINE__;
}

static int sv_mem_slab_free(void)
{
	expect_fault();
	k_mem_slab_free(&sv_slab, NULL);
	return __LINE__;
}

static int sv_z_mem_slab_stats_reset_max(void)
{
	expect_fault();
	(void)k_mem_slab_runtime_stats_reset_max(&sv_slab);
	return __LINE__;
}

static const struct device *const sv_gpio = DEVICE_DT_GET(DT_NODELABEL(gpio0));
static const struct device *const sv_uart = DEVICE_DT_GET(DT_CHOSEN(zephyr_console));
static const struct device *const sv_sensor = DEVICE_DT_GET(DT_ALIAS(ambient_temp0));
static struct gpio_callback sv_callback;

static int sv_gpio_add_callback(void)
{
	expect_fault();
	(void)gpio_add_callback(sv_gpio, &sv_callback);
	return __LINE__;
}

static int sv_gpio_remove_callback(void)
{
	expect_fault();
	(void)gpio_remove_callback(sv_gpio, &sv_callback);
	return __LINE__;
}

static int sv_uart_irq_callback_user_data_set(void)
{
	expect_fault();
	(void)uart_irq_callback_user_data_set(sv_uart, NULL, NULL);
	return __LINE__;
}

static int sv_uart_fifo_fill(void)
{
	static const uint8_t byte = 'x';

	expect_fault();
	(void)uart_fifo_fill(sv_uart, &byte, 1);
	return __LINE__;
}

static int sv_uart_fifo_read(void)
{
	uint8_t byte;

	expect_fault();
	(void)uart_fifo_read(sv_uart, &byte, 1);
	return __LINE__;
}

static int sv_uart_irq_tx_ready(void)
{
	expect_fault();
	(void)uart_irq_tx_ready(sv_uart);
	return __LINE__;
}

static int sv_uart_irq_tx_complete(void)
{
	expect_fault();
	(void)uart_irq_tx_complete(sv_uart);
	return __LINE__;
}

static int sv_uart_irq_rx_ready(void)
{
	expect_fault();
	(void)uart_irq_rx_ready(sv_uart);
	return __LINE__;
}

static int sv_sensor_trigger_set(void)
{
	static const struct sensor_trigger trigger = {
		.type = SENSOR_TRIG_DATA_READY, .chan = SENSOR_CHAN_AMBIENT_TEMP,
	};

	expect_fault();
	(void)sensor_trigger_set(sv_sensor, &trigger, NULL);
	return __LINE__;
}

static int sv_sched_lock(void)
{
	expect_fault();
	k_sched_lock();
	return __LINE__;
}

static int sv_sched_unlock(void)
{
	expect_fault();
	k_sched_unlock();
	return __LINE__;
}

static int sv_irq_lock(void)
{
	expect_fault();
	(void)irq_lock();
	return __LINE__;
}

static int sv_irq_unlock(void)
{
	expect_fault();
	irq_unlock(0);
	return __LINE__;
}

static char sv_copy[8];

static int sv_z_levante_user_buffer_check(void)
{
	expect_fault();
	(void)z_levante_user_buffer_check(sv_copy, sizeof(sv_copy), 0);
	return __LINE__;
}

static int sv_z_levante_user_object_check(void)
{
	expect_fault();
	(void)z_levante_user_object_check(&test_msgq, K_OBJ_MSGQ, 0);
	return __LINE__;
}

static int sv_usermode_from_copy(void)
{
	expect_fault();
	(void)k_usermode_from_copy(sv_copy, sv_copy, 1);
	return __LINE__;
}

static int sv_usermode_to_copy(void)
{
	expect_fault();
	(void)k_usermode_to_copy(sv_copy, sv_copy, 1);
	return __LINE__;
}

static int sv_usermode_string_nlen(void)
{
	int err;

	expect_fault();
	(void)k_usermode_string_nlen(sv_copy, sizeof(sv_copy), &err);
	return __LINE__;
}

static int sv_usermode_string_copy(void)
{
	expect_fault();
	(void)k_usermode_string_copy(sv_copy, sv_copy, sizeof(sv_copy));
	return __LINE__;
}

static int sv_z_thread_aligned_alloc(void)
{
	expect_fault();
	(void)z_thread_aligned_alloc(8, 8);
	return __LINE__;
}

static int sv_free(void)
{
	expect_fault();
	k_free(NULL);
	return __LINE__;
}

static int sv_thread_runtime_stats_get(void)
{
	k_thread_runtime_stats_t stats;

	expect_fault();
	(void)k_thread_runtime_stats_get(k_current_get(), &stats);
	return __LINE__;
}

static int sv_thread_runtime_stats_all_get(void)
{
	k_thread_runtime_stats_t stats;

	expect_fault();
	(void)k_thread_runtime_stats_all_get(&stats);
	return __LINE__;
}

static int sv_z_levante_set_essential(void)
{
	expect_fault();
	z_levante_set_essential(k_current_get(), true);
	return __LINE__;
}

static int sv_z_levante_cpu_mask_mod(void)
{
	expect_fault();
	(void)z_levante_cpu_mask_mod(k_current_get(), 0, 0);
	return __LINE__;
}

static int sv_thread_time_slice_set(void)
{
	expect_fault();
	k_thread_time_slice_set(k_current_get(), 1, NULL, NULL);
	return __LINE__;
}

static int sv_thread_runtime_stats_enable(void)
{
	expect_fault();
	(void)k_thread_runtime_stats_enable(k_current_get());
	return __LINE__;
}

static int sv_thread_runtime_stats_disable(void)
{
	expect_fault();
	(void)k_thread_runtime_stats_disable(k_current_get());
	return __LINE__;
}

static int sv_sys_runtime_stats_enable(void)
{
	expect_fault();
	k_sys_runtime_stats_enable();
	return __LINE__;
}

static int sv_sys_runtime_stats_disable(void)
{
	expect_fault();
	k_sys_runtime_stats_disable();
	return __LINE__;
}

static int sv_z_levante_reschedule(void)
{
	expect_fault();
	z_levante_reschedule();
	return __LINE__;
}

static struct _timeout sv_timeout;

static void sv_timeout_fn(struct _timeout *t)
{
	ARG_UNUSED(t);
}

static int sv_z_levante_add_timeout(void)
{
	expect_fault();
	z_levante_add_timeout(&sv_timeout, sv_timeout_fn, K_NO_WAIT);
	return __LINE__;
}

static int sv_z_levante_abort_timeout(void)
{
	expect_fault();
	(void)z_levante_abort_timeout(&sv_timeout);
	return __LINE__;
}

/* Mailboxes are a kernel API: every call oopses a user thread before it touches them. */
K_MBOX_DEFINE(sv_mbox);
static struct k_mbox_msg sv_mbox_msg;

static int sv_mbox_init(void)
{
	expect_fault();
	k_mbox_init(&sv_mbox);
	return __LINE__;
}

static int sv_mbox_put(void)
{
	expect_fault();
	(void)k_mbox_put(&sv_mbox, &sv_mbox_msg, K_NO_WAIT);
	return __LINE__;
}

static int sv_mbox_async_put(void)
{
	expect_fault();
	k_mbox_async_put(&sv_mbox, &sv_mbox_msg, NULL);
	return __LINE__;
}

static int sv_mbox_get(void)
{
	expect_fault();
	(void)k_mbox_get(&sv_mbox, &sv_mbox_msg, NULL, K_NO_WAIT);
	return __LINE__;
}

static int sv_mbox_data_get(void)
{
	expect_fault();
	k_mbox_data_get(&sv_mbox_msg, NULL);
	return __LINE__;
}

static int sv_object_find(void)
{
	expect_fault();
	(void)k_object_find(&test_msgq);
	return __LINE__;
}

static int sv_object_recycle(void)
{
	expect_fault();
	k_object_recycle(&test_msgq);
	return __LINE__;
}

static int sv_z_priv_stack_find(void)
{
	expect_fault();
	(void)z_priv_stack_find(NULL);
	return __LINE__;
}

static int sv_object_init(void)
{
	expect_fault();
	k_object_init(&test_msgq);
	return __LINE__;
}

static int sv_object_is_valid(void)
{
	expect_fault();
	(void)k_object_is_valid(&test_msgq, K_OBJ_MSGQ);
	return __LINE__;
}

static int sv_object_validate(void)
{
	expect_fault();
	(void)k_object_validate(NULL, K_OBJ_ANY, _OBJ_INIT_ANY);
	return __LINE__;
}

static int sv_arch_mem_domain_max_partitions_get(void)
{
	expect_fault();
	(void)arch_mem_domain_max_partitions_get();
	return __LINE__;
}

/* A user thread may not reboot the board: it faults, and the board keeps running. */
static int sv_z_levante_reboot(void)
{
	expect_fault();
	sys_reboot(SYS_REBOOT_COLD);
}

static char sv_net_text[32];
static uint32_t sv_net_reply[3];

static int sv_z_levante_net_shell(void)
{
	expect_fault();
	(void)z_levante_net_shell("iface", sv_net_text, sizeof(sv_net_text));
	return __LINE__;
}

static int sv_z_levante_net_ping(void)
{
	expect_fault();
	(void)z_levante_net_ping("192.0.2.2", 1, 56);
	return __LINE__;
}

static int sv_z_levante_net_ping_reply(void)
{
	expect_fault();
	(void)z_levante_net_ping_reply(1, sv_net_reply);
	return __LINE__;
}

static uint8_t sv_net_state[44];
static uint32_t sv_net_event;

static int sv_z_levante_net_if_state(void)
{
	expect_fault();
	(void)z_levante_net_if_state(sv_net_state);
	return __LINE__;
}

static int sv_z_levante_net_if_ipv4_set(void)
{
	expect_fault();
	(void)z_levante_net_if_ipv4_set(0, 0x010200c0u, 3);
	return __LINE__;
}

static int sv_z_levante_net_dhcpv4_start(void)
{
	expect_fault();
	(void)z_levante_net_dhcpv4_start();
	return __LINE__;
}

static int sv_z_levante_net_dhcpv4_stop(void)
{
	expect_fault();
	(void)z_levante_net_dhcpv4_stop();
	return __LINE__;
}

static int sv_z_levante_net_dhcpv4_option(void)
{
	expect_fault();
	(void)z_levante_net_dhcpv4_option(42, sv_net_state, sizeof(sv_net_state));
	return __LINE__;
}

static int sv_z_levante_net_dhcpv4_request_option(void)
{
	expect_fault();
	(void)z_levante_net_dhcpv4_request_option(42);
	return __LINE__;
}

static int sv_z_levante_net_mgmt_wait(void)
{
	expect_fault();
	(void)z_levante_net_mgmt_wait(K_NO_WAIT);
	return __LINE__;
}

static int sv_z_levante_net_mgmt_take(void)
{
	expect_fault();
	(void)z_levante_net_mgmt_take(&sv_net_event);
	return __LINE__;
}

/* Provisioning TLS credentials is the system's: a user thread's add or delete oopses. */
static int sv_tls_credential_add(void)
{
	static const char certificate[] = "not read: the call is refused first";

	expect_fault();
	(void)tls_credential_add(1, TLS_CREDENTIAL_CA_CERTIFICATE, certificate,
				 sizeof(certificate));
	return __LINE__;
}

static int sv_tls_credential_delete(void)
{
	expect_fault();
	(void)tls_credential_delete(1, TLS_CREDENTIAL_CA_CERTIFICATE);
	return __LINE__;
}

static int sv_z_levante_conn_mgr(void)
{
	expect_fault();
	(void)z_levante_conn_mgr(0);
	return __LINE__;
}

static int sv_z_levante_net_config_wait(void)
{
	expect_fault();
	(void)z_levante_net_config_wait(K_NO_WAIT);
	return __LINE__;
}

static int sv_z_levante_stats_register(void)
{
	static uint32_t group[8];

	expect_fault();
	(void)z_levante_stats_register("user", group, 16, NULL, 0);
	return __LINE__;
}

static int sv_z_levante_smp_shell_done(void)
{
	expect_fault();
	(void)z_levante_smp_shell_done(0, "", 0);
	return __LINE__;
}

static int sv_z_levante_net_mgmt_raise(void)
{
	expect_fault();
	(void)z_levante_net_mgmt_raise(NET_MGMT_EVENT_BIT, NULL, 0);
	return __LINE__;
}

static int sv_z_levante_net_if_ipv6_set(void)
{
	static const uint8_t address[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };

	expect_fault();
	(void)z_levante_net_if_ipv6_set(0, address);
	return __LINE__;
}

static int sv_z_levante_net_mgmt_take_info(void)
{
	size_t length;

	expect_fault();
	(void)z_levante_net_mgmt_take_info(&sv_net_event, NULL, 0, &length);
	return __LINE__;
}

static int sv_levante_domain_add_thread(void)
{
	expect_fault();
	(void)levante_domain_add_thread(NULL, k_current_get());
	return __LINE__;
}

static int sv_pipe_cleanup(void)
{
	expect_fault();
	(void)k_pipe_cleanup(&sv_pipe);
	return __LINE__;
}

static int sv_timer_init(void)
{
	expect_fault();
	k_timer_init(&test_timer, NULL, NULL);
	return __LINE__;
}

static int sv_sched_time_slice_set(void)
{
	expect_fault();
	k_sched_time_slice_set(1, 0);
	return __LINE__;
}

static int sv_fatal_halt(void)
{
	expect_fault();
	k_fatal_halt(K_ERR_KERNEL_PANIC);
	return __LINE__;
}

static void grant_test_sem_and_timer(void)
{
	k_thread_access_grant(&case_thread, &test_sem, &test_timer);
}

/* Work queues are a kernel API: every call oopses a user thread. */
static struct k_work sv_work;
static struct k_work_delayable sv_dwork;
static struct k_work_q sv_work_q;
static struct k_work_sync sv_sync;

static int sv_work_init(void)
{
	expect_fault();
	k_work_init(&sv_work, NULL);
	return __LINE__;
}

static int sv_work_init_delayable(void)
{
	expect_fault();
	k_work_init_delayable(&sv_dwork, NULL);
	return __LINE__;
}

static int sv_work_busy_get(void)
{
	expect_fault();
	(void)k_work_busy_get(&sv_work);
	return __LINE__;
}

static int sv_work_submit_to_queue(void)
{
	expect_fault();
	(void)k_work_submit_to_queue(&sv_work_q, &sv_work);
	return __LINE__;
}

static int sv_work_flush(void)
{
	expect_fault();
	(void)k_work_flush(&sv_work, &sv_sync);
	return __LINE__;
}

static int sv_work_cancel(void)
{
	expect_fault();
	(void)k_work_cancel(&sv_work);
	return __LINE__;
}

static int sv_work_cancel_sync(void)
{
	expect_fault();
	(void)k_work_cancel_sync(&sv_work, &sv_sync);
	return __LINE__;
}

static int sv_work_queue_init(void)
{
	expect_fault();
	k_work_queue_init(&sv_work_q);
	return __LINE__;
}

static int sv_z_work_queue_start(void)
{
	expect_fault();
	z_work_queue_start(&sv_work_q, 0);
	return __LINE__;
}

static int sv_z_work_queue_next(void)
{
	expect_fault();
	(void)z_work_queue_next(&sv_work_q);
	return __LINE__;
}

static int sv_work_queue_drain(void)
{
	expect_fault();
	(void)k_work_queue_drain(&sv_work_q, false);
	return __LINE__;
}

static int sv_work_queue_unplug(void)
{
	expect_fault();
	(void)k_work_queue_unplug(&sv_work_q);
	return __LINE__;
}

static int sv_work_schedule_for_queue(void)
{
	expect_fault();
	(void)k_work_schedule_for_queue(&sv_work_q, &sv_dwork, K_NO_WAIT);
	return __LINE__;
}

static int sv_work_reschedule_for_queue(void)
{
	expect_fault();
	(void)k_work_reschedule_for_queue(&sv_work_q, &sv_dwork, K_NO_WAIT);
	return __LINE__;
}

static int sv_work_cancel_delayable(void)
{
	expect_fault();
	(void)k_work_cancel_delayable(&sv_dwork);
	return __LINE__;
}

static int sv_work_cancel_delayable_sync(void)
{
	expect_fault();
	(void)k_work_cancel_delayable_sync(&sv_dwork, &sv_sync);
	return __LINE__;
}

static int sv_work_flush_delayable(void)
{
	expect_fault();
	(void)k_work_flush_delayable(&sv_dwork, &sv_sync);
	return __LINE__;
}

static int sv_work_delayable_remaining_get(void)
{
	expect_fault();
	(void)k_work_delayable_remaining_get(&sv_dwork);
	return __LINE__;
}

static int sv_work_delayable_expires_get(void)
{
	expect_fault();
	(void)k_work_delayable_expires_get(&sv_dwork);
	return __LINE__;
}
static struct k_work_poll sv_twork;
static struct k_poll_event sv_twork_event;

static int sv_work_poll_init(void)
{
	expect_fault();
	k_work_poll_init(&sv_twork, NULL);
	return __LINE__;
}

static int sv_work_poll_submit_to_queue(void)
{
	expect_fault();
	(void)k_work_poll_submit_to_queue(&sv_work_q, &sv_twork, &sv_twork_event, 1, K_NO_WAIT);
	return __LINE__;
}

static int sv_work_poll_cancel(void)
{
	expect_fault();
	(void)k_work_poll_cancel(&sv_twork);
	return __LINE__;
}

static const struct user_case cases[] = {
	{ "syscall_0", syscall_0, K_USER, OOPS },
	{ "syscall_int_max", syscall_int_max, K_USER, OOPS },
	{ "syscall_uint_max", syscall_uint_max, K_USER, OOPS },
	{ "syscall_0x80000000", syscall_0x80000000, K_USER, OOPS },
	{ "syscall_limit", syscall_limit, K_USER, OOPS },
	{ "syscall_valid_number", syscall_valid_number, K_USER, RETURNS },
	{ "str_out_user_stack", str_out_user_stack, K_USER, RETURNS },
	{ "str_out_kernel_buffer", str_out_kernel_buffer, K_USER, OOPS },
	{ "str_out_wrapping_size", str_out_wrapping_size, K_USER, OOPS },
	{ "str_out_too_long", str_out_too_long, K_USER, OOPS },
	{ "msgq_put_kernel_buffer", msgq_put_kernel_buffer, K_USER, OOPS,
	  .setup = grant_test_msgq, .check = msgq_empty },
	{ "msgq_get_kernel_buffer", msgq_get_kernel_buffer, K_USER, OOPS,
	  .setup = queue_one_and_grant, .check = message_still_queued },
	{ "msgq_get_flash_buffer", msgq_get_flash_buffer, K_USER, OOPS,
	  .setup = queue_one_and_grant, .check = message_still_queued },
	{ "msgq_user_buffers", msgq_user_buffers, K_USER, RETURNS, .setup = grant_test_msgq },
	{ "msgq_alloc_init_user", msgq_alloc_init_user, K_USER, OOPS,
	  .setup = grant_plain_msgq },
	{ "name_copy_user_stack", name_copy_user_stack, K_USER, RETURNS },
	{ "name_copy_kernel_buffer", name_copy_kernel_buffer, K_USER, OOPS },
	{ "name_copy_flash_buffer", name_copy_flash_buffer, K_USER, OOPS },
	{ "name_set_user_stack", name_set_user_stack, K_USER, RETURNS },
	{ "name_set_kernel_string", name_set_kernel_string, K_USER, OOPS,
	  .check = name_unchanged },
	{ "audit_read_ungranted", audit_read_ungranted, K_USER, RETURNS },
	/* In the order of the ABI table. */
	{ "sv_sched_time_slice_set", sv_sched_time_slice_set, K_USER, OOPS },
	{ "sv_fatal_halt", sv_fatal_halt, K_USER, OOPS },
	{ "sv_msgq_init", sv_msgq_init, K_USER, OOPS, .setup = grant_plain_msgq },
	{ "sv_timer_init", sv_timer_init, K_USER, OOPS, .setup = grant_test_sem_and_timer },
	{ "sv_thread_user_mode_enter", sv_thread_user_mode_enter, K_USER, OOPS,
	  .check = never_entered_check },
	{ "sv_object_access_revoke", sv_object_access_revoke, K_USER, OOPS,
	  .setup = grant_test_sem_and_timer },
	{ "sv_object_access_all_grant", sv_object_access_all_grant, K_USER, OOPS,
	  .setup = grant_test_sem_and_timer },
	{ "sv_object_free", sv_object_free, K_USER, OOPS },
	{ "sv_mem_domain_init", sv_mem_domain_init, K_USER, OOPS },
	{ "sv_mem_domain_add_partition", sv_mem_domain_add_partition, K_USER, OOPS },
	{ "sv_mem_domain_remove_partition", sv_mem_domain_remove_partition, K_USER, OOPS },
	{ "sv_mem_domain_add_thread", sv_mem_domain_add_thread, K_USER, OOPS },
	{ "sv_z_levante_thread_state_str", sv_z_levante_thread_state_str, K_USER, OOPS },
	{ "sv_msgq_cleanup", sv_msgq_cleanup, K_USER, OOPS, .setup = grant_test_msgq },
	{ "sv_thread_heap_assign", sv_thread_heap_assign, K_USER, OOPS },
	{ "sv_thread_system_pool_assign", sv_thread_system_pool_assign, K_USER, OOPS },
	{ "sv_z_levante_irq_offload", sv_z_levante_irq_offload, K_USER, OOPS },
	{ "sv_queue_append", sv_queue_append, K_USER, OOPS },
	{ "sv_queue_prepend", sv_queue_prepend, K_USER, OOPS },
	{ "sv_queue_insert", sv_queue_insert, K_USER, OOPS },
	{ "sv_queue_append_list", sv_queue_append_list, K_USER, OOPS },
	{ "sv_queue_remove", sv_queue_remove, K_USER, OOPS },
	{ "sv_queue_unique_append", sv_queue_unique_append, K_USER, OOPS },
	{ "sv_stack_init", sv_stack_init, K_USER, OOPS },
	{ "sv_stack_cleanup", sv_stack_cleanup, K_USER, OOPS },
	{ "sv_heap_init", sv_heap_init, K_USER, OOPS },
	{ "sv_heap_alloc", sv_heap_alloc, K_USER, OOPS },
	{ "sv_heap_aligned_alloc", sv_heap_aligned_alloc, K_USER, OOPS },
	{ "sv_heap_calloc", sv_heap_calloc, K_USER, OOPS },
	{ "sv_heap_free", sv_heap_free, K_USER, OOPS },
	{ "sv_gpio_add_callback", sv_gpio_add_callback, K_USER, OOPS },
	{ "sv_gpio_remove_callback", sv_gpio_remove_callback, K_USER, OOPS },
	{ "sv_mem_slab_init", sv_mem_slab_init, K_USER, OOPS },
	{ "sv_mem_slab_alloc", sv_mem_slab_alloc, K_USER, OOPS },
	{ "sv_mem_slab_free", sv_mem_slab_free, K_USER, OOPS },
	{ "sv_z_mem_slab_stats_reset_max", sv_z_mem_slab_stats_reset_max, K_USER, OOPS },
	{ "sv_pipe_cleanup", sv_pipe_cleanup, K_USER, OOPS },
	{ "sv_uart_irq_callback_user_data", sv_uart_irq_callback_user_data_set, K_USER, OOPS },
	{ "sv_uart_fifo_fill", sv_uart_fifo_fill, K_USER, OOPS },
	{ "sv_uart_fifo_read", sv_uart_fifo_read, K_USER, OOPS },
	{ "sv_uart_irq_tx_ready", sv_uart_irq_tx_ready, K_USER, OOPS },
	{ "sv_uart_irq_tx_complete", sv_uart_irq_tx_complete, K_USER, OOPS },
	{ "sv_uart_irq_rx_ready", sv_uart_irq_rx_ready, K_USER, OOPS },
	{ "sv_sensor_trigger_set", sv_sensor_trigger_set, K_USER, OOPS },
	{ "sv_sched_lock", sv_sched_lock, K_USER, OOPS },
	{ "sv_sched_unlock", sv_sched_unlock, K_USER, OOPS },
	{ "sv_irq_lock", sv_irq_lock, K_USER, OOPS },
	{ "sv_irq_unlock", sv_irq_unlock, K_USER, OOPS },
	{ "sv_z_levante_user_buffer_check", sv_z_levante_user_buffer_check, K_USER, OOPS },
	{ "sv_z_levante_user_object_check", sv_z_levante_user_object_check, K_USER, OOPS },
	{ "sv_usermode_from_copy", sv_usermode_from_copy, K_USER, OOPS },
	{ "sv_usermode_to_copy", sv_usermode_to_copy, K_USER, OOPS },
	{ "sv_usermode_string_nlen", sv_usermode_string_nlen, K_USER, OOPS },
	{ "sv_usermode_string_copy", sv_usermode_string_copy, K_USER, OOPS },
	{ "sv_z_thread_aligned_alloc", sv_z_thread_aligned_alloc, K_USER, OOPS },
	{ "sv_free", sv_free, K_USER, OOPS },
	{ "sv_work_init", sv_work_init, K_USER, OOPS },
	{ "sv_work_init_delayable", sv_work_init_delayable, K_USER, OOPS },
	{ "sv_work_busy_get", sv_work_busy_get, K_USER, OOPS },
	{ "sv_work_submit_to_queue", sv_work_submit_to_queue, K_USER, OOPS },
	{ "sv_work_flush", sv_work_flush, K_USER, OOPS },
	{ "sv_work_cancel", sv_work_cancel, K_USER, OOPS },
	{ "sv_work_cancel_sync", sv_work_cancel_sync, K_USER, OOPS },
	{ "sv_work_queue_init", sv_work_queue_init, K_USER, OOPS },
	{ "sv_z_work_queue_start", sv_z_work_queue_start, K_USER, OOPS },
	{ "sv_z_work_queue_next", sv_z_work_queue_next, K_USER, OOPS },
	{ "sv_work_queue_drain", sv_work_queue_drain, K_USER, OOPS },
	{ "sv_work_queue_unplug", sv_work_queue_unplug, K_USER, OOPS },
	{ "sv_work_schedule_for_queue", sv_work_schedule_for_queue, K_USER, OOPS },
	{ "sv_work_reschedule_for_queue", sv_work_reschedule_for_queue, K_USER, OOPS },
	{ "sv_work_cancel_delayable", sv_work_cancel_delayable, K_USER, OOPS },
	{ "sv_work_cancel_delayable_sync", sv_work_cancel_delayable_sync, K_USER, OOPS },
	{ "sv_work_flush_delayable", sv_work_flush_delayable, K_USER, OOPS },
	{ "sv_work_delayable_remaining_get", sv_work_delayable_remaining_get, K_USER, OOPS },
	{ "sv_work_delayable_expires_get", sv_work_delayable_expires_get, K_USER, OOPS },
	{ "sv_thread_runtime_stats_get", sv_thread_runtime_stats_get, K_USER, OOPS },
	{ "sv_thread_runtime_stats_all_get", sv_thread_runtime_stats_all_get, K_USER, OOPS },
	{ "sv_work_poll_init", sv_work_poll_init, K_USER, OOPS },
	{ "sv_work_poll_submit_to_queue", sv_work_poll_submit_to_queue, K_USER, OOPS },
	{ "sv_work_poll_cancel", sv_work_poll_cancel, K_USER, OOPS },
	{ "sv_z_levante_set_essential", sv_z_levante_set_essential, K_USER, OOPS },
	{ "sv_z_levante_cpu_mask_mod", sv_z_levante_cpu_mask_mod, K_USER, OOPS },
	{ "sv_thread_time_slice_set", sv_thread_time_slice_set, K_USER, OOPS },
	{ "sv_thread_runtime_stats_enable", sv_thread_runtime_stats_enable, K_USER, OOPS },
	{ "sv_thread_runtime_stats_disable", sv_thread_runtime_stats_disable, K_USER, OOPS },
	{ "sv_sys_runtime_stats_enable", sv_sys_runtime_stats_enable, K_USER, OOPS },
	{ "sv_sys_runtime_stats_disable", sv_sys_runtime_stats_disable, K_USER, OOPS },
	{ "sv_z_levante_reschedule", sv_z_levante_reschedule, K_USER, OOPS },
	{ "sv_z_levante_add_timeout", sv_z_levante_add_timeout, K_USER, OOPS },
	{ "sv_z_levante_abort_timeout", sv_z_levante_abort_timeout, K_USER, OOPS },
	{ "sv_mbox_init", sv_mbox_init, K_USER, OOPS },
	{ "sv_mbox_put", sv_mbox_put, K_USER, OOPS },
	{ "sv_mbox_async_put", sv_mbox_async_put, K_USER, OOPS },
	{ "sv_mbox_get", sv_mbox_get, K_USER, OOPS },
	{ "sv_mbox_data_get", sv_mbox_data_get, K_USER, OOPS },
	{ "sv_object_find", sv_object_find, K_USER, OOPS },
	{ "sv_object_recycle", sv_object_recycle, K_USER, OOPS },
	{ "sv_z_priv_stack_find", sv_z_priv_stack_find, K_USER, OOPS },
	{ "sv_object_init", sv_object_init, K_USER, OOPS },
	{ "sv_object_is_valid", sv_object_is_valid, K_USER, OOPS },
	{ "sv_object_validate", sv_object_validate, K_USER, OOPS },
	{ "sv_arch_mem_domain_max_partitio", sv_arch_mem_domain_max_partitions_get, K_USER,
	  OOPS },
	{ "sv_z_levante_reboot", sv_z_levante_reboot, K_USER, OOPS },
	{ "sv_z_levante_net_shell", sv_z_levante_net_shell, K_USER, OOPS },
	{ "sv_z_levante_net_ping", sv_z_levante_net_ping, K_USER, OOPS },
	{ "sv_z_levante_net_ping_reply", sv_z_levante_net_ping_reply, K_USER, OOPS },
	{ "sv_z_levante_net_if_state", sv_z_levante_net_if_state, K_USER, OOPS },
	{ "sv_z_levante_net_if_ipv4_set", sv_z_levante_net_if_ipv4_set, K_USER, OOPS },
	{ "sv_z_levante_net_dhcpv4_start", sv_z_levante_net_dhcpv4_start, K_USER, OOPS },
	{ "sv_z_levante_net_dhcpv4_stop", sv_z_levante_net_dhcpv4_stop, K_USER, OOPS },
	{ "sv_z_levante_net_dhcpv4_option", sv_z_levante_net_dhcpv4_option, K_USER, OOPS },
	{ "sv_z_levante_net_dhcpv4_request", sv_z_levante_net_dhcpv4_request_option, K_USER,
	  OOPS },
	{ "sv_z_levante_net_mgmt_wait", sv_z_levante_net_mgmt_wait, K_USER, OOPS },
	{ "sv_z_levante_net_mgmt_take", sv_z_levante_net_mgmt_take, K_USER, OOPS },
	{ "sv_tls_credential_add", sv_tls_credential_add, K_USER, OOPS },
	{ "sv_tls_credential_delete", sv_tls_credential_delete, K_USER, OOPS },
	{ "sv_z_levante_conn_mgr", sv_z_levante_conn_mgr, K_USER, OOPS },
	{ "sv_z_levante_net_config_wait", sv_z_levante_net_config_wait, K_USER, OOPS },
	{ "sv_z_levante_stats_register", sv_z_levante_stats_register, K_USER, OOPS },
	{ "sv_z_levante_smp_shell_done", sv_z_levante_smp_shell_done, K_USER, OOPS },
	{ "sv_z_levante_net_mgmt_raise", sv_z_levante_net_mgmt_raise, K_USER, OOPS },
	{ "sv_z_levante_net_mgmt_take_info", sv_z_levante_net_mgmt_take_info, K_USER, OOPS },
	{ "sv_z_levante_net_if_ipv6_set", sv_z_levante_net_if_ipv6_set, K_USER, OOPS },
	{ "sv_levante_domain_add_thread", sv_levante_domain_add_thread, K_USER, OOPS },
};

const struct case_group syscall_group = { cases, ARRAY_SIZE(cases) };
