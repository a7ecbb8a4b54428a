/* Derived indices of a rating (sums, means, ratios, percentages, counts of coded interventions)
 * and the named band each falls in. */
#include "core/instrument.h"

#include <math.h>
#include <string.h>

#include "core/instrument_int.h"
#include "util/banned.h"

/* Bands compare with a little slack so that 3.9999999999 from decimal arithmetic still counts
 * as reaching 4. */
#define BAND_SLACK 1e-9

struct ectx {
	const struct instrument *in;
	const json_t *scores, *counts;
	double val[INSTRUMENT_MAX_DERIVED];
	unsigned char done[INSTRUMENT_MAX_DERIVED];
};

static double eval(struct ectx *e, size_t d);

/* How many times a code was used; a value that is not a whole number >= 0 counts as 0. */
static double code_count(const struct ectx *e, int c)
{
	const json_t *j = json_object_get(e->counts, e->in->codes[c].code);
	double x = json_number_value(j);

	return json_is_number(j) && x >= 0 && x == floor(x) && x <= 1e15 ? x : 0;
}

/* An item's score: from scores, and for a count not given there, the number of coded
 * interventions whose codes stand for the item. NAN when absent or outside the range. */
static double item_value(const struct ectx *e, int i, enum instr_facet f)
{
	const struct instr_item *it = &e->in->items[i];
	const json_t *j = json_object_get(json_object_get(e->scores, it->id), instr_facet_name[f]);
	double x, sum = 0;
	size_t c;
	int mapped = 0;

	if (j) {
		x = json_number_value(j);
		if (!json_is_number(j) || !instr_on_scale(x, &it->range))
			return NAN;
		return (it->flags & (1u << INSTR_REVERSED)) ? it->range.min + it->range.max - x : x;
	}
	if (f != INSTR_COUNT || !e->counts)
		return NAN;
	for (c = 0; c < e->in->n_codes; c++) {
		if (e->in->codes[c].item != i)
			continue;
		mapped = 1;
		sum += code_count(e, (int)c);
	}
	return mapped ? sum : NAN;
}

static double global_value(const struct ectx *e, int g)
{
	const struct instr_global *gl = &e->in->globals[g];
	const json_t *j = json_object_get(json_object_get(e->scores, "global"), gl->id);
	double x = json_number_value(j);

	return json_is_number(j) && instr_on_scale(x, &gl->range) ? x : NAN;
}

static double ref_value(struct ectx *e, const struct instr_ref *r)
{
	switch (r->kind) {
	case INSTR_REF_ITEM:
		return item_value(e, r->target, r->facet);
	case INSTR_REF_GLOBAL:
		return global_value(e, r->target);
	case INSTR_REF_INDEX:
		return eval(e, (size_t)r->target);
	case INSTR_REF_CODE:
		return e->counts ? code_count(e, r->target) : NAN;
	}
	return NAN;
}

/* Sum, mean, min or max of refs. Missing values make the result missing, unless skip_missing
 * is set, when they are left out (and the result is missing only when all are). */
static double fold(struct ectx *e, const struct instr_derived *d)
{
	double acc = 0, x;
	size_t i, n = 0;

	for (i = 0; i < d->of.n; i++) {
		x = ref_value(e, &d->of.v[i]);
		if (isnan(x)) {
			if (d->skip_missing)
				continue;
			return NAN;
		}
		if (n == 0 || d->op == INSTR_SUM || d->op == INSTR_MEAN)
			acc = n == 0 ? x : acc + x;
		else if (d->op == INSTR_MIN)
			acc = fmin(acc, x);
		else
			acc = fmax(acc, x);
		n++;
	}
	if (n == 0)
		return NAN;
	return d->op == INSTR_MEAN ? acc / (double)n : acc;
}

static double total(struct ectx *e, const struct instr_refs *refs)
{
	double acc = 0;
	size_t i;

	for (i = 0; i < refs->n; i++)
		acc += ref_value(e, &refs->v[i]);
	return acc;
}

static double count_codes(const struct ectx *e, const struct instr_derived *d)
{
	double acc = 0;
	size_t c;

	if (!e->counts)
		return NAN;
	if (d->count_codes) {
		for (c = 0; c < d->n_count_codes; c++)
			acc += code_count(e, d->count_codes[c]);
		return acc;
	}
	for (c = 0; c < e->in->n_codes; c++)
		if (d->count_class < 0 || (int)e->in->codes[c].cls == d->count_class)
			acc += code_count(e, (int)c);
	return acc;
}

/* Validation refused cycles, so the recursion ends; each index is worked out once. */
static double eval(struct ectx *e, size_t i)
{
	const struct instr_derived *d = &e->in->derived[i];
	double x = NAN, num, den;

	if (e->done[i])
		return e->val[i];
	switch (d->op) {
	case INSTR_SUM:
	case INSTR_MEAN:
	case INSTR_MIN:
	case INSTR_MAX:
		x = fold(e, d);
		break;
	case INSTR_DIFFERENCE:
		x = ref_value(e, &d->of.v[0]) - ref_value(e, &d->of.v[1]);
		break;
	case INSTR_RATIO:
	case INSTR_PERCENTAGE:
		num = total(e, &d->num);
		den = total(e, &d->den);
		/* Multiply before dividing: 100 * 4 / 10 is exactly 40, 4.0 / 10 * 100 is not. */
		if (!isnan(num) && !isnan(den) && den != 0)
			x = d->op == INSTR_RATIO ? num / den : 100 * num / den;
		break;
	case INSTR_COUNT_CODES:
	case INSTR_OP__MAX:
		x = count_codes(e, d);
		break;
	}
	e->val[i] = x;
	e->done[i] = 1;
	return x;
}

static int at_least(double x, double from)
{
	return x >= from - BAND_SLACK * fmax(1, fabs(from));
}

/* The highest band whose lower bound x reaches and whose extra conditions hold. */
static const char *band_of(struct ectx *e, const struct instr_derived *d, double x)
{
	size_t k, j;

	if (isnan(x))
		return NULL;
	for (k = d->n_bands; k-- > 0;) {
		const struct instr_band *b = &d->bands[k];
		int ok = !b->has_from || at_least(x, b->from);
		for (j = 0; ok && j < b->n_conds; j++) {
			double y = eval(e, (size_t)b->conds[j].index);
			ok = !isnan(y) && at_least(y, b->conds[j].from);
		}
		if (ok)
			return b->name;
	}
	return NULL;
}

json_t *instrument_derive(const struct instrument *in, const json_t *scores,
                          const json_t *code_counts)
{
	struct ectx e;
	json_t *out = json_object();
	size_t i;

	memset(&e, 0, sizeof(e));
	e.in = in;
	e.scores = json_is_object(scores) ? scores : NULL;
	e.counts = json_is_object(code_counts) ? code_counts : NULL;
	for (i = 0; i < in->n_derived; i++) {
		double x = eval(&e, i);
		const char *band = band_of(&e, &in->derived[i], x);
		json_object_set_new(out, in->derived[i].id,
		                    json_pack("{s:o, s:o}", "value",
		                              isnan(x) ? json_null() : json_real(x), "band",
		                              band ? json_string(band) : json_null()));
	}
	return out;
}
