/* Case codes drawn from an alphabet without 0/O, 1/I/L, so they survive being read aloud. */
#include "core/pseudonym.h"

#include <string.h>

#include <sodium.h>

#include "util/banned.h"

static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void pseudonym_case_code(char out[CASE_CODE_LEN])
{
	static const int layout[] = {2, 3, 4, 5, 7, 8}; /* positions of the random characters */
	size_t i;

	if (sodium_init() < 0) {
		out[0] = '\0';
		return;
	}
	memcpy(out, "P-xxxx-xx", CASE_CODE_LEN);
	for (i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
		out[layout[i]] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
}

int pseudonym_is_case_code(const char *s)
{
	int i;

	if (strlen(s) != CASE_CODE_LEN - 1 || s[0] != 'P' || s[1] != '-' || s[6] != '-')
		return 0;
	for (i = 2; i < CASE_CODE_LEN - 1; i++)
		if (i != 6 && !strchr(alphabet, s[i]))
			return 0;
	return 1;
}
