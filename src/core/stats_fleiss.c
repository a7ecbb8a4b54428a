/* Fleiss' kappa for a fixed number of raters per subject, overall and per category. */
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

#include "util/xalloc.h"
#include "util/banned.h"

int stats_fleiss(const double *counts, size_t n, size_t c, struct stats_fleiss *out,
                 double *cat_kappa)
{
	double *p = NULL, *dis = NULL;
	double m = -1, nm, p_bar = 0, p_e = 0, pq = 0, pqqp = 0;
	size_t i, j;

	if (n < 1 || c < 1 || c > STATS_MAX_CATEGORIES)
		return -1;
	for (i = 0; i < n; i++) {
		double s = 0;
		for (j = 0; j < c; j++) {
			if (!(counts[i * c + j] >= 0))
				return -1;
			s += counts[i * c + j];
		}
		if (m < 0)
			m = s;
		else if (s != m)
			return -1;
	}
	if (m < 2)
		return -1;
	nm = (double)n * m;
	p = xcalloc(c, sizeof(double));
	dis = xcalloc(c, sizeof(double));
	for (i = 0; i < n; i++) {
		double agree = 0;
		for (j = 0; j < c; j++) {
			double x = counts[i * c + j];
			p[j] += x;
			agree += x * (x - 1);
			dis[j] += x * (m - x);
		}
		p_bar += agree / (m * (m - 1));
	}
	p_bar /= (double)n;
	for (j = 0; j < c; j++) {
		p[j] /= nm;
		p_e += p[j] * p[j];
		pq += p[j] * (1 - p[j]);
		pqqp += p[j] * (1 - p[j]) * (1 - 2 * p[j]);
	}
	out->n_subjects = n;
	out->n_raters = (size_t)m;
	out->p_bar = p_bar;
	out->p_e = p_e;
	out->kappa = p_e < 1 ? (p_bar - p_e) / (1 - p_e) : NAN;
	/* Fleiss, Nee & Landis (1979): the variance of kappa when the true kappa is 0. */
	if (pq > 0)
		out->se0 = sqrt(2 / (nm * (m - 1))) * sqrt(pq * pq - pqqp) / pq;
	else
		out->se0 = NAN;
	out->z = out->kappa / out->se0;
	out->p = stats_normal_two_sided_p(out->z);
	if (cat_kappa) {
		for (j = 0; j < c; j++) {
			double pj = p[j] * (1 - p[j]);
			cat_kappa[j] = pj > 0 ? 1 - dis[j] / (nm * (m - 1) * pj) : NAN;
		}
	}
	free(dis);
	free(p);
	return 0;
}
