/* The mail outbox: messages are queued in the same transaction as the change they announce,
 * and a worker sends them, retrying with growing pauses until max_attempts, then marks them
 * failed (visible in the UI; never dropped silently). */
#ifndef KV_DB_OUTBOX_H
#define KV_DB_OUTBOX_H

#include <time.h>

#include "db/db.h"

struct outbox_new {
	const char *kind;       /* "feedback_published", "meeting_invite", "meeting_update",
	                         * "meeting_cancel" */
	long long to_user_id;   /* 0 when not a user */
	const char *to_addr;
	const char *subject;
	const char *body;
	const char *ics;        /* NULL or the invitation */
	const char *ics_method; /* NULL, "REQUEST" or "CANCEL" */
	long long submission_id; /* 0 when none */
	long long meeting_id;    /* 0 when none */
};

/* Queues a message; the caller's transaction decides whether it stays. Returns its id or -1. */
long long outbox_enqueue(struct db *db, const struct outbox_new *m, time_t now);

#endif
