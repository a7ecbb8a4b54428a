/* Bounded number parsing: a number must fill the whole field and fit the caller's range. */
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define NUM_MAX 64

static int copy_field(const char *s, size_t len, char *tmp)
{
	if (len == 0 || len >= NUM_MAX)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return 0;
}

int parse_llong(const char *s, size_t len, long long min, long long max, long long *out)
{
	char tmp[NUM_MAX], *end;
	long long v;
	size_t i = 0;

	if (copy_field(s, len, tmp))
		return -1;
	if (tmp[0] == '-' || tmp[0] == '+')
		i = 1;
	if (tmp[i] == '\0')
		return -1;
	for (; tmp[i]; i++)
		if (tmp[i] < '0' || tmp[i] > '9')
			return -1;
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_llong_str(const char *s, long long min, long long max, long long *out)
{
	return parse_llong(s, strlen(s), min, max, out);
}

int parse_double(const char *s, size_t len, double *out)
{
	char tmp[NUM_MAX], *end;
	double v;
	size_t i;

	if (copy_field(s, len, tmp))
		return -1;
	/* Only plain decimal notation: strtod would also take hex, inf and nan. */
	for (i = 0; tmp[i]; i++)
		if (!strchr("0123456789+-.eE", tmp[i]))
			return -1;
	errno = 0;
	v = strtod(tmp, &end);
	if (errno || *end || end == tmp || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int parse_double_str(const char *s, double *out)
{
	return parse_double(s, strlen(s), out);
}
