/* Tests for Cohen's kappa against Cohen (1968) and the Fleiss-Cohen-Everitt standard errors. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

/* Cohen (1968): 200 subjects, rows rater A, proportions .44 .07 .09 / .05 .20 .05 / ... */
static const double cohen_table[9] = {88, 14, 18, 10, 40, 10, 2, 6, 12};

/* Cohen's disagreement weights 0,1,3 / 1,0,6 / 3,6,0 as agreement weights 1 - v / 6. */
static void cohen_weights(double *w)
{
	static const double v[9] = {0, 1, 3, 1, 0, 6, 3, 6, 0};
	int i;

	for (i = 0; i < 9; i++)
		w[i] = 1 - v[i] / 6;
}

TEST(test_stats_kappa_matches_cohen_1968_table)
{
	struct stats_kappa k;
	double w[9];

	CHECK_INT(stats_kappa_table(cohen_table, 3, NULL, &k), 0);
	CHECK(fabs(k.kappa - 0.492) < 0.0005);
	cohen_weights(w);
	CHECK_INT(stats_kappa_table(cohen_table, 3, w, &k), 0);
	CHECK(fabs(k.kappa - 0.348) < 0.0005);
}

/*
 * Exact values worked by hand: po = .70, pe = .41, kappa = 29/59; weighted po = .85,
 * pe = .77, kappa = 8/23. The standard errors come from an independent route, the delta
 * method on the multinomial cell proportions, evaluated in exact rational arithmetic (at the
 * observed table for SE, at the product of its margins for SE0).
 */
TEST(test_stats_kappa_cohen_1968_is_exact_with_fce_standard_errors)
{
	struct stats_kappa k;
	double w[9];

	CHECK_INT(stats_kappa_table(cohen_table, 3, NULL, &k), 0);
	CHECK_NEAR(k.n, 200, 0);
	CHECK_NEAR(k.p_observed, 0.70, 1e-14);
	CHECK_NEAR(k.p_expected, 0.41, 1e-14);
	CHECK_NEAR(k.kappa, 29.0 / 59, 1e-13);
	CHECK_NEAR(k.se, 0.05100181557607785, 1e-12);
	CHECK_NEAR(k.se0, 0.05197893635659544, 1e-12);
	CHECK_NEAR(k.z, 9.456242435527358, 1e-12);
	CHECK_NEAR(k.ci_lower, 29.0 / 59 - STATS_Z975 * 0.05100181557607785, 1e-12);
	CHECK_NEAR(k.ci_upper, 29.0 / 59 + STATS_Z975 * 0.05100181557607785, 1e-12);
	CHECK(k.p < 1e-15);

	cohen_weights(w);
	CHECK_INT(stats_kappa_table(cohen_table, 3, w, &k), 0);
	CHECK_NEAR(k.p_observed, 0.85, 1e-14);
	CHECK_NEAR(k.p_expected, 0.77, 1e-14);
	CHECK_NEAR(k.kappa, 8.0 / 23, 1e-13);
	CHECK_NEAR(k.se, 0.07550401525482293, 1e-12);
	CHECK_NEAR(k.se0, 0.059719993559526126, 1e-12);
	CHECK_NEAR(k.z, 5.824282057395481, 1e-12);
}

/* psych::cohen.kappa gives var.kappa = 0.0026011851920562587 for the unweighted table. */
TEST(test_stats_kappa_unweighted_se_matches_psych)
{
	struct stats_kappa k;

	CHECK_INT(stats_kappa_table(cohen_table, 3, NULL, &k), 0);
	CHECK_NEAR(k.se * k.se, 0.0026011851920562587, 1e-12);
	CHECK_NEAR(k.ci_lower, 0.3915637020535469, 1e-12);
	CHECK_NEAR(k.ci_upper, 0.59148714540407998, 1e-12);
}

/* Same table with linear and quadratic weights; exact values and delta-method SEs by hand. */
TEST(test_stats_kappa_linear_and_quadratic_weights_are_exact)
{
	struct stats_kappa k;
	double w[9];

	stats_kappa_weights(STATS_WEIGHTS_LINEAR, 3, w);
	CHECK_NEAR(w[1], 0.5, 0);
	CHECK_NEAR(w[2], 0, 0);
	CHECK_INT(stats_kappa_table(cohen_table, 3, w, &k), 0);
	CHECK_NEAR(k.p_observed, 0.8, 1e-14);
	CHECK_NEAR(k.p_expected, 0.62, 1e-14);
	CHECK_NEAR(k.kappa, 9.0 / 19, 1e-13);
	CHECK_NEAR(k.se, 0.05443230917764151, 1e-12);
	CHECK_NEAR(k.se0, 0.054696341291648756, 1e-12);

	stats_kappa_weights(STATS_WEIGHTS_QUADRATIC, 3, w);
	CHECK_NEAR(w[1], 0.75, 0);
	CHECK_INT(stats_kappa_table(cohen_table, 3, w, &k), 0);
	CHECK_NEAR(k.kappa, 5.0 / 11, 1e-13);
	CHECK_NEAR(k.se, 0.06645368159107816, 1e-12);
	CHECK_NEAR(k.se0, 0.06735866746488256, 1e-12);

	stats_kappa_weights(STATS_WEIGHTS_NONE, 3, w);
	CHECK_NEAR(w[0], 1, 0);
	CHECK_NEAR(w[1], 0, 0);
}

/* 2 x 2 by hand: 20 agree yes, 15 agree no, 5 + 10 disagree; po = .7, pe = .5, kappa = .4. */
TEST(test_stats_kappa_two_by_two_hand_case)
{
	static const double t[4] = {20, 5, 10, 15};
	struct stats_kappa k;

	CHECK_INT(stats_kappa_table(t, 2, NULL, &k), 0);
	CHECK_NEAR(k.p_observed, 0.7, 1e-14);
	CHECK_NEAR(k.p_expected, 0.5, 1e-14);
	CHECK_NEAR(k.kappa, 0.4, 1e-14);
	/* Null variance for 2 x 2: (pe + pe^2 - sum p_i. p_.i (p_i. + p_.i)) / (n (1 - pe)^2). */
	CHECK_NEAR(k.se0, sqrt((0.5 + 0.25 - (0.5 * 0.6 * 1.1 + 0.5 * 0.4 * 0.9)) / (50 * 0.25)),
	           1e-13);
}

TEST(test_stats_kappa_perfect_agreement_has_kappa_one_and_zero_se)
{
	static const double t[4] = {7, 0, 0, 3};
	struct stats_kappa k;

	CHECK_INT(stats_kappa_table(t, 2, NULL, &k), 0);
	CHECK_NEAR(k.kappa, 1, 1e-14);
	CHECK_NEAR(k.se, 0, 1e-14);
}

TEST(test_stats_kappa_single_category_is_undefined_not_an_error)
{
	static const double t[1] = {10};
	struct stats_kappa k;

	CHECK_INT(stats_kappa_table(t, 1, NULL, &k), 0);
	CHECK(isnan(k.kappa));
}

TEST(test_stats_kappa_rejects_empty_or_negative_tables)
{
	static const double zero[4] = {0, 0, 0, 0}, neg[4] = {1, -1, 2, 3};
	struct stats_kappa k;

	CHECK_INT(stats_kappa_table(zero, 2, NULL, &k), -1);
	CHECK_INT(stats_kappa_table(neg, 2, NULL, &k), -1);
}
