/* Krippendorff's alpha for any number of coders, missing values and four metrics. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include "core/stats_int.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const stats_metric_name[STATS_METRIC__MAX] = {
    [STATS_METRIC_NOMINAL] = "nominal",
    [STATS_METRIC_ORDINAL] = "ordinal",
    [STATS_METRIC_INTERVAL] = "interval",
    [STATS_METRIC_RATIO] = "ratio",
};

struct obs {
	size_t unit, value;
};

struct metric {
	enum stats_metric kind;
	const double *numeric;
	const double *cum; /* cum[v] = n_0 + ... + n_v, for ordinal */
	const double *n_v;
};

static int by_unit(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return 0;
}

static int by_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Sorts a unit's handful of values, so that equal values are adjacent. */
static void sort_values(size_t *v, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(v, n, sizeof(*v), by_size);
		return;
	}
	for (i = 1; i < n; i++) {
		size_t t = v[i];
		for (j = i; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * Puts the observations in unit order: *gu and *gv point either to the caller's arrays,
 * when they are in that order already (the CLI numbers units in first-seen order, so a file
 * grouped by unit is) and nothing is copied, or to a grouped copy that *own holds (2n
 * entries, units then values). Unit ids numbered densely are bucketed in linear time;
 * arbitrary ids fall back to a sort.
 */
static void group_by_unit(const size_t *unit, const size_t *value, size_t n, const size_t **gu,
                          const size_t **gv, size_t **own)
{
	size_t *start, *ou, *ov, i, max = 0, u;
	int sorted = 1;

	*own = NULL;
	*gu = unit;
	*gv = value;
	for (i = 0; i < n; i++) {
		if (unit[i] > max)
			max = unit[i];
		if (i && unit[i] < unit[i - 1])
			sorted = 0;
	}
	if (sorted)
		return;
	*own = xmalloc(2 * n * sizeof(size_t));
	ou = *own;
	ov = *own + n;
	*gu = ou;
	*gv = ov;
	if (max / 4 > n) {
		struct obs *o = xmalloc(n * sizeof(*o));
		for (i = 0; i < n; i++) {
			o[i].unit = unit[i];
			o[i].value = value[i];
		}
		qsort(o, n, sizeof(*o), by_unit);
		for (i = 0; i < n; i++) {
			ou[i] = o[i].unit;
			ov[i] = o[i].value;
		}
		free(o);
		return;
	}
	start = xcalloc(max + 2, sizeof(size_t));
	for (i = 0; i < n; i++)
		start[unit[i] + 1]++;
	for (u = 0; u <= max; u++)
		start[u + 1] += start[u];
	for (i = 0; i < n; i++) {
		size_t d = start[unit[i]]++;
		ou[d] = unit[i];
		ov[d] = value[i];
	}
	free(start);
}

/* The squared difference function delta^2(c, k) of Krippendorff (2011, section D). */
static double delta2(const struct metric *m, size_t c, size_t k)
{
	double d, lo, hi;

	if (c == k)
		return 0;
	switch (m->kind) {
	case STATS_METRIC_ORDINAL:
		if (c > k) {
			size_t t = c;
			c = k;
			k = t;
		}
		/* Sum of n_g for g from c to k, less half of the two ends. */
		d = m->cum[k] - (c ? m->cum[c - 1] : 0) - (m->n_v[c] + m->n_v[k]) / 2;
		return d * d;
	case STATS_METRIC_INTERVAL:
		d = m->numeric[c] - m->numeric[k];
		return d * d;
	case STATS_METRIC_RATIO:
		lo = m->numeric[c];
		hi = m->numeric[k];
		if (lo + hi == 0)
			return 0;
		d = (lo - hi) / (lo + hi);
		return d * d;
	default:
		return 1;
	}
}

/* The arguments every form of alpha checks the same way; value codes are checked by each. */
static int check_scale(size_t n_values, const double *numeric, enum stats_metric kind)
{
	size_t c;

	if (n_values == 0 || n_values > STATS_MAX_VALUES || kind >= STATS_METRIC__MAX)
		return -1;
	if ((kind == STATS_METRIC_INTERVAL || kind == STATS_METRIC_RATIO) && !numeric)
		return -1;
	if (kind == STATS_METRIC_RATIO)
		for (c = 0; c < n_values; c++)
			if (numeric[c] < 0)
				return -1;
	return 0;
}

/* Sets up delta^2 from the pairable values' counts n_v; cum (n_values) is the caller's. */
static void metric_init(struct metric *m, enum stats_metric kind, const double *numeric,
                        const double *n_v, double *cum, size_t n_values)
{
	size_t c;

	for (c = 0; c < n_values; c++)
		cum[c] = n_v[c] + (c ? cum[c - 1] : 0);
	m->kind = kind;
	m->numeric = numeric;
	m->cum = cum;
	m->n_v = n_v;
}

/*
 * The expected disagreement from the margins, and alpha from it and d_o, the observed
 * disagreement's numerator sum_ck o_ck delta^2_ck.
 */
static void alpha_finish(const struct metric *m, size_t n_values, double n, double d_o,
                         struct stats_alpha *out)
{
	const double *n_v = m->n_v;
	double d_e = 0;
	size_t c, k;

	for (c = 0; c < n_values; c++) {
		if (!n_v[c])
			continue;
		for (k = c + 1; k < n_values; k++)
			if (n_v[k])
				d_e += 2 * n_v[c] * n_v[k] * delta2(m, c, k);
	}
	out->d_observed = d_o / n;
	out->d_expected = d_e / (n * (n - 1));
	out->alpha = d_e > 0 ? 1 - (n - 1) * d_o / d_e : NAN;
}

/*
 * Rather than build the values-by-values coincidence matrix, which is large for interval
 * data with many distinct values, the observed disagreement is summed unit by unit:
 * sum_ck o_ck delta_ck = sum_u 1/(m_u - 1) sum_{i != j in u} delta(v_i, v_j). Values within
 * a unit are grouped, so a unit costs the square of its distinct values, not of its coders.
 * The usual unit of two coders is one table look-up.
 */
int stats_alpha(const size_t *unit, const size_t *value, size_t n_obs, size_t n_values,
                const double *numeric, enum stats_metric kind, struct stats_alpha *out)
{
	const size_t *gu, *gv;
	size_t *own = NULL, *scratch = NULL, *vals = NULL;
	double *n_v = NULL, *cum = NULL, *cnt = NULL, *dt = NULL;
	struct metric m;
	double n = 0, d_o = 0;
	size_t i, j, c, k, widest = 0;
	int rc = -1;

	if (check_scale(n_values, numeric, kind))
		return -1;
	for (i = 0; i < n_obs; i++)
		if (value[i] >= n_values)
			return -1;

	group_by_unit(unit, value, n_obs, &gu, &gv, &own);
	n_v = xcalloc(n_values, sizeof(double));
	cum = xcalloc(n_values, sizeof(double));
	cnt = xcalloc(n_values, sizeof(double));
	vals = xcalloc(n_values, sizeof(size_t));

	/* Pass 1: n_c, the pairable values of each kind (units with m_u >= 2). */
	for (i = 0; i < n_obs; i = j) {
		for (j = i + 1; j < n_obs && gu[j] == gu[i]; j++)
			;
		if (j - i < 2)
			continue;
		for (k = i; k < j; k++)
			n_v[gv[k]] += 1;
		n += (double)(j - i);
		if (j - i > widest)
			widest = j - i;
	}
	out->n_pairable = n;
	if (n < 2)
		goto out;
	metric_init(&m, kind, numeric, n_v, cum, n_values);
	/* A table of delta^2 saves the per-pair switch when the scale is short. */
	if (n_values <= 64) {
		dt = xmalloc(n_values * n_values * sizeof(double));
		for (c = 0; c < n_values; c++)
			for (k = 0; k < n_values; k++)
				dt[c * n_values + k] = delta2(&m, c, k);
	}
	if (widest > 2)
		scratch = xmalloc(widest * sizeof(size_t));

	/* Pass 2: observed disagreement, unit by unit. */
	for (i = 0; i < n_obs; i = j) {
		size_t nd = 0, a, b;
		double s = 0;

		for (j = i + 1; j < n_obs && gu[j] == gu[i]; j++)
			;
		if (j - i < 2)
			continue;
		if (j - i == 2) {
			/* Two coders, the usual case: one pair, counted both ways, over m - 1 = 1.
			 * delta^2 is symmetric, so their order does not matter. */
			a = gv[i] < gv[i + 1] ? gv[i] : gv[i + 1];
			b = gv[i] < gv[i + 1] ? gv[i + 1] : gv[i];
			d_o += 2 * (dt ? dt[a * n_values + b] : delta2(&m, a, b));
			continue;
		}
		/* Sorted by value within the unit, so equal values are adjacent. */
		for (k = i; k < j; k++)
			scratch[k - i] = gv[k];
		sort_values(scratch, j - i);
		for (k = 0; k < j - i; k++) {
			if (!nd || vals[nd - 1] != scratch[k]) {
				vals[nd] = scratch[k];
				cnt[nd++] = 0;
			}
			cnt[nd - 1] += 1;
		}
		for (a = 0; a < nd; a++)
			for (b = a + 1; b < nd; b++)
				s += 2 * cnt[a] * cnt[b] * delta2(&m, vals[a], vals[b]);
		d_o += s / (double)(j - i - 1);
	}
	alpha_finish(&m, n_values, n, d_o, out);
	rc = 0;
out:
	free(scratch);
	free(dt);
	free(vals);
	free(cnt);
	free(cum);
	free(n_v);
	free(own);
	return rc;
}

int stats_alpha_coincidence(const double *o, size_t n_values, const double *numeric,
                            enum stats_metric kind, struct stats_alpha *out)
{
	double *n_v = NULL, *cum = NULL, n = 0, d_o = 0;
	struct metric m;
	size_t c, k;
	int rc = -1;

	if (check_scale(n_values, numeric, kind))
		return -1;
	for (c = 0; c < n_values; c++)
		for (k = 0; k <= c; k++)
			if (!(o[c * n_values + k] >= 0) ||
			    o[c * n_values + k] != o[k * n_values + c])
				return -1;
	n_v = xcalloc(n_values, sizeof(double));
	cum = xcalloc(n_values, sizeof(double));
	/* n_c, the pairable values of each kind, are the matrix's margins. */
	for (c = 0; c < n_values; c++) {
		for (k = 0; k < n_values; k++)
			n_v[c] += o[c * n_values + k];
		n += n_v[c];
	}
	out->n_pairable = n;
	if (n < 2)
		goto out;
	metric_init(&m, kind, numeric, n_v, cum, n_values);
	for (c = 0; c < n_values; c++)
		for (k = 0; k < n_values; k++)
			if (c != k && o[c * n_values + k])
				d_o += o[c * n_values + k] * delta2(&m, c, k);
	alpha_finish(&m, n_values, n, d_o, out);
	rc = 0;
out:
	free(cum);
	free(n_v);
	return rc;
}

/* Up to this many values the pairs are counted into a matrix (8 bytes a cell); beyond, the
 * matrix would be larger than the observations, and stats_alpha takes them instead. */
#define PAIRS_TABLE_MAX 256

/* stats_alpha_pairs beyond PAIRS_TABLE_MAX values: the units coded by both as observations. */
static int alpha_pairs_general(const uint32_t *a, const uint32_t *b, size_t n, size_t n_values,
                               const double *numeric, enum stats_metric kind,
                               struct stats_alpha *out)
{
	size_t *unit = xmalloc((2 * n + 1) * sizeof(size_t));
	size_t *value = xmalloc((2 * n + 1) * sizeof(size_t));
	size_t i, m = 0;
	int rc = -1;

	for (i = 0; i < n; i++) {
		if ((a[i] >= n_values && a[i] != STATS_MISSING) ||
		    (b[i] >= n_values && b[i] != STATS_MISSING))
			goto out;
		if (a[i] == STATS_MISSING || b[i] == STATS_MISSING)
			continue;
		unit[m] = unit[m + 1] = i;
		value[m] = a[i];
		value[m + 1] = b[i];
		m += 2;
	}
	rc = stats_alpha(unit, value, m, n_values, numeric, kind, out);
out:
	free(value);
	free(unit);
	return rc;
}

/*
 * With two coders every pairable unit has m_u = 2 and adds 1 to o_ab and to o_ba, so the
 * coincidence matrix is the coders' table plus its transpose.
 */
int stats_alpha_pairs(const uint32_t *a, const uint32_t *b, size_t n, size_t n_values,
                      const double *numeric, enum stats_metric kind, struct stats_alpha *out)
{
	double *t, *o;
	size_t c, k;
	int rc = -1;

	if (check_scale(n_values, numeric, kind))
		return -1;
	if (n_values > PAIRS_TABLE_MAX)
		return alpha_pairs_general(a, b, n, n_values, numeric, kind, out);
	t = xcalloc(n_values * n_values, sizeof(double));
	o = xmalloc(n_values * n_values * sizeof(double));
	if (stats_count_pairs(a, b, n, n_values, t))
		goto out;
	for (c = 0; c < n_values; c++)
		for (k = 0; k < n_values; k++)
			o[c * n_values + k] = t[c * n_values + k] + t[k * n_values + c];
	rc = stats_alpha_coincidence(o, n_values, numeric, kind, out);
out:
	free(o);
	free(t);
	return rc;
}
