/* kvalab key rotate: a new master key, with every key it protects rewrapped (the data keys of
 * recordings, documents and research exports, TOTP seeds, the keyring) and the transcripts
 * resealed, in one transaction. Recordings themselves are not re-encrypted. Crash-safe: the new
 * key is written to master.key.new first; after the database commits it replaces master.key,
 * and an interrupted rotation is finished (or undone) the next time the data folder is opened. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/datadir.h"
#include "core/transcript.h"
#include "db/rows.h"
#include "util/banned.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: kvalab key rotate --data DIR\n\n"
	        "Makes a new master key and rewraps every key under it: the data keys of\n"
	        "recordings, documents and exports, TOTP seeds and the keyring; transcripts are\n"
	        "resealed. Recordings are not re-encrypted. Stop the server first. Backups made\n"
	        "before the rotation can only be read with the old key, which is destroyed.\n");
}

struct rewrap {
	const char *table, *id_col, *key_col, *purpose, *aad_fmt;
	size_t max; /* bytes of the largest secret sealed there */
};

#define SMALL_SECRET 4096

/* Every place a secret sealed by the master key is stored. */
static const struct rewrap places[] = {
    {"recordings", "id", "wrapped_key", "dek", "rec:%s", SMALL_SECRET},
    {"documents", "id", "wrapped_key", "dek", "doc:%s", SMALL_SECRET},
    {"users", "id", "totp_secret", "totp", "totp:%s", SMALL_SECRET},
    {"users", "id", "totp_pending", "totp", "totp:%s", SMALL_SECRET},
    {"keyring", "name", "wrapped", "keyring", "keyring:%s", SMALL_SECRET},
    {"export_requests", "id", "wrapped_key", "dek", "export:%s", SMALL_SECRET},
    /* Not a key but the cues themselves (what was said is health data): resealed whole. */
    {"transcripts", "id", "sealed", "transcript", "transcript:%s", TRANSCRIPT_JSON_MAX + 64},
};

static int rewrap_place(struct db *db, const struct vault_key *old, const struct vault_key *next,
                        const struct rewrap *p, long long *count)
{
	char sql[256], aad[96];
	struct db_stmt *sel, *upd;
	int rc = 0;

	snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s WHERE %s IS NOT NULL", p->id_col,
	         p->key_col, p->table, p->key_col);
	sel = db_prepare(db, sql);
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s = ?", p->table, p->key_col,
	         p->id_col);
	upd = db_prepare(db, sql);
	if (!sel || !upd)
		rc = -1;
	while (!rc && db_step(sel) == DB_ROW) {
		struct kv_buf plain = KV_BUF_INIT(p->max), wrapped = KV_BUF_INIT(p->max);
		const char *id = db_col_text(sel, 0);
		size_t len;
		const void *blob = db_col_blob(sel, 1, &len);
		snprintf(aad, sizeof(aad), p->aad_fmt, id);
		if (len == 0) { /* a placeholder (an upload that never got its key) */
			kv_buf_release(&plain);
			continue;
		}
		if (vault_unseal(old, p->purpose, aad, blob, len, &plain) ||
		    vault_seal(next, p->purpose, aad, plain.data, plain.len, &wrapped)) {
			fprintf(stderr, "kvalab key rotate: %s %s of %s %s cannot be rewrapped\n",
			        p->key_col, p->table, p->id_col, id);
			rc = -1;
		} else {
			db_bind_blob(upd, 1, wrapped.data, wrapped.len);
			db_bind_text(upd, 2, id);
			if (db_step(upd) != DB_DONE)
				rc = -1;
			db_finalize(upd);
			snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s = ?", p->table,
			         p->key_col, p->id_col);
			upd = db_prepare(db, sql);
			(*count)++;
		}
		if (plain.data)
			sodium_memzero(plain.data, plain.len);
		kv_buf_release(&plain);
		kv_buf_release(&wrapped);
	}
	db_finalize(sel);
	db_finalize(upd);
	return rc;
}

int cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *dir = NULL;
	struct vault_key *old = NULL, *next = NULL;
	struct db *db = NULL;
	struct datadir d;
	char err[512], new_path[PATH_MAX + 8];
	long long count = 0;
	size_t i;
	int c, lock = -1, rc = CLI_FAIL, dfd;

	if (argc < 2 || strcmp(argv[1], "rotate")) {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		usage(help ? stdout : stderr);
		return help ? CLI_OK : CLI_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!dir || optind != argc - 1) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (datadir_paths(dir, &d)) {
		cli_error("key rotate", "the folder name is too long");
		return CLI_USAGE;
	}
	lock = datadir_lock(&d);
	if (lock < 0) {
		cli_error("key rotate", "the server is running on %s; stop it first", d.dir);
		return CLI_FAIL;
	}
	if (datadir_open(&d, 1, &db, &old, err, sizeof(err))) {
		cli_error("key rotate", "%s", err);
		goto out;
	}
	snprintf(new_path, sizeof(new_path), "%s.new", d.key_path);
	if (vault_masterkey_create(new_path)) {
		cli_error("key rotate", "cannot create %s: %s", new_path, strerror(errno));
		goto out;
	}
	next = vault_masterkey_load(new_path, err, sizeof(err));
	if (!next || db_begin(db) != KV_OK) {
		cli_error("key rotate", "%s", next ? "the database is busy" : err);
		unlink(new_path);
		goto out;
	}
	/* The audit row goes first, while the keyring still opens with the old key; it commits
	 * or rolls back with the rotation. */
	if (datadir_audit(db, old, "system.key_rotate", NULL, 0, "master key rotated"))
		i = 0;
	else
		for (i = 0; i < sizeof(places) / sizeof(places[0]); i++)
			if (rewrap_place(db, old, next, &places[i], &count))
				break;
	if (i < sizeof(places) / sizeof(places[0]) || db_commit(db) != KV_OK) {
		db_rollback(db);
		unlink(new_path);
		cli_error("key rotate", "nothing was changed: %s", db_errmsg(db));
		goto out;
	}
	/* Committed: from here the database needs the new key; make it the master key. */
	if (rename(new_path, d.key_path)) {
		cli_error("key rotate",
		          "the database uses the new key but %s could not be renamed: "
		          "%s; rename it to %s by hand",
		          new_path, strerror(errno), d.key_path);
		goto out;
	}
	dfd = open(d.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	printf("kvalab: master key rotated; %lld wrapped keys rewrapped\n", count);
	rc = CLI_OK;
out:
	vault_key_free(next);
	vault_key_free(old);
	db_close(db);
	if (lock >= 0)
		close(lock);
	return rc;
}
