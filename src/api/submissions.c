/* Submissions (requisitions): the therapist drafts and submits; the lab sees them in its inbox;
 * institution admins see counts only. Every read is audited. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "core/workflow.h"
#include "db/agreements.h"
#include "db/cases.h"
#include "db/rows.h"
#include "db/recordings.h"
#include "db/submissions.h"
#include "util/banned.h"

/* What the user should expect next for a submission in this state. */
static const char *next_step(const char *state)
{
	static const struct {
		const char *state, *next;
	} steps[] = {
	    {"draft", "complete_requisition"},
	    {"submitted", "upload_recording"},
	    {"recording_ready", "assign_raters"},
	    {"assigned", "rating"},
	    {"rated", "consensus"},
	    {"consensus", "approval"},
	    {"approved", "feedback"},
	    {"feedback_published", "meeting"},
	};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (!strcmp(steps[i].state, state))
			return steps[i].next;
	return "none";
}

/* Adds next_step and waiting_days (days since the last change, while the lab is at work). */
static void decorate(json_t *s, long long now)
{
	const char *state = json_string_value(json_object_get(s, "state"));
	json_t *changed = json_object_get(s, "state_changed_at");
	long long since = 0, at_ms;

	json_object_set_new(s, "next_step", json_string(next_step(state)));
	if (json_is_string(changed) && !api_parse_time_ms(json_string_value(changed), &at_ms))
		since = (now - at_ms / 1000) / 86400;
	json_object_set_new(s, "waiting_days", json_integer(since < 0 ? 0 : since));
}

/* The submission, if this user may see it: therapists their own; the lab all. */
static json_t *visible_submission(struct api_req *req, struct api_resp *resp, long long id)
{
	enum kv_err rc;
	json_t *s = db_submission_get(req->db, id, &rc);

	if (s && req->user.role == ROLE_THERAPIST &&
	    json_integer_value(json_object_get(s, "therapist_id")) != req->user.id) {
		json_decref(s);
		s = NULL;
	}
	if (!s) {
		api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	} else {
		long long rec = db_recording_of(req->db, id, "original");
		decorate(s, req->now);
		json_object_set_new(s, "recording",
		                    rec ? api_recording_status(req->db, rec) : json_null());
	}
	return s;
}

enum kv_err api_submissions_list(struct api_req *req, struct api_resp *resp)
{
	struct submission_filter f = {0};
	json_t *items, *counts, *s;
	size_t i;

	f.state = api_str(req, "state");
	f.institution_id = api_int(req, "institution_id", 0);
	f.case_id = api_int(req, "case_id", 0);
	f.therapist_id =
	    req->user.role == ROLE_THERAPIST ? req->user.id : api_int(req, "therapist_id", 0);
	items = db_submission_list(req->db, &f);
	f.state = NULL; /* counts per state, under the other filters */
	counts = db_submission_counts(req->db, &f);
	if (!items) {
		json_decref(counts);
		return api_error(resp, KV_EINTERNAL, NULL, "the submissions could not be listed");
	}
	json_array_foreach(items, i, s) decorate(s, req->now);
	api_audit(req, "submission.list", NULL, 0, "success", NULL);
	api_json(resp, 200, json_pack("{s:o, s:o}", "items", items, "counts", counts));
	return KV_OK;
}

enum kv_err api_submissions_get(struct api_req *req, struct api_resp *resp)
{
	json_t *s = visible_submission(req, resp, req->id);

	if (!s)
		return KV_ENOTFOUND;
	api_audit(req, "submission.read", "submission", req->id, "success", NULL);
	api_json(resp, 200, s);
	return KV_OK;
}

static void read_fields(struct api_req *req, struct submission_fields *f)
{
	f->case_id = api_int(req, "case_id", 0);
	f->session_date = api_str(req, "session_date");
	f->session_number = api_int(req, "session_number", -1);
	f->treatment_phase = api_str(req, "treatment_phase");
	f->modality = api_str(req, "modality");
	f->instrument_id = api_int(req, "instrument_id", 0);
	f->questions = api_str(req, "questions");
	f->declared_consent =
	    api_has(req, "declared_consent") ? api_bool(req, "declared_consent", 0) : -1;
	f->declared_no_identifiers = api_has(req, "declared_no_identifiers")
	                                 ? api_bool(req, "declared_no_identifiers", 0)
	                                 : -1;
}

/* Checks references and dates; on success stores the case's institution in *institution. */
static enum kv_err check_fields(struct api_req *req, struct api_resp *resp,
                                const struct submission_fields *f, long long *institution)
{
	struct db_arg a[] = {ARG_INT(f->instrument_id)};
	char today[11];
	enum kv_err rc;
	json_t *c;

	if (f->case_id) {
		c = db_case_get(req->db, f->case_id, req->user.id, &rc);
		if (!c)
			return api_field_error(resp, KV_ERULE, "unknown_case", "case_id",
			                       "is not one of your patient cases");
		*institution = json_integer_value(json_object_get(c, "institution_id"));
		json_decref(c);
	}
	if (f->instrument_id &&
	    db_scalar(req->db, "SELECT 1 FROM instruments WHERE id = ? AND kind = 'fidelity'", a, 1,
	              0) != 1)
		return api_field_error(resp, KV_ERULE, "unknown_instrument", "instrument_id",
		                       "is not a rating scale on file");
	api_today(req->now, today);
	if (f->session_date && strcmp(f->session_date, today) > 0)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "session_date",
		                       "cannot be in the future");
	return KV_OK;
}

static enum kv_err answer(struct api_req *req, struct api_resp *resp, enum kv_err rc, long long id,
                          int status)
{
	json_t *s;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the submission could not be saved; try again");
	}
	s = visible_submission(req, resp, id);
	if (!s)
		return KV_ENOTFOUND;
	api_json(resp, status, s);
	return KV_OK;
}

enum kv_err api_submissions_create(struct api_req *req, struct api_resp *resp)
{
	struct submission_fields f;
	long long institution = 0, id = 0;
	enum kv_err rc;

	read_fields(req, &f);
	if (check_fields(req, resp, &f, &institution))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_submission_insert(req->db, &f, req->user.id, institution, req->now, &id);
	if (!rc)
		rc = api_audit(req, "submission.create", "submission", id, "success", NULL);
	return answer(req, resp, rc, id, 201);
}

static int is_draft(json_t *s)
{
	return !strcmp(json_string_value(json_object_get(s, "state")), "draft");
}

enum kv_err api_submissions_patch(struct api_req *req, struct api_resp *resp)
{
	struct submission_fields f;
	long long institution = 0, current_inst;
	enum kv_err rc;
	json_t *s = visible_submission(req, resp, req->id);

	if (!s)
		return KV_ENOTFOUND;
	current_inst = json_integer_value(json_object_get(s, "institution_id"));
	if (!is_draft(s)) {
		json_decref(s);
		return api_error(resp, KV_ECONFLICT, "not_a_draft",
		                 "a submitted requisition can no longer be changed");
	}
	json_decref(s);
	read_fields(req, &f);
	if (check_fields(req, resp, &f, &institution))
		return KV_EINVAL;
	if (f.case_id && institution != current_inst)
		return api_field_error(resp, KV_ERULE, "other_institution", "case_id",
		                       "belongs to another institution than this requisition");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_submission_update(req->db, req->id, &f, req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "not_a_draft",
		                 "a submitted requisition can no longer be changed");
	}
	if (!rc)
		rc = api_audit(req, "submission.update", "submission", req->id, "success", NULL);
	return answer(req, resp, rc, req->id, 200);
}

enum kv_err api_submissions_delete(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;
	json_t *s = visible_submission(req, resp, req->id);

	if (!s)
		return KV_ENOTFOUND;
	json_decref(s);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_submission_delete_draft(req->db, req->id);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "not_a_draft",
		                 "only a draft can be deleted; withdraw consent to stop a "
		                 "submitted one");
	}
	if (!rc)
		rc = api_audit(req, "submission.delete_draft", "submission", req->id, "success",
		               NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the draft could not be deleted; try again");
	}
	api_json(resp, 204, NULL);
	return KV_OK;
}

/* Gathers what the submit rule needs to know. */
static void submit_facts(struct api_req *req, json_t *s, struct submit_facts *f)
{
	long long inst = json_integer_value(json_object_get(s, "institution_id")), agreement;
	char today[11];
	enum kv_err rc;
	json_t *c, *consent;

	memset(f, 0, sizeof(*f));
	api_today(req->now, today);
	agreement = db_agreement_active_for(req->db, inst, today);
	f->agreement_active = agreement != 0;
	f->therapist_signed = agreement && db_agreement_signed_by(req->db, agreement, req->user.id);
	c = db_case_get(req->db, json_integer_value(json_object_get(s, "case_id")), req->user.id,
	                &rc);
	consent = c ? json_object_get(c, "consent") : NULL;
	if (json_is_object(consent)) {
		f->consent_declared = 1;
		f->consent_covers_qa = json_is_true(json_object_get(consent, "quality_assurance"));
		f->consent_withdrawn = !json_is_null(json_object_get(consent, "withdrawn_at"));
	}
	json_decref(c);
	f->has_session_details = !json_is_null(json_object_get(s, "session_date")) &&
	                         !json_is_null(json_object_get(s, "session_number")) &&
	                         !json_is_null(json_object_get(s, "modality")) &&
	                         !json_is_null(json_object_get(s, "instrument_id"));
	f->declared_consent = json_is_true(json_object_get(s, "declared_consent"));
	f->declared_no_identifiers = json_is_true(json_object_get(s, "declared_no_identifiers"));
}

enum kv_err api_submissions_submit(struct api_req *req, struct api_resp *resp)
{
	struct submit_facts facts;
	enum sub_state to;
	const char *why;
	enum kv_err rc;
	json_t *s = visible_submission(req, resp, req->id);

	if (!s)
		return KV_ENOTFOUND;
	rc = workflow_apply(
	    (enum sub_state)workflow_state_parse(json_string_value(json_object_get(s, "state"))),
	    EV_SUBMIT, (int)req->user.role, &to, &why);
	if (rc) {
		json_decref(s);
		return api_error(resp, rc, rc == KV_ECONFLICT ? "not_a_draft" : NULL, why);
	}
	submit_facts(req, s, &facts);
	json_decref(s);
	if (workflow_check_submit(&facts, &why)) {
		api_audit(req, "submission.submit", "submission", req->id, "failure", why);
		return api_error(resp, KV_ERULE, "cannot_submit", why);
	}
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_submission_transition(req->db, req->id, "draft", workflow_state_name(to), "submit",
	                              req->user.id, NULL, req->now);
	if (!rc)
		rc = api_audit(req, "submission.submit", "submission", req->id, "success", NULL);
	return answer(req, resp, rc, req->id, 200);
}

enum kv_err api_submissions_counts(struct api_req *req, struct api_resp *resp)
{
	struct submission_filter f = {0};
	long long asked = api_int(req, "institution_id", 0);
	json_t *counts, *v;
	const char *k;
	long long total = 0;

	f.institution_id = asked;
	if (req->user.role == ROLE_INSTITUTION_ADMIN) {
		if (asked && asked != req->user.institution_id)
			return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
		f.institution_id = req->user.institution_id ? req->user.institution_id : -1;
	}
	counts = db_submission_counts(req->db, &f);
	json_object_foreach(counts, k, v) total += json_integer_value(v);
	api_audit(req, "submission.counts", f.institution_id > 0 ? "institution" : NULL,
	          f.institution_id > 0 ? f.institution_id : 0, "success", NULL);
	api_json(resp, 200,
	         json_pack("{s:o, s:o, s:I}", "institution_id",
	                   f.institution_id > 0 ? json_integer(f.institution_id) : json_null(),
	                   "counts", counts, "total", (json_int_t)total));
	return KV_OK;
}

enum kv_err api_instruments_list(struct api_req *req, struct api_resp *resp)
{
	json_t *items =
	    db_json_rows(req->db,
	                 "SELECT id, code, version, name, kind FROM instruments ORDER BY "
	                 "kind, name, version",
	                 NULL, 0, NULL);

	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the instruments could not be listed");
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}
