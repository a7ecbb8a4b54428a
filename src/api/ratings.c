/* Ratings: the raters' scores and coded interventions. Blind: until every assigned rater has
 * submitted, a rater sees nothing of another rater's rating, not even its progress. Autosave:
 * each change carries the browser tab's id and a sequence number, and the rating's version;
 * a change is applied once (a replay is answered, not reapplied), in order, and never over a
 * version the tab has not seen (409, so two tabs cannot silently overwrite each other). */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idnumber.h"
#include "core/instrument.h"
#include "core/workflow.h"
#include "db/rows.h"
#include "db/submissions.h"
#include "util/banned.h"

static const char *const rating_bools[] = {NULL};
static const char *const iv_bools[] = {"within_manual", NULL};

json_t *api_rating_json(struct db *db, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};
	json_t *r, *scores, *iv;
	enum kv_err rc;
	json_error_t jerr;

	r = db_json_row(db,
	                "SELECT r.id, r.submission_id, r.kind, r.rater_id, u.email AS rater_email, "
	                "u.display_name AS rater_name, r.assignment_id, r.instrument_id, r.state, "
	                "r.version, r.scores, r.notes, r.based_on, r.created_at, r.updated_at, "
	                "r.submitted_at, r.reopened_at, r.reopen_reason, r.supervisor_comment FROM "
	                "ratings r LEFT JOIN users u ON u.id = r.rater_id WHERE r.id = ?",
	                a, NARGS(a), rating_bools, &rc);
	if (!r)
		return NULL;
	scores = json_loads(json_string_value(json_object_get(r, "scores")), 0, &jerr);
	json_object_set_new(r, "scores", scores ? scores : json_object());
	iv = db_json_rows(
	    db,
	    "SELECT client_id, start_ms, end_ms, code, within_manual, quality, note FROM "
	    "interventions WHERE rating_id = ? AND NOT deleted ORDER BY start_ms, id",
	    a, NARGS(a), iv_bools);
	json_object_set_new(r, "interventions", iv ? iv : json_array());
	return r;
}

int api_all_ratings_in(struct db *db, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};
	long long active = db_scalar(db,
	                             "SELECT count(*) FROM assignments WHERE submission_id = ? AND "
	                             "ended_at IS NULL",
	                             a, 1, 0);
	long long done =
	    db_scalar(db,
	              "SELECT count(*) FROM ratings r JOIN assignments a ON a.id = "
	              "r.assignment_id WHERE a.submission_id = ? AND a.ended_at IS NULL AND "
	              "r.state = 'submitted'",
	              a, 1, 0);

	return active > 0 && done >= active;
}

/* Who may read a rating: lab admins and supervisors always; a rater their own, and the others
 * of a submission they are assigned to once every rater has submitted. */
static int may_read(struct api_req *req, json_t *r)
{
	long long sub = json_integer_value(json_object_get(r, "submission_id"));

	if (req->user.role == ROLE_LAB_ADMIN || req->user.role == ROLE_SUPERVISOR)
		return 1;
	if (req->user.role != ROLE_RATER)
		return 0;
	if (json_integer_value(json_object_get(r, "rater_id")) == req->user.id &&
	    !strcmp(json_string_value(json_object_get(r, "kind")), "rater"))
		return 1;
	/* A trainee's calibration rating has no assignment: the trainee's and the lab's only. */
	if (!strcmp(json_string_value(json_object_get(r, "kind")), "rater") &&
	    json_is_null(json_object_get(r, "assignment_id")))
		return 0;
	return api_rater_assigned(req, sub) && api_all_ratings_in(req->db, sub);
}

/* Who may change it: its own rater while in progress; a consensus, the assigned raters and
 * supervisors while it is being made. */
static int may_write(struct api_req *req, json_t *r)
{
	const char *kind = json_string_value(json_object_get(r, "kind"));
	long long sub = json_integer_value(json_object_get(r, "submission_id"));

	if (!strcmp(kind, "rater"))
		return req->user.role == ROLE_RATER &&
		       json_integer_value(json_object_get(r, "rater_id")) == req->user.id;
	if (!strcmp(kind, "consensus"))
		return req->user.role == ROLE_SUPERVISOR ||
		       (req->user.role == ROLE_RATER && api_rater_assigned(req, sub));
	return req->user.role == ROLE_LAB_ADMIN || req->user.role == ROLE_SUPERVISOR;
}

/* The rating if visible; otherwise an answer that says nothing about it. */
static json_t *visible(struct api_req *req, struct api_resp *resp, long long id)
{
	json_t *r = api_rating_json(req->db, id);

	if (r && may_read(req, r))
		return r;
	json_decref(r);
	api_error(resp, KV_ENOTFOUND, "not_found", "no such rating");
	return NULL;
}

enum kv_err api_ratings_get(struct api_req *req, struct api_resp *resp)
{
	json_t *r = visible(req, resp, req->id);

	if (!r)
		return KV_ENOTFOUND;
	api_audit(req, "rating.read", "rating", req->id, "success", NULL);
	api_json(resp, 200, r);
	return KV_OK;
}

struct instrument *api_instrument_load(struct db *db, long long instrument_id)
{
	struct db_arg a[] = {ARG_INT(instrument_id)};
	struct instrument *in = NULL;
	enum kv_err rc;
	json_error_t jerr;
	json_t *row = db_json_row(db, "SELECT definition FROM instruments WHERE id = ?", a, 1, NULL,
	                          &rc),
	       *def = NULL;

	if (row && json_is_string(json_object_get(row, "definition")))
		def = json_loads(json_string_value(json_object_get(row, "definition")), 0, &jerr);
	if (def)
		in = instrument_compile(def);
	json_decref(def);
	json_decref(row);
	return in;
}

struct instrument *api_instrument_cached(struct api_instrument_cache *c, struct db *db,
                                         long long id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->id[i] == id)
			return c->in[i];
	if (c->n == API_INSTRUMENT_CACHE)
		return NULL;
	c->id[c->n] = id;
	c->in[c->n] = api_instrument_load(db, id);
	return c->in[c->n++];
}

void api_instrument_cache_release(struct api_instrument_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		instrument_free(c->in[i]);
	c->n = 0;
}

/* The instrument a rating uses, compiled; NULL (with resp filled) when not on file. */
static struct instrument *instrument_of(struct api_req *req, struct api_resp *resp, json_t *r)
{
	struct instrument *in =
	    api_instrument_load(req->db, json_integer_value(json_object_get(r, "instrument_id")));

	if (!in)
		api_instrument_missing(resp);
	return in;
}

enum kv_err api_instrument_missing(struct api_resp *resp)
{
	return api_error(resp, KV_ECONFLICT, "instrument_missing",
	                 "the rating scale's definition is not on file; ask the lab admin to "
	                 "import it");
}

long long api_recording_ms(struct db *db, long long submission_id)
{
	struct db_arg a[] = {ARG_INT(submission_id)};

	return db_scalar(
	    db,
	    "SELECT CAST(round(duration * 1000) AS INTEGER) FROM recordings WHERE "
	    "submission_id = ? AND kind = 'original' AND duration IS NOT NULL ORDER BY id "
	    "DESC LIMIT 1",
	    a, 1, -1);
}

static void field_err(struct api_resp *resp, int *bad, enum kv_err e, const char *code, size_t i,
                      const char *field, const char *why)
{
	char name[64];

	if (!*bad)
		api_error(resp, e, code, "some changes are invalid; nothing was saved");
	*bad = 1;
	snprintf(name, sizeof(name), "ops[%zu].%s", i, field);
	api_error_field(resp, name, why);
}

static int text_ok(struct api_resp *resp, int *bad, size_t i, const char *field, json_t *v,
                   size_t max)
{
	const char *why;
	enum idnumber_kind k;

	if (!json_is_string(v)) {
		field_err(resp, bad, KV_EINVAL, "invalid_input", i, field, "must be a string");
		return 0;
	}
	if ((why = validate_text(json_string_value(v), max, 1))) {
		field_err(resp, bad, KV_EINVAL, "invalid_input", i, field, why);
		return 0;
	}
	k = idnumber_find(json_string_value(v), json_string_length(v));
	if (k != IDNUMBER_NONE) {
		field_err(resp, bad, KV_ERULE, "identity_number", i, field, idnumber_message(k));
		return 0;
	}
	return 1;
}

static int int_in(json_t *v, long long min, long long max)
{
	return json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max;
}

/* Checks every op before anything is written. */
static int check_ops(struct api_resp *resp, const struct instrument *in, json_t *ops, long long dur)
{
	char why[200];
	json_t *op;
	size_t i;
	int bad = 0;

	json_array_foreach(ops, i, op)
	{
		const char *kind = json_string_value(json_object_get(op, "op"));
		if (!kind) {
			field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "op",
			          "must be score, intervention, delete_intervention or notes");
		} else if (!strcmp(kind, "score")) {
			const char *item = json_string_value(json_object_get(op, "item"));
			const char *facet = json_string_value(json_object_get(op, "facet"));
			json_t *v = json_object_get(op, "value");
			if (!item || !facet)
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "item",
				          "a score needs item and facet");
			else if (v && !json_is_null(v) &&
			         (!json_is_number(v) ||
			          !instrument_score_ok(in, item, facet, json_number_value(v), why,
			                               sizeof(why))))
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "value",
				          json_is_number(v) ? why : "must be a number or null");
		} else if (!strcmp(kind, "intervention")) {
			json_t *cid = json_object_get(op, "client_id");
			json_t *start = json_object_get(op, "start_ms"),
			       *end = json_object_get(op, "end_ms");
			json_t *code = json_object_get(op, "code"),
			       *q = json_object_get(op, "quality");
			json_t *w = json_object_get(op, "within_manual"),
			       *note = json_object_get(op, "note");
			long long limit = dur >= 0 ? dur : (long long)1 << 40;
			if (!json_is_string(cid) || json_string_length(cid) < 1 ||
			    json_string_length(cid) > 64)
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "client_id",
				          "must be the intervention's id (1 to 64 characters)");
			if (!int_in(start, 0, limit))
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "start_ms",
				          "must be a time within the recording, in milliseconds");
			if (end && !json_is_null(end) &&
			    (!int_in(end, 0, limit) ||
			     (json_is_integer(start) &&
			      json_integer_value(end) < json_integer_value(start))))
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "end_ms",
				          "must be within the recording and not before start_ms");
			if (!json_is_string(code) ||
			    !instrument_code_ok(in, json_string_value(code)))
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "code",
				          "is not an intervention code of this rating scale");
			if (q && !json_is_null(q)) {
				/* An intervention's quality is on its item's quality scale when the
				 * code belongs to an item that has one; otherwise the 1-7 scale. */
				const char *item =
				    json_is_string(code)
				        ? instrument_code_item(in, json_string_value(code))
				        : NULL;
				int ok = item && json_is_number(q) &&
				                 instrument_score_ok(in, item, "quality",
				                                     json_number_value(q), why,
				                                     sizeof(why))
				             ? 1
				             : int_in(q, 1, 7);
				if (!ok)
					field_err(resp, &bad, KV_EINVAL, "invalid_input", i,
					          "quality", "must be a whole number from 1 to 7");
			}
			if (w && !json_is_null(w) && !json_is_boolean(w))
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i,
				          "within_manual", "must be true or false");
			if (note && !json_is_null(note))
				text_ok(resp, &bad, i, "note", note, 2000);
		} else if (!strcmp(kind, "delete_intervention")) {
			if (!json_is_string(json_object_get(op, "client_id")))
				field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "client_id",
				          "must name the intervention");
		} else if (!strcmp(kind, "notes")) {
			text_ok(resp, &bad, i, "text", json_object_get(op, "text"), 20000);
		} else {
			field_err(resp, &bad, KV_EINVAL, "invalid_input", i, "op",
			          "must be score, intervention, delete_intervention or notes");
		}
	}
	return bad ? -1 : 0;
}

static enum kv_err apply_ops(struct api_req *req, long long id, json_t *scores, json_t *ops)
{
	json_t *op;
	size_t i;
	enum kv_err rc = KV_OK;

	json_array_foreach(ops, i, op)
	{
		const char *kind = json_string_value(json_object_get(op, "op"));
		if (rc)
			break;
		if (!strcmp(kind, "score")) {
			const char *item = json_string_value(json_object_get(op, "item"));
			const char *facet = json_string_value(json_object_get(op, "facet"));
			json_t *v = json_object_get(op, "value"),
			       *it = json_object_get(scores, item);
			if (!it) {
				it = json_object();
				json_object_set_new(scores, item, it);
			}
			if (!v || json_is_null(v))
				json_object_del(it, facet);
			else
				json_object_set(it, facet, v);
			if (json_object_size(it) == 0)
				json_object_del(scores, item);
		} else if (!strcmp(kind, "intervention")) {
			json_t *end = json_object_get(op, "end_ms"),
			       *q = json_object_get(op, "quality");
			json_t *w = json_object_get(op, "within_manual");
			const char *note = json_string_value(json_object_get(op, "note"));
			struct db_arg a[] = {
			    ARG_INT(id),
			    ARG_TEXT(json_string_value(json_object_get(op, "client_id"))),
			    ARG_INT(json_integer_value(json_object_get(op, "start_ms"))),
			    json_is_integer(end) ? ARG_INT(json_integer_value(end)) : ARG_NULL,
			    ARG_TEXT(json_string_value(json_object_get(op, "code"))),
			    json_is_boolean(w) ? ARG_INT(json_is_true(w)) : ARG_NULL,
			    json_is_integer(q) ? ARG_INT(json_integer_value(q)) : ARG_NULL,
			    ARG_TEXT(note ? note : "")};
			rc = db_run(
			    req->db,
			    "INSERT INTO interventions (rating_id, client_id, start_ms, end_ms, "
			    "code, within_manual, quality, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			    "?7, ?8) ON CONFLICT (rating_id, client_id) DO UPDATE SET start_ms = "
			    "?3, end_ms = ?4, code = ?5, within_manual = ?6, quality = ?7, note = "
			    "?8, deleted = 0",
			    a, NARGS(a), NULL);
		} else if (!strcmp(kind, "delete_intervention")) {
			struct db_arg a[] = {ARG_INT(id), ARG_TEXT(json_string_value(
			                                      json_object_get(op, "client_id")))};
			rc = db_run(req->db,
			            "UPDATE interventions SET deleted = 1 WHERE rating_id = ? AND "
			            "client_id = ?",
			            a, NARGS(a), NULL);
		} else if (!strcmp(kind, "notes")) {
			struct db_arg a[] = {
			    ARG_TEXT(json_string_value(json_object_get(op, "text"))), ARG_INT(id)};
			rc = db_run(req->db, "UPDATE ratings SET notes = ? WHERE id = ?", a,
			            NARGS(a), NULL);
		}
	}
	return rc;
}

enum kv_err api_ratings_changes(struct api_req *req, struct api_resp *resp)
{
	const char *client = api_str(req, "client");
	long long seq = api_int(req, "seq", 0), base = api_int(req, "base_version", 0), last;
	json_t *ops = json_object_get(req->json, "ops"), *r, *scores;
	struct instrument *in;
	struct db_arg a[] = {ARG_INT(req->id), ARG_TEXT(client), ARG_INT(seq)};
	char *text;
	enum kv_err rc;

	r = visible(req, resp, req->id);
	if (!r)
		return KV_ENOTFOUND;
	/* A replay of a change already applied is answered with the current state. */
	if (db_scalar(req->db,
	              "SELECT 1 FROM rating_changes WHERE rating_id = ? AND client = ? AND seq = ?",
	              a, NARGS(a), 0) == 1) {
		json_object_set_new(r, "replayed", json_true());
		api_json(resp, 200, r);
		return KV_OK;
	}
	if (!may_write(req, r) ||
	    strcmp(json_string_value(json_object_get(r, "state")), "in_progress")) {
		int locked = may_write(req, r);
		json_decref(r);
		return api_error(
		    resp, locked ? KV_ECONFLICT : KV_EPERM, locked ? "rating_locked" : "forbidden",
		    locked ? "the rating is submitted and locked; a supervisor can reopen "
		             "it"
		           : "you cannot change this rating");
	}
	last = db_scalar(req->db,
	                 "SELECT coalesce(max(seq), 0) FROM rating_changes WHERE rating_id = ? AND "
	                 "client = ?",
	                 a, 2, 0);
	if (seq != last + 1) {
		char msg[160];
		json_decref(r);
		snprintf(msg, sizeof(msg),
		         "changes must arrive in order: this tab's next change is number %lld",
		         last + 1);
		api_error(resp, KV_ECONFLICT, "out_of_order", msg);
		json_object_set_new(json_object_get(resp->body, "error"), "expected_seq",
		                    json_integer(last + 1));
		return KV_ECONFLICT;
	}
	if (base != json_integer_value(json_object_get(r, "version"))) {
		api_error(resp, KV_ECONFLICT, "version_conflict",
		          "the rating was changed elsewhere (another tab?); reload to see the "
		          "changes");
		json_object_set_new(json_object_get(resp->body, "error"), "current", r);
		return KV_ECONFLICT;
	}
	in = instrument_of(req, resp, r);
	if (!in) {
		json_decref(r);
		return KV_ECONFLICT;
	}
	if (check_ops(resp, in, ops,
	              api_recording_ms(req->db,
	                               json_integer_value(json_object_get(r, "submission_id"))))) {
		instrument_free(in);
		json_decref(r);
		return KV_EINVAL;
	}
	instrument_free(in);
	scores = json_deep_copy(json_object_get(r, "scores"));
	json_decref(r);
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(scores);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	rc = apply_ops(req, req->id, scores, ops);
	text = json_dumps(scores, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(scores);
	{
		struct db_arg b[] = {ARG_TEXT(text), ARG_INT(req->now), ARG_INT(req->id),
		                     ARG_INT(base)};
		long long changed = 0;
		if (!rc)
			rc = db_run(
			    req->db,
			    "UPDATE ratings SET scores = ?, updated_at = ?, version = version + "
			    "1 WHERE id = ? AND version = ?",
			    b, NARGS(b), &changed);
		if (!rc && !changed)
			rc = KV_ECONFLICT;
	}
	free(text);
	{
		struct db_arg c[] = {ARG_INT(req->id), ARG_TEXT(client), ARG_INT(seq),
		                     ARG_INT(req->now)};
		if (!rc)
			rc = db_run(
			    req->db,
			    "INSERT INTO rating_changes (rating_id, client, seq, applied_at) "
			    "VALUES (?, ?, ?, ?)",
			    c, NARGS(c), NULL);
	}
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, rc == KV_ECONFLICT ? "version_conflict" : NULL,
		                 "the change could not be saved; try again");
	}
	api_json(resp, 200, api_rating_json(req->db, req->id));
	return KV_OK;
}

/* Submission state transition for an event, inside the caller's transaction. */
static enum kv_err move_submission(struct api_req *req, long long sub, enum sub_event ev, int actor,
                                   const char *note, const char **why)
{
	struct db_arg a[] = {ARG_INT(sub)};
	enum sub_state to;
	enum kv_err rc;
	json_t *s =
	    db_json_row(req->db, "SELECT state FROM submissions WHERE id = ?", a, 1, NULL, &rc);
	const char *from;

	if (!s)
		return rc;
	from = json_string_value(json_object_get(s, "state"));
	rc = workflow_apply((enum sub_state)workflow_state_parse(from), ev, actor, &to, why);
	if (!rc)
		rc =
		    db_submission_transition(req->db, sub, from, workflow_state_name(to),
		                             workflow_event_name(ev), req->user.id, note, req->now);
	json_decref(s);
	return rc;
}

enum kv_err api_ratings_submit(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->id)};
	const char *why = NULL, *kind;
	struct instrument *in;
	json_t *r = visible(req, resp, req->id), *missing;
	long long sub;
	enum kv_err rc;

	if (!r)
		return KV_ENOTFOUND;
	if (!may_write(req, r) ||
	    strcmp(json_string_value(json_object_get(r, "state")), "in_progress")) {
		json_decref(r);
		return api_error(resp, KV_ECONFLICT, "rating_locked",
		                 "only your own rating in progress can be submitted");
	}
	in = instrument_of(req, resp, r);
	if (!in) {
		json_decref(r);
		return KV_ECONFLICT;
	}
	missing = instrument_missing(in, json_object_get(r, "scores"));
	instrument_free(in);
	if (json_array_size(missing)) {
		char *list = json_dumps(missing, JSON_COMPACT);
		char msg[400];
		snprintf(msg, sizeof(msg),
		         "score every required item before submitting; missing: %.300s", list);
		free(list);
		api_error(resp, KV_ERULE, "incomplete", msg);
		json_object_set_new(json_object_get(resp->body, "error"), "missing", missing);
		json_decref(r);
		return KV_ERULE;
	}
	json_decref(missing);
	sub = json_integer_value(json_object_get(r, "submission_id"));
	kind = json_string_value(json_object_get(r, "kind"));
	if ((rc = db_begin(req->db)) != KV_OK) {
		json_decref(r);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	rc =
	    db_run(req->db,
	           "UPDATE ratings SET state = 'submitted', submitted_at = ?1, version = version + "
	           "1 WHERE id = ?2 AND state = 'in_progress'",
	           a, NARGS(a), NULL);
	if (!rc && !strcmp(kind, "rater"))
		rc = api_ratings_maybe_complete(req, sub);
	else if (!rc && !strcmp(kind, "consensus"))
		rc = move_submission(req, sub, EV_CONSENSUS_MADE, (int)req->user.role, NULL, &why);
	if (!rc)
		rc = api_audit(req, "rating.submit", "rating", req->id, "success", kind);
	json_decref(r);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, why ? why : "the rating could not be submitted");
	}
	api_json(resp, 200, api_rating_json(req->db, req->id));
	return KV_OK;
}

enum kv_err api_ratings_reopen(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->now), ARG_TEXT(api_str(req, "reason")), ARG_INT(req->id)};
	const char *why = NULL;
	json_t *r = visible(req, resp, req->id);
	long long sub;
	enum kv_err rc;

	if (!r)
		return KV_ENOTFOUND;
	sub = json_integer_value(json_object_get(r, "submission_id"));
	if (strcmp(json_string_value(json_object_get(r, "kind")), "rater") ||
	    strcmp(json_string_value(json_object_get(r, "state")), "submitted")) {
		json_decref(r);
		return api_error(resp, KV_ECONFLICT, "not_submitted",
		                 "only a submitted rater's rating can be reopened");
	}
	json_decref(r);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc =
	    move_submission(req, sub, EV_REOPEN, (int)req->user.role, api_str(req, "reason"), &why);
	if (!rc)
		rc = db_run(req->db,
		            "UPDATE ratings SET state = 'in_progress', reopened_at = ?1, "
		            "reopen_reason = ?2, version = version + 1 WHERE id = ?3",
		            a, NARGS(a), NULL);
	if (!rc)
		rc = api_audit(req, "rating.reopen", "rating", req->id, "success",
		               api_str(req, "reason"));
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, rc == KV_ECONFLICT ? "wrong_state" : NULL,
		                 why ? why : "the rating could not be reopened");
	}
	api_json(resp, 200, api_rating_json(req->db, req->id));
	return KV_OK;
}
