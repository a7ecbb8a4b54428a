/* An export as an SPSS .sav or a Stata .dta file, through ReadStat, written into memory: variable
 * labels, value labels on the whole-number scales and categories, measurement levels, and
 * system-missing for every missing value. Texts are cut to what each format holds, never in
 * the middle of a UTF-8 character. */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readstat.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define DTA_STR_MAX 2045    /* longer texts become strL */
#define SAV_STR_MAX 32767   /* the longest SPSS string */
#define SAV_VALUE_LABEL 120 /* bytes */
#define SAV_VAR_LABEL 255
#define SAV_FILE_LABEL 64
#define SAV_NOTE_LINE 80
#define DTA_LABEL_CHARS 80

/* Copies at most max_bytes bytes and max_chars characters of s, whole characters only. */
static char *utf8_cut(const char *s, size_t max_bytes, size_t max_chars)
{
	size_t i = 0, chars = 0, len = strlen(s ? s : "");
	char *out;

	while (i < len && chars < max_chars) {
		size_t n = 1;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0xf0)
			n = 4;
		else if (c >= 0xe0)
			n = 3;
		else if (c >= 0xc0)
			n = 2;
		if (i + n > max_bytes || i + n > len)
			break;
		i += n;
		chars++;
	}
	out = xmalloc(i + 1);
	memcpy(out, s ? s : "", i);
	out[i] = '\0';
	return out;
}

static ssize_t sink(const void *data, size_t len, void *ctx)
{
	return kv_buf_add(ctx, data, len) ? -1 : (ssize_t)len;
}

static readstat_measure_t measure_of(enum export_measure m)
{
	return m == EXPORT_SCALE     ? READSTAT_MEASURE_SCALE
	       : m == EXPORT_ORDINAL ? READSTAT_MEASURE_ORDINAL
	                             : READSTAT_MEASURE_NOMINAL;
}

static size_t max_width(const struct export_dataset *ds, size_t k)
{
	size_t r, w = 1;

	for (r = 0; r < ds->n_rows; r++) {
		const struct export_cell *c = &ds->cells[r * ds->n_vars + k];
		if (c->str && strlen(c->str) > w)
			w = strlen(c->str);
	}
	return w;
}

static int failed(readstat_error_t e, const char *what, char *err, size_t errlen)
{
	if (e == READSTAT_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", what, readstat_error_message(e));
	return 1;
}

/* Adds the note's lines (SPSS documents hold 80 bytes a line). */
static void add_notes(readstat_writer_t *w, const char *note, int dta)
{
	const char *p = note, *nl;

	while (p && *p) {
		char line[512], *cut;
		size_t n;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1),
		         p);
		cut = utf8_cut(line, dta ? sizeof(line) - 1 : SAV_NOTE_LINE, (size_t)-1);
		readstat_add_note(w, cut);
		free(cut);
		p = nl ? nl + 1 : NULL;
	}
}

static int write_file(const struct export_dataset *ds, struct kv_buf *out, int dta, char *err,
                      size_t errlen)
{
	readstat_writer_t *w = readstat_writer_init();
	readstat_variable_t **vars = xcalloc(ds->n_vars + 1, sizeof(*vars));
	readstat_label_set_t **sets = xcalloc(ds->cat->n_sets + 1, sizeof(*sets));
	readstat_string_ref_t **refs = NULL;
	readstat_error_t e = READSTAT_OK;
	size_t k, r, i;
	int rc = -1;
	char *text;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	readstat_set_data_writer(w, sink);
	if (ds->note) {
		char first[128];
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(ds->note, "\n"), ds->note);
		text = utf8_cut(first, dta ? 320 : SAV_FILE_LABEL, dta ? DTA_LABEL_CHARS : 64);
		e = readstat_writer_set_file_label(w, text);
		free(text);
		add_notes(w, ds->note, dta);
	}
	if (!dta && !e)
		e = readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS);
	if (failed(e, "file label", err, errlen))
		goto out;
	/* Value labels only on whole-number variables: Stata labels integers alone. */
	for (k = 0; k < ds->n_vars; k++) {
		const struct export_var *v = &ds->vars[k];
		const struct export_labelset *s;
		if (v->labelset < 0 || !v->integer || sets[v->labelset])
			continue;
		s = &ds->cat->sets[v->labelset];
		sets[v->labelset] = readstat_add_label_set(w, READSTAT_TYPE_INT32, s->name);
		for (i = 0; i < s->n; i++) {
			text = utf8_cut(s->v[i].label, dta ? 32000 : SAV_VALUE_LABEL, (size_t)-1);
			readstat_label_int32_value(sets[v->labelset], (int32_t)s->v[i].value, text);
			free(text);
		}
	}
	for (k = 0; k < ds->n_vars; k++) {
		const struct export_var *v = &ds->vars[k];
		readstat_type_t type = READSTAT_TYPE_DOUBLE;
		size_t width = 0;
		if (v->is_string) {
			width = max_width(ds, k);
			type = READSTAT_TYPE_STRING;
			if (dta && width > DTA_STR_MAX)
				type = READSTAT_TYPE_STRING_REF;
			if (!dta && width > SAV_STR_MAX)
				width = SAV_STR_MAX;
		} else if (v->integer) {
			type = READSTAT_TYPE_INT32;
		}
		vars[k] = readstat_add_variable(w, v->name, type,
		                                type == READSTAT_TYPE_STRING ? width : 0);
		text = utf8_cut(v->label, dta ? 320 : SAV_VAR_LABEL,
		                dta ? DTA_LABEL_CHARS : (size_t)-1);
		readstat_variable_set_label(vars[k], text);
		free(text);
		readstat_variable_set_measure(vars[k], measure_of(v->measure));
		if (v->labelset >= 0 && sets[v->labelset])
			readstat_variable_set_label_set(vars[k], sets[v->labelset]);
		if (!dta && !v->is_string)
			readstat_variable_set_format(vars[k], v->integer ? "F8.0" : "F10.4");
		if (v->is_string)
			readstat_variable_set_display_width(vars[k], width < 40 ? (int)width : 40);
	}
	/* Stata's long texts (strL) must all be known before the file begins: its map of
	 * sections holds where they will lie. */
	for (k = 0; dta && k < ds->n_vars; k++) {
		if (readstat_variable_get_type(vars[k]) != READSTAT_TYPE_STRING_REF)
			continue;
		if (!refs)
			refs = xcalloc(ds->n_rows * ds->n_vars + 1, sizeof(*refs));
		for (r = 0; r < ds->n_rows; r++) {
			const struct export_cell *c = &ds->cells[r * ds->n_vars + k];
			refs[r * ds->n_vars + k] = readstat_add_string_ref(w, c->str ? c->str : "");
		}
	}
	e = dta ? readstat_begin_writing_dta(w, out, (long)ds->n_rows)
	        : readstat_begin_writing_sav(w, out, (long)ds->n_rows);
	if (!e)
		e = readstat_validate_metadata(w);
	for (k = 0; !e && k < ds->n_vars; k++)
		e = readstat_validate_variable(w, vars[k]);
	if (failed(e, "the file's description", err, errlen))
		goto out;
	for (r = 0; r < ds->n_rows; r++) {
		if (failed(readstat_begin_row(w), "a row", err, errlen))
			goto out;
		for (k = 0; k < ds->n_vars; k++) {
			const struct export_cell *c = &ds->cells[r * ds->n_vars + k];
			readstat_type_t type = readstat_variable_get_type(vars[k]);
			if (type == READSTAT_TYPE_STRING_REF)
				e = readstat_insert_string_ref(w, vars[k],
				                               refs[r * ds->n_vars + k]);
			else if (type == READSTAT_TYPE_STRING) {
				text = utf8_cut(c->str, SAV_STR_MAX, (size_t)-1);
				e = readstat_insert_string_value(w, vars[k], text);
				free(text);
			} else if (c->missing)
				e = readstat_insert_missing_value(w, vars[k]);
			else if (type == READSTAT_TYPE_INT32)
				e = readstat_insert_int32_value(w, vars[k], (int32_t)c->num);
			else
				e = readstat_insert_double_value(w, vars[k], c->num);
			if (failed(e, ds->vars[k].name, err, errlen))
				goto out;
		}
		if (failed(readstat_end_row(w), "a row", err, errlen))
			goto out;
	}
	if (failed(readstat_end_writing(w), "the end of the file", err, errlen))
		goto out;
	rc = 0;
out:
	if (w)
		readstat_writer_free(w);
	free(vars);
	free(sets);
	free(refs);
	return rc;
}

int export_write_sav(const struct export_dataset *ds, struct kv_buf *out, char *err, size_t errlen)
{
	return write_file(ds, out, 0, err, errlen);
}

int export_write_dta(const struct export_dataset *ds, struct kv_buf *out, char *err, size_t errlen)
{
	return write_file(ds, out, 1, err, errlen);
}
