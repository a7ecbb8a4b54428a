/* The storage interface every other module uses: connections, transactions and prepared
 * statements with bound parameters. The backend (SQLite now, PostgreSQL later) is chosen at
 * run time from the location string; callers never see which one they have. SQL written for
 * this interface uses ? placeholders and INSERT ... RETURNING, which both backends accept. */
#ifndef KV_DB_H
#define KV_DB_H

#include <stddef.h>

#include "core/err.h"

struct db;
struct db_stmt;

enum db_step_result {
	DB_ERROR = -1,
	DB_DONE = 0,
	DB_ROW = 1,
};

/* Opens a connection. `where` is a file path (SQLite). Returns NULL with a message in err. */
struct db *db_open(const char *where, char *err, size_t errlen);
void db_close(struct db *db);
/* Name of the backend, e.g. "sqlite". */
const char *db_backend(const struct db *db);
/* The last error message on this connection. */
const char *db_errmsg(struct db *db);

/* Starts a write transaction (taking the write lock at once, so it cannot fail later on
 * lock upgrade). Transactions do not nest. */
enum kv_err db_begin(struct db *db);
enum kv_err db_commit(struct db *db);
/* Safe to call when no transaction is open. */
void db_rollback(struct db *db);
/* 1 while a transaction is open on this connection. */
int db_in_transaction(struct db *db);

/* Prepares one statement; NULL on error (see db_errmsg). Free with db_finalize(). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Parameters are numbered from 1; text and blobs are copied. */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_int(struct db_stmt *st, int idx, long long v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len);
void db_bind_null(struct db_stmt *st, int idx);
enum db_step_result db_step(struct db_stmt *st);
/* Why the last step failed: KV_ECONFLICT for constraint violations, KV_EUNAVAILABLE when the
 * database stayed locked, otherwise KV_EINTERNAL. */
enum kv_err db_stmt_err(struct db_stmt *st);
/* Columns are numbered from 0; valid until the next step or finalize. */
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int col);
/* The stored value's type in this row: an integer, or a floating-point number. */
int db_col_is_int(struct db_stmt *st, int col);
int db_col_is_double(struct db_stmt *st, int col);
int db_col_is_null(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
long long db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);
void db_finalize(struct db_stmt *st);
/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
long long db_changes(struct db *db);

/* Runs statements with no parameters and no rows (schema changes). Returns 0 or -1. */
int db_exec(struct db *db, const char *sql);

/* Migrations: brings the schema to the newest version. Returns 0 or -1 with a message. */
int db_migrate(struct db *db, char *err, size_t errlen);
/* The schema version in the database, and the newest one this program knows. */
int db_schema_version(struct db *db);
int db_schema_latest(void);
/* Full integrity check of the database file; 0 when sound, else -1 with the first problem. */
int db_integrity_check(struct db *db, char *err, size_t errlen);
/* Consistent online copy to `dest` while others keep writing. Returns 0 or -1 with a message. */
int db_backup(struct db *db, const char *dest, char *err, size_t errlen);

/* A pool of connections shared by the server's threads. */
struct db_pool;
struct db_pool *db_pool_new(const char *where, int max_idle);
/* Returns a connection (opening one when none is idle) or NULL. */
struct db *db_pool_acquire(struct db_pool *pool);
/* Gives the connection back; any open transaction is rolled back first. */
void db_pool_release(struct db_pool *pool, struct db *db);
void db_pool_free(struct db_pool *pool);

#endif
