/* The report's charts, drawn with cairo: adherence and quality per item against the
 * good-enough line and the lab's quartiles, the distribution of interventions, the
 * support/challenge figure and the therapist's trend. */
#include "report/pdf_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define C_ADHERENCE 0x9ecae1
#define C_QUALITY 0x2171b5
#define C_GLOBAL 0x6a51a3
#define C_REF_BAND 0xd4d4d4
#define C_MEDIAN 0x252525
#define C_LINE 0x525252 /* the good-enough line */
#define C_GRID 0xececec
#define C_OUTSIDE 0xfd8d3c
#define C_UNCLASS 0xbdbdbd
#define C_SUPPORT 0x238b45
#define C_CHALLENGE 0xd94801
#define C_INK 0x1a1a1a
#define C_MUTED 0x6b6b6b

#define LABEL_W 205.0 /* item labels, left of the bars */
#define VALUE_W 30.0  /* numbers, right of the bars */
#define BAR_H 5.5
#define BAR_PITCH 7.5

struct scale {
	double min, max, x0, x1;
};

struct bar {
	enum rpt_msg name;
	unsigned colour;
	double value;
	const json_t *ref; /* {"n", "median", "q1", "q3"} or NULL */
};

struct row {
	char label[320];
	struct bar bars[3];
	int n;
};

static double num(const json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : NAN;
}

static const char *sval(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static double sx(const struct scale *s, double v)
{
	return s->x0 + (v - s->min) / (s->max - s->min) * (s->x1 - s->x0);
}

static void rect(struct rpt *r, double x, double y, double w, double h, unsigned rgb)
{
	rpt_rgb(r, rgb);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_fill(r->cr);
}

static void line(struct rpt *r, double x0, double y0, double x1, double y1, double width,
                 unsigned rgb, int dashed)
{
	static const double dash[] = {3, 2};

	rpt_rgb(r, rgb);
	cairo_set_line_width(r->cr, width);
	cairo_set_dash(r->cr, dash, dashed ? 2 : 0, 0);
	cairo_move_to(r->cr, x0, y0);
	cairo_line_to(r->cr, x1, y1);
	cairo_stroke(r->cr);
	cairo_set_dash(r->cr, NULL, 0, 0);
}

static double tick_step(const struct scale *s)
{
	double span = s->max - s->min;
	return span <= 12 ? 1 : ceil(span / 10);
}

/* Tick labels of the scale at y; returns their height. */
static double axis(struct rpt *r, const struct scale *s, double y)
{
	double v, step = tick_step(s);
	char buf[32];

	rpt_rgb(r, C_MUTED);
	for (v = s->min; v <= s->max + 1e-9; v += step) {
		double w;
		rpt_fmt_num(r, v, buf, sizeof(buf));
		w = rpt_text_width(r, buf, RPT_F_TINY);
		rpt_text(r, sx(s, v) - w / 2, y, buf, RPT_F_TINY, 0, 0);
	}
	return rpt_text_height(r, "0", RPT_F_TINY, 0);
}

static void grid(struct rpt *r, const struct scale *s, double y0, double y1)
{
	double v, step = tick_step(s);

	for (v = s->min; v <= s->max + 1e-9; v += step)
		line(r, sx(s, v), y0, sx(s, v), y1, 0.4, C_GRID, 0);
}

/* ---- Adherence and quality per item ---- */

static double row_height(const struct row *w)
{
	return w->n * BAR_PITCH + 5;
}

static void draw_row(struct rpt *r, const struct row *w, const struct scale *s, double ge)
{
	double h = row_height(w), lh = rpt_text_height(r, w->label, RPT_F_SMALL, 0);
	char buf[32];
	int k;

	rpt_rgb(r, C_INK);
	rpt_text(r, r->x0, r->y + (h - lh) / 2, w->label, RPT_F_SMALL, LABEL_W - 8, 1);
	grid(r, s, r->y, r->y + h);
	for (k = 0; k < w->n; k++) {
		const struct bar *b = &w->bars[k];
		double by = r->y + 2.5 + k * BAR_PITCH;
		if (b->ref) {
			double q1 = num(json_object_get(b->ref, "q1"));
			double q3 = num(json_object_get(b->ref, "q3"));
			rect(r, sx(s, q1), by - 1, fmax(sx(s, q3) - sx(s, q1), 1), BAR_H + 2,
			     C_REF_BAND);
		}
		if (!isnan(b->value))
			rect(r, s->x0, by, fmax(sx(s, b->value) - s->x0, 1.5), BAR_H, b->colour);
		if (b->ref) {
			/* The quartile box again as an outline over the bar, and the median. */
			double q1 = sx(s, num(json_object_get(b->ref, "q1")));
			double q3 = sx(s, num(json_object_get(b->ref, "q3")));
			double m = sx(s, num(json_object_get(b->ref, "median")));
			rpt_rgb(r, C_MEDIAN);
			cairo_set_line_width(r->cr, 0.5);
			cairo_rectangle(r->cr, q1, by - 1, fmax(q3 - q1, 1), BAR_H + 2);
			cairo_stroke(r->cr);
			line(r, m, by - 2, m, by + BAR_H + 2, 1.4, C_MEDIAN, 0);
		}
		rpt_fmt_num(r, b->value, buf, sizeof(buf));
		rpt_rgb(r, C_INK);
		rpt_text(r, s->x1 + 6, by - 1.2, buf, RPT_F_TINY, 0, 0);
	}
	if (!isnan(ge))
		line(r, sx(s, ge), r->y, sx(s, ge), r->y + h, 0.9, C_LINE, 1);
	r->y += h;
}

/* One legend entry: a swatch drawn by kind, then text; returns the x after it. */
static double legend_entry(struct rpt *r, double x, double y, int kind, unsigned rgb,
                           const char *text)
{
	if (kind == 0) {
		rect(r, x, y + 2, 9, 5.5, rgb);
	} else if (kind == 1) {
		line(r, x + 4.5, y, x + 4.5, y + 9.5, 0.9, C_LINE, 1);
	} else {
		rect(r, x, y + 1, 9, 7.5, C_REF_BAND);
		rpt_rgb(r, C_MEDIAN);
		cairo_set_line_width(r->cr, 0.5);
		cairo_rectangle(r->cr, x, y + 1, 9, 7.5);
		cairo_stroke(r->cr);
		line(r, x + 4.5, y, x + 4.5, y + 9.5, 1.4, C_MEDIAN, 0);
	}
	rpt_rgb(r, C_INK);
	rpt_text(r, x + 12, y, text, RPT_F_SMALL, 0, 0);
	return x + 12 + rpt_text_width(r, text, RPT_F_SMALL) + 12;
}

static void legend(struct rpt *r, const struct row *rows, size_t n, double ge, const json_t *ref)
{
	static const enum rpt_msg names[] = {RM_ADHERENCE, RM_QUALITY, RM_COMPETENCE, RM_VALUE};
	static const unsigned colours[] = {C_ADHERENCE, C_QUALITY, C_QUALITY, C_GLOBAL};
	double x = r->x0;
	size_t i, k;
	int j, seen;
	char buf[160], g[32];

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		for (i = 0, seen = 0; i < n && !seen; i++)
			for (j = 0; j < rows[i].n; j++)
				seen |= rows[i].bars[j].name == names[k];
		if (seen)
			x = legend_entry(r, x, r->y, 0, colours[k], rpt_msg(r, names[k]));
	}
	if (!isnan(ge)) {
		rpt_fmt_num(r, ge, g, sizeof(g));
		snprintf(buf, sizeof(buf), rpt_msg(r, RM_GOOD_ENOUGH), g);
		x = legend_entry(r, x, r->y, 1, C_LINE, buf);
	}
	if (json_is_true(json_object_get(ref, "available"))) {
		snprintf(buf, sizeof(buf), rpt_msg(r, RM_REFERENCE),
		         (int)json_integer_value(json_object_get(ref, "n")));
		legend_entry(r, x, r->y, 2, 0, buf);
	}
	r->y += 14;
}

/* A reference with all three quartiles, or NULL. */
static const json_t *drawable_ref(const json_t *ref)
{
	return json_is_number(json_object_get(ref, "q1")) &&
	               json_is_number(json_object_get(ref, "median")) &&
	               json_is_number(json_object_get(ref, "q3"))
	           ? ref
	           : NULL;
}

static void add_bar(struct row *w, const json_t *item, const char *facet, enum rpt_msg name,
                    unsigned colour)
{
	const json_t *f = json_object_get(item, facet);
	const json_t *ref = json_object_get(f, "reference");

	if (!f)
		return;
	w->bars[w->n].name = name;
	w->bars[w->n].colour = colour;
	w->bars[w->n].value = num(json_object_get(f, "value"));
	w->bars[w->n].ref = drawable_ref(ref);
	w->n++;
}

static void widen(struct scale *s, const json_t *obj)
{
	const json_t *range = json_object_get(obj, "range");
	double lo = num(json_object_get(range, "min")), hi = num(json_object_get(range, "max"));

	if (!isnan(lo) && (isnan(s->min) || lo < s->min))
		s->min = lo;
	if (!isnan(hi) && (isnan(s->max) || hi > s->max))
		s->max = hi;
}

/* Rows of the items rated for adherence, quality or competence (a behaviour count has its
 * place in the distribution of interventions instead). */
static size_t item_rows(const json_t *items, struct row *rows, struct scale *s)
{
	const json_t *it;
	size_t i, n = 0;

	json_array_foreach(items, i, it)
	{
		struct row *w = &rows[n];
		memset(w, 0, sizeof(*w));
		add_bar(w, it, "adherence", RM_ADHERENCE, C_ADHERENCE);
		add_bar(w, it, "quality", RM_QUALITY, C_QUALITY);
		add_bar(w, it, "competence", RM_COMPETENCE, C_QUALITY);
		if (!w->n)
			continue;
		snprintf(w->label, sizeof(w->label), "%s  %s", sval(it, "id"), sval(it, "label"));
		widen(s, it);
		n++;
	}
	return n;
}

static size_t global_rows(const json_t *globals, struct row *rows, struct scale *s)
{
	const json_t *g, *ref;
	size_t i, n = 0;

	json_array_foreach(globals, i, g)
	{
		struct row *w = &rows[n++];
		memset(w, 0, sizeof(*w));
		snprintf(w->label, sizeof(w->label), "%s", sval(g, "label"));
		ref = json_object_get(g, "reference");
		w->bars[0].name = RM_VALUE;
		w->bars[0].colour = C_GLOBAL;
		w->bars[0].value = num(json_object_get(g, "value"));
		w->bars[0].ref = drawable_ref(ref);
		w->n = 1;
		widen(s, g);
	}
	return n;
}

/* Rows under an axis; the axis is drawn again at the top of each new page. */
static void rows_block(struct rpt *r, const struct row *rows, size_t n, struct scale *s, double ge)
{
	double ah = rpt_text_height(r, "0", RPT_F_TINY, 0);
	size_t i;

	if (!n || isnan(s->min) || isnan(s->max) || s->max <= s->min)
		return;
	rpt_need(r, ah + 2 + row_height(&rows[0]));
	r->y += axis(r, s, r->y) + 2;
	for (i = 0; i < n; i++) {
		if (rpt_need(r, row_height(&rows[i])))
			r->y += axis(r, s, r->y) + 2;
		draw_row(r, &rows[i], s, ge);
	}
}

void rpt_items_chart(struct rpt *r)
{
	const json_t *p = r->ri->profile, *ref = json_object_get(p, "reference");
	const json_t *items = json_object_get(p, "items"), *globals = json_object_get(p, "globals");
	size_t cap = json_array_size(items) + json_array_size(globals) + 1, n, ng;
	struct row *rows = xcalloc(cap, sizeof(*rows));
	struct scale s = {NAN, NAN, r->x0 + LABEL_W, r->x1 - VALUE_W};
	struct scale gs = {NAN, NAN, r->x0 + LABEL_W, r->x1 - VALUE_W};
	double ge = num(json_object_get(p, "good_enough"));
	char note[400];

	n = item_rows(items, rows, &s);
	ng = global_rows(globals, rows + n, &gs);
	if (n + ng) {
		rpt_heading(r, rpt_msg(r, RM_ITEMS_TITLE), 14 + 40);
		legend(r, rows, n + ng, ge, ref);
		if (!json_is_true(json_object_get(ref, "available"))) {
			snprintf(note, sizeof(note), rpt_msg(r, RM_NO_REFERENCE),
			         (int)json_integer_value(json_object_get(ref, "min_n")));
			rpt_rgb(r, C_MUTED);
			rpt_paragraph(r, r->x0, note, RPT_F_SMALL);
			r->y += 4;
		}
		rows_block(r, rows, n, &s, ge);
		if (ng) {
			r->y += 6;
			rpt_need(r, 14 + 30);
			rpt_rgb(r, C_INK);
			r->y +=
			    rpt_text(r, r->x0, r->y, rpt_msg(r, RM_GLOBALS), RPT_F_BOLD, 0, 0) + 2;
			rows_block(r, rows + n, ng, &gs, ge);
		}
	}
	free(rows);
}

/* ---- The distribution of interventions ---- */

static unsigned class_colour(const char *cls)
{
	if (!strcmp(cls, "outside_manual"))
		return C_OUTSIDE;
	if (!strcmp(cls, "not_classifiable"))
		return C_UNCLASS;
	return C_QUALITY;
}

static void counts_line(struct rpt *r, const json_t *c)
{
	char line[1024], a[32], b[32];

	rpt_fmt_fixed(r, num(json_object_get(c, "per_minute")), 2, a, sizeof(a));
	rpt_fmt_pct(r, num(json_object_get(c, "within_manual_share")), b, sizeof(b));
	snprintf(line, sizeof(line), "%s: %lld · %s: %s · %s: %lld (%s) · %s: %lld · %s: %lld",
	         rpt_msg(r, RM_INTERVENTIONS),
	         (long long)json_integer_value(json_object_get(c, "total")),
	         rpt_msg(r, RM_PER_MINUTE), a, rpt_msg(r, RM_WITHIN_MANUAL),
	         (long long)json_integer_value(json_object_get(c, "within_manual")), b,
	         rpt_msg(r, RM_OUTSIDE_MANUAL),
	         (long long)json_integer_value(json_object_get(c, "outside_manual")),
	         rpt_msg(r, RM_NOT_CLASSIFIABLE),
	         (long long)json_integer_value(json_object_get(c, "not_classifiable")));
	rpt_rgb(r, C_INK);
	rpt_paragraph(r, r->x0, line, RPT_F_SMALL);
	r->y += 4;
}

/* "Most used: 16, 2, 6" from an array of codes, or of by_code objects with count 0. */
static void code_list(struct rpt *r, enum rpt_msg label, const json_t *arr, int zero_counts)
{
	char line[2048];
	size_t i, off, n = 0;
	const json_t *v;

	off = (size_t)snprintf(line, sizeof(line), "%s: ", rpt_msg(r, label));
	json_array_foreach(arr, i, v)
	{
		const char *code = zero_counts ? sval(v, "code") : json_string_value(v);
		if (zero_counts && json_integer_value(json_object_get(v, "count")) != 0)
			continue;
		if (!code || off >= sizeof(line))
			continue;
		off +=
		    (size_t)snprintf(line + off, sizeof(line) - off, "%s%s", n++ ? ", " : "", code);
	}
	if (!n)
		return;
	rpt_rgb(r, C_INK);
	rpt_paragraph(r, r->x0, line, RPT_F_SMALL);
}

void rpt_distribution(struct rpt *r)
{
	const json_t *c = json_object_get(r->ri->profile, "counts");
	const json_t *codes = json_object_get(c, "by_code"), *code;
	double max, bx0 = r->x0 + LABEL_W, bw = r->x1 - bx0 - 60;
	char label[320], v[64], pct[32];
	size_t i;

	if (!json_array_size(codes))
		return;
	rpt_heading(r, rpt_msg(r, RM_DISTRIBUTION), 40);
	if (json_integer_value(json_object_get(c, "total")) <= 0) {
		rpt_rgb(r, C_INK);
		rpt_paragraph(r, r->x0, rpt_msg(r, RM_NO_CODING), RPT_F_BODY);
		return;
	}
	counts_line(r, c);
	max = 0;
	json_array_foreach(codes, i, code)
	{
		max = fmax(max, num(json_object_get(code, "count")));
	}
	json_array_foreach(codes, i, code)
	{
		double n = num(json_object_get(code, "count"));
		if (!(n > 0))
			break;
		rpt_need(r, 12);
		if (json_is_string(json_object_get(code, "item")))
			snprintf(label, sizeof(label), "%s  %s", sval(code, "code"),
			         sval(code, "label"));
		else
			snprintf(label, sizeof(label), "%s", sval(code, "label"));
		rpt_rgb(r, C_INK);
		rpt_text(r, r->x0, r->y + 1, label, RPT_F_SMALL, LABEL_W - 8, 1);
		rect(r, bx0, r->y + 2.5, fmax(n / max * bw, 1.5), 7,
		     class_colour(sval(code, "class")));
		rpt_fmt_pct(r, num(json_object_get(code, "share")), pct, sizeof(pct));
		snprintf(v, sizeof(v), "%.0f (%s)", n, pct);
		rpt_rgb(r, C_INK);
		rpt_text(r, bx0 + n / max * bw + 5, r->y + 1, v, RPT_F_SMALL, 0, 0);
		r->y += 12;
	}
	r->y += 4;
	code_list(r, RM_MOST_USED, json_object_get(c, "most_used"), 0);
	code_list(r, RM_LEAST_USED, json_object_get(c, "least_used"), 0);
	code_list(r, RM_NOT_USED_CODES, codes, 1);
}

/* ---- Support and challenge ---- */

static void marker(struct rpt *r, double x, double y, double radius, unsigned rgb)
{
	rpt_rgb(r, rgb);
	cairo_arc(r->cr, x, y, radius, 0, 2 * M_PI);
	cairo_fill(r->cr);
}

/* The scale of the support and challenge indices: that of the first item rated for quality. */
static struct scale balance_scale(const struct rpt *r)
{
	const json_t *items = json_object_get(r->ri->profile, "items"), *it;
	struct scale s = {NAN, NAN, r->x0 + 8, r->x0 + 330};
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (json_object_get(it, "quality")) {
			widen(&s, it);
			break;
		}
	}
	if (isnan(s.min) || isnan(s.max) || s.max <= s.min) {
		s.min = 1;
		s.max = 7;
	}
	return s;
}

static void balance_sentence(struct rpt *r, double sup, double cha, double d, const char *verdict)
{
	char text[1024], a[32], b[32], c[32];

	rpt_fmt_num(r, sup, a, sizeof(a));
	rpt_fmt_num(r, cha, b, sizeof(b));
	rpt_fmt_num(r, fabs(d), c, sizeof(c));
	if (!strcmp(verdict, "support_heavy"))
		snprintf(text, sizeof(text), rpt_msg(r, RM_SUPPORT_HEAVY), a, c, b);
	else if (!strcmp(verdict, "challenge_heavy"))
		snprintf(text, sizeof(text), rpt_msg(r, RM_CHALLENGE_HEAVY), b, c, a);
	else
		snprintf(text, sizeof(text), rpt_msg(r, RM_BALANCED), a, b);
	rpt_rgb(r, C_INK);
	rpt_paragraph(r, r->x0, text, RPT_F_BODY);
}

/* Both indices on one scale with the good-enough line, the span between them, and their
 * difference as one large signed number beside it. */
void rpt_balance(struct rpt *r)
{
	const json_t *b = json_object_get(r->ri->profile, "balance");
	double sup = num(json_object_get(b, "support")), cha = num(json_object_get(b, "challenge"));
	double d = num(json_object_get(b, "difference"));
	double ge = num(json_object_get(r->ri->profile, "good_enough"));
	const char *verdict = sval(b, "verdict");
	struct scale s = balance_scale(r);
	char ls[96], lc[96], n[32], big[48];
	double y0, ya, xs, xc, ws, wc, lo, hi;
	unsigned heavy;
	int below;

	if (!json_is_object(b) || isnan(sup) || isnan(cha) || isnan(d))
		return;
	rpt_heading(r, rpt_msg(r, RM_BALANCE), 90);
	y0 = r->y;
	ya = y0 + 20;
	xs = sx(&s, fmin(fmax(sup, s.min), s.max));
	xc = sx(&s, fmin(fmax(cha, s.min), s.max));
	heavy = !strcmp(verdict, "support_heavy")     ? C_SUPPORT
	        : !strcmp(verdict, "challenge_heavy") ? C_CHALLENGE
	                                              : C_MUTED;

	grid(r, &s, ya - 6, ya + 6);
	line(r, s.x0, ya, s.x1, ya, 0.8, C_MUTED, 0);
	axis(r, &s, ya + 8);
	if (!isnan(ge))
		line(r, sx(&s, ge), y0 + 12, sx(&s, ge), ya + 7, 0.9, C_LINE, 1);
	lo = fmin(xs, xc);
	hi = fmax(xs, xc);
	cairo_save(r->cr);
	rpt_rgb(r, heavy);
	cairo_rectangle(r->cr, lo, ya - 3, hi - lo, 6);
	cairo_clip(r->cr);
	cairo_paint_with_alpha(r->cr, 0.3);
	cairo_restore(r->cr);
	marker(r, xc, ya, 4.5, C_CHALLENGE);
	marker(r, xs, ya, 4.5, C_SUPPORT);

	/* Support's label above its marker; challenge's above too unless they would touch. */
	rpt_fmt_num(r, sup, n, sizeof(n));
	snprintf(ls, sizeof(ls), "%s %s", rpt_msg(r, RM_SUPPORT), n);
	rpt_fmt_num(r, cha, n, sizeof(n));
	snprintf(lc, sizeof(lc), "%s %s", rpt_msg(r, RM_CHALLENGE), n);
	ws = rpt_text_width(r, ls, RPT_F_SMALL);
	wc = rpt_text_width(r, lc, RPT_F_SMALL);
	below = fabs(xs - xc) < (ws + wc) / 2 + 6;
	rpt_rgb(r, C_SUPPORT);
	rpt_text(r, xs - ws / 2, y0, ls, RPT_F_SMALL, 0, 0);
	rpt_rgb(r, C_CHALLENGE);
	rpt_text(r, xc - wc / 2, below ? ya + 18 : y0, lc, RPT_F_SMALL, 0, 0);

	rpt_fmt_num(r, fabs(d), n, sizeof(n));
	snprintf(big, sizeof(big), "%s%s", d > 0 ? "+" : d < 0 ? "\u2212" : "", n);
	rpt_rgb(r, heavy);
	rpt_text(r, s.x1 + 40, y0 + 2, big, RPT_F_H1, 0, 0);
	rpt_rgb(r, C_MUTED);
	snprintf(ls, sizeof(ls), "%s (%s \u2212 %s)", rpt_msg(r, RM_DIFFERENCE),
	         rpt_msg(r, RM_SUPPORT), rpt_msg(r, RM_CHALLENGE));
	rpt_lower_words(ls + strlen(rpt_msg(r, RM_DIFFERENCE)));
	rpt_text(r, s.x1 + 40, y0 + 26, ls, RPT_F_SMALL, r->x1 - s.x1 - 40, 0);
	r->y = ya + (below ? 32 : 22);
	balance_sentence(r, sup, cha, d, verdict);
}

/* ---- The therapist's trend ---- */

#define TREND_COLS 4
#define TREND_CELL_H 66.0

static size_t present(const json_t *points, const char *facet)
{
	const json_t *pt;
	size_t i, n = 0;

	json_array_foreach(points, i, pt)
	{
		if (json_is_number(json_object_get(pt, facet)))
			n++;
	}
	return n;
}

static int worth_a_chart(const json_t *t)
{
	const json_t *pts = json_object_get(t, "points");
	return present(pts, "quality") >= 2 || present(pts, "adherence") >= 2 ||
	       present(pts, "competence") >= 2;
}

static const json_t *item_of(const struct rpt *r, const char *id)
{
	const json_t *items = json_object_get(r->ri->profile, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (!strcmp(sval(it, "id"), id))
			return it;
	}
	return NULL;
}

static void series(struct rpt *r, const json_t *points, const char *facet, const struct scale *ys,
                   double px0, double px1, unsigned rgb, int dashed)
{
	static const double dash[] = {2.5, 1.5};
	size_t i, n = json_array_size(points);
	const json_t *pt;
	int pen = 0;

	rpt_rgb(r, rgb);
	cairo_set_line_width(r->cr, 1.1);
	cairo_set_dash(r->cr, dash, dashed ? 2 : 0, 0);
	json_array_foreach(points, i, pt)
	{
		double v = num(json_object_get(pt, facet));
		double x = n > 1 ? px0 + (px1 - px0) * (double)i / (double)(n - 1) : px0;
		/* The scale runs upwards: ys maps values to y between x0 (bottom) and x1 (top). */
		if (isnan(v)) {
			pen = 0;
			continue;
		}
		if (pen)
			cairo_line_to(r->cr, x, sx(ys, v));
		else
			cairo_move_to(r->cr, x, sx(ys, v));
		pen = 1;
	}
	cairo_stroke(r->cr);
	cairo_set_dash(r->cr, NULL, 0, 0);
	json_array_foreach(points, i, pt)
	{
		double v = num(json_object_get(pt, facet));
		double x = n > 1 ? px0 + (px1 - px0) * (double)i / (double)(n - 1) : px0;
		if (!isnan(v))
			marker(r, x, sx(ys, v), 1.6, rgb);
	}
}

static void trend_cell(struct rpt *r, const json_t *t, double cx, double cy, double cw, double ge)
{
	const json_t *pts = json_object_get(t, "points"), *it = item_of(r, sval(t, "item"));
	struct scale ys = {NAN, NAN, cy + 54, cy + 14};
	double px0 = cx + 14, px1 = cx + cw - 10;
	char title[320], buf[32];

	if (it)
		widen(&ys, it);
	if (isnan(ys.min) || isnan(ys.max) || ys.max <= ys.min) {
		ys.min = 1;
		ys.max = 7;
	}
	snprintf(title, sizeof(title), "%s  %s", sval(t, "item"), sval(t, "label"));
	rpt_rgb(r, C_INK);
	rpt_text(r, cx, cy, title, RPT_F_TINY, cw - 8, 1);
	rpt_rgb(r, C_GRID);
	cairo_set_line_width(r->cr, 0.6);
	cairo_rectangle(r->cr, px0, ys.x1, px1 - px0, ys.x0 - ys.x1);
	cairo_stroke(r->cr);
	rpt_rgb(r, C_MUTED);
	rpt_fmt_num(r, ys.max, buf, sizeof(buf));
	rpt_text_right(r, px0 - 2, ys.x1 - 4, buf, RPT_F_TINY);
	rpt_fmt_num(r, ys.min, buf, sizeof(buf));
	rpt_text_right(r, px0 - 2, ys.x0 - 4, buf, RPT_F_TINY);
	if (!isnan(ge))
		line(r, px0, sx(&ys, ge), px1, sx(&ys, ge), 0.7, C_LINE, 1);
	series(r, pts, "adherence", &ys, px0 + 3, px1 - 3, C_ADHERENCE, 1);
	series(r, pts, "quality", &ys, px0 + 3, px1 - 3, C_QUALITY, 0);
	series(r, pts, "competence", &ys, px0 + 3, px1 - 3, C_QUALITY, 0);
}

static void trend_caption(struct rpt *r, const json_t *points)
{
	char text[512], a[32], b[32];
	size_t n = json_array_size(points);

	rpt_fmt_date(r, json_string_value(json_object_get(json_array_get(points, 0), "date")), a,
	             sizeof(a));
	rpt_fmt_date(r, json_string_value(json_object_get(json_array_get(points, n - 1), "date")),
	             b, sizeof(b));
	snprintf(text, sizeof(text), rpt_msg(r, RM_TREND_CAPTION), (int)n, a, b);
	rpt_rgb(r, C_INK);
	rpt_paragraph(r, r->x0, text, RPT_F_SMALL);
	r->y += 4;
}

/* Small multiples: one little chart per item with at least two scores over time. */
void rpt_trend(struct rpt *r)
{
	const json_t *trend = json_object_get(r->ri->profile, "trend"), *t;
	double cw = (r->x1 - r->x0) / TREND_COLS;
	double ge = num(json_object_get(r->ri->profile, "good_enough"));
	size_t i, k = 0;

	json_array_foreach(trend, i, t)
	{
		if (!worth_a_chart(t))
			continue;
		if (k == 0) {
			rpt_heading(r, rpt_msg(r, RM_TREND), 20 + TREND_CELL_H);
			trend_caption(r, json_object_get(t, "points"));
		}
		if (k % TREND_COLS == 0) {
			if (k)
				r->y += TREND_CELL_H;
			rpt_need(r, TREND_CELL_H);
		}
		trend_cell(r, t, r->x0 + cw * (double)(k % TREND_COLS), r->y, cw, ge);
		k++;
	}
	if (k)
		r->y += TREND_CELL_H;
}
