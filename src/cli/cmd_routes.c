/* kvalab routes: lists the API's routes, so a test can compare them with docs/openapi.yaml. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "util/banned.h"

int cmd_routes(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: kvalab routes\n\nPrints every API route as METHOD PATH.\n");
		return CLI_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: kvalab routes\n");
		return CLI_USAGE;
	}
	api_routes_print();
	return CLI_OK;
}
