/* Unit tests for the mail message format (headers, encoded words, quoted-printable, the
 * invitation's parts) and the configuration check; sending itself is tested against a real
 * SMTP server in tests/api/mail.test.mjs. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "report/mail.h"
#include "util/buf.h"

#define ICS "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Møte\r\nEND:VCALENDAR\r\n"

static struct mail_config config(void)
{
	struct mail_config c;

	memset(&c, 0, sizeof(c));
	snprintf(c.url, sizeof(c.url), "smtp://127.0.0.1:2525");
	snprintf(c.from, sizeof(c.from), "Kvalitetslaben Ås <lab@lab.example>");
	c.timeout_s = 5;
	return c;
}

static int format(const struct mail_message *m, struct kv_buf *out, char *err, size_t errlen)
{
	struct mail_config c = config();

	return mail_format(&c, m, 1900000000, out, err, errlen);
}

/* The value of a header (unfolded, still encoded), copied into out; NULL when absent. */
static const char *header(const char *msg, const char *name, char *out, size_t cap)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg;
	size_t n = strlen(name), k = 0;

	while (p && p < end) {
		if (!strncmp(p, name, n) && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			while (p < end && k + 1 < cap) {
				if (p[0] == '\r' && p[1] == '\n') {
					if (p[2] != ' ' && p[2] != '\t')
						break;
					p += 2;
					continue;
				}
				out[k++] = *p++;
			}
			out[k] = '\0';
			return out;
		}
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	return NULL;
}

/* Decodes RFC 2047 B-encoded words (UTF-8), with the white space between them dropped. */
static int decode_words(const char *s, char *out, size_t cap)
{
	size_t k = 0, len;
	const char *p = s;

	while (*p) {
		if (!strncmp(p, "=?UTF-8?B?", 10)) {
			const char *e = strstr(p + 10, "?=");
			if (!e || sodium_base642bin((unsigned char *)out + k, cap - k - 1, p + 10,
			                            (size_t)(e - p - 10), NULL, &len, NULL,
			                            sodium_base64_VARIANT_ORIGINAL))
				return -1;
			k += len;
			p = e + 2;
			while (*p == ' ')
				p++;
		} else {
			if (k + 1 >= cap)
				return -1;
			out[k++] = *p++;
		}
	}
	out[k] = '\0';
	return 0;
}

/* Decodes quoted-printable text. */
static void decode_qp(const char *s, char *out, size_t cap)
{
	size_t k = 0;

	while (*s && k + 1 < cap) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=' && s[1] && s[2]) {
			char hex[3] = {s[1], s[2], 0};
			out[k++] = (char)strtol(hex, NULL, 16);
			s += 3;
		} else {
			out[k++] = *s++;
		}
	}
	out[k] = '\0';
}

static int max_line(const char *s)
{
	int longest = 0, n = 0;

	for (; *s; s++) {
		if (*s == '\n') {
			if (n - 1 > longest)
				longest = n - 1; /* without the CR */
			n = 0;
		} else {
			n++;
		}
	}
	return longest;
}

static int bare_line_ends(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((*p == '\n' && (p == s || p[-1] != '\r')) || (*p == '\r' && p[1] != '\n'))
			return 1;
	return 0;
}

TEST(test_mail_format_plain_message_has_the_headers_and_a_qp_body)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct mail_message m = {"therapist@clinic.example", "Your feedback is ready",
	                         "Hei Åse,\n\ntilbakemeldingen er klar: 2+2=4.\n.\nFrom the lab \n",
	                         NULL, NULL};
	char err[256], v[512], body[512];
	const char *s;

	CHECK(format(&m, &out, err, sizeof(err)) == 0);
	s = kv_buf_str(&out);
	CHECK_STR(header(s, "Date", v, sizeof(v)), "Sun, 17 Mar 2030 17:46:40 +0000");
	CHECK_STR(header(s, "To", v, sizeof(v)), "therapist@clinic.example");
	CHECK_STR(header(s, "Subject", v, sizeof(v)), "Your feedback is ready");
	CHECK_STR(header(s, "MIME-Version", v, sizeof(v)), "1.0");
	CHECK_STR(header(s, "Content-Type", v, sizeof(v)), "text/plain; charset=UTF-8");
	CHECK_STR(header(s, "Content-Transfer-Encoding", v, sizeof(v)), "quoted-printable");
	CHECK(header(s, "Message-ID", v, sizeof(v)) != NULL);
	CHECK(v[0] == '<' && strstr(v, "@lab.example>") != NULL);
	CHECK(header(s, "From", v, sizeof(v)) != NULL);
	CHECK(strstr(v, " <lab@lab.example>") != NULL);
	CHECK(decode_words(v, body, sizeof(body)) == 0);
	CHECK_STR(body, "Kvalitetslaben Ås<lab@lab.example>");
	CHECK(!bare_line_ends(s));
	CHECK(max_line(s) <= 76);
	/* "=" and non-ASCII encoded, trailing space and a lone "." protected. */
	CHECK(strstr(s, "2+2=3D4") != NULL);
	CHECK(strstr(s, "\r\n=2E\r\n") != NULL);
	CHECK(strstr(s, "=46rom the lab=20\r\n") != NULL);
	decode_qp(strstr(s, "\r\n\r\n") + 4, body, sizeof(body));
	CHECK_STR(body,
	          "Hei Åse,\r\n\r\ntilbakemeldingen er klar: 2+2=4.\r\n.\r\nFrom the lab \r\n");
	kv_buf_release(&out);
}

TEST(test_mail_format_encodes_a_utf8_subject_as_encoded_words)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	const char *subject = "Tilbakemeldingsmøte med Åse Ødegård Bjørnæs – tirsdag 3. mars kl. "
	                      "14.00, flyttet til onsdag";
	struct mail_message m = {"a@clinic.example", subject, "x", NULL, NULL};
	char err[256], v[1024], decoded[1024];
	const char *s, *p;

	CHECK(format(&m, &out, err, sizeof(err)) == 0);
	s = kv_buf_str(&out);
	CHECK(header(s, "Subject", v, sizeof(v)) != NULL);
	CHECK(strncmp(v, "=?UTF-8?B?", 10) == 0);
	CHECK(decode_words(v, decoded, sizeof(decoded)) == 0);
	CHECK_STR(decoded, subject);
	/* Folded over several lines, each encoded word at most 75 characters. */
	p = strstr(s, "Subject: ");
	CHECK(strstr(p, "?=\r\n =?UTF-8?B?") != NULL);
	CHECK(max_line(s) <= 78);
	kv_buf_release(&out);
}

TEST(test_mail_format_refuses_header_injection)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct mail_message m = {"a@clinic.example\r\nBcc: all@example.org", "Hello", "x", NULL,
	                         NULL};
	char err[256] = "";

	CHECK(format(&m, &out, err, sizeof(err)) == -1);
	CHECK(strstr(err, "line breaks") != NULL);
	m.to = "a@clinic.example";
	m.subject = "Hello\nBcc: all@example.org";
	CHECK(format(&m, &out, err, sizeof(err)) == -1);
	CHECK(strstr(err, "line breaks") != NULL);
	m.subject = "Hello";
	m.to = "not an address";
	CHECK(format(&m, &out, err, sizeof(err)) == -1);
	m.to = "a@clinic.example";
	m.ics = ICS;
	m.ics_method = "PUBLISH";
	CHECK(format(&m, &out, err, sizeof(err)) == -1);
	CHECK_INT(out.len, 0);
	kv_buf_release(&out);
}

TEST(test_mail_format_invitation_has_calendar_alternative_and_attachment)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct mail_message m = {"a@clinic.example", "Invitasjon: tilbakemeldingsmøte",
	                         "Velkommen til møtet.\n", ICS, "REQUEST"};
	char err[256], v[512], ics[512];
	const char *s, *part, *end;
	size_t len;

	CHECK(format(&m, &out, err, sizeof(err)) == 0);
	s = kv_buf_str(&out);
	CHECK(header(s, "Content-Type", v, sizeof(v)) != NULL);
	CHECK(strncmp(v, "multipart/mixed; boundary=", 26) == 0);
	CHECK(strstr(s, "Content-Type: multipart/alternative; boundary=") != NULL);
	part = strstr(s, "Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n");
	CHECK(part != NULL);
	CHECK(strstr(s, "Content-Type: application/ics; name=\"invite.ics\"\r\n") != NULL);
	CHECK(strstr(s, "Content-Disposition: attachment; filename=\"invite.ics\"\r\n") != NULL);
	/* The calendar part decodes to the invitation byte for byte. */
	part = strstr(part, "\r\n\r\n") + 4;
	end = strstr(part, "\r\n--");
	CHECK(end != NULL);
	CHECK(sodium_base642bin((unsigned char *)ics, sizeof(ics) - 1, part, (size_t)(end - part),
	                        "\r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
	ics[len] = '\0';
	CHECK_STR(ics, ICS);
	CHECK(!bare_line_ends(s));
	CHECK(max_line(s) <= 76);
	kv_buf_release(&out);
	m.ics_method = "CANCEL";
	CHECK(format(&m, &out, err, sizeof(err)) == 0);
	CHECK(strstr(kv_buf_str(&out), "method=CANCEL\r\n") != NULL);
	kv_buf_release(&out);
}

TEST(test_mail_format_soft_breaks_long_lines)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	char body[2100], err[256], decoded[4096];
	struct mail_message m = {"a@clinic.example", "Long", body, NULL, NULL};
	size_t i;

	for (i = 0; i < 1000; i++)
		memcpy(body + 2 * i, "ø", 2); /* 2000 bytes, one line */
	body[2000] = '\0';
	CHECK(format(&m, &out, err, sizeof(err)) == 0);
	CHECK(max_line(kv_buf_str(&out)) <= 76);
	decode_qp(strstr(kv_buf_str(&out), "\r\n\r\n") + 4, decoded, sizeof(decoded));
	CHECK(strncmp(decoded, body, 2000) == 0);
	CHECK_STR(decoded + 2000, "\r\n");
	kv_buf_release(&out);
}

TEST(test_mail_config_check_refuses_bad_settings)
{
	struct mail_config c = config();
	char err[256], addr[256];

	CHECK(mail_config_check(&c, err, sizeof(err)) == 0);
	CHECK(mail_enabled(&c));
	snprintf(c.url, sizeof(c.url), "http://mail.example.org");
	CHECK(mail_config_check(&c, err, sizeof(err)) == -1);
	CHECK(strstr(err, "smtp://") != NULL);
	snprintf(c.url, sizeof(c.url), "smtps://user:secret@mail.example.org");
	CHECK(mail_config_check(&c, err, sizeof(err)) == -1);
	CHECK(strstr(err, "password") != NULL);
	CHECK(strstr(err, "secret") == NULL);
	snprintf(c.url, sizeof(c.url), "smtp://");
	CHECK(mail_config_check(&c, err, sizeof(err)) == -1);
	snprintf(c.url, sizeof(c.url), "smtp://mail.example.org:587");
	c.from[0] = '\0';
	CHECK(mail_config_check(&c, err, sizeof(err)) == -1);
	snprintf(c.from, sizeof(c.from), "kvalab <not an address>");
	CHECK(mail_config_check(&c, err, sizeof(err)) == -1);
	snprintf(c.from, sizeof(c.from), "\"kvalab, the lab\" <lab@lab.example>");
	CHECK(mail_config_check(&c, err, sizeof(err)) == 0);
	CHECK(mail_from_address(c.from, addr, sizeof(addr)) == 0);
	CHECK_STR(addr, "lab@lab.example");
	c.url[0] = '\0';
	CHECK(!mail_enabled(&c));
	CHECK(mail_config_check(&c, err, sizeof(err)) == 0);
}

TEST(test_mail_send_reports_an_unreachable_server)
{
	struct mail_config c = config();
	struct mail_message m = {"a@clinic.example", "Hello", "x", NULL, NULL};
	char err[512] = "";

	/* Port 1 on loopback: nothing listens, the connection is refused at once. */
	snprintf(c.url, sizeof(c.url), "smtp://127.0.0.1:1");
	CHECK(mail_global_init() == 0);
	CHECK(mail_send(&c, &m, err, sizeof(err)) == -1);
	CHECK(err[0] != '\0');
	c.url[0] = '\0';
	CHECK(mail_send(&c, &m, err, sizeof(err)) == -1);
	CHECK(strstr(err, "not configured") != NULL);
}
