/* Unit tests for compiled instruments: the four shipped files, score and code checks, missing
 * scores, derived indices and bands on worked examples, and the rating form's summary. */
#include "unit.h"
#include "unit_json.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/instrument.h"
#include "util/banned.h"

/* The value and band of one derived index. */
static double value_of(const json_t *d, const char *index)
{
	const json_t *v = json_object_get(json_object_get(d, index), "value");
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *band_of(const json_t *d, const char *index)
{
	const char *b = json_string_value(json_object_get(json_object_get(d, index), "band"));
	return b ? b : "(null)";
}

TEST(test_instrument_shipped_files_validate)
{
	static const char *const files[] = {"mbt-i-aqs-1.json", "ctrs-1.json", "cts-r-1.json",
	                                    "miti-4.2.1.json"};
	size_t i;

	for (i = 0; i < 4; i++) {
		json_t *def = unit_shipped_json(files[i]);
		char err[512] = "";
		CHECK(def);
		if (instrument_validate(def, err, sizeof(err)))
			unit_fail(__FILE__, __LINE__, "%s: %s", files[i], err);
		json_decref(def);
	}
}

TEST(test_instrument_item_index_finds_items_by_id)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");

	CHECK(in);
	CHECK_INT(instrument_item_index(in, "1"), 0);
	CHECK_INT(instrument_item_index(in, "17"), 16);
	CHECK_INT(instrument_item_index(in, "18"), -1);
	CHECK_INT(instrument_item_index(in, "global"), -1);
	CHECK_INT(instrument_item_index(in, NULL), -1);
	CHECK_INT(instrument_item_index(NULL, "1"), -1);
	instrument_free(in);
}

TEST(test_instrument_mbt_has_17_items_two_globals_and_19_codes)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	size_t i;

	CHECK(in);
	CHECK_STR(instrument_code(in), "mbt-i-aqs");
	CHECK_STR(instrument_version(in), "1");
	CHECK_STR(instrument_kind(in), "fidelity");
	CHECK_INT(instrument_item_count(in), 17);
	for (i = 0; i < 17; i++) {
		char id[8];
		int quality_only = i == 0 || i == 3 || i == 4;
		snprintf(id, sizeof(id), "%zu", i + 1);
		CHECK_STR(instrument_item_id(in, i), id);
		CHECK_STR(instrument_item_facet(in, i, 0), quality_only ? "quality" : "adherence");
		CHECK(quality_only ? instrument_item_facet(in, i, 1) == NULL
		                   : !strcmp(instrument_item_facet(in, i, 1), "quality"));
	}
	CHECK_STR(instrument_item_label(in, 15, "en"),
	          "Monitoring own understanding and correcting misunderstandings");
	CHECK_STR(instrument_item_label(in, 0, "nb"), "Engasjement, interesse og varme");
	CHECK_STR(instrument_item_label(in, 0, "da"), "Engagement, interesse og varme");
	CHECK_STR(instrument_item_label(in, 0, "sv"), "Engagement, interest and warmth");
	CHECK(instrument_item_id(in, 17) == NULL);
	CHECK_INT(instrument_global_count(in), 2);
	CHECK_STR(instrument_global_id(in, 0), "adherence");
	CHECK_STR(instrument_global_label(in, 1, "nb"), "Global kvalitet");
	CHECK_NEAR(instrument_good_enough(in), 4, 0);
	CHECK_STR(instrument_name(in, "en"),
	          "MBT adherence and quality scale, individual (17 items)");
	instrument_free(in);
}

TEST(test_instrument_score_ok_explains_refusals)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	char why[128];

	CHECK(in);
	CHECK_INT(instrument_score_ok(in, "2", "adherence", 4, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(in, "1", "quality", 7, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(in, "global", "quality", 1, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(in, "1", "adherence", 4, why, sizeof(why)), 0);
	CHECK_STR(why, "item 1 is not rated for adherence");
	CHECK_INT(instrument_score_ok(in, "5", "adherence", 4, why, sizeof(why)), 0);
	CHECK_STR(why, "item 5 is not rated for adherence");
	CHECK_INT(instrument_score_ok(in, "2", "quality", 8, why, sizeof(why)), 0);
	CHECK_STR(why, "must be a whole number from 1 to 7");
	CHECK_INT(instrument_score_ok(in, "2", "quality", 4.5, why, sizeof(why)), 0);
	CHECK_STR(why, "must be a whole number from 1 to 7");
	CHECK_INT(instrument_score_ok(in, "2", "quality", 0, why, sizeof(why)), 0);
	CHECK_INT(instrument_score_ok(in, "2", "quality", NAN, why, sizeof(why)), 0);
	CHECK_INT(instrument_score_ok(in, "18", "quality", 4, why, sizeof(why)), 0);
	CHECK_STR(why, "no such item");
	CHECK_INT(instrument_score_ok(in, "2", "style", 4, why, sizeof(why)), 0);
	CHECK_STR(why, "no such facet");
	CHECK_INT(instrument_score_ok(in, "2", "competence", 4, why, sizeof(why)), 0);
	CHECK_STR(why, "item 2 is not rated for competence");
	CHECK_INT(instrument_score_ok(in, "global", "style", 4, why, sizeof(why)), 0);
	CHECK_STR(why, "no such global rating");
	CHECK_INT(instrument_score_ok(in, "global", "quality", 9, NULL, 0), 0);
	instrument_free(in);
}

TEST(test_instrument_score_ok_on_counts_and_fractional_steps)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *def =
	    unit_json("{'schema': 1, 'code': 'half', 'version': '1', 'kind': 'outcome',"
	              " 'name': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'items': [{'id': 'a',"
	              " 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'facets': ['quality'],"
	              " 'range': {'min': 0, 'max': 2, 'step': 0.1}}]}");
	struct instrument *half;
	char why[128];

	CHECK(in && def);
	CHECK_INT(instrument_score_ok(in, "cr", "count", 0, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(in, "cr", "count", 250, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(in, "cr", "count", -1, why, sizeof(why)), 0);
	CHECK_STR(why, "must be a whole number from 0 to 10000");
	CHECK_INT(instrument_score_ok(in, "global", "empathy", 5, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(in, "global", "empathy", 6, why, sizeof(why)), 0);
	CHECK_STR(why, "must be a whole number from 1 to 5");
	instrument_free(in);
	half = instrument_compile(def);
	json_decref(def);
	CHECK(half);
	CHECK_INT(instrument_score_ok(half, "a", "quality", 0.3, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(half, "a", "quality", 1.7, why, sizeof(why)), 1);
	CHECK_INT(instrument_score_ok(half, "a", "quality", 0.35, why, sizeof(why)), 0);
	CHECK_STR(why, "must be a number from 0 to 2 in steps of 0.1");
	instrument_free(half);
}

TEST(test_instrument_codes_map_to_items_or_classes)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");

	CHECK(in);
	CHECK_INT(instrument_code_ok(in, "16"), 1);
	CHECK_STR(instrument_code_item(in, "16"), "16");
	CHECK_STR(instrument_code_class(in, "16"), "item");
	CHECK_INT(instrument_code_ok(in, "outside_manual"), 1);
	CHECK(instrument_code_item(in, "outside_manual") == NULL);
	CHECK_STR(instrument_code_class(in, "outside_manual"), "outside_manual");
	CHECK(instrument_code_item(in, "not_classifiable") == NULL);
	CHECK_STR(instrument_code_class(in, "not_classifiable"), "not_classifiable");
	CHECK_INT(instrument_code_ok(in, "18"), 0);
	CHECK_INT(instrument_code_ok(in, NULL), 0);
	CHECK(instrument_code_item(in, "18") == NULL);
	CHECK(instrument_code_class(in, "18") == NULL);
	instrument_free(in);
}

TEST(test_instrument_missing_lists_required_scores_in_order)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *scores, *m;

	CHECK(in);
	m = instrument_missing(in, NULL);
	/* 17 quality + 14 adherence + 2 globals */
	CHECK_INT(json_array_size(m), 33);
	CHECK_STR(json_string_value(json_array_get(m, 0)), "1.quality");
	CHECK_STR(json_string_value(json_array_get(m, 1)), "2.adherence");
	CHECK_STR(json_string_value(json_array_get(m, 2)), "2.quality");
	CHECK_STR(json_string_value(json_array_get(m, 31)), "global.adherence");
	CHECK_STR(json_string_value(json_array_get(m, 32)), "global.quality");
	json_decref(m);

	scores = unit_json("{'1': {'quality': 4}, '2': {'adherence': 3, 'quality': 'high'},"
	                   " 'global': {'quality': 5}}");
	m = instrument_missing(in, scores);
	CHECK_INT(json_array_size(m), 30);
	CHECK_STR(json_string_value(json_array_get(m, 0)), "2.quality"); /* not a number */
	CHECK_STR(json_string_value(json_array_get(m, 29)), "global.adherence");
	json_decref(m);
	json_decref(scores);
	instrument_free(in);
}

TEST(test_instrument_missing_is_empty_when_complete_and_skips_optional_counts)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *scores, *m;

	CHECK(in);
	scores = unit_json("{'global': {'cct': 3, 'sst': 4, 'partnership': 4, 'empathy': 5}}");
	m = instrument_missing(in, scores);
	CHECK_INT(json_array_size(m), 0);
	json_decref(m);
	json_decref(scores);
	m = instrument_missing(in, NULL);
	CHECK_INT(json_array_size(m), 4);
	CHECK_STR(json_string_value(json_array_get(m, 0)), "global.cct");
	json_decref(m);
	instrument_free(in);
}

/* MITI summary scores from a hand-made coding: CR 6, SR 4, Q 5. */
TEST(test_instrument_miti_summary_scores_from_coded_utterances)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *scores =
	    unit_json("{'global': {'cct': 4, 'sst': 3, 'partnership': 4, 'empathy': 4}}");
	json_t *counts = unit_json("{'cr': 6, 'sr': 4, 'q': 5, 'seek': 2, 'af': 1, 'emph': 1,"
	                           " 'confront': 1, 'gi': 3}");
	json_t *d;

	CHECK(in && scores && counts);
	d = instrument_derive(in, scores, counts);
	CHECK_NEAR(value_of(d, "pct_cr"), 60, 1e-12);
	CHECK_STR(band_of(d, "pct_cr"), "good");
	CHECK_NEAR(value_of(d, "r_q"), 2.0, 1e-12);
	CHECK_STR(band_of(d, "r_q"), "good");
	CHECK_NEAR(value_of(d, "technical"), 3.5, 1e-12);
	CHECK_STR(band_of(d, "technical"), "fair");
	CHECK_NEAR(value_of(d, "relational"), 4, 1e-12);
	CHECK_STR(band_of(d, "relational"), "good");
	CHECK_NEAR(value_of(d, "mi_adherent"), 4, 0);
	/* persuade was never coded: it counts 0 in a coding */
	CHECK_NEAR(value_of(d, "mi_non_adherent"), 1, 0);
	CHECK_STR(band_of(d, "mi_adherent"), "(null)");
	json_decref(d);
	json_decref(scores);
	json_decref(counts);
	instrument_free(in);
}

TEST(test_instrument_miti_counts_entered_as_scores_give_the_same_indices)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *scores =
	    unit_json("{'cr': {'count': 6}, 'sr': {'count': 4}, 'q': {'count': 5},"
	              " 'global': {'cct': 2, 'sst': 3, 'partnership': 3, 'empathy': 4}}");
	json_t *d;

	CHECK(in && scores);
	d = instrument_derive(in, scores, NULL);
	CHECK_NEAR(value_of(d, "pct_cr"), 60, 1e-12);
	CHECK_NEAR(value_of(d, "r_q"), 2.0, 1e-12);
	CHECK_NEAR(value_of(d, "technical"), 2.5, 1e-12);
	CHECK_STR(band_of(d, "technical"), "below_fair");
	CHECK_NEAR(value_of(d, "relational"), 3.5, 1e-12);
	CHECK_STR(band_of(d, "relational"), "fair");
	/* no coding and no counts entered: unknown, not zero */
	CHECK(isnan(value_of(d, "mi_adherent")));
	CHECK_STR(band_of(d, "mi_adherent"), "(null)");
	json_decref(d);
	json_decref(scores);
	instrument_free(in);
}

TEST(test_instrument_miti_band_edges_and_undefined_ratios)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *d, *counts;

	CHECK(in);
	/* R:Q exactly 1 is fair; %CR 2/5 = 40% exactly is fair; 39.9% would not be. */
	counts = unit_json("{'sr': 3, 'cr': 2, 'q': 5}");
	d = instrument_derive(in, NULL, counts);
	CHECK_NEAR(value_of(d, "r_q"), 1, 0);
	CHECK_STR(band_of(d, "r_q"), "fair");
	CHECK_NEAR(value_of(d, "pct_cr"), 40, 0);
	CHECK_STR(band_of(d, "pct_cr"), "fair");
	CHECK(isnan(value_of(d, "technical")));
	json_decref(d);
	json_decref(counts);
	/* No questions: R:Q is undefined, not infinite; no reflections: %CR undefined. */
	counts = unit_json("{'gi': 4}");
	d = instrument_derive(in, NULL, counts);
	CHECK(isnan(value_of(d, "r_q")));
	CHECK_STR(band_of(d, "r_q"), "(null)");
	CHECK(isnan(value_of(d, "pct_cr")));
	CHECK_NEAR(value_of(d, "mi_adherent"), 0, 0);
	json_decref(d);
	json_decref(counts);
	counts = unit_json("{'sr': 20, 'cr': 13, 'q': 40}");
	d = instrument_derive(in, NULL, counts);
	CHECK_NEAR(value_of(d, "pct_cr"), 1300.0 / 33, 1e-12);
	CHECK_STR(band_of(d, "pct_cr"), "below_fair");
	CHECK_STR(band_of(d, "r_q"), "below_fair");
	json_decref(d);
	json_decref(counts);
	instrument_free(in);
}

static json_t *cts_r_scores(int first, int rest)
{
	static const char *const ids[] = {"agenda",           "feedback",
	                                  "collaboration",    "pacing",
	                                  "interpersonal",    "emotional_expression",
	                                  "key_cognitions",   "behaviours",
	                                  "guided_discovery", "conceptual_integration",
	                                  "change_methods",   "homework"};
	json_t *s = json_object();
	size_t i;

	for (i = 0; i < 12; i++)
		json_object_set_new(s, ids[i], json_pack("{s:i}", "competence", i ? rest : first));
	return s;
}

TEST(test_instrument_cts_r_pass_needs_total_36_and_every_item_2)
{
	struct instrument *in = unit_shipped_instrument("cts-r-1.json");
	json_t *s, *d;

	CHECK(in);
	s = cts_r_scores(3, 3); /* total 36, lowest 3 */
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "total"), 36, 0);
	CHECK_STR(band_of(d, "total"), "pass");
	json_decref(d);
	json_decref(s);
	s = cts_r_scores(1, 5); /* total 56, but one item below 2 */
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "total"), 56, 0);
	CHECK_NEAR(value_of(d, "lowest_item"), 1, 0);
	CHECK_STR(band_of(d, "total"), "fail");
	json_decref(d);
	json_decref(s);
	s = cts_r_scores(2, 3); /* total 35: every item at least 2, total short by one */
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "total"), 35, 0);
	CHECK_STR(band_of(d, "total"), "fail");
	json_decref(d);
	json_decref(s);
	s = cts_r_scores(2, 4); /* total 46, lowest exactly 2 */
	d = instrument_derive(in, s, NULL);
	CHECK_STR(band_of(d, "total"), "pass");
	json_object_del(s, "homework"); /* an unrated item: no total, no verdict */
	json_decref(d);
	d = instrument_derive(in, s, NULL);
	CHECK(isnan(value_of(d, "total")));
	CHECK_STR(band_of(d, "total"), "(null)");
	json_decref(d);
	json_decref(s);
	instrument_free(in);
}

TEST(test_instrument_ctrs_is_competent_from_40)
{
	struct instrument *in = unit_shipped_instrument("ctrs-1.json");
	json_t *s, *d;
	size_t i;

	CHECK(in);
	CHECK_INT(instrument_item_count(in), 11);
	CHECK(isnan(instrument_good_enough(in)));
	s = json_object();
	for (i = 0; i < 11; i++) /* 4 * 7 + 3 * 4 = 40 */
		json_object_set_new(s, instrument_item_id(in, i),
		                    json_pack("{s:i}", "competence", i < 7 ? 4 : 3));
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "total"), 40, 0);
	CHECK_STR(band_of(d, "total"), "competent");
	json_decref(d);
	json_object_set_new(s, "homework", json_pack("{s:i}", "competence", 2));
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "total"), 39, 0);
	CHECK_STR(band_of(d, "total"), "below_competent");
	json_decref(d);
	/* a score outside the range is ignored, so the total is unknown */
	json_object_set_new(s, "homework", json_pack("{s:i}", "competence", 9));
	d = instrument_derive(in, s, NULL);
	CHECK(isnan(value_of(d, "total")));
	json_decref(d);
	json_decref(s);
	instrument_free(in);
}

TEST(test_instrument_mbt_support_against_challenge)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *s =
	    unit_json("{'1': {'quality': 5}, '2': {'adherence': 6, 'quality': 6},"
	              " '13': {'adherence': 3, 'quality': 4}, '3': {'adherence': 2, 'quality': 2},"
	              " '8': {'adherence': 2, 'quality': 3}, '9': {'adherence': 3, 'quality': 4}}");
	json_t *counts = unit_json("{'16': 31, '2': 20, '13': 9, '3': 2, 'outside_manual': 6,"
	                           " 'not_classifiable': 2, 'bogus': 100, '1': -4}");
	json_t *d;

	CHECK(in && s && counts);
	d = instrument_derive(in, s, counts);
	CHECK_NEAR(value_of(d, "support"), 5, 1e-12);
	CHECK_NEAR(value_of(d, "challenge"), 3, 1e-12);
	CHECK_NEAR(value_of(d, "support_minus_challenge"), 2, 1e-12);
	/* items 4-7, 10-12 and 14-17 are unrated */
	CHECK(isnan(value_of(d, "mean_quality")));
	/* unknown codes and negative counts do not count */
	CHECK_NEAR(value_of(d, "interventions"), 70, 0);
	CHECK_NEAR(value_of(d, "within_manual"), 62, 0);
	CHECK_NEAR(value_of(d, "within_manual_pct"), 6200.0 / 70, 1e-12);
	CHECK_STR(band_of(d, "support"), "(null)");
	json_decref(d);
	/* without a coding, the counts are unknown */
	d = instrument_derive(in, s, NULL);
	CHECK(isnan(value_of(d, "interventions")));
	CHECK(isnan(value_of(d, "within_manual_pct")));
	CHECK_NEAR(value_of(d, "support"), 5, 1e-12);
	json_decref(d);
	json_decref(s);
	json_decref(counts);
	instrument_free(in);
}

TEST(test_instrument_mbt_means_over_all_items_of_a_facet)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *s = json_object(), *d;
	size_t i;

	CHECK(in);
	for (i = 0; i < 17; i++) {
		json_t *row = json_object();
		json_object_set_new(row, "quality", json_integer(i < 10 ? 4 : 5)); /* 40+35 */
		if (i != 0 && i != 3 && i != 4)
			json_object_set_new(row, "adherence", json_integer(i % 2 ? 2 : 6));
		json_object_set_new(s, instrument_item_id(in, i), row);
	}
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "mean_quality"), 75.0 / 17, 1e-12);
	/* adherence items 2,3,6..17 (indices 1,2,5..16): odd indices score 2, even 6 */
	CHECK_NEAR(value_of(d, "mean_adherence"), (7 * 2 + 7 * 6) / 14.0, 1e-12);
	json_decref(d);
	json_decref(s);
	instrument_free(in);
}

TEST(test_instrument_reversed_items_and_skip_missing)
{
	json_t *def = unit_json(
	    "{'schema': 1, 'code': 'out', 'version': '1', 'kind': 'outcome',"
	    " 'name': {'nb': 'x', 'da': 'x', 'en': 'x'},"
	    " 'ranges': {'r': {'min': 0, 'max': 4}},"
	    " 'items': ["
	    "  {'id': 'a', 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'facets': ['quality'],"
	    "   'range': 'r'},"
	    "  {'id': 'b', 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'facets': ['quality'],"
	    "   'range': 'r', 'flags': ['reversed']},"
	    "  {'id': 'c', 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'facets': ['quality'],"
	    "   'range': 'r', 'required': false}],"
	    " 'derived': ["
	    "  {'id': 'total', 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'op': 'sum',"
	    "   'of': [{'facet': 'quality'}], 'skip_missing': true},"
	    "  {'id': 'strict', 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'op': 'mean',"
	    "   'of': [{'facet': 'quality'}]},"
	    "  {'id': 'high', 'label': {'nb': 'x', 'da': 'x', 'en': 'x'}, 'op': 'max',"
	    "   'of': [{'facet': 'quality'}], 'skip_missing': true}]}");
	json_t *s = unit_json("{'a': {'quality': 3}, 'b': {'quality': 1}}"), *d, *m;
	struct instrument *in;

	CHECK(def && s);
	in = instrument_compile(def);
	json_decref(def);
	CHECK(in);
	d = instrument_derive(in, s, NULL);
	CHECK_NEAR(value_of(d, "total"), 3 + (4 - 1), 0); /* b reversed: 0+4-1 */
	CHECK_NEAR(value_of(d, "high"), 3, 0);
	CHECK(isnan(value_of(d, "strict")));
	json_decref(d);
	m = instrument_missing(in, s);
	CHECK_INT(json_array_size(m), 0);
	json_decref(m);
	json_decref(s);
	s = unit_json("{}");
	d = instrument_derive(in, s, NULL);
	CHECK(isnan(value_of(d, "total"))); /* skipping every value leaves nothing */
	json_decref(d);
	json_decref(s);
	instrument_free(in);
}

TEST(test_instrument_summary_carries_the_rating_form_in_one_language)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *sum, *item, *code, *derived;

	CHECK(in);
	sum = instrument_summary(in, "nb");
	CHECK_STR(json_string_value(json_object_get(sum, "code")), "mbt-i-aqs");
	CHECK_STR(json_string_value(json_object_get(sum, "name")),
	          "MBT-skala for etterlevelse og kvalitet, individuell (17 ledd)");
	CHECK_NEAR(json_number_value(json_object_get(sum, "good_enough")), 4, 0);
	CHECK_INT(json_array_size(json_object_get(sum, "items")), 17);
	item = json_array_get(json_object_get(sum, "items"), 0);
	CHECK_STR(json_string_value(json_object_get(item, "label")),
	          "Engasjement, interesse og varme");
	CHECK_INT(json_array_size(json_object_get(item, "facets")), 1);
	CHECK_STR(json_string_value(json_array_get(json_object_get(item, "flags"), 0)),
	          "not_rated_for_adherence");
	CHECK_NEAR(json_number_value(json_object_get(json_object_get(item, "range"), "max")), 7, 0);
	CHECK_INT(json_array_size(json_object_get(item, "points")), 7);
	CHECK_STR(json_string_value(
	              json_object_get(json_array_get(json_object_get(item, "points"), 3), "label")),
	          "Godt nok");
	item = json_array_get(json_object_get(sum, "items"), 9);
	CHECK_STR(json_string_value(json_array_get(json_object_get(item, "flags"), 0)),
	          "unverified");
	CHECK_INT(json_array_size(json_object_get(sum, "globals")), 2);
	CHECK_INT(json_array_size(json_object_get(sum, "codes")), 19);
	code = json_array_get(json_object_get(sum, "codes"), 15);
	CHECK_STR(json_string_value(json_object_get(code, "item")), "16");
	CHECK_STR(json_string_value(json_object_get(code, "class")), "item");
	code = json_array_get(json_object_get(sum, "codes"), 17);
	CHECK(json_is_null(json_object_get(code, "item")));
	CHECK_STR(json_string_value(json_object_get(code, "label")), "Utenfor manualen");
	derived = json_array_get(json_object_get(sum, "derived"), 0);
	CHECK_STR(json_string_value(json_object_get(derived, "id")), "support");
	CHECK_STR(json_string_value(json_object_get(derived, "op")), "mean");
	json_decref(sum);
	instrument_free(in);
}

TEST(test_instrument_summary_lists_bands_with_their_lower_bounds)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *sum, *derived, *bands;

	CHECK(in);
	sum = instrument_summary(in, "da");
	CHECK(json_is_null(json_object_get(sum, "good_enough")));
	derived = json_array_get(json_object_get(sum, "derived"), 1); /* relational */
	CHECK_STR(json_string_value(json_object_get(derived, "id")), "relational");
	bands = json_object_get(derived, "bands");
	CHECK_INT(json_array_size(bands), 3);
	CHECK(json_is_null(json_object_get(json_array_get(bands, 0), "from")));
	CHECK_NEAR(json_number_value(json_object_get(json_array_get(bands, 1), "from")), 3.5, 0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(bands, 2), "label")), "Godt");
	CHECK(json_object_get(json_array_get(json_object_get(sum, "derived"), 4), "bands") == NULL);
	json_decref(sum);
	instrument_free(in);
}
