/* After every rater has submitted: the side-by-side comparison (item scores with differences of
 * 2 or more flagged; interventions matched in time with disagreeing codes flagged and unmatched
 * ones listed), the consensus made from either rating, and the supervisor's approval. The raw
 * ratings are never changed by any of this. */
#include "api/api_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/workflow.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_TOLERANCE_S 3.0

static json_t *rater_ratings(struct db *db, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};
	json_t *ids = db_json_rows(
	           db,
	           "SELECT r.id FROM ratings r JOIN assignments a ON a.id = "
	           "r.assignment_id WHERE r.submission_id = ? AND r.kind = 'rater' AND "
	           "a.ended_at IS NULL ORDER BY r.id",
	           a, 1, NULL),
	       *out = json_array(), *row;
	size_t i;

	json_array_foreach(ids, i, row) json_array_append_new(
	    out, api_rating_json(db, json_integer_value(json_object_get(row, "id"))));
	json_decref(ids);
	return out;
}

/* Blind: what of a submission's ratings this user may know. */
enum kv_err api_submission_ratings(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id), ARG_INT(req->user.id)};
	int lab = req->user.role == ROLE_LAB_ADMIN || req->user.role == ROLE_SUPERVISOR;
	json_t *items;

	if (!api_may_see_submission(req, req->id))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	if (req->user.role == ROLE_THERAPIST)
		return api_error(resp, KV_EPERM, "not_yet",
		                 "ratings are shown to the therapist with the published feedback");
	if (lab || api_all_ratings_in(req->db, req->id))
		items =
		    db_json_rows(req->db,
		                 "SELECT r.id, r.kind, r.rater_id, u.email AS rater_email, "
		                 "u.display_name AS rater_name, r.state, r.submitted_at, "
		                 "r.based_on FROM ratings r LEFT JOIN users u ON u.id = r.rater_id "
		                 "WHERE r.submission_id = ?1 AND r.state <> 'ended' AND (r.kind <> "
		                 "'rater' OR r.assignment_id IS NOT NULL) ORDER BY r.id",
		                 a, 1, NULL);
	else /* before everyone has submitted a rater learns only of their own */
		items =
		    db_json_rows(req->db,
		                 "SELECT r.id, r.kind, r.rater_id, r.state, r.submitted_at FROM "
		                 "ratings r WHERE r.submission_id = ?1 AND r.rater_id = ?2 AND "
		                 "r.kind = 'rater' AND r.assignment_id IS NOT NULL",
		                 a, 2, NULL);
	api_json(resp, 200,
	         json_pack("{s:o, s:b}", "items", items ? items : json_array(), "all_submitted",
	                   api_all_ratings_in(req->db, req->id)));
	return KV_OK;
}

static int may_compare(struct api_req *req, long long sub)
{
	if (!api_may_see_submission(req, sub) || req->user.role == ROLE_THERAPIST)
		return 0;
	return api_all_ratings_in(req->db, sub);
}

/* Item scores side by side; a difference of 2 or more is flagged. */
static json_t *compare_scores(json_t *ratings)
{
	json_t *items = json_object(), *r, *scores, *facets, *v, *row;
	const char *item, *facet;
	size_t i;

	json_array_foreach(ratings, i, r)
	{
		scores = json_object_get(r, "scores");
		json_object_foreach(scores, item, facets)
		{
			json_object_foreach(facets, facet, v)
			{
				char key[128];
				snprintf(key, sizeof(key), "%s.%s", item, facet);
				row = json_object_get(items, key);
				if (!row) {
					row = json_pack("{s:s, s:s, s:[], s:b}", "item", item,
					                "facet", facet, "values", "disagree", 0);
					json_object_set_new(items, key, row);
				}
				json_array_append(json_object_get(row, "values"), v);
			}
		}
	}
	{
		json_t *out = json_array();
		const char *key;
		json_object_foreach(items, key, row)
		{
			json_t *vals = json_object_get(row, "values"), *x;
			double lo = INFINITY, hi = -INFINITY;
			size_t j;
			json_array_foreach(vals, j, x)
			{
				double d = json_number_value(x);
				lo = d < lo ? d : lo;
				hi = d > hi ? d : hi;
			}
			json_object_set_new(row, "difference", json_real(hi - lo));
			json_object_set_new(row, "disagree", json_boolean(hi - lo >= 2));
			json_array_append(out, row);
		}
		json_decref(items);
		return out;
	}
}

/* Interventions of the first two raters matched within tol seconds. */
static json_t *compare_interventions(json_t *ratings, double tol)
{
	json_t *a = json_object_get(json_array_get(ratings, 0), "interventions");
	json_t *b = json_object_get(json_array_get(ratings, 1), "interventions");
	size_t na = json_array_size(a), nb = json_array_size(b), i, n_codes = 0, k;
	struct stats_event *ea = xcalloc(na + 1, sizeof(*ea)), *eb = xcalloc(nb + 1, sizeof(*eb));
	struct stats_event_match *pairs = xcalloc((na < nb ? na : nb) + 1, sizeof(*pairs));
	struct stats_events out;
	json_t *codes = json_object(), *result, *matched = json_array(), *ua = json_array(),
	       *ub = json_array(), *x;
	char *used_a = xcalloc(na + 1, 1), *used_b = xcalloc(nb + 1, 1);

	/* Codes become category numbers shared by both raters. */
	for (k = 0; k < 2; k++) {
		json_t *list = k ? b : a;
		json_array_foreach(list, i, x)
		{
			const char *c = json_string_value(json_object_get(x, "code"));
			if (!json_object_get(codes, c))
				json_object_set_new(codes, c, json_integer((json_int_t)n_codes++));
			(k ? eb : ea)[i].t =
			    (double)json_integer_value(json_object_get(x, "start_ms")) / 1000;
			(k ? eb : ea)[i].code =
			    (size_t)json_integer_value(json_object_get(codes, c));
		}
	}
	memset(&out, 0, sizeof(out));
	if (stats_events_agreement(ea, na, eb, nb, n_codes ? n_codes : 1, tol, pairs, &out) == 0) {
		for (i = 0; i < out.n_matched; i++) {
			json_t *ia = json_array_get(a, pairs[i].a),
			       *ib = json_array_get(b, pairs[i].b);
			used_a[pairs[i].a] = used_b[pairs[i].b] = 1;
			json_array_append_new(
			    matched,
			    json_pack("{s:O, s:O, s:b}", "a", ia, "b", ib, "codes_differ",
			              strcmp(json_string_value(json_object_get(ia, "code")),
			                     json_string_value(json_object_get(ib, "code"))) != 0));
		}
	}
	for (i = 0; i < na; i++)
		if (!used_a[i])
			json_array_append(ua, json_array_get(a, i));
	for (i = 0; i < nb; i++)
		if (!used_b[i])
			json_array_append(ub, json_array_get(b, i));
	result = json_pack("{s:f, s:o, s:o, s:o}", "tolerance_s", tol, "matched", matched,
	                   "unmatched_a", ua, "unmatched_b", ub);
	json_object_set_new(result, "kappa",
	                    isfinite(out.kappa.kappa) ? json_real(out.kappa.kappa) : json_null());
	json_decref(codes);
	free(ea);
	free(eb);
	free(pairs);
	free(used_a);
	free(used_b);
	return result;
}

enum kv_err api_submission_comparison(struct api_req *req, struct api_resp *resp)
{
	double tol =
	    (double)api_int(req, "tolerance_ms", (long long)(DEFAULT_TOLERANCE_S * 1000)) / 1000;
	json_t *ratings, *body;

	if (!api_may_see_submission(req, req->id))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	if (!may_compare(req, req->id))
		return api_error(resp, KV_ECONFLICT, "ratings_pending",
		                 "the comparison opens when every assigned rater has submitted");
	ratings = rater_ratings(req->db, req->id);
	body = json_pack("{s:O, s:o}", "ratings", ratings, "scores", compare_scores(ratings));
	if (json_array_size(ratings) >= 2)
		json_object_set_new(body, "interventions", compare_interventions(ratings, tol));
	json_decref(ratings);
	api_audit(req, "rating.compare", "submission", req->id, "success", NULL);
	api_json(resp, 200, body);
	return KV_OK;
}

enum kv_err api_submission_consensus(struct api_req *req, struct api_resp *resp)
{
	long long based = api_int(req, "based_on", 0), id = 0;
	struct db_arg a[] = {ARG_INT(based), ARG_INT(req->id)};
	enum kv_err rc;
	json_t *src, *s;

	if (!api_may_see_submission(req, req->id) || req->user.role == ROLE_THERAPIST)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	s = db_json_row(req->db, "SELECT state FROM submissions WHERE id = ?2", a, 2, NULL, &rc);
	if (!s || strcmp(json_string_value(json_object_get(s, "state")), "rated")) {
		json_decref(s);
		return api_error(
		    resp, KV_ECONFLICT, "wrong_state",
		    "a consensus is made once every rater has submitted, and only once");
	}
	json_decref(s);
	src = db_json_row(req->db,
	                  "SELECT id FROM ratings WHERE id = ?1 AND submission_id = ?2 AND kind = "
	                  "'rater' AND state = 'submitted'",
	                  a, 2, NULL, &rc);
	if (!src)
		return api_field_error(resp, KV_ERULE, "unknown_rating", "based_on",
		                       "must be a submitted rating of this submission");
	json_decref(src);
	{
		struct db_arg e[] = {ARG_INT(req->id)};
		if (db_scalar(
		        req->db,
		        "SELECT 1 FROM ratings WHERE submission_id = ? AND kind = 'consensus' "
		        "AND state = 'in_progress'",
		        e, 1, 0) == 1)
			return api_error(resp, KV_ECONFLICT, "consensus_exists",
			                 "a consensus is already being made for this submission");
	}
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		/* A copy of the chosen rating; the raw ratings stay as they are. */
		struct db_arg c[] = {ARG_INT(based), ARG_INT(req->user.id), ARG_INT(req->now)};
		rc = db_insert(
		    req->db,
		    "INSERT INTO ratings (submission_id, kind, rater_id, instrument_id, "
		    "state, scores, notes, based_on, created_at, updated_at) SELECT "
		    "submission_id, 'consensus', ?2, instrument_id, 'in_progress', scores, "
		    "notes, id, ?3, ?3 FROM ratings WHERE id = ?1 RETURNING id",
		    c, NARGS(c), &id);
	}
	if (!rc) {
		struct db_arg c[] = {ARG_INT(id), ARG_INT(based)};
		rc = db_run(
		    req->db,
		    "INSERT INTO interventions (rating_id, client_id, start_ms, end_ms, code, "
		    "within_manual, quality, note) SELECT ?1, client_id, start_ms, end_ms, "
		    "code, within_manual, quality, note FROM interventions WHERE rating_id = "
		    "?2 AND NOT deleted",
		    c, NARGS(c), NULL);
	}
	if (!rc)
		rc = api_audit(req, "consensus.start", "rating", id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the consensus could not be started; try again");
	}
	api_json(resp, 201, api_rating_json(req->db, id));
	return KV_OK;
}

/* The consensus waiting for the supervisor (0 when none). */
static long long pending_consensus(struct db *db, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};

	return db_scalar(
	    db,
	    "SELECT id FROM ratings WHERE submission_id = ? AND kind = 'consensus' AND "
	    "state = 'submitted' ORDER BY id DESC LIMIT 1",
	    a, 1, 0);
}

static enum kv_err decide(struct api_req *req, struct api_resp *resp, enum sub_event ev,
                          const char *rating_state, const char *action)
{
	long long c = pending_consensus(req->db, req->id);
	const char *why = NULL, *note = api_str(req, "comment");
	struct db_arg s[] = {ARG_INT(req->id)};
	struct db_arg a[] = {ARG_TEXT(rating_state), ARG_TEXT(note), ARG_INT(c)};
	enum sub_state to;
	enum kv_err rc;
	json_t *sub =
	    db_json_row(req->db, "SELECT state FROM submissions WHERE id = ?", s, 1, NULL, &rc);
	const char *from;

	if (!sub)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	if (!c) {
		json_decref(sub);
		return api_error(resp, KV_ECONFLICT, "no_consensus",
		                 "there is no submitted consensus waiting for approval");
	}
	from = json_string_value(json_object_get(sub, "state"));
	rc = workflow_apply((enum sub_state)workflow_state_parse(from), ev, (int)req->user.role,
	                    &to, &why);
	if (rc) {
		json_decref(sub);
		return api_error(resp, rc, "wrong_state", why);
	}
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(sub);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	rc = db_submission_transition(req->db, req->id, from, workflow_state_name(to),
	                              workflow_event_name(ev), req->user.id, note, req->now);
	json_decref(sub);
	if (!rc)
		rc = db_run(req->db,
		            "UPDATE ratings SET state = ?1, supervisor_comment = ?2, version = "
		            "version + 1 WHERE id = ?3",
		            a, NARGS(a), NULL);
	if (!rc)
		rc = api_audit(req, action, "submission", req->id, "success", note);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the decision could not be saved; try again");
	}
	api_json(resp, 200, api_rating_json(req->db, c));
	return KV_OK;
}

enum kv_err api_submission_approve(struct api_req *req, struct api_resp *resp)
{
	return decide(req, resp, EV_APPROVE, "approved", "consensus.approve");
}

enum kv_err api_submission_send_back(struct api_req *req, struct api_resp *resp)
{
	return decide(req, resp, EV_SEND_BACK, "in_progress", "consensus.send_back");
}

enum kv_err api_instruments_get(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	enum kv_err rc;
	json_error_t jerr;
	json_t *row =
	           db_json_row(req->db,
	                       "SELECT id, code, version, name, kind, definition FROM instruments "
	                       "WHERE id = ?",
	                       a, 1, NULL, &rc),
	       *def;

	if (!row)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such instrument");
	def = json_is_string(json_object_get(row, "definition"))
	          ? json_loads(json_string_value(json_object_get(row, "definition")), 0, &jerr)
	          : json_null();
	json_object_set_new(row, "definition", def ? def : json_null());
	api_json(resp, 200, row);
	return KV_OK;
}
