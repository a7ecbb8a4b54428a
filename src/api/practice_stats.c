/* Figures from the practice log: the therapist's minutes per ISO week and goal, "closing the
 * loop" (item scores of their rated sessions beside practice time and, once the outcome
 * measures are merged, outcome figures over the same period), and the lab's pseudonymised view
 * of practice against quality, with therapist effects on outcomes ready for outcome rows. */
#include "api/outcomes.h"
#include "api/practice.h"
#include "api/feedback.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "core/practice.h"
#include "core/stats.h"
#include "db/rows.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_PERIOD_DAYS 364

static const char *item_label(const struct instrument *in, const char *item, const char *lang)
{
	int k = instrument_item_index(in, item);

	return k >= 0 ? instrument_item_label(in, (size_t)k, lang) : NULL;
}

/* The period from ?from and ?to (default: the 52 weeks up to today). 0, or -1 with resp
 * filled. */
static int period(struct api_req *req, struct api_resp *resp, char from[11], char to[11])
{
	char today[11];
	long long d;

	api_today(req->now, today);
	snprintf(to, 11, "%s", api_str(req, "to") ? api_str(req, "to") : today);
	if (api_str(req, "from")) {
		snprintf(from, 11, "%s", api_str(req, "from"));
	} else {
		practice_day_number(to, &d);
		practice_date_of(d - DEFAULT_PERIOD_DAYS, from);
	}
	if (strcmp(from, to) > 0) {
		api_field_error(resp, KV_EINVAL, "invalid_period", "from", "must not be after to");
		return -1;
	}
	if (practice_week_count(from, to) < 0) {
		api_field_error(resp, KV_EINVAL, "invalid_period", "from",
		                "the period may cover at most 156 weeks");
		return -1;
	}
	return 0;
}

/* The weeks starting with first_monday: [{"start", "week", "minutes"}], and the therapist's
 * minutes in them (up to and including last) per goal: [{"goal_id", "description",
 * "item_label", "state", "minutes": [per week]}], entries without a goal last. */
static json_t *weekly_json(struct api_req *req, const char *first_monday, int n, const char *last)
{
	struct db_arg a[] = {ARG_INT(req->user.id), ARG_TEXT(first_monday), ARG_TEXT(last)};
	json_t *rows = db_json_rows(req->db,
	                            "SELECT l.date, l.goal_id, l.minutes, l.activity, l.domain "
	                            "FROM practice_log l WHERE l.therapist_id = ?1 AND "
	                            "l.deleted_at IS NULL AND l.date >= ?2 AND l.date <= ?3 "
	                            "ORDER BY coalesce(l.goal_id, 9007199254740991), l.date",
	                            a, NARGS(a), NULL),
	       *weeks = json_array(), *series = json_array(), *row, *s = NULL;
	json_t *by_activity = json_object(), *by_domain = json_object();
	struct api_instrument_cache cache = {{0}, {0}, 0};
	long long day, total = 0;
	size_t i;
	int w;

	practice_day_number(first_monday, &day);
	for (w = 0; w < n; w++) {
		char start[11], label[16];
		practice_date_of(day + 7 * w, start);
		practice_week_label(start, label);
		json_array_append_new(weeks, json_pack("{s:s, s:s, s:i}", "start", start, "week",
		                                       label, "minutes", 0));
	}
	json_array_foreach(rows, i, row)
	{
		json_t *goal = json_object_get(row, "goal_id"), *m;
		long long minutes = json_integer_value(json_object_get(row, "minutes"));
		const char *activity = json_string_value(json_object_get(row, "activity"));
		const char *domain = json_string_value(json_object_get(row, "domain"));
		int k = practice_week_index(first_monday, n,
		                            json_string_value(json_object_get(row, "date")));

		if (k < 0)
			continue;
		if (!s || !json_equal(json_object_get(s, "goal_id"), goal)) {
			s = json_pack("{s:O, s:o}", "goal_id", goal, "minutes", json_array());
			for (w = 0; w < n; w++)
				json_array_append_new(json_object_get(s, "minutes"),
				                      json_integer(0));
			json_array_append_new(series, s);
		}
		m = json_array_get(json_object_get(s, "minutes"), (size_t)k);
		json_integer_set(m, json_integer_value(m) + minutes);
		m = json_object_get(json_array_get(weeks, (size_t)k), "minutes");
		json_integer_set(m, json_integer_value(m) + minutes);
		total += minutes;
		json_object_set_new(
		    by_activity, activity,
		    json_integer(json_integer_value(json_object_get(by_activity, activity)) +
		                 minutes));
		if (domain)
			json_object_set_new(
			    by_domain, domain,
			    json_integer(json_integer_value(json_object_get(by_domain, domain)) +
			                 minutes));
	}
	/* Each goal's words, so the chart's legend needs no second request. */
	json_array_foreach(series, i, s)
	{
		json_t *goal = json_object_get(s, "goal_id"), *g = NULL;
		enum kv_err rc;
		if (json_is_integer(goal)) {
			struct db_arg b[] = {ARG_INT(json_integer_value(goal))};
			g = db_json_row(req->db,
			                "SELECT description, instrument_id, item_id, state FROM "
			                "practice_goals WHERE id = ?",
			                b, 1, NULL, &rc);
		}
		json_object_set(s, "description",
		                g ? json_object_get(g, "description") : json_null());
		json_object_set(s, "state", g ? json_object_get(g, "state") : json_null());
		{
			json_t *inst = g ? json_object_get(g, "instrument_id") : NULL;
			const char *label =
			    json_is_integer(inst)
			        ? item_label(api_instrument_cached(&cache, req->db,
			                                           json_integer_value(inst)),
			                     json_string_value(json_object_get(g, "item_id")),
			                     api_lang(req))
			        : NULL;
			json_object_set_new(s, "item_label",
			                    label ? json_string(label) : json_null());
		}
		json_decref(g);
	}
	api_instrument_cache_release(&cache);
	json_decref(rows);
	return json_pack("{s:o, s:o, s:I, s:o, s:o}", "weeks", weeks, "series", series,
	                 "total_minutes", (json_int_t)total, "by_activity", by_activity,
	                 "by_domain", by_domain);
}

enum kv_err api_practice_weekly(struct api_req *req, struct api_resp *resp)
{
	int n = (int)api_int(req, "weeks", 12);
	char today[11], monday[11], first[11];
	long long d;
	json_t *out;

	api_today(req->now, today);
	practice_week_start(today, monday);
	practice_day_number(monday, &d);
	practice_date_of(d - 7LL * (n - 1), first);
	out = weekly_json(req, first, n, today);
	json_object_set_new(out, "from", json_string(first));
	json_object_set_new(out, "to", json_string(today));
	api_audit(req, "practice.weekly", "user", req->user.id, "success", NULL);
	api_json(resp, 200, out);
	return KV_OK;
}

/* The therapist's outcome figures over [from, to] as the outcome module summarises them
 * (caseload, change categories, effect sizes with their caveats; docs/outcomes.md). */
static json_t *outcome_summary(struct api_req *req, long long therapist, const char *from,
                               const char *to)
{
	return api_outcomes_summary(req->db, therapist, from, to, api_lang(req));
}

/* One row per client of the lab with at least two current scores in [from, to] on the lab's
 * most used measure: the first (baseline) and the last (outcome), and whose client it is.
 * Clients who withdrew consent are left out. NULL when there are none. */
static json_t *outcome_rows(struct api_req *req, const char *from, const char *to)
{
	struct db_arg a[] = {ARG_TEXT(from), ARG_TEXT(to)};
	json_t *rows = db_json_rows(
	    req->db,
	    "WITH cur AS (SELECT r.case_id, r.instrument_id, r.session_number, r.session_date, "
	    "r.score FROM outcome_responses r WHERE NOT EXISTS (SELECT 1 FROM outcome_responses x "
	    "WHERE x.supersedes = r.id) AND (?1 IS NULL OR r.session_date >= ?1) AND (?2 IS NULL "
	    "OR "
	    "r.session_date <= ?2)), measure AS (SELECT instrument_id FROM outcome_clients WHERE "
	    "withdrawn_at IS NULL GROUP BY instrument_id ORDER BY count(*) DESC, instrument_id "
	    "LIMIT 1) SELECT c.therapist_id AS therapist, (SELECT score FROM cur WHERE cur.case_id "
	    "= oc.case_id AND cur.instrument_id = oc.instrument_id ORDER BY session_number, "
	    "session_date LIMIT 1) AS baseline, (SELECT score FROM cur WHERE cur.case_id = "
	    "oc.case_id AND cur.instrument_id = oc.instrument_id ORDER BY session_number DESC, "
	    "session_date DESC LIMIT 1) AS outcome FROM outcome_clients oc JOIN patient_cases c ON "
	    "c.id = oc.case_id WHERE oc.withdrawn_at IS NULL AND oc.instrument_id = (SELECT "
	    "instrument_id FROM measure) AND (SELECT count(*) FROM cur WHERE cur.case_id = "
	    "oc.case_id AND cur.instrument_id = oc.instrument_id) >= 2 ORDER BY c.therapist_id, "
	    "oc.case_id",
	    a, NARGS(a), NULL);

	if (rows && json_array_size(rows) == 0) {
		json_decref(rows);
		rows = NULL;
	}
	return rows;
}

/* The therapist's rated sessions in [from, to]: the newest approved consensus of each
 * submission whose feedback is published. */
static json_t *rated_sessions(struct db *db, long long therapist, long long instrument,
                              const char *from, const char *to)
{
	struct db_arg a[] = {ARG_INT(therapist), ARG_TEXT(from), ARG_TEXT(to), ARG_INT(instrument)};

	return db_json_rows(
	    db,
	    "SELECT * FROM (SELECT s.id AS submission_id, s.therapist_id, coalesce(s.session_date, "
	    "date(f.published_at, 'unixepoch')) AS date, r.instrument_id, i.code AS "
	    "instrument_code, r.scores FROM submissions s JOIN feedback f ON f.submission_id = "
	    "s.id JOIN ratings r ON r.id = (SELECT max(id) FROM ratings WHERE submission_id = s.id "
	    "AND kind = 'consensus' AND state = 'approved') JOIN instruments i ON i.id = "
	    "r.instrument_id WHERE f.published_at IS NOT NULL AND s.state IN "
	    "('feedback_published', 'closed') AND (?1 = 0 OR s.therapist_id = ?1) AND (?4 = 0 OR "
	    "r.instrument_id = ?4)) WHERE date >= ?2 AND date <= ?3 ORDER BY date, submission_id",
	    a, NARGS(a), NULL);
}

/* Replaces the scores text with the object and adds the session's quality in one number. */
static void add_quality(struct api_req *req, struct api_instrument_cache *cache, json_t *sessions)
{
	json_error_t jerr;
	json_t *row;
	size_t i;

	json_array_foreach(sessions, i, row)
	{
		json_t *scores =
		    json_loads(json_string_value(json_object_get(row, "scores")), 0, &jerr);
		double q = practice_session_quality(
		    api_instrument_cached(
		        cache, req->db, json_integer_value(json_object_get(row, "instrument_id"))),
		    scores);
		json_object_set_new(row, "scores", scores ? scores : json_object());
		json_object_set_new(row, "quality", isnan(q) ? json_null() : json_real(q));
	}
}

/* The scales of the sessions, with item labels, for the chart's legend. */
static json_t *instruments_json(struct api_req *req, struct api_instrument_cache *cache)
{
	json_t *out = json_array();
	size_t i, k, j;
	const char *f;

	for (i = 0; i < cache->n; i++) {
		const struct instrument *in = cache->in[i];
		json_t *items = json_array();
		if (!in)
			continue;
		for (k = 0; k < instrument_item_count(in); k++) {
			json_t *facets = json_array();
			for (j = 0; (f = instrument_item_facet(in, k, j)); j++)
				json_array_append_new(facets, json_string(f));
			json_array_append_new(
			    items, json_pack("{s:s, s:s, s:o}", "id", instrument_item_id(in, k),
			                     "label", instrument_item_label(in, k, api_lang(req)),
			                     "facets", facets));
		}
		json_array_append_new(
		    out, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)cache->id[i], "code",
		                   instrument_code(in), "name", instrument_name(in, api_lang(req)),
		                   "items", items));
	}
	return out;
}

enum kv_err api_practice_development(struct api_req *req, struct api_resp *resp)
{
	char from[11], to[11], first[11];
	struct api_instrument_cache cache = {{0}, {0}, 0};
	json_t *sessions, *practice, *goals, *outcomes, *out;
	int n;

	if (period(req, resp, from, to))
		return KV_EINVAL;
	n = practice_week_count(from, to);
	practice_week_start(from, first);
	sessions = rated_sessions(req->db, req->user.id, 0, from, to);
	if (!sessions)
		return api_error(resp, KV_EINTERNAL, NULL, "the sessions could not be read");
	add_quality(req, &cache, sessions);
	practice = weekly_json(req, first, n, to);
	{
		struct db_arg a[] = {ARG_INT(req->user.id)};
		goals = db_json_rows(req->db,
		                     "SELECT id, instrument_id, item_id, description, target, "
		                     "review_date, state, created_at FROM practice_goals WHERE "
		                     "therapist_id = ? ORDER BY created_at, id",
		                     a, 1, NULL);
	}
	outcomes = outcome_summary(req, req->user.id, from, to);
	out = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "from", from, "to", to, "sessions",
	                sessions, "instruments", instruments_json(req, &cache), "practice",
	                practice, "goals", goals ? goals : json_array(), "outcomes",
	                outcomes ? outcomes : json_null());
	api_instrument_cache_release(&cache);
	api_audit(req, "practice.development", "user", req->user.id, "success", NULL);
	api_json(resp, 200, out);
	return KV_OK;
}

/* ---- The lab's view ---- */

struct therapist_point {
	long long id;
	double quality_sum;
	int sessions;
	long long minutes;
	double change_sum; /* outcome - baseline, summed over clients with both */
	int clients;
};

static int by_quality(const void *a, const void *b)
{
	const struct therapist_point *x = a, *y = b;
	double qx = x->quality_sum / x->sessions, qy = y->quality_sum / y->sessions;

	if (qx != qy)
		return qx < qy ? -1 : 1;
	if (x->minutes != y->minutes)
		return x->minutes < y->minutes ? -1 : 1;
	return 0;
}

static json_t *corr_json(const struct stats_corr *c)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:o, s:o}", "n", (json_int_t)c->n, "r", c->r, "t",
	                 c->t, "p", c->p, "ci_lower",
	                 isnan(c->ci_lower) ? json_null() : json_real(c->ci_lower), "ci_upper",
	                 isnan(c->ci_upper) ? json_null() : json_real(c->ci_upper));
}

/* Pearson and Spearman of x and y, or null when they cannot be computed. */
static json_t *association(const double *x, const double *y, size_t n)
{
	struct stats_corr p, s;

	if (n < PRACTICE_MIN_THERAPISTS || stats_pearson(x, y, n, &p) ||
	    stats_spearman(x, y, n, &s))
		return json_null();
	return json_pack("{s:o, s:o}", "pearson", corr_json(&p), "spearman", corr_json(&s));
}

static const char *const limits_text[] = {
    "These are associations across therapists, not causes: therapists who practise more may "
    "differ in other ways (experience, caseload, motivation, which sessions they choose to "
    "send).",
    "Each therapist's quality is the mean of few rated sessions, often one or two a year, so "
    "it carries much measurement error, and that error makes any association look weaker "
    "than it is.",
    "Practice time is what therapists chose to log. Practice that was not logged, and "
    "generous logging, both blur the figures; only reviews of their own recordings are "
    "measured by the player.",
    "With few therapists the confidence intervals are wide: a correlation near zero does not "
    "show that practice makes no difference, and a large one can arise by chance.",
    "Figures are shown only when at least 5 therapists qualify. Therapists are given labels "
    "in order of quality that carry no identity; do not try to identify anyone from them.",
    "Therapist effects on outcomes come from a random-intercept model fitted by REML "
    "(clients within therapists, the baseline score as covariate). Clients are not randomly "
    "assigned to therapists, and with few clients per therapist the estimate is unstable "
    "and may end at zero.",
    NULL,
};

/* The instrument most used in approved, published ratings in the period; 0 when none. */
static long long main_instrument(struct db *db, const char *from, const char *to)
{
	struct db_arg a[] = {ARG_TEXT(from), ARG_TEXT(to)};

	return db_scalar(db,
	                 "SELECT r.instrument_id FROM submissions s JOIN feedback f ON "
	                 "f.submission_id = s.id JOIN ratings r ON r.submission_id = s.id AND "
	                 "r.kind = 'consensus' AND r.state = 'approved' WHERE f.published_at IS "
	                 "NOT NULL AND s.state IN ('feedback_published', 'closed') AND "
	                 "coalesce(s.session_date, date(f.published_at, 'unixepoch')) BETWEEN ?1 "
	                 "AND ?2 GROUP BY r.instrument_id ORDER BY count(*) DESC, r.instrument_id "
	                 "LIMIT 1",
	                 a, NARGS(a), 0);
}

static struct therapist_point *point_of(struct therapist_point *pts, size_t *n, long long id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (pts[i].id == id)
			return &pts[i];
	return NULL;
}

/* Therapist effects and fidelity against outcome change, from the outcome rows (borrowed). */
static void outcome_figures(json_t *out, const json_t *rows, struct therapist_point *pts, size_t n)
{
	double *x, *y;
	size_t i, k = 0;
	json_t *row;

	json_object_set_new(out, "therapist_effects",
	                    practice_therapist_effects(rows, PRACTICE_MIN_THERAPISTS));
	json_array_foreach(rows, i, row)
	{
		struct therapist_point *p =
		    point_of(pts, &n, json_integer_value(json_object_get(row, "therapist")));
		json_t *b = json_object_get(row, "baseline"), *o = json_object_get(row, "outcome");
		if (p && json_is_number(b) && json_is_number(o)) {
			p->change_sum += json_number_value(o) - json_number_value(b);
			p->clients++;
		}
	}
	x = xcalloc(n ? n : 1, sizeof(double));
	y = xcalloc(n ? n : 1, sizeof(double));
	for (i = 0; i < n; i++)
		if (pts[i].clients) {
			x[k] = pts[i].quality_sum / pts[i].sessions;
			y[k] = pts[i].change_sum / pts[i].clients;
			k++;
		}
	json_object_set_new(out, "fidelity_outcomes",
	                    json_pack("{s:b, s:I, s:o}", "available", k >= PRACTICE_MIN_THERAPISTS,
	                              "n_therapists", (json_int_t)k, "association",
	                              association(x, y, k)));
	free(x);
	free(y);
}

enum kv_err api_lab_practice_effects(struct api_req *req, struct api_resp *resp)
{
	char from[11], to[11];
	struct api_instrument_cache cache = {{0}, {0}, 0};
	struct therapist_point *pts = NULL;
	long long instrument;
	json_t *sessions, *row, *out, *points, *limits, *rows;
	struct instrument *in;
	size_t i, n = 0;
	double *x, *y;
	int shown;

	if (period(req, resp, from, to))
		return KV_EINVAL;
	instrument = api_has(req, "instrument_id") ? api_int(req, "instrument_id", 0)
	                                           : main_instrument(req->db, from, to);
	in = instrument ? api_instrument_cached(&cache, req->db, instrument) : NULL;
	if (api_has(req, "instrument_id") && !in) {
		api_instrument_cache_release(&cache);
		return api_field_error(resp, KV_EINVAL, "unknown_instrument", "instrument_id",
		                       "is not a rating scale on file");
	}
	sessions = in ? rated_sessions(req->db, 0, instrument, from, to) : json_array();
	if (!sessions) {
		api_instrument_cache_release(&cache);
		return api_error(resp, KV_EINTERNAL, NULL, "the sessions could not be read");
	}
	add_quality(req, &cache, sessions);
	pts = xcalloc(json_array_size(sessions) + 1, sizeof(*pts));
	json_array_foreach(sessions, i, row)
	{
		long long t = json_integer_value(json_object_get(row, "therapist_id"));
		json_t *q = json_object_get(row, "quality");
		struct therapist_point *p;
		if (!json_is_number(q))
			continue;
		if (!(p = point_of(pts, &n, t))) {
			p = &pts[n++];
			p->id = t;
		}
		p->quality_sum += json_number_value(q);
		p->sessions++;
	}
	for (i = 0; i < n; i++) {
		struct db_arg a[] = {ARG_INT(pts[i].id), ARG_TEXT(from), ARG_TEXT(to)};
		pts[i].minutes =
		    db_scalar(req->db,
		              "SELECT coalesce(sum(minutes), 0) FROM practice_log WHERE "
		              "therapist_id = ? AND deleted_at IS NULL AND date >= ? "
		              "AND date <= ?",
		              a, NARGS(a), 0);
	}
	qsort(pts, n, sizeof(*pts), by_quality);
	shown = n >= PRACTICE_MIN_THERAPISTS;
	points = json_array();
	x = xcalloc(n + 1, sizeof(double));
	y = xcalloc(n + 1, sizeof(double));
	for (i = 0; i < n; i++) {
		char label[24];
		x[i] = (double)pts[i].minutes;
		y[i] = pts[i].quality_sum / pts[i].sessions;
		snprintf(label, sizeof(label), "T%02zu", i + 1);
		if (shown)
			json_array_append_new(points,
			                      json_pack("{s:s, s:f, s:I, s:i}", "therapist", label,
			                                "mean_quality", y[i], "practice_minutes",
			                                (json_int_t)pts[i].minutes, "sessions",
			                                pts[i].sessions));
	}
	limits = json_array();
	for (i = 0; limits_text[i]; i++)
		json_array_append_new(limits, json_string(limits_text[i]));
	out = json_pack(
	    "{s:s, s:s, s:o, s:i, s:I, s:b, s:o, s:o}", "from", from, "to", to, "instrument",
	    in ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)instrument, "code",
	                   instrument_code(in), "name", instrument_name(in, api_lang(req)))
	       : json_null(),
	    "min_therapists", PRACTICE_MIN_THERAPISTS, "n_therapists", (json_int_t)n, "suppressed",
	    !shown, "points", points, "practice_quality",
	    shown ? association(x, y, n) : json_null());
	rows = shown ? outcome_rows(req, from, to) : NULL;
	if (rows) {
		outcome_figures(out, rows, pts, n);
	} else {
		const char *why = shown ? "no_outcome_data" : "too_few_therapists";
		json_object_set_new(out, "therapist_effects",
		                    json_pack("{s:b, s:s}", "available", 0, "reason", why));
		json_object_set_new(out, "fidelity_outcomes",
		                    json_pack("{s:b, s:s}", "available", 0, "reason", why));
	}
	json_object_set_new(out, "limits", limits);
	json_decref(rows);
	free(x);
	free(y);
	free(pts);
	json_decref(sessions);
	api_instrument_cache_release(&cache);
	api_audit(req, "lab.practice_effects", NULL, 0, "success", NULL);
	api_json(resp, 200, out);
	return KV_OK;
}
