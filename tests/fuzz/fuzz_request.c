/* libFuzzer driver for the API's front door: a first line "METHOD /path?query" and a body go
 * through routing, query and JSON body validation (depth, duplicates, types, identity numbers)
 * and the public handlers, against a real in-memory database. Nothing may crash or leak.
 * Built and run by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "db/db.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static struct api_ctx ctx;

static void setup(void)
{
	char err[256];

	db = db_open(":memory:", err, sizeof(err));
	if (!db || db_migrate(db, err, sizeof(err)))
		abort();
	memcpy(ctx.audit_key, "fuzz-fuzz-fuzz-fuzz-fuzz-fuzz-32", AUDIT_KEY_LEN);
	ctx.limits.idle_secs = 1800;
	ctx.limits.absolute_secs = 43200;
	ctx.throttle_limit = 5;
	ctx.throttle_window = 900;
	ctx.throttle_lock = 900;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[512], *q, *space, *amp;
	const char *body = (const char *)data;
	struct api_req req;
	struct api_resp resp;
	size_t n = 0;
	int m;

	if (!db)
		setup();
	while (n < size && n < sizeof(line) - 1 && data[n] != '\n')
		n++;
	memcpy(line, data, n);
	line[n] = '\0';
	memset(&req, 0, sizeof(req));
	req.ctx = &ctx;
	req.db = db;
	req.ip = "192.0.2.9";
	space = strchr(line, ' ');
	if (space && (m = api_method_parse((*space = '\0', line))) >= 0) {
		req.method = (enum api_method)m;
		req.path = space + 1;
		body += n < size ? n + 1 : n;
		size -= n < size ? n + 1 : n;
	} else { /* no request line: the whole input is a sign-in body */
		req.method = M_POST;
		req.path = "/api/session";
	}
	q = strchr((char *)(uintptr_t)req.path, '?');
	if (q) {
		*q++ = '\0';
		while (q && *q && req.n_query < API_MAX_QUERY) {
			char *eq = strchr(q, '=');
			amp = strchr(q, '&');
			if (amp)
				*amp = '\0';
			req.query[req.n_query].key = q;
			req.query[req.n_query].value = eq ? (*eq = '\0', eq + 1) : "";
			req.n_query++;
			q = amp ? amp + 1 : NULL;
		}
	}
	req.body = body;
	req.body_len = size;
	api_dispatch(&req, &resp);
	api_resp_release(&resp);
	json_decref(req.json);
	return 0;
}
