/* The types of Zephyr's atomic variables (sys/atomic_types.h): a word and a pointer. */
#ifndef ZEPHYR_SYS_ATOMIC_TYPES_H
#define ZEPHYR_SYS_ATOMIC_TYPES_H

typedef long atomic_t;
typedef atomic_t atomic_val_t;
typedef void *atomic_ptr_t;
typedef atomic_ptr_t atomic_ptr_val_t;

#endif
