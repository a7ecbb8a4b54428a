/* Transcripts of a session for the rater's workspace: imported as WebVTT or SRT, checked
 * against the recording, sealed under the master key (what was said in a session is health
 * data), read by whoever may watch the recording, every read audited, and destroyed with it.
 *
 * Who: the lab admin, a supervisor or a rater assigned to the submission imports, replaces and
 * deletes; whoever may watch the recording reads (vault_access.c: the lab admin, supervisors,
 * the assigned raters and the submission's own therapist). */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/transcript.h"
#include "db/rows.h"
#include "db/transcripts.h"
#include "vault/masterkey.h"
#include "util/banned.h"

/* Cue ends may pass the recording's end by this much: transcription tools round the last one up. */
#define END_SLACK_MS 1000

static void aad_for(long long id, char out[48])
{
	snprintf(out, 48, "transcript:%lld", id);
}

/* KV_OK when the user may do `action` to the submission's transcript: read it, or (the rest)
 * change it. Otherwise resp is filled: 403 for a rater not assigned, else 404 (nothing said). */
static enum kv_err allowed(struct api_req *req, struct api_resp *resp, const char *action)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	int write = strcmp(action, "transcript.read") != 0, ok;

	if (db_scalar(req->db, "SELECT 1 FROM submissions WHERE id = ?", a, NARGS(a), 0) != 1)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	if (write)
		ok = req->user.role == ROLE_LAB_ADMIN || req->user.role == ROLE_SUPERVISOR ||
		     (req->user.role == ROLE_RATER && api_rater_assigned(req, req->id));
	else
		ok = api_may_see_submission(req, req->id);
	if (ok)
		return KV_OK;
	if (req->user.role != ROLE_RATER)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such submission");
	api_audit(req, action, "submission", req->id, "denied", "not assigned");
	return api_error(resp, KV_EPERM, "not_assigned",
	                 "you are not assigned to rate this submission");
}

/* The format the Content-Type names: text/vtt, application/x-subrip (or text/srt), or
 * text/plain for "tell by the content"; -1 for another type or a charset other than UTF-8. */
static int declared_format(const char *ct, enum transcript_format *f)
{
	static const struct {
		const char *type;
		enum transcript_format f;
	} types[] = {
	    {"text/vtt", TRANSCRIPT_VTT},
	    {"application/x-subrip", TRANSCRIPT_SRT},
	    {"text/srt", TRANSCRIPT_SRT},
	    {"text/plain", TRANSCRIPT_ANY},
	};
	const char *semi, *cs;
	size_t n, i;

	if (!ct)
		return -1;
	semi = strchr(ct, ';');
	n = semi ? (size_t)(semi - ct) : strlen(ct);
	while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strlen(types[i].type) != n || strncasecmp(ct, types[i].type, n))
			continue;
		cs = semi ? strcasestr(semi, "charset=") : NULL;
		if (cs) {
			cs += 8;
			if (*cs == '"')
				cs++;
			if (strncasecmp(cs, "utf-8", 5) && strncasecmp(cs, "utf8", 4))
				return -1;
		}
		*f = types[i].f;
		return 0;
	}
	return -1;
}

/* The recording the transcript belongs to must be there to be read along; its length in ms
 * (-1 when not known) goes to *duration_ms. */
static enum kv_err recording_present(struct api_req *req, struct api_resp *resp,
                                     long long *duration_ms)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	enum kv_err rc;
	json_t *r =
	    db_json_row(req->db,
	                "SELECT r.state, coalesce(CAST(round(r.duration * 1000) AS INTEGER), "
	                "(SELECT CAST(round(p.duration * 1000) AS INTEGER) FROM recordings "
	                "p WHERE p.submission_id = r.submission_id AND p.kind = "
	                "'playable' AND p.state = 'ready' ORDER BY p.id DESC LIMIT 1), -1) "
	                "AS duration_ms FROM recordings r WHERE r.submission_id = ? AND "
	                "r.kind = 'original' ORDER BY r.id DESC LIMIT 1",
	                a, NARGS(a), NULL, &rc);
	const char *state = r ? json_string_value(json_object_get(r, "state")) : NULL;
	int ok = state && !strcmp(state, "ready");

	if (!ok)
		rc = api_error(resp, KV_ECONFLICT,
		               state && !strcmp(state, "shredded") ? "recording_shredded"
		                                                   : "no_recording",
		               state && !strcmp(state, "shredded")
		                   ? "the recording has been destroyed, and its transcript with it"
		                   : "a transcript can be imported once the session's recording is "
		                     "verified");
	else
		*duration_ms = json_integer_value(json_object_get(r, "duration_ms"));
	json_decref(r);
	return ok ? KV_OK : rc;
}

/* Changes are over once the submission is closed or withdrawn. */
static enum kv_err submission_open(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id)};
	enum kv_err rc;
	json_t *s =
	    db_json_row(req->db, "SELECT state FROM submissions WHERE id = ?", a, 1, NULL, &rc);
	const char *state = s ? json_string_value(json_object_get(s, "state")) : "";
	int open = strcmp(state, "closed") && strcmp(state, "withdrawn");

	rc = KV_OK;
	if (!open)
		rc = api_error(
		    resp, KV_ECONFLICT, "wrong_state",
		    !strcmp(state, "closed")
		        ? "the submission is closed; its transcript can no longer be changed"
		        : "consent was withdrawn for this submission");
	json_decref(s);
	return rc;
}

/* A refusal of the file: the parser's message, with the line in the error body. */
static enum kv_err refuse(struct api_resp *resp, enum kv_err e, const char *code, size_t line,
                          const char *message)
{
	api_error(resp, e, code, message);
	if (line)
		json_object_set_new(json_object_get(resp->body, "error"), "line",
		                    json_integer((json_int_t)line));
	return e;
}

/* Every cue within the recording (its end may round up past it by END_SLACK_MS). */
static enum kv_err check_times(struct api_resp *resp, const struct transcript *t,
                               long long duration_ms)
{
	char at[32], end[32], msg[200];
	size_t i;

	if (duration_ms < 0)
		return KV_OK; /* not known: nothing to check against */
	transcript_time_text(duration_ms, t->format, end);
	for (i = 0; i < t->n_cues; i++) {
		const struct transcript_cue *c = &t->cues[i];
		int starts_late = c->start_ms >= duration_ms;
		if (!starts_late && c->end_ms <= duration_ms + END_SLACK_MS)
			continue;
		transcript_time_text(starts_late ? c->start_ms : c->end_ms, t->format, at);
		snprintf(msg, sizeof(msg),
		         "line %zu: the cue %s at %s, after the end of the recording (%s); is this "
		         "the transcript of another session?",
		         c->line, starts_late ? "starts" : "ends", at, end);
		return refuse(resp, KV_EINVAL, "beyond_recording", c->line, msg);
	}
	return KV_OK;
}

static json_t *cues_json(const struct transcript *t)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < t->n_cues; i++) {
		const struct transcript_cue *c = &t->cues[i];
		json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:s}", "start_ms",
		                                   (json_int_t)c->start_ms, "end_ms",
		                                   (json_int_t)c->end_ms, "speaker", c->speaker,
		                                   "text", c->text));
	}
	return a;
}

/* The answer for a transcript: what it is, and its cues (taken over). */
static json_t *transcript_json(long long id, const char *format, long long cue_count,
                               long long created_at, json_t *cues)
{
	return json_pack("{s:I, s:s, s:I, s:o, s:o}", "id", (json_int_t)id, "format", format,
	                 "cue_count", (json_int_t)cue_count, "created_at", api_time(created_at),
	                 "cues", cues);
}

static void wipe(struct kv_buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->cap);
	kv_buf_release(b);
}

enum kv_err api_transcripts_put(struct api_req *req, struct api_resp *resp)
{
	struct kv_buf sealed = KV_BUF_INIT(TRANSCRIPT_JSON_MAX + 64);
	enum transcript_format hint = TRANSCRIPT_ANY;
	struct transcript t;
	long long duration_ms = -1, id = 0, old = 0;
	char aad[48], detail[160];
	json_t *cues = NULL;
	char *text = NULL;
	enum kv_err rc;

	memset(&t, 0, sizeof(t));
	if ((rc = allowed(req, resp, "transcript.import")) || (rc = submission_open(req, resp)) ||
	    (rc = recording_present(req, resp, &duration_ms)))
		return rc;
	if (declared_format(req->content_type, &hint)) {
		api_error(resp, KV_EINVAL, "unsupported_media_type",
		          "send the transcript as text/vtt (WebVTT) or application/x-subrip (SRT), "
		          "in UTF-8");
		resp->status = 415;
		return KV_EINVAL;
	}
	if (!req->body || !req->body_len)
		return api_error(resp, KV_EINVAL, "empty_file", "the request carries no file");
	if (transcript_parse(req->body, req->body_len, hint, TRANSCRIPT_REFUSE_IDNUMBERS, &t)) {
		rc = refuse(resp,
		            t.err == TRANSCRIPT_ETOOBIG     ? KV_ETOOBIG
		            : t.err == TRANSCRIPT_EIDNUMBER ? KV_ERULE
		                                            : KV_EINVAL,
		            t.err == TRANSCRIPT_ETOOBIG     ? "too_large"
		            : t.err == TRANSCRIPT_EIDNUMBER ? "identity_number"
		                                            : "invalid_transcript",
		            t.err_line, t.err_msg);
		goto out;
	}
	if ((rc = check_times(resp, &t, duration_ms)))
		goto out;
	cues = cues_json(&t);
	text = json_dumps(cues, JSON_COMPACT);
	if (!text || strlen(text) > TRANSCRIPT_JSON_MAX) {
		rc =
		    api_error(resp, KV_ETOOBIG, "too_large", "the transcript is too large to keep");
		goto out;
	}
	if ((rc = db_begin(req->db)) != KV_OK) {
		api_error(resp, rc, NULL, "the database is busy; try again");
		goto out;
	}
	rc = db_transcript_retire(req->db, req->id, req->now, &old);
	if (!rc)
		rc = db_transcript_insert(req->db, req->id, transcript_format_name(t.format),
		                          (long long)t.n_cues, req->user.id, req->now, &id);
	/* Sealed under the row's id, so a blob moved to another row does not open. */
	aad_for(id, aad);
	if (!rc && vault_seal(req->ctx->key, "transcript", aad, text, strlen(text), &sealed))
		rc = KV_EINTERNAL;
	if (!rc)
		rc = db_transcript_set_sealed(req->db, id, sealed.data, sealed.len);
	if (old)
		snprintf(detail, sizeof(detail),
		         "submission %lld: %zu cues (%s), replacing transcript %lld", req->id,
		         t.n_cues, transcript_format_name(t.format), old);
	else
		snprintf(detail, sizeof(detail), "submission %lld: %zu cues (%s)", req->id,
		         t.n_cues, transcript_format_name(t.format));
	if (!rc)
		rc = api_audit(req, "transcript.import", "transcript", id, "success", detail);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		api_error(resp, rc, NULL, "the transcript could not be stored; try again");
		goto out;
	}
	api_json(resp, 201,
	         transcript_json(id, transcript_format_name(t.format), (long long)t.n_cues,
	                         req->now, cues));
	cues = NULL;
out:
	/* XXX: jansson's copies of the cue texts are freed without being wiped. */
	json_decref(cues);
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	kv_buf_release(&sealed);
	transcript_release(&t);
	return rc;
}

enum kv_err api_transcripts_get(struct api_req *req, struct api_resp *resp)
{
	struct kv_buf sealed = KV_BUF_INIT(TRANSCRIPT_JSON_MAX + 64),
	              plain = KV_BUF_INIT(TRANSCRIPT_JSON_MAX);
	struct transcript_row r;
	json_t *cues = NULL;
	json_error_t jerr;
	char aad[48], detail[96];
	int shredded = 0;
	enum kv_err rc;

	if ((rc = allowed(req, resp, "transcript.read")))
		return rc;
	rc = db_transcript_current(req->db, req->id, &r, &sealed, &shredded);
	if (rc == KV_ENOTFOUND) {
		api_error(resp, rc, "not_found",
		          shredded ? "the transcript was destroyed with the recording"
		                   : "no transcript has been imported for this session");
		goto out;
	}
	aad_for(r.id, aad);
	if (!rc && vault_unseal(req->ctx->key, "transcript", aad, sealed.data, sealed.len, &plain))
		rc = KV_EINTERNAL;
	if (!rc && !(cues = json_loadb(plain.data, plain.len, 0, &jerr)))
		rc = KV_EINTERNAL;
	if (rc) {
		api_error(resp, rc, NULL, "the transcript could not be read");
		goto out;
	}
	/* Every read is on the record; no record, no read. */
	snprintf(detail, sizeof(detail), "submission %lld", req->id);
	if ((rc = api_audit(req, "transcript.read", "transcript", r.id, "success", detail))) {
		api_error(resp, rc, NULL, "the read could not be recorded; try again");
		goto out;
	}
	api_json(resp, 200, transcript_json(r.id, r.format, r.cue_count, r.created_at, cues));
	cues = NULL;
out:
	json_decref(cues);
	wipe(&plain);
	kv_buf_release(&sealed);
	return rc;
}

enum kv_err api_transcripts_delete(struct api_req *req, struct api_resp *resp)
{
	char detail[96];
	long long old = 0;
	enum kv_err rc;

	if ((rc = allowed(req, resp, "transcript.delete")))
		return rc;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_transcript_retire(req->db, req->id, req->now, &old);
	if (!rc && !old) {
		db_rollback(req->db);
		return api_error(resp, KV_ENOTFOUND, "not_found",
		                 "no transcript has been imported for this session");
	}
	snprintf(detail, sizeof(detail), "submission %lld", req->id);
	if (!rc)
		rc = api_audit(req, "transcript.delete", "transcript", old, "success", detail);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the transcript could not be deleted; try again");
	}
	api_json(resp, 204, NULL);
	return KV_OK;
}

int api_transcripts_shred(struct api_ctx *ctx, struct db *db, long long recording,
                          const char *reason)
{
	struct api_req req;
	json_t *ids = NULL, *row;
	size_t i;
	enum kv_err rc;

	rc = db_transcripts_shred_with(db, recording, (long long)time(NULL), &ids);
	memset(&req, 0, sizeof(req));
	req.ctx = ctx;
	req.db = db;
	json_array_foreach(ids, i, row)
	{
		if (rc)
			break;
		rc =
		    api_audit_as(&req, 0, "(kvalab)", "system", "transcript.shred", "transcript",
		                 json_integer_value(json_object_get(row, "id")), "success", reason);
	}
	json_decref(ids);
	return rc ? -1 : 0;
}
