/* Therapist effects: a random-intercept model with covariates for unbalanced groups, by REML. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The model is y = X b + Z u + e with X = [1, x_1 .. x_p], Z the group indicators,
 * Var(u) = lambda s^2 I and Var(e) = s^2 I, so Var(y) = s^2 H with H = I + lambda Z Z'.
 * Everything is computed from group summaries, because H is block diagonal with blocks
 * H_j = I + lambda 1 1' and H_j^-1 = I - lambda / (1 + n_j lambda) 1 1'. For vectors a and b
 * over group j this gives a' H_j^-1 b = W_ab + w_j abar bbar, with W_ab the within-group
 * cross-product about the group means and w_j = n_j / (1 + n_j lambda). So with
 *   xbar_w = sum w_j xbar_j / sum w_j,  d_j = xbar_j - xbar_w,  ybar_w and e_j likewise,
 * and X centred on xbar_w (which changes neither the fit nor the determinant), X' H^-1 X is
 * block diagonal, diag(sum w_j, S) with S = W_xx + sum w_j d_j d_j', and the GLS estimates
 * are b_x = S^-1 (W_xy + sum w_j d_j e_j) and b_0 = ybar_w - xbar_w' b_x. The generalised
 * residual sum of squares is Q = W_rr + sum w_j r_j^2, where r_j = e_j - d_j' b_x is group
 * j's mean residual and W_rr = W_yy - 2 b_x' W_xy + b_x' W_xx b_x the within part.
 * Profiling s^2 = Q / df (df = N - p - 1) out of the REML likelihood leaves
 *   -2 l_R = df log(Q / df) + sum log(1 + n_j lambda) + log sum w_j + log|S| + df,
 * and its derivative in lambda (dQ/dlambda = -sum w_j^2 r_j^2 by the envelope theorem;
 * d log|X' H^-1 X| = -tr((X' H^-1 X)^-1 sum w_j^2 (1, d_j)(1, d_j)')) is
 *   g = -df sum w_j^2 r_j^2 / Q + sum w_j - sum w_j^2 / sum w_j - tr(S^-1 sum w_j^2 d_j d_j').
 * With no covariates these are the one-way formulas, computed in the same order.
 *
 * We search lambda on a grid in rho = lambda / (1 + lambda) in [0, 1) to find the global
 * basin (the likelihood need not be unimodal), then solve g = 0 inside that basin with
 * Brent's method, which gives the optimum to near machine precision rather than the
 * square-root-of-epsilon accuracy of minimising the function itself.
 */

#define P_MAX STATS_REML_MAX_COVARIATES

struct groups {
	size_t j;      /* non-empty groups */
	size_t p;      /* covariates */
	double *n_j;   /* sizes */
	double *ybar;  /* means */
	double *xbar;  /* j x p covariate means */
	double n, ssw; /* total size, pooled within sum of squares of y (W_yy) */
	double wxy[P_MAX];
	double wxx[P_MAX * P_MAX];
};

struct at {
	int ok;             /* S was positive definite */
	double mu;          /* b_0 */
	double beta[P_MAX]; /* b_x */
	double q, sum_w, sum_w2, sum_w2d2, logdet, logdet_s, trace;
	double xbar_w[P_MAX];
	double sinv[P_MAX * P_MAX]; /* S^-1 */
};

/*
 * Cholesky factor L (lower, row-major p x p) of the symmetric a; returns -1 unless every
 * pivot exceeds tol times the matching diagonal entry of a (and is positive).
 */
static int cholesky(const double *a, size_t p, double tol, double *l)
{
	size_t i, j, k;

	for (i = 0; i < p; i++) {
		for (j = 0; j <= i; j++) {
			double s = a[i * p + j];
			for (k = 0; k < j; k++)
				s -= l[i * p + k] * l[j * p + k];
			if (i == j) {
				if (!(s > tol * a[i * p + i]) || !(s > 0) || !isfinite(s))
					return -1;
				l[i * p + i] = sqrt(s);
			} else {
				l[i * p + j] = s / l[j * p + j];
			}
		}
		for (j = i + 1; j < p; j++)
			l[i * p + j] = 0;
	}
	return 0;
}

/* Solves L L' v = b in place. */
static void chol_solve(const double *l, size_t p, double *v)
{
	size_t i, k;

	for (i = 0; i < p; i++) {
		for (k = 0; k < i; k++)
			v[i] -= l[i * p + k] * v[k];
		v[i] /= l[i * p + i];
	}
	for (i = p; i-- > 0;) {
		for (k = i + 1; k < p; k++)
			v[i] -= l[k * p + i] * v[k];
		v[i] /= l[i * p + i];
	}
}

static void evaluate(const struct groups *g, double lambda, struct at *a)
{
	double sw = 0, swy = 0, sw2 = 0, sw2d2 = 0, q = g->ssw, ld = 0;
	double swx[P_MAX] = {0}, s[P_MAX * P_MAX], t[P_MAX * P_MAX] = {0}, sxy[P_MAX];
	double l[P_MAX * P_MAX], e, wrr;
	size_t j, k, m, p = g->p;

	a->ok = 1;
	for (j = 0; j < g->j; j++) {
		double w = g->n_j[j] / (1 + g->n_j[j] * lambda);
		sw += w;
		swy += w * g->ybar[j];
		sw2 += w * w;
		ld += log1p(g->n_j[j] * lambda);
		for (k = 0; k < p; k++)
			swx[k] += w * g->xbar[j * p + k];
	}
	a->mu = swy / sw;
	a->sum_w = sw;
	a->sum_w2 = sw2;
	a->logdet = ld;
	a->logdet_s = 0;
	a->trace = sw2 / sw;
	if (!p) {
		for (j = 0; j < g->j; j++) {
			double w = g->n_j[j] / (1 + g->n_j[j] * lambda), d = g->ybar[j] - a->mu;
			q += w * d * d;
			sw2d2 += w * w * d * d;
		}
		a->q = q;
		a->sum_w2d2 = sw2d2;
		return;
	}

	/* S, W_xy + sum w_j d_j e_j, and sum w_j^2 d_j d_j' for the trace. */
	for (k = 0; k < p; k++)
		a->xbar_w[k] = swx[k] / sw;
	memcpy(s, g->wxx, p * p * sizeof(double));
	memcpy(sxy, g->wxy, p * sizeof(double));
	for (j = 0; j < g->j; j++) {
		double w = g->n_j[j] / (1 + g->n_j[j] * lambda), d[P_MAX];
		e = g->ybar[j] - a->mu;
		for (k = 0; k < p; k++)
			d[k] = g->xbar[j * p + k] - a->xbar_w[k];
		for (k = 0; k < p; k++) {
			sxy[k] += w * d[k] * e;
			for (m = 0; m <= k; m++) {
				s[k * p + m] += w * d[k] * d[m];
				t[k * p + m] += w * w * d[k] * d[m];
			}
		}
	}
	for (k = 0; k < p; k++) {
		for (m = 0; m < k; m++) {
			s[m * p + k] = s[k * p + m];
			t[m * p + k] = t[k * p + m];
		}
	}
	if (cholesky(s, p, 0, l)) {
		a->ok = 0;
		return;
	}
	for (k = 0; k < p; k++) {
		a->beta[k] = sxy[k];
		a->logdet_s += 2 * log(l[k * p + k]);
	}
	chol_solve(l, p, a->beta);
	for (k = 0; k < p; k++)
		a->mu -= a->xbar_w[k] * a->beta[k];
	/* S^-1 column by column, then tr(S^-1 T). */
	for (m = 0; m < p; m++) {
		double col[P_MAX] = {0};
		col[m] = 1;
		chol_solve(l, p, col);
		for (k = 0; k < p; k++)
			a->sinv[k * p + m] = col[k];
	}
	for (k = 0; k < p; k++)
		for (m = 0; m < p; m++)
			a->trace += a->sinv[k * p + m] * t[m * p + k];

	/* Q: the within part, then each group's mean residual. */
	wrr = g->ssw;
	for (k = 0; k < p; k++) {
		wrr -= 2 * a->beta[k] * g->wxy[k];
		for (m = 0; m < p; m++)
			wrr += a->beta[k] * g->wxx[k * p + m] * a->beta[m];
	}
	q = wrr > 0 ? wrr : 0;
	for (j = 0; j < g->j; j++) {
		double w = g->n_j[j] / (1 + g->n_j[j] * lambda), r = g->ybar[j] - a->mu;
		for (k = 0; k < p; k++)
			r -= g->xbar[j * p + k] * a->beta[k];
		q += w * r * r;
		sw2d2 += w * w * r * r;
	}
	a->q = q;
	a->sum_w2d2 = sw2d2;
}

static double df_of(const struct groups *g)
{
	return g->n - 1 - (double)g->p;
}

static double objective(const struct groups *g, double lambda)
{
	struct at a;
	double df = df_of(g);

	evaluate(g, lambda, &a);
	if (!a.ok)
		return INFINITY;
	return df * log(a.q / df) + a.logdet + log(a.sum_w) + a.logdet_s + df;
}

static double gradient(double lambda, void *param)
{
	const struct groups *g = param;
	struct at a;

	evaluate(g, lambda, &a);
	if (!a.ok)
		return NAN;
	return -df_of(g) * a.sum_w2d2 / a.q + a.sum_w - a.trace;
}

static double lambda_of(double rho)
{
	return rho / (1 - rho);
}

static void groups_release(struct groups *g)
{
	free(g->xbar);
	free(g->ybar);
	free(g->n_j);
	g->xbar = g->ybar = g->n_j = NULL;
}

/* Group summaries by two passes (means first) to keep the within sums of squares accurate. */
static int summarise(const double *y, const double *x, size_t p, const size_t *group, size_t n,
                     size_t n_groups, struct groups *g)
{
	size_t ng = n_groups ? n_groups : 1, i, j, k, m;
	double *cnt = xcalloc(ng, sizeof(double));
	double *sum = xcalloc(ng, sizeof(double));
	double *sumx = p ? xcalloc(ng * p, sizeof(double)) : NULL;

	memset(g, 0, sizeof(*g));
	g->p = p;
	for (i = 0; i < n; i++) {
		int bad = group[i] >= n_groups || !isfinite(y[i]);
		for (k = 0; k < p && !bad; k++)
			bad = !isfinite(x[i * p + k]);
		if (bad) {
			free(sumx);
			free(sum);
			free(cnt);
			return -1;
		}
		cnt[group[i]] += 1;
		sum[group[i]] += y[i];
		for (k = 0; k < p; k++)
			sumx[group[i] * p + k] += x[i * p + k];
	}
	for (j = 0; j < n_groups; j++) {
		if (cnt[j] > 0) {
			sum[j] /= cnt[j];
			for (k = 0; k < p; k++)
				sumx[j * p + k] /= cnt[j];
		}
	}
	for (i = 0; i < n; i++) {
		double d = y[i] - sum[group[i]], dx[P_MAX];
		g->ssw += d * d;
		for (k = 0; k < p; k++) {
			dx[k] = x[i * p + k] - sumx[group[i] * p + k];
			g->wxy[k] += dx[k] * d;
			for (m = 0; m <= k; m++)
				g->wxx[k * p + m] += dx[k] * dx[m];
		}
	}
	for (k = 0; k < p; k++)
		for (m = 0; m < k; m++)
			g->wxx[m * p + k] = g->wxx[k * p + m];
	g->n = (double)n;
	g->n_j = xcalloc(ng, sizeof(double));
	g->ybar = xcalloc(ng, sizeof(double));
	g->xbar = xcalloc(p ? ng * p : 1, sizeof(double));
	for (j = 0; j < n_groups; j++) {
		if (cnt[j] > 0) {
			g->n_j[g->j] = cnt[j];
			g->ybar[g->j] = sum[j];
			for (k = 0; k < p; k++)
				g->xbar[g->j * p + k] = sumx[j * p + k];
			g->j++;
		}
	}
	free(sumx);
	free(sum);
	free(cnt);
	return 0;
}

/*
 * With covariates, checks that they vary and are not collinear (X has full column rank:
 * its centred cross-products are positive definite) and that y keeps some variation within
 * groups once they are regressed out; without that the likelihood grows without bound as
 * var_within goes to 0. The within regression is a sweep of [W_xx W_xy; W_xy' W_yy] that
 * skips directions in which the covariates do not vary within groups.
 */
static int covariates_usable(const struct groups *g)
{
	size_t p = g->p, i, j, k, m;
	double tot[P_MAX * P_MAX] = {0}, l[P_MAX * P_MAX], a[(P_MAX + 1) * (P_MAX + 1)] = {0};
	double xm[P_MAX] = {0};
	size_t q = p + 1;

	for (k = 0; k < p; k++) {
		xm[k] = 0;
		for (j = 0; j < g->j; j++)
			xm[k] += g->n_j[j] * g->xbar[j * p + k];
		xm[k] /= g->n;
	}
	for (k = 0; k < p; k++) {
		for (m = 0; m < p; m++) {
			tot[k * p + m] = g->wxx[k * p + m];
			for (j = 0; j < g->j; j++)
				tot[k * p + m] += g->n_j[j] * (g->xbar[j * p + k] - xm[k]) *
				                  (g->xbar[j * p + m] - xm[m]);
		}
	}
	if (cholesky(tot, p, 1e-10, l))
		return 0;

	for (k = 0; k < p; k++) {
		for (m = 0; m < p; m++)
			a[k * q + m] = g->wxx[k * p + m];
		a[k * q + p] = a[p * q + k] = g->wxy[k];
	}
	a[p * q + p] = g->ssw;
	for (k = 0; k < p; k++) {
		double piv = a[k * q + k];
		if (!(piv > 1e-10 * g->wxx[k * p + k]) || !(piv > 0))
			continue; /* no within variation left in this direction */
		for (i = k + 1; i < q; i++) {
			double f = a[i * q + k] / piv;
			for (j = k + 1; j < q; j++)
				a[i * q + j] -= f * a[k * q + j];
		}
	}
	return a[p * q + p] > 1e-12 * g->ssw;
}

double stats_reml_objective(const double *y, const double *x, size_t p, const size_t *group,
                            size_t n, size_t n_groups, double lambda)
{
	struct groups g;
	double f;

	if (p > P_MAX || (p && !x) || (double)n <= (double)p + 1 ||
	    summarise(y, x, p, group, n, n_groups, &g))
		return NAN;
	f = objective(&g, lambda);
	groups_release(&g);
	return isinf(f) ? NAN : f;
}

double stats_reml_oneway_objective(const double *y, const size_t *group, size_t n, size_t n_groups,
                                   double lambda)
{
	return stats_reml_objective(y, NULL, 0, group, n, n_groups, lambda);
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

/* Finite and of the sign wanted: a usable end of a bracket for Brent's method. */
static int below(double v)
{
	return isfinite(v) && v < 0;
}

static int above(double v)
{
	return isfinite(v) && v > 0;
}

#define GRID 400

int stats_reml_fit(const double *y, const double *x, size_t p, const size_t *group, size_t n,
                   size_t n_groups, struct stats_reml *out)
{
	struct groups g = {0};
	double rho[GRID + 8], best = INFINITY, lambda, lo, hi, s2, v;
	size_t i, k, m, n_rho = 0, arg = 0;
	struct at a;
	int rc = -1;

	if (n < 2 || p > P_MAX || (p && !x) || (double)n <= (double)p + 1 ||
	    summarise(y, x, p, group, n, n_groups, &g))
		goto out;
	out->n = n;
	out->n_groups = g.j;
	out->n_coef = p + 1;
	/* Two groups at least, and some group with two clients, or nothing is identified. */
	if (g.j < 2 || g.n <= (double)g.j)
		goto out;
	if (p && !covariates_usable(&g))
		goto out;
	if (g.ssw == 0) {
		/* No spread within any group: all variance is between, Q -> 0 as lambda grows.
		 * (With covariates covariates_usable() has refused this.) */
		double mean = 0, ss = 0;
		for (i = 0; i < g.j; i++)
			mean += g.ybar[i];
		mean /= (double)g.j;
		for (i = 0; i < g.j; i++)
			ss += (g.ybar[i] - mean) * (g.ybar[i] - mean);
		if (ss == 0)
			goto out;
		out->var_within = 0;
		out->var_between = ss / (double)(g.j - 1);
		out->icc = 1;
		out->intercept = out->coef[0] = mean;
		out->se_intercept = out->se_coef[0] = sqrt(out->var_between / (double)g.j);
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
	if (!isfinite(best))
		goto out;
	lo = lambda_of(rho[arg ? arg - 1 : 0]);
	hi = lambda_of(rho[arg + 1 < n_rho ? arg + 1 : arg]);
	if (arg == 0 && gradient(0, &g) >= 0)
		lambda = 0; /* the boundary: no between-group variance */
	else if (below(gradient(lo, &g)) && above(gradient(hi, &g)))
		lambda = solve(&g, lo, hi);
	else
		lambda = golden(&g, lo, hi);

	evaluate(&g, lambda, &a);
	if (!a.ok)
		goto out;
	s2 = a.q / df_of(&g);
	out->var_within = s2;
	out->var_between = lambda * s2;
	out->icc = lambda / (1 + lambda);
	/* Var(b_x) = s^2 S^-1; b_0 = ybar_w - xbar_w' b_x, and ybar_w is uncorrelated with b_x
	 * because the centred X' H^-1 X is block diagonal. */
	out->coef[0] = a.mu;
	v = 1 / a.sum_w;
	out->se_coef[0] = sqrt(s2 / a.sum_w);
	for (k = 0; k < p; k++) {
		out->coef[k + 1] = a.beta[k];
		out->se_coef[k + 1] = sqrt(s2 * a.sinv[k * p + k]);
		for (m = 0; m < p; m++)
			v += a.xbar_w[k] * a.sinv[k * p + m] * a.xbar_w[m];
	}
	if (p)
		out->se_coef[0] = sqrt(s2 * v);
	out->intercept = out->coef[0];
	out->se_intercept = out->se_coef[0];
	out->neg2_loglik = objective(&g, lambda);
	rc = 0;
out:
	groups_release(&g);
	return rc;
}

int stats_reml_oneway(const double *y, const size_t *group, size_t n, size_t n_groups,
                      struct stats_reml *out)
{
	return stats_reml_fit(y, NULL, 0, group, n, n_groups, out);
}
