/* Tests for the pure rules of deliberate practice: ISO weeks, the cap on logged review time,
 * a session's quality in one number and therapist effects through the REML engine. */
#include "unit.h"
#include "unit_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/practice.h"
#include "core/stats.h"
#include "util/banned.h"

static void week_of(const char *date, char out[16])
{
	int y, w;

	if (practice_iso_week(date, &y, &w))
		snprintf(out, 16, "bad");
	else
		snprintf(out, 16, "%04d-W%02d", y, w);
}

TEST(test_practice_iso_week_at_year_boundaries)
{
	static const char *const cases[][2] = {
	    {"2005-01-01", "2004-W53"}, {"2005-01-02", "2004-W53"}, {"2005-12-31", "2005-W52"},
	    {"2007-01-01", "2007-W01"}, {"2007-12-30", "2007-W52"}, {"2007-12-31", "2008-W01"},
	    {"2008-12-29", "2009-W01"}, {"2009-12-31", "2009-W53"}, {"2010-01-03", "2009-W53"},
	    {"2010-01-04", "2010-W01"}, {"2021-01-03", "2020-W53"}, {"2026-01-01", "2026-W01"},
	    {"2024-02-29", "2024-W09"}, {"1970-01-01", "1970-W01"},
	};
	char got[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		week_of(cases[i][0], got);
		CHECK_STR(got, cases[i][1]);
	}
}

TEST(test_practice_week_start_is_the_monday)
{
	char out[16];

	CHECK_INT(practice_week_start("2026-01-01", out), 0);
	CHECK_STR(out, "2025-12-29");
	CHECK_INT(practice_week_start("2025-12-29", out), 0);
	CHECK_STR(out, "2025-12-29");
	CHECK_INT(practice_week_start("2026-01-04", out), 0); /* a Sunday */
	CHECK_STR(out, "2025-12-29");
	CHECK_INT(practice_week_label("2025-12-29", out), 0);
	CHECK_STR(out, "2026-W01");
	CHECK_INT(practice_week_start("2026-02-30", out), -1);
	CHECK_INT(practice_week_start("2025-2-3", out), -1);
	CHECK_INT(practice_week_start("2100-02-29", out), -1);
	CHECK_INT(practice_week_start("2000-02-29", out), 0);
}

TEST(test_practice_day_numbers_round_trip)
{
	long long d;
	char out[11];

	CHECK_INT(practice_day_number("1970-01-01", &d), 0);
	CHECK_INT(d, 0);
	CHECK_INT(practice_day_number("2000-03-01", &d), 0);
	CHECK_INT(d, 11017);
	for (d = -800; d < 40000; d += 37) {
		long long back;
		practice_date_of(d, out);
		CHECK_INT(practice_day_number(out, &back), 0);
		CHECK_INT(back, d);
	}
}

TEST(test_practice_weeks_bucket_dates_into_iso_weeks)
{
	/* Twelve weeks ending with the week of Thursday 2026-03-19 start on Monday 2025-12-29. */
	CHECK_INT(practice_week_count("2025-12-29", "2026-03-19"), 12);
	CHECK_INT(practice_week_count("2026-01-04", "2026-01-05"), 2); /* Sunday, then Monday */
	CHECK_INT(practice_week_count("2026-01-05", "2026-01-11"), 1);
	CHECK_INT(practice_week_count("2026-01-05", "2026-01-04"), -1);
	CHECK_INT(practice_week_count("2020-01-01", "2026-01-01"), -1); /* over 156 weeks */
	CHECK_INT(practice_week_index("2025-12-29", 12, "2025-12-29"), 0);
	CHECK_INT(practice_week_index("2025-12-29", 12, "2026-01-04"), 0);
	CHECK_INT(practice_week_index("2025-12-29", 12, "2026-01-05"), 1);
	CHECK_INT(practice_week_index("2025-12-29", 12, "2026-03-22"), 11);
	CHECK_INT(practice_week_index("2025-12-29", 12, "2026-03-23"), -1);
	CHECK_INT(practice_week_index("2025-12-29", 12, "2025-12-28"), -1);
	CHECK_INT(practice_week_index("2025-12-29", 12, "nonsense"), -1);
}

TEST(test_practice_review_time_is_capped_by_length_and_clock)
{
	/* A 20-minute recording: at most 40 minutes per viewing. */
	CHECK_INT(practice_review_seconds(0, 600, 1200, 700), 600);
	CHECK_INT(practice_review_seconds(0, 5000, 1200, 9000), 2400);
	/* Never more than the time since the viewing began, plus a minute of slack. */
	CHECK_INT(practice_review_seconds(0, 3000, 1200, 100), 160);
	/* A running total: a late or repeated report takes nothing away. */
	CHECK_INT(practice_review_seconds(900, 300, 1200, 1000), 900);
	CHECK_INT(practice_review_seconds(900, -5, 1200, 1000), 900);
	/* Length unknown: the clock and the 600-minute ceiling still hold. */
	CHECK_INT(practice_review_seconds(0, 50000, 0, 50000), 36000);
	CHECK_INT(practice_review_seconds(0, 200, NAN, 1000), 200);
}

TEST(test_practice_minutes_round_half_up_and_cap)
{
	CHECK_INT(practice_minutes(0), 0);
	CHECK_INT(practice_minutes(29), 0);
	CHECK_INT(practice_minutes(30), 1);
	CHECK_INT(practice_minutes(89), 1);
	CHECK_INT(practice_minutes(90), 2);
	CHECK_INT(practice_minutes(36000), 600);
	CHECK_INT(practice_minutes(99999), 600);
}

TEST(test_practice_session_quality_is_the_mean_item_quality)
{
	struct instrument *mbt = unit_shipped_instrument("mbt-i-aqs-1.json");
	struct instrument *ctrs = unit_shipped_instrument("ctrs-1.json");
	json_t *s = json_pack("{s:{s:i}, s:{s:i, s:i}, s:{s:i, s:i}, s:{s:i}}", "1", "quality", 6,
	                      "2", "adherence", 1, "quality", 4, "3", "adherence", 7, "quality", 2,
	                      "global", "quality", 1);
	json_t *c =
	    json_pack("{s:{s:i}, s:{s:i}}", "agenda", "competence", 2, "feedback", "competence", 5);
	double q;

	CHECK(mbt != NULL);
	CHECK(ctrs != NULL);
	/* Quality only, adherence and globals left out: (6 + 4 + 2) / 3. */
	CHECK_NEAR(practice_session_quality(mbt, s), 4, 1e-15);
	/* Scales that rate competence instead. */
	CHECK_NEAR(practice_session_quality(ctrs, c), 3.5, 1e-15);
	q = practice_session_quality(mbt, c);
	CHECK(isnan(q));
	CHECK(isnan(practice_session_quality(NULL, s)));
	json_decref(s);
	json_decref(c);
	instrument_free(mbt);
	instrument_free(ctrs);
}

/* Unbalanced: 5 therapists with 3, 2, 5, 1 and 4 clients (as in test_stats_reml.c). */
static const double ub_y[15] = {3, 5, 4, 7, 8, 2, 4, 3, 5, 1, 6, 9, 7, 8, 10};
static const size_t ub_g[15] = {0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4};

static json_t *effect_rows(int with_baseline)
{
	json_t *rows = json_array();
	size_t i;

	for (i = 0; i < 15; i++) {
		json_t *r = json_pack("{s:I, s:f}", "therapist", (json_int_t)(100 + ub_g[i] * 7),
		                      "outcome", ub_y[i]);
		if (with_baseline)
			json_object_set_new(r, "baseline", json_real((double)((i * 5) % 11)));
		json_array_append_new(rows, r);
	}
	return rows;
}

TEST(test_practice_therapist_effects_match_the_reml_engine)
{
	json_t *rows = effect_rows(0), *e;
	struct stats_reml r;
	double x[15];
	size_t i;

	CHECK_INT(stats_reml_oneway(ub_y, ub_g, 15, 5, &r), 0);
	e = practice_therapist_effects(rows, 5);
	CHECK(json_is_true(json_object_get(e, "available")));
	CHECK_INT(json_integer_value(json_object_get(e, "n_therapists")), 5);
	CHECK_INT(json_integer_value(json_object_get(e, "n_clients")), 15);
	CHECK(json_is_null(json_object_get(e, "covariate")));
	CHECK_NEAR(json_real_value(json_object_get(e, "icc")), r.icc, 1e-12);
	json_decref(e);
	json_decref(rows);

	rows = effect_rows(1);
	for (i = 0; i < 15; i++)
		x[i] = (double)((i * 5) % 11);
	CHECK_INT(stats_reml_fit(ub_y, x, 1, ub_g, 15, 5, &r), 0);
	e = practice_therapist_effects(rows, 5);
	CHECK_STR(json_string_value(json_object_get(e, "covariate")), "baseline");
	CHECK_NEAR(json_real_value(json_object_get(e, "icc")), r.icc, 1e-12);
	CHECK_NEAR(json_real_value(json_object_get(e, "baseline_coef")), r.coef[1], 1e-12);
	json_decref(e);
	json_decref(rows);
}

TEST(test_practice_therapist_effects_need_enough_therapists)
{
	json_t *rows = effect_rows(0), *e = practice_therapist_effects(rows, 6);

	CHECK(json_is_false(json_object_get(e, "available")));
	CHECK_STR(json_string_value(json_object_get(e, "reason")), "too_few_therapists");
	json_decref(e);
	json_decref(rows);
	rows = json_array();
	e = practice_therapist_effects(rows, 5);
	CHECK(json_is_false(json_object_get(e, "available")));
	json_decref(e);
	json_decref(rows);
}
