/* Pearson's and Spearman's correlation with a t test and a Fisher-z interval. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "util/xalloc.h"
#include "util/banned.h"

struct ranked {
	double v;
	size_t i;
};

static int by_value(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->v < y->v)
		return -1;
	if (x->v > y->v)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int stats_rank(const double *x, size_t n, double *rank)
{
	struct ranked *s;
	size_t i, j, k;

	for (i = 0; i < n; i++)
		if (isnan(x[i]))
			return -1;
	if (n == 0)
		return 0;
	s = xcalloc(n, sizeof(*s));
	for (i = 0; i < n; i++) {
		s[i].v = x[i];
		s[i].i = i;
	}
	qsort(s, n, sizeof(*s), by_value);
	for (i = 0; i < n; i = j) {
		/* Positions i..j-1 hold equal values: each gets the mean of ranks i+1..j. */
		for (j = i + 1; j < n && s[j].v == s[i].v; j++)
			;
		for (k = i; k < j; k++)
			rank[s[k].i] = (double)(i + 1 + j) / 2;
	}
	free(s);
	return 0;
}

/* r with its test; the interval is left to the caller, which knows the standard error. */
static int pearson_r(const double *x, const double *y, size_t n, struct stats_corr *out)
{
	double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, r;
	size_t i;

	if (n < 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i]))
			return -1;
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	if (!(sxx > 0) || !(syy > 0))
		return -1;
	r = sxy / sqrt(sxx * syy);
	if (r > 1)
		r = 1;
	if (r < -1)
		r = -1;
	out->n = n;
	out->r = r;
	out->df = (double)n - 2;
	if (fabs(r) >= 1) {
		out->t = r > 0 ? INFINITY : -INFINITY;
		out->p = 0;
	} else {
		out->t = r * sqrt(out->df / (1 - r * r));
		out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
	}
	return 0;
}

/* The 95% interval from Fisher's z with standard error se; NAN without one. */
static void fisher_interval(struct stats_corr *c, double se)
{
	double z;

	if (c->n < 4 || !(se > 0)) {
		c->ci_lower = c->ci_upper = NAN;
		return;
	}
	if (fabs(c->r) >= 1) {
		c->ci_lower = c->ci_upper = c->r;
		return;
	}
	z = atanh(c->r);
	c->ci_lower = tanh(z - STATS_Z975 * se);
	c->ci_upper = tanh(z + STATS_Z975 * se);
}

int stats_pearson(const double *x, const double *y, size_t n, struct stats_corr *out)
{
	if (pearson_r(x, y, n, out))
		return -1;
	fisher_interval(out, n > 3 ? 1 / sqrt((double)n - 3) : NAN);
	return 0;
}

int stats_spearman(const double *x, const double *y, size_t n, struct stats_corr *out)
{
	double *rx, *ry;
	int rc = -1;

	if (n < 3)
		return -1;
	rx = xcalloc(n, sizeof(double));
	ry = xcalloc(n, sizeof(double));
	if (!stats_rank(x, n, rx) && !stats_rank(y, n, ry) && !pearson_r(rx, ry, n, out)) {
		fisher_interval(out,
		                n > 3 ? sqrt((1 + out->r * out->r / 2) / ((double)n - 3)) : NAN);
		rc = 0;
	}
	free(rx);
	free(ry);
	return rc;
}
