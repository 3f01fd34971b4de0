/*
 * A producer hands numbered messages to a slower consumer through a small
 * message queue.  Each message carries a sequence number, a payload derived from
 * it and a checksum of the payload, so the consumer can tell a lost, repeated,
 * reordered or damaged message from a good one.  Because the producer makes
 * messages faster than the consumer takes them, the queue fills up and
 * k_msgq_put() blocks the producer until the consumer makes room.
 */
#include <zephyr/kernel.h>

#define MESSAGES 40
#define QUEUE_DEPTH 4
#define PAYLOAD_BYTES 12

#define PRODUCER_PAUSE_MS 10
#define CONSUMER_PAUSE_MS 25

#define STACK_BYTES 1024
/* The producer is the more urgent of the two: it wins every race for the CPU. */
#define PRODUCER_PRIORITY 5
#define CONSUMER_PRIORITY 6

struct message {
	uint32_t sequence;
	uint8_t payload[PAYLOAD_BYTES];
	uint32_t checksum;
};

K_MSGQ_DEFINE(mailbox, sizeof(struct message), QUEUE_DEPTH, 4);

/* Fletcher-16 over the sequence number and the payload. */
static uint32_t checksum_of(const struct message *msg)
{
	uint32_t low = 0;
	uint32_t high = 0;
	const uint8_t *bytes = (const uint8_t *)msg;
	size_t covered = offsetof(struct message, checksum);

	for (size_t i = 0; i < covered; i++) {
		low = (low + bytes[i]) % 255;
		high = (high + low) % 255;
	}
	return (high << 8) | low;
}

/* Print a whole line with one console write, so that a thread switch in the
 * middle of formatting can never mix two threads' lines. */
static void say(const char *fmt, ...)
{
	char line[96];
	va_list ap;

	va_start(ap, fmt);
	int length = vsnprintk(line, sizeof(line), fmt, ap);

	va_end(ap);
	k_str_out(line, MIN((size_t)length, sizeof(line) - 1));
}

static void producer_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	unsigned int found_full = 0;
	struct message msg;

	for (uint32_t sequence = 0; sequence < MESSAGES; sequence++) {
		msg.sequence = sequence;
		for (int i = 0; i < PAYLOAD_BYTES; i++) {
			msg.payload[i] = (uint8_t)(sequence * 31u + (uint32_t)i * 7u + 3u);
		}
		msg.checksum = checksum_of(&msg);

		/* Nothing else runs between this check and the put: the producer is
		 * the most urgent thread, so a full queue here means the put blocks. */
		if (k_msgq_num_free_get(&mailbox) == 0) {
			found_full++;
		}
		k_msgq_put(&mailbox, &msg, K_FOREVER);
		k_msleep(PRODUCER_PAUSE_MS);
	}
	say("producer: sent %d messages, found the queue full %u times\n", MESSAGES,
	    found_full);
}

static void consumer_entry(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);

	uint32_t expected = 0;
	unsigned int out_of_order = 0;
	unsigned int damaged = 0;
	struct message msg;

	for (int received = 0; received < MESSAGES; received++) {
		k_msgq_get(&mailbox, &msg, K_FOREVER);
		bool intact = msg.checksum == checksum_of(&msg);

		if (!intact) {
			damaged++;
		}
		if (msg.sequence != expected) {
			out_of_order++;
		}
		say("consumer: message %u %s at %lld ms (%u waiting)\n", msg.sequence,
		    intact ? "ok" : "CORRUPT", k_uptime_get(), k_msgq_num_used_get(&mailbox));
		expected = msg.sequence + 1;
		k_msleep(CONSUMER_PAUSE_MS);
	}
	say("consumer: received %d messages, %u out of sequence, %u corrupt\n", MESSAGES,
	    out_of_order, damaged);
}

K_THREAD_DEFINE(producer, STACK_BYTES, producer_entry, NULL, NULL, NULL, PRODUCER_PRIORITY, 0,
		0);
K_THREAD_DEFINE(consumer, STACK_BYTES, consumer_entry, NULL, NULL, NULL, CONSUMER_PRIORITY, 0,
		0);

int main(void)
{
	printk("msgq: %d messages of %u bytes through a queue of %d\n", MESSAGES,
	       (unsigned int)sizeof(struct message), QUEUE_DEPTH);
	return 0;
}
