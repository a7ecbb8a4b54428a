/* Tests for the reliability computations: an instrument's variables and a rating's values,
 * intervention agreement pooled over sessions, and calibration, on numbers worked by hand. */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/instrument.h"
#include "core/reliability.h"
#include "util/banned.h"

/* The shipped MBT scale, found from the repository root or from this file. */
static struct instrument *mbt(void)
{
	char path[512];
	struct instrument *in = NULL;
	json_t *def = json_load_file("instruments/mbt-i-aqs-1.json", 0, NULL);

	if (!def) {
		snprintf(path, sizeof(path), "%.*s/../../instruments/mbt-i-aqs-1.json",
		         (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
		def = json_load_file(path, 0, NULL);
	}
	if (def)
		in = instrument_compile(def);
	json_decref(def);
	return in;
}

static size_t find_var(const struct rel_var *v, size_t n, enum rel_var_kind kind, const char *item,
                       const char *facet)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == kind && !strcmp(v[i].facet, facet) &&
		    (kind == REL_VAR_TOTAL || !strcmp(v[i].item, item)))
			return i;
	return n;
}

TEST(test_reliability_vars_lists_items_globals_then_totals)
{
	struct instrument *in = mbt();
	struct rel_var *v;
	size_t n = 0;

	CHECK(in != NULL);
	v = reliability_vars(in, &n);
	/* 17 items: 1, 4 and 5 quality only, 14 with adherence and quality; 2 globals; 2 totals. */
	CHECK_INT(n, 3 + 14 * 2 + 2 + 2);
	CHECK_INT(v[0].kind, REL_VAR_ITEM);
	CHECK_STR(v[0].item, "1");
	CHECK_STR(v[0].facet, "quality");
	CHECK_STR(v[1].item, "2");
	CHECK_STR(v[1].facet, "adherence");
	CHECK_INT(v[31].kind, REL_VAR_GLOBAL);
	CHECK_STR(v[31].item, "global");
	CHECK_STR(v[31].facet, "adherence");
	/* Totals in the order the facets first appear: item 1 has quality only. */
	CHECK_INT(v[33].kind, REL_VAR_TOTAL);
	CHECK_STR(v[33].facet, "quality");
	CHECK(v[33].item == NULL);
	CHECK_STR(v[34].facet, "adherence");
	free(v);
	instrument_free(in);
}

TEST(test_reliability_values_takes_scores_and_means_facets_for_totals)
{
	struct instrument *in = mbt();
	json_t *scores = json_loads("{\"1\":{\"quality\":5},\"2\":{\"adherence\":3,\"quality\":6},"
	                            "\"global\":{\"quality\":4},\"3\":{\"quality\":\"x\"}}",
	                            0, NULL);
	struct rel_var *v;
	double *x;
	size_t n = 0;

	CHECK(in != NULL && scores != NULL);
	v = reliability_vars(in, &n);
	x = calloc(n, sizeof(double));
	reliability_values(v, n, scores, x);
	CHECK_NEAR(x[find_var(v, n, REL_VAR_ITEM, "1", "quality")], 5, 0);
	CHECK_NEAR(x[find_var(v, n, REL_VAR_ITEM, "2", "adherence")], 3, 0);
	CHECK(isnan(x[find_var(v, n, REL_VAR_ITEM, "3", "quality")])); /* not a number */
	CHECK(isnan(x[find_var(v, n, REL_VAR_ITEM, "17", "adherence")]));
	CHECK(isnan(x[find_var(v, n, REL_VAR_GLOBAL, "global", "adherence")]));
	CHECK_NEAR(x[find_var(v, n, REL_VAR_GLOBAL, "global", "quality")], 4, 0);
	/* Totals: quality (5 + 6) / 2; adherence 3 alone. Globals are not part of them. */
	CHECK_NEAR(x[find_var(v, n, REL_VAR_TOTAL, NULL, "quality")], 5.5, 1e-15);
	CHECK_NEAR(x[find_var(v, n, REL_VAR_TOTAL, NULL, "adherence")], 3, 0);
	reliability_values(v, n, NULL, x);
	CHECK(isnan(x[0]) && isnan(x[n - 1]));
	free(x);
	free(v);
	json_decref(scores);
	instrument_free(in);
}

TEST(test_reliability_events_pools_matched_codes_over_sessions)
{
	/* Session 1 matches (0,0) and (1,1) within 3 s and leaves 30 s and 45 s unmatched;
	 * session 2 matches (0,1) and (2,2). Pooled table: diagonal 1, 1, 1 and one (0,1).
	 * po = 3/4; rater a's margins .5 .25 .25, b's .25 .5 .25; pe = .3125;
	 * kappa = (.75 - .3125) / (1 - .3125) = 7/11. */
	static const struct stats_event a1[3] = {{10, 0}, {20, 1}, {30, 2}};
	static const struct stats_event b1[3] = {{11, 0}, {21, 1}, {45, 2}};
	static const struct stats_event a2[2] = {{5, 0}, {15, 2}};
	static const struct stats_event b2[2] = {{6, 1}, {16, 2}};
	const struct rel_event_session s[2] = {{a1, 3, b1, 3}, {a2, 2, b2, 2}};
	double table[9];
	struct rel_events r;

	CHECK_INT(reliability_events(s, 2, 3, 3, &r, table), 0);
	CHECK_INT(r.n_sessions, 2);
	CHECK_INT(r.n_matched, 4);
	CHECK_INT(r.unmatched_a, 1);
	CHECK_INT(r.unmatched_b, 1);
	CHECK_NEAR(table[0 * 3 + 0], 1, 0);
	CHECK_NEAR(table[0 * 3 + 1], 1, 0);
	CHECK_NEAR(table[2 * 3 + 2], 1, 0);
	CHECK_NEAR(r.kappa.p_observed, 0.75, 1e-15);
	CHECK_NEAR(r.kappa.p_expected, 0.3125, 1e-15);
	CHECK_NEAR(r.kappa.kappa, 7.0 / 11, 1e-14);
	CHECK(r.kappa.ci_lower < r.kappa.kappa && r.kappa.kappa < r.kappa.ci_upper);
}

TEST(test_reliability_events_without_matches_gives_undefined_kappa)
{
	static const struct stats_event a[1] = {{10, 0}};
	static const struct stats_event b[1] = {{60, 0}};
	const struct rel_event_session s[1] = {{a, 1, b, 1}};
	struct rel_events r;

	CHECK_INT(reliability_events(s, 1, 1, 3, &r, NULL), 0);
	CHECK_INT(r.n_matched, 0);
	CHECK_INT(r.unmatched_a + r.unmatched_b, 2);
	CHECK(isnan(r.kappa.kappa));
	CHECK_INT(reliability_events(s, 1, 0, 3, &r, NULL), -1);
}

TEST(test_reliability_events_refuses_code_out_of_range)
{
	static const struct stats_event a[1] = {{10, 5}};
	const struct rel_event_session s[1] = {{a, 1, a, 1}};
	struct rel_events r;

	CHECK_INT(reliability_events(s, 1, 2, 3, &r, NULL), -1);
}

TEST(test_reliability_calibration_uses_absolute_agreement)
{
	/* Trainee 4 5 3 6 2 against master 4 4 3 5 3 (a NAN pair is left out). By hand:
	 * grand mean 3.9; MSB = 2 * 5.7 / 4 = 2.85; MSJ = 5 * .02 = .1; MSE = 1.4 / 4 = .35;
	 * ICC(2,1) = (2.85 - .35) / (2.85 + .35 + 2 (.1 - .35) / 5) = 2.5 / 3.1 = 25/31. */
	const double t[6] = {4, 5, 3, 6, 2, NAN}, m[6] = {4, 4, 3, 5, 3, 4};
	struct rel_calibration_rule rule = {0.80, 5};
	struct rel_calibration c;

	CHECK_INT(reliability_calibration(t, m, 6, 5, &rule, &c), 0);
	CHECK_INT(c.n_pairs, 5);
	CHECK(c.icc_ok);
	CHECK_NEAR(c.icc.icc, 25.0 / 31, 1e-14);
	CHECK_NEAR(c.mean_difference, 0.2, 1e-15);
	CHECK_NEAR(c.mean_abs_difference, 0.6, 1e-15);
	CHECK_NEAR(c.exact, 0.4, 1e-15);
	CHECK_NEAR(c.within_one, 1, 0);
	CHECK(c.calibrated);
	/* The threshold is met at equality and missed just above it. */
	rule.icc_min = c.icc.icc;
	CHECK_INT(reliability_calibration(t, m, 6, 5, &rule, &c), 0);
	CHECK(c.calibrated);
	rule.icc_min = nextafter(c.icc.icc, 2);
	CHECK_INT(reliability_calibration(t, m, 6, 5, &rule, &c), 0);
	CHECK(!c.calibrated);
	/* Too few sessions, however good the agreement. */
	rule.icc_min = 0.5;
	CHECK_INT(reliability_calibration(t, m, 6, 4, &rule, &c), 0);
	CHECK(!c.calibrated);
}

TEST(test_reliability_calibration_refuses_a_constant_bias)
{
	/* Trainee always one point above the master: consistent (ICC3 = 1) but not in absolute
	 * agreement. MSB = 5, MSJ = 2.5, MSE = 0: ICC(2,1) = 5 / (5 + 2 * 2.5 / 5) = 5/6. */
	const double m[5] = {2, 3, 4, 5, 6}, t[5] = {3, 4, 5, 6, 7};
	struct rel_calibration_rule rule = {0.85, 5};
	struct rel_calibration c;

	CHECK_INT(reliability_calibration(t, m, 5, 5, &rule, &c), 0);
	CHECK_NEAR(c.icc.icc, 5.0 / 6, 1e-14);
	CHECK_NEAR(c.mean_difference, 1, 0);
	CHECK_NEAR(c.exact, 0, 0);
	CHECK(!c.calibrated);
}

TEST(test_reliability_calibration_without_pairs_is_not_calibrated)
{
	const double t[1] = {NAN}, m[1] = {4};
	struct rel_calibration_rule rule = {0.1, 0};
	struct rel_calibration c;

	CHECK_INT(reliability_calibration(t, m, 1, 0, &rule, &c), 0);
	CHECK_INT(c.n_pairs, 0);
	CHECK(!c.icc_ok);
	CHECK(isnan(c.mean_difference));
	CHECK(!c.calibrated);
	CHECK_INT(reliability_calibration(NULL, m, 1, 0, &rule, &c), -1);
}
