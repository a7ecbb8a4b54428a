/* Stored client outcomes: clients enrolled in outcome monitoring, their answers in versions
 * that are never changed, the one-time links they answer through, and the hits that
 * rate-limit those links. */
#ifndef KV_DB_OUTCOMES_H
#define KV_DB_OUTCOMES_H

#include <jansson.h>

#include "db/db.h"

/* The SQL condition "r is the current version" (no later version supersedes it). */
#define DB_OUTCOME_CURRENT                                                                         \
	"NOT EXISTS (SELECT 1 FROM outcome_responses n WHERE n.supersedes = r.id)"

/* Enrols case_id (which exists) with the client's consent. KV_ECONFLICT when enrolled. */
enum kv_err db_outcome_enrol(struct db *db, long long case_id, long long instrument_id,
                             const char *consent_date, long long user_id, long long now);
/* The enrolled client of case_id with its case and measure, when it belongs to therapist_id
 * (0 = any therapist); NULL with KV_ENOTFOUND in *rc otherwise. */
json_t *db_outcome_client_get(struct db *db, long long case_id, long long therapist_id,
                              enum kv_err *rc);
/* Every client of therapist_id, newest first. */
json_t *db_outcome_client_list(struct db *db, long long therapist_id);
/* Ends an active client's treatment ("ended" or "dropped_out"). KV_ECONFLICT when not active. */
enum kv_err db_outcome_client_end(struct db *db, long long case_id, const char *status,
                                  const char *date, long long now);
/* Records the withdrawal and erases the client's answers and links. KV_ECONFLICT when
 * withdrawn already. */
enum kv_err db_outcome_consent_withdraw(struct db *db, long long case_id, const char *date,
                                        long long user_id, long long now);

/* A stored answer set to insert. answers is {"<item id>": number|null} or NULL for a total. */
struct db_outcome_response {
	long long case_id, instrument_id, session_number;
	const char *session_date;
	const json_t *answers;
	double score;
	long long missing;
	long long version, supersedes; /* 1 and 0 for a first version */
	const char *reason;
	const char *entered_by; /* "therapist" or "client" */
	long long user_id, link_id;
};

enum kv_err db_outcome_response_insert(struct db *db, const struct db_outcome_response *r,
                                       long long now, long long *id);
/* One response (any version) with its case's therapist; NULL when there is none. */
json_t *db_outcome_response_get(struct db *db, long long id, enum kv_err *rc);
/* The versions of the response chain that id belongs to, oldest first. */
json_t *db_outcome_response_history(struct db *db, long long id);
/* The current responses of a case, by measure and session (instrument_id 0: every measure). */
json_t *db_outcome_responses(struct db *db, long long case_id, long long instrument_id);
/* The id of the current response for that case, measure and session, or 0. */
long long db_outcome_session_taken(struct db *db, long long case_id, long long instrument_id,
                                   long long session_number);
/* The next session number: one after the case's highest on the measure, 1 when none. */
long long db_outcome_next_session(struct db *db, long long case_id, long long instrument_id);

/* Links. token_hash is the hex SHA-256 of the token. */
enum kv_err db_outcome_link_insert(struct db *db, const char *token_hash, long long case_id,
                                   long long instrument_id, const char *language,
                                   long long session_number, long long user_id, long long now,
                                   long long expires_at, long long *id);
/* The link with this hash (whatever its state), or NULL. */
json_t *db_outcome_link_find(struct db *db, const char *token_hash);
/* The links of a case, newest first, without their hashes. */
json_t *db_outcome_links(struct db *db, long long case_id);
/* Marks the link used: only once, only unrevoked and unexpired. KV_ECONFLICT otherwise. */
enum kv_err db_outcome_link_use(struct db *db, long long id, long long now);
enum kv_err db_outcome_link_open(struct db *db, long long id, long long now);
/* Revokes an unused link of case_id. KV_ECONFLICT when used or revoked; KV_ENOTFOUND. */
enum kv_err db_outcome_link_revoke(struct db *db, long long id, long long case_id, long long now);

/* Records a hit on bucket and returns how many hits it had in the last window seconds
 * (this one included); -1 on error. Hits older than the window are removed. */
long long db_outcome_hit(struct db *db, const char *bucket, long long now, long long window);

/* For the lab's reference: every current score on a measure of clients who have not
 * withdrawn consent, as rows {case_id, session_number, score}, ordered by case and session. */
json_t *db_outcome_scores(struct db *db, long long instrument_id);

#endif
