/* Client outcomes in the database: enrolment and consent, answer sets in immutable versions,
 * one-time links, and the rate-limit hits of the public link pages. */
#include "db/outcomes.h"

#include <stdlib.h>
#include <string.h>

#include "db/rows.h"
#include "util/banned.h"

static const char *const client_bools[] = {"withdrawn", NULL};

#define CLIENT_SELECT                                                                              \
	"SELECT c.id, c.code, c.institution_id, i.name AS institution_name, c.therapist_id, "      \
	"c.age_band, c.gender, o.instrument_id, ins.code AS instrument_code, ins.name AS "         \
	"instrument_name, o.consent_date, o.consent_declared_at, o.withdrawn_date, "               \
	"o.withdrawn_at "                                                                          \
	"IS NOT NULL AS withdrawn, o.status AS treatment, o.ended_date, o.created_at FROM "        \
	"outcome_clients o "                                                                       \
	"JOIN patient_cases c ON c.id = o.case_id JOIN institutions i ON i.id = "                  \
	"c.institution_id JOIN instruments ins ON ins.id = o.instrument_id "

enum kv_err db_outcome_enrol(struct db *db, long long case_id, long long instrument_id,
                             const char *consent_date, long long user_id, long long now)
{
	struct db_arg a[] = {ARG_INT(case_id), ARG_INT(instrument_id), ARG_TEXT(consent_date),
	                     ARG_INT(now),     ARG_INT(user_id),       ARG_INT(now)};

	return db_run(db,
	              "INSERT INTO outcome_clients (case_id, instrument_id, consent_date, "
	              "consent_declared_at, consent_declared_by, created_at) VALUES (?, ?, ?, ?, "
	              "?, ?)",
	              a, NARGS(a), NULL);
}

json_t *db_outcome_client_get(struct db *db, long long case_id, long long therapist_id,
                              enum kv_err *rc)
{
	struct db_arg a[] = {ARG_INT(case_id), ARG_INT(therapist_id)};

	return db_json_row(db, CLIENT_SELECT "WHERE c.id = ?1 AND (?2 = 0 OR c.therapist_id = ?2)",
	                   a, NARGS(a), client_bools, rc);
}

json_t *db_outcome_client_list(struct db *db, long long therapist_id)
{
	struct db_arg a[] = {ARG_INT(therapist_id)};

	return db_json_rows(db,
	                    CLIENT_SELECT "WHERE c.therapist_id = ? ORDER BY o.created_at DESC, "
	                                  "c.id DESC",
	                    a, NARGS(a), client_bools);
}

enum kv_err db_outcome_client_end(struct db *db, long long case_id, const char *status,
                                  const char *date, long long now)
{
	struct db_arg a[] = {ARG_TEXT(status), ARG_TEXT(date), ARG_INT(now), ARG_INT(case_id)};
	long long changed = 0;
	enum kv_err rc =
	    db_run(db,
	           "UPDATE outcome_clients SET status = ?, ended_date = ?, ended_at = ? "
	           "WHERE case_id = ? AND status = 'active' AND withdrawn_at IS NULL",
	           a, NARGS(a), &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_outcome_consent_withdraw(struct db *db, long long case_id, const char *date,
                                        long long user_id, long long now)
{
	struct db_arg a[] = {ARG_TEXT(date), ARG_INT(now), ARG_INT(user_id), ARG_INT(case_id)};
	struct db_arg c[] = {ARG_INT(case_id)};
	long long changed = 0;
	enum kv_err rc = db_run(db,
	                        "UPDATE outcome_clients SET withdrawn_date = ?, withdrawn_at = ?, "
	                        "withdrawn_by = ? WHERE case_id = ? AND withdrawn_at IS NULL",
	                        a, NARGS(a), &changed);

	if (!rc && !changed)
		return KV_ECONFLICT;
	/* The triggers let answers go only now that the withdrawal is recorded. */
	if (!rc)
		rc = db_run(db, "DELETE FROM outcome_responses WHERE case_id = ?", c, 1, NULL);
	if (!rc)
		rc = db_run(db, "DELETE FROM outcome_links WHERE case_id = ?", c, 1, NULL);
	return rc;
}

enum kv_err db_outcome_response_insert(struct db *db, const struct db_outcome_response *r,
                                       long long now, long long *id)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO outcome_responses (case_id, instrument_id, session_number, "
	        "session_date, answers, score, missing, version, supersedes, reason, entered_by, "
	        "entered_by_user, link_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	        "?, ?) RETURNING id");
	char *answers = r->answers ? json_dumps(r->answers, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	enum kv_err rc = KV_OK;

	if (!st) {
		free(answers);
		return KV_EINTERNAL;
	}
	db_bind_int(st, 1, r->case_id);
	db_bind_int(st, 2, r->instrument_id);
	db_bind_int(st, 3, r->session_number);
	db_bind_text(st, 4, r->session_date);
	if (answers)
		db_bind_text(st, 5, answers);
	else
		db_bind_null(st, 5);
	db_bind_double(st, 6, r->score);
	db_bind_int(st, 7, r->missing);
	db_bind_int(st, 8, r->version);
	if (r->supersedes)
		db_bind_int(st, 9, r->supersedes);
	else
		db_bind_null(st, 9);
	if (r->reason)
		db_bind_text(st, 10, r->reason);
	else
		db_bind_null(st, 10);
	db_bind_text(st, 11, r->entered_by);
	if (r->user_id)
		db_bind_int(st, 12, r->user_id);
	else
		db_bind_null(st, 12);
	if (r->link_id)
		db_bind_int(st, 13, r->link_id);
	else
		db_bind_null(st, 13);
	db_bind_int(st, 14, now);
	if (db_step(st) == DB_ROW)
		*id = db_col_int(st, 0);
	else
		rc = db_stmt_err(st);
	db_finalize(st);
	free(answers);
	return rc;
}

#define RESPONSE_SELECT                                                                            \
	"SELECT r.id, r.case_id, r.instrument_id, ins.code AS instrument_code, r.session_number, " \
	"r.session_date, r.answers, r.score, r.missing, r.version, r.supersedes, r.reason, "       \
	"r.entered_by, r.entered_by_user, r.link_id, r.created_at, " DB_OUTCOME_CURRENT            \
	" AS current FROM outcome_responses r JOIN instruments ins ON ins.id = r.instrument_id "

static const char *const response_bools[] = {"current", NULL};

/* answers is stored as JSON text; the API shows it as an object. */
static void parse_answers(json_t *row)
{
	const char *s = json_string_value(json_object_get(row, "answers"));
	json_t *a = s ? json_loads(s, 0, NULL) : NULL;

	json_object_set_new(row, "answers", a ? a : json_null());
}

static json_t *parse_all(json_t *rows)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) parse_answers(r);
	return rows;
}

json_t *db_outcome_response_get(struct db *db, long long id, enum kv_err *rc)
{
	struct db_arg a[] = {ARG_INT(id)};
	json_t *r = db_json_row(db,
	                        "SELECT x.*, c.therapist_id FROM (" RESPONSE_SELECT
	                        "WHERE r.id = ?) x JOIN patient_cases c ON c.id = x.case_id",
	                        a, NARGS(a), response_bools, rc);

	if (r)
		parse_answers(r);
	return r;
}

json_t *db_outcome_response_history(struct db *db, long long id)
{
	struct db_arg a[] = {ARG_INT(id)};

	/* Walk down to the first version, then up through every later one. */
	return parse_all(db_json_rows(
	    db,
	    "WITH RECURSIVE down(id, supersedes) AS (SELECT id, supersedes FROM outcome_responses "
	    "WHERE id = ? UNION ALL SELECT o.id, o.supersedes FROM outcome_responses o JOIN down d "
	    "ON o.id = d.supersedes), up(id) AS (SELECT id FROM down WHERE supersedes IS NULL "
	    "UNION ALL SELECT o.id FROM outcome_responses o JOIN up u ON o.supersedes = "
	    "u.id) " RESPONSE_SELECT "WHERE r.id IN (SELECT id FROM up) ORDER BY r.version",
	    a, NARGS(a), response_bools));
}

json_t *db_outcome_responses(struct db *db, long long case_id, long long instrument_id)
{
	struct db_arg a[] = {ARG_INT(case_id), ARG_INT(instrument_id)};

	return parse_all(db_json_rows(db,
	                              RESPONSE_SELECT
	                              "WHERE r.case_id = ?1 AND (?2 = 0 OR "
	                              "r.instrument_id = ?2) AND " DB_OUTCOME_CURRENT
	                              " ORDER BY r.instrument_id, r.session_number, "
	                              "r.created_at, r.id",
	                              a, NARGS(a), response_bools));
}

long long db_outcome_session_taken(struct db *db, long long case_id, long long instrument_id,
                                   long long session_number)
{
	struct db_arg a[] = {ARG_INT(case_id), ARG_INT(instrument_id), ARG_INT(session_number)};

	return db_scalar(db,
	                 "SELECT r.id FROM outcome_responses r WHERE r.case_id = ? AND "
	                 "r.instrument_id = ? AND r.session_number = ? AND " DB_OUTCOME_CURRENT,
	                 a, NARGS(a), 0);
}

long long db_outcome_next_session(struct db *db, long long case_id, long long instrument_id)
{
	struct db_arg a[] = {ARG_INT(case_id), ARG_INT(instrument_id)};

	return db_scalar(db,
	                 "SELECT coalesce(max(r.session_number), 0) + 1 FROM outcome_responses r "
	                 "WHERE r.case_id = ? AND r.instrument_id = ? AND " DB_OUTCOME_CURRENT,
	                 a, NARGS(a), 1);
}

enum kv_err db_outcome_link_insert(struct db *db, const char *token_hash, long long case_id,
                                   long long instrument_id, const char *language,
                                   long long session_number, long long user_id, long long now,
                                   long long expires_at, long long *id)
{
	struct db_arg a[] = {ARG_TEXT(token_hash), ARG_INT(case_id),        ARG_INT(instrument_id),
	                     ARG_TEXT(language),   ARG_INT(session_number), ARG_INT(user_id),
	                     ARG_INT(now),         ARG_INT(expires_at)};

	return db_insert(db,
	                 "INSERT INTO outcome_links (token_hash, case_id, instrument_id, language, "
	                 "session_number, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, "
	                 "?, ?, ?, ?) RETURNING id",
	                 a, NARGS(a), id);
}

#define LINK_COLUMNS                                                                               \
	"l.id, l.case_id, l.instrument_id, ins.code AS instrument_code, ins.name AS "              \
	"instrument_name, l.language, l.session_number, l.created_by, l.created_at, "              \
	"l.expires_at, l.opened_at, l.used_at, l.revoked_at "

json_t *db_outcome_link_find(struct db *db, const char *token_hash)
{
	struct db_arg a[] = {ARG_TEXT(token_hash)};
	enum kv_err rc;

	return db_json_row(
	    db,
	    "SELECT " LINK_COLUMNS ", c.therapist_id, l.expires_at AS expires, "
	    "o.withdrawn_at IS NOT NULL AS withdrawn FROM outcome_links l JOIN "
	    "instruments ins ON ins.id = l.instrument_id JOIN patient_cases c ON c.id "
	    "= l.case_id LEFT JOIN outcome_clients o ON o.case_id = l.case_id WHERE "
	    "l.token_hash = ?",
	    a, NARGS(a), client_bools, &rc);
}

json_t *db_outcome_links(struct db *db, long long case_id)
{
	struct db_arg a[] = {ARG_INT(case_id)};

	return db_json_rows(db,
	                    "SELECT " LINK_COLUMNS "FROM outcome_links l JOIN instruments ins ON "
	                    "ins.id = l.instrument_id WHERE l.case_id = ? ORDER BY l.created_at "
	                    "DESC, l.id DESC",
	                    a, NARGS(a), NULL);
}

static enum kv_err one_change(struct db *db, const char *sql, const struct db_arg *a, int n)
{
	long long changed = 0;
	enum kv_err rc = db_run(db, sql, a, n, &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err db_outcome_link_use(struct db *db, long long id, long long now)
{
	struct db_arg a[] = {ARG_INT(now), ARG_INT(id)};

	return one_change(db,
	                  "UPDATE outcome_links SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL "
	                  "AND revoked_at IS NULL AND expires_at > ?1",
	                  a, NARGS(a));
}

enum kv_err db_outcome_link_open(struct db *db, long long id, long long now)
{
	struct db_arg a[] = {ARG_INT(now), ARG_INT(id)};

	return db_run(db,
	              "UPDATE outcome_links SET opened_at = coalesce(opened_at, ?) WHERE id = ?", a,
	              NARGS(a), NULL);
}

enum kv_err db_outcome_link_revoke(struct db *db, long long id, long long case_id, long long now)
{
	struct db_arg a[] = {ARG_INT(now), ARG_INT(id), ARG_INT(case_id)};
	struct db_arg b[] = {ARG_INT(id), ARG_INT(case_id)};

	if (!db_scalar(db, "SELECT count(*) FROM outcome_links WHERE id = ? AND case_id = ?", b,
	               NARGS(b), 0))
		return KV_ENOTFOUND;
	return one_change(
	    db,
	    "UPDATE outcome_links SET revoked_at = ? WHERE id = ? AND case_id = ? AND "
	    "used_at IS NULL AND revoked_at IS NULL",
	    a, NARGS(a));
}

long long db_outcome_hit(struct db *db, const char *bucket, long long now, long long window)
{
	struct db_arg a[] = {ARG_TEXT(bucket), ARG_INT(now)};
	struct db_arg old[] = {ARG_INT(now - window)};
	struct db_arg cnt[] = {ARG_TEXT(bucket), ARG_INT(now - window)};

	if (db_run(db, "DELETE FROM outcome_link_hits WHERE at <= ?", old, 1, NULL) ||
	    db_run(db, "INSERT INTO outcome_link_hits (bucket, at) VALUES (?, ?)", a, NARGS(a),
	           NULL))
		return -1;
	return db_scalar(db, "SELECT count(*) FROM outcome_link_hits WHERE bucket = ? AND at > ?",
	                 cnt, NARGS(cnt), -1);
}

json_t *db_outcome_scores(struct db *db, long long instrument_id)
{
	struct db_arg a[] = {ARG_INT(instrument_id)};

	return db_json_rows(db,
	                    "SELECT r.case_id, r.session_number, r.score FROM outcome_responses r "
	                    "JOIN outcome_clients o ON o.case_id = r.case_id WHERE r.instrument_id "
	                    "= ? AND o.withdrawn_at IS NULL AND " DB_OUTCOME_CURRENT
	                    " ORDER BY r.case_id, r.session_number, r.created_at, r.id",
	                    a, NARGS(a), NULL);
}
