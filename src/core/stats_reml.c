/* Therapist effects: a one-way random-effects model for unbalanced groups, fitted by REML. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The fit works on group summaries only: size n_j, mean ybar_j and within sum of squares.
 * With lambda = var_between / var_within and w_j = n_j / (1 + n_j lambda), the GLS mean is
 * sum w_j ybar_j / sum w_j and the generalised residual sum of squares is
 * Q = SSW + sum w_j (ybar_j - mu)^2. Profiling var_within = Q / (N - 1) out of the REML
 * likelihood leaves a function of lambda alone,
 *   -2 l_R = (N - 1) log(Q / (N - 1)) + sum log(1 + n_j lambda) + log sum w_j + (N - 1),
 * whose derivative is
 *   g = -(N - 1) sum w_j^2 (ybar_j - mu)^2 / Q + sum w_j - sum w_j^2 / sum w_j.
 * We search lambda on a grid in rho = lambda / (1 + lambda) in [0, 1) to find the global
 * basin (the likelihood need not be unimodal), then solve g = 0 inside that basin with
 * Brent's method, which gives the optimum to near machine precision rather than the
 * square-root-of-epsilon accuracy of minimising the function itself.
 */
struct groups {
	size_t j;      /* non-empty groups */
	double *n_j;   /* sizes */
	double *ybar;  /* means */
	double n, ssw; /* total size, pooled within sum of squares */
};

struct at {
	double mu, q, sum_w, sum_w2, sum_w2d2, logdet;
};

static void evaluate(const struct groups *g, double lambda, struct at *a)
{
	double sw = 0, swy = 0, sw2 = 0, sw2d2 = 0, q = g->ssw, ld = 0;
	size_t j;

	for (j = 0; j < g->j; j++) {
		double w = g->n_j[j] / (1 + g->n_j[j] * lambda);
		sw += w;
		swy += w * g->ybar[j];
		sw2 += w * w;
		ld += log1p(g->n_j[j] * lambda);
	}
	a->mu = swy / sw;
	for (j = 0; j < g->j; j++) {
		double w = g->n_j[j] / (1 + g->n_j[j] * lambda), d = g->ybar[j] - a->mu;
		q += w * d * d;
		sw2d2 += w * w * d * d;
	}
	a->q = q;
	a->sum_w = sw;
	a->sum_w2 = sw2;
	a->sum_w2d2 = sw2d2;
	a->logdet = ld;
}

static double objective(const struct groups *g, double lambda)
{
	struct at a;
	double df = g->n - 1;

	evaluate(g, lambda, &a);
	return df * log(a.q / df) + a.logdet + log(a.sum_w) + df;
}

static double gradient(double lambda, void *param)
{
	const struct groups *g = param;
	struct at a;

	evaluate(g, lambda, &a);
	return -(g->n - 1) * a.sum_w2d2 / a.q + a.sum_w - a.sum_w2 / a.sum_w;
}

static double lambda_of(double rho)
{
	return rho / (1 - rho);
}

/* Group summaries by two passes (means first) to keep SSW accurate. */
static int summarise(const double *y, const size_t *group, size_t n, size_t n_groups,
                     struct groups *g)
{
	double *cnt = xcalloc(n_groups ? n_groups : 1, sizeof(double));
	double *sum = xcalloc(n_groups ? n_groups : 1, sizeof(double));
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (group[i] >= n_groups || !isfinite(y[i])) {
			free(sum);
			free(cnt);
			return -1;
		}
		cnt[group[i]] += 1;
		sum[group[i]] += y[i];
	}
	for (j = 0; j < n_groups; j++)
		if (cnt[j] > 0)
			sum[j] /= cnt[j];
	g->ssw = 0;
	for (i = 0; i < n; i++) {
		double d = y[i] - sum[group[i]];
		g->ssw += d * d;
	}
	g->j = 0;
	g->n = (double)n;
	g->n_j = xcalloc(n_groups ? n_groups : 1, sizeof(double));
	g->ybar = xcalloc(n_groups ? n_groups : 1, sizeof(double));
	for (j = 0; j < n_groups; j++) {
		if (cnt[j] > 0) {
			g->n_j[g->j] = cnt[j];
			g->ybar[g->j] = sum[j];
			g->j++;
		}
	}
	free(sum);
	free(cnt);
	return 0;
}

double stats_reml_oneway_objective(const double *y, const size_t *group, size_t n, size_t n_groups,
                                   double lambda)
{
	struct groups g;
	double f;

	if (summarise(y, group, n, n_groups, &g))
		return NAN;
	f = objective(&g, lambda);
	free(g.ybar);
	free(g.n_j);
	return f;
}

static double solve(struct groups *g, double lo, double hi)
{
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	gsl_function fn = {gradient, g};
	double x = (lo + hi) / 2;
	int it, status = GSL_CONTINUE;

	/* The caller checked the bracket and the gradient is finite inside it, so GSL has no
	 * reason to call its (aborting) error handler. */
	gsl_root_fsolver_set(s, &fn, lo, hi);
	for (it = 0; it < 200 && status == GSL_CONTINUE; it++) {
		if (gsl_root_fsolver_iterate(s))
			break;
		x = gsl_root_fsolver_root(s);
		status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
		                                gsl_root_fsolver_x_upper(s), 0, 1e-15);
	}
	gsl_root_fsolver_free(s);
	return x;
}

/* Golden-section search on the objective: the fallback if the gradient gives no bracket. */
static double golden(const struct groups *g, double lo, double hi)
{
	const double r = (sqrt(5) - 1) / 2;
	double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
	double f1 = objective(g, x1), f2 = objective(g, x2);
	int it;

	for (it = 0; it < 200 && hi - lo > 1e-15 * (1 + hi); it++) {
		if (f1 <= f2) {
			hi = x2;
			x2 = x1;
			f2 = f1;
			x1 = hi - r * (hi - lo);
			f1 = objective(g, x1);
		} else {
			lo = x1;
			x1 = x2;
			f1 = f2;
			x2 = lo + r * (hi - lo);
			f2 = objective(g, x2);
		}
	}
	return (lo + hi) / 2;
}

#define GRID 400

int stats_reml_oneway(const double *y, const size_t *group, size_t n, size_t n_groups,
                      struct stats_reml *out)
{
	struct groups g = {0, NULL, NULL, 0, 0};
	double rho[GRID + 8], best = INFINITY, lambda, lo, hi, sw;
	size_t i, n_rho = 0, arg = 0;
	struct at a;
	int rc = -1;

	if (n < 2 || summarise(y, group, n, n_groups, &g))
		goto out;
	out->n = n;
	out->n_groups = g.j;
	/* Two groups at least, and some group with two clients, or nothing is identified. */
	if (g.j < 2 || g.n <= (double)g.j)
		goto out;
	if (g.ssw == 0) {
		/* No spread within any group: all variance is between, Q -> 0 as lambda grows. */
		double m = 0, ss = 0;
		for (i = 0; i < g.j; i++)
			m += g.ybar[i];
		m /= (double)g.j;
		for (i = 0; i < g.j; i++)
			ss += (g.ybar[i] - m) * (g.ybar[i] - m);
		if (ss == 0)
			goto out;
		out->var_within = 0;
		out->var_between = ss / (double)(g.j - 1);
		out->icc = 1;
		out->intercept = m;
		out->se_intercept = sqrt(out->var_between / (double)g.j);
		out->neg2_loglik = -INFINITY;
		rc = 0;
		goto out;
	}

	for (i = 0; i < GRID; i++)
		rho[n_rho++] = (double)i / GRID;
	/* A tail for ICCs very close to 1, which the uniform grid cannot tell apart. */
	for (lo = 1e-3; lo >= 1e-9; lo /= 10)
		rho[n_rho++] = 1 - lo;
	for (i = 0; i < n_rho; i++) {
		double f = objective(&g, lambda_of(rho[i]));
		if (f < best) {
			best = f;
			arg = i;
		}
	}
	lo = lambda_of(rho[arg ? arg - 1 : 0]);
	hi = lambda_of(rho[arg + 1 < n_rho ? arg + 1 : arg]);
	if (arg == 0 && gradient(0, &g) >= 0)
		lambda = 0; /* the boundary: no between-group variance */
	else if (gradient(lo, &g) < 0 && gradient(hi, &g) > 0)
		lambda = solve(&g, lo, hi);
	else
		lambda = golden(&g, lo, hi);

	evaluate(&g, lambda, &a);
	out->var_within = a.q / (g.n - 1);
	out->var_between = lambda * out->var_within;
	out->icc = lambda / (1 + lambda);
	out->intercept = a.mu;
	sw = a.sum_w;
	out->se_intercept = sqrt(out->var_within / sw);
	out->neg2_loglik = objective(&g, lambda);
	rc = 0;
out:
	free(g.ybar);
	free(g.n_j);
	return rc;
}
