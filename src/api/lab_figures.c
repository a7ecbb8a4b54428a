/* The lab's figures: per item median and quartiles (type 7) of the approved consensus scores, by
 * year and programme, for the lab as a whole and for one institution beside it. A group of
 * fewer than 5 therapists is never shown, and neither is a minimum or maximum (each is one
 * rating). An institution admin sees their own institution against the lab only when both have
 * at least 5 therapists and so has the rest of the lab (when there is a rest), so the lab's
 * figures cannot be taken apart to show a few other therapists. */
#include "api/reliability_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "db/rows.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct fig_rows {
	size_t n, cap, n_vars;
	long long *institution, *therapist;
	int *in_programme, *in_kind;
	double *vals; /* [row * n_vars + var] */
};

static void fig_rows_release(struct fig_rows *r)
{
	free(r->institution);
	free(r->therapist);
	free(r->in_programme);
	free(r->in_kind);
	free(r->vals);
}

static enum kv_err load_rows(struct db *db, long long instrument, long long year, long long prog,
                             const char *kind, const struct rel_var *vars, size_t n_vars,
                             struct fig_rows *r)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT s.institution_id, s.therapist_id, c.scores, (?3 = 0 OR EXISTS (SELECT 1 "
	        "FROM membership_programmes mp JOIN programmes p ON p.id = mp.programme_id WHERE "
	        "mp.user_id = s.therapist_id AND mp.programme_id = ?3 AND p.institution_id = "
	        "s.institution_id)), (?4 IS NULL OR EXISTS (SELECT 1 FROM membership_programmes mp "
	        "JOIN programmes p ON p.id = mp.programme_id WHERE mp.user_id = s.therapist_id AND "
	        "p.institution_id = s.institution_id AND p.kind = ?4)) FROM submissions s JOIN "
	        "ratings c ON c.id = (SELECT max(id) FROM ratings WHERE submission_id = s.id AND "
	        "kind = 'consensus' AND state = 'approved') WHERE s.state IN " APPROVED_STATES
	        " AND c.instrument_id = ?1 AND (?2 = 0 OR substr(s.session_date, 1, 4) = "
	        "printf('%04d', ?2)) ORDER BY s.id");
	int step;

	memset(r, 0, sizeof(*r));
	r->n_vars = n_vars;
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, instrument);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, prog);
	if (kind)
		db_bind_text(st, 4, kind);
	else
		db_bind_null(st, 4);
	while ((step = db_step(st)) == DB_ROW) {
		json_t *scores;
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 128;
			r->institution = xrealloc(r->institution, r->cap * sizeof(long long));
			r->therapist = xrealloc(r->therapist, r->cap * sizeof(long long));
			r->in_programme = xrealloc(r->in_programme, r->cap * sizeof(int));
			r->in_kind = xrealloc(r->in_kind, r->cap * sizeof(int));
			r->vals = xrealloc(r->vals, r->cap * (n_vars + 1) * sizeof(double));
		}
		r->institution[r->n] = db_col_int(st, 0);
		r->therapist[r->n] = db_col_int(st, 1);
		r->in_programme[r->n] = db_col_int(st, 3) != 0;
		r->in_kind[r->n] = db_col_int(st, 4) != 0;
		scores = api_rel_scores(db_col_text(st, 2));
		reliability_values(vars, n_vars, scores, r->vals + r->n * n_vars);
		json_decref(scores);
		r->n++;
	}
	db_finalize(st);
	return step == DB_ERROR ? KV_EINTERNAL : KV_OK;
}

static int by_id(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return a < b ? -1 : a > b ? 1 : 0;
}

/* Distinct therapists among the rows picked by mask. */
static size_t count_therapists(const struct fig_rows *r, const char *mask)
{
	long long *ids = xcalloc(r->n + 1, sizeof(long long));
	size_t i, m = 0, distinct = 0;

	for (i = 0; i < r->n; i++)
		if (mask[i])
			ids[m++] = r->therapist[i];
	qsort(ids, m, sizeof(long long), by_id);
	for (i = 0; i < m; i++)
		distinct += i == 0 || ids[i] != ids[i - 1];
	free(ids);
	return distinct;
}

static json_t *group_json(const struct fig_rows *r, const char *mask, const struct instrument *in,
                          const struct rel_var *vars, const char *name, long long institution)
{
	size_t i, v, n_rows = 0, n_ther = count_therapists(r, mask);
	double *x = xcalloc(r->n + 1, sizeof(double));
	json_t *g, *items;

	for (i = 0; i < r->n; i++)
		n_rows += mask[i] != 0;
	g = json_pack("{s:s, s:o, s:I, s:I, s:b}", "group", name, "institution_id",
	              institution ? json_integer(institution) : json_null(), "n_ratings",
	              (json_int_t)n_rows, "n_therapists", (json_int_t)n_ther, "suppressed",
	              n_ther < LAB_MIN_THERAPISTS);
	if (n_ther < LAB_MIN_THERAPISTS) {
		json_object_set_new(g, "items", json_array());
		free(x);
		return g;
	}
	items = json_array();
	for (v = 0; v < r->n_vars; v++) {
		struct rel_summary s;
		json_t *o = api_rel_var_json(in, &vars[v]);
		size_t m = 0;
		for (i = 0; i < r->n; i++)
			if (mask[i])
				x[m++] = r->vals[i * r->n_vars + v];
		if (reliability_summary(x, m, &s)) {
			json_object_set_new(o, "n", json_integer(0));
			json_object_set_new(o, "q1", json_null());
			json_object_set_new(o, "median", json_null());
			json_object_set_new(o, "q3", json_null());
			json_object_set_new(o, "mean", json_null());
		} else {
			json_object_set_new(o, "n", json_integer((json_int_t)s.n));
			json_object_set_new(o, "q1", api_rel_num(s.q1));
			json_object_set_new(o, "median", api_rel_num(s.median));
			json_object_set_new(o, "q3", api_rel_num(s.q3));
			json_object_set_new(o, "mean", api_rel_num(s.mean));
		}
		json_array_append_new(items, o);
	}
	json_object_set_new(g, "items", items);
	free(x);
	return g;
}

/* The programme the query names, checked against the institution the caller may see (0: any).
 * NULL with a 400 naming programme_id in resp when there is no such programme. */
static json_t *programme_of(struct api_req *req, struct api_resp *resp, long long only_inst)
{
	struct db_arg a[] = {ARG_INT(api_int(req, "programme_id", 0))};
	enum kv_err rc;
	json_t *p = db_json_row(
	    req->db, "SELECT id, institution_id, kind, name FROM programmes WHERE id = ?", a, 1,
	    NULL, &rc);

	if (p && only_inst &&
	    json_integer_value(json_object_get(p, "institution_id")) != only_inst) {
		json_decref(p);
		p = NULL;
	}
	if (!p)
		api_field_error(resp, KV_EINVAL, "invalid_input", "programme_id",
		                only_inst ? "is not a programme of your institution"
		                          : "is not a programme");
	return p;
}

enum kv_err api_lab_figures(struct api_req *req, struct api_resp *resp)
{
	int inst_admin = req->user.role == ROLE_INSTITUTION_ADMIN;
	long long inst = inst_admin ? req->user.institution_id : api_int(req, "institution_id", 0);
	long long year = api_int(req, "year", 0), prog = 0, instrument;
	const char *kind = api_str(req, "programme_kind");
	struct rel_var *vars = NULL;
	struct fig_rows rows = {0};
	struct instrument *in = NULL;
	size_t n_vars = 0, i;
	json_t *row = NULL, *programme = NULL, *groups, *years, *programmes, *body;
	char *mask = NULL;
	enum kv_err rc = KV_EINVAL;

	if (inst_admin && !inst)
		return api_error(resp, KV_EPERM, "forbidden",
		                 "your account belongs to no institution");
	if (inst_admin && api_has(req, "institution_id") &&
	    api_int(req, "institution_id", 0) != inst)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	if (!inst_admin && inst) {
		struct db_arg a[] = {ARG_INT(inst)};
		if (db_scalar(req->db, "SELECT 1 FROM institutions WHERE id = ?", a, 1, 0) != 1)
			return api_field_error(resp, KV_EINVAL, "invalid_input", "institution_id",
			                       "is not an institution");
	}
	if (!(in = api_rel_instrument(req, resp, &row)))
		goto out;
	if (api_has(req, "programme_id")) {
		if (!(programme = programme_of(req, resp, inst_admin ? inst : 0)))
			goto out;
		prog = json_integer_value(json_object_get(programme, "id"));
		kind = json_string_value(json_object_get(programme, "kind"));
		/* A programme belongs to one institution: the comparison is with it. */
		if (!inst_admin)
			inst = json_integer_value(json_object_get(programme, "institution_id"));
	}
	instrument = json_integer_value(json_object_get(row, "id"));
	vars = reliability_vars(in, &n_vars);
	if ((rc = load_rows(req->db, instrument, year, prog, kind, vars, n_vars, &rows)) != KV_OK) {
		api_error(resp, rc, NULL, "the ratings could not be read; try again");
		goto out;
	}
	mask = xcalloc(rows.n + 1, 1);
	if (inst_admin) {
		size_t own, rest;
		for (i = 0; i < rows.n; i++)
			mask[i] =
			    rows.institution[i] == inst && rows.in_programme[i] && rows.in_kind[i];
		own = count_therapists(&rows, mask);
		for (i = 0; i < rows.n; i++)
			mask[i] = rows.institution[i] != inst && rows.in_kind[i];
		rest = count_therapists(&rows, mask);
		if (own < LAB_MIN_THERAPISTS || (rest > 0 && rest < LAB_MIN_THERAPISTS)) {
			api_audit(req, "lab_figures.read", "institution", inst, "refused",
			          "fewer than 5 therapists");
			rc = api_error(
			    resp, KV_ERULE, "too_few_therapists",
			    "figures are shown when your institution and the rest of the lab "
			    "each have at least 5 therapists with approved ratings");
			goto out;
		}
	}
	groups = json_array();
	for (i = 0; i < rows.n; i++)
		mask[i] = rows.in_kind[i];
	json_array_append_new(groups, group_json(&rows, mask, in, vars, "lab", 0));
	if (inst) {
		for (i = 0; i < rows.n; i++)
			mask[i] =
			    rows.institution[i] == inst && rows.in_programme[i] && rows.in_kind[i];
		json_array_append_new(groups,
		                      group_json(&rows, mask, in, vars, "institution", inst));
	}
	{
		struct db_arg a[] = {ARG_INT(instrument), ARG_INT(inst)};
		years = db_json_rows(
		    req->db,
		    "SELECT DISTINCT substr(s.session_date, 1, 4) AS year FROM "
		    "submissions s JOIN ratings c ON c.submission_id = s.id AND c.kind "
		    "= 'consensus' AND c.state = 'approved' WHERE s.state IN " APPROVED_STATES
		    " AND c.instrument_id = ?1 AND s.session_date IS NOT NULL AND (?2 "
		    "= 0 OR s.institution_id = ?2) ORDER BY 1",
		    a, NARGS(a), NULL);
		programmes =
		    db_json_rows(req->db,
		                 "SELECT p.id, p.institution_id, i.name AS institution_name, "
		                 "p.kind, p.name FROM programmes p JOIN institutions i ON i.id = "
		                 "p.institution_id WHERE ?2 = 0 OR p.institution_id = ?2 ORDER "
		                 "BY i.name, p.name",
		                 a, NARGS(a), NULL);
	}
	body = json_pack("{s:O, s:o, s:o, s:s?, s:o, s:I, s:o, s:o, s:o}", "instrument", row,
	                 "year", year ? json_integer(year) : json_null(), "programme",
	                 programme ? json_incref(programme) : json_null(), "programme_kind", kind,
	                 "institution_id", inst ? json_integer(inst) : json_null(),
	                 "min_therapists", (json_int_t)LAB_MIN_THERAPISTS, "groups", groups,
	                 "years", years ? years : json_array(), "programmes",
	                 programmes ? programmes : json_array());
	api_audit(req, "lab_figures.read", inst ? "institution" : "instrument",
	          inst ? inst : instrument, "success", NULL);
	api_json(resp, 200, body);
	rc = KV_OK;
out:
	free(mask);
	fig_rows_release(&rows);
	free(vars);
	if (in)
		instrument_free(in);
	json_decref(row);
	json_decref(programme);
	return rc;
}
