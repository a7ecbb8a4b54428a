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
	int secure_cookies; /* set the Secure flag (served over TLS or behind a TLS proxy) */
	/* Login throttling: `limit` failures within `window` seconds lock for `lock` seconds. */
	long long throttle_window, throttle_lock;
	int throttle_limit;
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

struct api_resp {
	int status;
	json_t *body; /* owned; NULL for an empty body */
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
void api_resp_release(struct api_resp *resp);
/* Request body cap of the route that will handle method+path (for limits before reading). */
size_t api_body_limit(enum api_method method, const char *path);
/* Parses "GET" etc.; returns -1 for a method kvalab does not serve. */
int api_method_parse(const char *s);
const char *api_method_name(enum api_method m);

/* Prints every route as "METHOD PATH" lines (for the documentation test). */
void api_routes_print(void);

#endif
