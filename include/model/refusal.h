/* refusal.h - why the session did not take a command, as data: a reason and the numbers and name it needs, never words. */
#ifndef HEAPVIZ_REFUSAL_H
#define HEAPVIZ_REFUSAL_H

#include <stddef.h>

#include "command.h"
#include "heap.h"

/*
 * The lane checks and the session return a refusal record; the words module
 * (words.h) is the one place that turns it into the sentence users read.
 * Each reason says which fields it fills; the words module's table gives
 * each reason its format.
 */
enum refusal_reason {
	REFUSAL_NONE,
	REFUSAL_OUTSIDE_HEAP,         /* numbers: address, heap size */
	REFUSAL_NO_SUCH_NAME,         /* name */
	REFUSAL_DOUBLE_FREE_ADDRESS,  /* numbers: address */
	REFUSAL_DOUBLE_FREE_NAME,     /* name */
	REFUSAL_NOT_LIVE_NAMED,       /* name; numbers: address */
	REFUSAL_NOT_LIVE_ADDRESS,     /* numbers: address */
	REFUSAL_NAME_TAKEN,           /* name; numbers: the address it names */
	REFUSAL_ZERO_SIZE,
	REFUSAL_REALLOC_ZERO_SIZE,
	REFUSAL_CALLOC_ZERO,
	REFUSAL_CALLOC_OVERFLOW,      /* numbers: count, size */
	REFUSAL_USE_AFTER_FREE,       /* name */
	REFUSAL_NULL_TARGET,          /* name */
	REFUSAL_WRITE_TOO_LONG,       /* numbers: bytes, payload size, payload address */
	REFUSAL_BAD_CONFIG,           /* config: the heap the command would make */
	REFUSAL_NOT_HEAP_COMMAND,     /* command */
	REFUSAL_NOTHING_TO_UNDO,
	REFUSAL_NOTHING_TO_REDO,      /* numbers: the current (last) step */
	REFUSAL_NO_SUCH_STEP,         /* numbers: the step asked for, the last step */
	REFUSAL_HOST_MEMORY,          /* the host ran out of memory part-way through a step */
	REFUSAL_HISTORY_MEMORY,       /* ... while recording it */
	REFUSAL_NOTE_MEMORY,          /* ... while attaching a note */
	REFUSAL_OTHER_MEMORY,         /* ... anywhere else */
	REFUSAL_EXPORT_FORMAT,
	REFUSAL_COUNT
};

#define REFUSAL_NUMBERS 3

struct refusal {
	enum refusal_reason reason;
	size_t column;                    /* 1-based; 0 when it concerns the whole line */
	size_t numbers[REFUSAL_NUMBERS];  /* in the order the reason lists them */
	char name[COMMAND_NAME_MAX + 1];
	struct heap_config config;        /* REFUSAL_BAD_CONFIG */
	enum command_kind command;        /* REFUSAL_NOT_HEAP_COMMAND */
	unsigned lanes;                   /* bit i: lane i refused (set by the session; every lane when all refused) */
};

#endif
