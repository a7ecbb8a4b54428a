/* Building responses: JSON bodies, error objects, headers, times, and the shared user view. */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/parse.h"
#include "util/xalloc.h"
#include "util/banned.h"

void api_json(struct api_resp *resp, int status, json_t *body)
{
	json_decref(resp->body);
	resp->status = status;
	resp->body = body;
}

void api_file(struct api_resp *resp, struct kv_buf *data, const char *type)
{
	resp->status = 200;
	json_decref(resp->body);
	resp->body = NULL;
	resp->raw = kv_buf_detach(data, &resp->raw_len);
	snprintf(resp->raw_type, sizeof(resp->raw_type), "%s", type);
}

void api_header(struct api_resp *resp, const char *name, const char *value)
{
	if (resp->n_headers == API_MAX_HEADERS)
		return;
	resp->header_values[resp->n_headers] = xstrdup(value);
	resp->headers[resp->n_headers].key = name;
	resp->headers[resp->n_headers].value = resp->header_values[resp->n_headers];
	resp->n_headers++;
}

void api_resp_release(struct api_resp *resp)
{
	int i;

	json_decref(resp->body);
	resp->body = NULL;
	if (resp->out) {
		if (resp->out->free)
			resp->out->free(resp->out->ctx);
		free(resp->out);
		resp->out = NULL;
	}
	if (resp->raw) {
		sodium_memzero(resp->raw, resp->raw_len);
		free(resp->raw);
		resp->raw = NULL;
	}
	for (i = 0; i < resp->n_headers; i++)
		free(resp->header_values[i]);
	resp->n_headers = 0;
}

enum kv_err api_error(struct api_resp *resp, enum kv_err e, const char *code, const char *message)
{
	json_t *err = json_pack("{s:s, s:s, s:{}}", "code", code ? code : kv_err_code(e), "message",
	                        message, "fields");

	api_json(resp, kv_err_status(e), json_pack("{s:o}", "error", err));
	return e;
}

void api_error_field(struct api_resp *resp, const char *field, const char *message)
{
	json_t *fields = json_object_get(json_object_get(resp->body, "error"), "fields");

	if (fields)
		json_object_set_new(fields, field, json_string(message));
}

enum kv_err api_field_error(struct api_resp *resp, enum kv_err e, const char *code,
                            const char *field, const char *message)
{
	char text[512];

	snprintf(text, sizeof(text), "%s %s", field, message);
	api_error(resp, e, code, text);
	api_error_field(resp, field, message);
	return e;
}

const char *api_str(const struct api_req *req, const char *name)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;

	if (v && json_is_string(v))
		return json_string_value(v);
	return api_query(req, name);
}

int api_has(const struct api_req *req, const char *name)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;

	return (v && !json_is_null(v)) || api_query(req, name) != NULL;
}

long long api_int(const struct api_req *req, const char *name, long long def)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;
	const char *q;
	long long n;

	if (v && json_is_integer(v))
		return json_integer_value(v);
	q = api_query(req, name);
	if (q && !parse_llong_str(q, -9223372036854775807LL, 9223372036854775807LL, &n))
		return n;
	return def;
}

int api_bool(const struct api_req *req, const char *name, int def)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;
	const char *q;

	if (v && json_is_boolean(v))
		return json_is_true(v);
	q = api_query(req, name);
	if (q)
		return !strcmp(q, "true") || !strcmp(q, "1");
	return def;
}

const char *api_query(const struct api_req *req, const char *name)
{
	int i;

	for (i = 0; i < req->n_query; i++)
		if (!strcmp(req->query[i].key, name))
			return req->query[i].value;
	return NULL;
}

json_t *api_time(long long secs)
{
	return secs ? api_time_ms(secs * 1000) : json_null();
}

json_t *api_time_ms(long long ms)
{
	char out[96];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (ms % 1000)
		snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		         (int)(ms % 1000));
	else
		snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return json_string(out);
}

static int digits(const char *s, int n, long long min, long long max, long long *out)
{
	return parse_llong(s, (size_t)n, min, max, out);
}

int api_parse_time_ms(const char *s, long long *ms)
{
	long long y, mo, d, h = 0, mi = 0, se = 0, frac = 0;
	size_t len = strlen(s);
	struct tm tm;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (len < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, 1970, 9999, &y) ||
	    digits(s + 5, 2, 1, 12, &mo) || digits(s + 8, 2, 1, 31, &d))
		return -1;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0)))
		return -1;
	if (len > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || len < 20 || s[13] != ':' || s[16] != ':' ||
		    digits(s + 11, 2, 0, 23, &h) || digits(s + 14, 2, 0, 59, &mi) ||
		    digits(s + 17, 2, 0, 60, &se))
			return -1;
		if (s[19] == '.') {
			if (len != 24 || digits(s + 20, 3, 0, 999, &frac) || s[23] != 'Z')
				return -1;
		} else if (!(len == 20 && s[19] == 'Z')) {
			return -1;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	*ms = (long long)timegm(&tm) * 1000 + frac;
	return 0;
}

json_t *api_user_json(const struct kv_user *u)
{
	json_t *o = json_pack(
	    "{s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s}", "id", (json_int_t)u->id, "email",
	    u->email, "display_name", u->display_name, "role", role_name(u->role), "disabled",
	    u->disabled, "must_change_password", u->must_change_password, "totp_enabled",
	    u->totp_enabled, "totp_required", role_requires_totp(u->role), "locale", u->locale);

	json_object_set_new(o, "institution_id",
	                    u->institution_id ? json_integer(u->institution_id) : json_null());
	json_object_set_new(o, "created_at", api_time(u->created_at));
	json_object_set_new(o, "last_login_at", api_time(u->last_login_at));
	return o;
}
