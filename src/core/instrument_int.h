/* What only the instrument module's own files share: the compiled layout and the vocabularies
 * of the schema. Nothing outside src/core/instrument*.c includes this. */
#ifndef KV_INSTRUMENT_INT_H
#define KV_INSTRUMENT_INT_H

#include <stddef.h>

#include <jansson.h>

#include "core/instrument.h"

enum instr_facet {
	INSTR_ADHERENCE,
	INSTR_QUALITY,
	INSTR_COMPETENCE,
	INSTR_COUNT,
	INSTR_RESPONSE, /* a client's answer to a questionnaire item (rater client) */
	INSTR_FACET__MAX
};

enum instr_flag {
	INSTR_NOT_RATED_FOR_ADHERENCE,
	INSTR_WHOLE_SESSION,
	INSTR_UNVERIFIED,
	INSTR_REVERSED,
	INSTR_FLAG__MAX
};

enum instr_class {
	INSTR_CLASS_ITEM,
	INSTR_CLASS_OUTSIDE_MANUAL,
	INSTR_CLASS_NOT_CLASSIFIABLE,
	INSTR_CLASS__MAX
};

enum instr_op {
	INSTR_SUM,
	INSTR_MEAN,
	INSTR_MIN,
	INSTR_MAX,
	INSTR_DIFFERENCE,
	INSTR_RATIO,
	INSTR_PERCENTAGE,
	INSTR_COUNT_CODES,
	INSTR_OP__MAX
};

enum instr_ref_kind {
	INSTR_REF_ITEM, /* a facet of one item (a {"facet"} reference is expanded to these) */
	INSTR_REF_GLOBAL,
	INSTR_REF_INDEX,
	INSTR_REF_CODE,
};

extern const char *const instr_facet_name[INSTR_FACET__MAX];
extern const char *const instr_flag_name[INSTR_FLAG__MAX];
extern const char *const instr_class_name[INSTR_CLASS__MAX];
extern const char *const instr_op_name[INSTR_OP__MAX];

/* Index of s in names[0..n), or -1. */
int instr_lookup(const char *const *names, int n, const char *s);
/* 0, 1, 2 for nb, da, en; -1 for anything else. */
int instr_lang_index(const char *lang);
struct instr_range {
	double min, max, step;
};

/* 1 when x is a point of the scale r (from min to max in steps of step). */
int instr_on_scale(double x, const struct instr_range *r);
/* "a whole number from 1 to 7", or "a number from 0 to 10 in steps of 0.5". */
void instr_scale_desc(const struct instr_range *r, char *buf, size_t len);
/* The range object of an item or global: its inline range, or the named one in def. */
const json_t *instr_range_obj(const json_t *def, const json_t *owner);
/* Reads a valid range object (step defaults to 1). */
void instr_range_read(const json_t *obj, struct instr_range *r);

struct instr_item {
	const char *id;
	const json_t *obj; /* the item's object in the kept definition */
	unsigned facets;   /* bit (1u << enum instr_facet) per facet rated */
	unsigned flags;    /* bit (1u << enum instr_flag) per flag */
	int required;
	struct instr_range range;
	const json_t *points; /* the range's point labels, or NULL */
};

struct instr_global {
	const char *id;
	const json_t *obj;
	unsigned flags;
	int required;
	struct instr_range range;
	const json_t *points;
};

struct instr_code {
	const char *code;
	const json_t *obj;
	enum instr_class cls;
	int item; /* index into items, or -1 */
};

struct instr_ref {
	enum instr_ref_kind kind;
	int target; /* item, global, index or code number */
	enum instr_facet facet;
};

struct instr_refs {
	struct instr_ref *v;
	size_t n;
};

struct instr_cond {
	int index;
	double from;
};

struct instr_band {
	const char *name;
	const json_t *obj;
	int has_from;
	double from;
	struct instr_cond *conds;
	size_t n_conds;
};

struct instr_derived {
	const char *id;
	const json_t *obj;
	enum instr_op op;
	struct instr_refs of, num, den;
	int skip_missing;
	int count_class;  /* enum instr_class, or -1 for any */
	int *count_codes; /* code numbers; NULL for a count by class or of all */
	size_t n_count_codes;
	struct instr_band *bands; /* from the index's threshold; NULL when it has none */
	size_t n_bands;
};

enum instr_method { INSTR_METHOD_SUM, INSTR_METHOD_MEAN, INSTR_METHOD_MEAN_X10, INSTR_METHOD__MAX };

struct instr_alert {
	int item;
	double from;
	const json_t *label;
};

/* The scoring rules of a client-rated outcome measure ("scoring" in the file). */
struct instr_scoring {
	const json_t *obj;
	enum instr_method method;
	int lower_is_better, alliance;
	int *items; /* indices of the scored items, in file order */
	size_t n_items;
	int max_missing;
	double min, max; /* the score's range */
	double cutoff;   /* the file's, else c from the norms; NAN when neither */
	double reliable_change;
	double a, b, c; /* Jacobson-Truax cut-offs from the norms; NAN when not given */
	struct instr_band *bands;
	size_t n_bands;
	struct instr_alert *alerts;
	size_t n_alerts;
};

extern const char *const instr_method_name[INSTR_METHOD__MAX];

/* Builds in->scoring from the kept definition (valid, rater client); frees it. In
 * instrument_score.c. */
void instr_scoring_compile(struct instrument *in);
void instr_scoring_free(struct instrument *in);
/* The scoring part of a rating form's summary, in lang. */
json_t *instr_scoring_summary(const struct instrument *in, const char *lang);

struct instrument {
	json_t *def; /* our own copy; every string and object above points into it */
	const char *code, *version, *kind;
	const char *rater;  /* "lab" or "client" */
	unsigned languages; /* bit per language (nb 1, da 2, en 4) the wording ships in */
	struct instr_scoring *scoring; /* rater client only */
	double good_enough;
	struct instr_item *items;
	size_t n_items;
	struct instr_global *globals;
	size_t n_globals;
	struct instr_code *codes;
	size_t n_codes;
	struct instr_derived *derived;
	size_t n_derived;
};

/* A label or text object's string in lang, falling back to en, nb, da; "" when none. */
const char *instr_text(const json_t *texts, const char *lang);
/* Index of the item, global, code or derived index with this id, or -1. */
int instr_item_find(const struct instrument *in, const char *id);
int instr_global_find(const struct instrument *in, const char *id);
int instr_code_find(const struct instrument *in, const char *code);
int instr_derived_find(const struct instrument *in, const char *id);

#endif
