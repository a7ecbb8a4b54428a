/* Tests for the REML fit of the one-way random-effects (therapist effects) model. */
#include "unit.h"

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "core/stats.h"
#include "util/banned.h"

/* Unbalanced: 5 therapists with 3, 2, 5, 1 and 4 clients. */
static const double ub_y[15] = {3, 5, 4, 7, 8, 2, 4, 3, 5, 1, 6, 9, 7, 8, 10};
static const size_t ub_g[15] = {0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4};

TEST(test_stats_reml_balanced_equals_anova_estimator)
{
	/* 4 groups of 3; group means 2, 5, 3, 8 (grand 4.5). */
	static const double y[12] = {1, 2, 3, 4, 5, 6, 3, 3, 3, 6, 8, 10};
	static const size_t g[12] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
	struct stats_reml r;
	/* SSB = 3 * (6.25 + 0.25 + 2.25 + 12.25) = 63, MSB = 21; SSW = 2 + 2 + 0 + 8 = 12,
	 * MSW = 12 / 8 = 1.5. ANOVA: var_b = (21 - 1.5) / 3 = 6.5. */
	CHECK_INT(stats_reml_oneway(y, g, 12, 4, &r), 0);
	CHECK_INT(r.n, 12);
	CHECK_INT(r.n_groups, 4);
	CHECK_NEAR(r.var_within, 1.5, 1e-10);
	CHECK_NEAR(r.var_between, 6.5, 1e-10);
	CHECK_NEAR(r.icc, 6.5 / 8, 1e-10);
	CHECK_NEAR(r.intercept, 4.5, 1e-12);
	/* Balanced GLS mean is the grand mean; Var = MSB / N = 21 / 12. */
	CHECK_NEAR(r.se_intercept, sqrt(21.0 / 12), 1e-10);
}

TEST(test_stats_reml_balanced_with_negative_anova_estimate_is_zero)
{
	/* Group means equal (2, 2, 2): MSB = 0 < MSW, so REML stops at the boundary. */
	static const double y[9] = {1, 2, 3, 3, 2, 1, 2, 1, 3};
	static const size_t g[9] = {0, 0, 0, 1, 1, 1, 2, 2, 2};
	struct stats_reml r;

	CHECK_INT(stats_reml_oneway(y, g, 9, 3, &r), 0);
	CHECK_NEAR(r.var_between, 0, 0);
	CHECK_NEAR(r.var_within, 6.0 / 8, 1e-12);
	CHECK_NEAR(r.icc, 0, 0);
}

/*
 * An independent REML likelihood: the full N x N matrix H = I + lambda Z Z' inverted with a
 * Cholesky factorisation, so nothing is shared with the engine's group-summary formulas.
 */
static double full_neg2(const double *y, const size_t *g, size_t n, double lambda)
{
	gsl_matrix *h = gsl_matrix_alloc(n, n);
	double logdet = 0, xhx = 0, xhy = 0, mu, q = 0, hinv_ij;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			gsl_matrix_set(h, i, j, (i == j) + (g[i] == g[j] ? lambda : 0));
	gsl_linalg_cholesky_decomp1(h);
	for (i = 0; i < n; i++)
		logdet += 2 * log(gsl_matrix_get(h, i, i));
	gsl_linalg_cholesky_invert(h);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			hinv_ij = gsl_matrix_get(h, i, j);
			xhx += hinv_ij;
			xhy += hinv_ij * y[j];
		}
	}
	mu = xhy / xhx;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			q += (y[i] - mu) * gsl_matrix_get(h, i, j) * (y[j] - mu);
	gsl_matrix_free(h);
	return (double)(n - 1) * log(q / (double)(n - 1)) + logdet + log(xhx) + (double)(n - 1);
}

TEST(test_stats_reml_unbalanced_matches_brute_force_grid)
{
	struct stats_reml r;
	double best = INFINITY, arg = 0, lo, hi;
	int i;

	/* Grid over rho in [0, 1), then ternary search in the best cell. */
	for (i = 0; i < 2000; i++) {
		double rho = i / 2000.0, f = full_neg2(ub_y, ub_g, 15, rho / (1 - rho));
		if (f < best) {
			best = f;
			arg = rho;
		}
	}
	lo = arg > 0 ? arg - 1 / 2000.0 : 0;
	hi = arg + 1 / 2000.0;
	for (i = 0; i < 200; i++) {
		double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
		if (full_neg2(ub_y, ub_g, 15, m1 / (1 - m1)) <
		    full_neg2(ub_y, ub_g, 15, m2 / (1 - m2)))
			hi = m2;
		else
			lo = m1;
	}
	CHECK_INT(stats_reml_oneway(ub_y, ub_g, 15, 5, &r), 0);
	CHECK_INT(r.n_groups, 5);
	/* Minimising a smooth function pins its argument only to ~sqrt(epsilon). */
	CHECK_NEAR(r.icc, (lo + hi) / 2, 1e-6);
	CHECK(r.neg2_loglik <= full_neg2(ub_y, ub_g, 15, (lo + hi) / (2 - lo - hi)) + 1e-12);
	CHECK_NEAR(r.neg2_loglik, full_neg2(ub_y, ub_g, 15, r.var_between / r.var_within), 1e-12);
}

/* Reference: lme4::lmer(y ~ 1 + (1 | g), REML = TRUE) with a tight bobyqa tolerance. */
TEST(test_stats_reml_unbalanced_matches_lme4)
{
	struct stats_reml r;

	CHECK_INT(stats_reml_oneway(ub_y, ub_g, 15, 5, &r), 0);
	CHECK_NEAR(r.var_between, 5.11741362279205, 1e-7);
	CHECK_NEAR(r.var_within, 1.71702137111667, 1e-7);
	CHECK_NEAR(r.intercept, 5.76648208839952, 1e-8);
	CHECK_NEAR(r.se_intercept, 1.08285645086816, 1e-7);
	/* lme4's REML criterion includes (N - 1) log(2 pi). */
	CHECK_NEAR(r.neg2_loglik + 14 * log(2 * M_PI), 58.6236518856697, 1e-10);
}

TEST(test_stats_reml_objective_is_exposed_and_consistent)
{
	struct stats_reml r;
	double lambda;

	CHECK_INT(stats_reml_oneway(ub_y, ub_g, 15, 5, &r), 0);
	lambda = r.var_between / r.var_within;
	CHECK_NEAR(stats_reml_oneway_objective(ub_y, ub_g, 15, 5, lambda), r.neg2_loglik, 1e-13);
	CHECK_NEAR(stats_reml_oneway_objective(ub_y, ub_g, 15, 5, 0.7),
	           full_neg2(ub_y, ub_g, 15, 0.7), 1e-12);
	CHECK(stats_reml_oneway_objective(ub_y, ub_g, 15, 5, lambda * 1.01) > r.neg2_loglik);
	CHECK(stats_reml_oneway_objective(ub_y, ub_g, 15, 5, lambda * 0.99) > r.neg2_loglik);
}

TEST(test_stats_reml_unbalanced_boundary_matches_lme4)
{
	/* lme4 reports a singular fit: var_between 0, var_within 2/3 (the sample variance). */
	static const double y[10] = {1, 2, 3, 2, 3, 1, 3, 1, 2, 2};
	static const size_t g[10] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
	struct stats_reml r;

	CHECK_INT(stats_reml_oneway(y, g, 10, 3, &r), 0);
	CHECK_NEAR(r.var_between, 0, 0);
	CHECK_NEAR(r.var_within, 2.0 / 3, 1e-12);
	CHECK_NEAR(r.intercept, 2, 1e-12);
}

TEST(test_stats_reml_skips_empty_groups_and_rejects_unidentified_models)
{
	static const double y[4] = {1, 2, 3, 5};
	static const size_t g_empty[4] = {0, 0, 3, 3}, g_single[4] = {0, 1, 2, 3};
	static const size_t g_one[4] = {0, 0, 0, 0};
	static const double flat[4] = {2, 2, 2, 2};
	struct stats_reml r;

	CHECK_INT(stats_reml_oneway(y, g_empty, 4, 5, &r), 0);
	CHECK_INT(r.n_groups, 2);
	CHECK_INT(stats_reml_oneway(y, g_single, 4, 4, &r), -1);   /* no within-group df */
	CHECK_INT(stats_reml_oneway(y, g_one, 4, 1, &r), -1);      /* one group */
	CHECK_INT(stats_reml_oneway(flat, g_empty, 4, 5, &r), -1); /* no variation */
	CHECK_INT(stats_reml_oneway(y, g_empty, 4, 2, &r), -1);    /* group out of range */
}

TEST(test_stats_reml_no_within_variation_puts_all_variance_between)
{
	static const double y[4] = {1, 1, 3, 3};
	static const size_t g[4] = {0, 0, 1, 1};
	struct stats_reml r;

	CHECK_INT(stats_reml_oneway(y, g, 4, 2, &r), 0);
	CHECK_NEAR(r.var_within, 0, 0);
	CHECK_NEAR(r.var_between, 2, 1e-14);
	CHECK_NEAR(r.icc, 1, 0);
}

/* ---- With covariates ---- */

/* 6 therapists with 3, 5, 2, 4, 1 and 6 clients; x is the baseline score, y the change. */
static const double cv_y[21] = {-9, -12, -6, -5, -3, -1, -4, -4, -7, 0, -1,
                                -5, -8,  1,  -8, -3, -7, -6, 0,  -7, -3};
static const double cv_x[21] = {22, 22, 13, 13, 11, 9,  20, 13, 10, 9, 8,
                                14, 24, 8,  16, 10, 16, 17, 8,  20, 11};
static const size_t cv_g[21] = {0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 5};

/*
 * The REML criterion and GLS estimates with full matrices: H = I + lambda Z Z' (N x N) and
 * X = [1, x_1 .. x_p] (N x (p + 1)), each product formed explicitly and inverted by
 * Cholesky, so nothing is shared with the engine's group-summary algebra. beta and se get
 * the p + 1 fixed effects and their standard errors; either may be NULL.
 */
static double full_fit(const double *y, const double *x, size_t p, const size_t *g, size_t n,
                       double lambda, double *beta, double *se)
{
	size_t q = p + 1, i, j, k, l;
	gsl_matrix *h = gsl_matrix_alloc(n, n), *m = gsl_matrix_alloc(q, q);
	gsl_vector *xhy = gsl_vector_alloc(q), *b = gsl_vector_alloc(q);
	double logdet_h = 0, logdet_m = 0, quad = 0, df = (double)(n - q), s2;

#define XV(i, k) ((k) == 0 ? 1.0 : x[(i)*p + (k)-1])
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			gsl_matrix_set(h, i, j, (i == j) + (g[i] == g[j] ? lambda : 0));
	gsl_linalg_cholesky_decomp1(h);
	for (i = 0; i < n; i++)
		logdet_h += 2 * log(gsl_matrix_get(h, i, i));
	gsl_linalg_cholesky_invert(h);
	for (k = 0; k < q; k++) {
		double sy = 0;
		for (l = 0; l < q; l++) {
			double s = 0;
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
					s += XV(i, k) * gsl_matrix_get(h, i, j) * XV(j, l);
			gsl_matrix_set(m, k, l, s);
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				sy += XV(i, k) * gsl_matrix_get(h, i, j) * y[j];
		gsl_vector_set(xhy, k, sy);
	}
	gsl_linalg_cholesky_decomp1(m);
	for (k = 0; k < q; k++)
		logdet_m += 2 * log(gsl_matrix_get(m, k, k));
	gsl_linalg_cholesky_solve(m, xhy, b);
	for (i = 0; i < n; i++) {
		double ri = y[i], rj;
		for (k = 0; k < q; k++)
			ri -= XV(i, k) * gsl_vector_get(b, k);
		for (j = 0; j < n; j++) {
			rj = y[j];
			for (k = 0; k < q; k++)
				rj -= XV(j, k) * gsl_vector_get(b, k);
			quad += ri * gsl_matrix_get(h, i, j) * rj;
		}
	}
	s2 = quad / df;
	gsl_linalg_cholesky_invert(m);
	for (k = 0; k < q; k++) {
		if (beta)
			beta[k] = gsl_vector_get(b, k);
		if (se)
			se[k] = sqrt(s2 * gsl_matrix_get(m, k, k));
	}
#undef XV
	gsl_vector_free(b);
	gsl_vector_free(xhy);
	gsl_matrix_free(m);
	gsl_matrix_free(h);
	return df * log(quad / df) + logdet_h + logdet_m + df;
}

TEST(test_stats_reml_covariate_objective_matches_full_matrices)
{
	static const double lambdas[5] = {0, 0.05, 0.4, 3, 250};
	double x2[42];
	size_t i;

	for (i = 0; i < 5; i++)
		CHECK_NEAR(stats_reml_objective(cv_y, cv_x, 1, cv_g, 21, 6, lambdas[i]),
		           full_fit(cv_y, cv_x, 1, cv_g, 21, lambdas[i], NULL, NULL), 1e-11);
	/* Two covariates: the baseline and a made-up session count. */
	for (i = 0; i < 21; i++) {
		x2[2 * i] = cv_x[i];
		x2[2 * i + 1] = (double)((i * 7) % 5 + 4);
	}
	for (i = 0; i < 5; i++)
		CHECK_NEAR(stats_reml_objective(cv_y, x2, 2, cv_g, 21, 6, lambdas[i]),
		           full_fit(cv_y, x2, 2, cv_g, 21, lambdas[i], NULL, NULL), 1e-11);
	/* No covariates: the same as the one-way objective. */
	CHECK_NEAR(stats_reml_objective(cv_y, NULL, 0, cv_g, 21, 6, 0.7),
	           stats_reml_oneway_objective(cv_y, cv_g, 21, 6, 0.7), 0);
}

TEST(test_stats_reml_covariate_fit_matches_brute_force_grid)
{
	struct stats_reml r;
	double best = INFINITY, arg = 0, lo, hi, beta[2], se[2], lambda;
	int i;

	/* The REML estimate by brute force: a grid over rho in [0, 1), then ternary search. */
	for (i = 0; i < 2000; i++) {
		double rho = i / 2000.0,
		       f = full_fit(cv_y, cv_x, 1, cv_g, 21, rho / (1 - rho), 0, 0);
		if (f < best) {
			best = f;
			arg = rho;
		}
	}
	lo = arg > 0 ? arg - 1 / 2000.0 : 0;
	hi = arg + 1 / 2000.0;
	for (i = 0; i < 200; i++) {
		double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
		if (full_fit(cv_y, cv_x, 1, cv_g, 21, m1 / (1 - m1), 0, 0) <
		    full_fit(cv_y, cv_x, 1, cv_g, 21, m2 / (1 - m2), 0, 0))
			hi = m2;
		else
			lo = m1;
	}
	CHECK_INT(stats_reml_fit(cv_y, cv_x, 1, cv_g, 21, 6, &r), 0);
	CHECK_INT(r.n, 21);
	CHECK_INT(r.n_groups, 6);
	CHECK_INT(r.n_coef, 2);
	CHECK(r.icc > 0.05 && r.icc < 0.5); /* an interior optimum, not the boundary */
	CHECK_NEAR(r.icc, (lo + hi) / 2, 1e-6);
	lambda = r.var_between / r.var_within;
	CHECK_NEAR(r.neg2_loglik, full_fit(cv_y, cv_x, 1, cv_g, 21, lambda, beta, se), 1e-11);
	CHECK(r.neg2_loglik <=
	      full_fit(cv_y, cv_x, 1, cv_g, 21, (lo + hi) / (2 - lo - hi), 0, 0) + 1e-12);
	/* GLS estimates and standard errors at the fitted variances. */
	CHECK_NEAR(r.coef[0], beta[0], 1e-10);
	CHECK_NEAR(r.coef[1], beta[1], 1e-10);
	CHECK_NEAR(r.se_coef[0], se[0], 1e-10);
	CHECK_NEAR(r.se_coef[1], se[1], 1e-10);
	CHECK_NEAR(r.intercept, r.coef[0], 0);
	CHECK_NEAR(r.se_intercept, r.se_coef[0], 0);
}

/* Reference: lme4::lmer(change ~ baseline + (1 | therapist), REML = TRUE), bobyqa with
 * rhoend 1e-12; lme4's REML criterion includes (N - p - 1) log(2 pi). */
TEST(test_stats_reml_covariate_matches_lme4)
{
	struct stats_reml r;

	CHECK_INT(stats_reml_fit(cv_y, cv_x, 1, cv_g, 21, 6, &r), 0);
	CHECK_NEAR(r.coef[0], 2.49814007089196, 1e-7);
	CHECK_NEAR(r.coef[1], -0.52069348441889, 1e-7);
	CHECK_NEAR(r.se_coef[0], 1.2897745437036878, 1e-6);
	CHECK_NEAR(r.se_coef[1], 0.0839765274352097, 1e-6);
	CHECK_NEAR(r.var_between, 0.549645009576349, 1e-6);
	CHECK_NEAR(r.var_within, 3.465105368471886, 1e-6);
	CHECK_NEAR(r.neg2_loglik + 19 * log(2 * M_PI), 88.8284775435699, 1e-9);
}

/*
 * Balanced groups of m with a covariate constant within each group: the REML likelihood
 * splits into the within-group part, SSW ~ s^2 chi^2 on J(m - 1) df, and the group means'
 * residuals from their own regression, RSS_b ~ tau chi^2 on J - 2 df with tau = var_between
 * + s^2 / m. So var_within = MSW, tau = RSS_b / (J - 2), the fixed effects are the OLS fit
 * of the group means on x, and their covariance is tau (X_b' X_b)^-1.
 */
TEST(test_stats_reml_balanced_group_level_covariate_has_closed_form)
{
	static const double xg[5] = {1, 2, 3, 4, 6};
	static const double y[15] = {2, 3, 5, 5, 7, 6, 3, 5, 4, 8, 10, 9, 10, 12, 11};
	double x[15], ybar[5], xm = 0, ym = 0, sxx = 0, sxy = 0, ssw = 0, rss = 0, b0, b1, tau;
	size_t g[15], i, j;
	struct stats_reml r;

	for (i = 0; i < 15; i++) {
		g[i] = i / 3;
		x[i] = xg[i / 3];
	}
	for (j = 0; j < 5; j++) {
		ybar[j] = (y[3 * j] + y[3 * j + 1] + y[3 * j + 2]) / 3;
		for (i = 0; i < 3; i++)
			ssw += (y[3 * j + i] - ybar[j]) * (y[3 * j + i] - ybar[j]);
		xm += xg[j] / 5;
		ym += ybar[j] / 5;
	}
	for (j = 0; j < 5; j++) {
		sxx += (xg[j] - xm) * (xg[j] - xm);
		sxy += (xg[j] - xm) * (ybar[j] - ym);
	}
	b1 = sxy / sxx;
	b0 = ym - b1 * xm;
	for (j = 0; j < 5; j++)
		rss += (ybar[j] - b0 - b1 * xg[j]) * (ybar[j] - b0 - b1 * xg[j]);
	tau = rss / 3;

	CHECK_INT(stats_reml_fit(y, x, 1, g, 15, 5, &r), 0);
	CHECK_NEAR(r.var_within, ssw / 10, 1e-10);
	CHECK_NEAR(r.var_between, tau - ssw / 10 / 3, 1e-10);
	CHECK_NEAR(r.coef[0], b0, 1e-10);
	CHECK_NEAR(r.coef[1], b1, 1e-10);
	CHECK_NEAR(r.se_coef[1], sqrt(tau / sxx), 1e-10);
	CHECK_NEAR(r.se_coef[0], sqrt(tau * (1.0 / 5 + xm * xm / sxx)), 1e-10);
	/* The same fit as lme4 (to its tolerance). */
	CHECK_NEAR(r.var_between, 2.30250320177489, 1e-6);
}

TEST(test_stats_reml_covariate_rejects_unusable_designs)
{
	double flat[21], twice[2 * 21], exact[21];
	struct stats_reml r;
	size_t i;

	for (i = 0; i < 21; i++) {
		flat[i] = 12;
		twice[2 * i] = cv_x[i];
		twice[2 * i + 1] = 2 * cv_x[i] + 1; /* collinear with the first and the intercept */
		exact[i] = 3 - 0.5 * cv_x[i] + (double)cv_g[i]; /* no residual within groups */
	}
	CHECK_INT(stats_reml_fit(cv_y, flat, 1, cv_g, 21, 6, &r), -1);
	CHECK_INT(stats_reml_fit(cv_y, twice, 2, cv_g, 21, 6, &r), -1);
	CHECK_INT(stats_reml_fit(exact, cv_x, 1, cv_g, 21, 6, &r), -1);
	CHECK_INT(stats_reml_fit(cv_y, cv_x, STATS_REML_MAX_COVARIATES + 1, cv_g, 21, 6, &r), -1);
	CHECK_INT(stats_reml_fit(cv_y, NULL, 1, cv_g, 21, 6, &r), -1);
	/* Three observations in two groups leave no degree of freedom for two fixed effects. */
	CHECK_INT(stats_reml_fit(cv_y, cv_x, 1, cv_g, 2, 1, &r), -1);
	CHECK(isnan(stats_reml_objective(cv_y, flat, 1, cv_g, 21, 6, 0.5)));
	/* The covariate may be missing nowhere. */
	flat[4] = NAN;
	CHECK_INT(stats_reml_fit(cv_y, flat, 1, cv_g, 21, 6, &r), -1);
}

TEST(test_stats_reml_without_covariates_reports_one_coefficient)
{
	struct stats_reml r;

	CHECK_INT(stats_reml_oneway(ub_y, ub_g, 15, 5, &r), 0);
	CHECK_INT(r.n_coef, 1);
	CHECK_NEAR(r.coef[0], r.intercept, 0);
	CHECK_NEAR(r.se_coef[0], r.se_intercept, 0);
}
