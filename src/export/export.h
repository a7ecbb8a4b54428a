/* Research exports: the variables an instrument offers, a pseudonymised dataset built from
 * approved ratings, and its writers (CSV with a codebook, SPSS .sav, Stata .dta). Pure: the
 * caller gathers the rows from the database and stores what the writers produce. */
#ifndef KV_EXPORT_H
#define KV_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/instrument.h"
#include "util/buf.h"

#define EXPORT_KEY_LEN 32
#define EXPORT_NAME_MAX 32 /* SPSS and Stata both accept 32 bytes */
#define EXPORT_MAX_ROWS 200000
#define EXPORT_FILE_MAX (256u * 1024 * 1024)

/* Which ratings become rows: the approved consensus of each session, each rater's own
 * submitted rating (for the researcher's own reliability analyses), or both. */
enum export_level {
	EXPORT_LEVEL_CONSENSUS,
	EXPORT_LEVEL_RATER,
	EXPORT_LEVEL_BOTH,
	EXPORT_LEVEL__MAX
};

/* "consensus", "rater", "both"; parse returns -1 for anything else. */
const char *export_level_name(enum export_level l);
int export_level_parse(const char *s);

/* Where a variable's value comes from. */
enum export_src {
	EXS_SESSION, /* the export's own session code, S0001 ... */
	EXS_SOURCE,  /* 1 consensus, 2 rater */
	EXS_RATER,   /* re-keyed rater code, R01 ... (rater rows only) */
	EXS_THERAPIST,
	EXS_PATIENT,
	EXS_INSTITUTION,
	EXS_YEAR,
	EXS_MONTH,
	EXS_NUMBER,
	EXS_PHASE,
	EXS_MODALITY,
	EXS_AGE,
	EXS_GENDER,
	EXS_INSTR_CODE,
	EXS_INSTR_VERSION,
	EXS_SCORE,   /* key = item id, key2 = facet */
	EXS_GLOBAL,  /* key = global id */
	EXS_DERIVED, /* key = derived index id */
	EXS_COUNT,   /* key = intervention code */
	EXS_NOTES,   /* the rating's notes (free text) */
	EXS_QUESTIONS,
	EXS_FEEDBACK,
	EXS__MAX
};

enum export_measure {
	EXPORT_NOMINAL,
	EXPORT_ORDINAL,
	EXPORT_SCALE,
};

struct export_value_label {
	double value;
	char *label;
};

struct export_labelset {
	char name[EXPORT_NAME_MAX + 1];
	struct export_value_label *v;
	size_t n;
};

struct export_var {
	char name[EXPORT_NAME_MAX + 1];
	char *label; /* in the export's language */
	const char
	    *group; /* identifiers, session, patient, items, globals, derived, counts, text */
	enum export_src src;
	char *key, *key2; /* what the source needs (item id, facet ...), or NULL */
	int is_string;
	int integer; /* whole numbers only */
	enum export_measure measure;
	int labelset;  /* index into the catalogue's label sets, or -1 */
	int automatic; /* added by the level, never chosen (session, source, rater) */
	int free_text;
	const char *missing; /* what an empty value means, for the codebook */
};

/* Every variable an instrument offers, with labels in one language. */
struct export_catalogue {
	char *instrument_code, *instrument_version, *instrument_name;
	struct export_var *vars;
	size_t n_vars, cap_vars;
	struct export_labelset *sets;
	size_t n_sets, cap_sets;
};

/* The catalogue of in in lang ("nb", "da" or "en"). Free with export_catalogue_free(). */
struct export_catalogue *export_catalogue_new(const struct instrument *in, const char *lang);
void export_catalogue_free(struct export_catalogue *c);
/* The variable with this name, or NULL. */
const struct export_var *export_catalogue_find(const struct export_catalogue *c, const char *name);
/* The catalogue as JSON for the request form: {"groups": [{"id", "variables": [{"name",
 * "label", "free_text"}]}]}, automatic variables left out. The caller owns it. */
json_t *export_catalogue_json(const struct export_catalogue *c);

/* A valid SPSS and Stata name from base (a letter first, then letters, digits and
 * underscores, at most 32 bytes), made unique against taken[0..n) by a numeric suffix. */
void export_make_name(const char *base, const char *const *taken, size_t n,
                      char out[EXPORT_NAME_MAX + 1]);
/* 1 when s is a valid name (shape only). */
int export_name_ok(const char *s);

/* Re-keying: codes for the distinct ids[0..n) (the order of ids does not matter): each id's
 * HMAC-SHA256 under key, with kind ("therapist", "patient" ...) bound in, is ranked, and the
 * rank becomes the code: prefix and a number of at least width digits ("T001"). codes[i] is
 * the code of ids[i]; each is a new string the caller frees. Ids that repeat get the same
 * code. Returns 0, or -1 when n is 0 or too big. */
int export_rekey(const uint8_t key[EXPORT_KEY_LEN], const char *kind, const char *prefix, int width,
                 const long long *ids, size_t n, char **codes);

/* One rating as the database holds it. Strings and JSON are borrowed. */
struct export_input {
	long long submission_id, therapist_id, case_id, institution_id;
	long long rater_id; /* 0 for the consensus */
	int consensus;
	int year, month;                                  /* of the session; 0 when unknown */
	int session_number;                               /* 0 when unknown */
	const char *phase, *modality, *age_band, *gender; /* NULL when unknown */
	const json_t *scores;                             /* as in docs/instruments.md */
	const json_t *code_counts;                /* {"16": 3, ...} of the coded interventions */
	const char *notes, *questions, *feedback; /* NULL or "" when none */
};

struct export_cell {
	int missing;
	double num;
	char *str; /* owned; string variables only */
};

/* The dataset: chosen variables (copies of catalogue entries) and rows of cells. */
struct export_dataset {
	const struct export_catalogue *cat; /* borrowed: must outlive the dataset */
	struct export_var *vars;            /* labels and keys borrowed from cat */
	size_t n_vars;
	struct export_cell *cells; /* n_rows x n_vars, row by row */
	size_t n_rows;
	size_t n_sessions, n_therapists, n_patients;
	char *note; /* one line about the export (file label) */
};

struct export_options {
	enum export_level level;
	int free_text; /* free-text variables approved; without it they are refused */
	uint8_t key[EXPORT_KEY_LEN];
};

/* Builds the dataset of the chosen variables (a JSON array of names) over rows[0..n) (which
 * may mix consensus and rater ratings; the level picks which become rows). Codes are
 * re-keyed with opts->key; rows are ordered by therapist, patient, session, source, rater.
 * Returns NULL with a reason in err (an unknown variable, free text not approved, too many
 * rows). Free with export_dataset_free(). */
struct export_dataset *export_dataset_build(const struct export_catalogue *cat,
                                            const struct instrument *in, const json_t *chosen,
                                            const struct export_input *rows, size_t n,
                                            const struct export_options *opts, char *err,
                                            size_t errlen);
void export_dataset_free(struct export_dataset *ds);

/* The writers append to out (whose cap bounds the file). Each returns 0, or -1 with a reason. */
/* RFC 4180: UTF-8 without a byte order mark, CRLF, a header line, "." as the decimal point,
 * empty for missing. */
int export_write_csv(const struct export_dataset *ds, struct kv_buf *out);
/* One line per variable: name, label, type, measure, group, values ("1 = Very low; ..."),
 * missing. */
int export_write_codebook(const struct export_dataset *ds, struct kv_buf *out);
/* SPSS .sav and Stata .dta (118) through ReadStat: variable labels, value labels, measures;
 * missing values are system-missing. */
int export_write_sav(const struct export_dataset *ds, struct kv_buf *out, char *err, size_t errlen);
int export_write_dta(const struct export_dataset *ds, struct kv_buf *out, char *err, size_t errlen);

/* A CSV field, quoted when it holds a comma, quote, CR or LF (quotes doubled). */
int export_csv_field(struct kv_buf *out, const char *s);

#endif
