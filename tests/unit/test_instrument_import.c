/* Unit tests for putting instruments on file: the folder import the server runs at start-up,
 * identical re-imports, immutable versions, and refusals that leave the other files imported. */
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/instrument_import.h"
#include "db/rows.h"
#include "util/banned.h"

struct fixture {
	struct db *db;
	struct vault_key *key;
	char dir[512];
};

static int setup(struct fixture *f, const char *name)
{
	static const unsigned char zero[VAULT_KEY_LEN] = {0};
	char path[600], err[256];

	snprintf(f->dir, sizeof(f->dir), "%s/%s", unit_tmpdir(), name);
	mkdir(f->dir, 0700);
	snprintf(path, sizeof(path), "%s/kvalab.db", f->dir);
	unlink(path);
	f->db = db_open(path, err, sizeof(err));
	if (!f->db || db_migrate(f->db, err, sizeof(err))) {
		printf("    %s\n", err);
		return -1;
	}
	f->key = vault_key_from_bytes(zero);
	return 0;
}

static void teardown(struct fixture *f)
{
	db_close(f->db);
	vault_key_free(f->key);
}

/* The shipped folder, from the repository root (where the tests run) or from this file. */
static const char *shipped_dir(void)
{
	static char path[512];
	struct stat st;

	if (stat("instruments/miti-4.2.1.json", &st) == 0)
		return "instruments";
	snprintf(path, sizeof(path), "%.*s/../../instruments",
	         (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
	return path;
}

static long long count(struct db *db, const char *sql)
{
	return db_scalar(db, sql, NULL, 0, -1);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(test_instrument_import_dir_fills_the_seeded_rows_once)
{
	struct fixture f;
	char err[512] = "";

	CHECK(setup(&f, "import-dir") == 0);
	CHECK_INT(count(f.db, "SELECT count(*) FROM instruments WHERE definition IS NULL"), 4);
	/* The four seeded rating scales are filled in; the seven outcome measures get rows. */
	CHECK_INT(instrument_import_dir(f.db, f.key, shipped_dir(), err, sizeof(err)), 11);
	CHECK_INT(count(f.db, "SELECT count(*) FROM instruments"), 11);
	CHECK_INT(count(f.db, "SELECT count(*) FROM instruments WHERE kind = 'outcome'"), 7);
	CHECK_INT(count(f.db, "SELECT count(*) FROM instruments WHERE definition IS NULL"), 0);
	CHECK_INT(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'instrument.import'"),
	          11);
	/* At the next start-up nothing changes. */
	CHECK_INT(instrument_import_dir(f.db, f.key, shipped_dir(), err, sizeof(err)), 0);
	CHECK_INT(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'instrument.import'"),
	          11);
	CHECK_INT(count(f.db, "SELECT id FROM instruments WHERE code = 'miti' AND "
	                      "json_extract(definition, '$.version') = '4.2.1'"),
	          4);
	teardown(&f);
}

TEST(test_instrument_import_dir_reports_the_first_bad_file_and_imports_the_rest)
{
	struct fixture f;
	char sub[600], err[512] = "";

	CHECK(setup(&f, "import-bad") == 0);
	snprintf(sub, sizeof(sub), "%s/defs", f.dir);
	mkdir(sub, 0700);
	write_file(sub, "a-broken.json", "{\"schema\": 2}");
	write_file(sub, "b-notjson.json", "{");
	write_file(
	    sub, "c-good.json",
	    "{\"schema\": 1, \"code\": \"tiny\", \"version\": \"1\", \"kind\": \"outcome\","
	    " \"name\": {\"nb\": \"x\", \"da\": \"x\", \"en\": \"Tiny\"}, \"items\": [{\"id\":"
	    " \"a\", \"label\": {\"nb\": \"x\", \"da\": \"x\", \"en\": \"x\"}, \"facets\":"
	    " [\"quality\"], \"range\": {\"min\": 0, \"max\": 3}}]}");
	write_file(sub, "notes.txt", "not an instrument");
	write_file(sub, ".hidden.json", "{");
	CHECK_INT(instrument_import_dir(f.db, f.key, sub, err, sizeof(err)), -1);
	CHECK_STR(err, "a-broken.json: schema: must be 1 (the schema version this program reads)");
	CHECK_INT(count(f.db, "SELECT count(*) FROM instruments WHERE code = 'tiny'"), 1);
	CHECK_INT(count(f.db, "SELECT count(*) FROM instruments WHERE name = 'Tiny'"), 1);
	CHECK_INT(instrument_import_dir(f.db, f.key, "/nonexistent-kvalab", err, sizeof(err)), -1);
	CHECK(strstr(err, "cannot open /nonexistent-kvalab") != NULL);
	teardown(&f);
}

TEST(test_instrument_import_refuses_a_changed_definition_under_the_same_version)
{
	struct fixture f;
	struct instrument_import res;
	char path[600];
	json_t *def;

	CHECK(setup(&f, "import-immutable") == 0);
	snprintf(path, sizeof(path), "%s/ctrs-1.json", shipped_dir());
	CHECK_INT(instrument_import_file(f.db, f.key, path, &res), 0);
	CHECK_INT(res.outcome, INSTRUMENT_IMPORTED);
	CHECK_STR(res.code, "ctrs");
	def = instrument_file_load(path, res.err, sizeof(res.err));
	CHECK(def);
	CHECK_INT(instrument_import_json(f.db, f.key, def, &res), 0);
	CHECK_INT(res.outcome, INSTRUMENT_UNCHANGED);
	json_object_set_new(def, "licence", json_string("changed"));
	CHECK_INT(instrument_import_json(f.db, f.key, def, &res), -1);
	CHECK_INT(res.why, KV_ECONFLICT);
	CHECK_STR(res.err, "ctrs 1 is already on file with a different definition; versions are "
	                   "immutable; give it a new version");
	json_object_set_new(def, "kind", json_string("neither"));
	CHECK_INT(instrument_import_json(f.db, f.key, def, &res), -1);
	CHECK_INT(res.why, KV_EINVAL);
	CHECK_STR(res.err, "kind: must be fidelity or outcome");
	json_decref(def);
	CHECK(instrument_file_load(f.dir, res.err, sizeof(res.err)) == NULL);
	CHECK_STR(res.err, "not a regular file");
	teardown(&f);
}
