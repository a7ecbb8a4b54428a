/* kvalab check: database integrity, migrations current, audit chain intact. Exit 0 only when
 * all three hold; otherwise say precisely what is wrong. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/datadir.h"
#include "db/audit_log.h"
#include "db/outbox.h"
#include "util/banned.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: kvalab check --data DIR\n\n"
	             "Checks the database's integrity, that every migration is applied, and that\n"
	             "the audit log's hash chain is intact (no row edited, deleted or cut off).\n"
	             "Also reads DIR/kvalab.ini and says whether mail is configured and whether\n"
	             "messages in the outbox have failed.\n");
}

/* The [mail] settings and the outbox: a bad setting fails; no server or failed messages are
 * reported, since the rest of kvalab works without mail. */
static int check_mail(const struct datadir *d, struct db *db)
{
	struct kv_config cfg;
	char err[1024];
	long long waiting, failed;

	if (datadir_config(d, &cfg, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		return -1;
	}
	waiting = outbox_count(db, "queued");
	failed = outbox_count(db, "failed");
	if (mail_enabled(&cfg.mail))
		printf("ok: mail goes through %s from %s (%lld message%s queued)\n", cfg.mail.url,
		       cfg.mail.from, waiting, waiting == 1 ? "" : "s");
	else
		printf("note: mail is not configured ([mail] url in %s); %lld message%s wait%s in "
		       "the outbox\n",
		       d->ini_path, waiting, waiting == 1 ? "" : "s", waiting == 1 ? "s" : "");
	if (failed)
		printf("warning: %lld message%s could not be sent (kvalab mail list --failed)\n",
		       failed, failed == 1 ? "" : "s");
	datadir_config_wipe(&cfg);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	unsigned char akey[AUDIT_KEY_LEN];
	const char *dir = NULL;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	struct datadir d;
	long long rows = 0;
	char err[512];
	int c, failed = 0, have, latest;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
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
	if (!dir || optind != argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (datadir_paths(dir, &d) || datadir_open(&d, 0, &db, &key, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		return CLI_FAIL;
	}
	if (db_integrity_check(db, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		failed = 1;
	} else {
		printf("ok: database integrity\n");
	}
	have = db_schema_version(db);
	latest = db_schema_latest();
	if (have != latest) {
		printf("FAIL: schema version is %d but this kvalab expects %d (start the server "
		       "or run a matching kvalab to migrate)\n",
		       have, latest);
		failed = 1;
	} else {
		printf("ok: schema version %d is current\n", have);
	}
	if (datadir_audit_key(db, key, akey)) {
		printf("FAIL: the audit key cannot be unwrapped with this master key\n");
		failed = 1;
	} else if (db_audit_verify(db, akey, &rows, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		failed = 1;
	} else {
		printf("ok: audit chain intact (%lld rows)\n", rows);
	}
	sodium_memzero(akey, sizeof(akey));
	if (check_mail(&d, db))
		failed = 1;
	db_close(db);
	vault_key_free(key);
	return failed ? CLI_FAIL : CLI_OK;
}
