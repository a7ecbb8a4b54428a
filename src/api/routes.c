/* Every API route in one table: method, path, who may call it, body cap, and the validators
 * of its parameters. A route missing here does not exist; docs/openapi.yaml must list each. */
#include "api/api_int.h"
#include "api/feedback.h"
#include "api/practice.h"
#include "api/outcomes.h"

#include "core/password.h"
#include "core/transcript.h"
#include "core/practice.h"
#include "core/validate.h"
#include "util/banned.h"

#define SMALL_BODY 4096
#define ADMIN ROLE_BIT(ROLE_LAB_ADMIN)
#define SUPERVISOR ROLE_BIT(ROLE_SUPERVISOR)
#define THERAPIST ROLE_BIT(ROLE_THERAPIST)
#define INST_ADMIN ROLE_BIT(ROLE_INSTITUTION_ADMIN)
#define RATER ROLE_BIT(ROLE_RATER)
#define RESEARCHER ROLE_BIT(ROLE_RESEARCHER)
#define WATCHERS (ADMIN | SUPERVISOR | THERAPIST | RATER)
#define DOCUMENT_BODY (20u * 1024 * 1024)
#define TEXT_BODY (64 * 1024)

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

static const char *const country_choices[] = {"NO", "DK", "SE", "other", NULL};
static const char *const programme_choices[] = {"mbt_individual", "mbt_group", "other", NULL};
static const char *const age_choices[] = {"under_18", "18_25", "26_35",   "36_45",
                                          "46_55",    "56_65", "over_65", NULL};
static const char *const gender_choices[] = {"female", "male", "other", NULL};
static const char *const phase_choices[] = {"early", "middle", "late", NULL};
static const char *const modality_choices[] = {"individual", "group", NULL};
static const char *const state_choices[] = {
    "draft",    "submitted",          "recording_ready", "assigned",  "rated", "consensus",
    "approved", "feedback_published", "closed",          "withdrawn", NULL};

static const struct api_field institution_body[] = {
    {"name", F_STRING, 0, 1, 200, NULL},
    {"org_number", F_STRING, 0, 0, 40, NULL},
    {"country", F_ENUM, 0, 0, 0, country_choices},
    {"address", F_TEXT, 0, 0, 500, NULL},
    {"contact_name", F_STRING, 0, 0, 200, NULL},
    {"contact_email", F_EMAIL, 0, 0, 0, NULL},
    {"contact_phone", F_STRING, 0, 0, 40, NULL},
    {"retention_days", F_INT, 0, 0, 3650, NULL},
    {"keep_ratings_for_research", F_BOOL, 0, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field programme_body[] = {
    {"kind", F_ENUM, 1, 0, 0, programme_choices},
    {"name", F_STRING, 1, 1, 200, NULL},
    FIELDS_END,
};

static const struct api_field member_body[] = {
    {"programme_ids", F_ID_LIST, 1, 0, 100, NULL},
    FIELDS_END,
};

static const struct api_field agreement_body[] = {
    {"version", F_STRING, 0, 1, 100, NULL},
    {"signed_date", F_DATE, 0, 0, 0, NULL},
    {"valid_from", F_DATE, 0, 0, 0, NULL},
    {"valid_until", F_DATE, 0, 0, 0, NULL},
    {"manager_name", F_STRING, 0, 0, 200, NULL},
    {"manager_title", F_STRING, 0, 0, 200, NULL},
    {"manager_level", F_STRING, 0, 0, 100, NULL},
    {"signatory_ids", F_ID_LIST, 0, 0, 100, NULL},
    FIELDS_END,
};

static const struct api_field terminate_body[] = {
    {"reason", F_TEXT, 1, 1, 2000, NULL},
    FIELDS_END,
};

static const struct api_field cases_query[] = {
    {"institution_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    FIELDS_END,
};

static const struct api_field case_body[] = {
    {"institution_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"age_band", F_ENUM, 0, 0, 0, age_choices},
    {"gender", F_ENUM, 0, 0, 0, gender_choices},
    FIELDS_END,
};

static const struct api_field consent_body[] = {
    {"signed_date", F_DATE, 1, 0, 0, NULL},
    {"quality_assurance", F_BOOL, 1, 0, 0, NULL},
    {"rater_training", F_BOOL, 1, 0, 0, NULL},
    {"research", F_BOOL, 1, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field withdraw_body[] = {
    {"withdrawn_date", F_DATE, 1, 0, 0, NULL},
    {"note", F_TEXT, 0, 0, 2000, NULL},
    FIELDS_END,
};

#define SUBMISSION_FIELDS                                                                          \
	{"session_date", F_DATE, 0, 0, 0, NULL}, {"session_number", F_INT, 0, 1, 1000, NULL},      \
	    {"treatment_phase", F_ENUM, 0, 0, 0, phase_choices},                                   \
	    {"modality", F_ENUM, 0, 0, 0, modality_choices},                                       \
	    {"instrument_id", F_INT, 0, 1, 9007199254740991LL, NULL},                              \
	    {"questions", F_TEXT, 0, 0, 10000, NULL}, {"declared_consent", F_BOOL, 0, 0, 0, NULL}, \
	{                                                                                          \
		"declared_no_identifiers", F_BOOL, 0, 0, 0, NULL                                   \
	}

static const struct api_field submission_create_body[] = {
    {"case_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    SUBMISSION_FIELDS,
    FIELDS_END,
};

static const struct api_field submission_patch_body[] = {
    {"case_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    SUBMISSION_FIELDS,
    FIELDS_END,
};

static const struct api_field media_query[] = {
    {"viewing", F_STRING, 0, 0, 100, NULL},
    FIELDS_END,
};

static const struct api_field assign_body[] = {
    {"rater_ids", F_ID_LIST, 1, 0, 3, NULL},
    {"due_date", F_DATE, 0, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field reason_body[] = {
    {"reason", F_TEXT, 1, 1, 2000, NULL},
    FIELDS_END,
};

static const struct api_field comment_body[] = {
    {"comment", F_TEXT, 0, 0, 5000, NULL},
    FIELDS_END,
};

static const struct api_field changes_body[] = {
    {"client", F_STRING, 1, 1, 64, NULL},
    {"seq", F_INT, 1, 1, 1000000000, NULL},
    {"base_version", F_INT, 1, 1, 1000000000, NULL},
    {"ops", F_ARRAY, 1, 0, 500, NULL},
    FIELDS_END,
};

static const struct api_field consensus_body[] = {
    {"based_on", F_INT, 1, 1, 9007199254740991LL, NULL},
    FIELDS_END,
};

static const struct api_field comparison_query[] = {
    {"tolerance_ms", F_INT, 0, 0, 60000, NULL},
    FIELDS_END,
};

static const struct api_field submissions_query[] = {
    {"state", F_ENUM, 0, 0, 0, state_choices},
    {"institution_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"therapist_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"case_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    FIELDS_END,
};

static const char *const point_kinds[] = {"strength", "improvement", NULL};
static const char *const goal_states[] = {"active", "achieved", "dropped", NULL};

static const struct api_field lang_query[] = {
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field feedback_body[] = {
    {"summary", F_TEXT, 1, 0, 20000, NULL},
    {"version", F_INT, 1, 1, 1000000000, NULL},
    FIELDS_END,
};

static const struct api_field point_body[] = {
    {"kind", F_ENUM, 1, 0, 0, point_kinds},
    {"item_id", F_STRING, 0, 0, 64, NULL},
    {"title", F_STRING, 1, 1, 200, NULL},
    {"body", F_TEXT, 0, 0, 20000, NULL},
    {"position", F_INT, 0, 1, 1000, NULL},
    {"clips", F_ARRAY, 0, 0, 20, NULL},
    FIELDS_END,
};

static const struct api_field meeting_body[] = {
    {"starts_at", F_DATETIME, 1, 0, 0, NULL},
    {"duration_min", F_INT, 1, 5, 480, NULL},
    {"link", F_STRING, 1, 12, 500, NULL},
    {"participant_ids", F_ID_LIST, 0, 0, 10, NULL},
    FIELDS_END,
};

static const struct api_field reschedule_body[] = {
    {"starts_at", F_DATETIME, 1, 0, 0, NULL},
    {"duration_min", F_INT, 1, 5, 480, NULL},
    {"link", F_STRING, 1, 12, 500, NULL},
    FIELDS_END,
};

static const struct api_field cancel_body[] = {
    {"reason", F_TEXT, 0, 0, 2000, NULL},
    FIELDS_END,
};

static const struct api_field held_body[] = {
    {"notes", F_TEXT, 0, 0, 20000, NULL},
    {"agreed", F_TEXT, 0, 0, 20000, NULL},
    {"goals", F_ARRAY, 0, 0, 10, NULL},
    FIELDS_END,
};

static const struct api_field goals_query[] = {
    {"therapist_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field goal_patch_body[] = {
    {"state", F_ENUM, 0, 0, 0, goal_states},
    {"review_date", F_DATE, 0, 0, 0, NULL},
    FIELDS_END,
};

/* Deliberate practice (practice.h). */
static const struct api_field goal_create_body[] = {
    {"description", F_TEXT, 1, 1, 1000, NULL},
    {"target", F_TEXT, 1, 1, 500, NULL},
    {"review_date", F_DATE, 1, 0, 0, NULL},
    {"instrument_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"item_id", F_STRING, 0, 1, 64, NULL},
    FIELDS_END,
};

#define PRACTICE_ENTRY_FIELDS(req)                                                                 \
	{"date", F_DATE, req, 0, 0, NULL}, {"minutes", F_INT, req, 1, 600, NULL},                  \
	    {"activity", F_ENUM, req, 0, 0, practice_activity_name},                               \
	    {"domain", F_ENUM, req, 0, 0, practice_domain_name},                                   \
	    {"goal_id", F_INT, 0, 0, 9007199254740991LL, NULL},                                    \
	{                                                                                          \
		"reflection", F_TEXT, 0, 0, 2000, NULL                                             \
	}

static const struct api_field practice_create_body[] = {
    PRACTICE_ENTRY_FIELDS(1),
    FIELDS_END,
};

static const struct api_field practice_patch_body[] = {
    PRACTICE_ENTRY_FIELDS(0),
    FIELDS_END,
};

static const struct api_field practice_log_query[] = {
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"goal_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"limit", F_INT, 0, 1, 1000, NULL},
    FIELDS_END,
};

static const struct api_field practice_review_body[] = {
    {"viewing", F_STRING, 1, 1, 100, NULL},
    {"seconds", F_INT, 1, 0, 86400, NULL},
    FIELDS_END,
};

static const struct api_field practice_weekly_query[] = {
    {"weeks", F_INT, 0, 1, 156, NULL},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field practice_period_query[] = {
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field lab_practice_query[] = {
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"instrument_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const char *const outbox_state_choices[] = {"queued", "sending", "sent", "failed", NULL};

static const struct api_field outbox_query[] = {
    {"state", F_ENUM, 0, 0, 0, outbox_state_choices},
    {"meeting_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"submission_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"limit", F_INT, 0, 1, 500, NULL},
    FIELDS_END,
};

static const char *const export_level_choices[] = {"consensus", "rater", "both", NULL};
static const char *const export_state_choices[] = {"requested", "approved",  "rejected", "ready",
                                                   "failed",    "withdrawn", NULL};

static const struct api_field export_variables_query[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"language", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field exports_query[] = {
    {"state", F_ENUM, 0, 0, 0, export_state_choices},
    FIELDS_END,
};

static const struct api_field export_body[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"period_from", F_DATE, 1, 0, 0, NULL},
    {"period_to", F_DATE, 1, 0, 0, NULL},
    {"variables", F_NAMES, 1, 0, 1000, NULL},
    {"level", F_ENUM, 0, 0, 0, export_level_choices},
    {"language", F_ENUM, 0, 0, 0, locale_choices},
    {"include_free_text", F_BOOL, 0, 0, 0, NULL},
    {"purpose", F_TEXT, 1, 20, 4000, NULL},
    FIELDS_END,
};

static const struct api_field export_approve_body[] = {
    {"note", F_TEXT, 0, 0, 2000, NULL},
    {"allow_free_text", F_BOOL, 0, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field export_reject_body[] = {
    {"note", F_TEXT, 1, 1, 2000, NULL},
    FIELDS_END,
};

static const struct api_field export_withdraw_body[] = {
    {"note", F_TEXT, 0, 0, 2000, NULL},
    FIELDS_END,
};

static const char *const period_choices[] = {"month", "quarter", NULL};
static const char *const master_choices[] = {"consensus", "new", NULL};

static const struct api_field reliability_query[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"tolerance_ms", F_INT, 0, 0, 60000, NULL},
    FIELDS_END,
};

static const struct api_field drift_query[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"period", F_ENUM, 0, 0, 0, period_choices},
    {"rater_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    FIELDS_END,
};

static const struct api_field lab_settings_body[] = {
    {"drift_band", F_NUMBER, 0, 0, 10, NULL},
    {"drift_period", F_ENUM, 0, 0, 0, period_choices},
    {"calibration_icc", F_NUMBER, 0, 0, 1, NULL},
    {"calibration_min_sessions", F_INT, 0, 1, 100, NULL},
    FIELDS_END,
};

static const struct api_field figures_query[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"year", F_INT, 0, 1900, 2200, NULL},
    {"programme_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"programme_kind", F_ENUM, 0, 0, 0, programme_choices},
    {"institution_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    FIELDS_END,
};

static const struct api_field calibration_body[] = {
    {"submission_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"master", F_ENUM, 0, 0, 0, master_choices},
    FIELDS_END,
};

static const struct api_field trainees_body[] = {
    {"trainee_ids", F_ID_LIST, 1, 0, 20, NULL},
    FIELDS_END,
};

/* Client outcomes (outcomes*.c). */
static const char *const treatment_end_choices[] = {"ended", "dropped_out", NULL};
static const char *const outcome_status_choices[] = {
    "not_on_track", "new",       "on_track",     "deteriorated", "dropped_out", "unchanged",
    "improved",     "recovered", "no_follow_up", "withdrawn",    NULL};

static const struct api_field outcome_clients_query[] = {
    {"status", F_ENUM, 0, 0, 0, outcome_status_choices},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field outcome_client_body[] = {
    {"institution_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"case_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"consent_date", F_DATE, 1, 0, 0, NULL},
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"age_band", F_ENUM, 0, 0, 0, age_choices},
    {"gender", F_ENUM, 0, 0, 0, gender_choices},
    FIELDS_END,
};

static const struct api_field outcome_end_body[] = {
    {"status", F_ENUM, 1, 0, 0, treatment_end_choices},
    {"ended_date", F_DATE, 1, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field outcome_withdraw_body[] = {
    {"withdrawn_date", F_DATE, 1, 0, 0, NULL},
    FIELDS_END,
};

static const struct api_field outcome_response_body[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"session_number", F_INT, 0, 1, 1000, NULL},
    {"session_date", F_DATE, 0, 0, 0, NULL},
    {"answers", F_ARRAY, 0, 0, 200, NULL},
    {"score", F_NUMBER, 0, -1000000, 1000000, NULL},
    FIELDS_END,
};

static const struct api_field outcome_correction_body[] = {
    {"reason", F_TEXT, 1, 1, 2000, NULL},
    {"session_number", F_INT, 0, 1, 1000, NULL},
    {"session_date", F_DATE, 0, 0, 0, NULL},
    {"answers", F_ARRAY, 0, 0, 200, NULL},
    {"score", F_NUMBER, 0, -1000000, 1000000, NULL},
    FIELDS_END,
};

static const struct api_field outcome_link_body[] = {
    {"instrument_id", F_INT, 1, 1, 9007199254740991LL, NULL},
    {"language", F_ENUM, 1, 0, 0, locale_choices},
    {"session_number", F_INT, 0, 1, 1000, NULL},
    FIELDS_END,
};

static const struct api_field outcome_public_body[] = {
    {"answers", F_ARRAY, 1, 0, 200, NULL},
    FIELDS_END,
};

static const struct api_field outcome_period_query[] = {
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

static const struct api_field outcome_aggregate_query[] = {
    {"institution_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"instrument_id", F_INT, 0, 1, 9007199254740991LL, NULL},
    {"from", F_DATE, 0, 0, 0, NULL},
    {"to", F_DATE, 0, 0, 0, NULL},
    {"lang", F_ENUM, 0, 0, 0, locale_choices},
    FIELDS_END,
};

const struct api_route api_routes[] = {
    {M_GET, "/api/health", 0, R_PUBLIC, 0, NULL, no_fields, api_health, NULL},

    {M_POST, "/api/session", 0, R_PUBLIC, SMALL_BODY, login_body, no_fields, api_session_create,
     NULL},
    {M_GET, "/api/session", ROLE_ANY, R_PENDING_OK, 0, NULL, no_fields, api_session_get, NULL},
    {M_DELETE, "/api/session", ROLE_ANY, R_PENDING_OK, SMALL_BODY, no_fields, no_fields,
     api_session_delete, NULL},

    {M_GET, "/api/me", ROLE_ANY, R_PENDING_OK, 0, NULL, no_fields, api_me_get, NULL},
    {M_PATCH, "/api/me", ROLE_ANY, R_PENDING_OK, SMALL_BODY, me_patch_body, no_fields, api_me_patch,
     NULL},
    {M_PUT, "/api/me/password", ROLE_ANY, R_PENDING_OK, SMALL_BODY, password_body, no_fields,
     api_me_password, NULL},
    {M_POST, "/api/me/totp", ROLE_ANY, R_PENDING_OK, SMALL_BODY, no_fields, no_fields,
     api_me_totp_begin, NULL},
    {M_POST, "/api/me/totp/confirm", ROLE_ANY, R_PENDING_OK, SMALL_BODY, totp_confirm_body,
     no_fields, api_me_totp_confirm, NULL},

    {M_GET, "/api/users", ADMIN, 0, 0, NULL, users_query, api_users_list, NULL},
    {M_POST, "/api/users", ADMIN, 0, SMALL_BODY, user_create_body, no_fields, api_users_create,
     NULL},
    {M_GET, "/api/users/{id}", ADMIN, 0, 0, NULL, no_fields, api_users_get, NULL},
    {M_PATCH, "/api/users/{id}", ADMIN, 0, SMALL_BODY, user_patch_body, no_fields, api_users_patch,
     NULL},
    {M_POST, "/api/users/{id}/reset-password", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_users_reset_password, NULL},
    {M_POST, "/api/users/{id}/reset-totp", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_users_reset_totp, NULL},

    {M_GET, "/api/tokens", ROLE_ANY, 0, 0, NULL, no_fields, api_tokens_list, NULL},
    {M_POST, "/api/tokens", ROLE_ANY, 0, SMALL_BODY, token_create_body, no_fields,
     api_tokens_create, NULL},
    {M_DELETE, "/api/tokens/{id}", ROLE_ANY, 0, SMALL_BODY, no_fields, no_fields, api_tokens_delete,
     NULL},

    {M_GET, "/api/audit", ADMIN, 0, 0, NULL, audit_query, api_audit_list, NULL},

    {M_GET, "/api/institutions", ADMIN | SUPERVISOR | INST_ADMIN | THERAPIST, 0, 0, NULL, no_fields,
     api_institutions_list, NULL},
    {M_POST, "/api/institutions", ADMIN, 0, SMALL_BODY, institution_body, no_fields,
     api_institutions_create, NULL},
    {M_GET, "/api/institutions/{id}", ADMIN | SUPERVISOR | INST_ADMIN | THERAPIST, 0, 0, NULL,
     no_fields, api_institutions_get, NULL},
    {M_PATCH, "/api/institutions/{id}", ADMIN, 0, SMALL_BODY, institution_body, no_fields,
     api_institutions_patch, NULL},
    {M_POST, "/api/institutions/{id}/programmes", ADMIN, 0, SMALL_BODY, programme_body, no_fields,
     api_programmes_create, NULL},
    {M_GET, "/api/institutions/{id}/members", ADMIN, 0, 0, NULL, no_fields, api_members_list, NULL},
    {M_PUT, "/api/institutions/{id}/members/{sub}", ADMIN, 0, SMALL_BODY, member_body, no_fields,
     api_members_put, NULL},
    {M_DELETE, "/api/institutions/{id}/members/{sub}", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_members_delete, NULL},

    {M_GET, "/api/institutions/{id}/agreements", ADMIN | SUPERVISOR | INST_ADMIN, 0, 0, NULL,
     no_fields, api_agreements_list, NULL},
    {M_POST, "/api/institutions/{id}/agreements", ADMIN, 0, SMALL_BODY, agreement_body, no_fields,
     api_agreements_create, NULL},
    {M_GET, "/api/agreements/{id}", ADMIN | SUPERVISOR | INST_ADMIN, 0, 0, NULL, no_fields,
     api_agreements_get, NULL},
    {M_PATCH, "/api/agreements/{id}", ADMIN, 0, SMALL_BODY, agreement_body, no_fields,
     api_agreements_patch, NULL},
    {M_PUT, "/api/agreements/{id}/document", ADMIN, R_RAW_BODY, DOCUMENT_BODY, NULL, no_fields,
     api_agreements_put_document, NULL},
    {M_GET, "/api/agreements/{id}/document", ADMIN | INST_ADMIN, 0, 0, NULL, no_fields,
     api_agreements_get_document, NULL},
    {M_POST, "/api/agreements/{id}/activate", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_agreements_activate, NULL},
    {M_POST, "/api/agreements/{id}/terminate", ADMIN, 0, SMALL_BODY, terminate_body, no_fields,
     api_agreements_terminate, NULL},

    {M_GET, "/api/cases", THERAPIST, 0, 0, NULL, cases_query, api_cases_list, NULL},
    {M_POST, "/api/cases", THERAPIST, 0, SMALL_BODY, case_body, no_fields, api_cases_create, NULL},
    {M_GET, "/api/cases/{id}", THERAPIST, 0, 0, NULL, no_fields, api_cases_get, NULL},
    {M_PUT, "/api/cases/{id}/consent", THERAPIST, 0, SMALL_BODY, consent_body, no_fields,
     api_cases_consent, NULL},
    {M_PUT, "/api/cases/{id}/consent/form", THERAPIST, R_RAW_BODY, DOCUMENT_BODY, NULL, no_fields,
     api_cases_consent_form_put, NULL},
    {M_GET, "/api/cases/{id}/consent/form", THERAPIST, 0, 0, NULL, no_fields,
     api_cases_consent_form_get, NULL},
    {M_POST, "/api/cases/{id}/consent/withdraw", THERAPIST, 0, SMALL_BODY, withdraw_body, no_fields,
     api_cases_consent_withdraw, NULL},

    {M_GET, "/api/submissions", ADMIN | SUPERVISOR | THERAPIST, 0, 0, NULL, submissions_query,
     api_submissions_list, NULL},
    {M_POST, "/api/submissions", THERAPIST, 0, TEXT_BODY, submission_create_body, no_fields,
     api_submissions_create, NULL},
    {M_GET, "/api/submissions/counts", ADMIN | SUPERVISOR | INST_ADMIN, 0, 0, NULL, cases_query,
     api_submissions_counts, NULL},
    {M_GET, "/api/submissions/{id}", ADMIN | SUPERVISOR | THERAPIST, 0, 0, NULL, no_fields,
     api_submissions_get, NULL},
    {M_PATCH, "/api/submissions/{id}", THERAPIST, 0, TEXT_BODY, submission_patch_body, no_fields,
     api_submissions_patch, NULL},
    {M_DELETE, "/api/submissions/{id}", THERAPIST, 0, SMALL_BODY, no_fields, no_fields,
     api_submissions_delete, NULL},
    {M_POST, "/api/submissions/{id}/submit", THERAPIST, 0, SMALL_BODY, no_fields, no_fields,
     api_submissions_submit, NULL},

    {M_OPTIONS, "/api/uploads", 0, R_PUBLIC, 0, NULL, no_fields, api_uploads_options, NULL},
    {M_POST, "/api/uploads", THERAPIST, 0, 0, NULL, no_fields, NULL, &api_upload_create_ops},
    {M_GET, "/api/uploads/{id}", THERAPIST, 0, 0, NULL, no_fields, api_uploads_head, NULL},
    {M_PATCH, "/api/uploads/{id}", THERAPIST, 0, 0, NULL, no_fields, NULL, &api_upload_patch_ops},
    {M_DELETE, "/api/uploads/{id}", THERAPIST, 0, SMALL_BODY, no_fields, no_fields,
     api_uploads_delete, NULL},
    {M_GET, "/api/recordings/{id}", WATCHERS, 0, 0, NULL, no_fields, api_recordings_get, NULL},
    {M_POST, "/api/recordings/{id}/viewings", WATCHERS, 0, SMALL_BODY, no_fields, no_fields,
     api_recordings_viewing, NULL},
    {M_GET, "/api/recordings/{id}/media", WATCHERS, 0, 0, NULL, media_query, api_recordings_media,
     NULL},

    {M_PUT, "/api/submissions/{id}/transcript", ADMIN | SUPERVISOR | RATER, R_RAW_BODY,
     TRANSCRIPT_MAX_BYTES, NULL, no_fields, api_transcripts_put, NULL},
    {M_GET, "/api/submissions/{id}/transcript", WATCHERS, 0, 0, NULL, no_fields,
     api_transcripts_get, NULL},
    {M_DELETE, "/api/submissions/{id}/transcript", ADMIN | SUPERVISOR | RATER, 0, SMALL_BODY,
     no_fields, no_fields, api_transcripts_delete, NULL},

    {M_GET, "/api/submissions/{id}/assignments", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields,
     api_assignments_list, NULL},
    {M_POST, "/api/submissions/{id}/assignments", ADMIN, 0, SMALL_BODY, assign_body, no_fields,
     api_assignments_create, NULL},
    {M_POST, "/api/assignments/{id}/end", ADMIN, 0, SMALL_BODY, reason_body, no_fields,
     api_assignments_end, NULL},
    {M_GET, "/api/me/assignments", RATER, 0, 0, NULL, no_fields, api_my_assignments, NULL},
    {M_GET, "/api/submissions/{id}/ratings", WATCHERS, 0, 0, NULL, no_fields,
     api_submission_ratings, NULL},
    {M_GET, "/api/submissions/{id}/comparison", ADMIN | SUPERVISOR | RATER, 0, 0, NULL,
     comparison_query, api_submission_comparison, NULL},
    {M_POST, "/api/submissions/{id}/consensus", SUPERVISOR | RATER, 0, SMALL_BODY, consensus_body,
     no_fields, api_submission_consensus, NULL},
    {M_POST, "/api/submissions/{id}/approve", SUPERVISOR, 0, SMALL_BODY, comment_body, no_fields,
     api_submission_approve, NULL},
    {M_POST, "/api/submissions/{id}/send-back", SUPERVISOR, 0, SMALL_BODY, comment_body, no_fields,
     api_submission_send_back, NULL},
    {M_GET, "/api/ratings/{id}", ADMIN | SUPERVISOR | RATER, 0, 0, NULL, no_fields, api_ratings_get,
     NULL},
    {M_POST, "/api/ratings/{id}/changes", SUPERVISOR | RATER, 0, 256 * 1024, changes_body,
     no_fields, api_ratings_changes, NULL},
    {M_POST, "/api/ratings/{id}/submit", SUPERVISOR | RATER, 0, SMALL_BODY, no_fields, no_fields,
     api_ratings_submit, NULL},
    {M_POST, "/api/ratings/{id}/reopen", SUPERVISOR, 0, SMALL_BODY, reason_body, no_fields,
     api_ratings_reopen, NULL},
    {M_GET, "/api/instruments/{id}", ROLE_ANY, 0, 0, NULL, no_fields, api_instruments_get, NULL},

    {M_GET, "/api/feedback", WATCHERS, 0, 0, NULL, no_fields, api_feedback_list, NULL},
    {M_GET, "/api/submissions/{id}/profile", WATCHERS, 0, 0, NULL, lang_query, api_profile_get,
     NULL},
    {M_GET, "/api/submissions/{id}/report.pdf", WATCHERS, 0, 0, NULL, lang_query, api_report_get,
     NULL},
    {M_GET, "/api/submissions/{id}/feedback", WATCHERS, 0, 0, NULL, no_fields, api_feedback_get,
     NULL},
    {M_PUT, "/api/submissions/{id}/feedback", ADMIN | SUPERVISOR | RATER, 0, TEXT_BODY,
     feedback_body, no_fields, api_feedback_put, NULL},
    {M_POST, "/api/submissions/{id}/feedback/points", ADMIN | SUPERVISOR | RATER, 0, TEXT_BODY,
     point_body, no_fields, api_feedback_point_create, NULL},
    {M_PUT, "/api/feedback-points/{id}", ADMIN | SUPERVISOR | RATER, 0, TEXT_BODY, point_body,
     no_fields, api_feedback_point_put, NULL},
    {M_DELETE, "/api/feedback-points/{id}", ADMIN | SUPERVISOR | RATER, 0, SMALL_BODY, no_fields,
     no_fields, api_feedback_point_delete, NULL},
    {M_POST, "/api/submissions/{id}/feedback/publish", SUPERVISOR, 0, SMALL_BODY, no_fields,
     no_fields, api_feedback_publish, NULL},
    {M_GET, "/api/submissions/{id}/meetings", WATCHERS, 0, 0, NULL, no_fields, api_meetings_list,
     NULL},
    {M_POST, "/api/submissions/{id}/meetings", ADMIN | SUPERVISOR | RATER, 0, SMALL_BODY,
     meeting_body, no_fields, api_meetings_create, NULL},
    {M_PUT, "/api/meetings/{id}", ADMIN | SUPERVISOR | RATER, 0, SMALL_BODY, reschedule_body,
     no_fields, api_meetings_put, NULL},
    {M_POST, "/api/meetings/{id}/cancel", ADMIN | SUPERVISOR | RATER, 0, SMALL_BODY, cancel_body,
     no_fields, api_meetings_cancel, NULL},
    {M_GET, "/api/meetings/{id}/invite.ics", WATCHERS, 0, 0, NULL, lang_query, api_meetings_ics,
     NULL},
    {M_POST, "/api/meetings/{id}/held", SUPERVISOR | RATER, 0, TEXT_BODY, held_body, no_fields,
     api_meetings_held, NULL},
    {M_GET, "/api/goals", WATCHERS, 0, 0, NULL, goals_query, api_goals_list, NULL},
    {M_PATCH, "/api/goals/{id}", WATCHERS, 0, SMALL_BODY, goal_patch_body, no_fields,
     api_goals_patch, NULL},
    {M_POST, "/api/goals", THERAPIST, 0, SMALL_BODY, goal_create_body, no_fields, api_goals_create,
     NULL},
    {M_GET, "/api/practice/log", THERAPIST, 0, 0, NULL, practice_log_query, api_practice_log_list,
     NULL},
    {M_POST, "/api/practice/log", THERAPIST, 0, SMALL_BODY, practice_create_body, no_fields,
     api_practice_log_create, NULL},
    {M_PATCH, "/api/practice/log/{id}", THERAPIST, 0, SMALL_BODY, practice_patch_body, no_fields,
     api_practice_log_patch, NULL},
    {M_DELETE, "/api/practice/log/{id}", THERAPIST, 0, SMALL_BODY, no_fields, no_fields,
     api_practice_log_delete, NULL},
    {M_POST, "/api/practice/recording-review", THERAPIST, 0, SMALL_BODY, practice_review_body,
     no_fields, api_practice_review, NULL},
    {M_GET, "/api/practice/weekly", THERAPIST, 0, 0, NULL, practice_weekly_query,
     api_practice_weekly, NULL},
    {M_GET, "/api/practice/development", THERAPIST, 0, 0, NULL, practice_period_query,
     api_practice_development, NULL},
    {M_GET, "/api/lab/practice-effects", ADMIN | SUPERVISOR, 0, 0, NULL, lab_practice_query,
     api_lab_practice_effects, NULL},

    {M_GET, "/api/instruments", ROLE_ANY, 0, 0, NULL, no_fields, api_instruments_list, NULL},

    {M_GET, "/api/outbox", ADMIN | SUPERVISOR, 0, 0, NULL, outbox_query, api_outbox_list, NULL},
    {M_POST, "/api/outbox/{id}/retry", ADMIN, 0, SMALL_BODY, no_fields, no_fields, api_outbox_retry,
     NULL},
    {M_GET, "/api/exports/variables", ADMIN | RESEARCHER, 0, 0, NULL, export_variables_query,
     api_exports_variables, NULL},
    {M_GET, "/api/exports", ADMIN | RESEARCHER, 0, 0, NULL, exports_query, api_exports_list, NULL},
    {M_POST, "/api/exports", RESEARCHER, 0, TEXT_BODY, export_body, no_fields, api_exports_create,
     NULL},
    {M_GET, "/api/exports/{id}", ADMIN | RESEARCHER, 0, 0, NULL, no_fields, api_exports_get, NULL},
    {M_POST, "/api/exports/{id}/approve", ADMIN, 0, SMALL_BODY, export_approve_body, no_fields,
     api_exports_approve, NULL},
    {M_POST, "/api/exports/{id}/reject", ADMIN, 0, SMALL_BODY, export_reject_body, no_fields,
     api_exports_reject, NULL},
    {M_POST, "/api/exports/{id}/withdraw", ADMIN | RESEARCHER, 0, SMALL_BODY, export_withdraw_body,
     no_fields, api_exports_withdraw, NULL},
    {M_GET, "/api/exports/{id}/data.csv", RESEARCHER, 0, 0, NULL, no_fields, api_exports_file,
     NULL},
    {M_GET, "/api/exports/{id}/codebook.csv", RESEARCHER, 0, 0, NULL, no_fields, api_exports_file,
     NULL},
    {M_GET, "/api/exports/{id}/data.sav", RESEARCHER, 0, 0, NULL, no_fields, api_exports_file,
     NULL},
    {M_GET, "/api/exports/{id}/data.dta", RESEARCHER, 0, 0, NULL, no_fields, api_exports_file,
     NULL},
    {M_GET, "/api/reliability", ADMIN | SUPERVISOR, 0, 0, NULL, reliability_query,
     api_reliability_get, NULL},
    {M_GET, "/api/reliability/drift", ADMIN | SUPERVISOR, 0, 0, NULL, drift_query,
     api_reliability_drift, NULL},
    {M_GET, "/api/lab-settings", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields, api_lab_settings_get,
     NULL},
    {M_PUT, "/api/lab-settings", ADMIN, 0, SMALL_BODY, lab_settings_body, no_fields,
     api_lab_settings_put, NULL},
    {M_GET, "/api/lab-figures", ADMIN | SUPERVISOR | INST_ADMIN, 0, 0, NULL, figures_query,
     api_lab_figures, NULL},
    {M_GET, "/api/calibration/sessions", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields,
     api_calibration_sessions_list, NULL},
    {M_POST, "/api/calibration/sessions", ADMIN, 0, SMALL_BODY, calibration_body, no_fields,
     api_calibration_sessions_create, NULL},
    {M_GET, "/api/calibration/sessions/{id}", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields,
     api_calibration_sessions_get, NULL},
    {M_POST, "/api/calibration/sessions/{id}/trainees", ADMIN, 0, SMALL_BODY, trainees_body,
     no_fields, api_calibration_trainees_add, NULL},
    {M_POST, "/api/calibration/sessions/{id}/retire", ADMIN, 0, SMALL_BODY, no_fields, no_fields,
     api_calibration_sessions_retire, NULL},
    {M_GET, "/api/calibration/candidates", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields,
     api_calibration_candidates, NULL},
    {M_GET, "/api/calibration/trainees", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields,
     api_calibration_trainees_list, NULL},
    {M_GET, "/api/calibration/trainees/{id}", ADMIN | SUPERVISOR, 0, 0, NULL, no_fields,
     api_calibration_trainee_get, NULL},
    {M_GET, "/api/me/calibration", RATER, 0, 0, NULL, no_fields, api_my_calibration, NULL},

    {M_GET, "/api/outcomes/measures", ROLE_ANY, 0, 0, NULL, lang_query, api_outcomes_measures,
     NULL},
    {M_GET, "/api/outcomes/clients", THERAPIST, 0, 0, NULL, outcome_clients_query,
     api_outcomes_clients_list, NULL},
    {M_POST, "/api/outcomes/clients", THERAPIST, 0, SMALL_BODY, outcome_client_body, no_fields,
     api_outcomes_clients_create, NULL},
    {M_GET, "/api/outcomes/clients/{id}", THERAPIST, 0, 0, NULL, lang_query,
     api_outcomes_clients_get, NULL},
    {M_POST, "/api/outcomes/clients/{id}/end", THERAPIST, 0, SMALL_BODY, outcome_end_body,
     no_fields, api_outcomes_clients_end, NULL},
    {M_POST, "/api/outcomes/clients/{id}/consent/withdraw", THERAPIST, 0, SMALL_BODY,
     outcome_withdraw_body, no_fields, api_outcomes_clients_withdraw, NULL},
    {M_POST, "/api/outcomes/clients/{id}/responses", THERAPIST, 0, TEXT_BODY, outcome_response_body,
     no_fields, api_outcomes_responses_create, NULL},
    {M_POST, "/api/outcomes/clients/{id}/links", THERAPIST, 0, SMALL_BODY, outcome_link_body,
     no_fields, api_outcomes_links_create, NULL},
    {M_GET, "/api/outcomes/responses/{id}", THERAPIST, 0, 0, NULL, no_fields,
     api_outcomes_responses_get, NULL},
    {M_POST, "/api/outcomes/responses/{id}/corrections", THERAPIST, 0, TEXT_BODY,
     outcome_correction_body, no_fields, api_outcomes_responses_correct, NULL},
    {M_POST, "/api/outcomes/links/{id}/revoke", THERAPIST, 0, SMALL_BODY, no_fields, no_fields,
     api_outcomes_links_revoke, NULL},
    {M_GET, "/api/outcomes/effectiveness", THERAPIST, 0, 0, NULL, outcome_period_query,
     api_outcomes_effectiveness, NULL},
    {M_GET, "/api/outcomes/aggregate", ADMIN | SUPERVISOR | INST_ADMIN, 0, 0, NULL,
     outcome_aggregate_query, api_outcomes_aggregate, NULL},
    {M_GET, "/api/q", 0, R_PUBLIC, 0, NULL, no_fields, api_outcomes_public_get, NULL},
    {M_POST, "/api/q", 0, R_PUBLIC, TEXT_BODY, outcome_public_body, no_fields,
     api_outcomes_public_answer, NULL},
};

const size_t api_n_routes = sizeof(api_routes) / sizeof(api_routes[0]);
