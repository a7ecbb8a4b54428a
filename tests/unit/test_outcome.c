/* Unit tests for client outcomes: Jacobson-Truax categories in both directions, the reliable
 * change band, not-on-track signals, caseload statuses, the expected-response model on a
 * generated data set with known parameters, and effect sizes with their intervals. */
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/outcome.h"
#include "util/banned.h"

/* PHQ-9's rules: 0-27, lower is better, cut-off 10, reliable change 6. */
static struct instrument_outcome phq(void)
{
	struct instrument_outcome r = {1, 0, 0, 27, 10, 6, NAN, NAN, NAN, 9, 2};
	return r;
}

/* ORS: 0-40, higher is better, cut-off 25, reliable change 5. */
static struct instrument_outcome ors(void)
{
	struct instrument_outcome r = {0, 0, 0, 40, 25, 5, NAN, NAN, NAN, 4, 0};
	return r;
}

TEST(test_outcome_categories_lower_is_better)
{
	struct instrument_outcome r = phq();

	CHECK_INT(outcome_category(&r, 18, 8), STATS_CHANGE_RECOVERED);
	/* Reliable, but still at the cut-off: improved, not recovered. */
	CHECK_INT(outcome_category(&r, 18, 10), STATS_CHANGE_IMPROVED);
	/* Exactly the reliable change counts. */
	CHECK_INT(outcome_category(&r, 16, 10), STATS_CHANGE_IMPROVED);
	CHECK_INT(outcome_category(&r, 15, 9.5), STATS_CHANGE_UNCHANGED);
	/* Below the cut-off at intake: an improvement cannot be a recovery. */
	CHECK_INT(outcome_category(&r, 9, 2), STATS_CHANGE_IMPROVED);
	CHECK_INT(outcome_category(&r, 8, 14), STATS_CHANGE_DETERIORATED);
	CHECK_INT(outcome_category(&r, 8, 13), STATS_CHANGE_UNCHANGED);
}

TEST(test_outcome_categories_higher_is_better)
{
	struct instrument_outcome r = ors();

	CHECK_INT(outcome_category(&r, 18, 28), STATS_CHANGE_RECOVERED);
	/* 25 is the cut-off: at it is no longer clinical when higher is better. */
	CHECK_INT(outcome_category(&r, 19, 25), STATS_CHANGE_RECOVERED);
	CHECK_INT(outcome_category(&r, 12, 20), STATS_CHANGE_IMPROVED);
	CHECK_INT(outcome_category(&r, 30, 24), STATS_CHANGE_DETERIORATED);
	CHECK_INT(outcome_category(&r, 20, 24), STATS_CHANGE_UNCHANGED);
}

TEST(test_outcome_track_gives_the_band_around_intake_and_the_latest_category)
{
	struct instrument_outcome r = phq();
	/* Out of order on purpose; session 1 is the intake, session 6 the latest. */
	static const struct outcome_point p[] = {{4, 12}, {1, 20}, {6, 9}, {2, 19}};
	struct outcome_track tr;

	CHECK_INT(outcome_track(&r, p, 4, NULL, &tr), 0);
	CHECK_INT(tr.n, 4);
	CHECK_NEAR(tr.intake, 20, 1e-12);
	CHECK_NEAR(tr.intake_session, 1, 1e-12);
	CHECK_NEAR(tr.latest, 9, 1e-12);
	CHECK_NEAR(tr.latest_session, 6, 1e-12);
	CHECK_NEAR(tr.change, -11, 1e-12);
	CHECK_NEAR(tr.rc_lower, 14, 1e-12);
	CHECK_NEAR(tr.rc_upper, 26, 1e-12);
	CHECK_INT(tr.reliable, 1);
	CHECK_INT(tr.intake_clinical, 1);
	CHECK_INT(tr.latest_clinical, 0);
	CHECK_INT(tr.category, STATS_CHANGE_RECOVERED);
	CHECK_INT(tr.has_expected, 0);
	CHECK_INT(tr.not_on_track, 0);
	CHECK_INT(outcome_status_of(&tr, 0), OUTCOME_ON_TRACK);
	CHECK_INT(outcome_status_of(&tr, 1), OUTCOME_RECOVERED);
	CHECK_INT(outcome_status_of(&tr, 2), OUTCOME_DROPPED_OUT);
	CHECK_INT(outcome_track(&r, p, 0, NULL, &tr), -1);
}

TEST(test_outcome_band_is_kept_inside_the_scale)
{
	struct instrument_outcome r = phq();
	static const struct outcome_point p[] = {{1, 24}};
	struct outcome_track tr;

	CHECK_INT(outcome_track(&r, p, 1, NULL, &tr), 0);
	CHECK_NEAR(tr.rc_lower, 18, 1e-12);
	CHECK_NEAR(tr.rc_upper, 27, 1e-12);
	CHECK_INT(tr.reliable, 0);
	CHECK_INT(outcome_status_of(&tr, 0), OUTCOME_NEW);
	CHECK_INT(outcome_status_of(&tr, 1), OUTCOME_NO_FOLLOW_UP);
	CHECK_INT(outcome_status_of(NULL, 0), OUTCOME_NEW);
}

TEST(test_outcome_reliable_deterioration_is_not_on_track_without_a_model)
{
	struct instrument_outcome r = phq();
	static const struct outcome_point p[] = {{1, 8}, {3, 15}};
	struct outcome_track tr;

	CHECK_INT(outcome_track(&r, p, 2, NULL, &tr), 0);
	CHECK_INT(tr.category, STATS_CHANGE_DETERIORATED);
	CHECK_INT(tr.not_on_track, 1);
	CHECK_INT(outcome_status_of(&tr, 0), OUTCOME_NOT_ON_TRACK);
	CHECK_INT(outcome_status_of(&tr, 1), OUTCOME_DETERIORATED);
	/* The order of attention: not on track first, recovered last among the categories. */
	CHECK(OUTCOME_NOT_ON_TRACK < OUTCOME_NEW && OUTCOME_NEW < OUTCOME_ON_TRACK);
	CHECK(OUTCOME_DETERIORATED < OUTCOME_RECOVERED);
	CHECK_STR(outcome_status_name[OUTCOME_NOT_ON_TRACK], "not_on_track");
	CHECK_STR(outcome_status_name[OUTCOME_DROPPED_OUT], "dropped_out");
}

TEST(test_outcome_alliance_measures_are_never_off_track)
{
	struct instrument_outcome r = ors();
	static const struct outcome_point p[] = {{1, 38}, {2, 30}};
	struct outcome_track tr;

	r.alliance = 1;
	CHECK_INT(outcome_track(&r, p, 2, NULL, &tr), 0);
	CHECK_INT(tr.category, STATS_CHANGE_DETERIORATED);
	CHECK_INT(tr.not_on_track, 0);
}

/* ---- The expected-response model on generated data ---- */

static uint64_t rng_state;

static double uniform(void)
{
	/* xorshift64*: the same data on every machine. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double normal(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

/* True model: change = (-3 - 0.2 (x0 - 16)) ln t, spread sqrt(4 + 6 ln t). */
#define B0 (-3.0)
#define B1 (-0.2)
#define V0 4.0
#define V1 6.0

static double simulate(double x0, double t)
{
	double l = log(t);
	return x0 + (B0 + B1 * (x0 - 16)) * l + sqrt(V0 + V1 * l) * normal();
}

struct generated {
	struct outcome_point *pts;
	struct outcome_series *series;
	size_t n;
};

static void generate(struct generated *g, size_t n)
{
	size_t i, k, at = 0;

	g->pts = calloc(n * 13, sizeof(*g->pts));
	g->series = calloc(n, sizeof(*g->series));
	g->n = n;
	for (i = 0; i < n; i++) {
		/* Intakes spread evenly from 8 to 24, mean 16; 2 to 12 follow-ups. */
		double x0 = 8 + 16 * uniform();
		size_t m = 2 + (size_t)(uniform() * 11);
		g->series[i].p = &g->pts[at];
		g->pts[at].session = 1;
		g->pts[at++].score = x0;
		for (k = 2; k <= m + 1; k++) {
			g->pts[at].session = (double)k;
			g->pts[at++].score = simulate(x0, (double)k);
		}
		g->series[i].n = m + 1;
	}
}

static void release(struct generated *g)
{
	free(g->pts);
	free(g->series);
}

TEST(test_outcome_model_recovers_known_slopes_on_generated_data)
{
	struct generated g;
	struct outcome_model m;

	rng_state = 88172645463325252ULL;
	generate(&g, 2000);
	CHECK_INT(outcome_model_fit(g.series, g.n, OUTCOME_MIN_REFERENCE, &m), 0);
	CHECK_INT(m.n_clients, 2000);
	CHECK_NEAR(m.mean_intake, 16, 0.03);
	CHECK(fabs(m.b0 - B0) < 0.15);
	CHECK(fabs(m.b1 - B1) < 0.03);
	CHECK(fabs(m.v0 - V0) < 1.5);
	CHECK(fabs(m.v1 - V1) < 1.5);
	CHECK_NEAR(m.max_t, 13, 1e-12);
	release(&g);
}

TEST(test_outcome_model_band_holds_about_eighty_percent_of_new_clients)
{
	struct instrument_outcome r = phq();
	struct generated g;
	struct outcome_model m;
	struct outcome_band b;
	size_t i, inside = 0, above = 0, n = 4000;

	/* Wide scale so clamping does not help the count. */
	r.min = -100;
	r.max = 100;
	rng_state = 2463534242ULL;
	generate(&g, 300);
	CHECK_INT(outcome_model_fit(g.series, g.n, OUTCOME_MIN_REFERENCE, &m), 0);
	for (i = 0; i < n; i++) {
		double x0 = 8 + 16 * uniform(), t = 2 + floor(uniform() * 10), y = simulate(x0, t);
		outcome_model_band(&m, &r, x0, t, &b);
		if (y >= b.lower && y <= b.upper)
			inside++;
		if (y > b.upper)
			above++;
	}
	CHECK(fabs((double)inside / (double)n - 0.8) < 0.04);
	/* About one in ten ordinary clients is flagged on the worse side. */
	CHECK(fabs((double)above / (double)n - 0.1) < 0.03);
	release(&g);
}

TEST(test_outcome_model_needs_enough_clients_and_a_follow_up)
{
	struct generated g;
	struct outcome_model m;
	static const struct outcome_point same[] = {{3, 10}, {3, 12}};
	struct outcome_series s[60];
	size_t i;

	rng_state = 7;
	generate(&g, 49);
	CHECK_INT(outcome_model_fit(g.series, g.n, OUTCOME_MIN_REFERENCE, &m), -1);
	release(&g);
	for (i = 0; i < 60; i++) {
		s[i].p = same;
		s[i].n = 2;
	}
	CHECK_INT(outcome_model_fit(s, 60, OUTCOME_MIN_REFERENCE, &m), -1);
}

TEST(test_outcome_track_flags_a_client_above_the_expected_band)
{
	struct instrument_outcome r = phq();
	struct outcome_model m = {100, 500, 16, -3, -0.2, 4, 6, 20};
	/* Intake 20: expected at session 8 (t = 8) is 20 + (-3 - 0.8) ln 8 = 12.1, upper edge
	 * 12.1 + 1.28 sqrt(4 + 6 ln 8) = 17.4. */
	static const struct outcome_point slow[] = {{1, 20}, {8, 18}};
	static const struct outcome_point fine[] = {{1, 20}, {8, 13}};
	struct outcome_track tr;
	double l = log(8.0), exp_ = 20 + (-3 - 0.2 * 4) * l;

	CHECK_INT(outcome_track(&r, slow, 2, &m, &tr), 0);
	CHECK_INT(tr.has_expected, 1);
	CHECK_NEAR(tr.expected.expected, exp_, 1e-9);
	CHECK_NEAR(tr.expected.upper, exp_ + OUTCOME_BAND_Z * sqrt(4 + 6 * l), 1e-9);
	CHECK_INT(tr.category, STATS_CHANGE_UNCHANGED);
	CHECK_INT(tr.off_track, 1);
	CHECK_INT(tr.not_on_track, 1);
	CHECK_INT(outcome_track(&r, fine, 2, &m, &tr), 0);
	CHECK_INT(tr.off_track, 0);
	CHECK_INT(tr.not_on_track, 0);
	/* Beyond the longest follow-up in the data the curve stays where it was at 20. */
	{
		struct outcome_band a, b;
		outcome_model_band(&m, &r, 20, 20, &a);
		outcome_model_band(&m, &r, 20, 40, &b);
		CHECK_NEAR(a.expected, b.expected, 1e-12);
	}
}

/* ---- Effectiveness ---- */

TEST(test_outcome_effect_shares_with_wilson_intervals)
{
	struct instrument_outcome r = phq();
	/* recovered, recovered, improved, unchanged, deteriorated */
	static const double pre[] = {20, 18, 22, 15, 8};
	static const double post[] = {6, 9, 14, 13, 16};
	struct outcome_effect e;

	outcome_effect(&r, pre, post, 5, pre, post, 5, &e);
	CHECK_INT(e.n, 5);
	CHECK_INT(e.category[STATS_CHANGE_RECOVERED].count, 2);
	CHECK_INT(e.category[STATS_CHANGE_IMPROVED].count, 1);
	CHECK_INT(e.category[STATS_CHANGE_UNCHANGED].count, 1);
	CHECK_INT(e.category[STATS_CHANGE_DETERIORATED].count, 1);
	CHECK_NEAR(e.category[STATS_CHANGE_RECOVERED].share, 0.4, 1e-12);
	/* Wilson 95% for 2 of 5: 0.1176 to 0.7693. */
	CHECK_NEAR(e.category[STATS_CHANGE_RECOVERED].lower, 0.117621, 1e-5);
	CHECK_NEAR(e.category[STATS_CHANGE_RECOVERED].upper, 0.769276, 1e-5);
	/* Too few reference cases for an adjusted effect size. */
	CHECK(isnan(e.adjusted));
}

TEST(test_outcome_effect_size_is_the_standardised_change_with_beckers_interval)
{
	struct instrument_outcome r = phq();
	static const double pre[] = {20, 18, 22, 15, 8};
	static const double post[] = {6, 9, 14, 13, 16};
	double mp = 16.6, mq = 11.6, sp = 0, sq = 0, cov = 0, rho, d, se;
	struct outcome_effect e;
	size_t i;

	for (i = 0; i < 5; i++) {
		sp += (pre[i] - mp) * (pre[i] - mp);
		sq += (post[i] - mq) * (post[i] - mq);
		cov += (pre[i] - mp) * (post[i] - mq);
	}
	rho = cov / sqrt(sp * sq);
	d = (mp - mq) / sqrt(sp / 4);
	se = sqrt(2 * (1 - rho) / 5 + d * d / 10);
	outcome_effect(&r, pre, post, 5, pre, post, 5, &e);
	CHECK_NEAR(e.d, d, 1e-12);
	CHECK_NEAR(e.d_lower, d - STATS_Z975 * se, 1e-12);
	CHECK_NEAR(e.d_upper, d + STATS_Z975 * se, 1e-12);
	/* Higher is better: the same numbers the other way round give the opposite sign. */
	r.lower_is_better = 0;
	outcome_effect(&r, pre, post, 5, pre, post, 5, &e);
	CHECK_NEAR(e.d, -d, 1e-12);
	/* Too few cases: no effect size at all. */
	outcome_effect(&r, pre, post, 2, pre, post, 2, &e);
	CHECK(isnan(e.d));
	CHECK(isnan(e.d_lower));
	outcome_effect(&r, pre, post, 0, pre, post, 0, &e);
	CHECK(isnan(e.category[0].share));
}

TEST(test_outcome_effect_adjusts_for_intake_severity_against_the_reference)
{
	struct instrument_outcome r = phq();
	double rp[200], rq[200], own_pre[8], own_post[8], sx = 0, mx = 0;
	struct outcome_effect e;
	size_t i;

	/* Reference: end = 2 + 0.5 x intake exactly (no noise), intakes 5..24.9. */
	for (i = 0; i < 200; i++) {
		rp[i] = 5 + (double)i / 10;
		rq[i] = 2 + 0.5 * rp[i];
		mx += rp[i];
	}
	mx /= 200;
	for (i = 0; i < 200; i++)
		sx += (rp[i] - mx) * (rp[i] - mx);
	sx = sqrt(sx / 199);
	/* Own cases end 1.5 points better than the reference predicts, whatever the intake. */
	for (i = 0; i < 8; i++) {
		own_pre[i] = 10 + 2 * (double)i;
		own_post[i] = 2 + 0.5 * own_pre[i] - 1.5;
	}
	outcome_effect(&r, own_pre, own_post, 8, rp, rq, 200, &e);
	CHECK_INT(e.n_reference, 200);
	CHECK_NEAR(e.adjusted, 1.5 / sx, 1e-9);
	/* No spread in the residuals: the interval collapses on the estimate. */
	CHECK_NEAR(e.adjusted_lower, e.adjusted, 1e-9);
	CHECK(!isnan(e.reference_d));
	/* Too few own cases for an adjusted effect size. */
	outcome_effect(&r, own_pre, own_post, 4, rp, rq, 200, &e);
	CHECK(isnan(e.adjusted));
	/* Too small a reference. */
	outcome_effect(&r, own_pre, own_post, 8, rp, rq, 49, &e);
	CHECK(isnan(e.adjusted));
}
