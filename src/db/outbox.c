/* The mail outbox table: queueing, leased claims fenced by the attempt number, retries with a
 * growing pause, and the final 'failed' state a lab admin can send again. */
#include "db/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/rows.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ERROR_MAX 1000
#define DEFAULT_BASE 60

/* Pauses after failed attempt 1, 2, 3, ... in base units; the last one repeats. */
static const int backoff_units[] = {1, 5, 30, 120, 360};
#define N_BACKOFF ((int)(sizeof(backoff_units) / sizeof(backoff_units[0])))

long long outbox_backoff(const struct outbox_policy *p, int attempt)
{
	long long base = p && p->base_seconds > 0 ? p->base_seconds : DEFAULT_BASE;

	if (attempt < 1)
		attempt = 1;
	if (attempt > N_BACKOFF)
		attempt = N_BACKOFF;
	return base * backoff_units[attempt - 1];
}

static int has_line_break(const char *s)
{
	return s && (strchr(s, '\r') || strchr(s, '\n'));
}

long long outbox_enqueue(struct db *db, const struct outbox_new *m, time_t now)
{
	struct db_arg a[] = {
	    ARG_TEXT(m->kind),
	    ARG_ID(m->to_user_id),
	    ARG_TEXT(m->to_addr),
	    ARG_TEXT(m->subject),
	    ARG_TEXT(m->body),
	    ARG_TEXT(m->ics),
	    ARG_TEXT(m->ics ? m->ics_method : NULL),
	    ARG_ID(m->submission_id),
	    ARG_ID(m->meeting_id),
	    ARG_INT((long long)now),
	};
	long long id = 0;

	/* What would break the message's headers is refused here, where the caller can still
	 * tell the user, not later in the worker. */
	if (!m->kind || !*m->kind || !m->to_addr || !*m->to_addr || !m->subject || !m->body ||
	    has_line_break(m->to_addr) || has_line_break(m->subject))
		return -1;
	if (m->ics && (!m->ics_method ||
	               (strcmp(m->ics_method, "REQUEST") && strcmp(m->ics_method, "CANCEL"))))
		return -1;
	if (db_insert(db,
	              "INSERT INTO mail_outbox (kind, to_user_id, to_addr, subject, body, ics, "
	              "ics_method, submission_id, meeting_id, state, run_after, created_at, "
	              "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10, ?10, "
	              "?10) RETURNING id",
	              a, NARGS(a), &id) != KV_OK)
		return -1;
	return id;
}

void outbox_msg_release(struct outbox_msg *m)
{
	free(m->to_addr);
	free(m->subject);
	free(m->body);
	free(m->ics);
	free(m->ics_method);
	memset(m, 0, sizeof(*m));
}

static char *dup_col(struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);

	return s ? xstrdup(s) : NULL;
}

enum kv_err outbox_claim(struct db *db, const struct outbox_policy *p, long long now,
                         int lease_secs, struct outbox_msg *m)
{
	struct db_arg sweep[] = {ARG_INT(now)};
	struct db_stmt *st;
	enum db_step_result r;
	enum kv_err rc;

	memset(m, 0, sizeof(*m));
	/* A worker died while making the last attempt: that attempt counts, and nothing is
	 * tried beyond max_attempts. */
	rc = db_run(db,
	            "UPDATE mail_outbox SET state = 'failed', lease_until = NULL, updated_at = ?1, "
	            "last_error = 'the last attempt was interrupted (the server stopped while "
	            "sending)' WHERE state = 'sending' AND lease_until < ?1 AND attempts >= "
	            "max_attempts",
	            sweep, NARGS(sweep), NULL);
	if (rc)
		return rc;
	/* The state is tested again outside the subquery, so that under a database that
	 * re-reads rows after a lock wait (PostgreSQL) a second claimant finds nothing. */
	st = db_prepare(
	    db, "UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, "
	        "lease_until = ?2, updated_at = ?1, max_attempts = coalesce(?3, max_attempts) "
	        "WHERE id = (SELECT id FROM mail_outbox WHERE (state = 'queued' AND run_after <= "
	        "?1) OR (state = 'sending' AND lease_until < ?1) ORDER BY run_after, id LIMIT 1) "
	        "AND ((state = 'queued' AND run_after <= ?1) OR (state = 'sending' AND "
	        "lease_until < ?1)) RETURNING id, coalesce(to_user_id, 0), "
	        "coalesce(submission_id, 0), coalesce(meeting_id, 0), attempts, max_attempts, "
	        "kind, to_addr, subject, body, ics, ics_method");
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now + (lease_secs > 0 ? lease_secs : 60));
	if (p && p->max_attempts > 0)
		db_bind_int(st, 3, p->max_attempts);
	else
		db_bind_null(st, 3);
	r = db_step(st);
	if (r == DB_ROW) {
		m->id = db_col_int(st, 0);
		m->to_user_id = db_col_int(st, 1);
		m->submission_id = db_col_int(st, 2);
		m->meeting_id = db_col_int(st, 3);
		m->attempts = (int)db_col_int(st, 4);
		m->max_attempts = (int)db_col_int(st, 5);
		snprintf(m->kind, sizeof(m->kind), "%s", db_col_text(st, 6));
		m->to_addr = dup_col(st, 7);
		m->subject = dup_col(st, 8);
		m->body = dup_col(st, 9);
		m->ics = dup_col(st, 10);
		m->ics_method = dup_col(st, 11);
		/* Step to the end so the statement completes before it is finalised. */
		r = db_step(st);
		rc = r == DB_ERROR ? db_stmt_err(st) : KV_OK;
	} else {
		rc = r == DB_DONE ? KV_ENOTFOUND : db_stmt_err(st);
	}
	db_finalize(st);
	if (rc != KV_OK)
		outbox_msg_release(m);
	return rc;
}

/* Runs an update fenced by the claimed attempt; KV_ECONFLICT when it no longer holds. */
static enum kv_err fenced(struct db *db, const char *sql, const struct db_arg *a, int n)
{
	long long changed = 0;
	enum kv_err rc = db_run(db, sql, a, n, &changed);

	return rc ? rc : changed ? KV_OK : KV_ECONFLICT;
}

enum kv_err outbox_mark_sent(struct db *db, const struct outbox_msg *m, long long now)
{
	struct db_arg a[] = {ARG_INT(now), ARG_INT(m->id), ARG_INT(m->attempts)};

	return fenced(db,
	              "UPDATE mail_outbox SET state = 'sent', sent_at = ?1, updated_at = ?1, "
	              "lease_until = NULL, last_error = NULL WHERE id = ?2 AND state = 'sending' "
	              "AND attempts = ?3",
	              a, NARGS(a));
}

enum kv_err outbox_mark_failed(struct db *db, const struct outbox_msg *m, const char *error,
                               const struct outbox_policy *p, long long now, int *final)
{
	char why[ERROR_MAX + 1];
	struct db_arg a[] = {ARG_TEXT(why), ARG_INT(now + outbox_backoff(p, m->attempts)),
	                     ARG_INT(now), ARG_INT(m->id), ARG_INT(m->attempts)};
	struct db_arg q[] = {ARG_INT(m->id)};
	enum kv_err rc;

	snprintf(why, sizeof(why), "%s", error && *error ? error : "unknown error");
	rc = fenced(db,
	            "UPDATE mail_outbox SET state = CASE WHEN attempts >= max_attempts THEN "
	            "'failed' ELSE 'queued' END, last_error = ?1, run_after = ?2, updated_at = ?3, "
	            "lease_until = NULL WHERE id = ?4 AND state = 'sending' AND attempts = ?5",
	            a, NARGS(a));
	if (final)
		*final = rc == KV_OK &&
		         db_scalar(db, "SELECT state = 'failed' FROM mail_outbox WHERE id = ?", q,
		                   NARGS(q), 0) == 1;
	return rc;
}

enum kv_err outbox_release(struct db *db, const struct outbox_msg *m, long long now)
{
	struct db_arg a[] = {ARG_INT(now), ARG_INT(m->id), ARG_INT(m->attempts)};

	return fenced(db,
	              "UPDATE mail_outbox SET state = 'queued', attempts = attempts - 1, "
	              "run_after = ?1, updated_at = ?1, lease_until = NULL WHERE id = ?2 AND "
	              "state = 'sending' AND attempts = ?3",
	              a, NARGS(a));
}

enum kv_err outbox_retry(struct db *db, long long id, long long now)
{
	struct db_arg a[] = {ARG_INT(now), ARG_INT(id)};
	struct db_arg q[] = {ARG_INT(id)};
	enum kv_err rc = fenced(db,
	                        "UPDATE mail_outbox SET state = 'queued', attempts = 0, "
	                        "run_after = ?1, updated_at = ?1, lease_until = NULL WHERE id = ?2 "
	                        "AND state = 'failed'",
	                        a, NARGS(a));

	if (rc == KV_ECONFLICT &&
	    db_scalar(db, "SELECT count(*) FROM mail_outbox WHERE id = ?", q, NARGS(q), 0) == 0)
		rc = KV_ENOTFOUND;
	return rc;
}

long long outbox_next_due(struct db *db)
{
	return db_scalar(db,
	                 "SELECT min(t) FROM (SELECT min(run_after) AS t FROM mail_outbox WHERE "
	                 "state = 'queued' UNION ALL SELECT min(lease_until) FROM mail_outbox "
	                 "WHERE state = 'sending')",
	                 NULL, 0, 0);
}

long long outbox_count(struct db *db, const char *state)
{
	struct db_arg a[] = {ARG_TEXT(state)};

	return db_scalar(db, "SELECT count(*) FROM mail_outbox WHERE state = ?", a, NARGS(a), 0);
}

/* No body, no invitation: the rows are for following delivery, not for reading mail. */
#define LIST_COLUMNS                                                                               \
	"SELECT id, kind, to_user_id, to_addr, subject, state, attempts, max_attempts, "           \
	"last_error, created_at, sent_at, CASE WHEN state = 'queued' THEN run_after END AS "       \
	"next_attempt_at, meeting_id, submission_id FROM mail_outbox "

json_t *outbox_list_json(struct db *db, const char *state, long long meeting_id,
                         long long submission_id, int limit)
{
	struct db_arg a[] = {ARG_TEXT(state), ARG_ID(meeting_id), ARG_ID(submission_id),
	                     ARG_INT(limit > 0 ? limit : 100)};

	return db_json_rows(db,
	                    LIST_COLUMNS "WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR "
	                                 "meeting_id = ?2) AND (?3 IS NULL OR submission_id = ?3) "
	                                 "ORDER BY id DESC LIMIT ?4",
	                    a, NARGS(a), NULL);
}

json_t *outbox_get_json(struct db *db, long long id, enum kv_err *rc)
{
	struct db_arg a[] = {ARG_INT(id)};

	return db_json_row(db, LIST_COLUMNS "WHERE id = ?", a, NARGS(a), NULL, rc);
}
