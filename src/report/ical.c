/* iCalendar invitations for feedback meetings: one VEVENT in a VCALENDAR with METHOD REQUEST
 * or CANCEL (iTIP, RFC 5546), built with libical so escaping, CRLF line ends and folding
 * follow RFC 5545. */
#include "report/ical.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "core/validate.h"
#include "util/banned.h"

#define ICAL_UID_MAX 255
#define ICAL_LINK_MAX 2000
#define ICAL_TEXT_MAX 10000
#define ICAL_MAX_DURATION_MIN (24 * 60)
#define ICAL_MAX_ATTENDEES 50

static int fail(char *err, size_t errlen, const char *fmt, const char *what)
{
	snprintf(err, errlen, fmt, what);
	return -1;
}

/* An address for a property value: "mailto:" and the address, which validate_email has
 * already kept free of spaces, quotes and separators. */
static void mailto(const char *email, char *out, size_t cap)
{
	snprintf(out, cap, "mailto:%s", email);
}

/* The common name as a parameter value: a DQUOTE cannot appear inside one (RFC 5545 3.2),
 * so it becomes an apostrophe; everything else is quoted by libical when needed. */
static char *param_text(const char *name)
{
	char *s = strdup(name), *p;

	if (!s)
		abort();
	for (p = s; *p; p++)
		if (*p == '"')
			*p = '\'';
	return s;
}

static int check_person(const struct ical_person *p, const char *role, char *err, size_t errlen)
{
	const char *why = NULL;

	if (!p->email || (why = validate_email(p->email))) {
		snprintf(err, errlen, "the %s's e-mail address %s", role,
		         p->email ? why : "is required");
		return -1;
	}
	if (p->name && (why = validate_text(p->name, NAME_MAX_LEN, 0))) {
		snprintf(err, errlen, "the %s's name %s", role, why);
		return -1;
	}
	return 0;
}

static int check_link(const char *link, char *err, size_t errlen)
{
	const char *p;
	size_t n;

	if (!link || !*link)
		return fail(err, errlen, "%s", "the meeting link is required");
	n = strlen(link);
	if (n > ICAL_LINK_MAX)
		return fail(err, errlen, "%s", "the meeting link is too long");
	if (strncmp(link, "https://", 8) && strncmp(link, "http://", 7))
		return fail(err, errlen, "%s",
		            "the meeting link must be a web address starting with https://");
	if (link[link[4] == 's' ? 8 : 7] == '\0')
		return fail(err, errlen, "%s", "the meeting link has no host");
	for (p = link; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return fail(err, errlen, "%s",
			            "the meeting link must not contain spaces, quotes or control "
			            "characters");
	return 0;
}

static int check_meeting(const struct ical_meeting *m, char *err, size_t errlen)
{
	const char *why;
	size_t i;

	if (!m->uid || !*m->uid)
		return fail(err, errlen, "%s", "the meeting's UID is required");
	if (strlen(m->uid) > ICAL_UID_MAX || validate_text(m->uid, ICAL_UID_MAX, 0) ||
	    strchr(m->uid, ' '))
		return fail(err, errlen, "%s",
		            "the meeting's UID must be at most 255 printable characters without "
		            "spaces");
	if (m->sequence < 0)
		return fail(err, errlen, "%s", "the SEQUENCE must not be negative");
	if (m->start <= 0)
		return fail(err, errlen, "%s", "the meeting needs a start time");
	if (m->duration_min <= 0 || m->duration_min > ICAL_MAX_DURATION_MIN)
		return fail(err, errlen, "%s",
		            "the duration must be from 1 minute to 24 hours (1440 minutes)");
	if (!m->summary || !*m->summary)
		return fail(err, errlen, "%s", "the summary is required");
	if ((why = validate_text(m->summary, NAME_MAX_LEN, 0)))
		return fail(err, errlen, "the summary %s", why);
	if (m->description && (why = validate_text(m->description, ICAL_TEXT_MAX, 1)))
		return fail(err, errlen, "the description %s", why);
	if (check_link(m->link, err, errlen))
		return -1;
	if (check_person(&m->organizer, "organizer", err, errlen))
		return -1;
	if (m->attendee_count == 0 || !m->attendees)
		return fail(err, errlen, "%s", "an invitation needs at least one attendee");
	if (m->attendee_count > ICAL_MAX_ATTENDEES)
		return fail(err, errlen, "%s", "an invitation may have at most 50 attendees");
	for (i = 0; i < m->attendee_count; i++)
		if (check_person(&m->attendees[i], "attendee", err, errlen))
			return -1;
	return 0;
}

static icalproperty *person_property(icalproperty *(*make)(const char *),
                                     const struct ical_person *p, int attendee)
{
	char addr[EMAIL_MAX + 16];
	icalproperty *prop;

	mailto(p->email, addr, sizeof(addr));
	prop = make(addr);
	if (p->name && *p->name) {
		char *cn = param_text(p->name);
		icalproperty_add_parameter(prop, icalparameter_new_cn(cn));
		free(cn);
	}
	if (attendee) {
		icalproperty_add_parameter(prop, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(prop,
		                           icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(prop, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return prop;
}

static struct icaltimetype utc(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
}

int ical_meeting_write(const struct ical_meeting *m, struct kv_buf *out, char *err, size_t errlen)
{
	icalcomponent *cal = NULL, *ev;
	char *text = NULL;
	size_t i;
	int rc = -1;

	if (!m)
		return fail(err, errlen, "%s", "no meeting");
	if (check_meeting(m, err, errlen))
		return -1;
	cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//kvalab//kvalab//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(
	    cal, icalproperty_new_method(m->cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));

	ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(m->uid));
	icalcomponent_add_property(ev, icalproperty_new_sequence(m->sequence));
	icalcomponent_add_property(ev,
	                           icalproperty_new_dtstamp(utc(m->stamp ? m->stamp : time(NULL))));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc(m->start)));
	/* DTEND rather than DURATION: every calendar reads it, older Outlook versions included. */
	icalcomponent_add_property(
	    ev, icalproperty_new_dtend(utc(m->start + (time_t)m->duration_min * 60)));
	icalcomponent_add_property(ev, icalproperty_new_summary(m->summary));
	if (m->description && *m->description)
		icalcomponent_add_property(ev, icalproperty_new_description(m->description));
	icalcomponent_add_property(ev, icalproperty_new_location(m->link));
	icalcomponent_add_property(ev, icalproperty_new_url(m->link));
	icalcomponent_add_property(ev,
	                           person_property(icalproperty_new_organizer, &m->organizer, 0));
	for (i = 0; i < m->attendee_count; i++)
		icalcomponent_add_property(
		    ev, person_property(icalproperty_new_attendee, &m->attendees[i], 1));
	icalcomponent_add_property(
	    ev, icalproperty_new_status(m->cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	icalcomponent_add_component(cal, ev);

	text = icalcomponent_as_ical_string_r(cal);
	if (!text) {
		fail(err, errlen, "%s", "libical could not write the invitation");
		goto out;
	}
	if (kv_buf_adds(out, text)) {
		fail(err, errlen, "%s", "the invitation is too large");
		goto out;
	}
	rc = 0;
out:
	if (text)
		icalmemory_free_buffer(text);
	icalcomponent_free(cal);
	return rc;
}
