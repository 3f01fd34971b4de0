/* <zephyr/sys/dlist.h> and <zephyr/sys/sflist.h>: orders after every kind of insertion,
 * removal while iterating, lists emptied and refilled, and flags that travel with nodes. */
#include <zephyr/ztest.h>
#include <zephyr/sys/dlist.h>
#include <zephyr/sys/sflist.h>

struct entry {
	int value;
	sys_dnode_t dnode;
	sys_sfnode_t sfnode;
};

static struct entry entries[5] = { { 0 }, { 1 }, { 2 }, { 3 }, { 4 } };

/* The values along `list`, head first, as decimal digits ("" when empty). */
static const char *dlist_values(sys_dlist_t *list)
{
	static char text[8];
	struct entry *entry;
	size_t at = 0;

	SYS_DLIST_FOR_EACH_CONTAINER(list, entry, dnode) {
		text[at++] = (char)('0' + entry->value);
	}
	text[at] = '\0';
	return text;
}

static const char *sflist_values(sys_sflist_t *list)
{
	static char text[8];
	struct entry *entry;
	size_t at = 0;

	SYS_SFLIST_FOR_EACH_CONTAINER(list, entry, sfnode) {
		text[at++] = (char)('0' + entry->value);
	}
	text[at] = '\0';
	return text;
}

static int is_greater_than(sys_dnode_t *node, void *data)
{
	return CONTAINER_OF(node, struct entry, dnode)->value > POINTER_TO_INT(data);
}

static sys_dlist_t static_dlist = SYS_DLIST_STATIC_INIT(&static_dlist);

ZTEST(headers, test_dlist_keeps_order_through_every_insertion)
{
	sys_dlist_t list;

	sys_dlist_init(&list);
	zassert_true(sys_dlist_is_empty(&static_dlist), "a static list starts empty");
	zassert_true(sys_dlist_is_empty(&list));
	zassert_is_null(sys_dlist_peek_head(&list));
	zassert_is_null(sys_dlist_peek_tail(&list));
	zassert_is_null(sys_dlist_get(&list));
	for (int i = 0; i < 5; i++) {
		sys_dnode_init(&entries[i].dnode);
		zassert_false(sys_dnode_is_linked(&entries[i].dnode));
	}

	sys_dlist_append(&list, &entries[2].dnode);
	zassert_false(sys_dlist_has_multiple_nodes(&list));
	sys_dlist_prepend(&list, &entries[0].dnode);
	sys_dlist_append(&list, &entries[4].dnode);
	sys_dlist_insert(&entries[2].dnode, &entries[1].dnode);
	sys_dlist_insert_at(&list, &entries[3].dnode, is_greater_than, INT_TO_POINTER(3));
	zassert_str_equal(dlist_values(&list), "01234");
	zassert_equal(sys_dlist_len(&list), 5);
	zassert_true(sys_dlist_has_multiple_nodes(&list));
	zassert_true(sys_dlist_is_head(&list, &entries[0].dnode));
	zassert_true(sys_dlist_is_tail(&list, &entries[4].dnode));
	zassert_false(sys_dlist_is_tail(&list, &entries[3].dnode));
	zassert_true(sys_dnode_is_linked(&entries[3].dnode));
	zassert_equal_ptr(sys_dlist_peek_next(&list, &entries[1].dnode), &entries[2].dnode);
	zassert_equal_ptr(sys_dlist_peek_prev(&list, &entries[1].dnode), &entries[0].dnode);
	zassert_is_null(sys_dlist_peek_next(&list, &entries[4].dnode), "nothing after the tail");
	zassert_is_null(sys_dlist_peek_prev(&list, &entries[0].dnode), "nothing before the head");

	/* Walking backwards from the tail. */
	char backwards[6] = { 0 };
	size_t at = 0;

	for (sys_dnode_t *node = sys_dlist_peek_tail(&list); node != NULL;
	     node = sys_dlist_peek_prev(&list, node)) {
		backwards[at++] = (char)('0' + CONTAINER_OF(node, struct entry, dnode)->value);
	}
	zassert_str_equal(backwards, "43210");

	/* Continuing after a node. */
	sys_dnode_t *node = &entries[2].dnode;
	int after = 0;

	SYS_DLIST_ITERATE_FROM_NODE(&list, node) {
		after++;
	}
	zassert_equal(after, 2);
}

ZTEST(headers, test_dlist_emptied_while_iterating_then_refilled)
{
	sys_dlist_t list;
	struct entry *entry, *next;
	sys_dnode_t *node, *next_node;

	sys_dlist_init(&list);
	for (int i = 0; i < 5; i++) {
		sys_dlist_append(&list, &entries[i].dnode);
	}
	/* Removing the odd ones, then everything, while walking. */
	SYS_DLIST_FOR_EACH_CONTAINER_SAFE(&list, entry, next, dnode) {
		if (entry->value % 2 == 1) {
			sys_dlist_remove(&entry->dnode);
			zassert_false(sys_dnode_is_linked(&entry->dnode));
		}
	}
	zassert_str_equal(dlist_values(&list), "024");
	SYS_DLIST_FOR_EACH_NODE_SAFE(&list, node, next_node) {
		sys_dlist_remove(node);
	}
	zassert_true(sys_dlist_is_empty(&list));
	zassert_equal(sys_dlist_len(&list), 0);

	for (int i = 4; i >= 0; i--) {
		sys_dlist_prepend(&list, &entries[i].dnode);
	}
	zassert_str_equal(dlist_values(&list), "01234");
	zassert_equal_ptr(sys_dlist_get(&list), &entries[0].dnode);
	zassert_equal_ptr(SYS_DLIST_PEEK_HEAD_CONTAINER(&list, entry, dnode), &entries[1]);
	int count = 0;

	SYS_DLIST_FOR_EACH_NODE(&list, node) {
		count++;
	}
	zassert_equal(count, 4);
	while (sys_dlist_get(&list) != NULL) {
	}
	zassert_true(sys_dlist_is_empty(&list));
}

static sys_sflist_t static_sflist = SYS_SFLIST_STATIC_INIT(&static_sflist);

ZTEST(headers, test_sflist_flags_travel_with_their_nodes)
{
	sys_sflist_t list, other;
	struct entry *entry, *next;

	zassert_true(sys_sflist_is_empty(&static_sflist));
	sys_sflist_init(&list);
	sys_sflist_init(&other);
	BUILD_ASSERT(SYS_SFLIST_FLAGS_MASK == 0x3);
	for (int i = 0; i < 5; i++) {
		sys_sfnode_init(&entries[i].sfnode, (uint8_t)(i % 4));
		sys_sflist_append(&list, &entries[i].sfnode);
	}
	zassert_str_equal(sflist_values(&list), "01234");
	zassert_equal(sys_sflist_len(&list), 5);
	for (int i = 0; i < 5; i++) {
		zassert_equal(sys_sfnode_flags_get(&entries[i].sfnode), i % 4);
	}
	/* The flags are not part of the links. */
	zassert_equal_ptr(sys_sflist_peek_next(&entries[2].sfnode), &entries[3].sfnode);
	zassert_equal_ptr(SYS_SFLIST_PEEK_TAIL_CONTAINER(&list, entry, sfnode),
			  &entries[4]);

	sys_sfnode_flags_set(&entries[1].sfnode, 2);
	zassert_equal(sys_sfnode_flags_get(&entries[1].sfnode), 2);
	zassert_equal_ptr(sys_sflist_peek_next(&entries[1].sfnode), &entries[2].sfnode);

	zassert_true(sys_sflist_find_and_remove(&list, &entries[3].sfnode));
	zassert_false(sys_sflist_find_and_remove(&list, &entries[3].sfnode));
	zassert_equal(sys_sfnode_flags_get(&entries[3].sfnode), 3, "removal keeps the flags");
	zassert_str_equal(sflist_values(&list), "0124");
	sys_sflist_prepend(&other, &entries[3].sfnode);
	sys_sflist_insert(&list, &entries[0].sfnode, &entries[3].sfnode);
	zassert_str_equal(sflist_values(&list), "03124");
	zassert_equal(sys_sfnode_flags_get(&entries[3].sfnode), 3);
	zassert_equal(sys_sfnode_flags_get(&entries[0].sfnode), 0);

	/* Emptied into another list, in order, flags intact; then refilled. */
	sys_sflist_init(&other);
	sys_sflist_merge_sflist(&other, &list);
	zassert_true(sys_sflist_is_empty(&list));
	zassert_str_equal(sflist_values(&other), "03124");
	zassert_equal(sys_sfnode_flags_get(&entries[1].sfnode), 2);
	SYS_SFLIST_FOR_EACH_CONTAINER_SAFE(&other, entry, next, sfnode) {
		zassert_equal_ptr(sys_sflist_get(&other), &entry->sfnode);
		sys_sflist_prepend(&list, &entry->sfnode);
	}
	zassert_true(sys_sflist_is_empty(&other));
	zassert_str_equal(sflist_values(&list), "42130");
	zassert_equal(sys_sfnode_flags_get(&entries[4].sfnode), 0);
	zassert_equal(sys_sfnode_flags_get(&entries[2].sfnode), 2);
	zassert_equal(sys_sfnode_flags_get(&entries[3].sfnode), 3);
	sys_sflist_remove(&list, NULL, &entries[4].sfnode);
	sys_sflist_remove(&list, &entries[3].sfnode, &entries[0].sfnode);
	zassert_str_equal(sflist_values(&list), "213");
	zassert_equal_ptr(sys_sflist_peek_tail(&list), &entries[3].sfnode);
	zassert_is_null(sys_sflist_peek_next(&entries[3].sfnode));
}
