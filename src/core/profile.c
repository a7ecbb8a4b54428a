/* The therapist's scoring profile of one session: item and global scores against the lab's
 * reference, derived indices with their bands, the support/challenge balance and the
 * therapist's own trend. Counts are in profile_counts.c, strengths and improvement points in
 * profile_findings.c; the rules are written up in docs/feedback.md. */
#include "core/profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/profile_int.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Helpers shared by the profile's files ---- */

json_t *profile_num(double x)
{
	if (isnan(x) || isinf(x))
		return json_null();
	if (x == floor(x) && fabs(x) < 1e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

double profile_num_value(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

const json_t *profile_item_def(const struct prof *p, const char *id)
{
	const json_t *items = json_object_get(p->summary, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, "id")), id))
			return it;
	}
	return NULL;
}

int profile_lists(const json_t *def, const char *key, const char *s)
{
	const json_t *arr = json_object_get(def, key), *v;
	size_t i;

	json_array_foreach(arr, i, v)
	{
		if (!strcmp(json_string_value(v), s))
			return 1;
	}
	return 0;
}

double profile_score(const struct prof *p, const json_t *scores, const char *item,
                     const char *facet)
{
	const json_t *v = json_object_get(json_object_get(scores, item), facet);
	double x = json_number_value(v);

	if (!json_is_number(v) || !instrument_score_ok(p->in, item, facet, x, NULL, 0))
		return NAN;
	return x;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double profile_quantile(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* ---- Reference distributions ---- */

/* The lab's distribution of one score, or null when fewer than PROFILE_REFERENCE_MIN of the
 * reference ratings have a valid value for it. */
static json_t *reference_of(const struct prof *p, const char *item, const char *facet)
{
	const json_t *ref = p->pi->reference, *scores;
	size_t i, n = 0, cap = json_array_size(ref);
	double *v;
	json_t *out = json_null();

	if (cap < PROFILE_REFERENCE_MIN)
		return out;
	v = xcalloc(cap, sizeof(*v));
	json_array_foreach(ref, i, scores)
	{
		double x = profile_score(p, scores, item, facet);
		if (!isnan(x))
			v[n++] = x;
	}
	if (n >= PROFILE_REFERENCE_MIN) {
		qsort(v, n, sizeof(*v), by_value);
		json_decref(out);
		out = json_pack("{s:I, s:o, s:o, s:o}", "n", (json_int_t)n, "median",
		                profile_num(profile_quantile(v, n, 0.5)), "q1",
		                profile_num(profile_quantile(v, n, 0.25)), "q3",
		                profile_num(profile_quantile(v, n, 0.75)));
	}
	free(v);
	return out;
}

static size_t reference_count(const struct prof *p)
{
	const json_t *scores;
	size_t i, n = 0;

	json_array_foreach(p->pi->reference, i, scores)
	{
		if (json_is_object(scores))
			n++;
	}
	return n;
}

/* ---- Items and globals ---- */

static json_t *range_copy(const json_t *def)
{
	const json_t *r = json_object_get(def, "range");
	return json_pack("{s:O, s:O}", "min", json_object_get(r, "min"), "max",
	                 json_object_get(r, "max"));
}

static json_t *item_json(const struct prof *p, const json_t *def)
{
	const char *id = json_string_value(json_object_get(def, "id"));
	const json_t *facets = json_object_get(def, "facets"), *f;
	size_t uses = profile_item_uses(p, id), k;
	json_t *o =
	    json_pack("{s:s, s:O, s:I, s:o}", "id", id, "label", json_object_get(def, "label"),
	              "interventions", (json_int_t)uses, "range", range_copy(def));

	json_array_foreach(facets, k, f)
	{
		const char *facet = json_string_value(f);
		double x = profile_score(p, p->pi->scores, id, facet);
		/* A count the scores leave out comes from the coding, as in the derived indices. */
		if (isnan(x) && !strcmp(facet, "count") && p->code_counts &&
		    !json_object_get(json_object_get(p->pi->scores, id), facet))
			x = (double)uses;
		json_object_set_new(o, facet,
		                    json_pack("{s:o, s:o}", "value", profile_num(x), "reference",
		                              reference_of(p, id, facet)));
	}
	return o;
}

static json_t *items_json(const struct prof *p)
{
	const json_t *items = json_object_get(p->summary, "items"), *def;
	json_t *out = json_array();
	size_t i;

	json_array_foreach(items, i, def)
	{
		json_array_append_new(out, item_json(p, def));
	}
	return out;
}

static json_t *globals_json(const struct prof *p)
{
	const json_t *globals = json_object_get(p->summary, "globals"), *def;
	json_t *out = json_array();
	size_t i;

	json_array_foreach(globals, i, def)
	{
		const char *id = json_string_value(json_object_get(def, "id"));
		json_array_append_new(
		    out, json_pack("{s:s, s:O, s:o, s:o, s:o}", "id", id, "label",
		                   json_object_get(def, "label"), "value",
		                   profile_num(profile_score(p, p->pi->scores, "global", id)),
		                   "reference", reference_of(p, "global", id), "range",
		                   range_copy(def)));
	}
	return out;
}

/* ---- Derived indices and the support/challenge balance ---- */

static json_t *band_label(const json_t *def, const char *band)
{
	const json_t *bands = json_object_get(def, "bands"), *b;
	size_t i;

	json_array_foreach(bands, i, b)
	{
		if (band && !strcmp(band, json_string_value(json_object_get(b, "name"))))
			return json_incref(json_object_get(b, "label"));
	}
	return json_null();
}

static json_t *derived_json(const struct prof *p)
{
	const json_t *defs = json_object_get(p->summary, "derived"), *def;
	json_t *values = instrument_derive(p->in, p->pi->scores, p->code_counts);
	json_t *out = json_array();
	size_t i;

	json_array_foreach(defs, i, def)
	{
		const char *id = json_string_value(json_object_get(def, "id"));
		const json_t *v = json_object_get(values, id);
		const char *band = json_string_value(json_object_get(v, "band"));
		const json_t *desc = json_object_get(def, "description");
		json_array_append_new(
		    out, json_pack("{s:s, s:O, s:O, s:o, s:o, s:o}", "id", id, "label",
		                   json_object_get(def, "label"), "description",
		                   desc ? desc : json_null(), "value",
		                   profile_num(profile_num_value(json_object_get(v, "value"))),
		                   "band", band ? json_string(band) : json_null(), "band_label",
		                   band_label(def, band)));
	}
	json_decref(values);
	return out;
}

static double derived_value(const json_t *derived, const char *id)
{
	const json_t *d;
	size_t i;

	json_array_foreach(derived, i, d)
	{
		if (!strcmp(json_string_value(json_object_get(d, "id")), id))
			return profile_num_value(json_object_get(d, "value"));
	}
	return NAN;
}

/* Support and challenge side by side: a difference of PROFILE_BALANCE_HEAVY or more either way
 * (allowing for rounding of the means) leans to that side; anything nearer is balanced. Null
 * when the instrument has no such indices or either is missing. */
static json_t *balance_json(const json_t *derived)
{
	double s = derived_value(derived, "support"), c = derived_value(derived, "challenge");
	double d = s - c, heavy = PROFILE_BALANCE_HEAVY * (1 - PROFILE_SLACK);
	const char *verdict = "balanced";

	if (isnan(s) || isnan(c))
		return json_null();
	if (d >= heavy)
		verdict = "support_heavy";
	else if (d <= -heavy)
		verdict = "challenge_heavy";
	return json_pack("{s:o, s:o, s:o, s:s}", "support", profile_num(s), "challenge",
	                 profile_num(c), "difference", profile_num(d), "verdict", verdict);
}

/* ---- The therapist's own trend ---- */

static json_t *trend_point(const struct prof *p, const json_t *entry, const char *item,
                           const json_t *def)
{
	const json_t *scores = json_object_get(entry, "scores");
	json_t *sid = json_object_get(entry, "submission_id");
	const char *date = json_string_value(json_object_get(entry, "date"));
	json_t *pt = json_pack("{s:o, s:o, s:o, s:o}", "submission_id",
	                       json_is_integer(sid) ? json_incref(sid) : json_null(), "date",
	                       date ? json_string(date) : json_null(), "adherence",
	                       profile_num(profile_score(p, scores, item, "adherence")), "quality",
	                       profile_num(profile_score(p, scores, item, "quality")));

	if (profile_lists(def, "facets", "competence"))
		json_object_set_new(pt, "competence",
		                    profile_num(profile_score(p, scores, item, "competence")));
	return pt;
}

/* Every item rated for adherence, quality or competence, one point per history entry that has
 * a scores object; empty when fewer than two entries have one. */
static json_t *trend_json(const struct prof *p)
{
	const json_t *history = p->pi->history, *items = json_object_get(p->summary, "items");
	const json_t *def, *entry;
	json_t *out = json_array();
	size_t i, k, valid = 0;

	json_array_foreach(history, k, entry)
	{
		if (json_is_object(json_object_get(entry, "scores")))
			valid++;
	}
	if (valid < 2)
		return out;
	json_array_foreach(items, i, def)
	{
		const char *id = json_string_value(json_object_get(def, "id"));
		json_t *points;
		if (!profile_lists(def, "facets", "adherence") &&
		    !profile_lists(def, "facets", "quality") &&
		    !profile_lists(def, "facets", "competence"))
			continue;
		points = json_array();
		json_array_foreach(history, k, entry)
		{
			if (json_is_object(json_object_get(entry, "scores")))
				json_array_append_new(points, trend_point(p, entry, id, def));
		}
		json_array_append_new(out,
		                      json_pack("{s:s, s:O, s:o}", "item", id, "label",
		                                json_object_get(def, "label"), "points", points));
	}
	return out;
}

/* ---- The whole profile ---- */

json_t *profile_compute(const struct profile_input *pi)
{
	struct prof p;
	json_t *out, *items, *derived, *strengths, *improvements;
	size_t nref;

	if (!pi || !pi->in || !json_is_object(pi->scores))
		return NULL;
	memset(&p, 0, sizeof(p));
	p.pi = pi;
	p.in = pi->in;
	p.lang = pi->lang ? pi->lang : "en";
	p.summary = instrument_summary(pi->in, p.lang);
	p.good_enough = instrument_good_enough(pi->in);
	nref = reference_count(&p);

	out = json_object();
	json_object_set_new(out, "instrument",
	                    json_pack("{s:s, s:s, s:s}", "code", instrument_code(p.in), "version",
	                              instrument_version(p.in), "name",
	                              instrument_name(p.in, p.lang)));
	json_object_set_new(out, "good_enough", profile_num(p.good_enough));
	json_object_set_new(out, "counts", profile_counts(&p));
	items = items_json(&p);
	json_object_set_new(out, "items", items);
	json_object_set_new(out, "globals", globals_json(&p));
	derived = derived_json(&p);
	json_object_set_new(out, "derived", derived);
	json_object_set_new(out, "balance", balance_json(derived));
	profile_findings(&p, items, &strengths, &improvements);
	json_object_set_new(out, "strengths", strengths);
	json_object_set_new(out, "improvements", improvements);
	json_object_set_new(out, "reference",
	                    json_pack("{s:b, s:I, s:i}", "available", nref >= PROFILE_REFERENCE_MIN,
	                              "n", (json_int_t)nref, "min_n", PROFILE_REFERENCE_MIN));
	json_object_set_new(out, "trend", trend_json(&p));
	json_decref(p.code_counts);
	json_decref(p.summary);
	return out;
}
