/* The report's words: the key figures, what the profile shows (strengths and improvement
 * points by the profile's rules), and the supervisor's written feedback with its clip times. */
#include "report/pdf_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define C_INK 0x1a1a1a
#define C_MUTED 0x6b6b6b

static double num(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

static const char *sval(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* ---- Key figures ---- */

/* Enough for every global (at most 50) and derived index (at most 100) an instrument has. */
#define KEY_ROWS 160

struct key_row {
	char label[256];
	char value[256];
};

struct key_col {
	struct key_row rows[KEY_ROWS];
	size_t n;
};

static void key_add(struct key_col *c, const char *label, const char *value)
{
	if (c->n == KEY_ROWS)
		return;
	snprintf(c->rows[c->n].label, sizeof(c->rows[0].label), "%s", label);
	snprintf(c->rows[c->n].value, sizeof(c->rows[0].value), "%s", value);
	c->n++;
}

static void counts_rows(struct rpt *r, struct key_col *c)
{
	const json_t *p = r->ri->profile, *counts = json_object_get(p, "counts"), *g;
	double dur = num(json_object_get(counts, "duration_s"));
	char v[128], pct[32];
	size_t i;

	snprintf(v, sizeof(v), "%lld",
	         (long long)json_integer_value(json_object_get(counts, "total")));
	key_add(c, rpt_msg(r, RM_INTERVENTIONS), v);
	rpt_fmt_fixed(r, num(json_object_get(counts, "per_minute")), 2, v, sizeof(v));
	key_add(c, rpt_msg(r, RM_PER_MINUTE), v);
	if (!isnan(dur)) {
		snprintf(v, sizeof(v), "%.0f min", round(dur / 60));
		key_add(c, rpt_msg(r, RM_RECORDING), v);
	}
	rpt_fmt_pct(r, num(json_object_get(counts, "within_manual_share")), pct, sizeof(pct));
	snprintf(v, sizeof(v), "%lld (%s)",
	         (long long)json_integer_value(json_object_get(counts, "within_manual")), pct);
	key_add(c, rpt_msg(r, RM_WITHIN_MANUAL), v);
	json_array_foreach(json_object_get(p, "globals"), i, g)
	{
		rpt_fmt_num(r, num(json_object_get(g, "value")), v, sizeof(v));
		key_add(c, sval(g, "label"), v);
	}
}

static void derived_rows(struct rpt *r, struct key_col *c)
{
	const json_t *d;
	char v[256], n[32];
	size_t i;

	json_array_foreach(json_object_get(r->ri->profile, "derived"), i, d)
	{
		rpt_fmt_num(r, num(json_object_get(d, "value")), n, sizeof(n));
		if (json_is_string(json_object_get(d, "band_label")))
			snprintf(v, sizeof(v), "%s · %s", n, sval(d, "band_label"));
		else
			snprintf(v, sizeof(v), "%s", n);
		key_add(c, sval(d, "label"), v);
	}
}

#define KEY_GAP 20.0
#define KEY_VALUE_W 78.0

static double key_row_height(struct rpt *r, const struct key_row *k, double colw)
{
	return fmax(rpt_text_height(r, k->label, RPT_F_SMALL, colw - KEY_VALUE_W), 10) + 3;
}

static double key_col_height(struct rpt *r, const struct key_col *c, double colw)
{
	double h = 0;
	size_t i;

	for (i = 0; i < c->n; i++)
		h += key_row_height(r, &c->rows[i], colw);
	return h;
}

static void key_row_draw(struct rpt *r, const struct key_row *k, double x, double y, double colw)
{
	rpt_rgb(r, C_MUTED);
	rpt_text(r, x, y, k->label, RPT_F_SMALL, colw - KEY_VALUE_W, 0);
	rpt_rgb(r, C_INK);
	rpt_text_right(r, x + colw, y - 1, k->value, RPT_F_BOLD);
}

static void key_col_draw(struct rpt *r, const struct key_col *c, double x, double colw)
{
	double y = r->y;
	size_t i;

	for (i = 0; i < c->n; i++) {
		key_row_draw(r, &c->rows[i], x, y, colw);
		y += key_row_height(r, &c->rows[i], colw);
	}
}

/* One column after the other, over as many pages as it takes. */
static void key_col_flow(struct rpt *r, const struct key_col *c, double colw)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		double h = key_row_height(r, &c->rows[i], colw);
		rpt_need(r, h);
		key_row_draw(r, &c->rows[i], r->x0, r->y, colw);
		r->y += h;
	}
}

/* Counts and global ratings on the left, derived indices with their bands on the right; in
 * one column when they are too long for a page. */
void rpt_key_figures(struct rpt *r)
{
	struct key_col *left = xcalloc(1, sizeof(*left)), *right = xcalloc(1, sizeof(*right));
	double colw = (r->x1 - r->x0 - KEY_GAP) / 2, h;

	counts_rows(r, left);
	derived_rows(r, right);
	h = fmax(key_col_height(r, left, colw), key_col_height(r, right, colw));
	rpt_heading(r, rpt_msg(r, RM_KEY_FIGURES), fmin(h, r->bottom - RPT_MARGIN_TOP - 60));
	if (r->y + h <= r->bottom) {
		key_col_draw(r, left, r->x0, colw);
		key_col_draw(r, right, r->x0 + colw + KEY_GAP, colw);
		r->y += h;
	} else {
		key_col_flow(r, left, colw);
		key_col_flow(r, right, colw);
	}
	free(right);
	free(left);
}

/* ---- What the profile shows ---- */

/* The facet's name as it reads inside a sentence ("kvalitet"). */
static void facet_word(struct rpt *r, const char *facet, char *buf, size_t len)
{
	enum rpt_msg m = RM_QUALITY;

	if (!strcmp(facet, "adherence"))
		m = RM_ADHERENCE;
	else if (!strcmp(facet, "competence"))
		m = RM_COMPETENCE;
	snprintf(buf, len, "%s", rpt_msg(r, m));
	rpt_lower_words(buf);
}

static void finding_list(struct rpt *r, enum rpt_msg title, const json_t *list)
{
	char line[768], facet[64], v[32];
	const json_t *f;
	size_t i;

	rpt_need(r, 26);
	rpt_rgb(r, C_INK);
	r->y += rpt_text(r, r->x0, r->y, rpt_msg(r, title), RPT_F_BOLD, 0, 0) + 2;
	if (!json_array_size(list)) {
		rpt_paragraph(r, r->x0 + 10, rpt_msg(r, RM_NONE), RPT_F_BODY);
		return;
	}
	json_array_foreach(list, i, f)
	{
		const char *reason = sval(f, "reason");
		enum rpt_msg why = !strcmp(reason, "not_used")            ? RM_NOT_USED
		                   : !strcmp(reason, "above_good_enough") ? RM_ABOVE
		                                                          : RM_BELOW;
		facet_word(r, sval(f, "facet"), facet, sizeof(facet));
		rpt_fmt_num(r, num(json_object_get(f, "value")), v, sizeof(v));
		snprintf(line, sizeof(line), "• %s %s: %s %s, %s", sval(f, "item"),
		         sval(f, "label"), facet, v, rpt_msg(r, why));
		rpt_rgb(r, C_INK);
		rpt_paragraph(r, r->x0 + 10, line, RPT_F_BODY);
		r->y += 1;
	}
}

void rpt_findings(struct rpt *r)
{
	const json_t *p = r->ri->profile;

	if (!json_is_number(json_object_get(p, "good_enough")))
		return;
	rpt_heading(r, rpt_msg(r, RM_FINDINGS), 40);
	finding_list(r, RM_STRENGTHS, json_object_get(p, "strengths"));
	r->y += 6;
	finding_list(r, RM_IMPROVEMENTS, json_object_get(p, "improvements"));
}

/* ---- The written feedback ---- */

static const char *item_label(const struct rpt *r, const char *id)
{
	const json_t *items = json_object_get(r->ri->profile, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (!strcmp(sval(it, "id"), id))
			return sval(it, "label");
	}
	return "";
}

static void clip_line(struct rpt *r, const json_t *clip)
{
	const json_t *end = json_object_get(clip, "end_ms");
	char a[32], b[32], line[512];

	rpt_fmt_time(json_integer_value(json_object_get(clip, "start_ms")), a, sizeof(a));
	if (json_is_integer(end)) {
		rpt_fmt_time(json_integer_value(end), b, sizeof(b));
		snprintf(line, sizeof(line), "%s %s–%s  %s", rpt_msg(r, RM_CLIP), a, b,
		         sval(clip, "label"));
	} else {
		snprintf(line, sizeof(line), "%s %s  %s", rpt_msg(r, RM_CLIP), a,
		         sval(clip, "label"));
	}
	rpt_rgb(r, C_MUTED);
	rpt_paragraph(r, r->x0 + 10, line, RPT_F_SMALL);
}

static void point(struct rpt *r, const json_t *pt)
{
	const char *title = sval(pt, "title"), *body = sval(pt, "body");
	const json_t *item = json_object_get(pt, "item_id"), *clip;
	char line[512];
	size_t i;

	rpt_need(r, rpt_text_height(r, title, RPT_F_BOLD, r->x1 - r->x0) + 24);
	rpt_rgb(r, C_INK);
	if (*title)
		rpt_paragraph(r, r->x0, title, RPT_F_BOLD);
	if (json_is_string(item)) {
		snprintf(line, sizeof(line), "%s %s: %s", rpt_msg(r, RM_ITEM),
		         json_string_value(item), item_label(r, json_string_value(item)));
		rpt_rgb(r, C_MUTED);
		rpt_paragraph(r, r->x0, line, RPT_F_SMALL);
	}
	if (*body) {
		r->y += 1;
		rpt_rgb(r, C_INK);
		rpt_paragraph(r, r->x0, body, RPT_F_BODY);
	}
	json_array_foreach(json_object_get(pt, "clips"), i, clip)
	{
		clip_line(r, clip);
	}
	r->y += 8;
}

/* Points of one kind in their given order, under a subheading; kind NULL: any other kind. */
static void points_of(struct rpt *r, const json_t *points, const char *kind, enum rpt_msg title)
{
	const json_t *pt;
	size_t i;
	int first = 1;

	json_array_foreach(points, i, pt)
	{
		const char *k = sval(pt, "kind");
		int other = strcmp(k, "strength") && strcmp(k, "improvement");
		if (kind ? strcmp(k, kind) != 0 : !other)
			continue;
		if (first && kind) {
			rpt_need(r, 60);
			rpt_rgb(r, C_INK);
			r->y += rpt_text(r, r->x0, r->y, rpt_msg(r, title), RPT_F_BOLD, 0, 0) + 4;
		}
		first = 0;
		point(r, pt);
	}
}

void rpt_written(struct rpt *r)
{
	const json_t *fb = r->ri->feedback, *points = json_object_get(fb, "points");
	const char *summary = sval(fb, "summary");

	if (!*summary && !json_array_size(points))
		return;
	rpt_heading(r, rpt_msg(r, RM_WRITTEN), 40);
	if (*summary) {
		rpt_rgb(r, C_INK);
		r->y += rpt_text(r, r->x0, r->y, rpt_msg(r, RM_SUMMARY), RPT_F_BOLD, 0, 0) + 2;
		rpt_paragraph(r, r->x0, summary, RPT_F_BODY);
		r->y += 10;
	}
	points_of(r, points, "strength", RM_STRENGTHS);
	points_of(r, points, "improvement", RM_IMPROVEMENTS);
	points_of(r, points, NULL, RM__MAX);
}
