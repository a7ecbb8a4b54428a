/* One client's course on one measure: reliable change against intake, the Jacobson-Truax
 * category, the expected band at the latest session, the not-on-track signal, and the status
 * that places the client on the caseload. */
#include "core/outcome.h"

#include <math.h>
#include <string.h>

#include "util/banned.h"

/* Scores are compared with a little slack so 6 - 1e-12 from a prorated total still reaches a
 * reliable change of 6. */
#define SLACK 1e-9

const char *const outcome_status_name[OUTCOME_STATUS__MAX] = {
    [OUTCOME_NOT_ON_TRACK] = "not_on_track", [OUTCOME_NEW] = "new",
    [OUTCOME_ON_TRACK] = "on_track",         [OUTCOME_DETERIORATED] = "deteriorated",
    [OUTCOME_DROPPED_OUT] = "dropped_out",   [OUTCOME_UNCHANGED] = "unchanged",
    [OUTCOME_IMPROVED] = "improved",         [OUTCOME_RECOVERED] = "recovered",
    [OUTCOME_NO_FOLLOW_UP] = "no_follow_up",
};

/* 1 when score is on the clinical side of the cut-off (at or beyond it), 0 when not, -1 when
 * the measure has none. */
static int clinical(const struct instrument_outcome *r, double score)
{
	if (isnan(r->cutoff))
		return -1;
	return r->lower_is_better ? score >= r->cutoff - SLACK : score < r->cutoff - SLACK;
}

enum stats_change outcome_category(const struct instrument_outcome *r, double pre, double post)
{
	/* Positive: towards health. */
	double better = r->lower_is_better ? pre - post : post - pre;
	int reliable = fabs(post - pre) >= r->reliable_change - SLACK;

	if (!reliable)
		return STATS_CHANGE_UNCHANGED;
	if (better < 0)
		return STATS_CHANGE_DETERIORATED;
	if (clinical(r, pre) == 1 && clinical(r, post) == 0)
		return STATS_CHANGE_RECOVERED;
	return STATS_CHANGE_IMPROVED;
}

int outcome_track(const struct instrument_outcome *r, const struct outcome_point *p, size_t n,
                  const struct outcome_model *model, struct outcome_track *out)
{
	size_t i, first = 0, last = 0;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return -1;
	for (i = 1; i < n; i++) {
		if (p[i].session < p[first].session)
			first = i;
		if (p[i].session >= p[last].session)
			last = i;
	}
	out->n = n;
	out->intake_session = p[first].session;
	out->intake = p[first].score;
	out->latest_session = p[last].session;
	out->latest = p[last].score;
	out->change = out->latest - out->intake;
	out->rc_lower = fmax(r->min, out->intake - r->reliable_change);
	out->rc_upper = fmin(r->max, out->intake + r->reliable_change);
	out->intake_clinical = clinical(r, out->intake);
	out->latest_clinical = clinical(r, out->latest);
	out->reliable = n > 1 && fabs(out->change) >= r->reliable_change - SLACK;
	out->category =
	    n > 1 ? outcome_category(r, out->intake, out->latest) : STATS_CHANGE_UNCHANGED;
	if (model && out->latest_session > out->intake_session) {
		outcome_model_band(model, r, out->intake,
		                   out->latest_session - out->intake_session + 1, &out->expected);
		out->has_expected = 1;
		out->off_track = r->lower_is_better ? out->latest > out->expected.upper + SLACK
		                                    : out->latest < out->expected.lower - SLACK;
	}
	/* An alliance measure has no trajectory to be off; its signal is the cut-off alone. */
	out->not_on_track = !r->alliance && (out->off_track ||
	                                     (n > 1 && out->category == STATS_CHANGE_DETERIORATED));
	return 0;
}

enum outcome_status outcome_status_of(const struct outcome_track *tr, int ended)
{
	if (ended == 2)
		return OUTCOME_DROPPED_OUT;
	if (!ended) {
		if (!tr || tr->n < 2)
			return OUTCOME_NEW;
		return tr->not_on_track ? OUTCOME_NOT_ON_TRACK : OUTCOME_ON_TRACK;
	}
	if (!tr || tr->n < 2)
		return OUTCOME_NO_FOLLOW_UP;
	switch (tr->category) {
	case STATS_CHANGE_RECOVERED:
		return OUTCOME_RECOVERED;
	case STATS_CHANGE_IMPROVED:
		return OUTCOME_IMPROVED;
	case STATS_CHANGE_DETERIORATED:
		return OUTCOME_DETERIORATED;
	default:
		return OUTCOME_UNCHANGED;
	}
}
