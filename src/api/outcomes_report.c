/* What the therapist and the lab read of client outcomes: the expected-response models
 * fitted on the lab's data, one client's trajectory on a measure, the caseload entry, a
 * therapist's outcome summary and effectiveness over a period, and aggregates for the lab and
 * institution admins (only over enough therapists, never one therapist's). */
#include "api/outcomes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/feedback.h"
#include "core/outcome.h"
#include "db/outcomes.h"
#include "db/rows.h"
#include "util/banned.h"

#define MODELS_MAX 16

struct model_entry {
	long long instrument_id;
	int ok;
	size_t n_clients;
	struct outcome_model m;
};

/* Also the measures compiled once per request: a caseload compiles each only once. */
struct outcome_models {
	struct db *db;
	struct model_entry e[MODELS_MAX];
	size_t n;
	struct {
		long long id;
		struct instrument *in;
	} ins[MODELS_MAX];
	size_t n_ins;
};

struct outcome_models *api_outcome_models_new(struct db *db)
{
	struct outcome_models *m = calloc(1, sizeof(*m));

	if (m)
		m->db = db;
	return m;
}

void api_outcome_models_free(struct outcome_models *m)
{
	size_t i;

	for (i = 0; m && i < m->n_ins; i++)
		instrument_free(m->ins[i].in);
	free(m);
}

/* The measure compiled, from the request's cache when there is one; the caller frees it with
 * release_measure. */
static struct instrument *measure_for(struct db *db, struct outcome_models *mm, long long id)
{
	size_t i;

	for (i = 0; mm && i < mm->n_ins; i++)
		if (mm->ins[i].id == id)
			return mm->ins[i].in;
	if (!mm || mm->n_ins == MODELS_MAX)
		return api_instrument_load(db, id);
	mm->ins[mm->n_ins].id = id;
	mm->ins[mm->n_ins].in = api_instrument_load(db, id);
	return mm->ins[mm->n_ins++].in;
}

static void release_measure(struct outcome_models *mm, struct instrument *in)
{
	size_t i;

	for (i = 0; mm && i < mm->n_ins; i++)
		if (mm->ins[i].in == in)
			return;
	instrument_free(in);
}

static json_t *num(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* Rows {case_id, session_number, score}, ordered by case, as one series per case. The
 * points live in *pts (caller frees), the series in *series (caller frees). */
static size_t to_series(const json_t *rows, struct outcome_point **pts,
                        struct outcome_series **series)
{
	size_t n = json_array_size(rows), i, k = 0;
	long long prev = -1;

	*pts = calloc(n ? n : 1, sizeof(**pts));
	*series = calloc(n ? n : 1, sizeof(**series));
	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, i);
		long long c = json_integer_value(json_object_get(r, "case_id"));
		(*pts)[i].session =
		    (double)json_integer_value(json_object_get(r, "session_number"));
		(*pts)[i].score = json_number_value(json_object_get(r, "score"));
		if (c != prev) {
			(*series)[k].p = &(*pts)[i];
			(*series)[k].n = 0;
			k++;
			prev = c;
		}
		(*series)[k - 1].n++;
	}
	return k;
}

/* The model of a measure, fitted on first use; NULL when the lab has too little data. */
static const struct model_entry *model_for(struct outcome_models *mm, long long instrument_id)
{
	struct model_entry *e;
	struct outcome_point *pts;
	struct outcome_series *series;
	json_t *rows;
	size_t i, n;

	if (!mm)
		return NULL;
	for (i = 0; i < mm->n; i++)
		if (mm->e[i].instrument_id == instrument_id)
			return &mm->e[i];
	if (mm->n == MODELS_MAX)
		return NULL;
	e = &mm->e[mm->n++];
	e->instrument_id = instrument_id;
	rows = db_outcome_scores(mm->db, instrument_id);
	n = to_series(rows, &pts, &series);
	e->ok = outcome_model_fit(series, n, OUTCOME_MIN_REFERENCE, &e->m) == 0;
	/* Clients with a follow-up, also when too few for a model. */
	e->n_clients = 0;
	for (i = 0; i < n; i++) {
		size_t j, later = 0;
		for (j = 1; j < series[i].n; j++)
			later |= series[i].p[j].session > series[i].p[0].session;
		e->n_clients += later;
	}
	free(pts);
	free(series);
	json_decref(rows);
	return e;
}

static json_t *rules_json(const struct instrument_outcome *r)
{
	return json_pack("{s:s, s:b, s:f, s:f, s:o, s:o}", "direction",
	                 r->lower_is_better ? "lower_is_better" : "higher_is_better", "alliance",
	                 r->alliance, "min", r->min, "max", r->max, "cutoff", num(r->cutoff),
	                 "reliable_change", num(r->reliable_change));
}

static json_t *clinical_json(int c)
{
	return c < 0 ? json_null() : json_boolean(c);
}

/* The current scores of a case on a measure as points (session, score). */
static size_t points_of(const json_t *responses, struct outcome_point **p)
{
	size_t n = json_array_size(responses), i;

	*p = calloc(n ? n : 1, sizeof(**p));
	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(responses, i);
		(*p)[i].session = (double)json_integer_value(json_object_get(r, "session_number"));
		(*p)[i].score = json_number_value(json_object_get(r, "score"));
	}
	return n;
}

json_t *api_outcome_trajectory(struct db *db, struct outcome_models *models, long long case_id,
                               long long instrument_id, const char *lang)
{
	struct instrument *in = measure_for(db, models, instrument_id);
	struct instrument_outcome rules;
	struct outcome_track tr;
	const struct model_entry *me;
	struct outcome_point *pts;
	json_t *o, *responses, *points, *r, *expected, *curve;
	size_t n, i;
	int have;

	if (!in || instrument_outcome_rules(in, &rules)) {
		release_measure(models, in);
		return NULL;
	}
	responses = db_outcome_responses(db, case_id, instrument_id);
	n = points_of(responses, &pts);
	me = rules.alliance ? NULL : model_for(models, instrument_id);
	have = outcome_track(&rules, pts, n, me && me->ok ? &me->m : NULL, &tr) == 0;
	o = json_pack("{s:I, s:s, s:s, s:s}", "instrument_id", (json_int_t)instrument_id, "code",
	              instrument_code(in), "version", instrument_version(in), "name",
	              instrument_name(in, lang));
	json_object_set_new(o, "rules", rules_json(&rules));
	points = json_array();
	json_array_foreach(responses, i, r)
	{
		double s = json_number_value(json_object_get(r, "score"));
		const char *band = instrument_score_band(in, s);
		const json_t *answers = json_object_get(r, "answers");
		json_array_append_new(
		    points,
		    json_pack("{s:O, s:O, s:O, s:f, s:o, s:O, s:O, s:o}", "response_id",
		              json_object_get(r, "id"), "session_number",
		              json_object_get(r, "session_number"), "session_date",
		              json_object_get(r, "session_date"), "score", s, "band",
		              band ? json_string(band) : json_null(), "entered_by",
		              json_object_get(r, "entered_by"), "version",
		              json_object_get(r, "version"), "alerts",
		              json_is_object(answers) ? instrument_score_alerts(in, answers, lang)
		                                      : json_array()));
	}
	json_object_set_new(o, "points", points);
	json_object_set_new(o, "n", json_integer((json_int_t)n));
	json_object_set_new(
	    o, "intake",
	    have ? json_pack("{s:f, s:f}", "session_number", tr.intake_session, "score", tr.intake)
	         : json_null());
	json_object_set_new(
	    o, "latest",
	    have ? json_pack("{s:f, s:f}", "session_number", tr.latest_session, "score", tr.latest)
	         : json_null());
	json_object_set_new(o, "change", have && n > 1 ? json_real(tr.change) : json_null());
	json_object_set_new(o, "reliable", json_boolean(have && tr.reliable));
	json_object_set_new(
	    o, "rc_band",
	    have ? json_pack("{s:f, s:f}", "lower", tr.rc_lower, "upper", tr.rc_upper)
	         : json_null());
	json_object_set_new(o, "category",
	                    have && n > 1 ? json_string(stats_change_name[tr.category])
	                                  : json_null());
	json_object_set_new(o, "intake_clinical",
	                    have ? clinical_json(tr.intake_clinical) : json_null());
	json_object_set_new(o, "latest_clinical",
	                    have ? clinical_json(tr.latest_clinical) : json_null());
	/* The expected band: where the lab has enough clients on this measure. */
	expected =
	    json_pack("{s:b, s:I, s:i}", "available", me && me->ok, "n_clients",
	              (json_int_t)(me ? me->n_clients : 0), "min_clients", OUTCOME_MIN_REFERENCE);
	if (me && me->ok && have) {
		double s, last = fmax(tr.latest_session + 2, tr.intake_session + 4);
		curve = json_array();
		for (s = tr.intake_session; s <= last; s += 1) {
			struct outcome_band b;
			outcome_model_band(&me->m, &rules, tr.intake, s - tr.intake_session + 1,
			                   &b);
			json_array_append_new(curve,
			                      json_pack("{s:f, s:f, s:f, s:f}", "session_number", s,
			                                "expected", b.expected, "lower", b.lower,
			                                "upper", b.upper));
		}
		json_object_set_new(expected, "curve", curve);
	}
	json_object_set_new(o, "expected", expected);
	json_object_set_new(o, "off_track", json_boolean(have && tr.off_track));
	json_object_set_new(o, "not_on_track", json_boolean(have && tr.not_on_track));
	free(pts);
	json_decref(responses);
	release_measure(models, in);
	return o;
}

void api_outcome_caseload_entry(struct db *db, struct outcome_models *models, json_t *c)
{
	long long id = json_integer_value(json_object_get(c, "id"));
	long long ins = json_integer_value(json_object_get(c, "instrument_id"));
	const char *treatment = json_string_value(json_object_get(c, "treatment"));
	struct instrument *in = measure_for(db, models, ins);
	struct instrument_outcome rules;
	struct outcome_track tr;
	const struct model_entry *me;
	struct outcome_point *pts = NULL;
	json_t *responses = NULL, *last;
	enum outcome_status st;
	size_t n = 0;
	int ended, have = 0, alert = 0;

	if (json_is_true(json_object_get(c, "withdrawn"))) {
		json_object_set_new(c, "status", json_string("withdrawn"));
		json_object_set_new(c, "rank", json_integer(OUTCOME_STATUS__MAX + 1));
		release_measure(models, in);
		return;
	}
	ended = !treatment || !strcmp(treatment, "active") ? 0
	        : !strcmp(treatment, "dropped_out")        ? 2
	                                                   : 1;
	if (in && instrument_outcome_rules(in, &rules) == 0) {
		responses = db_outcome_responses(db, id, ins);
		n = points_of(responses, &pts);
		me = model_for(models, ins);
		have = outcome_track(&rules, pts, n, me && me->ok ? &me->m : NULL, &tr) == 0;
		last = json_array_get(responses, n ? n - 1 : 0);
		if (last && json_is_object(json_object_get(last, "answers"))) {
			json_t *alerts =
			    instrument_score_alerts(in, json_object_get(last, "answers"), "en");
			alert = json_array_size(alerts) > 0;
			json_decref(alerts);
		}
		json_object_set_new(c, "latest_date",
		                    last ? json_incref(json_object_get(last, "session_date"))
		                         : json_null());
	}
	st = outcome_status_of(have ? &tr : NULL, ended);
	json_object_set_new(c, "status", json_string(outcome_status_name[st]));
	/* A risk answer on an active client comes before everything else. */
	json_object_set_new(c, "rank", json_integer(alert && !ended ? -1 : (json_int_t)st));
	json_object_set_new(c, "alert", json_boolean(alert));
	json_object_set_new(c, "n_scores", json_integer((json_int_t)n));
	json_object_set_new(c, "intake", have ? json_real(tr.intake) : json_null());
	json_object_set_new(c, "latest", have ? json_real(tr.latest) : json_null());
	json_object_set_new(c, "latest_session", have ? json_real(tr.latest_session) : json_null());
	json_object_set_new(c, "change", have && n > 1 ? json_real(tr.change) : json_null());
	json_object_set_new(c, "category",
	                    have && n > 1 ? json_string(stats_change_name[tr.category])
	                                  : json_null());
	json_object_set_new(c, "not_on_track", json_boolean(have && tr.not_on_track));
	if (!json_object_get(c, "latest_date"))
		json_object_set_new(c, "latest_date", json_null());
	free(pts);
	json_decref(responses);
	release_measure(models, in);
}

/* ---- Effectiveness over closed cases ---- */

/* pre/post of every ended case in rows {case_id, instrument_id, treatment, therapist_id} on
 * one measure; the pairs go to pre/post (capacity n), their therapists to who. */
struct cases {
	double *pre, *post;
	size_t *who;
	size_t n, dropped_out, no_follow_up;
};

static void cases_free(struct cases *c)
{
	free(c->pre);
	free(c->post);
	free(c->who);
}

/* Collects the ended cases among rows (all on instrument_id) whose first and latest scores
 * differ in session. Therapists are numbered in who in order of first appearance. */
static void collect(struct db *db, const json_t *rows, long long instrument_id, struct cases *out,
                    size_t *n_therapists)
{
	size_t n = json_array_size(rows), i, k;
	long long *ids = calloc(n ? n : 1, sizeof(*ids));

	memset(out, 0, sizeof(*out));
	out->pre = calloc(n ? n : 1, sizeof(double));
	out->post = calloc(n ? n : 1, sizeof(double));
	out->who = calloc(n ? n : 1, sizeof(size_t));
	if (n_therapists)
		*n_therapists = 0;
	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, i);
		long long case_id = json_integer_value(json_object_get(r, "case_id"));
		long long therapist = json_integer_value(json_object_get(r, "therapist_id"));
		json_t *resp = db_outcome_responses(db, case_id, instrument_id);
		struct outcome_point *p;
		size_t m = points_of(resp, &p), first = 0, last = 0, j;
		for (j = 1; j < m; j++) {
			if (p[j].session < p[first].session)
				first = j;
			if (p[j].session >= p[last].session)
				last = j;
		}
		if (m < 2 || p[last].session <= p[first].session) {
			out->no_follow_up++;
		} else {
			out->pre[out->n] = p[first].score;
			out->post[out->n] = p[last].score;
			for (k = 0; n_therapists && k < *n_therapists; k++)
				if (ids[k] == therapist)
					break;
			if (n_therapists && k == *n_therapists)
				ids[(*n_therapists)++] = therapist;
			out->who[out->n] = k;
			if (!strcmp(json_string_value(json_object_get(r, "treatment")),
			            "dropped_out"))
				out->dropped_out++;
			out->n++;
		}
		free(p);
		json_decref(resp);
	}
	free(ids);
}

static json_t *share_json(const struct outcome_share *s)
{
	return json_pack("{s:I, s:o, s:o, s:o}", "count", (json_int_t)s->count, "share",
	                 num(s->share), "lower", num(s->lower), "upper", num(s->upper));
}

static json_t *categories_json(const struct outcome_effect *e)
{
	json_t *o = json_object();
	int c;

	for (c = 0; c < STATS_CHANGE__MAX; c++)
		json_object_set_new(o, stats_change_name[c], share_json(&e->category[c]));
	return o;
}

/* 1 when the measure's cut-off or reliable change is marked as awaiting a check. */
static int rules_unverified(const struct instrument *in)
{
	json_t *sum = instrument_summary(in, "en"), *u, *v;
	size_t i;
	int out = 0;

	u = json_object_get(json_object_get(sum, "scoring"), "unverified");
	json_array_foreach(u, i, v) if (!strcmp(json_string_value(v), "cutoff") ||
	                                !strcmp(json_string_value(v), "reliable_change")) out = 1;
	json_decref(sum);
	return out;
}

/* The effectiveness of one measure: own ended cases against the lab's ended cases. */
static json_t *measure_effect(struct db *db, long long instrument_id, const json_t *own_rows,
                              const char *lang)
{
	struct db_arg a[] = {ARG_INT(instrument_id)};
	struct instrument *in = api_instrument_load(db, instrument_id);
	struct instrument_outcome rules;
	struct outcome_effect e;
	struct cases own, ref;
	json_t *o, *ref_rows, *caveats;

	if (!in || instrument_outcome_rules(in, &rules)) {
		instrument_free(in);
		return NULL;
	}
	ref_rows =
	    db_json_rows(db,
	                 "SELECT o.case_id, o.status AS treatment, c.therapist_id FROM "
	                 "outcome_clients o JOIN patient_cases c ON c.id = o.case_id WHERE "
	                 "o.instrument_id = ? AND o.status <> 'active' AND o.withdrawn_at IS "
	                 "NULL ORDER BY o.case_id",
	                 a, NARGS(a), NULL);
	collect(db, own_rows, instrument_id, &own, NULL);
	collect(db, ref_rows, instrument_id, &ref, NULL);
	outcome_effect(&rules, own.pre, own.post, own.n, ref.pre, ref.post, ref.n, &e);
	o = json_pack("{s:I, s:s, s:s, s:s}", "instrument_id", (json_int_t)instrument_id, "code",
	              instrument_code(in), "version", instrument_version(in), "name",
	              instrument_name(in, lang));
	json_object_set_new(o, "rules", rules_json(&rules));
	json_object_set_new(o, "n", json_integer((json_int_t)own.n));
	json_object_set_new(o, "n_dropped_out", json_integer((json_int_t)own.dropped_out));
	json_object_set_new(o, "n_no_follow_up", json_integer((json_int_t)own.no_follow_up));
	json_object_set_new(o, "categories", categories_json(&e));
	json_object_set_new(o, "effect_size",
	                    isnan(e.d) ? json_null()
	                               : json_pack("{s:f, s:f, s:f}", "d", e.d, "lower", e.d_lower,
	                                           "upper", e.d_upper));
	json_object_set_new(o, "adjusted",
	                    isnan(e.adjusted)
	                        ? json_null()
	                        : json_pack("{s:f, s:f, s:f}", "value", e.adjusted, "lower",
	                                    e.adjusted_lower, "upper", e.adjusted_upper));
	json_object_set_new(o, "reference",
	                    json_pack("{s:I, s:o, s:i, s:i}", "n", (json_int_t)ref.n, "d",
	                              num(e.reference_d), "min_reference", OUTCOME_MIN_REFERENCE,
	                              "min_cases_adjusted", OUTCOME_MIN_CASES_ADJUSTED));
	caveats = json_array();
	if (own.n == 0)
		json_array_append_new(caveats, json_string("no_cases"));
	else if (own.n < OUTCOME_MIN_CASES_ES)
		json_array_append_new(caveats, json_string("no_effect_size"));
	if (own.n > 0 && own.n < OUTCOME_FEW_CASES)
		json_array_append_new(caveats, json_string("few_cases"));
	if (ref.n < OUTCOME_MIN_REFERENCE)
		json_array_append_new(caveats, json_string("reference_too_small"));
	else if (own.n < OUTCOME_MIN_CASES_ADJUSTED)
		json_array_append_new(caveats, json_string("too_few_for_adjusted"));
	if (own.no_follow_up)
		json_array_append_new(caveats, json_string("no_follow_up_excluded"));
	if (rules_unverified(in))
		json_array_append_new(caveats, json_string("rules_unverified"));
	json_object_set_new(o, "caveats", caveats);
	cases_free(&own);
	cases_free(&ref);
	json_decref(ref_rows);
	instrument_free(in);
	return o;
}

json_t *api_outcomes_summary(struct db *db, long long therapist_id, const char *from,
                             const char *to, const char *lang)
{
	struct db_arg a[] = {ARG_INT(therapist_id), ARG_TEXT(from), ARG_TEXT(to)};
	struct outcome_models *models = api_outcome_models_new(db);
	json_t *out = json_object(), *clients = db_outcome_client_list(db, therapist_id);
	json_t *counts = json_object(), *ended, *ids, *measures = json_array(), *c, *row;
	size_t i;
	int s, total = 0;

	json_object_set_new(out, "from", from ? json_string(from) : json_null());
	json_object_set_new(out, "to", to ? json_string(to) : json_null());
	for (s = 0; s < OUTCOME_STATUS__MAX; s++)
		json_object_set_new(counts, outcome_status_name[s], json_integer(0));
	/* The caseload as it stands today. */
	json_array_foreach(clients, i, c)
	{
		const char *st;
		api_outcome_caseload_entry(db, models, c);
		st = json_string_value(json_object_get(c, "status"));
		if (!st || !json_object_get(counts, st))
			continue;
		json_object_set_new(
		    counts, st, json_integer(json_integer_value(json_object_get(counts, st)) + 1));
		total++;
	}
	json_object_set_new(out, "caseload",
	                    json_pack("{s:i, s:o}", "total", total, "counts", counts));
	json_object_set_new(out, "clients_started",
	                    json_integer(db_scalar(
	                        db,
	                        "SELECT count(*) FROM outcome_clients o JOIN patient_cases c ON "
	                        "c.id = o.case_id WHERE c.therapist_id = ?1 AND o.withdrawn_at IS "
	                        "NULL AND (?2 IS NULL OR o.consent_date >= ?2) AND (?3 IS NULL OR "
	                        "o.consent_date <= ?3)",
	                        a, NARGS(a), 0)));
	json_object_set_new(out, "scores_recorded",
	                    json_integer(db_scalar(
	                        db,
	                        "SELECT count(*) FROM outcome_responses r JOIN patient_cases c ON "
	                        "c.id = r.case_id WHERE c.therapist_id = ?1 AND r.version = 1 AND "
	                        "(?2 IS NULL OR r.session_date >= ?2) AND (?3 IS NULL OR "
	                        "r.session_date <= ?3)",
	                        a, NARGS(a), 0)));
	/* Effectiveness per primary measure over the treatments that ended in the period. */
	ended =
	    db_json_rows(db,
	                 "SELECT o.case_id, o.instrument_id, o.status AS treatment, "
	                 "c.therapist_id FROM outcome_clients o JOIN patient_cases c ON c.id = "
	                 "o.case_id WHERE c.therapist_id = ?1 AND o.status <> 'active' AND "
	                 "o.withdrawn_at IS NULL AND (?2 IS NULL OR o.ended_date >= ?2) AND (?3 "
	                 "IS NULL OR o.ended_date <= ?3) ORDER BY o.instrument_id, o.case_id",
	                 a, NARGS(a), NULL);
	ids = db_json_rows(db,
	                   "SELECT DISTINCT o.instrument_id FROM outcome_clients o JOIN "
	                   "patient_cases c ON c.id = o.case_id WHERE c.therapist_id = ? AND "
	                   "o.withdrawn_at IS NULL ORDER BY o.instrument_id",
	                   a, 1, NULL);
	json_array_foreach(ids, i, row)
	{
		long long ins = json_integer_value(json_object_get(row, "instrument_id"));
		json_t *mine = json_array(), *e, *r;
		size_t k;
		json_array_foreach(
		    ended, k, r) if (json_integer_value(json_object_get(r, "instrument_id")) == ins)
		    json_array_append(mine, r);
		e = measure_effect(db, ins, mine, lang);
		if (e)
			json_array_append_new(measures, e);
		json_decref(mine);
	}
	json_object_set_new(out, "measures", measures);
	json_decref(ids);
	json_decref(ended);
	json_decref(clients);
	api_outcome_models_free(models);
	return out;
}

/* from <= to when both are given. */
static int period_ok(struct api_resp *resp, const char *from, const char *to)
{
	if (from && to && strcmp(from, to) > 0) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "to", "must not be before from");
		return 0;
	}
	return 1;
}

enum kv_err api_outcomes_effectiveness(struct api_req *req, struct api_resp *resp)
{
	const char *from = api_query(req, "from"), *to = api_query(req, "to");
	json_t *out;

	if (!period_ok(resp, from, to))
		return KV_EINVAL;
	out = api_outcomes_summary(req->db, req->user.id, from, to, api_lang(req));
	api_audit(req, "outcome.effectiveness_read", "user", req->user.id, "success", NULL);
	api_json(resp, 200, out);
	return KV_OK;
}

/* ---- Aggregates for the lab and institution admins ---- */

static json_t *aggregate_measure(struct db *db, long long instrument_id, long long institution,
                                 const char *from, const char *to, const char *lang)
{
	struct db_arg a[] = {ARG_INT(instrument_id), ARG_INT(institution), ARG_TEXT(from),
	                     ARG_TEXT(to)};
	struct instrument *in = api_instrument_load(db, instrument_id);
	struct instrument_outcome rules;
	struct outcome_effect e;
	struct stats_reml reml;
	struct cases cs;
	size_t n_ther = 0;
	json_t *rows, *o;

	if (!in || instrument_outcome_rules(in, &rules)) {
		instrument_free(in);
		return NULL;
	}
	rows = db_json_rows(db,
	                    "SELECT o.case_id, o.status AS treatment, c.therapist_id FROM "
	                    "outcome_clients o JOIN patient_cases c ON c.id = o.case_id WHERE "
	                    "o.instrument_id = ?1 AND o.status <> 'active' AND o.withdrawn_at IS "
	                    "NULL AND (?2 = 0 OR c.institution_id = ?2) AND (?3 IS NULL OR "
	                    "o.ended_date >= ?3) AND (?4 IS NULL OR o.ended_date <= ?4) ORDER BY "
	                    "o.case_id",
	                    a, NARGS(a), NULL);
	collect(db, rows, instrument_id, &cs, &n_ther);
	o = json_pack("{s:I, s:s, s:s, s:s}", "instrument_id", (json_int_t)instrument_id, "code",
	              instrument_code(in), "version", instrument_version(in), "name",
	              instrument_name(in, lang));
	json_object_set_new(o, "n_therapists", json_integer((json_int_t)n_ther));
	json_object_set_new(o, "min_therapists", json_integer(OUTCOME_MIN_THERAPISTS));
	if (n_ther < OUTCOME_MIN_THERAPISTS) {
		/* Too few therapists: any figure could be one therapist's. */
		json_object_set_new(o, "suppressed", json_true());
	} else {
		outcome_effect(&rules, cs.pre, cs.post, cs.n, cs.pre, cs.post, cs.n, &e);
		json_object_set_new(o, "suppressed", json_false());
		json_object_set_new(o, "n", json_integer((json_int_t)cs.n));
		json_object_set_new(o, "n_dropped_out", json_integer((json_int_t)cs.dropped_out));
		json_object_set_new(o, "categories", categories_json(&e));
		json_object_set_new(o, "effect_size",
		                    isnan(e.d) ? json_null()
		                               : json_pack("{s:f, s:f, s:f}", "d", e.d, "lower",
		                                           e.d_lower, "upper", e.d_upper));
		/* Therapist effect: end on intake with a random intercept per therapist. */
		json_object_set_new(
		    o, "therapist_icc",
		    stats_reml_fit(cs.post, cs.pre, 1, cs.who, cs.n, n_ther, &reml) == 0
		        ? json_real(reml.icc)
		        : json_null());
	}
	cases_free(&cs);
	json_decref(rows);
	instrument_free(in);
	return o;
}

enum kv_err api_outcomes_aggregate(struct api_req *req, struct api_resp *resp)
{
	const char *from = api_query(req, "from"), *to = api_query(req, "to");
	long long inst = api_int(req, "institution_id", 0), only = api_int(req, "instrument_id", 0);
	json_t *ids, *items = json_array(), *row, *m;
	struct db_arg a[] = {ARG_INT(only)};
	size_t i;

	if (!period_ok(resp, from, to)) {
		json_decref(items);
		return KV_EINVAL;
	}
	if (req->user.role == ROLE_INSTITUTION_ADMIN) {
		if (inst && inst != req->user.institution_id) {
			json_decref(items);
			return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
		}
		inst = req->user.institution_id ? req->user.institution_id : -1;
	}
	ids =
	    db_json_rows(req->db,
	                 "SELECT id FROM instruments WHERE kind = 'outcome' AND definition IS NOT "
	                 "NULL AND (?1 = 0 OR id = ?1) ORDER BY name, version",
	                 a, NARGS(a), NULL);
	json_array_foreach(ids, i, row)
	{
		m = aggregate_measure(req->db, json_integer_value(json_object_get(row, "id")), inst,
		                      from, to, api_lang(req));
		if (m)
			json_array_append_new(items, m);
	}
	json_decref(ids);
	api_audit(req, "outcome.aggregate_read", inst > 0 ? "institution" : NULL,
	          inst > 0 ? inst : 0, "success", NULL);
	api_json(resp, 200,
	         json_pack("{s:o, s:o, s:o, s:o}", "institution_id",
	                   inst > 0 ? json_integer(inst) : json_null(), "from",
	                   from ? json_string(from) : json_null(), "to",
	                   to ? json_string(to) : json_null(), "items", items));
	return KV_OK;
}
