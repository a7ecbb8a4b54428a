/* Agreement between two raters' time-coded events: matching within a tolerance, then kappa. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include "util/xalloc.h"
#include "util/banned.h"

struct ev {
	double t;
	size_t code, idx;
};

/* Sorted by time, ties by input order, so the result does not depend on qsort's whims. */
static int by_time(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static struct ev *sorted(const struct stats_event *e, size_t n)
{
	struct ev *s = xcalloc(n ? n : 1, sizeof(*s));
	size_t i;

	for (i = 0; i < n; i++) {
		s[i].t = e[i].t;
		s[i].code = e[i].code;
		s[i].idx = i;
	}
	qsort(s, n, sizeof(*s), by_time);
	return s;
}

/* A cell's score: more matches first, then less total time difference. */
struct score {
	size_t matches;
	double cost;
};

static int better(struct score x, struct score y)
{
	return x.matches != y.matches ? x.matches > y.matches : x.cost < y.cost;
}

enum step { STEP_SKIP_A, STEP_SKIP_B, STEP_MATCH };

/*
 * The classic alignment recurrence over prefixes A[0..i) and B[0..j): skip A's event, skip
 * B's, or pair them when their times are within tol. Pairs never cross, which is what "in
 * time order" means for two raters coding the same recording. Only two rows of scores are
 * kept; the choices need the whole table (one byte a cell) to trace the matching back.
 */
int stats_events_agreement(const struct stats_event *a, size_t na, const struct stats_event *b,
                           size_t nb, size_t n_codes, double tol, struct stats_event_match *pairs,
                           struct stats_events *out)
{
	struct ev *sa = NULL, *sb = NULL;
	struct score *prev = NULL, *cur = NULL, *tmp;
	unsigned char *step = NULL;
	double *table = NULL;
	size_t i, j, cells, w = nb + 1, m;

	if (!(tol >= 0) || n_codes == 0 || n_codes > STATS_MAX_CATEGORIES)
		return -1;
	if (size_mul(na + 1, nb + 1, &cells) || cells > STATS_MAX_EVENT_CELLS)
		return -1;
	for (i = 0; i < na; i++)
		if (a[i].code >= n_codes || !isfinite(a[i].t))
			return -1;
	for (j = 0; j < nb; j++)
		if (b[j].code >= n_codes || !isfinite(b[j].t))
			return -1;

	sa = sorted(a, na);
	sb = sorted(b, nb);
	step = xmalloc(cells);
	prev = xcalloc(w, sizeof(*prev));
	cur = xcalloc(w, sizeof(*cur));
	for (j = 0; j <= nb; j++)
		step[j] = STEP_SKIP_B;
	for (i = 1; i <= na; i++) {
		cur[0] = prev[0];
		step[i * w] = STEP_SKIP_A;
		for (j = 1; j <= nb; j++) {
			struct score s = prev[j], t = cur[j - 1];
			unsigned char st = STEP_SKIP_A;
			double d = fabs(sa[i - 1].t - sb[j - 1].t);

			if (better(t, s)) {
				s = t;
				st = STEP_SKIP_B;
			}
			if (d <= tol) {
				t.matches = prev[j - 1].matches + 1;
				t.cost = prev[j - 1].cost + d;
				if (better(t, s)) {
					s = t;
					st = STEP_MATCH;
				}
			}
			cur[j] = s;
			step[i * w + j] = st;
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}

	table = xcalloc(n_codes * n_codes, sizeof(double));
	out->n_matched = prev[nb].matches;
	/* Trace back from the full prefixes; pairs come out last first. */
	i = na;
	j = nb;
	m = out->n_matched;
	while (i > 0 && j > 0) {
		unsigned char st = step[i * w + j];
		if (st == STEP_MATCH) {
			table[sa[i - 1].code * n_codes + sb[j - 1].code] += 1;
			m--;
			if (pairs) {
				pairs[m].a = sa[i - 1].idx;
				pairs[m].b = sb[j - 1].idx;
			}
			i--;
			j--;
		} else if (st == STEP_SKIP_A) {
			i--;
		} else {
			j--;
		}
	}
	out->unmatched_a = na - out->n_matched;
	out->unmatched_b = nb - out->n_matched;
	if (out->n_matched == 0 || stats_kappa_table(table, n_codes, NULL, &out->kappa)) {
		struct stats_kappa nan = {0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
		out->kappa = nan;
	}
	free(table);
	free(cur);
	free(prev);
	free(step);
	free(sb);
	free(sa);
	return 0;
}
