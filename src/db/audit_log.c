/* The audit log table: append-only, chained with a keyed hash, verified by `kvalab check`. */
#include "db/audit_log.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"
#include "util/banned.h"

static enum kv_err read_head(struct db *db, long long *last_id, char hash[AUDIT_HASH_HEX],
                             char mac[AUDIT_HASH_HEX])
{
	struct db_stmt *st = db_prepare(db, "SELECT last_id, last_hash, mac FROM audit_head");
	enum db_step_result r;

	if (!st)
		return KV_EINTERNAL;
	r = db_step(st);
	if (r == DB_ROW) {
		*last_id = db_col_int(st, 0);
		snprintf(hash, AUDIT_HASH_HEX, "%s", db_col_text(st, 1));
		snprintf(mac, AUDIT_HASH_HEX, "%s", db_col_text(st, 2));
	} else {
		*last_id = 0;
		snprintf(hash, AUDIT_HASH_HEX, "%s", AUDIT_GENESIS);
		mac[0] = '\0';
	}
	db_finalize(st);
	return r == DB_ERROR ? KV_EINTERNAL : KV_OK;
}

enum kv_err db_audit_append(struct db *db, const unsigned char key[AUDIT_KEY_LEN],
                            struct audit_event *ev)
{
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX], mac[AUDIT_HASH_HEX];
	struct db_stmt *st;
	long long last_id;
	enum kv_err rc;

	if (!db_in_transaction(db))
		return KV_EINTERNAL;
	rc = read_head(db, &last_id, prev, mac);
	if (rc)
		return rc;
	ev->id = last_id + 1;
	audit_chain_hash(key, prev, ev, hash);
	st = db_prepare(db, "INSERT INTO audit_log (id, at, actor_id, actor_email, role, action, "
	                    "object_type, object_id, outcome, detail, ip, prev_hash, hash) "
	                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, ev->id);
	db_bind_int(st, 2, ev->at_ms);
	if (ev->actor_id)
		db_bind_int(st, 3, ev->actor_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, ev->actor_email);
	db_bind_text(st, 5, ev->role);
	db_bind_text(st, 6, ev->action);
	db_bind_text(st, 7, ev->object_type);
	db_bind_text(st, 8, ev->object_id);
	db_bind_text(st, 9, ev->outcome);
	db_bind_text(st, 10, ev->detail);
	db_bind_text(st, 11, ev->ip);
	db_bind_text(st, 12, prev);
	db_bind_text(st, 13, hash);
	rc = db_step(st) == DB_DONE ? KV_OK : db_stmt_err(st);
	db_finalize(st);
	if (rc)
		return rc;
	audit_head_mac(key, ev->id, hash, mac);
	st = db_prepare(
	    db, "INSERT INTO audit_head (one, last_id, last_hash, mac) VALUES (1, ?1, ?2, ?3) "
	        "ON CONFLICT(one) DO UPDATE SET last_id = ?1, last_hash = ?2, mac = ?3");
	if (!st)
		return KV_EINTERNAL;
	db_bind_int(st, 1, ev->id);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, mac);
	rc = db_step(st) == DB_DONE ? KV_OK : db_stmt_err(st);
	db_finalize(st);
	return rc;
}

#define AUDIT_COLUMNS                                                                              \
	"id, at, coalesce(actor_id, 0), actor_email, role, action, object_type, object_id, "       \
	"outcome, detail, ip"

static void read_event(struct db_stmt *st, struct audit_event *ev)
{
	ev->id = db_col_int(st, 0);
	ev->at_ms = db_col_int(st, 1);
	ev->actor_id = db_col_int(st, 2);
	ev->actor_email = db_col_text(st, 3);
	ev->role = db_col_text(st, 4);
	ev->action = db_col_text(st, 5);
	ev->object_type = db_col_text(st, 6);
	ev->object_id = db_col_text(st, 7);
	ev->outcome = db_col_text(st, 8);
	ev->detail = db_col_text(st, 9);
	ev->ip = db_col_text(st, 10);
}

#define AUDIT_WHERE                                                                                \
	" WHERE (?1 IS NULL OR instr(lower(coalesce(actor_email, '')), lower(?1)) > 0)"            \
	" AND (?2 IS NULL OR substr(action, 1, length(?2)) = ?2)"                                  \
	" AND (?3 IS NULL OR object_type = ?3)"                                                    \
	" AND (?4 IS NULL OR object_id = ?4)"                                                      \
	" AND (?5 = 0 OR at >= ?5) AND (?6 = 0 OR at <= ?6)"

static void bind_filter(struct db_stmt *st, const struct db_audit_filter *f)
{
	db_bind_text(st, 1, f->actor);
	db_bind_text(st, 2, f->action);
	db_bind_text(st, 3, f->object_type);
	db_bind_text(st, 4, f->object_id);
	db_bind_int(st, 5, f->from_ms);
	db_bind_int(st, 6, f->to_ms);
}

enum kv_err db_audit_list(struct db *db, const struct db_audit_filter *f,
                          void (*each)(const struct audit_event *ev, void *ctx), void *ctx,
                          long long *total)
{
	struct db_stmt *st;
	struct audit_event ev;
	enum db_step_result r;

	st = db_prepare(db, "SELECT count(*) FROM audit_log" AUDIT_WHERE);
	if (!st)
		return KV_EINTERNAL;
	bind_filter(st, f);
	*total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_finalize(st);
	st = db_prepare(db, "SELECT " AUDIT_COLUMNS " FROM audit_log" AUDIT_WHERE
	                    " ORDER BY id DESC LIMIT ?7 OFFSET ?8");
	if (!st)
		return KV_EINTERNAL;
	bind_filter(st, f);
	db_bind_int(st, 7, f->limit);
	db_bind_int(st, 8, f->offset);
	while ((r = db_step(st)) == DB_ROW) {
		read_event(st, &ev);
		each(&ev, ctx);
	}
	db_finalize(st);
	return r == DB_DONE ? KV_OK : KV_EINTERNAL;
}

int db_audit_verify(struct db *db, const unsigned char key[AUDIT_KEY_LEN], long long *rows,
                    char *err, size_t errlen)
{
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX], head_hash[AUDIT_HASH_HEX];
	char head_mac[AUDIT_HASH_HEX], mac[AUDIT_HASH_HEX];
	struct audit_event ev;
	struct db_stmt *st;
	long long expect = 1, head_id = 0;
	int rc = -1;

	*rows = 0;
	snprintf(prev, sizeof(prev), "%s", AUDIT_GENESIS);
	st = db_prepare(db, "SELECT " AUDIT_COLUMNS ", prev_hash, hash FROM audit_log ORDER BY id");
	if (!st) {
		snprintf(err, errlen, "audit log: cannot read: %s", db_errmsg(db));
		return -1;
	}
	while (db_step(st) == DB_ROW) {
		const char *stored_prev = db_col_text(st, 11), *stored = db_col_text(st, 12);
		read_event(st, &ev);
		if (ev.id != expect) {
			if (ev.id > expect)
				snprintf(err, errlen,
				         "audit log: row %lld is missing (rows %lld to %lld were "
				         "deleted)",
				         expect, expect, ev.id - 1);
			else
				snprintf(err, errlen, "audit log: row %lld is out of order", ev.id);
			goto out;
		}
		if (!stored_prev || strcmp(stored_prev, prev)) {
			snprintf(
			    err, errlen,
			    "audit log: row %lld does not follow row %lld (the chain is broken)",
			    ev.id, ev.id - 1);
			goto out;
		}
		audit_chain_hash(key, prev, &ev, hash);
		if (!stored || strcmp(stored, hash)) {
			snprintf(err, errlen,
			         "audit log: row %lld was changed after it was written (%s, %s)",
			         ev.id, ev.action ? ev.action : "?",
			         ev.object_type ? ev.object_type : "-");
			goto out;
		}
		snprintf(prev, sizeof(prev), "%s", hash);
		expect++;
		(*rows)++;
	}
	if (read_head(db, &head_id, head_hash, head_mac)) {
		snprintf(err, errlen, "audit log: cannot read the chain's head");
		goto out;
	}
	if (head_id != expect - 1 || strcmp(head_hash, prev)) {
		snprintf(err, errlen,
		         "audit log: the chain ends at row %lld but its head says row %lld "
		         "(rows were cut from the end)",
		         expect - 1, head_id);
		goto out;
	}
	if (head_id) {
		audit_head_mac(key, head_id, head_hash, mac);
		if (strcmp(mac, head_mac)) {
			snprintf(err, errlen, "audit log: the chain's head was altered");
			goto out;
		}
	}
	rc = 0;
out:
	db_finalize(st);
	return rc;
}
