/* Intraclass correlations: the six Shrout & Fleiss forms with their F tests and intervals. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "util/xalloc.h"
#include "util/banned.h"

const char *const stats_icc_form_name[STATS_ICC__MAX] = {
    [STATS_ICC1] = "ICC1",   [STATS_ICC2] = "ICC2",   [STATS_ICC3] = "ICC3",
    [STATS_ICC1K] = "ICC1k", [STATS_ICC2K] = "ICC2k", [STATS_ICC3K] = "ICC3k",
};

static int row_complete(const double *row, size_t k)
{
	size_t j;

	for (j = 0; j < k; j++)
		if (isnan(row[j]))
			return 0;
	return 1;
}

/*
 * Two passes (means, then squared deviations) rather than raw sums of squares: with scores
 * of similar size the one-pass formulas lose most of their digits to cancellation.
 */
static void anova(const double *x, size_t n, size_t k, struct stats_icc *out)
{
	double *col_mean = xcalloc(k, sizeof(double));
	double grand = 0, ss_rows = 0, ss_cols = 0, ss_total = 0, ss_err, ss_within;
	size_t i, j, used = 0;

	for (i = 0; i < n; i++) {
		const double *row = x + i * k;
		if (!row_complete(row, k))
			continue;
		for (j = 0; j < k; j++) {
			col_mean[j] += row[j];
			grand += row[j];
		}
		used++;
	}
	grand /= (double)(used * k);
	for (j = 0; j < k; j++)
		col_mean[j] /= (double)used;
	for (i = 0; i < n; i++) {
		const double *row = x + i * k;
		double m = 0;
		if (!row_complete(row, k))
			continue;
		for (j = 0; j < k; j++)
			m += row[j];
		m /= (double)k;
		ss_rows += (m - grand) * (m - grand);
		for (j = 0; j < k; j++)
			ss_total += (row[j] - grand) * (row[j] - grand);
	}
	ss_rows *= (double)k;
	for (j = 0; j < k; j++)
		ss_cols += (col_mean[j] - grand) * (col_mean[j] - grand);
	ss_cols *= (double)used;
	ss_within = ss_total - ss_rows;
	ss_err = ss_within - ss_cols;
	/* Rounding can push a zero sum of squares just below zero. */
	if (ss_err < 0)
		ss_err = 0;
	if (ss_within < 0)
		ss_within = 0;

	out->df_rows = (double)used - 1;
	out->df_raters = (double)k - 1;
	out->df_residual = out->df_rows * out->df_raters;
	out->msb = ss_rows / out->df_rows;
	out->msj = ss_cols / out->df_raters;
	out->mse = ss_err / out->df_residual;
	out->msw = ss_within / ((double)used * out->df_raters);
	free(col_mean);
}

/*
 * GSL's default error handler aborts the process, so nothing reaches it that it could
 * reject: degenerate data (zero mean squares) give infinite or undefined F ratios and
 * Satterthwaite df, and those become NAN here instead.
 */
static int df_ok(double df)
{
	return isfinite(df) && df > 0;
}

/* Upper 1 - alpha/2 quantile of F(df1, df2); df may be fractional (Satterthwaite). */
static double fq(double df1, double df2)
{
	if (!df_ok(df1) || !df_ok(df2))
		return NAN;
	return gsl_cdf_fdist_Qinv(0.025, df1, df2);
}

static double f_upper_p(double f, double df1, double df2)
{
	if (isnan(f) || !df_ok(df1) || !df_ok(df2))
		return NAN;
	if (isinf(f))
		return f > 0 ? 0 : 1;
	if (f <= 0)
		return 1;
	return gsl_cdf_fdist_Q(f, df1, df2);
}

/* Average-measure bound from a single-measure bound (Spearman-Brown). */
static double spearman_brown(double r, double k)
{
	return r * k / (1 + r * (k - 1));
}

int stats_icc(const double *x, size_t n, size_t k, size_t *dropped, struct stats_icc *out)
{
	struct stats_icc_value *v = out->form;
	double kk = (double)k, nn, msb, msw, msj, mse, f1, f3, fj, fl, fu;
	double icc2, vn, vd, sat, l2, u2;
	size_t i, used = 0;

	out->n_dropped = 0;
	out->n_raters = k;
	if (k < 2)
		return -1;
	for (i = 0; i < n; i++) {
		if (row_complete(x + i * k, k)) {
			used++;
		} else {
			if (dropped)
				dropped[out->n_dropped] = i;
			out->n_dropped++;
		}
	}
	out->n_subjects = used;
	if (used < 2)
		return -1;
	anova(x, n, k, out);
	nn = (double)used;
	msb = out->msb;
	msw = out->msw;
	msj = out->msj;
	mse = out->mse;

	v[STATS_ICC1].icc = (msb - msw) / (msb + (kk - 1) * msw);
	v[STATS_ICC2].icc = (msb - mse) / (msb + (kk - 1) * mse + kk * (msj - mse) / nn);
	v[STATS_ICC3].icc = (msb - mse) / (msb + (kk - 1) * mse);
	v[STATS_ICC1K].icc = (msb - msw) / msb;
	v[STATS_ICC2K].icc = (msb - mse) / (msb + (msj - mse) / nn);
	v[STATS_ICC3K].icc = (msb - mse) / msb;

	/* One-way forms: F = MSB / MSW on (n - 1, n(k - 1)). */
	f1 = msb / msw;
	for (i = STATS_ICC1; i <= STATS_ICC1K; i += STATS_ICC1K - STATS_ICC1) {
		v[i].f = f1;
		v[i].df1 = out->df_rows;
		v[i].df2 = nn * (kk - 1);
		v[i].p = f_upper_p(f1, v[i].df1, v[i].df2);
	}
	fl = f1 / fq(out->df_rows, nn * (kk - 1));
	fu = f1 * fq(nn * (kk - 1), out->df_rows);
	v[STATS_ICC1].ci_lower = (fl - 1) / (fl + kk - 1);
	v[STATS_ICC1].ci_upper = (fu - 1) / (fu + kk - 1);
	v[STATS_ICC1K].ci_lower = 1 - 1 / fl;
	v[STATS_ICC1K].ci_upper = 1 - 1 / fu;

	/* Two-way forms are tested with F = MSB / MSE on (n - 1, (n - 1)(k - 1)). */
	f3 = msb / mse;
	for (i = STATS_ICC2; i < STATS_ICC__MAX; i++) {
		if (i == STATS_ICC1K)
			continue;
		v[i].f = f3;
		v[i].df1 = out->df_rows;
		v[i].df2 = out->df_residual;
		v[i].p = f_upper_p(f3, v[i].df1, v[i].df2);
	}
	fl = f3 / fq(out->df_rows, out->df_residual);
	fu = f3 * fq(out->df_residual, out->df_rows);
	v[STATS_ICC3].ci_lower = (fl - 1) / (fl + kk - 1);
	v[STATS_ICC3].ci_upper = (fu - 1) / (fu + kk - 1);
	v[STATS_ICC3K].ci_lower = 1 - 1 / fl;
	v[STATS_ICC3K].ci_upper = 1 - 1 / fu;

	/*
	 * ICC2 has no exact F distribution; McGraw & Wong (1996, Table 7, case 2A) approximate
	 * the denominator by Satterthwaite's df, as psych::ICC does.
	 */
	icc2 = v[STATS_ICC2].icc;
	fj = msj / mse;
	vn = (kk - 1) * (nn - 1) * pow(kk * icc2 * fj + nn * (1 + (kk - 1) * icc2) - kk * icc2, 2);
	vd = (nn - 1) * kk * kk * icc2 * icc2 * fj * fj +
	     pow(nn * (1 + (kk - 1) * icc2) - kk * icc2, 2);
	sat = vn / vd;
	fu = fq(nn - 1, sat);
	fl = fq(sat, nn - 1);
	l2 = nn * (msb - fu * mse) / (fu * (kk * msj + (kk * nn - kk - nn) * mse) + nn * msb);
	u2 = nn * (fl * msb - mse) / (kk * msj + (kk * nn - kk - nn) * mse + nn * fl * msb);
	v[STATS_ICC2].ci_lower = l2;
	v[STATS_ICC2].ci_upper = u2;
	v[STATS_ICC2K].ci_lower = spearman_brown(l2, kk);
	v[STATS_ICC2K].ci_upper = spearman_brown(u2, kk);
	return 0;
}
