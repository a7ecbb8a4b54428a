/* libFuzzer driver for the CSV reader: any bytes must parse or fail cleanly, never misbehave. */
/*
 * Build and run (clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc tests/fuzz/fuzz_csv.c \
 *       src/util/csv.c src/util/buf.c src/util/xalloc.c -o /tmp/fuzz_csv
 *   /tmp/fuzz_csv tests/fuzz/corpus/csv
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r;
	size_t i, last_line = 0;
	int rc;

	/* Small caps so the fuzzer reaches the limit paths quickly. */
	csv_reader_init(&r, (const char *)data, size, 8, 32);
	while ((rc = csv_next(&r)) == 1) {
		if (r.n_fields == 0 || r.n_fields > 8 || r.record_line <= last_line)
			abort();
		last_line = r.record_line;
		for (i = 0; i < r.n_fields; i++) {
			const struct csv_field *f = &r.fields[i];
			/* Fields are NUL-terminated, hold no NUL, fit the cap and are UTF-8. */
			if (f->len > 32 || f->s[f->len] != '\0' || strlen(f->s) != f->len ||
			    !csv_utf8_valid(f->s, f->len))
				abort();
		}
	}
	if (rc < 0 &&
	    (r.err[0] == '\0' || r.err_line == 0 || r.err_column == 0 || csv_next(&r) != -1))
		abort();
	csv_reader_release(&r);
	return 0;
}
