/* A kvalab account as the core sees it (no secrets other than the password hash). */
#ifndef KV_USER_H
#define KV_USER_H

#include "core/password.h"
#include "core/role.h"
#include "core/validate.h"

struct kv_user {
	long long id;
	char email[EMAIL_MAX + 1];
	char display_name[NAME_MAX_LEN + 1];
	enum kv_role role;
	long long institution_id; /* 0 when none */
	int must_change_password;
	int totp_enabled;
	int disabled;
	char locale[4];
	long long created_at;    /* Unix seconds */
	long long last_login_at; /* 0 when never */
	long long totp_last_step;
	char password_hash[PASSWORD_HASH_LEN];
};

/* Why a signed-in user may not yet use the application, or NULL: the first password must be
 * changed, and roles that see recordings must enrol a second factor. */
const char *user_pending_step(const struct kv_user *u);

#endif
