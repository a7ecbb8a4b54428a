/* libFuzzer driver for the feedback profile: any JSON as the scores, coding, lab reference and
 * history of a rating on the shipped MBT or MITI scale must give a profile (or NULL without
 * scores) without misbehaving. Built and run by `make fuzz`, from the repository root. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/profile.h"
#include "util/banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct instrument *mbt, *miti;

static struct instrument *shipped(const char *path)
{
	json_t *def = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	struct instrument *in = def ? instrument_compile(def) : NULL;

	json_decref(def);
	if (!in) {
		fprintf(stderr, "fuzz_profile: %s: cannot compile (run from the repository root)\n",
		        path);
		exit(2);
	}
	return in;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mbt = shipped("instruments/mbt-i-aqs-1.json");
	miti = shipped("instruments/miti-4.2.1.json");
	return 0;
}

/* {"instrument": "miti"|..., "scores", "interventions", "duration_s", "reference", "history",
 *  "lang"} */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, 0, NULL), *p;
	const char *which;
	struct profile_input pi;

	if (!in)
		return 0;
	which = json_string_value(json_object_get(in, "instrument"));
	memset(&pi, 0, sizeof(pi));
	pi.in = which && !strcmp(which, "miti") ? miti : mbt;
	pi.scores = json_object_get(in, "scores");
	pi.interventions = json_object_get(in, "interventions");
	pi.duration_s = json_number_value(json_object_get(in, "duration_s"));
	pi.reference = json_object_get(in, "reference");
	pi.history = json_object_get(in, "history");
	pi.lang = json_string_value(json_object_get(in, "lang"));
	p = profile_compute(&pi);
	json_decref(p);
	json_decref(in);
	return 0;
}
