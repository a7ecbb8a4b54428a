/* Jacobson-Truax reliable change index, clinical cut-offs and the four change categories. */
#include "core/stats.h"

#include <math.h>

#include "util/banned.h"

const char *const stats_change_name[STATS_CHANGE__MAX] = {
    [STATS_CHANGE_RECOVERED] = "recovered",
    [STATS_CHANGE_IMPROVED] = "improved",
    [STATS_CHANGE_UNCHANGED] = "unchanged",
    [STATS_CHANGE_DETERIORATED] = "deteriorated",
};

static int given(double mean, double sd)
{
	return !isnan(mean) && !isnan(sd);
}

int stats_rci_params(const struct stats_rci_norms *nm, struct stats_rci_params *out)
{
	/* +1 when higher scores are healthier: the direction "towards health". */
	double health = nm->lower_is_better ? -1 : 1;
	int dys = given(nm->dys_mean, nm->dys_sd), func = given(nm->func_mean, nm->func_sd);

	if (!(nm->sd > 0) || !(nm->reliability >= 0 && nm->reliability < 1))
		return -1;
	if ((dys && nm->dys_sd < 0) || (func && nm->func_sd < 0))
		return -1;
	out->se = nm->sd * sqrt(1 - nm->reliability);
	out->s_diff = sqrt(2) * out->se;
	out->threshold = STATS_RCI_Z * out->s_diff;
	out->a = dys ? nm->dys_mean + health * 2 * nm->dys_sd : NAN;
	out->b = func ? nm->func_mean - health * 2 * nm->func_sd : NAN;
	if (dys && func && nm->dys_sd + nm->func_sd > 0)
		out->c = (nm->dys_sd * nm->func_mean + nm->func_sd * nm->dys_mean) /
		         (nm->dys_sd + nm->func_sd);
	else
		out->c = NAN;
	if (!isnan(out->c))
		out->cutoff = out->c;
	else if (!isnan(out->a))
		out->cutoff = out->a;
	else
		out->cutoff = out->b;
	return 0;
}

static int clinical(const struct stats_rci_norms *nm, double cutoff, double score)
{
	return nm->lower_is_better ? score >= cutoff : score <= cutoff;
}

void stats_rci_client(const struct stats_rci_norms *nm, const struct stats_rci_params *par,
                      double pre, double post, struct stats_rci_client *out)
{
	double better;

	out->change = post - pre;
	out->rci = out->change / par->s_diff;
	out->reliable = fabs(out->rci) > STATS_RCI_Z;
	if (isnan(par->cutoff))
		out->crossed = -1;
	else
		out->crossed = clinical(nm, par->cutoff, pre) && !clinical(nm, par->cutoff, post);
	/* Positive "better" means the change went towards health. */
	better = nm->lower_is_better ? -out->rci : out->rci;
	if (!out->reliable)
		out->category = STATS_CHANGE_UNCHANGED;
	else if (better < 0)
		out->category = STATS_CHANGE_DETERIORATED;
	else if (out->crossed == 1)
		out->category = STATS_CHANGE_RECOVERED;
	else
		out->category = STATS_CHANGE_IMPROVED;
}
