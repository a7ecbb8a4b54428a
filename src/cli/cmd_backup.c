/* kvalab backup: a consistent copy of the database, taken while the server keeps running. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/datadir.h"
#include "util/banned.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: kvalab backup --data DIR --to FILE\n\n"
	             "Copies the database with SQLite's online backup, consistent even while the\n"
	             "server writes. FILE must not exist. The master key is NOT in the copy: keep\n"
	             "DIR/master.key safe separately, or the copy's secrets cannot be read.\n");
}

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *to = NULL;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	struct datadir d;
	struct stat st;
	char err[512];
	int c, rc = CLI_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!dir || !to || optind != argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (stat(to, &st) == 0) {
		cli_error("backup", "%s already exists; refusing to overwrite it", to);
		return CLI_FAIL;
	}
	if (datadir_paths(dir, &d) || datadir_open(&d, 0, &db, &key, err, sizeof(err))) {
		cli_error("backup", "%s", err);
		return CLI_FAIL;
	}
	if (db_backup(db, to, err, sizeof(err))) {
		cli_error("backup", "%s", err);
		unlink(to);
		goto out;
	}
	chmod(to, 0600);
	datadir_audit(db, key, "system.backup", NULL, 0, to);
	if (stat(to, &st) == 0)
		printf("kvalab: backup written to %s (%lld bytes)\n", to, (long long)st.st_size);
	rc = CLI_OK;
out:
	db_close(db);
	vault_key_free(key);
	return rc;
}
