/* The deliberate-practice migration rebuilds practice_goals: goals agreed in meetings before it
 * keep their ids and words, and goals without an item become possible. */
#include "unit.h"

#include <string.h>

#include "db/db.h"
#include "db/db_int.h"
#include "db/rows.h"
#include "util/banned.h"

TEST(test_practice_migration_keeps_meeting_goals_and_allows_free_ones)
{
	char err[256];
	struct db *db = db_sqlite_open(":memory:", err, sizeof(err));
	const char *const *m;
	int mine = -1, i;

	CHECK(db != NULL);
	m = db->ops->migrations;
	for (i = 0; m[i]; i++)
		if (strstr(m[i], "CREATE TABLE practice_goals_new"))
			mine = i;
	CHECK(mine > 0);
	/* The schema as it was before, with a goal whose user and scale are not there: only the
	 * copy is under test here. */
	CHECK_INT(db_exec(db, "PRAGMA foreign_keys=OFF"), 0);
	for (i = 0; i < mine; i++)
		CHECK_INT(db_exec(db, m[i]), 0);
	CHECK_INT(db_exec(db, "INSERT INTO practice_goals (id, therapist_id, submission_id, "
	                      "meeting_id, instrument_id, item_id, description, target, "
	                      "review_date, state, created_by, created_at, updated_at) VALUES (41, "
	                      "7, 3, 2, 1, '3', 'Utfordre mer', 'Kvalitet 4', '2026-05-01', "
	                      "'achieved', 9, 100, 200)"),
	          0);
	CHECK_INT(db_begin(db), KV_OK);
	CHECK_INT(db_exec(db, m[mine]), 0);
	CHECK_INT(db_commit(db), KV_OK);
	CHECK_INT(
	    db_scalar(db,
	              "SELECT count(*) FROM practice_goals WHERE id = 41 AND therapist_id = 7 "
	              "AND item_id = '3' AND description = 'Utfordre mer' AND state = "
	              "'achieved' AND created_at = 100 AND reminded_at IS NULL",
	              NULL, 0, -1),
	    1);
	CHECK_INT(db_exec(db, "INSERT INTO practice_goals (therapist_id, description, target, "
	                      "review_date, created_at, updated_at) VALUES (7, 'Lese', 'Ett "
	                      "kapittel', '2026-06-01', 1, 1)"),
	          0);
	/* An item needs its scale, and a scale an item. */
	CHECK(db_exec(db, "INSERT INTO practice_goals (therapist_id, item_id, description, target, "
	                  "review_date, created_at, updated_at) VALUES (7, '3', 'x', 'y', "
	                  "'2026-06-01', 1, 1)") != 0);
	CHECK_INT(db_scalar(db, "SELECT count(*) FROM practice_log", NULL, 0, -1), 0);
	db_close(db);
}
