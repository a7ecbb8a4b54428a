/* Stored institutions, their programmes and their therapists (memberships). */
#ifndef KV_DB_INSTITUTIONS_H
#define KV_DB_INSTITUTIONS_H

#include <jansson.h>

#include "db/db.h"

/* Fields of an institution; for an update, NULL / -1 means "leave as it is". */
struct institution_fields {
	const char *name, *org_number, *country, *address;
	const char *contact_name, *contact_email, *contact_phone;
	long long retention_days;      /* -1: unchanged */
	int keep_ratings_for_research; /* -1: unchanged */
};

/* One institution with its programmes; NULL and *rc = KV_ENOTFOUND when there is none. */
json_t *db_institution_get(struct db *db, long long id, enum kv_err *rc);
/* Institutions ordered by name. only_member: those the user belongs to (0 = all);
 * only_id: just that one (0 = all). */
json_t *db_institution_list(struct db *db, long long only_member, long long only_id);
enum kv_err db_institution_insert(struct db *db, const struct institution_fields *f, long long *id);
enum kv_err db_institution_update(struct db *db, long long id, const struct institution_fields *f);
enum kv_err db_programme_insert(struct db *db, long long institution_id, const char *kind,
                                const char *name, long long *id);
/* Makes user a member with exactly these programmes (ids of the institution's programmes). */
enum kv_err db_member_set(struct db *db, long long institution_id, long long user_id,
                          const long long *programme_ids, size_t n, long long now);
enum kv_err db_member_remove(struct db *db, long long institution_id, long long user_id);
json_t *db_member_list(struct db *db, long long institution_id);
int db_is_member(struct db *db, long long user_id, long long institution_id);
/* 1 when programme_id belongs to the institution. */
int db_programme_of(struct db *db, long long programme_id, long long institution_id);

#endif
