/* Shared by the upload, playback and retention code: where a recording lives, how its data
 * key is unwrapped, and who may touch which recording. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "db/recordings.h"
#include "db/rows.h"
#include "vault/masterkey.h"
#include "util/banned.h"

int api_recording_path(const struct api_ctx *ctx, long long id, char *out, size_t cap)
{
	char dir[4096];
	int n;

	snprintf(dir, sizeof(dir), "%s/recordings", ctx->data_dir);
	mkdir(dir, 0700);
	n = snprintf(out, cap, "%s/%lld.enc", dir, id);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void aad_for(long long id, char out[48])
{
	snprintf(out, 48, "rec:%lld", id);
}

int api_recording_new_key(const struct api_ctx *ctx, long long id, uint8_t key[32],
                          struct kv_buf *wrapped)
{
	char aad[48];

	aad_for(id, aad);
	randombytes_buf(key, 32);
	return vault_seal(ctx->key, "dek", aad, key, 32, wrapped);
}

int api_recording_rewrap(const struct api_ctx *ctx, long long old_id, long long new_id,
                         const uint8_t key[32], struct kv_buf *wrapped)
{
	char aad[48];

	(void)old_id;
	aad_for(new_id, aad);
	return vault_seal(ctx->key, "dek", aad, key, 32, wrapped);
}

enum kv_err api_recording_key(const struct api_ctx *ctx, struct db *db, long long id,
                              uint8_t key[32])
{
	struct kv_buf wrapped = KV_BUF_INIT(4096), plain = KV_BUF_INIT(64);
	char aad[48];
	enum kv_err rc = db_recording_key(db, id, &wrapped);

	aad_for(id, aad);
	if (!rc && (vault_unseal(ctx->key, "dek", aad, wrapped.data, wrapped.len, &plain) ||
	            plain.len != 32))
		rc = KV_EINTERNAL;
	if (!rc)
		memcpy(key, plain.data, 32);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	kv_buf_release(&plain);
	kv_buf_release(&wrapped);
	return rc;
}

int api_may_see_submission(struct api_req *req, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};
	long long therapist;

	switch (req->user.role) {
	case ROLE_LAB_ADMIN:
	case ROLE_SUPERVISOR:
		return db_scalar(req->db, "SELECT 1 FROM submissions WHERE id = ?", a, 1, 0) == 1;
	case ROLE_THERAPIST:
		therapist = db_scalar(req->db, "SELECT therapist_id FROM submissions WHERE id = ?",
		                      a, 1, 0);
		return therapist == req->user.id;
	case ROLE_RATER:
		return api_rater_assigned(req, submission_id);
	default:
		return 0;
	}
}

int api_rater_assigned(struct api_req *req, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id), ARG_INT(req->user.id)};

	return db_scalar(req->db,
	                 "SELECT 1 FROM assignments WHERE submission_id = ? AND rater_id = ? AND "
	                 "ended_at IS NULL",
	                 a, NARGS(a), 0) == 1;
}
