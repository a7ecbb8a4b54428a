/* Unit tests for migrations, stored accounts and sessions, throttling, the audit chain and
 * sealing of small secrets. Each test uses its own database file. */
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "db/audit_log.h"
#include "db/db.h"
#include "db/sessions.h"
#include "db/users.h"
#include "vault/masterkey.h"

static const unsigned char test_key[AUDIT_KEY_LEN] = "0123456789abcdef0123456789abcdef";

static struct db *fresh_db(const char *name)
{
	char path[512], err[256];
	struct db *db;

	snprintf(path, sizeof(path), "%s/%s.db", unit_tmpdir(), name);
	unlink(path);
	db = db_open(path, err, sizeof(err));
	if (db && db_migrate(db, err, sizeof(err))) {
		db_close(db);
		return NULL;
	}
	return db;
}

static long long add_user(struct db *db, const char *email, enum kv_role role)
{
	struct kv_user u;

	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.password_hash, sizeof(u.password_hash), "x");
	u.role = role;
	if (db_user_insert(db, &u) != KV_OK)
		return 0;
	return u.id;
}

TEST(test_migrations_reach_latest_and_are_idempotent)
{
	struct db *db = fresh_db("migrate");
	char err[256];

	CHECK(db != NULL);
	CHECK(db_schema_latest() >= 1);
	CHECK_INT(db_schema_version(db), db_schema_latest());
	CHECK(db_migrate(db, err, sizeof(err)) == 0);
	CHECK_INT(db_schema_version(db), db_schema_latest());
	db_close(db);
}

TEST(test_migrations_refuse_a_database_from_a_newer_kvalab)
{
	struct db *db = fresh_db("newer");
	char err[256];

	CHECK(db_exec(db, "INSERT INTO schema_migrations VALUES (999, 0)") == 0);
	CHECK(db_migrate(db, err, sizeof(err)) == -1);
	CHECK(strstr(err, "schema version 999") != NULL);
	db_close(db);
}

TEST(test_user_email_is_unique)
{
	struct db *db = fresh_db("unique");
	struct kv_user u;

	CHECK(add_user(db, "a@b.no", ROLE_RATER) > 0);
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "a@b.no");
	snprintf(u.password_hash, sizeof(u.password_hash), "x");
	u.role = ROLE_THERAPIST;
	CHECK_INT(db_user_insert(db, &u), KV_ECONFLICT);
	CHECK_INT(db_user_count(db), 1);
	db_close(db);
}

TEST(test_sessions_expire_when_idle_or_too_old)
{
	struct db *db = fresh_db("sessions");
	struct session_limits lim = {1800, 43200};
	uint8_t h[TOKEN_HASH_LEN];
	char csrf[TOKEN_TEXT_MAX];
	struct kv_user u;
	long long id = add_user(db, "s@b.no", ROLE_THERAPIST), t0 = 1000000;

	token_hash("cookie-1", h);
	CHECK_INT(db_session_insert(db, h, id, "csrf-1", t0, "127.0.0.1"), KV_OK);
	CHECK_INT(db_session_lookup(db, h, t0 + 1799, &lim, &u, csrf), KV_OK);
	CHECK_STR(csrf, "csrf-1");
	CHECK_INT(u.id, id);
	/* Active use keeps it alive past 30 minutes from the start... */
	CHECK_INT(db_session_lookup(db, h, t0 + 3000, &lim, &u, csrf), KV_OK);
	/* ...but 30 idle minutes end it, and it is gone for good. */
	CHECK_INT(db_session_lookup(db, h, t0 + 3000 + 1801, &lim, &u, csrf), KV_EAUTH);
	CHECK_INT(db_session_lookup(db, h, t0 + 3001, &lim, &u, csrf), KV_EAUTH);
	/* Absolute limit: 12 hours however active. */
	token_hash("cookie-2", h);
	db_session_insert(db, h, id, "csrf-2", t0, NULL);
	for (long long t = t0; t < t0 + 43200; t += 1500)
		CHECK_INT(db_session_lookup(db, h, t, &lim, &u, csrf), KV_OK);
	CHECK_INT(db_session_lookup(db, h, t0 + 43201, &lim, &u, csrf), KV_EAUTH);
	db_close(db);
}

TEST(test_throttle_locks_after_five_failures_in_the_window)
{
	struct db *db = fresh_db("throttle");
	long long t = 5000000;
	int i;

	for (i = 0; i < 4; i++)
		CHECK_INT(db_throttle_fail(db, "x@y.no", t + i, 900, 5, 900), 0);
	CHECK_INT(db_throttle_locked_until(db, "x@y.no", t + 4), 0);
	CHECK_INT(db_throttle_fail(db, "x@y.no", t + 4, 900, 5, 900), t + 4 + 900);
	CHECK_INT(db_throttle_locked_until(db, "x@y.no", t + 10), t + 904);
	CHECK_INT(db_throttle_locked_until(db, "other@y.no", t + 10), 0);
	CHECK_INT(db_throttle_locked_until(db, "x@y.no", t + 905), 0);
	/* Failures spread beyond the window do not add up. */
	for (i = 0; i < 6; i++)
		CHECK_INT(db_throttle_fail(db, "slow@y.no", t + i * 1000, 900, 5, 900), 0);
	db_close(db);
}

static void append(struct db *db, const char *action, const char *detail)
{
	struct audit_event ev = {0};

	ev.at_ms = 1700000000000LL;
	ev.actor_id = 1;
	ev.actor_email = "a@b.no";
	ev.role = "lab_admin";
	ev.action = action;
	ev.outcome = "success";
	ev.detail = detail;
	db_begin(db);
	db_audit_append(db, test_key, &ev);
	db_commit(db);
}

TEST(test_audit_append_needs_a_transaction)
{
	struct db *db = fresh_db("audit_txn");
	struct audit_event ev = {0};

	ev.action = "x";
	ev.outcome = "success";
	CHECK_INT(db_audit_append(db, test_key, &ev), KV_EINTERNAL);
	db_close(db);
}

TEST(test_audit_chain_verifies_and_names_an_edited_row)
{
	struct db *db = fresh_db("audit_edit");
	char err[256];
	long long rows;

	append(db, "one", NULL);
	append(db, "two", "detail");
	append(db, "three", NULL);
	CHECK(db_audit_verify(db, test_key, &rows, err, sizeof(err)) == 0);
	CHECK_INT(rows, 3);
	CHECK(db_exec(db, "UPDATE audit_log SET detail = 'x' WHERE id = 2") == -1);
	CHECK(db_exec(db, "DROP TRIGGER audit_log_no_update") == 0);
	CHECK(db_exec(db, "UPDATE audit_log SET detail = 'changed' WHERE id = 2") == 0);
	CHECK(db_audit_verify(db, test_key, &rows, err, sizeof(err)) == -1);
	CHECK(strstr(err, "row 2 was changed") != NULL);
	db_close(db);
}

TEST(test_audit_chain_detects_deleted_and_truncated_rows)
{
	struct db *db = fresh_db("audit_delete");
	char err[256];
	long long rows;

	append(db, "one", NULL);
	append(db, "two", NULL);
	append(db, "three", NULL);
	CHECK(db_exec(db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3") ==
	      0);
	CHECK(db_audit_verify(db, test_key, &rows, err, sizeof(err)) == -1);
	CHECK(strstr(err, "cut from the end") != NULL);
	CHECK(db_exec(db, "DELETE FROM audit_log WHERE id = 1") == 0);
	CHECK(db_audit_verify(db, test_key, &rows, err, sizeof(err)) == -1);
	CHECK(strstr(err, "row 1 is missing") != NULL);
	db_close(db);
}

TEST(test_audit_chain_needs_the_right_key)
{
	struct db *db = fresh_db("audit_key");
	unsigned char other[AUDIT_KEY_LEN] = "another key of thirty-two bytes";
	char err[256];
	long long rows;

	append(db, "one", NULL);
	CHECK(db_audit_verify(db, other, &rows, err, sizeof(err)) == -1);
	db_close(db);
}

TEST(test_audit_hash_covers_every_field_and_tells_null_from_empty)
{
	struct audit_event a = {0}, b;
	char h1[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];

	a.id = 1;
	a.action = "x";
	a.outcome = "success";
	audit_chain_hash(test_key, AUDIT_GENESIS, &a, h1);
	b = a;
	b.detail = "";
	audit_chain_hash(test_key, AUDIT_GENESIS, &b, h2);
	CHECK(strcmp(h1, h2) != 0);
	b = a;
	b.at_ms = 1;
	audit_chain_hash(test_key, AUDIT_GENESIS, &b, h2);
	CHECK(strcmp(h1, h2) != 0);
	/* Moving text between fields must change the hash too. */
	a.action = "ab";
	a.object_type = NULL;
	b = a;
	b.action = "a";
	b.object_type = "b";
	audit_chain_hash(test_key, AUDIT_GENESIS, &a, h1);
	audit_chain_hash(test_key, AUDIT_GENESIS, &b, h2);
	CHECK(strcmp(h1, h2) != 0);
}

TEST(test_seal_round_trips_and_refuses_tampering_or_another_owner)
{
	char path[512], err[256];
	struct vault_key *k;
	struct kv_buf sealed = KV_BUF_INIT(4096), out = KV_BUF_INIT(4096);

	snprintf(path, sizeof(path), "%s/seal.key", unit_tmpdir());
	unlink(path);
	CHECK(vault_masterkey_create(path) == 0);
	CHECK(vault_masterkey_create(path) == -1); /* never overwritten */
	k = vault_masterkey_load(path, err, sizeof(err));
	CHECK(k != NULL);
	CHECK(vault_seal(k, "totp", "totp:1", "secret-seed", 11, &sealed) == 0);
	CHECK(vault_unseal(k, "totp", "totp:1", sealed.data, sealed.len, &out) == 0);
	CHECK(out.len == 11 && memcmp(out.data, "secret-seed", 11) == 0);
	kv_buf_clear(&out);
	CHECK(vault_unseal(k, "totp", "totp:2", sealed.data, sealed.len, &out) == -1);
	CHECK(vault_unseal(k, "other", "totp:1", sealed.data, sealed.len, &out) == -1);
	sealed.data[15] ^= 1;
	CHECK(vault_unseal(k, "totp", "totp:1", sealed.data, sealed.len, &out) == -1);
	CHECK(vault_unseal(k, "totp", "totp:1", sealed.data, 10, &out) == -1);
	vault_key_free(k);
	kv_buf_release(&sealed);
	kv_buf_release(&out);
}

TEST(test_master_key_with_loose_permissions_is_refused)
{
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/loose.key", unit_tmpdir());
	unlink(path);
	CHECK(vault_masterkey_create(path) == 0);
	CHECK(chmod(path, 0644) == 0);
	CHECK(vault_masterkey_load(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "0600") != NULL);
}

TEST(test_migrations_create_every_table_the_code_uses)
{
	static const char *const tables[] = {
	    "users",         "sessions",      "api_tokens",        "audit_log",   "institutions",
	    "programmes",    "memberships",   "agreements",        "documents",   "patient_cases",
	    "consents",      "submissions",   "submission_events", "instruments", "recordings",
	    "jobs",          "viewings",      "keyring",           "assignments", "ratings",
	    "interventions", "rating_changes"};
	struct db *db = fresh_db("tables");
	char sql[128];
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		struct db_stmt *st;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		st = db_prepare(db, sql);
		if (!st)
			unit_fail(__FILE__, __LINE__, "table %s is missing", tables[i]);
		db_finalize(st);
	}
	db_close(db);
}
