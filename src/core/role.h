/* The roles of kvalab users and what each may do in general (routes refine it). */
#ifndef KV_ROLE_H
#define KV_ROLE_H

enum kv_role {
	ROLE_LAB_ADMIN,
	ROLE_SUPERVISOR,
	ROLE_RATER,
	ROLE_THERAPIST,
	ROLE_INSTITUTION_ADMIN,
	ROLE_RESEARCHER,
	ROLE__MAX
};

/* Bit for a role, for route tables that allow several. */
#define ROLE_BIT(r) (1u << (r))
#define ROLE_ANY ((1u << ROLE__MAX) - 1)

/* "lab_admin" etc.; NULL for an invalid role. */
const char *role_name(enum kv_role r);
/* Returns the role for a name, or -1. */
int role_parse(const char *name);
/* Lab admins, supervisors and raters see recordings, so they need a second factor. */
int role_requires_totp(enum kv_role r);

#endif
