/* User administration for lab admins: list, create with a one-time password, change, disable,
 * reset password or second factor. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db/users.h"
#include "util/banned.h"

static void add_user(const struct kv_user *u, void *ctx)
{
	json_array_append_new(ctx, api_user_json(u));
}

enum kv_err api_users_list(struct api_req *req, struct api_resp *resp)
{
	struct db_user_filter f = {-1, NULL, 0};
	json_t *items = json_array();
	enum kv_err rc;

	if (api_str(req, "role"))
		f.role = role_parse(api_str(req, "role"));
	f.q = api_str(req, "q");
	f.include_disabled = api_bool(req, "include_disabled", 0);
	rc = db_user_list(req->db, &f, add_user, items);
	if (rc) {
		json_decref(items);
		return api_error(resp, rc, NULL, "the users could not be listed");
	}
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_users_create(struct api_req *req, struct api_resp *resp)
{
	char otp[32], detail[64];
	struct kv_user u;
	enum kv_err rc;

	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", api_str(req, "email"));
	email_normalise(u.email);
	snprintf(u.display_name, sizeof(u.display_name), "%s",
	         api_str(req, "display_name") ? api_str(req, "display_name") : "");
	u.role = (enum kv_role)role_parse(api_str(req, "role"));
	u.institution_id = api_int(req, "institution_id", 0);
	u.must_change_password = 1;
	snprintf(u.locale, sizeof(u.locale), "%s", req->user.locale);
	if (u.institution_id && db_institution_exists(req->db, u.institution_id) != KV_OK)
		return api_field_error(resp, KV_ERULE, "institution_not_found", "institution_id",
		                       "is not a registered institution");
	password_generate(otp);
	if (password_hash(otp, u.password_hash))
		return api_error(resp, KV_EINTERNAL, NULL, "the password could not be hashed");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_user_insert(req->db, &u);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_field_error(resp, KV_ECONFLICT, "email_taken", "email",
		                       "already belongs to a user");
	}
	snprintf(detail, sizeof(detail), "role %s", role_name(u.role));
	if (!rc)
		rc = api_audit(req, "user.create", "user", u.id, "success", detail);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the user could not be created; try again");
	}
	api_json(resp, 201,
	         json_pack("{s:o, s:s}", "user", api_user_json(&u), "one_time_password", otp));
	sodium_memzero(otp, sizeof(otp));
	return KV_OK;
}

enum kv_err api_users_get(struct api_req *req, struct api_resp *resp)
{
	struct kv_user u;

	if (db_user_get(req->db, req->id, &u) != KV_OK)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such user");
	api_json(resp, 200, api_user_json(&u));
	return KV_OK;
}

static enum kv_err finish(struct api_req *req, struct api_resp *resp, enum kv_err rc)
{
	struct kv_user u;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the change could not be saved; try again");
	}
	if (db_user_get(req->db, req->id, &u) != KV_OK)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such user");
	api_json(resp, 200, api_user_json(&u));
	return KV_OK;
}

enum kv_err api_users_patch(struct api_req *req, struct api_resp *resp)
{
	const char *name = api_str(req, "display_name"), *role = api_str(req, "role");
	int has_disabled = api_has(req, "disabled"), disabled = api_bool(req, "disabled", 0);
	struct kv_user u;
	char detail[160];
	enum kv_err rc;

	if (db_user_get(req->db, req->id, &u) != KV_OK)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such user");
	if (req->id == req->user.id && has_disabled && disabled)
		return api_field_error(resp, KV_ERULE, "cannot_disable_self", "disabled",
		                       "cannot be set on your own account");
	if (req->id == req->user.id && role && role_parse(role) != (int)u.role)
		return api_field_error(resp, KV_ERULE, "cannot_change_own_role", "role",
		                       "cannot be changed on your own account");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (name)
		rc = db_user_set_display_name(req->db, req->id, name);
	if (!rc && role)
		rc = db_user_set_role(req->db, req->id, (enum kv_role)role_parse(role));
	if (!rc && has_disabled) {
		rc = db_user_set_disabled(req->db, req->id, disabled);
		if (!rc && disabled)
			rc = db_session_delete_user(req->db, req->id, NULL);
	}
	snprintf(detail, sizeof(detail), "%s%s%s%s%s", name ? "display_name " : "",
	         role ? "role=" : "", role ? role : "", role ? " " : "",
	         has_disabled ? (disabled ? "disabled" : "enabled") : "");
	if (!rc)
		rc = api_audit(
		    req, has_disabled ? (disabled ? "user.disable" : "user.enable") : "user.update",
		    "user", req->id, "success", detail);
	return finish(req, resp, rc);
}

enum kv_err api_users_reset_password(struct api_req *req, struct api_resp *resp)
{
	char otp[32], hash[PASSWORD_HASH_LEN];
	struct kv_user u;
	enum kv_err rc;

	if (db_user_get(req->db, req->id, &u) != KV_OK)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such user");
	password_generate(otp);
	if (password_hash(otp, hash))
		return api_error(resp, KV_EINTERNAL, NULL, "the password could not be hashed");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_user_set_password(req->db, req->id, hash, 1);
	if (!rc)
		rc = db_session_delete_user(req->db, req->id, NULL);
	if (!rc)
		rc = db_throttle_clear(req->db, u.email);
	if (!rc)
		rc = api_audit(req, "user.reset_password", "user", req->id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the password could not be reset; try again");
	}
	api_json(resp, 200, json_pack("{s:s}", "one_time_password", otp));
	sodium_memzero(otp, sizeof(otp));
	return KV_OK;
}

enum kv_err api_users_reset_totp(struct api_req *req, struct api_resp *resp)
{
	struct kv_user u;
	enum kv_err rc;

	if (db_user_get(req->db, req->id, &u) != KV_OK)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such user");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_user_reset_totp(req->db, req->id);
	if (!rc)
		rc = db_session_delete_user(req->db, req->id, NULL);
	if (!rc)
		rc = api_audit(req, "user.reset_totp", "user", req->id, "success", NULL);
	return finish(req, resp, rc);
}
