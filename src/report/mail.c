/* Mail over SMTP with libcurl: the message is built here as RFC 5322 + MIME text (so it can be
 * tested without a server) and handed to curl, which speaks SMTP, dot-stuffs and does TLS. */
#include "report/mail.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "core/validate.h"
#include "util/banned.h"

#define MAIL_MAX_BYTES (8u * 1024 * 1024)
#define MAIL_SUBJECT_MAX 998
#define MAIL_DEFAULT_TIMEOUT 30
#define MAIL_CONNECT_TIMEOUT 15
/* RFC 2047: a line with encoded words is at most 76 characters. 39 bytes of text make 52 of
 * base64, a 64-character word: "Subject: " and one word fit on the first line. */
#define EW_BYTES 39
/* RFC 2045: quoted-printable and base64 lines are at most 76 characters. */
#define QP_LINE 76
#define B64_LINE 76

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready = -1;

static void curl_start(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int mail_global_init(void)
{
	pthread_once(&curl_once, curl_start);
	return curl_ready;
}

int mail_enabled(const struct mail_config *c)
{
	return c && c->url[0] != '\0';
}

/* Splits a From value into its display name (may be empty) and address. */
static int parse_from(const char *from, char *name, size_t name_cap, char *addr, size_t addr_cap)
{
	const char *lt = strrchr(from, '<'), *gt, *s, *e;
	size_t n;

	if (!lt) {
		if (snprintf(addr, addr_cap, "%s", from) >= (int)addr_cap)
			return -1;
		name[0] = '\0';
	} else {
		gt = strchr(lt, '>');
		if (!gt || gt[1] != '\0')
			return -1;
		n = (size_t)(gt - lt - 1);
		if (n >= addr_cap)
			return -1;
		memcpy(addr, lt + 1, n);
		addr[n] = '\0';
		for (s = from; *s == ' '; s++)
			;
		for (e = lt; e > s && e[-1] == ' '; e--)
			;
		if (e - s >= 2 && *s == '"' && e[-1] == '"') {
			s++;
			e--;
		}
		n = (size_t)(e - s);
		if (n >= name_cap)
			return -1;
		memcpy(name, s, n);
		name[n] = '\0';
	}
	return validate_email(addr) ? -1 : 0;
}

int mail_from_address(const char *from, char *out, size_t cap)
{
	char name[256];

	return parse_from(from, name, sizeof(name), out, cap);
}

int mail_config_check(const struct mail_config *c, char *err, size_t errlen)
{
	char name[256], addr[256];
	const char *host;

	if (!mail_enabled(c))
		return 0;
	if (!strncmp(c->url, "smtp://", 7))
		host = c->url + 7;
	else if (!strncmp(c->url, "smtps://", 8))
		host = c->url + 8;
	else {
		snprintf(err, errlen, "url must start with smtp:// or smtps://");
		return -1;
	}
	if (!*host || *host == '/' || *host == ':') {
		snprintf(err, errlen, "url names no server");
		return -1;
	}
	if (strchr(host, '@')) {
		snprintf(err, errlen,
		         "url must not contain a user name or password; use username and "
		         "password (or password_file)");
		return -1;
	}
	if (validate_text(c->url, sizeof(c->url), 0) || strchr(c->url, ' ')) {
		snprintf(err, errlen, "url must not contain spaces or control characters");
		return -1;
	}
	if (!c->from[0]) {
		snprintf(err, errlen,
		         "from is required when url is set (e.g. kvalab <lab@example.org>)");
		return -1;
	}
	if (validate_text(c->from, sizeof(c->from), 0) ||
	    parse_from(c->from, name, sizeof(name), addr, sizeof(addr))) {
		snprintf(err, errlen, "from must be an address, or a name and <address>");
		return -1;
	}
	if (c->password[0] && !c->username[0]) {
		snprintf(err, errlen, "a password needs a username");
		return -1;
	}
	return 0;
}

static int is_ascii_plain(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
			return 0;
	return strstr(s, "=?") == NULL;
}

static int add_base64(struct kv_buf *out, const unsigned char *p, size_t n)
{
	char tmp[4 * ((EW_BYTES > 57 ? EW_BYTES : 57) / 3 + 1) + 1];

	sodium_bin2base64(tmp, sizeof(tmp), p, n, sodium_base64_VARIANT_ORIGINAL);
	return kv_buf_adds(out, tmp);
}

/* Encoded words for UTF-8 text, each whole characters only, separated by a folding space. */
static int add_encoded_words(struct kv_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	int first = 1;

	while (left) {
		n = left < EW_BYTES ? left : EW_BYTES;
		/* Never cut a character: step back over continuation bytes. */
		while (n < left && n > 0 && (p[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			return -1;
		if ((!first && kv_buf_adds(out, "\r\n ")) || kv_buf_adds(out, "=?UTF-8?B?") ||
		    add_base64(out, p, n) || kv_buf_adds(out, "?="))
			return -1;
		first = 0;
		p += n;
		left -= n;
	}
	return 0;
}

/* An unstructured header: plain when it is short printable ASCII, else encoded words. */
static int add_unstructured(struct kv_buf *out, const char *name, const char *value)
{
	if (kv_buf_addf(out, "%s: ", name))
		return -1;
	if (is_ascii_plain(value) && strlen(name) + 2 + strlen(value) <= 78)
		return kv_buf_adds(out, value) || kv_buf_adds(out, "\r\n");
	if (!*value)
		return kv_buf_adds(out, "\r\n");
	return add_encoded_words(out, value) || kv_buf_adds(out, "\r\n");
}

static int add_from(struct kv_buf *out, const char *from)
{
	char name[256], addr[256];
	const char *p;

	if (parse_from(from, name, sizeof(name), addr, sizeof(addr)))
		return -1;
	if (!name[0])
		return kv_buf_addf(out, "From: %s\r\n", addr);
	if (kv_buf_adds(out, "From: "))
		return -1;
	if (is_ascii_plain(name)) {
		if (kv_buf_addch(out, '"'))
			return -1;
		for (p = name; *p; p++)
			if ((*p == '"' || *p == '\\')
			        ? kv_buf_addch(out, '\\') || kv_buf_addch(out, *p)
			        : kv_buf_addch(out, *p))
				return -1;
		if (kv_buf_addch(out, '"'))
			return -1;
	} else if (add_encoded_words(out, name)) {
		return -1;
	}
	return kv_buf_addf(out, " <%s>\r\n", addr);
}

static int add_date(struct kv_buf *out, time_t now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return -1;
	return kv_buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	                   tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	                   tm.tm_sec);
}

/* Quoted-printable (RFC 2045 6.7) with CRLF line ends, whatever the text used. A line that
 * starts with "." or "From " gets its first character encoded, so no relay mangles it. */
static int add_quoted_printable(struct kv_buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;
	char enc[4];

	while (*p) {
		unsigned char c = *p;
		int line_end = c == '\n' || c == '\r';
		size_t w;

		if (line_end) {
			if (c == '\r' && p[1] == '\n')
				p++;
			p++;
			if (kv_buf_adds(out, "\r\n"))
				return -1;
			col = 0;
			continue;
		}
		if ((c == ' ' || c == '\t') && (p[1] == '\0' || p[1] == '\n' || p[1] == '\r'))
			w = 3; /* trailing white space would be stripped in transit */
		else if (col == 0 &&
		         (c == '.' || (c == 'F' && !strncmp((const char *)p, "From ", 5))))
			w = 3;
		else if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t')
			w = 1;
		else
			w = 3;
		if (w == 1) {
			enc[0] = (char)c;
			enc[1] = '\0';
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			enc[3] = '\0';
		}
		/* Keep one column for the soft break's "=". */
		if (col + w > QP_LINE - 1) {
			if (kv_buf_adds(out, "=\r\n"))
				return -1;
			col = 0;
		}
		if (kv_buf_adds(out, enc))
			return -1;
		col += w;
		p++;
	}
	/* The last line ends like the others (a message must end with CRLF). */
	return col ? kv_buf_adds(out, "\r\n") : 0;
}

static int add_base64_lines(struct kv_buf *out, const char *data)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t left = strlen(data), n;

	/* 57 bytes make one 76-character line. */
	while (left) {
		n = left < 57 ? left : 57;
		if (add_base64(out, p, n) || kv_buf_adds(out, "\r\n"))
			return -1;
		p += n;
		left -= n;
	}
	return 0;
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char r[32];

	if (bytes > sizeof(r))
		bytes = sizeof(r);
	randombytes_buf(r, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, r, bytes);
}

static int refuse(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

static int check_message(const struct mail_message *m, char *err, size_t errlen)
{
	const char *why;

	if (!m->to || !*m->to)
		return refuse(err, errlen, "the recipient is required");
	if (strchr(m->to, '\r') || strchr(m->to, '\n'))
		return refuse(err, errlen, "the recipient must not contain line breaks");
	if ((why = validate_email(m->to))) {
		snprintf(err, errlen, "the recipient %s", why);
		return -1;
	}
	if (!m->subject)
		return refuse(err, errlen, "the subject is required");
	if (strchr(m->subject, '\r') || strchr(m->subject, '\n'))
		return refuse(err, errlen, "the subject must not contain line breaks");
	if ((why = validate_text(m->subject, MAIL_SUBJECT_MAX, 0))) {
		snprintf(err, errlen, "the subject %s", why);
		return -1;
	}
	if (!m->body)
		return refuse(err, errlen, "the body is required");
	if ((why = validate_text(m->body, MAIL_MAX_BYTES / 2, 1))) {
		snprintf(err, errlen, "the body %s", why);
		return -1;
	}
	if (m->ics) {
		if (!m->ics_method ||
		    (strcmp(m->ics_method, "REQUEST") && strcmp(m->ics_method, "CANCEL")))
			return refuse(err, errlen,
			              "an invitation's method must be REQUEST or CANCEL");
		if (validate_text(m->ics, MAIL_MAX_BYTES / 4, 1))
			return refuse(err, errlen, "the invitation is not valid UTF-8 text");
	}
	return 0;
}

int mail_format(const struct mail_config *c, const struct mail_message *m, time_t now,
                struct kv_buf *out, char *err, size_t errlen)
{
	char name[256], addr[256], id[33], outer[33], inner[33];
	const char *domain;
	int bad = 0;

	if (check_message(m, err, errlen))
		return -1;
	if (parse_from(c->from, name, sizeof(name), addr, sizeof(addr)))
		return refuse(err, errlen, "[mail] from is not a usable address");
	domain = strchr(addr, '@') + 1;
	random_hex(id, 16);
	random_hex(outer, 12);
	random_hex(inner, 12);

	bad |= add_date(out, now);
	bad |= add_from(out, c->from);
	bad |= kv_buf_addf(out, "To: %s\r\n", m->to);
	bad |= add_unstructured(out, "Subject", m->subject);
	bad |= kv_buf_addf(out, "Message-ID: <%lld.%s@%s>\r\n", (long long)now, id, domain);
	bad |= kv_buf_adds(out, "MIME-Version: 1.0\r\n");
	/* RFC 3834: no vacation replies to messages made by a program. */
	bad |= kv_buf_adds(out, "Auto-Submitted: auto-generated\r\n");
	if (!m->ics) {
		bad |= kv_buf_adds(out, "Content-Type: text/plain; charset=UTF-8\r\n"
		                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		bad |= add_quoted_printable(out, m->body);
	} else {
		/* The shape calendar programs expect: the text and the calendar object as
		 * alternatives (so the invitation shows Accept/Decline), plus the file. */
		bad |= kv_buf_addf(out,
		                   "Content-Type: multipart/mixed; boundary=\"kv-%s\"\r\n\r\n"
		                   "This is a message in MIME format.\r\n\r\n"
		                   "--kv-%s\r\n"
		                   "Content-Type: multipart/alternative; boundary=\"kv-%s\"\r\n\r\n"
		                   "--kv-%s\r\n"
		                   "Content-Type: text/plain; charset=UTF-8\r\n"
		                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
		                   outer, outer, inner, inner);
		bad |= add_quoted_printable(out, m->body);
		bad |= kv_buf_addf(out,
		                   "--kv-%s\r\n"
		                   "Content-Type: text/calendar; charset=UTF-8; method=%s\r\n"
		                   "Content-Transfer-Encoding: base64\r\n\r\n",
		                   inner, m->ics_method);
		bad |= add_base64_lines(out, m->ics);
		bad |= kv_buf_addf(out,
		                   "--kv-%s--\r\n\r\n"
		                   "--kv-%s\r\n"
		                   "Content-Type: application/ics; name=\"invite.ics\"\r\n"
		                   "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
		                   "Content-Transfer-Encoding: base64\r\n\r\n",
		                   inner, outer);
		bad |= add_base64_lines(out, m->ics);
		bad |= kv_buf_addf(out, "--kv-%s--\r\n", outer);
	}
	if (bad)
		return refuse(err, errlen, "the message is too large");
	return 0;
}

struct upload {
	const char *data;
	size_t len, pos;
	const volatile int *stop;
	int interrupted;
	char reply[200]; /* the server's last reply line */
};

static size_t read_body(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->len - u->pos)
		n = u->len - u->pos;
	memcpy(buf, u->data + u->pos, n);
	u->pos += n;
	return n;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	struct upload *u = arg;

	(void)dltotal;
	(void)dlnow;
	/* Once every byte is out the server may already have taken it: wait for its answer
	 * rather than risk sending the message twice. */
	if (u->stop && *u->stop && (ulnow < ultotal || u->pos < u->len)) {
		u->interrupted = 1;
		return 1;
	}
	return 0;
}

/* Keeps the server's last refusal (a 4xx or 5xx reply, not the 221 to our QUIT after it) for
 * the error message. Only what the server says is read: what we send (AUTH with the
 * password) is never looked at. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct upload *u = arg;
	size_t i, n = 0;

	(void)h;
	if (type != CURLINFO_HEADER_IN || size < 3 || (data[0] != '4' && data[0] != '5'))
		return 0;
	for (i = 0; i < size && n + 1 < sizeof(u->reply); i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == '\r' || c == '\n')
			break;
		u->reply[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	u->reply[n] = '\0';
	return 0;
}

enum mail_result mail_send_until(const struct mail_config *c, const struct mail_message *m,
                                 const volatile int *stop, char *err, size_t errlen)
{
	struct kv_buf msg = KV_BUF_INIT(MAIL_MAX_BYTES);
	struct curl_slist *rcpt = NULL;
	struct upload up;
	char from[256], to[300], curl_err[CURL_ERROR_SIZE];
	long timeout = c->timeout_s > 0 ? c->timeout_s : MAIL_DEFAULT_TIMEOUT;
	long code = 0;
	enum mail_result rc = MAIL_FAILED;
	CURL *h = NULL;
	CURLcode res;

	err[0] = '\0';
	if (!mail_enabled(c)) {
		snprintf(err, errlen, "mail is not configured ([mail] url in kvalab.ini)");
		return MAIL_FAILED;
	}
	if (mail_config_check(c, err, errlen) || mail_format(c, m, time(NULL), &msg, err, errlen))
		goto out;
	if (mail_global_init() || !(h = curl_easy_init())) {
		snprintf(err, errlen, "libcurl could not be initialised");
		goto out;
	}
	mail_from_address(c->from, from + 1, sizeof(from) - 2);
	from[0] = '<';
	snprintf(from + strlen(from), sizeof(from) - strlen(from), ">");
	snprintf(to, sizeof(to), "<%s>", m->to);
	rcpt = curl_slist_append(NULL, to);
	memset(&up, 0, sizeof(up));
	up.data = msg.data;
	up.len = msg.len;
	up.stop = stop;
	curl_err[0] = '\0';

	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 timeout < MAIL_CONNECT_TIMEOUT ? timeout : (long)MAIL_CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	if (c->username[0]) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	}
	if (c->starttls || !strncmp(c->url, "smtps://", 8))
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &up);
	/* Verbose only so on_debug sees the server's replies; nothing is printed. */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &up);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);

	res = curl_easy_perform(h);
	if (res == CURLE_OK) {
		rc = MAIL_SENT;
		goto out;
	}
	if (res == CURLE_ABORTED_BY_CALLBACK && up.interrupted) {
		snprintf(err, errlen, "interrupted: the server is shutting down");
		rc = MAIL_INTERRUPTED;
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (up.reply[0])
		snprintf(err, errlen, "%s (the server said: %s)",
		         curl_err[0] ? curl_err : curl_easy_strerror(res), up.reply);
	else
		snprintf(err, errlen, "%s", curl_err[0] ? curl_err : curl_easy_strerror(res));
out:
	if (h)
		curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	kv_buf_release(&msg);
	return rc;
}

int mail_send(const struct mail_config *c, const struct mail_message *m, char *err, size_t errlen)
{
	return mail_send_until(c, m, NULL, err, errlen) == MAIL_SENT ? 0 : -1;
}
