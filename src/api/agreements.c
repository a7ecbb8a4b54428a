/* Data processing agreements: drafted and activated by the lab admin, with the signed PDF kept
 * encrypted; institution admins read their own. Terminating one starts the deletion of the
 * institution's recordings under its retention policy. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/agreements.h"
#include "db/institutions.h"
#include "db/rows.h"
#include "db/users.h"
#include "vault/documents.h"
#include "util/banned.h"

void api_today(long long now, char out[11])
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The agreement, if this user may see it (lab admin, supervisor, or its institution's admin). */
static json_t *visible_agreement(struct api_req *req, struct api_resp *resp, long long id)
{
	char today[11];
	enum kv_err rc;
	json_t *a;

	api_today(req->now, today);
	a = db_agreement_get(req->db, id, today, &rc);
	if (a && !api_institution_visible(
	             req, json_integer_value(json_object_get(a, "institution_id")))) {
		json_decref(a);
		a = NULL;
	}
	if (!a)
		api_error(resp, KV_ENOTFOUND, "not_found", "no such agreement");
	return a;
}

static const char *status_of(json_t *a)
{
	return json_string_value(json_object_get(a, "status"));
}

enum kv_err api_agreements_list(struct api_req *req, struct api_resp *resp)
{
	char today[11];
	json_t *items;

	if (!api_institution_visible(req, req->id))
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	api_today(req->now, today);
	items = db_agreement_list(req->db, req->id, today);
	if (!items)
		return api_error(resp, KV_EINTERNAL, NULL, "the agreements could not be listed");
	api_json(resp, 200, json_pack("{s:o}", "items", items));
	return KV_OK;
}

enum kv_err api_agreements_get(struct api_req *req, struct api_resp *resp)
{
	json_t *a = visible_agreement(req, resp, req->id);

	if (!a)
		return KV_ENOTFOUND;
	api_json(resp, 200, a);
	return KV_OK;
}

static void read_fields(struct api_req *req, struct agreement_fields *f)
{
	f->version = api_str(req, "version");
	f->signed_date = api_str(req, "signed_date");
	f->valid_from = api_str(req, "valid_from");
	f->valid_until = api_str(req, "valid_until");
	f->manager_name = api_str(req, "manager_name");
	f->manager_title = api_str(req, "manager_title");
	f->manager_level = api_str(req, "manager_level");
}

/* Signatories must be therapists who are members of the institution. */
static enum kv_err read_signatories(struct api_req *req, struct api_resp *resp,
                                    long long institution_id, long long *ids, size_t *n)
{
	json_t *list = json_object_get(req->json, "signatory_ids"), *e;
	struct kv_user u;
	size_t i;

	*n = 0;
	json_array_foreach(list, i, e)
	{
		ids[*n] = json_integer_value(e);
		if (db_user_get(req->db, ids[*n], &u) != KV_OK || u.role != ROLE_THERAPIST ||
		    !db_is_member(req->db, ids[*n], institution_id))
			return api_field_error(resp, KV_ERULE, "not_a_member", "signatory_ids",
			                       "must name therapists who are members of the "
			                       "institution");
		(*n)++;
	}
	return KV_OK;
}

static enum kv_err answer(struct api_req *req, struct api_resp *resp, enum kv_err rc, long long id,
                          int status, const char *what)
{
	json_t *a;

	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		db_rollback(req->db);
		return api_error(resp, rc, NULL, what);
	}
	a = visible_agreement(req, resp, id);
	if (!a)
		return KV_ENOTFOUND;
	api_json(resp, status, a);
	return KV_OK;
}

static enum kv_err check_dates(struct api_resp *resp, const struct agreement_fields *f)
{
	if (f->valid_from && f->valid_until && strcmp(f->valid_until, f->valid_from) < 0)
		return api_field_error(resp, KV_EINVAL, "invalid_input", "valid_until",
		                       "must not be before valid_from");
	return KV_OK;
}

enum kv_err api_agreements_create(struct api_req *req, struct api_resp *resp)
{
	struct agreement_fields f;
	long long ids[100], id = 0;
	size_t n;
	enum kv_err rc;
	json_t *inst = db_institution_get(req->db, req->id, &rc);

	if (!inst)
		return api_error(resp, KV_ENOTFOUND, "not_found", "no such institution");
	json_decref(inst);
	if (!api_has(req, "version"))
		return api_field_error(resp, KV_EINVAL, "invalid_input", "version", "is required");
	read_fields(req, &f);
	if (check_dates(resp, &f) || read_signatories(req, resp, req->id, ids, &n))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_agreement_insert(req->db, req->id, &f, req->user.id, req->now, &id);
	if (!rc)
		rc = db_agreement_set_signatories(req->db, id, ids, n);
	if (!rc)
		rc = api_audit(req, "agreement.create", "agreement", id, "success", f.version);
	return answer(req, resp, rc, id, 201, "the agreement could not be saved; try again");
}

enum kv_err api_agreements_patch(struct api_req *req, struct api_resp *resp)
{
	struct agreement_fields f;
	long long ids[100], inst;
	size_t n;
	enum kv_err rc;
	json_t *a = visible_agreement(req, resp, req->id);

	if (!a)
		return KV_ENOTFOUND;
	inst = json_integer_value(json_object_get(a, "institution_id"));
	if (strcmp(status_of(a), "draft")) {
		json_decref(a);
		return api_error(resp, KV_ECONFLICT, "not_a_draft",
		                 "only a draft agreement can be changed; draft a new version");
	}
	json_decref(a);
	read_fields(req, &f);
	if (check_dates(resp, &f) || read_signatories(req, resp, inst, ids, &n))
		return KV_EINVAL;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_agreement_update(req->db, req->id, &f);
	if (!rc && api_has(req, "signatory_ids"))
		rc = db_agreement_set_signatories(req->db, req->id, ids, n);
	if (!rc)
		rc = api_audit(req, "agreement.update", "agreement", req->id, "success", NULL);
	return answer(req, resp, rc, req->id, 200, "the agreement could not be saved; try again");
}

/* Stores an uploaded file encrypted; returns the new document's id in *doc. */
enum kv_err api_store_document(struct api_req *req, struct api_resp *resp, const char *kind,
                               int pdf_only, long long *doc)
{
	struct kv_buf wrapped = KV_BUF_INIT(4096);
	char sha[65], err[256];
	const char *type;
	enum kv_err rc;

	if (!req->body || req->body_len == 0)
		return api_error(resp, KV_EINVAL, "empty_file", "the request carries no file");
	type = vault_doc_sniff(req->body, req->body_len);
	if (!type || (pdf_only && strcmp(type, "application/pdf")))
		return api_error(resp, KV_EINVAL, "unsupported_file",
		                 pdf_only ? "the file is not a PDF"
		                          : "the file must be a PDF, JPEG or PNG image");
	rc = db_document_insert(req->db, kind, type, req->body_len, req->user.id, req->now, doc);
	if (!rc && vault_doc_store(req->ctx->key, req->ctx->data_dir, *doc, req->body,
	                           req->body_len, &wrapped, sha, err, sizeof(err))) {
		fprintf(stderr, "kvalab: %s\n", err);
		rc = KV_EINTERNAL;
	}
	if (!rc)
		rc = db_document_finish(req->db, *doc, sha, wrapped.data, wrapped.len);
	kv_buf_release(&wrapped);
	if (rc)
		api_error(resp, rc, NULL, "the file could not be stored; try again");
	return rc;
}

/* Answers with a stored document, decrypted. */
enum kv_err api_send_document(struct api_req *req, struct api_resp *resp, long long doc)
{
	struct kv_buf wrapped = KV_BUF_INIT(4096), out = KV_BUF_INIT(DOCUMENT_MAX_BYTES);
	char type[32];
	enum kv_err rc = db_document_key(req->db, doc, &wrapped, type);

	if (!rc &&
	    vault_doc_load(req->ctx->key, req->ctx->data_dir, doc, wrapped.data, wrapped.len, &out))
		rc = KV_EINTERNAL;
	kv_buf_release(&wrapped);
	if (rc) {
		kv_buf_release(&out);
		return api_error(resp, rc, rc == KV_ENOTFOUND ? "not_found" : NULL,
		                 rc == KV_ENOTFOUND ? "the document no longer exists"
		                                    : "the document could not be decrypted");
	}
	api_file(resp, &out, type);
	return KV_OK;
}

enum kv_err api_agreements_put_document(struct api_req *req, struct api_resp *resp)
{
	long long doc = 0;
	enum kv_err rc;
	json_t *a = visible_agreement(req, resp, req->id);

	if (!a)
		return KV_ENOTFOUND;
	if (strcmp(status_of(a), "draft")) {
		json_decref(a);
		return api_error(resp, KV_ECONFLICT, "not_a_draft",
		                 "the signed document of an active or ended agreement cannot be "
		                 "replaced");
	}
	json_decref(a);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	if (api_store_document(req, resp, "agreement", 1, &doc)) {
		db_rollback(req->db);
		return KV_EINVAL;
	}
	rc = db_agreement_set_document(req->db, req->id, doc);
	if (!rc)
		rc = api_audit(req, "agreement.document_upload", "agreement", req->id, "success",
		               NULL);
	if (rc) {
		db_rollback(req->db);
		vault_doc_remove(req->ctx->data_dir, doc);
		return api_error(resp, rc, NULL, "the document could not be stored; try again");
	}
	return answer(req, resp, KV_OK, req->id, 200, "the document could not be stored");
}

enum kv_err api_agreements_get_document(struct api_req *req, struct api_resp *resp)
{
	struct db_arg arg[] = {ARG_INT(req->id)};
	long long doc;
	json_t *a = visible_agreement(req, resp, req->id);

	if (!a)
		return KV_ENOTFOUND;
	json_decref(a);
	doc = db_scalar(req->db, "SELECT document_id FROM agreements WHERE id = ?", arg, 1, 0);
	if (!doc)
		return api_error(resp, KV_ENOTFOUND, "not_found",
		                 "no signed document is uploaded for this agreement");
	api_audit(req, "agreement.document_read", "agreement", req->id, "success", NULL);
	return api_send_document(req, resp, doc);
}

enum kv_err api_agreements_activate(struct api_req *req, struct api_resp *resp)
{
	static const char *const needed[] = {"signed_date", "valid_from", "manager_name",
	                                     "manager_title", "manager_level"};
	char today[11];
	enum kv_err rc;
	size_t i;
	int missing = 0;
	json_t *a = visible_agreement(req, resp, req->id), *v;

	if (!a)
		return KV_ENOTFOUND;
	if (strcmp(status_of(a), "draft")) {
		json_decref(a);
		return api_error(resp, KV_ECONFLICT, "not_a_draft",
		                 "only a draft can be activated");
	}
	api_error(resp, KV_ERULE, "agreement_incomplete",
	          "the agreement cannot be activated until it is complete");
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		v = json_object_get(a, needed[i]);
		if (!json_is_string(v) || !json_string_value(v)[0]) {
			api_error_field(resp, needed[i], "is required before activation");
			missing = 1;
		}
	}
	if (!json_is_true(json_object_get(a, "has_document"))) {
		api_error_field(resp, "document", "upload the signed agreement (PDF) first");
		missing = 1;
	}
	if (json_array_size(json_object_get(a, "signatories")) == 0) {
		api_error_field(resp, "signatory_ids",
		                "at least one therapist who will submit must have signed");
		missing = 1;
	}
	api_today(req->now, today);
	v = json_object_get(a, "valid_until");
	if (json_is_string(v) && strcmp(json_string_value(v), today) < 0) {
		api_error_field(resp, "valid_until", "is in the past");
		missing = 1;
	}
	json_decref(a);
	if (missing)
		return KV_ERULE;
	json_decref(resp->body);
	resp->body = NULL;
	resp->status = 200;
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_agreement_activate(req->db, req->id, req->user.id, req->now);
	if (!rc)
		rc = api_audit(req, "agreement.activate", "agreement", req->id, "success", NULL);
	return answer(req, resp, rc, req->id, 200, "the agreement could not be activated");
}

enum kv_err api_agreements_terminate(struct api_req *req, struct api_resp *resp)
{
	struct db_arg args[3];
	char detail[300];
	long long inst;
	enum kv_err rc;
	json_t *a = visible_agreement(req, resp, req->id);

	if (!a)
		return KV_ENOTFOUND;
	inst = json_integer_value(json_object_get(a, "institution_id"));
	if (strcmp(status_of(a), "active") && strcmp(status_of(a), "expired")) {
		json_decref(a);
		return api_error(resp, KV_ECONFLICT, "not_active",
		                 "only an active or expired agreement can be terminated");
	}
	json_decref(a);
	if ((rc = db_begin(req->db)) != KV_OK)
		return api_error(resp, rc, NULL, "the database is busy; try again");
	rc = db_agreement_terminate(req->db, req->id, api_str(req, "reason"), req->user.id,
	                            req->now);
	/* The agreement ends the lab's right to hold the institution's recordings: each is due
	 * for deletion after the institution's retention period, unless due sooner already. */
	args[0] = ARG_INT(req->now);
	args[1] = ARG_INT(inst);
	args[2] = ARG_TEXT("agreement terminated");
	if (!rc)
		rc = db_run(req->db,
		            "UPDATE submissions SET recording_delete_after = ?1 + 86400 * "
		            "(SELECT retention_days FROM institutions WHERE id = ?2), "
		            "recording_delete_reason = ?3 WHERE institution_id = ?2 AND state <> "
		            "'withdrawn' AND (recording_delete_after IS NULL OR "
		            "recording_delete_after > ?1 + 86400 * (SELECT retention_days FROM "
		            "institutions WHERE id = ?2))",
		            args, 3, NULL);
	snprintf(detail, sizeof(detail), "reason: %s", api_str(req, "reason"));
	if (!rc)
		rc = api_audit(req, "agreement.terminate", "agreement", req->id, "success", detail);
	return answer(req, resp, rc, req->id, 200, "the agreement could not be terminated");
}
