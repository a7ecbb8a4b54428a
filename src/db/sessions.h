/* Browser sessions and API tokens: only hashes of the secrets are stored. */
#ifndef KV_DB_SESSIONS_H
#define KV_DB_SESSIONS_H

#include <stdint.h>

#include "core/token.h"
#include "core/user.h"
#include "db/db.h"

struct session_limits {
	long long idle_secs;
	long long absolute_secs;
};

struct api_token_row {
	long long id;
	const char *name;
	long long created_at, expires_at, last_used_at, revoked_at; /* 0 = not set */
};

enum kv_err db_session_insert(struct db *db, const uint8_t hash[TOKEN_HASH_LEN], long long user_id,
                              const char *csrf, long long now, const char *ip);
/* Finds a live session and its user, refreshing its idle clock. An expired session is deleted
 * and KV_EAUTH returned; csrf receives the session's CSRF token. */
enum kv_err db_session_lookup(struct db *db, const uint8_t hash[TOKEN_HASH_LEN], long long now,
                              const struct session_limits *lim, struct kv_user *u,
                              char csrf[TOKEN_TEXT_MAX]);
enum kv_err db_session_delete(struct db *db, const uint8_t hash[TOKEN_HASH_LEN]);
/* Ends every session of a user, except the one with keep_hash when it is not NULL. */
enum kv_err db_session_delete_user(struct db *db, long long user_id, const uint8_t *keep_hash);

enum kv_err db_token_insert(struct db *db, long long user_id, const char *name,
                            const uint8_t hash[TOKEN_HASH_LEN], long long now, long long expires,
                            long long *id);
enum kv_err db_token_list(struct db *db, long long user_id,
                          void (*each)(const struct api_token_row *t, void *ctx), void *ctx);
enum kv_err db_token_get(struct db *db, long long user_id, long long id,
                         void (*each)(const struct api_token_row *t, void *ctx), void *ctx);
/* KV_ENOTFOUND unless the token exists, belongs to user_id and is not yet revoked. */
enum kv_err db_token_revoke(struct db *db, long long user_id, long long id, long long now);
/* Finds the user of a live (not revoked, not expired) token and records its use. */
enum kv_err db_token_lookup(struct db *db, const uint8_t hash[TOKEN_HASH_LEN], long long now,
                            struct kv_user *u, long long *token_id);

/* Login throttling, per normalised e-mail address (known or not, so that the answers do not
 * reveal which addresses have accounts). */
/* The time until which the address is locked, or 0. */
long long db_throttle_locked_until(struct db *db, const char *email, long long now);
/* Records a failure; locks the address for lock_secs when `limit` failures fall within
 * `window` seconds. Returns the lock's end, or 0 when not locked. */
long long db_throttle_fail(struct db *db, const char *email, long long now, long long window,
                           int limit, long long lock_secs);
enum kv_err db_throttle_clear(struct db *db, const char *email);

#endif
