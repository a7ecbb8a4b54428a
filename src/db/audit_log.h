/* The stored audit log: appending inside the caller's transaction, filtered reading, and
 * verification of the whole chain. */
#ifndef KV_DB_AUDIT_LOG_H
#define KV_DB_AUDIT_LOG_H

#include <stddef.h>

#include "core/audit.h"
#include "db/db.h"

struct db_audit_filter {
	const char *actor;        /* e-mail substring, or NULL */
	const char *action;       /* prefix, e.g. "session." or "user.create", or NULL */
	const char *object_type;  /* exact, or NULL */
	const char *object_id;    /* exact, or NULL */
	long long from_ms, to_ms; /* inclusive bounds; 0 for open */
	long long offset, limit;
};

/* Appends ev (its id is set). Must run inside a transaction so the event lands with the
 * change it records, or not at all. */
enum kv_err db_audit_append(struct db *db, const unsigned char key[AUDIT_KEY_LEN],
                            struct audit_event *ev);
/* Newest first. *total receives the number of matching rows. */
enum kv_err db_audit_list(struct db *db, const struct db_audit_filter *f,
                          void (*each)(const struct audit_event *ev, void *ctx), void *ctx,
                          long long *total);
/* Recomputes the chain. Returns 0 when intact, else -1 with the first broken row named. */
int db_audit_verify(struct db *db, const unsigned char key[AUDIT_KEY_LEN], long long *rows,
                    char *err, size_t errlen);

#endif
