/* A client's answers entered by the therapist (each answer, or only the total from a paper
 * form), read with every version, and corrected: an answer set is never changed once stored;
 * a correction is a new version with a reason that supersedes the old one. */
#include "api/outcomes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "db/outcomes.h"
#include "db/rows.h"
#include "util/banned.h"

/* The answers or the total of a request, scored against the measure. KV_OK with *answers
 * (NULL for a total) and *score; otherwise resp is filled. */
static enum kv_err read_scores(struct api_req *req, struct api_resp *resp,
                               const struct instrument *in, json_t **answers, double *score,
                               long long *missing)
{
	const json_t *list = json_object_get(req->json, "answers");
	const json_t *total = json_object_get(req->json, "score");
	struct instrument_score s;
	char why[160];
	enum kv_err rc;

	*answers = NULL;
	*missing = 0;
	if (!list == !total)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "answers",
		                       "give the answers or the total score, not both");
	if (total) {
		*score = json_number_value(total);
		if (!instrument_score_total_ok(in, *score, why, sizeof(why)))
			return api_field_error(resp, KV_EINVAL, "invalid_input", "score", why);
		return KV_OK;
	}
	rc = api_outcome_answers(resp, in, list, answers, &s);
	if (rc)
		return rc;
	*score = s.score;
	*missing = (long long)s.missing;
	return KV_OK;
}

/* The date of a session: today when not given; never in the future. */
static const char *session_date(struct api_req *req, struct api_resp *resp, char today[11])
{
	const char *d = api_str(req, "session_date");

	api_today(req->now, today);
	if (!d)
		return today;
	if (strcmp(d, today) > 0) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "session_date",
		                "cannot be in the future");
		return NULL;
	}
	return d;
}

/* The stored response with its versions, as the API shows it. */
static json_t *response_json(struct api_req *req, long long id)
{
	enum kv_err rc;
	json_t *r = db_outcome_response_get(req->db, id, &rc);

	if (!r)
		return NULL;
	json_object_del(r, "therapist_id");
	json_object_set_new(r, "versions", db_outcome_response_history(req->db, id));
	return r;
}

static enum kv_err finish(struct api_req *req, struct api_resp *resp, enum kv_err rc, long long id)
{
	json_t *r;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the answers could not be saved; try again");
	}
	r = response_json(req, id);
	if (!r)
		return api_error(resp, KV_EINTERNAL, NULL,
		                 "the answers were saved but not read back");
	api_json(resp, 201, r);
	return KV_OK;
}

/* 409s for a client that no longer takes answers; 0 when it does. */
static int refuse_closed(struct api_resp *resp, const json_t *client)
{
	if (json_is_true(json_object_get(client, "withdrawn"))) {
		api_error(resp, KV_ECONFLICT, "consent_withdrawn",
		          "the client has withdrawn consent to outcome monitoring");
		return 1;
	}
	return 0;
}

enum kv_err api_outcomes_responses_create(struct api_req *req, struct api_resp *resp)
{
	long long ins = api_int(req, "instrument_id", 0), id = 0;
	json_t *client = api_outcome_client(req, resp, req->id), *answers = NULL;
	struct db_outcome_response r = {0};
	struct instrument *in;
	char today[11];
	const char *date;
	enum kv_err rc;

	if (!client)
		return KV_ENOTFOUND;
	if (refuse_closed(resp, client)) {
		json_decref(client);
		return KV_ECONFLICT;
	}
	json_decref(client);
	if (!(date = session_date(req, resp, today)))
		return KV_EINVAL;
	in = api_outcome_measure(req, resp, ins, "instrument_id");
	if (!in)
		return KV_EINVAL;
	rc = read_scores(req, resp, in, &answers, &r.score, &r.missing);
	instrument_free(in);
	if (rc)
		return rc;
	r.case_id = req->id;
	r.instrument_id = ins;
	r.session_number = api_int(req, "session_number", 0);
	if (!r.session_number)
		r.session_number = db_outcome_next_session(req->db, req->id, ins);
	r.session_date = date;
	r.answers = answers;
	r.version = 1;
	r.entered_by = "therapist";
	r.user_id = req->user.id;
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(answers);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	if (db_outcome_session_taken(req->db, req->id, ins, r.session_number)) {
		db_rollback(req->db);
		json_decref(answers);
		return api_field_error(resp, KV_ECONFLICT, "session_recorded", "session_number",
		                       "this measure already has answers for this session; correct "
		                       "them instead");
	}
	rc = db_outcome_response_insert(req->db, &r, req->now, &id);
	json_decref(answers);
	if (!rc)
		rc = api_audit(req, "outcome.response_create", "outcome_response", id, "success",
		               NULL);
	return finish(req, resp, rc, id);
}

/* The response id if it belongs to one of the caller's clients; else a 404 in resp. */
static json_t *own_response(struct api_req *req, struct api_resp *resp, long long id)
{
	enum kv_err rc;
	json_t *r = db_outcome_response_get(req->db, id, &rc);

	if (!r || json_integer_value(json_object_get(r, "therapist_id")) != req->user.id) {
		json_decref(r);
		api_error(resp, KV_ENOTFOUND, "not_found", "no such answers");
		return NULL;
	}
	return r;
}

enum kv_err api_outcomes_responses_get(struct api_req *req, struct api_resp *resp)
{
	json_t *r = own_response(req, resp, req->id);

	if (!r)
		return KV_ENOTFOUND;
	json_decref(r);
	api_audit(req, "outcome.response_read", "outcome_response", req->id, "success", NULL);
	api_json(resp, 200, response_json(req, req->id));
	return KV_OK;
}

enum kv_err api_outcomes_responses_correct(struct api_req *req, struct api_resp *resp)
{
	json_t *old = own_response(req, resp, req->id), *client, *answers = NULL;
	struct db_outcome_response r = {0};
	struct instrument *in = NULL;
	char today[11];
	const char *date;
	enum kv_err rc;
	long long id = 0;

	if (!old)
		return KV_ENOTFOUND;
	r.case_id = json_integer_value(json_object_get(old, "case_id"));
	r.instrument_id = json_integer_value(json_object_get(old, "instrument_id"));
	client = api_outcome_client(req, resp, r.case_id);
	if (!client || refuse_closed(resp, client)) {
		json_decref(client);
		json_decref(old);
		return KV_ECONFLICT;
	}
	json_decref(client);
	if (!json_is_true(json_object_get(old, "current"))) {
		json_decref(old);
		return api_error(resp, KV_ECONFLICT, "superseded",
		                 "a later version exists; correct the latest version");
	}
	date = api_str(req, "session_date")
	           ? session_date(req, resp, today)
	           : json_string_value(json_object_get(old, "session_date"));
	if (date)
		in = api_outcome_measure(req, resp, r.instrument_id, "instrument_id");
	if (!date || !in) {
		json_decref(old);
		return KV_EINVAL;
	}
	rc = read_scores(req, resp, in, &answers, &r.score, &r.missing);
	instrument_free(in);
	if (rc) {
		json_decref(old);
		return rc;
	}
	r.session_number = api_int(req, "session_number",
	                           json_integer_value(json_object_get(old, "session_number")));
	r.session_date = date;
	r.answers = answers;
	r.version = json_integer_value(json_object_get(old, "version")) + 1;
	r.supersedes = req->id;
	r.reason = api_str(req, "reason");
	r.entered_by = "therapist";
	r.user_id = req->user.id;
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(answers);
		json_decref(old);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	{
		long long taken =
		    db_outcome_session_taken(req->db, r.case_id, r.instrument_id, r.session_number);
		if (taken && taken != req->id) {
			db_rollback(req->db);
			json_decref(answers);
			json_decref(old);
			return api_field_error(resp, KV_ECONFLICT, "session_recorded",
			                       "session_number",
			                       "this measure already has answers for that session");
		}
	}
	/* Two corrections of the same version at once: the second meets the UNIQUE supersedes. */
	rc = db_outcome_response_insert(req->db, &r, req->now, &id);
	json_decref(answers);
	json_decref(old);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "superseded",
		                 "a later version exists; correct the latest version");
	}
	if (!rc)
		rc = api_audit(req, "outcome.response_correct", "outcome_response", id, "success",
		               "supersedes an earlier version");
	return finish(req, resp, rc, id);
}
