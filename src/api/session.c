/* Signing in and out: password, second factor, throttling, the session cookie and CSRF token. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/totp.h"
#include "db/users.h"
#include "vault/masterkey.h"
#include "util/banned.h"

#define COOKIE_NAME "kv_session"

static void set_cookie(struct api_req *req, struct api_resp *resp, const char *value, long long age)
{
	char cookie[256];

	snprintf(cookie, sizeof(cookie),
	         COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict; "
	                     "Max-Age=%lld%s",
	         value, age, req->ctx->secure_cookies ? "; Secure" : "");
	api_header(resp, "Set-Cookie", cookie);
}

static enum kv_err throttled(struct api_req *req, struct api_resp *resp, const char *email,
                             long long until)
{
	char retry[32], msg[160];
	long long wait = until - req->now;

	api_audit_as(req, 0, email, NULL, "session.login", "user", 0, "throttled",
	             "too many failed sign-ins");
	snprintf(retry, sizeof(retry), "%lld", wait > 0 ? wait : 1);
	snprintf(msg, sizeof(msg),
	         "too many failed sign-ins for this account; try again in %lld minutes",
	         (wait + 59) / 60);
	api_header(resp, "Retry-After", retry);
	return api_error(resp, KV_ETHROTTLED, "throttled", msg);
}

/* Records a failed sign-in (throttle counter and audit row) in one transaction. */
static enum kv_err failed(struct api_req *req, struct api_resp *resp, const char *email,
                          const struct kv_user *u, const char *why, const char *code,
                          const char *message)
{
	struct api_ctx *ctx = req->ctx;

	if (db_begin(req->db) == KV_OK) {
		db_throttle_fail(req->db, email, req->now, ctx->throttle_window,
		                 ctx->throttle_limit, ctx->throttle_lock);
		api_audit_as(req, u ? u->id : 0, email, u ? role_name(u->role) : NULL,
		             "session.login", "user", u ? u->id : 0, "failure", why);
		db_commit(req->db);
	}
	return api_error(resp, KV_EAUTH, code, message);
}

/* Checks code against the user's enrolled secret; on success stores the step used. */
static int check_totp(struct api_req *req, const struct kv_user *u, const char *code,
                      long long *step)
{
	struct kv_buf sealed = KV_BUF_INIT(4096), secret = KV_BUF_INIT(4096);
	char aad[64];
	int ok = 0;

	snprintf(aad, sizeof(aad), "totp:%lld", u->id);
	if (db_user_get_totp(req->db, u->id, TOTP_ACTIVE, &sealed) == KV_OK &&
	    vault_unseal(req->ctx->key, "totp", aad, sealed.data, sealed.len, &secret) == 0)
		ok = totp_verify((const uint8_t *)secret.data, secret.len, code, (time_t)req->now,
		                 u->totp_last_step, step);
	if (secret.data)
		sodium_memzero(secret.data, secret.len);
	kv_buf_release(&secret);
	kv_buf_release(&sealed);
	return ok;
}

enum kv_err api_session_create(struct api_req *req, struct api_resp *resp)
{
	char email[EMAIL_MAX + 1], cookie[TOKEN_TEXT_MAX], csrf[TOKEN_TEXT_MAX];
	const char *password = api_str(req, "password"), *code = api_str(req, "totp");
	uint8_t hash[TOKEN_HASH_LEN];
	struct kv_user u;
	long long until, step = 0;
	int found, ok;
	enum kv_err rc;

	snprintf(email, sizeof(email), "%s", api_str(req, "email"));
	email_normalise(email);
	until = db_throttle_locked_until(req->db, email, req->now);
	if (until)
		return throttled(req, resp, email, until);

	found = db_user_get_by_email(req->db, email, &u) == KV_OK;
	/* Unknown addresses cost the same time as known ones, so timing reveals nothing. */
	ok = password_verify(found ? u.password_hash : password_dummy_hash(), password);
	if (!found || !ok || u.disabled)
		return failed(req, resp, email, found ? &u : NULL,
		              !found       ? "unknown account"
		              : u.disabled ? "account disabled"
		                           : "wrong password",
		              "invalid_credentials", "the e-mail address or password is wrong");
	if (u.totp_enabled) {
		if (!code)
			return api_error(resp, KV_EAUTH, "totp_required",
			                 "enter the 6-digit code from your authenticator app");
		if (!check_totp(req, &u, code, &step))
			return failed(req, resp, email, &u, "wrong or reused TOTP code",
			              "invalid_totp",
			              "the authenticator code is wrong or was "
			              "already used; wait for the next one");
	}

	token_generate("", cookie);
	token_generate("", csrf);
	token_hash(cookie, hash);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_throttle_clear(req->db, email);
	if (!rc && step)
		rc = db_user_set_totp_step(req->db, u.id, step);
	if (!rc)
		rc = db_user_touch_login(req->db, u.id, req->now);
	if (!rc)
		rc = db_session_insert(req->db, hash, u.id, csrf, req->now, req->ip);
	req->auth = AUTH_SESSION;
	req->user = u;
	if (!rc)
		rc = api_audit(req, "session.login", "user", u.id, "success",
		               u.totp_enabled ? "password and TOTP" : "password");
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "could not start the session; try again");
	}
	u.last_login_at = req->now;
	set_cookie(req, resp, cookie, req->ctx->limits.absolute_secs);
	api_json(resp, 200, json_pack("{s:o, s:s}", "user", api_user_json(&u), "csrf_token", csrf));
	sodium_memzero(cookie, sizeof(cookie));
	return KV_OK;
}

enum kv_err api_session_get(struct api_req *req, struct api_resp *resp)
{
	json_t *body = json_pack("{s:o}", "user", api_user_json(&req->user));

	json_object_set_new(body, "csrf_token",
	                    req->auth == AUTH_SESSION ? json_string(req->csrf) : json_null());
	json_object_set_new(body, "auth",
	                    json_string(req->auth == AUTH_SESSION ? "session" : "token"));
	api_json(resp, 200, body);
	return KV_OK;
}

enum kv_err api_session_delete(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;

	if (req->auth != AUTH_SESSION)
		return api_error(resp, KV_ECONFLICT, "not_a_session",
		                 "this request uses an API token; revoke the token instead");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_session_delete(req->db, req->session_hash);
	if (!rc)
		rc = api_audit(req, "session.logout", "user", req->user.id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc)
		return api_error(resp, rc, NULL, "could not end the session; try again");
	set_cookie(req, resp, "", 0);
	api_json(resp, 204, NULL);
	return KV_OK;
}
