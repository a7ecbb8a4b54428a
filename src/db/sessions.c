/* Stored sessions, API tokens and login throttling. */
#include "db/sessions.h"

#include "db/users.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

/* The columns db_user_read expects, in its order, for queries that join users as u. */
#define USER_COLUMNS_U                                                                             \
	"u.id, u.email, u.display_name, u.role, coalesce(u.institution_id, 0), "                   \
	"u.must_change_password, u.totp_secret IS NOT NULL, u.disabled, u.locale, u.created_at, "  \
	"coalesce(u.last_login_at, 0), u.totp_last_step, u.password_hash"

static enum kv_err run(struct db_stmt *st)
{
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	if (db_step(st) == DB_ERROR)
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

enum kv_err db_session_insert(struct db *db, const uint8_t hash[TOKEN_HASH_LEN], long long user_id,
                              const char *csrf, long long now, const char *ip)
{
	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO sessions (id_hash, user_id, csrf_token, "
	                   "created_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?)");
	if (st) {
		db_bind_blob(st, 1, hash, TOKEN_HASH_LEN);
		db_bind_int(st, 2, user_id);
		db_bind_text(st, 3, csrf);
		db_bind_int(st, 4, now);
		db_bind_int(st, 5, now);
		db_bind_text(st, 6, ip);
	}
	return run(st);
}

enum kv_err db_session_lookup(struct db *db, const uint8_t hash[TOKEN_HASH_LEN], long long now,
                              const struct session_limits *lim, struct kv_user *u,
                              char csrf[TOKEN_TEXT_MAX])
{
	struct db_stmt *st;
	long long created, seen;
	enum kv_err rc;
	const char *c;

	st =
	    db_prepare(db, "SELECT s.created_at, s.last_seen_at, s.csrf_token, " USER_COLUMNS_U
	                   " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?");
	if (!st)
		return KV_EINTERNAL;
	db_bind_blob(st, 1, hash, TOKEN_HASH_LEN);
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		return KV_EAUTH;
	}
	created = db_col_int(st, 0);
	seen = db_col_int(st, 1);
	c = db_col_text(st, 2);
	snprintf(csrf, TOKEN_TEXT_MAX, "%s", c ? c : "");
	db_user_read(st, 3, u);
	db_finalize(st);
	if (u->disabled || now - seen > lim->idle_secs || now - created > lim->absolute_secs) {
		db_session_delete(db, hash);
		return KV_EAUTH;
	}
	/* Refresh at most once a minute: a page's burst of requests then writes once. */
	if (now - seen < 60)
		return KV_OK;
	st = db_prepare(db, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
	if (st) {
		db_bind_int(st, 1, now);
		db_bind_blob(st, 2, hash, TOKEN_HASH_LEN);
	}
	rc = run(st);
	return rc == KV_EUNAVAILABLE ? KV_OK : rc;
}

enum kv_err db_session_delete(struct db *db, const uint8_t hash[TOKEN_HASH_LEN])
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE id_hash = ?");

	if (st)
		db_bind_blob(st, 1, hash, TOKEN_HASH_LEN);
	return run(st);
}

enum kv_err db_session_delete_user(struct db *db, long long user_id, const uint8_t *keep_hash)
{
	static const uint8_t none[TOKEN_HASH_LEN];
	struct db_stmt *st =
	    db_prepare(db, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?");

	if (st) {
		db_bind_int(st, 1, user_id);
		db_bind_blob(st, 2, keep_hash ? keep_hash : none, TOKEN_HASH_LEN);
	}
	return run(st);
}

enum kv_err db_token_insert(struct db *db, long long user_id, const char *name,
                            const uint8_t hash[TOKEN_HASH_LEN], long long now, long long expires,
                            long long *id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO api_tokens (user_id, name, token_hash, "
	                                    "created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
	                                    "RETURNING id");
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, name);
	db_bind_blob(st, 3, hash, TOKEN_HASH_LEN);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, expires);
	if (db_step(st) == DB_ROW)
		*id = db_col_int(st, 0);
	else
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

static enum kv_err list_tokens(struct db_stmt *st,
                               void (*each)(const struct api_token_row *t, void *ctx), void *ctx)
{
	struct api_token_row t;
	enum db_step_result r;
	int n = 0;

	while ((r = db_step(st)) == DB_ROW) {
		t.id = db_col_int(st, 0);
		t.name = db_col_text(st, 1);
		t.created_at = db_col_int(st, 2);
		t.expires_at = db_col_int(st, 3);
		t.last_used_at = db_col_int(st, 4);
		t.revoked_at = db_col_int(st, 5);
		each(&t, ctx);
		n++;
	}
	db_finalize(st);
	if (r != DB_DONE)
		return KV_EINTERNAL;
	return n ? KV_OK : KV_ENOTFOUND;
}

#define TOKEN_COLUMNS                                                                              \
	"id, name, created_at, expires_at, coalesce(last_used_at, 0), coalesce(revoked_at, 0)"

enum kv_err db_token_list(struct db *db, long long user_id,
                          void (*each)(const struct api_token_row *t, void *ctx), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT " TOKEN_COLUMNS " FROM api_tokens "
	                                    "WHERE user_id = ? ORDER BY created_at DESC, id DESC");
	enum kv_err rc;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, user_id);
	rc = list_tokens(st, each, ctx);
	return rc == KV_ENOTFOUND ? KV_OK : rc;
}

enum kv_err db_token_get(struct db *db, long long user_id, long long id,
                         void (*each)(const struct api_token_row *t, void *ctx), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT " TOKEN_COLUMNS " FROM api_tokens "
	                                    "WHERE user_id = ? AND id = ?");
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, id);
	return list_tokens(st, each, ctx);
}

enum kv_err db_token_revoke(struct db *db, long long user_id, long long id, long long now)
{
	struct db_stmt *st = db_prepare(db, "UPDATE api_tokens SET revoked_at = ? "
	                                    "WHERE id = ? AND user_id = ? AND revoked_at IS NULL");
	enum kv_err rc;

	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, user_id);
	rc = run(st);
	if (rc == KV_OK && db_changes(db) == 0)
		rc = KV_ENOTFOUND;
	return rc;
}

enum kv_err db_token_lookup(struct db *db, const uint8_t hash[TOKEN_HASH_LEN], long long now,
                            struct kv_user *u, long long *token_id)
{
	struct db_stmt *st;

	st = db_prepare(db, "SELECT t.id, " USER_COLUMNS_U " FROM api_tokens t "
	                    "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? "
	                    "AND t.revoked_at IS NULL AND t.expires_at > ? AND NOT u.disabled");
	if (!st)
		return KV_EINTERNAL;
	db_bind_blob(st, 1, hash, TOKEN_HASH_LEN);
	db_bind_int(st, 2, now);
	if (db_step(st) != DB_ROW) {
		db_finalize(st);
		return KV_EAUTH;
	}
	*token_id = db_col_int(st, 0);
	db_user_read(st, 1, u);
	db_finalize(st);
	st = db_prepare(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
	if (st) {
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, *token_id);
	}
	run(st); /* a missed last-used stamp must not refuse the request */
	return KV_OK;
}

long long db_throttle_locked_until(struct db *db, const char *email, long long now)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT until FROM login_locks WHERE email = ? AND until > ?");
	long long until = 0;

	if (!st)
		return 0;
	db_bind_text(st, 1, email);
	db_bind_int(st, 2, now);
	if (db_step(st) == DB_ROW)
		until = db_col_int(st, 0);
	db_finalize(st);
	return until;
}

long long db_throttle_fail(struct db *db, const char *email, long long now, long long window,
                           int limit, long long lock_secs)
{
	struct db_stmt *st;
	long long n = 0;

	st = db_prepare(db, "INSERT INTO login_failures (email, at) VALUES (?, ?)");
	if (st) {
		db_bind_text(st, 1, email);
		db_bind_int(st, 2, now);
	}
	run(st);
	/* Old failures say nothing about a guessing attack now; keep the table small. */
	st = db_prepare(db, "DELETE FROM login_failures WHERE at <= ?");
	if (st)
		db_bind_int(st, 1, now - window);
	run(st);
	st = db_prepare(db, "SELECT count(*) FROM login_failures WHERE email = ? AND at > ?");
	if (!st)
		return 0;
	db_bind_text(st, 1, email);
	db_bind_int(st, 2, now - window);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_finalize(st);
	if (n < limit)
		return 0;
	st = db_prepare(db, "INSERT INTO login_locks (email, until) VALUES (?1, ?2) "
	                    "ON CONFLICT(email) DO UPDATE SET until = ?2");
	if (st) {
		db_bind_text(st, 1, email);
		db_bind_int(st, 2, now + lock_secs);
	}
	run(st);
	return now + lock_secs;
}

enum kv_err db_throttle_clear(struct db *db, const char *email)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM login_failures WHERE email = ?");

	if (st)
		db_bind_text(st, 1, email);
	run(st);
	st = db_prepare(db, "DELETE FROM login_locks WHERE email = ?");
	if (st)
		db_bind_text(st, 1, email);
	return run(st);
}
