/* A therapist's effectiveness over closed cases: the shares of the four Jacobson-Truax
 * categories with their uncertainty, the pre-post effect size, and the effect size adjusted
 * for intake severity against the lab's reference cases. */
#include "core/outcome.h"

#include <math.h>
#include <string.h>

#include "util/banned.h"

/* The 95% Wilson score interval of k successes in n. */
static void wilson(size_t k, size_t n, struct outcome_share *out)
{
	double z = STATS_Z975, p, denom, centre, half;

	out->count = k;
	if (n == 0) {
		out->share = out->lower = out->upper = NAN;
		return;
	}
	p = (double)k / (double)n;
	denom = 1 + z * z / (double)n;
	centre = (p + z * z / (2.0 * (double)n)) / denom;
	half = z * sqrt(p * (1 - p) / (double)n + z * z / (4.0 * (double)n * (double)n)) / denom;
	out->share = p;
	out->lower = fmax(0, centre - half);
	out->upper = fmin(1, centre + half);
}

static double mean_of(const double *x, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

static double sd_of(const double *x, size_t n)
{
	double m = mean_of(x, n), s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return n > 1 ? sqrt(s / (double)(n - 1)) : NAN;
}

/* The standardised mean change towards health and its 95% interval (Becker 1988: the
 * variance of a change standardised by the pre-test SD is 2(1 - r)/n + d^2/(2n)). */
static double effect_size(const struct instrument_outcome *r, const double *pre, const double *post,
                          size_t n, double *lo, double *hi)
{
	double h = r->lower_is_better ? 1 : -1, mp, mq, sp, sq, cov = 0, rho, d, se;
	size_t i;

	*lo = *hi = NAN;
	if (n < OUTCOME_MIN_CASES_ES)
		return NAN;
	mp = mean_of(pre, n);
	mq = mean_of(post, n);
	sp = sd_of(pre, n);
	sq = sd_of(post, n);
	if (!(sp > 0))
		return NAN;
	for (i = 0; i < n; i++)
		cov += (pre[i] - mp) * (post[i] - mq);
	cov /= (double)(n - 1);
	/* Ends that do not vary leave the correlation undefined; 0 widens the interval. */
	rho = sq > 0 ? cov / (sp * sq) : 0;
	d = h * (mp - mq) / sp;
	se = sqrt(2 * (1 - rho) / (double)n + d * d / (2.0 * (double)n));
	*lo = d - STATS_Z975 * se;
	*hi = d + STATS_Z975 * se;
	return d;
}

void outcome_effect(const struct instrument_outcome *r, const double *pre, const double *post,
                    size_t n, const double *ref_pre, const double *ref_post, size_t n_ref,
                    struct outcome_effect *out)
{
	size_t counts[STATS_CHANGE__MAX] = {0}, i;
	double h = r->lower_is_better ? 1 : -1;
	int c;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->n_reference = n_ref;
	for (i = 0; i < n; i++)
		counts[outcome_category(r, pre[i], post[i])]++;
	for (c = 0; c < STATS_CHANGE__MAX; c++)
		wilson(counts[c], n, &out->category[c]);
	out->d = effect_size(r, pre, post, n, &out->d_lower, &out->d_upper);
	{
		double lo, hi;
		out->reference_d = effect_size(r, ref_pre, ref_post, n_ref, &lo, &hi);
	}
	out->adjusted = out->adjusted_lower = out->adjusted_upper = NAN;
	if (n_ref >= OUTCOME_MIN_REFERENCE && n >= OUTCOME_MIN_CASES_ADJUSTED) {
		/* The reference's least-squares line of end on intake. */
		double mx = mean_of(ref_pre, n_ref), my = mean_of(ref_post, n_ref), sxx = 0,
		       sxy = 0;
		double sx = sd_of(ref_pre, n_ref), a, b, se_sum = 0, m = 0, e;
		for (i = 0; i < n_ref; i++) {
			sxx += (ref_pre[i] - mx) * (ref_pre[i] - mx);
			sxy += (ref_pre[i] - mx) * (ref_post[i] - my);
		}
		if (sxx > 0 && sx > 0) {
			b = sxy / sxx;
			a = my - b * mx;
			/* Better than predicted is positive, whichever way the measure runs. */
			for (i = 0; i < n; i++)
				m += h * (a + b * pre[i] - post[i]);
			m /= (double)n;
			for (i = 0; i < n; i++) {
				e = h * (a + b * pre[i] - post[i]) - m;
				se_sum += e * e;
			}
			out->adjusted = m / sx;
			e = sqrt(se_sum / (double)(n - 1)) / sqrt((double)n) / sx;
			out->adjusted_lower = out->adjusted - STATS_Z975 * e;
			out->adjusted_upper = out->adjusted + STATS_Z975 * e;
		}
	}
}
