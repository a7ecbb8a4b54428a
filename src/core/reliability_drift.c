/* Rater drift (mean deviation from the consensus by rater, variable and period) and the
 * medians and quartiles of the lab's figures. */
#include "core/reliability.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xalloc.h"
#include "util/banned.h"

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define SECS_MIN (-62135596800LL)
#define SECS_MAX 253402300799LL

const char *const rel_period_name[REL_PERIOD__MAX] = {
    [REL_MONTH] = "month",
    [REL_QUARTER] = "quarter",
};

int reliability_period(long long unix_secs, enum rel_period p, char *label, size_t label_len)
{
	time_t t = (time_t)unix_secs;
	struct tm tm;
	int year, month;

	if (unix_secs < SECS_MIN || unix_secs > SECS_MAX || !gmtime_r(&t, &tm))
		return -1;
	year = tm.tm_year + 1900;
	month = tm.tm_mon + 1;
	if (p == REL_QUARTER) {
		int q = (month - 1) / 3 + 1;
		snprintf(label, label_len, "%04d-Q%d", year, q);
		return year * 4 + q - 1;
	}
	snprintf(label, label_len, "%04d-%02d", year, month);
	return year * 12 + month - 1;
}

static int by_rater_var_period(const void *x, const void *y)
{
	const struct rel_drift_obs *a = x, *b = y;

	if (a->rater != b->rater)
		return a->rater < b->rater ? -1 : 1;
	if (a->var != b->var)
		return a->var < b->var ? -1 : 1;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	return 0;
}

/* Mean and SD of o[0..n-1]'s deviations (two passes for accuracy). */
static void fill_cell(struct rel_drift_cell *c, const struct rel_drift_obs *o, size_t n,
                      double band)
{
	double sum = 0, ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += o[i].deviation;
	c->n = n;
	c->mean = sum / (double)n;
	for (i = 0; i < n; i++)
		ss += (o[i].deviation - c->mean) * (o[i].deviation - c->mean);
	c->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
	c->flagged = fabs(c->mean) > band;
}

struct rel_drift_cell *reliability_drift(const struct rel_drift_obs *obs, size_t n, double band,
                                         size_t *n_cells)
{
	struct rel_drift_obs *o;
	struct rel_drift_cell *cells;
	size_t i, m = 0, used = 0, g, p;

	*n_cells = 0;
	o = xcalloc(n + 1, sizeof(*o));
	for (i = 0; i < n; i++)
		if (!isnan(obs[i].deviation))
			o[m++] = obs[i];
	if (m == 0) {
		free(o);
		return NULL;
	}
	qsort(o, m, sizeof(*o), by_rater_var_period);
	/* At most one overall cell and one period cell per observation. */
	cells = xcalloc(2 * m, sizeof(*cells));
	for (g = 0; g < m; g = i) {
		for (i = g; i < m && o[i].rater == o[g].rater && o[i].var == o[g].var; i++)
			;
		cells[used].rater = o[g].rater;
		cells[used].var = o[g].var;
		cells[used].period = REL_ALL_PERIODS;
		fill_cell(&cells[used++], o + g, i - g, band);
		for (p = g; p < i;) {
			size_t q = p;
			while (q < i && o[q].period == o[p].period)
				q++;
			cells[used].rater = o[p].rater;
			cells[used].var = o[p].var;
			cells[used].period = o[p].period;
			fill_cell(&cells[used++], o + p, q - p, band);
			p = q;
		}
	}
	free(o);
	*n_cells = used;
	return cells;
}

double reliability_quantile(const double *sorted, size_t n, double p)
{
	double h, lo;
	size_t j;

	if (n == 0 || isnan(p))
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 1)
		return sorted[n - 1];
	h = (double)(n - 1) * p;
	lo = floor(h);
	j = (size_t)lo;
	if (j + 1 >= n)
		return sorted[n - 1];
	return sorted[j] + (h - lo) * (sorted[j + 1] - sorted[j]);
}

static int by_value(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b ? 1 : 0;
}

int reliability_summary(const double *v, size_t n, struct rel_summary *out)
{
	double *s = xcalloc(n + 1, sizeof(double)), sum = 0;
	size_t i, m = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s[m++] = v[i];
			sum += v[i];
		}
	if (m == 0) {
		free(s);
		return -1;
	}
	qsort(s, m, sizeof(double), by_value);
	out->n = m;
	out->min = s[0];
	out->max = s[m - 1];
	out->q1 = reliability_quantile(s, m, 0.25);
	out->median = reliability_quantile(s, m, 0.5);
	out->q3 = reliability_quantile(s, m, 0.75);
	out->mean = sum / (double)m;
	free(s);
	return 0;
}
