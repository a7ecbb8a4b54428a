/* iCalendar (RFC 5545) invitations for feedback meetings, made with libical. */
#ifndef KV_REPORT_ICAL_H
#define KV_REPORT_ICAL_H

#include <stddef.h>
#include <time.h>

#include "util/buf.h"

struct ical_person {
	const char *name;
	const char *email;
};

struct ical_meeting {
	const char *uid; /* stable for the meeting's life, e.g. "meeting-7-<random>@kvalab" */
	int sequence;    /* 0 when first sent; one higher at each reschedule or cancel */
	int cancel;      /* 1: METHOD:CANCEL and STATUS:CANCELLED */
	time_t start;    /* UTC */
	int duration_min;
	time_t stamp;        /* DTSTAMP: when this version was made */
	const char *summary; /* e.g. "Feedback meeting" in the recipient's language */
	const char *description;
	const char *link; /* the video-meeting address: LOCATION and URL */
	struct ical_person organizer;
	const struct ical_person *attendees;
	size_t attendee_count;
};

/* Appends a VCALENDAR with one VEVENT (METHOD:REQUEST or CANCEL) to out. Returns 0, or -1
 * with a reason in err. */
int ical_meeting_write(const struct ical_meeting *m, struct kv_buf *out, char *err, size_t errlen);

#endif
