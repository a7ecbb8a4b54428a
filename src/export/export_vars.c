/* The variables an instrument offers to a research export: names valid in SPSS and Stata,
 * labels in the export's language, value labels for the scales and the fixed categories. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

static const char *const level_names[EXPORT_LEVEL__MAX] = {"consensus", "rater", "both"};

const char *export_level_name(enum export_level l)
{
	return l < EXPORT_LEVEL__MAX ? level_names[l] : NULL;
}

int export_level_parse(const char *s)
{
	int i;

	for (i = 0; s && i < EXPORT_LEVEL__MAX; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	return -1;
}

/* ---- Names ---- */

int export_name_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > EXPORT_NAME_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int is_taken(const char *name, const char *const *taken, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (taken[i] && !strcmp(taken[i], name))
			return 1;
	return 0;
}

void export_make_name(const char *base, const char *const *taken, size_t n,
                      char out[EXPORT_NAME_MAX + 1])
{
	char clean[EXPORT_NAME_MAX + 1];
	size_t len = 0, i;
	int k;

	/* Letters first: a name starting with a digit or underscore gets a "v". */
	if (!base || !((base[0] >= 'a' && base[0] <= 'z') || (base[0] >= 'A' && base[0] <= 'Z')))
		clean[len++] = 'v';
	for (i = 0; base && base[i] && len < EXPORT_NAME_MAX; i++) {
		char c = base[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c == '_' && len > 0 && clean[len - 1] == '_')
			continue; /* "a..b" becomes "a_b", not "a__b" */
		clean[len++] = c;
	}
	clean[len] = '\0';
	snprintf(out, EXPORT_NAME_MAX + 1, "%s", clean);
	/* Stata reserves a few words and str1 ... str2045 as names; SPSS reserves ALL, AND, BY,
	 * EQ, GE, GT, LE, LT, NE, NOT, OR, TO, WITH. A suffix keeps every one of them out. */
	for (k = 2; is_taken(out, taken, n) || !export_name_ok(out) || !strcmp(out, "if") ||
	            !strcmp(out, "in") || !strcmp(out, "to") || !strcmp(out, "by") ||
	            !strcmp(out, "with") || !strcmp(out, "using") || !strcmp(out, "all") ||
	            !strcmp(out, "and") || !strcmp(out, "or") || !strcmp(out, "not") ||
	            !strcmp(out, "byte") || !strcmp(out, "int") || !strcmp(out, "long") ||
	            !strcmp(out, "float") || !strcmp(out, "double") ||
	            (!strncmp(out, "str", 3) && out[3] >= '0' && out[3] <= '9' &&
	             strspn(out + 3, "0123456789") == strlen(out + 3));
	     k++) {
		char suffix[16];
		int sl = snprintf(suffix, sizeof(suffix), "_%d", k);
		int keep = (int)strlen(clean);
		if (keep + sl > EXPORT_NAME_MAX)
			keep = EXPORT_NAME_MAX - sl;
		snprintf(out, EXPORT_NAME_MAX + 1, "%.*s%s", keep, clean, suffix);
	}
}

/* ---- Texts in three languages ---- */

struct tr {
	const char *en, *nb, *da;
};

static const char *tr(const char *lang, struct tr t)
{
	if (lang && !strcmp(lang, "nb"))
		return t.nb;
	if (lang && !strcmp(lang, "da"))
		return t.da;
	return t.en;
}

#define TR(en, nb, da) ((struct tr){en, nb, da})

static const struct {
	const char *id;
	struct tr word;
} facet_words[] = {
    {"adherence", {"adherence", "etterlevelse", "adhærens"}},
    {"quality", {"quality", "kvalitet", "kvalitet"}},
    {"competence", {"competence", "kompetanse", "kompetence"}},
    {"count", {"count", "antall", "antal"}},
};

static const struct {
	const char *id, *abbrev;
} facet_abbrev[] = {
    {"adherence", "adh"},
    {"quality", "qual"},
    {"competence", "comp"},
    {"count", "cnt"},
};

static const char *abbrev_of(const char *facet)
{
	size_t i;

	for (i = 0; i < sizeof(facet_abbrev) / sizeof(facet_abbrev[0]); i++)
		if (!strcmp(facet_abbrev[i].id, facet))
			return facet_abbrev[i].abbrev;
	return facet;
}

static const char *facet_word(const char *facet, const char *lang)
{
	size_t i;

	for (i = 0; i < sizeof(facet_words) / sizeof(facet_words[0]); i++)
		if (!strcmp(facet_words[i].id, facet))
			return tr(lang, facet_words[i].word);
	return facet;
}

/* ---- Building the catalogue ---- */

static int add_set(struct export_catalogue *c, const char *name)
{
	struct export_labelset *s;

	if (c->n_sets == c->cap_sets) {
		c->cap_sets = c->cap_sets ? 2 * c->cap_sets : 8;
		c->sets = xrealloc(c->sets, c->cap_sets * sizeof(*c->sets));
	}
	s = &c->sets[c->n_sets];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	return (int)c->n_sets++;
}

static void set_add(struct export_catalogue *c, int set, double value, const char *label)
{
	struct export_labelset *s = &c->sets[set];

	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n].value = value;
	s->v[s->n].label = xstrdup(label);
	s->n++;
}

/* Whether a scale's range steps in whole numbers from a whole minimum. */
static int range_is_whole(const json_t *range)
{
	double min = json_number_value(json_object_get(range, "min"));

	return json_number_value(json_object_get(range, "step")) == 1 && floor(min) == min;
}

/* A label set from a scale's points, shared by every variable with the same points; -1 when
 * the scale has no labelled points or is not in whole numbers. */
static int scale_set(struct export_catalogue *c, const json_t *range, const json_t *points)
{
	size_t i, k;
	json_t *p;
	char name[EXPORT_NAME_MAX + 1];
	int set;

	if (!json_array_size(points))
		return -1;
	if (!range_is_whole(range))
		return -1;
	json_array_foreach(points, i, p)
	{
		double v = json_number_value(json_object_get(p, "value"));
		if (floor(v) != v || fabs(v) > 1e6)
			return -1;
	}
	for (k = 0; k < c->n_sets; k++) {
		const struct export_labelset *s = &c->sets[k];
		int same = strncmp(s->name, "scale", 5) == 0 && s->n == json_array_size(points);
		json_array_foreach(points, i, p)
		{
			if (!same)
				break;
			same =
			    s->v[i].value == json_number_value(json_object_get(p, "value")) &&
			    !strcmp(s->v[i].label, json_string_value(json_object_get(p, "label")));
		}
		if (same)
			return (int)k;
	}
	snprintf(name, sizeof(name), "scale%zu", c->n_sets + 1);
	set = add_set(c, name);
	json_array_foreach(points, i, p)
	    set_add(c, set, json_number_value(json_object_get(p, "value")),
	            json_string_value(json_object_get(p, "label")));
	return set;
}

static struct export_var *add_var(struct export_catalogue *c, const char *base, const char *group,
                                  enum export_src src, const char *label)
{
	const char **taken;
	struct export_var *v;
	size_t i;

	if (c->n_vars == c->cap_vars) {
		c->cap_vars = c->cap_vars ? 2 * c->cap_vars : 64;
		c->vars = xrealloc(c->vars, c->cap_vars * sizeof(*c->vars));
	}
	/* The names taken so far point into vars: collect them after it has moved. */
	taken = xcalloc(c->n_vars + 1, sizeof(*taken));
	for (i = 0; i < c->n_vars; i++)
		taken[i] = c->vars[i].name;
	v = &c->vars[c->n_vars];
	memset(v, 0, sizeof(*v));
	export_make_name(base, taken, c->n_vars, v->name);
	free(taken);
	v->label = xstrdup(label ? label : "");
	v->group = group;
	v->src = src;
	v->labelset = -1;
	v->measure = EXPORT_NOMINAL;
	c->n_vars++;
	return v;
}

static struct export_var *add_code_var(struct export_catalogue *c, const char *name,
                                       enum export_src src, const char *label, int automatic)
{
	struct export_var *v = add_var(c, name, "identifiers", src, label);

	v->is_string = 1;
	v->automatic = automatic;
	v->missing = "";
	return v;
}

static struct export_var *add_category(struct export_catalogue *c, const char *name,
                                       const char *group, enum export_src src, const char *label,
                                       int set)
{
	struct export_var *v = add_var(c, name, group, src, label);

	v->integer = 1;
	v->labelset = set;
	v->missing = "unknown";
	return v;
}

static void add_fixed(struct export_catalogue *c, const char *lang)
{
	struct export_var *v;
	int set;

	add_code_var(c, "session", EXS_SESSION,
	             tr(lang, TR("Session (code in this export)", "Time (kode i denne eksporten)",
	                         "Session (kode i denne eksport)")),
	             1);
	set = add_set(c, "source");
	set_add(c, set, 1, tr(lang, TR("Consensus", "Konsensus", "Konsensus")));
	set_add(c, set, 2, tr(lang, TR("Rater", "Skårer", "Bedømmer")));
	v = add_category(c, "source", "identifiers", EXS_SOURCE,
	                 tr(lang, TR("Rating: consensus or one rater's",
	                             "Skåring: konsensus eller "
	                             "én skårers",
	                             "Bedømmelse: konsensus eller én bedømmers")),
	                 set);
	v->automatic = 1;
	v = add_code_var(
	    c, "rater", EXS_RATER,
	    tr(lang, TR("Rater (code in this export)", "Skårer (kode i denne eksporten)",
	                "Bedømmer (kode i denne eksport)")),
	    1);
	v->missing = "a consensus row";
	add_code_var(
	    c, "therapist", EXS_THERAPIST,
	    tr(lang, TR("Therapist (code in this export)", "Terapeut (kode i denne eksporten)",
	                "Terapeut (kode i denne eksport)")),
	    0);
	add_code_var(
	    c, "patient", EXS_PATIENT,
	    tr(lang, TR("Patient (code in this export)", "Pasient (kode i denne eksporten)",
	                "Patient (kode i denne eksport)")),
	    0);
	add_code_var(
	    c, "institution", EXS_INSTITUTION,
	    tr(lang, TR("Institution (code in this export)", "Institusjon (kode i denne eksporten)",
	                "Institution (kode i denne eksport)")),
	    0);

	v = add_var(c, "session_year", "session", EXS_YEAR,
	            tr(lang, TR("Year of the session", "Året timen ble holdt",
	                        "Året sessionen blev holdt")));
	v->integer = 1;
	v->measure = EXPORT_SCALE;
	v->missing = "unknown";
	v = add_var(c, "session_month", "session", EXS_MONTH,
	            tr(lang, TR("Month of the session (1-12)", "Måned for timen (1-12)",
	                        "Måned for sessionen (1-12)")));
	v->integer = 1;
	v->measure = EXPORT_ORDINAL;
	v->missing = "unknown";
	v = add_var(c, "session_number", "session", EXS_NUMBER,
	            tr(lang, TR("Session number in the treatment", "Timens nummer i behandlingen",
	                        "Sessionens nummer i behandlingen")));
	v->integer = 1;
	v->measure = EXPORT_SCALE;
	v->missing = "unknown";
	set = add_set(c, "phase");
	set_add(c, set, 1, tr(lang, TR("Early", "Tidlig", "Tidligt")));
	set_add(c, set, 2, tr(lang, TR("Middle", "Midtveis", "Midtvejs")));
	set_add(c, set, 3, tr(lang, TR("Late", "Sent", "Sent")));
	v = add_category(
	    c, "phase", "session", EXS_PHASE,
	    tr(lang, TR("Phase of the treatment", "Fase i behandlingen", "Fase i behandlingen")),
	    set);
	v->measure = EXPORT_ORDINAL;
	set = add_set(c, "modality");
	set_add(c, set, 1, tr(lang, TR("Individual", "Individuell", "Individuel")));
	set_add(c, set, 2, tr(lang, TR("Group", "Gruppe", "Gruppe")));
	add_category(c, "modality", "session", EXS_MODALITY,
	             tr(lang, TR("Therapy form", "Terapiform", "Terapiform")), set);
	v = add_var(
	    c, "instr_code", "session", EXS_INSTR_CODE,
	    tr(lang, TR("Rating scale (code)", "Skåringsskala (kode)", "Bedømmelsesskala (kode)")));
	v->is_string = 1;
	v->missing = "";
	v = add_var(c, "instr_version", "session", EXS_INSTR_VERSION,
	            tr(lang, TR("Rating scale (version)", "Skåringsskala (versjon)",
	                        "Bedømmelsesskala (version)")));
	v->is_string = 1;
	v->missing = "";

	set = add_set(c, "age_band");
	set_add(c, set, 1, tr(lang, TR("Under 18", "Under 18", "Under 18")));
	set_add(c, set, 2, "18-25");
	set_add(c, set, 3, "26-35");
	set_add(c, set, 4, "36-45");
	set_add(c, set, 5, "46-55");
	set_add(c, set, 6, "56-65");
	set_add(c, set, 7, tr(lang, TR("Over 65", "Over 65", "Over 65")));
	v = add_category(c, "patient_age", "patient", EXS_AGE,
	                 tr(lang, TR("Patient's age band", "Pasientens aldersgruppe",
	                             "Patientens aldersgruppe")),
	                 set);
	v->measure = EXPORT_ORDINAL;
	set = add_set(c, "gender");
	set_add(c, set, 1, tr(lang, TR("Female", "Kvinne", "Kvinde")));
	set_add(c, set, 2, tr(lang, TR("Male", "Mann", "Mand")));
	set_add(c, set, 3, tr(lang, TR("Other", "Annet", "Andet")));
	add_category(c, "patient_gender", "patient", EXS_GENDER,
	             tr(lang, TR("Patient's gender", "Pasientens kjønn", "Patientens køn")), set);
}

static int all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static void add_items(struct export_catalogue *c, const json_t *summary, const char *lang)
{
	const json_t *items = json_object_get(summary, "items"), *it, *f;
	size_t i, k, width = 2;
	char base[96], label[600];

	json_array_foreach(items, i, it)
	{
		const char *id = json_string_value(json_object_get(it, "id"));
		if (all_digits(id) && strlen(id) > width)
			width = strlen(id);
	}
	json_array_foreach(items, i, it)
	{
		const char *id = json_string_value(json_object_get(it, "id"));
		const char *text = json_string_value(json_object_get(it, "label"));
		const json_t *range = json_object_get(it, "range");
		int set = scale_set(c, range, json_object_get(it, "points"));
		json_array_foreach(json_object_get(it, "facets"), k, f)
		{
			const char *facet = json_string_value(f);
			struct export_var *v;
			if (all_digits(id))
				snprintf(base, sizeof(base), "item%0*lld_%s", (int)width,
				         strtoll(id, NULL, 10), abbrev_of(facet));
			else
				snprintf(base, sizeof(base), "%s_%s", id, abbrev_of(facet));
			if (all_digits(id))
				snprintf(label, sizeof(label), "%s %s %s: %s",
				         tr(lang, TR("Item", "Ledd", "Item")), id, text,
				         facet_word(facet, lang));
			else
				snprintf(label, sizeof(label), "%s: %s", text,
				         facet_word(facet, lang));
			v = add_var(c, base, "items", EXS_SCORE, label);
			v->key = xstrdup(id);
			v->key2 = xstrdup(facet);
			v->integer = range_is_whole(range);
			if (!strcmp(facet, "count")) {
				v->measure = EXPORT_SCALE;
			} else {
				v->measure = EXPORT_ORDINAL;
				v->labelset = set;
			}
			v->missing = "not scored";
		}
	}
}

static void add_globals(struct export_catalogue *c, const json_t *summary)
{
	const json_t *g;
	size_t i;
	char base[96];

	json_array_foreach(json_object_get(summary, "globals"), i, g)
	{
		const char *id = json_string_value(json_object_get(g, "id"));
		const json_t *range = json_object_get(g, "range");
		struct export_var *v;
		snprintf(base, sizeof(base), "glob_%s", abbrev_of(id));
		v = add_var(c, base, "globals", EXS_GLOBAL,
		            json_string_value(json_object_get(g, "label")));
		v->key = xstrdup(id);
		v->integer = range_is_whole(range);
		v->measure = EXPORT_ORDINAL;
		v->labelset = scale_set(c, range, json_object_get(g, "points"));
		v->missing = "not scored";
	}
}

static void add_derived(struct export_catalogue *c, const json_t *summary)
{
	const json_t *d;
	size_t i;
	char base[96];

	json_array_foreach(json_object_get(summary, "derived"), i, d)
	{
		const char *id = json_string_value(json_object_get(d, "id"));
		struct export_var *v;
		snprintf(base, sizeof(base), "idx_%s", id);
		v = add_var(c, base, "derived", EXS_DERIVED,
		            json_string_value(json_object_get(d, "label")));
		v->key = xstrdup(id);
		v->measure = EXPORT_SCALE;
		v->missing = "not computable (an input is missing, or a denominator is 0)";
	}
}

static void add_counts(struct export_catalogue *c, const json_t *summary, const char *lang)
{
	const json_t *code;
	size_t i;
	char base[96], label[600];

	json_array_foreach(json_object_get(summary, "codes"), i, code)
	{
		const char *id = json_string_value(json_object_get(code, "code"));
		struct export_var *v;
		snprintf(base, sizeof(base), "n_%s", id);
		snprintf(label, sizeof(label), "%s %s (%s)",
		         tr(lang, TR("Interventions coded", "Intervensjoner kodet",
		                     "Interventioner kodet")),
		         id, json_string_value(json_object_get(code, "label")));
		v = add_var(c, base, "counts", EXS_COUNT, label);
		v->key = xstrdup(id);
		v->integer = 1;
		v->measure = EXPORT_SCALE;
		v->missing = "";
	}
}

static void add_texts(struct export_catalogue *c, const char *lang)
{
	static const struct {
		const char *name;
		enum export_src src;
		struct tr label;
	} texts[] = {
	    {"txt_notes",
	     EXS_NOTES,
	     {"The rating's notes (free text)", "Skåringens notater (fritekst)",
	      "Bedømmelsens noter (fritekst)"}},
	    {"txt_questions",
	     EXS_QUESTIONS,
	     {"The therapist's questions (free text)", "Terapeutens spørsmål (fritekst)",
	      "Terapeutens spørgsmål (fritekst)"}},
	    {"txt_feedback",
	     EXS_FEEDBACK,
	     {"Summary of the published feedback (free text)",
	      "Sammendrag av den publiserte tilbakemeldingen (fritekst)",
	      "Resumé af den offentliggjorte feedback (fritekst)"}},
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct export_var *v =
		    add_var(c, texts[i].name, "text", texts[i].src, tr(lang, texts[i].label));
		v->is_string = 1;
		v->free_text = 1;
		v->missing = "";
	}
}

struct export_catalogue *export_catalogue_new(const struct instrument *in, const char *lang)
{
	struct export_catalogue *c = xcalloc(1, sizeof(*c));
	json_t *summary = instrument_summary(in, lang);

	c->instrument_code = xstrdup(instrument_code(in));
	c->instrument_version = xstrdup(instrument_version(in));
	c->instrument_name = xstrdup(instrument_name(in, lang));
	add_fixed(c, lang);
	add_items(c, summary, lang);
	add_globals(c, summary);
	add_derived(c, summary);
	add_counts(c, summary, lang);
	add_texts(c, lang);
	json_decref(summary);
	return c;
}

void export_catalogue_free(struct export_catalogue *c)
{
	size_t i, k;

	if (!c)
		return;
	for (i = 0; i < c->n_vars; i++) {
		free(c->vars[i].label);
		free(c->vars[i].key);
		free(c->vars[i].key2);
	}
	for (i = 0; i < c->n_sets; i++) {
		for (k = 0; k < c->sets[i].n; k++)
			free(c->sets[i].v[k].label);
		free(c->sets[i].v);
	}
	free(c->vars);
	free(c->sets);
	free(c->instrument_code);
	free(c->instrument_version);
	free(c->instrument_name);
	free(c);
}

const struct export_var *export_catalogue_find(const struct export_catalogue *c, const char *name)
{
	size_t i;

	for (i = 0; name && i < c->n_vars; i++)
		if (!strcmp(c->vars[i].name, name))
			return &c->vars[i];
	return NULL;
}

json_t *export_catalogue_json(const struct export_catalogue *c)
{
	static const char *const groups[] = {"identifiers", "session", "patient", "items",
	                                     "globals",     "derived", "counts",  "text"};
	json_t *out = json_array();
	size_t g, i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		json_t *vars = json_array();
		for (i = 0; i < c->n_vars; i++) {
			const struct export_var *v = &c->vars[i];
			if (v->automatic || strcmp(v->group, groups[g]))
				continue;
			json_array_append_new(vars,
			                      json_pack("{s:s, s:s, s:b}", "name", v->name, "label",
			                                v->label, "free_text", v->free_text));
		}
		if (json_array_size(vars))
			json_array_append_new(
			    out, json_pack("{s:s, s:o}", "id", groups[g], "variables", vars));
		else
			json_decref(vars);
	}
	return json_pack("{s:s, s:s, s:s, s:o}", "instrument_code", c->instrument_code,
	                 "instrument_version", c->instrument_version, "instrument_name",
	                 c->instrument_name, "groups", out);
}
