/* Walks the application's own iterable sections: counters that change (RAM), numbered
 * records in Zephyr's numeric order (flash, declared and laid out by the application's
 * text), and a declared section with no record. */
#include <zephyr/kernel.h>
#include <zephyr/sys/iterable_sections.h>

struct counter_entry {
	const char *name;
	int count;
};

struct numbered_entry {
	int number;
};

struct ordinal_entry {
	int number;
};

struct spare_entry {
	int unused;
};

STRUCT_SECTION_ITERABLE(counter_entry, apples) = {"apples", 1};
STRUCT_SECTION_ITERABLE(counter_entry, pears) = {"pears", 5};
STRUCT_SECTION_ITERABLE(numbered_entry, entry_10) = {10};
STRUCT_SECTION_ITERABLE(numbered_entry, entry_2) = {2};
STRUCT_SECTION_ITERABLE(numbered_entry, entry_1) = {1};
STRUCT_SECTION_ITERABLE(ordinal_entry, ordinal_12) = {12};
STRUCT_SECTION_ITERABLE(ordinal_entry, ordinal_3) = {3};

int main(void)
{
	int spare = 0;

	STRUCT_SECTION_FOREACH(counter_entry, entry) {
		entry->count *= 10; /* records in RAM can change */
	}
	STRUCT_SECTION_FOREACH(counter_entry, entry) {
		printk("counter %s %d %s\n", entry->name, entry->count,
		       (uintptr_t)entry >= 0x20000000u ? "ram" : "flash");
	}
	STRUCT_SECTION_FOREACH(numbered_entry, entry) {
		printk("numbered %d %s\n", entry->number,
		       (uintptr_t)entry >= 0x20000000u ? "ram" : "flash");
	}
	STRUCT_SECTION_FOREACH(ordinal_entry, entry) {
		printk("ordinal %d %s\n", entry->number,
		       (uintptr_t)entry >= 0x20000000u ? "ram" : "flash");
	}
	STRUCT_SECTION_FOREACH(spare_entry, entry) {
		spare++;
	}
	printk("spare %d\n", spare);
	return 0;
}
