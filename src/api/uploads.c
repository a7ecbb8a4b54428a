/* Resumable uploads of recordings: the tus protocol 1.0.0 with the creation,
 * creation-with-upload, termination, checksum (sha256) and expiration extensions.
 *
 * Bytes are encrypted as they arrive (vault/recording.h) and never touch disk in clear. The
 * offset a client may resume from is the last whole chunk (64 KiB) that is durably written, so a
 * request that breaks mid-chunk resumes from the chunk before; a crash leaves a resumable upload. */
#include "api/api_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "core/workflow.h"
#include "db/recordings.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "vault/recording.h"
#include "util/banned.h"

#define TUS_VERSION "1.0.0"
#define TUS_EXTENSIONS "creation,creation-with-upload,termination,checksum,expiration"
#define SYNC_EVERY (32ull << 20) /* make progress durable every 32 MiB */

struct upload {
	long long rec_id, length, start, written, since_sync;
	struct vault_writer *w;
	EVP_MD_CTX *sha;
	uint8_t want[32];
	int creating; /* POST: answer 201 with a Location */
	int over;     /* more bytes than Upload-Length */
	int lost;     /* another request took the upload over: write nothing more */
	long long renewed;
	char owner[TOKEN_TEXT_MAX + 24]; /* this request's name on the lease */
};

static _Atomic long long request_counter;

static void tus_headers(struct api_resp *resp)
{
	api_header(resp, "Tus-Resumable", TUS_VERSION);
}

static void expires_header(struct api_resp *resp, long long at)
{
	char text[64];
	time_t t = (time_t)at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	api_header(resp, "Upload-Expires", text);
}

static void offset_header(struct api_resp *resp, long long offset)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", offset);
	api_header(resp, "Upload-Offset", text);
}

static enum kv_err tus_error(struct api_resp *resp, enum kv_err e, int status, const char *code,
                             const char *message)
{
	api_error(resp, e, code, message);
	if (status)
		resp->status = status;
	tus_headers(resp);
	return e;
}

static enum kv_err check_version(struct api_req *req, struct api_resp *resp)
{
	const char *v = api_req_header(req, "Tus-Resumable");

	if (v && !strcmp(v, TUS_VERSION))
		return KV_OK;
	tus_error(resp, KV_EINVAL, 412, "tus_version",
	          "this server speaks tus 1.0.0: send Tus-Resumable: 1.0.0");
	api_header(resp, "Tus-Version", TUS_VERSION);
	return KV_EINVAL;
}

static long long header_number(struct api_req *req, const char *name, long long max)
{
	const char *v = api_req_header(req, name);
	long long n;

	if (!v || parse_llong_str(v, 0, max, &n))
		return -1;
	return n;
}

/* Parses "sha256 <base64>"; 0 none, 1 parsed, -1 bad. */
static int parse_checksum(struct api_req *req, uint8_t out[32])
{
	const char *v = api_req_header(req, "Upload-Checksum"), *space;
	size_t len = 0;

	if (!v)
		return 0;
	space = strchr(v, ' ');
	if (!space || (size_t)(space - v) != 6 || strncmp(v, "sha256", 6))
		return -1;
	if (sodium_base642bin(out, 32, space + 1, strlen(space + 1), NULL, &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) ||
	    len != 32)
		return -1;
	return 1;
}

static void upload_free(struct upload *u)
{
	if (!u)
		return;
	if (u->sha)
		EVP_MD_CTX_free(u->sha);
	free(u);
}

/* Starts writing at the recording's durable offset: lease, key, writer, checksum. */
static enum kv_err start_writing(struct api_req *req, struct api_resp *resp, struct upload *u)
{
	char path[4096];
	uint8_t key[32];
	int cs;

	cs = parse_checksum(req, u->want);
	if (cs < 0)
		return tus_error(resp, KV_EINVAL, 0, "checksum_unsupported",
		                 "Upload-Checksum must be 'sha256 <base64 digest>'");
	if (cs > 0) {
		u->sha = EVP_MD_CTX_new();
		if (!u->sha || !EVP_DigestInit_ex(u->sha, EVP_sha256(), NULL))
			return tus_error(resp, KV_EINTERNAL, 0, NULL, "cannot check checksums");
	}
	snprintf(u->owner, sizeof(u->owner), "%s:%lld", req->ctx->boot_id, ++request_counter);
	u->renewed = req->now;
	if (db_recording_lease(req->db, u->rec_id, u->owner, req->ctx->boot_id, req->now) != KV_OK)
		return tus_error(resp, KV_ECONFLICT, 0, "upload_busy",
		                 "another request is writing to this upload; try again shortly");
	if (api_recording_key(req->ctx, req->db, u->rec_id, key) ||
	    api_recording_path(req->ctx, u->rec_id, path, sizeof(path))) {
		db_recording_release(req->db, u->rec_id, u->owner);
		return tus_error(resp, KV_EINTERNAL, 0, NULL, "the upload cannot be opened");
	}
	u->w = vault_writer_open(path, key, (uint64_t)u->rec_id, (uint64_t)u->start);
	sodium_memzero(key, sizeof(key));
	if (!u->w) {
		fprintf(stderr, "kvalab: cannot open %s: %s\n", path, strerror(errno));
		db_recording_release(req->db, u->rec_id, u->owner);
		return tus_error(resp, KV_EINTERNAL, 0, NULL, "the upload cannot be written");
	}
	return KV_OK;
}

static enum kv_err upload_data(void *state, struct api_req *req, struct api_resp *resp,
                               const char *buf, size_t len)
{
	struct upload *u = state;

	if (!u->w) /* creation without a body: nothing may follow */
		return tus_error(
		    resp, KV_EINVAL, 0, "unexpected_body",
		    "send the data with Content-Type: application/offset+octet-stream");
	if ((long long)len > u->length - u->start - u->written) {
		u->over = 1;
		return tus_error(resp, KV_EINVAL, 0, "exceeds_length",
		                 "the request carries more bytes than Upload-Length");
	}
	/* Renew the lease about once a second; if a newer request took the upload over, stop. */
	if (!u->lost && time(NULL) != u->renewed) {
		u->renewed = time(NULL);
		if (db_recording_lease_renew(req->db, u->rec_id, u->owner, u->renewed))
			u->lost = 1;
	}
	if (u->lost)
		return tus_error(resp, KV_ECONFLICT, 0, "upload_taken_over",
		                 "a newer request continues this upload");
	if (u->sha)
		EVP_DigestUpdate(u->sha, buf, len);
	if (vault_writer_write(u->w, buf, len))
		return tus_error(resp, KV_EINTERNAL, 0, NULL, "the upload cannot be written");
	u->written += (long long)len;
	u->since_sync += (long long)len;
	/* Without a checksum the bytes are accepted as they come: make them durable and
	 * resumable every so often, so a dropped connection loses little. */
	if (!u->sha && u->since_sync >= (long long)SYNC_EVERY) {
		u->since_sync = 0;
		if (vault_writer_sync(u->w) == 0)
			db_recording_set_received(req->db, u->rec_id,
			                          (long long)vault_writer_whole(u->w), u->owner,
			                          (long long)time(NULL));
	}
	return KV_OK;
}

/* The upload is complete: seal the last chunk and queue the media check. */
static enum kv_err complete(struct api_req *req, struct upload *u)
{
	enum kv_err rc;
	int finished = vault_writer_finish(u->w);

	u->w = NULL; /* finish frees the writer whatever happens */
	if (finished)
		return KV_EINTERNAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return rc;
	rc = db_recording_set_state(req->db, u->rec_id, "verifying", NULL, req->now);
	if (!rc)
		rc = db_job_add(req->db, "verify", u->rec_id, req->now);
	if (!rc)
		rc = api_audit(req, "recording.upload_complete", "recording", u->rec_id, "success",
		               NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc)
		db_rollback(req->db);
	return rc;
}

static void upload_close(void *state, struct api_req *req, struct api_resp *resp, int complete_body)
{
	struct upload *u = state;
	uint8_t got[32];
	unsigned int n = 0;
	uint64_t durable = (uint64_t)u->start;
	long long end = u->start + u->written;
	int mismatch = 0;

	if (u->w && u->sha && complete_body) {
		EVP_DigestFinal_ex(u->sha, got, &n);
		mismatch = n != 32 || sodium_memcmp(got, u->want, 32) != 0;
	}
	/* A refused or broken request with a checksum keeps nothing of its bytes. */
	if (u->w && u->sha && (mismatch || !complete_body || u->over))
		vault_writer_rewind(u->w, (uint64_t)u->start);
	if (u->w && complete_body && !mismatch && !u->over && !u->lost && end == u->length) {
		if (complete(req, u) == KV_OK) {
			durable = (uint64_t)u->length;
		} else {
			tus_error(resp, KV_EINTERNAL, 0, NULL, "the upload could not be finished");
			goto out;
		}
	} else if (u->w) {
		vault_writer_close(u->w, &durable);
		u->w = NULL;
		if (!u->lost)
			db_recording_set_received(req->db, u->rec_id, (long long)durable, u->owner,
			                          req->now);
	}
	if (!resp)
		goto out;
	if (mismatch) {
		tus_error(resp, KV_EINVAL, 460, "checksum_mismatch",
		          "the bytes do not match Upload-Checksum; they were discarded");
		goto out;
	}
	if (resp->status >= 400)
		goto out;
	resp->status = u->creating ? 201 : 204;
	tus_headers(resp);
	offset_header(resp, (long long)durable);
	if (u->creating) {
		char location[64];
		snprintf(location, sizeof(location), "/api/uploads/%lld", u->rec_id);
		api_header(resp, "Location", location);
	}
	if ((long long)durable < u->length)
		expires_header(resp, req->now + req->ctx->upload_expiry_secs);
out:
	if (u->w)
		vault_writer_close(u->w, &durable);
	db_recording_release(req->db, u->rec_id, u->owner);
	upload_free(u);
}

/* Decodes the tus metadata value for key (base64), or NULL. */
static int metadata(struct api_req *req, const char *key, char *out, size_t cap)
{
	const char *m = api_req_header(req, "Upload-Metadata");
	size_t klen = strlen(key);

	while (m && *m) {
		const char *end = strchr(m, ','), *sp;
		size_t len = end ? (size_t)(end - m) : strlen(m), got = 0;
		while (*m == ' ')
			m++, len--;
		sp = memchr(m, ' ', len);
		if ((sp ? (size_t)(sp - m) : len) == klen && !strncmp(m, key, klen)) {
			if (!sp)
				return -1;
			if (sodium_base642bin((unsigned char *)out, cap - 1, sp + 1,
			                      len - (size_t)(sp + 1 - m), NULL, &got, NULL,
			                      sodium_base64_VARIANT_ORIGINAL))
				return -1;
			out[got] = '\0';
			return 0;
		}
		m = end ? end + 1 : NULL;
	}
	return -1;
}

/* Abandoned uploads of the same submission are destroyed when a new one starts. */
static void shred_unfinished(struct api_req *req, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};
	json_t *rows = db_json_rows(req->db,
	                            "SELECT id FROM recordings WHERE submission_id = ? AND kind = "
	                            "'original' AND state = 'uploading'",
	                            a, NARGS(a), NULL),
	       *r;
	size_t i;
	char path[4096];

	json_array_foreach(rows, i, r)
	{
		long long id = json_integer_value(json_object_get(r, "id"));
		if (db_recording_shred(req->db, id, "replaced by a new upload", req->now) ==
		    KV_OK) {
			api_audit(req, "recording.shred", "recording", id, "success",
			          "replaced by a new upload");
			if (!api_recording_path(req->ctx, id, path, sizeof(path)))
				unlink(path);
		}
	}
	json_decref(rows);
}

static enum kv_err create_open(struct api_req *req, struct api_resp *resp, void **state)
{
	struct kv_buf wrapped = KV_BUF_INIT(4096);
	struct upload *u;
	char sub_text[32], type[64] = "";
	long long sub_id, length, id = 0;
	uint8_t key[32];
	struct db_arg a[2];
	json_t *s;
	enum kv_err rc;
	const char *ct = req->content_type;

	if (check_version(req, resp))
		return KV_EINVAL;
	if (api_req_header(req, "Upload-Defer-Length"))
		return tus_error(resp, KV_EINVAL, 0, "defer_length_unsupported",
		                 "the length must be known when the upload starts");
	length = header_number(req, "Upload-Length", (long long)1 << 62);
	if (length < 0)
		return tus_error(resp, KV_EINVAL, 0, "upload_length",
		                 "Upload-Length must be the size of the recording in bytes");
	if (length > req->ctx->max_recording_bytes) {
		char msg[128];
		snprintf(msg, sizeof(msg), "recordings may be at most %lld MiB",
		         req->ctx->max_recording_bytes >> 20);
		return tus_error(resp, KV_ETOOBIG, 0, "too_large", msg);
	}
	if (metadata(req, "submission_id", sub_text, sizeof(sub_text)) ||
	    parse_llong_str(sub_text, 1, 9007199254740991LL, &sub_id))
		return tus_error(resp, KV_EINVAL, 0, "metadata",
		                 "Upload-Metadata must name the submission_id");
	metadata(req, "filetype", type, sizeof(type));
	a[0] = ARG_INT(sub_id);
	a[1] = ARG_INT(req->user.id);
	s = db_json_row(req->db, "SELECT state FROM submissions WHERE id = ? AND therapist_id = ?",
	                a, 2, NULL, &rc);
	if (!s)
		return tus_error(resp, KV_ENOTFOUND, 0, "not_found", "no such submission");
	rc = strcmp(json_string_value(json_object_get(s, "state")), "submitted") ? KV_ECONFLICT
	                                                                         : KV_OK;
	json_decref(s);
	if (rc)
		return tus_error(resp, KV_ECONFLICT, 0, "wrong_state",
		                 "a recording can be uploaded only for a submitted requisition "
		                 "that has no verified recording yet");
	if ((rc = db_begin(req->db)) != KV_OK)
		return tus_error(resp, rc, 0, NULL, "the database is busy; try again");
	shred_unfinished(req, sub_id);
	rc = db_recording_insert(req->db, sub_id, "original", "uploading", length,
	                         type[0] ? type : NULL, "", 0, req->user.id, req->now,
	                         req->now + req->ctx->upload_expiry_secs, &id);
	/* The key is bound to the id, which the insert just gave us. */
	if (!rc && api_recording_new_key(req->ctx, id, key, &wrapped))
		rc = KV_EINTERNAL;
	if (!rc) {
		struct db_stmt *st =
		    db_prepare(req->db, "UPDATE recordings SET wrapped_key = ? WHERE id = ?");
		db_bind_blob(st, 1, wrapped.data, wrapped.len);
		db_bind_int(st, 2, id);
		rc = db_step(st) == DB_DONE ? KV_OK : KV_EINTERNAL;
		db_finalize(st);
	}
	sodium_memzero(key, sizeof(key));
	kv_buf_release(&wrapped);
	if (!rc)
		rc = api_audit(req, "recording.upload_start", "recording", id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return tus_error(resp, rc, 0, NULL, "the upload could not be created; try again");
	}
	u = xcalloc(1, sizeof(*u));
	u->rec_id = id;
	u->length = length;
	u->creating = 1;
	/* creation-with-upload: the body, if any, is the start of the recording. */
	if (ct && !strcmp(ct, "application/offset+octet-stream") &&
	    start_writing(req, resp, u) != KV_OK) {
		upload_free(u);
		return KV_EINTERNAL;
	}
	*state = u;
	return KV_OK;
}

/* The recording behind an upload URL, if it is this user's; -1 with resp filled otherwise. */
static int own_upload(struct api_req *req, struct api_resp *resp, struct recording_row *r)
{
	if (db_recording_row(req->db, req->id, r) != KV_OK || strcmp(r->kind, "original") ||
	    r->created_by != req->user.id) {
		tus_error(resp, KV_ENOTFOUND, 0, "not_found", "no such upload");
		return -1;
	}
	if (!strcmp(r->state, "shredded") || !strcmp(r->state, "refused")) {
		tus_error(resp, KV_ENOTFOUND, 410, "gone", "this upload was ended or refused");
		return -1;
	}
	if (!strcmp(r->state, "uploading") && r->expires_at && r->expires_at < req->now) {
		tus_error(resp, KV_ENOTFOUND, 410, "expired",
		          "this upload expired unfinished; start a new one");
		return -1;
	}
	return 0;
}

static enum kv_err patch_open(struct api_req *req, struct api_resp *resp, void **state)
{
	struct recording_row r;
	struct upload *u;
	long long offset;

	if (check_version(req, resp) || own_upload(req, resp, &r))
		return KV_EINVAL;
	if (!req->content_type || strcmp(req->content_type, "application/offset+octet-stream")) {
		tus_error(resp, KV_EINVAL, 415, "content_type",
		          "PATCH needs Content-Type: application/offset+octet-stream");
		return KV_EINVAL;
	}
	offset = header_number(req, "Upload-Offset", (long long)1 << 62);
	if (offset < 0)
		return tus_error(resp, KV_EINVAL, 0, "upload_offset",
		                 "Upload-Offset must be a byte offset");
	if (offset != r.received || strcmp(r.state, "uploading")) {
		char msg[160];
		snprintf(
		    msg, sizeof(msg),
		    "the upload is at offset %lld, not %lld; ask with HEAD and resume from there",
		    r.received, offset);
		tus_error(resp, KV_ECONFLICT, 0, "offset_mismatch", msg);
		offset_header(resp, r.received);
		return KV_ECONFLICT;
	}
	u = xcalloc(1, sizeof(*u));
	u->rec_id = r.id;
	u->length = r.size;
	u->start = offset;
	if (start_writing(req, resp, u) != KV_OK) {
		upload_free(u);
		return KV_EINVAL;
	}
	*state = u;
	return KV_OK;
}

const struct api_stream_ops api_upload_create_ops = {create_open, upload_data, upload_close};
const struct api_stream_ops api_upload_patch_ops = {patch_open, upload_data, upload_close};

enum kv_err api_uploads_head(struct api_req *req, struct api_resp *resp)
{
	struct recording_row r;

	if (own_upload(req, resp, &r))
		return KV_ENOTFOUND;
	tus_headers(resp);
	offset_header(resp, r.received);
	{
		char len[32];
		snprintf(len, sizeof(len), "%lld", r.size);
		api_header(resp, "Upload-Length", len);
	}
	if (!strcmp(r.state, "uploading"))
		expires_header(resp, r.expires_at);
	api_json(resp, 200,
	         json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)r.id, "offset",
	                   (json_int_t)r.received, "length", (json_int_t)r.size, "state", r.state));
	return KV_OK;
}

enum kv_err api_uploads_delete(struct api_req *req, struct api_resp *resp)
{
	struct recording_row r;
	char path[4096];
	enum kv_err rc;

	if (own_upload(req, resp, &r))
		return KV_ENOTFOUND;
	if (strcmp(r.state, "uploading"))
		return tus_error(resp, KV_ECONFLICT, 0, "finished",
		                 "a finished upload cannot be ended this way");
	if ((rc = db_begin(req->db)) != KV_OK)
		return tus_error(resp, rc, 0, NULL, "the database is busy; try again");
	rc = db_recording_shred(req->db, r.id, "upload terminated by the uploader", req->now);
	if (!rc)
		rc = api_audit(req, "recording.shred", "recording", r.id, "success",
		               "upload terminated by the uploader");
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return tus_error(resp, rc, 0, NULL, "the upload could not be ended; try again");
	}
	if (!api_recording_path(req->ctx, r.id, path, sizeof(path)))
		unlink(path);
	api_json(resp, 204, NULL);
	tus_headers(resp);
	return KV_OK;
}

enum kv_err api_uploads_options(struct api_req *req, struct api_resp *resp)
{
	char max[32];

	api_json(resp, 204, NULL);
	tus_headers(resp);
	api_header(resp, "Tus-Version", TUS_VERSION);
	api_header(resp, "Tus-Extension", TUS_EXTENSIONS);
	api_header(resp, "Tus-Checksum-Algorithm", "sha256");
	snprintf(max, sizeof(max), "%lld", req->ctx->max_recording_bytes);
	api_header(resp, "Tus-Max-Size", max);
	return KV_OK;
}
