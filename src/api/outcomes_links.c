/* One-time links that let a client answer a questionnaire on their own phone, with no account:
 * the therapist makes one (shown once, with a QR code) and may revoke it; the public answer
 * page reads the questionnaire and sends the answers through it. A link opens only its own
 * questionnaire, takes answers once, within its lifetime, and is rate-limited per address
 * and per link. The token travels in the URL's fragment and an X-Link-Token header, so it
 * never reaches a server log; only its hash is stored. */
#include "api/outcomes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/token.h"
#include "core/totp.h"
#include "db/outcomes.h"
#include "db/rows.h"
#include "util/banned.h"

#define LINK_HEADER "X-Link-Token"
#define LINK_TOKEN_LEN 43

static long long link_secs(const struct api_ctx *ctx)
{
	return ctx->outcome_link_secs > 0 ? ctx->outcome_link_secs : OUTCOME_LINK_SECS;
}

/* "https://host:port" with nothing after it, and only the characters of a host. */
static int origin_ok(const char *s)
{
	const char *p;

	if (!s || strlen(s) > 200)
		return 0;
	if (!strncmp(s, "https://", 8))
		p = s + 8;
	else if (!strncmp(s, "http://", 7))
		p = s + 7;
	else
		return 0;
	return *p &&
	       strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
	           strlen(p);
}

/* Where clients open the server: kvalab.ini's public_url, else the page's own origin. */
static void base_url(struct api_req *req, char *out, size_t len)
{
	const char *origin = api_req_header(req, "Origin"), *host = api_req_header(req, "Host");
	size_t n;

	out[0] = '\0';
	if (req->ctx->public_url[0] && !strncmp(req->ctx->public_url, "http", 4)) {
		snprintf(out, len, "%s", req->ctx->public_url);
		n = strlen(out);
		while (n > 0 && out[n - 1] == '/')
			out[--n] = '\0';
	} else if (origin_ok(origin)) {
		snprintf(out, len, "%s", origin);
	} else if (host && strlen(host) < 200) {
		char h[256];
		snprintf(h, sizeof(h), "http://%s", host);
		if (origin_ok(h))
			snprintf(out, len, "%s", h);
	}
}

enum kv_err api_outcomes_links_create(struct api_req *req, struct api_resp *resp)
{
	long long ins = api_int(req, "instrument_id", 0),
	          session = api_int(req, "session_number", 0);
	const char *lang = api_str(req, "language");
	json_t *client = api_outcome_client(req, resp, req->id), *links, *link, *out;
	char token[TOKEN_TEXT_MAX], hex[2 * TOKEN_HASH_LEN + 1], base[256], url[512], path[128];
	uint8_t hash[TOKEN_HASH_LEN];
	struct instrument *in;
	long long id = 0;
	enum kv_err rc;
	char *svg;

	if (!client)
		return KV_ENOTFOUND;
	if (json_is_true(json_object_get(client, "withdrawn")) ||
	    strcmp(json_string_value(json_object_get(client, "treatment")), "active")) {
		json_decref(client);
		return api_error(resp, KV_ECONFLICT, "not_active",
		                 "links are made only for clients in treatment who consent");
	}
	json_decref(client);
	in = api_outcome_measure(req, resp, ins, "instrument_id");
	if (!in)
		return KV_EINVAL;
	if (!instrument_has_language(in, lang)) {
		instrument_free(in);
		return api_field_error(
		    resp, KV_ERULE, "language_unavailable", "language",
		    "this questionnaire's wording is not on file in that language; "
		    "enter the answers from paper, or ask the lab to add the "
		    "published translation");
	}
	instrument_free(in);
	if (!session)
		session = db_outcome_next_session(req->db, req->id, ins);
	if (db_outcome_session_taken(req->db, req->id, ins, session))
		return api_field_error(resp, KV_ECONFLICT, "session_recorded", "session_number",
		                       "this measure already has answers for this session");
	token_generate("", token);
	token_hash(token, hash);
	token_hex(hash, sizeof(hash), hex);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_outcome_link_insert(req->db, hex, req->id, ins, lang, session, req->user.id,
	                            req->now, req->now + link_secs(req->ctx), &id);
	if (!rc)
		rc = api_audit(req, "outcome.link_create", "outcome_link", id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the link could not be made; try again");
	}
	snprintf(path, sizeof(path), "/q#%s", token);
	base_url(req, base, sizeof(base));
	snprintf(url, sizeof(url), "%s%s", base, path);
	svg = totp_qr_svg(url);
	links = db_outcome_links(req->db, req->id);
	link = json_array_get(links, 0);
	out = json_pack("{s:O, s:s, s:s, s:s, s:s}", "link", link ? link : json_null(), "token",
	                token, "path", path, "url", url, "qr_svg", svg ? svg : "");
	json_decref(links);
	free(svg);
	api_json(resp, 201, out);
	return KV_OK;
}

enum kv_err api_outcomes_links_revoke(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->id), ARG_INT(req->user.id)};
	long long case_id =
	    db_scalar(req->db,
	              "SELECT l.case_id FROM outcome_links l JOIN patient_cases c ON "
	              "c.id = l.case_id WHERE l.id = ? AND c.therapist_id = ?",
	              a, NARGS(a), 0);
	enum kv_err rc;
	json_t *links, *l;
	size_t i;

	if (!case_id)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such link");
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_outcome_link_revoke(req->db, req->id, case_id, req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "link_closed",
		                 "the link has been used or revoked already");
	}
	if (!rc)
		rc =
		    api_audit(req, "outcome.link_revoke", "outcome_link", req->id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the link could not be revoked; try again");
	}
	links = db_outcome_links(req->db, case_id);
	json_array_foreach(links, i, l) if (json_integer_value(json_object_get(l, "id")) == req->id)
	{
		api_json(resp, 200, json_incref(l));
		break;
	}
	json_decref(links);
	return KV_OK;
}

/* ---- The public answer page ---- */

static enum kv_err gone(struct api_resp *resp, const char *code, const char *message)
{
	api_error(resp, KV_ECONFLICT, code, message);
	resp->status = 410;
	return KV_ECONFLICT;
}

static enum kv_err throttled(struct api_req *req, struct api_resp *resp)
{
	char retry[32];
	long long window =
	    req->ctx->outcome_rate_window > 0 ? req->ctx->outcome_rate_window : OUTCOME_RATE_WINDOW;

	snprintf(retry, sizeof(retry), "%lld", window);
	api_header(resp, "Retry-After", retry);
	return api_error(resp, KV_ETHROTTLED, "throttled",
	                 "too many attempts from here; wait a few minutes and try again");
}

/* Counts a hit on bucket; 1 when it is over limit. A hit is kept even when the request then
 * fails, so hammering stays throttled. */
static int over(struct api_req *req, const char *bucket, int limit)
{
	long long window =
	    req->ctx->outcome_rate_window > 0 ? req->ctx->outcome_rate_window : OUTCOME_RATE_WINDOW;
	long long n = db_outcome_hit(req->db, bucket, req->now, window);

	return n < 0 || n > limit;
}

/* The link named by the request's X-Link-Token header, when it may still be answered; NULL
 * with resp filled otherwise. */
static json_t *open_link(struct api_req *req, struct api_resp *resp)
{
	const char *token = api_req_header(req, LINK_HEADER);
	char bucket[96], hex[2 * TOKEN_HASH_LEN + 1];
	uint8_t hash[TOKEN_HASH_LEN];
	json_t *l;
	int per_address = req->ctx->outcome_rate_address > 0 ? req->ctx->outcome_rate_address
	                                                     : OUTCOME_RATE_ADDRESS;
	int per_link =
	    req->ctx->outcome_rate_link > 0 ? req->ctx->outcome_rate_link : OUTCOME_RATE_LINK;

	snprintf(bucket, sizeof(bucket), "address:%.64s", req->ip ? req->ip : "-");
	if (over(req, bucket, per_address)) {
		throttled(req, resp);
		return NULL;
	}
	if (!token || strlen(token) != LINK_TOKEN_LEN ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
	        LINK_TOKEN_LEN) {
		api_error(resp, KV_EINVAL, "link_missing",
		          "open the whole link your therapist gave you");
		return NULL;
	}
	token_hash(token, hash);
	token_hex(hash, sizeof(hash), hex);
	l = db_outcome_link_find(req->db, hex);
	if (!l) {
		api_error(resp, KV_ENOTFOUND, "link_unknown",
		          "this link is not valid; ask your therapist for a new one");
		return NULL;
	}
	snprintf(bucket, sizeof(bucket), "link:%lld",
	         (long long)json_integer_value(json_object_get(l, "id")));
	if (over(req, bucket, per_link)) {
		json_decref(l);
		throttled(req, resp);
		return NULL;
	}
	/* Refusals of a known link come in its language too. */
	if (!json_is_null(json_object_get(l, "used_at")))
		gone(resp, "link_used",
		     "the answers have been sent already; thank you. To answer again, ask your "
		     "therapist for a new link");
	else if (!json_is_null(json_object_get(l, "revoked_at")) ||
	         json_is_true(json_object_get(l, "withdrawn")))
		gone(resp, "link_revoked",
		     "this link has been withdrawn; ask your therapist for a new one");
	else if (json_integer_value(json_object_get(l, "expires")) <= req->now)
		gone(resp, "link_expired",
		     "this link has expired; ask your therapist for a new one");
	else
		return l;
	json_object_set(json_object_get(resp->body, "error"), "language",
	                json_object_get(l, "language"));
	json_decref(l);
	return NULL;
}

/* The questionnaire of a link, in the link's language. */
static json_t *questionnaire_of(struct api_req *req, struct api_resp *resp, const json_t *l,
                                struct instrument **in)
{
	json_t *q;

	*in = api_instrument_load(req->db, json_integer_value(json_object_get(l, "instrument_id")));
	q = *in ? instrument_questionnaire(*in, json_string_value(json_object_get(l, "language")))
	        : NULL;
	if (!q) {
		instrument_free(*in);
		*in = NULL;
		gone(resp, "link_revoked", "this questionnaire is no longer available");
	}
	return q;
}

enum kv_err api_outcomes_public_get(struct api_req *req, struct api_resp *resp)
{
	json_t *l = open_link(req, resp), *q;
	struct instrument *in;
	long long id;

	if (!l)
		return resp->status >= 400 ? KV_EINVAL : KV_EINTERNAL;
	q = questionnaire_of(req, resp, l, &in);
	if (!q) {
		json_decref(l);
		return KV_ECONFLICT;
	}
	instrument_free(in);
	id = json_integer_value(json_object_get(l, "id"));
	/* The first opening is worth a line in the audit log; reloads are not. */
	if (json_is_null(json_object_get(l, "opened_at")) && db_begin(req->db) == KV_OK) {
		if (db_outcome_link_open(req->db, id, req->now) == KV_OK &&
		    api_audit(req, "outcome.link_open", "outcome_link", id, "success", NULL) ==
		        KV_OK)
			db_commit(req->db);
		else
			db_rollback(req->db);
	}
	api_json(resp, 200,
	         json_pack("{s:o, s:O, s:O}", "questionnaire", q, "language",
	                   json_object_get(l, "language"), "expires_at",
	                   json_object_get(l, "expires_at")));
	json_decref(l);
	return KV_OK;
}

enum kv_err api_outcomes_public_answer(struct api_req *req, struct api_resp *resp)
{
	json_t *l = open_link(req, resp), *q, *answers = NULL;
	struct db_outcome_response r = {0};
	struct instrument_score s;
	struct instrument *in;
	char today[11];
	long long id = 0;
	enum kv_err rc;

	if (!l)
		return resp->status >= 400 ? KV_EINVAL : KV_EINTERNAL;
	q = questionnaire_of(req, resp, l, &in);
	json_decref(q);
	if (!in) {
		json_decref(l);
		return KV_ECONFLICT;
	}
	/* Answers to another questionnaire's items are refused here: the link's own decides. */
	rc = api_outcome_answers(resp, in, json_object_get(req->json, "answers"), &answers, &s);
	instrument_free(in);
	if (rc) {
		json_decref(l);
		return rc;
	}
	api_today(req->now, today);
	r.case_id = json_integer_value(json_object_get(l, "case_id"));
	r.instrument_id = json_integer_value(json_object_get(l, "instrument_id"));
	r.session_number = json_integer_value(json_object_get(l, "session_number"));
	r.session_date = today;
	r.answers = answers;
	r.score = s.score;
	r.missing = (long long)s.missing;
	r.version = 1;
	r.entered_by = "client";
	r.link_id = json_integer_value(json_object_get(l, "id"));
	json_decref(l);
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(answers);
		return api_error(resp, rc, NULL, "the answers could not be sent; try again");
	}
	/* Once: a second sending (another tab, a double tap) finds the link used. */
	rc = db_outcome_link_use(req->db, r.link_id, req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		json_decref(answers);
		return gone(resp, "link_used",
		            "the answers have been sent already; thank you. To answer again, ask "
		            "your therapist for a new link");
	}
	if (!rc &&
	    db_outcome_session_taken(req->db, r.case_id, r.instrument_id, r.session_number)) {
		db_rollback(req->db);
		json_decref(answers);
		return gone(resp, "link_revoked",
		            "your therapist has already recorded answers for this session; nothing "
		            "was saved");
	}
	if (!rc)
		rc = db_outcome_response_insert(req->db, &r, req->now, &id);
	json_decref(answers);
	if (!rc)
		rc = api_audit(req, "outcome.link_answer", "outcome_response", id, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the answers could not be sent; try again");
	}
	/* Nothing about the client or the score goes back: a phone may be seen by others. */
	api_json(resp, 201, json_pack("{s:b}", "received", 1));
	return KV_OK;
}
