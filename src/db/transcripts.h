/* Stored transcripts: one current row per submission, its cues sealed under the master key.
 * replaced_at marks a row that is no longer the submission's transcript (a newer import or a
 * deletion); shredded_at one destroyed with the recording. Either way its sealed blob is gone. */
#ifndef KV_DB_TRANSCRIPTS_H
#define KV_DB_TRANSCRIPTS_H

#include <jansson.h>

#include "db/db.h"
#include "util/buf.h"

struct transcript_row {
	long long id, submission_id, cue_count, created_by, created_at;
	char format[8];
};

/* The submission's current transcript and its sealed cues (into sealed, which may be NULL).
 * KV_ENOTFOUND when there is none; *shredded (may be NULL) then says whether the last one was
 * destroyed with the recording. */
enum kv_err db_transcript_current(struct db *db, long long submission_id, struct transcript_row *r,
                                  struct kv_buf *sealed, int *shredded);
/* A new current row without its cues yet (they are sealed under its id). */
enum kv_err db_transcript_insert(struct db *db, long long submission_id, const char *format,
                                 long long cue_count, long long user_id, long long now,
                                 long long *id);
enum kv_err db_transcript_set_sealed(struct db *db, long long id, const void *sealed, size_t len);
/* Retires the submission's current transcript (replaced or deleted) and wipes its cues.
 * *id (may be NULL) gets the retired row's id, 0 when there was none. */
enum kv_err db_transcript_retire(struct db *db, long long submission_id, long long now,
                                 long long *id);
/* Wipes every transcript of the submission whose original recording is `recording` (nothing
 * for another kind of recording) and marks them shredded. The ids wiped, as a JSON array of
 * {"id": n} rows, go to *ids (may be NULL; free with json_decref). */
enum kv_err db_transcripts_shred_with(struct db *db, long long recording, long long now,
                                      json_t **ids);

#endif
