/* Stored submissions (requisitions), their state history, and counts for inboxes. */
#ifndef KV_DB_SUBMISSIONS_H
#define KV_DB_SUBMISSIONS_H

#include <jansson.h>

#include "db/db.h"

/* Requisition fields; NULL / -1 means "not given" (left unchanged by an update). */
struct submission_fields {
	long long case_id; /* 0: unchanged */
	const char *session_date;
	long long session_number;
	const char *treatment_phase, *modality;
	long long instrument_id; /* 0: unchanged */
	const char *questions;
	int declared_consent, declared_no_identifiers;
};

struct submission_filter {
	const char *state;        /* NULL: any */
	long long therapist_id;   /* 0: any */
	long long institution_id; /* 0: any */
	long long case_id;        /* 0: any */
};

/* One submission with names, the case code and its history. */
json_t *db_submission_get(struct db *db, long long id, enum kv_err *rc);
/* Matching submissions, newest state change first (without history). */
json_t *db_submission_list(struct db *db, const struct submission_filter *f);
/* Number of submissions per state (every state present, zeros included). */
json_t *db_submission_counts(struct db *db, const struct submission_filter *f);
enum kv_err db_submission_insert(struct db *db, const struct submission_fields *f,
                                 long long therapist_id, long long institution_id, long long now,
                                 long long *id);
/* Changes a draft; KV_ECONFLICT when it is no longer a draft. */
enum kv_err db_submission_update(struct db *db, long long id, const struct submission_fields *f,
                                 long long now);
enum kv_err db_submission_delete_draft(struct db *db, long long id);
/* Moves it from one state to another (only if it is still in `from`), with a history row. */
enum kv_err db_submission_transition(struct db *db, long long id, const char *from, const char *to,
                                     const char *event, long long actor_id, const char *note,
                                     long long now);
/* Ids of a case's submissions that are not yet withdrawn. */
json_t *db_submission_ids_of_case(struct db *db, long long case_id);
/* Schedules the recording's destruction at `when` (keeps an earlier date). */
enum kv_err db_submission_schedule_deletion(struct db *db, long long id, long long when,
                                            const char *reason);

#endif
