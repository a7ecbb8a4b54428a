/* A therapist's clients in outcome monitoring: registering a client with consent to outcome
 * monitoring (a new pseudonymous case or an existing one), the caseload by status, one client
 * with every measure's trajectory, ending a treatment, withdrawing consent (which erases the
 * answers), and the measures on file. Only the therapist's own clients; every read audited. */
#include "api/outcomes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/feedback.h"
#include "core/outcome.h"
#include "db/cases.h"
#include "db/institutions.h"
#include "db/outcomes.h"
#include "db/rows.h"
#include "util/banned.h"

json_t *api_outcome_client(struct api_req *req, struct api_resp *resp, long long case_id)
{
	enum kv_err rc;
	json_t *c = db_outcome_client_get(req->db, case_id, req->user.id, &rc);

	if (!c)
		api_error(resp, KV_ENOTFOUND, "not_found", "no such client");
	else
		json_object_del(c, "therapist_id");
	return c;
}

struct instrument *api_outcome_measure(struct api_req *req, struct api_resp *resp,
                                       long long instrument_id, const char *field)
{
	struct db_arg a[] = {ARG_INT(instrument_id)};
	struct instrument *in;

	if (!db_scalar(req->db,
	               "SELECT count(*) FROM instruments WHERE id = ? AND kind = 'outcome'", a, 1,
	               0)) {
		api_field_error(resp, KV_EINVAL, "invalid_input", field,
		                "is not an outcome measure on file");
		return NULL;
	}
	in = api_instrument_load(req->db, instrument_id);
	if (!in) {
		api_instrument_missing(resp);
		return NULL;
	}
	if (strcmp(instrument_rater(in), "client")) {
		instrument_free(in);
		api_field_error(resp, KV_EINVAL, "invalid_input", field,
		                "is not a measure the client answers");
		return NULL;
	}
	return in;
}

enum kv_err api_outcome_answers(struct api_resp *resp, const struct instrument *in,
                                const json_t *list, json_t **answers, struct instrument_score *s)
{
	json_t *obj = json_object();
	char field[48];
	size_t i;

	*answers = NULL;
	for (i = 0; i < json_array_size(list); i++) {
		const json_t *e = json_array_get(list, i), *item = json_object_get(e, "item"),
		             *value = json_object_get(e, "value");
		snprintf(field, sizeof(field), "answers[%zu]", i);
		if (json_object_size(e) != 2 || !json_is_string(item) || !value ||
		    !(json_is_number(value) || json_is_null(value))) {
			json_decref(obj);
			return api_field_error(resp, KV_EINVAL, "invalid_input", field,
			                       "must be {\"item\": id, \"value\": number or null}");
		}
		if (json_object_get(obj, json_string_value(item))) {
			json_decref(obj);
			return api_field_error(resp, KV_EINVAL, "invalid_input", field,
			                       "answers this item twice");
		}
		json_object_set(obj, json_string_value(item), (json_t *)(uintptr_t)value);
	}
	switch (instrument_score_answers(in, obj, s)) {
	case INSTRUMENT_SCORED:
		*answers = obj;
		return KV_OK;
	case INSTRUMENT_TOO_MANY_MISSING:
		json_decref(obj);
		return api_field_error(resp, KV_ERULE, "too_many_missing", "answers", s->why);
	default:
		break;
	}
	/* Name the entry of the list that holds the bad answer. */
	snprintf(field, sizeof(field), "answers");
	for (i = 0; i < json_array_size(list); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(list, i), "item")),
		            s->field))
			snprintf(field, sizeof(field), "answers[%zu]", i);
	json_decref(obj);
	return api_field_error(
	    resp, KV_EINVAL, "invalid_input", field,
	    !strcmp(s->why, "no such item") ? "is not an item of this questionnaire" : s->why);
}

/* ---- The measures ---- */

enum kv_err api_outcomes_measures(struct api_req *req, struct api_resp *resp)
{
	const char *lang = api_lang(req);
	json_t *rows = db_json_rows(req->db,
	                            "SELECT id FROM instruments WHERE kind = 'outcome' AND "
	                            "definition IS NOT NULL ORDER BY name, version",
	                            NULL, 0, NULL),
	       *items = json_array(), *row;
	size_t i;

	if (!rows) {
		json_decref(items);
		return api_error(resp, KV_EINTERNAL, NULL, "the measures could not be listed");
	}
	json_array_foreach(rows, i, row)
	{
		long long id = json_integer_value(json_object_get(row, "id"));
		struct instrument *in = api_instrument_load(req->db, id);
		json_t *m, *q;
		if (!in)
			continue;
		if (strcmp(instrument_rater(in), "client")) {
			instrument_free(in);
			continue;
		}
		m = instrument_summary(in, lang);
		json_object_set_new(m, "id", json_integer(id));
		/* The wording in the reader's language, when it ships in it (for entering answers). */
		q = instrument_questionnaire(in, lang);
		json_object_set_new(m, "questionnaire", q ? q : json_null());
		json_array_append_new(items, m);
		instrument_free(in);
	}
	json_decref(rows);
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

/* ---- Clients ---- */

static int after_today(struct api_req *req, const char *date)
{
	char today[11];

	api_today(req->now, today);
	return date && strcmp(date, today) > 0;
}

/* The client with every measure's trajectory, its current answers and its links. */
static json_t *client_full(struct api_req *req, json_t *c)
{
	long long id = json_integer_value(json_object_get(c, "id"));
	long long primary = json_integer_value(json_object_get(c, "instrument_id"));
	struct outcome_models *models = api_outcome_models_new(req->db);
	struct db_arg a[] = {ARG_INT(id), ARG_INT(primary)};
	json_t *ids = db_json_rows(req->db,
	                           "SELECT ?2 AS instrument_id UNION SELECT DISTINCT instrument_id "
	                           "FROM outcome_responses WHERE case_id = ?1",
	                           a, NARGS(a), NULL),
	       *traj = json_array(), *row, *t;
	size_t i;

	json_array_foreach(ids, i, row)
	{
		long long ins = json_integer_value(json_object_get(row, "instrument_id"));
		t = api_outcome_trajectory(req->db, models, id, ins, api_lang(req));
		if (!t)
			continue;
		json_object_set_new(t, "primary", json_boolean(ins == primary));
		/* The primary measure first. */
		if (ins == primary)
			json_array_insert_new(traj, 0, t);
		else
			json_array_append_new(traj, t);
	}
	json_decref(ids);
	api_outcome_caseload_entry(req->db, models, c);
	api_outcome_models_free(models);
	json_object_set_new(c, "trajectories", traj);
	json_object_set_new(c, "responses", db_outcome_responses(req->db, id, 0));
	json_object_set_new(c, "links", db_outcome_links(req->db, id));
	return c;
}

static enum kv_err answer_client(struct api_req *req, struct api_resp *resp, enum kv_err rc,
                                 long long id, int status)
{
	json_t *c;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the change could not be saved; try again");
	}
	c = api_outcome_client(req, resp, id);
	if (!c)
		return KV_ENOTFOUND;
	api_json(resp, status, client_full(req, c));
	return KV_OK;
}

/* Attention first: a risk alert on an active client, then the order of the statuses, then the
 * longest without a score. */
static int by_attention(const void *pa, const void *pb)
{
	const json_t *a = *(const json_t *const *)pa, *b = *(const json_t *const *)pb;
	long long ra = json_integer_value(json_object_get(a, "rank")),
	          rb = json_integer_value(json_object_get(b, "rank"));
	const char *da = json_string_value(json_object_get(a, "latest_date")),
	           *db = json_string_value(json_object_get(b, "latest_date"));

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (!da || !db)
		return !da - !db;
	return strcmp(da, db);
}

enum kv_err api_outcomes_clients_list(struct api_req *req, struct api_resp *resp)
{
	const char *want = api_query(req, "status");
	json_t *rows = db_outcome_client_list(req->db, req->user.id), *items, *counts, *c;
	struct outcome_models *models;
	json_t **v;
	size_t i, n;
	int s;

	if (!rows)
		return api_error(resp, KV_EINTERNAL, NULL, "the clients could not be listed");
	models = api_outcome_models_new(req->db);
	n = json_array_size(rows);
	v = calloc(n ? n : 1, sizeof(*v));
	counts = json_object();
	for (s = 0; s < OUTCOME_STATUS__MAX; s++)
		json_object_set_new(counts, outcome_status_name[s], json_integer(0));
	json_array_foreach(rows, i, c)
	{
		const char *st;
		json_object_del(c, "therapist_id");
		api_outcome_caseload_entry(req->db, models, c);
		st = json_string_value(json_object_get(c, "status"));
		if (st && !json_is_true(json_object_get(c, "withdrawn")))
			json_object_set_new(
			    counts, st,
			    json_integer(json_integer_value(json_object_get(counts, st)) + 1));
		v[i] = c;
	}
	qsort(v, n, sizeof(*v), by_attention);
	items = json_array();
	for (i = 0; i < n; i++)
		if (!want || !strcmp(want, json_string_value(json_object_get(v[i], "status"))))
			json_array_append(items, v[i]);
	free(v);
	json_decref(rows);
	api_outcome_models_free(models);
	api_audit(req, "outcome.caseload_read", NULL, 0, "success", NULL);
	api_json(resp, 200, json_pack("{s:o, s:o}", "items", items, "counts", counts));
	return KV_OK;
}

enum kv_err api_outcomes_clients_create(struct api_req *req, struct api_resp *resp)
{
	long long inst = api_int(req, "institution_id", 0), case_id = api_int(req, "case_id", 0);
	long long ins_id = api_int(req, "instrument_id", 0);
	const char *date = api_str(req, "consent_date");
	struct instrument_outcome rules;
	struct instrument *in;
	enum kv_err rc;

	if (!inst == !case_id)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "case_id",
		                       "give institution_id for a new client or case_id for an "
		                       "existing case, not both");
	if (after_today(req, date))
		return api_field_error(resp, KV_EINVAL, "invalid_input", "consent_date",
		                       "cannot be in the future");
	in = api_outcome_measure(req, resp, ins_id, "instrument_id");
	if (!in)
		return KV_EINVAL;
	instrument_outcome_rules(in, &rules);
	instrument_free(in);
	if (rules.alliance)
		return api_field_error(resp, KV_ERULE, "not_an_outcome_measure", "instrument_id",
		                       "an alliance measure cannot be the primary outcome measure");
	if (case_id) {
		json_t *c = db_case_get(req->db, case_id, req->user.id, &rc);
		if (!c)
			return api_error(resp, KV_ENOTFOUND, "not_found", "no such patient case");
		json_decref(c);
	} else if (!db_is_member(req->db, req->user.id, inst)) {
		return api_field_error(resp, KV_ERULE, "not_a_member", "institution_id",
		                       "is not an institution you belong to");
	}
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (!case_id)
		rc = db_case_insert(req->db, inst, req->user.id, api_str(req, "age_band"),
		                    api_str(req, "gender"), req->now, &case_id);
	if (!rc) {
		rc = db_outcome_enrol(req->db, case_id, ins_id, date, req->user.id, req->now);
		if (rc == KV_ECONFLICT) {
			db_rollback(req->db);
			return api_error(resp, KV_ECONFLICT, "already_enrolled",
			                 "this case is already in outcome monitoring");
		}
	}
	if (!rc)
		rc = api_audit(req, "outcome.enrol", "patient_case", case_id, "success", NULL);
	return answer_client(req, resp, rc, case_id, 201);
}

enum kv_err api_outcomes_clients_get(struct api_req *req, struct api_resp *resp)
{
	json_t *c = api_outcome_client(req, resp, req->id);

	if (!c)
		return KV_ENOTFOUND;
	api_audit(req, "outcome.client_read", "patient_case", req->id, "success", NULL);
	api_json(resp, 200, client_full(req, c));
	return KV_OK;
}

enum kv_err api_outcomes_clients_end(struct api_req *req, struct api_resp *resp)
{
	const char *status = api_str(req, "status"), *date = api_str(req, "ended_date");
	json_t *c = api_outcome_client(req, resp, req->id);
	struct db_arg a[] = {ARG_INT(req->now), ARG_INT(req->id)};
	enum kv_err rc;

	if (!c)
		return KV_ENOTFOUND;
	if (strcmp(date, json_string_value(json_object_get(c, "consent_date"))) < 0 ||
	    after_today(req, date)) {
		json_decref(c);
		return api_field_error(resp, KV_EINVAL, "invalid_input", "ended_date",
		                       "must lie between the date of consent and today");
	}
	json_decref(c);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_outcome_client_end(req->db, req->id, status, date, req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "not_active",
		                 "this client's treatment has ended already");
	}
	/* Links not yet answered die with the treatment. */
	if (!rc)
		rc = db_run(
		    req->db,
		    "UPDATE outcome_links SET revoked_at = ?1 WHERE case_id = ?2 AND used_at IS "
		    "NULL AND revoked_at IS NULL",
		    a, NARGS(a), NULL);
	if (!rc)
		rc = api_audit(req, "outcome.end", "patient_case", req->id, "success", status);
	return answer_client(req, resp, rc, req->id, 200);
}

enum kv_err api_outcomes_clients_withdraw(struct api_req *req, struct api_resp *resp)
{
	const char *date = api_str(req, "withdrawn_date");
	json_t *c = api_outcome_client(req, resp, req->id);
	enum kv_err rc;

	if (!c)
		return KV_ENOTFOUND;
	if (strcmp(date, json_string_value(json_object_get(c, "consent_date"))) < 0 ||
	    after_today(req, date)) {
		json_decref(c);
		return api_field_error(resp, KV_EINVAL, "invalid_input", "withdrawn_date",
		                       "must lie between the date of consent and today");
	}
	json_decref(c);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_outcome_consent_withdraw(req->db, req->id, date, req->user.id, req->now);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_error(resp, KV_ECONFLICT, "consent_withdrawn",
		                 "the client has withdrawn consent already");
	}
	if (!rc)
		rc = api_audit(req, "outcome.consent_withdraw", "patient_case", req->id, "success",
		               "answers and links erased");
	return answer_client(req, resp, rc, req->id, 200);
}
