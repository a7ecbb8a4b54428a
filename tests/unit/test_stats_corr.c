/* Tests for Pearson's and Spearman's correlation, checked against R's cor.test. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

/* Wikipedia's Spearman example: IQ against hours of television a week. */
static const double iq[] = {106, 100, 86, 101, 99, 103, 97, 113, 112, 110};
static const double tv[] = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17};

TEST(test_stats_pearson_matches_r_cor_test)
{
	struct stats_corr c;

	CHECK_INT(stats_pearson(iq, tv, 10, &c), 0);
	CHECK_INT(c.n, 10);
	CHECK_NEAR(c.r, -0.0702163260290567, 1e-12);
	CHECK_NEAR(c.t, -0.199093165331439, 1e-12);
	CHECK_NEAR(c.df, 8, 0);
	CHECK_NEAR(c.p, 0.847156839478946, 1e-10);
	CHECK_NEAR(c.ci_lower, -0.670212501188516, 1e-10);
	CHECK_NEAR(c.ci_upper, 0.585285471745089, 1e-10);
}

TEST(test_stats_spearman_is_minus_29_over_165_on_the_iq_example)
{
	struct stats_corr c;

	CHECK_INT(stats_spearman(iq, tv, 10, &c), 0);
	CHECK_NEAR(c.r, -29.0 / 165, 1e-14);
}

TEST(test_stats_spearman_gives_ties_their_mean_rank)
{
	static const double x[] = {1, 2, 2, 3, 4, 4, 4, 5}, y[] = {2, 1, 3, 3, 5, 4, 6, 6};
	double rank[8];
	struct stats_corr c;

	CHECK_INT(stats_rank(x, 8, rank), 0);
	CHECK_NEAR(rank[1], 2.5, 0);
	CHECK_NEAR(rank[2], 2.5, 0);
	CHECK_NEAR(rank[4], 6, 0);
	CHECK_NEAR(rank[7], 8, 0);
	/* R: cor.test(x, y, method = "spearman", exact = FALSE), the t approximation. */
	CHECK_INT(stats_spearman(x, y, 8, &c), 0);
	CHECK_NEAR(c.r, 0.900777510540148, 1e-12);
	CHECK_NEAR(c.p, 0.00226400906467426, 1e-9);
	/* Bonett-Wright interval, computed in R from the same formula. */
	CHECK_NEAR(c.ci_lower, 0.411239580751813, 1e-10);
	CHECK_NEAR(c.ci_upper, 0.987021563061359, 1e-10);
}

TEST(test_stats_corr_refuses_constant_short_or_missing_data)
{
	static const double flat[] = {3, 3, 3, 3}, up[] = {1, 2, 3, 4}, gap[] = {1, NAN, 3, 4};
	struct stats_corr c;

	CHECK_INT(stats_pearson(flat, up, 4, &c), -1);
	CHECK_INT(stats_pearson(up, up, 2, &c), -1);
	CHECK_INT(stats_pearson(gap, up, 4, &c), -1);
	CHECK_INT(stats_spearman(up, flat, 4, &c), -1);
	CHECK_INT(stats_rank(gap, 4, (double[4]){0}), -1);
}

TEST(test_stats_pearson_of_a_perfect_line_is_one_with_p_zero)
{
	static const double x[] = {1, 2, 3, 4, 5}, y[] = {3, 5, 7, 9, 11};
	struct stats_corr c;

	CHECK_INT(stats_pearson(x, y, 5, &c), 0);
	CHECK_NEAR(c.r, 1, 1e-15);
	CHECK_NEAR(c.p, 0, 0);
	CHECK_NEAR(c.ci_lower, 1, 1e-15);
	/* Three pairs: r and p, but no interval. */
	CHECK_INT(stats_pearson(x, y, 3, &c), 0);
	CHECK(isnan(c.ci_lower) && isnan(c.ci_upper));
}
