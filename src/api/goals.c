/* Practice goals agreed in feedback meetings: the therapist reads and updates their own; the
 * lab's staff read those of the therapists they work with. */
#include "api/feedback.h"

#include <string.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "util/banned.h"

/* Adds each goal's item label from its instrument. */
static void add_labels(struct api_req *req, json_t *goals)
{
	json_t *g;
	size_t i, k, n;

	json_array_foreach(goals, i, g)
	{
		struct instrument *in = api_instrument_load(
		    req->db, json_integer_value(json_object_get(g, "instrument_id")));
		const char *item = json_string_value(json_object_get(g, "item_id")), *label = NULL;

		for (k = 0, n = in ? instrument_item_count(in) : 0; k < n && !label; k++)
			if (!strcmp(instrument_item_id(in, k), item))
				label = instrument_item_label(in, k, api_lang(req));
		json_object_set_new(g, "item_label", label ? json_string(label) : json_null());
		instrument_free(in);
	}
}

static const char *goal_columns =
    "SELECT g.id, g.therapist_id, u.display_name AS therapist_name, g.submission_id, "
    "g.meeting_id, g.instrument_id, i.code AS instrument_code, g.item_id, g.description, "
    "g.target, g.review_date, g.state, g.created_at, g.updated_at FROM practice_goals g JOIN "
    "users u ON u.id = g.therapist_id JOIN instruments i ON i.id = g.instrument_id ";

enum kv_err api_goals_list(struct api_req *req, struct api_resp *resp)
{
	long long therapist =
	    req->user.role == ROLE_THERAPIST ? req->user.id : api_int(req, "therapist_id", 0);
	struct db_arg a[] = {ARG_INT(therapist), ARG_INT(req->user.id),
	                     ARG_INT(req->user.role == ROLE_RATER)};
	char sql[1024];
	json_t *items;

	/* A rater sees the goals of submissions they rated; others of the lab see all. */
	snprintf(sql, sizeof(sql),
	         "%sWHERE (?1 = 0 OR g.therapist_id = ?1) AND (?3 = 0 OR EXISTS (SELECT 1 FROM "
	         "assignments a WHERE a.submission_id = g.submission_id AND a.rater_id = ?2)) "
	         "ORDER BY g.state = 'active' DESC, g.review_date, g.id",
	         goal_columns);
	items = db_json_rows(req->db, sql, a, NARGS(a), NULL);
	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL,
		                 "the goals could not be read; try again");
	add_labels(req, items);
	api_audit(req, "goal.list", "user", therapist, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_goals_patch(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	struct db_arg u[] = {ARG_TEXT(api_str(req, "state")), ARG_INT(req->now), ARG_INT(req->id)};
	long long owner = db_scalar(req->db, "SELECT therapist_id FROM practice_goals WHERE id = ?",
	                            a, 1, 0),
	          sub = db_scalar(req->db, "SELECT submission_id FROM practice_goals WHERE id = ?",
	                          a, 1, 0);
	char sql[1024];
	enum kv_err rc;
	json_t *goal;

	if (!owner || (req->user.role == ROLE_THERAPIST ? owner != req->user.id
	                                                : !api_may_see_submission(req, sub)))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such goal");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db, "UPDATE practice_goals SET state = ?1, updated_at = ?2 WHERE id = ?3",
	            u, NARGS(u), NULL);
	if (!rc)
		rc = api_audit(req, "goal.update", "goal", req->id, "success",
		               api_str(req, "state"));
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the goal could not be saved; try again");
	}
	snprintf(sql, sizeof(sql), "%sWHERE g.id = ?", goal_columns);
	goal = db_json_rows(req->db, sql, a, 1, NULL);
	add_labels(req, goal);
	api_json(resp, 200, json_incref(json_array_get(goal, 0)));
	json_decref(goal);
	return KV_OK;
}
