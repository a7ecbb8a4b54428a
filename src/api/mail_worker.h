/* The outbox worker: one thread per server process that sends queued mail (db/outbox.h)
 * with report/mail.h, records each result and audits it. */
#ifndef KV_API_MAIL_WORKER_H
#define KV_API_MAIL_WORKER_H

#include "api/api.h"
#include "db/outbox.h"
#include "report/mail.h"

/* Starts the worker for this process (once). It copies mail (the password into locked
 * memory, wiped at stop) and policy; ctx must outlive it. It looks at the outbox every
 * poll_seconds, at once when woken, and when the next retry falls due. Returns 0, or -1 when
 * it runs already or the thread cannot start. */
int mail_worker_start(struct api_ctx *ctx, const struct mail_config *mail,
                      const struct outbox_policy *policy, int poll_seconds);
/* Asks the worker to look at the outbox now: call it after the transaction that queued a
 * message has committed. Does nothing when no worker runs in this process (mail off, the
 * command line, unit tests). Safe from any thread. */
void mail_worker_wake(void);
/* Stops the worker. A message still being handed over is abandoned and given back unsent;
 * one already handed over waits for the server's answer. Waits at most wait_seconds; returns
 * 1 when the thread ended (or none ran), 0 when it was left behind (its lease then expires and
 * the message is tried again at the next start). */
int mail_worker_stop(int wait_seconds);

#endif
