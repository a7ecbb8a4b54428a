/* Unit tests for the PDF feedback report: its text as pdftotext reads it (figures, names, clip
 * times, æ ø å, page numbers, nothing planted outside the fields it prints), a render to PNG with
 * pdftoppm, long feedback over several pages, English number formats, and refusals. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/profile.h"
#include "report/pdf.h"
#include "util/buf.h"
#include "util/banned.h"

#define MARKER "PASIENT-7f3a"

static const char *scores_json =
    "{\"1\": {\"quality\": 6}, \"2\": {\"adherence\": 5, \"quality\": 6},"
    " \"3\": {\"adherence\": 2, \"quality\": 2}, \"4\": {\"quality\": 5}, \"5\": {\"quality\": 4},"
    " \"6\": {\"adherence\": 4, \"quality\": 3}, \"7\": {\"adherence\": 4, \"quality\": 4},"
    " \"8\": {\"adherence\": 3, \"quality\": 3}, \"9\": {\"adherence\": 4, \"quality\": 4},"
    " \"10\": {\"adherence\": 2, \"quality\": 4}, \"11\": {\"adherence\": 4, \"quality\": 4},"
    " \"12\": {\"adherence\": 4, \"quality\": 4}, \"13\": {\"adherence\": 4, \"quality\": 5},"
    " \"14\": {\"adherence\": 4, \"quality\": 4}, \"15\": {\"adherence\": 4, \"quality\": 4},"
    " \"16\": {\"adherence\": 6, \"quality\": 5}, \"17\": {\"adherence\": 4, \"quality\": 4},"
    " \"global\": {\"adherence\": 4, \"quality\": 4}}";

static const char *interventions_json =
    "[{\"start_ms\": 60000, \"code\": \"16\"}, {\"start_ms\": 120000, \"code\": \"2\"},"
    " {\"start_ms\": 180000, \"code\": \"16\"}, {\"start_ms\": 240000, \"code\": "
    "\"outside_manual\"},"
    " {\"start_ms\": 300000, \"code\": \"13\"}, {\"start_ms\": 360000, \"code\": \"2\"},"
    " {\"start_ms\": 420000, \"code\": \"16\", \"within_manual\": false},"
    " {\"start_ms\": 480000, \"code\": \"not_classifiable\"}, {\"start_ms\": 540000, \"code\": "
    "\"6\"},"
    " {\"start_ms\": 600000, \"code\": \"2\"}, {\"start_ms\": 660000, \"code\": \"16\"},"
    " {\"start_ms\": 720000, \"code\": \"outside_manual\"}]";

/* Written feedback with Norwegian letters, and a patient marker in places the report must not
 * print: keys it does not know, in the feedback and in the profile. */
static const char *feedback_json =
    "{\"summary\": \"Du møter pasienten med varme. Ærlig talt en god time å bygge videre på.\","
    " \"patient\": \"" MARKER "\","
    " \"points\": [{\"kind\": \"strength\", \"item_id\": \"2\", \"title\": \"Åpen og nysgjerrig\","
    "   \"body\": \"Du stiller åpne spørsmål.\", \"note\": \"" MARKER "\","
    "   \"clips\": [{\"start_ms\": 725000, \"end_ms\": 790000, \"label\": \"Søsterens følelser\","
    "               \"patient_code\": \"" MARKER "\"}]},"
    "  {\"kind\": \"improvement\", \"item_id\": \"3\", \"title\": \"Utfordre mer\","
    "   \"body\": \"Prøv et forsiktig motspørsmål når påstanden står.\","
    "   \"clips\": [{\"start_ms\": 1834000, \"end_ms\": 1899000, \"label\": \"«Ingen bryr seg»\"},"
    "               {\"start_ms\": 4510000, \"end_ms\": null, \"label\": \"Sent i timen\"}]}]}";

static json_t *make_profile(const char *lang)
{
	char path[512];
	json_t *def, *scores, *ivs, *p = NULL;
	struct instrument *in = NULL;
	struct profile_input pi;

	snprintf(path, sizeof(path), "instruments/mbt-i-aqs-1.json");
	def = json_load_file(path, 0, NULL);
	if (!def) {
		snprintf(path, sizeof(path), "%.*s/../../instruments/mbt-i-aqs-1.json",
		         (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
		def = json_load_file(path, 0, NULL);
	}
	scores = json_loads(scores_json, 0, NULL);
	ivs = json_loads(interventions_json, 0, NULL);
	if (def && scores && ivs && (in = instrument_compile(def))) {
		memset(&pi, 0, sizeof(pi));
		pi.in = in;
		pi.scores = scores;
		pi.interventions = ivs;
		pi.duration_s = 3000;
		pi.lang = lang;
		p = profile_compute(&pi);
		json_object_set_new(p, "patient_code", json_string(MARKER));
	}
	instrument_free(in);
	json_decref(ivs);
	json_decref(scores);
	json_decref(def);
	return p;
}

static int write_file(const char *path, const struct kv_buf *b)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(b->data, 1, b->len, f) == b->len;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* The text pdftotext finds in the PDF at path (UTF-8), as a new string, or NULL. */
static char *pdf_text(const char *path)
{
	char cmd[1200], txt[1024];
	struct kv_buf b = KV_BUF_INIT(1 << 24);
	FILE *f;
	size_t n;
	char chunk[4096];

	snprintf(txt, sizeof(txt), "%s.txt", path);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' '%s'", path, txt);
	if (system(cmd) != 0 || !(f = fopen(txt, "rb")))
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kv_buf_add(&b, chunk, n);
	fclose(f);
	return kv_buf_detach(&b, NULL);
}

static int render(const json_t *profile, const json_t *feedback, const char *lang, const char *name,
                  char *path, size_t pathlen)
{
	struct kv_buf b = KV_BUF_INIT(1 << 24);
	struct report_input ri;
	char err[256];
	int rc;

	memset(&ri, 0, sizeof(ri));
	ri.profile = profile;
	ri.feedback = feedback;
	ri.therapist = "Åse Ødegård Bjørnø";
	ri.institution = "Sørlandet sykehus, DPS Kristiansand";
	ri.session_date = "2026-03-01";
	ri.published = "2026-04-02";
	ri.lang = lang;
	snprintf(path, pathlen, "%s/%s.pdf", unit_tmpdir(), name);
	rc = report_pdf(&ri, &b, err, sizeof(err));
	if (rc)
		printf("    report_pdf: %s\n", err);
	if (!rc && (b.len < 5 || memcmp(b.data, "%PDF-", 5) != 0))
		rc = -1;
	if (!rc)
		rc = write_file(path, &b);
	kv_buf_release(&b);
	return rc;
}

#define CHECK_HAS(text, s)                                                                         \
	do {                                                                                       \
		if (!strstr((text), (s))) {                                                        \
			unit_fail(__FILE__, __LINE__, "the PDF's text lacks \"%s\"", (s));         \
			goto out;                                                                  \
		}                                                                                  \
	} while (0)

TEST(test_report_pdf_text_has_figures_names_and_clips)
{
	json_t *p = make_profile("nb"), *fb = json_loads(feedback_json, 0, NULL);
	char path[1024], *text = NULL;

	CHECK(p && fb);
	CHECK(render(p, fb, "nb", "report-nb", path, sizeof(path)) == 0);
	text = pdf_text(path);
	CHECK(text != NULL);
	CHECK_HAS(text, "Tilbakemeldingsrapport");
	CHECK_HAS(text, "Åse Ødegård Bjørnø");
	CHECK_HAS(text, "Sørlandet sykehus, DPS Kristiansand");
	CHECK_HAS(text, "01.03.2026");
	CHECK_HAS(text, "02.04.2026");
	CHECK_HAS(text, "MBT-skala for etterlevelse og kvalitet");
	/* Mean quality 71/17, mean adherence 54/14, support 17/3, per minute 12/50. */
	CHECK_HAS(text, "Gjennomsnittlig kvalitet (alle ledd)");
	CHECK_HAS(text, "4,2");
	CHECK_HAS(text, "3,9");
	CHECK_HAS(text, "5,7");
	CHECK_HAS(text, "0,24");
	CHECK_HAS(text, "8 (67");
	CHECK_HAS(text, "4 (33");
	CHECK_HAS(text, "+2,7");
	CHECK_HAS(text, "timen heller mot støtte");
	CHECK_HAS(text, "Godt nok (4)");
	CHECK_HAS(text, "Mest brukt: 16, 2, 6");
	CHECK_HAS(text, "Minst brukt: 3, 7, 8");
	CHECK_HAS(text,
	          "Utfordring av ubegrunnede oppfatninger: kvalitet 2, under godt nok og ikke "
	          "brukt i timen");
	CHECK_HAS(text, "Ærlig talt");
	CHECK_HAS(text, "Du stiller åpne spørsmål.");
	CHECK_HAS(text, "Klipp 12:05–13:10");
	CHECK_HAS(text, "Søsterens følelser");
	CHECK_HAS(text, "Klipp 30:34–31:39");
	CHECK_HAS(text, "Klipp 75:10");
	CHECK_HAS(text, "Side 1 av 2");
	CHECK_HAS(text, "Side 2 av 2");
	CHECK(strstr(text, MARKER) == NULL);
	CHECK(strstr(text, "Side 3") == NULL);
out:
	free(text);
	json_decref(fb);
	json_decref(p);
}

TEST(test_report_pdf_renders_to_png)
{
	json_t *p = make_profile("da");
	char path[1024], cmd[2400], png[1100];
	struct stat st;
	unsigned char magic[8] = {0};
	FILE *f;

	CHECK(p != NULL);
	CHECK(render(p, NULL, "da", "report-da", path, sizeof(path)) == 0);
	snprintf(cmd, sizeof(cmd), "pdftoppm -png -r 50 -f 1 -l 1 '%s' '%s/page'", path,
	         unit_tmpdir());
	CHECK(system(cmd) == 0);
	snprintf(png, sizeof(png), "%s/page-1.png", unit_tmpdir());
	CHECK(stat(png, &st) == 0 && st.st_size > 1000);
	f = fopen(png, "rb");
	CHECK(f != NULL);
	CHECK(fread(magic, 1, 8, f) == 8);
	fclose(f);
	CHECK(memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0);
	json_decref(p);
}

TEST(test_report_pdf_english_uses_decimal_points)
{
	json_t *p = make_profile("en");
	char path[1024], *text = NULL;

	CHECK(p != NULL);
	CHECK(render(p, NULL, "en", "report-en", path, sizeof(path)) == 0);
	text = pdf_text(path);
	CHECK(text != NULL);
	CHECK_HAS(text, "Feedback report");
	CHECK_HAS(text, "Mean quality (all items)");
	CHECK_HAS(text, "4.2");
	CHECK_HAS(text, "0.24");
	CHECK_HAS(text, "2026-03-01");
	CHECK_HAS(text, "the session leans towards support");
	CHECK_HAS(text, "Page 1 of");
	CHECK(strstr(text, "4,2") == NULL);
out:
	free(text);
	json_decref(p);
}

TEST(test_report_pdf_breaks_long_feedback_over_pages)
{
	json_t *p = make_profile("nb"), *fb = json_object(), *points = json_array();
	char path[1024], *text = NULL, body[2048];
	int k;

	CHECK(p && fb && points);
	for (k = 0; k < 24; k++) {
		snprintf(
		    body, sizeof(body),
		    "Avsnitt %d. Når pasienten beskriver konflikten med søsteren, følger du "
		    "nøye med og spør hva hun tror søsteren følte. Det åpner for å se flere "
		    "perspektiver. Prøv også å stoppe opp og spole tilbake når affekten stiger, "
		    "slik at dere kan se på øyeblikket sammen før det gikk galt.",
		    k + 1);
		json_array_append_new(points,
		                      json_pack("{s:s, s:n, s:s, s:s, s:[{s:i, s:i, s:s}]}", "kind",
		                                k % 2 ? "improvement" : "strength", "item_id",
		                                "title", "Et punkt å øve på", "body", body, "clips",
		                                "start_ms", 60000 * k, "end_ms", 60000 * k + 30000,
		                                "label", "Øyeblikket"));
	}
	json_object_set_new(fb, "points", points);
	CHECK(render(p, fb, "nb", "report-long", path, sizeof(path)) == 0);
	text = pdf_text(path);
	CHECK(text != NULL);
	CHECK_HAS(text, "Avsnitt 1.");
	CHECK_HAS(text, "Avsnitt 24.");
	CHECK_HAS(text, "Klipp 23:00–23:30");
	CHECK_HAS(text, "Side 4 av ");
	CHECK(strstr(text, "Side 1 av 1") == NULL);
out:
	free(text);
	json_decref(fb);
	json_decref(p);
}

TEST(test_report_pdf_refuses_without_profile_or_room)
{
	struct kv_buf b = KV_BUF_INIT(4000);
	struct report_input ri;
	json_t *p = make_profile("nb");
	char err[256] = "";

	CHECK(p != NULL);
	memset(&ri, 0, sizeof(ri));
	CHECK(report_pdf(&ri, &b, err, sizeof(err)) == -1);
	CHECK_STR(err, "no profile to report");
	CHECK(report_pdf(NULL, &b, err, sizeof(err)) == -1);
	ri.profile = p;
	CHECK(report_pdf(&ri, &b, err, sizeof(err)) == -1);
	CHECK_STR(err, "the report is larger than allowed");
	CHECK_INT(b.len, 0);
	kv_buf_release(&b);
	json_decref(p);
}

/* A profile or feedback of the wrong shape still gives a PDF: what cannot be read is left out. */
TEST(test_report_pdf_survives_garbage)
{
	static const char *const profiles[] = {
	    "{}",
	    "{'items': 'x', 'globals': [1, 'a', {}], 'counts': 5, 'derived': [{}, 7],"
	    " 'balance': {'support': 'a'}, 'trend': [{'points': 'x'}], 'good_enough': 'x'}",
	    "{'good_enough': 4, 'items': [{'id': 1, 'quality': {'value': 99, 'reference':"
	    " {'q1': 'a', 'median': 2}}, 'range': {'min': 3, 'max': 3}}, {'id': '2', 'adherence':"
	    " {'value': -5}, 'range': {'min': 1, 'max': 7}}],"
	    " 'counts': {'total': 3, 'by_code': [{'code': 'a', 'count': 0}, {'code': 'b',"
	    " 'count': 9, 'share': 'x'}, 'junk']},"
	    " 'balance': {'support': 9, 'challenge': -9, 'difference': 18, 'verdict': 7},"
	    " 'strengths': [{'item': 5}, 'x'], 'improvements': 3,"
	    " 'trend': [{'item': '2', 'points': [{'quality': 3}, {'quality': 'x'}, {'quality': 5},"
	    "  'junk']}]}",
	};
	static const char *feedback =
	    "{'summary': 5, 'points': [1, {'kind': 3, 'title': 4, 'clips': [5, {'start_ms': -3,"
	    " 'end_ms': 'x'}]}, {'kind': 'strength', 'item_id': 99, 'clips': 'x'}]}";
	char path[1024], text[2048], name[32];
	json_t *p, *fb;
	size_t i, k;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		snprintf(text, sizeof(text), "%s", profiles[i]);
		for (k = 0; text[k]; k++)
			if (text[k] == '\'')
				text[k] = '"';
		p = json_loads(text, 0, NULL);
		snprintf(text, sizeof(text), "%s", feedback);
		for (k = 0; text[k]; k++)
			if (text[k] == '\'')
				text[k] = '"';
		fb = json_loads(text, 0, NULL);
		CHECK(p && fb);
		snprintf(name, sizeof(name), "garbage-%zu", i);
		CHECK(render(p, fb, "nb", name, path, sizeof(path)) == 0);
		json_decref(fb);
		json_decref(p);
	}
}
