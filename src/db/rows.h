/* Reading query results as JSON: each row becomes an object keyed by column name, so a read * query is one SQL string and its arguments. Conventions: a column named "at" or ending in "_at"
 * holds Unix seconds and becomes an ISO 8601 UTC string (NULL or 0 -> null); columns named in
 * `bools` become true/false. */
#ifndef KV_DB_ROWS_H
#define KV_DB_ROWS_H

#include <jansson.h>

#include "db/db.h"

enum db_arg_type {
	DB_ARG_NULL,
	DB_ARG_INT,
	DB_ARG_TEXT,
};

struct db_arg {
	enum db_arg_type type;
	long long i;
	const char *s;
};

static inline struct db_arg db_arg_text(const char *s)
{
	struct db_arg a = {s ? DB_ARG_TEXT : DB_ARG_NULL, 0, s};
	return a;
}

#define ARG_INT(v) ((struct db_arg){DB_ARG_INT, (long long)(v), NULL})
/* Text; a NULL pointer binds SQL NULL. */
#define ARG_TEXT(v) db_arg_text(v)
#define ARG_NULL ((struct db_arg){DB_ARG_NULL, 0, NULL})
/* An integer that is NULL when zero (optional ids, unset times). */
#define ARG_ID(v) ((v) ? ARG_INT(v) : ARG_NULL)

/* Binds args (numbered from 1) to a prepared statement. */
void db_bind_args(struct db_stmt *st, const struct db_arg *args, int n);
/* The current row as an object. */
json_t *db_row_object(struct db_stmt *st, const char *const *bools);
/* All rows as an array; NULL on error. */
json_t *db_json_rows(struct db *db, const char *sql, const struct db_arg *args, int n,
                     const char *const *bools);
/* The first row as an object; NULL when there is none or on error (*rc tells which). */
json_t *db_json_row(struct db *db, const char *sql, const struct db_arg *args, int n,
                    const char *const *bools, enum kv_err *rc);
/* Runs a statement that returns no rows; KV_OK or the error. *changes gets the rows changed. */
enum kv_err db_run(struct db *db, const char *sql, const struct db_arg *args, int n,
                   long long *changes);
/* Runs an INSERT ... RETURNING id; stores the id. */
enum kv_err db_insert(struct db *db, const char *sql, const struct db_arg *args, int n,
                      long long *id);
/* The single integer a query returns (e.g. count(*)); def when there is no row. */
long long db_scalar(struct db *db, const char *sql, const struct db_arg *args, int n,
                    long long def);

#define NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
