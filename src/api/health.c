/* GET /api/health: tells a load balancer or a script that the server and database answer. */
#include "api/api_int.h"

#include "version.h"
#include "util/banned.h"

enum kv_err api_health(struct api_req *req, struct api_resp *resp)
{
	struct db_stmt *st = db_prepare(req->db, "SELECT 1");
	int ok = st && db_step(st) == DB_ROW;

	db_finalize(st);
	if (!ok)
		return api_error(resp, KV_EUNAVAILABLE, "database_unavailable",
		                 "the database does not answer");
	api_json(resp, 200, json_pack("{s:s, s:s}", "status", "ok", "version", KV_VERSION));
	return KV_OK;
}
