/* The mail outbox: messages are queued in the same transaction as the change they announce,
 * and a worker sends them, retrying with growing pauses until max_attempts, then marks them
 * failed (visible in the UI; never dropped silently). */
#ifndef KV_DB_OUTBOX_H
#define KV_DB_OUTBOX_H

#include <time.h>

#include <jansson.h>

#include "db/db.h"

struct outbox_new {
	const char *kind;     /* "feedback_published", "meeting_invite", "meeting_update",
	                         * "meeting_cancel" */
	long long to_user_id; /* 0 when not a user */
	const char *to_addr;
	const char *subject;
	const char *body;
	const char *ics;         /* NULL or the invitation */
	const char *ics_method;  /* NULL, "REQUEST" or "CANCEL" */
	long long submission_id; /* 0 when none */
	long long meeting_id;    /* 0 when none */
};

/* Queues a message; the caller's transaction decides whether it stays. Returns its id or -1. */
long long outbox_enqueue(struct db *db, const struct outbox_new *m, time_t now);

/* How the worker retries: at most max_attempts attempts (0: the row's own max_attempts, 5 by
 * default), and after the n-th failed attempt a pause of outbox_backoff(p, n). */
struct outbox_policy {
	int max_attempts;
	int base_seconds; /* the unit of the backoff table; 60 in production (0 means 60) */
};

/* The pause after failed attempt n (from 1): 1, 5, 30, 120, then 360 base units (with the
 * default base: 1 min, 5 min, 30 min, 2 h, then every 6 h). */
long long outbox_backoff(const struct outbox_policy *p, int attempt);

/* A claimed message. `attempts` counts this attempt and fences the lease: the calls below
 * change the row only while it is still the same attempt, so a worker whose lease expired
 * and was taken over cannot overwrite the newer result. */
struct outbox_msg {
	long long id, to_user_id, submission_id, meeting_id;
	int attempts, max_attempts;
	char kind[32];
	char *to_addr, *subject, *body, *ics, *ics_method; /* owned; ics, ics_method may be NULL */
};

/* Frees the strings of a claimed message and zeroes it. */
void outbox_msg_release(struct outbox_msg *m);

/* Claims the next due message: queued with run_after <= now, or left 'sending' by a worker
 * whose lease has expired (it crashed). The message becomes 'sending' for lease_secs and its
 * attempt is counted. Before claiming, a message whose expired lease was its last attempt is
 * marked failed. Two workers, threads or processes, never hold the same message.
 * Returns KV_OK with m filled, KV_ENOTFOUND when nothing is due, or an error. */
enum kv_err outbox_claim(struct db *db, const struct outbox_policy *p, long long now,
                         int lease_secs, struct outbox_msg *m);
/* The server took the message: 'sent'. KV_ECONFLICT when the lease was lost. */
enum kv_err outbox_mark_sent(struct db *db, const struct outbox_msg *m, long long now);
/* The attempt failed with error: back to 'queued' after the backoff pause, or 'failed' for
 * good when this was the last attempt (*final = 1). KV_ECONFLICT when the lease was lost. */
enum kv_err outbox_mark_failed(struct db *db, const struct outbox_msg *m, const char *error,
                               const struct outbox_policy *p, long long now, int *final);
/* Gives a message back unsent without counting the attempt (the server is stopping). */
enum kv_err outbox_release(struct db *db, const struct outbox_msg *m, long long now);
/* A lab admin's retry of a 'failed' message: 'queued' now, attempts back to 0 (last_error is
 * kept until the next attempt). KV_ENOTFOUND, or KV_ECONFLICT when it is not failed. */
enum kv_err outbox_retry(struct db *db, long long id, long long now);
/* When the next message becomes claimable (a queued one's run_after, or a lease's end), or 0
 * when none is waiting. May be in the past. */
long long outbox_next_due(struct db *db);
/* Messages in a state ("queued", "sending", "sent", "failed"). */
long long outbox_count(struct db *db, const char *state);
/* The newest messages first, without body or invitation: id, kind, to_user_id, to_addr,
 * subject, state, attempts, max_attempts, last_error, created_at, sent_at, next_attempt_at,
 * meeting_id, submission_id. state NULL and ids 0 do not filter; limit 0 means 100. NULL on a
 * database error. The caller owns the array. */
json_t *outbox_list_json(struct db *db, const char *state, long long meeting_id,
                         long long submission_id, int limit);
/* One message in the same shape; NULL with *rc KV_ENOTFOUND or an error. */
json_t *outbox_get_json(struct db *db, long long id, enum kv_err *rc);

#endif
