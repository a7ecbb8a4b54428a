/* The mail outbox over HTTP: who was written to and whether it arrived (never the bodies),
 * and a lab admin's "send again" for a message that failed. */
#include "api/api_int.h"

#include <stdio.h>

#include "api/mail_worker.h"
#include "db/outbox.h"
#include "util/banned.h"

#define LIST_LIMIT 100

enum kv_err api_outbox_list(struct api_req *req, struct api_resp *resp)
{
	const char *state = api_query(req, "state");
	long long meeting = api_int(req, "meeting_id", 0),
	          submission = api_int(req, "submission_id", 0);
	json_t *items;
	char detail[160];

	items = outbox_list_json(req->db, state, meeting, submission,
	                         (int)api_int(req, "limit", LIST_LIMIT));
	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the outbox could not be read");
	/* Addresses are personal data: reading them is audited like other reads. */
	snprintf(detail, sizeof(detail), "state=%s meeting_id=%lld submission_id=%lld",
	         state ? state : "any", meeting, submission);
	api_audit(req, "outbox.list", "mail", 0, "success", detail);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_outbox_retry(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;
	json_t *item;

	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = outbox_retry(req->db, req->id, req->now);
	if (rc == KV_ENOTFOUND || rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return rc == KV_ENOTFOUND
		           ? api_error(resp, rc, "not_found", "no such message")
		           : api_error(resp, rc, "not_failed",
		                       "only a message that failed can be sent again");
	}
	if (!rc)
		rc = api_audit(req, "mail.retry", "mail", req->id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL,
		                 "the message could not be queued again; try again");
	}
	mail_worker_wake();
	item = outbox_get_json(req->db, req->id, &rc);
	if (!item)
		return api_error(resp, rc, NULL, "the message could not be read");
	api_json(resp, 200, item);
	return KV_OK;
}
