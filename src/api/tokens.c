/* Personal API tokens for scripts: shown once, stored as a hash, revocable. */
#include "api/api_int.h"

#include <string.h>

#include <sodium.h>

#include "util/banned.h"

#define TOKEN_DEFAULT_DAYS 90

static json_t *token_json(const struct api_token_row *t)
{
	json_t *o =
	    json_pack("{s:I, s:s}", "id", (json_int_t)t->id, "name", t->name ? t->name : "");

	json_object_set_new(o, "created_at", api_time(t->created_at));
	json_object_set_new(o, "expires_at", api_time(t->expires_at));
	json_object_set_new(o, "last_used_at", api_time(t->last_used_at));
	json_object_set_new(o, "revoked_at", api_time(t->revoked_at));
	return o;
}

static void add_token(const struct api_token_row *t, void *ctx)
{
	json_array_append_new(ctx, token_json(t));
}

static void keep_token(const struct api_token_row *t, void *ctx)
{
	json_t **out = ctx;

	*out = token_json(t);
}

enum kv_err api_tokens_list(struct api_req *req, struct api_resp *resp)
{
	json_t *items = json_array();
	enum kv_err rc = db_token_list(req->db, req->user.id, add_token, items);

	if (rc) {
		json_decref(items);
		return api_error(resp, rc, NULL, "the tokens could not be listed");
	}
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_tokens_create(struct api_req *req, struct api_resp *resp)
{
	char token[TOKEN_TEXT_MAX];
	uint8_t hash[TOKEN_HASH_LEN];
	long long days = api_int(req, "days", TOKEN_DEFAULT_DAYS), id = 0;
	json_t *item = NULL;
	enum kv_err rc;

	token_generate("kv_", token);
	token_hash(token, hash);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_token_insert(req->db, req->user.id, api_str(req, "name"), hash, req->now,
	                     req->now + days * 86400, &id);
	if (!rc)
		rc = api_audit(req, "token.create", "api_token", id, "success",
		               api_str(req, "name"));
	if (!rc)
		rc = db_commit(req->db);
	if (!rc)
		rc = db_token_get(req->db, req->user.id, id, keep_token, &item);
	if (rc) {
		db_rollback(req->db);
		sodium_memzero(token, sizeof(token));
		return api_error(resp, rc, NULL, "the token could not be created; try again");
	}
	api_json(resp, 201, json_pack("{s:s, s:o}", "token", token, "item", item));
	sodium_memzero(token, sizeof(token));
	return KV_OK;
}

enum kv_err api_tokens_delete(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;

	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_token_revoke(req->db, req->user.id, req->id, req->now);
	if (rc == KV_ENOTFOUND) {
		db_rollback(req->db);
		return api_error(resp, KV_ENOTFOUND, "not_found",
		                 "no such active token among yours");
	}
	if (!rc)
		rc = api_audit(req, "token.revoke", "api_token", req->id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the token could not be revoked; try again");
	}
	api_json(resp, 204, NULL);
	return KV_OK;
}
