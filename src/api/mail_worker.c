/* The outbox worker thread: claims due messages with a lease, sends them over SMTP, records
 * sent / retry later / failed in the same transaction as the audit event, and sleeps until
 * woken, the next retry, or the next poll. */
#include "api/mail_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "api/api_int.h"
#include "util/banned.h"

/* A lease outlives the longest send (curl's timeout) by this much. */
#define LEASE_MARGIN 60
/* Attempts at recording a result while the database is busy. */
#define RECORD_TRIES 5

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running;
	int woken;
	volatile int stop; /* also read by curl's progress callback while sending */
	int finished;
	struct api_ctx *ctx;
	struct mail_config *mail; /* sodium_malloc: locked, guarded, wiped when freed */
	struct outbox_policy policy;
	int poll_seconds;
} W = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* An audit event written by the server itself, in the caller's transaction. */
static enum kv_err audit(struct db *db, const char *action, long long id, const char *outcome,
                         const char *detail)
{
	struct api_req req;

	memset(&req, 0, sizeof(req));
	req.ctx = W.ctx;
	req.db = db;
	return api_audit_as(&req, 0, "(kvalab)", "system", action, "mail", id, outcome, detail);
}

/* Writes the attempt's result and its audit event in one transaction. */
static enum kv_err record(struct db *db, const struct outbox_msg *m, enum mail_result res,
                          const char *err, int *final)
{
	char detail[1400];
	long long now = (long long)time(NULL);
	enum kv_err rc;

	*final = 0;
	if ((rc = db_begin(db)) != KV_OK)
		return rc;
	if (res == MAIL_SENT) {
		rc = outbox_mark_sent(db, m, now);
		snprintf(detail, sizeof(detail), "%s to %s, attempt %d", m->kind, m->to_addr,
		         m->attempts);
		if (!rc)
			rc = audit(db, "mail.sent", m->id, "success", detail);
	} else if (res == MAIL_INTERRUPTED) {
		rc = outbox_release(db, m, now);
	} else {
		rc = outbox_mark_failed(db, m, err, &W.policy, now, final);
		snprintf(detail, sizeof(detail), "%s to %s, attempt %d of %d: %s", m->kind,
		         m->to_addr, m->attempts, m->max_attempts, err);
		if (!rc)
			rc = audit(db, *final ? "mail.failed" : "mail.attempt_failed", m->id,
			           "failure", detail);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

/* Sends one due message: 1 when one was tried, 0 when none was due, -1 on a database error. */
static int run_one(void)
{
	struct outbox_msg m;
	struct mail_message mm;
	struct db *db = db_pool_acquire(W.ctx->pool);
	enum mail_result res;
	enum kv_err rc;
	char err[1024] = "";
	int final = 0, tries;

	if (!db)
		return -1;
	rc = outbox_claim(db, &W.policy, (long long)time(NULL), W.mail->timeout_s + LEASE_MARGIN,
	                  &m);
	if (rc) {
		db_pool_release(W.ctx->pool, db);
		return rc == KV_ENOTFOUND ? 0 : -1;
	}
	mm.to = m.to_addr;
	mm.subject = m.subject;
	mm.body = m.body;
	mm.ics = m.ics;
	mm.ics_method = m.ics_method;
	res = mail_send_until(W.mail, &mm, &W.stop, err, sizeof(err));
	/* Losing a result would send the message again when the lease ends: try hard. */
	for (tries = 0; tries < RECORD_TRIES; tries++) {
		rc = record(db, &m, res, err, &final);
		if (rc != KV_EUNAVAILABLE)
			break;
		sleep(1);
	}
	if (rc == KV_ECONFLICT)
		fprintf(stderr,
		        "kvalab: mail %lld: its lease ran out while sending; another worker "
		        "took it over\n",
		        m.id);
	else if (rc)
		fprintf(stderr, "kvalab: mail %lld: the result could not be recorded (error %d)\n",
		        m.id, rc);
	if (res == MAIL_SENT)
		fprintf(stderr, "kvalab: mail %lld (%s) to %s sent\n", m.id, m.kind, m.to_addr);
	else if (res == MAIL_INTERRUPTED)
		fprintf(stderr, "kvalab: mail %lld (%s) to %s interrupted; it stays queued\n", m.id,
		        m.kind, m.to_addr);
	else if (final)
		fprintf(stderr, "kvalab: mail %lld (%s) to %s FAILED after %d attempts: %s\n", m.id,
		        m.kind, m.to_addr, m.attempts, err);
	else
		fprintf(
		    stderr,
		    "kvalab: mail %lld (%s) to %s: attempt %d of %d failed, next in %lld s: %s\n",
		    m.id, m.kind, m.to_addr, m.attempts, m.max_attempts,
		    outbox_backoff(&W.policy, m.attempts), err);
	outbox_msg_release(&m);
	db_pool_release(W.ctx->pool, db);
	return rc && rc != KV_ECONFLICT ? -1 : 1;
}

/* Seconds until there may be work: the next retry or lease end, at most one poll. */
static long long idle_seconds(int failed)
{
	struct db *db;
	long long next = 0, now = (long long)time(NULL), wait = W.poll_seconds;

	if (failed)
		return wait;
	db = db_pool_acquire(W.ctx->pool);
	if (db) {
		next = outbox_next_due(db);
		db_pool_release(W.ctx->pool, db);
	}
	if (next && next - now < wait)
		wait = next - now;
	/* run_after has whole seconds: a message due "now" may only become claimable at the
	 * next second, so never spin. */
	return wait < 1 ? 1 : wait;
}

static void *loop(void *arg)
{
	struct timespec until;
	int r = 0;

	(void)arg;
	while (!W.stop) {
		while (!W.stop && (r = run_one()) == 1)
			;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += idle_seconds(r < 0);
		pthread_mutex_lock(&W.lock);
		while (!W.woken && !W.stop)
			if (pthread_cond_timedwait(&W.cond, &W.lock, &until))
				break;
		W.woken = 0;
		pthread_mutex_unlock(&W.lock);
	}
	pthread_mutex_lock(&W.lock);
	W.finished = 1;
	pthread_cond_broadcast(&W.cond);
	pthread_mutex_unlock(&W.lock);
	return NULL;
}

int mail_worker_start(struct api_ctx *ctx, const struct mail_config *mail,
                      const struct outbox_policy *policy, int poll_seconds)
{
	pthread_condattr_t attr;

	if (W.running || mail_global_init())
		return -1;
	W.mail = sodium_malloc(sizeof(*W.mail));
	if (!W.mail)
		return -1;
	memcpy(W.mail, mail, sizeof(*W.mail));
	W.ctx = ctx;
	W.policy = *policy;
	W.poll_seconds = poll_seconds > 0 ? poll_seconds : 5;
	W.stop = 0;
	W.woken = 0;
	W.finished = 0;
	/* A monotonic clock for the waits, so a changed wall clock does not stall the queue. */
	pthread_cond_destroy(&W.cond);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&W.cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&W.thread, NULL, loop, NULL)) {
		sodium_free(W.mail);
		W.mail = NULL;
		return -1;
	}
	W.running = 1;
	return 0;
}

void mail_worker_wake(void)
{
	pthread_mutex_lock(&W.lock);
	W.woken = 1;
	pthread_cond_broadcast(&W.cond);
	pthread_mutex_unlock(&W.lock);
}

int mail_worker_stop(int wait_seconds)
{
	struct timespec until;
	int done;

	if (!W.running)
		return 1;
	pthread_mutex_lock(&W.lock);
	W.stop = 1;
	pthread_cond_broadcast(&W.cond);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_seconds;
	while (!W.finished)
		if (pthread_cond_timedwait(&W.cond, &W.lock, &until))
			break;
	done = W.finished;
	pthread_mutex_unlock(&W.lock);
	if (!done)
		return 0; /* still waiting for a server's answer: left behind, memory and all */
	pthread_join(W.thread, NULL);
	sodium_free(W.mail);
	W.mail = NULL;
	W.running = 0;
	return 1;
}
