/* Institutions, their programmes and members. Lab admins manage them; supervisors see all;
 * an institution admin sees only their own; a therapist sees those they belong to. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#include "core/validate.h"
#include "db/institutions.h"
#include "db/users.h"
#include "util/banned.h"

/* The institutions this user may see: 0 = all; otherwise via membership or own id. */
static void scope(const struct api_req *req, long long *member_of, long long *only_id)
{
	*member_of = 0;
	*only_id = 0;
	if (req->user.role == ROLE_THERAPIST)
		*member_of = req->user.id;
	else if (req->user.role == ROLE_INSTITUTION_ADMIN)
		*only_id = req->user.institution_id ? req->user.institution_id : -1;
}

int api_institution_visible(struct api_req *req, long long id)
{
	long long member_of, only_id;

	scope(req, &member_of, &only_id);
	if (only_id)
		return only_id == id;
	if (member_of)
		return db_is_member(req->db, member_of, id);
	return 1;
}

enum kv_err api_institutions_list(struct api_req *req, struct api_resp *resp)
{
	long long member_of, only_id;
	json_t *items;

	scope(req, &member_of, &only_id);
	items = db_institution_list(req->db, member_of, only_id);
	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the institutions could not be listed");
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_institutions_get(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;
	json_t *o;

	if (!api_institution_visible(req, req->id))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	o = db_institution_get(req->db, req->id, &rc);
	if (!o)
		return api_error(resp, rc, rc == KV_ENOTFOUND ? "not_found" : NULL,
		                 "no such institution");
	api_json(resp, 200, o);
	return KV_OK;
}

/* Reads the body into fields; checks what the validators cannot (org number by country). */
static enum kv_err read_fields(struct api_req *req, struct api_resp *resp,
                               struct institution_fields *f, const char *current_country)
{
	const char *why;

	memset(f, 0, sizeof(*f));
	f->name = api_str(req, "name");
	f->org_number = api_str(req, "org_number");
	f->country = api_str(req, "country");
	f->address = api_str(req, "address");
	f->contact_name = api_str(req, "contact_name");
	f->contact_email = api_str(req, "contact_email");
	f->contact_phone = api_str(req, "contact_phone");
	f->retention_days = api_int(req, "retention_days", -1);
	f->keep_ratings_for_research = api_has(req, "keep_ratings_for_research")
	                                   ? api_bool(req, "keep_ratings_for_research", 0)
	                                   : -1;
	if (f->org_number && f->org_number[0] &&
	    (why = validate_org_number(f->country ? f->country : current_country, f->org_number)))
		return api_field_error(resp, KV_EINVAL, "invalid_input", "org_number", why);
	return KV_OK;
}

static enum kv_err finish(struct api_req *req, struct api_resp *resp, enum kv_err rc, long long id,
                          int status)
{
	json_t *o;

	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_field_error(resp, KV_ECONFLICT, "name_taken", "name",
		                       "already belongs to another institution");
	}
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the institution could not be saved; try again");
	}
	o = db_institution_get(req->db, id, &rc);
	api_json(resp, status, o);
	return KV_OK;
}

enum kv_err api_institutions_create(struct api_req *req, struct api_resp *resp)
{
	struct institution_fields f;
	long long id = 0;
	enum kv_err rc;

	if (!api_has(req, "name"))
		return api_field_error(resp, KV_EINVAL, "invalid_input", "name", "is required");
	if (read_fields(req, resp, &f, "NO"))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_institution_insert(req->db, &f, &id);
	if (!rc)
		rc = api_audit(req, "institution.create", "institution", id, "success", f.name);
	return finish(req, resp, rc, id, 201);
}

enum kv_err api_institutions_patch(struct api_req *req, struct api_resp *resp)
{
	struct institution_fields f;
	enum kv_err rc;
	json_t *cur = db_institution_get(req->db, req->id, &rc);
	char country[8];

	if (!cur)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	snprintf(country, sizeof(country), "%s",
	         json_string_value(json_object_get(cur, "country")));
	json_decref(cur);
	if (read_fields(req, resp, &f, country))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_institution_update(req->db, req->id, &f);
	if (!rc)
		rc = api_audit(req, "institution.update", "institution", req->id, "success",
		               f.retention_days >= 0 || f.keep_ratings_for_research >= 0
		                   ? "retention policy changed"
		                   : NULL);
	return finish(req, resp, rc, req->id, 200);
}

enum kv_err api_programmes_create(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;
	long long id = 0;
	json_t *inst = db_institution_get(req->db, req->id, &rc);

	if (!inst)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	json_decref(inst);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_programme_insert(req->db, req->id, api_str(req, "kind"), api_str(req, "name"), &id);
	if (rc == KV_ECONFLICT) {
		db_rollback(req->db);
		return api_field_error(resp, KV_ECONFLICT, "name_taken", "name",
		                       "is already a programme of this institution");
	}
	if (!rc)
		rc = api_audit(req, "programme.create", "institution", req->id, "success",
		               api_str(req, "name"));
	return finish(req, resp, rc, req->id, 201);
}

enum kv_err api_members_list(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;
	json_t *inst = db_institution_get(req->db, req->id, &rc), *items;

	if (!inst)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	json_decref(inst);
	items = db_member_list(req->db, req->id);
	api_json(resp, 200, json_pack("{s:o}", "items", items ? items : json_array()));
	return KV_OK;
}

enum kv_err api_members_put(struct api_req *req, struct api_resp *resp)
{
	json_t *ids = json_object_get(req->json, "programme_ids"), *e, *inst;
	long long prog[100];
	struct kv_user u;
	size_t i, n = 0;
	enum kv_err rc;

	inst = db_institution_get(req->db, req->id, &rc);
	if (!inst)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	json_decref(inst);
	if (db_user_get(req->db, req->sub, &u) != KV_OK)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such user");
	if (u.role != ROLE_THERAPIST)
		return api_error(resp, KV_ERULE, "not_a_therapist",
		                 "only therapists are members of an institution's programmes");
	json_array_foreach(ids, i, e)
	{
		prog[n] = json_integer_value(e);
		if (!db_programme_of(req->db, prog[n], req->id))
			return api_field_error(resp, KV_ERULE, "unknown_programme", "programme_ids",
			                       "names a programme of another institution");
		n++;
	}
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_member_set(req->db, req->id, req->sub, prog, n, req->now);
	if (!rc)
		rc = api_audit(req, "institution.member_set", "user", req->sub, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the membership could not be saved; try again");
	}
	return api_members_list(req, resp);
}

enum kv_err api_members_delete(struct api_req *req, struct api_resp *resp)
{
	enum kv_err rc;

	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_member_remove(req->db, req->id, req->sub);
	if (rc == KV_ENOTFOUND) {
		db_rollback(req->db);
		return api_error(resp, KV_ENOTFOUND, "not_found",
		                 "that user is not a member of this institution");
	}
	if (!rc)
		rc = api_audit(req, "institution.member_remove", "user", req->sub, "success", NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, "the membership could not be removed; try again");
	}
	api_json(resp, 204, NULL);
	return KV_OK;
}
