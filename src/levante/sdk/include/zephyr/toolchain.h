/* Compiler attribute shorthands used by Zephyr code. */
#ifndef ZEPHYR_TOOLCHAIN_H
#define ZEPHYR_TOOLCHAIN_H

#define __aligned(x) __attribute__((__aligned__(x)))
#define __packed __attribute__((__packed__))
#define __used __attribute__((__used__))
#define __unused __attribute__((__unused__))
#define __fallthrough __attribute__((__fallthrough__))
#define __no_optimization __attribute__((__optimize__("-O0")))
#define __maybe_unused __attribute__((__unused__))
#define __fallthrough __attribute__((__fallthrough__))
#define __weak __attribute__((__weak__))
/* A system call's declaration: the generated <zephyr/syscalls/...h> defines it. */
#define __syscall static inline
/* Marks a driver API struct (Zephyr's build scans for it); no effect on the code. */
#define __subsystem
#define __syscall_always_inline static inline __attribute__((always_inline))
#define __noinit __attribute__((__section__(".noinit")))
#define __section(x) __attribute__((__section__(x)))
#define FUNC_NORETURN __attribute__((__noreturn__))
#define ALWAYS_INLINE inline __attribute__((__always_inline__))
#define CODE_UNREACHABLE __builtin_unreachable()
#define ARG_UNUSED(x) (void)(x)
/* Stops the compiler moving memory accesses across it (no CPU barrier). */
#define compiler_barrier() __asm__ __volatile__("" ::: "memory")
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define BUILD_ASSERT(cond, ...) _Static_assert(cond, "" __VA_ARGS__)
#define STRINGIFY(s) Z_STRINGIFY(s)
#define Z_STRINGIFY(x) #x

#endif
