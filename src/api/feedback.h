/* What the feedback files of the API share (feedback.c, feedback_profile.c, meetings.c,
 * goals.c): who may see a submission's feedback, and the feedback as the API shows it. */
#ifndef KV_API_FEEDBACK_H
#define KV_API_FEEDBACK_H

#include "api/api_int.h"

/* Lab admins, supervisors and raters: those who write feedback and run meetings. */
int api_feedback_staff(const struct api_req *req);
/* KV_OK when this user may see the submission's feedback (a therapist only once published)
 * and the consensus is approved; the submission's state goes to state. Otherwise resp is
 * filled. */
enum kv_err api_feedback_access(struct api_req *req, struct api_resp *resp, long long sub,
                                char state[32]);
/* The feedback with its points and clips, or NULL when none exists yet. */
json_t *api_feedback_json(struct api_req *req, long long sub);
/* The profile of the submission's approved consensus in lang; NULL with resp filled. */
json_t *api_profile_build(struct api_req *req, struct api_resp *resp, long long sub,
                          const char *lang);
/* The language for texts made for this request: ?lang=, else the user's, else nb. */
const char *api_lang(const struct api_req *req);
/* Checks free text inside an array element (which the router does not see): a string of at
 * most max bytes, no control characters but newlines, no identity number. 0, or -1 with resp
 * filled naming field. Absent or null is fine unless required. */
int api_text_ok(struct api_resp *resp, const char *field, json_t *v, size_t max, int required);

enum kv_err api_feedback_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_feedback_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_feedback_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_feedback_point_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_feedback_point_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_feedback_point_delete(struct api_req *req, struct api_resp *resp);
enum kv_err api_feedback_publish(struct api_req *req, struct api_resp *resp);
enum kv_err api_profile_get(struct api_req *req, struct api_resp *resp);
enum kv_err api_report_get(struct api_req *req, struct api_resp *resp);

enum kv_err api_meetings_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_meetings_create(struct api_req *req, struct api_resp *resp);
enum kv_err api_meetings_put(struct api_req *req, struct api_resp *resp);
enum kv_err api_meetings_cancel(struct api_req *req, struct api_resp *resp);
enum kv_err api_meetings_ics(struct api_req *req, struct api_resp *resp);
enum kv_err api_meetings_held(struct api_req *req, struct api_resp *resp);

enum kv_err api_goals_list(struct api_req *req, struct api_resp *resp);
enum kv_err api_goals_patch(struct api_req *req, struct api_resp *resp);

#endif
