/* A therapist's pseudonymous patient cases and the patient's consent. Withdrawing consent ends
 * every submission of the case and schedules its recordings for destruction at once. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "core/workflow.h"
#include "db/cases.h"
#include "db/institutions.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "util/banned.h"

/* The case, if it is the caller's own; otherwise a 404 that does not reveal whether it exists. */
static json_t *own_case(struct api_req *req, struct api_resp *resp, long long id)
{
	enum kv_err rc;
	json_t *c = db_case_get(req->db, id, req->user.id, &rc);

	if (!c)
		api_error(resp, KV_ENOTFOUND, "not_found", "no such patient case");
	return c;
}

static enum kv_err answer(struct api_req *req, struct api_resp *resp, enum kv_err rc, long long id,
                          int status)
{
	json_t *c;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the change could not be saved; try again");
	}
	c = own_case(req, resp, id);
	if (!c)
		return KV_ENOTFOUND;
	json_object_del(c, "therapist_id");
	api_json(resp, status, c);
	return KV_OK;
}

enum kv_err api_cases_list(struct api_req *req, struct api_resp *resp)
{
	json_t *items = db_case_list(req->db, req->user.id, api_int(req, "institution_id", 0)), *c;
	size_t i;

	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the cases could not be listed");
	json_array_foreach(items, i, c) json_object_del(c, "therapist_id");
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_cases_create(struct api_req *req, struct api_resp *resp)
{
	long long inst = api_int(req, "institution_id", 0), id = 0;
	enum kv_err rc;

	if (!db_is_member(req->db, req->user.id, inst))
		return api_field_error(resp, KV_ERULE, "not_a_member", "institution_id",
		                       "is not an institution you belong to");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_case_insert(req->db, inst, req->user.id, api_str(req, "age_band"),
	                    api_str(req, "gender"), req->now, &id);
	if (!rc)
		rc = api_audit(req, "case.create", "patient_case", id, "success", NULL);
	return answer(req, resp, rc, id, 201);
}

enum kv_err api_cases_get(struct api_req *req, struct api_resp *resp)
{
	json_t *c = own_case(req, resp, req->id);

	if (!c)
		return KV_ENOTFOUND;
	api_audit(req, "case.read", "patient_case", req->id, "success", NULL);
	json_object_del(c, "therapist_id");
	api_json(resp, 200, c);
	return KV_OK;
}

static int date_after_today(struct api_req *req, const char *date)
{
	char today[11];

	api_today(req->now, today);
	return strcmp(date, today) > 0;
}

enum kv_err api_cases_consent(struct api_req *req, struct api_resp *resp)
{
	const char *date = api_str(req, "signed_date");
	enum kv_err rc;
	json_t *c = own_case(req, resp, req->id);

	if (!c)
		return KV_ENOTFOUND;
	json_decref(c);
	if (date_after_today(req, date))
		return api_field_error(resp, KV_EINVAL, "invalid_input", "signed_date",
		                       "cannot be in the future");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_consent_declare(req->db, req->id, date, api_bool(req, "quality_assurance", 0),
	                        api_bool(req, "rater_training", 0), api_bool(req, "research", 0),
	                        req->user.id, req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "consent_withdrawn",
		                 "the patient has withdrawn consent for this case; open a new case "
		                 "if the patient consents again");
	}
	if (!rc)
		rc = api_audit(req, "consent.declare", "patient_case", req->id, "success", NULL);
	return answer(req, resp, rc, req->id, 200);
}

enum kv_err api_cases_consent_form_put(struct api_req *req, struct api_resp *resp)
{
	long long doc = 0;
	enum kv_err rc;
	json_t *c = own_case(req, resp, req->id);

	if (!c)
		return KV_ENOTFOUND;
	if (json_is_null(json_object_get(c, "consent"))) {
		json_decref(c);
		return api_error(resp, KV_ECONFLICT, "no_consent",
		                 "declare the consent before attaching the signed form");
	}
	json_decref(c);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (api_store_document(req, resp, "consent_form", 0, &doc)) {
		db_rollback(req->db);
		return KV_EINVAL;
	}
	rc = db_consent_set_form(req->db, req->id, doc);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "consent_withdrawn",
		                 "the consent for this case is withdrawn");
	}
	if (!rc)
		rc =
		    api_audit(req, "consent.form_upload", "patient_case", req->id, "success", NULL);
	return answer(req, resp, rc, req->id, 200);
}

enum kv_err api_cases_consent_form_get(struct api_req *req, struct api_resp *resp)
{
	long long doc;
	json_t *c = own_case(req, resp, req->id);

	if (!c)
		return KV_ENOTFOUND;
	json_decref(c);
	doc = db_consent_form(req->db, req->id);
	if (!doc)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no consent form is attached");
	api_audit(req, "consent.form_read", "patient_case", req->id, "success", NULL);
	return api_send_document(req, resp, doc);
}

/* Deletes every rating of the case's submissions, with their interventions and change log. */
static enum kv_err delete_ratings(struct api_req *req, long long case_id)
{
	static const char *const sql[] = {
	    /* What rests on the ratings goes first: the written feedback on them (the therapist
	     * keeps the goals agreed in the meeting) and calibration sessions made from them. */
	    "DELETE FROM feedback_clips WHERE point_id IN (SELECT p.id FROM feedback_points p "
	    "JOIN submissions s ON s.id = p.submission_id WHERE s.case_id = ?)",
	    "DELETE FROM feedback_points WHERE submission_id IN (SELECT id FROM submissions WHERE "
	    "case_id = ?)",
	    "DELETE FROM feedback WHERE submission_id IN (SELECT id FROM submissions WHERE "
	    "case_id = ?)",
	    "DELETE FROM calibration_trainees WHERE session_id IN (SELECT c.id FROM "
	    "calibration_sessions c JOIN submissions s ON s.id = c.submission_id WHERE s.case_id = "
	    "?)",
	    "DELETE FROM calibration_sessions WHERE submission_id IN (SELECT id FROM submissions "
	    "WHERE case_id = ?)",
	    "DELETE FROM rating_changes WHERE rating_id IN (SELECT r.id FROM ratings r JOIN "
	    "submissions s ON s.id = r.submission_id WHERE s.case_id = ?)",
	    "DELETE FROM interventions WHERE rating_id IN (SELECT r.id FROM ratings r JOIN "
	    "submissions s ON s.id = r.submission_id WHERE s.case_id = ?)",
	    /* consensus rows point at rater rows: delete them first */
	    "DELETE FROM ratings WHERE kind <> 'rater' AND submission_id IN (SELECT id FROM "
	    "submissions WHERE case_id = ?)",
	    "DELETE FROM ratings WHERE submission_id IN (SELECT id FROM submissions WHERE "
	    "case_id = ?)",
	};
	struct db_arg a[] = {ARG_INT(case_id)};
	enum kv_err rc = KV_OK;
	size_t i;

	for (i = 0; !rc && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = db_run(req->db, sql[i], a, 1, NULL);
	return rc;
}

enum kv_err api_cases_consent_withdraw(struct api_req *req, struct api_resp *resp)
{
	const char *date = api_str(req, "withdrawn_date");
	json_t *c = own_case(req, resp, req->id), *consent, *subs, *s;
	enum kv_err rc;
	size_t i;
	int research;

	if (!c)
		return KV_ENOTFOUND;
	consent = json_object_get(c, "consent");
	research = json_is_true(json_object_get(consent, "research"));
	if (!json_is_object(consent) || !json_is_null(json_object_get(consent, "withdrawn_at"))) {
		json_decref(c);
		return api_error(resp, KV_ECONFLICT, "no_active_consent",
		                 "there is no consent in force to withdraw for this case");
	}
	if (strcmp(date, json_string_value(json_object_get(consent, "signed_date"))) < 0 ||
	    date_after_today(req, date)) {
		json_decref(c);
		return api_field_error(resp, KV_EINVAL, "invalid_input", "withdrawn_date",
		                       "must lie between the date consent was signed and today");
	}
	json_decref(c);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_consent_withdraw(req->db, req->id, date, req->user.id, req->now);
	subs = rc ? NULL : db_submission_ids_of_case(req->db, req->id);
	json_array_foreach(subs, i, s)
	{
		long long sid = json_integer_value(json_object_get(s, "id"));
		const char *from = json_string_value(json_object_get(s, "state")), *why;
		enum sub_state to;
		if (rc)
			break;
		rc = workflow_apply((enum sub_state)workflow_state_parse(from), EV_WITHDRAW,
		                    ROLE_THERAPIST, &to, &why);
		if (!rc)
			rc = db_submission_transition(req->db, sid, from, workflow_state_name(to),
			                              "withdraw", req->user.id,
			                              "patient withdrew consent", req->now);
		/* Recordings go at once; the vault's retention job destroys what is due. */
		if (!rc)
			rc = db_submission_schedule_deletion(req->db, sid, req->now,
			                                     "consent withdrawn");
		if (!rc)
			rc = api_audit(req, "submission.withdraw", "submission", sid, "success",
			               "consent withdrawn");
	}
	json_decref(subs);
	/* Ratings outlive a withdrawal only when the patient consented to research. */
	if (!rc && !research)
		rc = delete_ratings(req, req->id);
	if (!rc)
		rc = api_audit(req, "consent.withdraw", "patient_case", req->id, "success",
		               research ? "ratings kept (research consented)" : "ratings deleted");
	rc = answer(req, resp, rc, req->id, 200);
	/* The rule for withdrawn consent is "at once": destroy the recordings now, not at the
	 * next retention run. */
	if (rc == KV_OK)
		api_retention_run(req->ctx, req->db, 0, NULL, NULL);
	return rc;
}
