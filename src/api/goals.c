/* Practice goals: those agreed in feedback meetings and those a therapist sets alone (an item of
 * a scale or free text, a target and a review date). The therapist reads and updates their
 * own; the lab's staff read the meeting goals of the therapists they work with, never a
 * therapist's own goals. A goal whose review date has come while it is still active is "due for
 * review" (practice_remind.c also mails a reminder). */
#include "api/feedback.h"
#include "api/practice.h"

#include <stdio.h>
#include <string.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "util/banned.h"

/* Adds each goal's item label from its instrument, and whether it is due for review. */
static void decorate(struct api_req *req, json_t *goals)
{
	struct api_instrument_cache cache = {{0}, {0}, 0};
	char today[11];
	json_t *g;
	size_t i;

	api_today(req->now, today);
	json_array_foreach(goals, i, g)
	{
		json_t *inst = json_object_get(g, "instrument_id");
		struct instrument *in =
		    json_is_integer(inst)
		        ? api_instrument_cached(&cache, req->db, json_integer_value(inst))
		        : NULL;
		const char *item = json_string_value(json_object_get(g, "item_id"));
		int k = instrument_item_index(in, item);
		const char *label =
		    k >= 0 ? instrument_item_label(in, (size_t)k, api_lang(req)) : NULL;
		const char *state = json_string_value(json_object_get(g, "state"));
		const char *review = json_string_value(json_object_get(g, "review_date"));

		json_object_set_new(g, "item_label", label ? json_string(label) : json_null());
		json_object_set_new(g, "due_for_review",
		                    json_boolean(state && review && !strcmp(state, "active") &&
		                                 strcmp(review, today) <= 0));
	}
	api_instrument_cache_release(&cache);
}

static const char *goal_columns =
    "SELECT g.id, g.therapist_id, u.display_name AS therapist_name, g.submission_id, "
    "g.meeting_id, CASE WHEN g.meeting_id IS NULL THEN 'own' ELSE 'meeting' END AS source, "
    "g.instrument_id, i.code AS instrument_code, g.item_id, g.description, g.target, "
    "g.review_date, g.state, g.reminded_at, (SELECT coalesce(sum(l.minutes), 0) FROM "
    "practice_log l WHERE l.goal_id = g.id AND l.deleted_at IS NULL) AS practice_minutes, "
    "(SELECT r.id FROM recordings r WHERE r.submission_id = g.submission_id AND r.kind = "
    "'original' AND r.state = 'ready' ORDER BY r.id DESC LIMIT 1) AS recording_id, "
    "g.created_at, g.updated_at FROM practice_goals g JOIN users u ON u.id = g.therapist_id "
    "LEFT JOIN instruments i ON i.id = g.instrument_id ";

/* One goal as the API shows it, or NULL. */
static json_t *goal_json(struct api_req *req, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};
	char sql[1536];
	json_t *rows, *goal;

	snprintf(sql, sizeof(sql), "%sWHERE g.id = ?", goal_columns);
	rows = db_json_rows(req->db, sql, a, 1, NULL);
	decorate(req, rows);
	goal = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return goal;
}

int api_practice_goal_mine(struct api_req *req, long long goal_id)
{
	struct db_arg a[] = {ARG_INT(goal_id), ARG_INT(req->user.id)};

	return db_scalar(req->db, "SELECT 1 FROM practice_goals WHERE id = ? AND therapist_id = ?",
	                 a, NARGS(a), 0) == 1;
}

enum kv_err api_goals_list(struct api_req *req, struct api_resp *resp)
{
	int therapist_role = req->user.role == ROLE_THERAPIST;
	long long therapist = therapist_role ? req->user.id : api_int(req, "therapist_id", 0);
	struct db_arg a[] = {ARG_INT(therapist), ARG_INT(req->user.id),
	                     ARG_INT(req->user.role == ROLE_RATER), ARG_INT(therapist_role)};
	char sql[2048];
	json_t *items;

	/* A rater sees the goals of submissions they rated; others of the lab see every meeting's
	 * goals; a therapist's own goals are theirs alone. */
	snprintf(sql, sizeof(sql),
	         "%sWHERE (?1 = 0 OR g.therapist_id = ?1) AND (?3 = 0 OR EXISTS (SELECT 1 FROM "
	         "assignments a WHERE a.submission_id = g.submission_id AND a.rater_id = ?2)) "
	         "AND (?4 = 1 OR g.meeting_id IS NOT NULL) "
	         "ORDER BY g.state = 'active' DESC, g.review_date, g.id",
	         goal_columns);
	items = db_json_rows(req->db, sql, a, NARGS(a), NULL);
	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL,
		                 "the goals could not be read; try again");
	decorate(req, items);
	api_audit(req, "goal.list", "user", therapist, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

/* The review date must lie after today (UTC); 0, or -1 with resp filled. */
static int review_date_ok(struct api_req *req, struct api_resp *resp, const char *date)
{
	char today[11];

	api_today(req->now, today);
	if (date && strcmp(date, today) <= 0) {
		api_field_error(resp, KV_EINVAL, "invalid_date", "review_date",
		                "must be a date after today, YYYY-MM-DD");
		return -1;
	}
	return 0;
}

/* An item of a rating scale on file, or no item at all; 0, or -1 with resp filled. */
static int item_ok(struct api_req *req, struct api_resp *resp)
{
	int has_inst = api_has(req, "instrument_id"), has_item = api_has(req, "item_id");
	const char *item = api_str(req, "item_id");
	struct instrument *in;
	int found;

	if (!has_inst && !has_item)
		return 0;
	if (!has_inst || !has_item) {
		api_field_error(resp, KV_EINVAL, "invalid_input",
		                has_inst ? "item_id" : "instrument_id",
		                "is required when the goal names an item of a rating scale");
		return -1;
	}
	in = api_instrument_load(req->db, api_int(req, "instrument_id", 0));
	if (!in) {
		api_field_error(resp, KV_EINVAL, "unknown_instrument", "instrument_id",
		                "is not a rating scale on file");
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

enum kv_err api_goals_create(struct api_req *req, struct api_resp *resp)
{
	long long id = 0;
	enum kv_err rc;
	json_t *goal;

	if (review_date_ok(req, resp, api_str(req, "review_date")) || item_ok(req, resp))
		return KV_EINVAL;
	{
		struct db_arg a[] = {ARG_INT(req->user.id),
		                     api_has(req, "instrument_id")
		                         ? ARG_INT(api_int(req, "instrument_id", 0))
		                         : ARG_NULL,
		                     ARG_TEXT(api_str(req, "item_id")),
		                     ARG_TEXT(api_str(req, "description")),
		                     ARG_TEXT(api_str(req, "target")),
		                     ARG_TEXT(api_str(req, "review_date")),
		                     ARG_INT(req->now)};
		if ((rc = db_begin(req->db)) != KV_OK)
			return api_error(resp, rc, NULL, "the database is busy; try again");
		rc = db_insert(
		    req->db,
		    "INSERT INTO practice_goals (therapist_id, instrument_id, item_id, "
		    "description, target, review_date, created_by, created_at, "
		    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1, ?7, ?7) RETURNING id",
		    a, NARGS(a), &id);
	}
	if (!rc)
		rc = api_audit(req, "goal.create", "goal", id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the goal could not be saved; try again");
	}
	goal = goal_json(req, id);
	if (!goal)
		return api_error(resp, KV_EINTERNAL, NULL, "the goal was saved but cannot be read");
	api_json(resp, 201, goal);
	return KV_OK;
}

enum kv_err api_goals_patch(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	const char *state = api_str(req, "state"), *review = api_str(req, "review_date");
	/* A new review date asks for a new reminder when it comes. */
	struct db_arg u[] = {ARG_TEXT(state), ARG_TEXT(review), ARG_INT(req->now),
	                     ARG_INT(req->id)};
	long long owner = db_scalar(req->db, "SELECT therapist_id FROM practice_goals WHERE id = ?",
	                            a, 1, 0),
	          sub = db_scalar(req->db, "SELECT submission_id FROM practice_goals WHERE id = ?",
	                          a, 1, 0);
	char detail[64];
	enum kv_err rc;
	json_t *goal;

	if (!owner ||
	    (req->user.role == ROLE_THERAPIST ? owner != req->user.id
	                                      : !sub || !api_may_see_submission(req, sub)))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such goal");
	if (!state && !review)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "state",
		                       "is required unless review_date is given");
	if (review_date_ok(req, resp, review))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db,
	            "UPDATE practice_goals SET state = coalesce(?1, state), review_date = "
	            "coalesce(?2, review_date), reminded_at = CASE WHEN ?2 IS NULL THEN "
	            "reminded_at END, updated_at = ?3 WHERE id = ?4",
	            u, NARGS(u), NULL);
	snprintf(detail, sizeof(detail), "%s%s%s", state ? state : "", state && review ? " " : "",
	         review ? review : "");
	if (!rc)
		rc = api_audit(req, "goal.update", "goal", req->id, "success", detail);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the goal could not be saved; try again");
	}
	goal = goal_json(req, req->id);
	if (!goal)
		return api_error(resp, KV_EINTERNAL, NULL, "the goal was saved but cannot be read");
	api_json(resp, 200, goal);
	return KV_OK;
}
