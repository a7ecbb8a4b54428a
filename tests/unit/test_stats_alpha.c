/* Tests for Krippendorff's alpha against Krippendorff (2011) and hand computation. */
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

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

static void check_alpha_same(const struct stats_alpha *x, const struct stats_alpha *y)
{
	CHECK_NEAR(x->n_pairable, y->n_pairable, 0);
	if (isnan(y->alpha)) {
		CHECK(isnan(x->alpha));
	} else {
		CHECK_NEAR(x->alpha, y->alpha, 1e-12);
	}
	CHECK_NEAR(x->d_observed, y->d_observed, 1e-12);
	CHECK_NEAR(x->d_expected, y->d_expected, 1e-12);
}

/* Krippendorff's example through its coincidence matrix, built here by its definition. */
TEST(test_stats_alpha_coincidence_matches_krippendorff_2011_example)
{
	static const double numeric[5] = {1, 2, 3, 4, 5};
	static const double exact[STATS_METRIC__MAX] = {0.743421052631579, 0.8153875037548813,
	                                                0.8491071428571428, 0.797402774711612};
	double o[25] = {0}, np;
	struct stats_alpha a;
	int u, c, k, m;

	for (u = 0; u < 12; u++) {
		double n_uc[5] = {0}, m_u = 0;
		for (c = 0; c < 4; c++) {
			if (kr[c][u]) {
				n_uc[kr[c][u] - 1] += 1;
				m_u += 1;
			}
		}
		if (m_u < 2)
			continue;
		for (c = 0; c < 5; c++)
			for (k = 0; k < 5; k++)
				o[c * 5 + k] += n_uc[c] * (n_uc[k] - (c == k)) / (m_u - 1);
	}
	for (m = 0; m < STATS_METRIC__MAX; m++) {
		CHECK_INT(stats_alpha_coincidence(o, 5, numeric, (enum stats_metric)m, &a), 0);
		CHECK_NEAR(a.alpha, exact[m], 1e-13);
		CHECK_NEAR(a.alpha, kr_alpha((enum stats_metric)m, &np), 1e-12);
		CHECK_NEAR(a.n_pairable, 40, 0);
	}
}

TEST(test_stats_alpha_coincidence_rejects_asymmetric_or_negative_matrices)
{
	static const double asym[4] = {2, 1, 0, 2}, neg[4] = {2, -1, -1, 2}, one[4] = {1, 0, 0, 0};
	struct stats_alpha a;

	CHECK_INT(stats_alpha_coincidence(asym, 2, NULL, STATS_METRIC_NOMINAL, &a), -1);
	CHECK_INT(stats_alpha_coincidence(neg, 2, NULL, STATS_METRIC_NOMINAL, &a), -1);
	CHECK_INT(stats_alpha_coincidence(one, 2, NULL, STATS_METRIC_NOMINAL, &a), -1);
	CHECK_INT(stats_alpha_coincidence(one, 2, NULL, STATS_METRIC_INTERVAL, &a), -1);
}

/* Coders A and B of Krippendorff's example (units 10-12 have one value or none). */
TEST(test_stats_alpha_pairs_matches_stats_alpha_on_two_coders_of_the_example)
{
	static const double numeric[5] = {1, 2, 3, 4, 5};
	uint32_t a[12], b[12];
	size_t unit[24], value[24], n = 0;
	struct stats_alpha from_pairs, general;
	int u, m;

	for (u = 0; u < 12; u++) {
		a[u] = kr[0][u] ? (uint32_t)kr[0][u] - 1 : STATS_MISSING;
		b[u] = kr[1][u] ? (uint32_t)kr[1][u] - 1 : STATS_MISSING;
		for (m = 0; m < 2; m++) {
			if (kr[m][u]) {
				unit[n] = (size_t)u;
				value[n++] = (size_t)kr[m][u] - 1;
			}
		}
	}
	for (m = 0; m < STATS_METRIC__MAX; m++) {
		CHECK_INT(stats_alpha(unit, value, n, 5, numeric, (enum stats_metric)m, &general),
		          0);
		CHECK_INT(
		    stats_alpha_pairs(a, b, 12, 5, numeric, (enum stats_metric)m, &from_pairs), 0);
		check_alpha_same(&from_pairs, &general);
		CHECK_NEAR(from_pairs.n_pairable, 18, 0);
	}
}

static uint32_t alpha_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/*
 * Random two-coder data, with short scales (counted into the matrix) and long ones (beyond
 * PAIRS_TABLE_MAX, passed on to stats_alpha), against stats_alpha on the same observations
 * given in shuffled unit order.
 */
TEST(test_stats_alpha_pairs_matches_stats_alpha_on_random_data)
{
	static uint32_t a[3000], b[3000];
	static size_t unit[6000], value[6000];
	static double numeric[400];
	struct stats_alpha from_pairs, general;
	uint64_t seed = 7;
	int round, m;

	for (round = 0; round < 24; round++) {
		size_t nv =
		    round % 3 == 2 ? 300 + alpha_rand(&seed) % 100 : 2 + alpha_rand(&seed) % 9;
		size_t n = 2 + alpha_rand(&seed) % 3000, n_obs = 0, i, j;
		int rc;

		for (i = 0; i < nv; i++)
			numeric[i] = (double)i * 0.5 + (double)(alpha_rand(&seed) % 4);
		/* Ascending, as value indices are in the order of the scale. */
		for (i = 1; i < nv; i++)
			if (numeric[i] <= numeric[i - 1])
				numeric[i] = numeric[i - 1] + 0.25;
		for (i = 0; i < n; i++) {
			a[i] = alpha_rand(&seed) % (uint32_t)nv;
			b[i] = alpha_rand(&seed) % 3 ? a[i] : alpha_rand(&seed) % (uint32_t)nv;
			if (alpha_rand(&seed) % 10 == 0)
				(alpha_rand(&seed) % 2 ? a : b)[i] = STATS_MISSING;
			if (a[i] != STATS_MISSING) {
				unit[n_obs] = i;
				value[n_obs++] = a[i];
			}
			if (b[i] != STATS_MISSING) {
				unit[n_obs] = i;
				value[n_obs++] = b[i];
			}
		}
		/* Shuffle the observations: stats_alpha groups them by unit itself. */
		for (i = n_obs; i > 1; i--) {
			size_t t;
			j = alpha_rand(&seed) % i;
			t = unit[i - 1];
			unit[i - 1] = unit[j];
			unit[j] = t;
			t = value[i - 1];
			value[i - 1] = value[j];
			value[j] = t;
		}
		for (m = 0; m < STATS_METRIC__MAX; m++) {
			rc = stats_alpha(unit, value, n_obs, nv, numeric, (enum stats_metric)m,
			                 &general);
			CHECK_INT(stats_alpha_pairs(a, b, n, nv, numeric, (enum stats_metric)m,
			                            &from_pairs),
			          rc);
			if (!rc)
				check_alpha_same(&from_pairs, &general);
		}
	}
}

TEST(test_stats_alpha_pairs_rejects_codes_out_of_range_and_too_few_pairs)
{
	static const uint32_t a[3] = {0, 1, 2}, b[3] = {0, 1, 1};
	static const uint32_t one_a[2] = {STATS_MISSING, 0}, one_b[2] = {1, 0};
	static const double numeric[3] = {1, 2, 3};
	struct stats_alpha r;

	CHECK_INT(stats_alpha_pairs(a, b, 3, 3, numeric, STATS_METRIC_INTERVAL, &r), 0);
	CHECK_INT(stats_alpha_pairs(a, b, 3, 2, numeric, STATS_METRIC_INTERVAL, &r), -1);
	CHECK_INT(stats_alpha_pairs(a, b, 3, 3, NULL, STATS_METRIC_INTERVAL, &r), -1);
	CHECK_INT(stats_alpha_pairs(one_a, one_b, 1, 2, NULL, STATS_METRIC_NOMINAL, &r), -1);
	/* One complete unit is two pairable values: enough, though they do not vary. */
	CHECK_INT(stats_alpha_pairs(one_a, one_b, 2, 2, NULL, STATS_METRIC_NOMINAL, &r), 0);
	CHECK_NEAR(r.n_pairable, 2, 0);
	CHECK(isnan(r.alpha));
}
