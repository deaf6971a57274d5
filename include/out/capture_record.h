/* capture_record.h - the raw log the preload library writes and heapviz --capture reads back. */
#ifndef HEAPVIZ_CAPTURE_RECORD_H
#define HEAPVIZ_CAPTURE_RECORD_H

#include <stdint.h>

/*
 * The log is a file mapped shared by the traced process: a header page,
 * then fixed records. A record is written first, then `count` is raised
 * (under the library's lock), so the kernel keeps every complete record
 * even when the process is killed (SIGKILL included) or execs: the count
 * is the authority, a half-written record past it is never read.
 */
#define CAPTURE_MAGIC   UINT64_C(0x3170616376706168)  /* "hapvcap1" */
#define CAPTURE_HEADER  4096u

enum capture_op {
	CAPTURE_IMAGE = 'x',   /* a new program image starts recording (first run or an exec): its pointers are new */
	CAPTURE_MALLOC = 'm',  /* size -> ptr (malloc, valloc, pvalloc) */
	CAPTURE_CALLOC = 'c',  /* size = nmemb * size (0 when it overflowed) -> ptr */
	CAPTURE_REALLOC = 'r', /* old, size -> ptr (realloc, reallocarray) */
	CAPTURE_FREE = 'f',    /* old (NULL included) */
	CAPTURE_ALIGNED = 'a', /* align in old, size -> ptr (posix_memalign, aligned_alloc, memalign) */
};

struct capture_header {
	uint64_t magic;
	uint64_t count;        /* complete records */
	uint64_t stopped;      /* nonzero: the library stopped recording (the log could not grow, or its descriptor was taken) */
};

struct capture_rec {
	uint32_t op;
	uint32_t tid;          /* the calling thread's id, for the reader's curiosity only */
	uint64_t ptr;          /* the result (0: the call failed) */
	uint64_t size;
	uint64_t old;          /* realloc's and free's pointer, or the alignment */
};

#endif
