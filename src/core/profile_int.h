/* What only the profile's own files share (src/core/profile*.c): the working state of one
 * computation and the small helpers every part of it uses. */
#ifndef KV_PROFILE_INT_H
#define KV_PROFILE_INT_H

#include <stddef.h>

#include <jansson.h>

#include "core/profile.h"

/* Comparisons of averaged scores allow this much (relative) for rounding, as bands do. */
#define PROFILE_SLACK 1e-9
/* |support - challenge| from this on tips the balance. */
#define PROFILE_BALANCE_HEAVY 1.0
/* "Clearly above good enough": this many scale points above the line, or more. */
#define PROFILE_STRENGTH_MARGIN 1.0

struct prof {
	const struct profile_input *pi;
	const struct instrument *in;
	const char *lang;
	json_t *summary;     /* instrument_summary(in, lang); owned */
	double good_enough;  /* NAN when the instrument has none */
	json_t *code_counts; /* {"<code>": n} of the coding; NULL when there is no coding; owned */
	size_t total;        /* interventions carrying one of the instrument's codes */
};

/* The instrument's item object from the summary, or NULL. Borrowed from p->summary. */
const json_t *profile_item_def(const struct prof *p, const char *id);
/* 1 when the summary's item or code list (facets, flags) names s. */
int profile_lists(const json_t *def, const char *key, const char *s);

/* The score of an item's facet (or, with item "global", of a global rating) in scores; NAN
 * when absent, not a number or not a point of the instrument's scale. */
double profile_score(const struct prof *p, const json_t *scores, const char *item,
                     const char *facet);
/* How many coded interventions carry a code that stands for the item. */
size_t profile_item_uses(const struct prof *p, const char *item);

/* A number as JSON: null for NAN, an integer when whole, else a real. */
json_t *profile_num(double x);
/* The number in a profile object (j), or NAN when it is null or absent. */
double profile_num_value(const json_t *j);

/* The "counts" object; fills p->code_counts and p->total on the way. */
json_t *profile_counts(struct prof *p);

/* The sample quantile of sorted x[0..n) (n >= 1) at p in [0, 1], R's default type 7:
 * h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). */
double profile_quantile(const double *x, size_t n, double p);

/* Strengths and improvement points (docs/feedback.md) from the profile's "items" array, as
 * two new arrays in the order they matter. */
void profile_findings(const struct prof *p, const json_t *items, json_t **strengths,
                      json_t **improvements);

#endif
