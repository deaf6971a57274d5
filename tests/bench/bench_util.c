/* bench_util.c - what every part of `make bench` shares: clocks, medians, a seeded generator, the summary lines. */
#include "bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool bench_quick;

double bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bench_median(double *samples, size_t count)
{
	qsort(samples, count, sizeof *samples, compare_doubles);
	return samples[count / 2];
}

/* On a shared machine interference only ever adds time: the minimum is the steadiest estimate. */
double bench_fastest(const double *samples, size_t count)
{
	double best = samples[0];
	for (size_t i = 1; i < count; i++)
		best = samples[i] < best ? samples[i] : best;
	return best;
}

uint64_t bench_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

void bench_die(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "bench: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	exit(1);
}

void *bench_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		bench_die("out of memory");
	return p;
}

#define SUMMARY_MAX 96

static struct {
	char name[48];
	double value;
} summaries[SUMMARY_MAX];
static size_t summary_count;

void bench_summary(const char *name, double value)
{
	if (summary_count == SUMMARY_MAX)
		bench_die("more than %d summary figures", SUMMARY_MAX);
	snprintf(summaries[summary_count].name, sizeof summaries[summary_count].name, "%s", name);
	summaries[summary_count++].value = value;
}

void bench_summary_print(void)
{
	printf("\n");
	for (size_t i = 0; i < summary_count; i++) {
		double v = summaries[i].value;
		/* Whole numbers as such, ratios and times with three significant decimals. */
		if (v == (double)(long long)v && v < 1e15 && v > -1e15)
			printf("summary: %s %lld\n", summaries[i].name, (long long)v);
		else
			printf("summary: %s %.3f\n", summaries[i].name, v);
	}
}
