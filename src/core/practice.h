/* Deliberate practice: the rules behind the practice log, its weekly chart and the lab's view of
 * practice against quality and outcomes. Pure; no I/O. Dates are calendar dates "YYYY-MM-DD"
 * (UTC, as the API stores them); weeks are ISO 8601 weeks, Monday to Sunday. */
#ifndef KV_PRACTICE_H
#define KV_PRACTICE_H

#include <stddef.h>

#include <jansson.h>

#include "core/instrument.h"

/* One log entry lasts 1 to 600 minutes. */
#define PRACTICE_MIN_MINUTES 1
#define PRACTICE_MAX_MINUTES 600
/* A viewing of one's own recording logs at most this many times the recording's length (so
 * slow playback and going back still count, a player left running does not) ... */
#define PRACTICE_REVIEW_FACTOR 2
/* ... and never more than the time since the viewing started, with this much slack for clocks. */
#define PRACTICE_REVIEW_SLACK_S 60
/* Lab figures are shown only for at least this many therapists. */
#define PRACTICE_MIN_THERAPISTS 5
/* The longest period the weekly figures cover. */
#define PRACTICE_MAX_WEEKS 156

/* Activities of the Taxonomy of Deliberate Practice Activities as the log records them. */
enum practice_activity {
	PRACTICE_RECORDING_REVIEW, /* review of own recording */
	PRACTICE_SIMULATED_CLIENT, /* rehearsal with a simulated client */
	PRACTICE_FEEDBACK,         /* feedback from a supervisor or colleague */
	PRACTICE_READING,
	PRACTICE_OTHER,
	PRACTICE_ACTIVITY__MAX
};

/* The five domains of the taxonomy. */
enum practice_domain {
	PRACTICE_STRUCTURE,
	PRACTICE_HOPE_EXPECTANCY,
	PRACTICE_RELATIONSHIP,
	PRACTICE_CLIENT_FACTORS,
	PRACTICE_THERAPIST_FACTORS,
	PRACTICE_DOMAIN__MAX
};

/* Names as the API and the database use them, each list NULL-terminated (for validators). */
extern const char *const practice_activity_name[PRACTICE_ACTIVITY__MAX + 1];
extern const char *const practice_domain_name[PRACTICE_DOMAIN__MAX + 1];

/* Days since 1970-01-01 of a real calendar date; 0, or -1 when date is not YYYY-MM-DD. */
int practice_day_number(const char *date, long long *days);
/* The date of a day number, into out[11]. */
void practice_date_of(long long days, char out[11]);
/* The ISO week of date: its week-numbering year and week 1..53. 0 or -1. */
int practice_iso_week(const char *date, int *year, int *week);
/* The Monday of date's ISO week, into out[11]. 0 or -1. */
int practice_week_start(const char *date, char out[11]);
/* "2026-W02" for the ISO week that starts on monday, into out[16]. 0 or -1. */
int practice_week_label(const char *monday, char out[16]);
/* How many ISO weeks from the week of from to the week of to, both included; -1 when a date is
 * malformed, to lies before from, or there would be more than PRACTICE_MAX_WEEKS. */
int practice_week_count(const char *from, const char *to);
/* Which of n weeks beginning with the week that starts on first_monday holds date: 0..n-1, or
 * -1 when it lies outside them or is malformed. */
int practice_week_index(const char *first_monday, int n, const char *date);

/*
 * Seconds a viewing of one's own recording has logged after the player reports `reported`
 * seconds watched in all (a running total, so a report repeated or arriving late changes
 * nothing): never less than stored, never more than PRACTICE_REVIEW_FACTOR x duration_s (when
 * the length is known, > 0) nor elapsed_s + PRACTICE_REVIEW_SLACK_S since the viewing began.
 */
long long practice_review_seconds(long long stored, long long reported, double duration_s,
                                  long long elapsed_s);
/* Whole minutes of seconds, rounded half up and capped at PRACTICE_MAX_MINUTES. */
int practice_minutes(long long seconds);

/* The session's quality in one number: the mean of the items' "quality" scores, or of their
 * "competence" scores on scales that rate competence instead (CTRS, CTS-R); NAN when the scale
 * has neither or scores has none. Globals are left out. */
double practice_session_quality(const struct instrument *in, const json_t *scores);

/*
 * Therapist effects on outcomes from rows [{"therapist": id, "outcome": y, "baseline": x}]
 * (baseline may be absent or null; the model takes it as a covariate only when every row has
 * one): a random-intercept model fitted by REML, ICC = var_between / (var_between +
 * var_within). Rows with a missing outcome are skipped. A new object:
 * {"available": true, "n_clients", "n_therapists", "covariate": "baseline"|null, "icc",
 *  "var_between", "var_within", "intercept", "baseline_coef"|null}, or {"available": false,
 * "reason": "too_few_therapists"|"not_estimable", "n_clients", "n_therapists"} with fewer than
 * min_therapists therapists or data the model cannot fit.
 */
json_t *practice_therapist_effects(const json_t *rows, size_t min_therapists);

#endif
