/* kvalab instrument (import, list, check): rating scales and outcome measures as JSON files
 * (docs/instruments.md), validated and put on file from the console. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/datadir.h"
#include "cli/instrument_import.h"
#include "core/instrument.h"
#include "db/rows.h"
#include "util/banned.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: kvalab instrument import --data DIR FILE...\n"
	        "       kvalab instrument list --data DIR\n"
	        "       kvalab instrument check FILE...\n\n"
	        "import  validates each file against the schema (docs/instruments.md) and puts it "
	        "on file.\n"
	        "        A file that breaks the schema is refused with the path of the first "
	        "error\n"
	        "        (exit 2). The same code and version again is \"already imported\" when "
	        "the\n"
	        "        definition is identical, and refused when it differs: versions are "
	        "immutable,\n"
	        "        so give a changed definition a new version (exit 1).\n"
	        "list    shows every instrument on file; items is - for one without a "
	        "definition.\n"
	        "check   validates files without touching a data folder.\n");
}

/* Parses --data and --help after the subcommand; the remaining arguments are files. Returns
 * 0, 1 for --help, or -1 for bad usage. */
static int parse_args(int argc, char **argv, const char **dir, int *first_file)
{
	static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;

	*dir = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*dir = optarg;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	*first_file = optind;
	return 0;
}

static int open_data(const char *cmd, const char *dir, struct db **db, struct vault_key **key)
{
	struct datadir d;
	char err[512];

	if (datadir_paths(dir, &d)) {
		cli_error(cmd, "the folder name is too long");
		return -1;
	}
	if (datadir_open(&d, 1, db, key, err, sizeof(err))) {
		cli_error(cmd, "%s", err);
		return -1;
	}
	return 0;
}

static int instrument_import(const char *dir, int nfiles, char **files)
{
	struct instrument_import res;
	struct vault_key *key = NULL;
	struct db *db = NULL;
	int i, rc = CLI_OK;

	if (nfiles < 1) {
		cli_error("instrument import", "give at least one FILE");
		return CLI_USAGE;
	}
	if (open_data("instrument import", dir, &db, &key))
		return CLI_FAIL;
	for (i = 0; i < nfiles; i++) {
		if (instrument_import_file(db, key, files[i], &res)) {
			cli_error("instrument import", "%s: %s", files[i], res.err);
			if (res.why == KV_EINVAL)
				rc = CLI_USAGE;
			else if (rc == CLI_OK)
				rc = CLI_FAIL;
			continue;
		}
		if (res.outcome == INSTRUMENT_UNCHANGED)
			printf("%s %s: already imported (id %lld)\n", res.code, res.version,
			       res.id);
		else
			printf("imported %s %s (id %lld)\n", res.code, res.version, res.id);
	}
	db_close(db);
	vault_key_free(key);
	return rc;
}

static int items_of(const char *definition)
{
	json_t *def = definition ? json_loads(definition, 0, NULL) : NULL;
	int n = def ? (int)json_array_size(json_object_get(def, "items")) : -1;

	json_decref(def);
	return n;
}

static int width(json_t *rows, const char *col, int min)
{
	size_t i;
	int w = min;

	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *v = json_object_get(json_array_get(rows, i), col);
		int n = json_is_string(v) ? (int)strlen(json_string_value(v)) : 0;
		if (n > w)
			w = n;
	}
	return w;
}

static int instrument_list(const char *dir)
{
	struct vault_key *key = NULL;
	struct db *db = NULL;
	json_t *rows;
	size_t i;
	int wc, wv, wn;

	if (open_data("instrument list", dir, &db, &key))
		return CLI_FAIL;
	rows = db_json_rows(db,
	                    "SELECT id, code, version, kind, name, definition FROM instruments "
	                    "ORDER BY code, id",
	                    NULL, 0, NULL);
	if (!rows) {
		cli_error("instrument list", "the instruments cannot be read: %s", db_errmsg(db));
		db_close(db);
		vault_key_free(key);
		return CLI_FAIL;
	}
	wc = width(rows, "code", 4);
	wv = width(rows, "version", 7);
	wn = width(rows, "name", 4);
	printf("%-4s  %-*s  %-*s  %-8s  %-*s  %s\n", "id", wc, "code", wv, "version", "kind", wn,
	       "name", "items");
	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *r = json_array_get(rows, i);
		int items = items_of(json_string_value(json_object_get(r, "definition")));
		char n[16];

		if (items < 0)
			snprintf(n, sizeof(n), "-");
		else
			snprintf(n, sizeof(n), "%d", items);
		printf("%-4lld  %-*s  %-*s  %-8s  %-*s  %s\n",
		       (long long)json_integer_value(json_object_get(r, "id")), wc,
		       json_string_value(json_object_get(r, "code")), wv,
		       json_string_value(json_object_get(r, "version")),
		       json_string_value(json_object_get(r, "kind")), wn,
		       json_string_value(json_object_get(r, "name")), n);
	}
	json_decref(rows);
	db_close(db);
	vault_key_free(key);
	return CLI_OK;
}

static int instrument_check(int nfiles, char **files)
{
	char err[512];
	int i, rc = CLI_OK;

	if (nfiles < 1) {
		cli_error("instrument check", "give at least one FILE");
		return CLI_USAGE;
	}
	for (i = 0; i < nfiles; i++) {
		json_t *def = instrument_file_load(files[i], err, sizeof(err));
		if (!def || instrument_validate(def, err, sizeof(err))) {
			cli_error("instrument check", "%s: %s", files[i], err);
			rc = CLI_USAGE;
		} else {
			printf("%s: ok (%s %s, %zu items)\n", files[i],
			       json_string_value(json_object_get(def, "code")),
			       json_string_value(json_object_get(def, "version")),
			       json_array_size(json_object_get(def, "items")));
		}
		json_decref(def);
	}
	return rc;
}

int cmd_instrument(int argc, char **argv)
{
	const char *dir, *sub;
	int first, p;

	if (argc < 2 ||
	    (strcmp(argv[1], "import") && strcmp(argv[1], "list") && strcmp(argv[1], "check"))) {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		usage(help ? stdout : stderr);
		return help ? CLI_OK : CLI_USAGE;
	}
	sub = argv[1];
	p = parse_args(argc - 1, argv + 1, &dir, &first);
	if (p) {
		usage(p > 0 ? stdout : stderr);
		return p > 0 ? CLI_OK : CLI_USAGE;
	}
	if (!dir && strcmp(sub, "check")) {
		cli_error(sub[0] == 'i' ? "instrument import" : "instrument list",
		          "--data DIR is required");
		return CLI_USAGE;
	}
	/* first counts from argv + 1 */
	if (!strcmp(sub, "import"))
		return instrument_import(dir, argc - 1 - first, argv + 1 + first);
	if (!strcmp(sub, "check"))
		return instrument_check(argc - 1 - first, argv + 1 + first);
	if (first != argc - 1) {
		cli_error("instrument list", "unexpected argument '%s'", argv[1 + first]);
		return CLI_USAGE;
	}
	return instrument_list(dir);
}
