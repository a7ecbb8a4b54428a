/* The written feedback on an approved rating: a summary and points (strengths and improvement
 * points, each optionally tied to an item and to clips of the recording), edited by raters and
 * supervisors, published by a supervisor, then read by the therapist. Published feedback is
 * locked: what the therapist read stays what they read. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "api/feedback.h"
#include "api/mail_worker.h"
#include "core/idnumber.h"
#include "core/instrument.h"
#include "core/validate.h"
#include "core/workflow.h"
#include "db/outbox.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "util/banned.h"

#define MAX_CLIPS 20

static const char *const feedback_states[] = {"approved", "feedback_published", "closed", NULL};

static int state_in(const char *state, const char *const *list)
{
	for (; state && *list; list++)
		if (!strcmp(state, *list))
			return 1;
	return 0;
}

int api_feedback_staff(const struct api_req *req)
{
	return req->user.role == ROLE_LAB_ADMIN || req->user.role == ROLE_SUPERVISOR ||
	       req->user.role == ROLE_RATER;
}

enum kv_err api_feedback_access(struct api_req *req, struct api_resp *resp, long long sub,
                                char state[32])
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;
	json_t *row;
	int published;

	if (!api_may_see_submission(req, sub))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	row = db_json_row(req->db,
	                  "SELECT s.state, f.published_at FROM submissions s LEFT JOIN feedback f "
	                  "ON f.submission_id = s.id WHERE s.id = ?",
	                  a, 1, NULL, &rc);
	if (!row)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	snprintf(state, 32, "%s", json_string_value(json_object_get(row, "state")));
	published = json_is_string(json_object_get(row, "published_at"));
	json_decref(row);
	if (req->user.role == ROLE_THERAPIST && !published)
		return api_error(resp, KV_ENOTFOUND, "not_published",
		                 "the feedback on this submission is not published yet");
	if (!state_in(state, feedback_states))
		return api_error(resp, KV_ECONFLICT, "not_approved",
		                 "feedback is written once the consensus rating is approved");
	return KV_OK;
}

/* The feedback row, made on first need once the consensus is approved. */
static enum kv_err ensure_draft(struct api_req *req, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub), ARG_INT(req->user.id), ARG_INT(req->now)};

	return db_run(req->db,
	              "INSERT OR IGNORE INTO feedback (submission_id, rating_id, created_by, "
	              "created_at, updated_at) SELECT ?1, id, ?2, ?3, ?3 FROM ratings WHERE "
	              "submission_id = ?1 AND kind = 'consensus' AND state = 'approved' ORDER BY "
	              "id DESC LIMIT 1",
	              a, NARGS(a), NULL);
}

static json_t *points_json(struct db *db, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};
	json_t *points = db_json_rows(db,
	                              "SELECT id, kind, item_id, title, body, position FROM "
	                              "feedback_points WHERE submission_id = ? AND deleted_at IS "
	                              "NULL ORDER BY position, id",
	                              a, 1, NULL),
	       *p;
	size_t i;

	if (!points)
		return json_array();
	json_array_foreach(points, i, p)
	{
		struct db_arg c[] = {ARG_INT(json_integer_value(json_object_get(p, "id")))};
		json_t *clips =
		    db_json_rows(db,
		                 "SELECT id, start_ms, end_ms, label FROM feedback_clips "
		                 "WHERE point_id = ? ORDER BY start_ms, id",
		                 c, 1, NULL);
		json_object_set_new(p, "clips", clips ? clips : json_array());
	}
	return points;
}

json_t *api_feedback_json(struct api_req *req, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;
	json_t *fb = db_json_row(
	    req->db,
	    "SELECT f.submission_id, s.state, f.version, f.summary, f.published_at, "
	    "p.display_name AS published_by_name, s.therapist_id, t.display_name AS "
	    "therapist_name, i.name AS institution_name, s.session_date FROM feedback f JOIN "
	    "submissions s ON s.id = f.submission_id JOIN users t ON t.id = s.therapist_id JOIN "
	    "institutions i ON i.id = s.institution_id LEFT JOIN users p ON p.id = f.published_by "
	    "WHERE f.submission_id = ?",
	    a, 1, NULL, &rc);
	json_t *rec;

	if (!fb)
		return NULL;
	json_object_set_new(fb, "therapist",
	                    json_pack("{s:O, s:O}", "id", json_object_get(fb, "therapist_id"),
	                              "name", json_object_get(fb, "therapist_name")));
	json_object_del(fb, "therapist_id");
	json_object_del(fb, "therapist_name");
	rec = db_json_row(req->db,
	                  "SELECT id, duration, state = 'ready' AS available FROM recordings WHERE "
	                  "submission_id = ? AND kind = 'original' AND state IN ('ready', "
	                  "'shredded') ORDER BY id DESC LIMIT 1",
	                  a, 1, (const char *const[]){"available", NULL}, &rc);
	json_object_set_new(fb, "recording", rec ? rec : json_null());
	json_object_set_new(fb, "points", points_json(req->db, sub));
	if (api_feedback_staff(req)) {
		json_t *people = db_json_rows(
		    req->db,
		    "SELECT u.id, u.display_name AS name, u.role FROM users u WHERE u.id = (SELECT "
		    "therapist_id FROM submissions WHERE id = ?1) OR u.id IN (SELECT rater_id FROM "
		    "assignments WHERE submission_id = ?1 AND ended_at IS NULL) OR (u.role = "
		    "'supervisor' AND NOT u.disabled) ORDER BY u.role = 'therapist' DESC, u.role, "
		    "u.display_name",
		    a, 1, NULL);
		json_object_set_new(fb, "participants_available", people ? people : json_array());
		/* The therapist's notice of publication, so a failed one is seen and sent again. */
		json_t *mail =
		    db_json_rows(req->db,
		                 "SELECT id, to_addr, kind, state, attempts, last_error, "
		                 "sent_at, created_at FROM mail_outbox WHERE submission_id = "
		                 "? AND meeting_id IS NULL ORDER BY id",
		                 a, 1, NULL);
		json_object_set_new(fb, "mail", mail ? mail : json_array());
	}
	return fb;
}

enum kv_err api_feedback_get(struct api_req *req, struct api_resp *resp)
{
	char state[32];
	enum kv_err rc = api_feedback_access(req, resp, req->id, state);
	json_t *fb;

	if (rc)
		return rc;
	if (api_feedback_staff(req) && (rc = ensure_draft(req, req->id)) != KV_OK)
		return api_error(resp, rc, NULL, "the feedback could not be opened; try again");
	fb = api_feedback_json(req, req->id);
	if (!fb)
		return api_error(resp, KV_ECONFLICT, "not_approved",
		                 "feedback is written once the consensus rating is approved");
	api_audit(req, "feedback.read", "submission", req->id, "success", NULL);
	api_json(resp, 200, fb);
	return KV_OK;
}

/* Staff may change feedback until it is published. */
static enum kv_err editable(struct api_req *req, struct api_resp *resp, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};
	char state[32];
	enum kv_err rc = api_feedback_access(req, resp, sub, state);

	if (rc)
		return rc;
	if (strcmp(state, "approved"))
		return api_error(
		    resp, KV_ECONFLICT, "published",
		    "published feedback is locked: the therapist has read it as it is");
	if ((rc = ensure_draft(req, sub)) != KV_OK)
		return api_error(resp, rc, NULL, "the feedback could not be opened; try again");
	if (db_scalar(req->db, "SELECT 1 FROM feedback WHERE submission_id = ?", a, 1, 0) != 1)
		return api_error(resp, KV_ECONFLICT, "not_approved",
		                 "feedback is written once the consensus rating is approved");
	return KV_OK;
}

static enum kv_err finish(struct api_req *req, struct api_resp *resp, enum kv_err rc, int status,
                          json_t *body)
{
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		json_decref(body);
		if (rc == KV_ECONFLICT)
			return api_error(resp, rc, "stale",
			                 "someone else changed this feedback; reload to see it");
		return api_error(resp, rc, NULL, "the feedback could not be saved; try again");
	}
	if (body)
		api_json(resp, status, body);
	else
		resp->status = status;
	return KV_OK;
}

/* Every change bumps the feedback's version, so the editor's copy can be checked. */
static enum kv_err touch(struct api_req *req, long long sub)
{
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(sub)};

	return db_run(req->db,
	              "UPDATE feedback SET version = version + 1, updated_at = ?1 WHERE "
	              "submission_id = ?2",
	              a, NARGS(a), NULL);
}

enum kv_err api_feedback_put(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_TEXT(api_str(req, "summary")), ARG_INT(req->now), ARG_INT(req->id),
	                     ARG_INT(api_int(req, "version", 0))};
	long long changed = 0;
	enum kv_err rc = editable(req, resp, req->id);

	if (rc)
		return rc;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db,
	            "UPDATE feedback SET summary = ?1, version = version + 1, updated_at = ?2 "
	            "WHERE submission_id = ?3 AND version = ?4",
	            a, NARGS(a), &changed);
	if (!rc && changed != 1)
		rc = KV_ECONFLICT;
	if (!rc)
		rc = api_audit(req, "feedback.update", "submission", req->id, "success", NULL);
	return finish(req, resp, rc, 200, rc ? NULL : api_feedback_json(req, req->id));
}

int api_text_ok(struct api_resp *resp, const char *field, json_t *v, size_t max, int required)
{
	const char *why = NULL;
	enum idnumber_kind k;

	if (!v || json_is_null(v))
		why = required ? "is required" : NULL;
	else if (!json_is_string(v))
		why = "must be text";
	else if (required && !*json_string_value(v))
		why = "is required";
	else
		why = validate_text(json_string_value(v), max, 1);
	if (why) {
		api_field_error(resp, KV_EINVAL, "invalid_input", field, why);
		return -1;
	}
	if (v && json_is_string(v) &&
	    (k = idnumber_find(json_string_value(v), json_string_length(v))) != IDNUMBER_NONE) {
		api_field_error(resp, KV_ERULE, "identity_number", field, idnumber_message(k));
		return -1;
	}
	return 0;
}

/* Checks the clips array of the body; 0, or -1 with resp filled. */
static int clips_ok(struct api_req *req, struct api_resp *resp, long long sub)
{
	json_t *clips = json_object_get(req->json, "clips"), *c;
	long long length = api_recording_ms(req->db, sub);
	char field[48];
	size_t i;

	json_array_foreach(clips, i, c)
	{
		json_t *s = json_object_get(c, "start_ms"), *e = json_object_get(c, "end_ms"),
		       *l = json_object_get(c, "label");
		const char *why = NULL;

		if (!json_is_integer(s) || json_integer_value(s) < 0)
			why = "start_ms: must be a whole number of milliseconds, 0 or more";
		else if (!json_is_integer(e) || json_integer_value(e) <= json_integer_value(s))
			why = "end_ms: must be after start_ms";
		else if (length >= 0 && json_integer_value(e) > length)
			why = "end_ms: must lie within the recording";
		if (!why) {
			snprintf(field, sizeof(field), "clips[%zu].label", i);
			if (api_text_ok(resp, field, l, 200, 0))
				return -1;
		}
		if (why) {
			const char *colon = strchr(why, ':');
			snprintf(field, sizeof(field), "clips[%zu].%.*s", i, (int)(colon - why),
			         why);
			api_field_error(resp, KV_EINVAL, "invalid_clip", field, colon + 2);
			return -1;
		}
	}
	return 0;
}

static enum kv_err replace_clips(struct api_req *req, long long point)
{
	struct db_arg d[] = {ARG_INT(point)};
	json_t *clips = json_object_get(req->json, "clips"), *c;
	enum kv_err rc =
	    db_run(req->db, "DELETE FROM feedback_clips WHERE point_id = ?", d, 1, NULL);
	size_t i;

	json_array_foreach(clips, i, c)
	{
		struct db_arg a[] = {ARG_INT(point),
		                     ARG_INT(json_integer_value(json_object_get(c, "start_ms"))),
		                     ARG_INT(json_integer_value(json_object_get(c, "end_ms"))),
		                     ARG_TEXT(json_is_string(json_object_get(c, "label"))
		                                  ? json_string_value(json_object_get(c, "label"))
		                                  : "")};
		if (rc)
			break;
		rc = db_run(req->db,
		            "INSERT INTO feedback_clips (point_id, start_ms, end_ms, label) VALUES "
		            "(?, ?, ?, ?)",
		            a, NARGS(a), NULL);
	}
	return rc;
}

/* The item a point names must be one of the rating's instrument. */
static int item_ok(struct api_req *req, struct api_resp *resp, long long sub)
{
	const char *item = api_str(req, "item_id");
	struct db_arg a[] = {ARG_INT(sub)};
	struct instrument *in;
	int found;

	if (!item || !*item)
		return 0;
	in = api_instrument_load(req->db, db_scalar(req->db,
	                                            "SELECT r.instrument_id FROM feedback f JOIN "
	                                            "ratings r ON r.id = f.rating_id WHERE "
	                                            "f.submission_id = ?",
	                                            a, 1, 0));
	if (!in) {
		api_instrument_missing(resp);
		return -1;
	}
	found = instrument_item_index(in, item) >= 0;
	instrument_free(in);
	if (!found) {
		api_field_error(resp, KV_EINVAL, "unknown_item", "item_id",
		                "must be an item of the rating scale");
		return -1;
	}
	return 0;
}

static json_t *point_json(struct api_req *req, long long sub, long long point)
{
	json_t *points = points_json(req->db, sub), *p, *out = NULL;
	size_t i;

	json_array_foreach(points, i, p) if (json_integer_value(json_object_get(p, "id")) == point)
	    out = json_incref(p);
	json_decref(points);
	return out;
}

enum kv_err api_feedback_point_create(struct api_req *req, struct api_resp *resp)
{
	const char *item = api_str(req, "item_id");
	long long id = 0;
	enum kv_err rc = editable(req, resp, req->id);

	if (rc)
		return rc;
	if (json_array_size(json_object_get(req->json, "clips")) > MAX_CLIPS)
		return api_field_error(resp, KV_EINVAL, "too_many", "clips", "at most 20 clips");
	if (clips_ok(req, resp, req->id) || item_ok(req, resp, req->id))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		struct db_arg a[] = {ARG_INT(req->id),
		                     ARG_TEXT(api_str(req, "kind")),
		                     ARG_TEXT(item && *item ? item : NULL),
		                     ARG_TEXT(api_str(req, "title")),
		                     ARG_TEXT(api_str(req, "body") ? api_str(req, "body") : ""),
		                     ARG_INT(req->user.id),
		                     ARG_INT(req->now)};
		rc =
		    db_insert(req->db,
		              "INSERT INTO feedback_points (submission_id, kind, item_id, title, "
		              "body, position, created_by, created_at, updated_at) VALUES (?1, ?2, "
		              "?3, ?4, ?5, (SELECT coalesce(max(position), 0) + 1 FROM "
		              "feedback_points WHERE submission_id = ?1), ?6, ?7, ?7) RETURNING id",
		              a, NARGS(a), &id);
	}
	if (!rc)
		rc = replace_clips(req, id);
	if (!rc)
		rc = touch(req, req->id);
	if (!rc)
		rc = api_audit(req, "feedback.point.create", "feedback_point", id, "success", NULL);
	return finish(req, resp, rc, 201, rc ? NULL : point_json(req, req->id, id));
}

/* The submission a live point belongs to (0 when none). */
static long long point_submission(struct api_req *req)
{
	struct db_arg a[] = {ARG_INT(req->id)};

	return db_scalar(req->db,
	                 "SELECT submission_id FROM feedback_points WHERE id = ? AND deleted_at IS "
	                 "NULL",
	                 a, 1, 0);
}

enum kv_err api_feedback_point_put(struct api_req *req, struct api_resp *resp)
{
	long long sub = point_submission(req);
	const char *item = api_str(req, "item_id");
	enum kv_err rc;

	if (!sub)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such feedback point");
	if ((rc = editable(req, resp, sub)) != KV_OK)
		return rc;
	if (json_array_size(json_object_get(req->json, "clips")) > MAX_CLIPS)
		return api_field_error(resp, KV_EINVAL, "too_many", "clips", "at most 20 clips");
	if (clips_ok(req, resp, sub) || item_ok(req, resp, sub))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		struct db_arg a[] = {ARG_TEXT(api_str(req, "kind")),
		                     ARG_TEXT(item && *item ? item : NULL),
		                     ARG_TEXT(api_str(req, "title")),
		                     ARG_TEXT(api_str(req, "body") ? api_str(req, "body") : ""),
		                     api_has(req, "position") ? ARG_INT(api_int(req, "position", 0))
		                                              : ARG_NULL,
		                     ARG_INT(req->now),
		                     ARG_INT(req->id)};
		rc =
		    db_run(req->db,
		           "UPDATE feedback_points SET kind = ?1, item_id = ?2, title = ?3, body = "
		           "?4, position = coalesce(?5, position), updated_at = ?6 WHERE id = ?7",
		           a, NARGS(a), NULL);
	}
	if (!rc && json_object_get(req->json, "clips"))
		rc = replace_clips(req, req->id);
	if (!rc)
		rc = touch(req, sub);
	if (!rc)
		rc = api_audit(req, "feedback.point.update", "feedback_point", req->id, "success",
		               NULL);
	return finish(req, resp, rc, 200, rc ? NULL : point_json(req, sub, req->id));
}

enum kv_err api_feedback_point_delete(struct api_req *req, struct api_resp *resp)
{
	long long sub = point_submission(req);
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->id)};
	enum kv_err rc;

	if (!sub)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such feedback point");
	if ((rc = editable(req, resp, sub)) != KV_OK)
		return rc;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db, "UPDATE feedback_points SET deleted_at = ?1 WHERE id = ?2", a,
	            NARGS(a), NULL);
	if (!rc)
		rc = touch(req, sub);
	if (!rc)
		rc = api_audit(req, "feedback.point.delete", "feedback_point", req->id, "success",
		               NULL);
	return finish(req, resp, rc, 204, NULL);
}

static const char *publish_subject(const char *lang)
{
	if (!strcmp(lang, "nb"))
		return "Tilbakemeldingen din er klar";
	if (!strcmp(lang, "da"))
		return "Din feedback er klar";
	return "Your feedback is ready";
}

static void publish_body(const char *lang, const char *name, const char *date, char *out,
                         size_t cap)
{
	if (!strcmp(lang, "nb"))
		snprintf(
		    out, cap,
		    "Hei %s,\n\nKvalitetslaboratoriet har publisert tilbakemeldingen på "
		    "timen din fra %s. Logg inn i kvalab og åpne «Mine tilbakemeldinger» for å "
		    "lese profilen, se klippene og laste ned rapporten.\n",
		    name, date);
	else if (!strcmp(lang, "da"))
		snprintf(out, cap,
		         "Hej %s,\n\nKvalitetslaboratoriet har offentliggjort feedbacken på din "
		         "session fra %s. Log ind i kvalab og åbn »Min feedback« for at læse "
		         "profilen, se klippene og hente rapporten.\n",
		         name, date);
	else
		snprintf(out, cap,
		         "Hello %s,\n\nThe quality lab has published the feedback on your session "
		         "of %s. Sign in to kvalab and open \"My feedback\" to read the profile, "
		         "watch the clips and download the report.\n",
		         name, date);
}

/* Queues the therapist's notice inside the publishing transaction. */
static enum kv_err notify_therapist(struct api_req *req, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;
	json_t *t = db_json_row(req->db,
	                        "SELECT u.id, u.email, u.display_name, u.locale, s.session_date "
	                        "FROM submissions s JOIN users u ON u.id = s.therapist_id WHERE "
	                        "s.id = ?",
	                        a, 1, NULL, &rc);
	const char *lang, *date;
	char body[1024];
	struct outbox_new m;

	if (!t)
		return rc ? rc : KV_ENOTFOUND;
	lang = json_string_value(json_object_get(t, "locale"));
	lang = lang ? lang : "nb";
	date = json_string_value(json_object_get(t, "session_date"));
	publish_body(lang, json_string_value(json_object_get(t, "display_name")), date ? date : "-",
	             body, sizeof(body));
	memset(&m, 0, sizeof(m));
	m.kind = "feedback_published";
	m.to_user_id = json_integer_value(json_object_get(t, "id"));
	m.to_addr = json_string_value(json_object_get(t, "email"));
	m.subject = publish_subject(lang);
	m.body = body;
	m.submission_id = sub;
	rc = outbox_enqueue(req->db, &m, req->now) > 0 ? KV_OK : KV_EINTERNAL;
	json_decref(t);
	return rc;
}

enum kv_err api_feedback_publish(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->user.id), ARG_INT(req->id)};
	const char *why = NULL;
	enum sub_state to;
	enum kv_err rc = editable(req, resp, req->id);

	if (rc)
		return rc;
	if ((rc = workflow_apply(SUB_APPROVED, EV_PUBLISH_FEEDBACK, (int)req->user.role, &to,
	                         &why)) != KV_OK)
		return api_error(resp, rc, "not_allowed", why);
	{
		struct db_arg s[] = {ARG_INT(req->id)};
		if (db_scalar(
		        req->db,
		        "SELECT (SELECT count(*) FROM feedback_points WHERE submission_id = ?1 "
		        "AND deleted_at IS NULL) + (SELECT length(trim(summary)) > 0 FROM "
		        "feedback WHERE submission_id = ?1)",
		        s, 1, 0) == 0)
			return api_error(resp, KV_ECONFLICT, "empty",
			                 "write a summary or at least one point before publishing");
	}
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_submission_transition(req->db, req->id, "approved", workflow_state_name(to),
	                              workflow_event_name(EV_PUBLISH_FEEDBACK), req->user.id, NULL,
	                              req->now);
	if (!rc)
		rc = db_run(req->db,
		            "UPDATE feedback SET published_at = ?1, published_by = ?2, version = "
		            "version + 1, updated_at = ?1 WHERE submission_id = ?3",
		            a, NARGS(a), NULL);
	if (!rc)
		rc = notify_therapist(req, req->id);
	if (!rc)
		rc = api_audit(req, "feedback.publish", "submission", req->id, "success", NULL);
	rc = finish(req, resp, rc, 200, NULL);
	if (!rc) {
		mail_worker_wake();
		api_json(resp, 200, api_feedback_json(req, req->id));
	}
	return rc;
}
