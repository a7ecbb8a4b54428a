/* Retention: recordings are destroyed when their purpose is fulfilled or their legal basis
 * ends. The rules, applied by the server every minute and by `kvalab retention run`:
 *   - consent withdrawn: at once;
 *   - feedback meeting held: after the institution's retention days;
 *   - agreement terminated: after the institution's retention days;
 *   - an upload left unfinished: when it expires.
 * Every destruction writes a receipt to the audit log: what, when, why, under which rule. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/rows.h"
#include "util/banned.h"

int api_retention_run(struct api_ctx *ctx, struct db *db, int dry_run,
                      void (*each)(void *cb, long long recording, long long submission,
                                   const char *rule),
                      void *cb)
{
	struct db_arg a[] = {ARG_INT(time(NULL))};
	json_t *due, *r;
	size_t i;
	int n = 0;

	due = db_json_rows(
	    db,
	    "SELECT r.id, r.submission_id, coalesce(s.recording_delete_reason, "
	    "'deletion due') AS rule FROM recordings r JOIN submissions s ON s.id = "
	    "r.submission_id WHERE r.state <> 'shredded' AND r.wrapped_key IS NOT NULL AND "
	    "s.recording_delete_after IS NOT NULL AND s.recording_delete_after <= ?1 "
	    "UNION ALL SELECT r.id, r.submission_id, 'upload expired unfinished' FROM "
	    "recordings r WHERE r.state = 'uploading' AND r.wrapped_key IS NOT NULL AND "
	    "r.expires_at IS NOT NULL AND r.expires_at <= ?1 ORDER BY 1",
	    a, NARGS(a), NULL);
	json_array_foreach(due, i, r)
	{
		long long id = json_integer_value(json_object_get(r, "id"));
		long long sub = json_integer_value(json_object_get(r, "submission_id"));
		const char *rule = json_string_value(json_object_get(r, "rule"));
		char reason[256];
		if (each)
			each(cb, id, sub, rule);
		n++;
		if (dry_run)
			continue;
		snprintf(reason, sizeof(reason), "retention: %s (submission %lld)", rule, sub);
		if (api_shred_recording(ctx, db, id, reason))
			fprintf(stderr, "kvalab: could not destroy recording %lld\n", id);
	}
	json_decref(due);
	return n;
}
