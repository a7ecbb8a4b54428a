/* The feedback report as PDF, drawn with cairo and pango: the profile's charts, the written
 * feedback and its clip times. Names the therapist and institution, never the patient. */
#ifndef KV_REPORT_PDF_H
#define KV_REPORT_PDF_H

#include <jansson.h>

#include "util/buf.h"

struct report_input {
	const json_t *profile; /* from profile_compute() */
	/* {"summary": "...", "points": [{"kind": "strength"|"improvement", "item_id": "3"|null,
	 *   "title": "...", "body": "...", "clips": [{"start_ms": n, "end_ms": n, "label": ""}]}]} */
	const json_t *feedback;
	const char *therapist;    /* the therapist's name */
	const char *institution;  /* the institution's name */
	const char *session_date; /* "2026-03-01" or NULL */
	const char *published;    /* "2026-04-02" or NULL when a draft */
	const char *lang;         /* "nb", "da" or "en" */
};

/* Appends the PDF to out. Returns 0, or -1 with a reason in err. */
int report_pdf(const struct report_input *ri, struct kv_buf *out, char *err, size_t errlen);

#endif
