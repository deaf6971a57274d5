/* calls.c - a program whose allocator calls are known exactly, for tests/e2e/capture.sh (built as build/tests/capture_calls). */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Between the markers malloc(1000001) and malloc(1000002) (each freed at
 * once), `calls` makes exactly the sequence tests/e2e/capture.sh expects:
 * every interposed function once, the calls the trace does not write
 * (free(NULL), a calloc that overflows, a failed realloc), then two threads
 * of 100 malloc/free pairs each (sizes 3000+i and 4000+i), and a fork whose
 * child allocates (sizes 5000+) without being traced. `kill` allocates and
 * is killed by SIGKILL; `exec` allocates, execs itself as `after`, which
 * allocates 6000 once and frees it.
 */

static void marker(size_t size)
{
	free(malloc(size));
}

static void *worker(void *arg)
{
	size_t base = (size_t)(uintptr_t)arg, i;

	for (i = 0; i < 100; i++) {
		char *p = malloc(base + i);
		if (p != NULL)
			p[0] = 1;
		free(p);
	}
	return NULL;
}

static int calls(void)
{
	void *a, *b, *c, *d, *e, *f, *g, *h, *k, *big;
	pthread_t one, two;
	pid_t child;
	int status;
	volatile size_t huge = SIZE_MAX / 2;

	marker(1000001);
	a = malloc(10);                      /* a 0 10 */
	b = calloc(3, 4);                    /* a 1 12 */
	a = realloc(a, 100);                 /* r 0 100 */
	c = realloc(NULL, 7);                /* a 2 7 */
	free(NULL);                          /* not written */
	big = calloc(huge, 4);               /* overflow: NULL, not written */
	if (big != NULL)
		return 1;
	d = reallocarray(NULL, 5, 6);        /* a 3 30 */
	if (posix_memalign(&e, 64, 40) != 0) /* a 4 40 */
		return 1;
	f = aligned_alloc(32, 64);           /* a 5 64 */
	g = memalign(128, 50);               /* a 6 50 */
	h = valloc(20);                      /* a 7 20 */
	k = pvalloc(30);                     /* a 8 30 */
	free(b);                             /* f 1 */
	c = realloc(c, 0);                   /* glibc frees: f 2 */
	free(a);                             /* f 0 */
	free(d);                             /* f 3 */
	free(e);                             /* f 4 */
	free(f);                             /* f 5 */
	free(g);                             /* f 6 */
	free(h);                             /* f 7 */
	free(k);                             /* f 8 */
	pthread_create(&one, NULL, worker, (void *)(uintptr_t)3000);
	pthread_create(&two, NULL, worker, (void *)(uintptr_t)4000);
	pthread_join(one, NULL);
	pthread_join(two, NULL);
	child = fork();
	if (child == 0) {
		worker((void *)(uintptr_t)5000);
		_exit(0);
	}
	waitpid(child, &status, 0);
	marker(1000002);
	(void)c;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "calls";

	if (strcmp(mode, "calls") == 0)
		return calls();
	if (strcmp(mode, "kill") == 0) {
		marker(1000001);
		(void)malloc(111);
		(void)malloc(222);
		raise(SIGKILL);
		return 1;
	}
	if (strcmp(mode, "exec") == 0) {
		marker(1000001);
		(void)malloc(333);   /* never freed: the exec ends it */
		execl("/proc/self/exe", argv[0], "after", (char *)NULL);
		return 1;
	}
	if (strcmp(mode, "after") == 0) {
		free(malloc(6000));
		return 3;            /* an exit status --capture must pass on */
	}
	if (strcmp(mode, "leak") == 0) {
		int i;
		for (i = 0; i < 1000; i++)
			(void)malloc((size_t)i + 1);   /* a program that never frees */
		puts("leaked");
		return 0;
	}
	if (strcmp(mode, "closefds") == 0) {
		/* Close every descriptor but the standard three, open a file of its own (it gets the
		 * capture's old number), and make enough calls that the library must grow its log. */
		FILE *own;
		int fd, i;
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		own = fopen("own.txt", "w");
		if (own == NULL)
			return 1;
		for (i = 0; i < 300000; i++)
			free(malloc(16));
		fputs("mine\n", own);
		return fclose(own) == 0 ? 0 : 1;
	}
	if (strcmp(mode, "leak-then-sleep") == 0) {
		(void)malloc(444);
		puts("slept");
		fflush(stdout);
		sleep(10);   /* until a ^C */
		return 0;
	}
	fprintf(stderr, "usage: %s calls|kill|exec|leak|leak-then-sleep\n", argv[0]);
	return 2;
}
