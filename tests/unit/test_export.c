/* Unit tests for research exports: re-keying, variable names, the catalogue, CSV quoting, and
 * the .sav and .dta files read back with ReadStat's own parsers. */
#include "unit.h"
#include "unit_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <readstat.h>

#include "export/export.h"
#include "util/banned.h"

static void key_fill(uint8_t key[EXPORT_KEY_LEN], uint8_t seed)
{
	size_t i;

	for (i = 0; i < EXPORT_KEY_LEN; i++)
		key[i] = (uint8_t)(seed * 31 + i);
}

static void free_codes(char **codes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(codes[i]);
}

TEST(test_export_rekey_is_stable_within_an_export_and_differs_between_exports)
{
	long long ids[40];
	char *a[40], *b[40], *c[40];
	uint8_t k1[EXPORT_KEY_LEN], k2[EXPORT_KEY_LEN];
	size_t i, same = 0;

	for (i = 0; i < 40; i++)
		ids[i] = 1000 + (long long)i * 7;
	key_fill(k1, 1);
	key_fill(k2, 2);
	CHECK_INT(export_rekey(k1, "therapist", "T", 3, ids, 40, a), 0);
	CHECK_INT(export_rekey(k1, "therapist", "T", 3, ids, 40, b), 0);
	CHECK_INT(export_rekey(k2, "therapist", "T", 3, ids, 40, c), 0);
	for (i = 0; i < 40; i++) {
		CHECK_STR(a[i], b[i]);
		same += !strcmp(a[i], c[i]);
	}
	free_codes(a, 40);
	free_codes(b, 40);
	free_codes(c, 40);
	/* Under another key the numbering is another permutation. */
	CHECK(same < 10);
}

TEST(test_export_rekey_numbers_densely_and_hides_internal_ids)
{
	long long ids[] = {977, 5, 977, 123456, 42};
	char *codes[5], *t[5];
	uint8_t key[EXPORT_KEY_LEN];
	int seen[6] = {0}, differ = 0;
	size_t i;

	key_fill(key, 3);
	CHECK_INT(export_rekey(key, "patient", "P", 3, ids, 5, codes), 0);
	CHECK_INT(export_rekey(key, "therapist", "P", 3, ids, 5, t), 0);
	/* A repeated id keeps its code; four distinct ids get P001..P004. */
	CHECK_STR(codes[0], codes[2]);
	for (i = 0; i < 5; i++) {
		long n = strtol(codes[i] + 1, NULL, 10);
		CHECK_INT(strlen(codes[i]), 4);
		CHECK(codes[i][0] == 'P');
		CHECK(n >= 1 && n <= 4);
		seen[n] = 1;
		CHECK(!strstr(codes[i], "977") && !strstr(codes[i], "42"));
		differ += strcmp(codes[i], t[i]) != 0;
	}
	free_codes(codes, 5);
	free_codes(t, 5);
	CHECK(seen[1] && seen[2] && seen[3] && seen[4]);
	/* The kind is bound in: the same ids as therapists are numbered independently (with
	 * this key, at least one differs). */
	CHECK(differ > 0);
	CHECK_INT(export_rekey(key, "patient", "P", 3, ids, 0, codes), -1);
}

TEST(test_export_rekey_widens_codes_past_999)
{
	long long ids[1200];
	char *codes[1200];
	uint8_t key[EXPORT_KEY_LEN];
	size_t i;

	for (i = 0; i < 1200; i++)
		ids[i] = (long long)i + 1;
	key_fill(key, 4);
	CHECK_INT(export_rekey(key, "session", "S", 3, ids, 1200, codes), 0);
	for (i = 0; i < 1200; i++)
		CHECK_INT(strlen(codes[i]), 5);
	free_codes(codes, 1200);
}

TEST(test_export_names_are_valid_in_spss_and_stata)
{
	char out[EXPORT_NAME_MAX + 1];
	const char *taken[] = {"item03_adh", "if", "x"};

	export_make_name("item03_adh", NULL, 0, out);
	CHECK_STR(out, "item03_adh");
	export_make_name("item03_adh", taken, 3, out);
	CHECK_STR(out, "item03_adh_2");
	export_make_name("3", NULL, 0, out);
	CHECK_STR(out, "v3");
	export_make_name("_x", NULL, 0, out);
	CHECK_STR(out, "v_x");
	export_make_name("n_outside-manual.2", NULL, 0, out);
	CHECK_STR(out, "n_outside_manual_2");
	export_make_name("Kvalitet ÆØÅ", NULL, 0, out);
	CHECK(export_name_ok(out));
	CHECK_STR(out, "kvalitet_");
	export_make_name("if", NULL, 0, out);
	CHECK_STR(out, "if_2");
	export_make_name("str12", NULL, 0, out);
	CHECK_STR(out, "str12_2");
	export_make_name("idx_a_very_long_derived_index_name_that_goes_on", taken, 3, out);
	CHECK_INT(strlen(out), 32);
	CHECK(export_name_ok(out));
	CHECK(!export_name_ok("1abc"));
	CHECK(!export_name_ok("a-b"));
	CHECK(!export_name_ok("abcdefghijabcdefghijabcdefghijabc"));
}

TEST(test_export_catalogue_of_the_mbt_scale)
{
	struct instrument *in = unit_shipped_instrument("mbt-i-aqs-1.json");
	struct export_catalogue *c;
	const struct export_var *v;
	size_t i, k;

	CHECK(in);
	c = export_catalogue_new(in, "en");
	/* Item 1 is rated for quality only. */
	CHECK(export_catalogue_find(c, "item01_qual"));
	CHECK(!export_catalogue_find(c, "item01_adh"));
	v = export_catalogue_find(c, "item03_adh");
	CHECK(v);
	CHECK(strstr(v->label, "Item 3 Challenging") == v->label);
	CHECK(strstr(v->label, "adherence"));
	CHECK(v->integer && v->labelset >= 0 && v->measure == EXPORT_ORDINAL);
	CHECK_STR(c->sets[v->labelset].v[3].label, "Good enough");
	CHECK(c->sets[v->labelset].v[3].value == 4);
	CHECK(export_catalogue_find(c, "item17_qual"));
	CHECK(export_catalogue_find(c, "glob_adh"));
	CHECK(export_catalogue_find(c, "glob_qual"));
	CHECK(export_catalogue_find(c, "idx_support_minus_challenge"));
	CHECK(export_catalogue_find(c, "n_16"));
	CHECK(export_catalogue_find(c, "n_outside_manual"));
	CHECK(export_catalogue_find(c, "txt_notes")->free_text);
	CHECK(export_catalogue_find(c, "session")->automatic);
	for (i = 0; i < c->n_vars; i++) {
		CHECK(export_name_ok(c->vars[i].name));
		for (k = 0; k < i; k++)
			CHECK(strcmp(c->vars[i].name, c->vars[k].name));
	}
	export_catalogue_free(c);
	c = export_catalogue_new(in, "nb");
	CHECK(strstr(export_catalogue_find(c, "item03_adh")->label, "Ledd 3"));
	CHECK(strstr(export_catalogue_find(c, "item03_adh")->label, "etterlevelse"));
	export_catalogue_free(c);
	instrument_free(in);
}

TEST(test_export_catalogue_of_miti_and_ctrs_names_by_id)
{
	struct instrument *m = unit_shipped_instrument("miti-4.2.1.json"),
	                  *t = unit_shipped_instrument("ctrs-1.json");
	struct export_catalogue *c;

	CHECK(m && t);
	c = export_catalogue_new(m, "da");
	CHECK(export_catalogue_find(c, "persuade_with_cnt"));
	CHECK(export_catalogue_find(c, "glob_partnership"));
	CHECK(export_catalogue_find(c, "idx_pct_cr"));
	CHECK(export_catalogue_find(c, "n_cr"));
	export_catalogue_free(c);
	c = export_catalogue_new(t, "en");
	CHECK(export_catalogue_find(c, "guided_discovery_comp"));
	CHECK(export_catalogue_find(c, "idx_total"));
	CHECK(!export_catalogue_find(c, "n_agenda"));
	export_catalogue_free(c);
	instrument_free(m);
	instrument_free(t);
}

TEST(test_export_csv_quotes_only_what_needs_it)
{
	struct kv_buf b = KV_BUF_INIT(4096);

	CHECK_INT(export_csv_field(&b, "plain"), 0);
	kv_buf_addch(&b, '|');
	export_csv_field(&b, "a,b");
	kv_buf_addch(&b, '|');
	export_csv_field(&b, "she said \"no\"");
	kv_buf_addch(&b, '|');
	export_csv_field(&b, "two\r\nlines");
	kv_buf_addch(&b, '|');
	export_csv_field(&b, "");
	kv_buf_addch(&b, '|');
	export_csv_field(&b, "blåbær");
	CHECK_STR(kv_buf_str(&b), "plain|\"a,b\"|\"she said \"\"no\"\"\"|\"two\r\nlines\"||blåbær");
	kv_buf_release(&b);
}

/* ---- A small dataset: two sessions with a consensus each, one rated by two raters ---- */

struct fixture {
	struct instrument *in;
	struct export_catalogue *cat;
	json_t *scores[4], *counts[4];
	struct export_input rows[4];
};

static void fixture_init(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->in = unit_shipped_instrument("mbt-i-aqs-1.json");
	f->cat = f->in ? export_catalogue_new(f->in, "en") : NULL;
	for (i = 0; i < 4; i++) {
		int q = (int)(4 + i % 2);
		f->scores[i] = json_pack("{s:{s:i}, s:{s:i}, s:{s:i}, s:{s:i, s:i}, s:{s:i, s:i}}",
		                         "1", "quality", q, "2", "quality", q, "13", "quality", q,
		                         "3", "adherence", (int)(2 + i), "quality", 3, "global",
		                         "adherence", 4, "quality", (int)(5 - i % 2));
		f->counts[i] = json_pack("{s:i, s:i}", "16", (int)(3 + i), "outside_manual", 1);
		f->rows[i].scores = f->scores[i];
		f->rows[i].code_counts = f->counts[i];
		f->rows[i].therapist_id = 501;
		f->rows[i].institution_id = 9;
		f->rows[i].year = 2026;
		f->rows[i].phase = "middle";
		f->rows[i].modality = "individual";
	}
	/* Session 7001 (case 77): consensus and two raters. Session 7002 (case 78): consensus. */
	f->rows[0].submission_id = f->rows[1].submission_id = f->rows[2].submission_id = 7001;
	f->rows[3].submission_id = 7002;
	f->rows[0].case_id = f->rows[1].case_id = f->rows[2].case_id = 77;
	f->rows[3].case_id = 78;
	f->rows[0].consensus = f->rows[3].consensus = 1;
	f->rows[1].rater_id = 301;
	f->rows[2].rater_id = 302;
	f->rows[0].month = f->rows[1].month = f->rows[2].month = 3;
	f->rows[3].month = 4;
	f->rows[0].session_number = 12;
	f->rows[3].session_number = 0; /* unknown */
	f->rows[0].notes = "Konsensus, \"enig\" etter diskusjon";
	f->rows[3].questions = "Hvordan utfordre mer?";
}

static void fixture_release(struct fixture *f)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		json_decref(f->scores[i]);
		json_decref(f->counts[i]);
	}
	export_catalogue_free(f->cat);
	instrument_free(f->in);
}

static struct export_dataset *build(struct fixture *f, const char *names, enum export_level level,
                                    int free_text, char *err, size_t errlen)
{
	struct export_options o;
	json_error_t e;
	json_t *chosen = json_loads(names, 0, &e);
	struct export_dataset *ds;

	memset(&o, 0, sizeof(o));
	o.level = level;
	o.free_text = free_text;
	key_fill(o.key, 9);
	ds = export_dataset_build(f->cat, f->in, chosen, f->rows, 4, &o, err, errlen);
	json_decref(chosen);
	return ds;
}

TEST(test_export_dataset_refuses_unknown_and_unapproved_variables)
{
	struct fixture f;
	char err[200];

	fixture_init(&f);
	CHECK(f.cat);
	CHECK(!build(&f, "[\"therapist\", \"item99_adh\"]", EXPORT_LEVEL_CONSENSUS, 0, err,
	             sizeof(err)));
	CHECK_STR(err, "variables[1]: no such variable");
	CHECK(!build(&f, "[\"txt_notes\"]", EXPORT_LEVEL_CONSENSUS, 0, err, sizeof(err)));
	CHECK_STR(err, "variables[0]: free text was not approved");
	CHECK(!build(&f, "[\"session\"]", EXPORT_LEVEL_CONSENSUS, 0, err, sizeof(err)));
	CHECK(
	    !build(&f, "[\"patient\", \"patient\"]", EXPORT_LEVEL_CONSENSUS, 0, err, sizeof(err)));
	CHECK_STR(err, "variables[1]: listed twice");
	fixture_release(&f);
}

TEST(test_export_csv_of_consensus_rows)
{
	struct fixture f;
	struct export_dataset *ds;
	struct kv_buf b = KV_BUF_INIT(1 << 20);
	char err[200];
	const char *csv;

	fixture_init(&f);
	ds = build(&f,
	           "[\"therapist\", \"patient\", \"session_month\", \"session_number\", "
	           "\"item03_adh\", \"glob_qual\", \"idx_support\", \"n_16\", \"txt_notes\", "
	           "\"txt_questions\"]",
	           EXPORT_LEVEL_CONSENSUS, 1, err, sizeof(err));
	CHECK(ds);
	CHECK_INT(ds->n_rows, 2);
	CHECK_INT(ds->n_sessions, 2);
	CHECK_INT(ds->n_patients, 2);
	CHECK_INT(ds->n_therapists, 1);
	CHECK_INT(export_write_csv(ds, &b), 0);
	csv = kv_buf_str(&b);
	CHECK(!strncmp(csv,
	               "session,therapist,patient,session_month,session_number,item03_adh,"
	               "glob_qual,idx_support,n_16,txt_notes,txt_questions\r\n",
	               strlen("session,therapist,patient,session_month,session_number,"
	                      "item03_adh,glob_qual,idx_support,n_16,txt_notes,"
	                      "txt_questions\r\n")));
	/* March before April; the unknown session number and absent text stay empty. */
	CHECK(strstr(csv, ",T001,"));
	CHECK(strstr(csv, ",3,12,2,5,4,3,\"Konsensus, \"\"enig\"\" etter diskusjon\",\r\n"));
	CHECK(strstr(csv, ",4,,5,4,5,6,,Hvordan utfordre mer?\r\n"));
	CHECK(strstr(csv, ",3,12,") < strstr(csv, ",4,,"));
	/* No internal id anywhere. */
	CHECK(!strstr(csv, "7001") && !strstr(csv, "501") && !strstr(csv, "77"));
	kv_buf_release(&b);
	export_dataset_free(ds);
	fixture_release(&f);
}

TEST(test_export_rater_rows_carry_rater_codes_and_source)
{
	struct fixture f;
	struct export_dataset *ds;
	struct kv_buf b = KV_BUF_INIT(1 << 20);
	char err[200];

	fixture_init(&f);
	ds = build(&f, "[\"item01_qual\"]", EXPORT_LEVEL_BOTH, 0, err, sizeof(err));
	CHECK(ds);
	CHECK_INT(ds->n_rows, 4);
	CHECK_INT(ds->n_sessions, 2);
	CHECK_INT(export_write_csv(ds, &b), 0);
	CHECK(!strncmp(kv_buf_str(&b), "session,source,rater,item01_qual\r\n", 34));
	/* The consensus first, then the raters R01 and R02, of the same session code. */
	CHECK(strstr(kv_buf_str(&b), ",1,,4\r\n"));
	CHECK(strstr(kv_buf_str(&b), ",2,R01,"));
	CHECK(strstr(kv_buf_str(&b), ",2,R02,"));
	export_dataset_free(ds);
	kv_buf_release(&b);
	ds = build(&f, "[\"item01_qual\"]", EXPORT_LEVEL_RATER, 0, err, sizeof(err));
	CHECK(ds);
	CHECK_INT(ds->n_rows, 2);
	CHECK_INT(ds->n_sessions, 1);
	export_dataset_free(ds);
	fixture_release(&f);
}

TEST(test_export_codebook_lists_labels_values_and_missing)
{
	struct fixture f;
	struct export_dataset *ds;
	struct kv_buf b = KV_BUF_INIT(1 << 20);
	char err[200];
	const char *cb;

	fixture_init(&f);
	ds = build(&f, "[\"item03_adh\", \"modality\", \"idx_support\"]", EXPORT_LEVEL_CONSENSUS, 0,
	           err, sizeof(err));
	CHECK(ds);
	CHECK_INT(export_write_codebook(ds, &b), 0);
	cb = kv_buf_str(&b);
	CHECK(!strncmp(cb, "variable,label,type,measure,group,values,missing\r\n", 50));
	CHECK(strstr(cb, "item03_adh,Item 3 Challenging unwarranted beliefs: adherence,integer,"
	                 "ordinal,items,1 = Very low; 2 = Low; 3 = Somewhat below good enough; "
	                 "4 = Good enough;"));
	CHECK(strstr(cb, "modality,Therapy form,integer,nominal,session,1 = Individual; 2 = "
	                 "Group,empty = unknown\r\n"));
	CHECK(strstr(cb, "idx_support,"));
	CHECK(strstr(cb, "empty = not computable"));
	kv_buf_release(&b);
	export_dataset_free(ds);
	fixture_release(&f);
}

/* ---- Reading the files back with ReadStat ---- */

struct readback {
	char names[64][40];
	char labels[64][400];
	char sets[64][40];
	int n_vars;
	char vl_set[64][40];
	double vl_value[64];
	char vl_label[64][200];
	int n_vl;
	/* values[row][var] as text ("" for missing) */
	char values[8][64][200];
	int rows;
};

static int on_var(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
	struct readback *r = ctx;

	if (index >= 64)
		return READSTAT_HANDLER_ABORT;
	snprintf(r->names[index], sizeof(r->names[index]), "%s", readstat_variable_get_name(v));
	snprintf(r->labels[index], sizeof(r->labels[index]), "%s",
	         readstat_variable_get_label(v) ? readstat_variable_get_label(v) : "");
	snprintf(r->sets[index], sizeof(r->sets[index]), "%s", val_labels ? val_labels : "");
	r->n_vars = index + 1;
	return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
	struct readback *r = ctx;

	if (r->n_vl >= 64)
		return READSTAT_HANDLER_OK;
	snprintf(r->vl_set[r->n_vl], sizeof(r->vl_set[0]), "%s", set);
	r->vl_value[r->n_vl] = readstat_value_type(value) == READSTAT_TYPE_INT32
	                           ? readstat_int32_value(value)
	                           : readstat_double_value(value);
	snprintf(r->vl_label[r->n_vl], sizeof(r->vl_label[0]), "%s", label);
	r->n_vl++;
	return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
	struct readback *r = ctx;
	int k = readstat_variable_get_index(v);
	char *cell;

	if (obs >= 8 || k >= 64)
		return READSTAT_HANDLER_ABORT;
	cell = r->values[obs][k];
	if (obs + 1 > r->rows)
		r->rows = obs + 1;
	if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING)
		snprintf(cell, 200, "%s",
		         readstat_string_value(value) ? readstat_string_value(value) : "");
	else if (readstat_value_is_system_missing(value))
		cell[0] = '\0';
	else if (readstat_value_type(value) == READSTAT_TYPE_INT32)
		snprintf(cell, 200, "%d", readstat_int32_value(value));
	else if (readstat_value_type(value) == READSTAT_TYPE_INT16)
		snprintf(cell, 200, "%d", readstat_int16_value(value));
	else if (readstat_value_type(value) == READSTAT_TYPE_INT8)
		snprintf(cell, 200, "%d", readstat_int8_value(value));
	else
		snprintf(cell, 200, "%g", readstat_double_value(value));
	return READSTAT_HANDLER_OK;
}

static int read_back(const struct kv_buf *file, int dta, struct readback *r)
{
	char path[512];
	FILE *fp;
	readstat_parser_t *p;
	readstat_error_t e;

	snprintf(path, sizeof(path), "%s/export.%s", unit_tmpdir(), dta ? "dta" : "sav");
	fp = fopen(path, "wb");
	if (!fp || fwrite(file->data, 1, file->len, fp) != file->len) {
		if (fp)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	memset(r, 0, sizeof(*r));
	p = readstat_parser_init();
	readstat_set_variable_handler(p, on_var);
	readstat_set_value_label_handler(p, on_value_label);
	readstat_set_value_handler(p, on_value);
	e = dta ? readstat_parse_dta(p, path, r) : readstat_parse_sav(p, path, r);
	readstat_parser_free(p);
	remove(path);
	if (e != READSTAT_OK)
		printf("    readstat: %s\n", readstat_error_message(e));
	return e == READSTAT_OK ? 0 : -1;
}

static int var_index(const struct readback *r, const char *name)
{
	int i;

	for (i = 0; i < r->n_vars; i++)
		if (!strcmp(r->names[i], name))
			return i;
	return -1;
}

static const char *value_label(const struct readback *r, const char *set, double value)
{
	int i;

	for (i = 0; i < r->n_vl; i++)
		if (!strcmp(r->vl_set[i], set) && r->vl_value[i] == value)
			return r->vl_label[i];
	return NULL;
}

static void check_readback(int dta)
{
	struct fixture f;
	struct export_dataset *ds;
	struct kv_buf file = KV_BUF_INIT(EXPORT_FILE_MAX);
	struct readback *r = calloc(1, sizeof(*r));
	char err[200];
	int k, mod, row;

	fixture_init(&f);
	ds = build(&f,
	           "[\"therapist\", \"patient\", \"session_number\", \"modality\", \"item03_adh\", "
	           "\"glob_qual\", \"idx_support\", \"txt_notes\"]",
	           EXPORT_LEVEL_CONSENSUS, 1, err, sizeof(err));
	CHECK(ds && r);
	ds->note = strdup("kvalab research export 12\ninstrument mbt-i-aqs 1");
	if (dta)
		CHECK_INT(export_write_dta(ds, &file, err, sizeof(err)), 0);
	else
		CHECK_INT(export_write_sav(ds, &file, err, sizeof(err)), 0);
	if (!dta)
		CHECK(!memcmp(file.data, "$FL2", 4));
	CHECK_INT(read_back(&file, dta, r), 0);
	CHECK_INT(r->n_vars, 9);
	CHECK_STR(r->names[0], "session");
	CHECK_STR(r->names[1], "therapist");
	k = var_index(r, "item03_adh");
	CHECK(k >= 0);
	CHECK_STR(r->labels[k], "Item 3 Challenging unwarranted beliefs: adherence");
	CHECK(r->sets[k][0]);
	CHECK_STR(value_label(r, r->sets[k], 4), "Good enough");
	CHECK_STR(value_label(r, r->sets[k], 7), "Very high");
	mod = var_index(r, "modality");
	CHECK_STR(value_label(r, r->sets[mod], 2), "Group");
	CHECK_INT(r->rows, 2);
	/* Row order as in the CSV: the March session (number 12) first. */
	row = !strcmp(r->values[0][var_index(r, "session_number")], "12") ? 0 : 1;
	CHECK_INT(row, 0);
	CHECK_STR(r->values[0][k], "2");
	CHECK_STR(r->values[1][k], "5");
	CHECK_STR(r->values[0][mod], "1");
	CHECK_STR(r->values[0][var_index(r, "therapist")], "T001");
	CHECK_STR(r->values[1][var_index(r, "session_number")], ""); /* missing */
	CHECK_STR(r->values[0][var_index(r, "idx_support")], "4");
	CHECK_STR(r->values[1][var_index(r, "idx_support")], "5");
	CHECK_STR(r->values[0][var_index(r, "txt_notes")], "Konsensus, \"enig\" etter diskusjon");
	CHECK_STR(r->values[1][var_index(r, "txt_notes")], "");
	free(r);
	kv_buf_release(&file);
	export_dataset_free(ds);
	fixture_release(&f);
}

TEST(test_export_sav_reads_back_with_labels_and_values)
{
	check_readback(0);
}

TEST(test_export_dta_reads_back_with_labels_and_values)
{
	check_readback(1);
}

TEST(test_export_empty_dataset_still_writes_every_format)
{
	struct fixture f;
	struct export_options o;
	struct export_dataset *ds;
	struct kv_buf a = KV_BUF_INIT(1 << 20), s = KV_BUF_INIT(1 << 20), d = KV_BUF_INIT(1 << 20);
	struct readback *r = calloc(1, sizeof(*r));
	json_t *chosen = json_pack("[s, s]", "therapist", "item01_qual");
	char err[200];

	fixture_init(&f);
	memset(&o, 0, sizeof(o));
	ds = export_dataset_build(f.cat, f.in, chosen, f.rows, 0, &o, err, sizeof(err));
	CHECK(ds && r);
	CHECK_INT(ds->n_rows, 0);
	CHECK_INT(export_write_csv(ds, &a), 0);
	CHECK_STR(kv_buf_str(&a), "session,therapist,item01_qual\r\n");
	CHECK_INT(export_write_sav(ds, &s, err, sizeof(err)), 0);
	CHECK_INT(export_write_dta(ds, &d, err, sizeof(err)), 0);
	CHECK_INT(read_back(&s, 0, r), 0);
	CHECK_INT(r->n_vars, 3);
	CHECK_INT(r->rows, 0);
	CHECK_INT(read_back(&d, 1, r), 0);
	CHECK_INT(r->n_vars, 3);
	free(r);
	json_decref(chosen);
	kv_buf_release(&a);
	kv_buf_release(&s);
	kv_buf_release(&d);
	export_dataset_free(ds);
	fixture_release(&f);
}

TEST(test_export_long_text_becomes_strl_in_stata_and_stays_whole_in_spss)
{
	struct fixture f;
	struct export_dataset *ds;
	struct kv_buf s = KV_BUF_INIT(1 << 22), d = KV_BUF_INIT(1 << 22);
	struct readback *r = calloc(1, sizeof(*r));
	char err[200], *longtext = malloc(5001);

	fixture_init(&f);
	CHECK(r && longtext);
	memset(longtext, 'a', 5000);
	memcpy(longtext + 4990, "æøå", 6);
	longtext[4996] = '\0';
	f.rows[0].notes = longtext;
	ds = build(&f, "[\"txt_notes\"]", EXPORT_LEVEL_CONSENSUS, 1, err, sizeof(err));
	CHECK(ds);
	CHECK_INT(export_write_dta(ds, &d, err, sizeof(err)), 0);
	CHECK_INT(export_write_sav(ds, &s, err, sizeof(err)), 0);
	CHECK_INT(read_back(&d, 1, r), 0);
	CHECK_INT(strlen(r->values[0][1]), 199); /* the test keeps 199 bytes of each */
	CHECK_INT(read_back(&s, 0, r), 0);
	CHECK_INT(r->rows, 2);
	free(r);
	free(longtext);
	kv_buf_release(&s);
	kv_buf_release(&d);
	export_dataset_free(ds);
	fixture_release(&f);
}
