/* CONFIG_THREAD_MONITOR: every live thread, newest first, in a list the kernel keeps in
 * k_thread.next_thread from the head below (supervisor memory, as all of k_thread). */
#include <zephyr/kernel.h>

#ifdef CONFIG_THREAD_MONITOR
struct k_thread *z_thread_monitor_head;
#endif

void k_thread_foreach(k_thread_user_cb_t user_cb, void *user_data)
{
#ifdef CONFIG_THREAD_MONITOR
	struct k_thread *thread = z_thread_monitor_head;

	while (thread != NULL) {
		/* Read the link first: the callback may end the thread it is given. */
		struct k_thread *next = thread->next_thread;

		user_cb(thread, user_data);
		thread = next;
	}
#else
	ARG_UNUSED(user_cb);
	ARG_UNUSED(user_data);
#endif
}

void k_thread_foreach_unlocked(k_thread_user_cb_t user_cb, void *user_data)
{
	/* Levante's kernel never runs beside a thread's callback: nothing can change the
	 * list while one thread walks it but that thread itself, as with the locked walk. */
	k_thread_foreach(user_cb, user_data);
}

/* Zephyr's names for base.thread_state's bits, lowest bit first. */
static const char *const thread_state_words[] = {
	"dummy", "pending", "prestart", "dead", "suspended", "aborting", "suspending", "queued",
};

/* Appends `word` to buf (room for `room` more characters), returning what it used. */
static size_t append_word(char *buf, size_t room, const char *word)
{
	size_t used = 0;

	while (word[used] != '\0' && used < room) {
		buf[used] = word[used];
		used++;
	}
	return used;
}

const char *k_thread_state_str(k_tid_t thread_id, char *buf, size_t buf_size)
{
	/* The state bits the kernel shows in the thread's struct, joined with '+'. */
	uint16_t state = thread_id->base.thread_state;
	size_t length = 0;

	if (buf == NULL || buf_size == 0U) {
		return "";
	}
	for (size_t bit = 0; bit < ARRAY_SIZE(thread_state_words) && state != 0U; bit++) {
		if ((state & BIT(bit)) == 0U) {
			continue;
		}
		state &= (uint16_t)~BIT(bit);
		length += append_word(buf + length, buf_size - 1U - length, thread_state_words[bit]);
		if (state != 0U) {
			length += append_word(buf + length, buf_size - 1U - length, "+");
		}
	}
	buf[length] = '\0';
	return buf;
}
