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
	struct instrument_outcome rules;
	struct instrument_score score;
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
		/* A client-rated measure: score some answers, ask for the questionnaire. */
		if (instrument_outcome_rules(in, &rules) == 0) {
			json_t *answers = json_pack("{s:i, s:f, s:n}", "1", 1, "2", 0.5, "3");
			instrument_score_answers(in, answers, &score);
			instrument_score_band(in, score.score);
			out = instrument_score_alerts(in, answers, "en");
			json_decref(out);
			out = instrument_questionnaire(in, "en");
			json_decref(out);
			json_decref(answers);
		}
		json_decref(empty);
		instrument_free(in);
	}
	json_decref(def);
	return 0;
}
