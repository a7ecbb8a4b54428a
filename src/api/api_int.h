/* What only the API's own files share: the route table, validators, response helpers. */
#ifndef KV_API_INT_H
#define KV_API_INT_H

#include "api/api.h"
#include "util/buf.h"

enum field_type {
	F_STRING, /* text, validated for UTF-8 and control characters */
	F_TEXT,   /* like F_STRING but newlines allowed */
	F_SECRET, /* a password: any bytes but NUL, never echoed or logged */
	F_EMAIL,
	F_INT,
	F_BOOL,
	F_ENUM,     /* one of choices */
	F_DATETIME, /* ISO 8601 in UTC, e.g. 2026-11-22T14:00:00Z or a plain date */
	F_TOTP,     /* six digits */
	F_DATE,
	/* a calendar date, YYYY-MM-DD */
	F_ID_LIST, /* an array of positive whole numbers (at most max entries; 0 = 100) */
	F_ARRAY,   /* an array of objects (at most max entries); the handler checks each */
	F_NAMES,   /* an array of names of 1 to 64 letters, digits and _ (at most max entries) */
	F_NUMBER,  /* a finite number, integer or not, from min to max */
};

struct api_field {
	const char *name;
	enum field_type type;
	int required;
	long long min, max; /* for F_INT; for strings, min/max length in bytes (max 0 = 1000) */
	const char *const *choices; /* for F_ENUM, NULL-terminated */
};

#define FIELDS_END                                                                                 \
	{                                                                                          \
		NULL, 0, 0, 0, 0, NULL                                                             \
	}

enum route_flag {
	R_PUBLIC = 1 << 0,     /* no login needed */
	R_PENDING_OK = 1 << 1, /* allowed before the first password change and TOTP enrolment */
	R_RAW_BODY = 1 << 2,   /* the body is a file (e.g. a PDF), not JSON: the handler reads it */
};

struct api_route {
	enum api_method method;
	const char *pattern; /* "{id}" and "{sub}" match positive integers */
	unsigned roles;      /* ROLE_BIT mask; ignored for R_PUBLIC */
	unsigned flags;
	size_t max_body;
	const struct api_field *body;
	const struct api_field *query;
	enum kv_err (*handler)(struct api_req *req, struct api_resp *resp);
	const struct api_stream_ops *stream; /* body consumed as it arrives; handler unused */
};

extern const struct api_route api_routes[];
extern const size_t api_n_routes;

/* Response helpers. api_error sets status, code and message; returns e for tail calls. */
enum kv_err api_error(struct api_resp *resp, enum kv_err e, const char *code, const char *message);
/* A 400/422 with one field named; more can be added with api_error_field. */
enum kv_err api_field_error(struct api_resp *resp, enum kv_err e, const char *code,
                            const char *field, const char *message);
void api_error_field(struct api_resp *resp, const char *field, const char *message);
void api_json(struct api_resp *resp, int status, json_t *body);
void api_header(struct api_resp *resp, const char *name, const char *value);
/* Answers with a file: takes over data's bytes. */
void api_file(struct api_resp *resp, struct kv_buf *data, const char *type);

/* Validated values from the body or the query (NULL / 0 when absent). */
const char *api_str(const struct api_req *req, const char *name);
int api_has(const struct api_req *req, const char *name);
long long api_int(const struct api_req *req, const char *name, long long def);
int api_bool(const struct api_req *req, const char *name, int def);
const char *api_query(const struct api_req *req, const char *name);

/* ISO 8601 UTC text for Unix seconds (JSON null for 0), and milliseconds. */
json_t *api_time(long long secs);
json_t *api_time_ms(long long ms);
/* Parses ISO 8601 ("2026-11-22", "2026-11-22T14:00:00Z", with optional .fff) into Unix ms. */
int api_parse_time_ms(const char *s, long long *ms);

/* The user as the API shows it. */
json_t *api_user_json(const struct kv_user *u);

/* Appends an audit event for this request. Uses the open transaction if there is one, so the
 * event commits or rolls back with the change; otherwise it writes its own. */
enum kv_err api_audit(struct api_req *req, const char *action, const char *object_type,
                      long long object_id, const char *outcome, const char *detail);
/* The same for events without a signed-in actor (e.g. a failed login): actor given by e-mail. */
enum kv_err api_audit_as(struct api_req *req, long long actor_id, const char *actor_email,
                         const char *role, const char *action, const char *object_type,
                         long long object_id, const char *outcome, const char *detail);

/* Handlers. */
enum kv_err api_health(struct api_req *req, struct api_resp *resp);
enum kv_err api_session_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_session_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_session_delete(struct api_req *req, struct api_resp *resp);
enum kv_err api_me_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_me_patch(struct api_req *req, struct api_resp *resp);
enum kv_err api_me_password(struct api_req *req, struct api_resp *resp);
enum kv_err api_me_totp_begin(struct api_req *req, struct api_resp *resp);
enum kv_err api_me_totp_confirm(struct api_req *req, struct api_resp *resp);
enum kv_err api_users_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_users_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_users_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_users_patch(struct api_req *req, struct api_resp *resp);
enum kv_err api_users_reset_password(struct api_req *req, struct api_resp *resp);
enum kv_err api_users_reset_totp(struct api_req *req, struct api_resp *resp);
enum kv_err api_tokens_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_tokens_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_tokens_delete(struct api_req *req, struct api_resp *resp);
enum kv_err api_audit_list(struct api_req *req, struct api_resp *resp);

/* Institutions (institutions.c). */
int api_institution_visible(struct api_req *req, long long id);
enum kv_err api_institutions_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_institutions_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_institutions_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_institutions_patch(struct api_req *req, struct api_resp *resp);
enum kv_err api_programmes_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_members_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_members_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_members_delete(struct api_req *req, struct api_resp *resp);

/* Agreements and documents (agreements.c). */
void api_today(long long now, char out[11]);
/* Stores the request body as an encrypted document (inside the caller's transaction). */
enum kv_err api_store_document(struct api_req *req, struct api_resp *resp, const char *kind,
                               int pdf_only, long long *doc);
/* Answers with a stored document, decrypted. */
enum kv_err api_send_document(struct api_req *req, struct api_resp *resp, long long doc);
enum kv_err api_agreements_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_patch(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_put_document(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_get_document(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_activate(struct api_req *req, struct api_resp *resp);
enum kv_err api_agreements_terminate(struct api_req *req, struct api_resp *resp);

/* Patient cases and consent (cases.c). */
enum kv_err api_cases_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_cases_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_cases_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_cases_consent(struct api_req *req, struct api_resp *resp);
enum kv_err api_cases_consent_form_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_cases_consent_form_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_cases_consent_withdraw(struct api_req *req, struct api_resp *resp);

/* Submissions (submissions.c). */
enum kv_err api_submissions_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_submissions_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_submissions_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_submissions_patch(struct api_req *req, struct api_resp *resp);
enum kv_err api_submissions_delete(struct api_req *req, struct api_resp *resp);
enum kv_err api_submissions_submit(struct api_req *req, struct api_resp *resp);
enum kv_err api_submissions_counts(struct api_req *req, struct api_resp *resp);
enum kv_err api_instruments_list(struct api_req *req, struct api_resp *resp);

/* Recordings: files, keys and access (vault_access.c). */
int api_recording_path(const struct api_ctx *ctx, long long id, char *out, size_t cap);
/* A fresh data key for recording id, and its wrapped form to store. 0 or -1. */
int api_recording_new_key(const struct api_ctx *ctx, long long id, uint8_t key[32],
                          struct kv_buf *wrapped);
int api_recording_rewrap(const struct api_ctx *ctx, long long old_id, long long new_id,
                         const uint8_t key[32], struct kv_buf *wrapped);
/* The unwrapped data key; KV_ENOTFOUND once shredded. */
enum kv_err api_recording_key(const struct api_ctx *ctx, struct db *db, long long id,
                              uint8_t key[32]);
/* Whether this user may see the submission (and so its recording). */
int api_may_see_submission(struct api_req *req, long long submission_id);
int api_rater_assigned(struct api_req *req, long long submission_id);

/* Uploads: tus 1.0.0 (uploads.c). */
extern const struct api_stream_ops api_upload_create_ops;
extern const struct api_stream_ops api_upload_patch_ops;
enum kv_err api_uploads_head(struct api_req *req, struct api_resp *resp);
enum kv_err api_uploads_delete(struct api_req *req, struct api_resp *resp);
enum kv_err api_uploads_options(struct api_req *req, struct api_resp *resp);

/* Playback (recordings.c). */
json_t *api_recording_status(struct db *db, long long id);
enum kv_err api_recordings_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_recordings_viewing(struct api_req *req, struct api_resp *resp);
enum kv_err api_recordings_media(struct api_req *req, struct api_resp *resp);

/* Assignments (assignments.c). */
enum kv_err api_assignments_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_assignments_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_assignments_end(struct api_req *req, struct api_resp *resp);
enum kv_err api_my_assignments(struct api_req *req, struct api_resp *resp);
/* Moves the submission to "rated" once every active assignment's rating is submitted. */
enum kv_err api_ratings_maybe_complete(struct api_req *req, long long submission_id);

/* Transcripts of a session (transcripts.c). */
enum kv_err api_transcripts_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_transcripts_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_transcripts_delete(struct api_req *req, struct api_resp *resp);
/* Destroys the transcripts that go with an original recording being shredded (nothing for
 * another recording), inside the caller's transaction, with an audit receipt each. 0 or -1. */
int api_transcripts_shred(struct api_ctx *ctx, struct db *db, long long recording,
                          const char *reason);

/* Ratings, blinding, consensus and approval (ratings.c, consensus.c). */
enum kv_err api_ratings_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_ratings_changes(struct api_req *req, struct api_resp *resp);
enum kv_err api_ratings_submit(struct api_req *req, struct api_resp *resp);
enum kv_err api_ratings_reopen(struct api_req *req, struct api_resp *resp);
enum kv_err api_submission_ratings(struct api_req *req, struct api_resp *resp);
enum kv_err api_submission_comparison(struct api_req *req, struct api_resp *resp);
enum kv_err api_submission_consensus(struct api_req *req, struct api_resp *resp);
enum kv_err api_submission_approve(struct api_req *req, struct api_resp *resp);
enum kv_err api_submission_send_back(struct api_req *req, struct api_resp *resp);
enum kv_err api_instruments_get(struct api_req *req, struct api_resp *resp);
/* The rating with its interventions, or NULL. */
json_t *api_rating_json(struct db *db, long long id);
/* 1 when every active assignment of the submission has a submitted rating. */
int api_all_ratings_in(struct db *db, long long submission_id);
struct instrument;
/* The instrument on file under that id, compiled (free with instrument_free), or NULL. */
struct instrument *api_instrument_load(struct db *db, long long instrument_id);
/* Instruments compiled at most once per request (a list of goals or sessions names the same
 * few again and again). Start zeroed; release when done. */
#define API_INSTRUMENT_CACHE 16
struct api_instrument_cache {
	long long id[API_INSTRUMENT_CACHE];
	struct instrument *in[API_INSTRUMENT_CACHE];
	size_t n;
};
/* The instrument under id from the cache, loaded on first use; NULL when not on file (or the
 * cache is full). Owned by the cache. */
struct instrument *api_instrument_cached(struct api_instrument_cache *c, struct db *db,
                                         long long id);
void api_instrument_cache_release(struct api_instrument_cache *c);
/* The 409 for a rating scale that is not on file. */
enum kv_err api_instrument_missing(struct api_resp *resp);
/* The submission's recording length in ms, or -1 when unknown. */
long long api_recording_ms(struct db *db, long long submission_id);

/* Research exports (exports.c: requests and decisions; export_files.c: making, sealing and
 * serving the files). */
enum kv_err api_exports_variables(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_approve(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_reject(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_withdraw(struct api_req *req, struct api_resp *resp);
enum kv_err api_exports_file(struct api_req *req, struct api_resp *resp);
/* Makes export id's files from the ratings on file now, inside the caller's transaction:
 * seals them under a fresh key and marks the export ready. KV_OK, or an error with a reason
 * in err (the caller records the export as failed). */
enum kv_err api_export_produce(struct api_req *req, long long id, char *err, size_t errlen);
/* Forgets export id's files and key (crypto-shredding), inside the caller's transaction. */
enum kv_err api_export_shred(struct api_req *req, long long id);
/* Answers with one of export id's files, decrypted; audited as a download. */
enum kv_err api_export_send(struct api_req *req, struct api_resp *resp, long long id,
                            const char *name);

/* Reliability, drift, calibration and the lab's figures (reliability.c, calibration.c,
 * lab_figures.c). */
enum kv_err api_reliability_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_reliability_drift(struct api_req *req, struct api_resp *resp);
enum kv_err api_lab_settings_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_lab_settings_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_lab_figures(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_sessions_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_sessions_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_sessions_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_sessions_retire(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_trainees_add(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_candidates(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_trainees_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_calibration_trainee_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_my_calibration(struct api_req *req, struct api_resp *resp);
/* 1 when the user is a trainee on a calibration session of the submission still in use (so may
 * play its recording). */
int api_calibration_trainee(struct api_req *req, long long submission_id);

#endif
