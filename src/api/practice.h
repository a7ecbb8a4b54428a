/* What the deliberate-practice files of the API share (goals.c for goals a therapist sets,
 * practice_log.c, practice_stats.c, practice_remind.c), and the reminder run the server's
 * maintenance thread calls. Kept out of api_int.h so that file stays as the other resources
 * left it. */
#ifndef KV_API_PRACTICE_H
#define KV_API_PRACTICE_H

#include "api/api_int.h"

/* Goals (goals.c): a therapist's own goal. api_goals_list and api_goals_patch are in
 * feedback.h with the goals agreed in meetings. */
enum kv_err api_goals_create(struct api_req *req, struct api_resp *resp);

/* The practice log (practice_log.c): a therapist's own entries only. */
enum kv_err api_practice_log_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_practice_log_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_practice_log_patch(struct api_req *req, struct api_resp *resp);
enum kv_err api_practice_log_delete(struct api_req *req, struct api_resp *resp);
/* Time spent watching one's own recording, reported by the player, logged as practice. */
enum kv_err api_practice_review(struct api_req *req, struct api_resp *resp);

/* Figures (practice_stats.c): the therapist's weekly chart and "closing the loop"; the lab's
 * pseudonymised view of practice, quality and (once wired) outcomes. */
enum kv_err api_practice_weekly(struct api_req *req, struct api_resp *resp);
enum kv_err api_practice_development(struct api_req *req, struct api_resp *resp);
enum kv_err api_lab_practice_effects(struct api_req *req, struct api_resp *resp);

/* 1 when goal_id is one of this therapist's goals. */
int api_practice_goal_mine(struct api_req *req, long long goal_id);

/* Reminders (practice_remind.c): queues one mail for every active goal whose review date
 * (UTC) has come and that has had no reminder, marks it reminded and audits it, then wakes the
 * mail worker. Runs at start and every minute in `kvalab serve`. Returns how many were queued,
 * or -1 on a database error. */
int api_practice_remind(struct api_ctx *ctx, struct db *db, long long now);

#endif
