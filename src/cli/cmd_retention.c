/* kvalab retention run: applies the retention rules now (the server also does so every
 * minute); --dry-run lists what would be destroyed and changes nothing. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "cli/datadir.h"
#include "util/banned.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: kvalab retention run --data DIR [--dry-run]\n\n"
	             "Destroys every recording whose deadline has passed: consent withdrawn (at "
	             "once),\nfeedback meeting held or agreement terminated (after the "
	             "institution's retention\ndays), unfinished uploads past their expiry. Each "
	             "destruction is receipted in the\naudit log. --dry-run only lists them.\n");
}

static void print_due(void *cb, long long recording, long long submission, const char *rule)
{
	int *dry = cb;

	printf("%s recording %lld of submission %lld: %s\n", *dry ? "would destroy" : "destroyed",
	       recording, submission, rule);
}

int cmd_retention(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"dry-run", no_argument, NULL, 'n'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *dir = NULL;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	struct api_ctx ctx;
	struct datadir d;
	char err[512];
	int c, dry = 0, n;

	if (argc < 2 || strcmp(argv[1], "run")) {
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
		case 'n':
			dry = 1;
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
	if (datadir_paths(dir, &d) || datadir_open(&d, 1, &db, &key, err, sizeof(err))) {
		cli_error("retention", "%s", err);
		return CLI_FAIL;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.key = key;
	ctx.data_dir = d.dir;
	datadir_audit_key(db, key, ctx.audit_key);
	n = api_retention_run(&ctx, db, dry, print_due, &dry);
	printf("%d recording%s %s\n", n, n == 1 ? "" : "s", dry ? "due" : "destroyed");
	db_close(db);
	vault_key_free(key);
	return CLI_OK;
}
