/* The signed-in user's own account: profile, password change, TOTP enrolment. */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/totp.h"
#include "db/users.h"
#include "vault/masterkey.h"
#include "util/banned.h"

/* Commits the open transaction and answers with the fresh user, or reports the error. */
static enum kv_err commit_and_answer(struct api_req *req, struct api_resp *resp, enum kv_err rc)
{
	struct kv_user u;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the change could not be saved; try again");
	}
	if (db_user_get(req->db, req->user.id, &u) != KV_OK)
		return api_error(resp, KV_EINTERNAL, NULL, "the account could not be read back");
	api_json(resp, 200, api_user_json(&u));
	return KV_OK;
}

enum kv_err api_me_get(struct api_req *req, struct api_resp *resp)
{
	api_json(resp, 200, api_user_json(&req->user));
	return KV_OK;
}

enum kv_err api_me_patch(struct api_req *req, struct api_resp *resp)
{
	const char *name = api_str(req, "display_name"), *locale = api_str(req, "locale");
	enum kv_err rc;

	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (name)
		rc = db_user_set_display_name(req->db, req->user.id, name);
	if (!rc && locale)
		rc = db_user_set_locale(req->db, req->user.id, locale);
	if (!rc)
		rc = api_audit(req, "user.update_self", "user", req->user.id, "success",
		               name && locale ? "display_name, locale"
		               : name         ? "display_name"
		                              : "locale");
	return commit_and_answer(req, resp, rc);
}

enum kv_err api_me_password(struct api_req *req, struct api_resp *resp)
{
	const char *current = api_str(req, "current_password"),
	           *next = api_str(req, "new_password");
	char hash[PASSWORD_HASH_LEN];
	const char *why;
	enum kv_err rc;

	if (!password_verify(req->user.password_hash, current)) {
		if (db_begin(req->db) == KV_OK) {
			db_throttle_fail(req->db, req->user.email, req->now,
			                 req->ctx->throttle_window, req->ctx->throttle_limit,
			                 req->ctx->throttle_lock);
			api_audit(req, "user.password_change", "user", req->user.id, "failure",
			          "wrong current password");
			db_commit(req->db);
		}
		return api_field_error(resp, KV_ERULE, "wrong_current_password", "current_password",
		                       "is not your current password");
	}
	rc = password_check_policy(next, req->user.email, &why);
	if (rc)
		return api_field_error(resp, rc, rc == KV_ERULE ? "weak_password" : "invalid_input",
		                       "new_password", why);
	if (!strcmp(current, next))
		return api_field_error(resp, KV_ERULE, "weak_password", "new_password",
		                       "must differ from the current password");
	if (password_hash(next, hash))
		return api_error(resp, KV_EINTERNAL, NULL, "the password could not be hashed");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_user_set_password(req->db, req->user.id, hash, 0);
	/* Other sessions may belong to whoever knew the old password. */
	if (!rc)
		rc = db_session_delete_user(req->db, req->user.id,
		                            req->auth == AUTH_SESSION ? req->session_hash : NULL);
	if (!rc)
		rc = api_audit(req, "user.password_change", "user", req->user.id, "success", NULL);
	sodium_memzero(hash, sizeof(hash));
	return commit_and_answer(req, resp, rc);
}

enum kv_err api_me_totp_begin(struct api_req *req, struct api_resp *resp)
{
	struct kv_buf sealed = KV_BUF_INIT(4096);
	uint8_t raw[TOTP_SECRET_LEN];
	char b32[TOTP_BASE32_LEN], aad[64];
	char *uri = NULL, *svg = NULL;
	enum kv_err rc = KV_EINTERNAL;

	if (req->user.totp_enabled)
		return api_error(resp, KV_ECONFLICT, "totp_already_enabled",
		                 "two-factor authentication is already set up; ask a lab admin "
		                 "to reset it if you lost your device");
	totp_secret_new(raw);
	snprintf(aad, sizeof(aad), "totp:%lld", req->user.id);
	if (totp_secret_base32(raw, b32) ||
	    vault_seal(req->ctx->key, "totp", aad, raw, sizeof(raw), &sealed))
		goto out;
	uri = totp_uri("kvalab", req->user.email, b32);
	svg = totp_qr_svg(uri);
	if (!svg)
		goto out;
	if ((rc = db_begin(req->db)) != KV_OK)
		goto out;
	rc = db_user_set_totp(req->db, req->user.id, TOTP_PENDING, sealed.data, sealed.len);
	if (!rc)
		rc = api_audit(req, "user.totp_enrol_start", "user", req->user.id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (!rc)
		api_json(
		    resp, 200,
		    json_pack("{s:s, s:s, s:s}", "secret", b32, "otpauth_uri", uri, "qr_svg", svg));
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b32, sizeof(b32));
	free(uri);
	free(svg);
	kv_buf_release(&sealed);
	if (rc)
		return api_error(resp, rc, NULL, "two-factor set-up could not start; try again");
	return KV_OK;
}

enum kv_err api_me_totp_confirm(struct api_req *req, struct api_resp *resp)
{
	struct kv_buf sealed = KV_BUF_INIT(4096), secret = KV_BUF_INIT(4096);
	long long step = 0;
	char aad[64];
	int ok;
	enum kv_err rc;

	if (req->user.totp_enabled)
		return api_error(resp, KV_ECONFLICT, "totp_already_enabled",
		                 "two-factor authentication is already set up");
	snprintf(aad, sizeof(aad), "totp:%lld", req->user.id);
	if (db_user_get_totp(req->db, req->user.id, TOTP_PENDING, &sealed) != KV_OK) {
		kv_buf_release(&sealed);
		return api_error(resp, KV_ECONFLICT, "totp_not_started",
		                 "start two-factor set-up first");
	}
	ok = vault_unseal(req->ctx->key, "totp", aad, sealed.data, sealed.len, &secret) == 0 &&
	     totp_verify((const uint8_t *)secret.data, secret.len, api_str(req, "code"),
	                 (time_t)req->now, 0, &step);
	if (secret.data)
		sodium_memzero(secret.data, secret.len);
	kv_buf_release(&secret);
	kv_buf_release(&sealed);
	if (!ok) {
		api_audit(req, "user.totp_enrol", "user", req->user.id, "failure", "wrong code");
		return api_field_error(resp, KV_ERULE, "invalid_totp", "code",
		                       "does not match; check the time on your phone and try the "
		                       "next code");
	}
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_user_activate_totp(req->db, req->user.id, step);
	if (!rc)
		rc = api_audit(req, "user.totp_enrol", "user", req->user.id, "success", NULL);
	return commit_and_answer(req, resp, rc);
}
