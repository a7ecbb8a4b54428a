/* Institutions: the clinics that send recordings under a data processing agreement. */
#include "db/institutions.h"

#include <time.h>

#include "db/rows.h"
#include "util/banned.h"

static const char *const inst_bools[] = {"keep_ratings_for_research", NULL};

#define INST_COLUMNS                                                                               \
	"id, name, org_number, country, address, contact_name, contact_email, contact_phone, "     \
	"retention_days, keep_ratings_for_research, created_at"

static void attach_programmes(struct db *db, json_t *inst)
{
	struct db_arg a[] = {ARG_INT(json_integer_value(json_object_get(inst, "id")))};
	json_t *p = db_json_rows(db,
	                         "SELECT id, kind, name FROM programmes WHERE institution_id = ? "
	                         "ORDER BY kind, name",
	                         a, NARGS(a), NULL);

	json_object_set_new(inst, "programmes", p ? p : json_array());
}

json_t *db_institution_get(struct db *db, long long id, enum kv_err *rc)
{
	struct db_arg a[] = {ARG_INT(id)};
	json_t *o = db_json_row(db, "SELECT " INST_COLUMNS " FROM institutions WHERE id = ?", a,
	                        NARGS(a), inst_bools, rc);

	if (o)
		attach_programmes(db, o);
	return o;
}

json_t *db_institution_list(struct db *db, long long only_member, long long only_id)
{
	struct db_arg a[] = {ARG_INT(only_member), ARG_INT(only_id)};
	json_t *rows = db_json_rows(
	    db,
	    "SELECT " INST_COLUMNS " FROM institutions i WHERE (?1 = 0 OR EXISTS (SELECT 1 FROM "
	    "memberships m WHERE m.institution_id = i.id AND m.user_id = ?1)) "
	    "AND (?2 = 0 OR i.id = ?2) ORDER BY name",
	    a, NARGS(a), inst_bools);
	size_t i;
	json_t *inst;

	json_array_foreach(rows, i, inst) attach_programmes(db, inst);
	return rows;
}

static void fields_args(const struct institution_fields *f, struct db_arg *a)
{
	a[0] = ARG_TEXT(f->name);
	a[1] = ARG_TEXT(f->org_number);
	a[2] = ARG_TEXT(f->country);
	a[3] = ARG_TEXT(f->address);
	a[4] = ARG_TEXT(f->contact_name);
	a[5] = ARG_TEXT(f->contact_email);
	a[6] = ARG_TEXT(f->contact_phone);
	a[7] = f->retention_days >= 0 ? ARG_INT(f->retention_days) : ARG_NULL;
	a[8] = f->keep_ratings_for_research >= 0 ? ARG_INT(f->keep_ratings_for_research) : ARG_NULL;
}

enum kv_err db_institution_insert(struct db *db, const struct institution_fields *f, long long *id)
{
	struct db_arg a[10];

	fields_args(f, a);
	a[9] = ARG_INT(time(NULL));
	return db_insert(
	    db,
	    "INSERT INTO institutions (name, org_number, country, address, "
	    "contact_name, contact_email, contact_phone, retention_days, "
	    "keep_ratings_for_research, created_at) VALUES (?1, coalesce(?2, ''), "
	    "coalesce(?3, 'NO'), coalesce(?4, ''), coalesce(?5, ''), coalesce(?6, ''), "
	    "coalesce(?7, ''), coalesce(?8, 30), coalesce(?9, 0), ?10) RETURNING id",
	    a, NARGS(a), id);
}

enum kv_err db_institution_update(struct db *db, long long id, const struct institution_fields *f)
{
	struct db_arg a[10];
	long long changed = 0;
	enum kv_err rc;

	fields_args(f, a);
	a[9] = ARG_INT(id);
	rc = db_run(db,
	            "UPDATE institutions SET name = coalesce(?1, name), "
	            "org_number = coalesce(?2, org_number), country = coalesce(?3, country), "
	            "address = coalesce(?4, address), contact_name = coalesce(?5, contact_name), "
	            "contact_email = coalesce(?6, contact_email), "
	            "contact_phone = coalesce(?7, contact_phone), "
	            "retention_days = coalesce(?8, retention_days), "
	            "keep_ratings_for_research = coalesce(?9, keep_ratings_for_research) "
	            "WHERE id = ?10",
	            a, NARGS(a), &changed);
	return rc ? rc : changed ? KV_OK : KV_ENOTFOUND;
}

enum kv_err db_programme_insert(struct db *db, long long institution_id, const char *kind,
                                const char *name, long long *id)
{
	struct db_arg a[] = {ARG_INT(institution_id), ARG_TEXT(kind), ARG_TEXT(name)};

	return db_insert(db,
	                 "INSERT INTO programmes (institution_id, kind, name) VALUES (?, ?, ?) "
	                 "RETURNING id",
	                 a, NARGS(a), id);
}

enum kv_err db_member_set(struct db *db, long long institution_id, long long user_id,
                          const long long *programme_ids, size_t n, long long now)
{
	struct db_arg a[] = {ARG_INT(user_id), ARG_INT(institution_id), ARG_INT(now)};
	enum kv_err rc;
	size_t i;

	rc =
	    db_run(db,
	           "INSERT INTO memberships (user_id, institution_id, created_at) VALUES (?, ?, ?) "
	           "ON CONFLICT DO NOTHING",
	           a, NARGS(a), NULL);
	if (!rc)
		rc = db_run(db,
		            "DELETE FROM membership_programmes WHERE user_id = ?1 AND programme_id "
		            "IN (SELECT id FROM programmes WHERE institution_id = ?2)",
		            a, 2, NULL);
	for (i = 0; !rc && i < n; i++) {
		struct db_arg p[] = {ARG_INT(user_id), ARG_INT(programme_ids[i])};
		rc = db_run(
		    db,
		    "INSERT INTO membership_programmes (user_id, programme_id) VALUES (?, ?) "
		    "ON CONFLICT DO NOTHING",
		    p, NARGS(p), NULL);
	}
	return rc;
}

enum kv_err db_member_remove(struct db *db, long long institution_id, long long user_id)
{
	struct db_arg a[] = {ARG_INT(user_id), ARG_INT(institution_id)};
	long long changed = 0;
	enum kv_err rc;

	rc = db_run(db,
	            "DELETE FROM membership_programmes WHERE user_id = ?1 AND programme_id IN "
	            "(SELECT id FROM programmes WHERE institution_id = ?2)",
	            a, NARGS(a), NULL);
	if (!rc)
		rc =
		    db_run(db, "DELETE FROM memberships WHERE user_id = ?1 AND institution_id = ?2",
		           a, NARGS(a), &changed);
	return rc ? rc : changed ? KV_OK : KV_ENOTFOUND;
}

json_t *db_member_list(struct db *db, long long institution_id)
{
	struct db_arg a[] = {ARG_INT(institution_id)};
	json_t *rows =
	    db_json_rows(db,
	                 "SELECT u.id AS user_id, u.email, u.display_name, u.role, "
	                 "m.created_at FROM memberships m JOIN users u ON u.id = m.user_id "
	                 "WHERE m.institution_id = ? ORDER BY u.email",
	                 a, NARGS(a), NULL);
	size_t i;
	json_t *m;

	json_array_foreach(rows, i, m)
	{
		struct db_arg b[] = {ARG_INT(json_integer_value(json_object_get(m, "user_id"))),
		                     ARG_INT(institution_id)};
		json_t *p =
		    db_json_rows(db,
		                 "SELECT p.id FROM membership_programmes mp JOIN programmes p "
		                 "ON p.id = mp.programme_id WHERE mp.user_id = ? AND "
		                 "p.institution_id = ? ORDER BY p.id",
		                 b, NARGS(b), NULL);
		json_t *ids = json_array(), *row;
		size_t j;
		json_array_foreach(p, j, row) json_array_append(ids, json_object_get(row, "id"));
		json_decref(p);
		json_object_set_new(m, "programme_ids", ids);
	}
	return rows;
}

int db_is_member(struct db *db, long long user_id, long long institution_id)
{
	struct db_arg a[] = {ARG_INT(user_id), ARG_INT(institution_id)};

	return db_scalar(db, "SELECT 1 FROM memberships WHERE user_id = ? AND institution_id = ?",
	                 a, NARGS(a), 0) == 1;
}

int db_programme_of(struct db *db, long long programme_id, long long institution_id)
{
	struct db_arg a[] = {ARG_INT(programme_id), ARG_INT(institution_id)};

	return db_scalar(db, "SELECT 1 FROM programmes WHERE id = ? AND institution_id = ?", a,
	                 NARGS(a), 0) == 1;
}
