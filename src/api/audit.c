/* GET /api/audit: the lab admin's filtered, paged view of the audit log. Reading it is itself
 * audited. */
#include "api/api_int.h"

#include <stdio.h>

#include "db/audit_log.h"
#include "util/banned.h"

static void add_event(const struct audit_event *ev, void *ctx)
{
	json_t *o = json_pack("{s:I}", "id", (json_int_t)ev->id);

	json_object_set_new(o, "at", api_time_ms(ev->at_ms));
	json_object_set_new(o, "actor_id", ev->actor_id ? json_integer(ev->actor_id) : json_null());
#define TEXT(k, v) json_object_set_new(o, k, (v) ? json_string(v) : json_null())
	TEXT("actor_email", ev->actor_email);
	TEXT("role", ev->role);
	TEXT("action", ev->action);
	TEXT("object_type", ev->object_type);
	TEXT("object_id", ev->object_id);
	TEXT("outcome", ev->outcome);
	TEXT("detail", ev->detail);
	TEXT("ip", ev->ip);
#undef TEXT
	json_array_append_new(ctx, o);
}

enum kv_err api_audit_list(struct api_req *req, struct api_resp *resp)
{
	struct db_audit_filter f = {0};
	long long page = api_int(req, "page", 1), per_page = api_int(req, "per_page", 50), total;
	json_t *items;
	enum kv_err rc;

	f.actor = api_str(req, "actor");
	f.action = api_str(req, "action");
	f.object_type = api_str(req, "object_type");
	f.object_id = api_str(req, "object_id");
	if (api_str(req, "from"))
		api_parse_time_ms(api_str(req, "from"), &f.from_ms);
	if (api_str(req, "to")) {
		api_parse_time_ms(api_str(req, "to"), &f.to_ms);
		/* A plain date as the upper bound means the whole of that day. */
		if (api_str(req, "to")[10] == '\0')
			f.to_ms += 86400000 - 1;
	}
	if (f.from_ms && f.to_ms && f.from_ms > f.to_ms)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "to",
		                       "must not be before from");
	f.limit = per_page;
	f.offset = (page - 1) * per_page;
	api_audit(req, "audit.read", NULL, 0, "success", NULL);
	items = json_array();
	rc = db_audit_list(req->db, &f, add_event, items, &total);
	if (rc) {
		json_decref(items);
		return api_error(resp, rc, NULL, "the audit log could not be read");
	}
	api_json(resp, 200,
	         json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
	                   "page", (json_int_t)page, "per_page", (json_int_t)per_page));
	return KV_OK;
}
