/* Query helpers that turn rows into JSON objects and run simple statements with arguments. */
#include "db/rows.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

void db_bind_args(struct db_stmt *st, const struct db_arg *args, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		switch (args[i].type) {
		case DB_ARG_INT:
			db_bind_int(st, i + 1, args[i].i);
			break;
		case DB_ARG_TEXT:
			db_bind_text(st, i + 1, args[i].s);
			break;
		default:
			db_bind_null(st, i + 1);
		}
	}
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int is_listed(const char *name, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

static json_t *iso_time(long long secs)
{
	char out[32];
	time_t t = (time_t)secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(out);
}

json_t *db_row_object(struct db_stmt *st, const char *const *bools)
{
	json_t *o = json_object();
	int i, n = db_col_count(st);

	for (i = 0; i < n; i++) {
		const char *name = db_col_name(st, i);
		json_t *v;
		if (db_col_is_null(st, i))
			v = json_null();
		else if (is_listed(name, bools))
			v = json_boolean(db_col_int(st, i) != 0);
		else if ((ends_with(name, "_at") || !strcmp(name, "at")) && db_col_is_int(st, i))
			v = db_col_int(st, i) ? iso_time(db_col_int(st, i)) : json_null();
		else if (db_col_is_int(st, i))
			v = json_integer(db_col_int(st, i));
		else if (db_col_is_double(st, i))
			v = json_real(db_col_double(st, i));
		else
			v = json_string(db_col_text(st, i));
		json_object_set_new(o, name, v ? v : json_null());
	}
	return o;
}

json_t *db_json_rows(struct db *db, const char *sql, const struct db_arg *args, int n,
                     const char *const *bools)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum db_step_result r;
	json_t *rows;

	if (!st)
		return NULL;
	db_bind_args(st, args, n);
	rows = json_array();
	while ((r = db_step(st)) == DB_ROW)
		json_array_append_new(rows, db_row_object(st, bools));
	db_finalize(st);
	if (r != DB_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

json_t *db_json_row(struct db *db, const char *sql, const struct db_arg *args, int n,
                    const char *const *bools, enum kv_err *rc)
{
	struct db_stmt *st = db_prepare(db, sql);
	json_t *o = NULL;

	if (!st) {
		*rc = KV_EINTERNAL;
		return NULL;
	}
	db_bind_args(st, args, n);
	switch (db_step(st)) {
	case DB_ROW:
		o = db_row_object(st, bools);
		*rc = KV_OK;
		break;
	case DB_DONE:
		*rc = KV_ENOTFOUND;
		break;
	default:
		*rc = db_stmt_err(st);
	}
	db_finalize(st);
	return o;
}

enum kv_err db_run(struct db *db, const char *sql, const struct db_arg *args, int n,
                   long long *changes)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_args(st, args, n);
	if (db_step(st) == DB_ERROR)
		rc = db_stmt_err(st);
	db_finalize(st);
	if (changes)
		*changes = rc == KV_OK ? db_changes(db) : 0;
	return rc;
}

enum kv_err db_insert(struct db *db, const char *sql, const struct db_arg *args, int n,
                      long long *id)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum kv_err rc = KV_OK;

	if (!st)
		return KV_EINTERNAL;
	db_bind_args(st, args, n);
	if (db_step(st) == DB_ROW)
		*id = db_col_int(st, 0);
	else
		rc = db_stmt_err(st);
	db_finalize(st);
	return rc;
}

long long db_scalar(struct db *db, const char *sql, const struct db_arg *args, int n, long long def)
{
	struct db_stmt *st = db_prepare(db, sql);
	long long v = def;

	if (!st)
		return def;
	db_bind_args(st, args, n);
	if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
		v = db_col_int(st, 0);
	db_finalize(st);
	return v;
}
