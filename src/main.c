/* kvalab: one program, many subcommands; this file only dispatches to them. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "version.h"
#include "util/banned.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
    {"init", cmd_init, "create a data folder, database, master key and the first lab admin"},
    {"serve", cmd_serve, "run the HTTP server"},
    {"user", cmd_user, "add, list, disable users and reset passwords"},
    {"token", cmd_token, "create personal API tokens for scripts"},
    {"backup", cmd_backup, "make a consistent online copy of the database"},
    {"check", cmd_check, "verify database integrity, migrations and the audit chain"},
    {"stats", cmd_stats, "reliability and outcome statistics on CSV files"},
    {"key", cmd_key, "rotate the master key (rewraps every key it protects)"},
    {"retention", cmd_retention, "apply the recording retention rules now"},
    {"report", cmd_report, "the feedback profile of a rating and its PDF report, from files"},
    {"instrument", cmd_instrument, "import and list rating scales and outcome measures"},
    {"mail", cmd_mail, "send a test message, list the outbox, send a failed message again"},
    {"routes", cmd_routes, "list the HTTP API routes (used by the documentation test)"},
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: kvalab <command> [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "  %-10s %s\n", "version", "print the version");
	fprintf(out, "\nRun 'kvalab <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	/* Everything kvalab writes (database, keys, backups) is for its own user only. */
	umask(077);
	/* Statistics report bad input themselves; GSL must never abort the process. */
	gsl_set_error_handler_off();
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("kvalab %s\n", KV_VERSION);
		return CLI_OK;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kvalab: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
