/* Strengths and improvement points of a profile: which items lie clearly above the
 * instrument's "good enough" line, which below it, and which the session needed but the
 * therapist did not use; ordered by how much they matter (docs/feedback.md). */
#include "core/profile_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

struct finding {
	json_t *obj;
	double weight; /* value above the line for a strength, gap below it for an improvement */
	int not_used;
	size_t order; /* the item's place in the instrument */
};

static int differ(double a, double b)
{
	return fabs(a - b) > PROFILE_SLACK * fmax(1, fabs(b));
}

/* Larger weight first; at equal weight an unused item first; then instrument order. */
static int by_weight(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (differ(x->weight, y->weight))
		return x->weight > y->weight ? -1 : 1;
	if (x->not_used != y->not_used)
		return y->not_used - x->not_used;
	return (x->order > y->order) - (x->order < y->order);
}

static json_t *sorted_array(struct finding *f, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	qsort(f, n, sizeof(*f), by_weight);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, f[i].obj);
	return arr;
}

/* The facet that says how well an item was done: quality, or competence on scales that rate
 * one competence per item; NULL for an item with neither (a behaviour count). */
static const char *how_well(const json_t *item)
{
	if (json_object_get(item, "quality"))
		return "quality";
	if (json_object_get(item, "competence"))
		return "competence";
	return NULL;
}

static double value_of(const json_t *item, const char *facet)
{
	return facet ? profile_num_value(json_object_get(json_object_get(item, facet), "value"))
	             : NAN;
}

static json_t *finding_json(const json_t *item, const char *facet, double value, const char *reason)
{
	return json_pack("{s:O, s:O, s:s, s:o, s:s}", "item", json_object_get(item, "id"), "label",
	                 json_object_get(item, "label"), "facet", facet, "value",
	                 profile_num(value), "reason", reason);
}

/* At most one improvement point per item, about how well it was done. Not used: the item is
 * rated for adherence, the session has a coding, none of its interventions carries the item's
 * code, and its quality is below the line. Otherwise: quality below the line. Low adherence
 * alone is no improvement point: many items fit only some sessions, and when the session
 * called for one the raters' low quality score says so. */
static int improvement(const struct prof *p, const json_t *item, struct finding *f)
{
	double ge = p->good_enough;
	const char *well = how_well(item);
	double q = value_of(item, well);

	if (isnan(q) || q >= ge)
		return 0;
	f->not_used = json_object_get(item, "adherence") && p->total > 0 &&
	              json_integer_value(json_object_get(item, "interventions")) == 0;
	f->obj = finding_json(item, well, q, f->not_used ? "not_used" : "below_good_enough");
	json_object_set_new(f->obj, "gap", profile_num(ge - q));
	f->weight = ge - q;
	return 1;
}

void profile_findings(const struct prof *p, const json_t *items, json_t **strengths,
                      json_t **improvements)
{
	size_t n = json_array_size(items), i, ns = 0, ni = 0;
	struct finding *s = xcalloc(n ? n : 1, sizeof(*s));
	struct finding *imp = xcalloc(n ? n : 1, sizeof(*imp));
	double ge = p->good_enough;
	const json_t *item;

	/* Without a good-enough line there is nothing to stand above or below. */
	json_array_foreach(items, i, item)
	{
		const char *id = json_string_value(json_object_get(item, "id"));
		const char *well = how_well(item);
		double q = value_of(item, well);

		/* A reversed item's score reads the other way round; the line does not apply. */
		if (isnan(ge) || profile_lists(profile_item_def(p, id), "flags", "reversed"))
			continue;
		if (!isnan(q) && q >= ge + PROFILE_STRENGTH_MARGIN) {
			s[ns].obj = finding_json(item, well, q, "above_good_enough");
			s[ns].weight = q;
			s[ns].order = i;
			ns++;
		}
		if (improvement(p, item, &imp[ni])) {
			imp[ni].order = i;
			ni++;
		}
	}
	*strengths = sorted_array(s, ns);
	*improvements = sorted_array(imp, ni);
	free(imp);
	free(s);
}
