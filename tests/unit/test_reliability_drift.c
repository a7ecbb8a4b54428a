/* Tests for rater drift by period and for the type-7 quartiles of the lab's figures. */
#include "unit.h"

#include <math.h>
#include <stdlib.h>

#include "core/reliability.h"
#include "util/banned.h"

TEST(test_reliability_period_months_and_quarters_in_utc)
{
	char label[16];

	/* 2026-03-15T00:00:00Z */
	CHECK_INT(reliability_period(1773532800LL, REL_MONTH, label, sizeof(label)), 2026 * 12 + 2);
	CHECK_STR(label, "2026-03");
	CHECK_INT(reliability_period(1773532800LL, REL_QUARTER, label, sizeof(label)), 2026 * 4);
	CHECK_STR(label, "2026-Q1");
	/* The last second of 2025 and the first of 2026 are neighbours. */
	CHECK_INT(reliability_period(1767225599LL, REL_QUARTER, label, sizeof(label)),
	          2025 * 4 + 3);
	CHECK_STR(label, "2025-Q4");
	CHECK_INT(reliability_period(1767225600LL, REL_MONTH, label, sizeof(label)), 2026 * 12);
	CHECK_STR(label, "2026-01");
	CHECK_INT(reliability_period(300000000000LL, REL_MONTH, label, sizeof(label)), -1);
}

TEST(test_reliability_drift_groups_by_rater_item_and_period)
{
	/* Rater 0, variable 1: period 10 has +2, +1 (mean 1.5, beyond a band of 1); period 11
	 * has 0, +1, -1 (mean 0). Over both: mean 0.6, SD sqrt(5.2 / 4). Rater 1, variable 0:
	 * one deviation of exactly -1, on the band and so not beyond it. */
	const struct rel_drift_obs obs[7] = {
	    {1, 0, 12, -1}, {0, 1, 11, 0},  {0, 1, 10, 2},   {0, 1, 11, 1},
	    {0, 1, 10, 1},  {0, 1, 11, -1}, {0, 1, 10, NAN},
	};
	struct rel_drift_cell *c;
	size_t n = 0;

	c = reliability_drift(obs, 7, 1.0, &n);
	CHECK(c != NULL);
	CHECK_INT(n, 5);
	CHECK_INT(c[0].rater, 0);
	CHECK_INT(c[0].var, 1);
	CHECK_INT(c[0].period, REL_ALL_PERIODS);
	CHECK_INT(c[0].n, 5);
	CHECK_NEAR(c[0].mean, 0.6, 1e-15);
	CHECK_NEAR(c[0].sd, sqrt(1.3), 1e-14);
	CHECK(!c[0].flagged);
	CHECK_INT(c[1].period, 10);
	CHECK_INT(c[1].n, 2);
	CHECK_NEAR(c[1].mean, 1.5, 0);
	CHECK(c[1].flagged);
	CHECK_INT(c[2].period, 11);
	CHECK_INT(c[2].n, 3);
	CHECK_NEAR(c[2].mean, 0, 0);
	CHECK(!c[2].flagged);
	CHECK_INT(c[3].rater, 1);
	CHECK_INT(c[3].period, REL_ALL_PERIODS);
	CHECK(isnan(c[3].sd));
	CHECK(!c[3].flagged);
	CHECK_INT(c[4].period, 12);
	CHECK_NEAR(c[4].mean, -1, 0);
	free(c);
	/* A narrower band flags the rater's whole span too. */
	c = reliability_drift(obs, 7, 0.5, &n);
	CHECK(c[0].flagged && c[3].flagged);
	free(c);
	CHECK(reliability_drift(obs + 6, 1, 1.0, &n) == NULL);
	CHECK_INT(n, 0);
}

TEST(test_reliability_quantile_is_type_7)
{
	/* R: quantile(c(1, 2, 3, 4)) gives 1.75 2.5 3.25. */
	const double s[4] = {1, 2, 3, 4};

	CHECK_NEAR(reliability_quantile(s, 4, 0.25), 1.75, 1e-15);
	CHECK_NEAR(reliability_quantile(s, 4, 0.5), 2.5, 1e-15);
	CHECK_NEAR(reliability_quantile(s, 4, 0.75), 3.25, 1e-15);
	CHECK_NEAR(reliability_quantile(s, 4, 0), 1, 0);
	CHECK_NEAR(reliability_quantile(s, 4, 1), 4, 0);
	CHECK_NEAR(reliability_quantile(s, 1, 0.75), 1, 0);
	CHECK(isnan(reliability_quantile(s, 0, 0.5)));
}

TEST(test_reliability_summary_sorts_a_copy_and_skips_missing)
{
	/* Sorted 1 3 5 7: q1 at h = .75 is 1 + .75 * 2 = 2.5; median 4; q3 at h = 2.25 is 5.5. */
	double v[5] = {7, 1, NAN, 3, 5};
	struct rel_summary s;

	CHECK_INT(reliability_summary(v, 5, &s), 0);
	CHECK_INT(s.n, 4);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.q1, 2.5, 1e-15);
	CHECK_NEAR(s.median, 4, 1e-15);
	CHECK_NEAR(s.q3, 5.5, 1e-15);
	CHECK_NEAR(s.max, 7, 0);
	CHECK_NEAR(s.mean, 4, 1e-15);
	CHECK_NEAR(v[0], 7, 0);
	CHECK_INT(reliability_summary(v + 2, 1, &s), -1);
}
