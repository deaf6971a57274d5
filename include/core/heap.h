/* heap.h - the simulated heap: an explicit handle over a byte array with in-band block metadata. */
#ifndef HEAPVIZ_HEAP_H
#define HEAPVIZ_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Addresses handed across this API are offsets into the simulated heap, never
 * host pointers: they print as 0x000..0x3ff, compare and copy freely, and a
 * snapshot of a heap is just a copy of its bytes and registers.
 *
 * Nothing in the core prints, aborts or knows about a screen. Every operation
 * returns a status; after any status other than HEAP_OK the heap is
 * byte-for-byte unchanged (failed_allocs excepted: a refused request is
 * counted, as the statistics promise).
 */

/* One value per row of allocators.def, in its order. */
enum heap_policy {
#define ALLOCATOR(policy, ops) policy,
#include "allocators.def"
#undef ALLOCATOR
	POLICY_COUNT
};

#define HEAP_MIN_SIZE ((size_t)64)
#define HEAP_MAX_SIZE ((size_t)1024 * 1024 * 1024)
#define HEAP_DEFAULT_SIZE ((size_t)1024)
#define HEAP_DEFAULT_ALIGNMENT 8u

enum heap_status {
	HEAP_OK = 0,
	HEAP_ERR_ZERO_SIZE,     /* a request for 0 bytes */
	HEAP_ERR_TOO_LARGE,     /* a request larger than the whole heap */
	HEAP_ERR_NO_SPACE,      /* too little free space in total */
	HEAP_ERR_FRAGMENTED,    /* enough free in total, but no single block large enough */
	HEAP_ERR_NOT_ALLOCATED, /* address is not the start of a live allocation */
	HEAP_ERR_DOUBLE_FREE,   /* address is the payload of a block that is already free */
	HEAP_ERR_OUT_OF_BOUNDS, /* a write past the end of a payload */
	HEAP_ERR_OVERFLOW,      /* calloc COUNT x SIZE overflows */
	HEAP_ERR_BAD_CONFIG,    /* size, alignment or policy not allowed */
	HEAP_ERR_HOST_MEMORY    /* the host's malloc failed */
};

/*
 * Free-list order for the fit policies (heap_order.c). ADDRESS is the
 * implicit list walked by address (today's behaviour). LIFO and FIFO keep
 * the free blocks on one explicit doubly linked list, links in their payload
 * bytes, searched in list order; a freed, coalesced or split-off block goes
 * on the front (LIFO, OSTEP's INSERT-FRONT) or the back (FIFO, INSERT-BACK).
 * Best and worst fit use the order only for ties. Buddy, seglist and tlsf
 * take ADDRESS only (they keep their own lists).
 */
enum heap_order { HEAP_ORDER_ADDRESS = 0, HEAP_ORDER_LIFO, HEAP_ORDER_FIFO, HEAP_ORDER_COUNT };

struct heap_config {
	size_t size;           /* HEAP_MIN_SIZE..HEAP_MAX_SIZE; a power of two for buddy */
	enum heap_policy policy;
	unsigned alignment;    /* 4, 8 or 16 */
	enum heap_order order; /* last, so configs written { size, policy, alignment } stay address-ordered */
};

enum block_state { BLOCK_USED, BLOCK_FREE, BLOCK_WILDERNESS };

/* One block as the walker reports it; the only window outside code has onto blocks. */
struct heap_block {
	size_t offset;      /* first byte of the block (its header) */
	size_t size;        /* total bytes, metadata included */
	enum block_state state;
	size_t header_size; /* metadata bytes at the start of the block (0 for wilderness) */
	size_t footer_size; /* metadata bytes at the end of the block (0 if none) */
	size_t payload;     /* used blocks: the address alloc returned */
	size_t requested;   /* used blocks: the bytes asked for; size - header - footer - requested is padding */
};

/* Where an allocation came from, for the explanation sentence. */
enum placement_source {
	SOURCE_FREE_BLOCK, /* carved from a free block below the break (or a buddy block) */
	SOURCE_WILDERNESS, /* the break moved up */
	SOURCE_IN_PLACE,   /* realloc kept the block where it was (shrunk or grown into a neighbour) */
	SOURCE_MOVED       /* realloc allocated elsewhere, copied and freed the old block */
};

/* What heap_alloc/heap_realloc did, or (on failure) what they needed. */
struct heap_placement {
	size_t need;            /* block size the request needs, metadata and padding included */
	size_t payload;         /* address returned */
	size_t block;           /* offset of the block chosen */
	size_t block_size;      /* its size once placed */
	size_t found_size;      /* size of the free block / wilderness / buddy block it was taken from */
	size_t split_rest;      /* bytes split off and left free (0 when not split) */
	unsigned buddy_splits;  /* buddy: how many times a block was halved */
	enum placement_source source;
	enum placement_source moved_from; /* SOURCE_MOVED: where the new block came from (free block or wilderness) */
	size_t old_payload;     /* realloc: the address before */
	size_t copied;          /* realloc: payload bytes copied when moved */
	/*
	 * Segregated fits (seglist, tlsf), for the explanation; 0 otherwise. A
	 * list is (class, sub): seglist's size class c holds free blocks of
	 * 2^c..2^(c+1)-1 B (sub 0); tlsf's list (fl, sl) holds 2^fl + sl * 2^(fl-4)
	 * up to the next list's size. No list has class 0 (blocks are >= 20 B).
	 */
	size_t rounded;         /* tlsf: need rounded up to the lowest size of its list, so any block there fits */
	unsigned want_class;    /* the list the (rounded) need maps to: where the search starts */
	unsigned want_sub;
	unsigned found_class;   /* SOURCE_FREE_BLOCK: the list the block was taken from */
	unsigned found_sub;
	unsigned rest_class;    /* split_rest > 0: the list the split-off free rest went onto */
	unsigned rest_sub;
};

/* What heap_free did. */
struct heap_release {
	size_t block;           /* offset of the block freed */
	size_t block_size;      /* its size */
	size_t merged_offset;   /* the free block it became part of after coalescing */
	size_t merged_size;
	unsigned merges;        /* neighbours (fit) or buddies (buddy) merged with */
	bool to_wilderness;     /* fit policies: the space went back above the break */
	unsigned list_class;    /* seglist, tlsf: the list the merged free block went onto (see heap_placement) */
	unsigned list_sub;
};

struct heap_stats {
	size_t heap_size;
	size_t brk;              /* fit policies: the break; buddy: heap_size */
	size_t used_blocks;
	size_t free_blocks;      /* free blocks below the break; the wilderness is not counted */
	size_t requested_bytes;
	size_t used_bytes;       /* sizes of used blocks, metadata included */
	size_t overhead_bytes;   /* used_bytes - requested_bytes */
	size_t free_bytes;       /* free blocks + wilderness */
	size_t wilderness_bytes;
	size_t largest_free;     /* largest free block or the wilderness */
	size_t failed_allocs;
	double external_fragmentation; /* 1 - largest_free / free_bytes, 0 when nothing is free */
	double utilization;      /* requested_bytes / heap_size */
	double peak_utilization; /* highest utilization seen since the heap was created */
};

struct heap_problem {
	size_t offset;           /* where in the heap the problem was seen */
	char message[128];
};

struct heap;

/* Create a heap; on HEAP_OK *out owns a new heap, otherwise *out is untouched. */
enum heap_status heap_create(const struct heap_config *config, struct heap **out);
void heap_destroy(struct heap *heap);
/*
 * Copies share storage: the bytes (and the derived index) are held in 4 KiB
 * pages shared copy-on-write. heap_clone costs O(1) beyond copying the
 * pages heap changed since it was last cloned or copied from; a clone gets
 * its own working copy (heap-size bytes) only when it is first used (an
 * operation, a walk, heap_bytes), so a checkpoint that is only restored
 * from costs memory in proportion to the pages that changed.
 */
/* An independent copy (bytes and registers); NULL when the host is out of memory. */
struct heap *heap_clone(const struct heap *heap);
/* Make dst an exact copy of src; copies only the pages that differ (shared pages are skipped). All or nothing. */
enum heap_status heap_copy_into(struct heap *dst, const struct heap *src);
/* True when both heaps have identical bytes and registers; shared pages are not compared. */
bool heap_equal(const struct heap *a, const struct heap *b);
/* Host bytes destroying this heap would give back: its struct, working copies and the pages no other heap shares. */
size_t heap_unshared_bytes(const struct heap *heap);
/*
 * Host bytes heap holds that base does not share with it: what keeping heap
 * costs on top of base (a checkpoint's cost over the previous checkpoint).
 * In proportion to the pages that differ, not to the heap size.
 */
size_t heap_bytes_not_shared_with(const struct heap *heap, const struct heap *base);
/*
 * Bytes in the pages heap changed since it was last cloned or copied from
 * (a multiple of 4 KiB, an upper bound): what the next checkpoint of it
 * would cost at most, so a session can place checkpoints by work done.
 */
size_t heap_changed_bytes(const struct heap *heap);
/*
 * Bytes the core wrote into heap (headers, footers, writes, fills, copies)
 * over every operation since it was created, carried by clones and copies:
 * what replaying those operations costs, unlike heap_changed_bytes, which
 * counts a page once however often it is rewritten.
 */
size_t heap_work_bytes(const struct heap *heap);
/* As heap_equal, but ignoring failed_allocs: all that a refused request may change. */
bool heap_equal_except_failures(const struct heap *a, const struct heap *b);

/* Allocate size bytes; *placement (may be NULL) says where, or what was needed. */
enum heap_status heap_alloc(struct heap *heap, size_t size, struct heap_placement *placement);
/* Allocate count x size zero-filled bytes. */
enum heap_status heap_calloc(struct heap *heap, size_t count, size_t size, struct heap_placement *placement);
/* Free the allocation whose payload starts at address. */
enum heap_status heap_free(struct heap *heap, size_t address, struct heap_release *release);
/* Resize; on failure the old block is untouched, as in C. */
enum heap_status heap_realloc(struct heap *heap, size_t address, size_t size, struct heap_placement *placement);
/* Copy len bytes into a payload at offset; never past its requested size. */
enum heap_status heap_write(struct heap *heap, size_t address, size_t offset, const void *data, size_t len);
/* Set every requested byte of a payload to value. */
enum heap_status heap_fill(struct heap *heap, size_t address, uint8_t value);

/* Visit every block in address order (the wilderness last); the visitor returns false to stop. */
typedef bool (*heap_visitor)(const struct heap_block *block, void *context);
void heap_walk(const struct heap *heap, heap_visitor visit, void *context);
/* The block containing address; false when address is outside the heap. */
bool heap_block_at(const struct heap *heap, size_t address, struct heap_block *block);
/* The live allocation whose payload starts at address; false if there is none. */
bool heap_find_allocation(const struct heap *heap, size_t address, struct heap_block *block);

/* Check every invariant; writes up to max problems and returns how many were found. */
size_t heap_check(const struct heap *heap, struct heap_problem *problems, size_t max);
void heap_get_stats(const struct heap *heap, struct heap_stats *stats);

/* The bytes as one array, valid until the heap's next change of size or destruction; NULL only on host OOM making a clone's working copy. */
const uint8_t *heap_bytes(const struct heap *heap);
/* Tests only: writable bytes, so a test can corrupt a heap and see heap_check notice (write before the next clone or copy). */
uint8_t *heap_bytes_for_testing(struct heap *heap);
size_t heap_size(const struct heap *heap);
size_t heap_break(const struct heap *heap);
enum heap_policy heap_policy(const struct heap *heap);
enum heap_order heap_order(const struct heap *heap);
/* True for the policies a free-list order applies to (first, next, best, worst fit). */
bool heap_policy_has_order(enum heap_policy policy);
/* "address", "lifo", "fifo"; NULL for no such order. */
const char *heap_order_name(enum heap_order order);
/* The order whose name is word (case-insensitive, whole word); false when none is. */
bool heap_order_find(const char *word, enum heap_order *order);
unsigned heap_alignment(const struct heap *heap);
/* Fit policies: bytes of metadata before each payload; buddy: the same. */
size_t heap_header_size(const struct heap *heap);
/* Where the next search starts (next fit's rover); allocators without one: 0. */
size_t heap_rover(const struct heap *heap);

/* Names: "first", "first fit", the status sentence. */
const char *heap_policy_name(enum heap_policy policy);
const char *heap_policy_title(enum heap_policy policy);
bool heap_policy_parse(const char *word, enum heap_policy *policy);
const char *heap_status_message(enum heap_status status);
/* Why a config is not allowed, or NULL when it is. */
const char *heap_config_problem(const struct heap_config *config);

#endif
