/* Stored data processing agreements between an institution and the lab, their signatories and
 * signed documents. "expired" is not stored: an active agreement past valid_until is expired. */
#ifndef KV_DB_AGREEMENTS_H
#define KV_DB_AGREEMENTS_H

#include <jansson.h>

#include "db/db.h"
#include "util/buf.h"

struct agreement_fields {
	const char *version, *signed_date, *valid_from, *valid_until;
	const char *manager_name, *manager_title, *manager_level;
};

/* today is "YYYY-MM-DD" (UTC), for the effective status. */
json_t *db_agreement_get(struct db *db, long long id, const char *today, enum kv_err *rc);
json_t *db_agreement_list(struct db *db, long long institution_id, const char *today);
enum kv_err db_agreement_insert(struct db *db, long long institution_id,
                                const struct agreement_fields *f, long long user_id, long long now,
                                long long *id);
/* Changes the given fields of a draft (NULL = unchanged); KV_ECONFLICT when not a draft. */
enum kv_err db_agreement_update(struct db *db, long long id, const struct agreement_fields *f);
/* Replaces the therapist signatories; each signs on the agreement's signed date. */
enum kv_err db_agreement_set_signatories(struct db *db, long long id, const long long *user_ids,
                                         size_t n);
enum kv_err db_agreement_set_document(struct db *db, long long id, long long document_id);
/* Marks it active (superseding the institution's other active one). */
enum kv_err db_agreement_activate(struct db *db, long long id, long long user_id, long long now);
/* Marks it terminated. */
enum kv_err db_agreement_terminate(struct db *db, long long id, const char *reason,
                                   long long user_id, long long now);
/* The active, unexpired agreement of an institution (0 when none) and whether user signed it. */
long long db_agreement_active_for(struct db *db, long long institution_id, const char *today);
int db_agreement_signed_by(struct db *db, long long agreement_id, long long user_id);

/* Documents: a row for new bytes (the file is written by the vault), reading the wrapped key. */
enum kv_err db_document_insert(struct db *db, const char *kind, const char *content_type,
                               size_t size, long long user_id, long long now, long long *id);
enum kv_err db_document_finish(struct db *db, long long id, const char *sha256_hex,
                               const void *wrapped, size_t wrapped_len);
/* Appends the wrapped key to out and stores the content type (static string) in *type. */
enum kv_err db_document_key(struct db *db, long long id, struct kv_buf *out, char type[32]);

#endif
