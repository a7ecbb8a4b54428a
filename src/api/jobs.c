/* Background jobs of the vault: checking an uploaded recording is real media (ffprobe) and
 * making a browser-playable copy (ffmpeg) when needed. Jobs live in the database, so they
 * survive a restart; a failed job is retried a bounded number of times. Plaintext flows from
 * the decrypting reader into the child's stdin and back into an encrypting writer. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "core/workflow.h"
#include "db/recordings.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "vault/media.h"
#include "vault/recording.h"
#include "util/banned.h"

#define RETRY_DELAY 30

struct source {
	struct vault_reader *r;
	uint64_t pos;
	EVP_MD_CTX *sha; /* the plaintext's SHA-256, computed on the way */
	enum vault_chunk_err err;
};

static int source_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct source *s = ctx;
	long long n = vault_reader_pread(s->r, buf, cap, s->pos, &s->err);

	if (n < 0)
		return -1;
	if (s->sha && n)
		EVP_DigestUpdate(s->sha, buf, (size_t)n);
	s->pos += (uint64_t)n;
	*got = (size_t)n;
	return 0;
}

struct sink {
	struct vault_writer *w;
	uint64_t bytes;
};

static int sink_write(void *ctx, const void *buf, size_t len)
{
	struct sink *k = ctx;

	k->bytes += len;
	return vault_writer_write(k->w, buf, len);
}

struct progress {
	struct db *db;
	long long job;
	double last;
};

static void on_progress(void *ctx, double f)
{
	struct progress *p = ctx;

	if (f - p->last >= 0.01 || f >= 1) {
		p->last = f;
		db_job_progress(p->db, p->job, f, (long long)time(NULL));
	}
}

/* An audit event written by the server itself. */
static void system_audit(struct api_ctx *ctx, struct db *db, const char *action,
                         long long recording, const char *outcome, const char *detail)
{
	struct api_req req;

	memset(&req, 0, sizeof(req));
	req.ctx = ctx;
	req.db = db;
	api_audit_as(&req, 0, "(kvalab)", "system", action, "recording", recording, outcome,
	             detail);
}

static int open_source(struct api_ctx *ctx, struct db *db, const struct recording_row *row,
                       struct source *src, char *err, size_t errlen)
{
	uint8_t key[32];
	char path[4096];

	memset(src, 0, sizeof(*src));
	if (api_recording_key(ctx, db, row->id, key) ||
	    api_recording_path(ctx, row->id, path, sizeof(path))) {
		snprintf(err, errlen, "the recording's key is gone");
		return -1;
	}
	src->r = vault_reader_open(path, key, (uint64_t)row->id, (uint64_t)row->size, &src->err);
	sodium_memzero(key, sizeof(key));
	if (!src->r) {
		snprintf(err, errlen, "the stored recording is damaged: %s",
		         vault_chunk_strerror(src->err));
		return -1;
	}
	return 0;
}

/* Destroys a recording: key first (unreadable from then on, backups included), then the file. */
int api_shred_recording(struct api_ctx *ctx, struct db *db, long long id, const char *reason)
{
	char path[4096];
	int own = !db_in_transaction(db);
	enum kv_err rc;

	if (own && db_begin(db) != KV_OK)
		return -1;
	rc = db_recording_shred(db, id, reason, (long long)time(NULL));
	if (!rc)
		system_audit(ctx, db, "recording.shred", id, "success", reason);
	/* What was said goes with what was recorded, in the same transaction. */
	if (!rc && api_transcripts_shred(ctx, db, id, reason))
		rc = KV_EINTERNAL;
	if (own) {
		if (!rc)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	if (rc)
		return -1;
	if (!api_recording_path(ctx, id, path, sizeof(path)))
		unlink(path);
	return 0;
}

/* The recording is verified: the requisition moves on to the lab. */
static void submission_ready(struct api_ctx *ctx, struct db *db, long long submission_id,
                             long long recording)
{
	enum sub_state to;
	const char *why;
	struct db_arg a[] = {ARG_INT(submission_id)};
	json_t *s = db_json_row(db, "SELECT state FROM submissions WHERE id = ?", a, 1, NULL,
	                        (enum kv_err[]){KV_OK});
	const char *from = s ? json_string_value(json_object_get(s, "state")) : NULL;

	if (from &&
	    workflow_apply((enum sub_state)workflow_state_parse(from), EV_RECORDING_VERIFIED,
	                   WF_ACTOR_SYSTEM, &to, &why) == KV_OK &&
	    db_begin(db) == KV_OK) {
		if (db_submission_transition(db, submission_id, from, workflow_state_name(to),
		                             "recording_verified", 0, NULL,
		                             (long long)time(NULL)) == KV_OK) {
			system_audit(ctx, db, "recording.verified", recording, "success", NULL);
			db_commit(db);
		} else {
			db_rollback(db);
		}
	}
	json_decref(s);
}

static const char *run_verify(struct api_ctx *ctx, struct db *db, long long job,
                              const struct recording_row *row, char *err, size_t errlen)
{
	struct media_info info;
	struct source src;
	uint8_t digest[32];
	unsigned int n = 0;
	char hex[65], buf[65536];
	size_t got = 0;
	int probed;

	(void)job;
	if (open_source(ctx, db, row, &src, err, errlen))
		return err;
	src.sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(src.sha, EVP_sha256(), NULL);
	probed = media_probe(source_read, &src, NULL, &info, err, errlen);
	/* Read what ffprobe did not need: every chunk is authenticated and the hash completed. */
	while (src.err == VCHUNK_OK && source_read(&src, buf, sizeof(buf), &got) == 0 && got)
		;
	EVP_DigestFinal_ex(src.sha, digest, &n);
	EVP_MD_CTX_free(src.sha);
	vault_reader_close(src.r);
	if (src.err != VCHUNK_OK) {
		snprintf(err, errlen, "the stored recording is damaged: %s",
		         vault_chunk_strerror(src.err));
		return err;
	}
	if (probed == 0 && !info.browser_playable && info.needs_seeking) {
		probed = -1;
		snprintf(err, errlen,
		         "this file keeps its index at the end and uses a format browsers cannot "
		         "play (%s); export it again as MP4 (H.264) with 'fast start' or 'optimise "
		         "for web'",
		         info.video_codec[0] ? info.video_codec : info.audio_codec);
	}
	if (probed) {
		/* Not media (or unusable): refused, and destroyed at once. */
		db_recording_set_state(db, row->id, "refused", err, (long long)time(NULL));
		api_shred_recording(ctx, db, row->id, "refused: not a usable recording");
		db_recording_set_state(db, row->id, "refused", err, (long long)time(NULL));
		system_audit(ctx, db, "recording.refused", row->id, "failure", err);
		return NULL; /* the job is done: a refusal is final */
	}
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	db_recording_set_media(db, row->id, info.duration, info.container, info.video_codec,
	                       info.audio_codec, info.width, info.height, info.browser_playable,
	                       hex);
	if (info.browser_playable) {
		db_recording_set_state(db, row->id, "ready", NULL, (long long)time(NULL));
	} else {
		db_recording_set_state(db, row->id, "transcoding", NULL, (long long)time(NULL));
		db_job_add(db, "transcode", row->id, (long long)time(NULL));
	}
	submission_ready(ctx, db, row->submission_id, row->id);
	return NULL;
}

static const char *run_transcode(struct api_ctx *ctx, struct db *db, long long job,
                                 const struct recording_row *row, char *err, size_t errlen)
{
	struct kv_buf wrapped = KV_BUF_INIT(4096);
	struct progress prog = {db, job, 0};
	struct db_arg a[] = {ARG_INT(row->submission_id)};
	struct source src;
	struct sink out = {NULL, 0};
	struct recording_row full;
	long long out_id = 0, now = (long long)time(NULL);
	uint8_t key[32];
	char path[4096];
	json_t *stale, *r;
	size_t i;
	int rc;

	/* Copies left half-made by an earlier attempt (or a crash) are destroyed first. */
	stale = db_json_rows(db,
	                     "SELECT id FROM recordings WHERE submission_id = ? AND kind = "
	                     "'playable' AND state = 'transcoding'",
	                     a, 1, NULL);
	json_array_foreach(stale, i, r)
	    api_shred_recording(ctx, db, json_integer_value(json_object_get(r, "id")),
	                        "incomplete conversion replaced");
	json_decref(stale);
	if (db_recording_row(db, row->id, &full) || open_source(ctx, db, &full, &src, err, errlen))
		return err[0] ? err : "the recording is gone";
	if (db_recording_insert(db, row->submission_id, "playable", "transcoding", 0, "video/mp4",
	                        "", 0, 0, now, 0, &out_id) ||
	    api_recording_new_key(ctx, out_id, key, &wrapped) ||
	    api_recording_path(ctx, out_id, path, sizeof(path))) {
		vault_reader_close(src.r);
		kv_buf_release(&wrapped);
		snprintf(err, errlen, "the playable copy could not be started");
		return err;
	}
	{
		struct db_stmt *st =
		    db_prepare(db, "UPDATE recordings SET wrapped_key = ? WHERE id = ?");
		db_bind_blob(st, 1, wrapped.data, wrapped.len);
		db_bind_int(st, 2, out_id);
		db_step(st);
		db_finalize(st);
	}
	kv_buf_release(&wrapped);
	out.w = vault_writer_open(path, key, (uint64_t)out_id, 0);
	sodium_memzero(key, sizeof(key));
	rc = out.w ? media_transcode(source_read, &src, sink_write, &out, on_progress, &prog,
	                             (double)full.duration_ms / 1000.0, full.has_video, NULL, err,
	                             errlen)
	           : -1;
	vault_reader_close(src.r);
	if (rc == 0 && vault_writer_finish(out.w) == 0) {
		out.w = NULL;
		db_recording_set_size(db, out_id, (long long)out.bytes);
		/* What media_transcode makes: H.264 and AAC in MP4, or AAC alone. */
		db_recording_set_media(db, out_id, (double)full.duration_ms / 1000.0,
		                       "mov,mp4,m4a,3gp,3g2,mj2", full.has_video ? "h264" : "",
		                       "aac", 0, 0, 1, NULL);
		db_recording_set_state(db, out_id, "ready", NULL, (long long)time(NULL));
		db_recording_set_state(db, row->id, "ready", NULL, (long long)time(NULL));
		system_audit(ctx, db, "recording.transcoded", out_id, "success", NULL);
		return NULL;
	}
	if (out.w) {
		uint64_t ignored;
		vault_writer_close(out.w, &ignored);
	}
	if (!err[0])
		snprintf(err, errlen, "the playable copy could not be written");
	api_shred_recording(ctx, db, out_id, "conversion failed");
	return err;
}

/* Runs one due job if there is one; returns 1 when it ran one. */
int api_jobs_run_one(struct api_ctx *ctx)
{
	struct recording_row row;
	struct db *db = db_pool_acquire(ctx->pool);
	char kind[16] = "", err[512] = "";
	long long job = 0, rec = 0, now = (long long)time(NULL);
	const char *failed = NULL;

	if (!db)
		return 0;
	if (db_job_claim(db, ctx->boot_id, now, &job, kind, &rec) || !job) {
		db_pool_release(ctx->pool, db);
		return 0;
	}
	if (db_recording_row(db, rec, &row) != KV_OK || !strcmp(row.state, "shredded"))
		failed = "the recording no longer exists";
	else if (!strcmp(kind, "verify"))
		failed = run_verify(ctx, db, job, &row, err, sizeof(err));
	else
		failed = run_transcode(ctx, db, job, &row, err, sizeof(err));
	db_job_finish(db, job, failed, (long long)time(NULL) + RETRY_DELAY, (long long)time(NULL));
	if (failed && !strcmp(kind, "transcode")) {
		/* After the last attempt the error stays on the recording for the UI. */
		struct db_arg a[] = {ARG_INT(job)};
		if (db_scalar(db, "SELECT state = 'failed' FROM jobs WHERE id = ?", a, 1, 0) == 1)
			db_recording_set_state(db, rec, "failed", failed, (long long)time(NULL));
	}
	if (failed)
		fprintf(stderr, "kvalab: %s job %lld for recording %lld failed: %s\n", kind, job,
		        rec, failed);
	db_pool_release(ctx->pool, db);
	return 1;
}

void api_jobs_recover(struct api_ctx *ctx)
{
	struct db *db = db_pool_acquire(ctx->pool);

	if (db) {
		db_job_recover(db, ctx->boot_id, (long long)time(NULL));
		db_pool_release(ctx->pool, db);
	}
}
