/* The JSON API as plain functions: a request struct in, a response struct out. The HTTP layer
 * fills api_req from the wire; tests fill it by hand, so handlers run without a socket. */
#ifndef KV_API_H
#define KV_API_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/audit.h"
#include "core/err.h"
#include "core/token.h"
#include "core/user.h"
#include "db/db.h"
#include "db/sessions.h"

struct vault_key;

enum api_method { M_GET, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE, M_OPTIONS, M__MAX };

/* What every request shares: set up once by `kvalab serve`. */
struct api_ctx {
	struct db_pool *pool;
	const struct vault_key *key;
	const char *data_dir; /* for encrypted documents and recordings */
	unsigned char audit_key[AUDIT_KEY_LEN];
	struct session_limits limits;
	int secure_cookies;
	/* set the Secure flag (served over TLS or behind a TLS proxy) */ /* Recordings: the largest accepted upload, how long an unfinished one is kept, and this
	 * process's identity (for upload leases and job ownership across restarts). */
	long long max_recording_bytes;
	long long upload_expiry_secs;
	char boot_id[TOKEN_TEXT_MAX];
	/* Login throttling: `limit` failures within `window` seconds lock for `lock` seconds. */
	long long throttle_window, throttle_lock;
	int throttle_limit;
	/* Client outcome links: how long one lives, and how many requests an address or one link
	 * may make to the public answer page within the window (0: the defaults of outcomes.h);
	 * public_url is the address clients open (empty: taken from the request). */
	long long outcome_link_secs, outcome_rate_window;
	int outcome_rate_address, outcome_rate_link;
	char public_url[256];
};

#define API_MAX_QUERY 16
#define API_MAX_HEADERS 6

struct api_kv {
	const char *key, *value;
};

enum api_auth {
	AUTH_NONE,
	AUTH_SESSION,
	AUTH_TOKEN,
};

struct api_req {
	struct api_ctx *ctx;
	/* Any request header by name (NULL when absent); set by the HTTP layer or a test. */
	const char *(*header)(void *hctx, const char *name);
	void *hctx;
	enum api_method method;
	const char *path; /* decoded, without the query string */
	struct api_kv query[API_MAX_QUERY];
	int n_query;
	const char *body; /* raw bytes; NULL or empty when none */
	size_t body_len;
	const char *session_cookie; /* value of the kv_session cookie, or NULL */
	const char *authorization;  /* the Authorization header, or NULL */
	const char *csrf_header;    /* the X-CSRF-Token header, or NULL */
	const char *content_type;   /* the Content-Type header, or NULL */
	const char *ip;

	/* Filled in by api_dispatch before the handler runs. */
	struct db *db;
	long long id;  /* the {id} path parameter when the route has one */
	long long sub; /* the {sub} path parameter (a second id) when the route has one */
	json_t *json;  /* the validated body object, or NULL */
	enum api_auth auth;
	struct kv_user user;
	uint8_t session_hash[TOKEN_HASH_LEN];
	char csrf[TOKEN_TEXT_MAX];
	long long now; /* Unix seconds at the start of the request */
};

/* A response body produced piece by piece (e.g. decrypted media), instead of JSON. */
struct api_out_stream {
	uint64_t size;    /* bytes the body will have */
	const char *type; /* Content-Type */
	/* Copies up to max bytes of the body starting at pos into buf; returns the count, or -1
	 * to abort the response (e.g. the file turned out to be damaged). */
	long long (*read)(void *ctx, uint64_t pos, char *buf, size_t max);
	void (*free)(void *ctx);
	void *ctx;
};

struct api_resp {
	int status;
	struct api_out_stream *out; /* owned; when set, the body comes from it */
	json_t *body;               /* owned; NULL for an empty body */
	/* A file instead of JSON (e.g. a decrypted PDF): owned, wiped when released. */
	char *raw;
	size_t raw_len;
	char raw_type[48];
	struct api_kv headers[API_MAX_HEADERS];
	char *header_values[API_MAX_HEADERS]; /* owned copies */
	int n_headers;
};

/* Runs one request: routing, authentication, role and CSRF checks, validation, the handler.
 * Always fills resp (free it with api_resp_release). req->db must be set by the caller. */
void api_dispatch(struct api_req *req, struct api_resp *resp);

/* Routes whose body is consumed as it arrives (uploads of recordings). */
struct api_stream_ops {
	/* After routing, authentication and the role, CSRF and query checks: prepares to take the
	 * body. KV_OK with *state set, or an error with resp filled (the body is then ignored). */
	enum kv_err (*open)(struct api_req *req, struct api_resp *resp, void **state);
	/* The next piece of the body. An error fills resp; the rest of the body is ignored. */
	enum kv_err (*data)(void *state, struct api_req *req, struct api_resp *resp,
	                    const char *buf, size_t len);
	/* The body ended (complete = 1, resp to fill) or the connection broke (complete = 0,
	 * resp NULL). Keeps what is durable and frees state. */
	void (*close)(void *state, struct api_req *req, struct api_resp *resp, int complete);
};

/* The streaming operations of the route for method+path, or NULL for an ordinary route. */
const struct api_stream_ops *api_stream_for(enum api_method method, const char *path);
/* Runs routing and every check that needs no body; returns 0 when the request may go on,
 * else -1 with resp filled. Used by the HTTP layer before a streaming route's body. */
int api_begin(struct api_req *req, struct api_resp *resp);
/* A request header, or NULL. */
const char *api_req_header(const struct api_req *req, const char *name);
void api_resp_release(struct api_resp *resp);
/* Request body cap of the route that will handle method+path (for limits before reading). */
size_t api_body_limit(enum api_method method, const char *path);
/* Parses "GET" etc.; returns -1 for a method kvalab does not serve. */
int api_method_parse(const char *s);
const char *api_method_name(enum api_method m);

/* Background jobs (jobs.c): runs one due job, if any (1 when it ran one). */
int api_jobs_run_one(struct api_ctx *ctx);
/* Puts jobs left running by an earlier process back in the queue. */
void api_jobs_recover(struct api_ctx *ctx);
/* Destroys a recording: its key first, then its file; audited. 0 or -1. */
int api_shred_recording(struct api_ctx *ctx, struct db *db, long long id, const char *reason);

/* Applies the retention rules (retention.c): destroys every recording that is due, or only
 * lists them when dry_run. each (may be NULL) hears of each one. Returns how many were due. */
int api_retention_run(struct api_ctx *ctx, struct db *db, int dry_run,
                      void (*each)(void *cb, long long recording, long long submission,
                                   const char *rule),
                      void *cb);

/* The mail outbox (outbox.c): GET /api/outbox and POST /api/outbox/{id}/retry. Declared here
 * rather than in api_int.h so that file stays as the other resources left it. */
enum kv_err api_outbox_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_outbox_retry(struct api_req *req, struct api_resp *resp);

/* Prints every route as "METHOD PATH" lines (for the documentation test). */
void api_routes_print(void);

#endif
