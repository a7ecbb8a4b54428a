/* JSON fixtures for the unit tests: shipped instrument files and single-quoted JSON. */
#include "unit_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "util/banned.h"

json_t *unit_shipped_json(const char *name)
{
	char path[512];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "instruments/%s", name);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		snprintf(path, sizeof(path), "%.*s/../../instruments/%s",
		         (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__, name);
		j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	}
	if (!j)
		printf("    %s: line %d: %s\n", name, e.line, e.text);
	return j;
}

struct instrument *unit_shipped_instrument(const char *name)
{
	json_t *def = unit_shipped_json(name);
	struct instrument *in;
	char err[512];

	if (!def)
		return NULL;
	if (instrument_validate(def, err, sizeof(err)))
		printf("    %s: %s\n", name, err);
	in = instrument_compile(def);
	json_decref(def);
	return in;
}

json_t *unit_json(const char *text)
{
	char *s = strdup(text), *p;
	json_error_t e;
	json_t *j;

	if (!s)
		abort();
	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!j)
		printf("    bad test JSON at column %d: %s\n", e.column, e.text);
	free(s);
	return j;
}
