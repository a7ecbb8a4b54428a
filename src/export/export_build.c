/* Building an export's dataset: re-keying therapists, patients, institutions, raters and
 * sessions to codes that mean something only inside this one export, and filling each row from
 * a rating's scores, its coded interventions and the instrument's derived indices. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/xalloc.h"
#include "util/banned.h"

/* ---- Re-keying ---- */

struct keyed {
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	long long id;
	size_t rank;
};

static int by_mac(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, sizeof(x->mac));

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int by_id(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int export_rekey(const uint8_t key[EXPORT_KEY_LEN], const char *kind, const char *prefix, int width,
                 const long long *ids, size_t n, char **codes)
{
	struct keyed *k, *hit, probe;
	size_t i, distinct = 0, digits = 1, limit;

	if (n == 0 || n > EXPORT_MAX_ROWS * 4u)
		return -1;
	k = xcalloc(n, sizeof(*k));
	for (i = 0; i < n; i++)
		k[i].id = ids[i];
	qsort(k, n, sizeof(*k), by_id);
	for (i = 0; i < n; i++)
		if (i == 0 || k[i].id != k[distinct - 1].id)
			k[distinct++] = k[i];
	for (i = 0; i < distinct; i++) {
		char msg[96];
		int len = snprintf(msg, sizeof(msg), "%s:%lld", kind, k[i].id);
		crypto_auth_hmacsha256_state st;
		crypto_auth_hmacsha256_init(&st, key, EXPORT_KEY_LEN);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (size_t)len);
		crypto_auth_hmacsha256_final(&st, k[i].mac);
	}
	/* The rank under a fresh key is a random permutation: the numbers say nothing of the
	 * internal ids, and two exports number the same therapist differently. */
	qsort(k, distinct, sizeof(*k), by_mac);
	for (i = 0; i < distinct; i++)
		k[i].rank = i + 1;
	qsort(k, distinct, sizeof(*k), by_id);
	for (limit = 10; limit <= distinct; limit *= 10)
		digits++;
	if ((int)digits < width)
		digits = (size_t)width;
	for (i = 0; i < n; i++) {
		char code[48];
		probe.id = ids[i];
		hit = bsearch(&probe, k, distinct, sizeof(*k), by_id);
		snprintf(code, sizeof(code), "%s%0*zu", prefix, (int)digits, hit ? hit->rank : 0);
		codes[i] = xstrdup(code);
	}
	sodium_memzero(k, distinct * sizeof(*k));
	free(k);
	return 0;
}

/* ---- The dataset ---- */

struct row {
	const struct export_input *in;
	char *session, *therapist, *patient, *institution, *rater;
};

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int by_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;

	if ((c = cmp_str(x->therapist, y->therapist)) || (c = cmp_str(x->patient, y->patient)))
		return c;
	if ((c = (x->in->year > y->in->year) - (x->in->year < y->in->year)) ||
	    (c = (x->in->month > y->in->month) - (x->in->month < y->in->month)) ||
	    (c = (x->in->session_number > y->in->session_number) -
	         (x->in->session_number < y->in->session_number)) ||
	    (c = cmp_str(x->session, y->session)))
		return c;
	if ((c = y->in->consensus - x->in->consensus))
		return c; /* the consensus before the raters' own ratings */
	return cmp_str(x->rater, y->rater);
}

static int category(const char *s, const char *const *names)
{
	int i;

	for (i = 0; s && names[i]; i++)
		if (!strcmp(s, names[i]))
			return i + 1;
	return 0;
}

static const char *const phases[] = {"early", "middle", "late", NULL};
static const char *const modalities[] = {"individual", "group", NULL};
static const char *const ages[] = {"under_18", "18_25", "26_35",   "36_45",
                                   "46_55",    "56_65", "over_65", NULL};
static const char *const genders[] = {"female", "male", "other", NULL};

static void set_num(struct export_cell *c, double v)
{
	c->missing = 0;
	c->num = v;
}

static void set_int(struct export_cell *c, int v)
{
	if (v > 0)
		set_num(c, v);
}

static void set_str(struct export_cell *c, const char *s)
{
	c->missing = !s || !*s;
	c->str = xstrdup(s ? s : "");
}

static void set_json_num(struct export_cell *c, const json_t *v)
{
	if (json_is_number(v) && isfinite(json_number_value(v)))
		set_num(c, json_number_value(v));
}

static void fill(struct export_cell *c, const struct export_var *v, const struct row *r,
                 const struct export_catalogue *cat, const json_t *derived)
{
	const struct export_input *in = r->in;

	c->missing = 1;
	switch (v->src) {
	case EXS_SESSION:
		set_str(c, r->session);
		break;
	case EXS_SOURCE:
		set_num(c, in->consensus ? 1 : 2);
		break;
	case EXS_RATER:
		set_str(c, in->consensus ? NULL : r->rater);
		break;
	case EXS_THERAPIST:
		set_str(c, r->therapist);
		break;
	case EXS_PATIENT:
		set_str(c, r->patient);
		break;
	case EXS_INSTITUTION:
		set_str(c, r->institution);
		break;
	case EXS_YEAR:
		set_int(c, in->year);
		break;
	case EXS_MONTH:
		set_int(c, in->month);
		break;
	case EXS_NUMBER:
		set_int(c, in->session_number);
		break;
	case EXS_PHASE:
		set_int(c, category(in->phase, phases));
		break;
	case EXS_MODALITY:
		set_int(c, category(in->modality, modalities));
		break;
	case EXS_AGE:
		set_int(c, category(in->age_band, ages));
		break;
	case EXS_GENDER:
		set_int(c, category(in->gender, genders));
		break;
	case EXS_INSTR_CODE:
		set_str(c, cat->instrument_code);
		break;
	case EXS_INSTR_VERSION:
		set_str(c, cat->instrument_version);
		break;
	case EXS_SCORE: {
		const json_t *s = json_object_get(json_object_get(in->scores, v->key), v->key2);
		set_json_num(c, s);
		break;
	}
	case EXS_GLOBAL:
		set_json_num(c, json_object_get(json_object_get(in->scores, "global"), v->key));
		break;
	case EXS_DERIVED:
		set_json_num(c, json_object_get(json_object_get(derived, v->key), "value"));
		break;
	case EXS_COUNT: {
		const json_t *n = json_object_get(in->code_counts, v->key);
		set_num(c, json_is_integer(n) ? (double)json_integer_value(n) : 0);
		break;
	}
	case EXS_NOTES:
		set_str(c, in->notes);
		break;
	case EXS_QUESTIONS:
		set_str(c, in->questions);
		break;
	case EXS_FEEDBACK:
		set_str(c, in->feedback);
		break;
	case EXS__MAX:
		break;
	}
}

static int rekey_all(struct row *rows, size_t n, const struct export_options *opts)
{
	long long *ids = xcalloc(n, sizeof(*ids));
	char **codes = xcalloc(n, sizeof(*codes));
	size_t i, k, m;
	int rc = 0;
	static const struct {
		const char *kind, *prefix;
		int width;
	} kinds[] = {{"session", "S", 4},
	             {"therapist", "T", 3},
	             {"patient", "P", 3},
	             {"institution", "I", 2},
	             {"rater", "R", 2}};

	for (k = 0; !rc && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (i = m = 0; i < n; i++) {
			const struct export_input *in = rows[i].in;
			long long id = k == 0   ? in->submission_id
			               : k == 1 ? in->therapist_id
			               : k == 2 ? in->case_id
			               : k == 3 ? in->institution_id
			                        : in->rater_id;
			if (k == 4 && in->consensus)
				continue;
			ids[m++] = id;
		}
		if (m == 0)
			continue;
		rc = export_rekey(opts->key, kinds[k].kind, kinds[k].prefix, kinds[k].width, ids, m,
		                  codes);
		for (i = m = 0; !rc && i < n; i++) {
			char **slot = k == 0   ? &rows[i].session
			              : k == 1 ? &rows[i].therapist
			              : k == 2 ? &rows[i].patient
			              : k == 3 ? &rows[i].institution
			                       : &rows[i].rater;
			if (k == 4 && rows[i].in->consensus)
				continue;
			*slot = codes[m++];
		}
	}
	free(ids);
	free(codes);
	return rc;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t count_distinct(struct row *rows, size_t n, size_t field)
{
	const char **v = xcalloc(n + 1, sizeof(*v));
	size_t i, d = 0;

	for (i = 0; i < n; i++)
		v[i] = field == 0   ? rows[i].session
		       : field == 1 ? rows[i].therapist
		                    : rows[i].patient;
	qsort(v, n, sizeof(*v), by_text);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			d++;
	free(v);
	return d;
}

static void free_rows(struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		free(rows[i].session);
		free(rows[i].therapist);
		free(rows[i].patient);
		free(rows[i].institution);
		free(rows[i].rater);
	}
	free(rows);
}

struct export_dataset *export_dataset_build(const struct export_catalogue *cat,
                                            const struct instrument *in, const json_t *chosen,
                                            const struct export_input *inputs, size_t n,
                                            const struct export_options *opts, char *err,
                                            size_t errlen)
{
	struct export_dataset *ds = NULL;
	struct row *rows = NULL;
	const json_t *name;
	size_t i, k, n_rows = 0, nv = 0;
	int want_raters = opts->level != EXPORT_LEVEL_CONSENSUS;
	int want_consensus = opts->level != EXPORT_LEVEL_RATER;

	if (!json_is_array(chosen) || json_array_size(chosen) == 0) {
		snprintf(err, errlen, "no variables chosen");
		return NULL;
	}
	ds = xcalloc(1, sizeof(*ds));
	ds->cat = cat;
	ds->vars = xcalloc(json_array_size(chosen) + 3, sizeof(*ds->vars));
	/* The row's own identity comes first and is never chosen: the session code, and with
	 * raters' rows which rating it is and whose. */
	for (i = 0; i < cat->n_vars; i++) {
		const struct export_var *v = &cat->vars[i];
		if (v->src == EXS_SESSION ||
		    (want_raters && (v->src == EXS_SOURCE || v->src == EXS_RATER)))
			ds->vars[nv++] = *v;
	}
	json_array_foreach(chosen, i, name)
	{
		const struct export_var *v = export_catalogue_find(cat, json_string_value(name));
		if (!v || v->automatic) {
			snprintf(err, errlen, "variables[%zu]: no such variable", i);
			goto fail;
		}
		if (v->free_text && !opts->free_text) {
			snprintf(err, errlen, "variables[%zu]: free text was not approved", i);
			goto fail;
		}
		for (k = 0; k < nv; k++)
			if (!strcmp(ds->vars[k].name, v->name))
				break;
		if (k < nv) {
			snprintf(err, errlen, "variables[%zu]: listed twice", i);
			goto fail;
		}
		ds->vars[nv++] = *v;
	}
	ds->n_vars = nv;
	rows = xcalloc(n + 1, sizeof(*rows));
	for (i = 0; i < n; i++)
		if (inputs[i].consensus ? want_consensus : want_raters)
			rows[n_rows++].in = &inputs[i];
	if (n_rows > EXPORT_MAX_ROWS) {
		snprintf(err, errlen, "too many rows (%zu; at most %d)", n_rows, EXPORT_MAX_ROWS);
		goto fail;
	}
	if (n_rows && rekey_all(rows, n_rows, opts)) {
		snprintf(err, errlen, "the codes could not be made");
		goto fail;
	}
	qsort(rows, n_rows, sizeof(*rows), by_row);
	ds->n_rows = n_rows;
	ds->cells = xcalloc(n_rows * nv + 1, sizeof(*ds->cells));
	for (i = 0; i < n_rows; i++) {
		json_t *derived =
		    instrument_derive(in, rows[i].in->scores, rows[i].in->code_counts);
		for (k = 0; k < nv; k++)
			fill(&ds->cells[i * nv + k], &ds->vars[k], &rows[i], cat, derived);
		json_decref(derived);
	}
	ds->n_sessions = count_distinct(rows, n_rows, 0);
	ds->n_therapists = count_distinct(rows, n_rows, 1);
	ds->n_patients = count_distinct(rows, n_rows, 2);
	free_rows(rows, n_rows);
	return ds;
fail:
	free_rows(rows, n_rows);
	export_dataset_free(ds);
	return NULL;
}

void export_dataset_free(struct export_dataset *ds)
{
	size_t i;

	if (!ds)
		return;
	for (i = 0; ds->cells && i < ds->n_rows * ds->n_vars; i++)
		if (ds->cells[i].str) {
			sodium_memzero(ds->cells[i].str, strlen(ds->cells[i].str));
			free(ds->cells[i].str);
		}
	free(ds->cells);
	free(ds->vars);
	free(ds->note);
	free(ds);
}
