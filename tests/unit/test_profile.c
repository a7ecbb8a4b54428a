/* Unit tests for the feedback profile: a hand-made MBT consensus rating with every number
 * checked, the support/challenge balance, MITI bands, the lab reference (type-7 quartiles
 * checked against R) and the therapist's trend, and bad input. */
#include "unit.h"
#include "unit_json.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "core/profile.h"
#include "util/banned.h"

/* The fixture: item 3 and item 8 are below the line and never used, item 10 is done too
 * little, item 6 not well enough; items 1, 2, 4, 13 and 16 are strengths. */
static const char *mbt_scores =
    "{'1': {'quality': 6}, '2': {'adherence': 5, 'quality': 6},"
    " '3': {'adherence': 2, 'quality': 2}, '4': {'quality': 5}, '5': {'quality': 4},"
    " '6': {'adherence': 4, 'quality': 3}, '7': {'adherence': 4, 'quality': 4},"
    " '8': {'adherence': 3, 'quality': 3}, '9': {'adherence': 4, 'quality': 4},"
    " '10': {'adherence': 2, 'quality': 4}, '11': {'adherence': 4, 'quality': 4},"
    " '12': {'adherence': 4, 'quality': 4}, '13': {'adherence': 4, 'quality': 5},"
    " '14': {'adherence': 4, 'quality': 4}, '15': {'adherence': 4, 'quality': 4},"
    " '16': {'adherence': 6, 'quality': 5}, '17': {'adherence': 4, 'quality': 4},"
    " 'global': {'adherence': 4, 'quality': 4}}";

/* Twelve interventions (four 16s, one of them judged outside the manual by the rater; three
 * 2s; one 13; one 6; two outside the manual; one not classifiable) and three that are not
 * interventions of this instrument and must be ignored. */
static const char *mbt_interventions =
    "[{'start_ms': 60000, 'code': '16'}, {'start_ms': 120000, 'code': '2'},"
    " {'start_ms': 180000, 'code': '16', 'within_manual': null},"
    " {'start_ms': 240000, 'code': 'outside_manual'}, {'start_ms': 300000, 'code': '13'},"
    " {'start_ms': 360000, 'code': '2', 'within_manual': true},"
    " {'start_ms': 420000, 'code': '16', 'within_manual': false},"
    " {'start_ms': 480000, 'code': 'not_classifiable'}, {'start_ms': 540000, 'code': '6'},"
    " {'start_ms': 600000, 'code': '2', 'quality': 6}, {'start_ms': 660000, 'code': '16'},"
    " {'start_ms': 720000, 'code': 'outside_manual', 'within_manual': false},"
    " {'start_ms': 780000, 'code': '99'}, {'start_ms': 800000, 'code': 16}, 'garbage']";

struct fixture {
	struct instrument *in;
	json_t *scores, *ivs, *profile;
};

static int fixture_make(struct fixture *f, const char *lang)
{
	struct profile_input pi;

	memset(f, 0, sizeof(*f));
	f->in = unit_shipped_instrument("mbt-i-aqs-1.json");
	f->scores = unit_json(mbt_scores);
	f->ivs = unit_json(mbt_interventions);
	if (!f->in || !f->scores || !f->ivs)
		return -1;
	memset(&pi, 0, sizeof(pi));
	pi.in = f->in;
	pi.scores = f->scores;
	pi.interventions = f->ivs;
	pi.duration_s = 50 * 60;
	pi.lang = lang;
	f->profile = profile_compute(&pi);
	return f->profile ? 0 : -1;
}

static void fixture_release(struct fixture *f)
{
	json_decref(f->profile);
	json_decref(f->ivs);
	json_decref(f->scores);
	instrument_free(f->in);
}

static double num(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

/* p["a"]["b"]... by a dotted path; array positions as numbers ("items.1.quality.value"). */
static json_t *at(json_t *j, const char *path)
{
	char key[64];
	const char *s = path, *dot;
	size_t n;

	while (j && *s) {
		dot = strchr(s, '.');
		n = dot ? (size_t)(dot - s) : strlen(s);
		snprintf(key, sizeof(key), "%.*s", (int)n, s);
		if (json_is_array(j))
			j = json_array_get(j, strtoul(key, NULL, 10));
		else
			j = json_object_get(j, key);
		s = dot ? dot + 1 : s + n;
	}
	return j;
}

static const char *str(json_t *j, const char *path)
{
	const char *s = json_string_value(at(j, path));
	return s ? s : "(none)";
}

/* The codes of an array of strings, or of the objects' key, joined by spaces. */
static const char *joined(json_t *arr, const char *key, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < json_array_size(arr) && off < len; i++) {
		json_t *v = json_array_get(arr, i);
		const char *s = json_string_value(key ? json_object_get(v, key) : v);
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", s ? s : "?");
	}
	return buf;
}

TEST(test_profile_counts_interventions)
{
	struct fixture f;
	char buf[512];
	json_t *p;

	CHECK(fixture_make(&f, "en") == 0);
	p = f.profile;
	CHECK_STR(str(p, "instrument.code"), "mbt-i-aqs");
	CHECK_STR(str(p, "instrument.version"), "1");
	CHECK_STR(str(p, "instrument.name"),
	          "MBT adherence and quality scale, individual (17 items)");
	CHECK_NEAR(num(at(p, "good_enough")), 4, 1e-12);
	CHECK_INT(json_integer_value(at(p, "counts.total")), 12);
	CHECK_NEAR(num(at(p, "counts.per_minute")), 0.24, 1e-12);
	CHECK_NEAR(num(at(p, "counts.duration_s")), 3000, 1e-12);
	CHECK_INT(json_integer_value(at(p, "counts.within_manual")), 8);
	CHECK_NEAR(num(at(p, "counts.within_manual_share")), 8.0 / 12, 1e-12);
	CHECK_INT(json_integer_value(at(p, "counts.outside_manual")), 3);
	CHECK_INT(json_integer_value(at(p, "counts.not_classifiable")), 1);
	CHECK_INT(json_array_size(at(p, "counts.by_code")), 19);
	CHECK_STR(joined(at(p, "counts.by_code"), "code", buf, sizeof(buf)),
	          "16 2 outside_manual 6 13 not_classifiable 1 3 4 5 7 8 9 10 11 12 14 15 17");
	CHECK_INT(json_integer_value(at(p, "counts.by_code.0.count")), 4);
	CHECK_NEAR(num(at(p, "counts.by_code.0.share")), 4.0 / 12, 1e-12);
	CHECK_STR(str(p, "counts.by_code.0.item"), "16");
	CHECK_STR(str(p, "counts.by_code.0.class"), "item");
	CHECK_STR(str(p, "counts.by_code.0.label"),
	          "Monitoring own understanding and correcting misunderstandings");
	CHECK_INT(json_integer_value(at(p, "counts.by_code.1.count")), 3);
	CHECK_NEAR(num(at(p, "counts.by_code.1.share")), 0.25, 1e-12);
	CHECK_STR(str(p, "counts.by_code.2.label"), "Outside the manual");
	CHECK(json_is_null(at(p, "counts.by_code.2.item")));
	CHECK_STR(str(p, "counts.by_code.2.class"), "outside_manual");
	CHECK_INT(json_integer_value(at(p, "counts.by_code.2.count")), 2);
	CHECK_NEAR(num(at(p, "counts.by_code.2.share")), 2.0 / 12, 1e-12);
	CHECK_NEAR(num(at(p, "counts.by_code.5.share")), 1.0 / 12, 1e-12);
	CHECK_STR(str(p, "counts.by_code.5.class"), "not_classifiable");
	CHECK_INT(json_integer_value(at(p, "counts.by_code.6.count")), 0);
	CHECK_NEAR(num(at(p, "counts.by_code.6.share")), 0, 1e-12);
	CHECK_STR(joined(at(p, "counts.most_used"), NULL, buf, sizeof(buf)), "16 2 6");
	CHECK_STR(joined(at(p, "counts.least_used"), NULL, buf, sizeof(buf)), "3 7 8");
	fixture_release(&f);
}

TEST(test_profile_items_globals_and_derived)
{
	struct fixture f;
	json_t *p, *d;

	CHECK(fixture_make(&f, "nb") == 0);
	p = f.profile;
	CHECK_INT(json_array_size(at(p, "items")), 17);
	CHECK_STR(str(p, "items.0.id"), "1");
	CHECK_STR(str(p, "items.0.label"), "Engasjement, interesse og varme");
	CHECK(!at(p, "items.0.adherence"));
	CHECK_NEAR(num(at(p, "items.0.quality.value")), 6, 1e-12);
	CHECK(json_is_null(at(p, "items.0.quality.reference")));
	CHECK_INT(json_integer_value(at(p, "items.0.interventions")), 0);
	CHECK_NEAR(num(at(p, "items.0.range.min")), 1, 1e-12);
	CHECK_NEAR(num(at(p, "items.0.range.max")), 7, 1e-12);
	CHECK_NEAR(num(at(p, "items.1.adherence.value")), 5, 1e-12);
	CHECK_NEAR(num(at(p, "items.1.quality.value")), 6, 1e-12);
	CHECK_INT(json_integer_value(at(p, "items.1.interventions")), 3);
	CHECK_INT(json_integer_value(at(p, "items.15.interventions")), 4);
	CHECK_STR(str(p, "items.12.label"), "Validering av følelsesmessige reaksjoner");
	CHECK_INT(json_array_size(at(p, "globals")), 2);
	CHECK_STR(str(p, "globals.0.id"), "adherence");
	CHECK_STR(str(p, "globals.0.label"), "Global etterlevelse");
	CHECK_NEAR(num(at(p, "globals.1.value")), 4, 1e-12);
	CHECK(json_is_null(at(p, "globals.1.reference")));

	d = at(p, "derived");
	CHECK_INT(json_array_size(d), 8);
	CHECK_STR(str(d, "0.id"), "support");
	CHECK_NEAR(num(at(d, "0.value")), 17.0 / 3, 1e-12);
	CHECK(json_is_null(at(d, "0.description")));
	CHECK(json_is_null(at(d, "0.band")));
	CHECK(json_is_null(at(d, "0.band_label")));
	CHECK_NEAR(num(at(d, "1.value")), 3, 1e-12);
	CHECK_STR(str(d, "2.id"), "support_minus_challenge");
	CHECK_NEAR(num(at(d, "2.value")), 8.0 / 3, 1e-12);
	CHECK(strstr(str(d, "2.description"), "Positiv når støtte") != NULL);
	CHECK_NEAR(num(at(d, "3.value")), 54.0 / 14, 1e-12);
	CHECK_NEAR(num(at(d, "4.value")), 71.0 / 17, 1e-12);
	CHECK_NEAR(num(at(d, "5.value")), 12, 1e-12);
	/* The index counts by code class; the rater's "not within the manual" is the counts'. */
	CHECK_NEAR(num(at(d, "6.value")), 9, 1e-12);
	CHECK_NEAR(num(at(d, "7.value")), 75, 1e-12);

	CHECK_NEAR(num(at(p, "balance.support")), 17.0 / 3, 1e-12);
	CHECK_NEAR(num(at(p, "balance.challenge")), 3, 1e-12);
	CHECK_NEAR(num(at(p, "balance.difference")), 8.0 / 3, 1e-12);
	CHECK_STR(str(p, "balance.verdict"), "support_heavy");
	CHECK(json_is_false(at(p, "reference.available")));
	CHECK_INT(json_integer_value(at(p, "reference.n")), 0);
	CHECK_INT(json_integer_value(at(p, "reference.min_n")), 20);
	CHECK_INT(json_array_size(at(p, "trend")), 0);
	fixture_release(&f);
}

TEST(test_profile_strengths_and_improvements_in_order)
{
	struct fixture f;
	char buf[256];
	json_t *p, *imp;

	CHECK(fixture_make(&f, "en") == 0);
	p = f.profile;
	CHECK_STR(joined(at(p, "strengths"), "item", buf, sizeof(buf)), "1 2 4 13 16");
	CHECK_STR(str(p, "strengths.0.facet"), "quality");
	CHECK_STR(str(p, "strengths.0.reason"), "above_good_enough");
	CHECK_NEAR(num(at(p, "strengths.0.value")), 6, 1e-12);
	CHECK_STR(str(p, "strengths.0.label"), "Engagement, interest and warmth");
	CHECK_NEAR(num(at(p, "strengths.4.value")), 5, 1e-12);

	/* Gap 2 first, then gap 1 with the unused item before the one done less well. Item 10
	 * (adherence 2, quality 4) is no improvement point: low adherence alone is not. */
	imp = at(p, "improvements");
	CHECK_STR(joined(imp, "item", buf, sizeof(buf)), "3 8 6");
	CHECK_STR(joined(imp, "reason", buf, sizeof(buf)), "not_used not_used below_good_enough");
	CHECK_STR(joined(imp, "facet", buf, sizeof(buf)), "quality quality quality");
	CHECK_NEAR(num(at(imp, "0.value")), 2, 1e-12);
	CHECK_NEAR(num(at(imp, "0.gap")), 2, 1e-12);
	CHECK_STR(str(imp, "0.label"), "Challenging unwarranted beliefs");
	CHECK_NEAR(num(at(imp, "1.gap")), 1, 1e-12);
	CHECK_NEAR(num(at(imp, "2.value")), 3, 1e-12);
	CHECK_NEAR(num(at(imp, "2.gap")), 1, 1e-12);
	fixture_release(&f);
}

/* Support items 1, 2, 13 and challenge items 3, 8, 9 set to the given qualities. */
static const char *balance_of(struct instrument *in, const int s[3], const int c[3], double *diff)
{
	static char verdict[32];
	char text[512];
	struct profile_input pi;
	json_t *scores, *p;

	snprintf(text, sizeof(text),
	         "{\"1\": {\"quality\": %d}, \"2\": {\"quality\": %d}, \"13\": {\"quality\": %d},"
	         " \"3\": {\"quality\": %d}, \"8\": {\"quality\": %d}, \"9\": {\"quality\": %d}}",
	         s[0], s[1], s[2], c[0], c[1], c[2]);
	scores = json_loads(text, 0, NULL);
	memset(&pi, 0, sizeof(pi));
	pi.in = in;
	pi.scores = scores;
	p = profile_compute(&pi);
	snprintf(verdict, sizeof(verdict), "%s", str(p, "balance.verdict"));
	*diff = num(at(p, "balance.difference"));
	json_decref(p);
	json_decref(scores);
	return verdict;
}

TEST(test_profile_balance_verdicts)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	static const int s1[3] = {6, 6, 5}, c1[3] = {2, 3, 4};
	static const int s2[3] = {5, 5, 4}, c2[3] = {4, 4, 4};
	static const int s3[3] = {3, 4, 3}, c3[3] = {5, 5, 4};
	static const int s4[3] = {5, 5, 4}, c4[3] = {4, 4, 3};
	static const int s5[3] = {3, 4, 4}, c5[3] = {5, 4, 5};
	double d;

	CHECK(in != NULL);
	CHECK_STR(balance_of(in, s1, c1, &d), "support_heavy");
	CHECK_NEAR(d, 8.0 / 3, 1e-12);
	CHECK_STR(balance_of(in, s2, c2, &d), "balanced");
	CHECK_NEAR(d, 2.0 / 3, 1e-12);
	CHECK_STR(balance_of(in, s3, c3, &d), "challenge_heavy");
	CHECK_NEAR(d, -4.0 / 3, 1e-12);
	/* Exactly one point apart (14/3 - 11/3) is heavy, whatever the rounding of the means. */
	CHECK_STR(balance_of(in, s4, c4, &d), "support_heavy");
	CHECK_NEAR(d, 1, 1e-12);
	CHECK_STR(balance_of(in, s5, c5, &d), "challenge_heavy");
	CHECK_NEAR(d, -1, 1e-12);
	instrument_free(in);
}

TEST(test_profile_balance_absent_without_both_sides)
{
	struct instrument *mbt = unit_shipped_instrument("mbt-i-aqs-1.json");
	struct instrument *ctrs = unit_shipped_instrument("ctrs-1.json");
	struct profile_input pi;
	json_t *scores =
	    unit_json("{'1': {'quality': 5}, '2': {'quality': 5}, '13': {'quality': 5}}");
	json_t *p;

	CHECK(mbt && ctrs && scores);
	memset(&pi, 0, sizeof(pi));
	pi.in = mbt;
	pi.scores = scores;
	p = profile_compute(&pi);
	CHECK(json_is_null(at(p, "balance")));
	/* No coding: no counts per minute, no unused items, count indices missing. */
	CHECK_INT(json_integer_value(at(p, "counts.total")), 0);
	CHECK(json_is_null(at(p, "counts.per_minute")));
	CHECK(json_is_null(at(p, "counts.within_manual_share")));
	CHECK(json_is_null(at(p, "derived.5.value")));
	CHECK_INT(json_array_size(at(p, "improvements")), 0);
	json_decref(p);
	pi.in = ctrs;
	p = profile_compute(&pi);
	CHECK(json_is_null(at(p, "balance")));
	CHECK(json_is_null(at(p, "good_enough")));
	CHECK_INT(json_array_size(at(p, "strengths")), 0);
	CHECK_INT(json_array_size(at(p, "counts.by_code")), 0);
	json_decref(p);
	json_decref(scores);
	instrument_free(ctrs);
	instrument_free(mbt);
}

TEST(test_profile_miti_bands)
{
	struct instrument *in = unit_shipped_instrument("miti-4.2.1.json");
	json_t *scores =
	    unit_json("{'global': {'cct': 4, 'sst': 3, 'partnership': 5, 'empathy': 4},"
	              " 'sr': {'count': 4}, 'cr': {'count': 6}, 'q': {'count': 10}}");
	json_t *coded =
	    unit_json("{'global': {'cct': 2, 'sst': 3, 'partnership': 3, 'empathy': 4}}");
	json_t *ivs = unit_json("[{'start_ms': 0, 'code': 'q'}, {'start_ms': 1, 'code': 'q'},"
	                        " {'start_ms': 2, 'code': 'sr'}, {'start_ms': 3, 'code': 'cr'}]");
	struct profile_input pi;
	json_t *p, *d;

	CHECK(in && scores && coded && ivs);
	memset(&pi, 0, sizeof(pi));
	pi.in = in;
	pi.scores = scores;
	pi.lang = "nb";
	p = profile_compute(&pi);
	d = at(p, "derived");
	CHECK_STR(str(d, "0.id"), "technical");
	CHECK_NEAR(num(at(d, "0.value")), 3.5, 1e-12);
	CHECK_STR(str(d, "0.band"), "fair");
	CHECK_STR(str(d, "0.band_label"), "Akseptabelt");
	CHECK_NEAR(num(at(d, "1.value")), 4.5, 1e-12);
	CHECK_STR(str(d, "1.band"), "good");
	CHECK_STR(str(d, "1.band_label"), "Godt");
	CHECK_STR(str(d, "2.id"), "pct_cr");
	CHECK_NEAR(num(at(d, "2.value")), 60, 1e-12);
	CHECK_STR(str(d, "2.band"), "good");
	CHECK_NEAR(num(at(d, "3.value")), 1, 1e-12);
	CHECK_STR(str(d, "3.band"), "fair");
	CHECK(json_is_null(at(p, "balance")));
	CHECK_NEAR(num(at(p, "items.4.count.value")), 4, 1e-12);
	json_decref(p);

	/* Counts from the coding when the scores leave them out. */
	pi.scores = coded;
	pi.interventions = ivs;
	p = profile_compute(&pi);
	d = at(p, "derived");
	CHECK_NEAR(num(at(d, "0.value")), 2.5, 1e-12);
	CHECK_STR(str(d, "0.band"), "below_fair");
	CHECK_STR(str(d, "0.band_label"), "Under akseptabelt");
	CHECK_NEAR(num(at(d, "1.value")), 3.5, 1e-12);
	CHECK_STR(str(d, "1.band"), "fair");
	CHECK_NEAR(num(at(d, "2.value")), 50, 1e-12);
	CHECK_STR(str(d, "2.band"), "good");
	CHECK_NEAR(num(at(d, "3.value")), 1, 1e-12);
	CHECK_STR(str(d, "3.band"), "fair");
	CHECK_NEAR(num(at(p, "items.3.count.value")), 2, 1e-12);
	CHECK_INT(json_integer_value(at(p, "items.3.interventions")), 2);
	CHECK_INT(json_integer_value(at(p, "counts.within_manual")), 4);
	CHECK_STR(str(p, "counts.by_code.0.code"), "q");
	json_decref(p);
	json_decref(ivs);
	json_decref(coded);
	json_decref(scores);
	instrument_free(in);
}

/* Item 2's quality in the lab (R: quantile(x) = 2.75, 4, 5.25), in a shuffled order. */
static const int ref_q2[20] = {5, 1, 7, 3, 4, 2, 6, 5, 3, 7, 1, 4, 2, 5, 6, 3, 7, 2, 4, 5};
/* Global quality (R: quantile(g) = 3.25, 4.5, 6). */
static const int ref_gq[22] = {7, 1, 2, 6, 2, 7, 3, 4, 3, 4, 4, 6, 4, 5, 6, 5, 7, 6, 7, 2, 4, 7};

/* n reference ratings: item 2 quality from ref_q2 for the first 20 (9 and "5" after that, both
 * to be ignored), adherence 4 throughout, item 3 quality in all but the last two, global
 * quality from ref_gq; and a non-object that is not a rating. */
static json_t *reference(size_t n)
{
	json_t *arr = json_array();
	size_t k;

	for (k = 0; k < n; k++) {
		json_t *q2 = k < 20 ? json_integer(ref_q2[k])
		                    : (k == 20 ? json_integer(9) : json_string("5"));
		json_t *s = json_pack("{s:{s:o, s:i}, s:{s:i}}", "2", "quality", q2, "adherence", 4,
		                      "global", "quality", ref_gq[k % 22]);
		if (k + 2 < n)
			json_object_set_new(s, "3", json_pack("{s:i}", "quality", 4));
		json_array_append_new(arr, s);
	}
	json_array_append_new(arr, json_string("not a rating"));
	return arr;
}

static json_t *profile_with_reference(struct instrument *in, const json_t *scores, size_t n)
{
	json_t *ref = reference(n), *p;
	struct profile_input pi;

	memset(&pi, 0, sizeof(pi));
	pi.in = in;
	pi.scores = scores;
	pi.reference = ref;
	p = profile_compute(&pi);
	json_decref(ref);
	return p;
}

TEST(test_profile_reference_needs_twenty)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *scores = unit_json(mbt_scores), *p;

	CHECK(in && scores);
	p = profile_with_reference(in, scores, 19);
	CHECK(json_is_false(at(p, "reference.available")));
	CHECK_INT(json_integer_value(at(p, "reference.n")), 19);
	CHECK(json_is_null(at(p, "items.1.quality.reference")));
	CHECK(json_is_null(at(p, "items.1.adherence.reference")));
	CHECK(json_is_null(at(p, "globals.1.reference")));
	json_decref(p);
	json_decref(scores);
	instrument_free(in);
}

TEST(test_profile_reference_quartiles_type7)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *scores = unit_json(mbt_scores), *p;

	CHECK(in && scores);
	p = profile_with_reference(in, scores, 22);
	CHECK(json_is_true(at(p, "reference.available")));
	CHECK_INT(json_integer_value(at(p, "reference.n")), 22);
	CHECK_INT(json_integer_value(at(p, "items.1.quality.reference.n")), 20);
	CHECK_NEAR(num(at(p, "items.1.quality.reference.q1")), 2.75, 1e-12);
	CHECK_NEAR(num(at(p, "items.1.quality.reference.median")), 4, 1e-12);
	CHECK_NEAR(num(at(p, "items.1.quality.reference.q3")), 5.25, 1e-12);
	CHECK_INT(json_integer_value(at(p, "items.1.adherence.reference.n")), 22);
	CHECK_NEAR(num(at(p, "items.1.adherence.reference.q1")), 4, 1e-12);
	CHECK_NEAR(num(at(p, "items.1.adherence.reference.q3")), 4, 1e-12);
	CHECK_INT(json_integer_value(at(p, "globals.1.reference.n")), 22);
	CHECK_NEAR(num(at(p, "globals.1.reference.q1")), 3.25, 1e-12);
	CHECK_NEAR(num(at(p, "globals.1.reference.median")), 4.5, 1e-12);
	CHECK_NEAR(num(at(p, "globals.1.reference.q3")), 6, 1e-12);
	/* Item 3 has 20 values, item 4 none: each score needs twenty of its own. */
	CHECK_INT(json_integer_value(at(p, "items.2.quality.reference.n")), 20);
	CHECK(json_is_null(at(p, "items.3.quality.reference")));
	json_decref(p);

	/* With 21 ratings item 3 has 19 values: no reference for it, though the lab has one. */
	p = profile_with_reference(in, scores, 21);
	CHECK(json_is_true(at(p, "reference.available")));
	CHECK(json_is_null(at(p, "items.2.quality.reference")));
	CHECK_INT(json_integer_value(at(p, "items.1.quality.reference.n")), 20);
	json_decref(p);
	json_decref(scores);
	instrument_free(in);
}

static json_t *profile_with_history(struct instrument *in, const json_t *scores,
                                    const char *history)
{
	json_t *h = unit_json(history), *p;
	struct profile_input pi;

	memset(&pi, 0, sizeof(pi));
	pi.in = in;
	pi.scores = scores;
	pi.history = h;
	p = profile_compute(&pi);
	json_decref(h);
	return p;
}

TEST(test_profile_trend_over_submissions)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *scores = unit_json(mbt_scores), *p, *pts;

	CHECK(in && scores);
	p = profile_with_history(in, scores,
	                         "[{'submission_id': 7, 'date': '2026-03-01', 'scores': {'2': "
	                         "{'adherence': 5, 'quality': 6}}}]");
	CHECK_INT(json_array_size(at(p, "trend")), 0);
	json_decref(p);

	p = profile_with_history(
	    in, scores,
	    "[{'submission_id': 3, 'date': '2025-03-01', 'scores': {'1': {'quality': 3},"
	    "  '2': {'adherence': 3, 'quality': 4}}},"
	    " {'submission_id': 5, 'date': '2025-09-12', 'scores': {'1': {'quality': 4},"
	    "  '2': {'adherence': 'x', 'quality': 9}}},"
	    " 'garbage', {'submission_id': 6, 'date': '2025-10-01'},"
	    " {'submission_id': 7, 'date': '2026-03-01', 'scores': {'1': {'quality': 6},"
	    "  '2': {'adherence': 5, 'quality': 6}}}]");
	CHECK_INT(json_array_size(at(p, "trend")), 17);
	CHECK_STR(str(p, "trend.1.item"), "2");
	CHECK_STR(str(p, "trend.1.label"), "Exploration, curiosity and a not-knowing stance");
	pts = at(p, "trend.1.points");
	CHECK_INT(json_array_size(pts), 3);
	CHECK_INT(json_integer_value(at(pts, "0.submission_id")), 3);
	CHECK_STR(str(pts, "0.date"), "2025-03-01");
	CHECK_NEAR(num(at(pts, "0.adherence")), 3, 1e-12);
	CHECK_NEAR(num(at(pts, "0.quality")), 4, 1e-12);
	CHECK(json_is_null(at(pts, "1.adherence")));
	CHECK(json_is_null(at(pts, "1.quality")));
	CHECK_INT(json_integer_value(at(pts, "2.submission_id")), 7);
	CHECK_NEAR(num(at(pts, "2.quality")), 6, 1e-12);
	pts = at(p, "trend.0.points");
	CHECK(json_is_null(at(pts, "0.adherence")));
	CHECK_NEAR(num(at(pts, "1.quality")), 4, 1e-12);
	CHECK(json_is_null(at(p, "trend.5.points.0.quality")));
	json_decref(p);
	json_decref(scores);
	instrument_free(in);
}

TEST(test_profile_refuses_missing_input_and_ignores_garbage)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	json_t *bad = unit_json("{'1': {'quality': '6'}, '2': {'adherence': true, 'quality': 8},"
	                        " '3': 'x', 'global': {'quality': 4.5}}");
	json_t *arr = unit_json("[1, 2]"), *ivs = json_string("not a list"), *p;
	struct profile_input pi;

	CHECK(in && bad && arr && ivs);
	CHECK(profile_compute(NULL) == NULL);
	memset(&pi, 0, sizeof(pi));
	pi.scores = bad;
	CHECK(profile_compute(&pi) == NULL);
	pi.in = in;
	pi.scores = NULL;
	CHECK(profile_compute(&pi) == NULL);
	pi.scores = arr;
	CHECK(profile_compute(&pi) == NULL);

	pi.scores = bad;
	pi.interventions = ivs;
	pi.reference = ivs;
	pi.history = ivs;
	pi.duration_s = NAN;
	pi.lang = "xx";
	p = profile_compute(&pi);
	CHECK(p != NULL);
	CHECK(json_is_null(at(p, "items.0.quality.value")));
	CHECK(json_is_null(at(p, "items.1.adherence.value")));
	CHECK(json_is_null(at(p, "items.1.quality.value")));
	CHECK(json_is_null(at(p, "items.2.quality.value")));
	CHECK(json_is_null(at(p, "globals.1.value")));
	CHECK(json_is_null(at(p, "counts.duration_s")));
	CHECK(json_is_null(at(p, "counts.per_minute")));
	CHECK_INT(json_integer_value(at(p, "counts.total")), 0);
	CHECK(json_is_null(at(p, "derived.0.value")));
	CHECK(json_is_null(at(p, "balance")));
	CHECK_INT(json_array_size(at(p, "strengths")), 0);
	CHECK_INT(json_array_size(at(p, "improvements")), 0);
	CHECK_INT(json_integer_value(at(p, "reference.n")), 0);
	CHECK_INT(json_array_size(at(p, "trend")), 0);
	CHECK_STR(str(p, "items.0.label"), "Engagement, interest and warmth");
	json_decref(p);
	json_decref(ivs);
	json_decref(arr);
	json_decref(bad);
	instrument_free(in);
}
