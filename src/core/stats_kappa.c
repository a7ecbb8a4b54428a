/* Cohen's (weighted) kappa for two raters with the Fleiss-Cohen-Everitt standard errors. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "core/stats_int.h"
#include "util/xalloc.h"
#include "util/banned.h"

double stats_normal_two_sided_p(double z)
{
	if (isnan(z))
		return NAN;
	return 2 * gsl_cdf_ugaussian_Q(fabs(z));
}

void stats_kappa_weights(enum stats_weights kind, size_t c, double *w)
{
	double span = c > 1 ? (double)(c - 1) : 1;
	size_t i, j;

	for (i = 0; i < c; i++) {
		for (j = 0; j < c; j++) {
			double d = fabs((double)i - (double)j) / span;
			switch (kind) {
			case STATS_WEIGHTS_LINEAR:
				w[i * c + j] = 1 - d;
				break;
			case STATS_WEIGHTS_QUADRATIC:
				w[i * c + j] = 1 - d * d;
				break;
			default:
				w[i * c + j] = i == j;
				break;
			}
		}
	}
}

static double weight(const double *w, size_t c, size_t i, size_t j)
{
	return w ? w[i * c + j] : (double)(i == j);
}

/*
 * Follows Fleiss, Cohen & Everitt (1969, eqs. 13 and 14): the variance for the interval is
 * taken at the observed table, the null variance at the product of the margins.
 */
int stats_kappa_table(const double *table, size_t c, const double *w, struct stats_kappa *out)
{
	double *row = NULL, *col = NULL, *wrow = NULL, *wcol = NULL;
	double n = 0, po = 0, pe = 0, var = 0, var0 = 0, t;
	size_t i, j;

	if (c == 0 || c > STATS_MAX_CATEGORIES)
		return -1;
	for (i = 0; i < c * c; i++) {
		if (!(table[i] >= 0))
			return -1;
		n += table[i];
	}
	if (!(n > 0))
		return -1;
	row = xcalloc(c, sizeof(double));
	col = xcalloc(c, sizeof(double));
	wrow = xcalloc(c, sizeof(double));
	wcol = xcalloc(c, sizeof(double));

	for (i = 0; i < c; i++) {
		for (j = 0; j < c; j++) {
			double p = table[i * c + j] / n;
			row[i] += p;
			col[j] += p;
			po += weight(w, c, i, j) * p;
		}
	}
	for (i = 0; i < c; i++)
		for (j = 0; j < c; j++)
			pe += weight(w, c, i, j) * row[i] * col[j];
	/* The mean weights of row i over B's margin and of column j over A's margin. */
	for (i = 0; i < c; i++) {
		for (j = 0; j < c; j++) {
			wrow[i] += col[j] * weight(w, c, i, j);
			wcol[j] += row[i] * weight(w, c, i, j);
		}
	}
	for (i = 0; i < c; i++) {
		for (j = 0; j < c; j++) {
			double wij = weight(w, c, i, j), p = table[i * c + j] / n;
			t = wij * (1 - pe) - (wrow[i] + wcol[j]) * (1 - po);
			var += p * t * t;
			t = wij - (wrow[i] + wcol[j]);
			var0 += row[i] * col[j] * t * t;
		}
	}
	t = po * pe - 2 * pe + po;
	var = (var - t * t) / (n * pow(1 - pe, 4));
	var0 = (var0 - pe * pe) / (n * (1 - pe) * (1 - pe));

	out->n = n;
	out->p_observed = po;
	out->p_expected = pe;
	/* pe == 1 means both raters used one category throughout: kappa is 0/0. */
	out->kappa = pe < 1 ? (po - pe) / (1 - pe) : NAN;
	/* Perfect agreement has variance 0, which rounding may leave slightly negative. */
	out->se = var > 0 ? sqrt(var) : (var > -1e-15 && pe < 1 ? 0 : NAN);
	out->se0 = var0 > 0 ? sqrt(var0) : NAN;
	out->ci_lower = out->kappa - STATS_Z975 * out->se;
	out->ci_upper = out->kappa + STATS_Z975 * out->se;
	out->z = out->kappa / out->se0;
	out->p = stats_normal_two_sided_p(out->z);
	free(wcol);
	free(wrow);
	free(col);
	free(row);
	return 0;
}

/*
 * Counting straight into doubles is exact (counts stay far below 2^53) and leaves no integer
 * table to convert; the branch on the codes is taken almost never, so it costs little.
 */
int stats_count_pairs(const uint32_t *a, const uint32_t *b, size_t n, size_t c, double *table)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i] < c && b[i] < c)
			table[(size_t)a[i] * c + b[i]] += 1;
		else if ((a[i] >= c && a[i] != STATS_MISSING) ||
		         (b[i] >= c && b[i] != STATS_MISSING))
			return -1;
	}
	return 0;
}

int stats_kappa_pairs(const uint32_t *a, const uint32_t *b, size_t n, size_t c, const double *w,
                      struct stats_kappa *out)
{
	double *table;
	int rc = -1;

	if (c == 0 || c > STATS_MAX_CATEGORIES)
		return -1;
	table = xcalloc(c * c, sizeof(double));
	if (!stats_count_pairs(a, b, n, c, table))
		rc = stats_kappa_table(table, c, w, out);
	free(table);
	return rc;
}
