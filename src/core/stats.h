/* The statistics engine: reliability and outcome statistics on in-memory data, with no I/O. */
#ifndef KV_STATS_H
#define KV_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Conventions for every function here: inputs are borrowed and never modified; results go
 * into a caller-owned struct; the return value is 0 on success or -1 when the data cannot
 * give the statistic (too few subjects, no variation, sizes out of range). A statistic that
 * is mathematically undefined for otherwise valid data (for example a kappa when both raters
 * used a single category) is NAN, and the caller decides how to show it. Degenerate data
 * never reach GSL in a form it rejects, so its abort-on-error handler is never invoked; no
 * function touches global state, so all are safe to call from several threads.
 */

/* The two-sided 97.5% normal quantile used for every 95% interval and for reliable change. */
#define STATS_Z975 1.959963984540054
/* Jacobson & Truax's criterion is the rounded 1.96; kept as printed so results match theirs. */
#define STATS_RCI_Z 1.96

/* Hard caps that keep the dense tables small; callers report exceeding them as bad input. */
#define STATS_MAX_CATEGORIES 1000
#define STATS_MAX_VALUES 20000
#define STATS_MAX_EVENT_CELLS 50000000

/*
 * A missing rating in the per-subject code arrays of stats_kappa_pairs and stats_alpha_pairs
 * (raw columns of two raters, as the CLI reads them: one entry per subject).
 */
#define STATS_MISSING UINT32_MAX

/* ---- Intraclass correlation (Shrout & Fleiss 1979; McGraw & Wong 1996) ---- */

enum stats_icc_form {
	STATS_ICC1,  /* one-way random, single rater */
	STATS_ICC2,  /* two-way random, absolute agreement, single rater */
	STATS_ICC3,  /* two-way mixed, consistency, single rater */
	STATS_ICC1K, /* the same three for the mean of k raters */
	STATS_ICC2K,
	STATS_ICC3K,
	STATS_ICC__MAX
};

/* Names as used in the JSON output ("ICC1", ..., "ICC3k"). */
extern const char *const stats_icc_form_name[STATS_ICC__MAX];

struct stats_icc_value {
	double icc;
	double f, df1, df2, p; /* F test of icc = 0 */
	double ci_lower, ci_upper;
};

struct stats_icc {
	size_t n_subjects; /* complete subjects used */
	size_t n_raters;
	size_t n_dropped; /* subjects left out because some rater had no score for them */
	double msb, msw, msj, mse;
	double df_rows, df_raters, df_residual;
	struct stats_icc_value form[STATS_ICC__MAX];
};

/*
 * Computes all six ICC forms from an n x k matrix, x[i * k + j] being subject i's score from
 * rater j; NAN marks a missing score and drops that subject. When dropped is not NULL it
 * must have room for n indices and receives the dropped subjects' row numbers in order.
 * Needs at least 2 complete subjects and 2 raters.
 */
int stats_icc(const double *x, size_t n, size_t k, size_t *dropped, struct stats_icc *out);

/* ---- Cohen's kappa for two raters (Cohen 1960, 1968; Fleiss, Cohen & Everitt 1969) ---- */

enum stats_weights {
	STATS_WEIGHTS_NONE,
	STATS_WEIGHTS_LINEAR,    /* 1 - |i - j| / (c - 1) */
	STATS_WEIGHTS_QUADRATIC, /* 1 - (i - j)^2 / (c - 1)^2 */
	STATS_WEIGHTS__MAX
};

struct stats_kappa {
	double n; /* number of rated subjects */
	double kappa;
	double p_observed, p_expected; /* weighted proportions of agreement */
	double se;                     /* large-sample SE for the interval */
	double ci_lower, ci_upper;
	double se0;  /* SE under kappa = 0, for the test */
	double z, p; /* z = kappa / se0; two-sided p */
};

/*
 * Fills w (c x c, row-major) with agreement weights for c ordered categories, where the
 * category's position in the order is its distance: 1 on the diagonal, 0 at the far corner.
 */
void stats_kappa_weights(enum stats_weights kind, size_t c, double *w);

/*
 * Weighted kappa from a c x c table of counts (rows rater A, columns rater B) and a c x c
 * matrix of agreement weights in [0, 1] with 1 on the diagonal (NULL means unweighted).
 * Needs a positive total count.
 */
int stats_kappa_table(const double *table, size_t c, const double *w, struct stats_kappa *out);

/*
 * The same from the raw columns: a[i] and b[i] are subject i's categories (0..c-1) from
 * rater A and rater B, or STATS_MISSING, which leaves the subject out. The c x c table is
 * counted in one pass over the pairs, so the results are those of stats_kappa_table on it.
 * Returns -1 for a code that is neither a category nor STATS_MISSING, or as
 * stats_kappa_table does (no subject rated by both).
 */
int stats_kappa_pairs(const uint32_t *a, const uint32_t *b, size_t n, size_t c, const double *w,
                      struct stats_kappa *out);

/* ---- Fleiss' kappa for many raters (Fleiss 1971; Fleiss, Nee & Landis 1979) ---- */

struct stats_fleiss {
	size_t n_subjects;
	size_t n_raters; /* ratings per subject, the same for all */
	double kappa;
	double p_bar, p_e;
	double se0, z, p; /* test of kappa = 0, two-sided p */
};

/*
 * Fleiss' kappa from an n x c matrix of counts (counts[i * c + j] raters put subject i in
 * category j); every row must sum to the same m >= 2. When cat_kappa is not NULL it gets the
 * c per-category kappas (NAN for a category nobody used).
 */
int stats_fleiss(const double *counts, size_t n, size_t c, struct stats_fleiss *out,
                 double *cat_kappa);

/* ---- Krippendorff's alpha (Krippendorff 2011, coincidence matrices) ---- */

enum stats_metric {
	STATS_METRIC_NOMINAL,
	STATS_METRIC_ORDINAL,
	STATS_METRIC_INTERVAL,
	STATS_METRIC_RATIO,
	STATS_METRIC__MAX
};

extern const char *const stats_metric_name[STATS_METRIC__MAX];

struct stats_alpha {
	double alpha;
	double n_pairable; /* values in units with at least two values */
	double d_observed, d_expected;
};

/*
 * Krippendorff's alpha from n_obs observations: unit[i] is the unit (any size_t id; need
 * not be sorted) and value[i] the index of the value in 0..n_values-1. Value indices are in
 * ascending order of the scale (used by ordinal). For interval and ratio, numeric[v] is the
 * number of value v (ratio needs numeric[v] >= 0); it may be NULL for nominal and ordinal.
 * A unit with a single value is unpairable and ignored. Returns -1 when fewer than two
 * values are pairable or n_values exceeds STATS_MAX_VALUES; alpha is NAN when the pairable
 * values do not vary.
 */
int stats_alpha(const size_t *unit, const size_t *value, size_t n_obs, size_t n_values,
                const double *numeric, enum stats_metric metric, struct stats_alpha *out);

/*
 * The same from the coincidence matrix (Krippendorff 2011, section C): o[c * n_values + k]
 * is o_ck, the pairable values c and k coincide in units, summed over units as
 * n_uc n_uk / (m_u - 1) (n_uc (n_uc - 1) / (m_u - 1) on the diagonal). o must be symmetric
 * with entries >= 0; the results are those of stats_alpha on observations that give it.
 */
int stats_alpha_coincidence(const double *o, size_t n_values, const double *numeric,
                            enum stats_metric metric, struct stats_alpha *out);

/*
 * The same for two coders from the raw columns: a[i] and b[i] are unit i's value indices
 * from coder A and coder B, or STATS_MISSING (a unit with one value is unpairable). Each
 * unit coded by both adds its pair to the coincidence matrix both ways, counted in one pass
 * over the units; the results are those of stats_alpha on the same observations. Returns
 * -1 for a code that is neither a value nor STATS_MISSING, or as stats_alpha does.
 */
int stats_alpha_pairs(const uint32_t *a, const uint32_t *b, size_t n, size_t n_values,
                      const double *numeric, enum stats_metric metric, struct stats_alpha *out);

/* ---- Reliable and clinically significant change (Jacobson & Truax 1991) ---- */

enum stats_change {
	STATS_CHANGE_RECOVERED,
	STATS_CHANGE_IMPROVED,
	STATS_CHANGE_UNCHANGED,
	STATS_CHANGE_DETERIORATED,
	STATS_CHANGE__MAX
};

extern const char *const stats_change_name[STATS_CHANGE__MAX];

/* Norms: a mean or SD that is NAN is not given. */
struct stats_rci_norms {
	double sd;          /* SD of the pre scores in the reference sample (s1) */
	double reliability; /* test-retest or internal consistency, in [0, 1) */
	double dys_mean, dys_sd;
	double func_mean, func_sd;
	int lower_is_better; /* symptom scales */
};

struct stats_rci_params {
	double se, s_diff;
	double threshold; /* smallest |post - pre| that is reliable: 1.96 * s_diff */
	double a, b, c;   /* cut-offs; NAN when the norms they need are missing */
	double cutoff;    /* the one used for recovery: c, else a, else b, else NAN */
};

/*
 * Derives SE, S_diff and the cut-offs. a lies 2 SD beyond the dysfunctional mean towards
 * health and b 2 SD beyond the functional mean towards illness, so with lower-is-better
 * a = M_dys - 2 SD_dys and b = M_func + 2 SD_func (Jacobson & Truax), and the signs flip
 * when higher is better. Recovery uses c when both norms are given (the recommended one),
 * a when only the dysfunctional norms are, b when only the functional ones are.
 * Returns -1 when sd <= 0 or the reliability is outside [0, 1).
 */
int stats_rci_params(const struct stats_rci_norms *norms, struct stats_rci_params *out);

struct stats_rci_client {
	double change; /* post - pre */
	double rci;    /* change / s_diff */
	int reliable;  /* |rci| > 1.96 */
	int crossed;   /* 1, 0, or -1 when no cut-off is known */
	enum stats_change category;
};

/*
 * Classifies one client. A score is on the clinical side of the cut-off when it is at or
 * beyond it (>= cutoff when lower is better); crossed means clinical before and not after.
 * Recovered needs reliable improvement and a crossing; without a cut-off a reliable
 * improvement is only "improved". Reliable worsening is "deteriorated" whatever the cut-off.
 */
void stats_rci_client(const struct stats_rci_norms *norms, const struct stats_rci_params *par,
                      double pre, double post, struct stats_rci_client *out);

/* ---- Therapist effects: random-intercept model by REML ---- */

/* Covariates (fixed effects besides the intercept) that stats_reml_fit takes at most. */
#define STATS_REML_MAX_COVARIATES 8

struct stats_reml {
	size_t n, n_groups;
	double intercept, se_intercept;             /* GLS estimate at the REML variances */
	size_t n_coef;                              /* 1 + covariates */
	double coef[STATS_REML_MAX_COVARIATES + 1]; /* GLS: intercept, then one per covariate */
	double se_coef[STATS_REML_MAX_COVARIATES + 1];
	double var_between, var_within;
	double icc;
	double neg2_loglik; /* -2 x restricted log-likelihood at the optimum (no constant) */
};

/*
 * Fits y_i = b0 + b1 x_i1 + ... + bp x_ip + u_group(i) + e_i by REML, with u ~ N(0,
 * var_between) and e ~ N(0, var_within) independent; for therapist effects with a baseline
 * covariate (DOMAIN.md section 4) p is 1 and x is the baseline score. x is n x p, row-major
 * (x[i * p + k]); it may be NULL when p is 0. group[i] in 0..n_groups-1 is the group of
 * y[i]; groups may be of any size (empty ones are ignored) and var_between may end at the
 * boundary 0. The fixed effects are the GLS estimates at the REML variances, with standard
 * errors from sigma^2 (X' H^-1 X)^-1, as lme4 reports them; intercept and se_intercept
 * repeat coef[0] and se_coef[0]. Returns -1 with fewer than 2 observations or 2 non-empty
 * groups, no group of 2, p above STATS_REML_MAX_COVARIATES, no more observations than fixed
 * effects, covariates that are constant or collinear, an outcome with no variation at all,
 * or (with covariates) no residual variation within groups once the covariates are
 * accounted for.
 */
int stats_reml_fit(const double *y, const double *x, size_t p, const size_t *group, size_t n,
                   size_t n_groups, struct stats_reml *out);

/* stats_reml_fit with no covariates: y = b0 + u_group + e. */
int stats_reml_oneway(const double *y, const size_t *group, size_t n, size_t n_groups,
                      struct stats_reml *out);

/*
 * -2 x restricted log-likelihood, without its constant, of the same model at variance ratio
 * lambda = var_between / var_within >= 0 with var_within profiled out:
 *   (N - p - 1) log(Q / (N - p - 1)) + log|H| + log|X' H^-1 X| + (N - p - 1),
 * with H = I + lambda Z Z' and Q the GLS residual sum of squares in the H^-1 metric.
 * NAN when the model cannot be fitted. Exposed for tests.
 */
double stats_reml_objective(const double *y, const double *x, size_t p, const size_t *group,
                            size_t n, size_t n_groups, double lambda);

/* stats_reml_objective with no covariates. */
double stats_reml_oneway_objective(const double *y, const size_t *group, size_t n, size_t n_groups,
                                   double lambda);

/* ---- Association between two measures per unit (e.g. per therapist) ---- */

struct stats_corr {
	size_t n;
	double r;                  /* Pearson's r, or Spearman's rho (Pearson's r of the ranks) */
	double t, df, p;           /* t = r sqrt(df / (1 - r^2)), df = n - 2; two-sided p */
	double ci_lower, ci_upper; /* 95% by Fisher's z (NAN with n < 4) */
};

/*
 * Pearson's product-moment correlation of x and y (n pairs). Returns -1 with fewer than 3
 * pairs, a NAN among them, or either variable constant. p is from the t distribution with
 * n - 2 degrees of freedom; the interval from Fisher's z with standard error 1 / sqrt(n - 3).
 */
int stats_pearson(const double *x, const double *y, size_t n, struct stats_corr *out);

/*
 * Spearman's rank correlation: Pearson's r of the ranks, tied values sharing their mean rank.
 * The same conditions and p (the t approximation); the interval uses Fisher's z with the
 * Bonett-Wright standard error sqrt((1 + rho^2 / 2) / (n - 3)).
 */
int stats_spearman(const double *x, const double *y, size_t n, struct stats_corr *out);

/* Ranks of x[0..n-1] into rank[], 1-based, ties given their mean rank. -1 on a NAN. */
int stats_rank(const double *x, size_t n, double *rank);

/* ---- Agreement on time-coded events ---- */

struct stats_event {
	double t;    /* seconds from the start of the recording */
	size_t code; /* category index, 0..n_codes-1 */
};

struct stats_event_match {
	size_t a, b; /* indices into the two input arrays */
};

struct stats_events {
	size_t n_matched;
	size_t unmatched_a, unmatched_b;
	struct stats_kappa kappa; /* unweighted, on the matched pairs' codes; NANs if none */
};

/*
 * Matches rater A's events to rater B's when their times differ by at most tol seconds,
 * one to one and without crossing in time, choosing the matching with the most pairs and,
 * among those, the smallest total time difference (dynamic programming over both lists in
 * time order). Then computes Cohen's kappa on the matched pairs' codes. When pairs is not
 * NULL it must have room for min(na, nb) entries and receives the matched pairs in time
 * order. Inputs need not be sorted. Returns -1 when a code is out of range, tol is
 * negative or na * nb exceeds STATS_MAX_EVENT_CELLS.
 */
int stats_events_agreement(const struct stats_event *a, size_t na, const struct stats_event *b,
                           size_t nb, size_t n_codes, double tol, struct stats_event_match *pairs,
                           struct stats_events *out);

/* Upper tail probabilities, re-exported so callers and tests share one implementation. */
double stats_normal_two_sided_p(double z);

#endif
