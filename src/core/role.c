/* Role names and role-wide rules. */
#include "core/role.h"

#include <string.h>

#include "util/banned.h"

static const char *const role_names[ROLE__MAX] = {
    [ROLE_LAB_ADMIN] = "lab_admin",
    [ROLE_SUPERVISOR] = "supervisor",
    [ROLE_RATER] = "rater",
    [ROLE_THERAPIST] = "therapist",
    [ROLE_INSTITUTION_ADMIN] = "institution_admin",
    [ROLE_RESEARCHER] = "researcher",
};

const char *role_name(enum kv_role r)
{
	return (r >= 0 && r < ROLE__MAX) ? role_names[r] : NULL;
}

int role_parse(const char *name)
{
	int r;

	for (r = 0; r < ROLE__MAX; r++)
		if (name && !strcmp(name, role_names[r]))
			return r;
	return -1;
}

int role_requires_totp(enum kv_role r)
{
	return r == ROLE_LAB_ADMIN || r == ROLE_SUPERVISOR || r == ROLE_RATER;
}
