/* kvalab report (profile, render): the feedback profile of a rating and its PDF report from
 * files, for labs that work from exports and for the report benchmark (bench/report.sh). */
#include "cli/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "cli/datadir.h"
#include "core/instrument.h"
#include "core/profile.h"
#include "report/pdf.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Input files larger than this are refused before they are parsed. */
#define REPORT_FILE_MAX (64 * 1024 * 1024)
/* The PDF may not grow beyond this. */
#define REPORT_PDF_MAX (32 * 1024 * 1024)
#define REPORT_BENCH_MAX 100000

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: kvalab report profile --instrument DEF.json --rating R.json [--duration S]\n"
	    "                             [--reference REF.json] [--history H.json] [--lang L]\n"
	    "       kvalab report render --profile P.json --out X.pdf [--feedback F.json]\n"
	    "                            [--lang nb|da|en] [--therapist NAME] [--institution "
	    "NAME]\n"
	    "                            [--date YYYY-MM-DD] [--published YYYY-MM-DD] [--bench "
	    "N]\n\n"
	    "profile  prints the feedback profile (docs/feedback.md) of a consensus rating\n"
	    "         ({\"scores\": {...}, \"interventions\": [...]}) as JSON; REF.json is an "
	    "array of\n"
	    "         the lab's scores objects, H.json the therapist's "
	    "[{submission_id, date, scores}].\n"
	    "render   writes the PDF report of a profile and its written feedback; --bench N "
	    "renders\n"
	    "         it N times more and prints the median and 95th percentile in ms.\n");
}

static json_t *load(const char *cmd, const char *path)
{
	struct stat st;
	json_error_t e;
	json_t *j;

	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		cli_error(cmd, "%s: not a readable file", path);
		return NULL;
	}
	if (st.st_size > REPORT_FILE_MAX) {
		cli_error(cmd, "%s: larger than %d MiB", path, REPORT_FILE_MAX / (1024 * 1024));
		return NULL;
	}
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		cli_error(cmd, "%s: line %d: %s", path, e.line, e.text);
	return j;
}

struct report_args {
	const char *instrument, *rating, *reference, *history, *profile, *feedback, *out;
	const char *lang, *therapist, *institution, *date, *published;
	double duration;
	long long bench;
};

static int parse_args(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {{"instrument", required_argument, NULL, 'i'},
	                                     {"rating", required_argument, NULL, 'r'},
	                                     {"reference", required_argument, NULL, 'R'},
	                                     {"history", required_argument, NULL, 'H'},
	                                     {"profile", required_argument, NULL, 'p'},
	                                     {"feedback", required_argument, NULL, 'f'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"lang", required_argument, NULL, 'l'},
	                                     {"therapist", required_argument, NULL, 't'},
	                                     {"institution", required_argument, NULL, 'I'},
	                                     {"date", required_argument, NULL, 'd'},
	                                     {"published", required_argument, NULL, 'P'},
	                                     {"duration", required_argument, NULL, 'D'},
	                                     {"bench", required_argument, NULL, 'b'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;

	memset(a, 0, sizeof(*a));
	a->lang = "nb";
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			a->instrument = optarg;
			break;
		case 'r':
			a->rating = optarg;
			break;
		case 'R':
			a->reference = optarg;
			break;
		case 'H':
			a->history = optarg;
			break;
		case 'p':
			a->profile = optarg;
			break;
		case 'f':
			a->feedback = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'l':
			a->lang = optarg;
			break;
		case 't':
			a->therapist = optarg;
			break;
		case 'I':
			a->institution = optarg;
			break;
		case 'd':
			a->date = optarg;
			break;
		case 'P':
			a->published = optarg;
			break;
		case 'D':
			if (parse_double_str(optarg, &a->duration) || a->duration < 0)
				return -1;
			break;
		case 'b':
			if (parse_llong_str(optarg, 1, REPORT_BENCH_MAX, &a->bench))
				return -1;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

static int report_profile(const struct report_args *a)
{
	json_t *def = NULL, *rating = NULL, *ref = NULL, *hist = NULL, *p = NULL;
	struct instrument *in = NULL;
	struct profile_input pi;
	int rc = CLI_USAGE;

	if (!a->instrument || !a->rating) {
		cli_error("report profile", "give --instrument and --rating");
		return CLI_USAGE;
	}
	if (!(def = load("report profile", a->instrument)) ||
	    !(rating = load("report profile", a->rating)) ||
	    (a->reference && !(ref = load("report profile", a->reference))) ||
	    (a->history && !(hist = load("report profile", a->history))))
		goto out;
	if (!(in = instrument_compile(def))) {
		cli_error("report profile", "%s: not a valid instrument definition", a->instrument);
		goto out;
	}
	memset(&pi, 0, sizeof(pi));
	pi.in = in;
	pi.scores = json_object_get(rating, "scores");
	pi.interventions = json_object_get(rating, "interventions");
	pi.duration_s = a->duration;
	pi.reference = ref;
	pi.history = hist;
	pi.lang = a->lang;
	if (!(p = profile_compute(&pi))) {
		cli_error("report profile", "%s: no scores object", a->rating);
		goto out;
	}
	if (json_dumpf(p, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = CLI_OK;
	else
		rc = CLI_FAIL;
out:
	json_decref(p);
	instrument_free(in);
	json_decref(hist);
	json_decref(ref);
	json_decref(rating);
	json_decref(def);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Renders n more times and prints the median and 95th percentile (nearest rank). */
static int bench(const struct report_input *ri, long long n)
{
	double *ms = xcalloc((size_t)n, sizeof(*ms));
	struct kv_buf b = KV_BUF_INIT(REPORT_PDF_MAX);
	char err[256];
	long long i;
	int rc = CLI_OK;

	for (i = 0; i < n && rc == CLI_OK; i++) {
		double t0 = now_ms();
		kv_buf_clear(&b);
		if (report_pdf(ri, &b, err, sizeof(err))) {
			cli_error("report render", "%s", err);
			rc = CLI_FAIL;
		}
		ms[i] = now_ms() - t0;
	}
	if (rc == CLI_OK) {
		qsort(ms, (size_t)n, sizeof(*ms), by_value);
		printf("render: n=%lld median %.1f ms p95 %.1f ms max %.1f ms (%zu bytes)\n", n,
		       n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2,
		       ms[(size_t)ceil(0.95 * (double)n) - 1], ms[n - 1], b.len);
	}
	kv_buf_release(&b);
	free(ms);
	return rc;
}

static int report_render(const struct report_args *a)
{
	struct kv_buf b = KV_BUF_INIT(REPORT_PDF_MAX);
	json_t *profile = NULL, *feedback = NULL;
	struct report_input ri;
	char err[256];
	FILE *f = NULL;
	int rc = CLI_USAGE;

	if (!a->profile || !a->out) {
		cli_error("report render", "give --profile and --out");
		return CLI_USAGE;
	}
	if (!(profile = load("report render", a->profile)) ||
	    (a->feedback && !(feedback = load("report render", a->feedback))))
		goto out;
	memset(&ri, 0, sizeof(ri));
	ri.profile = profile;
	ri.feedback = feedback;
	ri.therapist = a->therapist;
	ri.institution = a->institution;
	ri.session_date = a->date;
	ri.published = a->published;
	ri.lang = a->lang;
	rc = CLI_FAIL;
	if (report_pdf(&ri, &b, err, sizeof(err))) {
		cli_error("report render", "%s", err);
		goto out;
	}
	if (!(f = fopen(a->out, "wb")) || fwrite(b.data, 1, b.len, f) != b.len) {
		cli_error("report render", "%s: cannot write", a->out);
		goto out;
	}
	rc = a->bench ? bench(&ri, a->bench) : CLI_OK;
out:
	if (f && fclose(f) && rc == CLI_OK) {
		cli_error("report render", "%s: cannot write", a->out);
		rc = CLI_FAIL;
	}
	kv_buf_release(&b);
	json_decref(feedback);
	json_decref(profile);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	const char *sub = argc > 1 ? argv[1] : "";
	int r;

	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(sub, "profile") && strcmp(sub, "render")) {
		usage(stderr);
		return CLI_USAGE;
	}
	r = parse_args(argc - 1, argv + 1, &a);
	if (r) {
		usage(r > 0 ? stdout : stderr);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	return !strcmp(sub, "profile") ? report_profile(&a) : report_render(&a);
}
