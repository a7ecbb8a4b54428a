/* Stored accounts. Every function returns KV_OK or the kv_err that says why not. */
#ifndef KV_DB_USERS_H
#define KV_DB_USERS_H

#include <stddef.h>

#include "core/user.h"
#include "db/db.h"
#include "util/buf.h"

enum db_totp_slot {
	TOTP_ACTIVE,  /* the enrolled secret */
	TOTP_PENDING, /* a secret shown during enrolment, not yet confirmed */
	TOTP_SLOT__MAX
};

struct db_user_filter {
	int role;      /* -1 for any */
	const char *q; /* substring of e-mail or name; NULL for any */
	int include_disabled;
};

/* Reads a user from the current row, starting at column c, in the order users.c selects them. */
void db_user_read(struct db_stmt *st, int c, struct kv_user *u);
enum kv_err db_user_get(struct db *db, long long id, struct kv_user *u);
/* email must already be normalised (lower case). */
enum kv_err db_user_get_by_email(struct db *db, const char *email, struct kv_user *u);
/* Inserts u (id and created_at are set). KV_ECONFLICT when the e-mail is taken. */
enum kv_err db_user_insert(struct db *db, struct kv_user *u);
/* Calls each(u, ctx) for every match, ordered by e-mail. */
enum kv_err db_user_list(struct db *db, const struct db_user_filter *f,
                         void (*each)(const struct kv_user *u, void *ctx), void *ctx);
long long db_user_count(struct db *db);
enum kv_err db_user_set_password(struct db *db, long long id, const char *hash, int must_change);
enum kv_err db_user_set_display_name(struct db *db, long long id, const char *name);
enum kv_err db_user_set_locale(struct db *db, long long id, const char *locale);
enum kv_err db_user_set_role(struct db *db, long long id, enum kv_role role);
enum kv_err db_user_set_disabled(struct db *db, long long id, int disabled);
enum kv_err db_user_touch_login(struct db *db, long long id, long long now);
/* Sealed TOTP secrets: store, read (appended to out; KV_ENOTFOUND when empty), promote the
 * pending secret to active, remember the last used step, or clear both. */
enum kv_err db_user_set_totp(struct db *db, long long id, enum db_totp_slot slot,
                             const void *sealed, size_t len);
enum kv_err db_user_get_totp(struct db *db, long long id, enum db_totp_slot slot,
                             struct kv_buf *out);
enum kv_err db_user_activate_totp(struct db *db, long long id, long long step);
enum kv_err db_user_set_totp_step(struct db *db, long long id, long long step);
enum kv_err db_user_reset_totp(struct db *db, long long id);
/* KV_OK when an institution with this id exists. */
enum kv_err db_institution_exists(struct db *db, long long id);

#endif
