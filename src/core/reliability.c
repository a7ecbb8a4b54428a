/* Reliability computations on plain data: an instrument's variables and a rating's values on
 * them, intervention agreement pooled over sessions, and calibration against a master. */
#include "core/reliability.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const rel_var_kind_name[REL_VAR__MAX] = {
    [REL_VAR_ITEM] = "item",
    [REL_VAR_GLOBAL] = "global",
    [REL_VAR_TOTAL] = "total",
};

struct rel_var *reliability_vars(const struct instrument *in, size_t *n)
{
	size_t n_items = instrument_item_count(in), n_globals = instrument_global_count(in);
	size_t cap = 0, used = 0, i, k, first_total;
	struct rel_var *v;

	for (i = 0; i < n_items; i++)
		for (k = 0; instrument_item_facet(in, i, k); k++)
			cap++;
	/* Each facet of an item may start a total: at most cap totals. */
	v = xcalloc(2 * cap + n_globals + 1, sizeof(*v));
	for (i = 0; i < n_items; i++)
		for (k = 0; instrument_item_facet(in, i, k); k++) {
			v[used].kind = REL_VAR_ITEM;
			v[used].item = instrument_item_id(in, i);
			v[used].facet = instrument_item_facet(in, i, k);
			v[used].index = i;
			used++;
		}
	for (i = 0; i < n_globals; i++) {
		v[used].kind = REL_VAR_GLOBAL;
		v[used].item = "global";
		v[used].facet = instrument_global_id(in, i);
		v[used].index = i;
		used++;
	}
	first_total = used;
	for (i = 0; i < first_total; i++) {
		size_t j;
		int seen = 0;
		if (v[i].kind != REL_VAR_ITEM)
			continue;
		for (j = first_total; j < used && !seen; j++)
			seen = !strcmp(v[j].facet, v[i].facet);
		if (seen)
			continue;
		v[used].kind = REL_VAR_TOTAL;
		v[used].item = NULL;
		v[used].facet = v[i].facet;
		v[used].index = 0;
		used++;
	}
	*n = used;
	return v;
}

static double score_of(const json_t *scores, const char *item, const char *facet)
{
	const json_t *x = json_object_get(json_object_get(scores, item), facet);

	return json_is_number(x) ? json_number_value(x) : NAN;
}

void reliability_values(const struct rel_var *vars, size_t n_vars, const json_t *scores,
                        double *out)
{
	size_t i, j;

	for (i = 0; i < n_vars; i++) {
		double sum = 0;
		size_t m = 0;
		if (vars[i].kind != REL_VAR_TOTAL) {
			out[i] = json_is_object(scores)
			             ? score_of(scores, vars[i].item, vars[i].facet)
			             : NAN;
			continue;
		}
		/* Items come before totals, so their values are already in out. */
		for (j = 0; j < i; j++)
			if (vars[j].kind == REL_VAR_ITEM && !strcmp(vars[j].facet, vars[i].facet) &&
			    !isnan(out[j])) {
				sum += out[j];
				m++;
			}
		out[i] = m ? sum / (double)m : NAN;
	}
}

int reliability_events(const struct rel_event_session *s, size_t n, size_t n_codes, double tol,
                       struct rel_events *out, double *table)
{
	double *t = NULL;
	struct stats_event_match *pairs = NULL;
	size_t i, p, cap = 0, cells;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->kappa.kappa = out->kappa.se = out->kappa.ci_lower = out->kappa.ci_upper = NAN;
	out->kappa.p_observed = out->kappa.p_expected = out->kappa.z = out->kappa.p = NAN;
	out->kappa.se0 = NAN;
	if (n_codes == 0 || n_codes > STATS_MAX_CATEGORIES || size_mul(n_codes, n_codes, &cells))
		return -1;
	t = xcalloc(cells, sizeof(double));
	for (i = 0; i < n; i++) {
		struct stats_events ev;
		size_t need = s[i].na < s[i].nb ? s[i].na : s[i].nb;
		if (need > cap) {
			free(pairs);
			cap = need;
			pairs = xcalloc(cap, sizeof(*pairs));
		}
		if (stats_events_agreement(s[i].a, s[i].na, s[i].b, s[i].nb, n_codes, tol, pairs,
		                           &ev))
			goto out;
		for (p = 0; p < ev.n_matched; p++)
			t[s[i].a[pairs[p].a].code * n_codes + s[i].b[pairs[p].b].code] += 1;
		out->n_matched += ev.n_matched;
		out->unmatched_a += ev.unmatched_a;
		out->unmatched_b += ev.unmatched_b;
	}
	out->n_sessions = n;
	if (out->n_matched > 0 && stats_kappa_table(t, n_codes, NULL, &out->kappa))
		goto out;
	if (table)
		memcpy(table, t, cells * sizeof(double));
	rc = 0;
out:
	free(pairs);
	free(t);
	return rc;
}

int reliability_calibration(const double *trainee, const double *master, size_t n_pairs,
                            size_t n_sessions, const struct rel_calibration_rule *rule,
                            struct rel_calibration *out)
{
	double *x, diff = 0, abs_diff = 0;
	size_t i, used = 0, exact = 0, near = 0;
	struct stats_icc icc;

	if (!trainee || !master || !rule || !out)
		return -1;
	memset(out, 0, sizeof(*out));
	out->n_sessions = n_sessions;
	out->icc.icc = out->icc.ci_lower = out->icc.ci_upper = NAN;
	out->icc.f = out->icc.df1 = out->icc.df2 = out->icc.p = NAN;
	x = xcalloc(2 * n_pairs + 2, sizeof(double));
	for (i = 0; i < n_pairs; i++) {
		double d;
		if (isnan(trainee[i]) || isnan(master[i]))
			continue;
		x[2 * used] = trainee[i];
		x[2 * used + 1] = master[i];
		d = trainee[i] - master[i];
		diff += d;
		abs_diff += fabs(d);
		exact += d == 0;
		near += fabs(d) <= 1;
		used++;
	}
	out->n_pairs = used;
	out->mean_difference = used ? diff / (double)used : NAN;
	out->mean_abs_difference = used ? abs_diff / (double)used : NAN;
	out->exact = used ? (double)exact / (double)used : NAN;
	out->within_one = used ? (double)near / (double)used : NAN;
	if (stats_icc(x, used, 2, NULL, &icc) == 0 && isfinite(icc.form[STATS_ICC2].icc)) {
		out->icc_ok = 1;
		out->icc = icc.form[STATS_ICC2];
	}
	out->calibrated =
	    out->icc_ok && n_sessions >= rule->min_sessions && out->icc.icc >= rule->icc_min;
	free(x);
	return 0;
}
