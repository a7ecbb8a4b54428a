/* Rules about accounts that do not depend on storage. */
#include "core/user.h"

#include "util/banned.h"

const char *user_pending_step(const struct kv_user *u)
{
	if (u->must_change_password)
		return "password_change_required";
	if (role_requires_totp(u->role) && !u->totp_enabled)
		return "totp_enrolment_required";
	return NULL;
}
