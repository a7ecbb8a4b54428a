/* Dispatches the storage interface to the backend chosen when the connection was opened. */
#include "db/db.h"

#include <stdio.h>
#include <string.h>

#include "db/db_int.h"
#include "util/banned.h"

struct db *db_open(const char *where, char *err, size_t errlen)
{
	if (!strncmp(where, "postgres://", 11) || !strncmp(where, "postgresql://", 13)) {
		snprintf(err, errlen, "this build of kvalab has no PostgreSQL backend");
		return NULL;
	}
	return db_sqlite_open(where, err, errlen);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

const char *db_backend(const struct db *db)
{
	return db->ops->name;
}

const char *db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

enum kv_err db_begin(struct db *db)
{
	return db->ops->begin(db);
}

enum kv_err db_commit(struct db *db)
{
	return db->ops->commit(db);
}

void db_rollback(struct db *db)
{
	db->ops->rollback(db);
}

int db_in_transaction(struct db *db)
{
	return db->ops->in_transaction(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	return db->ops->prepare(db, sql);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		st->ops->bind_text(st, idx, s);
	else
		st->ops->bind_null(st, idx);
}

void db_bind_int(struct db_stmt *st, int idx, long long v)
{
	st->ops->bind_int(st, idx, v);
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
	st->ops->bind_double(st, idx, v);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
	st->ops->bind_blob(st, idx, p, len);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	st->ops->bind_null(st, idx);
}

enum db_step_result db_step(struct db_stmt *st)
{
	return st->ops->step(st);
}

enum kv_err db_stmt_err(struct db_stmt *st)
{
	return st->ops->stmt_err(st);
}

int db_col_count(struct db_stmt *st)
{
	return st->ops->col_count(st);
}

const char *db_col_name(struct db_stmt *st, int col)
{
	return st->ops->col_name(st, col);
}

int db_col_is_int(struct db_stmt *st, int col)
{
	return st->ops->col_is_int(st, col);
}

int db_col_is_double(struct db_stmt *st, int col)
{
	return st->ops->col_is_double(st, col);
}

int db_col_is_null(struct db_stmt *st, int col)
{
	return st->ops->col_is_null(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->ops->col_text(st, col);
}

long long db_col_int(struct db_stmt *st, int col)
{
	return st->ops->col_int(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
	return st->ops->col_double(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	return st->ops->col_blob(st, col, len);
}

void db_finalize(struct db_stmt *st)
{
	if (st)
		st->ops->finalize(st);
}

long long db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int db_integrity_check(struct db *db, char *err, size_t errlen)
{
	return db->ops->integrity_check(db, err, errlen);
}

int db_backup(struct db *db, const char *dest, char *err, size_t errlen)
{
	return db->ops->backup(db, dest, err, errlen);
}
