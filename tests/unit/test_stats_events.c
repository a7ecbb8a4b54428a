/* Tests for event agreement: time matching within a tolerance and kappa on matched codes. */
#include "unit.h"

#include <math.h>

#include "core/stats.h"
#include "util/banned.h"

TEST(test_stats_events_matches_within_tolerance_and_counts_unmatched)
{
	static const struct stats_event a[4] = {{10, 0}, {20, 1}, {30, 0}, {50, 2}};
	static const struct stats_event b[4] = {{11, 0}, {19.5, 1}, {31, 1}, {70, 2}};
	struct stats_event_match pairs[4];
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 4, b, 4, 3, 2, pairs, &r), 0);
	CHECK_INT(r.n_matched, 3);
	CHECK_INT(r.unmatched_a, 1);
	CHECK_INT(r.unmatched_b, 1);
	CHECK_INT(pairs[0].a, 0);
	CHECK_INT(pairs[0].b, 0);
	CHECK_INT(pairs[2].a, 2);
	CHECK_INT(pairs[2].b, 2);
	/* Matched codes (0,0) (1,1) (0,1): po = 2/3, pe = 4/9, kappa = 0.4. */
	CHECK_NEAR(r.kappa.n, 3, 0);
	CHECK_NEAR(r.kappa.p_observed, 2.0 / 3, 1e-14);
	CHECK_NEAR(r.kappa.kappa, 0.4, 1e-14);
}

TEST(test_stats_events_finds_more_matches_than_greedy_nearest_pair)
{
	/* Pairing the closest events first (12 with 11.9) would leave 10 and 13.9 unmatched. */
	static const struct stats_event a[2] = {{10, 0}, {12, 1}};
	static const struct stats_event b[2] = {{11.9, 0}, {13.9, 1}};
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 2, b, 2, 2, 2, NULL, &r), 0);
	CHECK_INT(r.n_matched, 2);
	CHECK_NEAR(r.kappa.kappa, 1, 1e-14);
}

TEST(test_stats_events_prefers_the_closer_of_equal_matchings)
{
	static const struct stats_event a[1] = {{10, 0}};
	static const struct stats_event b[2] = {{9, 1}, {10.5, 0}};
	struct stats_event_match pairs[1];
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 1, b, 2, 2, 2, pairs, &r), 0);
	CHECK_INT(r.n_matched, 1);
	CHECK_INT(pairs[0].b, 1);
	CHECK_INT(r.unmatched_b, 1);
}

TEST(test_stats_events_accepts_unsorted_input_and_reports_original_indices)
{
	static const struct stats_event a[3] = {{30, 1}, {10, 0}, {20, 1}};
	static const struct stats_event b[3] = {{20.5, 1}, {29, 0}, {10, 0}};
	struct stats_event_match pairs[3];
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 3, b, 3, 2, 1, pairs, &r), 0);
	CHECK_INT(r.n_matched, 3);
	/* In time order: (10,10), (20,20.5), (30,29). */
	CHECK_INT(pairs[0].a, 1);
	CHECK_INT(pairs[0].b, 2);
	CHECK_INT(pairs[1].a, 2);
	CHECK_INT(pairs[1].b, 0);
	CHECK_INT(pairs[2].a, 0);
	CHECK_INT(pairs[2].b, 1);
}

TEST(test_stats_events_tolerance_is_inclusive_and_matches_never_cross)
{
	/* 10 -> 12 is exactly at the tolerance; a crossing pair (15 with 9) is not allowed. */
	static const struct stats_event a[2] = {{10, 0}, {15, 0}};
	static const struct stats_event b[2] = {{9, 0}, {12, 0}};
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 2, b, 2, 1, 2, NULL, &r), 0);
	/* Either (10,9) or (10,12) but not both 10 and 15 with 12 and 9 crossed. */
	CHECK_INT(r.n_matched, 1);
	CHECK(isnan(r.kappa.kappa)); /* one category only */
}

TEST(test_stats_events_no_events_or_no_matches)
{
	static const struct stats_event a[1] = {{10, 0}};
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 1, NULL, 0, 1, 2, NULL, &r), 0);
	CHECK_INT(r.n_matched, 0);
	CHECK_INT(r.unmatched_a, 1);
	CHECK(isnan(r.kappa.kappa));
	CHECK_INT(stats_events_agreement(NULL, 0, NULL, 0, 1, 2, NULL, &r), 0);
	CHECK_INT(r.n_matched, 0);
}

TEST(test_stats_events_rejects_bad_codes_and_tolerance)
{
	static const struct stats_event a[1] = {{10, 3}};
	struct stats_events r;

	CHECK_INT(stats_events_agreement(a, 1, a, 1, 3, 2, NULL, &r), -1);
	CHECK_INT(stats_events_agreement(a, 1, a, 1, 4, -1, NULL, &r), -1);
	CHECK_INT(stats_events_agreement(a, 1, a, 1, 4, 0, NULL, &r), 0);
	CHECK_INT(r.n_matched, 1);
}
