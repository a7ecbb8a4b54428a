/* Stored accounts: one prepared statement per operation. */
#include "db/users.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

#define USER_COLUMNS                                                                               \
	"id, email, display_name, role, coalesce(institution_id, 0), must_change_password, "       \
	"totp_secret IS NOT NULL, disabled, locale, created_at, coalesce(last_login_at, 0), "      \
	"totp_last_step, password_hash"

static void copy_text(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void db_user_read(struct db_stmt *st, int c, struct kv_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, c);
	copy_text(u->email, sizeof(u->email), db_col_text(st, c + 1));
	copy_text(u->display_name, sizeof(u->display_name), db_col_text(st, c + 2));
	u->role = (enum kv_role)role_parse(db_col_text(st, c + 3));
	u->institution_id = db_col_int(st, c + 4);
	u->must_change_password = (int)db_col_int(st, c + 5);
	u->totp_enabled = (int)db_col_int(st, c + 6);
	u->disabled = (int)db_col_int(st, c + 7);
	copy_text(u->locale, sizeof(u->locale), db_col_text(st, c + 8));
	u->created_at = db_col_int(st, c + 9);
	u->last_login_at = db_col_int(st, c + 10);
	u->totp_last_step = db_col_int(st, c + 11);
	copy_text(u->password_hash, sizeof(u->password_hash), db_col_text(st, c + 12));
}

static enum kv_err get_one(struct db *db, const char *sql, long long id, const char *text,
                           struct kv_user *u)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum kv_err rc;

	if (!st)
		return KV_EINTERNAL;
	if (text)
		db_bind_text(st, 1, text);
	else
		db_bind_int(st, 1, id);
	switch (db_step(st)) {
	case DB_ROW:
		db_user_read(st, 0, u);
		rc = KV_OK;
		break;
	case DB_DONE:
		rc = KV_ENOTFOUND;
		break;
	default:
		rc = db_stmt_err(st);
	}
	db_finalize(st);
	return rc;
}

enum kv_err db_user_get(struct db *db, long long id, struct kv_user *u)
{
	return get_one(db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", id, NULL, u);
}

enum kv_err db_user_get_by_email(struct db *db, const char *email, struct kv_user *u)
{
	return get_one(db, "SELECT " USER_COLUMNS " FROM users WHERE email = ?", 0, email, u);
}

enum kv_err db_user_insert(struct db *db, struct kv_user *u)
{
	struct db_stmt *st;
	enum kv_err rc = KV_OK;

	st = db_prepare(db, "INSERT INTO users (email, display_name, role, institution_id, "
	                    "password_hash, must_change_password, locale, created_at) "
	                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return KV_EINTERNAL;
	u->created_at = (long long)time(NULL);
	db_bind_text(st, 1, u->email);
	db_bind_text(st, 2, u->display_name);
	db_bind_text(st, 3, role_name(u->role));
	if (u->institution_id)
		db_bind_int(st, 4, u->institution_id);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, u->password_hash);
	db_bind_int(st, 6, u->must_change_password);
	db_bind_text(st, 7, u->locale[0] ? u->locale : "nb");
	db_bind_int(st, 8, u->created_at);
	if (db_step(st) == DB_ROW)
		u->id = db_col_int(st, 0);
	else
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_user_list(struct db *db, const struct db_user_filter *f,
                         void (*each)(const struct kv_user *u, void *ctx), void *ctx)
{
	struct db_stmt *st;
	struct kv_user u;
	enum db_step_result r;
	char like[EMAIL_MAX + 8];

	st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users "
	                    "WHERE (?1 IS NULL OR role = ?1) "
	                    "AND (?2 IS NULL OR email LIKE ?2 ESCAPE '\\' OR display_name LIKE ?2 "
	                    "ESCAPE '\\') AND (?3 OR NOT disabled) ORDER BY email");
	if (!st)
		return KV_EINTERNAL;
	db_bind_text(st, 1, f->role >= 0 ? role_name((enum kv_role)f->role) : NULL);
	if (f->q && f->q[0]) {
		size_t o = 0;
		const char *p;
		like[o++] = '%';
		for (p = f->q; *p && o < sizeof(like) - 3; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				like[o++] = '\\';
			like[o++] = *p;
		}
		like[o++] = '%';
		like[o] = '\0';
		db_bind_text(st, 2, like);
	} else {
		db_bind_null(st, 2);
	}
	db_bind_int(st, 3, f->include_disabled);
	while ((r = db_step(st)) == DB_ROW) {
		db_user_read(st, 0, &u);
		each(&u, ctx);
	}
	db_finalize(st);
	return r == DB_DONE ? KV_OK : KV_EINTERNAL;
}

long long db_user_count(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM users");
	long long n = -1;

	if (st && db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

/* Runs an UPDATE of one user; KV_ENOTFOUND when no row matched. */
static enum kv_err update(struct db *db, struct db_stmt *st)
{
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	if (db_step(st) != DB_DONE)
		rc = db_stmt_err(st);
	else if (db_changes(db) == 0)
		rc = KV_ENOTFOUND;
	db_finalize(st);
	return rc;
}

enum kv_err db_user_set_password(struct db *db, long long id, const char *hash, int must_change)
{
	struct db_stmt *st = db_prepare(db, "UPDATE users SET password_hash = ?, "
	                                    "must_change_password = ?, password_changed_at = ? "
	                                    "WHERE id = ?");
	if (st) {
		db_bind_text(st, 1, hash);
		db_bind_int(st, 2, must_change);
		db_bind_int(st, 3, (long long)time(NULL));
		db_bind_int(st, 4, id);
	}
	return update(db, st);
}

static enum kv_err set_text(struct db *db, const char *sql, long long id, const char *v)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st) {
		db_bind_text(st, 1, v);
		db_bind_int(st, 2, id);
	}
	return update(db, st);
}

static enum kv_err set_int(struct db *db, const char *sql, long long id, long long v)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st) {
		db_bind_int(st, 1, v);
		db_bind_int(st, 2, id);
	}
	return update(db, st);
}

enum kv_err db_user_set_display_name(struct db *db, long long id, const char *name)
{
	return set_text(db, "UPDATE users SET display_name = ? WHERE id = ?", id, name);
}

enum kv_err db_user_set_locale(struct db *db, long long id, const char *locale)
{
	return set_text(db, "UPDATE users SET locale = ? WHERE id = ?", id, locale);
}

enum kv_err db_user_set_role(struct db *db, long long id, enum kv_role role)
{
	return set_text(db, "UPDATE users SET role = ? WHERE id = ?", id, role_name(role));
}

enum kv_err db_user_set_disabled(struct db *db, long long id, int disabled)
{
	return set_int(db, "UPDATE users SET disabled = ? WHERE id = ?", id, disabled);
}

enum kv_err db_user_touch_login(struct db *db, long long id, long long now)
{
	return set_int(db, "UPDATE users SET last_login_at = ? WHERE id = ?", id, now);
}

enum kv_err db_user_set_totp(struct db *db, long long id, enum db_totp_slot slot,
                             const void *sealed, size_t len)
{
	struct db_stmt *st =
	    db_prepare(db, slot == TOTP_ACTIVE ? "UPDATE users SET totp_secret = ? WHERE id = ?"
	                                       : "UPDATE users SET totp_pending = ? WHERE id = ?");
	if (st) {
		db_bind_blob(st, 1, sealed, len);
		db_bind_int(st, 2, id);
	}
	return update(db, st);
}

enum kv_err db_user_get_totp(struct db *db, long long id, enum db_totp_slot slot,
                             struct kv_buf *out)
{
	struct db_stmt *st =
	    db_prepare(db, slot == TOTP_ACTIVE ? "SELECT totp_secret FROM users WHERE id = ?"
	                                       : "SELECT totp_pending FROM users WHERE id = ?");
	enum kv_err rc = KV_ENOTFOUND;
	const void *p;
	size_t len;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW && !db_col_is_null(st, 0)) {
		p = db_col_blob(st, 0, &len);
		rc = kv_buf_add(out, p, len) ? KV_ETOOBIG : KV_OK;
	}
	db_finalize(st);
	return rc;
}

enum kv_err db_user_activate_totp(struct db *db, long long id, long long step)
{
	return set_int(db,
	               "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, "
	               "totp_last_step = ? WHERE id = ? AND totp_pending IS NOT NULL",
	               id, step);
}

enum kv_err db_user_set_totp_step(struct db *db, long long id, long long step)
{
	return set_int(db, "UPDATE users SET totp_last_step = ? WHERE id = ?", id, step);
}

enum kv_err db_user_reset_totp(struct db *db, long long id)
{
	return set_int(db,
	               "UPDATE users SET totp_secret = NULL, totp_pending = NULL, "
	               "totp_last_step = ? WHERE id = ?",
	               id, 0);
}

enum kv_err db_institution_exists(struct db *db, long long id)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM institutions WHERE id = ?");
	enum kv_err rc;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, id);
	rc = db_step(st) == DB_ROW ? KV_OK : KV_ENOTFOUND;
	db_finalize(st);
	return rc;
}
