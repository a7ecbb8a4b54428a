/* What the reliability views (reliability.c, calibration.c, lab_figures.c) share: the lab's
 * settings, the instrument a view is about, the period asked for, and JSON for numbers that may
 * be undefined. */
#ifndef KV_API_RELIABILITY_INT_H
#define KV_API_RELIABILITY_INT_H

#include "api/api_int.h"
#include "core/reliability.h"

/* Defaults of the lab's settings (and of migration 7's row). */
#define LAB_DRIFT_BAND 1.0
#define LAB_CALIBRATION_ICC 0.70
#define LAB_CALIBRATION_MIN_SESSIONS 5
/* Aggregates are shown only for groups of at least this many therapists (not a setting). */
#define LAB_MIN_THERAPISTS 5
/* Submission states in which the consensus is approved. */
#define APPROVED_STATES "('approved','feedback_published','closed')"

struct lab_settings {
	double drift_band;
	enum rel_period drift_period;
	double calibration_icc;
	long long calibration_min_sessions;
};

/* The lab's settings; the defaults when the row cannot be read. */
void api_lab_settings_read(struct db *db, struct lab_settings *out);

/*
 * The instrument the query's instrument_id names, compiled (free with instrument_free), and its
 * row {id, code, version, name} in *row (caller's). NULL with a 400 naming instrument_id in resp
 * when it is missing, unknown, or has no definition on file.
 */
struct instrument *api_rel_instrument(struct api_req *req, struct api_resp *resp, json_t **row);
/* The same for an instrument id already known to exist (NULL when it has no definition). */
struct instrument *api_rel_instrument_by_id(struct db *db, long long id, json_t **row);

/*
 * The query's from and to (calendar dates, both inclusive) as Unix seconds [*from, *to]; 0 and
 * LLONG_MAX when not given. -1 with a 400 naming "to" when to is before from.
 */
int api_rel_period(struct api_req *req, struct api_resp *resp, long long *from, long long *to);

/* A number, or null when it is not finite. */
json_t *api_rel_num(double x);
/* {"item", "facet", "kind", "label": {"nb", "da", "en"} or null for totals}. */
json_t *api_rel_var_json(const struct instrument *in, const struct rel_var *v);
/* {"icc", "ci_lower", "ci_upper", "f", "df1", "df2", "p"}. */
json_t *api_rel_icc_json(const struct stats_icc_value *v);
/* Parses a rating's stored scores text; an empty object when it is not JSON. */
json_t *api_rel_scores(const char *text);

#endif
