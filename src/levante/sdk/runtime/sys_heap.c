/* sys_heap: a first-fit heap of 8-byte-aligned chunks in memory the caller gives it.
 *
 * The memory starts with the heap's header (struct z_heap); then chunks, each a header
 * (its size in bytes, header included, with the low bit set while in use) followed by
 * its bytes, up to an end marker of size 0.  Freeing merges a chunk with the free chunks
 * after and before it, so free space never stays split.  An aligned allocation places a
 * free chunk before the block when it needs padding. */
#include <errno.h>
#include <string.h>
#include <zephyr/sys/sys_heap.h>

#define CHUNK_ALIGN 8u
#define HEADER_BYTES 8u /* size word and padding: blocks stay 8-byte aligned */
#define USED 1u
#define MIN_CHUNK (HEADER_BYTES + CHUNK_ALIGN)

struct chunk {
	size_t size_and_used;
	size_t unused;
};

struct z_heap {
	size_t allocated;
	size_t max_allocated;
	size_t total;
	size_t reserved;
};

static size_t chunk_size(const struct chunk *c)
{
	return c->size_and_used & ~(size_t)USED;
}

static bool chunk_used(const struct chunk *c)
{
	return (c->size_and_used & USED) != 0u;
}

static struct chunk *chunk_after(struct chunk *c)
{
	return (struct chunk *)((char *)c + chunk_size(c));
}

static struct chunk *first_chunk(struct z_heap *h)
{
	return (struct chunk *)(h + 1);
}

static void *chunk_mem(struct chunk *c)
{
	return (char *)c + HEADER_BYTES;
}

static size_t round_up(size_t value, size_t align)
{
	return (value + align - 1u) & ~(align - 1u);
}

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	uintptr_t start = round_up((uintptr_t)mem, CHUNK_ALIGN);
	uintptr_t end = ((uintptr_t)mem + bytes) & ~(uintptr_t)(CHUNK_ALIGN - 1u);
	struct z_heap *h = (struct z_heap *)start;

	heap->init_mem = mem;
	heap->init_bytes = bytes;
	heap->heap = NULL;
	if (end < start || end - start < sizeof(*h) + MIN_CHUNK + HEADER_BYTES) {
		return; /* too small for one block: every allocation fails */
	}
	h->allocated = 0;
	h->max_allocated = 0;
	struct chunk *c = first_chunk(h);
	struct chunk *last = (struct chunk *)(end - HEADER_BYTES);

	c->size_and_used = (size_t)((char *)last - (char *)c);
	last->size_and_used = 0; /* the end marker */
	h->total = chunk_size(c) - HEADER_BYTES;
	heap->heap = h;
}

/* Split `c` after `bytes` when the rest can hold a chunk. */
static void split(struct chunk *c, size_t bytes)
{
	size_t size = chunk_size(c);

	if (size >= bytes + MIN_CHUNK) {
		struct chunk *rest = (struct chunk *)((char *)c + bytes);

		rest->size_and_used = size - bytes;
		c->size_and_used = bytes | (c->size_and_used & USED);
	}
}

void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	struct z_heap *h = heap->heap;

	if (h == NULL || bytes == 0u || bytes > h->total || (align & (align - 1u)) != 0u) {
		return NULL;
	}
	align = align < CHUNK_ALIGN ? CHUNK_ALIGN : align;
	size_t need = HEADER_BYTES + round_up(bytes, CHUNK_ALIGN);

	for (struct chunk *c = first_chunk(h); chunk_size(c) != 0u; c = chunk_after(c)) {
		if (chunk_used(c)) {
			continue;
		}
		uintptr_t mem = (uintptr_t)chunk_mem(c);
		size_t pad = round_up(mem, align) - mem;

		/* Padding must be empty or hold a free chunk of its own. */
		while (pad != 0u && pad < MIN_CHUNK) {
			pad += align;
		}
		if (chunk_size(c) < pad + need) {
			continue;
		}
		if (pad != 0u) {
			split(c, pad);
			c = chunk_after(c);
		}
		split(c, need);
		c->size_and_used |= USED;
		h->allocated += chunk_size(c) - HEADER_BYTES;
		if (h->allocated > h->max_allocated) {
			h->max_allocated = h->allocated;
		}
		return chunk_mem(c);
	}
	return NULL;
}

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	return sys_heap_aligned_alloc(heap, CHUNK_ALIGN, bytes);
}

/* The chunk of an allocated block, or NULL when `mem` is not one. */
static struct chunk *find_chunk(struct z_heap *h, void *mem, struct chunk **before)
{
	struct chunk *previous = NULL;

	for (struct chunk *c = first_chunk(h); chunk_size(c) != 0u; c = chunk_after(c)) {
		if (chunk_mem(c) == mem) {
			*before = previous;
			return chunk_used(c) ? c : NULL;
		}
		previous = c;
	}
	return NULL;
}

void sys_heap_free(struct sys_heap *heap, void *mem)
{
	struct chunk *before;
	struct z_heap *h = heap->heap;

	if (mem == NULL || h == NULL) {
		return;
	}
	struct chunk *c = find_chunk(h, mem, &before);

	if (c == NULL) {
		return; /* not a block of this heap (Zephyr asserts): nothing is freed */
	}
	h->allocated -= chunk_size(c) - HEADER_BYTES;
	c->size_and_used &= ~(size_t)USED;
	struct chunk *next = chunk_after(c);

	if (chunk_size(next) != 0u && !chunk_used(next)) {
		c->size_and_used += chunk_size(next);
	}
	if (before != NULL && !chunk_used(before)) {
		before->size_and_used += chunk_size(c);
	}
}

size_t sys_heap_usable_size(struct sys_heap *heap, void *mem)
{
	struct chunk *before;
	struct chunk *c = heap->heap != NULL ? find_chunk(heap->heap, mem, &before) : NULL;

	return c != NULL ? chunk_size(c) - HEADER_BYTES : 0u;
}

void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align, size_t bytes)
{
	if (ptr == NULL) {
		return sys_heap_aligned_alloc(heap, align, bytes);
	}
	if (bytes == 0u) {
		sys_heap_free(heap, ptr);
		return NULL;
	}
	size_t old = sys_heap_usable_size(heap, ptr);

	if (old == 0u) {
		return NULL;
	}
	if (old >= bytes && ((uintptr_t)ptr & ((align ? align : 1u) - 1u)) == 0u) {
		return ptr;
	}
	void *fresh = sys_heap_aligned_alloc(heap, align, bytes);

	if (fresh != NULL) {
		memcpy(fresh, ptr, old < bytes ? old : bytes);
		sys_heap_free(heap, ptr);
	}
	return fresh;
}

void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes)
{
	return sys_heap_aligned_realloc(heap, ptr, 0u, bytes);
}

bool sys_heap_validate(struct sys_heap *heap)
{
	struct z_heap *h = heap->heap;
	size_t used = 0u;
	bool previous_free = false;

	if (h == NULL) {
		return true;
	}
	for (struct chunk *c = first_chunk(h); chunk_size(c) != 0u; c = chunk_after(c)) {
		if (chunk_size(c) < MIN_CHUNK || chunk_size(c) % CHUNK_ALIGN != 0u) {
			return false;
		}
		if (!chunk_used(c) && previous_free) {
			return false; /* two free chunks in a row: a merge was missed */
		}
		previous_free = !chunk_used(c);
		used += chunk_used(c) ? chunk_size(c) - HEADER_BYTES : 0u;
	}
	return used == h->allocated;
}

int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats)
{
	struct z_heap *h = heap->heap;

	if (stats == NULL) {
		return -EINVAL;
	}
	stats->allocated_bytes = h != NULL ? h->allocated : 0u;
	stats->free_bytes = h != NULL ? h->total - h->allocated : 0u;
	stats->max_allocated_bytes = h != NULL ? h->max_allocated : 0u;
	return 0;
}

int sys_heap_runtime_stats_reset_max(struct sys_heap *heap)
{
	if (heap->heap != NULL) {
		heap->heap->max_allocated = heap->heap->allocated;
	}
	return 0;
}
