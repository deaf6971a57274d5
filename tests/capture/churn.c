/* churn.c - an allocation-heavy program for the capture bench (tests/bench/capture.sh): N malloc/free pairs over a ring of live blocks. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, i;
	unsigned seed = 12345;
	void *ring[1024] = { 0 };
	unsigned long sum = 0;

	for (i = 0; i < n; i++) {
		size_t slot, size;
		seed = seed * 1103515245u + 12345u;
		slot = (seed >> 8) % 1024;
		size = 8 + (seed >> 20) % 512;
		free(ring[slot]);
		ring[slot] = malloc(size);
		if (ring[slot] != NULL)
			((char *)ring[slot])[0] = (char)i, sum += size;
	}
	for (i = 0; i < 1024; i++)
		free(ring[i]);
	printf("%lu\n", sum);
	return 0;
}
