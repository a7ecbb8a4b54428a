/* Submissions: the requisition a therapist sends with a recording, and its way through the lab. */
#include "db/submissions.h"

#include "core/workflow.h"
#include "db/rows.h"
#include "util/banned.h"

static const char *const sub_bools[] = {"declared_consent", "declared_no_identifiers", NULL};

#define SUB_SELECT                                                                                 \
	"SELECT s.id, s.state, s.therapist_id, u.email AS therapist_email, "                       \
	"u.display_name AS therapist_name, s.institution_id, i.name AS institution_name, "         \
	"s.case_id, c.code AS case_code, s.session_date, s.session_number, s.treatment_phase, "    \
	"s.modality, s.instrument_id, ins.name AS instrument_name, s.questions, "                  \
	"s.declared_consent, s.declared_no_identifiers, s.version, s.created_at, s.updated_at, "   \
	"s.submitted_at, s.state_changed_at, s.recording_delete_after AS recording_delete_at, "    \
	"s.recording_delete_reason FROM submissions s JOIN users u ON u.id = s.therapist_id "      \
	"JOIN institutions i ON i.id = s.institution_id JOIN patient_cases c ON c.id = s.case_id " \
	"LEFT JOIN instruments ins ON ins.id = s.instrument_id "

#define SUB_WHERE                                                                                  \
	"WHERE (?1 IS NULL OR s.state = ?1) AND (?2 = 0 OR s.therapist_id = ?2) AND "              \
	"(?3 = 0 OR s.institution_id = ?3) AND (?4 = 0 OR s.case_id = ?4) "

json_t *db_submission_get(struct db *db, long long id, enum kv_err *rc)
{
	struct db_arg a[] = {ARG_INT(id)};
	json_t *s = db_json_row(db, SUB_SELECT "WHERE s.id = ?", a, NARGS(a), sub_bools, rc), *h;

	if (!s)
		return NULL;
	h = db_json_rows(db,
	                 "SELECT e.at, e.event, e.from_state, e.to_state, u.email AS actor_email, "
	                 "e.note FROM submission_events e LEFT JOIN users u ON u.id = e.actor_id "
	                 "WHERE e.submission_id = ? ORDER BY e.id",
	                 a, NARGS(a), NULL);
	json_object_set_new(s, "history", h ? h : json_array());
	return s;
}

static void filter_args(const struct submission_filter *f, struct db_arg *a)
{
	a[0] = ARG_TEXT(f->state);
	a[1] = ARG_INT(f->therapist_id);
	a[2] = ARG_INT(f->institution_id);
	a[3] = ARG_INT(f->case_id);
}

json_t *db_submission_list(struct db *db, const struct submission_filter *f)
{
	struct db_arg a[4];

	filter_args(f, a);
	return db_json_rows(db, SUB_SELECT SUB_WHERE "ORDER BY s.state_changed_at DESC, s.id DESC",
	                    a, NARGS(a), sub_bools);
}

json_t *db_submission_counts(struct db *db, const struct submission_filter *f)
{
	struct db_arg a[4];
	json_t *counts = json_object(), *rows, *r;
	size_t i;
	int st;

	for (st = 0; st < SUB_STATE__MAX; st++)
		json_object_set_new(counts, workflow_state_name((enum sub_state)st),
		                    json_integer(0));
	filter_args(f, a);
	rows = db_json_rows(
	    db, "SELECT s.state, count(*) AS n FROM submissions s " SUB_WHERE "GROUP BY s.state", a,
	    NARGS(a), NULL);
	json_array_foreach(rows, i, r) json_object_set(
	    counts, json_string_value(json_object_get(r, "state")), json_object_get(r, "n"));
	json_decref(rows);
	return counts;
}

static void field_args(const struct submission_fields *f, struct db_arg *a)
{
	a[0] = ARG_ID(f->case_id);
	a[1] = ARG_TEXT(f->session_date);
	a[2] = f->session_number >= 0 ? ARG_INT(f->session_number) : ARG_NULL;
	a[3] = ARG_TEXT(f->treatment_phase);
	a[4] = ARG_TEXT(f->modality);
	a[5] = ARG_ID(f->instrument_id);
	a[6] = ARG_TEXT(f->questions);
	a[7] = f->declared_consent >= 0 ? ARG_INT(f->declared_consent) : ARG_NULL;
	a[8] = f->declared_no_identifiers >= 0 ? ARG_INT(f->declared_no_identifiers) : ARG_NULL;
}

enum kv_err db_submission_insert(struct db *db, const struct submission_fields *f,
                                 long long therapist_id, long long institution_id, long long now,
                                 long long *id)
{
	struct db_arg a[12];
	enum kv_err rc;

	field_args(f, a);
	a[9] = ARG_INT(therapist_id);
	a[10] = ARG_INT(institution_id);
	a[11] = ARG_INT(now);
	rc = db_insert(
	    db,
	    "INSERT INTO submissions (case_id, session_date, session_number, "
	    "treatment_phase, modality, instrument_id, questions, declared_consent, "
	    "declared_no_identifiers, therapist_id, institution_id, created_at, "
	    "updated_at, state_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "coalesce(?7, ''), coalesce(?8, 0), coalesce(?9, 0), ?10, ?11, ?12, ?12, ?12) "
	    "RETURNING id",
	    a, NARGS(a), id);
	if (!rc) {
		struct db_arg e[] = {ARG_INT(*id), ARG_INT(now), ARG_INT(therapist_id)};
		rc = db_run(db,
		            "INSERT INTO submission_events (submission_id, at, actor_id, event, "
		            "to_state) VALUES (?, ?, ?, 'create', 'draft')",
		            e, NARGS(e), NULL);
	}
	return rc;
}

enum kv_err db_submission_update(struct db *db, long long id, const struct submission_fields *f,
                                 long long now)
{
	struct db_arg a[11];
	long long changed = 0;
	enum kv_err rc;

	field_args(f, a);
	a[9] = ARG_INT(now);
	a[10] = ARG_INT(id);
	rc = db_run(db,
	            "UPDATE submissions SET case_id = coalesce(?1, case_id), "
	            "session_date = coalesce(?2, session_date), "
	            "session_number = coalesce(?3, session_number), "
	            "treatment_phase = coalesce(?4, treatment_phase), "
	            "modality = coalesce(?5, modality), "
	            "instrument_id = coalesce(?6, instrument_id), "
	            "questions = coalesce(?7, questions), "
	            "declared_consent = coalesce(?8, declared_consent), "
	            "declared_no_identifiers = coalesce(?9, declared_no_identifiers), "
	            "updated_at = ?10, version = version + 1 WHERE id = ?11 AND state = 'draft'",
	            a, NARGS(a), &changed);
	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_submission_delete_draft(struct db *db, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};
	long long changed = 0;
	enum kv_err rc;

	rc = db_run(db,
	            "DELETE FROM submission_events WHERE submission_id = ?1 AND (SELECT state FROM "
	            "submissions WHERE id = ?1) = 'draft'",
	            a, NARGS(a), NULL);
	if (!rc)
		rc = db_run(db, "DELETE FROM submissions WHERE id = ? AND state = 'draft'", a,
		            NARGS(a), &changed);
	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_submission_transition(struct db *db, long long id, const char *from, const char *to,
                                     const char *event, long long actor_id, const char *note,
                                     long long now)
{
	struct db_arg a[] = {ARG_INT(id),     ARG_TEXT(from),   ARG_TEXT(to),  ARG_INT(now),
	                     ARG_TEXT(event), ARG_ID(actor_id), ARG_TEXT(note)};
	long long changed = 0;
	enum kv_err rc;

	rc = db_run(db,
	            "UPDATE submissions SET state = ?3, state_changed_at = ?4, updated_at = ?4, "
	            "version = version + 1, submitted_at = CASE WHEN ?3 = 'submitted' THEN ?4 ELSE "
	            "submitted_at END WHERE id = ?1 AND state = ?2",
	            a, NARGS(a), &changed);
	if (!rc && !changed)
		return KV_ECONFLICT;
	if (!rc)
		rc = db_run(db,
		            "INSERT INTO submission_events (submission_id, at, actor_id, event, "
		            "from_state, to_state, note) VALUES (?1, ?4, ?6, ?5, ?2, ?3, ?7)",
		            a, NARGS(a), NULL);
	return rc;
}

json_t *db_submission_ids_of_case(struct db *db, long long case_id)
{
	struct db_arg a[] = {ARG_INT(case_id)};

	return db_json_rows(db,
	                    "SELECT id, state FROM submissions WHERE case_id = ? AND state <> "
	                    "'withdrawn' ORDER BY id",
	                    a, NARGS(a), NULL);
}

enum kv_err db_submission_schedule_deletion(struct db *db, long long id, long long when,
                                            const char *reason)
{
	struct db_arg a[] = {ARG_INT(when), ARG_TEXT(reason), ARG_INT(id)};

	return db_run(db,
	              "UPDATE submissions SET recording_delete_after = ?1, "
	              "recording_delete_reason = ?2 WHERE id = ?3 AND (recording_delete_after IS "
	              "NULL OR recording_delete_after > ?1)",
	              a, NARGS(a), NULL);
}
