/* Sending one message over SMTP with libcurl: a plain-text body and, for invitations, a
 * text/calendar part. The outbox (db/outbox.h) decides when and retries. */
#ifndef KV_REPORT_MAIL_H
#define KV_REPORT_MAIL_H

#include <stddef.h>
#include <time.h>

#include "util/buf.h"

struct mail_config {
	char url[256];      /* "smtp://127.0.0.1:2525" or "smtps://..."; empty: mail is off */
	char from[256];     /* "kvalab <lab@example.org>" */
	char username[128]; /* empty: no authentication */
	char password[128];
	int starttls;  /* 1: require STARTTLS on smtp:// */
	int timeout_s; /* whole-transfer limit */
};

struct mail_message {
	const char *to;         /* one address */
	const char *subject;    /* UTF-8; encoded as RFC 2047 when needed */
	const char *body;       /* UTF-8 plain text */
	const char *ics;        /* NULL, or an iCalendar object to attach */
	const char *ics_method; /* "REQUEST" or "CANCEL" with ics */
};

/* Sends m. Returns 0, or -1 with the server's or curl's reason in err. */
int mail_send(const struct mail_config *c, const struct mail_message *m, char *err, size_t errlen);

/* Initialises libcurl once per process; call before starting threads that send. Idempotent.
 * Returns 0 or -1. */
int mail_global_init(void);
/* 1 when c names a server (mail is on), else 0: messages then stay in the outbox. */
int mail_enabled(const struct mail_config *c);
/* Checks a configuration: smtp:// or smtps:// URL without user or password in it, a usable
 * From. Returns 0 or -1 with the reason. An empty url is valid (mail is off). */
int mail_config_check(const struct mail_config *c, char *err, size_t errlen);
/* Copies the bare address of a From value ("Name <a@b.org>" or "a@b.org"). 0 or -1. */
int mail_from_address(const char *from, char *out, size_t cap);

/* The whole RFC 5322 message for m as mail_send transmits it (CRLF line ends): headers
 * (Date for now, Message-ID, RFC 2047 encoded words where needed), a quoted-printable UTF-8
 * body, and with an invitation a text/calendar; method=... alternative plus an invite.ics
 * attachment. Refuses CR or LF in to or subject. Returns 0 or -1 with the reason. */
int mail_format(const struct mail_config *c, const struct mail_message *m, time_t now,
                struct kv_buf *out, char *err, size_t errlen);

/* The result of mail_send_until. */
enum mail_result {
	MAIL_SENT = 0,
	MAIL_FAILED = -1,      /* err says why; the server did not take the message */
	MAIL_INTERRUPTED = -2, /* *stop was set before the whole message was handed over */
};

/* mail_send that gives up while the message is still being handed over once *stop becomes
 * non-zero (a server shutting down); once every byte is out it waits for the server's answer. */
enum mail_result mail_send_until(const struct mail_config *c, const struct mail_message *m,
                                 const volatile int *stop, char *err, size_t errlen);

#endif
