/* Unit tests for the mail outbox: queueing, leased claims, takeover after a crash, the backoff
 * schedule, the final 'failed' state and a lab admin's retry. Each test has its own database. */
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include "db/db.h"
#include "db/outbox.h"
#include "db/rows.h"

#define NOW 1900000000LL
#define LEASE 90

static char db_path[512];

static struct db *fresh_db(const char *name)
{
	char err[256];
	struct db *db;

	snprintf(db_path, sizeof(db_path), "%s/outbox-%s.db", unit_tmpdir(), name);
	unlink(db_path);
	db = db_open(db_path, err, sizeof(err));
	if (db && db_migrate(db, err, sizeof(err))) {
		db_close(db);
		return NULL;
	}
	return db;
}

static long long enqueue(struct db *db, const char *to, long long now)
{
	struct outbox_new m = {"meeting_invite",
	                       0,
	                       to,
	                       "Tilbakemeldingsmøte",
	                       "Hei!\n",
	                       "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
	                       "REQUEST",
	                       0,
	                       0};

	return outbox_enqueue(db, &m, (time_t)now);
}

/* A column of one message, as text ("" for NULL). */
static const char *col(struct db *db, long long id, const char *name)
{
	static char out[1024];
	char sql[128];
	struct db_stmt *st;

	snprintf(sql, sizeof(sql), "SELECT coalesce(%s, '') FROM mail_outbox WHERE id = ?", name);
	out[0] = '\0';
	st = db_prepare(db, sql);
	if (!st)
		return "(error)";
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW)
		snprintf(out, sizeof(out), "%s", db_col_text(st, 0));
	db_finalize(st);
	return out;
}

static long long col_int(struct db *db, long long id, const char *name)
{
	long long v = 0;
	char sql[128];
	struct db_stmt *st;

	snprintf(sql, sizeof(sql), "SELECT %s FROM mail_outbox WHERE id = ?", name);
	st = db_prepare(db, sql);
	if (!st)
		return -999;
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_finalize(st);
	return v;
}

TEST(test_outbox_enqueue_queues_now_and_refuses_header_breaks)
{
	struct db *db = fresh_db("enqueue");
	struct outbox_new bad = {"test", 0, "a@b.example\r\nBcc: x@y.example", "s", "b", NULL, NULL,
	                         0,      0};
	long long id;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	CHECK(id > 0);
	CHECK_STR(col(db, id, "state"), "queued");
	CHECK_INT(col_int(db, id, "run_after"), NOW);
	CHECK_INT(col_int(db, id, "attempts"), 0);
	CHECK_STR(col(db, id, "ics_method"), "REQUEST");
	CHECK_INT(outbox_enqueue(db, &bad, NOW), -1);
	bad.to_addr = "a@b.example";
	bad.subject = "Hello\nBcc: x@y.example";
	CHECK_INT(outbox_enqueue(db, &bad, NOW), -1);
	bad.subject = "Hello";
	bad.ics = "BEGIN:VCALENDAR";
	bad.ics_method = "PUBLISH";
	CHECK_INT(outbox_enqueue(db, &bad, NOW), -1);
	CHECK_INT(outbox_count(db, "queued"), 1);
	CHECK_INT(outbox_next_due(db), NOW);
	db_close(db);
}

TEST(test_outbox_claim_leases_the_message_to_one_worker)
{
	struct db *db = fresh_db("claim"), *other;
	struct outbox_policy p = {0, 0};
	struct outbox_msg a, b;
	char err[256];
	long long id;

	CHECK(db != NULL);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &a), KV_ENOTFOUND);
	id = enqueue(db, "therapist@clinic.example", NOW);
	/* Not yet due. */
	CHECK_INT(outbox_claim(db, &p, NOW - 1, LEASE, &a), KV_ENOTFOUND);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &a), KV_OK);
	CHECK_INT(a.id, id);
	CHECK_INT(a.attempts, 1);
	CHECK_STR(a.to_addr, "therapist@clinic.example");
	CHECK_STR(a.subject, "Tilbakemeldingsmøte");
	CHECK_STR(a.ics_method, "REQUEST");
	CHECK_STR(col(db, id, "state"), "sending");
	CHECK_INT(col_int(db, id, "lease_until"), NOW + LEASE);
	/* A second process on the same database finds nothing while the lease holds. */
	other = db_open(db_path, err, sizeof(err));
	CHECK(other != NULL);
	CHECK_INT(outbox_claim(other, &p, NOW + LEASE - 1, LEASE, &b), KV_ENOTFOUND);
	CHECK_INT(outbox_mark_sent(db, &a, NOW + 2), KV_OK);
	CHECK_STR(col(db, id, "state"), "sent");
	CHECK_INT(col_int(db, id, "sent_at"), NOW + 2);
	CHECK_INT(outbox_claim(other, &p, NOW + 10 * LEASE, LEASE, &b), KV_ENOTFOUND);
	CHECK_INT(outbox_next_due(db), 0);
	outbox_msg_release(&a);
	db_close(other);
	db_close(db);
}

TEST(test_outbox_two_workers_claim_different_messages)
{
	struct db *db = fresh_db("two"), *other;
	struct outbox_policy p = {0, 0};
	struct outbox_msg a, b, c;
	char err[256];

	CHECK(db != NULL);
	other = db_open(db_path, err, sizeof(err));
	CHECK(other != NULL);
	enqueue(db, "one@clinic.example", NOW);
	enqueue(db, "two@clinic.example", NOW);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &a), KV_OK);
	CHECK_INT(outbox_claim(other, &p, NOW, LEASE, &b), KV_OK);
	CHECK(a.id != b.id);
	CHECK_INT(outbox_claim(other, &p, NOW, LEASE, &c), KV_ENOTFOUND);
	outbox_msg_release(&a);
	outbox_msg_release(&b);
	db_close(other);
	db_close(db);
}

TEST(test_outbox_expired_lease_is_claimed_again_and_fences_the_old_worker)
{
	struct db *db = fresh_db("lease");
	struct outbox_policy p = {0, 0};
	struct outbox_msg crashed, next;
	int final = 0;
	long long id;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &crashed), KV_OK);
	/* The worker dies; once the lease has run out another takes the message over. */
	CHECK_INT(outbox_next_due(db), NOW + LEASE);
	CHECK_INT(outbox_claim(db, &p, NOW + LEASE, LEASE, &next), KV_ENOTFOUND);
	CHECK_INT(outbox_claim(db, &p, NOW + LEASE + 1, LEASE, &next), KV_OK);
	CHECK_INT(next.id, id);
	CHECK_INT(next.attempts, 2);
	/* The first worker comes back late: its result no longer counts. */
	CHECK_INT(outbox_mark_sent(db, &crashed, NOW + LEASE + 2), KV_ECONFLICT);
	CHECK_INT(outbox_mark_failed(db, &crashed, "late", &p, NOW + LEASE + 2, &final),
	          KV_ECONFLICT);
	CHECK_INT(final, 0);
	CHECK_INT(outbox_release(db, &crashed, NOW + LEASE + 2), KV_ECONFLICT);
	CHECK_STR(col(db, id, "state"), "sending");
	CHECK_INT(outbox_mark_sent(db, &next, NOW + LEASE + 3), KV_OK);
	CHECK_STR(col(db, id, "state"), "sent");
	outbox_msg_release(&crashed);
	outbox_msg_release(&next);
	db_close(db);
}

TEST(test_outbox_backoff_follows_the_table_and_is_capped)
{
	struct outbox_policy prod = {5, 60}, fast = {3, 1}, unset = {0, 0};

	CHECK_INT(outbox_backoff(&prod, 1), 60);
	CHECK_INT(outbox_backoff(&prod, 2), 300);
	CHECK_INT(outbox_backoff(&prod, 3), 1800);
	CHECK_INT(outbox_backoff(&prod, 4), 7200);
	CHECK_INT(outbox_backoff(&prod, 5), 21600);
	CHECK_INT(outbox_backoff(&prod, 6), 21600);
	CHECK_INT(outbox_backoff(&prod, 1000), 21600);
	CHECK_INT(outbox_backoff(&fast, 1), 1);
	CHECK_INT(outbox_backoff(&fast, 2), 5);
	CHECK_INT(outbox_backoff(&unset, 1), 60);
	CHECK_INT(outbox_backoff(NULL, 2), 300);
	CHECK_INT(outbox_backoff(&prod, 0), 60);
}

TEST(test_outbox_failed_attempt_waits_for_the_backoff_then_fails_for_good)
{
	struct db *db = fresh_db("fail");
	struct outbox_policy p = {3, 60};
	struct outbox_msg m;
	long long id, t = NOW;
	int final = -1, i;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	for (i = 1; i <= 3; i++) {
		CHECK_INT(outbox_claim(db, &p, t, LEASE, &m), KV_OK);
		CHECK_INT(m.attempts, i);
		CHECK_INT(m.max_attempts, 3);
		CHECK_INT(outbox_mark_failed(db, &m, "451 4.3.0 try again later", &p, t, &final),
		          KV_OK);
		outbox_msg_release(&m);
		CHECK_STR(col(db, id, "last_error"), "451 4.3.0 try again later");
		if (i < 3) {
			CHECK_INT(final, 0);
			CHECK_STR(col(db, id, "state"), "queued");
			CHECK_INT(col_int(db, id, "run_after"), t + outbox_backoff(&p, i));
			/* Not before the pause is over. */
			CHECK_INT(outbox_claim(db, &p, t + outbox_backoff(&p, i) - 1, LEASE, &m),
			          KV_ENOTFOUND);
			t += outbox_backoff(&p, i);
		}
	}
	CHECK_INT(final, 1);
	CHECK_STR(col(db, id, "state"), "failed");
	CHECK_INT(col_int(db, id, "attempts"), 3);
	CHECK_INT(outbox_count(db, "failed"), 1);
	CHECK_INT(outbox_claim(db, &p, t + 100000, LEASE, &m), KV_ENOTFOUND);
	CHECK_INT(outbox_next_due(db), 0);
	db_close(db);
}

TEST(test_outbox_row_max_attempts_applies_without_a_policy)
{
	struct db *db = fresh_db("rowmax");
	struct outbox_msg m;
	long long id, t = NOW;
	int final = 0, i;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	for (i = 1; i <= 5; i++) {
		CHECK_INT(outbox_claim(db, NULL, t, LEASE, &m), KV_OK);
		CHECK_INT(outbox_mark_failed(db, &m, "connection refused", NULL, t, &final), KV_OK);
		outbox_msg_release(&m);
		t += 100000;
	}
	CHECK_INT(final, 1);
	CHECK_STR(col(db, id, "state"), "failed");
	db_close(db);
}

TEST(test_outbox_crash_on_the_last_attempt_marks_it_failed)
{
	struct db *db = fresh_db("lastcrash");
	struct outbox_policy p = {1, 60};
	struct outbox_msg m;
	long long id;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &m), KV_OK);
	outbox_msg_release(&m);
	/* No result recorded: the lease runs out, and no fourth, fifth ... attempt follows. */
	CHECK_INT(outbox_claim(db, &p, NOW + LEASE + 1, LEASE, &m), KV_ENOTFOUND);
	CHECK_STR(col(db, id, "state"), "failed");
	CHECK(strstr(col(db, id, "last_error"), "interrupted") != NULL);
	db_close(db);
}

TEST(test_outbox_release_gives_the_message_back_without_counting)
{
	struct db *db = fresh_db("release");
	struct outbox_policy p = {0, 0};
	struct outbox_msg m;
	long long id;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &m), KV_OK);
	CHECK_INT(outbox_release(db, &m, NOW + 1), KV_OK);
	outbox_msg_release(&m);
	CHECK_STR(col(db, id, "state"), "queued");
	CHECK_INT(col_int(db, id, "attempts"), 0);
	CHECK_INT(outbox_claim(db, &p, NOW + 1, LEASE, &m), KV_OK);
	CHECK_INT(m.attempts, 1);
	outbox_msg_release(&m);
	db_close(db);
}

TEST(test_outbox_retry_puts_a_failed_message_back_with_attempts_reset)
{
	struct db *db = fresh_db("retry");
	struct outbox_policy p = {1, 60};
	struct outbox_msg m;
	long long id;
	int final = 0;

	CHECK(db != NULL);
	id = enqueue(db, "therapist@clinic.example", NOW);
	CHECK_INT(outbox_retry(db, id, NOW), KV_ECONFLICT); /* queued, not failed */
	CHECK_INT(outbox_retry(db, id + 100, NOW), KV_ENOTFOUND);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &m), KV_OK);
	CHECK_INT(outbox_retry(db, id, NOW), KV_ECONFLICT); /* sending */
	CHECK_INT(outbox_mark_failed(db, &m, "550 no such user", &p, NOW, &final), KV_OK);
	outbox_msg_release(&m);
	CHECK_INT(final, 1);
	CHECK_INT(outbox_retry(db, id, NOW + 500), KV_OK);
	CHECK_STR(col(db, id, "state"), "queued");
	CHECK_INT(col_int(db, id, "attempts"), 0);
	CHECK_INT(col_int(db, id, "run_after"), NOW + 500);
	CHECK_INT(outbox_claim(db, &p, NOW + 500, LEASE, &m), KV_OK);
	CHECK_INT(m.attempts, 1);
	CHECK_INT(outbox_mark_sent(db, &m, NOW + 501), KV_OK);
	outbox_msg_release(&m);
	CHECK_INT(outbox_retry(db, id, NOW), KV_ECONFLICT); /* sent */
	db_close(db);
}

TEST(test_outbox_list_has_no_bodies_and_filters)
{
	struct db *db = fresh_db("list");
	struct outbox_policy p = {1, 60};
	struct outbox_msg m;
	json_t *rows, *one;
	enum kv_err rc;
	int final;

	CHECK(db != NULL);
	enqueue(db, "one@clinic.example", NOW);
	enqueue(db, "two@clinic.example", NOW);
	CHECK_INT(outbox_claim(db, &p, NOW, LEASE, &m), KV_OK);
	outbox_mark_failed(db, &m, "550 no such user", &p, NOW, &final);
	outbox_msg_release(&m);
	rows = outbox_list_json(db, NULL, 0, 0, 0);
	CHECK(rows != NULL);
	CHECK_INT(json_array_size(rows), 2);
	one = json_array_get(rows, 0);
	CHECK(json_object_get(one, "body") == NULL);
	CHECK(json_object_get(one, "ics") == NULL);
	CHECK_STR(json_string_value(json_object_get(one, "to_addr")), "two@clinic.example");
	CHECK(json_is_string(json_object_get(one, "next_attempt_at")));
	json_decref(rows);
	rows = outbox_list_json(db, "failed", 0, 0, 10);
	CHECK_INT(json_array_size(rows), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(rows, 0), "last_error")),
	          "550 no such user");
	json_decref(rows);
	rows = outbox_list_json(db, NULL, 99, 0, 10);
	CHECK_INT(json_array_size(rows), 0);
	json_decref(rows);
	one = outbox_get_json(db, 1, &rc);
	CHECK(one != NULL);
	CHECK_STR(json_string_value(json_object_get(one, "state")), "failed");
	json_decref(one);
	CHECK(outbox_get_json(db, 77, &rc) == NULL);
	CHECK_INT(rc, KV_ENOTFOUND);
	db_close(db);
}
