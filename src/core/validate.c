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
