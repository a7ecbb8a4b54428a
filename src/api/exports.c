/* Research exports: a researcher asks for an instrument's ratings over a period with chosen
 * variables and a purpose; a lab admin approves (and only then may free text go out) or rejects;
 * on approval the files are made at once. Researchers see their own requests and nothing else
 * of the lab; lab admins see every request but download none. Every request, decision, read
 * and download is in the audit log. */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "export/export.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const export_bools[] = {"include_free_text", "free_text_allowed", NULL};

#define EXPORT_SELECT                                                                              \
	"SELECT e.id, e.requested_by, u.email AS requested_by_email, u.display_name AS "           \
	"requested_by_name, e.instrument_id, i.code AS instrument_code, i.version AS "             \
	"instrument_version, i.name AS instrument_name, e.period_from, e.period_to, e.variables, " \
	"e.level, e.language, e.include_free_text, e.purpose, e.state, e.decided_by, d.email AS "  \
	"decided_by_email, e.decided_at, e.decision_note, e.free_text_allowed, e.row_count, "      \
	"e.session_count, e.error, e.created_at, e.updated_at, e.produced_at, e.withdrawn_at "     \
	"FROM export_requests e JOIN users u ON u.id = e.requested_by JOIN instruments i ON i.id " \
	"= e.instrument_id LEFT JOIN users d ON d.id = e.decided_by "

static const char *const file_names[] = {"data.csv", "codebook.csv", "data.sav", "data.dta"};

/* The row as the API shows it: variables as a list, and the files once ready. */
static void shape(struct api_req *req, json_t *e)
{
	json_error_t jerr;
	json_t *vars = json_loads(json_string_value(json_object_get(e, "variables")), 0, &jerr);

	json_object_set_new(e, "variables", vars ? vars : json_array());
	if (!strcmp(json_string_value(json_object_get(e, "state")), "ready")) {
		struct db_arg a[] = {ARG_INT(json_integer_value(json_object_get(e, "id")))};
		json_t *files = db_json_rows(req->db,
		                             "SELECT name, content_type, size, sha256 FROM "
		                             "export_files WHERE export_id = ? ORDER BY name",
		                             a, 1, NULL);
		json_object_set_new(e, "files", files ? files : json_array());
	} else {
		json_object_set_new(e, "files", json_array());
	}
}

/* The export if this user may see it (a researcher their own); otherwise a 404 that says
 * nothing of whether it exists. */
static json_t *visible(struct api_req *req, struct api_resp *resp, long long id)
{
	struct db_arg a[] = {ARG_INT(id),
	                     ARG_INT(req->user.role == ROLE_LAB_ADMIN ? 0 : req->user.id)};
	enum kv_err rc;
	json_t *e = db_json_row(req->db,
	                        EXPORT_SELECT "WHERE e.id = ?1 AND (?2 = 0 OR e.requested_by = ?2)",
	                        a, NARGS(a), export_bools, &rc);

	if (!e) {
		api_error(resp, KV_ENOTFOUND, "not_found", "no such export");
		return NULL;
	}
	shape(req, e);
	return e;
}

static const char *state_of(json_t *e)
{
	return json_string_value(json_object_get(e, "state"));
}

/* The compiled instrument, or NULL (with *why) when it is unknown or has no definition. */
static struct instrument *load_instrument(struct db *db, long long id, const char **why)
{
	struct db_arg a[] = {ARG_INT(id)};
	struct instrument *in;

	*why = "is not an instrument on file";
	if (db_scalar(db, "SELECT 1 FROM instruments WHERE id = ?", a, 1, 0) != 1)
		return NULL;
	*why = "has no definition on file; ask the lab admin to import it";
	in = api_instrument_load(db, id);
	if (in && strcmp(instrument_kind(in), "fidelity")) {
		*why = "is an outcome measure; exports hold fidelity ratings";
		instrument_free(in);
		in = NULL;
	}
	return in;
}

enum kv_err api_exports_variables(struct api_req *req, struct api_resp *resp)
{
	const char *lang = api_str(req, "language"), *why;
	struct instrument *in = load_instrument(req->db, api_int(req, "instrument_id", 0), &why);
	struct export_catalogue *cat;

	if (!in)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "instrument_id", why);
	cat = export_catalogue_new(in, lang ? lang : "en");
	api_json(resp, 200, export_catalogue_json(cat));
	export_catalogue_free(cat);
	instrument_free(in);
	return KV_OK;
}

enum kv_err api_exports_list(struct api_req *req, struct api_resp *resp)
{
	struct db_arg a[] = {ARG_INT(req->user.role == ROLE_LAB_ADMIN ? 0 : req->user.id),
	                     ARG_TEXT(api_str(req, "state"))};
	json_t *items = db_json_rows(req->db,
	                             EXPORT_SELECT "WHERE (?1 = 0 OR e.requested_by = ?1) AND (?2 "
	                                           "IS NULL OR e.state = ?2) ORDER BY e.created_at "
	                                           "DESC, e.id DESC",
	                             a, NARGS(a), export_bools),
	       *e;
	size_t i;

	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the exports could not be listed");
	json_array_foreach(items, i, e) shape(req, e);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_exports_get(struct api_req *req, struct api_resp *resp)
{
	json_t *e = visible(req, resp, req->id);

	if (!e)
		return KV_ENOTFOUND;
	api_audit(req, "export.read", "export", req->id, "success", NULL);
	api_json(resp, 200, e);
	return KV_OK;
}

/* Checks the chosen variables against the instrument's catalogue, naming each bad one. */
static int check_variables(struct api_resp *resp, const struct export_catalogue *cat, json_t *vars,
                           int free_text, int *bad)
{
	json_t *v;
	size_t i, k;

	if (json_array_size(vars) == 0) {
		if (!*bad)
			api_error(resp, KV_EINVAL, "invalid_input", "some fields are invalid");
		api_error_field(resp, "variables", "choose at least one variable");
		*bad = 1;
		return -1;
	}
	json_array_foreach(vars, i, v)
	{
		const char *name = json_string_value(v);
		const struct export_var *var = export_catalogue_find(cat, name);
		const char *why = NULL;
		char field[32];
		if (!var || var->automatic)
			why = var ? "is always included; leave it out"
			          : "is not a variable of this instrument (see GET "
			            "/api/exports/variables)";
		else if (var->free_text && !free_text)
			why = "is free text: set include_free_text to ask for it";
		for (k = 0; !why && k < i; k++)
			if (!strcmp(json_string_value(json_array_get(vars, k)), name))
				why = "is listed twice";
		if (!why)
			continue;
		if (!*bad)
			api_error(resp, KV_EINVAL, "invalid_input", "some fields are invalid");
		*bad = 1;
		snprintf(field, sizeof(field), "variables[%zu]", i);
		api_error_field(resp, field, why);
	}
	return *bad ? -1 : 0;
}

enum kv_err api_exports_create(struct api_req *req, struct api_resp *resp)
{
	const char *from = api_str(req, "period_from"), *to = api_str(req, "period_to"), *why;
	const char *level = api_str(req, "level"), *lang = api_str(req, "language");
	int free_text = api_bool(req, "include_free_text", 0), bad = 0, has_text = 0;
	json_t *vars = json_object_get(req->json, "variables"), *v;
	struct instrument *in;
	struct export_catalogue *cat;
	long long id = 0;
	char detail[300], *vars_text;
	enum kv_err rc;
	size_t i;

	in = load_instrument(req->db, api_int(req, "instrument_id", 0), &why);
	if (!in) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "instrument_id", why);
		bad = 1;
	}
	if (strcmp(to, from) < 0) {
		if (!bad)
			api_error(resp, KV_EINVAL, "invalid_input", "some fields are invalid");
		api_error_field(resp, "period_to", "must not be before period_from");
		bad = 1;
	}
	cat = in ? export_catalogue_new(in, lang ? lang : "en") : NULL;
	if (cat)
		check_variables(resp, cat, vars, free_text, &bad);
	json_array_foreach(vars, i, v)
	{
		const struct export_var *var =
		    cat ? export_catalogue_find(cat, json_string_value(v)) : NULL;
		has_text |= var && var->free_text;
	}
	if (!bad && free_text && !has_text) {
		api_field_error(resp, KV_EINVAL, "invalid_input", "include_free_text",
		                "choose the free-text variables you need, or leave this out");
		bad = 1;
	}
	export_catalogue_free(cat);
	instrument_free(in);
	if (bad)
		return KV_EINVAL;
	vars_text = json_dumps(vars, JSON_COMPACT);
	if ((rc = db_begin(req->db)) != KV_OK) {
		free(vars_text);
		return api_error(resp, rc, NULL, "the database is busy; try again");
	}
	{
		struct db_arg a[] = {ARG_INT(req->user.id),
		                     ARG_INT(api_int(req, "instrument_id", 0)),
		                     ARG_TEXT(from),
		                     ARG_TEXT(to),
		                     ARG_TEXT(vars_text),
		                     ARG_TEXT(level ? level : "consensus"),
		                     ARG_TEXT(lang ? lang : "en"),
		                     ARG_INT(free_text),
		                     ARG_TEXT(api_str(req, "purpose")),
		                     ARG_INT(req->now)};
		rc = db_insert(
		    req->db,
		    "INSERT INTO export_requests (requested_by, instrument_id, period_from, "
		    "period_to, variables, level, language, include_free_text, purpose, "
		    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		    "?10, ?10) RETURNING id",
		    a, NARGS(a), &id);
	}
	free(vars_text);
	snprintf(detail, sizeof(detail), "instrument %lld, %s to %s, %zu variables, %s rows%s",
	         api_int(req, "instrument_id", 0), from, to, json_array_size(vars),
	         level ? level : "consensus", free_text ? ", free text asked for" : "");
	if (!rc)
		rc = api_audit(req, "export.request", "export", id, "success", detail);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the request could not be saved; try again");
	}
	{
		json_t *e = visible(req, resp, id);
		if (!e)
			return KV_ENOTFOUND;
		api_json(resp, 201, e);
	}
	return KV_OK;
}

/* Records a failed production in its own transaction, so the decision is not lost. */
static void record_failure(struct api_req *req, const char *note, int allow, const char *why)
{
	struct db_arg a[] = {ARG_INT(req->user.id), ARG_INT(req->now), ARG_TEXT(note),
	                     ARG_INT(allow),        ARG_TEXT(why),     ARG_INT(req->id)};

	if (db_begin(req->db) != KV_OK)
		return;
	if (db_run(req->db,
	           "UPDATE export_requests SET state = 'failed', decided_by = ?1, decided_at = ?2, "
	           "decision_note = ?3, free_text_allowed = ?4, error = ?5, updated_at = ?2 WHERE "
	           "id = ?6 AND state IN ('requested', 'failed')",
	           a, NARGS(a), NULL) ||
	    api_audit(req, "export.approve", "export", req->id, "failure", why) ||
	    db_commit(req->db))
		db_rollback(req->db);
}

enum kv_err api_exports_approve(struct api_req *req, struct api_resp *resp)
{
	const char *note = api_str(req, "note");
	int allow = api_bool(req, "allow_free_text", 0);
	json_t *e = visible(req, resp, req->id);
	char err[300] = "", detail[300];
	enum kv_err rc;

	if (!e)
		return KV_ENOTFOUND;
	if (strcmp(state_of(e), "requested") && strcmp(state_of(e), "failed")) {
		json_decref(e);
		return api_error(
		    resp, KV_ECONFLICT, "wrong_state",
		    "only a request waiting for a decision (or one that failed) can be "
		    "approved");
	}
	if (allow && !json_is_true(json_object_get(e, "include_free_text"))) {
		json_decref(e);
		return api_field_error(resp, KV_EINVAL, "invalid_input", "allow_free_text",
		                       "the request did not ask for free text");
	}
	json_decref(e);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	{
		struct db_arg a[] = {ARG_INT(req->user.id), ARG_INT(req->now), ARG_TEXT(note),
		                     ARG_INT(allow), ARG_INT(req->id)};
		long long changed = 0;
		/* Only from the state seen above: an approval racing this one finds nothing. */
		rc = db_run(
		    req->db,
		    "UPDATE export_requests SET state = 'approved', decided_by = ?1, "
		    "decided_at = ?2, decision_note = ?3, free_text_allowed = ?4, error = NULL, "
		    "updated_at = ?2 WHERE id = ?5 AND state IN ('requested', 'failed')",
		    a, NARGS(a), &changed);
		if (!rc && !changed) {
			db_rollback(req->db);
			return api_error(resp, KV_ECONFLICT, "wrong_state",
			                 "the request was decided meanwhile; reload to see how");
		}
	}
	if (!rc)
		rc = api_export_produce(req, req->id, err, sizeof(err));
	if (!rc) {
		struct db_arg a[] = {ARG_INT(req->id)};
		snprintf(detail, sizeof(detail), "%lld rows from %lld sessions%s",
		         db_scalar(req->db, "SELECT row_count FROM export_requests WHERE id = ?", a,
		                   1, 0),
		         db_scalar(req->db,
		                   "SELECT session_count FROM export_requests WHERE id = ?", a, 1,
		                   0),
		         allow ? "; free text allowed" : "");
		rc = api_audit(req, "export.approve", "export", req->id, "success", detail);
	}
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		record_failure(req, note, allow, err[0] ? err : "the files could not be made");
		return api_error(resp, err[0] ? KV_ERULE : KV_EINTERNAL, "export_failed",
		                 err[0] ? err : "the export could not be made; try again");
	}
	e = visible(req, resp, req->id);
	if (!e)
		return KV_ENOTFOUND;
	api_json(resp, 200, e);
	return KV_OK;
}

/* A decision or withdrawal that ends the request; the files and key go with it. */
static enum kv_err end_request(struct api_req *req, struct api_resp *resp, const char *to,
                               const char *action, const char *const *from_states)
{
	const char *note = api_str(req, "note"), *from;
	json_t *e = visible(req, resp, req->id);
	const char *const *s;
	long long changed = 0;
	enum kv_err rc;

	if (!e)
		return KV_ENOTFOUND;
	for (s = from_states; *s && strcmp(*s, state_of(e)); s++)
		;
	if (!*s) {
		char msg[200];
		snprintf(msg, sizeof(msg), "an export that is %s cannot be %s", state_of(e), to);
		json_decref(e);
		return api_error(resp, KV_ECONFLICT, "wrong_state", msg);
	}
	from = *s; /* static: outlives e */
	json_decref(e);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (!strcmp(to, "rejected")) {
		struct db_arg a[] = {ARG_INT(req->user.id), ARG_INT(req->now), ARG_TEXT(note),
		                     ARG_INT(req->id), ARG_TEXT(from)};
		rc =
		    db_run(req->db,
		           "UPDATE export_requests SET state = 'rejected', decided_by = ?1, "
		           "decided_at = ?2, decision_note = ?3, updated_at = ?2 WHERE id = ?4 AND "
		           "state = ?5",
		           a, NARGS(a), &changed);
	} else {
		struct db_arg a[] = {ARG_INT(req->user.id), ARG_INT(req->now), ARG_INT(req->id),
		                     ARG_TEXT(from)};
		rc = db_run(req->db,
		            "UPDATE export_requests SET state = 'withdrawn', withdrawn_by = ?1, "
		            "withdrawn_at = ?2, updated_at = ?2 WHERE id = ?3 AND state = ?4",
		            a, NARGS(a), &changed);
	}
	if (!rc && !changed)
		rc = KV_ECONFLICT; /* someone else changed it meanwhile */
	if (!rc)
		rc = api_export_shred(req, req->id);
	if (!rc)
		rc = api_audit(req, action, "export", req->id, "success", note);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, rc == KV_ECONFLICT ? "wrong_state" : NULL,
		                 rc == KV_ECONFLICT ? "the export was changed meanwhile; reload it"
		                                    : "the change could not be saved; try again");
	}
	e = visible(req, resp, req->id);
	if (!e)
		return KV_ENOTFOUND;
	api_json(resp, 200, e);
	return KV_OK;
}

enum kv_err api_exports_reject(struct api_req *req, struct api_resp *resp)
{
	static const char *const from[] = {"requested", "failed", NULL};

	return end_request(req, resp, "rejected", "export.reject", from);
}

enum kv_err api_exports_withdraw(struct api_req *req, struct api_resp *resp)
{
	static const char *const from[] = {"requested", "approved", "ready", "failed", NULL};

	return end_request(req, resp, "withdrawn", "export.withdraw", from);
}

enum kv_err api_exports_file(struct api_req *req, struct api_resp *resp)
{
	const char *name = strrchr(req->path, '/') + 1;
	json_t *e = visible(req, resp, req->id);
	size_t i;

	if (!e)
		return KV_ENOTFOUND;
	for (i = 0; i < sizeof(file_names) / sizeof(file_names[0]); i++)
		if (!strcmp(name, file_names[i]))
			break;
	if (strcmp(state_of(e), "ready")) {
		char msg[200];
		snprintf(msg, sizeof(msg),
		         "the export is %s; files can be downloaded once it is "
		         "approved and ready",
		         state_of(e));
		json_decref(e);
		api_audit(req, "export.download", "export", req->id, "denied", name);
		return api_error(resp, KV_ECONFLICT, "not_ready", msg);
	}
	json_decref(e);
	if (i == sizeof(file_names) / sizeof(file_names[0]))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such file");
	return api_export_send(req, resp, req->id, name);
}
