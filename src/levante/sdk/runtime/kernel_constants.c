/* Constants of the kernel's that C code refers to by name (Zephyr's kernel/errno.c). */
#include <errno.h>

/* -EAGAIN, in flash: the value a timed-out wait returns, and read-only to everyone. */
const int _k_neg_eagain = -EAGAIN;
