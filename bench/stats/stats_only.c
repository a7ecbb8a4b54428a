/* The statistics subcommand alone, linked without the server's libraries: not shipped. */
/*
 * bench/stats/run.py builds this from build/libkv.a to show what kvalab's start-up costs
 * `kvalab stats`: the same code, the same results, but only jansson, GSL and libc to load
 * instead of the 80-odd libraries the server needs. Run as `stats_only kappa FILE`.
 */
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "util/banned.h"

int main(int argc, char **argv)
{
	/* As src/main.c does before it runs a subcommand. */
	umask(077);
	gsl_set_error_handler_off();
	return cmd_stats(argc, argv);
}
