/*
 * A three-stage pipeline of user threads, each in a memory domain of its own:
 *
 *   producer (domain A) --q_raw--> processor (domain B) --q_cooked--> consumer (domain C)
 *
 * Each stage keeps its data in an application memory partition that only its own domain
 * holds: the producer's input samples, the processor's coefficients, the consumer's
 * results.  Data moves between them only through the two message queues, which the
 * kernel copies in and out; each thread is granted only the queues it uses.
 *
 * main() (supervisor) sets everything up, starts the threads, waits for them and prints
 * a summary.  At the end the consumer tries to read the producer's partition: the MPU
 * stops it, k_sys_fatal_error_handler() reports the fault and returns, the kernel
 * aborts only the consumer and main() carries on.
 */
#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>

#define ITEMS 16
#define QUEUE_DEPTH 4
#define COEFFICIENTS 4
#define STACK_BYTES 1024

/* The producer is the most urgent stage: it fills q_raw and then waits for room. */
#define PRODUCER_PRIORITY 5
#define PROCESSOR_PRIORITY 6
#define CONSUMER_PRIORITY 7

struct item {
	uint32_t sequence;
	uint32_t value;
};

/* ---- The partitions: one per stage -------------------------------------------------- */

K_APPMEM_PARTITION_DEFINE(producer_part);
K_APPMEM_PARTITION_DEFINE(processor_part);
K_APPMEM_PARTITION_DEFINE(consumer_part);

/* Domain A: the samples the producer feeds into the pipeline. */
K_APP_DMEM(producer_part) uint32_t producer_input[ITEMS] = {
	3, 141, 59, 26, 535, 8979, 32, 3846, 2643, 383, 279, 50, 288, 4197, 169, 39937,
};
K_APP_BMEM(producer_part) uint32_t producer_sent;

/* Domain B: the processor's private coefficients (item n is scaled by
 * processor_coefficients[n % COEFFICIENTS]) and its count. */
K_APP_DMEM(processor_part) uint32_t processor_coefficients[COEFFICIENTS] = {
	2654435761u, 40503u, 2246822519u, 3266489917u,
};
K_APP_BMEM(processor_part) uint32_t processor_done;

/* Domain C: what the consumer received, and the CRC-32 it keeps over it. */
K_APP_BMEM(consumer_part) uint32_t consumer_results[ITEMS];
K_APP_BMEM(consumer_part) uint32_t consumer_received;
K_APP_BMEM(consumer_part) uint32_t consumer_out_of_order;
K_APP_BMEM(consumer_part) uint32_t consumer_crc;

/* ---- Kernel objects and threads (kernel memory) --------------------------------------- */

K_MSGQ_DEFINE(q_raw, sizeof(struct item), QUEUE_DEPTH, 4);
K_MSGQ_DEFINE(q_cooked, sizeof(struct item), QUEUE_DEPTH, 4);

static struct k_mem_domain producer_domain;
static struct k_mem_domain processor_domain;
static struct k_mem_domain consumer_domain;

K_THREAD_STACK_DEFINE(producer_stack, STACK_BYTES);
K_THREAD_STACK_DEFINE(processor_stack, STACK_BYTES);
K_THREAD_STACK_DEFINE(consumer_stack, STACK_BYTES);
static struct k_thread producer_thread;
static struct k_thread processor_thread;
static struct k_thread consumer_thread;

/* Written by the fatal error handler, which runs in supervisor mode. */
static volatile unsigned int faults;
static volatile unsigned int last_reason;

/* ---- The stages (user mode) ----------------------------------------------------------- */

static void producer_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	for (uint32_t n = 0; n < ITEMS; n++) {
		struct item raw = { .sequence = n, .value = producer_input[n] };

		k_msgq_put(&q_raw, &raw, K_FOREVER);
		producer_sent++;
	}
	printk("producer: sent %u items (user mode: %s)\n", producer_sent,
	       k_is_user_context() ? "yes" : "no");
}

static void processor_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	for (int n = 0; n < ITEMS; n++) {
		struct item work;

		k_msgq_get(&q_raw, &work, K_FOREVER);
		work.value = work.value * processor_coefficients[work.sequence % COEFFICIENTS] +
			     work.sequence;
		k_msgq_put(&q_cooked, &work, K_FOREVER);
		processor_done++;
	}
	printk("processor: processed %u items (user mode: %s)\n", processor_done,
	       k_is_user_context() ? "yes" : "no");
}

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) over a little-endian word. */
static uint32_t crc32_word(uint32_t crc, uint32_t word)
{
	crc = ~crc;
	for (int byte = 0; byte < 4; byte++) {
		crc ^= (word >> (8 * byte)) & 0xffu;
		for (int bit = 0; bit < 8; bit++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

static void consumer_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	const volatile uint32_t *forbidden = p1;

	for (uint32_t expected = 0; expected < ITEMS; expected++) {
		struct item done;

		k_msgq_get(&q_cooked, &done, K_FOREVER);
		if (done.sequence != expected) {
			consumer_out_of_order++;
		}
		if (done.sequence < ITEMS) {
			consumer_results[done.sequence] = done.value;
		}
		consumer_crc = crc32_word(consumer_crc, done.value);
		consumer_received++;
		printk("consumer: item %u = 0x%08x\n", done.sequence, done.value);
	}
	printk("consumer: received %u items, %u out of order, crc32 0x%08x (user mode: %s)\n",
	       consumer_received, consumer_out_of_order, consumer_crc,
	       k_is_user_context() ? "yes" : "no");

	/* Isolation: the producer's partition is not in this thread's domain. */
	printk("consumer: reading the producer's input at %p\n", (const void *)forbidden);
	uint32_t stolen = *forbidden;

	printk("consumer: read %u: ISOLATION BROKEN\n", stolen);
}

/* ---- Supervisor side ------------------------------------------------------------------ */

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	faults++;
	last_reason = reason;
	printk("fatal error handler: reason %u%s in thread '%s'; aborting it\n", reason,
	       reason == K_ERR_CPU_EXCEPTION ? " (K_ERR_CPU_EXCEPTION)" : "",
	       k_thread_name_get(k_current_get()));
	/* Returning: only the faulting thread is aborted, the system runs on. */
}

static void setup_stage(struct k_thread *thread, k_thread_stack_t *stack,
			k_thread_entry_t entry, void *argument, int priority, const char *name,
			struct k_mem_domain *domain, struct k_mem_partition *partition)
{
	struct k_mem_partition *parts[] = { partition };
	int error = k_mem_domain_init(domain, ARRAY_SIZE(parts), parts);

	if (error == 0) {
		/* Created stopped: it joins its domain before it runs an instruction. */
		k_thread_create(thread, stack, STACK_BYTES, entry, argument, NULL, NULL, priority,
				K_USER, K_FOREVER);
		k_thread_name_set(thread, name);
		error = k_mem_domain_add_thread(domain, thread);
	}
	printk("main: %-9s partition %p, %u bytes%s\n", name, (void *)partition->start,
	       (unsigned int)partition->size, error ? " SETUP FAILED" : "");
}

int main(void)
{
	printk("userspace_pipeline: %d items through queues of %d on %s\n", ITEMS, QUEUE_DEPTH,
	       CONFIG_BOARD);

	setup_stage(&producer_thread, producer_stack, producer_entry, NULL, PRODUCER_PRIORITY,
		    "producer", &producer_domain, &producer_part);
	setup_stage(&processor_thread, processor_stack, processor_entry, NULL,
		    PROCESSOR_PRIORITY, "processor", &processor_domain, &processor_part);
	setup_stage(&consumer_thread, consumer_stack, consumer_entry, &producer_input[0],
		    CONSUMER_PRIORITY, "consumer", &consumer_domain, &consumer_part);

	/* Each stage may use only the queues it is connected to. */
	k_thread_access_grant(&producer_thread, &q_raw);
	k_thread_access_grant(&processor_thread, &q_raw, &q_cooked);
	k_thread_access_grant(&consumer_thread, &q_cooked);

	k_thread_start(&consumer_thread);
	k_thread_start(&processor_thread);
	k_thread_start(&producer_thread);

	k_thread_join(&producer_thread, K_FOREVER);
	k_thread_join(&processor_thread, K_FOREVER);
	k_thread_join(&consumer_thread, K_FOREVER);

	/* Supervisor mode reaches every partition. */
	uint32_t sum = 0;

	for (int n = 0; n < ITEMS; n++) {
		sum += consumer_results[n];
	}
	printk("main: sent %u, processed %u, received %u, crc32 0x%08x, sum 0x%08x\n",
	       producer_sent, processor_done, consumer_received, consumer_crc, sum);
	printk("main: %u fatal error(s), last reason %u; done\n", faults, last_reason);
	return 0;
}
