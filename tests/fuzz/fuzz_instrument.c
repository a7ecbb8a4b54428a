/* libFuzzer driver for instrument files: any bytes must validate or be refused with a path,
 * and whatever validates must compile and answer queries without misbehaving. Built and run by
 * `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/instrument.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *def = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr), *empty,
	       *out;
	struct instrument *in;
	char err[512];

	if (!def)
		return 0;
	if (instrument_validate(def, err, sizeof(err)) == 0 && (in = instrument_compile(def))) {
		empty = json_object();
		out = instrument_missing(in, empty);
		json_decref(out);
		out = instrument_derive(in, empty, empty);
		json_decref(out);
		out = instrument_summary(in, "nb");
		json_decref(out);
		json_decref(empty);
		instrument_free(in);
	}
	json_decref(def);
	return 0;
}
