/* preload.c - libheapviz-capture.so: LD_PRELOAD'ed by heapviz --capture, records the C allocator's calls into a shared log. */
#define _GNU_SOURCE
#include "capture_record.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Why it is built this way (README, "Capturing a program"):
 * - The log is a file the driver created (HEAPVIZ_CAPTURE_LOG); the library
 *   opens it without O_CREAT, so it never makes a file of its own anywhere.
 * - Only the process whose pid is HEAPVIZ_CAPTURE_PID records: a forked child
 *   stops at the fork (pthread_atfork) and an exec'd grandchild never starts,
 *   so a child cannot corrupt its parent's log. An exec in the traced process
 *   itself keeps recording, after an IMAGE record.
 * - Records go straight into a shared mapping: nothing is buffered in the
 *   process, so exit, _exit, exec, SIGKILL lose nothing complete.
 * - One lock around the real call and its record: the log is one order in
 *   which every pointer is returned before it is freed, across threads.
 * - A thread-local flag passes calls made while the thread is already inside
 *   the hook (a signal handler that allocates) straight through, unrecorded,
 *   instead of deadlocking on the lock.
 * - dlsym may allocate (dlerror's buffer): while the real functions are being
 *   looked up, allocations come from a static arena, and frees into it are
 *   ignored.
 */

#define WINDOW_BYTES (8u << 20)
#define WINDOW_RECS (WINDOW_BYTES / sizeof(struct capture_rec))

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int active;                   /* this process records (under lock) */
static int log_fd = -1;
static dev_t log_dev;                /* the log's identity: a program that closes our descriptor and */
static ino_t log_ino;                /* opens a file of its own under the number must not be grown */
static struct capture_header *header;
static struct capture_rec *window;
static uint64_t window_first, count;
static __thread int in_hook __attribute__((tls_model("initial-exec")));
static __thread uint32_t thread_id __attribute__((tls_model("initial-exec")));

/* --- bootstrap arena ---------------------------------------------------- */
static _Alignas(16) unsigned char arena[1 << 16];
static size_t arena_used;
static int resolving, resolved;

static int in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static void *arena_alloc(size_t size)
{
	size_t need = ((size + 15) & ~(size_t)15) + 16;
	unsigned char *p;

	if (size > sizeof arena || need > sizeof arena - arena_used)
		return NULL;
	p = arena + arena_used;
	arena_used += need;
	memcpy(p, &size, sizeof size);
	return p + 16;
}

static size_t arena_size(const void *p)
{
	size_t size;

	memcpy(&size, (const unsigned char *)p - 16, sizeof size);
	return size;
}

/* dlsym's void * into a function pointer without the cast ISO C forbids. */
static void lookup(void *slot, const char *name)
{
	void *symbol = dlsym(RTLD_NEXT, name);

	memcpy(slot, &symbol, sizeof symbol);
}

static void resolve(void)
{
	resolving = 1;
	lookup(&real_malloc, "malloc");
	lookup(&real_calloc, "calloc");
	lookup(&real_realloc, "realloc");
	lookup(&real_free, "free");
	lookup(&real_posix_memalign, "posix_memalign");
	lookup(&real_aligned_alloc, "aligned_alloc");
	lookup(&real_memalign, "memalign");
	lookup(&real_valloc, "valloc");
	lookup(&real_pvalloc, "pvalloc");
	/* Only now: a call during the lookups must not reach a real function not yet found. */
	resolved = real_malloc && real_calloc && real_realloc && real_free && real_posix_memalign &&
		   real_aligned_alloc && real_memalign && real_valloc && real_pvalloc;
	resolving = 0;
}

#define READY() (resolved || (!resolving && (resolve(), resolved)))

/* --- the log ------------------------------------------------------------- */

/* Map the window holding record `count`, growing the file to cover it. */
static int map_window(void)
{
	struct stat st;
	uint64_t first = count - count % WINDOW_RECS;
	off_t offset = (off_t)(CAPTURE_HEADER + first * sizeof(struct capture_rec));
	void *map;

	if (window != NULL)
		munmap(window, WINDOW_BYTES);
	window = NULL;
	if (fstat(log_fd, &st) != 0 || st.st_dev != log_dev || st.st_ino != log_ino)
		return 0;
	if (st.st_size < offset + (off_t)WINDOW_BYTES && ftruncate(log_fd, offset + (off_t)WINDOW_BYTES) != 0)
		return 0;
	map = mmap(NULL, WINDOW_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, log_fd, offset);
	if (map == MAP_FAILED)
		return 0;
	window = map;
	window_first = first;
	return 1;
}

/* Called with the lock held. */
static void record(uint32_t op, const void *ptr, uint64_t size, uint64_t old)
{
	struct capture_rec *r;

	if (!active)
		return;
	if (window == NULL || count - window_first >= WINDOW_RECS) {
		if (!map_window()) {
			active = 0;   /* the disk is full or the log is gone: stop, keep what is there */
			header->stopped = 1;
			return;
		}
	}
	if (thread_id == 0)
		thread_id = (uint32_t)syscall(SYS_gettid);
	r = &window[count - window_first];
	r->op = op;
	r->tid = thread_id;
	r->ptr = (uint64_t)(uintptr_t)ptr;
	r->size = size;
	r->old = old;
	count++;
	__atomic_store_n(&header->count, count, __ATOMIC_RELEASE);
}

static void atfork_prepare(void) { pthread_mutex_lock(&lock); }
static void atfork_parent(void) { pthread_mutex_unlock(&lock); }
static void atfork_child(void)
{
	/* The child shares the parent's file: it must not write a record more. */
	active = 0;
	pthread_mutex_unlock(&lock);
}

__attribute__((constructor(101))) static void capture_start(void)
{
	const char *path = getenv("HEAPVIZ_CAPTURE_LOG"), *pid = getenv("HEAPVIZ_CAPTURE_PID");
	struct stat st;
	void *map;

	if (!READY() || path == NULL || pid == NULL || strtol(pid, NULL, 10) != (long)getpid())
		return;

	log_fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (log_fd < 0)
		return;
	if (fstat(log_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(log_fd);
		return;
	}
	log_dev = st.st_dev;
	log_ino = st.st_ino;
	map = mmap(NULL, CAPTURE_HEADER, PROT_READ | PROT_WRITE, MAP_SHARED, log_fd, 0);
	if (map == MAP_FAILED) {
		close(log_fd);
		return;
	}
	header = map;
	if (header->magic != CAPTURE_MAGIC)
		return;
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	pthread_mutex_lock(&lock);
	count = __atomic_load_n(&header->count, __ATOMIC_ACQUIRE);   /* nonzero after an exec */
	active = 1;
	record(CAPTURE_IMAGE, NULL, 0, 0);
	pthread_mutex_unlock(&lock);
}

/* --- the interposed functions -------------------------------------------- */

#define ENTER() (in_hook == 0 && active ? (in_hook = 1, pthread_mutex_lock(&lock), 1) : 0)
#define LEAVE() (pthread_mutex_unlock(&lock), in_hook = 0)

void *malloc(size_t size)
{
	void *p;

	if (!READY())
		return arena_alloc(size);
	if (!ENTER())
		return real_malloc(size);
	p = real_malloc(size);
	record(CAPTURE_MALLOC, p, size, 0);
	LEAVE();
	return p;
}

void *calloc(size_t nmemb, size_t size)
{
	void *p;
	size_t total;

	if (!READY()) {
		if (__builtin_mul_overflow(nmemb, size, &total))
			return NULL;
		return arena_alloc(total);   /* static memory is zeroed and never reused */
	}
	if (!ENTER())
		return real_calloc(nmemb, size);
	p = real_calloc(nmemb, size);
	record(CAPTURE_CALLOC, p, __builtin_mul_overflow(nmemb, size, &total) ? 0 : total, 0);
	LEAVE();
	return p;
}

void free(void *p)
{
	if (p != NULL && in_arena(p))
		return;
	if (!READY())
		return;
	if (!ENTER()) {
		real_free(p);
		return;
	}
	record(CAPTURE_FREE, NULL, 0, (uint64_t)(uintptr_t)p);
	real_free(p);
	LEAVE();
}

void *realloc(void *old, size_t size)
{
	void *p;

	if (old != NULL && in_arena(old)) {
		/* From the bootstrap arena: copy out into a real block (a malloc, as far as the log knows). */
		size_t keep = arena_size(old);
		p = malloc(size);
		if (p != NULL)
			memcpy(p, old, keep < size ? keep : size);
		return p;
	}
	if (!READY())
		return arena_alloc(size);
	if (!ENTER())
		return real_realloc(old, size);
	p = real_realloc(old, size);
	record(CAPTURE_REALLOC, p, size, (uint64_t)(uintptr_t)old);
	LEAVE();
	return p;
}

void *reallocarray(void *old, size_t nmemb, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(nmemb, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, total);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	int status;

	if (!READY())
		return ENOMEM;
	if (!ENTER())
		return real_posix_memalign(out, align, size);
	status = real_posix_memalign(out, align, size);
	record(CAPTURE_ALIGNED, status == 0 ? *out : NULL, size, align);
	LEAVE();
	return status;
}

#define ALIGNED_HOOK(name, op, align_of, call)                      \
	void *name(size_t align, size_t size)                       \
	{                                                           \
		void *p;                                            \
		if (!READY())                                       \
			return NULL;                                \
		if (!ENTER())                                       \
			return call;                                \
		p = call;                                           \
		record(op, p, size, align_of);                      \
		LEAVE();                                            \
		return p;                                           \
	}
ALIGNED_HOOK(aligned_alloc, CAPTURE_ALIGNED, align, real_aligned_alloc(align, size))
ALIGNED_HOOK(memalign, CAPTURE_ALIGNED, align, real_memalign(align, size))

void *valloc(size_t size)
{
	void *p;

	if (!READY())
		return NULL;
	if (!ENTER())
		return real_valloc(size);
	p = real_valloc(size);
	record(CAPTURE_ALIGNED, p, size, (uint64_t)sysconf(_SC_PAGESIZE));
	LEAVE();
	return p;
}

void *pvalloc(size_t size)
{
	void *p;

	if (!READY())
		return NULL;
	if (!ENTER())
		return real_pvalloc(size);
	p = real_pvalloc(size);
	record(CAPTURE_ALIGNED, p, size, (uint64_t)sysconf(_SC_PAGESIZE));
	LEAVE();
	return p;
}
