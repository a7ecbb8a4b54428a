/* Validation of an instrument definition against every rule of the schema in
 * docs/instruments.md, reported as the path of the first error and a message. */
#include "core/instrument.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/instrument_int.h"
#include "core/validate.h"
#include "util/banned.h"

#define ID_MAX 32
#define CODE_MAX 40
#define SOURCE_MAX 1000
#define NUMBER_ABS_MAX 1e6
#define STEPS_MAX 1e6
#define RANGES_MAX 50
#define CONDS_MAX 10

static const char LOWER[] = "abcdefghijklmnopqrstuvwxyz";
static const char *const langs[] = {"nb", "da", "en"};

struct vctx {
	char *err;
	size_t errlen;
	char path[384];
	size_t plen;
	const json_t *def, *ranges, *items, *globals, *codes, *derived;
	double good_enough; /* the first range's, NAN until one declares it */
	char good_enough_at[384];
	int client;     /* rater client: a questionnaire the client answers */
	unsigned langs; /* bit per language of "languages" (nb 1, da 2, en 4) */
};

/* ---- Paths and errors ---- */

/* Appends s (at most max bytes) to the path; anything but printable ASCII shows as '?' so a
 * hostile key cannot put control characters into a message. */
static void path_append(struct vctx *v, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max && v->plen + 1 < sizeof(v->path); i++) {
		unsigned char c = (unsigned char)s[i];
		v->path[v->plen++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	v->path[v->plen] = '\0';
}

static size_t push_key(struct vctx *v, const char *key)
{
	size_t old = v->plen;

	if (v->plen)
		path_append(v, ".", 1);
	path_append(v, key, 64);
	return old;
}

static size_t push_index(struct vctx *v, size_t i)
{
	size_t old = v->plen;
	char b[32];

	snprintf(b, sizeof(b), "[%zu]", i);
	path_append(v, b, sizeof(b));
	return old;
}

static void pop(struct vctx *v, size_t old)
{
	v->plen = old;
	v->path[old] = '\0';
}

static int vfail(struct vctx *v, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (v->err && v->errlen)
		snprintf(v->err, v->errlen, "%s: %s", v->plen ? v->path : "definition", msg);
	return -1;
}

/* Reports an error at the current path. Always returns -1. */
static int fail(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vctx *v, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(v, fmt, ap);
	va_end(ap);
	return rc;
}

/* Reports an error at key of the current object. Always returns -1. */
static int fail_at(struct vctx *v, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(struct vctx *v, const char *key, const char *fmt, ...)
{
	va_list ap;
	int rc;

	push_key(v, key);
	va_start(ap, fmt);
	rc = vfail(v, fmt, ap);
	va_end(ap);
	return rc;
}

/* A user-supplied string made safe and short for a message. */
static const char *clean(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < len && i < 40; i++)
		buf[i] = ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* ---- Field readers: each checks one key of the object at the current path ---- */

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* Refuses keys of obj that are not in allowed (a NULL-terminated list). */
static int check_keys(struct vctx *v, const json_t *obj, const char *const *allowed)
{
	/* json_object_foreach wants a mutable object; this walk only reads. */
	json_t *o = (json_t *)(uintptr_t)obj, *val;
	const char *key;

	json_object_foreach(o, key, val)
	{
		if (!in_list(key, allowed))
			return fail_at(v, key, "unknown key");
	}
	return 0;
}

/* s is non-empty, at most max bytes, its first character in first and the rest in rest. */
static int pattern_ok(const char *s, const char *first, const char *rest, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max || !strchr(first, s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!strchr(rest, s[i]))
			return 0;
	return 1;
}

static int name_ok(const char *s)
{
	return pattern_ok(s, LOWER, "abcdefghijklmnopqrstuvwxyz0123456789_", ID_MAX);
}

#define NAME_RULE "must match [a-z][a-z0-9_]* (at most 32 characters)"

static int id_ok(const char *s)
{
	return pattern_ok(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-",
	                  "abcdefghijklmnopqrstuvwxyz0123456789_.-", ID_MAX);
}

#define ID_RULE "must match [a-z0-9_.-]+ (at most 32 characters)"

static int get_string(struct vctx *v, const json_t *obj, const char *key, int required, size_t max,
                      int newlines, const char **out)
{
	const json_t *j = json_object_get(obj, key);
	const char *s, *msg;

	*out = NULL;
	if (!j)
		return required ? fail_at(v, key, "is required") : 0;
	if (!json_is_string(j))
		return fail_at(v, key, "must be a string");
	s = json_string_value(j);
	if (json_string_length(j) == 0)
		return fail_at(v, key, "must not be empty");
	if (json_string_length(j) != strlen(s))
		return fail_at(v, key, "must not contain NUL characters");
	if (json_string_length(j) > max)
		return fail_at(v, key, "must be at most %zu bytes", max);
	if ((msg = validate_text(s, max, newlines)))
		return fail_at(v, key, "%s", msg);
	*out = s;
	return 0;
}

static int get_number(struct vctx *v, const json_t *obj, const char *key, int required, double *out,
                      int *present)
{
	const json_t *j = json_object_get(obj, key);

	*present = j != NULL;
	if (!j)
		return required ? fail_at(v, key, "is required") : 0;
	if (!json_is_number(j))
		return fail_at(v, key, "must be a number");
	*out = json_number_value(j);
	if (!(fabs(*out) <= NUMBER_ABS_MAX))
		return fail_at(v, key, "must be from -1000000 to 1000000");
	return 0;
}

static int get_bool(struct vctx *v, const json_t *obj, const char *key)
{
	const json_t *j = json_object_get(obj, key);

	if (j && !json_is_boolean(j))
		return fail_at(v, key, "must be true or false");
	return 0;
}

/* An array with min..max entries; *out is NULL when it is absent (and not required). */
static int get_array(struct vctx *v, const json_t *obj, const char *key, int required, size_t min,
                     size_t max, const json_t **out)
{
	const json_t *j = json_object_get(obj, key);

	*out = NULL;
	if (!j)
		return required ? fail_at(v, key, "is required") : 0;
	if (!json_is_array(j))
		return fail_at(v, key, "must be an array");
	if (json_array_size(j) < min)
		return min == 1 ? fail_at(v, key, "must not be empty")
		                : fail_at(v, key, "must have at least %zu entries", min);
	if (json_array_size(j) > max)
		return fail_at(v, key, "must have at most %zu entries", max);
	*out = j;
	return 0;
}

/* Texts by language: a label needs all of nb, da, en (one line each); other texts need at
 * least one of them and may span lines. */
static int check_texts(struct vctx *v, const json_t *obj, const char *key, int required, int label)
{
	const json_t *t = json_object_get(obj, key);
	json_t *val;
	const char *lang, *s;
	size_t old, i;

	if (!t)
		return required ? fail_at(v, key, "is required") : 0;
	old = push_key(v, key);
	if (!json_is_object(t))
		return fail(v, label ? "must be an object with nb, da and en texts"
		                     : "must be an object of texts by language (nb, da, en)");
	json_object_foreach((json_t *)(uintptr_t)t, lang, val)
	{
		if (instr_lookup(langs, 3, lang) < 0)
			return fail_at(v, lang, "unknown language (use nb, da, en)");
	}
	for (i = 0; i < 3; i++) {
		if (!json_object_get(t, langs[i]) && label)
			return fail_at(v, langs[i], "is required");
		if (get_string(v, t, langs[i], 0,
		               label ? INSTRUMENT_LABEL_MAX : INSTRUMENT_TEXT_MAX, !label, &s))
			return -1;
	}
	if (json_object_size(t) == 0)
		return fail(v, "must have a text in at least one of nb, da, en");
	pop(v, old);
	return 0;
}

/* The questionnaire's own wording (an item's text, the instructions, a range's answers) must
 * exist in every language that "languages" lists. */
static int check_wording(struct vctx *v, const json_t *obj, const char *key)
{
	const json_t *t = json_object_get(obj, key);
	size_t i, old;

	for (i = 0; i < 3; i++) {
		if (!(v->langs & (1u << i)) || json_object_get(t, langs[i]))
			continue;
		if (!t)
			return fail_at(v, key, "is required (languages lists %s)", langs[i]);
		old = push_key(v, key);
		fail_at(v, langs[i], "is required (languages lists %s)", langs[i]);
		pop(v, old);
		return -1;
	}
	return 0;
}

/* ---- Ranges, points and anchors ---- */

static int check_good_enough(struct vctx *v, const json_t *o, const struct instr_range *r)
{
	double g;
	int present;
	char desc[128];

	if (get_number(v, o, "good_enough", 0, &g, &present))
		return -1;
	if (!present)
		return 0;
	if (!instr_on_scale(g, r)) {
		instr_scale_desc(r, desc, sizeof(desc));
		return fail_at(v, "good_enough", "must be %s", desc);
	}
	if (isnan(v->good_enough)) {
		v->good_enough = g;
		snprintf(v->good_enough_at, sizeof(v->good_enough_at), "%s", v->path);
	} else if (g != v->good_enough) {
		return fail_at(v, "good_enough", "must be the same as %s.good_enough (%.10g)",
		               v->good_enough_at, v->good_enough);
	}
	return 0;
}

/* A list of {"value", textkey} on scale r with ascending values: a range's point labels
 * (label: nb, da, en) or an item's anchor texts (text: any of them). */
static int check_points(struct vctx *v, const json_t *arr, const struct instr_range *r,
                        const char *textkey)
{
	static const char *const point_keys[] = {"value", "label", NULL};
	static const char *const anchor_keys[] = {"value", "text", NULL};
	int label = !strcmp(textkey, "label"), present;
	double x, prev = -INFINITY;
	char desc[128];
	size_t i, old;

	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *p = json_array_get(arr, i);
		old = push_index(v, i);
		if (!json_is_object(p))
			return fail(v, "must be an object with value and %s", textkey);
		if (check_keys(v, p, label ? point_keys : anchor_keys) ||
		    get_number(v, p, "value", 1, &x, &present))
			return -1;
		if (!instr_on_scale(x, r)) {
			instr_scale_desc(r, desc, sizeof(desc));
			return fail_at(v, "value", "must be %s", desc);
		}
		if (x <= prev)
			return fail_at(v, "value", "must be greater than the previous value");
		prev = x;
		if (check_texts(v, p, textkey, 1, label))
			return -1;
		pop(v, old);
	}
	return 0;
}

/* A range's answers: the response options as the questionnaire prints them, one per point of
 * the scale, each with its text in every language of "languages". */
static int check_answers(struct vctx *v, const json_t *answers, const struct instr_range *r,
                         double points)
{
	size_t i, old = push_key(v, "answers");

	if (check_points(v, answers, r, "text"))
		return -1;
	for (i = 0; i < json_array_size(answers); i++) {
		size_t o2 = push_index(v, i);
		if (check_wording(v, json_array_get(answers, i), "text"))
			return -1;
		pop(v, o2);
	}
	if ((double)json_array_size(answers) != points)
		return fail(v, "must give every point of the scale (%.0f points)", points);
	pop(v, old);
	return 0;
}

/* A range object at the current path; stores what it says in r. */
static int check_range(struct vctx *v, const json_t *o, struct instr_range *r)
{
	static const char *const keys[] = {"min",    "max",     "step", "good_enough",
	                                   "points", "answers", NULL};
	const json_t *points, *answers;
	double steps;
	int present;
	size_t old;

	if (!json_is_object(o))
		return fail(v, "must be an object with min and max");
	if (check_keys(v, o, keys) || get_number(v, o, "min", 1, &r->min, &present) ||
	    get_number(v, o, "max", 1, &r->max, &present))
		return -1;
	if (r->max <= r->min)
		return fail_at(v, "max", "must be greater than min");
	if (get_number(v, o, "step", 0, &r->step, &present))
		return -1;
	if (!present)
		r->step = 1;
	if (r->step <= 0)
		return fail_at(v, "step", "must be greater than 0");
	steps = (r->max - r->min) / r->step;
	if (steps > STEPS_MAX)
		return fail_at(v, "step", "makes more than 1000000 scale points");
	if (fabs(steps - nearbyint(steps)) > 1e-9 * fmax(1, steps))
		return fail_at(v, "step", "must divide max - min into whole steps");
	if (check_good_enough(v, o, r) ||
	    get_array(v, o, "points", 0, 1, INSTRUMENT_MAX_POINTS, &points))
		return -1;
	if (points) {
		old = push_key(v, "points");
		if (check_points(v, points, r, "label"))
			return -1;
		pop(v, old);
	}
	if (json_object_get(o, "answers") && !v->client)
		return fail_at(v, "answers", "only a client-rated measure's ranges have answers");
	if (get_array(v, o, "answers", 0, 1, INSTRUMENT_MAX_POINTS, &answers))
		return -1;
	if (answers)
		return check_answers(v, answers, r, nearbyint(steps) + 1);
	return 0;
}

/* The "range" of an item or global: the name of one in ranges, or a range of its own. */
static int check_owner_range(struct vctx *v, const json_t *owner, struct instr_range *r)
{
	const json_t *j = json_object_get(owner, "range");
	char b[48];
	size_t old;

	if (!j)
		return fail_at(v, "range", "is required");
	if (json_is_string(j)) {
		const json_t *named = json_object_get(v->ranges, json_string_value(j));
		if (!named)
			return fail_at(v, "range", "no range named '%s' in ranges",
			               clean(json_string_value(j), b, sizeof(b)));
		instr_range_read(named, r);
		return 0;
	}
	if (!json_is_object(j))
		return fail_at(v, "range", "must be a range object or the name of one in ranges");
	old = push_key(v, "range");
	if (check_range(v, j, r))
		return -1;
	pop(v, old);
	return 0;
}

static int check_ranges(struct vctx *v)
{
	json_t *val;
	const char *key;
	struct instr_range r;
	size_t old;

	if (!v->ranges)
		return 0;
	if (!json_is_object(v->ranges))
		return fail_at(v, "ranges", "must be an object of named ranges");
	if (json_object_size(v->ranges) > RANGES_MAX)
		return fail_at(v, "ranges", "must have at most %d ranges", RANGES_MAX);
	json_object_foreach((json_t *)(uintptr_t)v->ranges, key, val)
	{
		old = push_key(v, "ranges");
		if (!name_ok(key))
			return fail_at(v, key, "range names " NAME_RULE);
		push_key(v, key);
		if (check_range(v, val, &r))
			return -1;
		pop(v, old);
	}
	return 0;
}

/* ---- Items and globals ---- */

/* Refuses the id (at key) of entry i of the top-level array name when an earlier entry has it. */
static int dup_id(struct vctx *v, const json_t *arr, const char *name, size_t i, const char *key,
                  const char *id)
{
	size_t j;
	char b[48];

	for (j = 0; j < i; j++)
		if (!strcmp(id, json_string_value(json_object_get(json_array_get(arr, j), key))))
			return fail_at(v, key, "'%s' is already the %s of %s[%zu]",
			               clean(id, b, sizeof(b)), key, name, j);
	return 0;
}

static int check_facets(struct vctx *v, const json_t *o, unsigned *mask)
{
	const json_t *facets;
	size_t k, old;

	*mask = 0;
	/* At most the four rating facets; response stands alone. */
	if (get_array(v, o, "facets", 1, 1, 4, &facets))
		return -1;
	for (k = 0; k < json_array_size(facets); k++) {
		const char *s = json_string_value(json_array_get(facets, k));
		int f = instr_lookup(instr_facet_name, INSTR_FACET__MAX, s);
		old = push_key(v, "facets");
		push_index(v, k);
		if (v->client && f != INSTR_RESPONSE)
			return fail(v,
			            "a client-rated measure's items are rated for response only");
		if (!v->client && f == INSTR_RESPONSE)
			return fail(v, "response is for client-rated measures (rater client)");
		if (f < 0)
			return fail(v, "must be one of adherence, quality, competence, count");
		if (*mask & (1u << f))
			return fail(v, "%s is listed twice", s);
		*mask |= 1u << f;
		pop(v, old);
	}
	if ((*mask & (1u << INSTR_COUNT)) && *mask != (1u << INSTR_COUNT))
		return fail_at(v, "facets", "count cannot be combined with other facets");
	return 0;
}

static int check_flags(struct vctx *v, const json_t *o, unsigned facets, int global)
{
	const json_t *flags;
	unsigned seen = 0;
	size_t k, old;

	if (get_array(v, o, "flags", 0, 0, INSTR_FLAG__MAX, &flags))
		return -1;
	for (k = 0; k < json_array_size(flags); k++) {
		const char *s = json_string_value(json_array_get(flags, k));
		int f = instr_lookup(instr_flag_name, INSTR_FLAG__MAX, s);
		old = push_key(v, "flags");
		push_index(v, k);
		if (global && f != INSTR_UNVERIFIED)
			return fail(v, "must be unverified (the only flag of a global rating)");
		if (f < 0)
			return fail(v, "must be one of not_rated_for_adherence, whole_session, "
			               "unverified, reversed");
		if (seen & (1u << f))
			return fail(v, "%s is listed twice", s);
		seen |= 1u << f;
		if (f == INSTR_NOT_RATED_FOR_ADHERENCE && (facets & (1u << INSTR_ADHERENCE)))
			return fail(v, "the item is rated for adherence (see facets)");
		if (f == INSTR_REVERSED && (facets & (1u << INSTR_COUNT)))
			return fail(v, "a count cannot be reversed");
		pop(v, old);
	}
	return 0;
}

/* Licensed anchor texts: {"<facet>": [{"value", "text"}]}. */
static int check_item_anchors(struct vctx *v, const json_t *o, const char *id, unsigned facets,
                              const struct instr_range *r)
{
	const json_t *anchors = json_object_get(o, "anchors");
	json_t *list;
	const char *facet;
	size_t old;
	char b[48];
	int f;

	if (!anchors)
		return 0;
	if (!json_is_object(anchors))
		return fail_at(v, "anchors", "must be an object of anchor lists by facet");
	json_object_foreach((json_t *)(uintptr_t)anchors, facet, list)
	{
		old = push_key(v, "anchors");
		f = instr_lookup(instr_facet_name, INSTR_FACET__MAX, facet);
		if (f < 0)
			return fail_at(v, facet,
			               "unknown facet (use adherence, quality, competence, count)");
		if (!(facets & (1u << f)))
			return fail_at(v, facet, "item %s is not rated for %s",
			               clean(id, b, sizeof(b)), facet);
		push_key(v, facet);
		if (!json_is_array(list) || json_array_size(list) == 0 ||
		    json_array_size(list) > INSTRUMENT_MAX_POINTS)
			return fail(v, "must be a list of 1 to %d anchors", INSTRUMENT_MAX_POINTS);
		if (check_points(v, list, r, "text"))
			return -1;
		pop(v, old);
	}
	return 0;
}

static int check_item(struct vctx *v, size_t i)
{
	static const char *const keys[] = {"id",       "label", "description", "facets", "range",
	                                   "required", "flags", "anchors",     "text",   NULL};
	const json_t *o = json_array_get(v->items, i);
	struct instr_range r;
	const char *id;
	unsigned facets;

	if (!json_is_object(o))
		return fail(v, "must be an object");
	if (check_keys(v, o, keys) || get_string(v, o, "id", 1, ID_MAX, 0, &id))
		return -1;
	if (!id_ok(id))
		return fail_at(v, "id", ID_RULE);
	if (!strcmp(id, "global"))
		return fail_at(v, "id", "'global' is kept for the global ratings");
	if (dup_id(v, v->items, "items", i, "id", id) || check_texts(v, o, "label", 1, 1) ||
	    check_texts(v, o, "description", 0, 0) || check_facets(v, o, &facets) ||
	    check_owner_range(v, o, &r) || get_bool(v, o, "required") ||
	    check_flags(v, o, facets, 0) || check_item_anchors(v, o, id, facets, &r))
		return -1;
	if (json_object_get(o, "text") && !v->client)
		return fail_at(v, "text", "only a client-rated measure's items have text");
	if (check_texts(v, o, "text", 0, 0) || check_wording(v, o, "text"))
		return -1;
	return 0;
}

static int check_global(struct vctx *v, size_t i)
{
	static const char *const keys[] = {"id",       "label", "description", "range",
	                                   "required", "flags", "anchors",     NULL};
	const json_t *o = json_array_get(v->globals, i), *anchors;
	struct instr_range r;
	const char *id;
	size_t old;

	if (!json_is_object(o))
		return fail(v, "must be an object");
	if (check_keys(v, o, keys) || get_string(v, o, "id", 1, ID_MAX, 0, &id))
		return -1;
	if (!name_ok(id))
		return fail_at(v, "id", NAME_RULE);
	if (dup_id(v, v->globals, "globals", i, "id", id) || check_texts(v, o, "label", 1, 1) ||
	    check_texts(v, o, "description", 0, 0) || check_owner_range(v, o, &r) ||
	    get_bool(v, o, "required") || check_flags(v, o, 0, 1) ||
	    get_array(v, o, "anchors", 0, 1, INSTRUMENT_MAX_POINTS, &anchors))
		return -1;
	if (anchors) {
		old = push_key(v, "anchors");
		if (check_points(v, anchors, &r, "text"))
			return -1;
		pop(v, old);
	}
	return 0;
}

/* ---- Codes ---- */

static const json_t *find_by(const json_t *arr, const char *key, const char *id)
{
	size_t i;

	for (i = 0; id && i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_object_get(json_array_get(arr, i), key));
		if (s && !strcmp(s, id))
			return json_array_get(arr, i);
	}
	return NULL;
}

static int check_code(struct vctx *v, size_t i)
{
	static const char *const keys[] = {"code", "item", "class", "label", NULL};
	const json_t *o = json_array_get(v->codes, i);
	const char *code, *cls_s, *item;
	int cls = INSTR_CLASS_ITEM;
	char b[48];

	if (!json_is_object(o))
		return fail(v, "must be an object");
	if (check_keys(v, o, keys) || get_string(v, o, "code", 1, ID_MAX, 0, &code))
		return -1;
	if (!id_ok(code))
		return fail_at(v, "code", ID_RULE);
	if (dup_id(v, v->codes, "codes", i, "code", code) ||
	    get_string(v, o, "class", 0, ID_MAX, 0, &cls_s))
		return -1;
	if (cls_s) {
		cls = instr_lookup(instr_class_name, INSTR_CLASS__MAX, cls_s);
		if (cls < 0)
			return fail_at(v, "class",
			               "must be one of item, outside_manual, not_classifiable");
	}
	if (get_string(v, o, "item", 0, ID_MAX, 0, &item))
		return -1;
	if (cls == INSTR_CLASS_ITEM) {
		if (!item)
			return fail_at(
			    v, "item",
			    "is required unless class is outside_manual or not_classifiable");
		if (!find_by(v->items, "id", item))
			return fail_at(v, "item", "no item '%s'", clean(item, b, sizeof(b)));
	} else if (item) {
		return fail_at(v, "item", "not allowed with class %s", cls_s);
	}
	return check_texts(v, o, "label", cls != INSTR_CLASS_ITEM, 1);
}

/* ---- Derived indices ---- */

/* One reference: {item, facet}, {facet}, {global}, {index} or {code}. single: a {facet}
 * reference (which stands for several values) is not allowed. */
static int check_ref(struct vctx *v, const json_t *ref, int single)
{
	static const char *const keys[] = {"item", "facet", "global", "index", "code", NULL};
	const json_t *item_o, *facet_o, *global_o, *index_o, *code_o, *found;
	const char *s;
	char b[48];
	size_t i;
	int f, n, has = 0;

	if (!json_is_object(ref))
		return fail(v, "must be an object like {\"item\": \"1\", \"facet\": \"quality\"}");
	if (check_keys(v, ref, keys))
		return -1;
	item_o = json_object_get(ref, "item");
	facet_o = json_object_get(ref, "facet");
	global_o = json_object_get(ref, "global");
	index_o = json_object_get(ref, "index");
	code_o = json_object_get(ref, "code");
	n = !!item_o + !!global_o + !!index_o + !!code_o;
	if (n > 1 || (n == 1 && facet_o && !item_o) || (n == 0 && !facet_o))
		return fail(v, "must be one of {item, facet}, {facet}, {global}, {index}, {code}");
	if (item_o && !facet_o)
		return fail_at(v, "facet", "is required with item");
	if (facet_o) {
		if (!json_is_string(facet_o))
			return fail_at(v, "facet", "must be a string");
		f = instr_lookup(instr_facet_name, INSTR_FACET__MAX, json_string_value(facet_o));
		if (f < 0)
			return fail_at(v, "facet",
			               "must be one of adherence, quality, competence, count");
		if (item_o) {
			if (!json_is_string(item_o))
				return fail_at(v, "item", "must be a string");
			found = find_by(v->items, "id", json_string_value(item_o));
			if (!found)
				return fail_at(v, "item", "no item '%s'",
				               clean(json_string_value(item_o), b, sizeof(b)));
			for (i = 0; i < json_array_size(json_object_get(found, "facets")); i++)
				if (!strcmp(json_string_value(json_array_get(
				                json_object_get(found, "facets"), i)),
				            instr_facet_name[f]))
					has = 1;
			if (!has)
				return fail_at(v, "facet", "item %s is not rated for %s",
				               clean(json_string_value(item_o), b, sizeof(b)),
				               instr_facet_name[f]);
			return 0;
		}
		if (single)
			return fail_at(v, "facet",
			               "one value is needed here: give an item with the facet");
		for (i = 0; i < json_array_size(v->items); i++) {
			const json_t *fs = json_object_get(json_array_get(v->items, i), "facets");
			size_t k;
			for (k = 0; k < json_array_size(fs); k++)
				if (!strcmp(json_string_value(json_array_get(fs, k)),
				            instr_facet_name[f]))
					has = 1;
		}
		if (!has)
			return fail_at(v, "facet", "no item is rated for %s", instr_facet_name[f]);
		return 0;
	}
	if (global_o) {
		if (!json_is_string(global_o))
			return fail_at(v, "global", "must be a string");
		s = json_string_value(global_o);
		if (!find_by(v->globals, "id", s))
			return fail_at(v, "global", "no global rating '%s'",
			               clean(s, b, sizeof(b)));
	} else if (index_o) {
		if (!json_is_string(index_o))
			return fail_at(v, "index", "must be a string");
		s = json_string_value(index_o);
		if (!find_by(v->derived, "id", s))
			return fail_at(v, "index", "no derived index '%s'", clean(s, b, sizeof(b)));
	} else {
		if (!json_is_string(code_o))
			return fail_at(v, "code", "must be a string");
		s = json_string_value(code_o);
		if (!find_by(v->codes, "code", s))
			return fail_at(v, "code", "no code '%s'", clean(s, b, sizeof(b)));
	}
	return 0;
}

static int check_refs(struct vctx *v, const json_t *o, const char *key, int single)
{
	const json_t *arr;
	size_t i, old;

	if (get_array(v, o, key, 1, 1, INSTRUMENT_MAX_REFS, &arr))
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		old = push_key(v, key);
		push_index(v, i);
		if (check_ref(v, json_array_get(arr, i), single))
			return -1;
		pop(v, old);
	}
	return 0;
}

static int check_count(struct vctx *v, const json_t *o)
{
	const json_t *codes;
	const char *cls;
	size_t i, old;
	char b[48];

	if (!json_array_size(v->codes))
		return fail_at(v, "op", "count needs codes, and the instrument has none");
	if (get_array(v, o, "codes", 0, 1, INSTRUMENT_MAX_CODES, &codes) ||
	    get_string(v, o, "class", 0, ID_MAX, 0, &cls))
		return -1;
	if (codes && cls)
		return fail_at(v, "class", "give codes or class, not both");
	if (cls && instr_lookup(instr_class_name, INSTR_CLASS__MAX, cls) < 0)
		return fail_at(v, "class", "must be one of item, outside_manual, not_classifiable");
	for (i = 0; i < json_array_size(codes); i++) {
		const json_t *c = json_array_get(codes, i);
		old = push_key(v, "codes");
		push_index(v, i);
		if (!json_is_string(c))
			return fail(v, "must be a string");
		if (!find_by(v->codes, "code", json_string_value(c)))
			return fail(v, "no code '%s'", clean(json_string_value(c), b, sizeof(b)));
		pop(v, old);
	}
	return 0;
}

static int check_derived(struct vctx *v, size_t i)
{
	static const char *const keys[] = {"id",    "label",        "description", "op",
	                                   "of",    "skip_missing", "num",         "den",
	                                   "codes", "class",        NULL};
	static const char *const op_keys[] = {"of", "skip_missing", "num", "den", "codes", "class"};
	/* Which of op_keys each op takes, by bit. */
	static const unsigned takes[INSTR_OP__MAX] = {3, 3, 3, 3, 1, 12, 12, 48};
	const json_t *o = json_array_get(v->derived, i);
	const char *id, *op_s;
	size_t k;
	int op;

	if (!json_is_object(o))
		return fail(v, "must be an object");
	if (check_keys(v, o, keys) || get_string(v, o, "id", 1, ID_MAX, 0, &id))
		return -1;
	if (!name_ok(id))
		return fail_at(v, "id", NAME_RULE);
	if (dup_id(v, v->derived, "derived", i, "id", id) || check_texts(v, o, "label", 1, 1) ||
	    check_texts(v, o, "description", 0, 0) || get_string(v, o, "op", 1, ID_MAX, 0, &op_s))
		return -1;
	op = instr_lookup(instr_op_name, INSTR_OP__MAX, op_s);
	if (op < 0)
		return fail_at(v, "op",
		               "must be one of sum, mean, min, max, difference, ratio, "
		               "percentage, count");
	for (k = 0; k < 6; k++)
		if (json_object_get(o, op_keys[k]) && !(takes[op] & (1u << k)))
			return fail_at(v, op_keys[k], "not used by op %s", op_s);
	switch (op) {
	case INSTR_SUM:
	case INSTR_MEAN:
	case INSTR_MIN:
	case INSTR_MAX:
		return check_refs(v, o, "of", 0) || get_bool(v, o, "skip_missing") ? -1 : 0;
	case INSTR_DIFFERENCE:
		if (check_refs(v, o, "of", 1))
			return -1;
		if (json_array_size(json_object_get(o, "of")) != 2)
			return fail_at(v, "of", "must have exactly 2 entries (first minus second)");
		return 0;
	case INSTR_RATIO:
	case INSTR_PERCENTAGE:
		return check_refs(v, o, "num", 0) || check_refs(v, o, "den", 0) ? -1 : 0;
	default:
		return check_count(v, o);
	}
}

/* Depth-first walk over index references; a reference back to an index still on the walk
 * closes a cycle, reported at that reference. state: 0 new, 1 on the walk, 2 done. */
static int walk_cycles(struct vctx *v, size_t u, unsigned char *state)
{
	static const char *const lists[] = {"of", "num", "den"};
	const json_t *d = json_array_get(v->derived, u);
	size_t l, j;
	char b[48];

	state[u] = 1;
	for (l = 0; l < 3; l++) {
		const json_t *arr = json_object_get(d, lists[l]);
		for (j = 0; j < json_array_size(arr); j++) {
			const char *s =
			    json_string_value(json_object_get(json_array_get(arr, j), "index"));
			size_t t;
			if (!s)
				continue;
			for (t = 0; t < json_array_size(v->derived); t++)
				if (!strcmp(s, json_string_value(json_object_get(
				                   json_array_get(v->derived, t), "id"))))
					break;
			if (t == json_array_size(v->derived))
				continue;
			if (state[t] == 1) {
				v->plen =
				    (size_t)snprintf(v->path, sizeof(v->path),
				                     "derived[%zu].%s[%zu].index", u, lists[l], j);
				return fail(v, "circular reference to '%s'",
				            clean(s, b, sizeof(b)));
			}
			if (state[t] == 0 && walk_cycles(v, t, state))
				return -1;
		}
	}
	state[u] = 2;
	return 0;
}

/* ---- Thresholds ---- */

static int check_conds(struct vctx *v, const json_t *band)
{
	static const char *const keys[] = {"index", "from", NULL};
	const json_t *conds;
	const char *s;
	size_t i, old;
	double from;
	char b[48];
	int present;

	if (get_array(v, band, "and", 0, 1, CONDS_MAX, &conds))
		return -1;
	for (i = 0; i < json_array_size(conds); i++) {
		const json_t *c = json_array_get(conds, i);
		old = push_key(v, "and");
		push_index(v, i);
		if (!json_is_object(c))
			return fail(v, "must be an object with index and from");
		if (check_keys(v, c, keys) || get_string(v, c, "index", 1, ID_MAX, 0, &s))
			return -1;
		if (!find_by(v->derived, "id", s))
			return fail_at(v, "index", "no derived index '%s'", clean(s, b, sizeof(b)));
		if (get_number(v, c, "from", 1, &from, &present))
			return -1;
		pop(v, old);
	}
	return 0;
}

/* Named bands, lowest first, each from a bound above the one before: a threshold's bands
 * (required; may carry conditions in "and") or a score's severity bands (optional, plain). */
static int check_bands(struct vctx *v, const json_t *t, int required, int with_conds)
{
	static const char *const cond_keys[] = {"name", "label", "from", "and", NULL};
	static const char *const plain_keys[] = {"name", "label", "from", NULL};
	const json_t *bands;
	const char *name;
	double from = 0, prev = 0;
	size_t k, j, old;
	char b[48];
	int present, prev_present = 0;

	if (get_array(v, t, "bands", required, 1, INSTRUMENT_MAX_BANDS, &bands))
		return -1;
	for (k = 0; k < json_array_size(bands); k++) {
		const json_t *o = json_array_get(bands, k);
		old = push_key(v, "bands");
		push_index(v, k);
		if (!json_is_object(o))
			return fail(v, "must be an object");
		if (check_keys(v, o, with_conds ? cond_keys : plain_keys) ||
		    get_string(v, o, "name", 1, ID_MAX, 0, &name))
			return -1;
		if (!name_ok(name))
			return fail_at(v, "name", NAME_RULE);
		for (j = 0; j < k; j++)
			if (!strcmp(name, json_string_value(
			                      json_object_get(json_array_get(bands, j), "name"))))
				return fail_at(v, "name", "'%s' is already the name of bands[%zu]",
				               clean(name, b, sizeof(b)), j);
		if (check_texts(v, o, "label", 1, 1))
			return -1;
		if (k > 0 && !json_object_get(o, "from"))
			return fail_at(v, "from",
			               "is required (only the first band may have no lower bound)");
		if (get_number(v, o, "from", 0, &from, &present))
			return -1;
		if (prev_present && from <= prev)
			return fail_at(v, "from", "must be greater than the from of bands[%zu]",
			               k - 1);
		prev = from;
		prev_present = present;
		if (with_conds && check_conds(v, o))
			return -1;
		pop(v, old);
	}
	return 0;
}

static int check_threshold(struct vctx *v, const json_t *arr, size_t i)
{
	static const char *const keys[] = {"index", "bands", NULL};
	const json_t *o = json_array_get(arr, i);
	const char *index;
	size_t j;
	char b[48];

	if (!json_is_object(o))
		return fail(v, "must be an object");
	if (check_keys(v, o, keys) || get_string(v, o, "index", 1, ID_MAX, 0, &index))
		return -1;
	if (!find_by(v->derived, "id", index))
		return fail_at(v, "index", "no derived index '%s'", clean(index, b, sizeof(b)));
	for (j = 0; j < i; j++)
		if (!strcmp(index,
		            json_string_value(json_object_get(json_array_get(arr, j), "index"))))
			return fail_at(v, "index", "'%s' already has bands in thresholds[%zu]",
			               clean(index, b, sizeof(b)), j);
	return check_bands(v, o, 1, 1);
}

/* ---- Client-rated outcome measures ---- */

static int check_languages(struct vctx *v, const json_t *def)
{
	const json_t *arr;
	size_t i, old;
	int l;

	if (json_object_get(def, "languages") && !v->client)
		return fail_at(v, "languages",
		               "only a client-rated measure (rater client) has languages");
	if (get_array(v, def, "languages", 0, 1, 3, &arr))
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		old = push_key(v, "languages");
		push_index(v, i);
		l = instr_lookup(langs, 3, s);
		if (l < 0)
			return fail(v, "must be one of nb, da, en");
		if (v->langs & (1u << l))
			return fail(v, "%s is listed twice", s);
		v->langs |= 1u << l;
		pop(v, old);
	}
	return 0;
}

/* The range of item id (which exists). */
static void item_range(const struct vctx *v, const json_t *item, struct instr_range *r)
{
	instr_range_read(instr_range_obj(v->def, item), r);
}

/* scoring.items: distinct ids of existing items. Stores how many items are scored and the range
 * of the score they give under method. */
static int check_scored_items(struct vctx *v, const json_t *o, int method, size_t *n, double *lo,
                              double *hi)
{
	const json_t *arr, *src;
	struct instr_range r;
	size_t i, j, old;
	char b[48];

	if (get_array(v, o, "items", 0, 1, INSTRUMENT_MAX_ITEMS, &arr))
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *id = json_array_get(arr, i);
		old = push_key(v, "items");
		push_index(v, i);
		if (!json_is_string(id))
			return fail(v, "must be a string");
		if (!find_by(v->items, "id", json_string_value(id)))
			return fail(v, "no item '%s'", clean(json_string_value(id), b, sizeof(b)));
		for (j = 0; j < i; j++)
			if (json_equal(id, json_array_get(arr, j)))
				return fail(v, "'%s' is listed twice",
				            clean(json_string_value(id), b, sizeof(b)));
		pop(v, old);
	}
	src = arr ? arr : v->items;
	*n = json_array_size(src);
	*lo = *hi = 0;
	for (i = 0; i < *n; i++) {
		const json_t *it =
		    arr ? find_by(v->items, "id", json_string_value(json_array_get(arr, i)))
		        : json_array_get(v->items, i);
		item_range(v, it, &r);
		*lo += r.min;
		*hi += r.max;
	}
	if (method != INSTR_METHOD_SUM) {
		*lo = *lo / (double)*n * (method == INSTR_METHOD_MEAN_X10 ? 10 : 1);
		*hi = *hi / (double)*n * (method == INSTR_METHOD_MEAN_X10 ? 10 : 1);
	}
	return 0;
}

/* {"mean", "sd"} of one population in scoring.norms. */
static int check_norm(struct vctx *v, const json_t *norms, const char *key, double *mean)
{
	static const char *const keys[] = {"mean", "sd", NULL};
	const json_t *o = json_object_get(norms, key);
	double sd;
	size_t old;
	int present;

	*mean = NAN;
	if (!o)
		return 0;
	old = push_key(v, key);
	if (!json_is_object(o))
		return fail(v, "must be an object with mean and sd");
	if (check_keys(v, o, keys) || get_number(v, o, "mean", 1, mean, &present) ||
	    get_number(v, o, "sd", 1, &sd, &present))
		return -1;
	if (sd <= 0)
		return fail_at(v, "sd", "must be greater than 0");
	pop(v, old);
	return 0;
}

static int check_norms(struct vctx *v, const json_t *o, int lower_is_better, int *both)
{
	static const char *const keys[] = {"clinical", "functional", NULL};
	const json_t *n = json_object_get(o, "norms");
	double clin, func;
	size_t old;

	*both = 0;
	if (!n)
		return 0;
	old = push_key(v, "norms");
	if (!json_is_object(n))
		return fail(v, "must be an object with clinical and functional norms");
	if (check_keys(v, n, keys) || check_norm(v, n, "clinical", &clin) ||
	    check_norm(v, n, "functional", &func))
		return -1;
	if (!isnan(clin) && !isnan(func)) {
		*both = 1;
		if (lower_is_better ? func >= clin : func <= clin) {
			push_key(v, "functional");
			return fail_at(v, "mean", "must be %s the clinical mean (%s is better)",
			               lower_is_better ? "below" : "above",
			               lower_is_better ? "lower" : "higher");
		}
	}
	pop(v, old);
	return 0;
}

static int check_reliability(struct vctx *v, const json_t *o, double range)
{
	static const char *const keys[] = {"r", "sd", NULL};
	const json_t *rel = json_object_get(o, "reliability");
	double x;
	size_t old;
	int present;

	if (get_number(v, o, "reliable_change", 0, &x, &present))
		return -1;
	if (present && (x <= 0 || x > range))
		return fail_at(v, "reliable_change", "must be greater than 0 and at most %.10g",
		               range);
	if (present && rel)
		return fail_at(v, "reliability", "give reliable_change or reliability, not both");
	if (!present && !rel)
		return fail_at(v, "reliable_change", "is required (or give reliability: r and sd)");
	if (!rel)
		return 0;
	old = push_key(v, "reliability");
	if (!json_is_object(rel))
		return fail(v, "must be an object with r and sd");
	if (check_keys(v, rel, keys) || get_number(v, rel, "r", 1, &x, &present))
		return -1;
	if (!(x >= 0 && x < 1))
		return fail_at(v, "r", "must be at least 0 and below 1");
	if (get_number(v, rel, "sd", 1, &x, &present))
		return -1;
	if (x <= 0)
		return fail_at(v, "sd", "must be greater than 0");
	pop(v, old);
	return 0;
}

/* Answers that the therapist should see at once (PHQ-9 item 9): {"item", "from", "label"}. */
static int check_alerts(struct vctx *v, const json_t *o)
{
	static const char *const keys[] = {"item", "from", "label", NULL};
	const json_t *alerts, *it;
	struct instr_range r;
	const char *id;
	size_t k, old;
	double from;
	char b[48], desc[128];
	int present;

	if (get_array(v, o, "alerts", 0, 1, INSTRUMENT_MAX_ITEMS, &alerts))
		return -1;
	for (k = 0; k < json_array_size(alerts); k++) {
		const json_t *a = json_array_get(alerts, k);
		old = push_key(v, "alerts");
		push_index(v, k);
		if (!json_is_object(a))
			return fail(v, "must be an object with item, from and label");
		if (check_keys(v, a, keys) || get_string(v, a, "item", 1, ID_MAX, 0, &id))
			return -1;
		it = find_by(v->items, "id", id);
		if (!it)
			return fail_at(v, "item", "no item '%s'", clean(id, b, sizeof(b)));
		if (get_number(v, a, "from", 1, &from, &present))
			return -1;
		item_range(v, it, &r);
		if (!instr_on_scale(from, &r)) {
			instr_scale_desc(&r, desc, sizeof(desc));
			return fail_at(v, "from", "must be %s", desc);
		}
		if (check_texts(v, a, "label", 1, 1))
			return -1;
		pop(v, old);
	}
	return 0;
}

/* scoring.unverified: the keys of scoring (or "reversed", the items' reversal) whose values
 * were seen only in secondary sources. */
static int check_unverified(struct vctx *v, const json_t *o, const char *const *keys)
{
	const json_t *arr;
	size_t k, j, old;
	char b[48];

	if (get_array(v, o, "unverified", 0, 1, 20, &arr))
		return -1;
	for (k = 0; k < json_array_size(arr); k++) {
		const json_t *s = json_array_get(arr, k);
		const char *name = json_string_value(s);
		old = push_key(v, "unverified");
		push_index(v, k);
		if (!name || ((!in_list(name, keys) || !strcmp(name, "unverified") ||
		               !strcmp(name, "notes")) &&
		              strcmp(name, "reversed")))
			return fail(v, "must name a key of scoring, or reversed");
		for (j = 0; j < k; j++)
			if (json_equal(s, json_array_get(arr, j)))
				return fail(v, "%s is listed twice", clean(name, b, sizeof(b)));
		pop(v, old);
	}
	return 0;
}

static int check_scoring(struct vctx *v, const json_t *def)
{
	static const char *const keys[] = {"use",       "method", "items",           "max_missing",
	                                   "direction", "cutoff", "reliable_change", "reliability",
	                                   "norms",     "bands",  "alerts",          "unverified",
	                                   "notes",     NULL};
	const json_t *o = json_object_get(def, "scoring"), *mm;
	const char *s;
	double lo = 0, hi = 0, cutoff;
	size_t n = 0, old;
	int method, lower, both, present;

	if (!o)
		return v->client ? fail_at(v, "scoring", "is required for a client-rated measure")
		                 : 0;
	if (!v->client)
		return fail_at(v, "scoring",
		               "only a client-rated measure (rater client) has scoring");
	old = push_key(v, "scoring");
	if (!json_is_object(o))
		return fail(v, "must be an object");
	if (check_keys(v, o, keys) || get_string(v, o, "use", 0, ID_MAX, 0, &s))
		return -1;
	if (s && strcmp(s, "outcome") && strcmp(s, "alliance"))
		return fail_at(v, "use", "must be outcome or alliance");
	if (get_string(v, o, "method", 1, ID_MAX, 0, &s))
		return -1;
	method = instr_lookup(instr_method_name, INSTR_METHOD__MAX, s);
	if (method < 0)
		return fail_at(v, "method", "must be one of sum, mean, mean_x10");
	if (check_scored_items(v, o, method, &n, &lo, &hi))
		return -1;
	mm = json_object_get(o, "max_missing");
	if (mm && (!json_is_integer(mm) || json_integer_value(mm) < 0 ||
	           json_integer_value(mm) >= (json_int_t)n))
		return fail_at(v, "max_missing", "must be a whole number from 0 to %zu", n - 1);
	if (get_string(v, o, "direction", 1, ID_MAX, 0, &s))
		return -1;
	if (strcmp(s, "lower_is_better") && strcmp(s, "higher_is_better"))
		return fail_at(v, "direction", "must be lower_is_better or higher_is_better");
	lower = !strcmp(s, "lower_is_better");
	if (get_number(v, o, "cutoff", 0, &cutoff, &present))
		return -1;
	if (present && (cutoff < lo || cutoff > hi))
		return fail_at(v, "cutoff", "must lie within the score's range (%.10g to %.10g)",
		               lo, hi);
	if (check_reliability(v, o, hi - lo) || check_norms(v, o, lower, &both))
		return -1;
	if (!present && !both)
		return fail_at(v, "cutoff", "is required (or give norms for both populations)");
	if (check_bands(v, o, 0, 0) || check_alerts(v, o) || check_unverified(v, o, keys) ||
	    check_texts(v, o, "notes", 0, 0))
		return -1;
	pop(v, old);
	return 0;
}

/* ---- The whole definition ---- */

/* Runs check(v, i) on every entry of the top-level array key, with the path set. */
static int each(struct vctx *v, const char *key, const json_t *arr,
                int (*check)(struct vctx *, size_t))
{
	size_t i, old;

	for (i = 0; i < json_array_size(arr); i++) {
		old = push_key(v, key);
		push_index(v, i);
		if (check(v, i))
			return -1;
		pop(v, old);
	}
	return 0;
}

static int check_thresholds(struct vctx *v, const json_t *arr)
{
	size_t i, old;

	for (i = 0; i < json_array_size(arr); i++) {
		old = push_key(v, "thresholds");
		push_index(v, i);
		if (check_threshold(v, arr, i))
			return -1;
		pop(v, old);
	}
	return 0;
}

static int check_head(struct vctx *v, const json_t *def)
{
	const json_t *schema = json_object_get(def, "schema");
	const char *s, *kind;

	if (!schema)
		return fail_at(v, "schema", "is required");
	if (!json_is_integer(schema) || json_integer_value(schema) != 1)
		return fail_at(v, "schema", "must be 1 (the schema version this program reads)");
	if (get_string(v, def, "code", 1, CODE_MAX, 0, &s))
		return -1;
	if (!pattern_ok(s, "abcdefghijklmnopqrstuvwxyz0123456789.-",
	                "abcdefghijklmnopqrstuvwxyz0123456789.-", CODE_MAX))
		return fail_at(v, "code", "must match [a-z0-9.-]+ (at most 40 characters)");
	if (get_string(v, def, "version", 1, ID_MAX, 0, &s))
		return -1;
	if (!pattern_ok(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+-",
	                ID_MAX))
		return fail_at(v, "version",
		               "must match [A-Za-z0-9][A-Za-z0-9.+-]* (at most 32 "
		               "characters)");
	if (get_string(v, def, "kind", 1, ID_MAX, 0, &kind))
		return -1;
	if (strcmp(kind, "fidelity") && strcmp(kind, "outcome"))
		return fail_at(v, "kind", "must be fidelity or outcome");
	if (check_texts(v, def, "name", 1, 1) || check_texts(v, def, "description", 0, 0) ||
	    get_string(v, def, "source", 0, SOURCE_MAX, 1, &s) ||
	    get_string(v, def, "licence", 0, SOURCE_MAX, 1, &s) ||
	    get_string(v, def, "rater", 0, ID_MAX, 0, &s))
		return -1;
	if (s && strcmp(s, "lab") && strcmp(s, "client"))
		return fail_at(v, "rater", "must be lab or client");
	v->client = s && !strcmp(s, "client");
	if (v->client && strcmp(kind, "outcome"))
		return fail_at(v, "rater", "a client-rated measure must have kind outcome");
	if (check_languages(v, def))
		return -1;
	if (json_object_get(def, "instructions") && !v->client)
		return fail_at(v, "instructions",
		               "only a client-rated measure (rater client) has instructions");
	return check_texts(v, def, "instructions", 0, 0) || check_wording(v, def, "instructions")
	           ? -1
	           : 0;
}

int instrument_validate(const json_t *def, char *err, size_t errlen)
{
	static const char *const keys[] = {
	    "schema",  "code",    "version",    "kind",         "name",   "description", "source",
	    "licence", "rater",   "languages",  "instructions", "ranges", "items",       "globals",
	    "codes",   "derived", "thresholds", "scoring",      NULL};
	unsigned char state[INSTRUMENT_MAX_DERIVED] = {0};
	const json_t *thresholds;
	struct vctx v;
	size_t i;

	memset(&v, 0, sizeof(v));
	v.err = err;
	v.errlen = errlen;
	v.good_enough = NAN;
	v.def = def;
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(def))
		return fail(&v, "must be a JSON object");
	if (check_keys(&v, def, keys) || check_head(&v, def))
		return -1;
	v.ranges = json_object_get(def, "ranges");
	if (check_ranges(&v) || get_array(&v, def, "items", 1, 1, INSTRUMENT_MAX_ITEMS, &v.items) ||
	    get_array(&v, def, "globals", 0, 0, INSTRUMENT_MAX_GLOBALS, &v.globals) ||
	    get_array(&v, def, "codes", 0, 0, INSTRUMENT_MAX_CODES, &v.codes) ||
	    get_array(&v, def, "derived", 0, 0, INSTRUMENT_MAX_DERIVED, &v.derived) ||
	    get_array(&v, def, "thresholds", 0, 0, INSTRUMENT_MAX_DERIVED, &thresholds))
		return -1;
	if (each(&v, "items", v.items, check_item) ||
	    each(&v, "globals", v.globals, check_global) ||
	    each(&v, "codes", v.codes, check_code) || each(&v, "derived", v.derived, check_derived))
		return -1;
	for (i = 0; i < json_array_size(v.derived); i++)
		if (!state[i] && walk_cycles(&v, i, state))
			return -1;
	return check_thresholds(&v, thresholds) || check_scoring(&v, def) ? -1 : 0;
}
