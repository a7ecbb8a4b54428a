/* Random tokens: only their SHA-256 is stored, so a copy of the database opens no session. */
#include "core/token.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "util/banned.h"

void token_generate(const char *prefix, char out[TOKEN_TEXT_MAX])
{
	uint8_t raw[32];
	size_t plen = strlen(prefix);

	if (sodium_init() < 0 || plen > 8) {
		out[0] = '\0';
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, TOKEN_TEXT_MAX - plen, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void token_hash(const char *token, uint8_t out[TOKEN_HASH_LEN])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

void token_hex(const uint8_t *in, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, in, len);
}

int token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
