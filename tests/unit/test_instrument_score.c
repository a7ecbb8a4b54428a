/* Unit tests for the client-rated outcome measures kvalab ships: each is scored on worked
 * examples (reversed items, items left out, prorating, refusals), with its cut-off, reliable
 * change, bands and alerts, and the questionnaire its answer page shows. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/instrument.h"
#include "util/banned.h"

static struct instrument *shipped(const char *name)
{
	char path[512], err[512];
	json_error_t e;
	json_t *j;
	struct instrument *in;

	snprintf(path, sizeof(path), "instruments/%s", name);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		snprintf(path, sizeof(path), "%.*s/../../instruments/%s",
		         (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__, name);
		j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	}
	if (!j) {
		printf("    %s: line %d: %s\n", name, e.line, e.text);
		return NULL;
	}
	if (instrument_validate(j, err, sizeof(err)))
		printf("    %s: %s\n", name, err);
	in = instrument_compile(j);
	json_decref(j);
	return in;
}

/* {"1": a[0], "2": a[1], ...}; a value below 0 leaves the item out, -2 sends null. */
static json_t *answers(const double *a, size_t n)
{
	json_t *o = json_object();
	char id[24];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i + 1);
		if (a[i] == -2)
			json_object_set_new(o, id, json_null());
		else if (a[i] >= 0)
			json_object_set_new(o, id, json_real(a[i]));
	}
	return o;
}

static enum instrument_scored score(const struct instrument *in, const double *a, size_t n,
                                    struct instrument_score *out)
{
	json_t *j = answers(a, n);
	enum instrument_scored rc = instrument_score_answers(in, j, out);

	json_decref(j);
	return rc;
}

TEST(test_instrument_score_phq9_sums_and_bands)
{
	struct instrument *in = shipped("phq-9-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	static const double all2[9] = {2, 2, 2, 2, 2, 2, 2, 2, 2};
	static const double mix[9] = {3, 2, 1, 0, 1, 2, 0, 1, 0};

	CHECK(in);
	CHECK_STR(instrument_rater(in), "client");
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_INT(r.lower_is_better, 1);
	CHECK_INT(r.alliance, 0);
	CHECK_NEAR(r.min, 0, 1e-12);
	CHECK_NEAR(r.max, 27, 1e-12);
	CHECK_NEAR(r.cutoff, 10, 1e-12);
	CHECK_NEAR(r.reliable_change, 6, 1e-12);
	CHECK_INT(r.n_scored, 9);
	CHECK_INT(r.max_missing, 2);
	CHECK(isnan(r.c));

	CHECK_INT(score(in, all2, 9, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 18, 1e-12);
	CHECK_STR(instrument_score_band(in, s.score), "moderately_severe");
	CHECK_INT(score(in, mix, 9, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 10, 1e-12);
	CHECK_STR(instrument_score_band(in, 10), "moderate");
	CHECK_STR(instrument_score_band(in, 9.5), "mild");
	CHECK_STR(instrument_score_band(in, 4), "minimal");
	CHECK_STR(instrument_score_band(in, 0), "minimal");
	CHECK_STR(instrument_score_band(in, 27), "severe");
	instrument_free(in);
}

TEST(test_instrument_score_phq9_prorates_two_missing_and_refuses_three)
{
	struct instrument *in = shipped("phq-9-1.json");
	struct instrument_score s;
	/* 7 answered, summing 14: 14 x 9 / 7 = 18. */
	static const double two[9] = {2, 2, -1, 2, 2, -2, 2, 2, 2};
	static const double three[9] = {2, 2, -1, 2, 2, -2, 2, -1, 2};

	CHECK(in);
	CHECK_INT(score(in, two, 9, &s), INSTRUMENT_SCORED);
	CHECK_INT(s.answered, 7);
	CHECK_INT(s.missing, 2);
	CHECK_NEAR(s.score, 18, 1e-12);
	CHECK_INT(score(in, three, 9, &s), INSTRUMENT_TOO_MANY_MISSING);
	CHECK(isnan(s.score));
	CHECK_STR(s.why, "3 of 9 scored items are missing; the measure allows at most 2");
	instrument_free(in);
}

TEST(test_instrument_score_refuses_answers_off_the_scale_or_unknown_items)
{
	struct instrument *in = shipped("phq-9-1.json");
	struct instrument_score s;
	json_t *j;

	CHECK(in);
	j = json_pack("{s:i, s:i}", "1", 1, "9", 4);
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	CHECK_STR(s.field, "9");
	CHECK_STR(s.why, "must be a whole number from 0 to 3");
	json_decref(j);
	j = json_pack("{s:f}", "2", 1.5);
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	CHECK_STR(s.field, "2");
	json_decref(j);
	j = json_pack("{s:i}", "10", 1);
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	CHECK_STR(s.field, "10");
	CHECK_STR(s.why, "no such item");
	json_decref(j);
	j = json_pack("{s:s}", "1", "2");
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	json_decref(j);
	j = json_array();
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	json_decref(j);
	instrument_free(in);
}

TEST(test_instrument_score_phq9_difficulty_is_checked_not_scored_and_item9_alerts)
{
	struct instrument *in = shipped("phq-9-1.json");
	struct instrument_score s;
	json_t *j, *alerts;

	CHECK(in);
	j = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "1", 1, "2", 1, "3", 1,
	              "4", 1, "5", 1, "6", 1, "7", 1, "8", 1, "9", 2, "difficulty", 3);
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 10, 1e-12);
	alerts = instrument_score_alerts(in, j, "en");
	CHECK_INT(json_array_size(alerts), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(alerts, 0), "item")), "9");
	CHECK_NEAR(json_number_value(json_object_get(json_array_get(alerts, 0), "answer")), 2,
	           1e-12);
	json_decref(alerts);
	json_object_set_new(j, "9", json_integer(0));
	alerts = instrument_score_alerts(in, j, "en");
	CHECK_INT(json_array_size(alerts), 0);
	json_decref(alerts);
	json_object_set_new(j, "difficulty", json_integer(4));
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	CHECK_STR(s.field, "difficulty");
	json_decref(j);
	instrument_free(in);
}

TEST(test_instrument_score_gad7_sums_with_one_missing_at_most)
{
	struct instrument *in = shipped("gad-7-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	static const double a[7] = {1, 2, 3, 0, 1, 2, 3};
	static const double one[7] = {3, 3, 3, -1, 3, 3, 3};
	static const double two[7] = {3, 3, 3, -1, -1, 3, 3};

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_NEAR(r.max, 21, 1e-12);
	CHECK_NEAR(r.cutoff, 10, 1e-12);
	CHECK_NEAR(r.reliable_change, 4, 1e-12);
	CHECK_INT(score(in, a, 7, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 12, 1e-12);
	CHECK_STR(instrument_score_band(in, 12), "moderate");
	CHECK_STR(instrument_score_band(in, 15), "severe");
	CHECK_INT(score(in, one, 7, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 21, 1e-12);
	CHECK_INT(score(in, two, 7, &s), INSTRUMENT_TOO_MANY_MISSING);
	instrument_free(in);
}

TEST(test_instrument_score_core10_reverses_items_2_and_3)
{
	struct instrument *in = shipped("core-10-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	static const double zero[10] = {0};
	static const double worked[10] = {3, 1, 0, 2, 2, 0, 4, 3, 3, 2};
	static const double one_missing[10] = {0, -1, 0, 0, 0, 0, 0, 0, 0, 0};
	static const double two_missing[10] = {0, -1, -1, 0, 0, 0, 0, 0, 0, 0};

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_NEAR(r.max, 40, 1e-12);
	CHECK_NEAR(r.cutoff, 11, 1e-12);
	CHECK_NEAR(r.reliable_change, 6, 1e-12);
	/* All 0: items 2 and 3 count 4 each, so 8 (a mean of 0.8, x 10). */
	CHECK_INT(score(in, zero, 10, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 8, 1e-12);
	/* 3 + (4-1) + (4-0) + 2 + 2 + 0 + 4 + 3 + 3 + 2 = 26. */
	CHECK_INT(score(in, worked, 10, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 26, 1e-12);
	CHECK_STR(instrument_score_band(in, 26), "severe");
	CHECK_STR(instrument_score_band(in, 11), "mild");
	/* Item 2 left out: 4 / 9 x 10. */
	CHECK_INT(score(in, one_missing, 10, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 40.0 / 9, 1e-12);
	CHECK_INT(score(in, two_missing, 10, &s), INSTRUMENT_TOO_MANY_MISSING);
	instrument_free(in);
}

TEST(test_instrument_score_core_om_is_the_mean_x_10_with_eight_reversed)
{
	struct instrument *in = shipped("core-om-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	double a[34];
	size_t i;

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_NEAR(r.max, 40, 1e-12);
	CHECK_NEAR(r.cutoff, 10, 1e-12);
	CHECK_NEAR(r.reliable_change, 5, 1e-12);
	for (i = 0; i < 34; i++)
		a[i] = 2;
	CHECK_INT(score(in, a, 34, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 20, 1e-12);
	for (i = 0; i < 34; i++)
		a[i] = 0;
	/* The eight positively worded items count 4 each: 32 / 34 x 10. */
	CHECK_INT(score(in, a, 34, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 320.0 / 34, 1e-9);
	CHECK_STR(instrument_score_band(in, s.score), "low");
	a[0] = a[1] = a[4] = -1;
	CHECK_INT(score(in, a, 34, &s), INSTRUMENT_SCORED);
	CHECK_INT(s.answered, 31);
	CHECK_NEAR(s.score, 320.0 / 31, 1e-9);
	a[5] = -1;
	CHECK_INT(score(in, a, 34, &s), INSTRUMENT_TOO_MANY_MISSING);
	CHECK_INT(instrument_score_total_ok(in, 40, NULL, 0), 1);
	instrument_free(in);
}

TEST(test_instrument_score_ors_sums_tenths_of_centimetres_and_higher_is_better)
{
	struct instrument *in = shipped("ors-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	static const double a[4] = {6.5, 7.2, 5.0, 6.1};
	static const double off[4] = {6.55, 7.2, 5.0, 6.1};
	static const double missing[4] = {6.5, 7.2, -1, 6.1};
	char why[128];

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_INT(r.lower_is_better, 0);
	CHECK_NEAR(r.max, 40, 1e-12);
	CHECK_NEAR(r.cutoff, 25, 1e-12);
	CHECK_INT(score(in, a, 4, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 24.8, 1e-9);
	CHECK_INT(score(in, off, 4, &s), INSTRUMENT_BAD_ANSWER);
	CHECK_STR(s.why, "must be a number from 0 to 10 in steps of 0.1");
	CHECK_INT(score(in, missing, 4, &s), INSTRUMENT_TOO_MANY_MISSING);
	CHECK_INT(instrument_score_total_ok(in, 40.5, why, sizeof(why)), 0);
	CHECK_STR(why, "must be a number from 0 to 40");
	instrument_free(in);
}

TEST(test_instrument_score_srs_is_an_alliance_check)
{
	struct instrument *in = shipped("srs-1.json");
	struct instrument_outcome r;

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_INT(r.alliance, 1);
	CHECK_INT(r.lower_is_better, 0);
	CHECK_NEAR(r.cutoff, 36, 1e-12);
	instrument_free(in);
}

TEST(test_instrument_score_oq45_reverses_nine_items)
{
	struct instrument *in = shipped("oq-45-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	double a[45];
	size_t i;

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_NEAR(r.max, 180, 1e-12);
	CHECK_NEAR(r.reliable_change, 14, 1e-12);
	CHECK_NEAR(r.cutoff, 64, 1e-12);
	for (i = 0; i < 45; i++)
		a[i] = 0;
	CHECK_INT(score(in, a, 45, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 36, 1e-12);
	for (i = 0; i < 45; i++)
		a[i] = 4;
	CHECK_INT(score(in, a, 45, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 144, 1e-12);
	/* Items 2 to 5 left out: the other 32 unreversed items give 128, prorated to 45 items. */
	a[1] = a[2] = a[3] = a[4] = -1;
	CHECK_INT(score(in, a, 45, &s), INSTRUMENT_SCORED);
	CHECK_NEAR(s.score, 128.0 * 45 / 41, 1e-9);
	a[5] = -1;
	CHECK_INT(score(in, a, 45, &s), INSTRUMENT_TOO_MANY_MISSING);
	instrument_free(in);
}

TEST(test_instrument_score_fidelity_scales_have_no_outcome_rules)
{
	struct instrument *in = shipped("ctrs-1.json");
	struct instrument_outcome r;
	struct instrument_score s;
	json_t *j = json_object();

	CHECK(in);
	CHECK_STR(instrument_rater(in), "lab");
	CHECK_INT(instrument_outcome_rules(in, &r), -1);
	CHECK_INT(instrument_score_answers(in, j, &s), INSTRUMENT_BAD_ANSWER);
	CHECK(instrument_questionnaire(in, "en") == NULL);
	json_decref(j);
	instrument_free(in);
}

TEST(test_instrument_score_cutoffs_and_reliable_change_from_norms)
{
	/* Clinical 6 (SD 2), functional 2 (SD 1.5): a = 6 - 4 = 2, b = 2 + 3 = 5,
	 * c = (2 x 2 + 1.5 x 6) / 3.5 = 13/3.5. Reliability .8, SD 2: S_diff = sqrt(2) x 2 x
	 * sqrt(.2), reliable at 1.96 x S_diff. */
	json_t *def = json_loads(
	    "{\"schema\": 1, \"code\": \"q\", \"version\": \"1\", \"kind\": \"outcome\","
	    " \"name\": {\"nb\": \"q\", \"da\": \"q\", \"en\": \"q\"}, \"rater\": \"client\","
	    " \"items\": [{\"id\": \"1\", \"label\": {\"nb\": \"1\", \"da\": \"1\", \"en\": \"1\"},"
	    "  \"facets\": [\"response\"], \"range\": {\"min\": 0, \"max\": 10}}],"
	    " \"scoring\": {\"method\": \"sum\", \"direction\": \"lower_is_better\","
	    "  \"reliability\": {\"r\": 0.8, \"sd\": 2},"
	    "  \"norms\": {\"clinical\": {\"mean\": 6, \"sd\": 2},"
	    "   \"functional\": {\"mean\": 2, \"sd\": 1.5}}}}",
	    0, NULL);
	struct instrument *in = instrument_compile(def);
	struct instrument_outcome r;
	json_t *sum;

	CHECK(in);
	CHECK_INT(instrument_outcome_rules(in, &r), 0);
	CHECK_NEAR(r.a, 2, 1e-12);
	CHECK_NEAR(r.b, 5, 1e-12);
	CHECK_NEAR(r.c, 13 / 3.5, 1e-12);
	CHECK_NEAR(r.cutoff, 13 / 3.5, 1e-12);
	CHECK_NEAR(r.reliable_change, 1.96 * sqrt(2) * 2 * sqrt(0.2), 1e-12);
	sum = instrument_summary(in, "en");
	CHECK_STR(json_string_value(json_object_get(sum, "rater")), "client");
	CHECK_NEAR(json_number_value(json_object_get(json_object_get(sum, "scoring"), "c")),
	           13 / 3.5, 1e-12);
	json_decref(sum);
	instrument_free(in);
	json_decref(def);
}

TEST(test_instrument_questionnaire_shows_only_the_shipped_wording)
{
	struct instrument *in = shipped("phq-9-1.json");
	json_t *q, *items, *first;

	CHECK(in);
	CHECK_INT(instrument_has_language(in, "en"), 1);
	CHECK_INT(instrument_has_language(in, "nb"), 0);
	CHECK(instrument_questionnaire(in, "nb") == NULL);
	CHECK(instrument_questionnaire(in, "da") == NULL);
	q = instrument_questionnaire(in, "en");
	CHECK(q);
	CHECK_STR(json_string_value(json_object_get(q, "language")), "en");
	CHECK_STR(json_string_value(json_object_get(q, "instructions")),
	          "Over the last 2 weeks, how often have you been bothered by any of the following "
	          "problems?");
	items = json_object_get(q, "items");
	CHECK_INT(json_array_size(items), 10);
	first = json_array_get(items, 0);
	CHECK_STR(json_string_value(json_object_get(first, "text")),
	          "Little interest or pleasure in doing things");
	CHECK_INT(json_array_size(json_object_get(first, "answers")), 4);
	CHECK_STR(json_string_value(json_object_get(
	              json_array_get(json_object_get(first, "answers"), 3), "text")),
	          "Nearly every day");
	CHECK(json_is_false(json_object_get(json_array_get(items, 9), "required")));
	json_decref(q);
	instrument_free(in);
	/* A measure shipped without wording cannot be sent to a client at all. */
	in = shipped("core-om-1.json");
	CHECK(in);
	CHECK(instrument_questionnaire(in, "en") == NULL);
	instrument_free(in);
}
