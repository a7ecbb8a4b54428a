/* Field validators shared by the API and the command line. */
#include "core/validate.h"

#include <string.h>

#include "util/banned.h"

static int utf8_valid(const unsigned char *s)
{
	while (*s) {
		int n;
		unsigned int c = *s;
		if (c < 0x80)
			n = 0;
		else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 1;
		else if ((c & 0xf0) == 0xe0)
			n = 2;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		s++;
		while (n--) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			s++;
		}
	}
	return 1;
}

const char *validate_text(const char *s, size_t max, int allow_newlines)
{
	const unsigned char *p;

	if (strlen(s) > max)
		return "is too long";
	if (!utf8_valid((const unsigned char *)s))
		return "is not valid UTF-8";
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == 0x7f ||
		    (*p < 0x20 && !(allow_newlines && (*p == '\n' || *p == '\t' || *p == '\r'))))
			return "contains control characters";
	}
	return NULL;
}

const char *validate_email(const char *s)
{
	const char *at, *dot, *p;
	size_t len = strlen(s);

	if (len == 0)
		return "is required";
	if (len > EMAIL_MAX)
		return "is too long";
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return "must be an e-mail address like name@example.org";
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("<>()[]\\,;:\"", *p))
			return "must be an e-mail address like name@example.org";
	dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0')
		return "must be an e-mail address like name@example.org";
	return NULL;
}

const char *validate_locale(const char *s)
{
	if (!strcmp(s, "nb") || !strcmp(s, "da") || !strcmp(s, "en"))
		return NULL;
	return "must be one of nb, da, en";
}

void email_normalise(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Copies the digits of s into out (at most cap), skipping spaces and one hyphen; -1 when
 * anything else appears. */
static int digits_only(const char *s, char *out, size_t cap, size_t *n)
{
	int hyphens = 0;

	*n = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (*n + 1 >= cap)
				return -1;
			out[(*n)++] = *s;
		} else if (*s == ' ' || (*s == '-' && !hyphens++)) {
			continue;
		} else {
			return -1;
		}
	}
	out[*n] = '\0';
	return 0;
}

static int weighted_mod11(const char *d, const int *w, size_t n)
{
	int sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += (d[i] - '0') * w[i];
	return sum % 11;
}

const char *validate_org_number(const char *country, const char *s)
{
	static const int w_no[] = {3, 2, 7, 6, 5, 4, 3, 2};
	static const int w_dk[] = {2, 7, 6, 5, 4, 3, 2, 1};
	char d[32];
	size_t n, i;
	int k, sum;

	if (!strcmp(country, "other"))
		return validate_text(s, 40, 0);
	if (digits_only(s, d, sizeof(d), &n))
		return "may contain only digits, spaces and one hyphen";
	if (!strcmp(country, "NO")) {
		if (n != 9)
			return "must have 9 digits (Norwegian organisation number)";
		k = 11 - weighted_mod11(d, w_no, 8);
		if (k == 11)
			k = 0;
		if (k == 10 || k != d[8] - '0')
			return "is not a valid Norwegian organisation number (control digit)";
	} else if (!strcmp(country, "DK")) {
		if (n != 8)
			return "must have 8 digits (Danish CVR number)";
		if (weighted_mod11(d, w_dk, 8) != 0)
			return "is not a valid Danish CVR number (control digit)";
	} else if (!strcmp(country, "SE")) {
		if (n != 10)
			return "must have 10 digits (Swedish organisation number)";
		for (sum = 0, i = 0; i < 10; i++) {
			int v = (d[i] - '0') * (i % 2 ? 1 : 2);
			sum += v > 9 ? v - 9 : v;
		}
		if (sum % 10)
			return "is not a valid Swedish organisation number (control digit)";
	}
	return NULL;
}

const char *validate_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return "must be a date written YYYY-MM-DD";
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return "must be a date written YYYY-MM-DD";
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0)))
		return "is not a real calendar date";
	return NULL;
}
