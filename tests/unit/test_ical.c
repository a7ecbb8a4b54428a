/* Unit tests for meeting invitations: each .ics made by report/ical.c is parsed back with
 * libical and checked field by field, and for CRLF line ends and folding. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include <libical/ical.h>

#include "report/ical.h"
#include "util/buf.h"

#define START 1900000000 /* 2030-03-17T17:46:40Z */
#define STAMP 1899990000
#define UID "meeting-7-3f9a2c@kvalab"
#define LINK "https://meet.example.org/kvalab/room-7?pwd=abc;x=1,2"

static const struct ical_person people[] = {
    {"Åse Ødegård Bjørnæs", "therapist@clinic.example"},
    {"Rita \"the rater\" Ratersen, PhD", "rater@lab.example"},
};

static void meeting(struct ical_meeting *m, int sequence, int cancel, time_t start)
{
	memset(m, 0, sizeof(*m));
	m->uid = UID;
	m->sequence = sequence;
	m->cancel = cancel;
	m->start = start;
	m->duration_min = 45;
	m->stamp = STAMP + sequence;
	m->summary = "Tilbakemeldingsmøte – øving på mentalisering";
	m->description = "Vi går gjennom profilen og de tre forbedringspunktene. Ta med spørsmål "
	                 "om øvelsene; lenken til møtet står under.\nHilsen laben, Ærlig talt.";
	m->link = LINK;
	m->organizer.name = "Kari Veileder";
	m->organizer.email = "supervisor@lab.example";
	m->attendees = people;
	m->attendee_count = 2;
}

/* Writes m and parses it back; NULL (test failed) when either step fails. */
static icalcomponent *write_and_parse(const struct ical_meeting *m, struct kv_buf *out)
{
	char err[256] = "";

	if (ical_meeting_write(m, out, err, sizeof(err))) {
		printf("    ical_meeting_write: %s\n", err);
		return NULL;
	}
	return icalparser_parse_string(kv_buf_str(out));
}

static icalcomponent *event_of(icalcomponent *cal)
{
	return icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
}

static const char *param_cn(icalproperty *p)
{
	icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);

	return cn ? icalparameter_get_cn(cn) : NULL;
}

/* Every line ends in CRLF, none is longer than 75 octets without it, and there is no bare
 * CR or LF. Returns 0 or the 1-based number of the first bad line. */
static int bad_line(const char *s)
{
	int line = 1;
	const char *start = s, *p;

	for (p = s; *p; p++) {
		if (*p == '\r' && p[1] != '\n')
			return line;
		if (*p == '\n') {
			if (p == s || p[-1] != '\r' || (size_t)(p - 1 - start) > 75)
				return line;
			start = p + 1;
			line++;
		}
	}
	return *start ? line : 0; /* the last line must end in CRLF too */
}

TEST(test_ical_request_has_every_field_and_parses_back)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct ical_meeting m;
	icalcomponent *cal, *ev;
	icalproperty *p;
	struct icaltimetype t;
	int n = 0;

	meeting(&m, 0, 0, START);
	cal = write_and_parse(&m, &out);
	CHECK(cal != NULL);
	CHECK(strstr(kv_buf_str(&out), "PRODID:-//kvalab//kvalab//EN\r\n") != NULL);
	CHECK(strstr(kv_buf_str(&out), "VERSION:2.0\r\n") != NULL);
	CHECK_INT(icalcomponent_get_method(cal), ICAL_METHOD_REQUEST);
	ev = event_of(cal);
	CHECK(ev != NULL);
	CHECK_STR(icalcomponent_get_uid(ev), UID);
	CHECK_INT(icalcomponent_get_sequence(ev), 0);
	t = icalcomponent_get_dtstart(ev);
	CHECK(icaltime_is_utc(t));
	CHECK_INT(icaltime_as_timet(t), START);
	CHECK_INT(icaltime_as_timet(icalcomponent_get_dtstamp(ev)), STAMP);
	CHECK_INT(icaldurationtype_as_int(icalcomponent_get_duration(ev)), 45 * 60);
	CHECK_STR(icalcomponent_get_summary(ev), m.summary);
	CHECK_STR(icalcomponent_get_description(ev), m.description);
	CHECK_STR(icalcomponent_get_location(ev), LINK);
	p = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
	CHECK(p != NULL);
	CHECK_STR(icalproperty_get_url(p), LINK);
	CHECK_INT(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
	CHECK(p != NULL);
	CHECK_STR(icalproperty_get_organizer(p), "mailto:supervisor@lab.example");
	CHECK_STR(param_cn(p), "Kari Veileder");
	for (p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY), n++) {
		char want[64];
		icalparameter *role = icalproperty_get_first_parameter(p, ICAL_ROLE_PARAMETER);
		icalparameter *ps = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
		icalparameter *rsvp = icalproperty_get_first_parameter(p, ICAL_RSVP_PARAMETER);
		snprintf(want, sizeof(want), "mailto:%s", people[n].email);
		CHECK(n < 2);
		CHECK_STR(icalproperty_get_attendee(p), want);
		CHECK(role && icalparameter_get_role(role) == ICAL_ROLE_REQPARTICIPANT);
		CHECK(ps && icalparameter_get_partstat(ps) == ICAL_PARTSTAT_NEEDSACTION);
		CHECK(rsvp && icalparameter_get_rsvp(rsvp) == ICAL_RSVP_TRUE);
	}
	CHECK_INT(n, 2);
	p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	CHECK_STR(param_cn(p), "Åse Ødegård Bjørnæs");
	/* A quote cannot stand in a parameter value: it becomes an apostrophe. */
	p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY);
	CHECK_STR(param_cn(p), "Rita 'the rater' Ratersen, PhD");
	icalcomponent_free(cal);
	kv_buf_release(&out);
}

TEST(test_ical_uses_crlf_and_folds_long_lines_at_75_octets)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct ical_meeting m;
	icalcomponent *cal;
	char desc[2000];
	size_t i;

	/* A long description of æ ø å forces folds in the middle of multi-byte text. */
	desc[0] = '\0';
	for (i = 0; i < 40; i++)
		snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), "ærlig øving på å %zu ",
		         i);
	/* libical's parser drops white space at the end of a value, so none is left there. */
	desc[strlen(desc) - 1] = '\0';
	meeting(&m, 0, 0, START);
	m.description = desc;
	cal = write_and_parse(&m, &out);
	CHECK(cal != NULL);
	CHECK_INT(bad_line(kv_buf_str(&out)), 0);
	CHECK(strstr(kv_buf_str(&out), "\r\n ") != NULL); /* it was folded */
	CHECK_STR(icalcomponent_get_description(event_of(cal)), desc);
	icalcomponent_free(cal);
	kv_buf_release(&out);
}

TEST(test_ical_reschedule_keeps_uid_and_raises_sequence)
{
	struct kv_buf first = KV_BUF_INIT(1 << 20), second = KV_BUF_INIT(1 << 20);
	struct ical_meeting m;
	icalcomponent *a, *b;

	meeting(&m, 0, 0, START);
	a = write_and_parse(&m, &first);
	meeting(&m, 1, 0, START + 86400 + 1800);
	m.duration_min = 60;
	b = write_and_parse(&m, &second);
	CHECK(a && b);
	CHECK_INT(icalcomponent_get_method(b), ICAL_METHOD_REQUEST);
	CHECK_STR(icalcomponent_get_uid(event_of(b)), icalcomponent_get_uid(event_of(a)));
	CHECK_INT(icalcomponent_get_sequence(event_of(b)), 1);
	CHECK_INT(icaltime_as_timet(icalcomponent_get_dtstart(event_of(b))), START + 86400 + 1800);
	CHECK_INT(icaldurationtype_as_int(icalcomponent_get_duration(event_of(b))), 3600);
	CHECK_INT(icalcomponent_get_status(event_of(b)), ICAL_STATUS_CONFIRMED);
	icalcomponent_free(a);
	icalcomponent_free(b);
	kv_buf_release(&first);
	kv_buf_release(&second);
}

TEST(test_ical_cancel_has_method_cancel_status_cancelled_and_sequence_2)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct ical_meeting m;
	icalcomponent *cal;

	meeting(&m, 2, 1, START + 86400 + 1800);
	cal = write_and_parse(&m, &out);
	CHECK(cal != NULL);
	CHECK_INT(icalcomponent_get_method(cal), ICAL_METHOD_CANCEL);
	CHECK_STR(icalcomponent_get_uid(event_of(cal)), UID);
	CHECK_INT(icalcomponent_get_sequence(event_of(cal)), 2);
	CHECK_INT(icalcomponent_get_status(event_of(cal)), ICAL_STATUS_CANCELLED);
	CHECK(icalcomponent_get_first_property(event_of(cal), ICAL_ATTENDEE_PROPERTY) != NULL);
	CHECK(strstr(kv_buf_str(&out), "METHOD:CANCEL\r\n") != NULL);
	CHECK(strstr(kv_buf_str(&out), "STATUS:CANCELLED\r\n") != NULL);
	icalcomponent_free(cal);
	kv_buf_release(&out);
}

/* Writes m, which must be refused with a reason containing want; nothing is appended. */
static int refused(const struct ical_meeting *m, const char *want)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	char err[256] = "";
	int ok = ical_meeting_write(m, &out, err, sizeof(err)) == -1 && out.len == 0 &&
	         strstr(err, want) != NULL;

	if (!ok)
		printf("    expected a refusal with \"%s\", got \"%s\"\n", want, err);
	kv_buf_release(&out);
	return ok;
}

TEST(test_ical_refuses_bad_input_with_a_reason)
{
	struct ical_person bad = {"X", "not-an-address"};
	struct ical_meeting m;

	meeting(&m, 0, 0, START);
	m.uid = "";
	CHECK(refused(&m, "UID"));
	meeting(&m, 0, 0, START);
	m.uid = NULL;
	CHECK(refused(&m, "UID"));
	meeting(&m, 0, 0, START);
	m.duration_min = 0;
	CHECK(refused(&m, "duration"));
	m.duration_min = -30;
	CHECK(refused(&m, "duration"));
	meeting(&m, 0, 0, START);
	m.link = "ftp://meet.example.org/x";
	CHECK(refused(&m, "https://"));
	m.link = "javascript:alert(1)";
	CHECK(refused(&m, "https://"));
	m.link = "https://meet.example.org/a b";
	CHECK(refused(&m, "spaces"));
	m.link = "";
	CHECK(refused(&m, "link"));
	meeting(&m, 0, 0, START);
	m.sequence = -1;
	CHECK(refused(&m, "SEQUENCE"));
	meeting(&m, 0, 0, START);
	m.attendee_count = 0;
	CHECK(refused(&m, "attendee"));
	meeting(&m, 0, 0, START);
	m.attendees = &bad;
	m.attendee_count = 1;
	CHECK(refused(&m, "e-mail"));
	meeting(&m, 0, 0, START);
	m.summary = "Møte\r\nATTENDEE:mailto:evil@example.org";
	CHECK(refused(&m, "control characters"));
	meeting(&m, 0, 0, START);
	m.organizer.email = "a@b.example\r\nX:1";
	CHECK(refused(&m, "organizer"));
}

TEST(test_ical_description_escapes_separators)
{
	struct kv_buf out = KV_BUF_INIT(1 << 20);
	struct ical_meeting m;
	icalcomponent *cal;

	meeting(&m, 0, 0, START);
	m.description = "a, b; c\\d\nnew line";
	cal = write_and_parse(&m, &out);
	CHECK(cal != NULL);
	CHECK(strstr(kv_buf_str(&out), "DESCRIPTION:a\\, b\\; c\\\\d\\nnew line\r\n") != NULL);
	CHECK_STR(icalcomponent_get_description(event_of(cal)), m.description);
	icalcomponent_free(cal);
	kv_buf_release(&out);
}
