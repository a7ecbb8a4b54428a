/* Stored pseudonymous patient cases and the consent declared for each. */
#ifndef KV_DB_CASES_H
#define KV_DB_CASES_H

#include <jansson.h>

#include "db/db.h"

/* A case with its consent; only when it belongs to therapist_id (0 = any). */
json_t *db_case_get(struct db *db, long long id, long long therapist_id, enum kv_err *rc);
json_t *db_case_list(struct db *db, long long therapist_id, long long institution_id);
/* Creates a case with a fresh code unique in the institution. */
enum kv_err db_case_insert(struct db *db, long long institution_id, long long therapist_id,
                           const char *age_band, const char *gender, long long now, long long *id);
/* Records (or replaces, while not withdrawn) the consent declaration. */
enum kv_err db_consent_declare(struct db *db, long long case_id, const char *signed_date, int qa,
                               int training, int research, long long user_id, long long now);
enum kv_err db_consent_set_form(struct db *db, long long case_id, long long document_id);
long long db_consent_form(struct db *db, long long case_id);
/* Marks the consent withdrawn. KV_ECONFLICT when there is none or it is withdrawn already. */
enum kv_err db_consent_withdraw(struct db *db, long long case_id, const char *date,
                                long long user_id, long long now);

#endif
