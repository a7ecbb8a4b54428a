/* Tests for the intraclass correlations against Shrout & Fleiss (1979) and hand computation. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

/* Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges. */
static const double sf_table[6 * 4] = {
    9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7,
};

TEST(test_stats_icc_matches_shrout_fleiss_table)
{
	struct stats_icc r;

	CHECK_INT(stats_icc(sf_table, 6, 4, NULL, &r), 0);
	CHECK_INT(r.n_subjects, 6);
	CHECK_INT(r.n_raters, 4);
	CHECK_INT(r.n_dropped, 0);
	/* Printed to two decimals in the paper. */
	CHECK_NEAR(r.msb, 11.24, 0.005 / 11.24);
	CHECK_NEAR(r.msw, 6.26, 0.005 / 6.26);
	CHECK_NEAR(r.msj, 32.49, 0.005 / 32.49);
	CHECK_NEAR(r.mse, 1.02, 0.005 / 1.02);
	CHECK(fabs(r.form[STATS_ICC1].icc - 0.17) < 0.005);
	CHECK(fabs(r.form[STATS_ICC2].icc - 0.29) < 0.005);
	CHECK(fabs(r.form[STATS_ICC3].icc - 0.71) < 0.005);
	CHECK(fabs(r.form[STATS_ICC1K].icc - 0.44) < 0.005);
	CHECK(fabs(r.form[STATS_ICC2K].icc - 0.62) < 0.005);
	CHECK(fabs(r.form[STATS_ICC3K].icc - 0.91) < 0.005);
}

/*
 * Exact rational values of the same table, worked by hand (Python fractions): BMS = 1349/120,
 * WMS = 451/72, JMS = 2339/72, EMS = 367/360.
 */
TEST(test_stats_icc_anova_and_icc_are_exact_on_shrout_fleiss_table)
{
	struct stats_icc r;

	CHECK_INT(stats_icc(sf_table, 6, 4, NULL, &r), 0);
	CHECK_NEAR(r.msb, 1349.0 / 120, 1e-12);
	CHECK_NEAR(r.msw, 451.0 / 72, 1e-12);
	CHECK_NEAR(r.msj, 2339.0 / 72, 1e-12);
	CHECK_NEAR(r.mse, 367.0 / 360, 1e-12);
	CHECK_NEAR(r.df_rows, 5, 0);
	CHECK_NEAR(r.df_raters, 3, 0);
	CHECK_NEAR(r.df_residual, 15, 0);
	CHECK_NEAR(r.form[STATS_ICC1].icc, 0.1657417684054754, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC2].icc, 0.28976377952755905, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC3].icc, 0.7148407148407149, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC1K].icc, 0.4427971336792686, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC2K].icc, 0.620050547598989, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC3K].icc, 0.9093155423770695, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC1].f, 1.7946784922394678, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC1].df2, 18, 0);
	CHECK_NEAR(r.form[STATS_ICC3].f, 11.02724795640327, 1e-12);
	CHECK_NEAR(r.form[STATS_ICC2K].df2, 15, 0);
}

/* Reference: psych::ICC (R, lmer = FALSE) on the same table, printed to 17 digits. */
TEST(test_stats_icc_p_values_and_intervals_match_psych)
{
	static const double want[STATS_ICC__MAX][3] = {
	    {0.16476880834463961, -0.132932324874750873, 0.72256006232812109},
	    {0.00013456651648433693, 0.018786513374712047, 0.76108436964895310},
	    {0.00013456651648433693, 0.342464765033925367, 0.94585825995535955},
	    {0.16476880834463961, -0.884442155238118977, 0.91241542034077561},
	    {0.00013456651648433693, 0.071136815302503487, 0.92723204016772198},
	    {0.00013456651648433693, 0.675674713816304728, 0.98589167816906231},
	};
	struct stats_icc r;
	int i;

	CHECK_INT(stats_icc(sf_table, 6, 4, NULL, &r), 0);
	for (i = 0; i < STATS_ICC__MAX; i++) {
		CHECK_NEAR(r.form[i].p, want[i][0], 1e-9);
		CHECK_NEAR(r.form[i].ci_lower, want[i][1], 1e-9);
		CHECK_NEAR(r.form[i].ci_upper, want[i][2], 1e-9);
	}
}

TEST(test_stats_icc_drops_incomplete_subjects_and_reports_them)
{
	/* The Shrout-Fleiss rows with two incomplete subjects inserted at rows 1 and 6. */
	const double x[8 * 4] = {
	    9, 2, 5, 8, 5,  5, NAN, 5, 6,   1,   3,   2, 8, 4, 6, 8,
	    7, 1, 2, 6, 10, 5, 6,   9, NAN, NAN, NAN, 4, 6, 2, 4, 7,
	};
	size_t dropped[8];
	struct stats_icc r, full;
	int i;

	CHECK_INT(stats_icc(x, 8, 4, dropped, &r), 0);
	CHECK_INT(r.n_subjects, 6);
	CHECK_INT(r.n_dropped, 2);
	CHECK_INT(dropped[0], 1);
	CHECK_INT(dropped[1], 6);
	CHECK_INT(stats_icc(sf_table, 6, 4, NULL, &full), 0);
	CHECK_NEAR(r.msb, full.msb, 1e-13);
	CHECK_NEAR(r.msj, full.msj, 1e-13);
	for (i = 0; i < STATS_ICC__MAX; i++) {
		CHECK_NEAR(r.form[i].icc, full.form[i].icc, 1e-13);
		CHECK_NEAR(r.form[i].ci_lower, full.form[i].ci_lower, 1e-13);
	}
}

/* Hand case: 3 subjects x 2 raters (1,2), (3,3), (5,7); grand mean 7/2. */
TEST(test_stats_icc_small_hand_case_is_exact)
{
	static const double x[] = {1, 2, 3, 3, 5, 7};
	struct stats_icc r;

	CHECK_INT(stats_icc(x, 3, 2, NULL, &r), 0);
	/* Row means 1.5, 3, 6: SSR = 2 * (4 + 0.25 + 6.25) = 21, MSB = 10.5. */
	CHECK_NEAR(r.msb, 10.5, 1e-14);
	/* Column means 3 and 4: SSC = 3 * 0.5 = 1.5, MSJ = 1.5. */
	CHECK_NEAR(r.msj, 1.5, 1e-14);
	/* Total SS = 6.25+2.25+0.25+0.25+2.25+12.25 = 23.5; SSW = 2.5, MSW = 2.5 / 3. */
	CHECK_NEAR(r.msw, 2.5 / 3, 1e-14);
	/* SSE = 2.5 - 1.5 = 1, on 2 df. */
	CHECK_NEAR(r.mse, 0.5, 1e-14);
	CHECK_NEAR(r.form[STATS_ICC1].icc, (10.5 - 2.5 / 3) / (10.5 + 2.5 / 3), 1e-14);
	CHECK_NEAR(r.form[STATS_ICC2].icc, 10.0 / (11 + 2 * 1.0 / 3), 1e-14);
	CHECK_NEAR(r.form[STATS_ICC3].icc, 10.0 / 11, 1e-14);
	CHECK_NEAR(r.form[STATS_ICC3K].icc, 10.0 / 10.5, 1e-14);
	CHECK_NEAR(r.form[STATS_ICC2K].icc, 10.0 / (10.5 + 1.0 / 3), 1e-14);
	CHECK_NEAR(r.form[STATS_ICC1K].icc, 1 - (2.5 / 3) / 10.5, 1e-14);
}

TEST(test_stats_icc_rejects_too_few_subjects_or_raters)
{
	static const double x[] = {1, 2, 3, 4};
	struct stats_icc r;

	CHECK_INT(stats_icc(x, 1, 4, NULL, &r), -1);
	CHECK_INT(stats_icc(x, 4, 1, NULL, &r), -1);
	CHECK_INT(stats_icc(x, 2, 2, NULL, &r), 0);
}
