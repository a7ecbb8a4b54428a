/* Client outcomes over the course of a treatment: reliable change against the intake score,
 * the Jacobson-Truax category, the expected-response model fitted on the lab's own data and
 * the not-on-track signal it gives, a caseload's order of attention, and a therapist's
 * effectiveness. Pure: numbers in, numbers out; the rules come from the measure's file
 * (struct instrument_outcome). The methods and their limits are in docs/outcomes.md. */
#ifndef KV_OUTCOME_H
#define KV_OUTCOME_H

#include <stddef.h>

#include "core/instrument.h"
#include "core/stats.h"

/* The lab needs this many clients with a follow-up on a measure before it shows an expected
 * band, and this many closed cases before it adjusts a therapist's effect size for severity. */
#define OUTCOME_MIN_REFERENCE 50
/* Fewer closed cases than this: the effect size is not computed at all. */
#define OUTCOME_MIN_CASES_ES 3
/* Fewer than this: shown, but with the caveat that so few cases say little. */
#define OUTCOME_FEW_CASES 10
/* A therapist's severity-adjusted effect size needs at least this many of their own cases. */
#define OUTCOME_MIN_CASES_ADJUSTED 5
/* The expected band holds the middle 80% of the lab's clients: 10th to 90th percentile. */
#define OUTCOME_BAND_Z 1.2815515655446004

/* One score of one client: the session it belongs to (1, 2, ...) and the score. */
struct outcome_point {
	double session;
	double score;
};

/* A client's scores on one measure, in any order. */
struct outcome_series {
	const struct outcome_point *p;
	size_t n;
};

/*
 * The expected-response model: for a client whose intake score is x0, the expected score t
 * sessions into treatment (t = session - intake session + 1, so t = 1 at intake) is
 *   x0 + (b0 + b1 (x0 - mean_intake)) ln t,
 * with a spread around it of sqrt(v0 + v1 ln t). The slope on log-time depends on the intake
 * severity, so a severe client is expected to fall faster than a mild one. Fitted by least
 * squares with each client weighing the same, however many scores they have.
 */
struct outcome_model {
	size_t n_clients; /* clients with an intake and at least one later score */
	size_t n_points;  /* later scores used */
	double mean_intake;
	double b0, b1;
	double v0, v1;
	double max_t; /* the longest follow-up in the data; the curve is flat after it */
};

/* Fits the model on the lab's clients. Returns -1 when fewer than min_clients clients have a
 * follow-up, or the data cannot give a slope (every follow-up at t = 1). */
int outcome_model_fit(const struct outcome_series *clients, size_t n, size_t min_clients,
                      struct outcome_model *out);

struct outcome_band {
	double expected, lower, upper; /* kept within the score's range */
};

/* The expected score and its 80% band t sessions into treatment for intake score x0. */
void outcome_model_band(const struct outcome_model *m, const struct instrument_outcome *rules,
                        double intake, double t, struct outcome_band *out);

/* Where one client stands on one measure. */
struct outcome_track {
	size_t n; /* scores */
	double intake_session, intake;
	double latest_session, latest;
	double change; /* latest - intake */
	double rc_lower,
	    rc_upper;        /* intake -/+ the reliable change: the band of no reliable change */
	int reliable;        /* |change| reaches the reliable change */
	int intake_clinical; /* 1 or 0; -1 when the measure has no cut-off */
	int latest_clinical;
	enum stats_change category;   /* Jacobson-Truax, latest against intake (needs n >= 2) */
	int has_expected;             /* a model was given and the client has a follow-up */
	struct outcome_band expected; /* at the latest session */
	int off_track;                /* the latest score is worse than the band's worse edge */
	int not_on_track;             /* off track, or reliably worse than at intake */
};

/*
 * Analyses a client's scores (any order; the earliest session is the intake, the latest the
 * current score; of two scores for one session the later in the array counts). Reliable
 * change: |latest - intake| >= the measure's reliable change. The category: deteriorated when
 * reliably worse; recovered when reliably better and clinical at intake but not now;
 * improved when reliably better otherwise; else unchanged. model may be NULL (the lab has too
 * little data): then only a reliable deterioration makes a client not on track.
 * Returns -1 when there are no scores.
 */
int outcome_track(const struct instrument_outcome *rules, const struct outcome_point *p, size_t n,
                  const struct outcome_model *model, struct outcome_track *out);

/* A client's place on the caseload. */
enum outcome_status {
	OUTCOME_NOT_ON_TRACK,
	OUTCOME_NEW, /* in treatment, no follow-up score yet */
	OUTCOME_ON_TRACK,
	OUTCOME_DETERIORATED, /* ended: the four categories of the last score against intake */
	OUTCOME_DROPPED_OUT,
	OUTCOME_UNCHANGED,
	OUTCOME_IMPROVED,
	OUTCOME_RECOVERED,
	OUTCOME_NO_FOLLOW_UP, /* ended with a single score */
	OUTCOME_STATUS__MAX
};

/* "not_on_track", "new", ... as the API names them. The enum's order is the order of
 * attention: who needs the therapist first. */
extern const char *const outcome_status_name[OUTCOME_STATUS__MAX];

/* The status of a client in treatment (ended 0) or whose treatment ended (ended 1, or 2 for a
 * drop-out), from the analysis of the primary measure (NULL when there are no scores). */
enum outcome_status outcome_status_of(const struct outcome_track *tr, int ended);

/* ---- A therapist's effectiveness over closed cases ---- */

struct outcome_share {
	size_t count;
	double share, lower, upper; /* with its 95% Wilson interval; NAN when there are no cases */
};

struct outcome_effect {
	size_t n;
	struct outcome_share category[STATS_CHANGE__MAX];
	/* Pre-post effect size, positive towards health: mean change / SD of the intake scores,
	 * with a 95% interval (Becker's variance for a standardised mean change). NAN with fewer
	 * than OUTCOME_MIN_CASES_ES cases or no spread at intake. */
	double d, d_lower, d_upper;
	/* Severity-adjusted effect size against the lab's reference: how much better (positive)
	 * or worse the ends of treatment were than the reference's regression of end on intake
	 * predicts for these intakes, in SDs of the reference's intake scores. NAN without
	 * OUTCOME_MIN_REFERENCE reference cases or OUTCOME_MIN_CASES_ADJUSTED own cases. */
	double adjusted, adjusted_lower, adjusted_upper;
	size_t n_reference;
	double reference_d; /* the reference's own pre-post effect size; NAN as for d */
};

/* Summarises cases (pre[i], post[i]) on one measure against the reference cases (ref_pre,
 * ref_post; may be the lab's cases including these). */
void outcome_effect(const struct instrument_outcome *rules, const double *pre, const double *post,
                    size_t n, const double *ref_pre, const double *ref_post, size_t n_ref,
                    struct outcome_effect *out);

/* The Jacobson-Truax category of one case. */
enum stats_change outcome_category(const struct instrument_outcome *rules, double pre, double post);

#endif
