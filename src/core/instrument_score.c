/* Client-rated outcome measures: compiling the "scoring" rules of a definition, scoring a
 * client's answers as the measure's manual says (reversed items, items left out), and the
 * questionnaire the client's answer page shows. */
#include "core/instrument.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument_int.h"
#include "core/stats.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Bands and cut-offs compare with the same slack as the derived indices' bands. */
#define SLACK 1e-9

const char *const instr_method_name[INSTR_METHOD__MAX] = {"sum", "mean", "mean_x10"};

static double num_or_nan(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

static void compile_norms(struct instr_scoring *sc, const json_t *o)
{
	const json_t *norms = json_object_get(o, "norms"), *rel = json_object_get(o, "reliability");
	const json_t *clin = json_object_get(norms, "clinical"),
	             *func = json_object_get(norms, "functional");
	struct stats_rci_norms nm;
	struct stats_rci_params par;

	nm.sd = rel ? num_or_nan(json_object_get(rel, "sd")) : 1;
	nm.reliability = rel ? num_or_nan(json_object_get(rel, "r")) : 0;
	nm.dys_mean = num_or_nan(json_object_get(clin, "mean"));
	nm.dys_sd = num_or_nan(json_object_get(clin, "sd"));
	nm.func_mean = num_or_nan(json_object_get(func, "mean"));
	nm.func_sd = num_or_nan(json_object_get(func, "sd"));
	nm.lower_is_better = sc->lower_is_better;
	sc->a = sc->b = sc->c = NAN;
	if (stats_rci_params(&nm, &par) == 0) {
		sc->a = par.a;
		sc->b = par.b;
		sc->c = par.c;
		/* Jacobson & Truax: reliable when |post - pre| > 1.96 x S_diff. */
		if (rel)
			sc->reliable_change = par.threshold;
	}
	if (!rel)
		sc->reliable_change = num_or_nan(json_object_get(o, "reliable_change"));
	sc->cutoff = num_or_nan(json_object_get(o, "cutoff"));
	if (isnan(sc->cutoff))
		sc->cutoff = sc->c;
}

static void compile_range(const struct instrument *in, struct instr_scoring *sc)
{
	size_t i;

	sc->min = sc->max = 0;
	for (i = 0; i < sc->n_items; i++) {
		sc->min += in->items[sc->items[i]].range.min;
		sc->max += in->items[sc->items[i]].range.max;
	}
	if (sc->method != INSTR_METHOD_SUM) {
		double k = sc->method == INSTR_METHOD_MEAN_X10 ? 10 : 1;
		sc->min = sc->min / (double)sc->n_items * k;
		sc->max = sc->max / (double)sc->n_items * k;
	}
}

void instr_scoring_compile(struct instrument *in)
{
	const json_t *o = json_object_get(in->def, "scoring");
	const json_t *items = json_object_get(o, "items"), *bands = json_object_get(o, "bands");
	const json_t *alerts = json_object_get(o, "alerts");
	struct instr_scoring *sc = xcalloc(1, sizeof(*sc));
	size_t i;

	sc->obj = o;
	sc->method = (enum instr_method)instr_lookup(
	    instr_method_name, INSTR_METHOD__MAX, json_string_value(json_object_get(o, "method")));
	sc->lower_is_better =
	    !strcmp(json_string_value(json_object_get(o, "direction")), "lower_is_better");
	sc->alliance = json_is_string(json_object_get(o, "use")) &&
	               !strcmp(json_string_value(json_object_get(o, "use")), "alliance");
	sc->n_items = items ? json_array_size(items) : in->n_items;
	sc->items = xcalloc(sc->n_items, sizeof(int));
	for (i = 0; i < sc->n_items; i++)
		sc->items[i] =
		    items ? instr_item_find(in, json_string_value(json_array_get(items, i)))
		          : (int)i;
	sc->max_missing = (int)json_integer_value(json_object_get(o, "max_missing"));
	compile_range(in, sc);
	compile_norms(sc, o);
	sc->n_bands = json_array_size(bands);
	sc->bands = sc->n_bands ? xcalloc(sc->n_bands, sizeof(*sc->bands)) : NULL;
	for (i = 0; i < sc->n_bands; i++) {
		const json_t *b = json_array_get(bands, i), *from = json_object_get(b, "from");
		sc->bands[i].obj = b;
		sc->bands[i].name = json_string_value(json_object_get(b, "name"));
		sc->bands[i].has_from = from != NULL;
		sc->bands[i].from = from ? json_number_value(from) : -INFINITY;
	}
	sc->n_alerts = json_array_size(alerts);
	sc->alerts = sc->n_alerts ? xcalloc(sc->n_alerts, sizeof(*sc->alerts)) : NULL;
	for (i = 0; i < sc->n_alerts; i++) {
		const json_t *a = json_array_get(alerts, i);
		sc->alerts[i].item =
		    instr_item_find(in, json_string_value(json_object_get(a, "item")));
		sc->alerts[i].from = json_number_value(json_object_get(a, "from"));
		sc->alerts[i].label = json_object_get(a, "label");
	}
	in->scoring = sc;
}

void instr_scoring_free(struct instrument *in)
{
	if (!in->scoring)
		return;
	free(in->scoring->items);
	free(in->scoring->bands);
	free(in->scoring->alerts);
	free(in->scoring);
	in->scoring = NULL;
}

int instrument_outcome_rules(const struct instrument *in, struct instrument_outcome *out)
{
	const struct instr_scoring *sc = in->scoring;

	if (!sc)
		return -1;
	out->lower_is_better = sc->lower_is_better;
	out->alliance = sc->alliance;
	out->min = sc->min;
	out->max = sc->max;
	out->cutoff = sc->cutoff;
	out->reliable_change = sc->reliable_change;
	out->a = sc->a;
	out->b = sc->b;
	out->c = sc->c;
	out->n_scored = sc->n_items;
	out->max_missing = sc->max_missing;
	return 0;
}

/* ---- Scoring answers ---- */

static enum instrument_scored bad(struct instrument_score *out, const char *field, const char *why)
{
	snprintf(out->field, sizeof(out->field), "%s", field);
	snprintf(out->why, sizeof(out->why), "%s", why);
	out->score = NAN;
	return INSTRUMENT_BAD_ANSWER;
}

enum instrument_scored instrument_score_answers(const struct instrument *in, const json_t *answers,
                                                struct instrument_score *out)
{
	const struct instr_scoring *sc = in->scoring;
	const char *key;
	json_t *val;
	double sum = 0;
	char desc[128], why[160];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->score = NAN;
	if (!sc)
		return bad(out, "", "not a client-rated measure");
	if (!json_is_object(answers))
		return bad(out, "", "answers must be an object of item ids and numbers");
	/* Every answer given must be an item's point first: a bad one changes nothing. */
	json_object_foreach((json_t *)(uintptr_t)answers, key, val)
	{
		int it = instr_item_find(in, key);
		if (it < 0)
			return bad(out, key, "no such item");
		if (json_is_null(val))
			continue;
		if (!json_is_number(val) ||
		    !instr_on_scale(json_number_value(val), &in->items[it].range)) {
			instr_scale_desc(&in->items[it].range, desc, sizeof(desc));
			snprintf(why, sizeof(why), "must be %s", desc);
			return bad(out, key, why);
		}
	}
	for (i = 0; i < sc->n_items; i++) {
		const struct instr_item *it = &in->items[sc->items[i]];
		const json_t *a = json_object_get(answers, it->id);
		double x;
		if (!json_is_number(a)) {
			out->missing++;
			continue;
		}
		x = json_number_value(a);
		if (it->flags & (1u << INSTR_REVERSED))
			x = it->range.min + it->range.max - x;
		sum += x;
		out->answered++;
	}
	if (out->missing > (size_t)sc->max_missing || out->answered == 0) {
		snprintf(out->why, sizeof(out->why),
		         "%zu of %zu scored items are missing; the measure allows at most %d",
		         out->missing, sc->n_items, sc->max_missing);
		return INSTRUMENT_TOO_MANY_MISSING;
	}
	switch (sc->method) {
	case INSTR_METHOD_SUM:
		out->score = sum * (double)sc->n_items / (double)out->answered;
		break;
	case INSTR_METHOD_MEAN:
		out->score = sum / (double)out->answered;
		break;
	default:
		out->score = 10 * sum / (double)out->answered;
		break;
	}
	return INSTRUMENT_SCORED;
}

int instrument_score_total_ok(const struct instrument *in, double total, char *why, size_t whylen)
{
	const struct instr_scoring *sc = in->scoring;

	if (!sc) {
		snprintf(why, whylen, "not a client-rated measure");
		return 0;
	}
	if (!isfinite(total) || total < sc->min - SLACK || total > sc->max + SLACK) {
		snprintf(why, whylen, "must be a number from %.10g to %.10g", sc->min, sc->max);
		return 0;
	}
	return 1;
}

const char *instrument_score_band(const struct instrument *in, double score)
{
	const struct instr_scoring *sc = in->scoring;
	const char *name = NULL;
	size_t k;

	if (!sc || isnan(score))
		return NULL;
	for (k = 0; k < sc->n_bands; k++)
		if (!sc->bands[k].has_from ||
		    score >= sc->bands[k].from - SLACK * fmax(1, fabs(sc->bands[k].from)))
			name = sc->bands[k].name;
	return name;
}

json_t *instrument_score_alerts(const struct instrument *in, const json_t *answers,
                                const char *lang)
{
	const struct instr_scoring *sc = in->scoring;
	json_t *out = json_array();
	size_t k;

	for (k = 0; sc && k < sc->n_alerts; k++) {
		const struct instr_item *it = &in->items[sc->alerts[k].item];
		const json_t *a = json_object_get(answers, it->id);
		if (!json_is_number(a) || json_number_value(a) < sc->alerts[k].from)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:f, s:s}", "item", it->id, "answer",
		                                     json_number_value(a), "label",
		                                     instr_text(sc->alerts[k].label, lang)));
	}
	return out;
}

/* ---- What the forms show ---- */

static json_t *num_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

json_t *instr_scoring_summary(const struct instrument *in, const char *lang)
{
	const struct instr_scoring *sc = in->scoring;
	const json_t *notes = json_object_get(sc->obj, "notes");
	json_t *o = json_object(), *arr = json_array();
	size_t k;

	json_object_set_new(o, "use", json_string(sc->alliance ? "alliance" : "outcome"));
	json_object_set_new(o, "method", json_string(instr_method_name[sc->method]));
	for (k = 0; k < sc->n_items; k++)
		json_array_append_new(arr, json_string(in->items[sc->items[k]].id));
	json_object_set_new(o, "items", arr);
	json_object_set_new(o, "max_missing", json_integer(sc->max_missing));
	json_object_set_new(
	    o, "direction",
	    json_string(sc->lower_is_better ? "lower_is_better" : "higher_is_better"));
	json_object_set_new(o, "min", json_real(sc->min));
	json_object_set_new(o, "max", json_real(sc->max));
	json_object_set_new(o, "cutoff", num_or_null(sc->cutoff));
	json_object_set_new(o, "reliable_change", num_or_null(sc->reliable_change));
	json_object_set_new(o, "a", num_or_null(sc->a));
	json_object_set_new(o, "b", num_or_null(sc->b));
	json_object_set_new(o, "c", num_or_null(sc->c));
	arr = json_array();
	for (k = 0; k < sc->n_bands; k++)
		json_array_append_new(
		    arr,
		    json_pack("{s:s, s:s, s:o}", "name", sc->bands[k].name, "label",
		              instr_text(json_object_get(sc->bands[k].obj, "label"), lang), "from",
		              sc->bands[k].has_from ? json_real(sc->bands[k].from) : json_null()));
	json_object_set_new(o, "bands", arr);
	arr = json_array();
	for (k = 0; k < sc->n_alerts; k++)
		json_array_append_new(arr, json_pack("{s:s, s:f, s:s}", "item",
		                                     in->items[sc->alerts[k].item].id, "from",
		                                     sc->alerts[k].from, "label",
		                                     instr_text(sc->alerts[k].label, lang)));
	json_object_set_new(o, "alerts", arr);
	json_object_set_new(o, "unverified",
	                    json_deep_copy(json_object_get(sc->obj, "unverified")));
	if (!json_object_get(o, "unverified"))
		json_object_set_new(o, "unverified", json_array());
	json_object_set_new(o, "notes", notes ? json_string(instr_text(notes, lang)) : json_null());
	return o;
}

/* The text in lang exactly (no fallback: a client sees only the language of the link). */
static json_t *text_in(const json_t *texts, const char *lang)
{
	const json_t *s = json_object_get(texts, lang);

	return json_is_string(s) ? json_string(json_string_value(s)) : json_null();
}

json_t *instrument_questionnaire(const struct instrument *in, const char *lang)
{
	json_t *o, *items;
	size_t i, k;

	if (!in->scoring || !instrument_has_language(in, lang))
		return NULL;
	o = json_object();
	json_object_set_new(o, "code", json_string(in->code));
	json_object_set_new(o, "version", json_string(in->version));
	json_object_set_new(o, "language", json_string(lang));
	json_object_set_new(o, "name", json_string(instrument_name(in, lang)));
	json_object_set_new(o, "instructions",
	                    text_in(json_object_get(in->def, "instructions"), lang));
	items = json_array();
	for (i = 0; i < in->n_items; i++) {
		const struct instr_item *it = &in->items[i];
		const json_t *range = instr_range_obj(in->def, it->obj);
		const json_t *answers = json_object_get(range, "answers");
		json_t *item = json_object(), *list = json_array();
		json_object_set_new(item, "id", json_string(it->id));
		json_object_set_new(item, "text", text_in(json_object_get(it->obj, "text"), lang));
		json_object_set_new(item, "required", json_boolean(it->required));
		json_object_set_new(item, "range",
		                    json_pack("{s:f, s:f, s:f}", "min", it->range.min, "max",
		                              it->range.max, "step", it->range.step));
		for (k = 0; k < json_array_size(answers); k++) {
			const json_t *a = json_array_get(answers, k);
			json_array_append_new(
			    list, json_pack("{s:O, s:o}", "value", json_object_get(a, "value"),
			                    "text", text_in(json_object_get(a, "text"), lang)));
		}
		json_object_set_new(item, "answers", list);
		json_array_append_new(items, item);
	}
	json_object_set_new(o, "items", items);
	return o;
}
