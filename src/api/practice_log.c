/* The practice log: a therapist's own entries (date, minutes, activity, the domain it trains,
 * the goal it serves, a short reflection), and the time spent watching one's own recording,
 * which the player reports and the server logs by itself, capped so it cannot be inflated.
 * Nobody else reads or writes a therapist's log; the lab sees only pseudonymised figures. */
#include "api/practice.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/practice.h"
#include "core/token.h"
#include "db/rows.h"
#include "util/banned.h"

#define LOG_LIMIT 1000

static const char *log_columns =
    "SELECT l.id, l.date, l.minutes, l.activity, l.domain, l.goal_id, g.description AS "
    "goal_description, l.reflection, l.source, l.recording_id, r.submission_id, l.seconds, "
    "l.created_at, l.updated_at FROM practice_log l LEFT JOIN practice_goals g ON g.id = "
    "l.goal_id LEFT JOIN recordings r ON r.id = l.recording_id ";

/* The therapist's entry, not deleted; NULL when there is none. */
static json_t *entry_json(struct api_req *req, long long id)
{
	struct db_arg a[] = {ARG_INT(id), ARG_INT(req->user.id)};
	char sql[1024];
	enum kv_err rc;

	snprintf(sql, sizeof(sql),
	         "%sWHERE l.id = ? AND l.therapist_id = ? AND l.deleted_at IS NULL", log_columns);
	return db_json_row(req->db, sql, a, NARGS(a), NULL, &rc);
}

enum kv_err api_practice_log_list(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->user.id), ARG_TEXT(api_str(req, "from")),
	                     ARG_TEXT(api_str(req, "to")), ARG_INT(api_int(req, "goal_id", 0)),
	                     ARG_INT(api_int(req, "limit", 200))};
	char sql[1536];
	json_t *items;

	snprintf(sql, sizeof(sql),
	         "%sWHERE l.therapist_id = ?1 AND l.deleted_at IS NULL AND (?2 IS NULL OR l.date "
	         ">= ?2) AND (?3 IS NULL OR l.date <= ?3) AND (?4 = 0 OR l.goal_id = ?4) ORDER BY "
	         "l.date DESC, l.id DESC LIMIT ?5",
	         log_columns);
	items = db_json_rows(req->db, sql, a, NARGS(a), NULL);
	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the log could not be read; try again");
	api_audit(req, "practice.log.list", "user", req->user.id, "success", NULL);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

/* Checks what the router cannot: a date not in the future, and a goal of this therapist's.
 * 0, or -1 with resp filled. */
static int entry_ok(struct api_req *req, struct api_resp *resp)
{
	const char *date = api_str(req, "date");
	char today[11];

	api_today(req->now, today);
	if (date && strcmp(date, today) > 0) {
		api_field_error(resp, KV_EINVAL, "future_date", "date",
		                "must not be in the future");
		return -1;
	}
	/* goal_id 0 means no goal (null would mean "not given", as everywhere in the API). */
	if (api_int(req, "goal_id", 0) &&
	    !api_practice_goal_mine(req, api_int(req, "goal_id", 0))) {
		api_field_error(resp, KV_EINVAL, "unknown_goal", "goal_id",
		                "is not one of your goals");
		return -1;
	}
	return 0;
}

/* Commits with an audit event and answers with the entry. */
static enum kv_err finish(struct api_req *req, struct api_resp *resp, enum kv_err rc,
                          const char *action, long long id, int status)
{
	json_t *entry;

	if (!rc)
		rc = api_audit(req, action, "practice_log", id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the log entry could not be saved; try again");
	}
	if (status == 204) {
		api_json(resp, 204, NULL);
		return KV_OK;
	}
	entry = entry_json(req, id);
	if (!entry)
		return api_error(resp, KV_EINTERNAL, NULL,
		                 "the entry was saved but cannot be read");
	api_json(resp, status, entry);
	return KV_OK;
}

enum kv_err api_practice_log_create(struct api_req *req, struct api_resp *resp)
{
	const char *reflection = api_str(req, "reflection");
	struct db_arg a[] = {ARG_INT(req->user.id),
	                     ARG_TEXT(api_str(req, "date")),
	                     ARG_INT(api_int(req, "minutes", 0)),
	                     ARG_TEXT(api_str(req, "activity")),
	                     ARG_TEXT(api_str(req, "domain")),
	                     ARG_ID(api_int(req, "goal_id", 0)),
	                     ARG_TEXT(reflection ? reflection : ""),
	                     ARG_INT(req->now)};
	long long id = 0;
	enum kv_err rc;

	if (entry_ok(req, resp))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_insert(req->db,
	               "INSERT INTO practice_log (therapist_id, date, minutes, activity, domain, "
	               "goal_id, reflection, source, created_at, updated_at) VALUES (?1, ?2, ?3, "
	               "?4, ?5, ?6, ?7, 'manual', ?8, ?8) RETURNING id",
	               a, NARGS(a), &id);
	return finish(req, resp, rc, "practice.log.create", id, 201);
}

enum kv_err api_practice_log_patch(struct api_req *req, struct api_resp *resp)
{
	static const char *const fixed[] = {"date", "minutes", "activity", NULL};
	json_t *entry = entry_json(req, req->id);
	const char *const *f;
	const char *source;
	enum kv_err rc;

	if (!entry)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such log entry");
	source = json_string_value(json_object_get(entry, "source"));
	/* What the player measured stays as measured: the reflection, domain and goal may change. */
	for (f = fixed; source && !strcmp(source, "recording_review") && *f; f++)
		if (api_has(req, *f)) {
			json_decref(entry);
			return api_field_error(resp, KV_ERULE, "logged_automatically", *f,
			                       "was logged by the player and cannot be changed");
		}
	json_decref(entry);
	if (entry_ok(req, resp))
		return KV_EINVAL;
	{
		/* goal_id 0 removes the goal; absent leaves it. */
		struct db_arg a[] = {ARG_TEXT(api_str(req, "date")),
		                     api_has(req, "minutes") ? ARG_INT(api_int(req, "minutes", 0))
		                                             : ARG_NULL,
		                     ARG_TEXT(api_str(req, "activity")),
		                     ARG_TEXT(api_str(req, "domain")),
		                     ARG_ID(api_int(req, "goal_id", 0)),
		                     ARG_INT(api_has(req, "goal_id")),
		                     ARG_TEXT(api_str(req, "reflection")),
		                     ARG_INT(req->now),
		                     ARG_INT(req->id)};
		if ((rc = db_begin(req->db)) != KV_OK)
			return api_error(resp, rc, NULL, "the database is busy; try again");
		rc = db_run(
		    req->db,
		    "UPDATE practice_log SET date = coalesce(?1, date), minutes = coalesce(?2, "
		    "minutes), activity = coalesce(?3, activity), domain = coalesce(?4, "
		    "domain), goal_id = CASE WHEN ?6 THEN ?5 ELSE goal_id END, reflection = "
		    "coalesce(?7, reflection), updated_at = ?8 WHERE id = ?9",
		    a, NARGS(a), NULL);
	}
	return finish(req, resp, rc, "practice.log.update", req->id, 200);
}

enum kv_err api_practice_log_delete(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->id), ARG_INT(req->user.id)};
	long long changed = 0;
	enum kv_err rc;

	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_run(req->db,
	            "UPDATE practice_log SET deleted_at = ?1, updated_at = ?1 WHERE id = ?2 AND "
	            "therapist_id = ?3 AND deleted_at IS NULL",
	            a, NARGS(a), &changed);
	if (!rc && !changed) {
		db_rollback(req->db);
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such log entry");
	}
	return finish(req, resp, rc, "practice.log.delete", req->id, 204);
}

/* The viewing behind a token, with its recording: NULL (resp filled) unless it is this
 * therapist's viewing of their own recording, unexpired, and the recording still exists. */
static json_t *own_viewing(struct api_req *req, struct api_resp *resp, const uint8_t *hash)
{
	struct db_stmt *st;
	json_t *v = NULL;
	int found = 0;

	st = db_prepare(req->db,
	                "SELECT v.recording_id, v.created_at, v.expires_at, r.state, r.duration, "
	                "r.wrapped_key IS NOT NULL, s.id, s.therapist_id FROM viewings v JOIN "
	                "recordings r ON r.id = v.recording_id JOIN submissions s ON s.id = "
	                "r.submission_id WHERE v.token_hash = ? AND v.user_id = ?");
	if (!st) {
		api_error(resp, KV_EINTERNAL, NULL, "the viewing could not be read; try again");
		return NULL;
	}
	db_bind_blob(st, 1, hash, TOKEN_HASH_LEN);
	db_bind_int(st, 2, req->user.id);
	if (db_step(st) == DB_ROW) {
		found = 1;
		if (db_col_int(st, 7) != req->user.id)
			api_error(resp, KV_ERULE, "not_own_recording",
			          "only watching your own recording counts as practice");
		else if (db_col_int(st, 2) <= req->now)
			api_error(resp, KV_ECONFLICT, "viewing_expired",
			          "this viewing has ended; start a new one");
		else if (!strcmp(db_col_text(st, 3), "shredded") || !db_col_int(st, 5))
			api_error(resp, KV_ECONFLICT, "recording_gone",
			          "the recording has been destroyed");
		else
			v = json_pack("{s:I, s:I, s:f, s:I}", "recording_id",
			              (json_int_t)db_col_int(st, 0), "created_at",
			              (json_int_t)db_col_int(st, 1), "duration",
			              db_col_is_null(st, 4) ? 0.0 : db_col_double(st, 4),
			              "submission_id", (json_int_t)db_col_int(st, 6));
	}
	db_finalize(st);
	if (!found)
		api_error(resp, KV_ENOTFOUND, "not_found", "no such viewing");
	return v;
}

/* The log row of this viewing: its id, seconds and whether it was deleted; 0 when none. */
static long long review_row(struct db *db, const uint8_t *hash, long long *seconds, int *deleted)
{
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT id, seconds, deleted_at IS NOT NULL FROM practice_log WHERE viewing_hash = ?");
	long long id = 0;

	*seconds = 0;
	*deleted = 0;
	if (!st)
		return -1;
	db_bind_blob(st, 1, hash, TOKEN_HASH_LEN);
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		*seconds = db_col_int(st, 1);
		*deleted = (int)db_col_int(st, 2);
	}
	db_finalize(st);
	return id;
}

/* The submission's only active goal of this therapist's, or 0 when none or several. */
static long long only_goal(struct api_req *req, long long sub)
{
	struct db_arg a[] = {ARG_INT(sub), ARG_INT(req->user.id)};

	return db_scalar(req->db,
	                 "SELECT CASE WHEN count(*) = 1 THEN max(id) ELSE 0 END FROM "
	                 "practice_goals WHERE submission_id = ? AND therapist_id = ? AND state = "
	                 "'active'",
	                 a, NARGS(a), 0);
}

static enum kv_err insert_review(struct api_req *req, const json_t *v, const uint8_t *hash,
                                 long long seconds, long long *id)
{
	char date[11];
	struct db_stmt *st;
	long long goal = only_goal(req, json_integer_value(json_object_get(v, "submission_id")));
	enum kv_err rc = KV_OK;

	api_today(json_integer_value(json_object_get(v, "created_at")), date);
	st = db_prepare(req->db,
	                "INSERT INTO practice_log (therapist_id, date, minutes, activity, goal_id, "
	                "source, recording_id, viewing_hash, seconds, created_at, updated_at) "
	                "VALUES (?, ?, ?, 'recording_review', ?, 'recording_review', ?, ?, ?, ?, "
	                "?) RETURNING id");
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, req->user.id);
	db_bind_text(st, 2, date);
	db_bind_int(st, 3, practice_minutes(seconds));
	if (goal)
		db_bind_int(st, 4, goal);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, json_integer_value(json_object_get(v, "recording_id")));
	db_bind_blob(st, 6, hash, TOKEN_HASH_LEN);
	db_bind_int(st, 7, seconds);
	db_bind_int(st, 8, req->now);
	db_bind_int(st, 9, req->now);
	if (db_step(st) == DB_ROW)
		*id = db_col_int(st, 0);
	else
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err api_practice_review(struct api_req *req, struct api_resp *resp)
{
	uint8_t hash[TOKEN_HASH_LEN];
	long long stored = 0, total, id = 0;
	int deleted = 0, minutes, before;
	enum kv_err rc;
	json_t *v, *entry = NULL;

	token_hash(api_str(req, "viewing"), hash);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (!(v = own_viewing(req, resp, hash))) {
		db_rollback(req->db);
		return KV_EINVAL;
	}
	id = review_row(req->db, hash, &stored, &deleted);
	total = practice_review_seconds(
	    stored, api_int(req, "seconds", 0), json_real_value(json_object_get(v, "duration")),
	    req->now - json_integer_value(json_object_get(v, "created_at")));
	minutes = practice_minutes(total);
	before = practice_minutes(stored);
	if (id < 0) {
		rc = KV_EINTERNAL;
	} else if (deleted || (!id && minutes < PRACTICE_MIN_MINUTES)) {
		/* Deleted by the therapist: stays deleted. Under half a minute: nothing to log. */
		rc = KV_OK;
	} else if (!id) {
		rc = insert_review(req, v, hash, total, &id);
		if (!rc)
			rc = api_audit(req, "practice.review", "practice_log", id, "success", NULL);
	} else if (total > stored) {
		struct db_arg a[] = {ARG_INT(total), ARG_INT(minutes), ARG_INT(req->now),
		                     ARG_INT(id)};
		rc = db_run(req->db,
		            "UPDATE practice_log SET seconds = ?1, minutes = ?2, updated_at = ?3 "
		            "WHERE id = ?4",
		            a, NARGS(a), NULL);
		if (!rc && minutes != before)
			rc = api_audit(req, "practice.review", "practice_log", id, "success", NULL);
	}
	json_decref(v);
	if (!rc)
		rc = db_commit(req->db);
	sodium_memzero(hash, sizeof(hash));
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the practice time could not be saved; try again");
	}
	if (id > 0 && !deleted)
		entry = entry_json(req, id);
	api_json(resp, 200,
	         json_pack("{s:I, s:i, s:o}", "seconds", (json_int_t)(deleted ? stored : total),
	                   "minutes", entry ? minutes : 0, "entry", entry ? entry : json_null()));
	return KV_OK;
}
