/* Compiled instruments: building the read-only form from a valid definition, and the questions
 * rating code asks of it (is this score acceptable, what does this code stand for, what is
 * still missing, what does a rating form show). */
#include "core/instrument.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument_int.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const instr_facet_name[INSTR_FACET__MAX] = {"adherence", "quality", "competence",
                                                        "count", "response"};
const char *const instr_flag_name[INSTR_FLAG__MAX] = {"not_rated_for_adherence", "whole_session",
                                                      "unverified", "reversed"};
const char *const instr_class_name[INSTR_CLASS__MAX] = {"item", "outside_manual",
                                                        "not_classifiable"};
const char *const instr_op_name[INSTR_OP__MAX] = {"sum",        "mean",  "min",        "max",
                                                  "difference", "ratio", "percentage", "count"};

int instr_lang_index(const char *lang)
{
	static const char *const langs[] = {"nb", "da", "en"};

	return instr_lookup(langs, 3, lang);
}

int instr_lookup(const char *const *names, int n, const char *s)
{
	int i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

int instr_on_scale(double x, const struct instr_range *r)
{
	double k;

	if (!isfinite(x) || x < r->min || x > r->max)
		return 0;
	/* Whole-number scales are checked exactly: 4.0000001 is not a 4. Fractional steps (0.5,
	 * 0.1) allow for the rounding of decimal fractions in binary. */
	if (r->step == floor(r->step) && r->min == floor(r->min))
		return x == floor(x) && fmod(x - r->min, r->step) == 0;
	k = (x - r->min) / r->step;
	return fabs(k - nearbyint(k)) <= 1e-9 * fmax(1, fabs(k));
}

void instr_scale_desc(const struct instr_range *r, char *buf, size_t len)
{
	if (r->step == 1 && r->min == floor(r->min))
		snprintf(buf, len, "a whole number from %.10g to %.10g", r->min, r->max);
	else
		snprintf(buf, len, "a number from %.10g to %.10g in steps of %.10g", r->min, r->max,
		         r->step);
}

const json_t *instr_range_obj(const json_t *def, const json_t *owner)
{
	const json_t *r = json_object_get(owner, "range");

	if (json_is_string(r))
		return json_object_get(json_object_get(def, "ranges"), json_string_value(r));
	return r;
}

void instr_range_read(const json_t *obj, struct instr_range *r)
{
	const json_t *step = json_object_get(obj, "step");

	r->min = json_number_value(json_object_get(obj, "min"));
	r->max = json_number_value(json_object_get(obj, "max"));
	r->step = step ? json_number_value(step) : 1;
}

const char *instr_text(const json_t *texts, const char *lang)
{
	static const char *const order[] = {"en", "nb", "da"};
	const json_t *s = lang ? json_object_get(texts, lang) : NULL;
	size_t i;

	for (i = 0; !json_is_string(s) && i < 3; i++)
		s = json_object_get(texts, order[i]);
	return json_is_string(s) ? json_string_value(s) : "";
}

int instr_item_find(const struct instrument *in, const char *id)
{
	size_t i;

	for (i = 0; id && i < in->n_items; i++)
		if (!strcmp(in->items[i].id, id))
			return (int)i;
	return -1;
}

int instr_global_find(const struct instrument *in, const char *id)
{
	size_t i;

	for (i = 0; id && i < in->n_globals; i++)
		if (!strcmp(in->globals[i].id, id))
			return (int)i;
	return -1;
}

int instr_code_find(const struct instrument *in, const char *code)
{
	size_t i;

	for (i = 0; code && i < in->n_codes; i++)
		if (!strcmp(in->codes[i].code, code))
			return (int)i;
	return -1;
}

int instr_derived_find(const struct instrument *in, const char *id)
{
	size_t i;

	for (i = 0; id && i < in->n_derived; i++)
		if (!strcmp(in->derived[i].id, id))
			return (int)i;
	return -1;
}

/* ---- Compiling ---- */

static unsigned name_mask(const json_t *arr, const char *const *names, int n)
{
	unsigned mask = 0;
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		int k = instr_lookup(names, n, json_string_value(json_array_get(arr, i)));
		if (k >= 0)
			mask |= 1u << k;
	}
	return mask;
}

static int required_of(const json_t *obj)
{
	return !json_is_false(json_object_get(obj, "required"));
}

/* The first good_enough of any range; validation makes them all equal. */
static void note_good_enough(struct instrument *in, const json_t *range)
{
	const json_t *g = json_object_get(range, "good_enough");

	if (isnan(in->good_enough) && json_is_number(g))
		in->good_enough = json_number_value(g);
}

/* Number of single values a reference stands for: a {"facet"} reference means every item
 * rated for that facet. */
static size_t ref_width(const struct instrument *in, const json_t *ref)
{
	const json_t *f = json_object_get(ref, "facet");
	size_t i, n = 0;
	int k;

	if (json_object_get(ref, "item") || !f)
		return 1;
	k = instr_lookup(instr_facet_name, INSTR_FACET__MAX, json_string_value(f));
	for (i = 0; i < in->n_items; i++)
		if (k >= 0 && (in->items[i].facets & (1u << k)))
			n++;
	return n;
}

static void compile_refs(const struct instrument *in, const json_t *arr, struct instr_refs *out)
{
	size_t i, j, n = 0;

	for (i = 0; i < json_array_size(arr); i++)
		n += ref_width(in, json_array_get(arr, i));
	out->v = n ? xcalloc(n, sizeof(*out->v)) : NULL;
	out->n = 0;
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *ref = json_array_get(arr, i);
		const char *item = json_string_value(json_object_get(ref, "item"));
		const char *facet = json_string_value(json_object_get(ref, "facet"));
		struct instr_ref *r;
		int k = instr_lookup(instr_facet_name, INSTR_FACET__MAX, facet);

		if (!item && facet) {
			for (j = 0; j < in->n_items; j++) {
				if (!(in->items[j].facets & (1u << k)))
					continue;
				r = &out->v[out->n++];
				r->kind = INSTR_REF_ITEM;
				r->target = (int)j;
				r->facet = (enum instr_facet)k;
			}
			continue;
		}
		r = &out->v[out->n++];
		if (item) {
			r->kind = INSTR_REF_ITEM;
			r->target = instr_item_find(in, item);
			r->facet = (enum instr_facet)k;
		} else if (json_object_get(ref, "global")) {
			r->kind = INSTR_REF_GLOBAL;
			r->target = instr_global_find(
			    in, json_string_value(json_object_get(ref, "global")));
		} else if (json_object_get(ref, "index")) {
			r->kind = INSTR_REF_INDEX;
			r->target = instr_derived_find(
			    in, json_string_value(json_object_get(ref, "index")));
		} else {
			r->kind = INSTR_REF_CODE;
			r->target =
			    instr_code_find(in, json_string_value(json_object_get(ref, "code")));
		}
	}
}

static void compile_items(struct instrument *in)
{
	const json_t *arr = json_object_get(in->def, "items");
	size_t i;

	in->n_items = json_array_size(arr);
	in->items = xcalloc(in->n_items, sizeof(*in->items));
	for (i = 0; i < in->n_items; i++) {
		struct instr_item *it = &in->items[i];
		const json_t *o = json_array_get(arr, i), *range = instr_range_obj(in->def, o);

		it->obj = o;
		it->id = json_string_value(json_object_get(o, "id"));
		it->facets =
		    name_mask(json_object_get(o, "facets"), instr_facet_name, INSTR_FACET__MAX);
		it->flags =
		    name_mask(json_object_get(o, "flags"), instr_flag_name, INSTR_FLAG__MAX);
		it->required = required_of(o);
		instr_range_read(range, &it->range);
		it->points = json_object_get(range, "points");
		note_good_enough(in, range);
	}
}

static void compile_globals(struct instrument *in)
{
	const json_t *arr = json_object_get(in->def, "globals");
	size_t i;

	in->n_globals = json_array_size(arr);
	in->globals = in->n_globals ? xcalloc(in->n_globals, sizeof(*in->globals)) : NULL;
	for (i = 0; i < in->n_globals; i++) {
		struct instr_global *g = &in->globals[i];
		const json_t *o = json_array_get(arr, i), *range = instr_range_obj(in->def, o);

		g->obj = o;
		g->id = json_string_value(json_object_get(o, "id"));
		g->flags = name_mask(json_object_get(o, "flags"), instr_flag_name, INSTR_FLAG__MAX);
		g->required = required_of(o);
		instr_range_read(range, &g->range);
		g->points = json_object_get(range, "points");
		note_good_enough(in, range);
	}
}

static void compile_codes(struct instrument *in)
{
	const json_t *arr = json_object_get(in->def, "codes");
	size_t i;

	in->n_codes = json_array_size(arr);
	in->codes = in->n_codes ? xcalloc(in->n_codes, sizeof(*in->codes)) : NULL;
	for (i = 0; i < in->n_codes; i++) {
		struct instr_code *c = &in->codes[i];
		const json_t *o = json_array_get(arr, i);
		const char *cls = json_string_value(json_object_get(o, "class"));

		c->obj = o;
		c->code = json_string_value(json_object_get(o, "code"));
		c->cls =
		    cls ? (enum instr_class)instr_lookup(instr_class_name, INSTR_CLASS__MAX, cls)
		        : INSTR_CLASS_ITEM;
		c->item = instr_item_find(in, json_string_value(json_object_get(o, "item")));
	}
}

static void compile_bands(struct instrument *in, const json_t *threshold)
{
	const json_t *bands = json_object_get(threshold, "bands");
	struct instr_derived *d;
	size_t k, j;
	int idx = instr_derived_find(in, json_string_value(json_object_get(threshold, "index")));

	d = &in->derived[idx];
	d->n_bands = json_array_size(bands);
	d->bands = xcalloc(d->n_bands, sizeof(*d->bands));
	for (k = 0; k < d->n_bands; k++) {
		struct instr_band *b = &d->bands[k];
		const json_t *o = json_array_get(bands, k), *from = json_object_get(o, "from");
		const json_t *conds = json_object_get(o, "and");

		b->obj = o;
		b->name = json_string_value(json_object_get(o, "name"));
		b->has_from = from != NULL;
		b->from = from ? json_number_value(from) : -INFINITY;
		b->n_conds = json_array_size(conds);
		b->conds = b->n_conds ? xcalloc(b->n_conds, sizeof(*b->conds)) : NULL;
		for (j = 0; j < b->n_conds; j++) {
			const json_t *c = json_array_get(conds, j);
			b->conds[j].index =
			    instr_derived_find(in, json_string_value(json_object_get(c, "index")));
			b->conds[j].from = json_number_value(json_object_get(c, "from"));
		}
	}
}

static void compile_derived(struct instrument *in)
{
	const json_t *arr = json_object_get(in->def, "derived");
	const json_t *thresholds = json_object_get(in->def, "thresholds");
	size_t i, j;

	in->n_derived = json_array_size(arr);
	in->derived = in->n_derived ? xcalloc(in->n_derived, sizeof(*in->derived)) : NULL;
	/* Ids first: an index may refer to one defined after it. */
	for (i = 0; i < in->n_derived; i++) {
		in->derived[i].obj = json_array_get(arr, i);
		in->derived[i].id = json_string_value(json_object_get(in->derived[i].obj, "id"));
	}
	for (i = 0; i < in->n_derived; i++) {
		struct instr_derived *d = &in->derived[i];
		const json_t *o = d->obj, *codes = json_object_get(o, "codes");
		const char *cls = json_string_value(json_object_get(o, "class"));

		d->op = (enum instr_op)instr_lookup(instr_op_name, INSTR_OP__MAX,
		                                    json_string_value(json_object_get(o, "op")));
		compile_refs(in, json_object_get(o, "of"), &d->of);
		compile_refs(in, json_object_get(o, "num"), &d->num);
		compile_refs(in, json_object_get(o, "den"), &d->den);
		d->skip_missing = json_is_true(json_object_get(o, "skip_missing"));
		d->count_class = cls ? instr_lookup(instr_class_name, INSTR_CLASS__MAX, cls) : -1;
		d->n_count_codes = json_array_size(codes);
		d->count_codes = d->n_count_codes ? xcalloc(d->n_count_codes, sizeof(int)) : NULL;
		for (j = 0; j < d->n_count_codes; j++)
			d->count_codes[j] =
			    instr_code_find(in, json_string_value(json_array_get(codes, j)));
	}
	for (i = 0; i < json_array_size(thresholds); i++)
		compile_bands(in, json_array_get(thresholds, i));
}

struct instrument *instrument_compile(const json_t *def)
{
	struct instrument *in;
	json_t *r;
	const char *key;
	char err[256];
	size_t i;

	if (instrument_validate(def, err, sizeof(err)))
		return NULL;
	in = xcalloc(1, sizeof(*in));
	in->def = json_deep_copy(def);
	if (!in->def) {
		free(in);
		return NULL;
	}
	in->code = json_string_value(json_object_get(in->def, "code"));
	in->version = json_string_value(json_object_get(in->def, "version"));
	in->kind = json_string_value(json_object_get(in->def, "kind"));
	in->rater = json_is_string(json_object_get(in->def, "rater"))
	                ? json_string_value(json_object_get(in->def, "rater"))
	                : "lab";
	json_array_foreach(json_object_get(in->def, "languages"), i, r) in->languages |=
	    1u << instr_lang_index(json_string_value(r));
	in->good_enough = NAN;
	/* Named ranges first, in file order, so good_enough is found the same way validation
	 * checked it. */
	json_object_foreach(json_object_get(in->def, "ranges"), key, r) note_good_enough(in, r);
	compile_items(in);
	compile_globals(in);
	compile_codes(in);
	compile_derived(in);
	if (!strcmp(in->rater, "client"))
		instr_scoring_compile(in);
	return in;
}

void instrument_free(struct instrument *in)
{
	size_t i, k;

	if (!in)
		return;
	for (i = 0; i < in->n_derived; i++) {
		struct instr_derived *d = &in->derived[i];
		for (k = 0; k < d->n_bands; k++)
			free(d->bands[k].conds);
		free(d->bands);
		free(d->of.v);
		free(d->num.v);
		free(d->den.v);
		free(d->count_codes);
	}
	instr_scoring_free(in);
	free(in->derived);
	free(in->codes);
	free(in->globals);
	free(in->items);
	json_decref(in->def);
	free(in);
}

/* ---- Accessors ---- */

const char *instrument_code(const struct instrument *in)
{
	return in->code;
}

const char *instrument_version(const struct instrument *in)
{
	return in->version;
}

const char *instrument_kind(const struct instrument *in)
{
	return in->kind;
}

const char *instrument_rater(const struct instrument *in)
{
	return in->rater;
}

int instrument_has_language(const struct instrument *in, const char *lang)
{
	int l = instr_lang_index(lang);

	return l >= 0 && (in->languages & (1u << l));
}

const char *instrument_name(const struct instrument *in, const char *lang)
{
	return instr_text(json_object_get(in->def, "name"), lang);
}

size_t instrument_item_count(const struct instrument *in)
{
	return in->n_items;
}

const char *instrument_item_id(const struct instrument *in, size_t i)
{
	return i < in->n_items ? in->items[i].id : NULL;
}

int instrument_item_index(const struct instrument *in, const char *id)
{
	return in ? instr_item_find(in, id) : -1;
}

const char *instrument_item_label(const struct instrument *in, size_t i, const char *lang)
{
	return i < in->n_items ? instr_text(json_object_get(in->items[i].obj, "label"), lang)
	                       : NULL;
}

const char *instrument_item_facet(const struct instrument *in, size_t i, size_t k)
{
	if (i >= in->n_items)
		return NULL;
	return json_string_value(json_array_get(json_object_get(in->items[i].obj, "facets"), k));
}

size_t instrument_global_count(const struct instrument *in)
{
	return in->n_globals;
}

const char *instrument_global_id(const struct instrument *in, size_t i)
{
	return i < in->n_globals ? in->globals[i].id : NULL;
}

const char *instrument_global_label(const struct instrument *in, size_t i, const char *lang)
{
	return i < in->n_globals ? instr_text(json_object_get(in->globals[i].obj, "label"), lang)
	                         : NULL;
}

double instrument_good_enough(const struct instrument *in)
{
	return in->good_enough;
}

/* ---- Scores and codes ---- */

static int say(char *why, size_t whylen, const char *msg, const char *a, const char *b)
{
	if (why && whylen)
		snprintf(why, whylen, msg, a, b);
	return 0;
}

int instrument_score_ok(const struct instrument *in, const char *item_id, const char *facet,
                        double value, char *why, size_t whylen)
{
	const struct instr_range *r;
	char desc[128];
	int i, f;

	if (!item_id || !facet)
		return say(why, whylen, "no such item", NULL, NULL);
	if (!strcmp(item_id, "global")) {
		i = instr_global_find(in, facet);
		if (i < 0)
			return say(why, whylen, "no such global rating", NULL, NULL);
		r = &in->globals[i].range;
	} else {
		i = instr_item_find(in, item_id);
		if (i < 0)
			return say(why, whylen, "no such item", NULL, NULL);
		f = instr_lookup(instr_facet_name, INSTR_FACET__MAX, facet);
		if (f < 0)
			return say(why, whylen, "no such facet", NULL, NULL);
		if (!(in->items[i].facets & (1u << f)))
			return say(why, whylen, "item %s is not rated for %s", in->items[i].id,
			           instr_facet_name[f]);
		r = &in->items[i].range;
	}
	if (!instr_on_scale(value, r)) {
		instr_scale_desc(r, desc, sizeof(desc));
		return say(why, whylen, "must be %s", desc, NULL);
	}
	return 1;
}

int instrument_code_ok(const struct instrument *in, const char *code)
{
	return instr_code_find(in, code) >= 0;
}

const char *instrument_code_item(const struct instrument *in, const char *code)
{
	int c = instr_code_find(in, code);

	return c >= 0 && in->codes[c].item >= 0 ? in->items[in->codes[c].item].id : NULL;
}

const char *instrument_code_class(const struct instrument *in, const char *code)
{
	int c = instr_code_find(in, code);

	return c >= 0 ? instr_class_name[in->codes[c].cls] : NULL;
}

json_t *instrument_missing(const struct instrument *in, const json_t *scores)
{
	const json_t *row, *facets, *globals = json_object_get(scores, "global");
	json_t *out = json_array();
	char name[128];
	size_t i, k;

	for (i = 0; i < in->n_items; i++) {
		if (!in->items[i].required)
			continue;
		row = json_object_get(scores, in->items[i].id);
		facets = json_object_get(in->items[i].obj, "facets");
		for (k = 0; k < json_array_size(facets); k++) {
			const char *f = json_string_value(json_array_get(facets, k));
			if (json_is_number(json_object_get(row, f)))
				continue;
			snprintf(name, sizeof(name), "%s.%s", in->items[i].id, f);
			json_array_append_new(out, json_string(name));
		}
	}
	for (i = 0; i < in->n_globals; i++) {
		if (!in->globals[i].required ||
		    json_is_number(json_object_get(globals, in->globals[i].id)))
			continue;
		snprintf(name, sizeof(name), "global.%s", in->globals[i].id);
		json_array_append_new(out, json_string(name));
	}
	return out;
}

/* ---- The rating form's view ---- */

static void set_text(json_t *out, const char *key, const json_t *texts, const char *lang)
{
	if (texts)
		json_object_set_new(out, key, json_string(instr_text(texts, lang)));
}

static json_t *range_json(const struct instr_range *r)
{
	return json_pack("{s:f, s:f, s:f}", "min", r->min, "max", r->max, "step", r->step);
}

/* [{"value": v, "<textkey>": text in lang}] from an array of {"value", srckey} objects. */
static json_t *points_json(const json_t *points, const char *srckey, const char *textkey,
                           const char *lang)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < json_array_size(points); i++) {
		const json_t *p = json_array_get(points, i);
		json_array_append_new(out, json_pack("{s:f, s:s}", "value",
		                                     json_number_value(json_object_get(p, "value")),
		                                     textkey,
		                                     instr_text(json_object_get(p, srckey), lang)));
	}
	return out;
}

static json_t *names_json(unsigned mask, const char *const *names, int n)
{
	json_t *out = json_array();
	int k;

	for (k = 0; k < n; k++)
		if (mask & (1u << k))
			json_array_append_new(out, json_string(names[k]));
	return out;
}

static json_t *item_json(const struct instr_item *it, const char *lang)
{
	json_t *anchors = json_object_get(it->obj, "anchors");
	json_t *o = json_object(), *a, *list;
	const char *key;

	json_object_set_new(o, "id", json_string(it->id));
	set_text(o, "label", json_object_get(it->obj, "label"), lang);
	set_text(o, "description", json_object_get(it->obj, "description"), lang);
	set_text(o, "text", json_object_get(it->obj, "text"), lang);
	json_object_set_new(o, "facets", json_deep_copy(json_object_get(it->obj, "facets")));
	json_object_set_new(o, "range", range_json(&it->range));
	json_object_set_new(o, "required", json_boolean(it->required));
	json_object_set_new(o, "flags", names_json(it->flags, instr_flag_name, INSTR_FLAG__MAX));
	json_object_set_new(o, "points", points_json(it->points, "label", "label", lang));
	if (anchors) {
		a = json_object();
		json_object_foreach(anchors, key, list)
		    json_object_set_new(a, key, points_json(list, "text", "text", lang));
		json_object_set_new(o, "anchors", a);
	}
	return o;
}

static json_t *global_json(const struct instr_global *g, const char *lang)
{
	const json_t *anchors = json_object_get(g->obj, "anchors");
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(g->id));
	set_text(o, "label", json_object_get(g->obj, "label"), lang);
	set_text(o, "description", json_object_get(g->obj, "description"), lang);
	json_object_set_new(o, "range", range_json(&g->range));
	json_object_set_new(o, "required", json_boolean(g->required));
	json_object_set_new(o, "flags", names_json(g->flags, instr_flag_name, INSTR_FLAG__MAX));
	json_object_set_new(o, "points", points_json(g->points, "label", "label", lang));
	if (anchors)
		json_object_set_new(o, "anchors", points_json(anchors, "text", "text", lang));
	return o;
}

static json_t *derived_json(const struct instr_derived *d, const char *lang)
{
	json_t *o = json_object(), *bands;
	size_t k;

	json_object_set_new(o, "id", json_string(d->id));
	set_text(o, "label", json_object_get(d->obj, "label"), lang);
	set_text(o, "description", json_object_get(d->obj, "description"), lang);
	json_object_set_new(o, "op", json_string(instr_op_name[d->op]));
	if (d->n_bands) {
		bands = json_array();
		for (k = 0; k < d->n_bands; k++) {
			const struct instr_band *b = &d->bands[k];
			json_t *bo = json_object();
			json_object_set_new(bo, "name", json_string(b->name));
			set_text(bo, "label", json_object_get(b->obj, "label"), lang);
			json_object_set_new(bo, "from",
			                    b->has_from ? json_real(b->from) : json_null());
			json_array_append_new(bands, bo);
		}
		json_object_set_new(o, "bands", bands);
	}
	return o;
}

json_t *instrument_summary(const struct instrument *in, const char *lang)
{
	json_t *o = json_object(), *arr;
	const char *s;
	size_t i;

	json_object_set_new(o, "code", json_string(in->code));
	json_object_set_new(o, "version", json_string(in->version));
	json_object_set_new(o, "kind", json_string(in->kind));
	set_text(o, "name", json_object_get(in->def, "name"), lang);
	set_text(o, "description", json_object_get(in->def, "description"), lang);
	if ((s = json_string_value(json_object_get(in->def, "source"))))
		json_object_set_new(o, "source", json_string(s));
	if ((s = json_string_value(json_object_get(in->def, "licence"))))
		json_object_set_new(o, "licence", json_string(s));
	json_object_set_new(o, "good_enough",
	                    isnan(in->good_enough) ? json_null() : json_real(in->good_enough));
	if (in->scoring) {
		json_object_set_new(o, "rater", json_string(in->rater));
		json_object_set_new(o, "languages",
		                    json_deep_copy(json_object_get(in->def, "languages")));
		if (!json_object_get(o, "languages"))
			json_object_set_new(o, "languages", json_array());
		json_object_set_new(o, "scoring", instr_scoring_summary(in, lang));
	}
	arr = json_array();
	for (i = 0; i < in->n_items; i++)
		json_array_append_new(arr, item_json(&in->items[i], lang));
	json_object_set_new(o, "items", arr);
	arr = json_array();
	for (i = 0; i < in->n_globals; i++)
		json_array_append_new(arr, global_json(&in->globals[i], lang));
	json_object_set_new(o, "globals", arr);
	arr = json_array();
	for (i = 0; i < in->n_codes; i++) {
		const struct instr_code *c = &in->codes[i];
		const json_t *label = json_object_get(c->obj, "label");
		if (!label && c->item >= 0)
			label = json_object_get(in->items[c->item].obj, "label");
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:o, s:s}", "code", c->code, "class",
		                   instr_class_name[c->cls], "item",
		                   c->item >= 0 ? json_string(in->items[c->item].id) : json_null(),
		                   "label", instr_text(label, lang)));
	}
	json_object_set_new(o, "codes", arr);
	arr = json_array();
	for (i = 0; i < in->n_derived; i++)
		json_array_append_new(arr, derived_json(&in->derived[i], lang));
	json_object_set_new(o, "derived", arr);
	return o;
}
