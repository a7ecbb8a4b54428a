/* What only the PDF report's own files share (src/report/pdf*.c): the page being laid out, the
 * fonts, the localised strings and number formats, and the drawing helpers. */
#ifndef KV_PDF_INT_H
#define KV_PDF_INT_H

#include <stddef.h>

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>

#include "report/pdf.h"

/* A4 in points, and the margins. */
#define RPT_PAGE_W 595.276
#define RPT_PAGE_H 841.890
#define RPT_MARGIN_X 50.0
#define RPT_MARGIN_TOP 48.0
#define RPT_MARGIN_BOTTOM 62.0

enum rpt_lang { RPT_NB, RPT_DA, RPT_EN, RPT_LANG__MAX };

enum rpt_font { RPT_F_BODY, RPT_F_BOLD, RPT_F_SMALL, RPT_F_TINY, RPT_F_H1, RPT_F_H2, RPT_F__MAX };

/* Every text the report writes itself; the instrument's labels come with the profile. */
enum rpt_msg {
	RM_TITLE,
	RM_THERAPIST,
	RM_INSTITUTION,
	RM_SESSION_DATE,
	RM_SCALE,
	RM_VERSION,
	RM_PUBLISHED,
	RM_DRAFT,
	RM_PAGE,
	RM_KEY_FIGURES,
	RM_INTERVENTIONS,
	RM_PER_MINUTE,
	RM_RECORDING,
	RM_WITHIN_MANUAL,
	RM_OUTSIDE_MANUAL,
	RM_NOT_CLASSIFIABLE,
	RM_MOST_USED,
	RM_LEAST_USED,
	RM_NOT_USED_CODES,
	RM_NO_CODING,
	RM_ITEMS_TITLE,
	RM_ADHERENCE,
	RM_QUALITY,
	RM_COMPETENCE,
	RM_VALUE,
	RM_GOOD_ENOUGH,
	RM_REFERENCE,
	RM_NO_REFERENCE,
	RM_GLOBALS,
	RM_DERIVED,
	RM_DISTRIBUTION,
	RM_BALANCE,
	RM_SUPPORT,
	RM_CHALLENGE,
	RM_DIFFERENCE,
	RM_SUPPORT_HEAVY,
	RM_BALANCED,
	RM_CHALLENGE_HEAVY,
	RM_TREND,
	RM_TREND_CAPTION,
	RM_FINDINGS,
	RM_STRENGTHS,
	RM_IMPROVEMENTS,
	RM_NONE,
	RM_ABOVE,
	RM_BELOW,
	RM_NOT_USED,
	RM_WRITTEN,
	RM_SUMMARY,
	RM_ITEM,
	RM_CLIP,
	RM__MAX
};

/* One pass over the report. The first pass (dry) lays everything out on a tiny image surface
 * only to count the pages; the second draws the same on the PDF surface, so that every footer
 * can say "page 2 of 3". Both use the same font options, so lines break the same way. */
struct rpt {
	const struct report_input *ri;
	enum rpt_lang lang;
	cairo_t *cr;
	PangoContext *pctx;
	PangoFontDescription *font[RPT_F__MAX];
	int dry;
	int page;  /* the page being drawn, from 1 */
	int pages; /* pages in all, known in the second pass */
	double y;  /* the cursor, in points from the top of the page */
	double x0, x1, bottom;
};

/* ---- pdf_text.c: strings, numbers, text ---- */

const char *rpt_msg(const struct rpt *r, enum rpt_msg m);
enum rpt_lang rpt_lang_of(const char *lang);
/* A score or mean: whole numbers without decimals, others with one (half away from zero),
 * with a decimal comma in nb and da. "–" for NAN. */
void rpt_fmt_num(const struct rpt *r, double x, char *buf, size_t len);
/* The same with a fixed number of decimals. */
void rpt_fmt_fixed(const struct rpt *r, double x, int decimals, char *buf, size_t len);
/* A share of 0..1 as a whole percentage: "67 %" (nb, da) or "67%" (en). */
void rpt_fmt_pct(const struct rpt *r, double share, char *buf, size_t len);
/* Milliseconds as mm:ss ("02:05"; minutes may pass 59: "75:10"). */
void rpt_fmt_time(long long ms, char *buf, size_t len);
/* "2026-03-01" as 01.03.2026 in nb and da, unchanged in en or when it is not such a date. */
void rpt_fmt_date(const struct rpt *r, const char *iso, char *buf, size_t len);

/* Lower-cases the first letter of each word when it is A-Z ("Støtte" to "støtte"). */
void rpt_lower_words(char *s);

/* A layout of plain text (never markup) in font f, wrapped at width (0: one line), or cut
 * with an ellipsis when ellipsize is set. The caller unrefs it. */
PangoLayout *rpt_layout(struct rpt *r, const char *text, enum rpt_font f, double width,
                        int ellipsize);
/* Draws text with its top-left at (x, y); returns its height. Does not move the cursor. */
double rpt_text(struct rpt *r, double x, double y, const char *text, enum rpt_font f, double width,
                int ellipsize);
/* Draws text right-aligned so that it ends at x. */
void rpt_text_right(struct rpt *r, double x, double y, const char *text, enum rpt_font f);
double rpt_text_width(struct rpt *r, const char *text, enum rpt_font f);
double rpt_text_height(struct rpt *r, const char *text, enum rpt_font f, double width);
/* Wrapped text at the cursor from x to the right margin, breaking pages between lines; moves
 * the cursor below it. */
void rpt_paragraph(struct rpt *r, double x, const char *text, enum rpt_font f);

/* ---- pdf.c: pages ---- */

/* Starts a new page when fewer than h points are left on this one. Returns 1 when it did. */
int rpt_need(struct rpt *r, double h);
/* A section heading kept together with the next `keep` points. */
void rpt_heading(struct rpt *r, const char *text, double keep);
void rpt_rgb(struct rpt *r, unsigned rgb);

/* ---- pdf_charts.c ---- */

void rpt_items_chart(struct rpt *r);
void rpt_distribution(struct rpt *r);
void rpt_balance(struct rpt *r);
void rpt_trend(struct rpt *r);

/* ---- pdf_feedback.c ---- */

void rpt_key_figures(struct rpt *r);
void rpt_findings(struct rpt *r);
void rpt_written(struct rpt *r);

#endif
