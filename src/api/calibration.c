/* Calibration of raters: the lab admin makes an approved session whose consent covers rater
 * training a calibration session with a master rating (a copy of the approved consensus, or a
 * new one a supervisor fills in), and assigns trainees; a trainee's rating is compared with the
 * master item by item, and the trainee is calibrated when ICC(2,1) over every item and global of
 * their completed sessions reaches the lab's threshold over at least the lab's number of
 * sessions. A trainee's rating has no assignment, so it never counts in the session's own
 * workflow or reliability, and the trainee sees nothing of the master before submitting. */
#include "api/reliability_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "db/users.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_INSTRUMENTS 16

int api_calibration_trainee(struct api_req *req, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id), ARG_INT(req->user.id)};

	if (req->user.role != ROLE_RATER)
		return 0;
	return db_scalar(req->db,
	                 "SELECT 1 FROM calibration_trainees ct JOIN calibration_sessions cs ON "
	                 "cs.id = ct.session_id WHERE cs.submission_id = ? AND ct.trainee_id = ? "
	                 "AND cs.retired_at IS NULL",
	                 a, NARGS(a), 0) == 1;
}

/* ---- One trainee's calibration ---- */

/* What is gathered per instrument: the score pairs and the differences per variable. */
struct cal_inst {
	long long id;
	struct instrument *in;
	json_t *row;
	struct rel_var *vars;
	size_t n_vars;
	double *t, *m;
	size_t n_pairs, cap;
	size_t n_sessions, n_assigned;
	double *sum_d, *sum_abs;
	size_t *n_d;
};

static struct cal_inst *cal_inst_get(struct db *db, struct cal_inst *list, size_t *n, long long id)
{
	struct cal_inst *c;
	size_t i;

	for (i = 0; i < *n; i++)
		if (list[i].id == id)
			return list[i].in ? &list[i] : NULL;
	if (*n == MAX_INSTRUMENTS)
		return NULL;
	c = &list[(*n)++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->in = api_rel_instrument_by_id(db, id, &c->row);
	if (!c->in)
		return NULL;
	c->vars = reliability_vars(c->in, &c->n_vars);
	c->sum_d = xcalloc(c->n_vars + 1, sizeof(double));
	c->sum_abs = xcalloc(c->n_vars + 1, sizeof(double));
	c->n_d = xcalloc(c->n_vars + 1, sizeof(size_t));
	return c;
}

static void cal_inst_release(struct cal_inst *c)
{
	if (c->in)
		instrument_free(c->in);
	json_decref(c->row);
	free(c->vars);
	free(c->t);
	free(c->m);
	free(c->sum_d);
	free(c->sum_abs);
	free(c->n_d);
}

/* The session's scores side by side; adds the pairs (items and globals, not the totals, which
 * are made of the items) to c. Returns the comparison; *agreement gets its summary. */
static json_t *compare(struct cal_inst *c, const char *trainee_scores, const char *master_scores,
                       json_t **agreement)
{
	json_t *ts = api_rel_scores(trainee_scores), *ms = api_rel_scores(master_scores);
	json_t *out = json_array();
	double *tv = xcalloc(c->n_vars + 1, sizeof(double)),
	       *mv = xcalloc(c->n_vars + 1, sizeof(double));
	double abs_sum = 0;
	size_t i, n = 0, exact = 0, near = 0;

	reliability_values(c->vars, c->n_vars, ts, tv);
	reliability_values(c->vars, c->n_vars, ms, mv);
	for (i = 0; i < c->n_vars; i++) {
		json_t *o;
		double d = tv[i] - mv[i];
		if (c->vars[i].kind == REL_VAR_TOTAL)
			continue;
		o = api_rel_var_json(c->in, &c->vars[i]);
		json_object_set_new(o, "trainee", api_rel_num(tv[i]));
		json_object_set_new(o, "master", api_rel_num(mv[i]));
		json_object_set_new(o, "difference", api_rel_num(d));
		json_array_append_new(out, o);
		if (isnan(d))
			continue;
		if (c->n_pairs == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->t = xrealloc(c->t, c->cap * sizeof(double));
			c->m = xrealloc(c->m, c->cap * sizeof(double));
		}
		c->t[c->n_pairs] = tv[i];
		c->m[c->n_pairs] = mv[i];
		c->n_pairs++;
		c->sum_d[i] += d;
		c->sum_abs[i] += fabs(d);
		c->n_d[i]++;
		abs_sum += fabs(d);
		exact += d == 0;
		near += fabs(d) <= 1;
		n++;
	}
	*agreement = json_pack("{s:I, s:o, s:o, s:o}", "n_pairs", (json_int_t)n,
	                       "mean_abs_difference", api_rel_num(n ? abs_sum / (double)n : NAN),
	                       "exact", api_rel_num(n ? (double)exact / (double)n : NAN),
	                       "within_one", api_rel_num(n ? (double)near / (double)n : NAN));
	free(tv);
	free(mv);
	json_decref(ts);
	json_decref(ms);
	return out;
}

/* Per instrument: the decision and, with details, the differences item by item. */
static json_t *instrument_result(struct cal_inst *c, const struct rel_calibration_rule *rule,
                                 int details)
{
	struct rel_calibration r;
	json_t *o, *items;
	size_t i;

	reliability_calibration(c->t ? c->t : (const double[1]){0},
	                        c->m ? c->m : (const double[1]){0}, c->n_pairs, c->n_sessions, rule,
	                        &r);
	o = json_pack("{s:I, s:O, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:b}", "instrument_id",
	              (json_int_t)c->id, "instrument", c->row, "n_assigned",
	              (json_int_t)c->n_assigned, "n_sessions", (json_int_t)r.n_sessions, "n_pairs",
	              (json_int_t)r.n_pairs, "icc",
	              r.icc_ok ? api_rel_icc_json(&r.icc) : json_null(), "mean_difference",
	              api_rel_num(r.mean_difference), "mean_abs_difference",
	              api_rel_num(r.mean_abs_difference), "exact", api_rel_num(r.exact),
	              "within_one", api_rel_num(r.within_one), "calibrated", r.calibrated);
	if (!details)
		return o;
	items = json_array();
	for (i = 0; i < c->n_vars; i++) {
		json_t *it;
		if (c->vars[i].kind == REL_VAR_TOTAL)
			continue;
		it = api_rel_var_json(c->in, &c->vars[i]);
		json_object_set_new(it, "n", json_integer((json_int_t)c->n_d[i]));
		json_object_set_new(it, "mean_difference",
		                    api_rel_num(c->n_d[i] ? c->sum_d[i] / (double)c->n_d[i] : NAN));
		json_object_set_new(
		    it, "mean_abs_difference",
		    api_rel_num(c->n_d[i] ? c->sum_abs[i] / (double)c->n_d[i] : NAN));
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "items", items);
	return o;
}

/*
 * The calibration of one trainee. Sessions are complete when both the trainee's rating and the
 * master are submitted; only then is the master shown, item by item. Withdrawn submissions no
 * longer count. details adds the sessions and the item-by-item differences. NULL when the
 * trainee's rows cannot be read.
 */
static json_t *trainee_json(struct api_req *req, long long trainee, int details)
{
	struct db_arg a[] = {ARG_INT(trainee)};
	struct cal_inst insts[MAX_INSTRUMENTS];
	struct rel_calibration_rule rule;
	struct lab_settings ls;
	size_t n_insts = 0, i;
	json_t *rows, *row, *sessions = json_array(), *results = json_array(), *user, *out;
	enum kv_err rc;
	int any = 0;

	user =
	    db_json_row(req->db, "SELECT id, display_name AS name, email FROM users WHERE id = ?",
	                a, 1, NULL, &rc);
	rows = db_json_rows(
	    req->db,
	    "SELECT ct.session_id, cs.submission_id, ct.rating_id, tr.state AS rating_state, "
	    "coalesce(tr.submitted_at, 0) AS t_submitted, tr.scores AS t_scores, tr.instrument_id, "
	    "m.state AS master_state, m.scores AS m_scores, s.session_date, s.session_number, "
	    "s.modality, ins.name AS instrument_name, cs.retired_at IS NOT NULL AS retired, "
	    "(SELECT "
	    "rec.id FROM recordings rec WHERE rec.submission_id = s.id AND rec.kind = 'original' "
	    "AND rec.state = 'ready' ORDER BY rec.id DESC LIMIT 1) AS recording_id FROM "
	    "calibration_trainees ct JOIN calibration_sessions cs ON cs.id = ct.session_id JOIN "
	    "ratings tr ON tr.id = ct.rating_id JOIN ratings m ON m.id = cs.master_rating_id JOIN "
	    "submissions s ON s.id = cs.submission_id LEFT JOIN instruments ins ON ins.id = "
	    "tr.instrument_id WHERE ct.trainee_id = ? AND s.state <> 'withdrawn' ORDER BY ct.id",
	    a, 1, NULL);
	if (!user || !rows) {
		json_decref(user);
		json_decref(rows);
		json_decref(sessions);
		json_decref(results);
		return NULL;
	}
	api_lab_settings_read(req->db, &ls);
	rule.icc_min = ls.calibration_icc;
	rule.min_sessions = (size_t)ls.calibration_min_sessions;
	json_array_foreach(rows, i, row)
	{
		const char *ts = json_string_value(json_object_get(row, "rating_state"));
		const char *ms = json_string_value(json_object_get(row, "master_state"));
		int master_ready = !strcmp(ms, "submitted") || !strcmp(ms, "approved");
		int done = master_ready && !strcmp(ts, "submitted");
		struct cal_inst *c =
		    cal_inst_get(req->db, insts, &n_insts,
		                 json_integer_value(json_object_get(row, "instrument_id")));
		json_t *s = json_pack(
		    "{s:O, s:O, s:O, s:s, s:o, s:b, s:O, s:O, s:O, s:O, s:O, s:O, s:b, s:b}",
		    "session_id", json_object_get(row, "session_id"), "submission_id",
		    json_object_get(row, "submission_id"), "rating_id",
		    json_object_get(row, "rating_id"), "rating_state", ts, "submitted_at",
		    api_time(json_integer_value(json_object_get(row, "t_submitted"))),
		    "master_ready", master_ready, "instrument_id",
		    json_object_get(row, "instrument_id"), "instrument_name",
		    json_object_get(row, "instrument_name"), "session_date",
		    json_object_get(row, "session_date"), "session_number",
		    json_object_get(row, "session_number"), "modality",
		    json_object_get(row, "modality"), "recording_id",
		    json_object_get(row, "recording_id"), "retired",
		    json_integer_value(json_object_get(row, "retired")) != 0, "completed",
		    done && c);
		if (c)
			c->n_assigned++;
		if (done && c) {
			json_t *agreement,
			    *cmp = compare(c, json_string_value(json_object_get(row, "t_scores")),
			                   json_string_value(json_object_get(row, "m_scores")),
			                   &agreement);
			c->n_sessions++;
			json_object_set_new(s, "comparison", cmp);
			json_object_set_new(s, "agreement", agreement);
		} else {
			json_object_set_new(s, "comparison", json_null());
			json_object_set_new(s, "agreement", json_null());
		}
		json_array_append_new(sessions, s);
	}
	for (i = 0; i < n_insts; i++) {
		if (insts[i].in) {
			json_t *r = instrument_result(&insts[i], &rule, details);
			any |= json_is_true(json_object_get(r, "calibrated"));
			json_array_append_new(results, r);
		}
		cal_inst_release(&insts[i]);
	}
	out = json_pack("{s:O, s:O, s:O, s:{s:s, s:f, s:I}, s:b, s:o}", "trainee_id",
	                json_object_get(user, "id"), "name", json_object_get(user, "name"), "email",
	                json_object_get(user, "email"), "rule", "form", "ICC2", "icc_min",
	                rule.icc_min, "min_sessions", (json_int_t)rule.min_sessions, "calibrated",
	                any, "instruments", results);
	json_object_set_new(out, "n_assigned", json_integer((json_int_t)json_array_size(rows)));
	if (details)
		json_object_set_new(out, "sessions", sessions);
	else
		json_decref(sessions);
	json_decref(rows);
	json_decref(user);
	return out;
}

enum kv_err api_calibration_trainees_list(struct api_req *req, struct api_resp *resp)
{
	json_t *ids = db_json_rows(req->db,
	                           "SELECT DISTINCT ct.trainee_id, u.display_name, u.email FROM "
	                           "calibration_trainees ct JOIN users u ON u.id = ct.trainee_id "
	                           "ORDER BY u.display_name, u.email",
	                           NULL, 0, NULL),
	       *items = json_array(), *r;
	size_t i;

	if (!ids) {
		json_decref(items);
		return api_error(resp, KV_EINTERNAL, NULL, "the trainees could not be listed");
	}
	json_array_foreach(ids, i, r)
	{
		json_t *t =
		    trainee_json(req, json_integer_value(json_object_get(r, "trainee_id")), 0);
		if (t)
			json_array_append_new(items, t);
	}
	json_decref(ids);
	api_audit(req, "calibration.list_trainees", NULL, 0, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_calibration_trainee_get(struct api_req *req, struct api_resp *resp)
{
	struct kv_user u;
	json_t *t;

	if (db_user_get(req->db, req->id, &u) != KV_OK || u.role != ROLE_RATER)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such rater");
	t = trainee_json(req, req->id, 1);
	if (!t)
		return api_error(resp, KV_EINTERNAL, NULL, "the calibration could not be read");
	api_audit(req, "calibration.read_trainee", "user", req->id, "success", NULL);
	api_json(resp, 200, t);
	return KV_OK;
}

enum kv_err api_my_calibration(struct api_req *req, struct api_resp *resp)
{
	json_t *t = trainee_json(req, req->user.id, 1);

	if (!t)
		return api_error(resp, KV_EINTERNAL, NULL, "the calibration could not be read");
	api_audit(req, "calibration.read_own", "user", req->user.id, "success", NULL);
	api_json(resp, 200, t);
	return KV_OK;
}

/* ---- Calibration sessions ---- */

static json_t *session_trainees(struct db *db, long long session)
{
	struct db_arg a[] = {ARG_INT(session)};
	json_t *t =
	    db_json_rows(db,
	                 "SELECT ct.trainee_id, u.display_name AS name, u.email, ct.rating_id, "
	                 "r.state AS rating_state, r.submitted_at, ct.assigned_at FROM "
	                 "calibration_trainees ct JOIN users u ON u.id = ct.trainee_id JOIN "
	                 "ratings r ON r.id = ct.rating_id WHERE ct.session_id = ? ORDER BY "
	                 "ct.id",
	                 a, 1, NULL);

	return t ? t : json_array();
}

#define SESSION_SELECT                                                                             \
	"SELECT cs.id, cs.submission_id, cs.master_rating_id, m.state AS master_state, "           \
	"m.based_on AS master_based_on, cs.created_at, cs.retired_at, s.session_date, "            \
	"s.session_number, s.modality, s.state AS submission_state, i.name AS institution_name, "  \
	"m.instrument_id, ins.name AS instrument_name FROM calibration_sessions cs JOIN "          \
	"submissions s ON s.id = cs.submission_id JOIN ratings m ON m.id = cs.master_rating_id "   \
	"JOIN institutions i ON i.id = s.institution_id LEFT JOIN instruments ins ON ins.id = "    \
	"m.instrument_id "

enum kv_err api_calibration_sessions_list(struct api_req *req, struct api_resp *resp)
{
	json_t *items = db_json_rows(req->db, SESSION_SELECT "ORDER BY cs.id DESC", NULL, 0, NULL),
	       *s;
	size_t i;

	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the sessions could not be listed");
	json_array_foreach(items, i, s) json_object_set_new(
	    s, "trainees", session_trainees(req->db, json_integer_value(json_object_get(s, "id"))));
	api_audit(req, "calibration.list", NULL, 0, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

static json_t *session_json(struct db *db, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};
	enum kv_err rc;
	json_t *s = db_json_row(db, SESSION_SELECT "WHERE cs.id = ?", a, 1, NULL, &rc);

	if (s)
		json_object_set_new(s, "trainees", session_trainees(db, id));
	return s;
}

/* The session with each trainee's agreement with the master (when both are submitted). */
enum kv_err api_calibration_sessions_get(struct api_req *req, struct api_resp *resp)
{
	json_t *s = session_json(req->db, req->id), *t;
	size_t i;

	if (!s)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such calibration session");
	json_array_foreach(json_object_get(s, "trainees"), i, t)
	{
		json_t *full = trainee_json(
		           req, json_integer_value(json_object_get(t, "trainee_id")), 1),
		       *x;
		size_t j;
		json_object_set_new(t, "comparison", json_null());
		json_object_set_new(t, "agreement", json_null());
		json_array_foreach(json_object_get(full, "sessions"), j, x)
		{
			if (json_integer_value(json_object_get(x, "session_id")) != req->id)
				continue;
			json_object_set(t, "comparison", json_object_get(x, "comparison"));
			json_object_set(t, "agreement", json_object_get(x, "agreement"));
		}
		json_decref(full);
	}
	api_audit(req, "calibration.read", "calibration_session", req->id, "success", NULL);
	api_json(resp, 200, s);
	return KV_OK;
}

/* Approved sessions that may become calibration sessions: consent covers rater training and
 * stands, the recording is there, the consensus is approved, and it is not one already. */
#define CANDIDATE_WHERE                                                                            \
	"s.state IN " APPROVED_STATES " AND EXISTS (SELECT 1 FROM consents c WHERE c.case_id = "   \
	"s.case_id AND c.scope_rater_training = 1 AND c.withdrawn_date IS NULL) AND EXISTS "       \
	"(SELECT 1 FROM recordings rec WHERE rec.submission_id = s.id AND rec.kind = 'original' "  \
	"AND rec.state = 'ready') AND NOT EXISTS (SELECT 1 FROM calibration_sessions cs WHERE "    \
	"cs.submission_id = s.id)"

enum kv_err api_calibration_candidates(struct api_req *req, struct api_resp *resp)
{
	json_t *items = db_json_rows(
	    req->db,
	    "SELECT s.id AS submission_id, s.session_date, s.session_number, s.modality, i.name AS "
	    "institution_name, s.instrument_id, ins.name AS instrument_name FROM submissions s "
	    "JOIN "
	    "institutions i ON i.id = s.institution_id LEFT JOIN instruments ins ON ins.id = "
	    "s.instrument_id WHERE " CANDIDATE_WHERE " ORDER BY s.id DESC LIMIT 200",
	    NULL, 0, NULL);

	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the sessions could not be listed");
	api_audit(req, "calibration.candidates", NULL, 0, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

/* Why submission sub cannot become a calibration session (a 4xx in resp), or KV_OK. */
static enum kv_err check_candidate(struct api_req *req, struct api_resp *resp, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;
	json_t *s = db_json_row(req->db, "SELECT state, case_id FROM submissions WHERE id = ?", a,
	                        1, NULL, &rc);
	const char *state;
	int approved;

	if (!s)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "submission_id",
		                       "is not a submission");
	state = json_string_value(json_object_get(s, "state"));
	approved = !strcmp(state, "approved") || !strcmp(state, "feedback_published") ||
	           !strcmp(state, "closed");
	json_decref(s);
	if (!approved)
		return api_field_error(resp, KV_ERULE, "wrong_state", "submission_id",
		                       "must be a session whose consensus the supervisor approved");
	if (db_scalar(req->db, "SELECT 1 FROM calibration_sessions WHERE submission_id = ?", a, 1,
	              0) == 1)
		return api_field_error(resp, KV_ECONFLICT, "already_calibration", "submission_id",
		                       "is a calibration session already");
	if (db_scalar(req->db,
	              "SELECT 1 FROM submissions s JOIN consents c ON c.case_id = s.case_id WHERE "
	              "s.id = ? AND c.scope_rater_training = 1 AND c.withdrawn_date IS NULL",
	              a, 1, 0) != 1)
		return api_field_error(resp, KV_ERULE, "consent_scope", "submission_id",
		                       "the patient's consent does not cover rater training");
	if (db_scalar(req->db,
	              "SELECT 1 FROM recordings WHERE submission_id = ? AND kind = 'original' AND "
	              "state = 'ready'",
	              a, 1, 0) != 1)
		return api_field_error(resp, KV_ERULE, "recording_gone", "submission_id",
		                       "the session's recording is no longer there to rate");
	return KV_OK;
}

enum kv_err api_calibration_sessions_create(struct api_req *req, struct api_resp *resp)
{
	long long sub = api_int(req, "submission_id", 0), master = 0, session = 0, consensus;
	const char *how = api_str(req, "master");
	int copy = !how || !strcmp(how, "consensus");
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;

	if ((rc = check_candidate(req, resp, sub)) != KV_OK)
		return rc;
	consensus = db_scalar(req->db,
	                      "SELECT max(id) FROM ratings WHERE submission_id = ? AND kind = "
	                      "'consensus' AND state = 'approved'",
	                      a, 1, 0);
	if (!consensus)
		return api_field_error(resp, KV_ERULE, "no_approved_consensus", "master",
		                       "the session has no approved consensus to copy");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	/* The master: a copy of the approved consensus, final at once; or a new rating on the
	 * same scale, in progress, for a supervisor to fill in. */
	if (copy) {
		struct db_arg c[] = {ARG_INT(consensus), ARG_INT(req->user.id), ARG_INT(req->now)};
		rc = db_insert(
		    req->db,
		    "INSERT INTO ratings (submission_id, kind, rater_id, instrument_id, "
		    "state, scores, notes, based_on, created_at, updated_at, submitted_at) "
		    "SELECT submission_id, 'master', ?2, instrument_id, 'submitted', "
		    "scores, notes, id, ?3, ?3, ?3 FROM ratings WHERE id = ?1 RETURNING id",
		    c, NARGS(c), &master);
	} else {
		struct db_arg c[] = {ARG_INT(consensus), ARG_INT(req->now)};
		rc = db_insert(req->db,
		               "INSERT INTO ratings (submission_id, kind, instrument_id, state, "
		               "created_at, updated_at) SELECT submission_id, 'master', "
		               "instrument_id, 'in_progress', ?2, ?2 FROM ratings WHERE id = ?1 "
		               "RETURNING id",
		               c, NARGS(c), &master);
	}
	if (!rc && copy) {
		struct db_arg c[] = {ARG_INT(master), ARG_INT(consensus)};
		rc = db_run(
		    req->db,
		    "INSERT INTO interventions (rating_id, client_id, start_ms, end_ms, code, "
		    "within_manual, quality, note) SELECT ?1, client_id, start_ms, end_ms, "
		    "code, within_manual, quality, note FROM interventions WHERE rating_id = "
		    "?2 AND NOT deleted",
		    c, NARGS(c), NULL);
	}
	if (!rc) {
		struct db_arg c[] = {ARG_INT(sub), ARG_INT(master), ARG_INT(req->user.id),
		                     ARG_INT(req->now)};
		rc = db_insert(req->db,
		               "INSERT INTO calibration_sessions (submission_id, master_rating_id, "
		               "created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		               c, NARGS(c), &session);
	}
	if (!rc)
		rc = api_audit(req, "calibration.create", "submission", sub, "success",
		               copy ? "master copied from the approved consensus" : "new master");
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL,
		                 "the calibration session could not be made; try again");
	}
	api_json(resp, 201, session_json(req->db, session));
	return KV_OK;
}

enum kv_err api_calibration_trainees_add(struct api_req *req, struct api_resp *resp)
{
	json_t *ids = json_object_get(req->json, "trainee_ids"), *e, *s;
	struct db_arg a[] = {ARG_INT(req->id)};
	enum kv_err rc;
	long long sub, instrument;
	size_t i;

	s = db_json_row(req->db,
	                "SELECT cs.submission_id, cs.retired_at IS NOT NULL AS retired, "
	                "m.instrument_id FROM calibration_sessions cs JOIN ratings m ON m.id = "
	                "cs.master_rating_id WHERE cs.id = ?",
	                a, 1, NULL, &rc);
	if (!s)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such calibration session");
	sub = json_integer_value(json_object_get(s, "submission_id"));
	instrument = json_integer_value(json_object_get(s, "instrument_id"));
	if (json_integer_value(json_object_get(s, "retired"))) {
		json_decref(s);
		return api_error(resp, KV_ECONFLICT, "session_retired",
		                 "the calibration session is retired; choose another");
	}
	json_decref(s);
	{
		struct db_arg b[] = {ARG_INT(sub)};
		if (db_scalar(
		        req->db,
		        "SELECT 1 FROM submissions s WHERE s.id = ? AND s.state <> 'withdrawn' "
		        "AND EXISTS (SELECT 1 FROM recordings rec WHERE rec.submission_id = s.id "
		        "AND rec.kind = 'original' AND rec.state = 'ready')",
		        b, 1, 0) != 1)
			return api_error(resp, KV_ERULE, "recording_gone",
			                 "the session's recording is no longer there to rate");
	}
	if (json_array_size(ids) == 0)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "trainee_ids",
		                       "must name at least one rater");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	json_array_foreach(ids, i, e)
	{
		struct kv_user u;
		long long trainee = json_integer_value(e), rating = 0;
		struct db_arg b[] = {ARG_INT(sub), ARG_INT(trainee), ARG_INT(req->id)};
		if (db_user_get(req->db, trainee, &u) != KV_OK || u.role != ROLE_RATER ||
		    u.disabled) {
			db_rollback(req->db);
			return api_field_error(resp, KV_ERULE, "not_a_rater", "trainee_ids",
			                       "must name active users with the rater role");
		}
		/* Someone who rated the session, or made its consensus, has seen the answer. */
		if (db_scalar(
		        req->db,
		        "SELECT 1 FROM ratings WHERE submission_id = ?1 AND rater_id = ?2 AND "
		        "kind IN ('rater','consensus') AND NOT EXISTS (SELECT 1 FROM "
		        "calibration_trainees WHERE rating_id = ratings.id)",
		        b, 2, 0) == 1) {
			db_rollback(req->db);
			return api_field_error(
			    resp, KV_ERULE, "already_rated", "trainee_ids",
			    "names a rater who rated this session or made its consensus");
		}
		if (db_scalar(
		        req->db,
		        "SELECT 1 FROM calibration_trainees WHERE session_id = ?3 AND trainee_id "
		        "= ?2",
		        b, 3, 0) == 1) {
			db_rollback(req->db);
			return api_field_error(resp, KV_ECONFLICT, "already_assigned",
			                       "trainee_ids",
			                       "names a trainee who has this session already");
		}
		{
			struct db_arg c[] = {ARG_INT(sub), ARG_INT(trainee), ARG_INT(instrument),
			                     ARG_INT(req->now)};
			rc = db_insert(req->db,
			               "INSERT INTO ratings (submission_id, kind, rater_id, "
			               "instrument_id, state, created_at, updated_at) VALUES (?1, "
			               "'rater', ?2, ?3, 'in_progress', ?4, ?4) RETURNING id",
			               c, NARGS(c), &rating);
		}
		if (!rc) {
			struct db_arg c[] = {ARG_INT(req->id), ARG_INT(trainee), ARG_INT(rating),
			                     ARG_INT(req->user.id), ARG_INT(req->now)};
			rc = db_run(
			    req->db,
			    "INSERT INTO calibration_trainees (session_id, trainee_id, rating_id, "
			    "assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?)",
			    c, NARGS(c), NULL);
		}
		if (!rc)
			rc = api_audit(req, "calibration.assign", "calibration_session", req->id,
			               "success", u.email);
		if (rc)
			break;
	}
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the trainees could not be assigned; try again");
	}
	api_json(resp, 201, session_json(req->db, req->id));
	return KV_OK;
}

enum kv_err api_calibration_sessions_retire(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->id)};
	long long changed = 0;
	enum kv_err rc;

	if (!db_scalar(req->db, "SELECT 1 FROM calibration_sessions WHERE id = ?", a + 1, 1, 0))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such calibration session");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db,
	            "UPDATE calibration_sessions SET retired_at = ? WHERE id = ? AND retired_at IS "
	            "NULL",
	            a, NARGS(a), &changed);
	if (!rc && !changed) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "session_retired",
		                 "the calibration session is retired");
	}
	if (!rc)
		rc = api_audit(req, "calibration.retire", "calibration_session", req->id, "success",
		               NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the session could not be retired; try again");
	}
	api_json(resp, 200, session_json(req->db, req->id));
	return KV_OK;
}
