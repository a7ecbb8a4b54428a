/* Recordings, jobs and viewings in the database. The bytes live in DIR/recordings. */
#include "db/recordings.h"

#include <stdio.h>
#include <string.h>

#include "db/rows.h"
#include "util/banned.h"

enum kv_err db_recording_insert(struct db *db, long long submission_id, const char *kind,
                                const char *state, long long size, const char *content_type,
                                const void *wrapped, size_t wrapped_len, long long user_id,
                                long long now, long long expires_at, long long *id)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO recordings (submission_id, kind, state, size, content_type, "
	        "wrapped_key, created_by, created_at, updated_at, expires_at) VALUES "
	        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, submission_id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, state);
	db_bind_int(st, 4, size);
	db_bind_text(st, 5, content_type);
	db_bind_blob(st, 6, wrapped, wrapped_len);
	if (user_id)
		db_bind_int(st, 7, user_id);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, now);
	if (expires_at)
		db_bind_int(st, 10, expires_at);
	else
		db_bind_null(st, 10);
	if (db_step(st) == DB_ROW)
		*id = db_col_int(st, 0);
	else
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_recording_row(struct db *db, long long id, struct recording_row *r)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT id, submission_id, kind, state, size, received, coalesce(created_by, 0), "
	        "coalesce(expires_at, 0), coalesce(content_type, ''), "
	        "CAST(round(coalesce(duration, 0) * 1000) AS INTEGER), browser_playable, "
	        "video_codec IS NOT NULL, coalesce(container, '') FROM recordings WHERE id = ?");
	enum kv_err rc = KV_ENOTFOUND;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW) {
		memset(r, 0, sizeof(*r));
		r->id = db_col_int(st, 0);
		r->submission_id = db_col_int(st, 1);
		snprintf(r->kind, sizeof(r->kind), "%s", db_col_text(st, 2));
		snprintf(r->state, sizeof(r->state), "%s", db_col_text(st, 3));
		r->size = db_col_int(st, 4);
		r->received = db_col_int(st, 5);
		r->created_by = db_col_int(st, 6);
		r->expires_at = db_col_int(st, 7);
		snprintf(r->content_type, sizeof(r->content_type), "%s", db_col_text(st, 8));
		r->duration_ms = db_col_int(st, 9);
		r->browser_playable = (int)db_col_int(st, 10);
		r->has_video = (int)db_col_int(st, 11);
		snprintf(r->container, sizeof(r->container), "%s", db_col_text(st, 12));
		rc = KV_OK;
	}
	db_finalize(st);
	return rc;
}

enum kv_err db_recording_key(struct db *db, long long id, struct kv_buf *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT wrapped_key FROM recordings WHERE id = ? AND "
	                                    "wrapped_key IS NOT NULL");
	enum kv_err rc = KV_ENOTFOUND;
	const void *p;
	size_t len;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW) {
		p = db_col_blob(st, 0, &len);
		rc = kv_buf_add(out, p, len) ? KV_ETOOBIG : KV_OK;
	}
	db_finalize(st);
	return rc;
}

json_t *db_recording_json(struct db *db, long long id, enum kv_err *rc)
{
	static const char *const bools[] = {"browser_playable", NULL};
	struct db_arg a[] = {ARG_INT(id)};
	json_t *o = db_json_row(
	    db,
	    "SELECT r.id, r.submission_id, r.kind, r.state, r.size, r.received, r.duration, "
	    "r.container, r.video_codec, r.audio_codec, r.width, r.height, r.browser_playable, "
	    "r.sha256, r.error, r.created_at, r.completed_at, r.expires_at, r.shredded_at, "
	    "r.shred_reason, (SELECT j.progress FROM jobs j WHERE j.recording_id = r.id AND "
	    "j.state IN ('queued','running') ORDER BY j.id DESC LIMIT 1) AS job_progress "
	    "FROM recordings r WHERE r.id = ?",
	    a, NARGS(a), bools, rc);

	return o;
}

long long db_recording_of(struct db *db, long long submission_id, const char *kind)
{
	struct db_arg a[] = {ARG_INT(submission_id), ARG_TEXT(kind)};

	return db_scalar(db,
	                 "SELECT id FROM recordings WHERE submission_id = ? AND kind = ? ORDER BY "
	                 "id DESC LIMIT 1",
	                 a, NARGS(a), 0);
}

enum kv_err db_recording_lease(struct db *db, long long id, const char *owner, const char *boot,
                               long long now)
{
	/* Leases are short and renewed while bytes arrive, so a request that stalled (a client
	 * that paused, a connection that hangs) is taken over by the next one. */
	struct db_arg a[] = {ARG_TEXT(owner), ARG_INT(now + RECORDING_LEASE_SECS), ARG_INT(id),
	                     ARG_INT(now), ARG_TEXT(boot)};
	long long changed = 0;
	enum kv_err rc =
	    db_run(db,
	           "UPDATE recordings SET lease_owner = ?1, lease_until = ?2 WHERE "
	           "id = ?3 AND state = 'uploading' AND (lease_owner IS NULL OR "
	           "lease_until < ?4 OR substr(lease_owner, 1, length(?5) + 1) <> ?5 || ':')",
	           a, NARGS(a), &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

int db_recording_lease_renew(struct db *db, long long id, const char *owner, long long now)
{
	struct db_arg a[] = {ARG_INT(now + RECORDING_LEASE_SECS), ARG_INT(id), ARG_TEXT(owner)};
	long long changed = 0;

	if (db_run(db, "UPDATE recordings SET lease_until = ? WHERE id = ? AND lease_owner = ?", a,
	           NARGS(a), &changed))
		return -1;
	return changed ? 0 : -1;
}

void db_recording_release(struct db *db, long long id, const char *owner)
{
	struct db_arg a[] = {ARG_INT(id), ARG_TEXT(owner)};

	db_run(db,
	       "UPDATE recordings SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND "
	       "lease_owner = ?",
	       a, NARGS(a), NULL);
}

enum kv_err db_recording_set_received(struct db *db, long long id, long long received,
                                      const char *owner, long long now)
{
	struct db_arg a[] = {ARG_INT(received), ARG_INT(now), ARG_INT(now + RECORDING_LEASE_SECS),
	                     ARG_INT(id), ARG_TEXT(owner)};

	return db_run(
	    db,
	    "UPDATE recordings SET received = ?1, updated_at = ?2, lease_until = ?3 WHERE "
	    "id = ?4 AND lease_owner = ?5",
	    a, NARGS(a), NULL);
}

enum kv_err db_recording_set_state(struct db *db, long long id, const char *state,
                                   const char *error, long long now)
{
	struct db_arg a[] = {ARG_TEXT(state), ARG_TEXT(error), ARG_INT(now), ARG_INT(id)};

	return db_run(db,
	              "UPDATE recordings SET state = ?1, error = ?2, updated_at = ?3, "
	              "completed_at = CASE WHEN ?1 = 'verifying' THEN ?3 ELSE completed_at END, "
	              "received = CASE WHEN ?1 = 'verifying' THEN size ELSE received END, "
	              "lease_owner = NULL, lease_until = NULL WHERE id = ?4",
	              a, NARGS(a), NULL);
}

enum kv_err db_recording_set_media(struct db *db, long long id, double duration,
                                   const char *container, const char *video, const char *audio,
                                   int width, int height, int playable, const char *sha256)
{
	struct db_stmt *st =
	    db_prepare(db, "UPDATE recordings SET duration = ?, container = ?, video_codec = ?, "
	                   "audio_codec = ?, width = ?, height = ?, browser_playable = ?, "
	                   "sha256 = coalesce(?, sha256) WHERE id = ?");
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_double(st, 1, duration);
	db_bind_text(st, 2, container);
	db_bind_text(st, 3, video && video[0] ? video : NULL);
	db_bind_text(st, 4, audio && audio[0] ? audio : NULL);
	db_bind_int(st, 5, width);
	db_bind_int(st, 6, height);
	db_bind_int(st, 7, playable);
	db_bind_text(st, 8, sha256);
	db_bind_int(st, 9, id);
	if (db_step(st) != DB_DONE)
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_recording_set_size(struct db *db, long long id, long long size)
{
	struct db_arg a[] = {ARG_INT(size), ARG_INT(id)};

	return db_run(db, "UPDATE recordings SET size = ?1, received = ?1 WHERE id = ?2", a,
	              NARGS(a), NULL);
}

enum kv_err db_recording_shred(struct db *db, long long id, const char *reason, long long now)
{
	struct db_arg a[] = {ARG_TEXT(reason), ARG_INT(now), ARG_INT(id)};

	return db_run(db,
	              "UPDATE recordings SET wrapped_key = NULL, state = 'shredded', "
	              "shred_reason = ?1, shredded_at = ?2, updated_at = ?2, lease_owner = NULL "
	              "WHERE id = ?3",
	              a, NARGS(a), NULL);
}

enum kv_err db_job_add(struct db *db, const char *kind, long long recording_id, long long now)
{
	struct db_arg a[] = {ARG_TEXT(kind), ARG_INT(recording_id), ARG_INT(now)};

	return db_run(db,
	              "INSERT INTO jobs (kind, recording_id, state, run_after, created_at, "
	              "updated_at) VALUES (?1, ?2, 'queued', ?3, ?3, ?3)",
	              a, NARGS(a), NULL);
}

enum kv_err db_job_claim(struct db *db, const char *owner, long long now, long long *id,
                         char kind[16], long long *recording_id)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE jobs SET state = 'running', owner = ?1, attempts = attempts + 1, "
	        "updated_at = ?2 WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND "
	        "run_after <= ?2 ORDER BY id LIMIT 1) RETURNING id, kind, recording_id");
	enum db_step_result r;

	*id = 0;
	if (!st)
		return KV_EINTERNAL;
	db_bind_text(st, 1, owner);
	db_bind_int(st, 2, now);
	r = db_step(st);
	if (r == DB_ROW) {
		*id = db_col_int(st, 0);
		snprintf(kind, 16, "%s", db_col_text(st, 1));
		*recording_id = db_col_int(st, 2);
	}
	db_finalize(st);
	return r == DB_ERROR ? KV_EUNAVAILABLE : KV_OK;
}

enum kv_err db_job_progress(struct db *db, long long id, double progress, long long now)
{
	struct db_stmt *st =
	    db_prepare(db, "UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?");
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_double(st, 1, progress);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, id);
	if (db_step(st) != DB_DONE)
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_job_finish(struct db *db, long long id, const char *error, long long retry_at,
                          long long now)
{
	/* A failure is retried while attempts remain; then it stays failed with its error. */
	struct db_arg a[] = {ARG_TEXT(error), ARG_INT(retry_at), ARG_INT(now), ARG_INT(id)};

	return db_run(db,
	              "UPDATE jobs SET state = CASE WHEN ?1 IS NULL THEN 'done' WHEN attempts < "
	              "max_attempts THEN 'queued' ELSE 'failed' END, error = ?1, run_after = ?2, "
	              "progress = CASE WHEN ?1 IS NULL THEN 1 ELSE progress END, updated_at = ?3, "
	              "owner = NULL WHERE id = ?4",
	              a, NARGS(a), NULL);
}

enum kv_err db_job_recover(struct db *db, const char *owner, long long now)
{
	struct db_arg a[] = {ARG_TEXT(owner), ARG_INT(now)};

	return db_run(db,
	              "UPDATE jobs SET state = 'queued', owner = NULL, updated_at = ?2 WHERE "
	              "state = 'running' AND (owner IS NULL OR owner <> ?1)",
	              a, NARGS(a), NULL);
}
