/* Runs every registered unit test (or those whose name contains argv[1]) and counts them. */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TESTS 2048

struct unit_case {
	const char *name;
	void (*fn)(void);
	const char *file;
};

static struct unit_case cases[MAX_TESTS];
static int n_cases;
static int current_failed;
static char tmpdir[256];

void unit_register(const char *name, void (*fn)(void), const char *file)
{
	if (n_cases == MAX_TESTS) {
		fprintf(stderr, "unit: too many tests\n");
		exit(2);
	}
	cases[n_cases].name = name;
	cases[n_cases].fn = fn;
	cases[n_cases].file = file;
	n_cases++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failed = 1;
	fprintf(stdout, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

const char *unit_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("KV_TEST_TMP");
		snprintf(tmpdir, sizeof(tmpdir), "%s/unit-%ld", base ? base : "/tmp",
		         (long)getpid());
		mkdir(tmpdir, 0700);
	}
	return tmpdir;
}

static int by_file_then_name(const void *a, const void *b)
{
	const struct unit_case *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	return c ? c : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qsort(cases, (size_t)n_cases, sizeof(cases[0]), by_file_then_name);
	for (i = 0; i < n_cases; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		current_failed = 0;
		cases[i].fn();
		if (current_failed) {
			failed++;
			printf("not ok - %s\n", cases[i].name);
		} else {
			passed++;
			printf("ok - %s\n", cases[i].name);
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
