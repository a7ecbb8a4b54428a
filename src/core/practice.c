/* Deliberate practice: calendar weeks, the cap on automatically logged review time, a session's
 * quality in one number, and therapist effects on outcomes through the REML engine. */
#include "core/practice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const practice_activity_name[PRACTICE_ACTIVITY__MAX + 1] = {
    [PRACTICE_RECORDING_REVIEW] = "recording_review",
    [PRACTICE_SIMULATED_CLIENT] = "simulated_client",
    [PRACTICE_FEEDBACK] = "feedback",
    [PRACTICE_READING] = "reading",
    [PRACTICE_OTHER] = "other",
    [PRACTICE_ACTIVITY__MAX] = NULL,
};

const char *const practice_domain_name[PRACTICE_DOMAIN__MAX + 1] = {
    [PRACTICE_STRUCTURE] = "structure",
    [PRACTICE_HOPE_EXPECTANCY] = "hope_expectancy",
    [PRACTICE_RELATIONSHIP] = "relationship",
    [PRACTICE_CLIENT_FACTORS] = "client_factors",
    [PRACTICE_THERAPIST_FACTORS] = "therapist_factors",
    [PRACTICE_DOMAIN__MAX] = NULL,
};

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's method:
 * years counted from March, so the leap day is the last day of its year). */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int practice_day_number(const char *date, long long *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    digits(date, 4, &y) || digits(date + 5, 2, &m) || digits(date + 8, 2, &d))
		return -1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

void practice_date_of(long long days, char out[11])
{
	long long y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04lld-%02d-%02d", y, m, d);
}

/* Monday = 0 ... Sunday = 6; day 0 (1970-01-01) was a Thursday. */
static int weekday(long long days)
{
	long long w = (days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

static void iso_week_of(long long days, int *year, int *week)
{
	long long thursday = days - weekday(days) + 3, y;
	int m, d;

	/* The week belongs to the year its Thursday lies in. */
	civil_from_days(thursday, &y, &m, &d);
	*year = (int)y;
	*week = (int)((thursday - days_from_civil(y, 1, 1)) / 7 + 1);
}

int practice_iso_week(const char *date, int *year, int *week)
{
	long long days;

	if (practice_day_number(date, &days))
		return -1;
	iso_week_of(days, year, week);
	return 0;
}

int practice_week_start(const char *date, char out[11])
{
	long long days;

	if (practice_day_number(date, &days))
		return -1;
	practice_date_of(days - weekday(days), out);
	return 0;
}

int practice_week_label(const char *monday, char out[16])
{
	int year, week;

	if (practice_iso_week(monday, &year, &week))
		return -1;
	snprintf(out, 16, "%04d-W%02d", year, week);
	return 0;
}

int practice_week_count(const char *from, const char *to)
{
	long long a, b, n;

	if (practice_day_number(from, &a) || practice_day_number(to, &b) || b < a)
		return -1;
	n = ((b - weekday(b)) - (a - weekday(a))) / 7 + 1;
	return n > PRACTICE_MAX_WEEKS ? -1 : (int)n;
}

int practice_week_index(const char *first_monday, int n, const char *date)
{
	long long first, d, k;

	if (practice_day_number(first_monday, &first) || practice_day_number(date, &d))
		return -1;
	if (d < first)
		return -1;
	k = (d - first) / 7;
	return k < n ? (int)k : -1;
}

long long practice_review_seconds(long long stored, long long reported, double duration_s,
                                  long long elapsed_s)
{
	long long cap = (elapsed_s > 0 ? elapsed_s : 0) + PRACTICE_REVIEW_SLACK_S, v;

	if (duration_s > 0 && duration_s * PRACTICE_REVIEW_FACTOR < (double)cap)
		cap = (long long)floor(duration_s * PRACTICE_REVIEW_FACTOR);
	if (cap > (long long)PRACTICE_MAX_MINUTES * 60)
		cap = (long long)PRACTICE_MAX_MINUTES * 60;
	v = reported < cap ? reported : cap;
	if (v < 0)
		v = 0;
	/* A total only grows: a late or repeated report never takes logged time away. */
	return v > stored ? v : stored;
}

int practice_minutes(long long seconds)
{
	long long m;

	if (seconds <= 0)
		return 0;
	m = (seconds + 30) / 60;
	return m > PRACTICE_MAX_MINUTES ? PRACTICE_MAX_MINUTES : (int)m;
}

/* The mean of facet over the items that have it and a numeric score; counts into *n. */
static double facet_mean(const struct instrument *in, const json_t *scores, const char *facet,
                         size_t *n)
{
	double sum = 0;
	size_t i, k, items = instrument_item_count(in);
	const char *f;

	*n = 0;
	for (i = 0; i < items; i++)
		for (k = 0; (f = instrument_item_facet(in, i, k)); k++) {
			json_t *v;
			if (strcmp(f, facet))
				continue;
			v = json_object_get(json_object_get(scores, instrument_item_id(in, i)),
			                    facet);
			if (json_is_number(v)) {
				sum += json_number_value(v);
				(*n)++;
			}
		}
	return *n ? sum / (double)*n : NAN;
}

static int has_facet(const struct instrument *in, const char *facet)
{
	size_t i, k, items = instrument_item_count(in);
	const char *f;

	for (i = 0; i < items; i++)
		for (k = 0; (f = instrument_item_facet(in, i, k)); k++)
			if (!strcmp(f, facet))
				return 1;
	return 0;
}

double practice_session_quality(const struct instrument *in, const json_t *scores)
{
	size_t n;

	if (!in || !json_is_object(scores))
		return NAN;
	if (has_facet(in, "quality"))
		return facet_mean(in, scores, "quality", &n);
	if (has_facet(in, "competence"))
		return facet_mean(in, scores, "competence", &n);
	return NAN;
}

/* Index of id in ids[0..*n-1], appended when new. */
static size_t group_of(long long *ids, size_t *n, long long id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (ids[i] == id)
			return i;
	ids[*n] = id;
	return (*n)++;
}

json_t *practice_therapist_effects(const json_t *rows, size_t min_therapists)
{
	size_t cap = json_array_size(rows), n = 0, groups = 0, i;
	double *y = xcalloc(cap ? cap : 1, sizeof(double));
	double *x = xcalloc(cap ? cap : 1, sizeof(double));
	size_t *g = xcalloc(cap ? cap : 1, sizeof(size_t));
	long long *ids = xcalloc(cap ? cap : 1, sizeof(long long));
	int all_baseline = 1, rc;
	struct stats_reml fit;
	json_t *row, *out;

	json_array_foreach(rows, i, row)
	{
		json_t *t = json_object_get(row, "therapist"), *o = json_object_get(row, "outcome"),
		       *b = json_object_get(row, "baseline");
		if (!json_is_integer(t) || !json_is_number(o))
			continue;
		y[n] = json_number_value(o);
		if (json_is_number(b))
			x[n] = json_number_value(b);
		else
			all_baseline = 0;
		g[n] = group_of(ids, &groups, json_integer_value(t));
		n++;
	}
	if (groups < min_therapists || groups < 2) {
		out = json_pack("{s:b, s:s, s:I, s:I}", "available", 0, "reason",
		                "too_few_therapists", "n_clients", (json_int_t)n, "n_therapists",
		                (json_int_t)groups);
		goto out;
	}
	rc = all_baseline && n ? stats_reml_fit(y, x, 1, g, n, groups, &fit)
	                       : stats_reml_oneway(y, g, n, groups, &fit);
	if (rc) {
		out = json_pack("{s:b, s:s, s:I, s:I}", "available", 0, "reason", "not_estimable",
		                "n_clients", (json_int_t)n, "n_therapists", (json_int_t)groups);
		goto out;
	}
	out = json_pack("{s:b, s:I, s:I, s:s?, s:f, s:f, s:f, s:f}", "available", 1, "n_clients",
	                (json_int_t)n, "n_therapists", (json_int_t)groups, "covariate",
	                all_baseline ? "baseline" : NULL, "icc", fit.icc, "var_between",
	                fit.var_between, "var_within", fit.var_within, "intercept", fit.coef[0]);
	json_object_set_new(out, "baseline_coef",
	                    all_baseline ? json_real(fit.coef[1]) : json_null());
out:
	free(y);
	free(x);
	free(g);
	free(ids);
	return out;
}
