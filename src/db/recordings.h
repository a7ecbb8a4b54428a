/* Stored recordings (their keys, progress and media facts), background jobs and viewings. */
#ifndef KV_DB_RECORDINGS_H
#define KV_DB_RECORDINGS_H

#include <jansson.h>

#include "db/db.h"
#include "util/buf.h"

struct recording_row {
	long long id, submission_id, size, received, created_by, expires_at;
	char kind[16], state[16], content_type[64];
	long long duration_ms;
	int browser_playable;
	int has_video;
	char container[64];
};

enum kv_err db_recording_insert(struct db *db, long long submission_id, const char *kind,
                                const char *state, long long size, const char *content_type,
                                const void *wrapped, size_t wrapped_len, long long user_id,
                                long long now, long long expires_at, long long *id);
enum kv_err db_recording_row(struct db *db, long long id, struct recording_row *r);
/* The wrapped data key (KV_ENOTFOUND once shredded). */
enum kv_err db_recording_key(struct db *db, long long id, struct kv_buf *out);
/* The recording as the API shows it (no key). */
json_t *db_recording_json(struct db *db, long long id, enum kv_err *rc);
/* The newest recording of a kind for a submission (0 when none). */
long long db_recording_of(struct db *db, long long submission_id, const char *kind);
/* Seconds an upload stays leased to a request without news from it. */
#define RECORDING_LEASE_SECS 3

/* Takes the upload for one request (owner names it, prefixed by the process's boot id);
 * KV_ECONFLICT while another request of this process that is still receiving bytes holds it.
 * A lease of another process (one that crashed) is taken over at once. */
enum kv_err db_recording_lease(struct db *db, long long id, const char *owner, const char *boot,
                               long long now);
/* Renews the lease while bytes arrive; -1 when another request has taken the upload over. */
int db_recording_lease_renew(struct db *db, long long id, const char *owner, long long now);
void db_recording_release(struct db *db, long long id, const char *owner);
enum kv_err db_recording_set_received(struct db *db, long long id, long long received,
                                      const char *owner, long long now);
enum kv_err db_recording_set_state(struct db *db, long long id, const char *state,
                                   const char *error, long long now);
enum kv_err db_recording_set_media(struct db *db, long long id, double duration,
                                   const char *container, const char *video, const char *audio,
                                   int width, int height, int playable, const char *sha256);
enum kv_err db_recording_set_size(struct db *db, long long id, long long size);
/* Forgets the data key (the recording is unreadable from here on) and marks it shredded. */
enum kv_err db_recording_shred(struct db *db, long long id, const char *reason, long long now);

enum kv_err db_job_add(struct db *db, const char *kind, long long recording_id, long long now);
/* Claims the oldest due job for owner; *id = 0 when there is none. */
enum kv_err db_job_claim(struct db *db, const char *owner, long long now, long long *id,
                         char kind[16], long long *recording_id);
enum kv_err db_job_progress(struct db *db, long long id, double progress, long long now);
enum kv_err db_job_finish(struct db *db, long long id, const char *error, long long retry_at,
                          long long now);
/* Jobs left running by another process (a crash) go back to the queue. */
enum kv_err db_job_recover(struct db *db, const char *owner, long long now);

#endif
