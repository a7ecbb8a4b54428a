/* Tests for the Jacobson-Truax reliable change index, cut-offs and change categories. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

/* s1 = 10, r = .75: SE = 5, S_diff = 5 sqrt 2; symptom scale with both norms. */
static struct stats_rci_norms symptom_norms(void)
{
	struct stats_rci_norms n = {10, 0.75, 20, 5, 8, 4, 1};
	return n;
}

TEST(test_stats_rci_params_follow_jacobson_truax_formulas)
{
	struct stats_rci_norms n = symptom_norms();
	struct stats_rci_params p;

	CHECK_INT(stats_rci_params(&n, &p), 0);
	CHECK_NEAR(p.se, 5, 1e-14);
	CHECK_NEAR(p.s_diff, 5 * sqrt(2), 1e-14);
	CHECK_NEAR(p.threshold, 1.96 * 5 * sqrt(2), 1e-14);
	CHECK_NEAR(p.a, 10, 1e-14);        /* 20 - 2 * 5 */
	CHECK_NEAR(p.b, 16, 1e-14);        /* 8 + 2 * 4 */
	CHECK_NEAR(p.c, 120.0 / 9, 1e-14); /* (5 * 8 + 4 * 20) / 9 */
	CHECK_NEAR(p.cutoff, p.c, 0);
}

TEST(test_stats_rci_classifies_symptom_scale_clients)
{
	struct stats_rci_norms n = symptom_norms();
	struct stats_rci_params p;
	struct stats_rci_client c;

	CHECK_INT(stats_rci_params(&n, &p), 0);
	stats_rci_client(&n, &p, 22, 6, &c); /* -16: reliable, crosses 13.33 */
	CHECK_NEAR(c.change, -16, 0);
	CHECK_NEAR(c.rci, -16 / (5 * sqrt(2)), 1e-14);
	CHECK_INT(c.reliable, 1);
	CHECK_INT(c.crossed, 1);
	CHECK_INT(c.category, STATS_CHANGE_RECOVERED);
	stats_rci_client(&n, &p, 22, 15, &c); /* -7: not reliable */
	CHECK_INT(c.reliable, 0);
	CHECK_INT(c.crossed, 0);
	CHECK_INT(c.category, STATS_CHANGE_UNCHANGED);
	stats_rci_client(&n, &p, 30, 14, &c); /* reliable but still above the cut-off */
	CHECK_INT(c.category, STATS_CHANGE_IMPROVED);
	stats_rci_client(&n, &p, 10, 25, &c); /* +15 on a symptom scale */
	CHECK_INT(c.reliable, 1);
	CHECK_INT(c.category, STATS_CHANGE_DETERIORATED);
	/* Crossing without reliable change is not recovery. */
	stats_rci_client(&n, &p, 14, 12, &c);
	CHECK_INT(c.crossed, 1);
	CHECK_INT(c.category, STATS_CHANGE_UNCHANGED);
}

TEST(test_stats_rci_reliable_needs_more_than_1_96)
{
	struct stats_rci_norms n = symptom_norms();
	struct stats_rci_params p;
	struct stats_rci_client c;

	CHECK_INT(stats_rci_params(&n, &p), 0);
	stats_rci_client(&n, &p, 30, 30 - 0.999 * p.threshold, &c);
	CHECK_INT(c.reliable, 0);
	stats_rci_client(&n, &p, 30, 30 - 1.001 * p.threshold, &c);
	CHECK_INT(c.reliable, 1);
}

TEST(test_stats_rci_higher_is_better_flips_cutoffs_and_direction)
{
	/* A well-being scale: dysfunctional mean 15 (SD 5), functional mean 30 (SD 5). */
	struct stats_rci_norms n = {10, 0.75, 15, 5, 30, 5, 0};
	struct stats_rci_params p;
	struct stats_rci_client c;

	CHECK_INT(stats_rci_params(&n, &p), 0);
	CHECK_NEAR(p.a, 25, 1e-14);
	CHECK_NEAR(p.b, 20, 1e-14);
	CHECK_NEAR(p.c, 22.5, 1e-14);
	stats_rci_client(&n, &p, 10, 26, &c);
	CHECK_INT(c.category, STATS_CHANGE_RECOVERED);
	stats_rci_client(&n, &p, 26, 10, &c);
	CHECK_INT(c.category, STATS_CHANGE_DETERIORATED);
	stats_rci_client(&n, &p, 0, 20, &c); /* reliable, but 20 <= 22.5 is still clinical */
	CHECK_INT(c.category, STATS_CHANGE_IMPROVED);
}

TEST(test_stats_rci_without_norms_has_no_cutoff_and_no_recovery)
{
	struct stats_rci_norms n = {10, 0.75, NAN, NAN, NAN, NAN, 1};
	struct stats_rci_params p;
	struct stats_rci_client c;

	CHECK_INT(stats_rci_params(&n, &p), 0);
	CHECK(isnan(p.a) && isnan(p.b) && isnan(p.c) && isnan(p.cutoff));
	stats_rci_client(&n, &p, 30, 0, &c);
	CHECK_INT(c.crossed, -1);
	CHECK_INT(c.category, STATS_CHANGE_IMPROVED);
}

TEST(test_stats_rci_uses_a_when_only_dysfunctional_norms_are_given)
{
	struct stats_rci_norms n = {10, 0.75, 20, 5, NAN, NAN, 1};
	struct stats_rci_params p;

	CHECK_INT(stats_rci_params(&n, &p), 0);
	CHECK(isnan(p.b) && isnan(p.c));
	CHECK_NEAR(p.cutoff, 10, 1e-14);
	n.dys_mean = NAN;
	n.func_mean = 8;
	n.func_sd = 4;
	CHECK_INT(stats_rci_params(&n, &p), 0);
	CHECK_NEAR(p.cutoff, 16, 1e-14);
}

TEST(test_stats_rci_rejects_bad_sd_or_reliability)
{
	struct stats_rci_norms n = symptom_norms();
	struct stats_rci_params p;

	n.reliability = 1;
	CHECK_INT(stats_rci_params(&n, &p), -1);
	n.reliability = -0.1;
	CHECK_INT(stats_rci_params(&n, &p), -1);
	n.reliability = 0.8;
	n.sd = 0;
	CHECK_INT(stats_rci_params(&n, &p), -1);
}
