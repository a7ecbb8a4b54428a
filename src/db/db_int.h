/* What only the storage backends share: the table of operations each one fills in. */
#ifndef KV_DB_INT_H
#define KV_DB_INT_H

#include "db/db.h"

struct db_ops {
	const char *name;
	void (*close)(struct db *db);
	const char *(*errmsg)(struct db *db);
	enum kv_err (*begin)(struct db *db);
	enum kv_err (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	int (*in_transaction)(struct db *db);
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s);
	void (*bind_int)(struct db_stmt *st, int idx, long long v);
	void (*bind_double)(struct db_stmt *st, int idx, double v);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t len);
	void (*bind_null)(struct db_stmt *st, int idx);
	enum db_step_result (*step)(struct db_stmt *st);
	enum kv_err (*stmt_err)(struct db_stmt *st);
	int (*col_count)(struct db_stmt *st);
	const char *(*col_name)(struct db_stmt *st, int col);
	int (*col_is_int)(struct db_stmt *st, int col);
	int (*col_is_double)(struct db_stmt *st, int col);
	int (*col_is_null)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	long long (*col_int)(struct db_stmt *st, int col);
	double (*col_double)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *len);
	void (*finalize)(struct db_stmt *st);
	long long (*changes)(struct db *db);
	int (*exec)(struct db *db, const char *sql);
	int (*integrity_check)(struct db *db, char *err, size_t errlen);
	int (*backup)(struct db *db, const char *dest, char *err, size_t errlen);
	/* The schema migrations in this backend's dialect, oldest first. */
	const char *const *migrations;
};

/* Every backend's connection and statement start with these. */
struct db {
	const struct db_ops *ops;
};

struct db_stmt {
	const struct db_ops *ops;
};

struct db *db_sqlite_open(const char *path, char *err, size_t errlen);

#endif
