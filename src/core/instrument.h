/* Rating scales and outcome measures as data: validating an instrument definition (the JSON
 * schema of docs/instruments.md), compiling it, and the questions rating code asks of it. */
#ifndef KV_INSTRUMENT_H
#define KV_INSTRUMENT_H

#include <stddef.h>

#include <jansson.h>

/* Caps that keep a definition small; a file beyond them is refused by validation. */
#define INSTRUMENT_MAX_ITEMS 200
#define INSTRUMENT_MAX_GLOBALS 50
#define INSTRUMENT_MAX_CODES 500
#define INSTRUMENT_MAX_DERIVED 100
#define INSTRUMENT_MAX_BANDS 20
#define INSTRUMENT_MAX_REFS 200
#define INSTRUMENT_MAX_POINTS 1000
#define INSTRUMENT_LABEL_MAX 200
#define INSTRUMENT_TEXT_MAX 4000

/* Compiled, read-only form of a valid definition; safe to share between threads. */
struct instrument;

/* Checks def against every rule of the schema. Returns 0, or -1 with "path: message" for the
 * first error in err, e.g. "items[3].range.max: must be greater than min". Errors are found
 * in a fixed order: within an object, unknown keys first, then the fields in the order the
 * schema lists them; cross-references and cycles after the parts they refer to. */
int instrument_validate(const json_t *def, char *err, size_t errlen);

/* Validates and compiles def (which stays the caller's; a copy is kept). Returns NULL when the
 * definition is invalid. Free with instrument_free(). */
struct instrument *instrument_compile(const json_t *def);
void instrument_free(struct instrument *in);

/* The instrument's own code ("mbt-i-aqs"), version ("1"), kind ("fidelity"|"outcome"), and
 * name in lang ("nb"|"da"|"en"; anything else means "en"). Borrowed from in. */
const char *instrument_code(const struct instrument *in);
const char *instrument_version(const struct instrument *in);
const char *instrument_kind(const struct instrument *in);
const char *instrument_name(const struct instrument *in, const char *lang);

/* Items in their display order. i < instrument_item_count(); the k-th facet name of item i
 * ("adherence", "quality", "competence", "count"), NULL once k is past the last. Borrowed. */
size_t instrument_item_count(const struct instrument *in);
const char *instrument_item_id(const struct instrument *in, size_t i);
/* The index of the item whose id is id, or -1 when in or id is NULL or there is none. */
int instrument_item_index(const struct instrument *in, const char *id);
const char *instrument_item_label(const struct instrument *in, size_t i, const char *lang);
const char *instrument_item_facet(const struct instrument *in, size_t i, size_t k);
/* Global ratings, the same way (scored under "global" in the scores object). */
size_t instrument_global_count(const struct instrument *in);
const char *instrument_global_id(const struct instrument *in, size_t i);
const char *instrument_global_label(const struct instrument *in, size_t i, const char *lang);

/* Is value an acceptable score for facet of item_id? Global ratings are item_id "global" with
 * the global's id as facet. Returns 1, or 0 with a reason in why, e.g. "no such item",
 * "item 1 is not rated for adherence", "must be a whole number from 1 to 7". */
int instrument_score_ok(const struct instrument *in, const char *item_id, const char *facet,
                        double value, char *why, size_t whylen);

/* Intervention (utterance) codes. code_ok: 1 when the instrument has the code, else 0.
 * code_item: the item id the code stands for; NULL for "outside the manual", "not
 * classifiable" and unknown codes. code_class: "item", "outside_manual" or
 * "not_classifiable"; NULL for unknown codes. Strings are borrowed from in. */
int instrument_code_ok(const struct instrument *in, const char *code);
const char *instrument_code_item(const struct instrument *in, const char *code);
const char *instrument_code_class(const struct instrument *in, const char *code);

/* The required scores absent from scores (shape in docs/instruments.md:
 * {"<item id>": {"<facet>": number}, "global": {"<global id>": number}}), as a new array of
 * "<item id>.<facet>" and "global.<global id>" strings in display order; empty when complete.
 * A value that is not a number counts as absent; scores may be NULL. The caller owns it. */
json_t *instrument_missing(const struct instrument *in, const json_t *scores);

/* Every derived index as a new object {"<index>": {"value": number|null, "band": name|null}}.
 * scores as above; code_counts is {"<code>": whole number >= 0} from a coding of the session,
 * or NULL when there is none. Scores outside their range are ignored. The caller owns it. */
json_t *instrument_derive(const struct instrument *in, const json_t *scores,
                          const json_t *code_counts);

/* The scale point that means "good enough" (4 on the MBT scale); NAN when there is none. */
double instrument_good_enough(const struct instrument *in);

/* Everything a rating form needs in one language: items with facets, ranges, flags, point
 * labels and anchors; globals; codes; derived indices with their bands. A new object the
 * caller owns (shape in docs/instruments.md). */
json_t *instrument_summary(const struct instrument *in, const char *lang);

/* ---- Client-rated outcome measures ("rater": "client"; docs/instruments.md) ---- */

/* "lab" (scored by the lab's raters) or "client" (a questionnaire the client answers). */
const char *instrument_rater(const struct instrument *in);
/* 1 when the questionnaire's own wording (item texts, answers) ships in lang. */
int instrument_has_language(const struct instrument *in, const char *lang);

struct instrument_outcome {
	int lower_is_better;
	int alliance;           /* a per-session alliance check (SRS), not a symptom trajectory */
	double min, max;        /* the score's range */
	double cutoff;          /* the clinical cut-off; NAN when none */
	double reliable_change; /* the smallest change that counts as reliable */
	double a, b, c;         /* Jacobson-Truax cut-offs from the norms; NAN when not given */
	size_t n_scored;        /* items that make the score */
	int max_missing;        /* scored items that may be left out */
};

/* Fills out for a client-rated measure; -1 for any other instrument. */
int instrument_outcome_rules(const struct instrument *in, struct instrument_outcome *out);

enum instrument_scored {
	INSTRUMENT_SCORED,
	INSTRUMENT_BAD_ANSWER,       /* an unknown item, or an answer off its item's scale */
	INSTRUMENT_TOO_MANY_MISSING, /* more scored items left out than the manual allows */
};

struct instrument_score {
	double score;    /* NAN unless scored */
	size_t answered; /* scored items answered */
	size_t missing;  /* scored items left out */
	char field[40];  /* the item of a bad answer */
	char why[160];   /* what is wrong, in English, for the API's message */
};

/*
 * Scores a client's answers, {"<item id>": number, or null for an item left out}. Reversed
 * items count as min + max - answer. A sum with items left out is prorated (the sum of the
 * answered items x scored / answered); a mean (x 10) is the mean of the answered items.
 * Items outside scoring.items are checked but not scored. Returns what happened; out tells
 * the score or what is wrong.
 */
enum instrument_scored instrument_score_answers(const struct instrument *in, const json_t *answers,
                                                struct instrument_score *out);
/* 1 when total is a possible score of the measure (a total entered without its answers), else
 * 0 with the reason in why. */
int instrument_score_total_ok(const struct instrument *in, double total, char *why, size_t whylen);
/* The name of the severity band score falls in, or NULL (no bands, or below every band). */
const char *instrument_score_band(const struct instrument *in, double score);
/* The answers that raise an alert (PHQ-9 item 9 above 0), as a new array of {"item", "answer",
 * "label"} with the label in lang; empty when none. The caller owns it. */
json_t *instrument_score_alerts(const struct instrument *in, const json_t *answers,
                                const char *lang);
/* What the client's answer page shows, every text in lang alone: name, instructions, and each
 * item's text with its answers (or its scale, for a visual analogue line). NULL when the
 * measure's wording does not ship in lang. A new object the caller owns. */
json_t *instrument_questionnaire(const struct instrument *in, const char *lang);

#endif
