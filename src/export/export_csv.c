/* An export as CSV (RFC 4180) and its codebook: what each variable is, its values with their
 * labels, and what an empty value means. */
#include "export/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

int export_csv_field(struct kv_buf *out, const char *s)
{
	const char *p;

	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n"))
		return kv_buf_adds(out, s);
	if (kv_buf_addch(out, '"'))
		return -1;
	for (p = s; *p; p++)
		if ((*p == '"' && kv_buf_addch(out, '"')) || kv_buf_addch(out, *p))
			return -1;
	return kv_buf_addch(out, '"');
}

/* The shortest text that reads back as the same double, with "." as the decimal point. */
static void number_text(double v, char out[40])
{
	int prec;

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, 40, "%.0f", v);
		return;
	}
	for (prec = 6; prec <= 17; prec++) {
		snprintf(out, 40, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

int export_write_csv(const struct export_dataset *ds, struct kv_buf *out)
{
	size_t r, k;
	char num[40];

	for (k = 0; k < ds->n_vars; k++)
		if ((k && kv_buf_addch(out, ',')) || export_csv_field(out, ds->vars[k].name))
			return -1;
	if (kv_buf_adds(out, "\r\n"))
		return -1;
	for (r = 0; r < ds->n_rows; r++) {
		for (k = 0; k < ds->n_vars; k++) {
			const struct export_cell *c = &ds->cells[r * ds->n_vars + k];
			if (k && kv_buf_addch(out, ','))
				return -1;
			if (c->missing)
				continue;
			if (ds->vars[k].is_string) {
				if (export_csv_field(out, c->str))
					return -1;
			} else {
				number_text(c->num, num);
				if (kv_buf_adds(out, num))
					return -1;
			}
		}
		if (kv_buf_adds(out, "\r\n"))
			return -1;
	}
	return 0;
}

static const char *measure_name(enum export_measure m)
{
	return m == EXPORT_SCALE ? "scale" : m == EXPORT_ORDINAL ? "ordinal" : "nominal";
}

int export_write_codebook(const struct export_dataset *ds, struct kv_buf *out)
{
	struct kv_buf cell = KV_BUF_INIT(1u << 20);
	size_t k, i;
	int rc = -1;
	char num[40];

	if (kv_buf_adds(out, "variable,label,type,measure,group,values,missing\r\n"))
		goto out;
	for (k = 0; k < ds->n_vars; k++) {
		const struct export_var *v = &ds->vars[k];
		const char *type = v->is_string ? "string" : v->integer ? "integer" : "number";
		kv_buf_clear(&cell);
		if (v->labelset >= 0) {
			const struct export_labelset *s = &ds->cat->sets[v->labelset];
			for (i = 0; i < s->n; i++) {
				number_text(s->v[i].value, num);
				if (kv_buf_addf(&cell, "%s%s = %s", i ? "; " : "", num,
				                s->v[i].label))
					goto out;
			}
		}
		if (export_csv_field(out, v->name) || kv_buf_addch(out, ',') ||
		    export_csv_field(out, v->label) || kv_buf_addch(out, ',') ||
		    kv_buf_adds(out, type) || kv_buf_addch(out, ',') ||
		    kv_buf_adds(out, measure_name(v->measure)) || kv_buf_addch(out, ',') ||
		    kv_buf_adds(out, v->group) || kv_buf_addch(out, ',') ||
		    export_csv_field(out, kv_buf_str(&cell)) || kv_buf_addch(out, ','))
			goto out;
		kv_buf_clear(&cell);
		if (v->missing && *v->missing && kv_buf_addf(&cell, "empty = %s", v->missing))
			goto out;
		if (!v->missing || !*v->missing) {
			if (kv_buf_adds(&cell, v->free_text ? "empty = none" : "never empty"))
				goto out;
		}
		if (export_csv_field(out, kv_buf_str(&cell)) || kv_buf_adds(out, "\r\n"))
			goto out;
	}
	rc = 0;
out:
	kv_buf_release(&cell);
	return rc;
}
