/* Applies the backend's numbered migrations, each in its own transaction, at start-up. */
#include "db/db.h"

#include <stdio.h>
#include <time.h>

#include "db/db_int.h"
#include "util/banned.h"

static int count_migrations(const struct db_ops *ops)
{
	int n = 0;

	while (ops->migrations[n])
		n++;
	return n;
}

int db_schema_latest(void)
{
	char err[64];
	struct db *db = db_sqlite_open(":memory:", err, sizeof(err));
	int n = db ? count_migrations(db->ops) : -1;

	db_close(db);
	return n;
}

int db_schema_version(struct db *db)
{
	struct db_stmt *st;
	int v = 0;

	st = db_prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (!st)
		return -1;
	if (db_step(st) == DB_ROW)
		v = (int)db_col_int(st, 0);
	else
		v = -1;
	db_finalize(st);
	return v;
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
	struct db_stmt *st;
	int have, latest, v;

	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                "  version INTEGER PRIMARY KEY,"
	                "  applied_at INTEGER NOT NULL)")) {
		snprintf(err, errlen, "cannot create the migrations table: %s", db_errmsg(db));
		return -1;
	}
	have = db_schema_version(db);
	latest = count_migrations(db->ops);
	if (have < 0) {
		snprintf(err, errlen, "cannot read the schema version: %s", db_errmsg(db));
		return -1;
	}
	if (have > latest) {
		snprintf(err, errlen,
		         "the database has schema version %d but this kvalab knows only up to %d; "
		         "run a newer kvalab",
		         have, latest);
		return -1;
	}
	for (v = have + 1; v <= latest; v++) {
		if (db_begin(db) != KV_OK || db_exec(db, db->ops->migrations[v - 1])) {
			snprintf(err, errlen, "migration %d failed: %s", v, db_errmsg(db));
			db_rollback(db);
			return -1;
		}
		st = db_prepare(db, "INSERT INTO schema_migrations(version, applied_at) "
		                    "VALUES (?, ?)");
		if (!st) {
			db_rollback(db);
			snprintf(err, errlen, "migration %d: cannot record it", v);
			return -1;
		}
		db_bind_int(st, 1, v);
		db_bind_int(st, 2, (long long)time(NULL));
		if (db_step(st) != DB_DONE || db_commit(db) != KV_OK) {
			db_finalize(st);
			db_rollback(db);
			snprintf(err, errlen, "migration %d: cannot record it: %s", v,
			         db_errmsg(db));
			return -1;
		}
		db_finalize(st);
	}
	return 0;
}
