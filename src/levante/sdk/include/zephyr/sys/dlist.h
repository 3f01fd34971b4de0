/* Doubly linked lists (Zephyr's sys/dlist.h): circular, nodes embedded in the caller's
 * structures, all operations inline and O(1) except those that walk the list.
 *
 * The list is itself a node whose next is the head and whose prev is the tail; an empty
 * list points at itself, so insertion and removal never test for the ends.  A node not
 * in any list has NULL links (sys_dnode_init, and sys_dlist_remove leaves it so). */
#ifndef ZEPHYR_SYS_DLIST_H
#define ZEPHYR_SYS_DLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <zephyr/sys/util.h>

struct _dnode {
	union {
		struct _dnode *head; /* as a list: the first node */
		struct _dnode *next; /* as a node: the one after it */
	};
	union {
		struct _dnode *tail; /* as a list: the last node */
		struct _dnode *prev; /* as a node: the one before it */
	};
};
typedef struct _dnode sys_dlist_t;
typedef struct _dnode sys_dnode_t;

#define SYS_DLIST_STATIC_INIT(ptr_to_list) { { (ptr_to_list) }, { (ptr_to_list) } }

static inline void sys_dlist_init(sys_dlist_t *list)
{
	list->head = list;
	list->tail = list;
}

static inline void sys_dnode_init(sys_dnode_t *node)
{
	node->next = NULL;
	node->prev = NULL;
}

static inline bool sys_dnode_is_linked(const sys_dnode_t *node)
{
	return node->next != NULL;
}

static inline bool sys_dlist_is_head(sys_dlist_t *list, sys_dnode_t *node)
{
	return list->head == node;
}

static inline bool sys_dlist_is_tail(sys_dlist_t *list, sys_dnode_t *node)
{
	return list->tail == node;
}

static inline bool sys_dlist_is_empty(sys_dlist_t *list)
{
	return list->head == list;
}

static inline bool sys_dlist_has_multiple_nodes(sys_dlist_t *list)
{
	return list->head != list->tail;
}

static inline sys_dnode_t *sys_dlist_peek_head_not_empty(sys_dlist_t *list)
{
	return list->head;
}

static inline sys_dnode_t *sys_dlist_peek_head(sys_dlist_t *list)
{
	return sys_dlist_is_empty(list) ? NULL : list->head;
}

static inline sys_dnode_t *sys_dlist_peek_tail(sys_dlist_t *list)
{
	return sys_dlist_is_empty(list) ? NULL : list->tail;
}

/* The node after `node`, NULL after the tail; `node` must be in `list`. */
static inline sys_dnode_t *sys_dlist_peek_next_no_check(sys_dlist_t *list, sys_dnode_t *node)
{
	return node == list->tail ? NULL : node->next;
}

static inline sys_dnode_t *sys_dlist_peek_next(sys_dlist_t *list, sys_dnode_t *node)
{
	return node != NULL ? sys_dlist_peek_next_no_check(list, node) : NULL;
}

static inline sys_dnode_t *sys_dlist_peek_prev_no_check(sys_dlist_t *list, sys_dnode_t *node)
{
	return node == list->head ? NULL : node->prev;
}

static inline sys_dnode_t *sys_dlist_peek_prev(sys_dlist_t *list, sys_dnode_t *node)
{
	return node != NULL ? sys_dlist_peek_prev_no_check(list, node) : NULL;
}

static inline void sys_dlist_append(sys_dlist_t *list, sys_dnode_t *node)
{
	sys_dnode_t *last = list->tail;

	node->next = list;
	node->prev = last;
	last->next = node;
	list->tail = node;
}

static inline void sys_dlist_prepend(sys_dlist_t *list, sys_dnode_t *node)
{
	sys_dnode_t *first = list->head;

	node->next = first;
	node->prev = list;
	first->prev = node;
	list->head = node;
}

/* Puts `node` just before `successor`, which is in a list. */
static inline void sys_dlist_insert(sys_dnode_t *successor, sys_dnode_t *node)
{
	sys_dnode_t *before = successor->prev;

	node->prev = before;
	node->next = successor;
	before->next = node;
	successor->prev = node;
}

/* Puts `node` before the first node for which cond(node, data) is non-zero, or at the
 * end if there is none. */
static inline void sys_dlist_insert_at(sys_dlist_t *list, sys_dnode_t *node,
				       int (*cond)(sys_dnode_t *node, void *data), void *data)
{
	sys_dnode_t *position = sys_dlist_peek_head(list);

	while (position != NULL && cond(position, data) == 0) {
		position = sys_dlist_peek_next(list, position);
	}
	if (position == NULL) {
		sys_dlist_append(list, node);
	} else {
		sys_dlist_insert(position, node);
	}
}

/* Takes `node` out of whichever list holds it; the list is found through the links. */
static inline void sys_dlist_remove(sys_dnode_t *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	sys_dnode_init(node);
}

static inline sys_dnode_t *sys_dlist_get(sys_dlist_t *list)
{
	sys_dnode_t *node = sys_dlist_peek_head(list);

	if (node != NULL) {
		sys_dlist_remove(node);
	}
	return node;
}

static inline size_t sys_dlist_len(sys_dlist_t *list)
{
	size_t length = 0;

	for (sys_dnode_t *node = list->head; node != list; node = node->next) {
		length++;
	}
	return length;
}

#define SYS_DLIST_FOR_EACH_NODE(list, node) \
	for (node = sys_dlist_peek_head(list); node != NULL; node = sys_dlist_peek_next(list, node))

/* Continues after `node`, or starts at the head when `node` is NULL. */
#define SYS_DLIST_ITERATE_FROM_NODE(list, node)                                            \
	for (node = (node) != NULL ? sys_dlist_peek_next(list, node) : sys_dlist_peek_head(list); \
	     node != NULL; node = sys_dlist_peek_next(list, node))

/* `node` may be removed in the body: the next one was read before. */
#define SYS_DLIST_FOR_EACH_NODE_SAFE(list, node, next_node)                              \
	for (node = sys_dlist_peek_head(list), next_node = sys_dlist_peek_next(list, node); \
	     node != NULL; node = next_node, next_node = sys_dlist_peek_next(list, node))

#define SYS_DLIST_CONTAINER(node, container, field) \
	((node) != NULL ? CONTAINER_OF(node, __typeof__(*(container)), field) : NULL)

#define SYS_DLIST_PEEK_HEAD_CONTAINER(list, container, field) \
	SYS_DLIST_CONTAINER(sys_dlist_peek_head(list), container, field)

#define SYS_DLIST_PEEK_NEXT_CONTAINER(list, container, field)                         \
	((container) != NULL ?                                                       \
	 SYS_DLIST_CONTAINER(sys_dlist_peek_next(list, &((container)->field)), container, field) \
	 : NULL)

#define SYS_DLIST_FOR_EACH_CONTAINER(list, container, field)                         \
	for (container = SYS_DLIST_PEEK_HEAD_CONTAINER(list, container, field);       \
	     container != NULL;                                                       \
	     container = SYS_DLIST_PEEK_NEXT_CONTAINER(list, container, field))

#define SYS_DLIST_FOR_EACH_CONTAINER_SAFE(list, container, next_container, field)    \
	for (container = SYS_DLIST_PEEK_HEAD_CONTAINER(list, container, field),        \
	     next_container = SYS_DLIST_PEEK_NEXT_CONTAINER(list, container, field);    \
	     container != NULL; container = next_container,                            \
	     next_container = SYS_DLIST_PEEK_NEXT_CONTAINER(list, container, field))

#endif
