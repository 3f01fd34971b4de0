/* Flagged singly linked lists (Zephyr's sys/sflist.h): sys/slist.h's list whose nodes
 * each carry a small flags value (0 to 3) in the two low bits of their next pointer,
 * which nodes' word alignment leaves free.  A node's flags stay with it as it moves
 * between lists; only sys_sfnode_init and sys_sfnode_flags_set change them. */
#ifndef ZEPHYR_SYS_SFLIST_H
#define ZEPHYR_SYS_SFLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/util.h>

struct _sfnode {
	uintptr_t next_and_flags;
};
typedef struct _sfnode sys_sfnode_t;

struct _sflist {
	sys_sfnode_t *head;
	sys_sfnode_t *tail;
};
typedef struct _sflist sys_sflist_t;

#define SYS_SFLIST_STATIC_INIT(ptr_to_list) { NULL, NULL }
#define SYS_SFLIST_FLAGS_MASK ((uintptr_t)(__alignof__(sys_sfnode_t) - 1))
BUILD_ASSERT(SYS_SFLIST_FLAGS_MASK >= 0x3, "nodes leave two bits for flags");

static inline sys_sfnode_t *z_sfnode_next_peek(sys_sfnode_t *node)
{
	return (sys_sfnode_t *)(node->next_and_flags & ~SYS_SFLIST_FLAGS_MASK);
}

static inline uint8_t sys_sfnode_flags_get(sys_sfnode_t *node)
{
	return (uint8_t)(node->next_and_flags & SYS_SFLIST_FLAGS_MASK);
}

/* Links `child` after `parent`, keeping the parent's flags. */
static inline void z_sfnode_next_set(sys_sfnode_t *parent, sys_sfnode_t *child)
{
	parent->next_and_flags = (uintptr_t)child | sys_sfnode_flags_get(parent);
}

/* For a node in no list yet: no successor and these flags.  Flags wider than the mask
 * are cut to it, so they can never corrupt the pointer. */
static inline void sys_sfnode_init(sys_sfnode_t *node, uint8_t flags)
{
	node->next_and_flags = flags & SYS_SFLIST_FLAGS_MASK;
}

static inline void sys_sfnode_flags_set(sys_sfnode_t *node, uint8_t flags)
{
	node->next_and_flags = (uintptr_t)z_sfnode_next_peek(node) | (flags & SYS_SFLIST_FLAGS_MASK);
}

static inline void sys_sflist_init(sys_sflist_t *list)
{
	list->head = NULL;
	list->tail = NULL;
}

static inline sys_sfnode_t *sys_sflist_peek_head(sys_sflist_t *list)
{
	return list->head;
}

static inline sys_sfnode_t *sys_sflist_peek_tail(sys_sflist_t *list)
{
	return list->tail;
}

static inline bool sys_sflist_is_empty(sys_sflist_t *list)
{
	return list->head == NULL;
}

static inline sys_sfnode_t *sys_sflist_peek_next_no_check(sys_sfnode_t *node)
{
	return z_sfnode_next_peek(node);
}

static inline sys_sfnode_t *sys_sflist_peek_next(sys_sfnode_t *node)
{
	return node != NULL ? z_sfnode_next_peek(node) : NULL;
}

static inline void sys_sflist_prepend(sys_sflist_t *list, sys_sfnode_t *node)
{
	z_sfnode_next_set(node, list->head);
	list->head = node;
	if (list->tail == NULL) {
		list->tail = node;
	}
}

static inline void sys_sflist_append(sys_sflist_t *list, sys_sfnode_t *node)
{
	z_sfnode_next_set(node, NULL);
	if (list->tail == NULL) {
		list->head = node;
	} else {
		z_sfnode_next_set(list->tail, node);
	}
	list->tail = node;
}

/* The nodes head..tail, already linked to one another, at the end. */
static inline void sys_sflist_append_list(sys_sflist_t *list, void *head, void *tail)
{
	if (head == NULL || tail == NULL) {
		return;
	}
	if (list->tail == NULL) {
		list->head = (sys_sfnode_t *)head;
	} else {
		z_sfnode_next_set(list->tail, (sys_sfnode_t *)head);
	}
	list->tail = (sys_sfnode_t *)tail;
	z_sfnode_next_set(list->tail, NULL);
}

/* Moves every node of `list_to_append` to the end of `list`, leaving it empty. */
static inline void sys_sflist_merge_sflist(sys_sflist_t *list, sys_sflist_t *list_to_append)
{
	sys_sflist_append_list(list, list_to_append->head, list_to_append->tail);
	sys_sflist_init(list_to_append);
}

static inline void sys_sflist_insert(sys_sflist_t *list, sys_sfnode_t *prev, sys_sfnode_t *node)
{
	if (prev == NULL) {
		sys_sflist_prepend(list, node);
	} else if (z_sfnode_next_peek(prev) == NULL) {
		sys_sflist_append(list, node);
	} else {
		z_sfnode_next_set(node, z_sfnode_next_peek(prev));
		z_sfnode_next_set(prev, node);
	}
}

static inline sys_sfnode_t *sys_sflist_get_not_empty(sys_sflist_t *list)
{
	sys_sfnode_t *node = list->head;

	list->head = z_sfnode_next_peek(node);
	if (list->tail == node) {
		list->tail = list->head;
	}
	return node;
}

static inline sys_sfnode_t *sys_sflist_get(sys_sflist_t *list)
{
	return sys_sflist_is_empty(list) ? NULL : sys_sflist_get_not_empty(list);
}

/* Removes `node`, whose predecessor is `prev_node` (NULL: the head). */
static inline void sys_sflist_remove(sys_sflist_t *list, sys_sfnode_t *prev_node,
				     sys_sfnode_t *node)
{
	if (prev_node == NULL) {
		list->head = z_sfnode_next_peek(node);
		if (list->tail == node) {
			list->tail = list->head;
		}
	} else {
		z_sfnode_next_set(prev_node, z_sfnode_next_peek(node));
		if (list->tail == node) {
			list->tail = prev_node;
		}
	}
	z_sfnode_next_set(node, NULL);
}

static inline bool sys_sflist_find_and_remove(sys_sflist_t *list, sys_sfnode_t *node)
{
	sys_sfnode_t *prev = NULL;

	for (sys_sfnode_t *test = list->head; test != NULL; test = z_sfnode_next_peek(test)) {
		if (test == node) {
			sys_sflist_remove(list, prev, node);
			return true;
		}
		prev = test;
	}
	return false;
}

static inline size_t sys_sflist_len(sys_sflist_t *list)
{
	size_t length = 0;

	for (sys_sfnode_t *node = list->head; node != NULL; node = z_sfnode_next_peek(node)) {
		length++;
	}
	return length;
}

#define SYS_SFLIST_FOR_EACH_NODE(list, node) \
	for (node = sys_sflist_peek_head(list); node != NULL; node = sys_sflist_peek_next(node))

#define SYS_SFLIST_ITERATE_FROM_NODE(list, node)                                          \
	for (node = (node) != NULL ? sys_sflist_peek_next_no_check(node)                   \
				   : sys_sflist_peek_head(list);                            \
	     node != NULL; node = sys_sflist_peek_next(node))

#define SYS_SFLIST_FOR_EACH_NODE_SAFE(list, node, next_node)                             \
	for (node = sys_sflist_peek_head(list), next_node = sys_sflist_peek_next(node);    \
	     node != NULL; node = next_node, next_node = sys_sflist_peek_next(node))

#define SYS_SFLIST_CONTAINER(node, container, field) \
	((node) != NULL ? CONTAINER_OF(node, __typeof__(*(container)), field) : NULL)

#define SYS_SFLIST_PEEK_HEAD_CONTAINER(list, container, field) \
	SYS_SFLIST_CONTAINER(sys_sflist_peek_head(list), container, field)

#define SYS_SFLIST_PEEK_TAIL_CONTAINER(list, container, field) \
	SYS_SFLIST_CONTAINER(sys_sflist_peek_tail(list), container, field)

#define SYS_SFLIST_PEEK_NEXT_CONTAINER(container, field)                                  \
	((container) != NULL ?                                                           \
	 SYS_SFLIST_CONTAINER(sys_sflist_peek_next(&((container)->field)), container, field) \
	 : NULL)

#define SYS_SFLIST_FOR_EACH_CONTAINER(list, container, field)                          \
	for (container = SYS_SFLIST_PEEK_HEAD_CONTAINER(list, container, field);        \
	     container != NULL; container = SYS_SFLIST_PEEK_NEXT_CONTAINER(container, field))

#define SYS_SFLIST_FOR_EACH_CONTAINER_SAFE(list, container, next_container, field)     \
	for (container = SYS_SFLIST_PEEK_HEAD_CONTAINER(list, container, field),         \
	     next_container = SYS_SFLIST_PEEK_NEXT_CONTAINER(container, field);           \
	     container != NULL; container = next_container,                             \
	     next_container = SYS_SFLIST_PEEK_NEXT_CONTAINER(container, field))

#endif
