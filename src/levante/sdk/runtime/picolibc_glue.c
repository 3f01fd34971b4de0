/* What picolibc needs from the system (CONFIG_PICOLIBC and CONFIG_MINIMAL_LIBC): its
 * stdio's console stream, sbrk for malloc's arena, the block its thread-local state
 * (errno) lives in, and _exit.
 *
 * With user mode everything a user thread's C library call touches is in the C
 * library's partition, which every thread's default domain has: the stream, the arena,
 * the thread-local block.  Only supervisor code grows the arena (heap_top is kernel
 * memory), so no user thread can point the next allocation elsewhere; a user thread's
 * malloc gets what was freed back, or NULL, as with newlib (libc_glue.c).
 */
#include <zephyr/kernel.h>

#if defined(CONFIG_PICOLIBC) || defined(CONFIG_MINIMAL_LIBC)
#include <stdio.h>
#include <string.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <levante/libc_arena.h>

#ifdef CONFIG_USERSPACE
#define LIBC_DATA K_APP_DMEM(z_libc_partition)
#define LIBC_BSS K_APP_BMEM(z_libc_partition)
#else
#define LIBC_DATA
#define LIBC_BSS
#endif

/* ---- stdio: the console --------------------------------------------------------------- */

static int console_put(char c, FILE *file)
{
	ARG_UNUSED(file);
	k_str_out(&c, 1);
	return (unsigned char)c;
}

static int console_get(FILE *file)
{
	ARG_UNUSED(file);
	return _FDEV_EOF; /* the console's input is the shell's (console_getchar) */
}

static FILE console_stream LIBC_DATA =
	FDEV_SETUP_STREAM(console_put, console_get, NULL, _FDEV_SETUP_RW);

FILE *const stdin = &console_stream;
FILE *const stdout = &console_stream;
FILE *const stderr = &console_stream;

/* ---- malloc's arena ------------------------------------------------------------------- */

#if CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE > 0
static char libc_arena[CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE] __aligned(8) LIBC_BSS;
#define HEAP_START (&libc_arena[0])
#define HEAP_END (&libc_arena[sizeof(libc_arena)])
#elif CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE < 0
/* The RAM after everything else (the build refuses -1 with user mode). */
extern char __heap_start[];
extern char __heap_end[];
#define HEAP_START (&__heap_start[0])
#define HEAP_END (&__heap_end[0])
#else
/* No arena: malloc returns NULL, as with Zephyr's minimal C library's default. */
#define HEAP_START ((char *)0)
#define HEAP_END ((char *)0)
#endif

static char *heap_top = HEAP_START;

void *sbrk(ptrdiff_t increment)
{
	return z_libc_arena_grow(&heap_top, HEAP_END, increment);
}

/* ---- thread-local state --------------------------------------------------------------- */

/* picolibc keeps errno (and a few more) in thread-local storage.  With
 * CONFIG_THREAD_LOCAL_STORAGE each thread has its own block (thread_tls.c).  Without
 * it Levante gives it one block, z_libc_tls, that every thread shares, as newlib's one
 * errno is shared: the linker script sizes it from the template and places it in the C
 * library's partition (zeroed at boot), and computes the thread pointer, z_libc_tp.  The thread pointer is a
 * constant, so reading it touches no memory: a user thread whose domain lacks the C
 * library's partition runs until it uses the C library's state, as in Zephyr. */
#ifndef CONFIG_THREAD_LOCAL_STORAGE
extern char z_libc_tls[];
void _init_tls(void *block);

/* The EABI's helper may change r0 only: no C function can promise that. */
__attribute__((naked)) void *__aeabi_read_tp(void)
{
	__asm__ volatile("ldr r0, =z_libc_tp\n\tbx lr");
}

/* Whether the template's initial values were copied in (kernel memory: supervisor
 * threads only look; the first one to start copies them). */
static bool tls_initialised;

void z_libc_thread_start(void)
{
	if (!k_is_user_context() && !tls_initialised) {
		_init_tls(z_libc_tls);
		tls_initialised = true;
	}
}
#endif

FUNC_NORETURN void _exit(int status)
{
	ARG_UNUSED(status);
	k_thread_abort(k_current_get());
	CODE_UNREACHABLE;
}

#endif /* CONFIG_PICOLIBC || CONFIG_MINIMAL_LIBC */
