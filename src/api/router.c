/* api_dispatch: route matching, authentication, the pending-step, role and CSRF checks, and
 * validation of every declared parameter, before any handler runs. Deny by default. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/idnumber.h"
#include "core/validate.h"
#include "util/parse.h"
#include "util/banned.h"

#define JSON_MAX_DEPTH 16
#define ID_MAX 9007199254740991LL /* 2^53 - 1: what JavaScript's numbers hold exactly */

static const char *const method_names[M__MAX] = {
    [M_GET] = "GET",     [M_HEAD] = "HEAD",     [M_POST] = "POST",       [M_PUT] = "PUT",
    [M_PATCH] = "PATCH", [M_DELETE] = "DELETE", [M_OPTIONS] = "OPTIONS",
};

int api_method_parse(const char *s)
{
	int m;

	for (m = 0; m < M__MAX; m++)
		if (!strcmp(s, method_names[m]))
			return m;
	return -1;
}

const char *api_method_name(enum api_method m)
{
	return (m >= 0 && m < M__MAX) ? method_names[m] : "?";
}

/* Matches path against pattern; stores {id} and {sub} segments' values. */
static int match(const char *pattern, const char *path, long long *id, long long *sub)
{
	while (*pattern && *path) {
		int is_id = !strncmp(pattern, "{id}", 4), is_sub = !strncmp(pattern, "{sub}", 5);
		if (is_id || is_sub) {
			size_t n = strcspn(path, "/");
			if (parse_llong(path, n, 1, ID_MAX, is_id ? id : sub))
				return 0;
			pattern += is_id ? 4 : 5;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

static const struct api_route *find_route(enum api_method method, const char *path, long long *id,
                                          long long *sub, int *path_known)
{
	enum api_method want = method == M_HEAD ? M_GET : method;
	size_t i;

	*path_known = 0;
	for (i = 0; i < api_n_routes; i++) {
		long long a = 0, b = 0;
		if (!match(api_routes[i].pattern, path, &a, &b))
			continue;
		*path_known = 1;
		if (api_routes[i].method == want) {
			*id = a;
			*sub = b;
			return &api_routes[i];
		}
	}
	return NULL;
}

size_t api_body_limit(enum api_method method, const char *path)
{
	const struct api_route *r;
	long long id, sub;
	int known;

	r = find_route(method, path, &id, &sub, &known);
	return r ? r->max_body : 0;
}

void api_routes_print(void)
{
	size_t i;

	for (i = 0; i < api_n_routes; i++)
		printf("%s %s\n", method_names[api_routes[i].method], api_routes[i].pattern);
}

static int is_write(enum api_method m)
{
	return m == M_POST || m == M_PUT || m == M_PATCH || m == M_DELETE;
}

static enum kv_err authenticate(struct api_req *req, struct api_resp *resp)
{
	struct api_ctx *ctx = req->ctx;
	long long token_id;
	enum kv_err rc;

	if (req->authorization) {
		const char *t = req->authorization;
		if (strncmp(t, "Bearer ", 7))
			return api_error(resp, KV_EAUTH, "unauthenticated",
			                 "the Authorization header must be 'Bearer <token>'");
		token_hash(t + 7, req->session_hash);
		rc = db_token_lookup(req->db, req->session_hash, req->now, &req->user, &token_id);
		if (rc == KV_OK) {
			req->auth = AUTH_TOKEN;
			return KV_OK;
		}
		return api_error(resp, KV_EAUTH, "unauthenticated",
		                 "the API token is unknown, expired or revoked");
	}
	if (req->session_cookie) {
		token_hash(req->session_cookie, req->session_hash);
		rc = db_session_lookup(req->db, req->session_hash, req->now, &ctx->limits,
		                       &req->user, req->csrf);
		if (rc == KV_OK) {
			req->auth = AUTH_SESSION;
			return KV_OK;
		}
		return api_error(resp, KV_EAUTH, "unauthenticated",
		                 "your session has ended; please sign in again");
	}
	return api_error(resp, KV_EAUTH, "unauthenticated", "sign in first");
}

/* Maximum nesting of the raw JSON text, counted before jansson sees it. */
static int json_depth(const char *s, size_t len)
{
	int depth = 0, max = 0, in_str = 0, esc = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				max = depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return max;
}

static const char *check_string(const struct api_field *f, json_t *v)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v), max = f->max ? (size_t)f->max : 1000;
	const char *why;

	if (strlen(s) != len)
		return "must not contain NUL characters";
	if (f->type == F_SECRET)
		return len > max ? "is too long" : NULL;
	if (len < (size_t)f->min)
		return len == 0 ? "is required" : "is too short";
	if (len > max)
		return "is too long";
	why = validate_text(s, max, f->type == F_TEXT);
	return why;
}

static const char *check_field(const struct api_field *f, json_t *v)
{
	long long n, ms;
	const char *const *c;

	switch (f->type) {
	case F_STRING:
	case F_TEXT:
	case F_SECRET:
		if (!json_is_string(v))
			return "must be a string";
		return check_string(f, v);
	case F_EMAIL:
		if (!json_is_string(v))
			return "must be a string";
		return validate_email(json_string_value(v));
	case F_INT:
		if (!json_is_integer(v))
			return "must be a whole number";
		n = json_integer_value(v);
		if (n < f->min || n > f->max)
			return "is out of range";
		return NULL;
	case F_BOOL:
		return json_is_boolean(v) ? NULL : "must be true or false";
	case F_ENUM:
		if (!json_is_string(v))
			return "must be a string";
		for (c = f->choices; *c; c++)
			if (!strcmp(*c, json_string_value(v)))
				return NULL;
		return "is not one of the allowed values";
	case F_DATETIME:
		if (!json_is_string(v) || api_parse_time_ms(json_string_value(v), &ms))
			return "must be a date or time in ISO 8601 (e.g. 2026-11-22T14:00:00Z)";
		return NULL;
	case F_DATE:
		if (!json_is_string(v))
			return "must be a date written YYYY-MM-DD";
		return validate_date(json_string_value(v));
	case F_ID_LIST: {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return "must be a list of ids";
		if (json_array_size(v) > (size_t)(f->max ? f->max : 100))
			return "has too many entries";
		json_array_foreach(v, i, e) if (!json_is_integer(e) || json_integer_value(e) < 1 ||
		                                json_integer_value(e) >
		                                    ID_MAX) return "must be a list of "
		                                                   "positive whole numbers";
		return NULL;
	}
	case F_ARRAY: {
		size_t i;
		json_t *e;
		if (!json_is_array(v))
			return "must be a list";
		if (json_array_size(v) > (size_t)(f->max ? f->max : 100))
			return "has too many entries";
		json_array_foreach(v, i,
		                   e) if (!json_is_object(e)) return "must be a list of objects";
		return NULL;
	}
	case F_NUMBER:
		if (!json_is_number(v))
			return "must be a number";
		if (json_number_value(v) < (double)f->min || json_number_value(v) > (double)f->max)
			return "is out of range";
		return NULL;
	case F_TOTP:
		if (!json_is_string(v) || strlen(json_string_value(v)) != 6 ||
		    strspn(json_string_value(v), "0123456789") != 6)
			return "must be the 6-digit code from your authenticator app";
		return NULL;
	}
	return "is invalid";
}

/* Turns a query-string value into the JSON value its field type expects. */
static json_t *query_value(const struct api_field *f, const char *s)
{
	long long n;

	switch (f->type) {
	case F_INT:
		if (parse_llong_str(s, -9223372036854775807LL, 9223372036854775807LL, &n))
			return json_string(s); /* fails the integer check with a clear message */
		return json_integer(n);
	case F_BOOL:
		if (!strcmp(s, "true") || !strcmp(s, "1"))
			return json_true();
		if (!strcmp(s, "false") || !strcmp(s, "0"))
			return json_false();
		return json_string(s);
	default:
		return json_string(s);
	}
}

static void add_invalid(struct api_resp *resp, int *bad, const char *field, const char *why)
{
	if (!*bad)
		api_error(resp, KV_EINVAL, "invalid_input", "some fields are invalid");
	*bad = 1;
	api_error_field(resp, field, why);
}

static enum kv_err validate_query(struct api_req *req, const struct api_route *r,
                                  struct api_resp *resp)
{
	const struct api_field *f;
	int i, bad = 0;

	for (i = 0; i < req->n_query; i++) {
		for (f = r->query; f && f->name; f++)
			if (!strcmp(f->name, req->query[i].key))
				break;
		if (!f || !f->name) {
			add_invalid(resp, &bad, req->query[i].key,
			            "is not a parameter of this route");
			continue;
		}
		json_t *v = query_value(f, req->query[i].value);
		const char *why = check_field(f, v);
		json_decref(v);
		if (why)
			add_invalid(resp, &bad, f->name, why);
	}
	return bad ? KV_EINVAL : KV_OK;
}

static enum kv_err validate_body(struct api_req *req, const struct api_route *r,
                                 struct api_resp *resp)
{
	const struct api_field *f;
	json_error_t jerr;
	const char *key;
	json_t *v;
	int bad = 0;

	if (!req->body || req->body_len == 0) {
		req->json = json_object();
	} else {
		if (json_depth(req->body, req->body_len) > JSON_MAX_DEPTH)
			return api_error(resp, KV_EINVAL, "invalid_json",
			                 "the JSON body is nested too deeply");
		req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
		if (!req->json) {
			char msg[300];
			snprintf(msg, sizeof(msg),
			         "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
			         jerr.line, jerr.column);
			return api_error(resp, KV_EINVAL, "invalid_json", msg);
		}
		if (!json_is_object(req->json))
			return api_error(resp, KV_EINVAL, "invalid_json",
			                 "the body must be a JSON object");
	}
	json_object_foreach(req->json, key, v)
	{
		for (f = r->body; f && f->name; f++)
			if (!strcmp(f->name, key))
				break;
		if (!f || !f->name) {
			add_invalid(resp, &bad, key, "is not a field of this request");
			continue;
		}
		if (json_is_null(v) && !f->required)
			continue;
		const char *why = check_field(f, v);
		if (why)
			add_invalid(resp, &bad, key, why);
	}
	for (f = r->body; f && f->name; f++) {
		v = json_object_get(req->json, f->name);
		if (f->required && (!v || json_is_null(v)))
			add_invalid(resp, &bad, f->name, "is required");
	}
	if (bad)
		return KV_EINVAL;
	/* No patient identities anywhere: one check for every free-text field (a rule, so 422). */
	for (f = r->body; f && f->name; f++) {
		enum idnumber_kind k;
		v = json_object_get(req->json, f->name);
		if (!v || !json_is_string(v) || (f->type != F_STRING && f->type != F_TEXT))
			continue;
		k = idnumber_find(json_string_value(v), json_string_length(v));
		if (k != IDNUMBER_NONE) {
			if (!bad)
				api_error(resp, KV_ERULE, "identity_number",
				          "free text must not contain national identity numbers");
			bad = 1;
			api_error_field(resp, f->name, idnumber_message(k));
		}
	}
	if (bad)
		return KV_ERULE;
	/* Optional fields sent as null mean "not given". */
	for (f = r->body; f && f->name; f++) {
		v = json_object_get(req->json, f->name);
		if (v && json_is_null(v) && !f->required)
			json_object_del(req->json, f->name);
	}
	return bad ? KV_EINVAL : KV_OK;
}

const char *api_req_header(const struct api_req *req, const char *name)
{
	return req->header ? req->header(req->hctx, name) : NULL;
}

const struct api_stream_ops *api_stream_for(enum api_method method, const char *path)
{
	const struct api_route *r;
	long long id, sub;
	int known;

	r = find_route(method, path, &id, &sub, &known);
	return r ? r->stream : NULL;
}

/* Routing and the checks that need no body. Returns the route, or NULL with resp filled. */
static const struct api_route *begin(struct api_req *req, struct api_resp *resp)
{
	const struct api_route *r;
	const char *pending;
	int path_known;

	memset(resp, 0, sizeof(*resp));
	resp->status = 200;
	req->now = (long long)time(NULL);
	r = find_route(req->method, req->path, &req->id, &req->sub, &path_known);
	if (!r) {
		char msg[300];
		if (path_known) {
			snprintf(msg, sizeof(msg), "%s is not allowed on %.200s",
			         api_method_name(req->method), req->path);
			api_error(resp, KV_EINVAL, "method_not_allowed", msg);
			resp->status = 405;
		} else {
			snprintf(msg, sizeof(msg), "no such API route: %.200s", req->path);
			api_error(resp, KV_ENOTFOUND, "not_found", msg);
		}
		return NULL;
	}
	if (!req->db) {
		api_error(resp, KV_EUNAVAILABLE, "unavailable", "the database is not available");
		return NULL;
	}
	if (!(r->flags & R_PUBLIC)) {
		if (authenticate(req, resp))
			return NULL;
		pending = user_pending_step(&req->user);
		if (pending && !(r->flags & R_PENDING_OK)) {
			api_error(resp, KV_EPERM, pending,
			          !strcmp(pending, "password_change_required")
			              ? "change your one-time password first"
			              : "set up two-factor authentication first");
			return NULL;
		}
		if (!(r->roles & ROLE_BIT(req->user.role))) {
			char detail[300];
			snprintf(detail, sizeof(detail), "%s %.200s", api_method_name(req->method),
			         req->path);
			api_audit(req, "access.denied", NULL, 0, "denied", detail);
			api_error(resp, KV_EPERM, "forbidden",
			          "your role does not allow this; ask a lab admin if you need it");
			return NULL;
		}
		if (req->auth == AUTH_SESSION && is_write(req->method) &&
		    (!req->csrf_header || !token_equal(req->csrf_header, req->csrf))) {
			api_error(resp, KV_EPERM, "csrf",
			          "the request lacks a valid X-CSRF-Token header; reload the page");
			return NULL;
		}
	}
	if (validate_query(req, r, resp))
		return NULL;
	return r;
}

int api_begin(struct api_req *req, struct api_resp *resp)
{
	return begin(req, resp) ? 0 : -1;
}

void api_dispatch(struct api_req *req, struct api_resp *resp)
{
	const struct api_route *r = begin(req, resp);
	enum kv_err rc;

	if (!r)
		return;
	if (r->stream) {
		/* A streaming route reached without the HTTP layer (e.g. a test): one piece. */
		void *state = NULL;
		if (r->stream->open(req, resp, &state) == KV_OK) {
			if (!req->body_len ||
			    r->stream->data(state, req, resp, req->body, req->body_len) == KV_OK)
				r->stream->close(state, req, resp, 1);
			else
				r->stream->close(state, req, NULL, 0);
		}
		return;
	}
	if (is_write(req->method) && !(r->flags & R_RAW_BODY) && validate_body(req, r, resp))
		return;
	rc = r->handler(req, resp);
	if (rc != KV_OK && resp->status < 400)
		api_error(resp, rc, NULL, "the request could not be completed");
	if (req->db && db_in_transaction(req->db))
		db_rollback(req->db); /* a handler that forgot to commit changes nothing */
}
