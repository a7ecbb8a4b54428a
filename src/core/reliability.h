/* The lab's reliability views as plain computations with no I/O: an instrument's variables and
 * one rating's values on them, event agreement pooled over sessions, a trainee's calibration
 * against master ratings, rater drift by period, and medians with quartiles. */
#ifndef KV_RELIABILITY_H
#define KV_RELIABILITY_H

#include <stddef.h>

#include <jansson.h>

#include "core/stats.h"

struct instrument;

/* ---- Variables: what a rating gives a number for ---- */

enum rel_var_kind {
	REL_VAR_ITEM,   /* one facet of one item, e.g. item 3's quality */
	REL_VAR_GLOBAL, /* a global rating of the session */
	REL_VAR_TOTAL,  /* the mean of one facet over every item that has it */
	REL_VAR__MAX
};

extern const char *const rel_var_kind_name[REL_VAR__MAX];

struct rel_var {
	enum rel_var_kind kind;
	const char *item;  /* item id; "global" for globals; NULL for totals */
	const char *facet; /* the facet, or the global's id */
	size_t index;      /* display position of the item or global; 0 for totals */
};

/*
 * The instrument's variables in display order: each item's facets, then the globals, then one
 * total per facet that items use (in the order facets first appear). Returns a new array the
 * caller frees, with the count in *n; strings are borrowed from in, which must outlive it.
 */
struct rel_var *reliability_vars(const struct instrument *in, size_t *n);

/*
 * One rating's value on each variable into out[0..n_vars-1], NAN where it has none. scores has
 * the shape of instrument.h ({"<item>": {"<facet>": n}, "global": {"<id>": n}}) and may be
 * NULL. A total is the mean of that facet's item values present in scores (NAN when none).
 */
void reliability_values(const struct rel_var *vars, size_t n_vars, const json_t *scores,
                        double *out);

/* ---- Agreement on coded interventions, pooled over sessions ---- */

/* One double-coded session: the two raters' events (borrowed). */
struct rel_event_session {
	const struct stats_event *a;
	size_t na;
	const struct stats_event *b;
	size_t nb;
};

struct rel_events {
	size_t n_sessions; /* sessions given */
	size_t n_matched;  /* pairs matched within the tolerance, all sessions */
	size_t unmatched_a, unmatched_b;
	struct stats_kappa kappa; /* Cohen's kappa on the pooled table of matched codes */
};

/*
 * Matches each session's events with stats_events_agreement (tol seconds) and adds the matched
 * pairs' codes to one n_codes x n_codes table (rows rater a), on which Cohen's kappa and its
 * interval are computed; kappa's fields are NAN when nothing matched. When table is not NULL
 * it receives the pooled counts (n_codes * n_codes, row-major). Returns -1 when n_codes is 0 or
 * above STATS_MAX_CATEGORIES, or any session is refused by stats_events_agreement.
 */
int reliability_events(const struct rel_event_session *s, size_t n, size_t n_codes, double tol,
                       struct rel_events *out, double *table);

/* ---- Calibration of a trainee against master ratings ---- */

struct rel_calibration_rule {
	double icc_min;      /* the lab's threshold for ICC(2,1), e.g. 0.70 */
	size_t min_sessions; /* completed calibration sessions needed, e.g. 5 */
};

struct rel_calibration {
	size_t n_sessions;          /* completed sessions the pairs came from */
	size_t n_pairs;             /* (trainee, master) score pairs used */
	int icc_ok;                 /* 0 when the ICC could not be computed (too few pairs) */
	struct stats_icc_value icc; /* ICC(2,1): two-way random, absolute agreement, single rater */
	double mean_difference;     /* trainee minus master; NAN without pairs */
	double mean_abs_difference;
	double exact, within_one; /* shares of pairs equal, and at most 1 apart */
	int calibrated;           /* enough sessions and ICC(2,1) >= icc_min */
};

/*
 * Compares a trainee's scores with the master's: pair i is (trainee[i], master[i]), one item
 * facet or global of one session; pairs with a NAN on either side are left out. Every pair is a
 * subject and the trainee and the master its two raters, so ICC(2,1) measures absolute
 * agreement: a trainee who scores every item one point above the master is not calibrated,
 * though ICC(3,1) would call the two consistent. Calibrated means n_sessions >= min_sessions and
 * an ICC at or above icc_min. Returns -1 only when an argument is NULL.
 */
int reliability_calibration(const double *trainee, const double *master, size_t n_pairs,
                            size_t n_sessions, const struct rel_calibration_rule *rule,
                            struct rel_calibration *out);

/* ---- Rater drift: deviation from the consensus by period ---- */

enum rel_period { REL_MONTH, REL_QUARTER, REL_PERIOD__MAX };

extern const char *const rel_period_name[REL_PERIOD__MAX];

/* The period cell holding every period of a rater and variable. */
#define REL_ALL_PERIODS (-1)

/*
 * The period (UTC) a Unix time falls in: returns a key that sorts in time order (year * 12 +
 * month - 1, or year * 4 + quarter - 1) and writes "2026-03" or "2026-Q1" into label (at least
 * 16 bytes). Returns -1 for a time before year 1 or after 9999.
 */
int reliability_period(long long unix_secs, enum rel_period p, char *label, size_t label_len);

/* One rating's deviation on one variable: rater's score minus the consensus score. */
struct rel_drift_obs {
	size_t rater; /* the caller's index of the rater */
	size_t var;   /* index into the variables */
	int period;   /* key from reliability_period */
	double deviation;
};

struct rel_drift_cell {
	size_t rater, var;
	int period; /* REL_ALL_PERIODS for the rater's whole span */
	size_t n;
	double mean, sd; /* sd is NAN below 2 observations */
	int flagged;     /* |mean| > band */
};

/*
 * Groups the observations by rater, variable and period. For each rater and variable the cell
 * over all periods comes first, then one cell per period in time order; groups are sorted by
 * rater and then variable. Observations whose deviation is NAN are left out. Returns a new
 * array (caller frees; NULL with *n_cells 0 when there is nothing).
 */
struct rel_drift_cell *reliability_drift(const struct rel_drift_obs *obs, size_t n, double band,
                                         size_t *n_cells);

/* ---- Medians and quartiles ---- */

struct rel_summary {
	size_t n;
	double min, q1, median, q3, max, mean;
};

/*
 * The p-quantile (0 <= p <= 1) of n sorted values by linear interpolation between order
 * statistics, Hyndman & Fan's type 7 (R's default): h = (n - 1) p, x[floor h] + (h - floor h)
 * (x[floor h + 1] - x[floor h]). NAN when n is 0.
 */
double reliability_quantile(const double *sorted, size_t n, double p);

/* Summary of v (NANs left out; v is not changed). Returns -1 when no value remains. */
int reliability_summary(const double *v, size_t n, struct rel_summary *out);

#endif
