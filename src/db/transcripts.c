/* Transcripts in the database: the sealed cues, their replacement and their destruction. */
#include "db/transcripts.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "db/rows.h"
#include "util/banned.h"

enum kv_err db_transcript_current(struct db *db, long long submission_id, struct transcript_row *r,
                                  struct kv_buf *sealed, int *shredded)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT id, submission_id, format, cue_count, coalesce(created_by, 0), created_at, "
	        "sealed FROM transcripts WHERE submission_id = ? AND replaced_at IS NULL AND "
	        "shredded_at IS NULL AND sealed IS NOT NULL ORDER BY id DESC LIMIT 1");
	enum kv_err rc = KV_OK;
	const void *blob;
	size_t len;

	if (shredded)
		*shredded = 0;
	if (!st)
		return KV_EINTERNAL;
	memset(r, 0, sizeof(*r));
	db_bind_int(st, 1, submission_id);
	switch (db_step(st)) {
	case DB_ROW:
		r->id = db_col_int(st, 0);
		r->submission_id = db_col_int(st, 1);
		snprintf(r->format, sizeof(r->format), "%s", db_col_text(st, 2));
		r->cue_count = db_col_int(st, 3);
		r->created_by = db_col_int(st, 4);
		r->created_at = db_col_int(st, 5);
		blob = db_col_blob(st, 6, &len);
		if (sealed && kv_buf_add(sealed, blob, len))
			rc = KV_EINTERNAL;
		break;
	case DB_DONE:
		rc = KV_ENOTFOUND;
		break;
	default:
		rc = db_stmt_err(st);
	}
	db_finalize(st);
	if (rc == KV_ENOTFOUND && shredded) {
		struct db_arg a[] = {ARG_INT(submission_id)};
		*shredded = db_scalar(db,
		                      "SELECT shredded_at IS NOT NULL FROM transcripts WHERE "
		                      "submission_id = ? ORDER BY id DESC LIMIT 1",
		                      a, NARGS(a), 0) == 1;
	}
	return rc;
}

enum kv_err db_transcript_insert(struct db *db, long long submission_id, const char *format,
                                 long long cue_count, long long user_id, long long now,
                                 long long *id)
{
	struct db_arg a[] = {ARG_INT(submission_id), ARG_TEXT(format), ARG_INT(cue_count),
	                     ARG_ID(user_id), ARG_INT(now)};

	return db_insert(db,
	                 "INSERT INTO transcripts (submission_id, format, cue_count, created_by, "
	                 "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                 a, NARGS(a), id);
}

enum kv_err db_transcript_set_sealed(struct db *db, long long id, const void *sealed, size_t len)
{
	struct db_stmt *st = db_prepare(db, "UPDATE transcripts SET sealed = ? WHERE id = ?");
	enum kv_err rc;

	if (!st)
		return KV_EINTERNAL;
	db_bind_blob(st, 1, sealed, len);
	db_bind_int(st, 2, id);
	rc = db_step(st) == DB_DONE ? KV_OK : db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_transcript_retire(struct db *db, long long submission_id, long long now,
                                 long long *id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};
	struct db_arg b[] = {ARG_INT(now), ARG_INT(submission_id)};
	long long current = db_scalar(db,
	                              "SELECT id FROM transcripts WHERE submission_id = ? AND "
	                              "replaced_at IS NULL AND shredded_at IS NULL ORDER BY id "
	                              "DESC LIMIT 1",
	                              a, NARGS(a), 0);

	if (id)
		*id = current;
	return db_run(db,
	              "UPDATE transcripts SET sealed = NULL, replaced_at = ?1 WHERE submission_id "
	              "= ?2 AND replaced_at IS NULL AND shredded_at IS NULL",
	              b, NARGS(b), NULL);
}

enum kv_err db_transcripts_shred_with(struct db *db, long long recording, long long now,
                                      json_t **ids)
{
	struct db_arg a[] = {ARG_INT(recording)};
	struct db_arg b[] = {ARG_INT(now), ARG_INT(recording)};
	json_t *rows = NULL;
	enum kv_err rc;

	if (ids) {
		rows = db_json_rows(db,
		                    "SELECT id FROM transcripts WHERE submission_id = (SELECT "
		                    "submission_id FROM recordings WHERE id = ? AND kind = "
		                    "'original') AND shredded_at IS NULL ORDER BY id",
		                    a, NARGS(a), NULL);
		if (!rows)
			return KV_EINTERNAL;
	}
	rc = db_run(db,
	            "UPDATE transcripts SET sealed = NULL, shredded_at = ?1 WHERE submission_id = "
	            "(SELECT submission_id FROM recordings WHERE id = ?2 AND kind = 'original') "
	            "AND shredded_at IS NULL",
	            b, NARGS(b), NULL);
	if (ids && !rc)
		*ids = rows;
	else
		json_decref(rows);
	return rc;
}
