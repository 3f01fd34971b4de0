/*
 * Two memory domains sharing one partition (after Zephyr's samples/userspace/shared_mem).
 *
 *   domain A: part_a (thread A's messages and replies) + shared_part
 *   domain B: part_b (thread B's secret key)           + shared_part
 *
 * Thread A is a client: it writes each of its messages into the mailbox in the shared
 * partition and wakes thread B.  Thread B is a cipher service: it encrypts the text in
 * place with a Vigenere key that only its own partition holds, and wakes A, which reads
 * the result back.  The two semaphores are kernel objects main() grants to both threads;
 * the text itself never passes through the kernel.
 *
 * Neither thread can reach the other's private partition: at the end thread A tries to
 * read B's key, the MPU stops it, k_sys_fatal_error_handler() reports the fault and
 * returns, and the kernel aborts only thread A.
 */
#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#define ROUNDS 3
#define TEXT_MAX 48
#define STACK_BYTES 1024
#define PRIORITY_A 5
#define PRIORITY_B 5

K_APPMEM_PARTITION_DEFINE(part_a);
K_APPMEM_PARTITION_DEFINE(part_b);
K_APPMEM_PARTITION_DEFINE(shared_part);

/* Thread A's private data: what it sends, and what came back. */
K_APP_DMEM(part_a) char a_messages[ROUNDS][TEXT_MAX] = {
	"hello from domain a",
	"memory domains, shared partition",
	"attack at dawn",
};
K_APP_BMEM(part_a) char a_replies[ROUNDS][TEXT_MAX];

/* Thread B's private data: the key, and how many letters it enciphered. */
K_APP_DMEM(part_b) char b_key[] = "LEVANTE";
K_APP_BMEM(part_b) uint32_t b_letters;

/* The mailbox both domains hold. */
struct mailbox {
	uint32_t round;
	uint32_t length;
	char text[TEXT_MAX];
};
K_APP_BMEM(shared_part) struct mailbox shared_mailbox;

/* Kernel memory: the semaphores, domains and threads. */
K_SEM_DEFINE(request_ready, 0, 1);
K_SEM_DEFINE(reply_ready, 0, 1);

static struct k_mem_domain domain_a;
static struct k_mem_domain domain_b;
K_THREAD_STACK_DEFINE(stack_a, STACK_BYTES);
K_THREAD_STACK_DEFINE(stack_b, STACK_BYTES);
static struct k_thread thread_a;
static struct k_thread thread_b;

static volatile unsigned int faults;
static volatile unsigned int last_reason;

/* ---- User mode ------------------------------------------------------------------------ */

static void client_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	const volatile char *forbidden = p1;

	for (uint32_t round = 0; round < ROUNDS; round++) {
		size_t length = strlen(a_messages[round]);

		shared_mailbox.round = round;
		shared_mailbox.length = length;
		memcpy(shared_mailbox.text, a_messages[round], length + 1);
		printk("A: round %u sends \"%s\" (%u bytes)\n", round, a_messages[round],
		       (unsigned int)length);
		k_sem_give(&request_ready);

		k_sem_take(&reply_ready, K_FOREVER);
		memcpy(a_replies[round], shared_mailbox.text, TEXT_MAX);
		a_replies[round][TEXT_MAX - 1] = '\0';
		printk("A: round %u got   \"%s\"\n", shared_mailbox.round, a_replies[round]);
	}

	/* Isolation: B's partition is not in domain A. */
	printk("A: reading B's key at %p\n", (const void *)forbidden);
	char stolen = *forbidden;

	printk("A: key starts with '%c': ISOLATION BROKEN\n", stolen);
}

static void cipher_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	size_t key_length = strlen(b_key);

	for (int served = 0; served < ROUNDS; served++) {
		k_sem_take(&request_ready, K_FOREVER);
		uint32_t length = MIN(shared_mailbox.length, (uint32_t)TEXT_MAX - 1u);
		uint32_t letters = 0;

		printk("B: round %u received %u bytes\n", shared_mailbox.round, length);
		for (uint32_t i = 0; i < length; i++) {
			char c = shared_mailbox.text[i];

			if (c >= 'a' && c <= 'z') {
				int shift = b_key[b_letters % key_length] - 'A';

				shared_mailbox.text[i] = (char)('a' + (c - 'a' + shift) % 26);
				b_letters++;
				letters++;
			}
		}
		shared_mailbox.text[length] = '\0';
		printk("B: round %u enciphered %u letters\n", shared_mailbox.round, letters);
		k_sem_give(&reply_ready);
	}
	printk("B: done, %u letters in all (user mode: %s)\n", b_letters,
	       k_is_user_context() ? "yes" : "no");
}

/* ---- Supervisor mode ------------------------------------------------------------------ */

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	last_reason = reason;
	printk("fatal error handler: reason %u%s in thread '%s'; aborting it\n", reason,
	       reason == K_ERR_CPU_EXCEPTION ? " (K_ERR_CPU_EXCEPTION)" : "",
	       k_thread_name_get(k_current_get()));
}

static int setup(struct k_thread *thread, k_thread_stack_t *stack, k_thread_entry_t entry,
		 void *argument, int priority, const char *name, struct k_mem_domain *domain,
		 struct k_mem_partition *own)
{
	struct k_mem_partition *parts[] = { own, &shared_part };
	int error = k_mem_domain_init(domain, ARRAY_SIZE(parts), parts);

	if (error == 0) {
		k_thread_create(thread, stack, STACK_BYTES, entry, argument, NULL, NULL, priority,
				K_USER, K_FOREVER);
		k_thread_name_set(thread, name);
		error = k_mem_domain_add_thread(domain, thread);
	}
	printk("main: %s: own partition %p (%u bytes), shared %p (%u bytes)%s\n", name,
	       (void *)own->start, (unsigned int)own->size, (void *)shared_part.start,
	       (unsigned int)shared_part.size, error ? " SETUP FAILED" : "");
	return error;
}

int main(void)
{
	printk("userspace_shared_mem: %d rounds on %s\n", ROUNDS, CONFIG_BOARD);

	setup(&thread_a, stack_a, client_entry, b_key, PRIORITY_A, "thread_a", &domain_a,
	      &part_a);
	setup(&thread_b, stack_b, cipher_entry, NULL, PRIORITY_B, "thread_b", &domain_b,
	      &part_b);

	k_thread_access_grant(&thread_a, &request_ready, &reply_ready);
	k_thread_access_grant(&thread_b, &request_ready, &reply_ready);

	k_thread_start(&thread_b);
	k_thread_start(&thread_a);
	k_thread_join(&thread_b, K_FOREVER);
	k_thread_join(&thread_a, K_FOREVER);

	printk("main: B enciphered %u letters; A kept %d replies, the last \"%s\"\n", b_letters,
	       ROUNDS, a_replies[ROUNDS - 1]);
	printk("main: %u fatal error(s), last reason %u; done\n", faults, last_reason);
	return 0;
}
