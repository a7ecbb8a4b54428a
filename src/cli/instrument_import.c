/* Putting instrument definitions on file. Versions are immutable: once a code and version has a
 * definition, only the identical definition is accepted again, so a rating made against it
 * always means what it meant. */
#include "cli/instrument_import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/datadir.h"
#include "core/instrument.h"
#include "db/rows.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DIR_FILES_MAX 1000

static int failed(struct instrument_import *res, enum kv_err why, const char *msg)
{
	res->why = why;
	snprintf(res->err, sizeof(res->err), "%s", msg);
	return -1;
}

/* Inside the caller's transaction: the row for code and version, filled or created. */
static int put_on_file(struct db *db, const json_t *def, const char *text,
                       struct instrument_import *res)
{
	const char *code = json_string_value(json_object_get(def, "code"));
	const char *version = json_string_value(json_object_get(def, "version"));
	const char *kind = json_string_value(json_object_get(def, "kind"));
	const char *name = json_string_value(json_object_get(json_object_get(def, "name"), "en"));
	struct db_arg key_args[] = {ARG_TEXT(code), ARG_TEXT(version)}, fill[4];
	json_t *row, *stored = NULL;
	const char *stored_text;
	enum kv_err rc;
	long long changed = 0;
	int ret = -1;

	row =
	    db_json_row(db, "SELECT id, definition FROM instruments WHERE code = ? AND version = ?",
	                key_args, NARGS(key_args), NULL, &rc);
	if (!row && rc != KV_ENOTFOUND)
		return failed(res, KV_EINTERNAL, "the instruments cannot be read");
	if (!row) {
		struct db_arg a[] = {ARG_TEXT(code), ARG_TEXT(version), ARG_TEXT(name),
		                     ARG_TEXT(kind), ARG_TEXT(text),    ARG_INT(time(NULL))};
		if (db_insert(db,
		              "INSERT INTO instruments (code, version, name, kind, definition, "
		              "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		              a, NARGS(a), &res->id) != KV_OK)
			return failed(res, KV_EINTERNAL, "the instrument cannot be saved");
		res->outcome = INSTRUMENT_IMPORTED;
		return 0;
	}
	res->id = json_integer_value(json_object_get(row, "id"));
	stored_text = json_string_value(json_object_get(row, "definition"));
	if (stored_text) {
		stored = json_loads(stored_text, 0, NULL);
		if (stored && json_equal(stored, def)) {
			res->outcome = INSTRUMENT_UNCHANGED;
			ret = 0;
		} else {
			res->why = KV_ECONFLICT;
			snprintf(
			    res->err, sizeof(res->err),
			    "%s %s is already on file with a different definition; versions are "
			    "immutable; give it a new version",
			    code, version);
		}
		goto out;
	}
	/* Seeded by a migration with a name only: the file completes it. */
	fill[0] = ARG_TEXT(text);
	fill[1] = ARG_TEXT(name);
	fill[2] = ARG_TEXT(kind);
	fill[3] = ARG_INT(res->id);
	if (db_run(db,
	           "UPDATE instruments SET definition = ?, name = ?, kind = ? "
	           "WHERE id = ? AND definition IS NULL",
	           fill, NARGS(fill), &changed) != KV_OK ||
	    changed != 1) {
		failed(res, KV_EINTERNAL, "the instrument cannot be saved");
		goto out;
	}
	res->outcome = INSTRUMENT_IMPORTED;
	ret = 0;
out:
	json_decref(stored);
	json_decref(row);
	return ret;
}

int instrument_import_json(struct db *db, const struct vault_key *key, const json_t *def,
                           struct instrument_import *res)
{
	char detail[128], *text = NULL;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (instrument_validate(def, res->err, sizeof(res->err))) {
		res->why = KV_EINVAL;
		return -1;
	}
	snprintf(res->code, sizeof(res->code), "%s",
	         json_string_value(json_object_get(def, "code")));
	snprintf(res->version, sizeof(res->version), "%s",
	         json_string_value(json_object_get(def, "version")));
	text = json_dumps(def, JSON_COMPACT);
	if (!text)
		return failed(res, KV_EINTERNAL, "out of memory");
	if (db_begin(db) != KV_OK) {
		failed(res, KV_EINTERNAL, "the database is busy");
		goto out;
	}
	if (put_on_file(db, def, text, res))
		goto rollback;
	if (res->outcome == INSTRUMENT_UNCHANGED) {
		db_rollback(db);
		ret = 0;
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s %s", res->code, res->version);
	if (datadir_audit(db, key, "instrument.import", "instrument", res->id, detail) ||
	    db_commit(db) != KV_OK) {
		failed(res, KV_EINTERNAL, "the instrument cannot be saved");
		goto rollback;
	}
	ret = 0;
	goto out;
rollback:
	db_rollback(db);
out:
	free(text);
	return ret;
}

/* Reads a regular file of at most INSTRUMENT_FILE_MAX bytes into b. */
static int read_capped(const char *path, struct kv_buf *b, char *err, size_t errlen)
{
	char chunk[8192];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (kv_buf_add(b, chunk, (size_t)n)) {
			snprintf(err, errlen, "larger than %d bytes", INSTRUMENT_FILE_MAX);
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

json_t *instrument_file_load(const char *path, char *err, size_t errlen)
{
	struct kv_buf b = KV_BUF_INIT(INSTRUMENT_FILE_MAX);
	json_error_t je;
	json_t *def = NULL;

	if (read_capped(path, &b, err, errlen) == 0) {
		def = json_loadb(kv_buf_str(&b), b.len, JSON_REJECT_DUPLICATES, &je);
		if (!def)
			snprintf(err, errlen, "not valid JSON: line %d, column %d: %s", je.line,
			         je.column, je.text);
	}
	kv_buf_release(&b);
	return def;
}

int instrument_import_file(struct db *db, const struct vault_key *key, const char *path,
                           struct instrument_import *res)
{
	json_t *def;
	int rc;

	memset(res, 0, sizeof(*res));
	def = instrument_file_load(path, res->err, sizeof(res->err));
	if (!def) {
		res->why = KV_EINVAL;
		return -1;
	}
	rc = instrument_import_json(db, key, def, res);
	json_decref(def);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_json_name(const char *s)
{
	size_t n = strlen(s);

	return s[0] != '.' && n > 5 && !strcmp(s + n - 5, ".json");
}

int instrument_import_dir(struct db *db, const struct vault_key *key, const char *dir, char *err,
                          size_t errlen)
{
	struct instrument_import res;
	char *names[DIR_FILES_MAX], path[PATH_MAX];
	size_t n = 0, i;
	struct dirent *e;
	int imported = 0, bad = 0;
	DIR *dh;

	dh = opendir(dir);
	if (!dh) {
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(dh))) {
		if (!is_json_name(e->d_name))
			continue;
		if (n == DIR_FILES_MAX) {
			snprintf(err, errlen, "%s: more than %d instrument files", dir,
			         DIR_FILES_MAX);
			bad = 1;
			break;
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path)) {
			if (!bad)
				snprintf(err, errlen, "%s: the path is too long", names[i]);
			bad = 1;
		} else if (instrument_import_file(db, key, path, &res)) {
			if (!bad)
				snprintf(err, errlen, "%s: %s", names[i], res.err);
			bad = 1;
		} else if (res.outcome == INSTRUMENT_IMPORTED) {
			imported++;
		}
		free(names[i]);
	}
	return bad ? -1 : imported;
}
