/* The feedback meeting: scheduled by a rater, supervisor or lab admin with the therapist and
 * chosen colleagues; each participant gets an iCalendar invitation by mail, and a reschedule or
 * cancellation sends an update with the same UID and a higher SEQUENCE, as calendars expect.
 * Marking it held records notes, agreed points and practice goals, closes the submission and
 * starts the recording's retention countdown. */
#include "api/feedback.h"
#include "api/mail_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "core/token.h"
#include "core/validate.h"
#include "core/workflow.h"
#include "db/outbox.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "report/ical.h"
#include "util/buf.h"
#include "util/banned.h"

#define MAX_GOALS 10

static const char *const meeting_states[] = {"approved", "feedback_published", "closed", NULL};

/* Anyone who may see the submission sees its meetings once the consensus is approved (the
 * therapist too: they were invited). */
static enum kv_err meeting_access(struct api_req *req, struct api_resp *resp, long long sub,
                                  char state[32])
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;
	json_t *row;
	const char *const *s;

	if (!api_may_see_submission(req, sub))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	row = db_json_row(req->db, "SELECT state FROM submissions WHERE id = ?", a, 1, NULL, &rc);
	snprintf(state, 32, "%s", row ? json_string_value(json_object_get(row, "state")) : "");
	json_decref(row);
	for (s = meeting_states; *s; s++)
		if (!strcmp(state, *s))
			return KV_OK;
	return api_error(resp, KV_ECONFLICT, "not_approved",
	                 "a feedback meeting is planned once the consensus rating is approved");
}

static json_t *meeting_json(struct api_req *req, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};
	enum kv_err rc;
	json_t *m = db_json_row(
	           req->db,
	           "SELECT m.id, m.submission_id, m.uid, m.sequence, m.state, "
	           "m.starts_at, m.duration_min, m.link, m.organizer_id, u.display_name "
	           "AS organizer_name, m.notes, m.agreed, m.held_at, m.cancelled_at, "
	           "m.created_at, m.updated_at FROM meetings m JOIN users u ON u.id = "
	           "m.organizer_id WHERE m.id = ?",
	           a, 1, NULL, &rc),
	       *people;

	if (!m)
		return NULL;
	json_object_set_new(m, "organizer",
	                    json_pack("{s:O, s:O}", "id", json_object_get(m, "organizer_id"),
	                              "name", json_object_get(m, "organizer_name")));
	json_object_del(m, "organizer_id");
	json_object_del(m, "organizer_name");
	people =
	    db_json_rows(req->db,
	                 "SELECT u.id, u.display_name AS name, u.role FROM meeting_participants "
	                 "p JOIN users u ON u.id = p.user_id WHERE p.meeting_id = ? ORDER BY "
	                 "u.role = 'therapist' DESC, u.display_name",
	                 a, 1, NULL);
	json_object_set_new(m, "participants", people ? people : json_array());
	if (api_feedback_staff(req)) {
		json_t *mail =
		    db_json_rows(req->db,
		                 "SELECT id, to_addr, kind, state, attempts, last_error, "
		                 "sent_at, created_at FROM mail_outbox WHERE meeting_id = ? "
		                 "ORDER BY id",
		                 a, 1, NULL);
		json_object_set_new(m, "mail", mail ? mail : json_array());
	}
	return m;
}

enum kv_err api_meetings_list(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	char state[32];
	enum kv_err rc = meeting_access(req, resp, req->id, state);
	json_t *ids, *items = json_array(), *row;
	size_t i;

	if (rc) {
		json_decref(items);
		return rc;
	}
	ids = db_json_rows(req->db,
	                   "SELECT id FROM meetings WHERE submission_id = ? ORDER BY starts_at, id",
	                   a, 1, NULL);
	json_array_foreach(ids, i, row)
	{
		json_t *m = meeting_json(req, json_integer_value(json_object_get(row, "id")));
		if (m)
			json_array_append_new(items, m);
	}
	json_decref(ids);
	api_audit(req, "meeting.list", "submission", req->id, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

/* Texts of the mails, in the recipient's language. */
struct mail_text {
	const char *subject[3];
	const char *lead[3];
};

static const struct mail_text invite_text = {
    {"Tilbakemeldingsmøte", "Feedbackmøde", "Feedback meeting"},
    {"Du er invitert til et digitalt tilbakemeldingsmøte om den vurderte timen.",
     "Du er inviteret til et digitalt feedbackmøde om den vurderede session.",
     "You are invited to a digital feedback meeting about the rated session."}};
static const struct mail_text update_text = {
    {"Endret: tilbakemeldingsmøte", "Ændret: feedbackmøde", "Changed: feedback meeting"},
    {"Tilbakemeldingsmøtet er flyttet. Den vedlagte invitasjonen erstatter den forrige.",
     "Feedbackmødet er flyttet. Den vedhæftede invitation erstatter den forrige.",
     "The feedback meeting has moved. The attached invitation replaces the earlier one."}};
static const struct mail_text cancel_text = {
    {"Avlyst: tilbakemeldingsmøte", "Aflyst: feedbackmøde", "Cancelled: feedback meeting"},
    {"Tilbakemeldingsmøtet er avlyst.", "Feedbackmødet er aflyst.",
     "The feedback meeting has been cancelled."}};

static int lang_index(const char *locale)
{
	if (locale && !strcmp(locale, "da"))
		return 1;
	if (locale && !strcmp(locale, "en"))
		return 2;
	return 0;
}

/* The meeting's invitation as iCalendar text (cancel: METHOD:CANCEL). */
static int meeting_ics(struct api_req *req, long long id, int lang, struct kv_buf *out)
{
	struct db_arg a[] = {ARG_INT(id)};
	enum kv_err rc;
	json_t *m = db_json_row(req->db,
	                        "SELECT m.uid, m.sequence, m.state, m.starts_at AS starts, "
	                        "m.duration_min, m.link, m.notes, u.display_name, u.email, "
	                        "m.updated_at AS stamp FROM meetings m JOIN users u ON u.id = "
	                        "m.organizer_id WHERE m.id = ?",
	                        a, 1, NULL, &rc),
	       *people = db_json_rows(req->db,
	                              "SELECT u.display_name, u.email FROM meeting_participants p "
	                              "JOIN users u ON u.id = p.user_id WHERE p.meeting_id = ? "
	                              "ORDER BY u.id",
	                              a, 1, NULL),
	       *p;
	struct ical_meeting im;
	struct ical_person *att;
	char err[160];
	size_t i, n = json_array_size(people);
	int r;

	if (!m) {
		json_decref(people);
		return -1;
	}
	att = calloc(n + 1, sizeof(*att));
	json_array_foreach(people, i, p)
	{
		att[i].name = json_string_value(json_object_get(p, "display_name"));
		att[i].email = json_string_value(json_object_get(p, "email"));
	}
	memset(&im, 0, sizeof(im));
	im.uid = json_string_value(json_object_get(m, "uid"));
	im.sequence = (int)json_integer_value(json_object_get(m, "sequence"));
	im.cancel = !strcmp(json_string_value(json_object_get(m, "state")), "cancelled");
	im.start = (time_t)json_integer_value(json_object_get(m, "starts"));
	im.duration_min = (int)json_integer_value(json_object_get(m, "duration_min"));
	im.stamp = (time_t)json_integer_value(json_object_get(m, "stamp"));
	im.summary = invite_text.subject[lang];
	im.description = invite_text.lead[lang];
	im.link = json_string_value(json_object_get(m, "link"));
	im.organizer.name = json_string_value(json_object_get(m, "display_name"));
	im.organizer.email = json_string_value(json_object_get(m, "email"));
	im.attendees = att;
	im.attendee_count = n;
	r = ical_meeting_write(&im, out, err, sizeof(err));
	free(att);
	json_decref(people);
	json_decref(m);
	return r;
}

/* Queues one mail with the invitation for every participant. */
static enum kv_err mail_participants(struct api_req *req, long long id, const char *kind,
                                     const struct mail_text *text, const char *extra)
{
	struct db_arg a[] = {ARG_INT(id)};
	enum kv_err rc;
	json_t *m = db_json_row(req->db,
	                        "SELECT submission_id, state, starts_at, duration_min, link FROM "
	                        "meetings WHERE id = ?",
	                        a, 1, NULL, &rc),
	       *people = db_json_rows(req->db,
	                              "SELECT u.id, u.email, u.locale FROM meeting_participants p "
	                              "JOIN users u ON u.id = p.user_id WHERE p.meeting_id = ? AND "
	                              "NOT u.disabled ORDER BY u.id",
	                              a, 1, NULL),
	       *p;
	int cancel = m && !strcmp(json_string_value(json_object_get(m, "state")), "cancelled");
	size_t i;

	rc = m ? KV_OK : KV_ENOTFOUND;

	json_array_foreach(people, i, p)
	{
		int lang = lang_index(json_string_value(json_object_get(p, "locale")));
		struct kv_buf ics = KV_BUF_INIT(1024 * 1024), body = KV_BUF_INIT(16 * 1024);
		struct outbox_new o;

		if (rc)
			break;
		if (meeting_ics(req, id, lang, &ics)) {
			rc = KV_EINTERNAL;
		} else {
			kv_buf_addf(&body, "%s\n\n", text->lead[lang]);
			if (!cancel)
				kv_buf_addf(&body, "%s (UTC), %lld min\n%s\n",
				            json_string_value(json_object_get(m, "starts_at")),
				            (long long)json_integer_value(
				                json_object_get(m, "duration_min")),
				            json_string_value(json_object_get(m, "link")));
			if (extra && *extra)
				kv_buf_addf(&body, "\n%s\n", extra);
			memset(&o, 0, sizeof(o));
			o.kind = kind;
			o.to_user_id = json_integer_value(json_object_get(p, "id"));
			o.to_addr = json_string_value(json_object_get(p, "email"));
			o.subject = text->subject[lang];
			o.body = kv_buf_str(&body);
			o.ics = kv_buf_str(&ics);
			o.ics_method = cancel ? "CANCEL" : "REQUEST";
			o.submission_id = json_integer_value(json_object_get(m, "submission_id"));
			o.meeting_id = id;
			if (outbox_enqueue(req->db, &o, req->now) <= 0)
				rc = KV_EINTERNAL;
		}
		kv_buf_release(&ics);
		kv_buf_release(&body);
	}
	json_decref(people);
	json_decref(m);
	return rc;
}

/* starts_at, duration_min and link from the body; 0, or -1 with resp filled. */
static int read_when(struct api_req *req, struct api_resp *resp, long long *start)
{
	const char *link = api_str(req, "link");
	long long ms;

	if (api_parse_time_ms(api_str(req, "starts_at"), &ms)) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "starts_at",
		                "must be a date and time such as 2026-12-01T13:00:00Z");
		return -1;
	}
	*start = ms / 1000;
	if (*start < req->now - 60) {
		api_field_error(resp, KV_EINVAL, "in_the_past", "starts_at",
		                "must lie in the future");
		return -1;
	}
	if (strncmp(link, "https://", 8) || strlen(link) < 12 || strpbrk(link, " <>\"")) {
		api_field_error(resp, KV_EINVAL, "invalid_link", "link",
		                "must be the meeting's https:// address");
		return -1;
	}
	return 0;
}

static enum kv_err done(struct api_req *req, struct api_resp *resp, enum kv_err rc, int status,
                        long long id)
{
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the meeting could not be saved; try again");
	}
	mail_worker_wake();
	api_json(resp, status, meeting_json(req, id));
	return KV_OK;
}

/* The chosen participants must be people of this submission: its therapist, its active
 * raters, or a supervisor. */
static int participants_ok(struct api_req *req, struct api_resp *resp, long long sub)
{
	json_t *ids = json_object_get(req->json, "participant_ids"), *v;
	size_t i;

	json_array_foreach(ids, i, v)
	{
		struct db_arg a[] = {ARG_INT(json_integer_value(v)), ARG_INT(sub)};
		if (db_scalar(
		        req->db,
		        "SELECT 1 FROM users u WHERE u.id = ?1 AND NOT u.disabled AND (u.id = "
		        "(SELECT therapist_id FROM submissions WHERE id = ?2) OR u.role = "
		        "'supervisor' OR u.id IN (SELECT rater_id FROM assignments WHERE "
		        "submission_id = ?2 AND ended_at IS NULL))",
		        a, NARGS(a), 0) != 1) {
			char field[40];
			snprintf(field, sizeof(field), "participant_ids[%zu]", i);
			api_field_error(resp, KV_EINVAL, "not_a_participant", field,
			                "must be the therapist, a rater of this submission or a "
			                "supervisor");
			return -1;
		}
	}
	return 0;
}

enum kv_err api_meetings_create(struct api_req *req, struct api_resp *resp)
{
	struct db_arg s[] = {ARG_INT(req->id)};
	char state[32], uid[TOKEN_TEXT_MAX + 16], token[TOKEN_TEXT_MAX];
	long long start, id = 0;
	json_t *ids, *v;
	size_t i;
	enum kv_err rc = meeting_access(req, resp, req->id, state);

	if (rc)
		return rc;
	if (!strcmp(state, "closed"))
		return api_error(resp, KV_ECONFLICT, "closed",
		                 "the feedback meeting for this submission has been held");
	if (read_when(req, resp, &start) || participants_ok(req, resp, req->id))
		return KV_EINVAL;
	if (db_scalar(req->db,
	              "SELECT 1 FROM meetings WHERE submission_id = ? AND state = 'scheduled'", s,
	              1, 0) == 1)
		return api_error(resp, KV_ECONFLICT, "meeting_exists",
		                 "a meeting is already scheduled; reschedule or cancel it instead");
	token_generate("", token);
	snprintf(uid, sizeof(uid), "%s@kvalab", token);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		struct db_arg a[] = {ARG_INT(req->id),
		                     ARG_TEXT(uid),
		                     ARG_INT(start),
		                     ARG_INT(api_int(req, "duration_min", 60)),
		                     ARG_TEXT(api_str(req, "link")),
		                     ARG_INT(req->user.id),
		                     ARG_INT(req->now)};
		rc = db_insert(
		    req->db,
		    "INSERT INTO meetings (submission_id, uid, state, starts_at, "
		    "duration_min, link, organizer_id, created_at, updated_at) VALUES (?1, "
		    "?2, 'scheduled', ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id",
		    a, NARGS(a), &id);
	}
	if (!rc) {
		/* The therapist and the organiser always take part. */
		struct db_arg a[] = {ARG_INT(id), ARG_INT(req->id), ARG_INT(req->user.id)};
		rc = db_run(
		    req->db,
		    "INSERT OR IGNORE INTO meeting_participants (meeting_id, user_id) SELECT "
		    "?1, therapist_id FROM submissions WHERE id = ?2 UNION SELECT ?1, ?3",
		    a, NARGS(a), NULL);
	}
	ids = json_object_get(req->json, "participant_ids");
	json_array_foreach(ids, i, v)
	{
		struct db_arg a[] = {ARG_INT(id), ARG_INT(json_integer_value(v))};
		if (!rc)
			rc = db_run(
			    req->db,
			    "INSERT OR IGNORE INTO meeting_participants (meeting_id, user_id) "
			    "VALUES (?, ?)",
			    a, NARGS(a), NULL);
	}
	if (!rc)
		rc = mail_participants(req, id, "meeting_invite", &invite_text, NULL);
	if (!rc)
		rc = api_audit(req, "meeting.schedule", "meeting", id, "success", NULL);
	return done(req, resp, rc, 201, id);
}

/* The meeting's submission when it is still scheduled; 0 with resp filled otherwise. */
static long long scheduled(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	enum kv_err rc;
	json_t *m = db_json_row(req->db, "SELECT submission_id, state FROM meetings WHERE id = ?",
	                        a, 1, NULL, &rc);
	long long sub = m ? json_integer_value(json_object_get(m, "submission_id")) : 0;
	char state[32];

	if (!sub || meeting_access(req, resp, sub, state)) {
		json_decref(m);
		if (!sub || resp->status == 404)
			api_error(resp, KV_ENOTFOUND, "not_found", "no such meeting");
		return 0;
	}
	if (strcmp(json_string_value(json_object_get(m, "state")), "scheduled")) {
		api_error(resp, KV_ECONFLICT, "not_scheduled",
		          "this meeting was cancelled or has been held");
		sub = 0;
	}
	json_decref(m);
	return sub;
}

enum kv_err api_meetings_put(struct api_req *req, struct api_resp *resp)
{
	long long sub = scheduled(req, resp), start;
	enum kv_err rc;

	if (!sub)
		return KV_ECONFLICT;
	if (read_when(req, resp, &start))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		struct db_arg a[] = {ARG_INT(start), ARG_INT(api_int(req, "duration_min", 60)),
		                     ARG_TEXT(api_str(req, "link")), ARG_INT(req->now),
		                     ARG_INT(req->id)};
		rc = db_run(req->db,
		            "UPDATE meetings SET starts_at = ?1, duration_min = ?2, link = ?3, "
		            "sequence = sequence + 1, updated_at = ?4 WHERE id = ?5",
		            a, NARGS(a), NULL);
	}
	if (!rc)
		rc = mail_participants(req, req->id, "meeting_update", &update_text, NULL);
	if (!rc)
		rc = api_audit(req, "meeting.reschedule", "meeting", req->id, "success", NULL);
	return done(req, resp, rc, 200, req->id);
}

enum kv_err api_meetings_cancel(struct api_req *req, struct api_resp *resp)
{
	long long sub = scheduled(req, resp);
	const char *reason = api_str(req, "reason");
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->id)};
	enum kv_err rc;

	if (!sub)
		return KV_ECONFLICT;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db,
	            "UPDATE meetings SET state = 'cancelled', sequence = sequence + 1, "
	            "cancelled_at = ?1, updated_at = ?1 WHERE id = ?2",
	            a, NARGS(a), NULL);
	if (!rc)
		rc = mail_participants(req, req->id, "meeting_cancel", &cancel_text, reason);
	if (!rc)
		rc = api_audit(req, "meeting.cancel", "meeting", req->id, "success", reason);
	return done(req, resp, rc, 200, req->id);
}

enum kv_err api_meetings_ics(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	long long sub =
	    db_scalar(req->db, "SELECT submission_id FROM meetings WHERE id = ?", a, 1, 0);
	struct kv_buf ics = KV_BUF_INIT(1024 * 1024);
	char state[32], name[64];

	if (!sub || meeting_access(req, resp, sub, state))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such meeting");
	if (meeting_ics(req, req->id, lang_index(api_lang(req)), &ics)) {
		kv_buf_release(&ics);
		return api_error(resp, KV_EINTERNAL, "ics_failed",
		                 "the invitation could not be made");
	}
	api_audit(req, "meeting.ics", "meeting", req->id, "success", NULL);
	api_file(resp, &ics, "text/calendar; charset=utf-8");
	snprintf(name, sizeof(name), "attachment; filename=\"meeting-%lld.ics\"", req->id);
	api_header(resp, "Content-Disposition", name);
	return KV_OK;
}

/* Checks every goal of the held form before anything is written; 0 or -1 (resp filled). */
static int goals_ok(struct api_req *req, struct api_resp *resp, long long sub)
{
	json_t *goals = json_object_get(req->json, "goals"), *g;
	struct db_arg a[] = {ARG_INT(sub)};
	struct instrument *in;
	char field[48], today[11];
	size_t i;

	if (json_array_size(goals) > MAX_GOALS) {
		api_field_error(resp, KV_EINVAL, "too_many", "goals", "at most 10 goals");
		return -1;
	}
	in = api_instrument_load(req->db, db_scalar(req->db,
	                                            "SELECT r.instrument_id FROM feedback f JOIN "
	                                            "ratings r ON r.id = f.rating_id WHERE "
	                                            "f.submission_id = ?",
	                                            a, 1, 0));
	if (!in && json_array_size(goals)) {
		api_instrument_missing(resp);
		return -1;
	}
	api_today(req->now, today);
	json_array_foreach(goals, i, g)
	{
		const char *item = json_string_value(json_object_get(g, "item_id"));
		const char *date = json_string_value(json_object_get(g, "review_date"));
		int found = instrument_item_index(in, item) >= 0;

		snprintf(field, sizeof(field), "goals[%zu].item_id", i);
		if (!found) {
			api_field_error(resp, KV_EINVAL, "unknown_item", field,
			                "must be an item of the rating scale");
			break;
		}
		snprintf(field, sizeof(field), "goals[%zu].description", i);
		if (api_text_ok(resp, field, json_object_get(g, "description"), 1000, 1))
			break;
		snprintf(field, sizeof(field), "goals[%zu].target", i);
		if (api_text_ok(resp, field, json_object_get(g, "target"), 500, 1))
			break;
		snprintf(field, sizeof(field), "goals[%zu].review_date", i);
		if (!date || validate_date(date) || strcmp(date, today) <= 0) {
			api_field_error(resp, KV_EINVAL, "invalid_date", field,
			                "must be a date after today, YYYY-MM-DD");
			break;
		}
	}
	instrument_free(in);
	return i < json_array_size(goals) ? -1 : 0;
}

static enum kv_err insert_goals(struct api_req *req, long long sub)
{
	json_t *goals = json_object_get(req->json, "goals"), *g;
	enum kv_err rc = KV_OK;
	size_t i;

	json_array_foreach(goals, i, g)
	{
		struct db_arg a[] = {ARG_INT(sub),
		                     ARG_INT(req->id),
		                     ARG_TEXT(json_string_value(json_object_get(g, "item_id"))),
		                     ARG_TEXT(json_string_value(json_object_get(g, "description"))),
		                     ARG_TEXT(json_string_value(json_object_get(g, "target"))),
		                     ARG_TEXT(json_string_value(json_object_get(g, "review_date"))),
		                     ARG_INT(req->user.id),
		                     ARG_INT(req->now)};
		if (rc)
			break;
		rc = db_run(
		    req->db,
		    "INSERT INTO practice_goals (therapist_id, submission_id, meeting_id, "
		    "instrument_id, item_id, description, target, review_date, created_by, "
		    "created_at, updated_at) SELECT s.therapist_id, s.id, ?2, r.instrument_id, "
		    "?3, ?4, ?5, ?6, ?7, ?8, ?8 FROM submissions s JOIN feedback f ON "
		    "f.submission_id = s.id JOIN ratings r ON r.id = f.rating_id WHERE s.id = "
		    "?1",
		    a, NARGS(a), NULL);
	}
	return rc;
}

enum kv_err api_meetings_held(struct api_req *req, struct api_resp *resp)
{
	long long sub = scheduled(req, resp);
	const char *why = NULL;
	enum sub_state to;
	enum kv_err rc;

	if (!sub)
		return KV_ECONFLICT;
	if ((rc = workflow_apply(SUB_FEEDBACK_PUBLISHED, EV_MEETING_HELD, (int)req->user.role, &to,
	                         &why)) != KV_OK)
		return api_error(resp, rc, "not_allowed", why);
	if (goals_ok(req, resp, sub))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_submission_transition(req->db, sub, "feedback_published", workflow_state_name(to),
	                              workflow_event_name(EV_MEETING_HELD), req->user.id, NULL,
	                              req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(
		    resp, rc, "not_published",
		    "the meeting can be marked held only after the feedback is published");
	}
	{
		struct db_arg a[] = {ARG_TEXT(api_str(req, "notes") ? api_str(req, "notes") : ""),
		                     ARG_TEXT(api_str(req, "agreed") ? api_str(req, "agreed") : ""),
		                     ARG_INT(req->now), ARG_INT(req->id)};
		if (!rc)
			rc = db_run(req->db,
			            "UPDATE meetings SET state = 'held', notes = ?1, agreed = ?2, "
			            "held_at = ?3, updated_at = ?3 WHERE id = ?4",
			            a, NARGS(a), NULL);
	}
	{
		/* The purpose of the recording is fulfilled: the retention countdown starts. */
		struct db_arg a[] = {ARG_INT(req->now), ARG_INT(sub)};
		if (!rc)
			rc = db_run(
			    req->db,
			    "UPDATE submissions SET recording_delete_after = min(coalesce("
			    "recording_delete_after, ?1 + 86400 * i.retention_days), ?1 + 86400 "
			    "* i.retention_days), recording_delete_reason = coalesce("
			    "recording_delete_reason, 'feedback meeting held') FROM institutions "
			    "i WHERE i.id = submissions.institution_id AND submissions.id = ?2",
			    a, NARGS(a), NULL);
	}
	if (!rc)
		rc = insert_goals(req, sub);
	if (!rc)
		rc = api_audit(req, "meeting.held", "meeting", req->id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the meeting could not be saved; try again");
	}
	api_json(resp, 200, meeting_json(req, req->id));
	return KV_OK;
}
