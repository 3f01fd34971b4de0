/* Singly linked lists (Zephyr's sys/slist.h): nodes embedded in the caller's structures,
 * all operations inline and O(1) except those that search. */
#ifndef ZEPHYR_SYS_SLIST_H
#define ZEPHYR_SYS_SLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <zephyr/sys/util.h>

struct _snode {
	struct _snode *next;
};
typedef struct _snode sys_snode_t;

struct _slist {
	sys_snode_t *head;
	sys_snode_t *tail;
};
typedef struct _slist sys_slist_t;

#define SYS_SLIST_STATIC_INIT(ptr_to_list) { NULL, NULL }

static inline void sys_slist_init(sys_slist_t *list)
{
	list->head = NULL;
	list->tail = NULL;
}

static inline sys_snode_t *sys_slist_peek_head(sys_slist_t *list)
{
	return list->head;
}

static inline sys_snode_t *sys_slist_peek_tail(sys_slist_t *list)
{
	return list->tail;
}

static inline bool sys_slist_is_empty(sys_slist_t *list)
{
	return list->head == NULL;
}

static inline sys_snode_t *sys_slist_peek_next_no_check(sys_snode_t *node)
{
	return node->next;
}

static inline sys_snode_t *sys_slist_peek_next(sys_snode_t *node)
{
	return node != NULL ? node->next : NULL;
}

static inline void sys_slist_prepend(sys_slist_t *list, sys_snode_t *node)
{
	node->next = list->head;
	list->head = node;
	if (list->tail == NULL) {
		list->tail = node;
	}
}

static inline void sys_slist_append(sys_slist_t *list, sys_snode_t *node)
{
	node->next = NULL;
	if (list->tail == NULL) {
		list->head = node;
	} else {
		list->tail->next = node;
	}
	list->tail = node;
}

/* The nodes head..tail, already linked to one another, at the end. */
static inline void sys_slist_append_list(sys_slist_t *list, void *head, void *tail)
{
	if (head == NULL || tail == NULL) {
		return;
	}
	if (list->tail == NULL) {
		list->head = (sys_snode_t *)head;
	} else {
		list->tail->next = (sys_snode_t *)head;
	}
	list->tail = (sys_snode_t *)tail;
	list->tail->next = NULL;
}

/* Moves every node of `list_to_append` to the end of `list`, leaving it empty. */
static inline void sys_slist_merge_slist(sys_slist_t *list, sys_slist_t *list_to_append)
{
	sys_slist_append_list(list, list_to_append->head, list_to_append->tail);
	sys_slist_init(list_to_append);
}

static inline void sys_slist_insert(sys_slist_t *list, sys_snode_t *prev, sys_snode_t *node)
{
	if (prev == NULL) {
		sys_slist_prepend(list, node);
	} else if (prev->next == NULL) {
		sys_slist_append(list, node);
	} else {
		node->next = prev->next;
		prev->next = node;
	}
}

static inline sys_snode_t *sys_slist_get_not_empty(sys_slist_t *list)
{
	sys_snode_t *node = list->head;

	list->head = node->next;
	if (list->tail == node) {
		list->tail = list->head;
	}
	return node;
}

static inline sys_snode_t *sys_slist_get(sys_slist_t *list)
{
	return sys_slist_is_empty(list) ? NULL : sys_slist_get_not_empty(list);
}

/* Removes `node`, whose predecessor is `prev_node` (NULL: the head). */
static inline void sys_slist_remove(sys_slist_t *list, sys_snode_t *prev_node, sys_snode_t *node)
{
	if (prev_node == NULL) {
		list->head = node->next;
		if (list->tail == node) {
			list->tail = list->head;
		}
	} else {
		prev_node->next = node->next;
		if (list->tail == node) {
			list->tail = prev_node;
		}
	}
	node->next = NULL;
}

static inline bool sys_slist_find_and_remove(sys_slist_t *list, sys_snode_t *node)
{
	sys_snode_t *prev = NULL;

	for (sys_snode_t *test = list->head; test != NULL; test = test->next) {
		if (test == node) {
			sys_slist_remove(list, prev, node);
			return true;
		}
		prev = test;
	}
	return false;
}

static inline bool sys_slist_find(sys_slist_t *list, sys_snode_t *node, sys_snode_t **prev)
{
	sys_snode_t *previous = NULL;

	for (sys_snode_t *test = list->head; test != NULL; test = test->next) {
		if (test == node) {
			if (prev != NULL) {
				*prev = previous;
			}
			return true;
		}
		previous = test;
	}
	if (prev != NULL) {
		*prev = NULL;
	}
	return false;
}

static inline size_t sys_slist_len(sys_slist_t *list)
{
	size_t length = 0;

	for (sys_snode_t *node = list->head; node != NULL; node = node->next) {
		length++;
	}
	return length;
}

#define SYS_SLIST_FOR_EACH_NODE(list, node) \
	for (node = sys_slist_peek_head(list); node != NULL; node = sys_slist_peek_next(node))

#define SYS_SLIST_ITERATE_FROM_NODE(list, node)                                       \
	for (node = node ? sys_slist_peek_next_no_check(node) : sys_slist_peek_head(list); \
	     node != NULL; node = sys_slist_peek_next(node))

#define SYS_SLIST_FOR_EACH_NODE_SAFE(list, node, next_node)                           \
	for (node = sys_slist_peek_head(list), next_node = sys_slist_peek_next(node);   \
	     node != NULL; node = next_node, next_node = sys_slist_peek_next(node))

#define SYS_SLIST_CONTAINER(node, container, field) \
	((node) != NULL ? CONTAINER_OF(node, __typeof__(*(container)), field) : NULL)

#define SYS_SLIST_PEEK_HEAD_CONTAINER(list, container, field) \
	SYS_SLIST_CONTAINER(sys_slist_peek_head(list), container, field)

#define SYS_SLIST_PEEK_TAIL_CONTAINER(list, container, field) \
	SYS_SLIST_CONTAINER(sys_slist_peek_tail(list), container, field)

#define SYS_SLIST_PEEK_NEXT_CONTAINER(container, field) \
	((container) != NULL ? SYS_SLIST_CONTAINER(sys_slist_peek_next(&((container)->field)), container, field) : NULL)

#define SYS_SLIST_FOR_EACH_CONTAINER(list, container, field)                          \
	for (container = SYS_SLIST_PEEK_HEAD_CONTAINER(list, container, field);        \
	     container != NULL; container = SYS_SLIST_PEEK_NEXT_CONTAINER(container, field))

#define SYS_SLIST_FOR_EACH_CONTAINER_SAFE(list, container, next_container, field)     \
	for (container = SYS_SLIST_PEEK_HEAD_CONTAINER(list, container, field),         \
	     next_container = SYS_SLIST_PEEK_NEXT_CONTAINER(container, field);           \
	     container != NULL; container = next_container,                             \
	     next_container = SYS_SLIST_PEEK_NEXT_CONTAINER(container, field))

#endif
