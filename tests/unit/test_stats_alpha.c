/* Tests for Krippendorff's alpha against Krippendorff (2011) and hand computation. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

/*
 * Krippendorff (2011, section E): 4 observers x 12 units, values 1..5, "." missing.
 *   A: 1 2 3 3 2 1 4 1 2 . . .
 *   B: 1 2 3 3 2 2 4 1 2 5 . 3
 *   C: . 3 3 3 2 3 4 2 2 5 1 .
 *   D: 1 2 3 3 2 4 4 1 2 5 1 .
 */
static const int kr[4][12] = {
    {1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0},
    {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3},
    {0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0},
    {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0},
};

/* Unit ids are u * stride + offset: sparse ids take the sorting path, dense ones bucketing. */
static double kr_alpha_ids(enum stats_metric metric, double *n_pairable, size_t stride,
                           size_t offset)
{
	static const double numeric[5] = {1, 2, 3, 4, 5};
	size_t unit[48], value[48], n = 0;
	struct stats_alpha a;
	int o, u;

	for (o = 0; o < 4; o++) {
		for (u = 0; u < 12; u++) {
			if (!kr[o][u])
				continue;
			unit[n] = (size_t)u * stride + offset;
			value[n] = (size_t)kr[o][u] - 1;
			n++;
		}
	}
	if (stats_alpha(unit, value, n, 5, numeric, metric, &a))
		return NAN;
	*n_pairable = a.n_pairable;
	return a.alpha;
}

static double kr_alpha(enum stats_metric metric, double *n_pairable)
{
	return kr_alpha_ids(metric, n_pairable, 1000, 100);
}

TEST(test_stats_alpha_dense_and_sparse_unit_ids_agree)
{
	double np, dense, sparse;
	int m;

	for (m = 0; m < STATS_METRIC__MAX; m++) {
		dense = kr_alpha_ids((enum stats_metric)m, &np, 1, 0);
		sparse = kr_alpha_ids((enum stats_metric)m, &np, 1000, 100);
		CHECK_NEAR(dense, sparse, 1e-15);
	}
}

TEST(test_stats_alpha_matches_krippendorff_2011_example)
{
	double np;

	CHECK(fabs(kr_alpha(STATS_METRIC_NOMINAL, &np) - 0.743) < 0.0005);
	CHECK_NEAR(np, 40, 0);
	CHECK(fabs(kr_alpha(STATS_METRIC_ORDINAL, &np) - 0.815) < 0.0005);
	CHECK(fabs(kr_alpha(STATS_METRIC_INTERVAL, &np) - 0.849) < 0.0005);
	CHECK(fabs(kr_alpha(STATS_METRIC_RATIO, &np) - 0.797) < 0.0005);
}

/* Exact values from the full coincidence matrix built independently in rational arithmetic
 * (Python fractions, following the paper's section E step by step); nominal is 113/152. */
TEST(test_stats_alpha_krippendorff_example_is_exact)
{
	double np;

	CHECK_NEAR(kr_alpha(STATS_METRIC_NOMINAL, &np), 0.743421052631579, 1e-13);
	CHECK_NEAR(kr_alpha(STATS_METRIC_ORDINAL, &np), 0.8153875037548813, 1e-13);
	CHECK_NEAR(kr_alpha(STATS_METRIC_INTERVAL, &np), 0.8491071428571428, 1e-13);
	CHECK_NEAR(kr_alpha(STATS_METRIC_RATIO, &np), 0.797402774711612, 1e-13);
}

/*
 * Hand case: two units, two coders, values a/b: unit 1 (a, a), unit 2 (a, b).
 * o_aa = 2, o_ab = o_ba = 1; n_a = 3, n_b = 1, n = 4.
 * Nominal: alpha = 1 - (n - 1) * D_o / D_e = 1 - 3 * 2 / (2 * 3 * 1) = 0.
 */
TEST(test_stats_alpha_nominal_hand_case)
{
	static const size_t unit[4] = {1, 1, 2, 2}, value[4] = {0, 0, 0, 1};
	struct stats_alpha a;

	CHECK_INT(stats_alpha(unit, value, 4, 2, NULL, STATS_METRIC_NOMINAL, &a), 0);
	CHECK_NEAR(a.alpha, 0, 1e-14);
	CHECK_NEAR(a.n_pairable, 4, 0);
}

/*
 * Interval hand case with one unit coded by three coders: (1, 2, 4) and unit (3, 3).
 * Pairable n = 5. D_o numerator: unit 1 pairs (ordered) 2*(1 + 9 + 4)/2 = 14, unit 2: 0.
 * D_e numerator: values 1,2,4,3,3, i.e. n_1 = n_2 = n_4 = 1, n_3 = 2, so
 * sum_{c != k} n_c n_k (c - k)^2 = 2 * (1 + 2*4 + 9 + 2*1 + 4 + 2*1) = 52.
 * alpha = 1 - 4 * 14 / 52 = -1/13: worse than chance.
 */
TEST(test_stats_alpha_interval_hand_case_with_three_coders)
{
	static const size_t unit[5] = {9, 9, 9, 4, 4}, value[5] = {0, 1, 3, 2, 2};
	static const double numeric[4] = {1, 2, 3, 4};
	struct stats_alpha a;

	CHECK_INT(stats_alpha(unit, value, 5, 4, numeric, STATS_METRIC_INTERVAL, &a), 0);
	CHECK_NEAR(a.alpha, -1.0 / 13, 1e-13);
}

TEST(test_stats_alpha_ignores_units_with_one_value)
{
	static const size_t unit[5] = {1, 1, 2, 2, 3}, value[5] = {0, 0, 0, 1, 1};
	struct stats_alpha a;

	CHECK_INT(stats_alpha(unit, value, 5, 2, NULL, STATS_METRIC_NOMINAL, &a), 0);
	CHECK_NEAR(a.alpha, 0, 1e-14);
	CHECK_NEAR(a.n_pairable, 4, 0);
}

TEST(test_stats_alpha_without_variation_is_nan_and_too_few_values_fail)
{
	static const size_t unit[4] = {1, 1, 2, 2}, value[4] = {0, 0, 0, 0};
	struct stats_alpha a;

	CHECK_INT(stats_alpha(unit, value, 4, 1, NULL, STATS_METRIC_NOMINAL, &a), 0);
	CHECK(isnan(a.alpha));
	CHECK_INT(stats_alpha(unit, value, 1, 1, NULL, STATS_METRIC_NOMINAL, &a), -1);
	CHECK_INT(stats_alpha(unit, value, 4, 1, NULL, STATS_METRIC_INTERVAL, &a), -1);
}

TEST(test_stats_alpha_ratio_rejects_negative_values)
{
	static const size_t unit[4] = {1, 1, 2, 2}, value[4] = {0, 1, 0, 1};
	static const double numeric[2] = {-1, 2};
	struct stats_alpha a;

	CHECK_INT(stats_alpha(unit, value, 4, 2, numeric, STATS_METRIC_RATIO, &a), -1);
}
