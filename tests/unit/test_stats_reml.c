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
