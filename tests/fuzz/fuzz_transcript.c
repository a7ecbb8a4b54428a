/* libFuzzer driver for the WebVTT and SRT parser: any bytes must parse into well-formed cues or
 * be refused with a message, never misbehave. Built and run by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/transcript.h"
#include "util/csv.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transcript t;
	size_t i;
	/* The first byte picks the hint and the flags, so every path gets its turn (the seeds in
	 * corpus/transcript start with that byte too). */
	unsigned pick = size ? data[0] : 0;
	enum transcript_format hint = (enum transcript_format)(pick % TRANSCRIPT__MAX);
	unsigned flags = pick & 0x80 ? TRANSCRIPT_REFUSE_IDNUMBERS : 0;

	if (size) {
		data++;
		size--;
	}
	if (transcript_parse((const char *)data, size, hint, flags, &t)) {
		/* A refusal says why, and on which line when it is not about the size. */
		if (t.err == TRANSCRIPT_OK || t.err >= TRANSCRIPT_ERR__MAX || !t.err_msg[0] ||
		    t.n_cues != 0 || (t.err_line == 0 && t.err != TRANSCRIPT_ETOOBIG))
			abort();
		if (t.err_line && strncmp(t.err_msg, "line ", 5))
			abort();
		transcript_release(&t);
		return 0;
	}
	if (t.n_cues == 0 || t.n_cues > TRANSCRIPT_MAX_CUES ||
	    (t.format != TRANSCRIPT_VTT && t.format != TRANSCRIPT_SRT))
		abort();
	for (i = 0; i < t.n_cues; i++) {
		const struct transcript_cue *c = &t.cues[i];
		size_t n = strlen(c->text);
		/* Cues last, come in start order, and hold non-empty UTF-8 within the caps. */
		if (c->end_ms <= c->start_ms || c->start_ms < 0 ||
		    (i && c->start_ms < t.cues[i - 1].start_ms) || n == 0 ||
		    n > TRANSCRIPT_MAX_TEXT || strlen(c->speaker) > TRANSCRIPT_MAX_SPEAKER ||
		    !csv_utf8_valid(c->text, n) ||
		    !csv_utf8_valid(c->speaker, strlen(c->speaker)) || c->line == 0)
			abort();
	}
	transcript_release(&t);
	return 0;
}
