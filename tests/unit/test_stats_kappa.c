/* Tests for Cohen's kappa against Cohen (1968) and the Fleiss-Cohen-Everitt standard errors. */
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

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

/* A small deterministic generator, so that the random cases are the same on every run. */
static uint32_t kappa_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static void check_kappa_same(const struct stats_kappa *x, const struct stats_kappa *y)
{
	CHECK_NEAR(x->n, y->n, 0);
	CHECK_NEAR(x->kappa, y->kappa, 1e-12);
	CHECK_NEAR(x->p_observed, y->p_observed, 1e-12);
	CHECK_NEAR(x->p_expected, y->p_expected, 1e-12);
	CHECK_NEAR(x->se, y->se, 1e-12);
	CHECK_NEAR(x->se0, y->se0, 1e-12);
	CHECK_NEAR(x->z, y->z, 1e-12);
	CHECK_NEAR(x->p, y->p, 1e-12);
}

/* Cohen's 200 subjects as raw columns, with subjects missing a rating mixed in. */
TEST(test_stats_kappa_pairs_matches_the_table_on_cohen_1968)
{
	uint32_t a[260], b[260];
	struct stats_kappa from_pairs, from_table;
	size_t n = 0, cell, i;
	double w[9];

	for (cell = 0; cell < 9; cell++) {
		for (i = 0; i < (size_t)cohen_table[cell]; i++) {
			a[n] = (uint32_t)(cell / 3);
			b[n] = (uint32_t)(cell % 3);
			n++;
			if (n % 7 == 0) {
				a[n] = n % 2 ? STATS_MISSING : 1;
				b[n] = n % 2 ? 2 : STATS_MISSING;
				n++;
			}
		}
	}
	CHECK_INT(stats_kappa_pairs(a, b, n, 3, NULL, &from_pairs), 0);
	CHECK_INT(stats_kappa_table(cohen_table, 3, NULL, &from_table), 0);
	check_kappa_same(&from_pairs, &from_table);
	CHECK_NEAR(from_pairs.kappa, 29.0 / 59, 1e-13);
	cohen_weights(w);
	CHECK_INT(stats_kappa_pairs(a, b, n, 3, w, &from_pairs), 0);
	CHECK_NEAR(from_pairs.kappa, 8.0 / 23, 1e-13);
	CHECK_NEAR(from_pairs.se, 0.07550401525482293, 1e-12);
}

TEST(test_stats_kappa_pairs_matches_the_table_on_random_data)
{
	static uint32_t a[5000], b[5000];
	static double table[81], w[81];
	struct stats_kappa from_pairs, from_table;
	uint64_t seed = 42;
	int round, kind;

	for (round = 0; round < 20; round++) {
		size_t c = 2 + kappa_rand(&seed) % 8, n = 1 + kappa_rand(&seed) % 5000, i;

		memset(table, 0, sizeof(table));
		for (i = 0; i < n; i++) {
			/* Rater B agrees with A half the time; one rating in 20 is missing. */
			a[i] = kappa_rand(&seed) % (uint32_t)c;
			b[i] = kappa_rand(&seed) % 2 ? a[i] : kappa_rand(&seed) % (uint32_t)c;
			if (kappa_rand(&seed) % 20 == 0)
				(kappa_rand(&seed) % 2 ? a : b)[i] = STATS_MISSING;
			if (a[i] != STATS_MISSING && b[i] != STATS_MISSING)
				table[a[i] * c + b[i]] += 1;
		}
		for (kind = 0; kind < STATS_WEIGHTS__MAX; kind++) {
			stats_kappa_weights((enum stats_weights)kind, c, w);
			if (stats_kappa_table(table, c, w, &from_table)) {
				CHECK_INT(stats_kappa_pairs(a, b, n, c, w, &from_pairs), -1);
				continue;
			}
			CHECK_INT(stats_kappa_pairs(a, b, n, c, w, &from_pairs), 0);
			check_kappa_same(&from_pairs, &from_table);
		}
	}
}

TEST(test_stats_kappa_pairs_rejects_codes_out_of_range_and_no_complete_pair)
{
	static const uint32_t a[3] = {0, 1, 2}, b[3] = {0, 1, 1};
	static const uint32_t none[2] = {STATS_MISSING, 0}, other[2] = {1, STATS_MISSING};
	struct stats_kappa k;

	CHECK_INT(stats_kappa_pairs(a, b, 3, 3, NULL, &k), 0);
	CHECK_INT(stats_kappa_pairs(a, b, 3, 2, NULL, &k), -1);
	CHECK_INT(stats_kappa_pairs(none, other, 2, 2, NULL, &k), -1);
	CHECK_INT(stats_kappa_pairs(a, b, 0, 2, NULL, &k), -1);
	CHECK_INT(stats_kappa_pairs(a, b, 3, 0, NULL, &k), -1);
}
