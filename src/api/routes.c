/* Every API route in one table: method, path, who may call it, body cap, and the validators
 * of its parameters. A route missing here does not exist; docs/openapi.yaml must list each. */
#include "api/api_int.h"

#include "core/password.h"
#include "core/validate.h"
#include "util/banned.h"

#define SMALL_BODY 4096
#define ADMIN ROLE_BIT(ROLE_LAB_ADMIN)

static const char *const role_choices[] = {"lab_admin",         "supervisor", "rater", "therapist",
                                           "institution_admin", "researcher", NULL};
static const char *const locale_choices[] = {"nb", "da", "en", NULL};

static const struct api_field login_body[] = {
    {"email", F_EMAIL, 1, 0, 0, NULL},
    {"password", F_SECRET, 1, 0, PASSWORD_MAX_LEN, NULL},
    {"totp", F_TOTP, 0, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field me_patch_body[] = {
    {"display_name", F_STRING, 0, 0, NAME_MAX_LEN, NULL},
    {"locale", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field password_body[] = {
    {"current_password", F_SECRET, 1, 0, PASSWORD_MAX_LEN, NULL},
    {"new_password", F_SECRET, 1, 0, PASSWORD_MAX_LEN * 4, NULL},
    FIELDS_END,
};

static const struct api_field totp_confirm_body[] = {
    {"code", F_TOTP, 1, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field no_fields[] = {FIELDS_END};

static const struct api_field users_query[] = {
    {"role", F_ENUM, 0, 0, 0, role_choices},
    {"q", F_STRING, 0, 0, 200, NULL},
    {"include_disabled", F_BOOL, 0, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field user_create_body[] = {
    {"email", F_EMAIL, 1, 0, 0, NULL},
    {"role", F_ENUM, 1, 0, 0, role_choices},
    {"display_name", F_STRING, 0, 0, NAME_MAX_LEN, NULL},
    {"institution_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    FIELDS_END,
};

static const struct api_field user_patch_body[] = {
    {"display_name", F_STRING, 0, 0, NAME_MAX_LEN, NULL},
    {"role", F_ENUM, 0, 0, 0, role_choices},
    {"disabled", F_BOOL, 0, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field token_create_body[] = {
    {"name", F_STRING, 1, 1, 100, NULL},
    {"days", F_INT, 0, 1, 365, NULL},
    FIELDS_END,
};

static const struct api_field audit_query[] = {
    {"actor", F_STRING, 0, 0, 254, NULL},
    {"action", F_STRING, 0, 0, 100, NULL},
    {"object_type", F_STRING, 0, 0, 100, NULL},
    {"object_id", F_STRING, 0, 0, 100, NULL},
    {"from", F_DATETIME, 0, 0, 0, NULL},
    {"to", F_DATETIME, 0, 0, 0, NULL},
    {"page", F_INT, 0, 1, 1000000, NULL},
    {"per_page", F_INT, 0, 1, 200, NULL},
    FIELDS_END,
};

const struct api_route api_routes[] = {
    {M_GET, "/api/health", 0, R_PUBLIC, 0, NULL, no_fields, api_health},

    {M_POST, "/api/session", 0, R_PUBLIC, SMALL_BODY, login_body, no_fields, api_session_create},
    {M_GET, "/api/session", ROLE_ANY, R_PENDING_OK, 0, NULL, no_fields, api_session_get},
    {M_DELETE, "/api/session", ROLE_ANY, R_PENDING_OK, SMALL_BODY, no_fields, no_fields,
     api_session_delete},

    {M_GET, "/api/me", ROLE_ANY, R_PENDING_OK, 0, NULL, no_fields, api_me_get},
    {M_PATCH, "/api/me", ROLE_ANY, R_PENDING_OK, SMALL_BODY, me_patch_body, no_fields,
     api_me_patch},
    {M_PUT, "/api/me/password", ROLE_ANY, R_PENDING_OK, SMALL_BODY, password_body, no_fields,
     api_me_password},
    {M_POST, "/api/me/totp", ROLE_ANY, R_PENDING_OK, SMALL_BODY, no_fields, no_fields,
     api_me_totp_begin},
    {M_POST, "/api/me/totp/confirm", ROLE_ANY, R_PENDING_OK, SMALL_BODY, totp_confirm_body,
     no_fields, api_me_totp_confirm},

    {M_GET, "/api/users", ADMIN, 0, 0, NULL, users_query, api_users_list},
    {M_POST, "/api/users", ADMIN, 0, SMALL_BODY, user_create_body, no_fields, api_users_create},
    {M_GET, "/api/users/{id}", ADMIN, 0, 0, NULL, no_fields, api_users_get},
    {M_PATCH, "/api/users/{id}", ADMIN, 0, SMALL_BODY, user_patch_body, no_fields, api_users_patch},
    {M_POST, "/api/users/{id}/reset-password", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_users_reset_password},
    {M_POST, "/api/users/{id}/reset-totp", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_users_reset_totp},

    {M_GET, "/api/tokens", ROLE_ANY, 0, 0, NULL, no_fields, api_tokens_list},
    {M_POST, "/api/tokens", ROLE_ANY, 0, SMALL_BODY, token_create_body, no_fields,
     api_tokens_create},
    {M_DELETE, "/api/tokens/{id}", ROLE_ANY, 0, SMALL_BODY, no_fields, no_fields,
     api_tokens_delete},

    {M_GET, "/api/audit", ADMIN, 0, 0, NULL, audit_query, api_audit_list},
};

const size_t api_n_routes = sizeof(api_routes) / sizeof(api_routes[0]);
