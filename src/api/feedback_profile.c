/* The therapist's profile as the API serves it (computed by core/profile.c from the approved
 * consensus, the lab's reference ratings and the therapist's own history), the PDF report,
 * and the list of feedback each user may see. */
#include "api/feedback.h"

#include <stdio.h>
#include <string.h>

#include "core/profile.h"
#include "db/rows.h"
#include "report/pdf.h"
#include "util/buf.h"
#include "util/banned.h"

const char *api_lang(const struct api_req *req)
{
	const char *q = api_query(req, "lang");

	if (q && (!strcmp(q, "nb") || !strcmp(q, "da") || !strcmp(q, "en")))
		return q;
	if (!strcmp(req->user.locale, "da") || !strcmp(req->user.locale, "en"))
		return req->user.locale;
	return "nb";
}

/* Replaces each row's "scores" text with the parsed object; drops rows that do not parse. */
static json_t *parse_scores(json_t *rows)
{
	json_t *out = json_array(), *row, *scores;
	json_error_t jerr;
	size_t i;

	json_array_foreach(rows, i, row)
	{
		const char *text = json_string_value(json_object_get(row, "scores"));
		if (!text || !(scores = json_loads(text, 0, &jerr)))
			continue;
		json_object_set_new(row, "scores", scores);
		json_array_append(out, row);
	}
	json_decref(rows);
	return out;
}

/* Every approved consensus in the lab with that instrument version: scores only, so nothing
 * can tell whose they are. */
static json_t *lab_reference(struct db *db, long long instrument_id)
{
	struct db_arg a[] = {ARG_INT(instrument_id)};
	json_t *rows =
	           parse_scores(db_json_rows(db,
	                                     "SELECT r.scores FROM ratings r JOIN submissions s "
	                                     "ON s.id = r.submission_id WHERE r.kind = "
	                                     "'consensus' AND r.state = 'approved' AND "
	                                     "r.instrument_id = ? AND s.state <> 'withdrawn'",
	                                     a, 1, NULL)),
	       *out = json_array(), *row;
	size_t i;

	json_array_foreach(rows, i, row) json_array_append(out, json_object_get(row, "scores"));
	json_decref(rows);
	return out;
}

/* The therapist's approved ratings with the same scale, oldest first. Only those whose
 * feedback the therapist may already read, and this one. */
static json_t *own_history(struct db *db, long long therapist, const char *code, long long sub)
{
	struct db_arg a[] = {ARG_INT(therapist), ARG_TEXT(code), ARG_INT(sub)};

	return parse_scores(db_json_rows(
	    db,
	    "SELECT s.id AS submission_id, s.session_date AS date, r.scores FROM "
	    "ratings r JOIN submissions s ON s.id = r.submission_id JOIN instruments "
	    "i ON i.id = r.instrument_id WHERE s.therapist_id = ?1 AND i.code = ?2 AND "
	    "r.kind = 'consensus' AND r.state = 'approved' AND (s.id = ?3 OR s.state "
	    "IN ('feedback_published', 'closed')) ORDER BY coalesce(s.session_date, "
	    "''), s.id",
	    a, NARGS(a), NULL));
}

json_t *api_profile_build(struct api_req *req, struct api_resp *resp, long long sub,
                          const char *lang)
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum kv_err rc;
	json_error_t jerr;
	json_t *r = db_json_row(req->db,
	                        "SELECT r.id, r.instrument_id, r.scores, s.therapist_id, i.code "
	                        "FROM ratings r JOIN submissions s ON s.id = r.submission_id JOIN "
	                        "instruments i ON i.id = r.instrument_id WHERE r.submission_id = ? "
	                        "AND r.kind = 'consensus' AND r.state = 'approved' ORDER BY r.id "
	                        "DESC LIMIT 1",
	                        a, 1, NULL, &rc),
	       *scores = NULL, *interventions = NULL, *reference = NULL, *history = NULL,
	       *profile = NULL;
	struct instrument *in = NULL;
	struct profile_input pi;
	long long length;

	if (!r) {
		api_error(
		    resp, KV_ECONFLICT, "not_approved",
		    "the profile is made from an approved consensus rating; there is none yet");
		return NULL;
	}
	in = api_instrument_load(req->db, json_integer_value(json_object_get(r, "instrument_id")));
	if (!in) {
		api_instrument_missing(resp);
		json_decref(r);
		return NULL;
	}
	{
		struct db_arg b[] = {ARG_INT(json_integer_value(json_object_get(r, "id")))};
		interventions =
		    db_json_rows(req->db,
		                 "SELECT start_ms, end_ms, code, within_manual, quality "
		                 "FROM interventions WHERE rating_id = ? AND NOT deleted "
		                 "ORDER BY start_ms, id",
		                 b, 1, (const char *const[]){"within_manual", NULL});
	}
	scores = json_loads(json_string_value(json_object_get(r, "scores")), 0, &jerr);
	reference = lab_reference(req->db, json_integer_value(json_object_get(r, "instrument_id")));
	history = own_history(req->db, json_integer_value(json_object_get(r, "therapist_id")),
	                      json_string_value(json_object_get(r, "code")), sub);
	length = api_recording_ms(req->db, sub);
	memset(&pi, 0, sizeof(pi));
	pi.in = in;
	pi.scores = scores;
	pi.interventions = interventions;
	pi.duration_s = length > 0 ? (double)length / 1000 : 0;
	pi.reference = reference;
	pi.history = history;
	pi.lang = lang;
	profile = profile_compute(&pi);
	if (!profile)
		api_error(resp, KV_EINTERNAL, "profile_failed",
		          "the profile could not be computed");
	instrument_free(in);
	json_decref(r);
	json_decref(scores);
	json_decref(interventions);
	json_decref(reference);
	json_decref(history);
	return profile;
}

enum kv_err api_profile_get(struct api_req *req, struct api_resp *resp)
{
	char state[32];
	enum kv_err rc = api_feedback_access(req, resp, req->id, state);
	json_t *profile;

	if (rc)
		return rc;
	if (!(profile = api_profile_build(req, resp, req->id, api_lang(req))))
		return KV_ECONFLICT;
	api_audit(req, "profile.read", "submission", req->id, "success", NULL);
	api_json(resp, 200, profile);
	return KV_OK;
}

/* "2026-04-02" from an ISO time, into out[11]; NULL when there is none. */
static const char *day_of(json_t *iso, char out[11])
{
	if (!json_is_string(iso))
		return NULL;
	snprintf(out, 11, "%s", json_string_value(iso));
	return out;
}

enum kv_err api_report_get(struct api_req *req, struct api_resp *resp)
{
	char state[32], published[11], err[160], name[48];
	enum kv_err rc = api_feedback_access(req, resp, req->id, state);
	struct report_input ri;
	struct kv_buf pdf;
	json_t *profile, *fb;

	if (rc)
		return rc;
	if (!(fb = api_feedback_json(req, req->id)))
		return api_error(resp, KV_ECONFLICT, "no_feedback",
		                 "open the feedback once before asking for its report");
	if (!(profile = api_profile_build(req, resp, req->id, api_lang(req)))) {
		json_decref(fb);
		return KV_ECONFLICT;
	}
	memset(&ri, 0, sizeof(ri));
	ri.profile = profile;
	ri.feedback = fb;
	ri.therapist = json_string_value(json_object_get(json_object_get(fb, "therapist"), "name"));
	ri.institution = json_string_value(json_object_get(fb, "institution_name"));
	ri.session_date = json_string_value(json_object_get(fb, "session_date"));
	ri.published = day_of(json_object_get(fb, "published_at"), published);
	ri.lang = api_lang(req);
	kv_buf_init(&pdf, 64u * 1024 * 1024);
	if (report_pdf(&ri, &pdf, err, sizeof(err))) {
		kv_buf_release(&pdf);
		json_decref(profile);
		json_decref(fb);
		return api_error(resp, KV_EINTERNAL, "report_failed", err);
	}
	json_decref(profile);
	json_decref(fb);
	api_audit(req, "report.read", "submission", req->id, "success", NULL);
	api_file(resp, &pdf, "application/pdf");
	snprintf(name, sizeof(name), "attachment; filename=\"feedback-%lld.pdf\"", req->id);
	api_header(resp, "Content-Disposition", name);
	return KV_OK;
}

enum kv_err api_feedback_list(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->user.id), ARG_INT(req->user.role == ROLE_THERAPIST),
	                     ARG_INT(req->user.role == ROLE_RATER)};
	json_t *
	    items = db_json_rows(
	       req->db,
	       "SELECT s.id AS submission_id, s.state, s.session_date, s.session_number, "
	       "s.therapist_id, t.display_name AS therapist_name, i.name AS institution_name, "
	       "ins.name AS instrument_name, CASE WHEN f.published_at IS NOT NULL THEN 'published' "
	       "WHEN f.submission_id IS NOT NULL THEN 'draft' ELSE 'none' END AS feedback_status, "
	       "f.published_at, m.id AS meeting_id, m.starts_at AS meeting_starts_at, m.state AS "
	       "meeting_state FROM submissions s JOIN users t ON t.id = s.therapist_id JOIN "
	       "institutions i ON i.id = s.institution_id LEFT JOIN instruments ins ON ins.id = "
	       "s.instrument_id LEFT JOIN feedback f ON f.submission_id = s.id LEFT JOIN meetings "
	       "m ON "
	       "m.id = (SELECT id FROM meetings WHERE submission_id = s.id AND state <> "
	       "'cancelled' "
	       "ORDER BY id DESC LIMIT 1) WHERE s.state IN ('approved', 'feedback_published', "
	       "'closed') AND (CASE WHEN ?2 THEN s.therapist_id = ?1 AND f.published_at IS NOT "
	       "NULL "
	       "WHEN ?3 THEN EXISTS (SELECT 1 FROM assignments a WHERE a.submission_id = s.id AND "
	       "a.rater_id = ?1 AND a.ended_at IS NULL) ELSE 1 END) ORDER BY "
	       "coalesce(f.published_at, "
	       "s.state_changed_at) DESC, s.id DESC",
	       a, NARGS(a), NULL),
	   *row;
	size_t i;

	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the list could not be read; try again");
	json_array_foreach(items, i, row)
	{
		json_t *m = json_object_get(row, "meeting_id");
		json_object_set_new(row, "meeting",
		                    json_is_integer(m)
		                        ? json_pack("{s:O, s:O, s:O}", "id", m, "starts_at",
		                                    json_object_get(row, "meeting_starts_at"),
		                                    "state", json_object_get(row, "meeting_state"))
		                        : json_null());
		json_object_del(row, "meeting_id");
		json_object_del(row, "meeting_starts_at");
		json_object_del(row, "meeting_state");
	}
	api_audit(req, "feedback.list", "submission", 0, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}
