/* The intervention counts of a profile: how many, how often, per code, within the manual, and
 * the most and least used intervention types. */
#include "core/profile_int.h"

#include <math.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

/* How many codes most_used and least_used name at most. */
#define PROFILE_USED_TOP 3

static int code_index(const json_t *codes, const char *code)
{
	size_t i;

	if (!code)
		return -1;
	for (i = 0; i < json_array_size(codes); i++)
		if (!strcmp(code,
		            json_string_value(json_object_get(json_array_get(codes, i), "code"))))
			return (int)i;
	return -1;
}

static const char *str_of(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* Stable insertion sort of code numbers by count, descending (or ascending); equal counts stay
 * in instrument order. At most INSTRUMENT_MAX_CODES entries, so quadratic is fine. */
static void sort_by_count(size_t *idx, size_t n, const size_t *count, int ascending)
{
	size_t i, j, t;

	for (i = 1; i < n; i++) {
		t = idx[i];
		for (j = i; j > 0; j--) {
			size_t a = count[idx[j - 1]], b = count[t];
			if (ascending ? a <= b : a >= b)
				break;
			idx[j] = idx[j - 1];
		}
		idx[j] = t;
	}
}

static int listed(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (!strcmp(json_string_value(json_array_get(arr, i)), s))
			return 1;
	return 0;
}

/* Item codes used at least once, most first; then the codes of items rated for adherence used
 * the fewest times (0 included), leaving out those already among the most used. */
static void most_least(const struct prof *p, const json_t *codes, const size_t *idx, size_t n,
                       const size_t *count, json_t *out)
{
	json_t *most = json_array(), *least = json_array();
	size_t *cand = xcalloc(n ? n : 1, sizeof(*cand));
	size_t i, m = 0;

	for (i = 0; i < n && json_array_size(most) < PROFILE_USED_TOP; i++) {
		const json_t *c = json_array_get(codes, idx[i]);
		if (count[idx[i]] > 0 && !strcmp(str_of(c, "class"), "item"))
			json_array_append_new(most, json_string(str_of(c, "code")));
	}
	for (i = 0; i < n; i++) {
		const json_t *c = json_array_get(codes, i);
		const char *item = json_string_value(json_object_get(c, "item"));
		const json_t *def = item ? profile_item_def(p, item) : NULL;
		if (def && profile_lists(def, "facets", "adherence") &&
		    !listed(most, str_of(c, "code")))
			cand[m++] = i;
	}
	sort_by_count(cand, m, count, 1);
	for (i = 0; i < m && i < PROFILE_USED_TOP; i++)
		json_array_append_new(least,
		                      json_string(str_of(json_array_get(codes, cand[i]), "code")));
	json_object_set_new(out, "most_used", most);
	json_object_set_new(out, "least_used", least);
	free(cand);
}

static json_t *by_code(const json_t *codes, const size_t *idx, size_t n, const size_t *count,
                       size_t total)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const json_t *c = json_array_get(codes, idx[i]);
		json_array_append_new(
		    arr,
		    json_pack("{s:s, s:s, s:O, s:s, s:I, s:o}", "code", str_of(c, "code"), "label",
		              str_of(c, "label"), "item", json_object_get(c, "item"), "class",
		              str_of(c, "class"), "count", (json_int_t)count[idx[i]], "share",
		              profile_num(total ? (double)count[idx[i]] / (double)total : 0)));
	}
	return arr;
}

/* An intervention is within the manual when the rater said so, or, when the rater left it
 * open, when its code stands for an item; otherwise it is not classifiable when its code says
 * so, and outside the manual in every other case. So the three add up to the total. */
enum placing { WITHIN, OUTSIDE, UNCLASSIFIABLE };

static enum placing place(const json_t *iv, const char *cls)
{
	const json_t *w = json_object_get(iv, "within_manual");

	if (json_is_true(w) || (!json_is_boolean(w) && !strcmp(cls, "item")))
		return WITHIN;
	return strcmp(cls, "not_classifiable") ? OUTSIDE : UNCLASSIFIABLE;
}

json_t *profile_counts(struct prof *p)
{
	const json_t *codes = json_object_get(p->summary, "codes");
	const json_t *ivs = p->pi->interventions, *iv;
	size_t n = json_array_size(codes), placed[3] = {0, 0, 0};
	size_t *count = xcalloc(n ? n : 1, sizeof(*count));
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	double dur = p->pi->duration_s, per_minute = NAN;
	json_t *out = json_object();
	size_t i;

	if (json_is_array(ivs)) {
		json_array_foreach(ivs, i, iv)
		{
			int c = code_index(codes, json_string_value(json_object_get(iv, "code")));
			if (c < 0)
				continue;
			count[c]++;
			p->total++;
			placed[place(iv, str_of(json_array_get(codes, (size_t)c), "class"))]++;
		}
		p->code_counts = json_object();
		for (i = 0; i < n; i++)
			json_object_set_new(p->code_counts,
			                    str_of(json_array_get(codes, i), "code"),
			                    json_integer((json_int_t)count[i]));
		if (isfinite(dur) && dur > 0)
			per_minute = (double)p->total / (dur / 60);
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_by_count(idx, n, count, 0);

	json_object_set_new(out, "total", json_integer((json_int_t)p->total));
	json_object_set_new(out, "per_minute", profile_num(per_minute));
	json_object_set_new(out, "duration_s", profile_num(isfinite(dur) && dur > 0 ? dur : NAN));
	json_object_set_new(out, "within_manual", json_integer((json_int_t)placed[WITHIN]));
	json_object_set_new(
	    out, "within_manual_share",
	    profile_num(p->total ? (double)placed[WITHIN] / (double)p->total : NAN));
	json_object_set_new(out, "outside_manual", json_integer((json_int_t)placed[OUTSIDE]));
	json_object_set_new(out, "not_classifiable",
	                    json_integer((json_int_t)placed[UNCLASSIFIABLE]));
	json_object_set_new(out, "by_code", by_code(codes, idx, n, count, p->total));
	most_least(p, codes, idx, n, count, out);
	free(idx);
	free(count);
	return out;
}

size_t profile_item_uses(const struct prof *p, const char *item)
{
	const json_t *codes = json_object_get(p->summary, "codes"), *c;
	size_t i, uses = 0;

	if (!p->code_counts)
		return 0;
	json_array_foreach(codes, i, c)
	{
		const char *it = json_string_value(json_object_get(c, "item"));
		if (it && !strcmp(it, item))
			uses += (size_t)json_integer_value(
			    json_object_get(p->code_counts, str_of(c, "code")));
	}
	return uses;
}
