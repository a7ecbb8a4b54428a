/* The SQLite backend: WAL journal, foreign keys on, a busy timeout, prepared statements only. */
#include "db/db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util/xalloc.h"
#include "util/banned.h"

#define BUSY_TIMEOUT_MS 10000

struct sqlite_db {
	struct db base;
	sqlite3 *h;
	int in_txn;
};

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	struct sqlite_db *db;
	int last_rc;
};

extern const char *const db_sqlite_migrations[];

static struct sqlite_db *DB(struct db *db)
{
	return (struct sqlite_db *)db;
}

static struct sqlite_stmt *ST(struct db_stmt *st)
{
	return (struct sqlite_stmt *)st;
}

static void s_close(struct db *db)
{
	sqlite3_close_v2(DB(db)->h);
	free(db);
}

static const char *s_errmsg(struct db *db)
{
	return sqlite3_errmsg(DB(db)->h);
}

static int s_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(DB(db)->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static enum kv_err s_begin(struct db *db)
{
	int rc = sqlite3_exec(DB(db)->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_BUSY)
		return KV_EUNAVAILABLE;
	if (rc != SQLITE_OK)
		return KV_EINTERNAL;
	DB(db)->in_txn = 1;
	return KV_OK;
}

static enum kv_err s_commit(struct db *db)
{
	int rc = sqlite3_exec(DB(db)->h, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		sqlite3_exec(DB(db)->h, "ROLLBACK", NULL, NULL, NULL);
		DB(db)->in_txn = 0;
		return rc == SQLITE_BUSY ? KV_EUNAVAILABLE : KV_EINTERNAL;
	}
	DB(db)->in_txn = 0;
	return KV_OK;
}

static void s_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(DB(db)->h))
		sqlite3_exec(DB(db)->h, "ROLLBACK", NULL, NULL, NULL);
	DB(db)->in_txn = 0;
}

static int s_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(DB(db)->h);
}

static const struct db_ops sqlite_ops;

static struct db_stmt *s_prepare(struct db *db, const char *sql)
{
	struct sqlite_stmt *s;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(DB(db)->h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "kvalab: SQL error: %s in: %s\n", sqlite3_errmsg(DB(db)->h), sql);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->st = st;
	s->db = DB(db);
	return &s->base;
}

static void s_bind_text(struct db_stmt *st, int idx, const char *v)
{
	sqlite3_bind_text(ST(st)->st, idx, v, -1, SQLITE_TRANSIENT);
}

static void s_bind_int(struct db_stmt *st, int idx, long long v)
{
	sqlite3_bind_int64(ST(st)->st, idx, v);
}

static void s_bind_double(struct db_stmt *st, int idx, double v)
{
	sqlite3_bind_double(ST(st)->st, idx, v);
}

static void s_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
	sqlite3_bind_blob64(ST(st)->st, idx, p, len, SQLITE_TRANSIENT);
}

static void s_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(ST(st)->st, idx);
}

static enum db_step_result s_step(struct db_stmt *st)
{
	int rc = sqlite3_step(ST(st)->st);

	ST(st)->last_rc = rc;
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		fprintf(stderr, "kvalab: SQL step failed: %s\n", sqlite3_errmsg(ST(st)->db->h));
	return DB_ERROR;
}

static enum kv_err s_stmt_err(struct db_stmt *st)
{
	int rc = ST(st)->last_rc & 0xff;

	if (rc == SQLITE_CONSTRAINT)
		return KV_ECONFLICT;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return KV_EUNAVAILABLE;
	return KV_EINTERNAL;
}

static int s_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(ST(st)->st);
}

static const char *s_col_name(struct db_stmt *st, int col)
{
	return sqlite3_column_name(ST(st)->st, col);
}

static int s_col_is_int(struct db_stmt *st, int col)
{
	return sqlite3_column_type(ST(st)->st, col) == SQLITE_INTEGER;
}

static int s_col_is_double(struct db_stmt *st, int col)
{
	return sqlite3_column_type(ST(st)->st, col) == SQLITE_FLOAT;
}

static int s_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(ST(st)->st, col) == SQLITE_NULL;
}

static const char *s_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(ST(st)->st, col);
}

static long long s_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(ST(st)->st, col);
}

static double s_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(ST(st)->st, col);
}

static const void *s_col_blob(struct db_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(ST(st)->st, col);

	*len = (size_t)sqlite3_column_bytes(ST(st)->st, col);
	return p;
}

static void s_finalize(struct db_stmt *st)
{
	sqlite3_finalize(ST(st)->st);
	free(st);
}

static long long s_changes(struct db *db)
{
	return sqlite3_changes64(DB(db)->h);
}

static int s_integrity_check(struct db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(DB(db)->h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "integrity check could not run: %s",
		         sqlite3_errmsg(DB(db)->h));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (r && !strcmp(r, "ok"))
			rc = 0;
		else
			snprintf(err, errlen, "database integrity: %s", r ? r : "(no answer)");
	}
	sqlite3_finalize(st);
	if (rc == 0) {
		if (sqlite3_prepare_v2(DB(db)->h, "PRAGMA foreign_key_check", -1, &st, NULL) ==
		        SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW) {
			snprintf(err, errlen, "foreign key violation in table %s, row %lld",
			         (const char *)sqlite3_column_text(st, 0),
			         (long long)sqlite3_column_int64(st, 1));
			rc = -1;
		}
		sqlite3_finalize(st);
	}
	return rc;
}

static int s_backup(struct db *db, const char *dest, char *err, size_t errlen)
{
	sqlite3 *out = NULL;
	sqlite3_backup *bk;
	int rc;

	if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", dest, sqlite3_errmsg(out));
		sqlite3_close(out);
		return -1;
	}
	bk = sqlite3_backup_init(out, "main", DB(db)->h, "main");
	if (!bk) {
		snprintf(err, errlen, "backup failed: %s", sqlite3_errmsg(out));
		sqlite3_close(out);
		return -1;
	}
	/* Copy in steps so the server's writers are not blocked for the whole copy; a write by
	 * another connection restarts the copy, which is how the result stays consistent. */
	do {
		rc = sqlite3_backup_step(bk, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup failed: %s", sqlite3_errstr(rc));
		sqlite3_close(out);
		return -1;
	}
	rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(out);
	return rc == SQLITE_OK ? 0 : -1;
}

static const struct db_ops sqlite_ops = {
    .name = "sqlite",
    .close = s_close,
    .errmsg = s_errmsg,
    .begin = s_begin,
    .commit = s_commit,
    .rollback = s_rollback,
    .in_transaction = s_in_transaction,
    .prepare = s_prepare,
    .bind_text = s_bind_text,
    .bind_int = s_bind_int,
    .bind_double = s_bind_double,
    .bind_blob = s_bind_blob,
    .bind_null = s_bind_null,
    .step = s_step,
    .stmt_err = s_stmt_err,
    .col_count = s_col_count,
    .col_name = s_col_name,
    .col_is_int = s_col_is_int,
    .col_is_double = s_col_is_double,
    .col_is_null = s_col_is_null,
    .col_text = s_col_text,
    .col_int = s_col_int,
    .col_double = s_col_double,
    .col_blob = s_col_blob,
    .finalize = s_finalize,
    .changes = s_changes,
    .exec = s_exec,
    .integrity_check = s_integrity_check,
    .backup = s_backup,
    .migrations = db_sqlite_migrations,
};

struct db *db_sqlite_open(const char *path, char *err, size_t errlen)
{
	struct sqlite_db *d;
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(path, &h,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		         h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	if (sqlite3_exec(h,
	                 "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
	                 "PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure database %s: %s", path, sqlite3_errmsg(h));
		sqlite3_close(h);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &sqlite_ops;
	d->h = h;
	return &d->base;
}
