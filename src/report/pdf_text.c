/* The report's own words in nb, da and en, its number, time and date formats, and text drawn
 * with pango (plain text only, so names and feedback are never read as markup). */
#include "report/pdf_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

/* Format strings take only %s and %d, in the order given in the comment. */
static const char *const msgs[RM__MAX][RPT_LANG__MAX] = {
    [RM_TITLE] = {"Tilbakemeldingsrapport", "Feedbackrapport", "Feedback report"},
    [RM_THERAPIST] = {"Terapeut", "Terapeut", "Therapist"},
    [RM_INSTITUTION] = {"Institusjon", "Institution", "Institution"},
    [RM_SESSION_DATE] = {"Timens dato", "Sessionens dato", "Session date"},
    [RM_SCALE] = {"Skala", "Skala", "Scale"},
    [RM_VERSION] = {"versjon", "version", "version"},
    [RM_PUBLISHED] = {"Publisert", "Udgivet", "Published"},
    [RM_DRAFT] = {"Utkast, ikke publisert", "Udkast, ikke udgivet", "Draft, not published"},
    /* page, pages */
    [RM_PAGE] = {"Side %d av %d", "Side %d af %d", "Page %d of %d"},
    [RM_KEY_FIGURES] = {"Nøkkeltall", "Nøgletal", "Key figures"},
    [RM_INTERVENTIONS] = {"Intervensjoner", "Interventioner", "Interventions"},
    [RM_PER_MINUTE] = {"Intervensjoner per minutt", "Interventioner pr. minut",
                       "Interventions per minute"},
    [RM_RECORDING] = {"Opptakets lengde", "Optagelsens længde", "Length of the recording"},
    [RM_WITHIN_MANUAL] = {"Innenfor manualen", "Inden for manualen", "Within the manual"},
    [RM_OUTSIDE_MANUAL] = {"Utenfor manualen", "Uden for manualen", "Outside the manual"},
    [RM_NOT_CLASSIFIABLE] = {"Ikke klassifiserbare", "Ikke klassificerbare", "Not classifiable"},
    [RM_MOST_USED] = {"Mest brukt", "Mest brugt", "Most used"},
    [RM_LEAST_USED] = {"Minst brukt", "Mindst brugt", "Least used"},
    [RM_NOT_USED_CODES] = {"Ikke brukt", "Ikke brugt", "Not used"},
    [RM_NO_CODING] = {"Ingen intervensjoner er kodet.", "Ingen interventioner er kodet.",
                      "No interventions were coded."},
    [RM_ITEMS_TITLE] = {"Etterlevelse og kvalitet per ledd", "Adhærens og kvalitet pr. item",
                        "Adherence and quality per item"},
    [RM_ADHERENCE] = {"Etterlevelse", "Adhærens", "Adherence"},
    [RM_QUALITY] = {"Kvalitet", "Kvalitet", "Quality"},
    [RM_COMPETENCE] = {"Kompetanse", "Kompetence", "Competence"},
    [RM_VALUE] = {"Global", "Global", "Global"},
    /* the good-enough point */
    [RM_GOOD_ENOUGH] = {"Godt nok (%s)", "Godt nok (%s)", "Good enough (%s)"},
    /* number of ratings */
    [RM_REFERENCE] = {"Laboratoriets median og kvartiler (n = %d)",
                      "Laboratoriets median og kvartiler (n = %d)",
                      "The lab's median and quartiles (n = %d)"},
    /* the minimum number of ratings */
    [RM_NO_REFERENCE] =
        {"Laboratoriet har færre enn %d godkjente skåringer med denne versjonen av skalaen, så "
         "ingen sammenligning vises.",
         "Laboratoriet har færre end %d godkendte scoringer med denne version af skalaen, så "
         "ingen sammenligning vises.",
         "The lab has fewer than %d approved ratings with this version of the scale, so no "
         "comparison is shown."},
    [RM_GLOBALS] = {"Globale skårer", "Globale scorer", "Global ratings"},
    [RM_DERIVED] = {"Indekser", "Indeks", "Indices"},
    [RM_DISTRIBUTION] = {"Fordeling av intervensjoner", "Fordeling af interventioner",
                         "Distribution of interventions"},
    [RM_BALANCE] = {"Støtte og utfordring", "Støtte og udfordring", "Support and challenge"},
    [RM_SUPPORT] = {"Støtte", "Støtte", "Support"},
    [RM_CHALLENGE] = {"Utfordring", "Udfordring", "Challenge"},
    [RM_DIFFERENCE] = {"Forskjell", "Forskel", "Difference"},
    /* support, difference, challenge */
    [RM_SUPPORT_HEAVY] =
        {"Støtte (%s) ligger %s poeng over utfordring (%s): timen heller mot støtte. En "
         "forskjell på ett poeng eller mer regnes som en overvekt.",
         "Støtte (%s) ligger %s point over udfordring (%s): sessionen hælder mod støtte. En "
         "forskel på ét point eller mere regnes som en overvægt.",
         "Support (%s) lies %s points above challenge (%s): the session leans towards "
         "support. A difference of one point or more counts as leaning."},
    /* support, challenge */
    [RM_BALANCED] = {"Støtte (%s) og utfordring (%s) ligger mindre enn ett poeng fra "
                     "hverandre: timen er i balanse.",
                     "Støtte (%s) og udfordring (%s) ligger mindre end ét point fra hinanden: "
                     "sessionen er i balance.",
                     "Support (%s) and challenge (%s) lie less than one point apart: the "
                     "session is balanced."},
    /* challenge, difference, support */
    [RM_CHALLENGE_HEAVY] =
        {"Utfordring (%s) ligger %s poeng over støtte (%s): timen heller mot utfordring. En "
         "forskjell på ett poeng eller mer regnes som en overvekt.",
         "Udfordring (%s) ligger %s point over støtte (%s): sessionen hælder mod udfordring. "
         "En forskel på ét point eller mere regnes som en overvægt.",
         "Challenge (%s) lies %s points above support (%s): the session leans towards "
         "challenge. A difference of one point or more counts as leaning."},
    [RM_TREND] = {"Utvikling over tid", "Udvikling over tid", "Trend over time"},
    /* sessions, first date, last date */
    [RM_TREND_CAPTION] = {"%d timer fra %s til %s. Heltrukken linje: kvalitet; stiplet: "
                          "etterlevelse.",
                          "%d sessioner fra %s til %s. Fuldt optrukket linje: kvalitet; "
                          "stiplet: adhærens.",
                          "%d sessions from %s to %s. Solid line: quality; dashed: adherence."},
    [RM_FINDINGS] = {"Hva profilen viser", "Hvad profilen viser", "What the profile shows"},
    [RM_STRENGTHS] = {"Styrker", "Styrker", "Strengths"},
    [RM_IMPROVEMENTS] = {"Forbedringspunkter", "Forbedringspunkter", "Improvement points"},
    [RM_NONE] = {"Ingen.", "Ingen.", "None."},
    [RM_ABOVE] = {"tydelig over godt nok", "tydeligt over godt nok", "clearly above good enough"},
    [RM_BELOW] = {"under godt nok", "under godt nok", "below good enough"},
    [RM_NOT_USED] = {"under godt nok og ikke brukt i timen",
                     "under godt nok og ikke brugt i "
                     "sessionen",
                     "below good enough and not used in the session"},
    [RM_WRITTEN] = {"Skriftlig tilbakemelding", "Skriftlig feedback", "Written feedback"},
    [RM_SUMMARY] = {"Oppsummering", "Opsummering", "Summary"},
    [RM_ITEM] = {"Ledd", "Item", "Item"},
    [RM_CLIP] = {"Klipp", "Klip", "Clip"},
};

static const char *const font_desc[RPT_F__MAX] = {
    [RPT_F_BODY] = "DejaVu Sans 9",     [RPT_F_BOLD] = "DejaVu Sans Bold 9",
    [RPT_F_SMALL] = "DejaVu Sans 7.5",  [RPT_F_TINY] = "DejaVu Sans 6.5",
    [RPT_F_H1] = "DejaVu Sans Bold 17", [RPT_F_H2] = "DejaVu Sans Bold 11.5",
};

const char *rpt_msg(const struct rpt *r, enum rpt_msg m)
{
	return msgs[m][r->lang];
}

enum rpt_lang rpt_lang_of(const char *lang)
{
	if (lang && !strcmp(lang, "nb"))
		return RPT_NB;
	if (lang && !strcmp(lang, "da"))
		return RPT_DA;
	return RPT_EN;
}

void rpt_fmt_fixed(const struct rpt *r, double x, int decimals, char *buf, size_t len)
{
	double scale = pow(10, decimals);
	char *dot;

	if (isnan(x) || isinf(x)) {
		snprintf(buf, len, "–");
		return;
	}
	/* Round half away from zero, as people do, not to even as printf does. */
	x = round(x * scale) / scale;
	snprintf(buf, len, "%.*f", decimals, x == 0 ? 0.0 : x);
	if (r->lang != RPT_EN && (dot = strchr(buf, '.')))
		*dot = ',';
}

void rpt_fmt_num(const struct rpt *r, double x, char *buf, size_t len)
{
	rpt_fmt_fixed(r, x, !isnan(x) && x == floor(x) ? 0 : 1, buf, len);
}

void rpt_fmt_pct(const struct rpt *r, double share, char *buf, size_t len)
{
	char n[32];

	rpt_fmt_fixed(r, share * 100, 0, n, sizeof(n));
	snprintf(buf, len, r->lang == RPT_EN ? "%s%%" : "%s\u00a0%%", n);
}

void rpt_fmt_time(long long ms, char *buf, size_t len)
{
	long long s = ms < 0 ? 0 : ms / 1000;

	snprintf(buf, len, "%02lld:%02lld", s / 60, s % 60);
}

void rpt_fmt_date(const struct rpt *r, const char *iso, char *buf, size_t len)
{
	int y, m, d, n = 0;

	if (!iso) {
		snprintf(buf, len, "–");
		return;
	}
	if (r->lang != RPT_EN && strlen(iso) == 10 &&
	    sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10)
		snprintf(buf, len, "%02d.%02d.%04d", d, m, y);
	else
		snprintf(buf, len, "%s", iso);
}

void rpt_lower_words(char *s)
{
	int start = 1;

	for (; *s; s++) {
		if (start && *s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
		start = *s == ' ' || *s == '(';
	}
}

PangoLayout *rpt_layout(struct rpt *r, const char *text, enum rpt_font f, double width,
                        int ellipsize)
{
	PangoLayout *l = pango_layout_new(r->pctx);
	const gchar *end;

	if (!r->font[f])
		r->font[f] = pango_font_description_from_string(font_desc[f]);
	pango_layout_set_font_description(l, r->font[f]);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		if (ellipsize)
			pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	/* Labels cut to fit a buffer may end inside a character; pango wants whole ones. */
	if (text && !g_utf8_validate(text, -1, &end))
		pango_layout_set_text(l, text, (int)(end - text));
	else
		pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

double rpt_text(struct rpt *r, double x, double y, const char *text, enum rpt_font f, double width,
                int ellipsize)
{
	PangoLayout *l = rpt_layout(r, text, f, width, ellipsize);
	double h = layout_height(l);

	if (!r->dry) {
		cairo_move_to(r->cr, x, y);
		pango_cairo_show_layout(r->cr, l);
	}
	g_object_unref(l);
	return h;
}

double rpt_text_width(struct rpt *r, const char *text, enum rpt_font f)
{
	PangoLayout *l = rpt_layout(r, text, f, 0, 0);
	int w, h;

	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)w / PANGO_SCALE;
}

double rpt_text_height(struct rpt *r, const char *text, enum rpt_font f, double width)
{
	PangoLayout *l = rpt_layout(r, text, f, width, 0);
	double h = layout_height(l);

	g_object_unref(l);
	return h;
}

void rpt_text_right(struct rpt *r, double x, double y, const char *text, enum rpt_font f)
{
	rpt_text(r, x - rpt_text_width(r, text, f), y, text, f, 0, 0);
}

void rpt_paragraph(struct rpt *r, double x, const char *text, enum rpt_font f)
{
	PangoLayout *l = rpt_layout(r, text, f, r->x1 - x, 0);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	PangoRectangle logical;

	do {
		double lt, lh, base;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		lt = (double)logical.y / PANGO_SCALE;
		lh = (double)logical.height / PANGO_SCALE;
		base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		rpt_need(r, lh);
		if (!r->dry) {
			cairo_move_to(r->cr, x, r->y + base - lt);
			pango_cairo_show_layout_line(r->cr,
			                             pango_layout_iter_get_line_readonly(it));
		}
		r->y += lh;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
}
