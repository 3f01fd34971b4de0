/* Kernel writes into flash on behalf of a supervisor thread: k_msgq_get,
 * k_thread_name_copy, sys_rand_get and k_thread_stack_space_get given a destination in
 * flash (read-only data or code) fault the caller with K_ERR_CPU_EXCEPTION, naming the
 * address, and write nothing: main compares the flash bytes with a copy taken before.
 * The message k_msgq_get could not deliver stays in the queue.
 */
#include <string.h>
#include <zephyr/random/random.h>
#include "../../attack_common/attack.h"

#define MESSAGE_SIZE 16

/* Read-only data in flash the calls aim at, and a function (code in flash). */
const uint8_t flash_message[MESSAGE_SIZE] = "flash message!!";
const char flash_name[32] = "flash name buffer";
const uint32_t flash_word[2] = { 0x5eed5eedu, 0x5eed5eedu };

__attribute__((noinline)) int code_target(int x)
{
	return x * 3 + 1;
}

static uint8_t before[64];
static const void *watched;
static size_t watched_size;

K_MSGQ_DEFINE(writes_msgq, MESSAGE_SIZE, 2, 4);
static const uint8_t queued[MESSAGE_SIZE] = "queued message";

int suite_init(void)
{
	return code_target(1) == 4 ? 0 : __LINE__;
}

static void watch(const void *address, size_t size)
{
	watched = address;
	watched_size = size;
	memcpy(before, address, size);
	printk("ADDR %s %p\n", k_thread_name_get(&case_thread), address);
}

static int flash_unchanged(void)
{
	CHECK(memcmp(before, watched, watched_size) == 0);
	return 0;
}

/* k_msgq_get into flash, with a message waiting. */
static void put_message(void)
{
	k_msgq_put(&writes_msgq, queued, K_NO_WAIT);
	watch(flash_message, sizeof(flash_message));
}

static int msgq_get_into_flash(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	k_msgq_get(&writes_msgq, (void *)flash_message, K_NO_WAIT);
	return __LINE__;
}

static int message_kept(void)
{
	uint8_t message[MESSAGE_SIZE] = { 0 };

	CHECK(flash_unchanged() == 0);
	CHECK(k_msgq_num_used_get(&writes_msgq) == 1);
	CHECK(k_msgq_get(&writes_msgq, message, K_NO_WAIT) == 0);
	CHECK(memcmp(message, queued, MESSAGE_SIZE) == 0);
	return 0;
}

static void watch_name(void)
{
	watch(flash_name, sizeof(flash_name));
}

static int name_copy_into_flash(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	k_thread_name_copy(k_current_get(), (char *)flash_name, 16);
	return __LINE__;
}

static void watch_code(void)
{
	watch((const void *)((uintptr_t)code_target & ~1u), 16);
}

static int rand_into_code(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	sys_rand_get((void *)((uintptr_t)code_target & ~1u), 16);
	return __LINE__;
}

static int code_unchanged(void)
{
	CHECK(flash_unchanged() == 0);
	CHECK(code_target(2) == 7);
	return 0;
}

static void watch_word(void)
{
	watch(flash_word, sizeof(flash_word));
}

static int stack_space_into_flash(const void *arg)
{
	ARG_UNUSED(arg);
	expect_fault();
	k_thread_stack_space_get(k_current_get(), (size_t *)flash_word);
	return __LINE__;
}

const struct attack_case cases[] = {
	{ .name = "msgq_get_into_flash", .run = msgq_get_into_flash, .outcome = CPU_EXCEPTION,
	  .setup = put_message, .check = message_kept },
	{ .name = "name_copy_into_flash", .run = name_copy_into_flash,
	  .outcome = CPU_EXCEPTION, .setup = watch_name, .check = flash_unchanged },
	{ .name = "rand_into_code", .run = rand_into_code, .outcome = CPU_EXCEPTION,
	  .setup = watch_code, .check = code_unchanged },
	{ .name = "stack_space_into_flash", .run = stack_space_into_flash,
	  .outcome = CPU_EXCEPTION, .setup = watch_word, .check = flash_unchanged },
};
const size_t case_count = ARRAY_SIZE(cases);
