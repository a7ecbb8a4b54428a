/* Playing recordings: status for the UI, an audited viewing per playback, and the media itself
 * with HTTP range requests, decrypting only the chunks a range needs. */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db/recordings.h"
#include "db/rows.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "vault/recording.h"
#include "util/banned.h"

#define VIEWING_SECS (6 * 3600)

/* The original recording with this id, if the user may see its submission. */
static int visible_recording(struct api_req *req, struct api_resp *resp, struct recording_row *r)
{
	if (db_recording_row(req->db, req->id, r) != KV_OK || strcmp(r->kind, "original") ||
	    (!api_may_see_submission(req, r->submission_id) &&
	     !api_calibration_trainee(req, r->submission_id))) {
		if (req->user.role == ROLE_RATER && db_recording_row(req->db, req->id, r) == KV_OK)
			api_error(resp, KV_EPERM, "not_assigned",
			          "you are not assigned to rate this submission");
		else
			api_error(resp, KV_ENOTFOUND, "not_found", "no such recording");
		return -1;
	}
	return 0;
}

/* The file to play: the original when browsers can play it, else its ready playable copy. */
static long long playable_id(struct db *db, const struct recording_row *orig)
{
	if (!strcmp(orig->state, "ready") && orig->browser_playable)
		return orig->id;
	{
		struct db_arg a[] = {ARG_INT(orig->submission_id)};
		return db_scalar(db,
		                 "SELECT id FROM recordings WHERE submission_id = ? AND kind = "
		                 "'playable' AND state = 'ready' ORDER BY id DESC LIMIT 1",
		                 a, 1, 0);
	}
}

json_t *api_recording_status(struct db *db, long long id)
{
	struct recording_row r;
	enum kv_err rc;
	json_t *o = db_recording_json(db, id, &rc);

	if (!o)
		return NULL;
	json_object_del(o, "sha256");
	if (db_recording_row(db, id, &r) == KV_OK)
		json_object_set_new(o, "playable", json_boolean(playable_id(db, &r) != 0));
	return o;
}

enum kv_err api_recordings_get(struct api_req *req, struct api_resp *resp)
{
	struct recording_row r;
	json_t *o;

	if (visible_recording(req, resp, &r))
		return KV_ENOTFOUND;
	o = api_recording_status(req->db, r.id);
	if (!o)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such recording");
	/* The lab may compare bytes; the hash is of the original as uploaded. */
	if (req->user.role == ROLE_LAB_ADMIN || req->user.role == ROLE_THERAPIST) {
		enum kv_err rc;
		json_t *full = db_recording_json(req->db, r.id, &rc);
		json_object_set(o, "sha256", json_object_get(full, "sha256"));
		json_decref(full);
	}
	api_json(resp, 200, o);
	return KV_OK;
}

enum kv_err api_recordings_viewing(struct api_req *req, struct api_resp *resp)
{
	struct recording_row r;
	char token[TOKEN_TEXT_MAX], url[160];
	uint8_t hash[TOKEN_HASH_LEN];
	struct db_stmt *st;
	enum kv_err rc;

	if (visible_recording(req, resp, &r))
		return KV_ENOTFOUND;
	if (!playable_id(req->db, &r))
		return api_error(resp, KV_ECONFLICT, "not_playable",
		                 !strcmp(r.state, "shredded")
		                     ? "the recording has been destroyed"
		                     : "the recording is not ready to play yet");
	token_generate("v_", token);
	token_hash(token, hash);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	st = db_prepare(req->db, "INSERT INTO viewings (token_hash, user_id, recording_id, "
	                         "created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
	db_bind_blob(st, 1, hash, sizeof(hash));
	db_bind_int(st, 2, req->user.id);
	db_bind_int(st, 3, r.id);
	db_bind_int(st, 4, req->now);
	db_bind_int(st, 5, req->now + VIEWING_SECS);
	rc = db_step(st) == DB_DONE ? KV_OK : KV_EINTERNAL;
	db_finalize(st);
	/* One audit row per viewing, however many range requests the player makes. */
	if (!rc)
		rc = api_audit(req, "recording.view", "recording", r.id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the viewing could not be started; try again");
	}
	snprintf(url, sizeof(url), "/api/recordings/%lld/media?viewing=%s", r.id, token);
	api_json(resp, 201,
	         json_pack("{s:s, s:s, s:o}", "viewing", token, "media_url", url, "expires_at",
	                   api_time(req->now + VIEWING_SECS)));
	sodium_memzero(token, sizeof(token));
	return KV_OK;
}

struct media_out {
	struct vault_reader *r;
	uint64_t first;
};

static long long media_read(void *ctx, uint64_t pos, char *buf, size_t max)
{
	struct media_out *m = ctx;
	enum vault_chunk_err err;
	long long n = vault_reader_pread(m->r, buf, max, m->first + pos, &err);

	if (n < 0)
		fprintf(stderr, "kvalab: refusing to serve a damaged recording: %s\n",
		        vault_chunk_strerror(err));
	return n;
}

static void media_free(void *ctx)
{
	struct media_out *m = ctx;

	vault_reader_close(m->r);
	free(m);
}

static const char *media_type(const struct recording_row *r)
{
	if (!strcmp(r->kind, "playable"))
		return r->has_video ? "video/mp4" : "audio/mp4";
	if (strstr(r->container, "webm") || strstr(r->container, "matroska"))
		return r->has_video ? "video/webm" : "audio/webm";
	if (strstr(r->container, "ogg"))
		return "audio/ogg";
	if (strstr(r->container, "mp3"))
		return "audio/mpeg";
	if (strstr(r->container, "wav"))
		return "audio/wav";
	return r->has_video ? "video/mp4" : "audio/mp4";
}

/* Parses one "bytes=a-b" range against size. 0: whole file; 1: range; -1: unsatisfiable. */
static int parse_range(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
	const char *dash;
	long long a, b;

	if (!h || strncmp(h, "bytes=", 6) || strchr(h, ','))
		return 0; /* no range, or several: the whole file is the valid answer */
	h += 6;
	dash = strchr(h, '-');
	if (!dash)
		return 0;
	if (dash == h) { /* the last n bytes */
		if (parse_llong_str(dash + 1, 1, (long long)1 << 62, &b))
			return 0;
		if (size == 0)
			return -1;
		*first = (uint64_t)b >= size ? 0 : size - (uint64_t)b;
		*last = size - 1;
		return 1;
	}
	if (parse_llong(h, (size_t)(dash - h), 0, (long long)1 << 62, &a))
		return 0;
	if ((uint64_t)a >= size)
		return -1;
	*first = (uint64_t)a;
	*last = size - 1;
	if (dash[1]) {
		if (parse_llong_str(dash + 1, 0, (long long)1 << 62, &b) || b < a)
			return 0;
		if ((uint64_t)b < *last)
			*last = (uint64_t)b;
	}
	return 1;
}

enum kv_err api_recordings_media(struct api_req *req, struct api_resp *resp)
{
	struct recording_row orig, file;
	struct media_out *m;
	uint8_t hash[TOKEN_HASH_LEN], key[32];
	char path[4096], range[96];
	const char *token = api_query(req, "viewing");
	uint64_t first = 0, last = 0;
	long long play;
	enum vault_chunk_err err;
	int ranged;
	struct db_stmt *st;
	int valid = 0;

	if (visible_recording(req, resp, &orig))
		return KV_ENOTFOUND;
	if (!token)
		return api_error(resp, KV_EPERM, "no_viewing",
		                 "start a viewing first (POST /api/recordings/{id}/viewings)");
	token_hash(token, hash);
	st = db_prepare(req->db, "SELECT 1 FROM viewings WHERE token_hash = ? AND user_id = ? AND "
	                         "recording_id = ? AND expires_at > ?");
	db_bind_blob(st, 1, hash, sizeof(hash));
	db_bind_int(st, 2, req->user.id);
	db_bind_int(st, 3, orig.id);
	db_bind_int(st, 4, req->now);
	valid = db_step(st) == DB_ROW;
	db_finalize(st);
	if (!valid)
		return api_error(resp, KV_EPERM, "viewing_expired",
		                 "this viewing is unknown or has expired; start a new one");
	play = playable_id(req->db, &orig);
	if (!play || db_recording_row(req->db, play, &file) != KV_OK ||
	    api_recording_key(req->ctx, req->db, play, key) ||
	    api_recording_path(req->ctx, play, path, sizeof(path)))
		return api_error(resp, KV_ECONFLICT, "not_playable",
		                 "the recording cannot be played");
	m = xcalloc(1, sizeof(*m));
	m->r = vault_reader_open(path, key, (uint64_t)play, (uint64_t)file.size, &err);
	sodium_memzero(key, sizeof(key));
	if (!m->r) {
		free(m);
		fprintf(stderr, "kvalab: recording %lld is damaged: %s\n", play,
		        vault_chunk_strerror(err));
		return api_error(resp, KV_EINTERNAL, "damaged", "the stored recording is damaged");
	}
	ranged = parse_range(api_req_header(req, "Range"), (uint64_t)file.size, &first, &last);
	if (ranged < 0) {
		media_free(m);
		snprintf(range, sizeof(range), "bytes */%lld", file.size);
		api_error(resp, KV_EINVAL, "range_not_satisfiable", "the range lies past the end");
		resp->status = 416;
		api_header(resp, "Content-Range", range);
		return KV_EINVAL;
	}
	if (!ranged) {
		first = 0;
		last = file.size ? (uint64_t)file.size - 1 : 0;
	}
	m->first = first;
	resp->out = xcalloc(1, sizeof(*resp->out));
	resp->out->size = file.size ? last - first + 1 : 0;
	resp->out->type = media_type(&file);
	resp->out->read = media_read;
	resp->out->free = media_free;
	resp->out->ctx = m;
	resp->status = ranged ? 206 : 200;
	api_header(resp, "Accept-Ranges", "bytes");
	if (ranged) {
		snprintf(range, sizeof(range), "bytes %llu-%llu/%lld", (unsigned long long)first,
		         (unsigned long long)last, file.size);
		api_header(resp, "Content-Range", range);
	}
	return KV_OK;
}
