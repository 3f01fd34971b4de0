/* Prints what each CMake feature of the application contributed. */
#include <zephyr/kernel.h>
#include <greeting.h>

static const unsigned char word[] = {
#include "word.inc"
};

int main(void)
{
	printk("number %d\n", APP_NUMBER);
	printk("greeting %s\n", greeting());
	printk("core %d\n", core_a() + core_b());
	printk("word %.*s (%u bytes)\n", (int)sizeof(word), (const char *)word,
	       (unsigned int)sizeof(word));
	printk("board %s\n", CONFIG_BOARD_TARGET);
#ifdef CONFIG_EVENTS
	printk("events %d %s\n", events_part(), greeting_extra());
#else
	printk("events off\n");
#endif
	return 0;
}
