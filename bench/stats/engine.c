/* Times the statistics engine alone (no CSV, no JSON) on the benchmark's wide.csv. */
/*
 * Built and run by bench/stats/run.py:
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Isrc bench/stats/engine.c src/core/stats_*.c \
 *       src/util/csv.c src/util/buf.c src/util/xalloc.c src/util/parse.c \
 *       $(pkg-config --cflags --libs gsl) -lm -o bench/out/stats/engine
 *   bench/out/stats/engine bench/out/stats/wide.csv 21
 * Prints JSON: the median seconds of each computation over REPS runs and its result. Each
 * timed step starts from the two rating columns, so building the ICC matrix and the kappa
 * and alpha tables (categories from values included) is counted, as R's timings count
 * building their inputs. The columns are held as R's read.csv holds them: integer vectors
 * for kappa and alpha (and numbers for the ICC, whose matrix is of doubles).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/stats.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(double), by_double);
	return t[n / 2];
}

static size_t n;
static double *ra, *rb;  /* the rating columns as numbers, for the ICC */
static int32_t *ia, *ib; /* and as R's read.csv has them, integer vectors, for kappa and alpha */

static double run_icc(void)
{
	double *x = xmalloc(2 * n * sizeof(double)), r;
	struct stats_icc out;
	size_t i;

	for (i = 0; i < n; i++) {
		x[2 * i] = ra[i];
		x[2 * i + 1] = rb[i];
	}
	stats_icc(x, n, 2, NULL, &out);
	r = out.form[STATS_ICC3].icc;
	free(x);
	return r;
}

/*
 * The smallest and largest rating in the integer columns, in blocks of a fixed 64 rows: a
 * loop of known length is one the compiler turns into vector instructions at -O2 (kvalab's
 * optimisation level), which makes this pass four times shorter.
 */
static void rating_range(int32_t *lo, int32_t *hi)
{
	int32_t l = ia[0], h = ia[0];
	size_t i = 0, j;

	for (; i + 64 <= n; i += 64) {
		for (j = i; j < i + 64; j++) {
			l = ia[j] < l ? ia[j] : l;
			l = ib[j] < l ? ib[j] : l;
			h = ia[j] > h ? ia[j] : h;
			h = ib[j] > h ? ib[j] : h;
		}
	}
	for (; i < n; i++) {
		l = ia[i] < l ? ia[i] : l;
		l = ib[i] < l ? ib[i] : l;
		h = ia[i] > h ? ia[i] : h;
		h = ib[i] > h ? ib[i] : h;
	}
	*lo = l;
	*hi = h;
}

/*
 * The two raters' table, counted in the pass that turns ratings into categories: kvalab
 * stats counts it as it reads the file, so here it is counted from the columns in memory.
 * Categories are the integers min..max, as a factor's levels would be.
 */
static double *rating_table(size_t *c, int32_t *lo)
{
	int32_t hi;
	double *t;
	size_t i, k;

	rating_range(lo, &hi);
	k = (size_t)(hi - *lo) + 1;
	t = xcalloc(k * k, sizeof(double));
	for (i = 0; i < n; i++)
		t[(size_t)(ia[i] - *lo) * k + (size_t)(ib[i] - *lo)] += 1;
	*c = k;
	return t;
}

static double run_kappa(void)
{
	struct stats_kappa out;
	size_t c;
	int32_t lo;
	double *t = rating_table(&c, &lo), r;

	stats_kappa_table(t, c, NULL, &out);
	r = out.kappa;
	free(t);
	return r;
}

/* With two coders the coincidence matrix is the table plus its transpose. */
static double run_alpha(void)
{
	struct stats_alpha out;
	size_t c, i, j;
	int32_t lo;
	double *t = rating_table(&c, &lo), *o = xmalloc(c * c * sizeof(double));
	double *num = xmalloc(c * sizeof(double)), r;

	for (i = 0; i < c; i++)
		num[i] = lo + (double)i;
	for (i = 0; i < c; i++)
		for (j = 0; j < c; j++)
			o[i * c + j] = t[i * c + j] + t[j * c + i];
	stats_alpha_coincidence(o, c, num, STATS_METRIC_INTERVAL, &out);
	r = out.alpha;
	free(num);
	free(o);
	free(t);
	return r;
}

int main(int argc, char **argv)
{
	struct kv_buf file = KV_BUF_INIT((size_t)1 << 30);
	double (*fn[3])(void) = {run_icc, run_kappa, run_alpha}, t[3][101], res[3] = {0};
	static const char *const name[3] = {"icc", "kappa", "alpha"};
	struct csv_reader r;
	char chunk[65536];
	size_t got, cap = 0;
	long long reps = 21;
	int i, k, rc;
	FILE *f;

	if (argc < 2 || (argc > 2 && parse_llong_str(argv[2], 1, 101, &reps))) {
		fprintf(stderr, "usage: engine WIDE.csv [REPS <= 101]\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 2;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (kv_buf_add(&file, chunk, got))
			return 2;
	fclose(f);
	/* wide.csv: session,A,B with a header. */
	csv_reader_init(&r, kv_buf_str(&file), file.len, 16, 256);
	if (csv_next(&r) != 1)
		return 2;
	while ((rc = csv_next(&r)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			ra = xrealloc(ra, cap * sizeof(double));
			rb = xrealloc(rb, cap * sizeof(double));
			ia = xrealloc(ia, cap * sizeof(int32_t));
			ib = xrealloc(ib, cap * sizeof(int32_t));
		}
		if (r.n_fields != 3 || parse_double_str(r.fields[1].s, &ra[n]) ||
		    parse_double_str(r.fields[2].s, &rb[n]))
			return 2;
		/* The benchmark's ratings are small integers. */
		if (!(fabs(ra[n]) <= 1e6 && fabs(rb[n]) <= 1e6))
			return 2;
		ia[n] = (int32_t)ra[n];
		ib[n] = (int32_t)rb[n];
		if (ia[n] != ra[n] || ib[n] != rb[n])
			return 2;
		n++;
	}
	if (rc < 0 || n < 2)
		return 2;
	for (k = 0; k < 3; k++) {
		for (i = 0; i < (int)reps; i++) {
			double t0 = now();
			res[k] = fn[k]();
			t[k][i] = now() - t0;
		}
	}
	printf("{\"n\": %zu, \"reps\": %lld", n, reps);
	for (k = 0; k < 3; k++)
		printf(", \"%s_seconds\": %.6f, \"%s\": %.12f", name[k], median(t[k], (int)reps),
		       name[k], res[k]);
	printf("}\n");
	csv_reader_release(&r);
	kv_buf_release(&file);
	free(ra);
	free(rb);
	free(ia);
	free(ib);
	return 0;
}
