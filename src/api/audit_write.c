/* Writes audit events for API requests, inside the request's transaction when one is open. */
#include "api/api_int.h"

#include <stdio.h>
#include <sys/time.h>

#include "db/audit_log.h"
#include "util/banned.h"

static long long now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

enum kv_err api_audit_as(struct api_req *req, long long actor_id, const char *actor_email,
                         const char *role, const char *action, const char *object_type,
                         long long object_id, const char *outcome, const char *detail)
{
	struct audit_event ev = {0};
	char id_text[32];
	int own_txn = !db_in_transaction(req->db);
	enum kv_err rc;

	ev.at_ms = now_ms();
	ev.actor_id = actor_id;
	ev.actor_email = actor_email;
	ev.role = role;
	ev.action = action;
	ev.object_type = object_type;
	if (object_type && object_id) {
		snprintf(id_text, sizeof(id_text), "%lld", object_id);
		ev.object_id = id_text;
	}
	ev.outcome = outcome;
	ev.detail = detail;
	ev.ip = req->ip;
	if (own_txn && (rc = db_begin(req->db)) != KV_OK)
		return rc;
	rc = db_audit_append(req->db, req->ctx->audit_key, &ev);
	if (own_txn) {
		if (rc == KV_OK)
			rc = db_commit(req->db);
		else
			db_rollback(req->db);
	}
	if (rc != KV_OK)
		fprintf(stderr, "kvalab: could not write audit event %s: error %d\n", action, rc);
	return rc;
}

enum kv_err api_audit(struct api_req *req, const char *action, const char *object_type,
                      long long object_id, const char *outcome, const char *detail)
{
	int signed_in = req->auth != AUTH_NONE;

	return api_audit_as(req, signed_in ? req->user.id : 0, signed_in ? req->user.email : NULL,
	                    signed_in ? role_name(req->user.role) : NULL, action, object_type,
	                    object_id, outcome, detail);
}
