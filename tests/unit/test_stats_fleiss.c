/* Tests for Fleiss' kappa against Fleiss (1971) and hand computation. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

/* Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, counts per diagnosis
 * (depression, personality disorder, schizophrenia, neurosis, other). */
static const double fleiss_table[30 * 5] = {
    0, 0, 0, 6, 0, 0, 3, 0, 0, 3, 0, 1, 4, 0, 1, 0, 0, 0, 0, 6, 0, 3, 0, 3, 0, 2, 0, 4, 0, 0,
    0, 0, 4, 0, 2, 2, 0, 3, 1, 0, 2, 0, 0, 4, 0, 0, 0, 0, 0, 6, 1, 0, 0, 5, 0, 1, 1, 0, 4, 0,
    0, 3, 3, 0, 0, 1, 0, 0, 5, 0, 0, 2, 0, 3, 1, 0, 0, 5, 0, 1, 3, 0, 0, 1, 2, 5, 1, 0, 0, 0,
    0, 2, 0, 4, 0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 6, 0, 1, 0, 5, 0, 0, 2, 0, 1, 3, 2, 0, 0, 4, 0,
    1, 0, 0, 4, 1, 0, 5, 0, 1, 0, 4, 0, 0, 0, 2, 0, 2, 0, 4, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 6,
};

TEST(test_stats_fleiss_matches_fleiss_1971_table)
{
	static const double cat_printed[5] = {0.245, 0.245, 0.520, 0.471, 0.566};
	struct stats_fleiss r;
	double cat[5];
	int j;

	CHECK_INT(stats_fleiss(fleiss_table, 30, 5, &r, cat), 0);
	CHECK_INT(r.n_subjects, 30);
	CHECK_INT(r.n_raters, 6);
	CHECK(fabs(r.kappa - 0.430) < 0.0005);
	/* z as printed by irr::kappam.fleiss for the same data. */
	CHECK(fabs(r.z - 17.7) < 0.05);
	for (j = 0; j < 5; j++)
		CHECK(fabs(cat[j] - cat_printed[j]) < 0.0005);
}

/* Exact by hand (fractions): P-bar = 5/9, P_e = 3563/16200, and the FNL (1979) null SE. */
TEST(test_stats_fleiss_is_exact_on_fleiss_1971_table)
{
	struct stats_fleiss r;
	double cat[5];

	CHECK_INT(stats_fleiss(fleiss_table, 30, 5, &r, cat), 0);
	CHECK_NEAR(r.p_bar, 5.0 / 9, 1e-14);
	CHECK_NEAR(r.p_e, 0.21993827160493828, 1e-14);
	CHECK_NEAR(r.kappa, 0.43024452006014086, 1e-13);
	CHECK_NEAR(r.se0, 0.024373932099411157, 1e-12);
	CHECK_NEAR(r.z, 17.651830582991366, 1e-12);
	CHECK_NEAR(cat[0], 0.24475524475524477, 1e-13);
	CHECK_NEAR(cat[2], 0.52, 1e-13);
	CHECK_NEAR(cat[3], 0.47112727272727273, 1e-13);
	CHECK_NEAR(cat[4], 0.5661178068239687, 1e-13);
	CHECK(r.p < 1e-15);
}

/* Hand case: 2 subjects, 3 raters, {3,0} and {1,2}. P_1 = 1, P_2 = 1/3, P-bar = 2/3;
 * p = (4/6, 2/6), P_e = 5/9; kappa = (2/3 - 5/9) / (4/9) = 1/4. */
TEST(test_stats_fleiss_small_hand_case)
{
	static const double t[4] = {3, 0, 1, 2};
	struct stats_fleiss r;
	double cat[2];

	CHECK_INT(stats_fleiss(t, 2, 2, &r, cat), 0);
	CHECK_NEAR(r.kappa, 0.25, 1e-14);
	/* With two categories both per-category kappas equal the overall one. */
	CHECK_NEAR(cat[0], 0.25, 1e-14);
	CHECK_NEAR(cat[1], 0.25, 1e-14);
}

TEST(test_stats_fleiss_rejects_unequal_rater_counts)
{
	static const double t[4] = {3, 0, 1, 1};
	struct stats_fleiss r;

	CHECK_INT(stats_fleiss(t, 2, 2, &r, NULL), -1);
}

TEST(test_stats_fleiss_unused_category_has_nan_kappa)
{
	static const double t[6] = {3, 0, 0, 1, 2, 0};
	struct stats_fleiss r;
	double cat[3];

	CHECK_INT(stats_fleiss(t, 2, 3, &r, cat), 0);
	CHECK_NEAR(r.kappa, 0.25, 1e-14);
	CHECK(isnan(cat[2]));
}
