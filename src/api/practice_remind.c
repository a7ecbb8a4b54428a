/* Reminders of practice goals: when an active goal's review date (UTC) has come, the therapist
 * gets one mail through the outbox, in their language. The server looks once at start (it may
 * have been down on the day) and then every minute; the goal's reminded_at makes it once per
 * goal, and setting a new review date asks for a new one. */
#include "api/practice.h"
#include "api/mail_worker.h"

#include <stdio.h>
#include <string.h>

#include "db/outbox.h"
#include "db/rows.h"
#include "util/banned.h"

static const char *subject(const char *lang)
{
	if (!strcmp(lang, "nb"))
		return "Tid for å se på øvingsmålet ditt";
	if (!strcmp(lang, "da"))
		return "Tid til at gennemgå dit træningsmål";
	return "Time to review your practice goal";
}

static void body(const char *lang, const char *name, const char *goal, const char *date, char *out,
                 size_t cap)
{
	if (!strcmp(lang, "nb"))
		snprintf(
		    out, cap,
		    "Hei %s,\n\nDu satte %s som dato for å se på øvingsmålet ditt:\n\n  %s\n\n"
		    "Logg inn i kvalab og åpne «Øving» for å se hvor mye du har øvd, og marker "
		    "målet som nådd, sett en ny dato eller legg det bort.\n",
		    name, date, goal);
	else if (!strcmp(lang, "da"))
		snprintf(
		    out, cap,
		    "Hej %s,\n\nDu satte %s som dato for at gennemgå dit træningsmål:\n\n  %s\n\n"
		    "Log ind i kvalab og åbn »Træning« for at se, hvor meget du har trænet, og "
		    "markér målet som nået, sæt en ny dato eller læg det væk.\n",
		    name, date, goal);
	else
		snprintf(
		    out, cap,
		    "Hello %s,\n\nYou set %s as the date to review your practice goal:\n\n  %s\n\n"
		    "Sign in to kvalab and open \"Practice\" to see how much you have practised, "
		    "and mark the goal achieved, set a new date or drop it.\n",
		    name, date, goal);
}

/* Queues the mail, marks the goal and audits, in one transaction. */
static int remind_one(struct api_ctx *ctx, struct db *db, const json_t *g, long long now)
{
	const char *lang = json_string_value(json_object_get(g, "locale"));
	char text[2048];
	long long id = json_integer_value(json_object_get(g, "id")), changed = 0;
	struct db_arg a[] = {ARG_INT(now), ARG_INT(id)};
	struct outbox_new m;
	struct api_req req;
	enum kv_err rc;

	const char *name = json_string_value(json_object_get(g, "display_name"));

	lang = lang ? lang : "nb";
	body(lang, name && *name ? name : json_string_value(json_object_get(g, "email")),
	     json_string_value(json_object_get(g, "description")),
	     json_string_value(json_object_get(g, "review_date")), text, sizeof(text));
	memset(&m, 0, sizeof(m));
	m.kind = "goal_review";
	m.to_user_id = json_integer_value(json_object_get(g, "therapist_id"));
	m.to_addr = json_string_value(json_object_get(g, "email"));
	m.subject = subject(lang);
	m.body = text;
	m.submission_id = json_integer_value(json_object_get(g, "submission_id"));
	memset(&req, 0, sizeof(req));
	req.ctx = ctx;
	req.db = db;
	if (db_begin(db) != KV_OK)
		return -1;
	/* Another process may have sent it a moment ago: only the one that marks it mails. */
	rc = db_run(db,
	            "UPDATE practice_goals SET reminded_at = ?1 WHERE id = ?2 AND reminded_at IS "
	            "NULL AND state = 'active'",
	            a, NARGS(a), &changed);
	if (!rc && changed)
		rc = outbox_enqueue(db, &m, (time_t)now) > 0 ? KV_OK : KV_EINTERNAL;
	if (!rc && changed)
		rc = api_audit_as(&req, 0, "(kvalab)", "system", "goal.reminder", "goal", id,
		                  "success", json_string_value(json_object_get(g, "review_date")));
	if (!rc && changed)
		rc = db_commit(db);
	if (rc || !changed) {
		db_rollback(db);
		return rc ? -1 : 0;
	}
	return 1;
}

int api_practice_remind(struct api_ctx *ctx, struct db *db, long long now)
{
	char today[11];
	struct db_arg a[] = {ARG_TEXT(today)};
	json_t *due, *g;
	size_t i;
	int n = 0, r;

	api_today(now, today);
	due = db_json_rows(db,
	                   "SELECT g.id, g.therapist_id, g.submission_id, g.description, "
	                   "g.review_date, u.email, u.display_name, u.locale FROM practice_goals "
	                   "g JOIN users u ON u.id = g.therapist_id WHERE g.state = 'active' AND "
	                   "g.review_date <= ?1 AND g.reminded_at IS NULL AND NOT u.disabled "
	                   "ORDER BY g.review_date, g.id LIMIT 500",
	                   a, NARGS(a), NULL);
	if (!due)
		return -1;
	json_array_foreach(due, i, g)
	{
		if ((r = remind_one(ctx, db, g, now)) < 0) {
			fprintf(stderr, "kvalab: could not queue the reminder of goal %lld\n",
			        (long long)json_integer_value(json_object_get(g, "id")));
			continue;
		}
		n += r;
	}
	json_decref(due);
	if (n)
		mail_worker_wake();
	return n;
}
