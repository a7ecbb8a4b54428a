/* Handlers run without a socket: requests are built by hand and passed to api_dispatch. */
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include "api/api.h"
#include "db/db.h"
#include "db/users.h"

struct fixture {
	struct api_ctx ctx;
	struct db *db;
};

static int setup(struct fixture *f, const char *name)
{
	char path[512], err[256];

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "%s/%s.db", unit_tmpdir(), name);
	unlink(path);
	f->db = db_open(path, err, sizeof(err));
	if (!f->db || db_migrate(f->db, err, sizeof(err)))
		return -1;
	memcpy(f->ctx.audit_key, "0123456789abcdef0123456789abcdef", AUDIT_KEY_LEN);
	f->ctx.limits.idle_secs = 1800;
	f->ctx.limits.absolute_secs = 43200;
	f->ctx.throttle_limit = 5;
	f->ctx.throttle_window = 900;
	f->ctx.throttle_lock = 900;
	return 0;
}

static void request(struct fixture *f, enum api_method m, const char *path, const char *body,
                    struct api_resp *resp)
{
	struct api_req req;

	memset(&req, 0, sizeof(req));
	req.ctx = &f->ctx;
	req.db = f->db;
	req.method = m;
	req.path = path;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.ip = "192.0.2.1";
	api_dispatch(&req, resp);
	json_decref(req.json);
}

static const char *error_code(const struct api_resp *r)
{
	return json_string_value(json_object_get(json_object_get(r->body, "error"), "code"));
}

TEST(test_dispatch_health_without_socket)
{
	struct fixture f;
	struct api_resp r;

	CHECK(setup(&f, "dispatch_health") == 0);
	request(&f, M_GET, "/api/health", NULL, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(json_string_value(json_object_get(r.body, "status")), "ok");
	api_resp_release(&r);
	db_close(f.db);
}

TEST(test_dispatch_unknown_route_and_wrong_method)
{
	struct fixture f;
	struct api_resp r;

	CHECK(setup(&f, "dispatch_404") == 0);
	request(&f, M_GET, "/api/nothing", NULL, &r);
	CHECK_INT(r.status, 404);
	CHECK_STR(error_code(&r), "not_found");
	api_resp_release(&r);
	request(&f, M_PUT, "/api/health", NULL, &r);
	CHECK_INT(r.status, 405);
	api_resp_release(&r);
	db_close(f.db);
}

TEST(test_dispatch_denies_by_default_without_credentials)
{
	struct fixture f;
	struct api_resp r;

	CHECK(setup(&f, "dispatch_401") == 0);
	request(&f, M_GET, "/api/users", NULL, &r);
	CHECK_INT(r.status, 401);
	CHECK_STR(error_code(&r), "unauthenticated");
	api_resp_release(&r);
	request(&f, M_POST, "/api/tokens", "{\"name\":\"x\"}", &r);
	CHECK_INT(r.status, 401);
	api_resp_release(&r);
	db_close(f.db);
}

TEST(test_dispatch_validates_login_body_before_the_handler)
{
	struct fixture f;
	struct api_resp r;
	json_t *fields;

	CHECK(setup(&f, "dispatch_400") == 0);
	request(&f, M_POST, "/api/session", "{\"email\":\"nope\",\"totp\":\"12\"}", &r);
	CHECK_INT(r.status, 400);
	fields = json_object_get(json_object_get(r.body, "error"), "fields");
	CHECK(json_object_get(fields, "email") != NULL);
	CHECK(json_object_get(fields, "password") != NULL);
	CHECK(json_object_get(fields, "totp") != NULL);
	api_resp_release(&r);
	db_close(f.db);
}

TEST(test_dispatch_wrong_password_is_401_and_audited)
{
	struct fixture f;
	struct api_resp r;
	struct kv_user u;
	struct db_stmt *st;

	CHECK(setup(&f, "dispatch_login") == 0);
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "t@clinic.no");
	u.role = ROLE_THERAPIST;
	CHECK(password_hash("a-long-enough-password", u.password_hash) == 0);
	CHECK_INT(db_user_insert(f.db, &u), KV_OK);
	request(&f, M_POST, "/api/session",
	        "{\"email\":\"T@clinic.no\",\"password\":\"wrong-one-here\"}", &r);
	CHECK_INT(r.status, 401);
	CHECK_STR(error_code(&r), "invalid_credentials");
	api_resp_release(&r);
	st = db_prepare(f.db, "SELECT actor_email, outcome, ip FROM audit_log WHERE action = "
	                      "'session.login'");
	CHECK(db_step(st) == DB_ROW);
	CHECK_STR(db_col_text(st, 0), "t@clinic.no");
	CHECK_STR(db_col_text(st, 1), "failure");
	CHECK_STR(db_col_text(st, 2), "192.0.2.1");
	db_finalize(st);
	request(&f, M_POST, "/api/session",
	        "{\"email\":\"t@clinic.no\",\"password\":\"a-long-enough-password\"}", &r);
	CHECK_INT(r.status, 200);
	CHECK(json_object_get(r.body, "csrf_token") != NULL);
	CHECK_INT(r.n_headers, 1);
	CHECK(strncmp(r.headers[0].value, "kv_session=", 11) == 0);
	api_resp_release(&r);
	db_close(f.db);
}
