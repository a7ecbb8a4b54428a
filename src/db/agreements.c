/* Data processing agreements and the encrypted documents that carry their signatures. */
#include "db/agreements.h"

#include <stdio.h>
#include <string.h>

#include "db/rows.h"
#include "util/banned.h"

static const char *const agreement_bools[] = {"has_document", NULL};

/* ?1 is today's date for the effective status. */
#define AGREEMENT_SELECT                                                                           \
	"SELECT id, institution_id, version, signed_date, valid_from, valid_until, "               \
	"CASE WHEN status = 'active' AND valid_until IS NOT NULL AND valid_until < ?1 "            \
	"THEN 'expired' ELSE status END AS status, manager_name, manager_title, manager_level, "   \
	"document_id IS NOT NULL AS has_document, created_at, activated_at, ended_at, "            \
	"termination_reason FROM agreements "

static void attach_signatories(struct db *db, json_t *a)
{
	struct db_arg args[] = {ARG_INT(json_integer_value(json_object_get(a, "id")))};
	json_t *s = db_json_rows(db,
	                         "SELECT s.user_id, u.email, u.display_name, s.signed_date FROM "
	                         "agreement_signatories s JOIN users u ON u.id = s.user_id WHERE "
	                         "s.agreement_id = ? ORDER BY u.email",
	                         args, NARGS(args), NULL);

	json_object_set_new(a, "signatories", s ? s : json_array());
}

json_t *db_agreement_get(struct db *db, long long id, const char *today, enum kv_err *rc)
{
	struct db_arg a[] = {ARG_TEXT(today), ARG_INT(id)};
	json_t *o =
	    db_json_row(db, AGREEMENT_SELECT "WHERE id = ?2", a, NARGS(a), agreement_bools, rc);

	if (o)
		attach_signatories(db, o);
	return o;
}

json_t *db_agreement_list(struct db *db, long long institution_id, const char *today)
{
	struct db_arg a[] = {ARG_TEXT(today), ARG_INT(institution_id)};
	json_t *rows =
	    db_json_rows(db, AGREEMENT_SELECT "WHERE institution_id = ?2 ORDER BY id DESC", a,
	                 NARGS(a), agreement_bools);
	size_t i;
	json_t *o;

	json_array_foreach(rows, i, o) attach_signatories(db, o);
	return rows;
}

enum kv_err db_agreement_insert(struct db *db, long long institution_id,
                                const struct agreement_fields *f, long long user_id, long long now,
                                long long *id)
{
	struct db_arg a[] = {ARG_INT(institution_id),
	                     ARG_TEXT(f->version),
	                     ARG_TEXT(f->signed_date),
	                     ARG_TEXT(f->valid_from),
	                     ARG_TEXT(f->valid_until),
	                     ARG_TEXT(f->manager_name),
	                     ARG_TEXT(f->manager_title),
	                     ARG_TEXT(f->manager_level),
	                     ARG_INT(now),
	                     ARG_INT(user_id)};

	return db_insert(
	    db,
	    "INSERT INTO agreements (institution_id, version, signed_date, valid_from, "
	    "valid_until, manager_name, manager_title, manager_level, created_at, "
	    "created_by) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, ''), coalesce(?7, ''), "
	    "coalesce(?8, ''), ?9, ?10) RETURNING id",
	    a, NARGS(a), id);
}

enum kv_err db_agreement_update(struct db *db, long long id, const struct agreement_fields *f)
{
	struct db_arg a[] = {ARG_TEXT(f->version),       ARG_TEXT(f->signed_date),
	                     ARG_TEXT(f->valid_from),    ARG_TEXT(f->valid_until),
	                     ARG_TEXT(f->manager_name),  ARG_TEXT(f->manager_title),
	                     ARG_TEXT(f->manager_level), ARG_INT(id)};
	long long changed = 0;
	enum kv_err rc;

	rc = db_run(
	    db,
	    "UPDATE agreements SET version = coalesce(?1, version), "
	    "signed_date = coalesce(?2, signed_date), valid_from = coalesce(?3, valid_from), "
	    "valid_until = coalesce(?4, valid_until), "
	    "manager_name = coalesce(?5, manager_name), "
	    "manager_title = coalesce(?6, manager_title), "
	    "manager_level = coalesce(?7, manager_level) WHERE id = ?8 AND status = 'draft'",
	    a, NARGS(a), &changed);
	if (!rc && changed)
		rc = db_run(db,
		            "UPDATE agreement_signatories SET signed_date = (SELECT signed_date "
		            "FROM agreements WHERE id = ?8) WHERE agreement_id = ?8 AND "
		            "(SELECT signed_date FROM agreements WHERE id = ?8) IS NOT NULL",
		            a, NARGS(a), NULL);
	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_agreement_set_signatories(struct db *db, long long id, const long long *user_ids,
                                         size_t n)
{
	struct db_arg a[] = {ARG_INT(id)};
	enum kv_err rc;
	size_t i;

	rc = db_run(db, "DELETE FROM agreement_signatories WHERE agreement_id = ?", a, NARGS(a),
	            NULL);
	for (i = 0; !rc && i < n; i++) {
		struct db_arg b[] = {ARG_INT(id), ARG_INT(user_ids[i])};
		rc =
		    db_run(db,
		           "INSERT INTO agreement_signatories (agreement_id, user_id, signed_date) "
		           "SELECT ?1, ?2, coalesce(signed_date, '') FROM agreements WHERE id = ?1 "
		           "ON CONFLICT DO NOTHING",
		           b, NARGS(b), NULL);
	}
	return rc;
}

enum kv_err db_agreement_set_document(struct db *db, long long id, long long document_id)
{
	struct db_arg a[] = {ARG_INT(document_id), ARG_INT(id)};
	long long changed = 0;
	enum kv_err rc = db_run(db,
	                        "UPDATE agreements SET document_id = ? WHERE id = ? AND "
	                        "status = 'draft'",
	                        a, NARGS(a), &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_agreement_activate(struct db *db, long long id, long long user_id, long long now)
{
	struct db_arg a[] = {ARG_INT(id), ARG_INT(user_id), ARG_INT(now)};
	long long changed = 0;
	enum kv_err rc;

	rc = db_run(db,
	            "UPDATE agreements SET status = 'superseded', ended_at = ?3, ended_by = ?2 "
	            "WHERE status = 'active' AND institution_id = (SELECT institution_id FROM "
	            "agreements WHERE id = ?1) AND id <> ?1",
	            a, NARGS(a), NULL);
	if (!rc)
		rc = db_run(db,
		            "UPDATE agreements SET status = 'active', activated_at = ?3, "
		            "activated_by = ?2 WHERE id = ?1 AND status = 'draft'",
		            a, NARGS(a), &changed);
	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_agreement_terminate(struct db *db, long long id, const char *reason,
                                   long long user_id, long long now)
{
	struct db_arg a[] = {ARG_INT(id), ARG_INT(user_id), ARG_INT(now), ARG_TEXT(reason)};
	long long changed = 0;
	enum kv_err rc = db_run(db,
	                        "UPDATE agreements SET status = 'terminated', ended_at = ?3, "
	                        "ended_by = ?2, termination_reason = ?4 WHERE id = ?1 AND "
	                        "status = 'active'",
	                        a, NARGS(a), &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

long long db_agreement_active_for(struct db *db, long long institution_id, const char *today)
{
	struct db_arg a[] = {ARG_INT(institution_id), ARG_TEXT(today)};

	return db_scalar(
	    db,
	    "SELECT id FROM agreements WHERE institution_id = ?1 AND status = 'active' "
	    "AND (valid_until IS NULL OR valid_until >= ?2) AND (valid_from IS NULL OR "
	    "valid_from <= ?2) ORDER BY activated_at DESC LIMIT 1",
	    a, NARGS(a), 0);
}

int db_agreement_signed_by(struct db *db, long long agreement_id, long long user_id)
{
	struct db_arg a[] = {ARG_INT(agreement_id), ARG_INT(user_id)};

	return db_scalar(
	           db, "SELECT 1 FROM agreement_signatories WHERE agreement_id = ? AND user_id = ?",
	           a, NARGS(a), 0) == 1;
}

enum kv_err db_document_insert(struct db *db, const char *kind, const char *content_type,
                               size_t size, long long user_id, long long now, long long *id)
{
	struct db_arg a[] = {ARG_TEXT(kind), ARG_TEXT(content_type), ARG_INT(size), ARG_INT(now),
	                     ARG_INT(user_id)};

	return db_insert(db,
	                 "INSERT INTO documents (kind, content_type, size, sha256, created_at, "
	                 "created_by) VALUES (?, ?, ?, '', ?, ?) RETURNING id",
	                 a, NARGS(a), id);
}

enum kv_err db_document_finish(struct db *db, long long id, const char *sha256_hex,
                               const void *wrapped, size_t wrapped_len)
{
	struct db_stmt *st = db_prepare(db, "UPDATE documents SET sha256 = ?, wrapped_key = ? "
	                                    "WHERE id = ?");
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_text(st, 1, sha256_hex);
	db_bind_blob(st, 2, wrapped, wrapped_len);
	db_bind_int(st, 3, id);
	if (db_step(st) != DB_DONE)
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_document_key(struct db *db, long long id, struct kv_buf *out, char type[32])
{
	struct db_stmt *st = db_prepare(db, "SELECT wrapped_key, content_type FROM documents "
	                                    "WHERE id = ? AND wrapped_key IS NOT NULL");
	enum kv_err rc = KV_ENOTFOUND;
	const void *p;
	size_t len;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW) {
		p = db_col_blob(st, 0, &len);
		snprintf(type, 32, "%s", db_col_text(st, 1));
		rc = kv_buf_add(out, p, len) ? KV_ETOOBIG : KV_OK;
	}
	db_finalize(st);
	return rc;
}
