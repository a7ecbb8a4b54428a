/* Patient cases: pseudonymous codes per institution, never names; consent per case. */
#include "db/cases.h"

#include <stdio.h>

#include "core/pseudonym.h"
#include "db/rows.h"
#include "util/banned.h"

static const char *const consent_bools[] = {"quality_assurance", "rater_training", "research",
                                            "has_form", NULL};

static void attach_consent(struct db *db, json_t *c)
{
	struct db_arg a[] = {ARG_INT(json_integer_value(json_object_get(c, "id")))};
	enum kv_err rc;
	json_t *consent = db_json_row(
	    db,
	    "SELECT signed_date, scope_quality_assurance AS quality_assurance, "
	    "scope_rater_training AS rater_training, scope_research AS research, "
	    "form_document_id IS NOT NULL AS has_form, declared_at, withdrawn_date, withdrawn_at "
	    "FROM consents WHERE case_id = ?",
	    a, NARGS(a), consent_bools, &rc);

	json_object_set_new(c, "consent", consent ? consent : json_null());
}

#define CASE_SELECT                                                                                \
	"SELECT c.id, c.code, c.institution_id, i.name AS institution_name, c.therapist_id, "      \
	"c.age_band, c.gender, c.created_at, (SELECT count(*) FROM submissions s WHERE "           \
	"s.case_id = c.id) AS submission_count FROM patient_cases c JOIN institutions i ON "       \
	"i.id = c.institution_id "

json_t *db_case_get(struct db *db, long long id, long long therapist_id, enum kv_err *rc)
{
	struct db_arg a[] = {ARG_INT(id), ARG_INT(therapist_id)};
	json_t *c =
	    db_json_row(db, CASE_SELECT "WHERE c.id = ?1 AND (?2 = 0 OR c.therapist_id = ?2)", a,
	                NARGS(a), NULL, rc);

	if (c)
		attach_consent(db, c);
	return c;
}

json_t *db_case_list(struct db *db, long long therapist_id, long long institution_id)
{
	struct db_arg a[] = {ARG_INT(therapist_id), ARG_INT(institution_id)};
	json_t *rows =
	    db_json_rows(db,
	                 CASE_SELECT "WHERE c.therapist_id = ?1 AND (?2 = 0 OR "
	                             "c.institution_id = ?2) ORDER BY c.created_at DESC, c.id DESC",
	                 a, NARGS(a), NULL);
	size_t i;
	json_t *c;

	json_array_foreach(rows, i, c) attach_consent(db, c);
	return rows;
}

enum kv_err db_case_insert(struct db *db, long long institution_id, long long therapist_id,
                           const char *age_band, const char *gender, long long now, long long *id)
{
	char code[CASE_CODE_LEN];
	enum kv_err rc = KV_ECONFLICT;
	int attempt;

	/* A clash is rare (one in ~890 million per pair); draw again a few times. */
	for (attempt = 0; attempt < 8 && rc == KV_ECONFLICT; attempt++) {
		struct db_arg a[] = {ARG_INT(institution_id), ARG_INT(therapist_id), ARG_TEXT(code),
		                     ARG_TEXT(age_band),      ARG_TEXT(gender),      ARG_INT(now)};
		pseudonym_case_code(code);
		rc = db_insert(
		    db,
		    "INSERT INTO patient_cases (institution_id, therapist_id, code, "
		    "age_band, gender, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		    a, NARGS(a), id);
	}
	return rc;
}

enum kv_err db_consent_declare(struct db *db, long long case_id, const char *signed_date, int qa,
                               int training, int research, long long user_id, long long now)
{
	struct db_arg a[] = {ARG_INT(case_id),  ARG_TEXT(signed_date), ARG_INT(qa),
	                     ARG_INT(training), ARG_INT(research),     ARG_INT(now),
	                     ARG_INT(user_id)};
	long long changed = 0;
	enum kv_err rc;

	rc = db_run(
	    db,
	    "INSERT INTO consents (case_id, signed_date, scope_quality_assurance, "
	    "scope_rater_training, scope_research, declared_at, declared_by) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(case_id) DO UPDATE SET "
	    "signed_date = ?2, scope_quality_assurance = ?3, scope_rater_training = ?4, "
	    "scope_research = ?5, declared_at = ?6, declared_by = ?7 WHERE withdrawn_at IS NULL",
	    a, NARGS(a), &changed);
	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_consent_set_form(struct db *db, long long case_id, long long document_id)
{
	struct db_arg a[] = {ARG_INT(document_id), ARG_INT(case_id)};
	long long changed = 0;
	enum kv_err rc = db_run(db,
	                        "UPDATE consents SET form_document_id = ? WHERE case_id = ? AND "
	                        "withdrawn_at IS NULL",
	                        a, NARGS(a), &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

long long db_consent_form(struct db *db, long long case_id)
{
	struct db_arg a[] = {ARG_INT(case_id)};

	return db_scalar(db, "SELECT form_document_id FROM consents WHERE case_id = ?", a, 1, 0);
}

enum kv_err db_consent_withdraw(struct db *db, long long case_id, const char *date,
                                long long user_id, long long now)
{
	struct db_arg a[] = {ARG_TEXT(date), ARG_INT(now), ARG_INT(user_id), ARG_INT(case_id)};
	long long changed = 0;
	enum kv_err rc = db_run(db,
	                        "UPDATE consents SET withdrawn_date = ?, withdrawn_at = ?, "
	                        "withdrawn_by = ? WHERE case_id = ? AND withdrawn_at IS NULL",
	                        a, NARGS(a), &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}
