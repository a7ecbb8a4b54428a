/* Assigning raters to a submission (1 to 3, two by default) and each rater's queue. Every
 * assignment opens an empty rating for that rater; ending an assignment keeps its trail. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "core/workflow.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "db/users.h"
#include "util/banned.h"

#define MAX_RATERS 3

static json_t *assignment_list(struct db *db, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};

	return db_json_rows(
	    db,
	    "SELECT a.id, a.rater_id, u.email AS rater_email, u.display_name AS "
	    "rater_name, a.due_date, a.assigned_at, a.ended_at, r.id AS rating_id, "
	    "r.state AS rating_state, r.submitted_at FROM assignments a JOIN users u "
	    "ON u.id = a.rater_id LEFT JOIN ratings r ON r.assignment_id = a.id "
	    "WHERE a.submission_id = ? ORDER BY a.id",
	    a, NARGS(a), NULL);
}

enum kv_err api_assignments_list(struct api_req *req, struct api_resp *resp)
{
	json_t *items;

	if (!api_may_see_submission(req, req->id))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	items = assignment_list(req->db, req->id);
	api_json(resp, 200, json_pack("{s:o}", "items", items ? items : json_array()));
	return KV_OK;
}

/* Moves the submission on when every active assignment's rating is submitted. */
enum kv_err api_ratings_maybe_complete(struct api_req *req, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};
	enum sub_state to;
	const char *why;
	enum kv_err rc;
	json_t *s;

	if (!api_all_ratings_in(req->db, submission_id))
		return KV_OK;
	s = db_json_row(req->db, "SELECT state FROM submissions WHERE id = ?", a, 1, NULL, &rc);
	if (!s)
		return rc;
	const char *from = json_string_value(json_object_get(s, "state"));
	rc = workflow_apply((enum sub_state)workflow_state_parse(from), EV_RATINGS_COMPLETE,
	                    WF_ACTOR_SYSTEM, &to, &why);
	if (!rc)
		rc = db_submission_transition(req->db, submission_id, from, workflow_state_name(to),
		                              "ratings_complete", 0, NULL, req->now);
	json_decref(s);
	return rc == KV_ECONFLICT ? KV_OK : rc;
}

enum kv_err api_assignments_create(struct api_req *req, struct api_resp *resp)
{
	json_t *ids = json_object_get(req->json, "rater_ids"), *e, *s, *items;
	struct db_arg a[] = {ARG_INT(req->id)};
	const char *due = api_str(req, "due_date"), *why, *from;
	long long active, instrument;
	enum sub_state to;
	enum kv_err rc;
	size_t i, n = json_array_size(ids);

	s = db_json_row(req->db, "SELECT state, instrument_id FROM submissions WHERE id = ?", a, 1,
	                NULL, &rc);
	if (!s)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	from = json_string_value(json_object_get(s, "state"));
	instrument = json_integer_value(json_object_get(s, "instrument_id"));
	rc = workflow_apply((enum sub_state)workflow_state_parse(from), EV_ASSIGN,
	                    (int)req->user.role, &to, &why);
	if (rc) {
		json_decref(s);
		return api_error(resp, rc, rc == KV_ECONFLICT ? "wrong_state" : NULL, why);
	}
	active = db_scalar(req->db,
	                   "SELECT count(*) FROM assignments WHERE submission_id = ? AND ended_at "
	                   "IS NULL",
	                   a, 1, 0);
	if (n == 0 || active + (long long)n > MAX_RATERS) {
		json_decref(s);
		return api_field_error(resp, KV_ERULE, "too_many_raters", "rater_ids",
		                       "a submission has 1 to 3 raters at a time");
	}
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(s);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	json_array_foreach(ids, i, e)
	{
		struct kv_user u;
		long long rater = json_integer_value(e), assignment = 0, rating = 0;
		struct db_arg b[] = {ARG_INT(req->id), ARG_INT(rater)};
		if (db_user_get(req->db, rater, &u) != KV_OK || u.role != ROLE_RATER ||
		    u.disabled) {
			db_rollback(req->db);
			json_decref(s);
			return api_field_error(resp, KV_ERULE, "not_a_rater", "rater_ids",
			                       "must name active users with the rater role");
		}
		if (db_scalar(req->db,
		              "SELECT 1 FROM assignments WHERE submission_id = ? AND rater_id = ? "
		              "AND ended_at IS NULL",
		              b, 2, 0) == 1) {
			db_rollback(req->db);
			json_decref(s);
			return api_field_error(resp, KV_ECONFLICT, "already_assigned", "rater_ids",
			                       "names a rater who is already assigned");
		}
		{
			struct db_arg c[] = {ARG_INT(req->id), ARG_INT(rater),
			                     ARG_INT(req->user.id), ARG_INT(req->now),
			                     ARG_TEXT(due)};
			rc = db_insert(
			    req->db,
			    "INSERT INTO assignments (submission_id, rater_id, assigned_by, "
			    "assigned_at, due_date) VALUES (?, ?, ?, ?, ?) RETURNING id",
			    c, NARGS(c), &assignment);
		}
		if (!rc) {
			struct db_arg c[] = {ARG_INT(req->id), ARG_INT(rater), ARG_INT(assignment),
			                     ARG_INT(instrument), ARG_INT(req->now)};
			rc = db_insert(
			    req->db,
			    "INSERT INTO ratings (submission_id, kind, rater_id, "
			    "assignment_id, instrument_id, state, created_at, updated_at) "
			    "VALUES (?1, 'rater', ?2, ?3, ?4, 'in_progress', ?5, ?5) "
			    "RETURNING id",
			    c, NARGS(c), &rating);
		}
		if (!rc)
			rc = api_audit(req, "submission.assign", "submission", req->id, "success",
			               u.email);
		if (rc)
			break;
	}
	if (!rc && strcmp(from, workflow_state_name(to)))
		rc = db_submission_transition(req->db, req->id, from, workflow_state_name(to),
		                              "assign", req->user.id, NULL, req->now);
	json_decref(s);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the raters could not be assigned; try again");
	}
	items = assignment_list(req->db, req->id);
	api_json(resp, 201, json_pack("{s:o}", "items", items ? items : json_array()));
	return KV_OK;
}

enum kv_err api_assignments_end(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	long long sub, changed = 0;
	enum kv_err rc;
	char detail[300];

	sub = db_scalar(req->db, "SELECT submission_id FROM assignments WHERE id = ?", a, 1, 0);
	if (!sub)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such assignment");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		struct db_arg b[] = {ARG_INT(req->now), ARG_INT(req->id)};
		rc = db_run(req->db,
		            "UPDATE assignments SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
		            b, NARGS(b), &changed);
	}
	if (!rc && !changed) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "already_ended", "the assignment has ended");
	}
	/* The rating stays, unchanged, for the trail; it no longer counts. */
	if (!rc)
		rc =
		    db_run(req->db,
		           "UPDATE ratings SET state = 'ended' WHERE assignment_id = ? AND state = "
		           "'in_progress'",
		           a, 1, NULL);
	snprintf(detail, sizeof(detail), "assignment %lld ended: %s", req->id,
	         api_str(req, "reason"));
	if (!rc)
		rc = api_audit(req, "submission.unassign", "submission", sub, "success", detail);
	if (!rc)
		rc = api_ratings_maybe_complete(req, sub);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the assignment could not be ended; try again");
	}
	req->id = sub;
	return api_assignments_list(req, resp);
}

enum kv_err api_my_assignments(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->user.id)};
	/* A rater sees the requisition they rate, never other raters' progress. */
	json_t *items = db_json_rows(
	    req->db,
	    "SELECT a.id, a.submission_id, a.due_date, a.assigned_at, r.id AS rating_id, "
	    "r.kind AS rating_kind, r.state AS rating_state, r.updated_at AS rating_updated_at, "
	    "s.state AS submission_state, s.modality, s.treatment_phase, s.session_number, "
	    "s.session_date, s.questions, i.name AS institution_name, u.display_name AS "
	    "therapist_name, ins.name AS instrument_name, s.instrument_id, (SELECT rec.id FROM "
	    "recordings rec WHERE rec.submission_id = s.id AND rec.kind = 'original' ORDER BY "
	    "rec.id DESC LIMIT 1) AS recording_id FROM assignments a JOIN ratings r ON "
	    "r.assignment_id = a.id JOIN submissions s ON s.id = a.submission_id JOIN "
	    "institutions i ON i.id = s.institution_id JOIN users u ON u.id = s.therapist_id "
	    "LEFT JOIN instruments ins ON ins.id = s.instrument_id WHERE a.rater_id = ? AND "
	    "a.ended_at IS NULL AND s.state <> 'withdrawn' ORDER BY coalesce(a.due_date, "
	    "'9999'), a.id",
	    a, NARGS(a), NULL);

	api_json(resp, 200, json_pack("{s:o}", "items", items ? items : json_array()));
	return KV_OK;
}
