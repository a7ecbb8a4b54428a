/* Sending one message over SMTP with libcurl: a plain-text body and, for invitations, a
 * text/calendar part. The outbox (db/outbox.h) decides when and retries. */
#ifndef KV_REPORT_MAIL_H
#define KV_REPORT_MAIL_H

#include <stddef.h>

struct mail_config {
	char url[256];       /* "smtp://127.0.0.1:2525" or "smtps://..."; empty: mail is off */
	char from[256];      /* "kvalab <lab@example.org>" */
	char username[128];  /* empty: no authentication */
	char password[128];
	int starttls;        /* 1: require STARTTLS on smtp:// */
	int timeout_s;       /* whole-transfer limit */
};

struct mail_message {
	const char *to;          /* one address */
	const char *subject;     /* UTF-8; encoded as RFC 2047 when needed */
	const char *body;        /* UTF-8 plain text */
	const char *ics;         /* NULL, or an iCalendar object to attach */
	const char *ics_method;  /* "REQUEST" or "CANCEL" with ics */
};

/* Sends m. Returns 0, or -1 with the server's or curl's reason in err. */
int mail_send(const struct mail_config *c, const struct mail_message *m, char *err, size_t errlen);

#endif
