/* What the client-outcome files of the API share (outcomes.c, outcomes_responses.c,
 * outcomes_links.c, outcomes_report.c): the therapist's own clients, answers as the API takes
 * them, trajectories, and the outcome summary other pages (closing the loop) build on. */
#ifndef KV_API_OUTCOMES_H
#define KV_API_OUTCOMES_H

#include "api/api_int.h"
#include "core/instrument.h"

/* Defaults for a context that leaves the outcome settings at 0 (tests without kvalab.ini). */
#define OUTCOME_LINK_SECS (48 * 3600LL)
#define OUTCOME_RATE_WINDOW 600LL
#define OUTCOME_RATE_ADDRESS 60
#define OUTCOME_RATE_LINK 20
/* Aggregates are shown only over at least this many therapists: never one therapist's. */
#define OUTCOME_MIN_THERAPISTS 5

/* The caller's own enrolled client (a therapist's case in outcome monitoring), or NULL with a
 * 404 in resp that does not reveal whether it exists. The caller owns the object. */
json_t *api_outcome_client(struct api_req *req, struct api_resp *resp, long long case_id);

/* A client-rated measure on file, compiled; NULL with resp filled (400 naming field when it is
 * not a client-rated measure, 409 when its definition is not on file). */
struct instrument *api_outcome_measure(struct api_req *req, struct api_resp *resp,
                                       long long instrument_id, const char *field);

/*
 * Answers as the API takes them, [{"item": "1", "value": 2}, ...] (value null: left out),
 * checked against the measure and scored. KV_OK with *answers (a new object the caller owns)
 * and s filled; otherwise resp is filled: 400 naming "answers[i]" for an unknown item or an
 * answer off its scale, 422 too_many_missing when the manual says not to score.
 */
enum kv_err api_outcome_answers(struct api_resp *resp, const struct instrument *in,
                                const json_t *list, json_t **answers, struct instrument_score *s);

/* The lab's expected-response models, fitted once per request and measure. */
struct outcome_models;
struct outcome_models *api_outcome_models_new(struct db *db);
void api_outcome_models_free(struct outcome_models *m);

/* A client's course on one measure as the API shows it: points, reliable-change band,
 * category, expected band, not-on-track. NULL when the measure is not on file. */
json_t *api_outcome_trajectory(struct db *db, struct outcome_models *models, long long case_id,
                               long long instrument_id, const char *lang);

/* The caseload entry of one client (a row of db_outcome_client_list): its status on the
 * primary measure and what the list shows. Adds "status", "rank", "alert" and the scores. */
void api_outcome_caseload_entry(struct db *db, struct outcome_models *models, json_t *client);

/*
 * A therapist's outcome summary over a period, for this page and for others (the practice
 * log's "closing the loop"): the caseload counted by status today, the scores recorded in the
 * period, and per measure the effectiveness over the cases that ended in the period (shares of
 * the four categories with intervals, pre-post effect size with its interval, the
 * severity-adjusted effect size against the lab's reference, and caveats when cases are few).
 * from and to are dates (YYYY-MM-DD, inclusive) or NULL for no bound. A new object.
 */
json_t *api_outcomes_summary(struct db *db, long long therapist_id, const char *from,
                             const char *to, const char *lang);

enum kv_err api_outcomes_measures(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_clients_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_clients_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_clients_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_clients_end(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_clients_withdraw(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_responses_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_responses_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_responses_correct(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_links_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_links_revoke(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_public_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_public_answer(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_effectiveness(struct api_req *req, struct api_resp *resp);
enum kv_err api_outcomes_aggregate(struct api_req *req, struct api_resp *resp);

#endif
