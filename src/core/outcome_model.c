/* The expected-response model: the course of a measure's scores by log of the sessions since
 * intake, with a slope that depends on the intake severity, fitted on the lab's own clients,
 * and the 80% band around the expected score that flags a client who is not on track. */
#include "core/outcome.h"

#include <math.h>
#include <string.h>

#include "util/banned.h"

/* The intake (earliest session) of a series, and whether it has a later score. */
static size_t intake_of(const struct outcome_series *s)
{
	size_t i, first = 0;

	for (i = 1; i < s->n; i++)
		if (s->p[i].session < s->p[first].session)
			first = i;
	return first;
}

static size_t followups(const struct outcome_series *s, size_t first)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (s->p[i].session > s->p[first].session)
			k++;
	return k;
}

int outcome_model_fit(const struct outcome_series *c, size_t n, size_t min_clients,
                      struct outcome_model *out)
{
	double s11 = 0, s12 = 0, s22 = 0, sy1 = 0, sy2 = 0, det, swi = 0;
	double ew = 0, el = 0, ell = 0, ee = 0, eel = 0;
	size_t i, j, k;

	memset(out, 0, sizeof(*out));
	/* The mean intake over clients with a follow-up: the centre of the severity term. */
	for (i = 0; i < n; i++) {
		size_t f = intake_of(&c[i]);
		if (c[i].n < 2 || !followups(&c[i], f))
			continue;
		out->n_clients++;
		swi += c[i].p[f].score;
	}
	if (out->n_clients < min_clients || out->n_clients == 0)
		return -1;
	out->mean_intake = swi / (double)out->n_clients;
	/* change = b0 ln t + b1 (x0 - m) ln t, each client's follow-ups weighing 1 in all. */
	for (i = 0; i < n; i++) {
		size_t f = intake_of(&c[i]), m;
		double x0, w;
		if (c[i].n < 2 || !(m = followups(&c[i], f)))
			continue;
		x0 = c[i].p[f].score - out->mean_intake;
		w = 1.0 / (double)m;
		for (j = 0; j < c[i].n; j++) {
			double t = c[i].p[j].session - c[i].p[f].session + 1, l, y;
			if (t <= 1)
				continue;
			l = log(t);
			y = c[i].p[j].score - c[i].p[f].score;
			s11 += w * l * l;
			s12 += w * l * l * x0;
			s22 += w * l * l * x0 * x0;
			sy1 += w * l * y;
			sy2 += w * l * x0 * y;
			out->n_points++;
			if (t > out->max_t)
				out->max_t = t;
		}
	}
	if (!(s11 > 0))
		return -1;
	det = s11 * s22 - s12 * s12;
	if (det > 1e-12 * s11 * fmax(s22, 1e-300)) {
		out->b0 = (sy1 * s22 - sy2 * s12) / det;
		out->b1 = (s11 * sy2 - s12 * sy1) / det;
	} else {
		/* Every intake the same: no severity term can be told apart. */
		out->b0 = sy1 / s11;
		out->b1 = 0;
	}
	/* The spread: squared residuals regressed on ln t, with the same weights. */
	for (i = 0; i < n; i++) {
		size_t f = intake_of(&c[i]), m;
		double x0, w;
		if (c[i].n < 2 || !(m = followups(&c[i], f)))
			continue;
		x0 = c[i].p[f].score - out->mean_intake;
		w = 1.0 / (double)m;
		for (k = 0; k < c[i].n; k++) {
			double t = c[i].p[k].session - c[i].p[f].session + 1, l, e;
			if (t <= 1)
				continue;
			l = log(t);
			e = c[i].p[k].score - c[i].p[f].score - (out->b0 + out->b1 * x0) * l;
			ew += w;
			el += w * l;
			ell += w * l * l;
			ee += w * e * e;
			eel += w * e * e * l;
		}
	}
	{
		double ml = el / ew, me = ee / ew, sll = ell / ew - ml * ml;
		out->v1 = sll > 1e-12 ? (eel / ew - ml * me) / sll : 0;
		out->v0 = me - out->v1 * ml;
		if (out->v1 < 0) {
			out->v1 = 0;
			out->v0 = me;
		}
		if (out->v0 < 0) {
			out->v0 = 0;
			out->v1 = eel / ell;
		}
	}
	return 0;
}

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

void outcome_model_band(const struct outcome_model *m, const struct instrument_outcome *r,
                        double intake, double t, struct outcome_band *out)
{
	double l = log(clamp(t, 1, m->max_t > 1 ? m->max_t : 1));
	double mean = intake + (m->b0 + m->b1 * (intake - m->mean_intake)) * l;
	double sd = sqrt(fmax(0, m->v0 + m->v1 * l));

	out->expected = clamp(mean, r->min, r->max);
	out->lower = clamp(mean - OUTCOME_BAND_Z * sd, r->min, r->max);
	out->upper = clamp(mean + OUTCOME_BAND_Z * sd, r->min, r->max);
}
