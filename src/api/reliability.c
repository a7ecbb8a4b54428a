/* The reliability dashboard (ICC per item and for the totals over approved double-rated
 * sessions, and kappa on the coded interventions), rater drift from the consensus, and the
 * lab's settings for both. Lab admins and supervisors; every read is audited. */
#include "api/reliability_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_TOLERANCE_MS 3000

static const char icc_explanation[] =
    "ICC(1,1), one-way random effects, single rater: each session is rated by two raters "
    "drawn from the lab's pool, not by one fixed pair, so rater effects cannot be separated "
    "from error; it is the reliability of one rater's score. ICC(1,k) is that of the two "
    "raters' mean; the two-way forms treat first and second rater as fixed columns and are "
    "shown for reference.";

/* ---- Shared by the reliability views ---- */

void api_lab_settings_read(struct db *db, struct lab_settings *out)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT drift_band, drift_period, calibration_icc, "
	                   "calibration_min_sessions FROM lab_settings WHERE one = 1");

	out->drift_band = LAB_DRIFT_BAND;
	out->drift_period = REL_QUARTER;
	out->calibration_icc = LAB_CALIBRATION_ICC;
	out->calibration_min_sessions = LAB_CALIBRATION_MIN_SESSIONS;
	if (st && db_step(st) == DB_ROW) {
		const char *p = db_col_text(st, 1);
		out->drift_band = db_col_double(st, 0);
		out->drift_period = p && !strcmp(p, "month") ? REL_MONTH : REL_QUARTER;
		out->calibration_icc = db_col_double(st, 2);
		out->calibration_min_sessions = db_col_int(st, 3);
	}
	if (st)
		db_finalize(st);
}

struct instrument *api_rel_instrument_by_id(struct db *db, long long id, json_t **row)
{
	struct db_arg a[] = {ARG_INT(id)};
	struct instrument *in = NULL;
	enum kv_err rc;
	json_t *r =
	    db_json_row(db, "SELECT id, code, version, name, kind FROM instruments WHERE id = ?", a,
	                1, NULL, &rc);

	*row = NULL;
	if (!r)
		return NULL;
	/* Outcome measures are filled in by clients, not rated: no reliability of raters. */
	if (!strcmp(json_string_value(json_object_get(r, "kind")), "fidelity"))
		in = api_instrument_load(db, json_integer_value(json_object_get(r, "id")));
	if (in)
		*row = r;
	else
		json_decref(r);
	return in;
}

struct instrument *api_rel_instrument(struct api_req *req, struct api_resp *resp, json_t **row)
{
	struct instrument *in;

	*row = NULL;
	if (!api_has(req, "instrument_id")) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "instrument_id", "is required");
		return NULL;
	}
	in = api_rel_instrument_by_id(req->db, api_int(req, "instrument_id", 0), row);
	if (!in)
		api_field_error(resp, KV_EINVAL, "invalid_input", "instrument_id",
		                "is not a rating scale on file");
	return in;
}

int api_rel_period(struct api_req *req, struct api_resp *resp, long long *from, long long *to)
{
	const char *f = api_str(req, "from"), *t = api_str(req, "to");
	long long ms;

	*from = LLONG_MIN;
	*to = LLONG_MAX;
	if (f && !api_parse_time_ms(f, &ms))
		*from = ms / 1000;
	if (t && !api_parse_time_ms(t, &ms))
		*to = ms / 1000 + 86399; /* the whole day */
	if (*to < *from) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "to", "must not be before from");
		return -1;
	}
	return 0;
}

json_t *api_rel_num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *api_rel_var_json(const struct instrument *in, const struct rel_var *v)
{
	static const char *const langs[] = {"nb", "da", "en"};
	json_t *o = json_pack("{s:s?, s:s, s:s}", "item", v->item, "facet", v->facet, "kind",
	                      rel_var_kind_name[v->kind]);
	json_t *label = json_object();
	size_t i;

	if (v->kind == REL_VAR_TOTAL) {
		json_decref(label);
		json_object_set_new(o, "label", json_null());
		return o;
	}
	for (i = 0; i < 3; i++) {
		const char *l = v->kind == REL_VAR_ITEM
		                    ? instrument_item_label(in, v->index, langs[i])
		                    : instrument_global_label(in, v->index, langs[i]);
		json_object_set_new(label, langs[i], json_string(l ? l : v->facet));
	}
	json_object_set_new(o, "label", label);
	return o;
}

json_t *api_rel_icc_json(const struct stats_icc_value *v)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "icc", api_rel_num(v->icc),
	                 "ci_lower", api_rel_num(v->ci_lower), "ci_upper", api_rel_num(v->ci_upper),
	                 "f", api_rel_num(v->f), "df1", api_rel_num(v->df1), "df2",
	                 api_rel_num(v->df2), "p", api_rel_num(v->p));
}

json_t *api_rel_scores(const char *text)
{
	json_t *s = text ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_object(s)) {
		json_decref(s);
		s = json_object();
	}
	return s;
}

/* ---- The dashboard ---- */

/* An approved session's first two submitted rater ratings (by rating id). */
struct rated_session {
	long long sub;
	long long rating[2];
	long long t;  /* when the later of the two was submitted */
	double *vals; /* [slot * n_vars + var] */
};

struct rated_set {
	struct rated_session *s;
	size_t n, cap, n_vars;
};

static void rated_set_release(struct rated_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->s[i].vals);
	free(set->s);
	memset(set, 0, sizeof(*set));
}

/* The rater ratings of approved sessions: only those of an assignment still in force, so that
 * a trainee's calibration rating (which has none) is never one of them. */
#define RATER_RATINGS_FROM                                                                         \
	"FROM ratings r JOIN assignments a ON a.id = r.assignment_id AND a.ended_at IS NULL "      \
	"JOIN submissions s ON s.id = r.submission_id WHERE r.kind = 'rater' AND r.state IN "      \
	"('submitted','approved') AND r.instrument_id = ?1 AND s.state IN " APPROVED_STATES

static enum kv_err load_rated(struct db *db, long long instrument, const struct rel_var *vars,
                              size_t n_vars, long long from, long long to, struct rated_set *set)
{
	struct db_stmt *st = db_prepare(db, "SELECT r.submission_id, r.id, r.scores, "
	                                    "coalesce(r.submitted_at, 0) " RATER_RATINGS_FROM
	                                    " ORDER BY r.submission_id, r.id");
	struct rated_session cur = {0};
	int slot = 0, step;

	memset(set, 0, sizeof(*set));
	set->n_vars = n_vars;
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, instrument);
	for (;;) {
		long long sub = 0;
		step = db_step(st);
		if (step == DB_ROW)
			sub = db_col_int(st, 0);
		/* A session ends: keep it when it has two ratings rated within the period. */
		if (cur.vals && (step != DB_ROW || sub != cur.sub)) {
			if (slot >= 2 && cur.t >= from && cur.t <= to) {
				if (set->n == set->cap) {
					set->cap = set->cap ? 2 * set->cap : 64;
					set->s = xrealloc(set->s, set->cap * sizeof(*set->s));
				}
				set->s[set->n++] = cur;
			} else {
				free(cur.vals);
			}
			memset(&cur, 0, sizeof(cur));
			slot = 0;
		}
		if (step != DB_ROW)
			break;
		if (!cur.vals) {
			cur.sub = sub;
			cur.vals = xcalloc(2 * n_vars + 1, sizeof(double));
		}
		if (slot < 2) {
			json_t *scores = api_rel_scores(db_col_text(st, 2));
			long long t = db_col_int(st, 3);
			reliability_values(vars, n_vars, scores, cur.vals + (size_t)slot * n_vars);
			json_decref(scores);
			cur.rating[slot] = db_col_int(st, 1);
			cur.t = t > cur.t ? t : cur.t;
		}
		slot++;
	}
	db_finalize(st);
	if (step == DB_ERROR) {
		rated_set_release(set);
		return KV_EINTERNAL;
	}
	return KV_OK;
}

static json_t *icc_json(const struct instrument *in, const struct rel_var *v,
                        const struct rated_set *set, size_t var)
{
	double *x = xcalloc(2 * set->n + 2, sizeof(double)), sum = 0;
	json_t *o = api_rel_var_json(in, v), *forms;
	struct stats_icc icc;
	size_t i, m = 0;
	int f, rc;

	for (i = 0; i < set->n; i++) {
		x[2 * i] = set->s[i].vals[var];
		x[2 * i + 1] = set->s[i].vals[set->n_vars + var];
		if (!isnan(x[2 * i]) && !isnan(x[2 * i + 1])) {
			sum += x[2 * i] + x[2 * i + 1];
			m++;
		}
	}
	memset(&icc, 0, sizeof(icc));
	rc = stats_icc(x, set->n, 2, NULL, &icc);
	json_object_set_new(o, "n_sessions", json_integer((json_int_t)m));
	json_object_set_new(o, "mean", m ? json_real(sum / (double)(2 * m)) : json_null());
	if (rc || !isfinite(icc.form[STATS_ICC1].icc)) {
		json_object_set_new(o, "icc", json_null());
		json_object_set_new(o, "reason",
		                    json_string(m < 2 ? "too_few_sessions" : "no_variation"));
	} else {
		forms = json_object();
		for (f = 0; f < STATS_ICC__MAX; f++)
			json_object_set_new(forms, stats_icc_form_name[f],
			                    api_rel_icc_json(&icc.form[f]));
		json_object_set_new(o, "icc", forms);
		json_object_set_new(o, "reason", json_null());
	}
	free(x);
	return o;
}

struct ev_list {
	struct stats_event *e;
	size_t n, cap;
};

static int by_rating(const void *x, const void *y)
{
	const long long *a = x, *b = y;

	return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/* Kappa on the coded interventions of the sessions' two ratings, pooled. */
static json_t *events_json(struct db *db, long long instrument, const struct rated_set *set,
                           long long tol_ms)
{
	/* (rating id, index into lists) sorted by rating id, for the look-up of each row. */
	long long *index = xcalloc(4 * set->n + 2, sizeof(long long));
	struct ev_list *lists = xcalloc(2 * set->n + 1, sizeof(*lists));
	struct rel_event_session *sessions = xcalloc(set->n + 1, sizeof(*sessions));
	json_t *codes = json_object(), *out = NULL, *names = json_array();
	struct db_stmt *st;
	struct rel_events ev;
	size_t i, n_codes = 0;

	for (i = 0; i < 2 * set->n; i++) {
		index[2 * i] = set->s[i / 2].rating[i % 2];
		index[2 * i + 1] = (long long)i;
	}
	qsort(index, 2 * set->n, 2 * sizeof(long long), by_rating);
	st = db_prepare(
	    db,
	    "SELECT i.rating_id, i.start_ms, i.code FROM interventions i JOIN "
	    "ratings r ON r.id = i.rating_id JOIN assignments a ON a.id = "
	    "r.assignment_id AND a.ended_at IS NULL JOIN submissions s ON s.id = "
	    "r.submission_id WHERE NOT i.deleted AND r.kind = 'rater' AND r.state "
	    "IN ('submitted','approved') AND r.instrument_id = ?1 AND s.state IN " APPROVED_STATES
	    " ORDER BY i.rating_id, i.start_ms, i.id");
	if (!st)
		goto out;
	db_bind_int(st, 1, instrument);
	while (db_step(st) == DB_ROW) {
		long long key[2] = {db_col_int(st, 0), 0}, *hit;
		const char *code = db_col_text(st, 2);
		json_t *c;
		struct ev_list *l;
		hit = bsearch(key, index, 2 * set->n, 2 * sizeof(long long), by_rating);
		if (!hit || !code)
			continue;
		c = json_object_get(codes, code);
		if (!c) {
			if (n_codes == STATS_MAX_CATEGORIES)
				continue;
			c = json_integer((json_int_t)n_codes++);
			json_object_set_new(codes, code, c);
			json_array_append_new(names, json_string(code));
		}
		l = &lists[hit[1]];
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
		}
		l->e[l->n].t = (double)db_col_int(st, 1) / 1000;
		l->e[l->n].code = (size_t)json_integer_value(c);
		l->n++;
	}
	db_finalize(st);
	for (i = 0; i < set->n; i++) {
		sessions[i].a = lists[2 * i].e;
		sessions[i].na = lists[2 * i].n;
		sessions[i].b = lists[2 * i + 1].e;
		sessions[i].nb = lists[2 * i + 1].n;
	}
	if (reliability_events(sessions, set->n, n_codes ? n_codes : 1, (double)tol_ms / 1000, &ev,
	                       NULL))
		goto out;
	out = json_pack(
	    "{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:O}", "tolerance_ms",
	    (json_int_t)tol_ms, "n_sessions", (json_int_t)ev.n_sessions, "n_matched",
	    (json_int_t)ev.n_matched, "unmatched_a", (json_int_t)ev.unmatched_a, "unmatched_b",
	    (json_int_t)ev.unmatched_b, "kappa", api_rel_num(ev.kappa.kappa), "ci_lower",
	    api_rel_num(ev.kappa.ci_lower), "ci_upper", api_rel_num(ev.kappa.ci_upper), "se",
	    api_rel_num(ev.kappa.se), "p_observed", api_rel_num(ev.kappa.p_observed), "p_expected",
	    api_rel_num(ev.kappa.p_expected), "codes", names);
out:
	for (i = 0; i < 2 * set->n; i++)
		free(lists[i].e);
	free(lists);
	free(sessions);
	free(index);
	json_decref(codes);
	json_decref(names);
	return out;
}

enum kv_err api_reliability_get(struct api_req *req, struct api_resp *resp)
{
	long long from, to, tol = api_int(req, "tolerance_ms", DEFAULT_TOLERANCE_MS);
	struct rel_var *vars = NULL;
	struct rated_set set = {0};
	size_t n_vars = 0, i;
	json_t *row = NULL, *items, *totals, *ev, *body;
	struct instrument *in;
	enum kv_err rc;

	if (!(in = api_rel_instrument(req, resp, &row)))
		return KV_EINVAL;
	if (api_rel_period(req, resp, &from, &to)) {
		instrument_free(in);
		json_decref(row);
		return KV_EINVAL;
	}
	vars = reliability_vars(in, &n_vars);
	rc = load_rated(req->db, json_integer_value(json_object_get(row, "id")), vars, n_vars, from,
	                to, &set);
	if (rc) {
		free(vars);
		instrument_free(in);
		json_decref(row);
		return api_error(resp, rc, NULL, "the ratings could not be read; try again");
	}
	items = json_array();
	totals = json_array();
	for (i = 0; i < n_vars; i++)
		json_array_append_new(vars[i].kind == REL_VAR_TOTAL ? totals : items,
		                      icc_json(in, &vars[i], &set, i));
	ev = events_json(req->db, json_integer_value(json_object_get(row, "id")), &set, tol);
	body = json_pack("{s:o, s:o, s:o, s:I, s:s, s:s, s:o, s:o, s:o}", "instrument", row, "from",
	                 api_str(req, "from") ? json_string(api_str(req, "from")) : json_null(),
	                 "to", api_str(req, "to") ? json_string(api_str(req, "to")) : json_null(),
	                 "n_sessions", (json_int_t)set.n, "form", "ICC1", "explanation",
	                 icc_explanation, "items", items, "totals", totals, "events",
	                 ev ? ev : json_null());
	rated_set_release(&set);
	free(vars);
	instrument_free(in);
	/* Reading statistics of ratings is a read of ratings. */
	api_audit(req, "reliability.read", "instrument",
	          json_integer_value(json_object_get(row, "id")), "success", NULL);
	api_json(resp, 200, body);
	return KV_OK;
}

/* ---- Rater drift ---- */

struct drift_rater {
	long long id;
	char *name, *email;
	size_t n_ratings;
};

static void period_label(int key, enum rel_period p, char *out, size_t len)
{
	if (p == REL_QUARTER)
		snprintf(out, len, "%04d-Q%d", key / 4, key % 4 + 1);
	else
		snprintf(out, len, "%04d-%02d", key / 12, key % 12 + 1);
}

static json_t *drift_cell_json(const struct rel_drift_cell *c)
{
	return json_pack("{s:I, s:o, s:o, s:b}", "n", (json_int_t)c->n, "mean",
	                 api_rel_num(c->mean), "sd", api_rel_num(c->sd), "flagged", c->flagged);
}

/* The periods present in seen ({"label": key}) as labels in time order. */
static json_t *periods_json(json_t *seen, enum rel_period period)
{
	const char *label;
	json_t *k, *out = json_array();
	int *keys = xcalloc(json_object_size(seen) + 1, sizeof(int));
	size_t nk = 0, a, b;

	json_object_foreach(seen, label, k) keys[nk++] = (int)json_integer_value(k);
	for (a = 1; a < nk; a++)
		for (b = a; b > 0 && keys[b - 1] > keys[b]; b--) {
			int x = keys[b];
			keys[b] = keys[b - 1];
			keys[b - 1] = x;
		}
	for (a = 0; a < nk; a++) {
		char l[16];
		period_label(keys[a], period, l, sizeof(l));
		json_array_append_new(out, json_string(l));
	}
	free(keys);
	return out;
}

/* One rater's variables, each over all periods and per period; *flagged when any cell is. */
static json_t *drift_items_json(const struct instrument *in, const struct rel_var *vars,
                                const struct rel_drift_cell *cells, size_t n_cells, size_t *j,
                                size_t rater, enum rel_period period, int *flagged)
{
	json_t *items = json_array(), *item = NULL, *cell;

	*flagged = 0;
	for (; *j < n_cells && cells[*j].rater == rater; (*j)++) {
		const struct rel_drift_cell *c = &cells[*j];
		char l[16];
		*flagged |= c->flagged;
		cell = drift_cell_json(c);
		if (c->period == REL_ALL_PERIODS) {
			item = api_rel_var_json(in, &vars[c->var]);
			json_object_update(item, cell);
			json_decref(cell);
			json_object_set_new(item, "periods", json_array());
			json_array_append_new(items, item);
			continue;
		}
		period_label(c->period, period, l, sizeof(l));
		json_object_set_new(cell, "period", json_string(l));
		json_array_append_new(json_object_get(item, "periods"), cell);
	}
	return items;
}

enum kv_err api_reliability_drift(struct api_req *req, struct api_resp *resp)
{
	struct lab_settings ls;
	enum rel_period period;
	long long from, to, only = api_int(req, "rater_id", 0), instrument;
	struct rel_var *vars = NULL;
	struct drift_rater *raters = NULL;
	struct rel_drift_obs *obs = NULL;
	struct rel_drift_cell *cells = NULL;
	size_t n_vars = 0, n_raters = 0, n_obs = 0, cap = 0, n_cells = 0, i, j;
	double *rv = NULL, *cv = NULL;
	json_t *row = NULL, *out_raters, *seen = json_object();
	struct instrument *in;
	struct db_stmt *st = NULL;
	const char *p = api_str(req, "period");
	enum kv_err rc = KV_EINVAL;
	int step = DB_ERROR;

	if (!(in = api_rel_instrument(req, resp, &row)) || api_rel_period(req, resp, &from, &to))
		goto out;
	api_lab_settings_read(req->db, &ls);
	period = p ? (!strcmp(p, "month") ? REL_MONTH : REL_QUARTER) : ls.drift_period;
	instrument = json_integer_value(json_object_get(row, "id"));
	vars = reliability_vars(in, &n_vars);
	rv = xcalloc(n_vars + 1, sizeof(double));
	cv = xcalloc(n_vars + 1, sizeof(double));
	/* Each rater's rating against the approved consensus of the same session. */
	st = db_prepare(req->db,
	                "SELECT r.rater_id, u.display_name, u.email, r.scores, c.scores, "
	                "coalesce(r.submitted_at, 0) FROM ratings r JOIN assignments a ON a.id = "
	                "r.assignment_id AND a.ended_at IS NULL JOIN submissions s ON s.id = "
	                "r.submission_id JOIN ratings c ON c.id = (SELECT max(id) FROM ratings "
	                "WHERE submission_id = s.id AND kind = 'consensus' AND state = "
	                "'approved') JOIN users u ON u.id = r.rater_id WHERE r.kind = 'rater' AND "
	                "r.state IN ('submitted','approved') AND r.instrument_id = ?1 AND s.state "
	                "IN " APPROVED_STATES " AND (?2 = 0 OR r.rater_id = ?2) ORDER BY "
	                "r.rater_id, r.id");
	rc = KV_EINTERNAL;
	if (!st)
		goto out;
	db_bind_int(st, 1, instrument);
	db_bind_int(st, 2, only);
	while ((step = db_step(st)) == DB_ROW) {
		long long t = db_col_int(st, 5), rater = db_col_int(st, 0);
		json_t *rs, *cs;
		char label[16];
		int key;
		if (t < from || t > to ||
		    (key = reliability_period(t, period, label, sizeof(label))) < 0)
			continue;
		if (!n_raters || raters[n_raters - 1].id != rater) {
			raters = xrealloc(raters, (n_raters + 1) * sizeof(*raters));
			raters[n_raters].id = rater;
			raters[n_raters].name =
			    xstrdup(db_col_text(st, 1) ? db_col_text(st, 1) : "");
			raters[n_raters].email =
			    xstrdup(db_col_text(st, 2) ? db_col_text(st, 2) : "");
			raters[n_raters].n_ratings = 0;
			n_raters++;
		}
		raters[n_raters - 1].n_ratings++;
		json_object_set_new(seen, label, json_integer(key));
		rs = api_rel_scores(db_col_text(st, 3));
		cs = api_rel_scores(db_col_text(st, 4));
		reliability_values(vars, n_vars, rs, rv);
		reliability_values(vars, n_vars, cs, cv);
		json_decref(rs);
		json_decref(cs);
		for (j = 0; j < n_vars; j++) {
			if (n_obs == cap) {
				cap = cap ? 2 * cap : 256;
				obs = xrealloc(obs, cap * sizeof(*obs));
			}
			obs[n_obs].rater = n_raters - 1;
			obs[n_obs].var = j;
			obs[n_obs].period = key;
			obs[n_obs].deviation = rv[j] - cv[j];
			n_obs++;
		}
	}
	if (step == DB_ERROR)
		goto out;
	cells = reliability_drift(obs, n_obs, ls.drift_band, &n_cells);
	out_raters = json_array();
	for (i = 0, j = 0; i < n_raters; i++) {
		int flagged;
		json_t *items = drift_items_json(in, vars, cells, n_cells, &j, i, period, &flagged);
		json_array_append_new(out_raters,
		                      json_pack("{s:I, s:s, s:s, s:I, s:b, s:o}", "rater_id",
		                                (json_int_t)raters[i].id, "name", raters[i].name,
		                                "email", raters[i].email, "n_ratings",
		                                (json_int_t)raters[i].n_ratings, "flagged", flagged,
		                                "items", items));
	}
	api_audit(req, "reliability.drift", "instrument", instrument, "success", NULL);
	api_json(resp, 200,
	         json_pack("{s:O, s:s, s:f, s:o, s:o}", "instrument", row, "period",
	                   rel_period_name[period], "band", ls.drift_band, "periods",
	                   periods_json(seen, period), "raters", out_raters));
	rc = KV_OK;
out:
	if (st)
		db_finalize(st);
	if (rc == KV_EINTERNAL)
		api_error(resp, rc, NULL, "the ratings could not be read; try again");
	for (i = 0; i < n_raters; i++) {
		free(raters[i].name);
		free(raters[i].email);
	}
	free(cells);
	free(obs);
	free(raters);
	free(rv);
	free(cv);
	free(vars);
	if (in)
		instrument_free(in);
	json_decref(row);
	json_decref(seen);
	return rc;
}

/* ---- The lab's settings ---- */

static json_t *settings_json(struct db *db)
{
	enum kv_err rc;
	json_t *o =
	    db_json_row(db,
	                "SELECT drift_band, drift_period, calibration_icc, "
	                "calibration_min_sessions, updated_at, updated_by FROM lab_settings "
	                "WHERE one = 1",
	                NULL, 0, NULL, &rc);

	if (!o)
		return NULL;
	json_object_set_new(o, "min_therapists", json_integer(LAB_MIN_THERAPISTS));
	json_object_set_new(o, "calibration_form", json_string("ICC2"));
	return o;
}

enum kv_err api_lab_settings_get(struct api_req *req, struct api_resp *resp)
{
	json_t *o = settings_json(req->db);

	if (!o)
		return api_error(resp, KV_EINTERNAL, NULL, "the settings could not be read");
	api_json(resp, 200, o);
	return KV_OK;
}

enum kv_err api_lab_settings_put(struct api_req *req, struct api_resp *resp)
{
	json_t *band = json_object_get(req->json, "drift_band"),
	       *icc = json_object_get(req->json, "calibration_icc");
	struct db_stmt *st;
	enum kv_err rc;
	char *detail;

	/* The validators allow 0; a band or threshold of 0 would flag or pass everything. */
	if (band && json_number_value(band) <= 0)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "drift_band",
		                       "must be greater than 0");
	if (icc && json_number_value(icc) <= 0)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "calibration_icc",
		                       "must be greater than 0");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	st = db_prepare(req->db, "UPDATE lab_settings SET drift_band = coalesce(?1, drift_band), "
	                         "drift_period = coalesce(?2, drift_period), calibration_icc = "
	                         "coalesce(?3, calibration_icc), calibration_min_sessions = "
	                         "coalesce(?4, calibration_min_sessions), updated_at = ?5, "
	                         "updated_by = ?6 WHERE one = 1");
	if (!st) {
		db_rollback(req->db);
		return api_error(resp, KV_EINTERNAL, NULL, "the settings could not be saved");
	}
	if (band)
		db_bind_double(st, 1, json_number_value(band));
	else
		db_bind_null(st, 1);
	if (api_str(req, "drift_period"))
		db_bind_text(st, 2, api_str(req, "drift_period"));
	else
		db_bind_null(st, 2);
	if (icc)
		db_bind_double(st, 3, json_number_value(icc));
	else
		db_bind_null(st, 3);
	if (api_has(req, "calibration_min_sessions"))
		db_bind_int(st, 4, api_int(req, "calibration_min_sessions", 0));
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, req->now);
	db_bind_int(st, 6, req->user.id);
	rc = db_step(st) == DB_DONE ? KV_OK : db_stmt_err(st);
	db_finalize(st);
	detail = json_dumps(req->json, JSON_COMPACT | JSON_SORT_KEYS);
	if (!rc)
		rc = api_audit(req, "lab_settings.update", "lab_settings", 1, "success", detail);
	free(detail);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the settings could not be saved; try again");
	}
	return api_lab_settings_get(req, resp);
}
