/* The therapist's scoring profile: what an approved consensus rating says about one session,
 * computed from the rating, its coded interventions and its instrument. Pure; no I/O. */
#ifndef KV_PROFILE_H
#define KV_PROFILE_H

#include <jansson.h>

#include "core/instrument.h"

/* A lab reference distribution is shown only from this many approved ratings on. */
#define PROFILE_REFERENCE_MIN 20

struct profile_input {
	const struct instrument *in;
	/* The approved consensus scores ({"<item>": {"<facet>": n}, "global": {...}}). */
	const json_t *scores;
	/* Its coded interventions, deleted ones left out:
	 * [{"start_ms": n, "end_ms": n|null, "code": "16", "within_manual": bool|null,
	 *   "quality": n|null}]. */
	const json_t *interventions;
	/* The recording's length in seconds; 0 or less when unknown (no rate per minute then). */
	double duration_s;
	/* Scores objects of every approved consensus rating in the lab made with the same
	 * instrument version (this one included); NULL or fewer than PROFILE_REFERENCE_MIN
	 * entries means no reference is shown. Never names whose they are. */
	const json_t *reference;
	/* This therapist's approved consensus ratings with the same instrument code, oldest first,
	 * this one included: [{"submission_id": n, "date": "2026-03-01", "scores": {...}}]. */
	const json_t *history;
	/* Language of labels: "nb", "da" or "en". */
	const char *lang;
};

/* The profile as a new object (shape in docs/feedback.md), or NULL when in or scores is
 * missing. The caller owns it. */
json_t *profile_compute(const struct profile_input *pi);

#endif
