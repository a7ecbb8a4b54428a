/* The feedback report as PDF: pages, header and footer, and the order of the sections. The
 * sections are drawn by pdf_charts.c and pdf_feedback.c; words and numbers by pdf_text.c. */
#include "report/pdf.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#include "report/pdf_int.h"
#include "util/banned.h"

/* Colours of the frame. */
#define RPT_INK 0x1a1a1a
#define RPT_MUTED 0x6b6b6b
#define RPT_RULE 0xbdbdbd
#define RPT_ACCENT 0x2171b5

void rpt_rgb(struct rpt *r, unsigned rgb)
{
	cairo_set_source_rgb(r->cr, (double)((rgb >> 16) & 0xff) / 255,
	                     (double)((rgb >> 8) & 0xff) / 255, (double)(rgb & 0xff) / 255);
}

static void hline(struct rpt *r, double y, double width, unsigned rgb)
{
	rpt_rgb(r, rgb);
	cairo_set_line_width(r->cr, width);
	cairo_move_to(r->cr, r->x0, y);
	cairo_line_to(r->cr, r->x1, y);
	cairo_stroke(r->cr);
}

static void footer(struct rpt *r)
{
	double y = RPT_PAGE_H - RPT_MARGIN_BOTTOM + 22;
	char left[512], page[64];

	snprintf(left, sizeof(left), "%s · %s", rpt_msg(r, RM_TITLE),
	         r->ri->therapist ? r->ri->therapist : "");
	snprintf(page, sizeof(page), rpt_msg(r, RM_PAGE), r->page, r->pages ? r->pages : r->page);
	hline(r, y - 4, 0.5, RPT_RULE);
	rpt_rgb(r, RPT_MUTED);
	rpt_text(r, r->x0, y, left, RPT_F_SMALL, (r->x1 - r->x0) * 0.7, 1);
	rpt_text_right(r, r->x1, y, page, RPT_F_SMALL);
}

/* The running header of every page after the first. */
static void running_header(struct rpt *r)
{
	char line[768], date[32];

	rpt_fmt_date(r, r->ri->session_date, date, sizeof(date));
	snprintf(line, sizeof(line), "%s · %s · %s", r->ri->therapist ? r->ri->therapist : "",
	         r->ri->institution ? r->ri->institution : "", date);
	rpt_rgb(r, RPT_MUTED);
	rpt_text(r, r->x0, RPT_MARGIN_TOP - 20, line, RPT_F_SMALL, r->x1 - r->x0, 1);
	hline(r, RPT_MARGIN_TOP - 6, 0.5, RPT_RULE);
}

int rpt_need(struct rpt *r, double h)
{
	/* At the top of a fresh page a taller block is drawn anyway (and cut) rather than
	 * starting page after empty page. */
	if (r->y + h <= r->bottom || r->y <= RPT_MARGIN_TOP)
		return 0;
	footer(r);
	cairo_show_page(r->cr);
	r->page++;
	r->y = RPT_MARGIN_TOP;
	running_header(r);
	return 1;
}

void rpt_heading(struct rpt *r, const char *text, double keep)
{
	double h = rpt_text_height(r, text, RPT_F_H2, 0);

	if (r->y > RPT_MARGIN_TOP)
		r->y += 14;
	rpt_need(r, h + 6 + keep);
	rpt_rgb(r, RPT_ACCENT);
	rpt_text(r, r->x0, r->y, text, RPT_F_H2, r->x1 - r->x0, 1);
	r->y += h + 6;
}

static void info_line(struct rpt *r, enum rpt_msg label, const char *value)
{
	double h;

	rpt_rgb(r, RPT_MUTED);
	rpt_text(r, r->x0, r->y, rpt_msg(r, label), RPT_F_BODY, 110, 1);
	rpt_rgb(r, RPT_INK);
	h = rpt_text(r, r->x0 + 115, r->y, value, RPT_F_BODY, r->x1 - r->x0 - 115, 0);
	r->y += h + 2;
}

static const char *or_empty(const json_t *j)
{
	return json_is_string(j) ? json_string_value(j) : "";
}

/* The first page's title and who and what the report is about; never the patient. */
static void title_block(struct rpt *r)
{
	const json_t *ins = json_object_get(r->ri->profile, "instrument");
	char buf[512], date[32];
	double h;

	rpt_rgb(r, RPT_ACCENT);
	h = rpt_text(r, r->x0, r->y, rpt_msg(r, RM_TITLE), RPT_F_H1, r->x1 - r->x0, 0);
	r->y += h + 10;
	info_line(r, RM_THERAPIST, r->ri->therapist ? r->ri->therapist : "–");
	info_line(r, RM_INSTITUTION, r->ri->institution ? r->ri->institution : "–");
	rpt_fmt_date(r, r->ri->session_date, date, sizeof(date));
	info_line(r, RM_SESSION_DATE, date);
	snprintf(buf, sizeof(buf), "%s (%s %s)", or_empty(json_object_get(ins, "name")),
	         rpt_msg(r, RM_VERSION), or_empty(json_object_get(ins, "version")));
	info_line(r, RM_SCALE, buf);
	if (r->ri->published) {
		rpt_fmt_date(r, r->ri->published, date, sizeof(date));
		info_line(r, RM_PUBLISHED, date);
	} else {
		info_line(r, RM_PUBLISHED, rpt_msg(r, RM_DRAFT));
	}
	r->y += 4;
	hline(r, r->y, 1, RPT_ACCENT);
	r->y += 4;
}

static void render(struct rpt *r)
{
	r->page = 1;
	r->y = RPT_MARGIN_TOP;
	title_block(r);
	rpt_key_figures(r);
	rpt_items_chart(r);
	rpt_distribution(r);
	rpt_balance(r);
	rpt_trend(r);
	rpt_findings(r);
	rpt_written(r);
	footer(r);
	cairo_show_page(r->cr);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return kv_buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Text is laid out the same way for the page count and for the PDF: no hinting, and 72 dpi so
 * that a font's size in points is its size on the page. */
static PangoContext *new_context(void)
{
	PangoContext *ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(ctx, fo);
	pango_cairo_context_set_resolution(ctx, 72);
	cairo_font_options_destroy(fo);
	return ctx;
}

static void pass(struct rpt *r, cairo_surface_t *s)
{
	r->cr = cairo_create(s);
	pango_cairo_update_context(r->cr, r->pctx);
	render(r);
	cairo_destroy(r->cr);
	r->cr = NULL;
}

int report_pdf(const struct report_input *ri, struct kv_buf *out, char *err, size_t errlen)
{
	size_t start = out ? out->len : 0;
	cairo_surface_t *s;
	cairo_status_t st;
	struct rpt r;
	int f;

	if (!ri || !out || !json_is_object(ri->profile)) {
		snprintf(err, errlen, "no profile to report");
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.ri = ri;
	r.lang = rpt_lang_of(ri->lang);
	r.x0 = RPT_MARGIN_X;
	r.x1 = RPT_PAGE_W - RPT_MARGIN_X;
	r.bottom = RPT_PAGE_H - RPT_MARGIN_BOTTOM;
	r.pctx = new_context();

	r.dry = 1;
	s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	pass(&r, s);
	cairo_surface_destroy(s);

	r.dry = 0;
	r.pages = r.page;
	s = cairo_pdf_surface_create_for_stream(to_buf, out, RPT_PAGE_W, RPT_PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, rpt_msg(&r, RM_TITLE));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kvalab");
	pass(&r, s);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);

	for (f = 0; f < RPT_F__MAX; f++)
		if (r.font[f])
			pango_font_description_free(r.font[f]);
	g_object_unref(r.pctx);
	if (st != CAIRO_STATUS_SUCCESS) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		snprintf(err, errlen, "%s",
		         st == CAIRO_STATUS_WRITE_ERROR ? "the report is larger than allowed"
		                                        : cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
